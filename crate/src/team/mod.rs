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

pub mod budget;
pub mod format;
pub mod python;
pub mod selftest;

use crate::context::FileContext;
use crate::diagnostic::{Edit, Hit};
use crate::rule::{Check, Rule};
use crate::source::SourceFile;
use ast_grep_config::RuleConfig;
use ast_grep_core::AstGrep;
pub use format::RuleError;
use format::{documents, parse_document, Cases};
use python::Python;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

/// What a team rule holds beyond the `Rule` every rule has.
pub struct TeamRule {
    pub(crate) config: RuleConfig<Python>,
    /// Extra cases: code that must stay silent, code that must raise the rule.
    pub tests: Cases,
    /// The rule file and the place of the rule's `id` in it.
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// The rule's YAML document: what its hits depend on, so a cache of hits is keyed
    /// by it (the CLI's results cache; see `engine::runs_in_file_pass`).
    pub source: String,
}

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

impl TeamRule {
    /// Finds the rule's matches in a file. Err when the rule ran out of its step budget
    /// there: its hits on that file are then dropped, not reported half-found.
    pub(crate) fn run(&self, ctx: &FileContext, hits: &mut Vec<Hit>) -> Result<(), String> {
        let doc = budget::BudgetDoc::new(ctx.text, ctx.tree.clone(), budget::MAX_STEPS);
        let root = AstGrep::doc(doc);
        let start = hits.len();
        for found in root.root().find_all(&self.config.matcher) {
            let mut hit = Hit::at(found.range());
            let message = self.config.get_message(&found);
            if !message.trim().is_empty() {
                hit.message = Some(message);
            }
            if let Some(fixer) = self.config.fixer.first() {
                let edit = found.make_edit(&self.config.matcher, fixer);
                let replaced = edit.position..edit.position + edit.deleted_length;
                let text = String::from_utf8_lossy(&edit.inserted_text).into_owned();
                let title = fixer
                    .title()
                    .map_or_else(|| "Apply the rule's fix".to_string(), str::to_string);
                hit = hit.with_fix(title, vec![Edit::replace(replaced, text)]);
            }
            hits.push(hit);
        }
        if root.root().get_doc().exhausted() {
            hits.truncate(start);
            return Err(format!(
                "{}: stopped after {} matching steps (the budget of one rule on one file); \
                 its hits here are not reported. Narrow the rule (a `kind`, a `pattern`, \
                 `stopBy` nearer than `end`).",
                self.config.id,
                budget::MAX_STEPS
            ));
        }
        Ok(())
    }
}
