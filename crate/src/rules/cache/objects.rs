//! What looks like a Django cache (`cache`, `caches["x"]`, `self.cache`, a local alias of
//! one) and calls of its API; whether a file uses Django's cache framework at all.

use super::names::is_cache_object_name;
use crate::context::FileContext;
use crate::grammar::{Field, KindName};
use crate::semantic::bindings::assigned_value;
use tree_sitter::Node;

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

/// An expression that looks like a Django cache: `cache` (also imported under another
/// name), `caches["x"]`, `self.cache`, a name ending in `cache`, or a local alias of
/// one of these (`default = caches["default"]`).
pub fn is_cache_receiver<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    is_cache_receiver_at(ctx, node, 0)
}

fn is_cache_receiver_at<'a>(ctx: &FileContext<'a>, node: Node<'a>, depth: usize) -> bool {
    let node = ctx.unparenthesize(node);
    match node.kind_name() {
        "identifier" => {
            let name = ctx.text(node);
            let value = assigned_value(ctx, name, node);
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
    match node.kind_name() {
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

/// The file imports Django's cache framework or django-redis.
pub fn uses_django_cache<'a>(ctx: &FileContext<'a>) -> bool {
    ctx.imports.modules.iter().any(|m| {
        m.module.starts_with("django.core.cache")
            || m.module.starts_with("django_redis")
            || (m.module == "django.core" && m.names.iter().any(|n| n == "cache"))
    })
}
