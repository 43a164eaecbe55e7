//! Compiles src/walk.c, the index walk, against the sources of the tree-sitter crate
//! in Cargo.lock (it reads tree-sitter's internal headers; see the file's comment).

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src/walk.c");
    source_hash();
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

/// `WAGCHECK_SOURCE_HASH`: a hash of every file under src/, so the CLI's results cache
/// (src/cli/cache.rs) never serves results of another build, even at the same version.
fn source_hash() {
    println!("cargo:rerun-if-changed=src");
    fn visit(dir: &std::path::Path, files: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                visit(&path, files);
            } else {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    visit(std::path::Path::new("src"), &mut files);
    files.sort();
    // FNV-1a over names and contents: stable across builds and toolchains.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        let name = file.to_string_lossy().replace('\\', "/");
        let content = std::fs::read(&file).unwrap_or_default();
        for byte in name.bytes().chain([0]).chain(content).chain([0]) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=WAGCHECK_SOURCE_HASH={hash:016x}");
}
