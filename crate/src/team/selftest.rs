//! A team rule's examples and cases, run as tests (`wagcheck test-rules`, the
//! playground's test list): the bad example raises the rule, the fixed one does not,
//! the fix turns the bad example into the fixed one, each `tests.invalid` case raises it
//! and each `tests.valid` case does not. The rule must be in `rules::all()`
//! (`rules::set_team`), since the cases run through the engine as real checks do.

use crate::engine::{check_with, fix_files, MAX_FIX_ROUNDS};
use crate::examples::split_files;
use crate::rule::Rule;
use crate::source::SourceFile;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// What the case checks, e.g. "examples.bad raises ACME001".
    pub case: String,
    pub passed: bool,
    /// Why it failed.
    pub detail: Option<String>,
}

fn hits(rule: &Rule, files: &[SourceFile]) -> Vec<String> {
    let report = check_with(files, &|_, r| r.id == rule.id);
    let mut found: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| format!("{}:{}:{}", d.path, d.start.line, d.start.column))
        .collect();
    found.extend(
        report
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.path, e.message)),
    );
    found
}

fn expect_hit(rule: &Rule, case: String, code: &str) -> CaseResult {
    let found = hits(rule, &split_files(code));
    CaseResult {
        case,
        passed: !found.is_empty(),
        detail: found
            .is_empty()
            .then(|| "the rule found nothing".to_string()),
    }
}

fn expect_silence(rule: &Rule, case: String, code: &str) -> CaseResult {
    let found = hits(rule, &split_files(code));
    CaseResult {
        case,
        passed: found.is_empty(),
        detail: (!found.is_empty()).then(|| format!("the rule fired at {}", found.join(", "))),
    }
}

/// Runs every case of `rule`, in a fixed order.
pub fn run(rule: &Rule) -> Vec<CaseResult> {
    let mut results = vec![
        expect_hit(rule, format!("examples.bad raises {}", rule.id), rule.bad),
        expect_silence(rule, "examples.fixed raises nothing".into(), rule.fixed),
    ];
    if rule.fix.is_some() {
        let bad = split_files(rule.bad);
        let fixed = split_files(rule.fixed);
        let outcome = fix_files(&bad, &|_, r| r.id == rule.id, &|_| true, MAX_FIX_ROUNDS);
        let same = outcome.files.len() == fixed.len()
            && outcome
                .files
                .iter()
                .zip(&fixed)
                .all(|(a, b)| a.text.trim_end() == b.text.trim_end());
        results.push(CaseResult {
            case: "the fix turns examples.bad into examples.fixed".into(),
            passed: same,
            detail: (!same).then(|| {
                let got: Vec<&str> = outcome.files.iter().map(|f| f.text.as_str()).collect();
                format!("the fix gives:\n{}", got.join("\n"))
            }),
        });
    }
    if let Some(team) = super::team_of(rule) {
        for (i, code) in team.tests.invalid.iter().enumerate() {
            results.push(expect_hit(
                rule,
                format!("tests.invalid[{i}] raises {}", rule.id),
                code,
            ));
        }
        for (i, code) in team.tests.valid.iter().enumerate() {
            results.push(expect_silence(
                rule,
                format!("tests.valid[{i}] raises nothing"),
                code,
            ));
        }
    }
    results
}
