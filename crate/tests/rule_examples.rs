//! Every rule's own examples are tests: the bad example raises the rule, the fixed
//! example raises nothing at all, and the rule's fix removes its hits, keeps the code
//! parsing, and converges.

use wagcheck::examples::split_files;
use wagcheck::rule::Rule;
use wagcheck::{check_with, fix_files, rules, SourceFile};

fn only(rule: &'static Rule) -> impl Fn(usize, &Rule) -> bool + Sync {
    move |_, r| r.id == rule.id
}

fn hits_of(files: &[SourceFile], rule: &'static Rule) -> usize {
    check_with(files, &only(rule)).diagnostics.len()
}

#[test]
fn bad_examples_raise_their_rule() {
    let mut failures = Vec::new();
    for rule in rules::all() {
        let files = split_files(rule.bad);
        let report = check_with(&files, &only(rule));
        if report.diagnostics.is_empty() {
            failures.push(format!("{}: bad example raises nothing", rule.id));
        }
        if !report.syntax_errors.is_empty() {
            failures.push(format!(
                "{}: bad example has syntax errors: {:?}",
                rule.id, report.syntax_errors
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixed_examples_raise_nothing() {
    let mut failures = Vec::new();
    for rule in rules::all() {
        let files = split_files(rule.fixed);
        let report = check_with(&files, &|_, _| true);
        for d in &report.diagnostics {
            failures.push(format!(
                "{}: fixed example raises {} at {}:{}",
                rule.id, d.rule, d.start.line, d.start.column
            ));
        }
        if !report.syntax_errors.is_empty() {
            failures.push(format!("{}: fixed example has syntax errors", rule.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixes_remove_the_hit_keep_code_parsing_and_converge() {
    let mut failures = Vec::new();
    for rule in rules::all().iter().copied().filter(|r| r.fix.is_some()) {
        let files = split_files(rule.bad);
        let before = check_with(&files, &only(rule));
        if !before.diagnostics.iter().any(|d| d.fix.is_some()) {
            failures.push(format!(
                "{}: has a fix kind but its bad example offers no fix",
                rule.id
            ));
            continue;
        }
        let fixed = fix_files(
            &files,
            &only(rule),
            &|_| true,
            wagcheck::engine::MAX_FIX_ROUNDS,
        );
        if hits_of(&fixed.files, rule) != 0 {
            failures.push(format!(
                "{}: hits remain after fixing:\n{}",
                rule.id, fixed.files[0].text
            ));
        }
        if !fixed.report.syntax_errors.is_empty() {
            failures.push(format!(
                "{}: fixed text does not parse:\n{}",
                rule.id, fixed.files[0].text
            ));
        }
        let again = fix_files(
            &fixed.files,
            &only(rule),
            &|_| true,
            wagcheck::engine::MAX_FIX_ROUNDS,
        );
        if again.applied.iter().sum::<usize>() != 0 {
            failures.push(format!("{}: a second fix pass changed the code", rule.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
