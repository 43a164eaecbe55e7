//! A rule's full documentation page, composed from its explanation and its examples so
//! that the example code is written once (in the rule) and shown everywhere.

use crate::examples::split_files;
use crate::rule::Rule;

/// The rule's anchor in docs/rules.md (`wagcheck rules --format markdown`): GitHub's
/// slug of its heading `name (ID)`, e.g. `truncated-cache-key-hash-cache010`. Editors
/// link a hit to `<docs/rules.md>#<anchor>`, so it must not change.
pub fn anchor(rule: &Rule) -> String {
    format!("{}-{}", rule.name, rule.id).to_lowercase()
}

/// The catalogue as a Markdown table, one row per rule, each id linked to
/// `<docs><anchor>` (`""` within docs/rules.md; `"docs/rules.md"` from the README).
pub fn rule_table(docs: &str) -> String {
    let mut out = String::from("| id | name | severity | fix | message |\n|---|---|---|---|---|\n");
    for r in crate::rules::all() {
        out.push_str(&format!(
            "| [{id}]({docs}#{anchor}) | {name} | {sev} | {fix} | {msg} |\n",
            id = r.id,
            anchor = anchor(r),
            name = r.name,
            sev = r.severity.as_str(),
            fix = r.fix.map_or("", |f| f.as_str()),
            msg = r.message.replace('|', "\\|")
        ));
    }
    out
}

/// Markdown for one rule: heading, metadata, the explanation's sections, then
/// `## Example` (the bad code) and `Use instead:` (the fixed code), then any
/// `## Fix safety` / `## References` sections of the explanation.
pub fn rule_markdown(rule: &Rule) -> String {
    let (body, tail) = split_tail(rule.explanation.trim());
    let mut out = format!("# {} ({})\n\n", rule.name, rule.id);
    out.push_str(&format!(
        "Severity: **{}** · Category: {} · Fix: {}\n\n",
        rule.severity.as_str(),
        rule.category.as_str(),
        rule.fix.map_or("none", |f| f.as_str())
    ));
    out.push_str(body.trim());
    out.push_str("\n\n## Example\n\n");
    out.push_str(&code_blocks(rule.bad));
    out.push_str("Use instead:\n\n");
    out.push_str(&code_blocks(rule.fixed));
    if !tail.trim().is_empty() {
        out.push_str(tail.trim());
        out.push('\n');
    }
    out
}

/// Splits off the sections that follow the examples.
fn split_tail(explanation: &str) -> (&str, &str) {
    let cut = ["\n## Fix safety", "\n## References"]
        .iter()
        .filter_map(|h| explanation.find(h))
        .min()
        .unwrap_or(explanation.len());
    explanation.split_at(cut)
}

/// An example's files as fenced Python blocks (a `path`: line before each when several).
pub fn code_blocks(example: &str) -> String {
    let files = split_files(example);
    let mut out = String::new();
    for file in &files {
        if files.len() > 1 {
            out.push_str(&format!("`{}`:\n\n", file.path));
        }
        out.push_str("```python\n");
        out.push_str(file.text.trim_end());
        out.push_str("\n```\n\n");
    }
    out
}
