//! The team rule file: YAML documents separated by `---`, each a wagcheck envelope
//! (id, name, severity, message, explanation, examples, ...) around an ast-grep rule.
//! Each document is read on its own, so one wrong rule leaves the others running, and
//! every error carries the line and column it is about.

use crate::diagnostic::{Applicability, Category, Severity};
use crate::team_rule::python::Python;
use crate::team_rule::Cases;
use ast_grep_config::{
    GlobalRules, RuleConfig, SerializableRule, SerializableRuleConfig, SerializableRuleCore,
    Transformation,
};
use serde::Deserialize;
use serde_saphyr::{Location, Spanned};
use std::collections::HashMap;

/// Prefixes of the built-in rules' families (and of those planned): a team rule may
/// not take one, so a built-in rule added later can never clash with a team's.
pub const RESERVED_PREFIXES: &[&str] = &["CACHE", "ORM", "WAG", "SIG", "DJ", "IMP", "DRF"];

/// Longest `regex:` a rule may hold. Rust's regex engine runs in linear time (no
/// backtracking) and refuses programs over its compiled-size limit; this bound keeps a
/// pasted monster from costing even that.
pub const MAX_REGEX_CHARS: usize = 1_000;

/// A problem with a rule file, at a 1-based line and column of that file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// The rule's id when the document got far enough to name one.
    pub rule: Option<String>,
    pub message: String,
}

impl RuleError {
    /// `line:column: [ID: ]message`, for a report that gives the path on its own.
    pub fn located_message(&self) -> String {
        let id = self
            .rule
            .as_ref()
            .map_or(String::new(), |id| format!("{id}: "));
        format!("{}:{}: {id}{}", self.line, self.column, self.message)
    }
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.path, self.located_message())
    }
}

/// The code of the rule's two examples (its extra cases are `team_rule::Cases`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    pub bad: String,
    pub fixed: String,
}

/// One document as written. The ast-grep keys (`rule`, `constraints`, `utils`,
/// `transform`, `fix`) keep ast-grep's meaning; the others are wagcheck's.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    id: Spanned<String>,
    name: Spanned<String>,
    severity: Severity,
    category: Option<Category>,
    message: String,
    explanation: String,
    rule: Spanned<SerializableRule>,
    constraints: Option<HashMap<String, SerializableRule>>,
    utils: Option<HashMap<String, SerializableRule>>,
    transform: Option<HashMap<String, Transformation>>,
    fix: Option<Spanned<serde_value::Value>>,
    safety: Option<Spanned<Applicability>>,
    examples: Examples,
    #[serde(default)]
    tests: Cases,
}

/// A document that read and compiled.
pub struct Parsed {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    pub category: Category,
    pub message: String,
    pub explanation: String,
    pub fix: Option<Applicability>,
    pub examples: Examples,
    pub tests: Cases,
    pub config: RuleConfig<Python>,
    /// Where the document's `id` is, for errors found later (an id clash).
    pub line: usize,
    pub column: usize,
}

/// Splits a file into documents on `---` lines, as YAML does at the top level: (text,
/// number of lines before it). A `---` inside a block scalar is indented, so a line
/// starting with it always ends a document.
pub fn documents(text: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut start_line = 0;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end();
        let is_marker = bare == "---" || bare.starts_with("--- ") || bare.starts_with("---\t");
        if is_marker {
            out.push((&text[start..offset], start_line));
            start = offset + line.len();
            start_line = index + 1;
        }
        offset += line.len();
    }
    out.push((&text[start..], start_line));
    out.retain(|(doc, _)| {
        doc.lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    });
    out
}

/// Reads and compiles one document. `line_offset` is the number of lines of the file
/// before it.
pub fn parse_document(path: &str, doc: &str, line_offset: usize) -> Result<Parsed, RuleError> {
    let at = |location: &Location, rule: Option<&str>, message: String| RuleError {
        path: path.to_string(),
        line: location.line() as usize + line_offset,
        column: location.column() as usize,
        rule: rule.map(str::to_string),
        message,
    };
    let envelope: Envelope =
        serde_saphyr::from_str_with_options(doc, yaml_options()).map_err(|e| {
            let location = e.location().unwrap_or(Location::UNKNOWN);
            let mut error = at(&location, None, plain_message(&e));
            error.line = error.line.max(line_offset + 1);
            error.column = error.column.max(1);
            error
        })?;
    let id = envelope.id.value.trim().to_string();
    let err = |location: &Location, message: String| at(location, Some(&id), message);
    check_id(&id).map_err(|m| err(&envelope.id.referenced, m))?;
    let name = envelope.name.value.trim().to_string();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(err(
            &envelope.name.referenced,
            format!("name `{name}` must be kebab-case: lowercase letters, digits and `-`"),
        ));
    }
    for section in ["## What it does", "## Why is this bad?"] {
        if !envelope.explanation.contains(section) {
            return Err(err(
                &envelope.id.referenced,
                format!("explanation lacks a `{section}` section (the catalogue's sections)"),
            ));
        }
    }
    if let Some(message) = check_patterns_and_regexes(&envelope.rule.value) {
        return Err(err(&envelope.rule.referenced, message));
    }
    for (key, rule) in envelope
        .constraints
        .iter()
        .chain(&envelope.utils)
        .flat_map(|m| m.iter())
    {
        if let Some(message) = check_patterns_and_regexes(rule) {
            return Err(err(
                &envelope.rule.referenced,
                format!("`{key}`: {message}"),
            ));
        }
    }
    let fix_location = envelope.fix.as_ref().map(|f| f.referenced);
    let safety = match (&envelope.fix, &envelope.safety) {
        (Some(_), Some(s)) => Some(s.value),
        (Some(f), None) => {
            return Err(err(
                &f.referenced,
                "a rule with a `fix` says whether it is `safety: safe` or `safety: unsafe`".into(),
            ))
        }
        (None, Some(s)) => {
            return Err(err(
                &s.referenced,
                "`safety` describes a fix, and the rule has no `fix`".into(),
            ))
        }
        (None, None) => None,
    };
    let fix = match envelope.fix {
        Some(fix) => Some(
            fix.value
                .deserialize_into()
                .map_err(|e| err(&fix.referenced, format!("fix: {e}")))?,
        ),
        None => None,
    };
    let serializable = SerializableRuleConfig {
        core: SerializableRuleCore {
            rule: envelope.rule.value,
            constraints: envelope.constraints,
            utils: envelope.utils,
            transform: envelope.transform,
        },
        fix,
        rewriters: None,
        id: id.clone(),
        language: Python,
        message: envelope.message.clone(),
        note: None,
        severity: Default::default(),
        labels: None,
        files: None,
        ignores: None,
        url: None,
        metadata: None,
        unknown_keys: Default::default(),
    };
    let config = RuleConfig::try_from(serializable, &GlobalRules::default()).map_err(|e| {
        let is_fix = matches!(e, ast_grep_config::RuleConfigError::Fixer(_));
        let location = match (is_fix, &fix_location) {
            (true, Some(l)) => l,
            _ => &envelope.rule.referenced,
        };
        err(location, describe(&e))
    })?;
    Ok(Parsed {
        line: envelope.id.referenced.line() as usize + line_offset,
        column: envelope.id.referenced.column() as usize,
        id,
        name,
        severity: envelope.severity,
        category: envelope.category.unwrap_or(Category::Team),
        message: envelope.message,
        explanation: envelope.explanation,
        fix: safety,
        examples: envelope.examples,
        tests: envelope.tests,
        config,
    })
}

/// A team id: uppercase letters then digits (`ACME001`), outside the built-in families.
fn check_id(id: &str) -> Result<(), String> {
    let letters = id.chars().take_while(|c| c.is_ascii_uppercase()).count();
    let well_formed =
        letters >= 2 && id.len() > letters && id[letters..].chars().all(|c| c.is_ascii_digit());
    if !well_formed {
        return Err(format!(
            "id `{id}` must be a team prefix of capital letters and a number, like `ACME001`"
        ));
    }
    if let Some(prefix) = RESERVED_PREFIXES.iter().find(|p| id.starts_with(*p)) {
        return Err(format!(
            "id `{id}` starts with `{prefix}`, a prefix of wagcheck's built-in rules: choose your team's own"
        ));
    }
    Ok(())
}

/// How deep a rule document may nest. serde-saphyr's default (64) is reached only after
/// the nested rule has been built and walked recursively, which overflows a 2 MB thread
/// stack (a test's, a rayon worker's, less than wasm's 1 MB) in a debug build; a real rule
/// nests a handful of levels.
pub const MAX_DEPTH: usize = 24;

fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

/// The YAML error's message without the location and snippet serde-saphyr adds (ours
/// is given separately).
fn plain_message(error: &serde_saphyr::Error) -> String {
    let mut options = serde_saphyr::RenderOptions::default();
    options.snippets = serde_saphyr::SnippetMode::Off;
    let text = error.render_with_options(options);
    let text = text.lines().next().unwrap_or("").trim();
    // "... at line 3, column 5": the place is reported on its own.
    let text = match text.rfind(" at line ") {
        Some(cut) => &text[..cut],
        None => text,
    };
    // serde-saphyr's limits (nesting depth, alias expansion, size) read as Rust debug
    // output ("budget breached: Depth { depth: 65 }"): say what they are.
    if text.starts_with("budget breached") {
        return format!(
            "the document is beyond what a rule file may hold (nesting depth, aliases or size): {text}"
        );
    }
    text.to_string()
}

/// An ast-grep error and its causes, on one line.
fn describe(error: &dyn std::error::Error) -> String {
    let mut out = one_line(&error.to_string());
    let mut source = error.source();
    while let Some(cause) = source {
        let text = one_line(&cause.to_string());
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// A message of several lines (the regex crate's points at the fault with a `^` line
/// under the regex) as one line, for `path:line:column: message` and an editor's
/// diagnostic: the lines joined, the caret lines dropped.
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.chars().all(|c| c == '^'))
        .collect::<Vec<_>>()
        .join(" ")
}

/// ast-grep accepts a pattern that does not parse (it matches the pieces it got); a
/// team rule must say what it means, so a pattern with a syntax error is refused, as is
/// a regex longer than MAX_REGEX_CHARS.
fn check_patterns_and_regexes(rule: &SerializableRule) -> Option<String> {
    let value = serde_value::to_value(rule).ok()?;
    let mut problem = None;
    visit_strings(&value, None, &mut |key, text| {
        if problem.is_some() {
            return;
        }
        match key {
            "pattern" | "context" => {
                if let Some(message) = pattern_error(text) {
                    problem = Some(message);
                }
            }
            "regex" if text.chars().count() > MAX_REGEX_CHARS => {
                problem = Some(format!(
                    "a regex of {} characters: the limit is {MAX_REGEX_CHARS}",
                    text.chars().count()
                ));
            }
            _ => {}
        }
    });
    problem
}

fn visit_strings(value: &serde_value::Value, key: Option<&str>, f: &mut dyn FnMut(&str, &str)) {
    use serde_value::Value;
    match value {
        Value::String(text) => f(key.unwrap_or(""), text),
        Value::Map(map) => {
            for (k, v) in map {
                let k = match k {
                    Value::String(s) => Some(s.as_str()),
                    _ => None,
                };
                visit_strings(v, k, f);
            }
        }
        Value::Seq(items) => items.iter().for_each(|v| visit_strings(v, key, f)),
        Value::Option(Some(v)) | Value::Newtype(v) => visit_strings(v, key, f),
        _ => {}
    }
}

/// Why a pattern is not Python, if it is not.
fn pattern_error(pattern: &str) -> Option<String> {
    use ast_grep_core::Language;
    let code = Python.pre_process_pattern(pattern);
    let tree = crate::parse::parse(&code).ok()?;
    let root = tree.root_node();
    if !root.has_error() {
        return None;
    }
    let mut cursor = root.walk();
    let mut node = root;
    // The first error or missing node, for the column.
    'descend: loop {
        for child in node.children(&mut cursor) {
            if child.is_error() || child.is_missing() {
                node = child;
                break 'descend;
            }
            if child.has_error() {
                node = child;
                continue 'descend;
            }
        }
        break;
    }
    let at = node.start_position();
    Some(format!(
        "pattern `{pattern}` is not valid Python (syntax error at its line {}, column {})",
        at.row + 1,
        at.column + 1
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"id: ACME001
name: raw-sql
severity: warning
message: "`raw()` in a view"
explanation: |
  ## What it does
  Finds raw().
  ## Why is this bad?
  Because.
rule:
  pattern: $M.objects.raw($$$A)
examples:
  bad: "User.objects.raw('x')\n"
  fixed: "User.objects.all()\n"
"#;

    #[test]
    fn splits_documents_on_markers_only_at_the_top() {
        let text = "a: 1\n---\nb: |\n  ---\n  x\n--- # c\n# only a comment\n";
        let docs = documents(text);
        assert_eq!(docs, vec![("a: 1\n", 0), ("b: |\n  ---\n  x\n", 2)]);
    }

    #[test]
    fn reads_a_good_rule() {
        let parsed = parse_document("r.yml", GOOD, 0).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.id, "ACME001");
        assert_eq!(parsed.category, Category::Team);
        assert_eq!(parsed.fix, None);
    }

    fn error(doc: &str) -> RuleError {
        match parse_document("r.yml", doc, 10) {
            Ok(_) => panic!("accepted:\n{doc}"),
            Err(e) => e,
        }
    }

    #[test]
    fn places_each_kind_of_error() {
        let e = error(&GOOD.replace("severity: warning", "severity: warning\ncolour: red"));
        assert_eq!((e.line, e.column), (14, 1), "{e}");
        assert!(e.message.contains("colour"), "{e}");

        let e = error(&GOOD.replace("$M.objects.raw($$$A)", "$M.objects.raw(("));
        assert_eq!(e.line, 21, "{e}");
        assert!(e.message.contains("not valid Python"), "{e}");

        let e = error(&GOOD.replace("ACME001", "CACHE901"));
        assert_eq!((e.line, e.column), (11, 5), "{e}");
        assert!(e.message.contains("built-in"), "{e}");

        let e = error(&GOOD.replace("name: raw-sql", "name: Raw SQL"));
        assert!(e.message.contains("kebab-case"), "{e}");

        let e = error("id: [unclosed\n");
        assert_eq!(e.line, 11, "{e}");

        let e = error(&GOOD.replace("  pattern:", "  patern:"));
        assert!(e.message.contains("patern"), "{e}");

        let e = error(&format!("{GOOD}fix: $M.objects.none()\n"));
        assert!(e.message.contains("safety"), "{e}");

        let long = "a".repeat(MAX_REGEX_CHARS + 1);
        let e = error(&GOOD.replace(
            "  pattern: $M.objects.raw($$$A)",
            &format!("  regex: {long}\n  kind: call"),
        ));
        assert!(e.message.contains("regex"), "{e}");

        // A regex that does not compile: the regex crate's message, on one line.
        let e = error(&GOOD.replace(
            "  pattern: $M.objects.raw($$$A)",
            "  kind: identifier\n  regex: '(a'",
        ));
        assert!(!e.message.contains('\n'), "{e}");
        assert!(e.message.contains("unclosed group"), "{e}");

        // Nested past serde-saphyr's depth budget: refused, not a stack overflow.
        let deep = format!(
            "{}{{kind: call}}{}",
            "{not: ".repeat(5_000),
            "}".repeat(5_000)
        );
        let e = error(&GOOD.replace(
            "  pattern: $M.objects.raw($$$A)",
            &format!("  all: [{deep}]"),
        ));
        assert!(e.message.contains("nesting depth"), "{e}");
        // Just under the limit, on a test thread's 2 MB stack: read, compiled, no overflow.
        let nested = format!(
            "{}{{kind: call}}{}",
            "{not: ".repeat(MAX_DEPTH - 6),
            "}".repeat(MAX_DEPTH - 6)
        );
        let doc = GOOD.replace(
            "  pattern: $M.objects.raw($$$A)",
            &format!("  all: [{{kind: call}}, {nested}]"),
        );
        if let Err(e) = parse_document("r.yml", &doc, 0) {
            panic!("{e}");
        }
    }
}
