//! The cache rules, and the helpers they share: what looks like a Django cache, whether
//! a value ends up in a cache key, how `delete_pattern` calls are protected.

use crate::context::Field;
use crate::context::FileContext;
use crate::rule::Rule;
use tree_sitter::Node;

pub mod bulk_write_skips_invalidation;
pub mod cache_call_per_item;
pub mod cache_write_before_commit;
pub mod delete_pattern_without_fallback;
pub mod silent_invalidation_fallback;
pub mod tracked_keys_as_list;
pub mod truncated_cache_key_hash;
pub mod unordered_hash_input;
pub mod weak_cache_key_hash;

pub static RULES: &[&Rule] = &[
    &delete_pattern_without_fallback::RULE,
    &tracked_keys_as_list::RULE,
    &silent_invalidation_fallback::RULE,
    &truncated_cache_key_hash::RULE,
    &weak_cache_key_hash::RULE,
    &unordered_hash_input::RULE,
    &cache_write_before_commit::RULE,
    &bulk_write_skips_invalidation::RULE,
    &cache_call_per_item::RULE,
];

/// Methods of Django's cache API (and django-redis's extras) that take a key.
const CACHE_METHODS: &[&str] = &[
    "get",
    "set",
    "add",
    "delete",
    "get_or_set",
    "get_many",
    "set_many",
    "delete_many",
    "incr",
    "decr",
    "touch",
    "has_key",
    "aget",
    "aset",
    "aadd",
    "adelete",
    "aget_or_set",
    "aget_many",
    "aset_many",
    "adelete_many",
    "aincr",
    "adecr",
    "atouch",
    "ahas_key",
    "delete_pattern",
    "ttl",
    "expire",
    "persist",
];

/// Words that make a `..._key` name something other than a cache key.
const NOT_CACHE_KEY_WORDS: &[&str] = &[
    "secret",
    "api",
    "private",
    "public",
    "signing",
    "sign",
    "signature",
    "encryption",
    "crypto",
    "license",
    "access",
    "sort",
    "primary",
    "foreign",
    "idempotency",
    "session",
    "ssh",
    "rsa",
    "hmac",
    "s3",
    "object",
    "file",
    "upload",
    "bucket",
    "storage",
    "path",
];

/// Lowercase words of an identifier: `CACHE_PREFIX` -> cache, prefix; `cacheKey` ->
/// cache, key.
pub(super) fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' || c == '.' {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A name that says it holds (or makes) a cache key: it mentions `cache`, or it has a
/// word `key`/`keys` and no word that makes it another kind of key (`secret_key`,
/// `api_key`, `sort_key`).
pub fn is_key_name(name: &str) -> bool {
    let words = words(name);
    // `cache_bust`, `cachebuster`: a URL version string, not a key.
    if words.iter().any(|w| w.contains("bust")) {
        return false;
    }
    if words.iter().any(|w| w.contains("cache")) {
        return true;
    }
    words.iter().any(|w| w == "key" || w == "keys")
        && !words
            .iter()
            .any(|w| NOT_CACHE_KEY_WORDS.contains(&w.as_str()))
}

/// A name for a cache object: a word `cache`/`caches` or one ending in `cache`
/// (`cache`, `self.cache`, `default_cache`, `Rendition.cache_backend`, `pageCache`).
fn is_cache_object_name(name: &str) -> bool {
    words(name)
        .iter()
        .any(|w| w == "caches" || w.ends_with("cache"))
}

/// An expression that looks like a Django cache: `cache` (also imported under another
/// name), `caches["x"]`, `self.cache`, a name ending in `cache`, or a local alias of
/// one of these (`default = caches["default"]`).
pub fn is_cache_receiver<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    is_cache_receiver_at(ctx, node, 0)
}

fn is_cache_receiver_at<'a>(ctx: &FileContext<'a>, node: Node<'a>, depth: usize) -> bool {
    let node = ctx.unparenthesize(node);
    match node.kind() {
        "identifier" => {
            let name = ctx.text(node);
            let value = ctx.assigned_value(name, node);
            // A local `cache = {}` is a memo dict, whatever its name.
            if value.is_some_and(|v| is_plain_container(ctx, v)) {
                return false;
            }
            if is_cache_object_name(name) && name != "caches" {
                return true;
            }
            if ctx.qualified_name(node).as_deref() == Some("django.core.cache.cache") {
                return true;
            }
            depth < 2 && value.is_some_and(|v| is_cache_receiver_at(ctx, v, depth + 1))
        }
        "attribute" => node
            .field("attribute")
            .is_some_and(|a| is_cache_object_name(ctx.text(a)) && ctx.text(a) != "caches"),
        "subscript" => node
            .field("value")
            .and_then(|v| ctx.dotted_name(v))
            .is_some_and(|v| v == "caches" || v.ends_with(".caches")),
        "call" => ctx
            .call_name(node)
            .is_some_and(|n| n.ends_with("caches.create_connection")),
        _ => false,
    }
}

/// A dict, list or set built in place: `{}`, `dict()`, `defaultdict(list)`.
fn is_plain_container<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    let node = ctx.unparenthesize(node);
    match node.kind() {
        "dictionary" | "dictionary_comprehension" | "list" | "set" | "list_comprehension" => true,
        "call" => ctx.call_name(node).is_some_and(|n| {
            matches!(
                n.as_str(),
                "dict"
                    | "list"
                    | "set"
                    | "collections.defaultdict"
                    | "collections.OrderedDict"
                    | "collections.Counter"
            )
        }),
        _ => false,
    }
}

/// `cache.get(...)`, `caches["x"].set(...)`, ...: a cache API call on a cache.
pub fn is_cache_method_call<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> bool {
    ctx.method_call(call).is_some_and(|(receiver, method)| {
        CACHE_METHODS.contains(&method) && is_cache_receiver(ctx, receiver)
    })
}

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
        match parent.kind() {
            "parenthesized_expression"
            | "tuple"
            | "list"
            | "expression_list"
            | "conditional_expression"
            | "boolean_operator" => {}
            // A dict key (`set_many({key: value})`), not a value.
            "pair" => {
                let is_key = parent.field("key").is_some_and(|k| k.id() == node.id());
                let Some(dict) = ctx.parent(parent).filter(|d| d.kind() == "dictionary") else {
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
                let Some(call) = ctx.parent(parent).filter(|c| c.kind() == "call") else {
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
                let Some(call) = ctx.parent(parent).filter(|c| c.kind() == "call") else {
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
                return match left.kind() {
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
        .any(|part| match part.kind() {
            "string_content" => mentions_cache(ctx.text(part)),
            "interpolation" if part.id() != skip.id() => part
                .named_child(0)
                .filter(|e| matches!(e.kind(), "identifier" | "attribute"))
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

/// Identifiers spelled `name` after `after` and inside the same function (or the
/// module), in source order.
pub fn uses_after<'a, 'b>(
    ctx: &'b FileContext<'a>,
    name: &'b str,
    after: Node<'a>,
) -> impl Iterator<Item = Node<'a>> + 'b {
    let end = ctx
        .enclosing_function(after)
        .map_or(ctx.text.len(), |f| f.end_byte());
    let from = after.end_byte();
    let identifiers = ctx.nodes("identifier");
    // Identifiers are in source order: start at the first one after `after`, and look
    // at a bounded window (a rule must not go quadratic on a huge generated module).
    let first = identifiers.partition_point(|i| i.start_byte() < from);
    identifiers[first..]
        .iter()
        .copied()
        .take(MAX_USES_WINDOW)
        .take_while(move |i| i.end_byte() <= end)
        .filter(move |i| ctx.text(*i) == name)
}

/// How many identifiers after an assignment `uses_after` looks at.
const MAX_USES_WINDOW: usize = 2_000;

/// A `hashlib` constructor call (`hashlib.sha256(...)`, `md5(...)` imported from
/// hashlib, `hashlib.new(...)`), or Wagtail's `safe_md5(...)`.
pub fn is_hash_constructor<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> bool {
    ctx.call_name(call).is_some_and(|n| {
        (n.starts_with("hashlib.") && n != "hashlib.file_digest" && n != "hashlib.pbkdf2_hmac")
            || n == "wagtail.coreutils.safe_md5"
    })
}

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
                let callee = if n.kind() == "call" {
                    ctx.callee(n)
                } else {
                    Some(n)
                };
                callee
                    .filter(|c| c.kind() == "identifier")
                    .is_some_and(|c| class_names.contains(&ctx.text(c)))
            };
            let receiver = ctx.unparenthesize(receiver);
            if is_local_class(receiver) {
                return false;
            }
            if receiver.kind() == "identifier" && !class_names.is_empty() {
                if let Some(value) = ctx.assigned_value(ctx.text(receiver), receiver) {
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

/// The file imports Django's cache framework or django-redis.
pub(crate) fn uses_django_cache<'a>(ctx: &FileContext<'a>) -> bool {
    ctx.imports.modules.iter().any(|m| {
        m.module.starts_with("django.core.cache")
            || m.module.starts_with("django_redis")
            || (m.module == "django.core" && m.names.iter().any(|n| n == "cache"))
    })
}

/// The innermost-left part of a receiver chain: `self` for `self.client.x`, the
/// `super()` call for `super().x`.
fn root_of<'a>(ctx: &FileContext<'a>, mut node: Node<'a>) -> Node<'a> {
    for _ in 0..64 {
        let next = match node.kind() {
            "attribute" => node.field("object"),
            "subscript" => node.field("value"),
            "call" if ctx.callee(node).is_some_and(|c| c.kind() == "attribute") => ctx.callee(node),
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
    match condition.kind() {
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
            let value = ctx.assigned_value(ctx.text(condition), condition)?;
            let value = ctx.unparenthesize(value);
            (value.kind() == "call" && ctx.call_simple_name(value) == Some("getattr"))
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

/// Exception names whose handlers catch `AttributeError`.
const CATCHES_ATTRIBUTE_ERROR: &[&str] = &["AttributeError", "Exception", "BaseException"];

fn names_attribute_error<'a>(ctx: &FileContext<'a>, expr: Node<'a>) -> bool {
    names_attribute_error_at(ctx, expr, 0)
}

fn names_attribute_error_at<'a>(ctx: &FileContext<'a>, expr: Node<'a>, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    let expr = ctx.unparenthesize(expr);
    match expr.kind() {
        // `except AttributeError as exc` parses as an `as_pattern` value.
        "as_pattern" => expr
            .named_child(0)
            .is_some_and(|e| names_attribute_error_at(ctx, e, depth + 1)),
        "tuple" => {
            let mut cursor = expr.walk();
            let found = expr
                .named_children(&mut cursor)
                .any(|e| names_attribute_error_at(ctx, e, depth + 1));
            found
        }
        "identifier" | "attribute" => ctx.dotted_name(expr).is_some_and(|n| {
            let last = n.rsplit('.').next().unwrap_or(&n);
            CATCHES_ATTRIBUTE_ERROR.contains(&last)
        }),
        _ => false,
    }
}

/// Whether an `except` clause catches `AttributeError`: bare `except:`,
/// `except AttributeError`, a tuple naming it, or `except Exception` /
/// `except BaseException` (its bases).
pub fn catches_attribute_error<'a>(ctx: &FileContext<'a>, clause: Node<'a>) -> bool {
    if clause.kind() != "except_clause" {
        return false;
    }
    let mut cursor = clause.walk();
    let values: Vec<Node> = clause
        .children_by_field_name("value", &mut cursor)
        .collect();
    values.is_empty() || values.iter().any(|v| names_attribute_error(ctx, *v))
}

/// The first handler of a `try` that catches `AttributeError` (later ones never see it).
pub fn attribute_error_handler<'a>(ctx: &FileContext<'a>, try_stmt: Node<'a>) -> Option<Node<'a>> {
    let mut cursor = try_stmt.walk();
    let found = try_stmt
        .named_children(&mut cursor)
        .find(|c| catches_attribute_error(ctx, *c));
    found
}

/// `suppress(AttributeError)` (from contextlib) as a `with` item.
pub fn is_suppress_attribute_error<'a>(ctx: &FileContext<'a>, value: Node<'a>) -> bool {
    value.kind() == "call"
        && ctx
            .call_name(value)
            .is_some_and(|n| n == "contextlib.suppress")
        && ctx
            .positional_args(value)
            .iter()
            .any(|a| names_attribute_error(ctx, *a))
}

/// The `suppress(AttributeError)` items of a `with` statement.
pub fn suppress_items<'a>(ctx: &FileContext<'a>, with: Node<'a>) -> Vec<Node<'a>> {
    let mut out = Vec::new();
    let mut cursor = with.walk();
    for clause in with.named_children(&mut cursor) {
        if clause.kind() != "with_clause" {
            continue;
        }
        let mut c2 = clause.walk();
        for item in clause.named_children(&mut c2) {
            if let Some(value) = item.field("value") {
                if is_suppress_attribute_error(ctx, value) {
                    out.push(value);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words() {
        assert_eq!(words("CACHE_PREFIX"), vec!["cache", "prefix"]);
        assert_eq!(words("cacheKey"), vec!["cache", "key"]);
        assert_eq!(words("_key_to_file"), vec!["key", "to", "file"]);
        assert_eq!(
            words("self.cache_backend"),
            vec!["self", "cache", "backend"]
        );
    }

    #[test]
    fn key_names() {
        for yes in [
            "cache_key",
            "key",
            "make_template_fragment_key",
            "CACHE_PREFIX",
            "get_cache_key",
            "lookupKey",
            "filters_cache",
        ] {
            assert!(is_key_name(yes), "{yes}");
        }
        for no in [
            "secret_key",
            "api_key",
            "sort_key",
            "file_hash",
            "names_digest",
            "monkey",
            "keyboard",
            "hashed_name",
            "session_key",
            "s3_key",
            "upload_key",
            "cache_bust",
            "cachebuster",
        ] {
            assert!(!is_key_name(no), "{no}");
        }
    }

    #[test]
    fn cache_object_names() {
        for yes in [
            "cache",
            "self.cache",
            "default_cache",
            "cache_backend",
            "pageCache",
        ] {
            assert!(is_cache_object_name(yes), "{yes}");
        }
        for no in ["cached", "cached_value", "data", "request.session"] {
            assert!(!is_cache_object_name(no), "{no}");
        }
    }
}
