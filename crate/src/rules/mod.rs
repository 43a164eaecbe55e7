//! Every rule, one file each, grouped by family. A family's `mod.rs` lists its rules in
//! `RULES`; `all()` is the one list the engine, the CLI and the playground read.

use crate::rule::Rule;
use std::sync::LazyLock;

pub mod cache;
pub mod drf;
pub mod imports;
pub mod modules;
pub mod orm;
pub mod querysets;
pub mod signals;
pub mod wagtail;

static FAMILIES: &[&[&Rule]] = &[
    cache::RULES,
    orm::RULES,
    drf::RULES,
    wagtail::RULES,
    signals::RULES,
    imports::RULES,
];

static ALL_RULES: LazyLock<Vec<&'static Rule>> = LazyLock::new(|| {
    let mut all: Vec<&'static Rule> = FAMILIES.iter().flat_map(|f| f.iter().copied()).collect();
    all.sort_by_key(|r| r.id);
    all
});

/// Every rule, sorted by id.
pub fn all() -> &'static [&'static Rule] {
    &ALL_RULES
}

/// A rule by id (case-insensitive).
pub fn find(id: &str) -> Option<&'static Rule> {
    all()
        .iter()
        .copied()
        .find(|r| r.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        for rule in all() {
            assert!(ids.insert(rule.id), "duplicate id {}", rule.id);
            assert!(names.insert(rule.name), "duplicate name {}", rule.name);
            assert!(
                rule.id
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
                "{}",
                rule.id
            );
            assert!(
                rule.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                rule.name
            );
            // The examples section is composed from `bad` and `fixed` (see docs.rs).
            for section in ["## What it does", "## Why is this bad?"] {
                assert!(
                    rule.explanation.contains(section),
                    "{} explanation lacks {section}",
                    rule.id
                );
            }
            if rule.fix.is_some() {
                assert!(
                    rule.explanation.contains("## Fix safety"),
                    "{} explanation lacks ## Fix safety",
                    rule.id
                );
            }
        }
    }
}
