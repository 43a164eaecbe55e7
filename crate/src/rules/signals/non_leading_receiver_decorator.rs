use crate::context::FileContext;
use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::grammar::KindName;
use crate::project::receivers::is_receiver_decorator;
use crate::rule::{Check, Rule};
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "DJ013",
    name: "non-leading-receiver-decorator",
    severity: Severity::Blocker,
    category: Category::Signals,
    message: "`@receiver` decorator must be on top of all the other decorators",
    explanation: crate::rule::explanation!("non_leading_receiver_decorator.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Unsafe),
    check: Check::File(check),
};

const BAD: &str = r#"from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Order


@transaction.atomic
@receiver(post_save, sender=Order)
def on_order_saved(sender, instance, created, **kwargs):
    instance.refresh_totals()
"#;

const FIXED: &str = r#"from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Order


@receiver(post_save, sender=Order)
@transaction.atomic
def on_order_saved(sender, instance, created, **kwargs):
    instance.refresh_totals()
"#;

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    if !ctx.mentions("receiver") {
        return;
    }
    for &decorated in ctx.nodes("decorated_definition") {
        let mut cursor = decorated.walk();
        let decorators: Vec<Node> = decorated
            .named_children(&mut cursor)
            .filter(|c| c.kind_name() == "decorator")
            .collect();
        // As flake8-django and Ruff: the first `@receiver` of each run of receivers
        // that does not start at the top is reported.
        let receiver_at: Vec<bool> = decorators
            .iter()
            .map(|d| {
                d.named_child(0)
                    .is_some_and(|e| is_receiver_decorator(ctx, e))
            })
            .collect();
        for (index, decorator) in decorators.iter().enumerate() {
            let starts_run = receiver_at[index] && index > 0 && !receiver_at[index - 1];
            if !starts_run {
                continue;
            }
            let run_end = (index..decorators.len())
                .find(|&i| !receiver_at[i])
                .unwrap_or(decorators.len());
            let expression = decorator.named_child(0).unwrap_or(*decorator);
            let mut hit = Hit::node(expression);
            // No fix in code the parser had to recover: node bounds are guesses there.
            let fix = if decorated.has_error() {
                None
            } else {
                move_to_top(ctx, &decorators, index..run_end)
            };
            if let Some(edits) = fix {
                hit = hit.with_fix("Move `@receiver` above the other decorators", edits);
            }
            hits.push(hit);
        }
    }
}

/// Edits that move the run of decorators `run` (consecutive `@receiver`s) above the
/// first decorator: delete it with the line break before it, insert it (and the first
/// decorator's indentation) before the first. Moving the whole run keeps it from
/// leaving another receiver behind. None when a comment sits between the run and the
/// decorator above, or when a decorator above is `staticmethod`/`classmethod`: their
/// objects are not plain functions, and a receiver in a class body wants moving out of
/// the class rather than up.
fn move_to_top(
    ctx: &FileContext,
    decorators: &[Node],
    run: std::ops::Range<usize>,
) -> Option<Vec<Edit>> {
    let above = decorators.get(..run.start)?;
    let descriptor = above.iter().any(|d| {
        d.named_child(0)
            .and_then(|e| ctx.dotted_name(e))
            .is_some_and(|n| matches!(n.as_str(), "staticmethod" | "classmethod" | "property"))
    });
    if descriptor {
        return None;
    }
    let first = decorators.first()?;
    let previous = above.last()?;
    let run_first = decorators.get(run.start)?;
    let run_last = decorators.get(run.end.checked_sub(1)?)?;
    let gap = ctx.text.get(previous.end_byte()..run_first.start_byte())?;
    if !gap.trim().is_empty() {
        return None;
    }
    let line_start = ctx.text[..first.start_byte()]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let indent = ctx.text.get(line_start..first.start_byte())?;
    if !indent.trim().is_empty() {
        return None;
    }
    // A decorator node ends at its own line break in some trees, before it in others:
    // delete from the end of the previous decorator's text to the end of the run's.
    let previous_end = previous.start_byte() + ctx.text(*previous).trim_end().len();
    let run_end = run_last.start_byte() + ctx.text(*run_last).trim_end().len();
    let run_text = ctx.text.get(run_first.start_byte()..run_end)?;
    let newline = if ctx.mentions("\r\n") { "\r\n" } else { "\n" };
    Some(vec![
        Edit::insert(first.start_byte(), format!("{run_text}{newline}{indent}")),
        Edit::delete(previous_end..run_end),
    ])
}

#[cfg(test)]
mod tests {
    use crate::engine::{check_with, fix_files, MAX_FIX_ROUNDS};
    use crate::rule::Rule;
    use crate::source::SourceFile;

    fn only_dj013(_: usize, rule: &Rule) -> bool {
        rule.id == "DJ013"
    }

    fn fixed(text: &str) -> String {
        let files = vec![SourceFile::new("t.py", text)];
        let outcome = fix_files(&files, &only_dj013, &|_| true, MAX_FIX_ROUNDS);
        outcome.files[0].text.clone()
    }

    #[test]
    fn moves_the_receiver_line_up_keeping_indentation_and_line_endings() {
        let text = "class A:\r\n    @logged\r\n    @receiver(post_save)\r\n    def f(sender, **kwargs):\r\n        pass\r\n";
        assert_eq!(
            fixed(text),
            "class A:\r\n    @receiver(post_save)\r\n    @logged\r\n    def f(sender, **kwargs):\r\n        pass\r\n"
        );
    }

    #[test]
    fn no_fix_across_a_comment_or_below_staticmethod() {
        for text in [
            "@logged\n# why\n@receiver(post_save)\ndef f(sender, **kwargs):\n    pass\n",
            "class A:\n    @staticmethod\n    @receiver(post_save)\n    def f(sender, **kwargs):\n        pass\n",
        ] {
            let files = vec![SourceFile::new("t.py", text)];
            let report = check_with(&files, &only_dj013);
            assert_eq!(report.diagnostics.len(), 1, "{text}");
            assert!(report.diagnostics[0].fix.is_none(), "{text}");
        }
    }
}
