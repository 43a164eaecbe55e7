use super::is_class_like;
use crate::context::FileContext;
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::project::facts::{RuleFacts, TypeTest};
use crate::project::receivers::sends_model_class;
use crate::project::{FileFacts, Project};
use crate::rule::{Check, Rule};
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "SIG002",
    name: "type-test-by-identity-or-name",
    severity: Severity::Warning,
    category: Category::Signals,
    message: "Receiver filters by class identity or class name: use `isinstance()`",
    explanation: crate::rule::explanation!("type_test_by_identity_or_name.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::ProjectFacts { facts, run: check },
};

const BAD: &str = r#"from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import BlogPostPage


@receiver(post_save)
def invalidate_blog_cache(sender, instance, **kwargs):
    if sender != BlogPostPage:
        return
    instance.invalidate_cache()
"#;

const FIXED: &str = r#"from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import BlogPostPage


@receiver(post_save)
def invalidate_blog_cache(sender, instance, **kwargs):
    if not isinstance(instance, BlogPostPage):
        return
    instance.invalidate_cache()
"#;

/// What one side of a comparison is, for a class test.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    /// `sender`, `type(x)`, `x.__class__`: a class compared by identity.
    Class,
    /// `x.__name__` (`sender.__name__`, `type(x).__name__`, `x.__class__.__name__`).
    ClassName,
    /// A class-looking name: `BlogPostPage`, `models.Page`.
    ClassLiteral,
    /// A string literal.
    String,
    Other,
}

fn side<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> Side {
    let node = ctx.unparenthesize(node);
    match node.kind_name() {
        "identifier" if ctx.text(node) == "sender" => Side::Class,
        "identifier" | "attribute" if is_class_like(ctx, node) => Side::ClassLiteral,
        "attribute" => {
            let attr = node.field("attribute").map_or("", |a| ctx.text(a));
            match attr {
                "__class__" => Side::Class,
                "__name__" | "__qualname__" => {
                    let object = node.field("object");
                    if object.is_some_and(|o| side(ctx, o) == Side::Class) {
                        Side::ClassName
                    } else {
                        Side::Other
                    }
                }
                _ => Side::Other,
            }
        }
        "call" => {
            let is_type = ctx
                .callee(node)
                .is_some_and(|c| c.kind_name() == "identifier" && ctx.text(c) == "type");
            if is_type && ctx.positional_args(node).len() == 1 {
                Side::Class
            } else {
                Side::Other
            }
        }
        "string" | "concatenated_string" if ctx.string_value(node).is_some() => Side::String,
        _ => Side::Other,
    }
}

fn check(project: &Project, hits: &mut Vec<(usize, Hit)>) {
    let index = &project.index;
    for (file, facts) in index.files() {
        if facts.rules.type_tests.is_empty() {
            continue;
        }
        // Only receivers that take every sender of signals whose sender is the model
        // class: connected for given senders, `sender == X` is exact dispatch among
        // them; for other signals (`post_migrate`'s `AppConfig`, a module, a custom
        // signal's anything) it is no class test at all.
        let tested: Vec<_> = facts
            .receivers
            .iter()
            .filter_map(|r| index.receiver_at(file, r.range.clone()))
            .filter(|r| {
                r.senders.is_empty()
                    && !r.signals.is_empty()
                    && r.signals.iter().all(|s| sends_model_class(s))
            })
            .map(|r| r.range)
            .collect();
        if tested.is_empty() {
            continue;
        }
        for test in &facts.rules.type_tests {
            if !test.receivers.iter().any(|r| tested.contains(r)) {
                continue;
            }
            let message = if test.by_name {
                "Receiver filters by class name: a rename or a subclass slips through; use `isinstance(instance, Model)`"
            } else {
                "Receiver filters by class identity: subclasses are missed; use `isinstance(instance, Model)`"
            };
            hits.push((file, Hit::at(test.range.clone()).with_message(message)));
        }
    }
}

/// The class tests by identity or name inside the file's receivers, read in the per-file
/// pass; which receivers take every sender of a model signal is the index's to say.
fn facts(ctx: &FileContext, file: &FileFacts, facts: &mut RuleFacts) {
    if file.receivers.is_empty() {
        return;
    }
    for &comparison in ctx.nodes("comparison_operator") {
        let mut cursor = comparison.walk();
        let operators: Vec<&str> = comparison
            .children_by_field_name("operators", &mut cursor)
            .map(|o| o.kind_name())
            .collect();
        let [operator] = operators.as_slice() else {
            continue;
        };
        if !matches!(*operator, "==" | "!=" | "is" | "is not") {
            continue;
        }
        let (Some(left), Some(right)) = (comparison.named_child(0), comparison.named_child(1))
        else {
            continue;
        };
        let pair = (side(ctx, left), side(ctx, right));
        let by_name = match pair {
            (Side::Class, Side::ClassLiteral) | (Side::ClassLiteral, Side::Class) => false,
            (Side::ClassName, Side::String) | (Side::String, Side::ClassName) => true,
            _ => continue,
        };
        let receivers: Vec<_> = ctx
            .ancestors(comparison)
            .filter(|a| a.kind_name() == "function_definition")
            .map(|f| f.byte_range())
            .filter(|range| file.receivers.iter().any(|r| r.range == *range))
            .collect();
        if receivers.is_empty() {
            continue;
        }
        facts.type_tests.push(TypeTest {
            range: comparison.byte_range(),
            by_name,
            receivers,
        });
    }
}
