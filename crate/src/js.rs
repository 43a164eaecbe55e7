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

/// One change the page made to a text it checked before (CodeMirror's
/// `ChangeSet.iterChanges`): UTF-16 offsets `from..to` of that text replaced by `insert`.
pub type Utf16Edit = (usize, usize, String);

/// `base` with `edits` applied: ranges of `base` in UTF-16 code units, in order and not
/// overlapping. With `ascii` (`base` is all ASCII) offsets are bytes and nothing is
/// scanned; otherwise one pass over `base` up to the last edit converts them. An edit out
/// of order, past the end or inside a character is an error, never a panic: the page then
/// sends the whole text.
pub fn apply_utf16_edits(
    base: &str,
    ascii: bool,
    edits: &[Utf16Edit],
) -> Result<String, &'static str> {
    let inserted: usize = edits.iter().map(|(_, _, text)| text.len()).sum();
    let mut out = String::with_capacity(base.len() + inserted);
    // The scan for non-ASCII text: `units` UTF-16 units lie before byte `byte`.
    let (mut byte, mut units) = (0, 0);
    let mut to_byte = |utf16: usize| -> Result<usize, &'static str> {
        if ascii {
            return if utf16 <= base.len() {
                Ok(utf16)
            } else {
                Err("an edit is past the text's end")
            };
        }
        while units < utf16 {
            let c = base[byte..]
                .chars()
                .next()
                .ok_or("an edit is past the text's end")?;
            byte += c.len_utf8();
            units += c.len_utf16();
        }
        if units == utf16 {
            Ok(byte)
        } else {
            Err("an edit is inside a character")
        }
    };
    let (mut copied, mut last) = (0, 0);
    for (from, to, insert) in edits {
        if from > to || *from < last {
            return Err("edits out of order");
        }
        let (start, end) = (to_byte(*from)?, to_byte(*to)?);
        out.push_str(&base[copied..start]);
        out.push_str(insert);
        copied = end;
        last = *to;
    }
    out.push_str(&base[copied..]);
    Ok(out)
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

    /// Edits applied as JS would apply them to its UTF-16 string, over many random edits of
    /// ASCII and non-ASCII texts; broken edits are refused.
    #[test]
    fn utf16_edits_apply_as_in_js() {
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n.max(1)
        };
        let pieces = ["x", "\n", "é", "😀", "def f():\n    pass\n", ""];
        for base in ["a = 1\nb = 2\n", "a = '😀'\nb = 'é'\nc\n", "", "ü"] {
            let units: Vec<u16> = base.encode_utf16().collect();
            // Offsets on character boundaries only, as CodeMirror gives them.
            let bounds: Vec<usize> = (0..=units.len())
                .filter(|&u| String::from_utf16(&units[..u]).is_ok())
                .collect();
            for _ in 0..500 {
                let mut cuts: Vec<usize> = (0..next(4) * 2)
                    .map(|_| bounds[next(bounds.len())])
                    .collect();
                cuts.sort();
                let edits: Vec<Utf16Edit> = cuts
                    .chunks(2)
                    .map(|c| (c[0], c[1], pieces[next(pieces.len())].to_string()))
                    .collect();
                let mut expected: Vec<u16> = Vec::new();
                let mut at = 0;
                for (from, to, insert) in &edits {
                    expected.extend(&units[at..*from]);
                    expected.extend(insert.encode_utf16());
                    at = *to;
                }
                expected.extend(&units[at..]);
                let expected = String::from_utf16(&expected).unwrap();
                assert_eq!(
                    apply_utf16_edits(base, base.is_ascii(), &edits).unwrap(),
                    expected,
                    "{base:?} {edits:?}"
                );
                // An ASCII text is also right when not known to be ASCII.
                assert_eq!(apply_utf16_edits(base, false, &edits).unwrap(), expected);
            }
        }
        // Refused: past the end, inside a surrogate pair, backwards.
        let refused = [
            ("abc", true, 2, 4),
            ("abc", false, 4, 4),
            ("a😀", false, 2, 2),
            ("abc", true, 2, 1),
        ];
        for (base, ascii, from, to) in refused {
            let edit = [(from, to, String::new())];
            assert!(
                apply_utf16_edits(base, ascii, &edit).is_err(),
                "{base:?} {from}..{to}"
            );
        }
        let out_of_order = vec![(2, 3, String::new()), (0, 1, String::new())];
        assert!(apply_utf16_edits("abc", true, &out_of_order).is_err());
    }

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
