//! Suppression comments: `# wagcheck: ignore[ID, ...]` and `# noqa: ID, ...` on the
//! line of a hit. A bare `# wagcheck: ignore` or `# noqa` silences every rule there.

use crate::context::FileContext;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Suppression {
    All,
    Rules(Vec<String>),
}

/// Suppressions of a file by 0-based line.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Suppressions {
    by_line: HashMap<usize, Vec<Suppression>>,
}

impl Suppressions {
    pub fn collect(ctx: &FileContext) -> Self {
        let mut by_line: HashMap<usize, Vec<Suppression>> = HashMap::new();
        for comment in ctx.nodes("comment") {
            // tree-sitter's row: the 0-based line, as LineIndex counts them.
            let line = comment.start_position().row;
            let found = parse_comment(ctx.text(*comment));
            if !found.is_empty() {
                by_line.entry(line).or_default().extend(found);
            }
        }
        Self { by_line }
    }

    pub fn is_suppressed(&self, line: usize, rule: &str) -> bool {
        self.by_line.get(&line).is_some_and(|list| {
            list.iter().any(|s| match s {
                Suppression::All => true,
                Suppression::Rules(ids) => ids.iter().any(|id| id.eq_ignore_ascii_case(rule)),
            })
        })
    }
}

/// Every suppression in one comment's text (a comment may carry both forms).
pub fn parse_comment(comment: &str) -> Vec<Suppression> {
    let mut found = Vec::new();
    let lower = comment.to_ascii_lowercase();
    for (marker, open, close) in [("wagcheck: ignore", '[', ']'), ("noqa", ':', '#')] {
        let mut search = 0;
        while let Some(pos) = lower[search..].find(marker) {
            let after = search + pos + marker.len();
            search = after;
            let rest = &comment[after..];
            let trimmed = rest.trim_start();
            if marker == "noqa" {
                // `# noqa` must start its comment segment, as flake8 requires.
                let before = lower[..after - marker.len()].trim_end();
                if !before.ends_with('#') {
                    continue;
                }
            }
            if let Some(list) = trimmed.strip_prefix(open) {
                let end = if close == '#' {
                    list.find('#').unwrap_or(list.len())
                } else {
                    list.find(close).unwrap_or(list.len())
                };
                let ids: Vec<String> = list[..end]
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                if ids.is_empty() {
                    found.push(Suppression::All);
                } else {
                    found.push(Suppression::Rules(ids));
                }
            } else if trimmed.is_empty()
                || trimmed.starts_with('#')
                || rest.starts_with(char::is_whitespace)
                || rest.is_empty()
            {
                found.push(Suppression::All);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms() {
        assert_eq!(
            parse_comment("# wagcheck: ignore[CACHE001, CACHE003]"),
            vec![Suppression::Rules(vec![
                "CACHE001".into(),
                "CACHE003".into()
            ])]
        );
        assert_eq!(
            parse_comment("# noqa: CACHE010"),
            vec![Suppression::Rules(vec!["CACHE010".into()])]
        );
        assert_eq!(parse_comment("# noqa"), vec![Suppression::All]);
        assert_eq!(parse_comment("# wagcheck: ignore"), vec![Suppression::All]);
        assert_eq!(
            parse_comment("# type: ignore  # noqa: SIG001"),
            vec![Suppression::Rules(vec!["SIG001".into()])]
        );
        assert!(parse_comment("# the noqa convention").is_empty());
        assert!(parse_comment("# regular comment").is_empty());
    }
}
