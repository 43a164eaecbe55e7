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

/// `X.prefetch_related(...)`, any receiver.
pub fn is_prefetch_related<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> bool {
    ctx.method_call(call)
        .is_some_and(|(_, method)| method == "prefetch_related")
}

/// `Prefetch(...)`, `models.Prefetch(...)`, `django.db.models.Prefetch(...)`.
pub fn is_prefetch_object<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> bool {
    ctx.call_name(call)
        .is_some_and(|name| name.rsplit('.').next() == Some("Prefetch"))
}
