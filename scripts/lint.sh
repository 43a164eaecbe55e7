#!/usr/bin/env bash
# The checks that run with the tests (npm test, part "lint"): rustfmt, and clippy with every
# warning an error, natively (all targets: library, binary, tests, examples) and for the
# WebAssembly build (the library, with the C toolchain scripts/build-wasm.sh uses).
#   scripts/lint.sh          # all three; exit 1 if any fails
# Closes with "lint: N passed, M failed" (counted by scripts/test.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0
failed=0
check() { # check NAME COMMAND...
  local name=$1
  shift
  echo "lint: $name: $*"
  if "$@"; then
    passed=$((passed + 1))
  else
    echo "lint: $name FAILED"
    failed=$((failed + 1))
  fi
}

check fmt cargo fmt --all --check
check clippy cargo clippy --locked --all-targets -- -D warnings
# shellcheck source=scripts/wasm-env.sh
. scripts/wasm-env.sh
if wasm_env; then
  check clippy-wasm32 cargo clippy --locked -p wagcheck --lib --target wasm32-unknown-unknown -- -D warnings
else
  echo "lint: clippy-wasm32 FAILED (no C toolchain for wasm32)"
  failed=$((failed + 1))
fi
echo "lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
