//! CACHE010: a truncated hex digest used in a cache key.

use super::key_flow::flows_into_cache_key;
use crate::context::FileContext;
use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use crate::semantic::bindings::assigned_value;
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "CACHE010",
    name: "truncated-cache-key-hash",
    severity: Severity::Warning,
    category: Category::Cache,
    message: "Truncated hash in a cache key: two different inputs can share the key and get each \
              other's cached data",
    explanation: crate::rule::explanation!("truncated_cache_key_hash.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Unsafe),
    check: Check::File(check),
};

const BAD: &str = r#"import hashlib

from django.core.cache import cache


def get_blog_list(page, filters):
    filters_hash = hashlib.sha256(str(sorted(filters.items())).encode()).hexdigest()[:8]
    cache_key = f"blog:list:{page}:{filters_hash}"
    return cache.get(cache_key)
"#;

const FIXED: &str = r#"import hashlib

from django.core.cache import cache


def get_blog_list(page, filters):
    filters_hash = hashlib.sha256(str(sorted(filters.items())).encode()).hexdigest()
    cache_key = f"blog:list:{page}:{filters_hash}"
    return cache.get(cache_key)
"#;

fn check<'a>(ctx: &FileContext<'a>, hits: &mut Vec<Hit>) {
    // Every hit slices a `.hexdigest()`, so the word is in the file's text.
    if !ctx.mentions("hexdigest") {
        return;
    }
    // Names ever assigned a `.hexdigest()` in this file: only those are worth following
    // when a plain name is sliced (`h[:8]`), which keeps `items[:10]` cheap.
    let digest_names: Vec<&str> = ctx
        .nodes("assignment")
        .iter()
        .filter(|a| a.field("right").is_some_and(|r| is_hex_digest_call(ctx, r)))
        .filter_map(|a| a.field("left"))
        .filter(|l| l.kind_name() == "identifier")
        .map(|l| ctx.text(l))
        .collect();
    for subscript in ctx.nodes("subscript").iter().copied() {
        let Some(value) = subscript.field("value") else {
            continue;
        };
        let Some(slice) = truncating_slice(ctx, subscript) else {
            continue;
        };
        if !is_hex_digest(ctx, value, &digest_names) || !flows_into_cache_key(ctx, subscript) {
            continue;
        }
        let mut hit = Hit::node(subscript).with_fix(
            "Keep the whole digest",
            vec![Edit::replace(
                subscript.byte_range(),
                ctx.text(value).to_string(),
            )],
        );
        if let Some(chars) = kept_chars(ctx, slice) {
            hit = hit.with_message(format!(
                "Cache key keeps {chars} hex characters of a hash ({} bits): with about {} distinct \
                 inputs some two share a key with ~40% probability; keep the whole digest",
                chars * 4,
                birthday(chars * 4),
            ));
        }
        hits.push(hit);
    }
}

/// The slice of `x[...]` when it keeps part of the value: `[:8]`, `[0:16]`, `[-8:]`
/// (not `[::2]` or `[::-1]`, not an index).
fn truncating_slice<'a>(ctx: &FileContext<'a>, subscript: Node<'a>) -> Option<Node<'a>> {
    let mut cursor = subscript.walk();
    let subs: Vec<Node> = subscript
        .children_by_field_name("subscript", &mut cursor)
        .collect();
    let [slice] = subs.as_slice() else {
        return None;
    };
    if slice.kind_name() != "slice" || ctx.text(*slice).trim_start().starts_with("::") {
        return None;
    }
    (slice.named_child_count() > 0).then_some(*slice)
}

/// `....hexdigest()`, or a name assigned one in the same function.
fn is_hex_digest<'a>(ctx: &FileContext<'a>, node: Node<'a>, digest_names: &[&str]) -> bool {
    let node = ctx.unparenthesize(node);
    match node.kind_name() {
        "call" => is_hex_digest_call(ctx, node),
        "identifier" => {
            let name = ctx.text(node);
            digest_names.contains(&name)
                && assigned_value(ctx, name, node).is_some_and(|v| is_hex_digest_call(ctx, v))
        }
        _ => false,
    }
}

fn is_hex_digest_call<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    let node = ctx.unparenthesize(node);
    node.kind_name() == "call" && ctx.method_call(node).is_some_and(|(_, m)| m == "hexdigest")
}

/// How many characters `[:N]` / `[0:N]` keeps, when N is a literal.
fn kept_chars<'a>(ctx: &FileContext<'a>, slice: Node<'a>) -> Option<u32> {
    let text = ctx.text(slice).replace(' ', "");
    let (start, stop) = text.split_once(':')?;
    if stop.contains(':') || !(start.is_empty() || start == "0") {
        return None;
    }
    stop.parse::<u32>().ok().filter(|n| *n > 0 && *n < 64)
}

/// 2^(bits/2), the birthday bound, written for people.
fn birthday(bits: u32) -> String {
    let half = bits / 2;
    if half >= 64 {
        return format!("2^{half}");
    }
    let n: u64 = 1u64 << half;
    match n {
        n if n >= 1_000_000_000 => format!("{} billion", n / 1_000_000_000),
        n if n >= 1_000_000 => format!("{} million", n / 1_000_000),
        n if n >= 1_000 => format!("{} thousand", n / 1_000),
        n => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::birthday;

    #[test]
    fn birthday_bound() {
        assert_eq!(birthday(32), "65 thousand");
        assert_eq!(birthday(64), "4 billion");
        assert_eq!(birthday(48), "16 million");
    }
}
