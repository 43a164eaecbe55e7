//! The wagtail rules: renditions in list views and DRF habits in Wagtail API viewsets.
//! The viewset facts they share with the orm family live in the project index (`project::viewsets`).

use crate::rule::Rule;

pub mod block_clean_without_super;
pub mod drf_action_in_wagtail_api_viewset;
pub mod large_rendition_in_list;
pub mod page_url_without_request;
pub mod rendition_per_item_without_prefetch;
pub mod repeated_rendition;
pub mod search_filter_not_indexed;
pub mod specific_per_item;
pub mod streamfield_in_api_listing;
pub mod unpublished_pages_in_public_query;

pub static RULES: &[&Rule] = &[
    &large_rendition_in_list::RULE,
    &drf_action_in_wagtail_api_viewset::RULE,
    &specific_per_item::RULE,
    &rendition_per_item_without_prefetch::RULE,
    &page_url_without_request::RULE,
    &repeated_rendition::RULE,
    &search_filter_not_indexed::RULE,
    &block_clean_without_super::RULE,
    &streamfield_in_api_listing::RULE,
    &unpublished_pages_in_public_query::RULE,
];
