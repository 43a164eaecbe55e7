#!/usr/bin/env bash
# npm test: sets up what is missing (browser included), then runs every test:
#   1. cargo test --workspace          (the engine, the CLI, the rules' examples)
#   1b. wagcheck test-rules examples/team-rules   (the example team rules' own tests)
#   2. npm run build                   (wasm module + bundled page in dist/)
#   3. node --test tests/node/         (the wasm API under node, CLI parity)
#   4. node --test tests/browser/      (the page in headless Chromium)
#   5. tests/corpus-fix.sh             (every fix applied to Django, DRF and Wagtail keeps them compiling)
#   6. scripts/ecosystem.py            (every hit on 35 real applications is triaged: tests/ecosystem)
#   7. tests/python-package.sh         (the wheel with pip, the pre-commit hooks, SARIF against its schema)
#   8. tests/django/run.sh             (the rules' examples and the lessons run on Django, DRF, Wagtail, django-redis)
#   9. tests/new-rule.sh               (scripts/new-rule.py on a copy: the new rule compiles, fails until filled in)
#   +  scripts/lint.sh                 (cargo fmt --check; clippy -D warnings, native and wasm32)
# Every part runs even when an earlier one fails (except those that need the build); the exit
# code is non-zero if anything failed. Timings and a total count close the output.
set -uo pipefail
cd "$(dirname "$0")/.."
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT
FAILED=()
TIMES=()

part() { # part NAME COMMAND...
  local name=$1
  shift
  echo "=== $name: $*"
  local start=$SECONDS
  "$@" 2>&1 | tee "$LOGS/$name.log"
  local rc=${PIPESTATUS[0]}
  TIMES+=("$(printf '%-8s %4ss  %s' "$name" $((SECONDS - start)) "$([ "$rc" -eq 0 ] && echo ok || echo "FAILED ($rc)")")")
  [ "$rc" -eq 0 ] || FAILED+=("$name")
  return "$rc"
}

part setup bash scripts/setup.sh --browser || { echo "npm test: setup failed"; exit 1; }
part cargo cargo test --workspace --locked --no-fail-fast
part rules cargo run --locked --quiet --bin wagcheck -- test-rules examples/team-rules
part lint bash scripts/lint.sh
if part build npm run --silent build; then
  part node node --test tests/node/
  part browser node --test --test-concurrency=1 tests/browser/
else
  FAILED+=("node (not run)" "browser (not run)")
fi
part jscheck bash scripts/check-js.sh
part corpus bash tests/corpus-fix.sh
part ecosystem python3 scripts/ecosystem.py
part python bash tests/python-package.sh
part django bash tests/django/run.sh
part newrule bash tests/new-rule.sh

# Totals: cargo's "test result: ... N passed; M failed" lines and node's "# pass N" / "# fail N".
passed=0
failed=0
if [ -f "$LOGS/cargo.log" ]; then
  while read -r p f; do
    passed=$((passed + p))
    failed=$((failed + f))
  done < <(sed -n 's/^test result: [a-zA-Z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p' "$LOGS/cargo.log")
fi
# pytest's summary line: "1 failed, 40 passed in 9.1s" (tests/django/run.sh).
if [ -f "$LOGS/django.log" ]; then
  summary=$(grep -E '^=* ?[0-9]+ (passed|failed)' "$LOGS/django.log" | tail -1)
  passed=$((passed + $(echo "$summary" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0)))
  failed=$((failed + $(echo "$summary" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || echo 0)))
fi
for log in "$LOGS/node.log" "$LOGS/browser.log" "$LOGS/rules.log"; do
  [ -f "$log" ] || continue
  passed=$((passed + $(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -1 | grep . || echo 0)))
  failed=$((failed + $(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -1 | grep . || echo 0)))
done

# Other parts close with a plain "N passed, M failed" line (e.g. "ecosystem: 22 passed, 0 failed").
for log in "$LOGS"/*.log; do
  case "$(basename "$log")" in cargo.log | node.log | browser.log) continue ;; esac
  while read -r p f; do
    passed=$((passed + p))
    failed=$((failed + f))
  done < <(sed -n 's/^\([a-z]*: \)\{0,1\}\([0-9]*\) passed, \([0-9]*\) failed$/\2 \3/p' "$log" | tail -1)
done

echo "=== timings"
printf '%s\n' "${TIMES[@]}"
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "npm test: failed parts: ${FAILED[*]}"
  [ "$failed" -gt 0 ] || failed=1
fi
echo "tests: $passed passed, $failed failed"
[ ${#FAILED[@]} -eq 0 ]
