//! The orm rules.

use crate::rule::Rule;

pub static RULES: &[&Rule] = &[];
