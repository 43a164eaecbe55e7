//! The shapes the engine hands to JavaScript: camelCase, positions in UTF-16 code
//! units (offsets for CodeMirror, 1-based line/column for people). Built natively too,
//! so the conversions are tested without a browser.

use crate::diagnostic::{Diagnostic, SyntaxError};
use crate::docs::rule_markdown;
use crate::engine::{FileError, FixOutcome, Report};
use crate::examples::split_files;
use crate::rule::Rule;
use crate::source::{char_floor, LineIndex, Location, SourceFile};
use serde::Serialize;
use std::cell::OnceCell;

/// Byte offset of a UTF-16 offset from JS (one inside a surrogate pair, or past the end,
/// lands on the character's start or the text's end).
pub fn byte_offset(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (byte, c) in text.char_indices() {
        units += c.len_utf16();
        if units > utf16 {
            return byte;
        }
    }
    text.len()
}

/// Converts many byte offsets of one file to UTF-16 offsets, in one pass per line. In
/// ASCII text they are the same, and nothing is built.
pub(crate) struct Utf16Map<'a> {
    text: &'a str,
    /// None for ASCII text.
    lines: Option<LineIndex>,
    line_starts_utf16: Vec<usize>,
}

impl<'a> Utf16Map<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        if text.is_ascii() {
            return Self {
                text,
                lines: None,
                line_starts_utf16: Vec::new(),
            };
        }
        let lines = LineIndex::new(text);
        let mut line_starts_utf16 = Vec::with_capacity(lines.line_count());
        let mut units = 0;
        for line in 0..lines.line_count() {
            line_starts_utf16.push(units);
            let start = lines.line_start(line);
            let end = if line + 1 < lines.line_count() {
                lines.line_start(line + 1)
            } else {
                text.len()
            };
            units += text[start..end].encode_utf16().count();
        }
        Self {
            text,
            lines: Some(lines),
            line_starts_utf16,
        }
    }

    pub(crate) fn offset(&self, byte: usize) -> usize {
        let byte = char_floor(self.text, byte);
        let Some(lines) = &self.lines else {
            return byte;
        };
        let line = lines.line_of(byte);
        self.line_starts_utf16[line]
            + self.text[lines.line_start(line)..byte]
                .encode_utf16()
                .count()
    }
}

#[derive(Serialize)]
pub struct JsPosition {
    pub line: usize,
    pub column: usize,
}

impl From<Location> for JsPosition {
    fn from(l: Location) -> Self {
        Self {
            line: l.line,
            column: l.column_utf16,
        }
    }
}

#[derive(Serialize)]
pub struct JsEdit {
    pub from: usize,
    pub to: usize,
    pub insert: String,
}

#[derive(Serialize)]
pub struct JsFix {
    pub applicability: &'static str,
    pub title: String,
    pub edits: Vec<JsEdit>,
}

#[derive(Serialize)]
pub struct JsDiagnostic {
    pub rule: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub category: &'static str,
    pub path: String,
    pub message: String,
    pub from: usize,
    pub to: usize,
    pub start: JsPosition,
    pub end: JsPosition,
    pub fix: Option<JsFix>,
}

#[derive(Serialize)]
pub struct JsSyntaxError {
    pub path: String,
    pub message: String,
    pub from: usize,
    pub to: usize,
    pub start: JsPosition,
    pub end: JsPosition,
}

#[derive(Serialize)]
pub struct JsReport {
    pub version: u32,
    pub files: usize,
    pub diagnostics: Vec<JsDiagnostic>,
    #[serde(rename = "syntaxErrors")]
    pub syntax_errors: Vec<JsSyntaxError>,
    pub errors: Vec<FileError>,
}

impl JsReport {
    pub fn new(files: &[SourceFile], report: &Report) -> Self {
        // Built for the files that have something to report: on each keystroke in a
        // clean 100 KB file this was a scan of the whole text for nothing.
        let maps: Vec<OnceCell<Utf16Map>> = files.iter().map(|_| OnceCell::new()).collect();
        let map_of = |path: &str| {
            let i = files.iter().position(|f| f.path == path)?;
            Some(maps[i].get_or_init(|| Utf16Map::new(&files[i].text)))
        };
        let diagnostics = report
            .diagnostics
            .iter()
            .filter_map(|d| Some(js_diagnostic(d, map_of(&d.path)?)))
            .collect();
        let syntax_errors = report
            .syntax_errors
            .iter()
            .filter_map(|e| Some(js_syntax_error(e, map_of(&e.path)?)))
            .collect();
        Self {
            version: 1,
            files: report.files,
            diagnostics,
            syntax_errors,
            errors: report.errors.clone(),
        }
    }
}

fn js_diagnostic(d: &Diagnostic, map: &Utf16Map) -> JsDiagnostic {
    let category = crate::rules::find(d.rule).map_or("", |r| r.category.as_str());
    JsDiagnostic {
        rule: d.rule,
        name: d.name,
        severity: d.severity.as_str(),
        category,
        path: d.path.clone(),
        message: d.message.clone(),
        from: map.offset(d.range.start),
        to: map.offset(d.range.end),
        start: d.start.into(),
        end: d.end.into(),
        fix: d.fix.as_ref().map(|f| JsFix {
            applicability: f.applicability.as_str(),
            title: f.title.clone(),
            edits: f
                .edits
                .iter()
                .map(|e| JsEdit {
                    from: map.offset(e.range.start),
                    to: map.offset(e.range.end),
                    insert: e.content.clone(),
                })
                .collect(),
        }),
    }
}

fn js_syntax_error(e: &SyntaxError, map: &Utf16Map) -> JsSyntaxError {
    JsSyntaxError {
        path: e.path.clone(),
        message: e.message.clone(),
        from: map.offset(e.range.start),
        to: map.offset(e.range.end),
        start: e.start.into(),
        end: e.end.into(),
    }
}

#[derive(Serialize)]
pub struct JsFile {
    pub path: String,
    pub text: String,
}

fn js_files(files: &[SourceFile]) -> Vec<JsFile> {
    files
        .iter()
        .map(|f| JsFile {
            path: f.path.clone(),
            text: f.text.clone(),
        })
        .collect()
}

#[derive(Serialize)]
pub struct JsRule {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub category: &'static str,
    pub message: &'static str,
    pub explanation: &'static str,
    /// The whole documentation page (explanation + examples), Markdown.
    pub markdown: String,
    pub bad: Vec<JsFile>,
    pub fixed: Vec<JsFile>,
    pub fix: Option<&'static str>,
}

impl JsRule {
    pub fn new(rule: &Rule) -> Self {
        Self {
            id: rule.id,
            name: rule.name,
            severity: rule.severity.as_str(),
            category: rule.category.as_str(),
            message: rule.message,
            explanation: rule.explanation,
            markdown: rule_markdown(rule),
            bad: js_files(&split_files(rule.bad)),
            fixed: js_files(&split_files(rule.fixed)),
            fix: rule.fix.map(|f| f.as_str()),
        }
    }
}

#[derive(Serialize)]
pub struct JsFixResult {
    pub files: Vec<JsFile>,
    pub applied: Vec<usize>,
    pub report: JsReport,
}

impl JsFixResult {
    pub fn new(outcome: &FixOutcome) -> Self {
        Self {
            files: js_files(&outcome.files),
            applied: outcome.applied.clone(),
            report: JsReport::new(&outcome.files, &outcome.report),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_match_js() {
        let ascii = "a = 1\nb = 2\n";
        let map = Utf16Map::new(ascii);
        for byte in 0..=ascii.len() {
            assert_eq!(map.offset(byte), byte);
        }
        let text = "a = '😀'\nb = 'é'\nc\n";
        let map = Utf16Map::new(text);
        for (byte, _) in text.char_indices() {
            let utf16 = text[..byte].encode_utf16().count();
            assert_eq!(map.offset(byte), utf16);
            assert_eq!(byte_offset(text, utf16), byte, "round trip");
        }
        assert_eq!(
            byte_offset(text, 6),
            text.find('😀').unwrap(),
            "inside the pair"
        );
        assert_eq!(byte_offset(text, 10_000), text.len());
        // 'c' is at JS index: "a = '😀'\n" is 9 units, "b = 'é'\n" is 8.
        assert_eq!(map.offset(text.find('c').unwrap()), 17);
    }
}
