//! Code actions (each hit's fix, fix all safe fixes, ignore a rule on a line) and
//! hover (the rule's page) on an open document.

use super::position::Lines;
use super::workspace::{is_project_rule, Document, Workspace};
use crate::cli::settings::enabled_in;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Hover, HoverContents, MarkupContent,
    MarkupKind, Range, TextEdit, Url, WorkspaceEdit,
};
use std::collections::HashMap;
use wagcheck::context::FileContext;
use wagcheck::engine::{fix_files_in, MAX_FIX_ROUNDS};
use wagcheck::suppress::ignore_edit;
use wagcheck::{Applicability, Diagnostic, Rule, SourceFile};

/// `source.fixAll.wagcheck`: the kind editors run on save (`codeActionsOnSave`).
pub fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.wagcheck")
}

/// Every hit of an open document: its own check's, with the project rules' hits of the
/// last cross-file pass instead of its own once that pass has seen its text.
pub fn hits_of<'a>(ws: &'a Workspace, doc: &'a Document) -> impl Iterator<Item = &'a Diagnostic> {
    let fresh = doc.project_fresh;
    let project = ws
        .project
        .get(&doc.path)
        .filter(|_| fresh)
        .map(Vec::as_slice)
        .unwrap_or_default();
    doc.report
        .diagnostics
        .iter()
        .filter(move |d| !fresh || !wagcheck::rules::find(d.rule).is_some_and(is_project_rule))
        .chain(project)
}

fn wanted(only: &Option<Vec<CodeActionKind>>, kind: &CodeActionKind) -> bool {
    only.as_ref().is_none_or(|only| {
        only.iter().any(|o| {
            kind.as_str() == o.as_str() || kind.as_str().starts_with(&format!("{}.", o.as_str()))
        })
    })
}

fn edit_of(uri: &Url, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

pub fn code_actions(
    ws: &Workspace,
    uri: &Url,
    range: Range,
    only: &Option<Vec<CodeActionKind>>,
    lsp_diagnostic: &dyn Fn(&Diagnostic) -> lsp_types::Diagnostic,
    enabled_row: &[bool],
) -> Vec<CodeActionOrCommand> {
    let Some(doc) = ws.open.get(uri) else {
        return Vec::new();
    };
    let lines = Lines::new(&doc.text, ws.encoding);
    let (wanted_bytes, _) = lines.bytes(range);
    let mut actions = Vec::new();
    let quickfix = CodeActionKind::QUICKFIX;
    let mut ctx_tree = None;
    for d in hits_of(ws, doc) {
        if d.range.start > wanted_bytes.end || wanted_bytes.start > d.range.end {
            continue;
        }
        if !wanted(only, &quickfix) {
            break;
        }
        if let Some(fix) = &d.fix {
            let unsafe_fix = fix.applicability == Applicability::Unsafe;
            let edits = fix
                .edits
                .iter()
                .map(|e| TextEdit::new(lines.range(&e.range), e.content.clone()))
                .collect();
            actions.push(CodeAction {
                title: format!(
                    "{} ({}{})",
                    fix.title,
                    d.rule,
                    if unsafe_fix {
                        ", unsafe fix: changes behaviour"
                    } else {
                        ""
                    }
                ),
                kind: Some(quickfix.clone()),
                diagnostics: Some(vec![lsp_diagnostic(d)]),
                edit: Some(edit_of(uri, edits)),
                is_preferred: Some(!unsafe_fix),
                ..CodeAction::default()
            });
        }
        // The tree of the document's last check (the cache returns it without parsing).
        let tree = ctx_tree.get_or_insert_with(|| {
            doc.cache
                .parse_file(&SourceFile::new(doc.shown.clone(), doc.text.clone()))
                .ok()
        });
        let Some(parsed) = tree.as_ref() else {
            continue;
        };
        let ctx = FileContext::with_walk(&doc.shown, &doc.text, &parsed.parsed.tree, &parsed.walk);
        let line = ctx.lines().line_of(d.range.start);
        if let Some(edit) = ignore_edit(&ctx, line, d.rule) {
            let text_edit = TextEdit::new(lines.range(&edit.range), edit.content);
            actions.push(CodeAction {
                title: format!("Ignore {} on this line", d.rule),
                kind: Some(quickfix.clone()),
                diagnostics: Some(vec![lsp_diagnostic(d)]),
                edit: Some(edit_of(uri, vec![text_edit])),
                ..CodeAction::default()
            });
        }
    }
    let has_safe_fix = doc.report.diagnostics.iter().any(|d| {
        d.fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Safe)
    });
    if has_safe_fix && wanted(only, &fix_all_kind()) {
        if let Some(edit) = fix_all(doc, &lines, enabled_row) {
            actions.push(CodeAction {
                title: "Fix all safe wagcheck hits".to_string(),
                kind: Some(fix_all_kind()),
                edit: Some(edit_of(uri, vec![edit])),
                ..CodeAction::default()
            });
        }
    }
    actions
        .into_iter()
        .map(CodeActionOrCommand::CodeAction)
        .collect()
}

/// Every safe fix of the document, as one edit spanning what changed (the editor keeps
/// the cursor and folds outside it).
fn fix_all(doc: &Document, lines: &Lines, enabled_row: &[bool]) -> Option<TextEdit> {
    let files = [SourceFile::new(doc.shown.clone(), doc.text.clone())];
    let row = [enabled_row.to_vec()];
    let enabled = |i: usize, rule: &Rule| enabled_in(&row, i, rule);
    let safe = |d: &Diagnostic| {
        d.fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Safe)
    };
    let outcome = fix_files_in(&files, &enabled, &safe, MAX_FIX_ROUNDS, false);
    let new = &outcome.files[0].text;
    if *new == doc.text {
        return None;
    }
    let (prefix, suffix) = wagcheck::parse::common_ends(&doc.text, new);
    Some(TextEdit::new(
        lines.range(&(prefix..doc.text.len() - suffix)),
        new[prefix..new.len() - suffix].to_string(),
    ))
}

/// The rule's page for each hit under the cursor.
pub fn hover(ws: &Workspace, uri: &Url, position: lsp_types::Position) -> Option<Hover> {
    let doc = ws.open.get(uri)?;
    let lines = Lines::new(&doc.text, ws.encoding);
    let (offset, _) = lines.offset(position);
    let hits: Vec<&Diagnostic> = hits_of(ws, doc)
        .filter(|d| d.range.start <= offset && offset <= d.range.end)
        .collect();
    let first = hits.first()?;
    let mut value = String::new();
    for d in &hits {
        let rule = wagcheck::rules::find(d.rule)?;
        if !value.is_empty() {
            value.push_str("\n\n---\n\n");
        }
        // What to write first (the user's code is the bad example), then why.
        value.push_str(&format!(
            "**{}** ({}) {}\n\nUse instead:\n\n{}",
            d.rule,
            rule.name,
            d.message,
            wagcheck::docs::code_blocks(rule.fixed)
        ));
        value.push_str(rule.explanation.trim());
        value.push('\n');
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(lines.range(&first.range)),
    })
}
