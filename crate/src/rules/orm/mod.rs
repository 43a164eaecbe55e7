//! The orm rules: action-based prefetching in DRF and Wagtail API viewsets.

use crate::context::FileContext;
use crate::rule::Rule;
use tree_sitter::Node;

pub mod magic_prefetch_limit;
pub mod unbounded_list_prefetch;
pub mod unconditional_viewset_prefetch;
/// The viewset helpers moved to the project index; this name stays for the rules that use it.
pub use crate::project::viewsets as viewset;

pub static RULES: &[&Rule] = &[
    &unconditional_viewset_prefetch::RULE,
    &unbounded_list_prefetch::RULE,
    &magic_prefetch_limit::RULE,
];

/// `Prefetch(...)`, `models.Prefetch(...)`, `django.db.models.Prefetch(...)`.
pub fn is_prefetch_object<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> bool {
    let Some(callee) = ctx.callee(call) else {
        return false;
    };
    // Imports rename only the first part of a name: a bare name is looked up in them
    // (no string built: this is asked of every call), an attribute chain must end in
    // `Prefetch` and be a plain dotted name.
    if callee.kind() == "identifier" {
        let name = ctx.text(callee);
        let resolved = ctx.imports.target(name).unwrap_or(name);
        return resolved.rsplit('.').next() == Some("Prefetch");
    }
    ctx.call_simple_name(call) == Some("Prefetch") && ctx.call_name(call).is_some()
}
