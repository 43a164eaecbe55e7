//! The cache rules, and the helpers they share, one module per concern: names that say
//! cache or key (`names`), what looks like a Django cache (`objects`), whether a value ends
//! up in a cache key (`key_flow`), hash constructors (`hashes`), and `delete_pattern` calls
//! and their guards (`delete_pattern`). Bindings and exception handling are `crate::semantic`'s.

use crate::rule::Rule;

pub mod bulk_write_skips_invalidation;
pub mod cache_call_per_item;
pub mod cache_write_before_commit;
pub mod delete_pattern_without_fallback;
pub mod silent_invalidation_fallback;
pub mod tracked_keys_as_list;
pub mod truncated_cache_key_hash;
pub mod unordered_hash_input;
pub mod weak_cache_key_hash;

pub mod delete_pattern;
pub mod hashes;
pub mod key_flow;
pub mod names;
pub mod objects;

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
