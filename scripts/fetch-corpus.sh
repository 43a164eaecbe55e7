#!/usr/bin/env bash
# Fetches the real-code corpus once: Django, Django REST framework and Wagtail wheels
# from PyPI, unpacked into .cache/corpus/src. Prints that directory.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/.cache/corpus"
packages=(django djangorestframework wagtail)
if [ ! -f "$corpus/.done" ]; then
  echo "fetching ${packages[*]} wheels into $corpus" >&2
  rm -rf "$corpus"; mkdir -p "$corpus/wheels" "$corpus/src"
  python3 -m pip download --quiet --no-deps --only-binary :all: -d "$corpus/wheels" "${packages[@]}" >&2
  for wheel in "$corpus"/wheels/*.whl; do
    python3 -m zipfile -e "$wheel" "$corpus/src"
  done
  ls "$corpus/wheels" > "$corpus/.done"
fi
echo "$corpus/src"
