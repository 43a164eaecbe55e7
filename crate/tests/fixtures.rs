//! Fixture files under `tests/fixtures/` mark expected hits with `# expect: ID`
//! comments on the line where the hit starts; every other line must stay silent.
//! A `*.project` folder is checked as one set of files (for rules across files);
//! any other `.py` file is checked on its own.

mod common;

use common::fixture_sets;
use wagcheck::examples::expectations;
use wagcheck::{check_with, rules};

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
