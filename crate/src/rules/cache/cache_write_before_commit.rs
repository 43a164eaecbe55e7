//! CACHE020: cache invalidation in a save/delete receiver or override, before the
//! transaction commits.

use super::objects::{is_cache_receiver, uses_django_cache};
use crate::context::{nodes_within, FileContext};
use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::grammar::KindName;
use crate::project::receivers::receivers;
use crate::rule::{Check, Rule};
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "CACHE020",
    name: "cache-write-before-commit",
    severity: Severity::Warning,
    category: Category::Cache,
    message: "The cache is changed before the transaction commits: another request can cache the old row again, and a rollback leaves the cache wrong; defer it with `transaction.on_commit()`",
    explanation: crate::rule::explanation!("cache_write_before_commit.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Unsafe),
    check: Check::File(check),
};

const BAD: &str = r#"from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Article


@receiver(post_save, sender=Article)
def forget_article(sender, instance, **kwargs):
    cache.delete(f"article:{instance.pk}")
"#;

const FIXED: &str = r#"from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Article


@receiver(post_save, sender=Article)
def forget_article(sender, instance, **kwargs):
    transaction.on_commit(lambda: cache.delete(f"article:{instance.pk}"))
"#;

/// Cache methods that change what is cached.
const WRITES: &[&str] = &[
    "set",
    "set_many",
    "delete",
    "delete_many",
    "delete_pattern",
    "clear",
];

/// Signals sent while the change may be uncommitted.
const SIGNALS: &[&str] = &["post_save", "post_delete", "m2m_changed"];

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    if !ctx.mentions("cache") || !uses_django_cache(ctx) {
        return;
    }
    let mut scopes: Vec<(Node, &str)> = Vec::new();
    if ctx.mentions("post_save") || ctx.mentions("post_delete") || ctx.mentions("m2m_changed") {
        for receiver in receivers(ctx) {
            let signal = receiver.signals.iter().find_map(|s| {
                let text = ctx.text(*s);
                let last = text.rsplit('.').next().unwrap_or(text);
                SIGNALS.iter().find(|n| **n == last).copied()
            });
            if let Some(signal) = signal {
                scopes.push((receiver.function, signal));
            }
        }
    }
    for &function in ctx.nodes("function_definition") {
        let name = ctx.definition_name(function);
        if (name == "save" || name == "delete") && calls_super(ctx, function, name) {
            scopes.push((function, if name == "save" { "save()" } else { "delete()" }));
        }
    }
    for (function, context) in scopes {
        // A function that already defers work to the commit is taken as deliberate
        // about what it does now ("delete now and on commit").
        if ctx.text(function).contains("on_commit") {
            continue;
        }
        for (call, receiver, method) in method_calls_within(ctx, function, WRITES) {
            if ctx.enclosing_function(call).map(|f| f.id()) != Some(function.id())
                || ctx
                    .ancestors(call)
                    .take_while(|a| a.id() != function.id())
                    .any(|a| a.kind_name() == "lambda")
                || !is_cache_receiver(ctx, receiver)
            {
                continue;
            }
            let mut hit = Hit::node(call).with_message(format!(
                "`cache.{method}()` in {} runs before the transaction commits: another request can cache the old row again, and a rollback leaves the cache wrong; defer it with `transaction.on_commit()`",
                describe(context)
            ));
            if let Some(edits) = defer_edits(ctx, call, function) {
                hit = hit.with_fix("Defer it with `transaction.on_commit()`", edits);
            }
            hits.push(hit);
        }
    }
    crate::order::sort_by_key(hits, |h| [h.range.start, 0, 0, 0]);
}

fn describe(context: &str) -> String {
    match context {
        "save()" | "delete()" => format!("a model's `{context}`"),
        signal => format!("a `{signal}` receiver"),
    }
}

/// Whether a method `save`/`delete` of a model calls `super().save(...)`/
/// `super().delete(...)`: a model's override (not a form's `save(commit=...)`, a session
/// store's `save()` or a cache wrapper's `delete`).
fn calls_super<'a>(ctx: &FileContext<'a>, function: Node<'a>, name: &str) -> bool {
    let Some(class) = ctx.method_class(function) else {
        return false;
    };
    // A model: a base named like one (`models.Model`, `TimeStampedModel`, Wagtail's
    // `Page`). Session stores, cache backends, storages, forms and serializers have
    // `save`/`delete` methods too.
    let is_model = ctx.class_bases(class).iter().any(|b| {
        let last = b.rsplit('.').next().unwrap_or(b);
        last.ends_with("Model") || last.ends_with("Page")
    });
    if !is_model {
        return false;
    }
    nodes_within(ctx, "call", function).any(|call| {
        ctx.method_call(call).is_some_and(|(receiver, method)| {
            method == name
                && receiver.kind_name() == "call"
                && ctx.callee(receiver).is_some_and(|c| ctx.text(c) == "super")
        })
    }) && !ctx.text(function).contains("commit")
}

fn method_calls_within<'a, 'c>(
    ctx: &'c FileContext<'a>,
    scope: Node<'a>,
    methods: &'c [&str],
) -> impl Iterator<Item = (Node<'a>, Node<'a>, &'a str)> + 'c {
    nodes_within(ctx, "call", scope).filter_map(move |call| {
        let (receiver, method) = ctx.method_call(call)?;
        methods
            .contains(&method)
            .then_some((call, receiver, method))
    })
}

/// Wrap the call's statement in `transaction.on_commit(lambda: ...)`, when the call is
/// a whole statement outside any loop (a lambda in a loop would see the loop variable's
/// last value) and the file imports `transaction` or `on_commit` from `django.db`.
fn defer_edits<'a>(ctx: &FileContext<'a>, call: Node<'a>, function: Node<'a>) -> Option<Vec<Edit>> {
    let statement = ctx
        .parent(call)
        .filter(|s| s.kind_name() == "expression_statement")?;
    let in_loop = ctx
        .ancestors(call)
        .take_while(|a| a.id() != function.id())
        .any(|a| matches!(a.kind_name(), "for_statement" | "while_statement"));
    if in_loop || statement.named_child_count() != 1 {
        return None;
    }
    let on_commit = ["transaction", "on_commit"].into_iter().find_map(|name| {
        let target = ctx.imports.target(name)?;
        match (name, target) {
            ("transaction", "django.db.transaction") => Some("transaction.on_commit"),
            ("on_commit", "django.db.transaction.on_commit") => Some("on_commit"),
            _ => None,
        }
    })?;
    Some(vec![Edit::replace(
        call.byte_range(),
        format!("{on_commit}(lambda: {})", ctx.text(call)),
    )])
}
