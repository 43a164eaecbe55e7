# Sourced (not run) by scripts/build-wasm.sh and scripts/lint.sh: the C toolchain for building
# tree-sitter's C (tree-sitter-python's parser.c/scanner.c, tree-sitter's lib) for wasm32.
# Exports CC_/AR_/CFLAGS_wasm32_unknown_unknown, or returns 2 with a message naming what is
# missing (scripts/setup.sh installs it). Expects to be sourced from the repository root.

wasm_env_pick() { # first command found among the arguments
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 && { echo "$c"; return; }; done
  return 1
}

wasm_env() {
  local clang llvm_ar include
  clang=$(wasm_env_pick clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14) ||
    { echo "wasm-env: clang not found (run scripts/setup.sh)" >&2; return 2; }
  llvm_ar=$(wasm_env_pick llvm-ar llvm-ar-19 llvm-ar-18 llvm-ar-17 llvm-ar-16 llvm-ar-15 llvm-ar-14) ||
    { echo "wasm-env: llvm-ar not found (run scripts/setup.sh)" >&2; return 2; }
  # tree-sitter-python's build.rs compiles parser.c/scanner.c without any libc headers for
  # wasm32; the tree-sitter-language crate ships a tiny libc (stdlib.h, string.h, ...) in
  # wasm/include.
  include=$(cargo metadata --format-version 1 --locked 2>/dev/null | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      const m = JSON.parse(s);
      const p = m.packages.find(p => p.name === "tree-sitter-language");
      if (!p) process.exit(1);
      process.stdout.write(require("path").dirname(p.manifest_path) + "/wasm/include");
    });') || { echo "wasm-env: cannot locate the tree-sitter-language crate" >&2; return 2; }
  [ -f "$include/stdlib.h" ] || { echo "wasm-env: $include/stdlib.h missing" >&2; return 2; }
  export CC_wasm32_unknown_unknown=$clang
  export AR_wasm32_unknown_unknown=$llvm_ar
  # -DNDEBUG: the shim's assert() is a trap.
  export CFLAGS_wasm32_unknown_unknown="-I$include -DNDEBUG"
}
