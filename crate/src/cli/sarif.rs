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
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications
            }],
            "results": results
        }]
    })
}

/// SARIF wants URIs: relative paths with `/`, spaces and the like percent-encoded.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
