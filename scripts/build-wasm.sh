#!/usr/bin/env bash
# Builds the engine to WebAssembly and generates the JS glue + TypeScript types, twice:
#   web/pkg/       without team rules (--no-default-features): the page's first load; also
#                  without the rules' explanations (feature `explanations`): the page has them
#                  as HTML, made by scripts/static-markdown.mjs from web/pkg-team's
#   web/pkg-team/  with them (the `team` feature: YAML + ast-grep), loaded by the page only
#                  when team rules are used (the Rules view, a share link or a lesson with rules)
#   scripts/build-wasm.sh            # profile "wasm" (size-tuned release)
#   WAGCHECK_WASM_PROFILE=dev scripts/build-wasm.sh   # debug build, faster to compile
# Needs: rustup target wasm32-unknown-unknown, clang + llvm-ar (tree-sitter's C), wasm-bindgen-cli
# at the exact version of the wasm-bindgen crate in Cargo.lock (scripts/setup.sh installs them all).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PROFILE=${WAGCHECK_WASM_PROFILE:-wasm}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

command -v wasm-bindgen >/dev/null ||
  { echo "build-wasm: wasm-bindgen not found (run scripts/setup.sh)" >&2; exit 2; }
# shellcheck source=scripts/wasm-env.sh
. scripts/wasm-env.sh
wasm_env || exit 2


# wasm-bindgen must match the crate version exactly, or the glue and the module disagree.
WANT=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
HAVE=$(wasm-bindgen --version | awk '{print $2}')
if [ "$WANT" != "$HAVE" ]; then
  echo "build-wasm: wasm-bindgen-cli is $HAVE but Cargo.lock has wasm-bindgen $WANT (run scripts/setup.sh)" >&2
  exit 2
fi

DIR=$PROFILE; [ "$PROFILE" = dev ] && DIR=debug
WASM=$TARGET_DIR/wasm32-unknown-unknown/$DIR/wagcheck.wasm

# WebAssembly SIMD (simd128; every current browser: Chrome/Edge 91, Firefox 89, Safari 16.4):
# memchr searches 16 bytes at a time (the rules' text prefilters, line breaks) and clang
# vectorises tree-sitter's C. A 100 KB keystroke check ran 11% fewer instructions in V8
# (35.7M to 31.8M) and the module came out smaller. Only for the wasm target: the host's
# build scripts keep their flags.
#
# LLVM's inline threshold lowered to 100 (`-inline-threshold`, the cost below which a call is
# inlined): at opt-level 3 the engine's crate copied the rules' helpers into every caller.
# On 2026-11-30 the first module went from 463.5 to 437.9 KB gzip for 3.3% more instructions
# per 100 KB keystroke check in V8 (16.24M to 16.77M, callgrind on node --no-liftoff); 50
# saved 5 KB more for 6.4%, 150 only 16 KB.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS:-} -C target-feature=+simd128 -C llvm-args=-inline-threshold=100"
export CFLAGS_wasm32_unknown_unknown="$CFLAGS_wasm32_unknown_unknown -msimd128"

# build NAME CARGO-FEATURE-FLAGS...: one module into web/NAME/. The two builds share the target
# directory (only the wagcheck crate and the team dependencies differ), and each copies its
# module out before the next overwrites target/.../wagcheck.wasm.
build() {
  local NAME=$1
  shift
  local OUT=$ROOT/web/$NAME
  echo "build-wasm: cargo build --target wasm32-unknown-unknown --profile $PROFILE $* (CC=$CC_wasm32_unknown_unknown) -> web/$NAME"
  cargo build --locked -p wagcheck --lib --target wasm32-unknown-unknown --profile "$PROFILE" "$@"
  rm -rf "$OUT"
  mkdir -p "$OUT"
  echo "build-wasm: wasm-bindgen --target web -> web/$NAME"
  # The functions' names (the `name` section, 29 KB of the first module's gzip) are left out
  # of the page's modules: nothing there reads them. A debug build keeps them, and so does
  # WAGCHECK_WASM_NAMES=1 (for profiling the engine in a browser or in node).
  local names=--remove-name-section
  if [ "$PROFILE" = dev ] || [ "${WAGCHECK_WASM_NAMES:-}" = 1 ]; then names=; fi
  wasm-bindgen --target web $names --out-dir "$OUT" --out-name wagcheck "$WASM"
  if command -v wasm-opt >/dev/null 2>&1 && [ "$PROFILE" != dev ]; then
    echo "build-wasm: wasm-opt -Os --strip-debug"
    wasm-opt -Os --strip-debug --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-mutable-globals \
      "$OUT/wagcheck_bg.wasm" -o "$OUT/wagcheck_bg.wasm.opt"
    # Some wasm-opt releases (Debian's binaryen 108) export the function table under the name
    # of wasm-bindgen's externref table, and the module then fails to start. Keep the
    # optimised module only if it still loads and answers through the generated glue.
    cp "$OUT/wagcheck_bg.wasm" "$OUT/wagcheck_bg.wasm.plain"
    mv "$OUT/wagcheck_bg.wasm.opt" "$OUT/wagcheck_bg.wasm"
    if node --input-type=module -e '
        import fs from "node:fs";
        const api = await import(process.argv[1] + "/wagcheck.js");
        api.initSync({ module: fs.readFileSync(process.argv[1] + "/wagcheck_bg.wasm") });
        api.version();' "$OUT" >/dev/null 2>&1; then
      rm "$OUT/wagcheck_bg.wasm.plain"
    else
      echo "build-wasm: wasm-opt's output does not load ($(wasm-opt --version)): keeping the module as wasm-bindgen wrote it"
      mv "$OUT/wagcheck_bg.wasm.plain" "$OUT/wagcheck_bg.wasm"
    fi
  else
    echo "build-wasm: wasm-opt not found, module left as wasm-bindgen wrote it"
  fi
  RAW=$(stat -c %s "$OUT/wagcheck_bg.wasm")
  GZ=$(gzip -9 -c "$OUT/wagcheck_bg.wasm" | wc -c)
  printf 'build-wasm: web/%s/wagcheck_bg.wasm %s bytes raw (%s KiB), %s bytes gzip -9 (%s KiB)\n' "$NAME" \
    "$RAW" "$((RAW / 1024))" "$GZ" "$((GZ / 1024))"
}

build pkg --no-default-features
build pkg-team
