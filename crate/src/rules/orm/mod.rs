//! The orm rules: prefetching in viewsets, and querysets built, evaluated and locked.

use crate::context::FileContext;
use crate::grammar::{Field, KindName};
use crate::rule::Rule;
use tree_sitter::Node;

pub mod count_as_existence;
pub mod magic_prefetch_limit;
pub mod query_in_loop;
pub mod queryset_discarded;
pub mod queryset_evaluated_for_size;
pub mod select_for_update_outside_atomic;
pub mod unbounded_list_prefetch;
pub mod unconditional_viewset_prefetch;

pub static RULES: &[&Rule] = &[
    &unconditional_viewset_prefetch::RULE,
    &unbounded_list_prefetch::RULE,
    &magic_prefetch_limit::RULE,
    &queryset_discarded::RULE,
    &count_as_existence::RULE,
    &queryset_evaluated_for_size::RULE,
    &select_for_update_outside_atomic::RULE,
    &query_in_loop::RULE,
];

/// Whether the value of `node` is only used as a truth value: the condition of an `if`,
/// `elif`, `while`, `assert` or conditional expression, the operand of `not` or `bool()`,
/// or an operand of `and`/`or` that is itself in such a place (`x or default` used as a
/// value is not).
pub fn in_truth_context<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    let mut node = node;
    for _ in 0..32 {
        let Some(parent) = ctx.parent(node) else {
            return false;
        };
        let is_field = |name| parent.field(name).is_some_and(|c| c.id() == node.id());
        match parent.kind_name() {
            "parenthesized_expression" | "boolean_operator" => node = parent,
            "not_operator" => return true,
            "if_statement" | "elif_clause" | "while_statement" => return is_field("condition"),
            "assert_statement" => {
                return parent.named_child(0).is_some_and(|c| c.id() == node.id())
            }
            // `a if condition else b`: the condition is the middle child.
            "conditional_expression" => {
                return parent.named_child(1).is_some_and(|c| c.id() == node.id())
            }
            "argument_list" => {
                return ctx.parent(parent).is_some_and(|call| {
                    call.kind_name() == "call"
                        && ctx
                            .callee(call)
                            .is_some_and(|c| c.kind_name() == "identifier" && ctx.text(c) == "bool")
                })
            }
            _ => return false,
        }
    }
    false
}
