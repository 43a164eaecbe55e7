//! CACHE022: one cache round trip per item of a loop.

use super::objects::{is_cache_receiver, uses_django_cache};
use crate::context::{nodes_within, FileContext};
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use crate::rules::modules::{in_data_migration, is_offline_module};
use crate::semantic::loops::{for_in_clauses, COMPREHENSIONS};
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "CACHE022",
    name: "cache-call-per-item",
    severity: Severity::Info,
    category: Category::Cache,
    message: "One cache call per item of the loop: `get_many()`/`set_many()`/`delete_many()` do it in one round trip",
    explanation: crate::rule::explanation!("cache_call_per_item.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::File(check),
};

const BAD: &str = r#"from django.core.cache import cache


def cached_prices(product_ids):
    prices = {}
    for product_id in product_ids:
        prices[product_id] = cache.get(f"price:{product_id}")
    return prices


def forget_prices(product_ids):
    for product_id in product_ids:
        cache.delete(f"price:{product_id}")
"#;

const FIXED: &str = r#"from django.core.cache import cache


def cached_prices(product_ids):
    found = cache.get_many([f"price:{product_id}" for product_id in product_ids])
    return {
        product_id: found.get(f"price:{product_id}") for product_id in product_ids
    }


def forget_prices(product_ids):
    cache.delete_many([f"price:{product_id}" for product_id in product_ids])
"#;

/// The per-key methods and the batch method that replaces each.
const PER_KEY: &[(&str, &str)] = &[
    ("get", "get_many"),
    ("set", "set_many"),
    ("delete", "delete_many"),
    ("aget", "aget_many"),
    ("aset", "aset_many"),
    ("adelete", "adelete_many"),
];

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    if !ctx.mentions("cache") || !uses_django_cache(ctx) || is_offline_module(ctx.path) {
        return;
    }
    let methods: Vec<&str> = PER_KEY.iter().map(|(m, _)| *m).collect();
    for (call, receiver, method) in ctx.method_calls(&methods) {
        let Some(key) = ctx.argument(call, 0, "key") else {
            continue;
        };
        let Some(loop_) = per_item_loop(ctx, call, key) else {
            continue;
        };
        if !is_cache_receiver(ctx, receiver) || in_data_migration(ctx, call) {
            continue;
        }
        let batch = PER_KEY
            .iter()
            .find(|(m, _)| *m == method)
            .map_or("", |(_, b)| *b);
        let kind = if loop_.kind_name() == "for_statement" {
            "loop"
        } else {
            "comprehension"
        };
        hits.push(Hit::node(call).with_message(format!(
            "`{method}()` once per item of the {kind}, with a key built from the item: one round trip each; `{batch}()` does them in one"
        )));
    }
}

/// The innermost loop (a `for` statement or a comprehension) around `call` whose
/// variables the key uses, directly or through a name assigned in the loop body.
fn per_item_loop<'a>(ctx: &FileContext<'a>, call: Node<'a>, key: Node<'a>) -> Option<Node<'a>> {
    let mut inner = call;
    for ancestor in ctx.ancestors(call) {
        match ancestor.kind_name() {
            // A `with` inside the loop (a per-key lock) makes each call its own step.
            "function_definition" | "lambda" | "class_definition" | "with_statement" => {
                return None
            }
            // Not a loop over a handful of literals (`for prefix in ("a", "b")`).
            "for_statement"
                if ancestor.field("body").is_some_and(|b| b.id() == inner.id())
                    && !ancestor
                        .field("right")
                        .is_some_and(|r| matches!(r.kind_name(), "tuple" | "list" | "set")) =>
            {
                let targets = target_names(ctx, ancestor.field("left")?);
                if key_uses(ctx, key, &targets, ancestor) {
                    return Some(ancestor);
                }
            }
            kind if COMPREHENSIONS.contains(&kind) => {
                let clauses = for_in_clauses(ancestor);
                let targets: Vec<&str> = clauses
                    .iter()
                    .filter_map(|c| c.field("left"))
                    .flat_map(|l| target_names(ctx, l))
                    .collect();
                // The call must be in the part evaluated per item, not in an iterable.
                let in_iterable = clauses
                    .iter()
                    .filter_map(|c| c.field("right"))
                    .any(|r| ctx.is_within(call, r));
                if !in_iterable && key_uses(ctx, key, &targets, ancestor) {
                    return Some(ancestor);
                }
            }
            _ => {}
        }
        inner = ancestor;
    }
    None
}

fn target_names<'a>(ctx: &FileContext<'a>, target: Node<'a>) -> Vec<&'a str> {
    if target.kind_name() == "identifier" {
        return vec![ctx.text(target)];
    }
    let mut names = Vec::new();
    let mut stack = vec![target];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind_name() {
                "identifier" => names.push(ctx.text(child)),
                "pattern_list"
                | "tuple_pattern"
                | "list_pattern"
                | "tuple"
                | "list"
                | "parenthesized_expression" => stack.push(child),
                _ => {}
            }
        }
    }
    names
}

/// Whether `key` names one of `targets`, or a name assigned inside `loop_` from them.
fn key_uses<'a>(ctx: &FileContext<'a>, key: Node<'a>, targets: &[&str], loop_: Node<'a>) -> bool {
    let direct = |expr: Node<'a>| {
        expr.kind_name() == "identifier" && targets.contains(&ctx.text(expr))
            || nodes_within(ctx, "identifier", expr).any(|i| targets.contains(&ctx.text(i)))
    };
    if direct(key) {
        return true;
    }
    // `k = f"price:{product_id}"` then `cache.get(k)`.
    nodes_within(ctx, "identifier", key)
        .chain(std::iter::once(key))
        .any(|name| {
            name.kind_name() == "identifier"
                && nodes_within(ctx, "assignment", loop_).any(|a| {
                    a.end_byte() <= key.start_byte()
                        && a.field("left").is_some_and(|l| {
                            l.kind_name() == "identifier" && ctx.text(l) == ctx.text(name)
                        })
                        && a.field("right").is_some_and(direct)
                })
        })
}
