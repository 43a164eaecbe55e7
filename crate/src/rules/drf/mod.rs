//! The drf rules: Django REST framework views and serializers that query too much or
//! serve stale rows.

use crate::rule::Rule;

pub mod class_queryset_evaluated;
pub mod query_per_row_in_method_field;
pub mod serialized_relation_not_prefetched;

pub static RULES: &[&Rule] = &[
    &query_per_row_in_method_field::RULE,
    &class_queryset_evaluated::RULE,
    &serialized_relation_not_prefetched::RULE,
];
