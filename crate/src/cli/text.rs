//! Human output: `path:line:col: ID message`, the source line and a caret underline,
//! coloured on a terminal.

use std::fmt::Write;
use wagcheck::source::LineIndex;
use wagcheck::{Applicability, Diagnostic, Report, Severity, SourceFile};

pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
    fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
    fn severity(&self, s: Severity, t: &str) -> String {
        let code = match s {
            Severity::Blocker => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        self.paint(code, t)
    }
}

pub fn render(report: &Report, files: &[SourceFile], style: &Style, fix_hint: bool) -> String {
    let mut out = String::new();
    let index_of = |path: &str| files.iter().position(|f| f.path == path);
    let mut line_indexes: Vec<Option<LineIndex>> = vec![None; files.len()];
    let mut snippet =
        |path: &str, start: usize, end: usize, caret_style: &dyn Fn(&str) -> String| -> String {
            let Some(i) = index_of(path) else {
                return String::new();
            };
            let text = files[i].text.as_str();
            let lines = line_indexes[i].get_or_insert_with(|| LineIndex::new(text));
            let line = lines.line_of(start.min(text.len()));
            let source = lines.line_text(text, line);
            let line_start = lines.line_start(line);
            let col = text[line_start..start.min(text.len()).max(line_start)]
                .chars()
                .count();
            let end_in_line = end.min(line_start + source.len()).max(start);
            let width = text[start.min(end_in_line)..end_in_line]
                .chars()
                .count()
                .max(1);
            let number = (line + 1).to_string();
            let pad = " ".repeat(number.len());
            // Tabs would shift the caret: show them as one space each, in both lines.
            let shown: String = source
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            let mut s = String::new();
            let _ = writeln!(s, "{pad} {}", style.dim("|"));
            let _ = writeln!(s, "{} {} {shown}", style.dim(&number), style.dim("|"));
            let _ = writeln!(
                s,
                "{pad} {} {}{}",
                style.dim("|"),
                " ".repeat(col),
                caret_style(&"^".repeat(width))
            );
            s
        };
    for error in &report.syntax_errors {
        let _ = writeln!(
            out,
            "{}:{}:{}: {} {}",
            style.bold(&error.path),
            error.start.line,
            error.start.column,
            style.paint("1;31", "syntax error:"),
            error.message
        );
        out.push_str(&snippet(
            &error.path,
            error.range.start,
            error.range.end,
            &|t| style.paint("1;31", t),
        ));
        out.push('\n');
    }
    for d in &report.diagnostics {
        let _ = writeln!(
            out,
            "{}:{}:{}: {} {} {}",
            style.bold(&d.path),
            d.start.line,
            d.start.column,
            style.severity(d.severity, d.rule),
            d.message,
            style.dim(&format!("[{}]", d.severity.as_str()))
        );
        out.push_str(&snippet(&d.path, d.range.start, d.range.end, &|t| {
            style.severity(d.severity, t)
        }));
        if let Some(fix) = &d.fix {
            let how = match fix.applicability {
                Applicability::Safe => "fix available with --fix",
                Applicability::Unsafe => "unsafe fix available with --fix --unsafe-fixes",
            };
            let _ = writeln!(out, "  {} {}: {how}", style.dim("="), fix.title);
        }
        out.push('\n');
    }
    out.push_str(&summary(report, style, fix_hint));
    out
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn summary(report: &Report, style: &Style, fix_hint: bool) -> String {
    let hits = report.diagnostics.len();
    let mut out = String::new();
    if hits == 0 && report.syntax_errors.is_empty() {
        let _ = writeln!(
            out,
            "{} ({} checked)",
            style.paint("1;32", "No hits."),
            count(report.files, "file", "files")
        );
        return out;
    }
    let _ = write!(out, "Found {}", style.bold(&count(hits, "hit", "hits")));
    if !report.syntax_errors.is_empty() {
        let _ = write!(
            out,
            " and {}",
            style.bold(&count(
                report.syntax_errors.len(),
                "syntax error",
                "syntax errors"
            ))
        );
    }
    let _ = writeln!(out, " in {} checked.", count(report.files, "file", "files"));
    if fix_hint {
        let safe = fixable(&report.diagnostics, Applicability::Safe);
        let unsafe_ = fixable(&report.diagnostics, Applicability::Unsafe);
        if safe > 0 {
            let _ = writeln!(out, "{} fixable with `--fix`.", count(safe, "hit", "hits"));
        }
        if unsafe_ > 0 {
            let what = count(unsafe_, "more hit", "more hits");
            let _ = writeln!(out, "{what} fixable with `--fix --unsafe-fixes`.");
        }
    }
    out
}

fn fixable(diagnostics: &[Diagnostic], kind: Applicability) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.fix.as_ref().is_some_and(|f| f.applicability == kind))
        .count()
}
