//! `delete_pattern()` calls that may reach a cache without that method, and the guards that
//! test for it (`hasattr(cache, "delete_pattern")`).

use super::objects::uses_django_cache;
use crate::context::FileContext;
use crate::grammar::{Field, KindName};
use crate::semantic::bindings::assigned_value;
use tree_sitter::Node;

/// `X.delete_pattern(...)` calls of the file that may reach a cache without that
/// method: not `self.delete_pattern(...)`/`self.client.delete_pattern(...)` inside a
/// class that defines `delete_pattern` itself (django-redis's own backend, wrappers),
/// and not on a class of this file that defines it, or an instance of one.
///
/// Only in files that import Django's cache (`django.core.cache`) or django-redis:
/// elsewhere `cache` is some other library's object (FastAPI services, aiocache, ...),
/// with its own `delete_pattern`.
pub fn delete_pattern_calls<'a>(ctx: &FileContext<'a>) -> Vec<Node<'a>> {
    if !uses_django_cache(ctx) {
        return Vec::new();
    }
    let defining_classes: Vec<Node<'a>> = ctx
        .nodes("function_definition")
        .iter()
        .filter(|f| ctx.definition_name(**f) == "delete_pattern")
        .filter_map(|f| ctx.method_class(*f))
        .collect();
    let class_names: Vec<&str> = defining_classes
        .iter()
        .map(|c| ctx.definition_name(*c))
        .collect();
    ctx.method_calls(&["delete_pattern"])
        .filter(|&(call, receiver, _)| {
            let root = root_of(ctx, receiver);
            let root_text = ctx.text(root);
            let in_defining_class = ctx
                .enclosing_class(call)
                .is_some_and(|c| defining_classes.iter().any(|d| d.id() == c.id()));
            if in_defining_class
                && (root_text == "self" || root_text == "cls" || root_text.starts_with("super"))
            {
                return false;
            }
            let is_local_class = |n: Node<'a>| {
                let callee = if n.kind_name() == "call" {
                    ctx.callee(n)
                } else {
                    Some(n)
                };
                callee
                    .filter(|c| c.kind_name() == "identifier")
                    .is_some_and(|c| class_names.contains(&ctx.text(c)))
            };
            let receiver = ctx.unparenthesize(receiver);
            if is_local_class(receiver) {
                return false;
            }
            if receiver.kind_name() == "identifier" && !class_names.is_empty() {
                if let Some(value) = assigned_value(ctx, ctx.text(receiver), receiver) {
                    if is_local_class(value) {
                        return false;
                    }
                }
            }
            true
        })
        .map(|(call, _, _)| call)
        .collect()
}

/// The innermost-left part of a receiver chain: `self` for `self.client.x`, the
/// `super()` call for `super().x`.
fn root_of<'a>(ctx: &FileContext<'a>, mut node: Node<'a>) -> Node<'a> {
    for _ in 0..64 {
        let next = match node.kind_name() {
            "attribute" => node.field("object"),
            "subscript" => node.field("value"),
            "call"
                if ctx
                    .callee(node)
                    .is_some_and(|c| c.kind_name() == "attribute") =>
            {
                ctx.callee(node)
            }
            "parenthesized_expression" => node.named_child(0),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    node
}

/// Whether `condition` tests for `delete_pattern`: Some(true) when it is true only if
/// the method exists (`hasattr(c, "delete_pattern")`, `getattr(...)`, `callable(...)`,
/// `and` of such), Some(false) for the negation (`not hasattr(...)`).
pub fn guard<'a>(ctx: &FileContext<'a>, condition: Node<'a>) -> Option<bool> {
    guard_at(ctx, condition, 0)
}

/// Most nested `not`/`and`/`or` levels looked at: conditions are short, hostile input is not.
const MAX_GUARD_DEPTH: usize = 16;

fn guard_at<'a>(ctx: &FileContext<'a>, condition: Node<'a>, depth: usize) -> Option<bool> {
    if depth > MAX_GUARD_DEPTH {
        return None;
    }
    let condition = ctx.unparenthesize(condition);
    match condition.kind_name() {
        "not_operator" => guard_at(ctx, condition.field("argument")?, depth + 1).map(|g| !g),
        "boolean_operator" => {
            let op = condition.field("operator").map(|o| ctx.text(o));
            let left = guard_at(ctx, condition.field("left")?, depth + 1);
            let right = guard_at(ctx, condition.field("right")?, depth + 1);
            match op {
                Some("and") if left == Some(true) || right == Some(true) => Some(true),
                Some("or") if left == Some(false) || right == Some(false) => Some(false),
                _ => None,
            }
        }
        "call" => {
            let name = ctx.call_simple_name(condition)?;
            if name == "callable" {
                return guard_at(ctx, *ctx.positional_args(condition).first()?, depth + 1);
            }
            if name != "hasattr" && name != "getattr" {
                return None;
            }
            let attr = ctx.positional_args(condition).get(1).copied()?;
            (ctx.string_value(attr)? == "delete_pattern").then_some(true)
        }
        // `delete_pattern = getattr(cache, "delete_pattern", None)` then `if delete_pattern:`
        "identifier" => {
            let value = assigned_value(ctx, ctx.text(condition), condition)?;
            let value = ctx.unparenthesize(value);
            (value.kind_name() == "call" && ctx.call_simple_name(value) == Some("getattr"))
                .then(|| guard_at(ctx, value, depth + 1))
                .flatten()
        }
        "comparison_operator" => {
            // `getattr(c, "delete_pattern", None) is not None`
            let text = ctx.text(condition);
            let first = condition.named_child(0)?;
            let negative = text.contains(" is None") || text.contains("==");
            guard_at(ctx, first, depth + 1).map(|g| if negative { !g } else { g })
        }
        _ => None,
    }
}
