//! Compiles src/walk.c, the index walk, against the sources of the tree-sitter crate
//! in Cargo.lock (it reads tree-sitter's internal headers; see the file's comment).

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src/walk.c");
    // Set by the tree-sitter crate's build script (`links = "tree-sitter"`).
    let include = PathBuf::from(
        env::var("DEP_TREE_SITTER_INCLUDE").expect("the tree-sitter crate gives its include path"),
    );
    let src = include
        .parent()
        .expect("tree-sitter's crate root")
        .join("src");
    let mut build = cc::Build::new();
    if env::var("TARGET").as_deref() == Ok("wasm32-unknown-unknown") {
        // As tree-sitter builds itself for wasm32: its small libc, no system headers (the
        // headers' directory comes in CFLAGS from scripts/build-wasm.sh).
        build.define("TREE_SITTER_WASM_STDLIB", "");
    }
    build
        .std("c11")
        .include(&src)
        .include(&include)
        .flag_if_supported("-fvisibility=hidden")
        .flag_if_supported("-Wno-unused-parameter")
        .define("_POSIX_C_SOURCE", "200112L")
        .define("_DEFAULT_SOURCE", None)
        .file("src/walk.c")
        .compile("wagcheck-walk");
}
