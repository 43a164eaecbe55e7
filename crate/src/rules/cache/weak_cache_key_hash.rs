//! CACHE011: MD5 or SHA-1 building a cache key.

use super::key_flow::flows_into_cache_key;
use crate::context::FileContext;
use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "CACHE011",
    name: "weak-cache-key-hash",
    severity: Severity::Warning,
    category: Category::Cache,
    message: "Cache key built with a collision-broken hash (MD5/SHA-1): use SHA-256",
    explanation: crate::rule::explanation!("weak_cache_key_hash.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Unsafe),
    check: Check::File(check),
};

const BAD: &str = r#"import hashlib

from django.core.cache import cache


def search_results(query):
    cache_key = "search:" + hashlib.md5(query.encode()).hexdigest()
    return cache.get(cache_key)
"#;

const FIXED: &str = r#"import hashlib

from django.core.cache import cache


def search_results(query):
    cache_key = "search:" + hashlib.sha256(query.encode()).hexdigest()
    return cache.get(cache_key)
"#;

fn check<'a>(ctx: &FileContext<'a>, hits: &mut Vec<Hit>) {
    // Nothing to find in a file that imports neither hashlib nor Wagtail's safe_md5.
    let imports_hash = ctx
        .imports
        .modules
        .iter()
        .any(|m| m.module == "hashlib" || m.module == "wagtail.coreutils");
    if !imports_hash {
        return;
    }
    for call in ctx.nodes("call").iter().copied() {
        let Some((algorithm, fix)) = weak_hash(ctx, call) else {
            continue;
        };
        if !flows_into_cache_key(ctx, call) {
            continue;
        }
        let mut hit = Hit::node(call).with_message(format!(
            "Cache key built with {algorithm}, a collision-broken hash: use SHA-256"
        ));
        if let Some(edits) = fix {
            hit = hit.with_fix("Use SHA-256", edits);
        }
        hits.push(hit);
    }
}

/// For a call creating an MD5 or SHA-1 hash object: the algorithm's name and the edits
/// that switch it to SHA-256 (None when there is no mechanical edit, e.g. Wagtail's
/// `safe_md5`).
fn weak_hash<'a>(
    ctx: &FileContext<'a>,
    call: Node<'a>,
) -> Option<(&'static str, Option<Vec<Edit>>)> {
    let callee = ctx.callee(call)?;
    let name = ctx.call_name(call)?;
    match name.as_str() {
        "hashlib.md5" | "hashlib.sha1" => {
            let algorithm = if name.ends_with("md5") {
                "MD5"
            } else {
                "SHA-1"
            };
            Some((algorithm, rename_constructor(ctx, callee)))
        }
        "hashlib.new" => {
            let arg = ctx.argument(call, 0, "name")?;
            let value = ctx.string_value(arg)?.to_ascii_lowercase();
            let algorithm = match value.as_str() {
                "md5" => "MD5",
                "sha1" | "sha-1" => "SHA-1",
                _ => return None,
            };
            let content = string_content(arg)?;
            Some((
                algorithm,
                Some(vec![Edit::replace(content.byte_range(), "sha256")]),
            ))
        }
        "wagtail.coreutils.safe_md5" => Some(("MD5", None)),
        _ => None,
    }
}

fn string_content(string: Node) -> Option<Node> {
    if string.kind_name() != "string" {
        return None;
    }
    let mut cursor = string.walk();
    let found = string
        .named_children(&mut cursor)
        .find(|c| c.kind_name() == "string_content");
    found
}

/// `hashlib.md5` -> `hashlib.sha256` (any alias of hashlib); a bare `md5` imported from
/// hashlib -> `sha256`, adding `from hashlib import sha256` when the file lacks it.
fn rename_constructor<'a>(ctx: &FileContext<'a>, callee: Node<'a>) -> Option<Vec<Edit>> {
    match callee.kind_name() {
        "attribute" => {
            let attr = callee.field("attribute")?;
            Some(vec![Edit::replace(attr.byte_range(), "sha256")])
        }
        "identifier" => {
            if ctx.imports.resolve("sha256") == "hashlib.sha256" {
                return Some(vec![Edit::replace(callee.byte_range(), "sha256")]);
            }
            let import = sha256_import_anchor(ctx, callee)?;
            let line_start = ctx.text[..import.start].rfind('\n').map_or(0, |i| i + 1);
            let indent = &ctx.text[line_start..import.start];
            if !indent.chars().all(|c| c == ' ' || c == '\t') {
                return None;
            }
            Some(vec![
                Edit::insert(import.end, format!("\n{indent}from hashlib import sha256")),
                Edit::replace(callee.byte_range(), "sha256"),
            ])
        }
        _ => None,
    }
}

/// Where to add `from hashlib import sha256`: after the first module-level
/// `from hashlib import ...`, else after the one that imports the callee's name. The
/// same place for every hit of a file, so that one fix round adds the import once.
fn sha256_import_anchor<'a>(
    ctx: &FileContext<'a>,
    callee: Node<'a>,
) -> Option<std::ops::Range<usize>> {
    let local = ctx.text(callee);
    let from_hashlib: Vec<&crate::imports::ImportedModule> = ctx
        .imports
        .modules
        .iter()
        .filter(|m| m.module == "hashlib" && !m.names.is_empty())
        .filter(|m| m.range.end <= callee.start_byte())
        .collect();
    let module_level = from_hashlib
        .iter()
        .find(|m| m.range.start == 0 || ctx.text[..m.range.start].ends_with('\n'));
    let own = from_hashlib
        .iter()
        .find(|m| ctx.text[m.range.clone()].contains(local));
    module_level.or(own).map(|m| m.range.clone())
}
