#!/usr/bin/env bash
# Installs what tests/django/run.sh needs; every step is skipped when already done.
#   - a virtual environment in .cache/django-venv with Django, DRF, Wagtail, django-redis and
#     pytest at the versions pinned in tests/django/requirements.txt (from PyPI);
#   - Debian's redis-server (apt-get), which the cache tests start on a free loopback port.
# Runs as root on Debian (apt-get); elsewhere it says what to install by hand.
set -euo pipefail
cd "$(dirname "$0")/../.."
say() { echo "django-setup: $*"; }
VENV=.cache/django-venv
REQ=tests/django/requirements.txt
STAMP=$VENV/.requirements

command -v python3 >/dev/null 2>&1 || { echo "django-setup: python3 is required" >&2; exit 2; }
if [ -x "$VENV/bin/python" ] && cmp -s "$REQ" "$STAMP"; then
  say "$VENV: present"
else
  say "creating $VENV"
  rm -rf "$VENV"
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    # Debian's python3 lacks ensurepip until python3-venv is installed.
    command -v apt-get >/dev/null 2>&1 || { echo "django-setup: install python3-venv" >&2; exit 2; }
    rm -rf "$VENV"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQ"
  cp "$REQ" "$STAMP"
fi

if command -v redis-server >/dev/null 2>&1; then
  say "redis-server: present"
elif command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  say "apt-get install redis-server"
  $sudo apt-get update -qq
  # The package's service is not started: the tests run their own server.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends redis-server
else
  echo "django-setup: please install redis-server (no apt-get here)" >&2
  exit 2
fi
