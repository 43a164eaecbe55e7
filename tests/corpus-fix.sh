#!/usr/bin/env bash
# Fix safety on real code: apply every fix (safe and unsafe) to a copy of Django, DRF
# and Wagtail, then require that every changed file still compiles (CPython's
# py_compile) and parses without syntax errors (tree-sitter), and that a second
# --fix run changes nothing. Run by `npm test`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$("$root/scripts/fetch-corpus.sh")"
cargo build --release --quiet --bin wagcheck --manifest-path "$root/Cargo.toml"
bin="$root/target/release/wagcheck"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$src/django" "$src/rest_framework" "$src/wagtail" "$work/"
cp -r "$work" "$work.orig" && trap 'rm -rf "$work" "$work.orig"' EXIT
cd "$work"

status=0
"$bin" check django rest_framework wagtail --no-config --fix --unsafe-fixes --color never > "$work.first.txt" || status=$?
[ $status -le 1 ] || { echo "corpus-fix: the fix run failed (exit $status)"; cat "$work.first.txt"; exit 1; }
grep -E '^Fixed [0-9]+ hits?\.' "$work.first.txt"

mapfile -t changed < <(diff -rq "$work.orig" "$work" | awk '/^Files /{print $4}' | sed "s|^$work/||")
echo "corpus-fix: ${#changed[@]} files changed"
if [ ${#changed[@]} -gt 0 ]; then
  # compile() is what py_compile runs, without writing a .pyc anywhere.
  python3 - "${changed[@]}" <<'PY'
import sys
bad = []
for path in sys.argv[1:]:
    try:
        with open(path, "rb") as f:
            compile(f.read(), path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        bad.append(f"{path}: {e}")
if bad:
    print("corpus-fix: fixed files that no longer compile:\n" + "\n".join(bad))
    sys.exit(1)
print(f"corpus-fix: all {len(sys.argv) - 1} changed files compile")
PY
  errors=$("$bin" check "${changed[@]}" --no-config --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["syntax_errors"]))')
  [ "$errors" = "0" ] || { echo "corpus-fix: $errors tree-sitter syntax errors in fixed files"; exit 1; }
  echo "corpus-fix: no syntax errors in the changed files"
fi

second=$("$bin" check django rest_framework wagtail --no-config --fix --unsafe-fixes --color never | grep -E '^Fixed' || true)
[ "$second" = "Fixed 0 hits." ] || { echo "corpus-fix: a second --fix still changed code: $second"; exit 1; }
echo "corpus-fix: a second run fixes nothing"
