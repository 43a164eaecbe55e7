//! What the integration tests share: the fixture files, read as the sets they are checked in.

use std::fs;
use std::path::{Path, PathBuf};
use wagcheck::SourceFile;

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
}

/// Fixture sets, sorted by name: each `*.project` folder is one set; each other file a
/// set of one.
pub fn fixture_sets() -> Vec<(String, Vec<SourceFile>)> {
    let root = fixtures_dir();
    let mut files = Vec::new();
    collect(&root, &mut files);
    let mut sets: Vec<(String, Vec<SourceFile>)> = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = fs::read_to_string(&path).unwrap();
        match rel.split_once(".project/") {
            Some((project, inner)) => {
                let name = format!("{project}.project");
                let file = SourceFile::new(inner, text);
                match sets.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, set)) => set.push(file),
                    None => sets.push((name, vec![file])),
                }
            }
            None => sets.push((rel.clone(), vec![SourceFile::new(rel, text)])),
        }
    }
    sets
}
