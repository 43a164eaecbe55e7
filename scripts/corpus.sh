#!/usr/bin/env bash
# Real code is the judge of a rule: fetch Django, Django REST framework and Wagtail
# from PyPI (cached in .cache/corpus), run the release CLI over them, and print the
# number of hits per rule. Extra arguments go to `wagcheck check` (e.g. --select SIG).
#
#   scripts/corpus.sh            per-rule counts
#   scripts/corpus.sh --list     every hit, as text
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/.cache/corpus"
"$root/scripts/fetch-corpus.sh" > /dev/null
cargo build --release --quiet --bin wagcheck --manifest-path "$root/Cargo.toml"
bin="$root/target/release/wagcheck"
cd "$corpus/src"
echo "corpus: $(tr '\n' ' ' < "$corpus/.done")" >&2
echo "files: $(find django rest_framework wagtail -name '*.py' | wc -l), lines: $(find django rest_framework wagtail -name '*.py' -print0 | xargs -0 cat | wc -l)" >&2
if [ "${1:-}" = "--list" ]; then
  shift
  "$bin" check django rest_framework wagtail --no-config --color never "$@" || true
  exit 0
fi
set +e
"$bin" check django rest_framework wagtail --no-config --format json "$@" > "$corpus/report.json"
status=$?
set -e
if [ $status -eq 2 ]; then echo "wagcheck reported errors (see above)" >&2; fi
python3 - "$corpus/report.json" <<'PY'
import collections, json, sys
report = json.load(open(sys.argv[1]))
counts = collections.Counter(d["rule"] for d in report["diagnostics"])
print(f"{report['files']} files checked, {len(report['diagnostics'])} hits, "
      f"{len(report['syntax_errors'])} syntax errors, {len(report['errors'])} files not checked")
for rule, n in sorted(counts.items()):
    print(f"  {rule:<9} {n}")
PY
