#!/usr/bin/env bash
# Fetches the real-code corpus once: Django, Django REST framework and Wagtail wheels
# from PyPI at the versions pinned in tests/ecosystem/pins.txt, unpacked into
# .cache/corpus/src (fetched again when a pin changes). Prints that directory.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/.cache/corpus"
mapfile -t packages < <(grep -E '^(django|djangorestframework|wagtail)==' "$root/tests/ecosystem/pins.txt")
if [ "$(cat "$corpus/.pins" 2>/dev/null)" != "${packages[*]}" ]; then
  echo "fetching ${packages[*]} wheels into $corpus" >&2
  rm -rf "$corpus"; mkdir -p "$corpus/wheels" "$corpus/src"
  python3 -m pip download --quiet --no-deps --only-binary :all: -d "$corpus/wheels" "${packages[@]}" >&2
  for wheel in "$corpus"/wheels/*.whl; do
    python3 -m zipfile -e "$wheel" "$corpus/src"
  done
  ls "$corpus/wheels" > "$corpus/.done"
  echo "${packages[*]}" > "$corpus/.pins"
fi
echo "$corpus/src"
