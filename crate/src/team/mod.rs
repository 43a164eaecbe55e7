//! Team rules: rules a team writes in YAML (an ast-grep rule inside a wagcheck
//! envelope) and loads at run time, next to the built-in ones.
//!
//! A loaded rule becomes an ordinary `&'static Rule` whose check is `Check::Team`, and
//! `rules::set_team` adds it to `rules::all()`: from there the engine, the config's
//! selectors, suppressions, every output format, `rules`, `explain`, `--fix` and the
//! wasm API treat it as they treat a built-in rule, with no second code path. The rule is
//! leaked to be `'static`, once per distinct document text (`LOADED`): a CLI run loads
//! each file once; the playground re-reads rules as they are typed, and keeps what each
//! distinct text compiled to (a few KB) for the life of the page.

pub mod format;
pub mod selftest;

use crate::rule::{Check, Rule};
use crate::source::SourceFile;
use crate::team_rule::TeamRule;
pub use format::RuleError;
use format::{documents, parse_document};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

/// Rules read from a set of rule files, and what was wrong with the rest.
#[derive(Debug, Default)]
pub struct Loaded {
    pub rules: Vec<&'static Rule>,
    pub errors: Vec<RuleError>,
}

type Compiled = Result<&'static Rule, RuleError>;

/// A document: its file's path, the lines before it, its text.
type DocumentKey = (String, usize, String);

/// Each distinct document compiled once.
static LOADED: LazyLock<Mutex<HashMap<DocumentKey, Compiled>>> = LazyLock::new(Default::default);

/// Reads rule files: every document of every file, in order. A document that is wrong
/// (bad YAML, an unknown key, a pattern that is not Python, an id or name already
/// taken) becomes an error at its line and column; the others load.
pub fn load(files: &[SourceFile]) -> Loaded {
    let mut loaded = Loaded::default();
    for file in files {
        for (doc, line_offset) in documents(&file.text) {
            let compiled = {
                let key = (file.path.clone(), line_offset, doc.to_string());
                let mut cache = LOADED.lock().unwrap_or_else(|e| e.into_inner());
                cache
                    .entry(key)
                    .or_insert_with(|| compile(&file.path, doc, line_offset))
                    .clone()
            };
            match compiled {
                Ok(rule) => match clash(rule, &loaded.rules) {
                    Some(message) => {
                        let team = team_of(rule).expect("compiled team rules are Check::Team");
                        loaded.errors.push(RuleError {
                            path: team.path.clone(),
                            line: team.line,
                            column: team.column,
                            rule: Some(rule.id.to_string()),
                            message,
                        })
                    }
                    None => loaded.rules.push(rule),
                },
                Err(error) => loaded.errors.push(error),
            }
        }
    }
    loaded
}

/// Why `rule` cannot join `taken` and the built-in rules, if it cannot.
fn clash(rule: &Rule, taken: &[&Rule]) -> Option<String> {
    let builtin = crate::rules::builtin();
    if let Some(other) = builtin.iter().chain(taken).find(|r| r.id == rule.id) {
        let place = team_of(other).map_or("a built-in rule".to_string(), |t| {
            format!("{}:{}", t.path, t.line)
        });
        return Some(format!("id `{}` is already taken ({place})", rule.id));
    }
    if let Some(other) = builtin.iter().chain(taken).find(|r| r.name == rule.name) {
        return Some(format!(
            "name `{}` is already the name of {}",
            rule.name, other.id
        ));
    }
    None
}

/// The team part of a rule, if it is a team rule.
pub fn team_of(rule: &Rule) -> Option<&'static TeamRule> {
    match rule.check {
        Check::Team(team) => Some(team),
        _ => None,
    }
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn compile(path: &str, doc: &str, line_offset: usize) -> Compiled {
    let parsed = parse_document(path, doc, line_offset)?;
    let team: &'static TeamRule = Box::leak(Box::new(TeamRule {
        config: parsed.config,
        tests: parsed.tests,
        path: path.to_string(),
        line: parsed.line,
        column: parsed.column,
        source: doc.to_string(),
    }));
    Ok(Box::leak(Box::new(Rule {
        id: leak(parsed.id),
        name: leak(parsed.name),
        severity: parsed.severity,
        category: parsed.category,
        message: leak(parsed.message),
        explanation: leak(parsed.explanation),
        bad: leak(parsed.examples.bad),
        fixed: leak(parsed.examples.fixed),
        fix: parsed.fix,
        check: Check::Team(team),
    })))
}
