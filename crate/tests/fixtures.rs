//! Fixture files under `tests/fixtures/` mark expected hits with `# expect: ID`
//! comments on the line where the hit starts; every other line must stay silent.
//! A `*.project` folder is checked as one set of files (for rules across files);
//! any other `.py` file is checked on its own.

use std::fs;
use std::path::{Path, PathBuf};
use wagcheck::examples::expectations;
use wagcheck::{check_with, rules, SourceFile};

fn fixtures_dir() -> PathBuf {
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

/// Fixture sets: each `*.project` folder is one set; each other file a set of one.
fn fixture_sets() -> Vec<(String, Vec<SourceFile>)> {
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

#[test]
fn fixtures_raise_exactly_what_they_expect() {
    let mut failures = Vec::new();
    for (name, files) in fixture_sets() {
        let report = check_with(&files, &|_, _| true);
        for d in &report.diagnostics {
            // Messages read as sentences: a capital letter or a `code` span first.
            if !d
                .message
                .starts_with(|c: char| c.is_uppercase() || c == '`')
            {
                failures.push(format!(
                    "{name}: {} message starts in lower case: {}",
                    d.rule, d.message
                ));
            }
        }
        for file in &files {
            let expected = expectations(&file.text);
            let mut actual: Vec<(usize, String)> = report
                .diagnostics
                .iter()
                .filter(|d| d.path == file.path)
                .map(|d| (d.start.line, d.rule.to_string()))
                .collect();
            actual.sort();
            if actual != expected {
                failures.push(format!(
                    "{name} / {}:\n  expected {expected:?}\n  actual   {actual:?}",
                    file.path
                ));
            }
            let allow_errors = file.path.contains("syntax_error");
            let errors = report
                .syntax_errors
                .iter()
                .filter(|e| e.path == file.path)
                .count();
            if errors > 0 && !allow_errors {
                failures.push(format!("{name} / {}: {errors} syntax errors", file.path));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_fixtures() {
    let all_expected: Vec<String> = fixture_sets()
        .iter()
        .flat_map(|(_, files)| files.iter().flat_map(|f| expectations(&f.text)))
        .map(|(_, id)| id)
        .collect();
    let missing: Vec<&str> = rules::all()
        .iter()
        .map(|r| r.id)
        .filter(|id| !all_expected.iter().any(|e| e == id))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a fixture expecting them: {missing:?}"
    );
}
