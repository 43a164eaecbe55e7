//! CACHE002: a registry of tracked cache keys kept as a list.

use super::objects::is_cache_receiver;
use crate::context::FileContext;
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use crate::semantic::bindings::uses_after;
use std::collections::HashMap;
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "CACHE002",
    name: "tracked-keys-as-list",
    severity: Severity::Warning,
    category: Category::Cache,
    message: "Tracked cache keys kept in a list: every `set` appends the key again; use a set",
    explanation: crate::rule::explanation!("tracked_keys_as_list.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::File(check),
};

const BAD: &str = r#"from django.core.cache import cache

TRACKED_KEYS = "blog:list:_keys"


def cache_blog_list(cache_key, data, timeout=300):
    cache.set(cache_key, data, timeout)
    tracked_keys = cache.get(TRACKED_KEYS, [])
    tracked_keys.append(cache_key)
    cache.set(TRACKED_KEYS, tracked_keys, timeout)
"#;

const FIXED: &str = r#"from django.core.cache import cache

TRACKED_KEYS = "blog:list:_keys"


def cache_blog_list(cache_key, data, timeout=300):
    cache.set(cache_key, data, timeout)
    tracked_keys = cache.get(TRACKED_KEYS, set())
    tracked_keys.add(cache_key)
    cache.set(TRACKED_KEYS, tracked_keys, timeout)
"#;

const GROWING_METHODS: &[&str] = &["append", "extend", "insert"];

fn check<'a>(ctx: &FileContext<'a>, hits: &mut Vec<Hit>) {
    let mut receivers: HashMap<(&str, Option<usize>), bool> = HashMap::new();
    for (call, receiver, _) in ctx.method_calls(&["get", "aget"]) {
        // Text tests first: a file can hold thousands of `.get(...)` calls (`dict.get`),
        // and reading a call's arguments walks its children. A list default is written
        // `[]` or `list()`; without one, only `cache.get(K) or []` or an `if` on the next
        // line can qualify.
        let or_list = followed_by_or(ctx.text, call.end_byte());
        let if_next = followed_by_if(ctx.text, call.end_byte());
        let args_text = ctx.text(call);
        let may_default_list = args_text.contains('[') || args_text.contains("list");
        if !(or_list || if_next || may_default_list) {
            continue;
        }
        let Some(key) = ctx.argument(call, 0, "key") else {
            continue;
        };
        let default_is_list = may_default_list
            && ctx
                .argument(call, 1, "default")
                .is_some_and(|d| is_empty_list(ctx, d));
        let assignment = if default_is_list || or_list {
            assignment_of(ctx, call, default_is_list)
        } else if if_next {
            // `x = cache.get(K)` then `if not x: x = []`: the list comes a line later.
            assignment_of(ctx, call, true).filter(|a| reset_to_empty_list(ctx, *a))
        } else {
            None
        };
        let Some(assignment) = assignment else {
            continue;
        };
        // Memoized per receiver text and function: one file can read the same cache
        // thousands of times, and following an alias scans the function.
        let scope = ctx.enclosing_function(call).map(|f| f.id());
        let is_cache = *receivers
            .entry((ctx.text(receiver), scope))
            .or_insert_with(|| is_cache_receiver(ctx, receiver));
        if !is_cache {
            continue;
        }
        let Some(left) = ctx.field(assignment, "left") else {
            continue;
        };
        if left.kind_name() != "identifier" {
            continue;
        }
        let name = ctx.text(left);
        let grown: Vec<Node> = uses_after(ctx, name, assignment)
            .filter_map(|u| growth(ctx, u))
            .collect();
        // Each growth an `append(k)` under `if k not in keys:` (or after `if k in keys:
        // return`): no key is ever added twice, and the list stays as long as a set.
        if grown.is_empty() || grown.iter().all(|g| added_once(ctx, *g, name)) {
            continue;
        }
        // Read with no default and filled when missing, a list is usually a value computed
        // on a miss (Wagtail's `SITE_ROOT_PATHS_CACHE_KEY`): there the cache key's name
        // says nothing; the registry's own name or what it grows by must.
        let reset_later = !default_is_list && !or_list;
        let about_keys = mentions_key(name)
            || (!reset_later && mentions_key(ctx.text(key)))
            || grown.iter().any(|g| mentions_key(ctx.text(*g)));
        if about_keys {
            hits.push(Hit::node(call));
        }
    }
}

/// Whether the code after `at` (past closing parentheses) is an `or`.
fn followed_by_or(text: &str, at: usize) -> bool {
    let rest = text
        .get(at..)
        .unwrap_or("")
        .trim_start_matches(|c: char| c.is_whitespace() || c == ')' || c == '\\');
    rest.starts_with("or") && !rest[2..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
}

/// Whether the line after the one `at` ends starts with `if` (a cheap test before
/// `reset_to_empty_list` climbs the tree).
fn followed_by_if(text: &str, at: usize) -> bool {
    let rest = text.get(at..).unwrap_or("");
    let Some((_, after)) = rest.split_once('\n') else {
        return false;
    };
    after.trim_start().starts_with("if ")
}

/// `x = cache.get(K)` followed by `if not x: x = []` (or `if x is None:`, `list()`): the
/// name holds a list whenever the cache had none.
fn reset_to_empty_list<'a>(ctx: &FileContext<'a>, assignment: Node<'a>) -> bool {
    let Some(left) = assignment
        .field("left")
        .filter(|l| l.kind_name() == "identifier")
    else {
        return false;
    };
    let name = ctx.text(left);
    let mut next = ctx
        .parent(assignment)
        .and_then(|stmt| stmt.next_named_sibling());
    while let Some(comment) = next.filter(|n| n.kind_name() == "comment") {
        next = comment.next_named_sibling();
    }
    let Some(next) = next else {
        return false;
    };
    if next.kind_name() != "if_statement" {
        return false;
    }
    let condition = next
        .field("condition")
        .map(|c| ctx.text(ctx.unparenthesize(c)));
    let words: Vec<&str> = condition.unwrap_or("").split_whitespace().collect();
    let tests_empty = words == ["not", name] || words == [name, "is", "None"];
    let Some(body) = next.field("consequence") else {
        return false;
    };
    let resets = ctx.named_children(body).any(|stmt| {
        ctx.assignment_in(stmt).is_some_and(|a| {
            ctx.field(a, "left").is_some_and(|l| ctx.text(l) == name)
                && ctx.field(a, "right").is_some_and(|r| is_empty_list(ctx, r))
        })
    });
    tests_empty && resets
}

fn mentions_key(text: &str) -> bool {
    text.to_ascii_lowercase().contains("key")
}

/// `[]` or `list()`.
fn is_empty_list<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    let node = ctx.unparenthesize(node);
    match node.kind_name() {
        "list" => node.named_child_count() == 0,
        "call" => {
            ctx.call_name(node).as_deref() == Some("list") && ctx.positional_args(node).is_empty()
        }
        _ => false,
    }
}

/// The assignment that stores the read: `x = cache.get(K, [])` (when the default is a
/// list) or `x = cache.get(K) or []`, also through `await` and parentheses.
fn assignment_of<'a>(
    ctx: &FileContext<'a>,
    call: Node<'a>,
    default_is_list: bool,
) -> Option<Node<'a>> {
    let mut node = call;
    let mut list = default_is_list;
    for _ in 0..8 {
        let parent = ctx.parent(node)?;
        match parent.kind_name() {
            "parenthesized_expression" | "await" => {}
            "boolean_operator" => {
                let is_left = ctx.field(parent, "left")?.id() == node.id();
                let is_or = parent
                    .field("operator")
                    .is_some_and(|o| ctx.text(o) == "or");
                let right = ctx.field(parent, "right")?;
                if !(is_left && is_or && is_empty_list(ctx, right)) {
                    return None;
                }
                list = true;
            }
            "assignment" => {
                let is_right = ctx.field(parent, "right")?.id() == node.id();
                return (is_right && list).then_some(parent);
            }
            _ => return None,
        }
        node = parent;
    }
    None
}

/// Whether `grown` (what `growth` found) is the arguments of `name.append(k)` or
/// `name.insert(i, k)` that runs only when `k` is not in the list yet: inside
/// `if k not in name:` (also one test of an `and`), or after `if k in name:` that leaves
/// the block (`return`, `continue`, `break`, `raise`).
fn added_once<'a>(ctx: &FileContext<'a>, grown: Node<'a>, name: &str) -> bool {
    if grown.kind_name() != "argument_list" {
        return false;
    }
    let Some(call) = ctx.parent(grown) else {
        return false;
    };
    let item = match ctx.method_call(call) {
        Some((_, "append")) => ctx.positional_args(call).first().copied(),
        Some((_, "insert")) => ctx.positional_args(call).get(1).copied(),
        _ => None,
    };
    let Some(item) = item else {
        return false;
    };
    let item = ctx.text(item);
    let function = ctx.enclosing_function(call).map(|f| f.id());
    let mut node = call;
    while let Some(parent) = ctx.parent(node) {
        if parent.kind_name() == "function_definition" || Some(parent.id()) == function {
            break;
        }
        match parent.kind_name() {
            "if_statement" => {
                let in_body = ctx
                    .field(parent, "consequence")
                    .is_some_and(|c| c.id() == node.id());
                if in_body
                    && ctx
                        .field(parent, "condition")
                        .is_some_and(|c| tests_membership(ctx, c, item, name, "not in"))
                {
                    return true;
                }
            }
            "block" => {
                let before = ctx
                    .named_children(parent)
                    .take_while(|s| s.start_byte() < node.start_byte());
                let mut exits = false;
                for statement in before {
                    exits |= statement.kind_name() == "if_statement"
                        && leaves_block(ctx, statement)
                        && ctx
                            .field(statement, "condition")
                            .is_some_and(|c| tests_membership(ctx, c, item, name, "in"));
                }
                if exits {
                    return true;
                }
            }
            _ => {}
        }
        node = parent;
    }
    false
}

/// Whether `condition` is `item <operator> name`, or an `and` with such a test on one side.
fn tests_membership<'a>(
    ctx: &FileContext<'a>,
    condition: Node<'a>,
    item: &str,
    name: &str,
    operator: &str,
) -> bool {
    let condition = ctx.unparenthesize(condition);
    match condition.kind_name() {
        "boolean_operator" if operator == "not in" => {
            condition
                .field("operator")
                .is_some_and(|o| ctx.text(o) == "and")
                && [ctx.field(condition, "left"), ctx.field(condition, "right")]
                    .into_iter()
                    .flatten()
                    .any(|side| tests_membership(ctx, side, item, name, operator))
        }
        "comparison_operator" => {
            let (Some(left), Some(right)) = (condition.named_child(0), condition.named_child(1))
            else {
                return false;
            };
            condition.named_child_count() == 2
                && ctx.text(left) == item
                && ctx.text(right) == name
                && condition.field("operators").is_some_and(|o| {
                    ctx.text(o)
                        .split_whitespace()
                        .eq(operator.split_whitespace())
                })
        }
        _ => false,
    }
}

/// Whether an `if` with no `else` ends in `return`, `continue`, `break` or `raise`: the
/// code after it runs only when its condition is false.
fn leaves_block<'a>(ctx: &FileContext<'a>, statement: Node<'a>) -> bool {
    if statement.field("alternative").is_some() {
        return false;
    }
    let last = ctx
        .field(statement, "consequence")
        .and_then(|b| ctx.named_children(b).last());
    last.is_some_and(|s| {
        matches!(
            s.kind_name(),
            "return_statement" | "continue_statement" | "break_statement" | "raise_statement"
        )
    })
}

/// For a use `x` of the registry: the appended value of `x.append(v)` (or the
/// extended/inserted one, or the right side of `x += [...]`).
fn growth<'a>(ctx: &FileContext<'a>, use_: Node<'a>) -> Option<Node<'a>> {
    let parent = ctx.parent(use_)?;
    match parent.kind_name() {
        "attribute" => {
            if ctx.field(parent, "object")?.id() != use_.id() {
                return None;
            }
            let method = ctx.text(ctx.field(parent, "attribute")?);
            let call = ctx.parent(parent).filter(|c| c.kind_name() == "call")?;
            if !GROWING_METHODS.contains(&method) {
                return None;
            }
            Some(ctx.field(call, "arguments").unwrap_or(call))
        }
        "augmented_assignment" => {
            let is_left = ctx.field(parent, "left")?.id() == use_.id();
            let op = parent.field("operator").map(|o| ctx.text(o));
            (is_left && op == Some("+=")).then(|| ctx.field(parent, "right"))?
        }
        _ => None,
    }
}
