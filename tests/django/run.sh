#!/usr/bin/env bash
# Runs the rules' examples and the lessons' code against real Django, DRF, Wagtail and
# django-redis (tests/django/README.md). Sets up what is missing first (setup.sh).
#   bash tests/django/run.sh [PYTEST ARGS...]
# The examples come from `wagcheck rules --format json` (built with cargo) and the lessons
# from web/lessons/*.md, so a changed example is run as it now reads.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tests/django/setup.sh
RULES=$(mktemp)
trap 'rm -f "$RULES"' EXIT
cargo run -q --locked --bin wagcheck -- rules --format json > "$RULES"
cd tests/django
WAGCHECK_RULES_JSON="$RULES" ../../.cache/django-venv/bin/python -m pytest "$@"
