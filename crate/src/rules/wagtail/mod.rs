//! The wagtail rules: renditions in list views and DRF habits in Wagtail API viewsets.
//! The viewset helpers they share with the orm family live in `rules::orm::viewset`.

use crate::rule::Rule;

pub mod drf_action_in_wagtail_api_viewset;
pub mod large_rendition_in_list;

pub static RULES: &[&Rule] = &[
    &large_rendition_in_list::RULE,
    &drf_action_in_wagtail_api_viewset::RULE,
];
