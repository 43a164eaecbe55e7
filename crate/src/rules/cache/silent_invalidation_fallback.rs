//! CACHE003: the `AttributeError` fallback of a `delete_pattern` call does nothing.

use super::delete_pattern::{delete_pattern_calls, guard};
use super::objects::uses_django_cache;
use crate::context::FileContext;
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use crate::semantic::exceptions::{attribute_error_handler, suppress_items};
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "CACHE003",
    name: "silent-invalidation-fallback",
    severity: Severity::Warning,
    category: Category::Cache,
    message: "The fallback for backends without `delete_pattern()` does nothing: stale entries \
              stay cached until they expire",
    explanation: crate::rule::explanation!("silent_invalidation_fallback.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::File(check),
};

const BAD: &str = r#"from django.core.cache import cache


def invalidate_post(slug):
    try:
        cache.delete_pattern(f"blog:post:{slug}:*")
    except AttributeError:
        pass  # not Redis
"#;

const FIXED: &str = r#"import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def invalidate_post(slug):
    try:
        cache.delete_pattern(f"blog:post:{slug}:*")
    except AttributeError:
        tracked = cache.get(f"blog:post:{slug}:_keys", set())
        cache.delete_many(tracked)
        logger.debug("invalidated %d tracked keys for %s", len(tracked), slug)
"#;

fn check<'a>(ctx: &FileContext<'a>, hits: &mut Vec<Hit>) {
    if !ctx.mentions("delete_pattern") || !uses_django_cache(ctx) {
        return;
    }
    let calls = delete_pattern_calls(ctx);
    guards_without_else(ctx, &calls, hits);
    for try_stmt in ctx.nodes("try_statement") {
        let Some(body) = try_stmt.field("body") else {
            continue;
        };
        if !calls.iter().any(|c| directly_within(ctx, *c, body)) {
            continue;
        }
        let Some(handler) = attribute_error_handler(ctx, *try_stmt) else {
            continue;
        };
        let Some(block) = handler_block(handler) else {
            continue;
        };
        if does_nothing(block) && !fallback_elsewhere(ctx, *try_stmt) {
            hits.push(Hit::at(handler.start_byte()..header_end(handler)));
        }
    }
    for with in ctx.nodes("with_statement") {
        let Some(body) = with.field("body") else {
            continue;
        };
        if !calls.iter().any(|c| directly_within(ctx, *c, body)) {
            continue;
        }
        if fallback_elsewhere(ctx, *with) {
            continue;
        }
        for item in suppress_items(ctx, *with) {
            hits.push(Hit::node(item));
        }
    }
}

/// `if hasattr(cache, "delete_pattern"): cache.delete_pattern(...)` with no `else`, also
/// `delete_pattern = getattr(cache, "delete_pattern", None)` then `if delete_pattern:
/// delete_pattern(...)`: on every other backend the guard skips the invalidation and
/// nothing replaces it. Reported at the condition.
fn guards_without_else<'a>(ctx: &FileContext<'a>, calls: &[Node<'a>], hits: &mut Vec<Hit>) {
    for stmt in ctx.nodes("if_statement") {
        let (Some(condition), Some(body)) = (stmt.field("condition"), stmt.field("consequence"))
        else {
            continue;
        };
        let mut cursor = stmt.walk();
        let has_alternative = stmt
            .named_children(&mut cursor)
            .any(|c| matches!(c.kind_name(), "else_clause" | "elif_clause"));
        if has_alternative || guard(ctx, condition) != Some(true) {
            continue;
        }
        let through_method = calls.iter().any(|c| directly_within(ctx, *c, body));
        let through_name = || {
            ctx.nodes("call").iter().any(|call| {
                directly_within(ctx, *call, body)
                    && ctx
                        .callee(*call)
                        .filter(|c| c.kind_name() == "identifier")
                        .is_some_and(|c| guard(ctx, c) == Some(true))
            })
        };
        if (through_method || through_name()) && !fallback_elsewhere(ctx, *stmt) {
            hits.push(Hit::node(condition));
        }
    }
}

/// `node` is inside `block` without a function boundary in between.
fn directly_within<'a>(ctx: &FileContext<'a>, node: Node<'a>, block: Node<'a>) -> bool {
    for ancestor in ctx.ancestors(node) {
        if ancestor.id() == block.id() {
            return true;
        }
        if matches!(
            ancestor.kind_name(),
            "function_definition" | "lambda" | "class_definition"
        ) {
            return false;
        }
    }
    false
}

fn handler_block(handler: Node) -> Option<Node> {
    let mut cursor = handler.walk();
    let found = handler
        .named_children(&mut cursor)
        .find(|c| c.kind_name() == "block");
    found
}

/// The end of `except AttributeError as e`: before the handler's body.
fn header_end(handler: Node) -> usize {
    let mut cursor = handler.walk();
    let mut end = handler.start_byte() + "except".len();
    for child in handler.children(&mut cursor) {
        if child.kind_name() == "block" || child.kind_name() == ":" {
            break;
        }
        end = child.end_byte();
    }
    end.min(handler.end_byte())
}

/// A block of only `pass`, `...`, string literals and comments.
fn does_nothing(block: Node) -> bool {
    let mut cursor = block.walk();
    let all_empty = block
        .named_children(&mut cursor)
        .all(|stmt| match stmt.kind_name() {
            "pass_statement" | "comment" => true,
            "expression_statement" => stmt.named_child(0).is_some_and(|e| {
                matches!(e.kind_name(), "ellipsis" | "string" | "concatenated_string")
                    && stmt.named_child_count() == 1
            }),
            _ => false,
        });
    all_empty
}

/// Cache deletions in the statements after the `try`/`with` (same block), or in its
/// `finally`: the fallback runs anyway, so the empty handler is not silent.
fn fallback_elsewhere<'a>(ctx: &FileContext<'a>, stmt: Node<'a>) -> bool {
    let deletes = |node: Node| {
        ctx.method_calls(&["delete", "delete_many", "clear", "adelete", "adelete_many"])
            .any(|(call, _, _)| {
                node.start_byte() <= call.start_byte() && call.end_byte() <= node.end_byte()
            })
    };
    let mut cursor = stmt.walk();
    let finally_deletes = stmt
        .named_children(&mut cursor)
        .any(|c| c.kind_name() == "finally_clause" && deletes(c));
    if finally_deletes {
        return true;
    }
    let Some(parent) = ctx.parent(stmt) else {
        return false;
    };
    let mut cursor = parent.walk();
    let later = parent
        .named_children(&mut cursor)
        .skip_while(|s| s.id() != stmt.id())
        .skip(1)
        .any(deletes);
    later
}
