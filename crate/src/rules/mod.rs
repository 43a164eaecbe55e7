//! Every rule, one file each, grouped by family. A family's `mod.rs` lists its rules in
//! `RULES`; `all()` is the one list the engine, the CLI and the playground read.

use crate::rule::Rule;
use std::sync::{LazyLock, RwLock};

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

/// Every rule, sorted by id: the built-in ones and the team rules of `set_team`.
pub fn all() -> &'static [&'static Rule] {
    let team = TEAM.read().unwrap_or_else(|e| e.into_inner());
    team.unwrap_or(&ALL_RULES)
}

/// The built-in rules alone, sorted by id.
pub fn builtin() -> &'static [&'static Rule] {
    &ALL_RULES
}

/// Built-in and team rules together once team rules are set; None until then.
static TEAM: RwLock<Option<&'static [&'static Rule]>> = RwLock::new(None);

/// Makes `team` (from `team::load`, ids already checked against the built-in ones) part
/// of `all()`, replacing the team rules set before. A process checks one project (the
/// CLI) or one page's rules (wasm) at a time; the list is leaked, a few pointers per
/// call, so a slice handed out earlier stays valid.
pub fn set_team(team: &[&'static Rule]) {
    let mut list: Vec<&'static Rule> = ALL_RULES.iter().chain(team).copied().collect();
    list.sort_by_key(|r| r.id);
    list.dedup_by_key(|r| r.id);
    let mut current = TEAM.write().unwrap_or_else(|e| e.into_inner());
    let unchanged = current.is_some_and(|old| {
        old.len() == list.len() && old.iter().zip(&list).all(|(a, b)| std::ptr::eq(*a, *b))
    });
    // The page sets the same rules on every keystroke's check: leak nothing then.
    if team.is_empty() {
        *current = None;
    } else if !unchanged {
        *current = Some(Box::leak(list.into_boxed_slice()));
    }
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
