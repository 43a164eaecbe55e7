//! Whether a value becomes part of a cache key: followed through expressions, names,
//! `self` attributes and returns, to a cache call's key or a string built with a cache prefix.

use super::names::{is_cache_object_name, is_key_name};
use super::objects::is_cache_method_call;
use crate::context::FileContext;
use crate::grammar::{Field, KindName};
use crate::semantic::bindings::uses_after;
use tree_sitter::Node;

fn mentions_cache(text: &str) -> bool {
    text.to_ascii_lowercase().contains("cache")
}

/// The text of `outer` without the part `inner` covers (for "does the rest of this
/// string-building expression mention the cache").
fn text_around<'a>(ctx: &FileContext<'a>, outer: Node<'a>, inner: Node<'a>) -> (&'a str, &'a str) {
    let text = ctx.text;
    let (os, oe) = (outer.start_byte(), outer.end_byte());
    let (is, ie) = (
        inner.start_byte().clamp(os, oe),
        inner.end_byte().clamp(os, oe),
    );
    (&text[os..is], &text[ie.max(is)..oe])
}

fn around_mentions_cache<'a>(ctx: &FileContext<'a>, outer: Node<'a>, inner: Node<'a>) -> bool {
    let (before, after) = text_around(ctx, outer, inner);
    mentions_cache(before) || mentions_cache(after)
}

/// Methods through which a hash's text keeps flowing into a bigger value.
const TRANSPARENT_METHODS: &[&str] = &[
    "hexdigest",
    "digest",
    "encode",
    "decode",
    "upper",
    "lower",
    "strip",
];

/// Calls through which a value keeps flowing: `str(h)`, `":".join([...])`,
/// `"{}".format(h)`, `force_str(h)`.
const TRANSPARENT_CALLS: &[&str] = &["str", "join", "format", "force_str", "force_bytes"];

/// How many names, attributes and returns `flows_into_cache_key` follows.
const MAX_NAME_HOPS: usize = 5;
/// How many parents one climb looks at.
const MAX_CLIMB: usize = 40;

/// Whether the value of `node` becomes part of a cache key, with evidence in the code:
/// it reaches the key argument of a cache call (`cache.get(key)`), a `key=` keyword, a
/// call to a key-making function (`make_key(h)`), or a string built with a cache prefix
/// (`f"{CACHE_PREFIX}:{h}"`). Names, `self` attributes and returns on the way are
/// followed to their uses (a name that says key is not evidence); only a public
/// function whose value leaves the file is judged by its name (`def make_cache_key`).
pub fn flows_into_cache_key<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    flows(ctx, node, 0)
}

fn flows<'a>(ctx: &FileContext<'a>, start: Node<'a>, hops: usize) -> bool {
    let mut node = start;
    for _ in 0..MAX_CLIMB {
        let Some(parent) = ctx.parent(node) else {
            return false;
        };
        match parent.kind_name() {
            "parenthesized_expression"
            | "tuple"
            | "list"
            | "expression_list"
            | "conditional_expression"
            | "boolean_operator" => {}
            // A dict key (`set_many({key: value})`), not a value.
            "pair" => {
                let is_key = parent.field("key").is_some_and(|k| k.id() == node.id());
                let Some(dict) = ctx.parent(parent).filter(|d| d.kind_name() == "dictionary")
                else {
                    return false;
                };
                if !is_key {
                    return false;
                }
                node = dict;
                continue;
            }
            "subscript" => {
                let Some(value) = parent.field("value") else {
                    return false;
                };
                if value.id() != node.id() {
                    // `store[h]`: used as the key of a mapping that is a cache
                    // (`self._cache[h]`), not of any mapping whose name says key.
                    return ctx
                        .dotted_name(value)
                        .is_some_and(|v| is_cache_object_name(&v));
                }
            }
            "attribute" => {
                let is_object = parent.field("object").is_some_and(|o| o.id() == node.id());
                let method = parent.field("attribute").map_or("", |a| ctx.text(a));
                let Some(call) = ctx.parent(parent).filter(|c| c.kind_name() == "call") else {
                    return false;
                };
                if !is_object || !TRANSPARENT_METHODS.contains(&method) {
                    return false;
                }
                node = call;
                continue;
            }
            "interpolation" => {
                let Some(string) = ctx.parent(parent) else {
                    return false;
                };
                if literal_parts_mention_cache(ctx, string, parent) {
                    return true;
                }
                node = string;
                continue;
            }
            "binary_operator" => {
                if around_mentions_cache(ctx, parent, node) {
                    return true;
                }
            }
            "keyword_argument" => {
                let is_value = parent.field("value").is_some_and(|v| v.id() == node.id());
                if !is_value {
                    return false;
                }
                let name = parent.field("name").map_or("", |n| ctx.text(n));
                if mentions_cache(name) || name == "key" || name == "keys" {
                    return true;
                }
            }
            "argument_list" => {
                let Some(call) = ctx.parent(parent).filter(|c| c.kind_name() == "call") else {
                    return false;
                };
                if is_cache_method_call(ctx, call) {
                    // The key is the first argument; the others are values, timeouts.
                    let first = ctx.positional_args(call).first().map(|a| a.id());
                    return first == Some(node.id());
                }
                let name = ctx.call_simple_name(call).unwrap_or("");
                if is_key_name(name) {
                    return true;
                }
                if !TRANSPARENT_CALLS.contains(&name) {
                    return false;
                }
                // `os.path.join(...)` builds a file path, not a key.
                let is_path_join = ctx
                    .call_name(call)
                    .is_some_and(|n| n.ends_with("path.join"));
                if is_path_join {
                    return false;
                }
                // `"cache:{}".format(h)`, `"cache:".join(...)`: the receiver is part
                // of the string.
                if let Some((receiver, _)) = ctx.method_call(call) {
                    if mentions_cache(ctx.text(receiver)) {
                        return true;
                    }
                }
                node = call;
                continue;
            }
            "assignment" | "augmented_assignment" => {
                let is_right = parent.field("right").is_some_and(|r| r.id() == node.id());
                let Some(left) = parent.field("left") else {
                    return false;
                };
                if !is_right {
                    return false;
                }
                // A name is not evidence: `self._hash_cache = h` memoises an id and
                // `redis_key = ...` feeds a counter. Follow the value to its uses.
                if hops >= MAX_NAME_HOPS {
                    return false;
                }
                return match left.kind_name() {
                    "identifier" => uses_flow(ctx, ctx.text(left), parent, hops + 1),
                    "attribute" => ctx
                        .attribute_reads(left)
                        .into_iter()
                        .take(MAX_FOLLOWED)
                        .any(|read| flows(ctx, read, hops + 1)),
                    // `d[k] = h` stores `h` as a value, not a key.
                    _ => false,
                };
            }
            "return_statement" => {
                let Some(function) = ctx.enclosing_function(parent) else {
                    return false;
                };
                return returned_value_flows(ctx, function, hops);
            }
            _ => return false,
        }
        node = parent;
    }
    false
}

/// Whether the value a function returns becomes part of a cache key: followed to the
/// function's callers in this file (a helper that hashes and a caller that folds the
/// hash into a key). A function with no caller here hands its value to other modules:
/// then its name is the only evidence left, and it must say key (`make_cache_key`,
/// `get_cache_key`) on a public function; a private one (`_get_source_cache_key`) is
/// called from this module or not meant to be called at all.
fn returned_value_flows<'a>(ctx: &FileContext<'a>, function: Node<'a>, hops: usize) -> bool {
    let name = ctx.definition_name(function);
    let callers: Vec<Node<'a>> = ctx
        .call_sites(function)
        .into_iter()
        .filter(|c| !ctx.is_within(*c, function))
        .collect();
    if callers.is_empty() {
        return is_key_name(name) && !name.starts_with('_');
    }
    hops < MAX_NAME_HOPS
        && callers
            .into_iter()
            .take(MAX_FOLLOWED)
            .any(|call| flows(ctx, call, hops + 1))
}

/// Whether the literal text of an f-string, or the plain names it interpolates
/// (`f"{CACHE_PREFIX}:{h}"`), mention the cache, leaving out `skip` (the part holding
/// the value) and interpolated calls (`{obj.cache.get("v")}` is another value).
fn literal_parts_mention_cache<'a>(
    ctx: &FileContext<'a>,
    string: Node<'a>,
    skip: Node<'a>,
) -> bool {
    let mut cursor = string.walk();
    let found = string
        .named_children(&mut cursor)
        .any(|part| match part.kind_name() {
            "string_content" => mentions_cache(ctx.text(part)),
            "interpolation" if part.id() != skip.id() => part
                .named_child(0)
                .filter(|e| matches!(e.kind_name(), "identifier" | "attribute"))
                .is_some_and(|e| mentions_cache(ctx.text(e))),
            _ => false,
        });
    found
}

/// How many callers or attribute reads one step of `flows` follows.
const MAX_FOLLOWED: usize = 8;

/// Whether a later use of `name` (assigned by `assignment`, in the same function)
/// flows into a cache key.
fn uses_flow<'a>(ctx: &FileContext<'a>, name: &str, assignment: Node<'a>, hops: usize) -> bool {
    let scope = ctx.enclosing_function(assignment).map(|f| f.id());
    uses_after(ctx, name, assignment)
        .filter(|u| ctx.enclosing_function(*u).map(|f| f.id()) == scope)
        .any(|u| flows(ctx, u, hops))
}
