//! Suppression comments: `# wagcheck: ignore[ID, ...]` and `# noqa: ID, ...` on the
//! line of a hit. A bare `# wagcheck: ignore` or `# noqa` silences every rule there.

use crate::context::FileContext;
use crate::diagnostic::Edit;
use crate::grammar::KindName;
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
    // Most comments name neither marker: answered without the lower-case copy (every
    // comment of the file is read on every check).
    let names = |marker: &[u8]| {
        comment
            .as_bytes()
            .windows(marker.len())
            .any(|w| w.eq_ignore_ascii_case(marker))
    };
    if !names(b"noqa") && !names(b"wagcheck") {
        return found;
    }
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

/// The edit that silences `rule` on 0-based `line`: the id added to a
/// `# wagcheck: ignore[...]` comment already there, or a new comment at the end of the
/// line. None when the line is silenced already, or when no comment can go there: the
/// line ends inside a string (a docstring's first line) or continues with a backslash.
pub fn ignore_edit(ctx: &FileContext, line: usize, rule: &str) -> Option<Edit> {
    let lines = ctx.lines();
    if line >= lines.line_count() {
        return None;
    }
    let comments: Vec<_> = ctx
        .nodes("comment")
        .iter()
        .filter(|c| c.start_position().row == line)
        .collect();
    for comment in &comments {
        let text = ctx.text(**comment);
        let silenced = parse_comment(text).iter().any(|s| match s {
            Suppression::All => true,
            Suppression::Rules(ids) => ids.iter().any(|id| id.eq_ignore_ascii_case(rule)),
        });
        if silenced {
            return None;
        }
        // Merge into the list of an existing `wagcheck: ignore[...]`.
        const MARKER: &str = "wagcheck: ignore[";
        let Some(open) = text
            .to_ascii_lowercase()
            .find(MARKER)
            .map(|i| i + MARKER.len())
        else {
            continue;
        };
        if let Some(close) = text[open..].find(']') {
            let list = text[open..open + close].trim_end();
            let separator = if list.is_empty() || list.ends_with(',') {
                ""
            } else {
                ", "
            };
            let at = comment.start_byte() + open + list.len();
            return Some(Edit::insert(at, format!("{separator}{rule}")));
        }
    }
    let line_text = lines.line_text(ctx.text, line);
    let code = line_text.trim_end();
    let end = lines.line_start(line) + code.len();
    if comments.is_empty() {
        if code.ends_with('\\') {
            return None;
        }
        // The end of the line inside a string: a comment there would be text of it.
        let inside_string = end > 0
            && ctx
                .root()
                .descendant_for_byte_range(end - 1, end)
                .into_iter()
                .flat_map(|n| std::iter::successors(Some(n), |n| n.parent()))
                .any(|n| n.kind_name() == "string" && n.end_byte() > end);
        if inside_string {
            return None;
        }
    }
    let padding = if code.trim_start().is_empty() {
        ""
    } else {
        "  "
    };
    Some(Edit::insert(
        end,
        format!("{padding}# wagcheck: ignore[{rule}]"),
    ))
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

    fn ignored(text: &str, line: usize, rule: &str) -> Option<String> {
        let tree = crate::parse::parse(text).unwrap();
        let ctx = FileContext::new("x.py", text, &tree);
        let edit = ignore_edit(&ctx, line, rule)?;
        let mut out = text.to_string();
        out.replace_range(edit.range, &edit.content);
        Some(out)
    }

    #[test]
    fn ignore_comments_are_added_or_merged() {
        let cases = [
            (
                "x = f(a)\ny = 2\n",
                0,
                "x = f(a)  # wagcheck: ignore[CACHE001]\ny = 2\n",
            ),
            (
                "x = f(a)   \r\n",
                0,
                "x = f(a)  # wagcheck: ignore[CACHE001]   \r\n",
            ),
            (
                "x = f(a)  # wagcheck: ignore[ORM003]\n",
                0,
                "x = f(a)  # wagcheck: ignore[ORM003, CACHE001]\n",
            ),
            (
                "x = f(a)  # wagcheck: ignore[ORM003 ]\n",
                0,
                "x = f(a)  # wagcheck: ignore[ORM003, CACHE001 ]\n",
            ),
            (
                "x = f(a)  # type: ignore\n",
                0,
                "x = f(a)  # type: ignore  # wagcheck: ignore[CACHE001]\n",
            ),
            // Inside brackets a comment is fine.
            (
                "x = f(a,\n      b)\n",
                0,
                "x = f(a,  # wagcheck: ignore[CACHE001]\n      b)\n",
            ),
            ("x = 'é'\n", 0, "x = 'é'  # wagcheck: ignore[CACHE001]\n"),
        ];
        for (text, line, want) in cases {
            let got = ignored(text, line, "CACHE001").unwrap();
            assert_eq!(got, want);
            let tree = crate::parse::parse(&got).unwrap();
            assert!(!tree.root_node().has_error(), "{got:?}");
            let ctx = FileContext::new("x.py", &got, &tree);
            assert!(Suppressions::collect(&ctx).is_suppressed(line, "CACHE001"));
        }
        // Already silenced, inside a string, after a backslash, past the end: nothing.
        for (text, line) in [
            ("x = f(a)  # wagcheck: ignore[cache001]\n", 0),
            ("x = f(a)  # noqa\n", 0),
            ("x = \"\"\"a\nb\"\"\"\n", 0),
            ("x = 1 + \\\n    2\n", 0),
            ("x = 1\n", 5),
        ] {
            assert_eq!(ignored(text, line, "CACHE001"), None, "{text:?}");
        }
    }
}
