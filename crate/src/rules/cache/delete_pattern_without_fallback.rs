//! CACHE001: `delete_pattern()` called with no fallback for backends that lack it.

use super::delete_pattern::{delete_pattern_calls, guard};
use crate::context::FileContext;
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::project::facts::RuleFacts;
use crate::project::settings::{cache_backends, has_delete_pattern};
use crate::project::{FileFacts, Project};
use crate::rule::{Check, Rule};
use crate::semantic::exceptions::{attribute_error_handler, suppress_items};
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "CACHE001",
    name: "delete-pattern-without-fallback",
    severity: Severity::Warning,
    category: Category::Cache,
    message: "`delete_pattern()` is not in Django's cache API, only in third-party backends such \
              as django-redis: without a fallback, invalidation fails on every other backend",
    explanation: crate::rule::explanation!("delete_pattern_without_fallback.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::ProjectFacts { facts, run },
};

const BAD: &str = r#"from django.core.cache import cache

BLOG_LIST_PREFIX = "blog:list"


def invalidate_blog_lists():
    cache.delete_pattern(f"{BLOG_LIST_PREFIX}:*")
"#;

const FIXED: &str = r#"from django.core.cache import cache

BLOG_LIST_PREFIX = "blog:list"
TRACKED_KEYS = f"{BLOG_LIST_PREFIX}:_keys"


def invalidate_blog_lists():
    try:
        cache.delete_pattern(f"{BLOG_LIST_PREFIX}:*")  # django-redis
    except AttributeError:
        # Other backends: delete the keys recorded when they were set.
        cache.delete_many(cache.get(TRACKED_KEYS, set()))
    cache.delete(TRACKED_KEYS)
"#;

/// The file's unprotected calls, and the backends its settings name: whether a call can
/// fail is the project's settings' to say, and they are in other files.
fn facts(ctx: &FileContext, _: &FileFacts, facts: &mut RuleFacts) {
    facts.cache_backends = cache_backends(ctx);
    let calls = delete_pattern_calls(ctx);
    if calls.is_empty() {
        return;
    }
    let early_exits = early_exits(ctx);
    for call in calls {
        if !is_protected(ctx, call, &early_exits) {
            facts.delete_patterns.push(call.byte_range());
        }
    }
}

/// Every unprotected call, unless the project's settings name backends and each of them
/// has `delete_pattern()` (django-redis everywhere, tests included): then no call can fail
/// for want of it. A backend the settings do not write out may be any.
fn run(project: &Project, hits: &mut Vec<(usize, Hit)>) {
    let index = &project.index;
    let mut backends = index
        .files()
        .flat_map(|(_, facts)| &facts.rules.cache_backends)
        .peekable();
    let named = backends.peek().is_some();
    if named && backends.all(|b| b.as_deref().is_some_and(has_delete_pattern)) {
        return;
    }
    for (file, facts) in index.files() {
        for range in &facts.rules.delete_patterns {
            hits.push((file, Hit::at(range.clone())));
        }
    }
}

/// Protected: in the body of a `try` whose handlers catch `AttributeError`, inside
/// `with suppress(AttributeError)`, or under a `hasattr`/`getattr(X, "delete_pattern")`
/// guard (an `if`, an early `return` on `not hasattr(...)`, `and`, `... if ... else`).
/// Only up to the enclosing function: a `try` around a `def` does not protect the
/// calls inside it.
fn is_protected<'a>(ctx: &FileContext<'a>, call: Node<'a>, early_exits: &[Node<'a>]) -> bool {
    let mut child = call;
    for ancestor in ctx.ancestors(call) {
        match ancestor.kind_name() {
            "function_definition" | "lambda" | "class_definition" => return false,
            "try_statement" => {
                let in_body = ancestor.field("body").is_some_and(|b| b.id() == child.id());
                if in_body && attribute_error_handler(ctx, ancestor).is_some() {
                    return true;
                }
            }
            "with_statement" => {
                let in_body = ancestor.field("body").is_some_and(|b| b.id() == child.id());
                if in_body && !suppress_items(ctx, ancestor).is_empty() {
                    return true;
                }
            }
            "if_statement" | "elif_clause" => {
                let in_consequence = ancestor
                    .field("consequence")
                    .is_some_and(|b| b.id() == child.id());
                if let Some(condition) = ancestor.field("condition") {
                    match guard(ctx, condition) {
                        Some(true) if in_consequence => return true,
                        Some(false)
                            if !in_consequence
                                && matches!(child.kind_name(), "else_clause" | "elif_clause") =>
                        {
                            return true
                        }
                        _ => {}
                    }
                }
            }
            "conditional_expression" => {
                // `a if cond else b`: children are a, cond, b.
                let mut cursor = ancestor.walk();
                let parts: Vec<Node> = ancestor.named_children(&mut cursor).collect();
                if let [body, condition, orelse] = parts.as_slice() {
                    match guard(ctx, *condition) {
                        Some(true) if body.id() == child.id() => return true,
                        Some(false) if orelse.id() == child.id() => return true,
                        _ => {}
                    }
                }
            }
            "boolean_operator" => {
                let is_right = ancestor
                    .field("right")
                    .is_some_and(|r| r.id() == child.id());
                let is_and = ancestor
                    .field("operator")
                    .is_some_and(|o| ctx.text(o) == "and");
                if is_right && is_and {
                    if let Some(left) = ancestor.field("left") {
                        if guard(ctx, left) == Some(true) {
                            return true;
                        }
                    }
                }
            }
            "block" => {
                let exits_before = early_exits.iter().any(|stmt| {
                    stmt.end_byte() <= child.start_byte()
                        && ctx.parent(*stmt).is_some_and(|b| b.id() == ancestor.id())
                });
                if exits_before {
                    return true;
                }
            }
            _ => {}
        }
        child = ancestor;
    }
    false
}

/// Every `if not hasattr(cache, "delete_pattern"): return` (or raise/continue/break) of
/// the file: a call after one in the same block is protected.
fn early_exits<'a>(ctx: &FileContext<'a>) -> Vec<Node<'a>> {
    ctx.nodes("if_statement")
        .iter()
        .copied()
        .filter(|stmt| {
            stmt.field("condition")
                .is_some_and(|c| guard(ctx, c) == Some(false))
                && stmt
                    .field("consequence")
                    .and_then(|b| {
                        b.named_child(u32::try_from(b.named_child_count().checked_sub(1)?).ok()?)
                    })
                    .is_some_and(|last| {
                        matches!(
                            last.kind_name(),
                            "return_statement"
                                | "raise_statement"
                                | "continue_statement"
                                | "break_statement"
                        )
                    })
        })
        .collect()
}
