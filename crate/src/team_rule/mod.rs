//! What a team rule is once loaded, and how it looks at a file: an ast-grep rule for
//! our Python grammar (`python`), run over the file's tree within a step budget
//! (`budget`). It stands below `rule`, whose `Check::Team` holds one; reading rule files
//! into it, checking them and running their self-tests is `team`'s, above the engine.

pub mod budget;
pub mod python;

use crate::context::FileContext;
use crate::diagnostic::{Edit, Hit};
use ast_grep_config::RuleConfig;
use ast_grep_core::AstGrep;
use python::Python;
use serde::Deserialize;

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

/// A team rule's extra cases (its file's `tests:`), in the ast-grep rule's own vocabulary:
/// code that must stay silent, code that must raise the rule.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Cases {
    #[serde(default)]
    pub valid: Vec<String>,
    #[serde(default)]
    pub invalid: Vec<String>,
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
