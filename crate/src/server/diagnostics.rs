//! The engine's diagnostics as LSP diagnostics: the rule id as code, a link to the
//! rule's documentation, severity mapped, related places in other files.

use super::position::Lines;
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, Range, Url,
};
use wagcheck::{rules, Severity};

pub const SOURCE: &str = "wagcheck";

/// Where the rules' documentation lives unless the client says otherwise
/// (`initializationOptions.docsUrl`): the generated docs/rules.md, one heading per rule.
pub const DOCS_URL: &str = "https://github.com/wagcheck/wagcheck/blob/main/docs/rules.md";

/// The page of a rule: `<docs>#<name>-<id>` (docs::anchor, the heading's slug). None
/// for a team rule: docs/rules.md holds the built-in rules only, and a link to a heading
/// that is not there is worse than none (the hover shows a team rule's explanation).
pub fn rule_url(docs: &str, id: &str) -> Option<Url> {
    let rule = rules::find(id)?;
    if wagcheck::team::team_of(rule).is_some() {
        return None;
    }
    Url::parse(&format!("{docs}#{}", wagcheck::docs::anchor(rule))).ok()
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Blocker => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// Turns a place in another file of the workspace (its path as the engine saw it, a byte
/// range) into an LSP location.
pub type Locate<'a> = dyn Fn(&str, &std::ops::Range<usize>) -> Option<(Url, Range)> + 'a;

/// One hit. `locate` turns a place in another file of the workspace (its path as the
/// engine saw it, a byte range) into an LSP location, for the related information of
/// cross-file hits.
pub fn hit(d: &wagcheck::Diagnostic, lines: &Lines, docs: &str, locate: &Locate) -> Diagnostic {
    let fixable = match d.fix.as_ref().map(|f| f.applicability) {
        Some(wagcheck::Applicability::Safe) => " (fix available)",
        Some(wagcheck::Applicability::Unsafe) => " (unsafe fix available)",
        None => "",
    };
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            let (uri, range) = locate(&r.path, &r.range)?;
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri, range),
                message: format!("{}: {}", r.path, r.message),
            })
        })
        .collect();
    Diagnostic {
        range: lines.range(&d.range),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.rule.to_string())),
        code_description: rule_url(docs, d.rule).map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: format!("{}{fixable}", d.message),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

pub fn syntax_error(e: &wagcheck::SyntaxError, lines: &Lines) -> Diagnostic {
    Diagnostic {
        range: lines.range(&e.range),
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some(SOURCE.to_string()),
        message: format!(
            "SyntaxError: {} (wagcheck offers no fixes in this file until it parses)",
            e.message
        ),
        ..Diagnostic::default()
    }
}

/// A problem with a whole file (too large, nested too deeply, a broken config): on its
/// first line.
pub fn file_problem(
    message: &str,
    severity: DiagnosticSeverity,
    range: Option<Range>,
) -> Diagnostic {
    Diagnostic {
        range: range.unwrap_or_else(|| Range::new(Position::new(0, 0), Position::new(0, 0))),
        severity: Some(severity),
        source: Some(SOURCE.to_string()),
        message: message.to_string(),
        ..Diagnostic::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::position::Encoding;

    #[test]
    fn hits_carry_code_link_severity_and_related_places() {
        let files = wagcheck::examples::split_files(rules::find("IMP001").unwrap().bad);
        let report = wagcheck::check(&files, &wagcheck::Config::default());
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.rule == "IMP001")
            .unwrap();
        let text = &files.iter().find(|f| f.path == d.path).unwrap().text;
        let lines = Lines::new(text, Encoding::Utf16);
        let locate = |path: &str, _: &std::ops::Range<usize>| {
            let uri = Url::parse(&format!("file:///w/{path}")).ok()?;
            Some((uri, Range::default()))
        };
        let out = hit(d, &lines, DOCS_URL, &locate);
        assert_eq!(out.code, Some(NumberOrString::String("IMP001".into())));
        assert_eq!(out.severity, Some(DiagnosticSeverity::WARNING));
        assert_eq!(
            out.code_description.unwrap().href.as_str(),
            format!("{DOCS_URL}#package-shadows-module-imp001")
        );
        let related = out.related_information.unwrap();
        assert_eq!(related.len(), 1);
        assert!(related[0]
            .location
            .uri
            .path()
            .ends_with("services/__init__.py"));
    }
}
