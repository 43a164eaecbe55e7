//! The orm rules: action-based prefetching in DRF and Wagtail API viewsets.

use crate::context::FileContext;
use crate::rule::Rule;
use tree_sitter::Node;

pub mod magic_prefetch_limit;
pub mod unbounded_list_prefetch;
pub mod unconditional_viewset_prefetch;
pub mod viewset;

pub static RULES: &[&Rule] = &[
    &unconditional_viewset_prefetch::RULE,
    &unbounded_list_prefetch::RULE,
    &magic_prefetch_limit::RULE,
];

/// `Prefetch(...)`, `models.Prefetch(...)`, `django.db.models.Prefetch(...)`.
pub fn is_prefetch_object<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> bool {
    // Imports rename only the first part of a name: an attribute chain must already end
    // in `Prefetch`, so only a bare name needs resolving (asked of every call: the
    // qualified name is built only when it can match).
    let bare = ctx.callee(call).is_some_and(|c| c.kind() == "identifier");
    if !bare && ctx.call_simple_name(call) != Some("Prefetch") {
        return false;
    }
    ctx.call_name(call)
        .is_some_and(|name| name.rsplit('.').next() == Some("Prefetch"))
}
