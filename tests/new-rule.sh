#!/usr/bin/env bash
# scripts/new-rule.py on a copy of the workspace: the rule it creates is registered, formatted
# and compiles; its tests fail until it is filled in (the bad example raises nothing, the
# fixture expects a hit nobody raises), and pass once the three files are filled in, with no
# other change. Bad arguments are refused with a clear message. Builds in the checkout's target/
# so the dependencies are not built a second time (the copy's crate has its own hashed artifact
# names; only the uplifted target/debug/wagcheck is the copy's afterwards, and the next cargo
# command in the checkout builds its own again). Ends with "N passed, M failed".
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
no() { echo "FAILED: $1"; failed=$((failed + 1)); }

# The checkout's files as git sees them (tracked and new, not ignored: no target/, no .cache/),
# so the crate's tests find whatever they read outside crate/ (README.md, docs/, ...).
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
  tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | (cd "$WORK" && tar -xf -)
[ -f "$WORK/crate/src/rules/mod.rs" ] || { echo "FAILED: copying the checkout"; exit 1; }
NEW=(python3 "$ROOT/scripts/new-rule.py" --root "$WORK")
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

# Refusals: each exits 2 with one line naming the problem, and writes nothing.
refuse() { # refuse WHAT PATTERN ARGS...
  local what=$1 pattern=$2
  shift 2
  local out
  out=$("${NEW[@]}" "$@" 2>&1)
  local rc=$?
  if [ "$rc" -eq 2 ] && grep -q "$pattern" <<<"$out"; then ok "refuses $what"; else no "refuses $what (exit $rc): $out"; fi
}
refuse "a taken id" "CACHE001 is taken" CACHE001 some-new-name cache
refuse "a taken name" "name delete-pattern-without-fallback is taken" CACHE099 delete-pattern-without-fallback cache
refuse "an unknown family" "unknown family" CACHE099 some-new-name nosuch
refuse "a malformed id" "not an id" cache99 some-new-name cache
refuse "a malformed name" "not a kebab-case name" CACHE099 Some_Name cache
if [ -z "$(cd "$WORK" && find crate -newer Cargo.lock -name '*some*')" ]; then ok "refusals write nothing"; else no "refusals wrote files"; fi

if "${NEW[@]}" CACHE099 example-new-rule cache --fix safe; then ok "creates CACHE099"; else no "creates CACHE099"; fi
for f in crate/src/rules/cache/example_new_rule.rs crate/src/rules/cache/example_new_rule.md crate/tests/fixtures/cache/example_new_rule.py; do
  if [ -f "$WORK/$f" ]; then ok "created $f"; else no "created $f"; fi
done
if grep -q '^pub mod example_new_rule;$' "$WORK/crate/src/rules/cache/mod.rs" &&
  grep -q '^    &example_new_rule::RULE,$' "$WORK/crate/src/rules/cache/mod.rs"; then
  ok "registered in cache/mod.rs"
else
  no "registered in cache/mod.rs"
fi
for section in "## What it does" "## Why is this bad?" "## Fix safety"; do
  if grep -qF "$section" "$WORK/crate/src/rules/cache/example_new_rule.md"; then ok "explanation has $section"; else no "explanation has $section"; fi
done
refuse "an id created a moment ago" "CACHE099 is taken" CACHE099 another-new-name cache
if (cd "$WORK" && cargo fmt --all --check); then ok "the new files are formatted"; else no "the new files are formatted"; fi

# As created: compiles, and the rule's own tests fail, saying why.
(cd "$WORK" && cargo test -p wagcheck --test rule_examples --test fixtures --no-fail-fast) >"$WORK/skeleton.log" 2>&1
for expected in "CACHE099: bad example raises nothing" 'rules without a fixture expecting them: \["CACHE099"\]'; do
  if grep -q "$expected" "$WORK/skeleton.log"; then ok "the skeleton fails: $expected"; else no "the skeleton fails: $expected"; fi
done
if grep -q "^error\[\|^error: could not compile" "$WORK/skeleton.log"; then no "the skeleton compiles: $(grep -m3 -A5 '^error' "$WORK/skeleton.log")"; else ok "the skeleton compiles"; fi

# Filled in (the three files only): a rule flagging `breakpoint()` left in code, with a fix
# that removes the call. Its examples, fixture and fix then pass.
RULE_RS="$WORK/crate/src/rules/cache/example_new_rule.rs"
python3 - "$RULE_RS" "$WORK/crate/tests/fixtures/cache/example_new_rule.py" <<'EOF'
import sys
rule, fixture = sys.argv[1], sys.argv[2]
text = open(rule).read()
text = text.replace('"TODO: what is wrong and what to do instead"', '"A `breakpoint()` call is left in"')
text = text.replace('# TODO: code that raises CACHE099\n', 'def f():\n    breakpoint()\n    return 1\n')
text = text.replace('# TODO: the same code, fixed\n', 'def f():\n    pass\n    return 1\n')
text = text.replace("    let _ = (ctx, hits);\n", '''    for &call in ctx.nodes("call") {
        if ctx.call_name(call).as_deref() == Some("breakpoint") {
            let edit = crate::diagnostic::Edit::replace(call.byte_range(), "pass");
            hits.push(Hit::node(call).with_fix("Replace it with `pass`", vec![edit]));
        }
    }
''')
open(rule, "w").write(text)
open(fixture, "a").write("def g():\n    breakpoint()  # expect: CACHE099\n    print('breakpoint()')\n    return 2\n")
EOF
# A fix without a snapshot fails, naming the command that writes it; README.md and
# docs/rules.md are stale until regenerated. That command, then every test of the crate.
(cd "$WORK" && cargo test -p wagcheck --test fix_snapshots --test cli --no-fail-fast) >"$WORK/stale.log" 2>&1
for expected in "CACHE099: has a fix but no snapshot .*WAGCHECK_UPDATE_SNAPSHOTS=1" "README.md's rule table is stale" "docs/rules.md is stale"; do
  if grep -q "$expected" "$WORK/stale.log"; then ok "before regenerating: $expected"; else no "before regenerating: $expected"; fi
done
(cd "$WORK" && WAGCHECK_UPDATE_SNAPSHOTS=1 cargo test -p wagcheck --test fix_snapshots --test cli) >/dev/null 2>&1
if grep -q "^+    pass$" "$WORK/crate/tests/fixes/CACHE099.snap" && grep -q "^| \[CACHE099\](docs/rules.md#example-new-rule-cache099)" "$WORK/README.md" &&
  grep -q "^## example-new-rule (CACHE099)" "$WORK/docs/rules.md"; then
  ok "WAGCHECK_UPDATE_SNAPSHOTS=1 writes the snapshot, the README row and the docs page"
else
  no "WAGCHECK_UPDATE_SNAPSHOTS=1 writes the snapshot, the README row and the docs page"
fi
(cd "$WORK" && cargo test -p wagcheck --lib --test rule_examples --test fixtures --test fix_snapshots --test cli --no-fail-fast) >"$WORK/filled.log" 2>&1
if grep -q "^test result: ok" "$WORK/filled.log" && ! grep -q "FAILED\|^error" "$WORK/filled.log"; then
  ok "filled in, all its tests pass"
else
  no "filled in, all its tests pass: $(grep -m5 -B2 -A10 'FAILED\|^error\|panicked' "$WORK/filled.log")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
