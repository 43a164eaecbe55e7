//! The signals rules.

use crate::rule::Rule;

pub static RULES: &[&Rule] = &[];
