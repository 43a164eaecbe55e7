//! SARIF 2.1.0 output, for code-scanning dashboards.

use serde_json::{json, Value};
use wagcheck::{rules, Report, Severity};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Blocker => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn render(report: &Report) -> Value {
    let all = rules::all();
    let rule_entries: Vec<Value> = all
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": { "text": r.message },
                "fullDescription": { "text": r.explanation },
                "help": { "text": r.message, "markdown": wagcheck::docs::rule_markdown(r) },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "category": r.category.as_str(), "tags": [r.category.as_str()] }
            })
        })
        .collect();
    let region = |start: &wagcheck::source::Location, end: &wagcheck::source::Location| json!({ "startLine": start.line, "startColumn": start.column, "endLine": end.line, "endColumn": end.column });
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let mut result = json!({
                "ruleId": d.rule,
                "ruleIndex": all.iter().position(|r| r.id == d.rule),
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&d.path) },
                        "region": region(&d.start, &d.end)
                    }
                }]
            });
            if let Some(fix) = &d.fix {
                result["fixes"] = json!([{
                    "description": { "text": format!("{} ({})", fix.title, fix.applicability.as_str()) },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": uri(&d.path) },
                        "replacements": fix.edits.iter().map(|e| json!({
                            "deletedRegion": region(e.start.as_ref().unwrap_or(&d.start), e.end.as_ref().unwrap_or(&d.end)),
                            "insertedContent": { "text": e.content }
                        })).collect::<Vec<_>>()
                    }]
                }]);
            }
            result
        })
        .collect();
    let notifications: Vec<Value> = report
        .syntax_errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": format!("syntax error: {}", e.message) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(&e.path) }, "region": region(&e.start, &e.end) } }]
            })
        })
        .chain(report.errors.iter().map(|e| {
            json!({
                "level": "error",
                "message": { "text": e.message },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(&e.path) } } }]
            })
        }))
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "wagcheck",
                "version": wagcheck::VERSION,
                "rules": rule_entries
            }},
            // Columns count characters (Unicode scalar values), as in the text output;
            // SARIF readers would otherwise assume UTF-16 code units.
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications
            }],
            "results": results
        }]
    })
}

/// SARIF wants URIs: relative paths with `/`, spaces and the like percent-encoded; an
/// absolute path as a `file://` URI (`/srv/app/x.py`, `C:\app\x.py`).
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let drive = path.len() > 2
        && path.as_bytes()[0].is_ascii_alphabetic()
        && path.as_bytes()[1] == b':'
        && path.as_bytes()[2] == b'/';
    let mut out = match (path.starts_with('/'), drive) {
        (true, _) => String::from("file://"),
        (false, true) => String::from("file:///"),
        _ => String::new(),
    };
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) || (drive && b == b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("./apps/blog/x.py"), "apps/blog/x.py");
        assert_eq!(uri("apps\\my blog\\x.py"), "apps/my%20blog/x.py");
        assert_eq!(uri("/srv/app/x.py"), "file:///srv/app/x.py");
        assert_eq!(uri("C:\\app\\x.py"), "file:///C:/app/x.py");
        assert_eq!(uri("a:b.py"), "a%3Ab.py");
    }
}
