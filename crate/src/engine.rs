//! Checking a set of files: parse each (in parallel natively), run the file rules on
//! it, then the project rules on the whole set; and the fix loop on top of that.

use crate::config::Config;
use crate::context::FileContext;
use crate::diagnostic::{Diagnostic, Edit, Fix, Hit, SyntaxError};
use crate::fix::apply_fixes;
use crate::imports::Imports;
use crate::parse::{parse_file, syntax_errors, too_deep, ParseCache};
use crate::project::{FileFacts, Project};
use crate::rule::{Applicability, Check, Rule};
use crate::rules;
use crate::source::LineIndex;
use crate::source::SourceFile;
use crate::suppress::Suppressions;
use serde::Serialize;

/// A file that could not be checked at all, and why.
#[derive(Debug, Clone, Serialize)]
pub struct FileError {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub files: usize,
    pub diagnostics: Vec<Diagnostic>,
    pub syntax_errors: Vec<SyntaxError>,
    pub errors: Vec<FileError>,
}

/// Decides whether a rule runs on the file at an index of the checked set.
pub type Enabled<'a> = dyn Fn(usize, &Rule) -> bool + Sync + 'a;

/// Checks `files` with one config; paths are matched against per-file-ignores as given.
pub fn check(files: &[SourceFile], config: &Config) -> Report {
    check_with(files, &|i, rule| {
        config.is_enabled_for(rule, &files[i].path)
    })
}

struct FileOutcome {
    /// None when the file could not be checked.
    imports: Option<Imports>,
    /// What the project index keeps of the file; None when it could not be checked or
    /// no rule that asks the index runs.
    facts: Option<FileFacts>,
    /// Line index, for placing project hits, if the per-file pass built one.
    lines: Option<LineIndex>,
    suppressions: Suppressions,
    diagnostics: Vec<Diagnostic>,
    syntax_errors: Vec<SyntaxError>,
    /// Why the rules did not run on the file; None when they did.
    error: Option<FileError>,
}

/// Checks `files`, running each rule where `enabled` says.
pub fn check_with(files: &[SourceFile], enabled: &Enabled) -> Report {
    check_cached(files, enabled, None)
}

/// `check_with`, re-parsing each file incrementally from its tree in `cache`.
pub fn check_cached(files: &[SourceFile], enabled: &Enabled, cache: Option<&ParseCache>) -> Report {
    if let Some(cache) = cache {
        cache.retain(files);
    }
    let mut outcomes = par_map(files, |index, file| check_file(index, file, enabled, cache));
    let mut report = Report {
        files: files.len(),
        ..Report::default()
    };

    let project_rules: Vec<&Rule> = rules::all()
        .iter()
        .copied()
        .filter(|r| matches!(r.check, Check::Project(_)))
        .filter(|r| (0..files.len()).any(|i| enabled(i, r)))
        .collect();
    if !project_rules.is_empty() {
        let imports = outcomes.iter_mut().map(|o| o.imports.take()).collect();
        let facts = outcomes.iter_mut().map(|o| o.facts.take()).collect();
        let project = Project::new(files, imports, facts);
        for rule in project_rules {
            let Check::Project(run) = rule.check else {
                continue;
            };
            let mut hits = Vec::new();
            run(&project, &mut hits);
            for (index, hit) in hits {
                let Some(outcome) = outcomes.get_mut(index).filter(|o| o.error.is_none()) else {
                    continue;
                };
                let lines = outcome
                    .lines
                    .get_or_insert_with(|| LineIndex::new(&files[index].text));
                if !enabled(index, rule)
                    || outcome
                        .suppressions
                        .is_suppressed(lines.line_of(hit.range.start), rule.id)
                {
                    continue;
                }
                report
                    .diagnostics
                    .push(to_diagnostic(rule, &files[index], lines, hit));
            }
        }
    }
    for outcome in outcomes {
        report.diagnostics.extend(outcome.diagnostics);
        report.syntax_errors.extend(outcome.syntax_errors);
        report.errors.extend(outcome.error);
    }
    report.diagnostics.sort_by(|a, b| {
        (&a.path, a.range.start, a.rule, a.range.end).cmp(&(
            &b.path,
            b.range.start,
            b.rule,
            b.range.end,
        ))
    });
    report
        .diagnostics
        .dedup_by(|a, b| a.path == b.path && a.range == b.range && a.rule == b.rule);
    report
}

/// The outcome for a file the rules could not run on.
fn not_checked(file: &SourceFile, message: String) -> FileOutcome {
    FileOutcome {
        imports: None,
        facts: None,
        lines: None,
        suppressions: Suppressions::default(),
        diagnostics: Vec::new(),
        syntax_errors: Vec::new(),
        error: Some(FileError {
            path: file.path.clone(),
            message,
        }),
    }
}

fn check_file(
    index: usize,
    file: &SourceFile,
    enabled: &Enabled,
    cache: Option<&ParseCache>,
) -> FileOutcome {
    let parsed = match cache.map_or_else(|| parse_file(file), |c| c.parse_file(file)) {
        Ok(parsed) => parsed,
        Err(message) => return not_checked(file, message),
    };
    let mut ctx = FileContext::new(&file.path, &file.text, &parsed.tree);
    if let Some(message) = too_deep(ctx.depth()) {
        return not_checked(file, message);
    }
    let suppressions = Suppressions::collect(&ctx);
    let fixes_trusted = fix_is_trusted(&ctx);
    let mut diagnostics = Vec::new();
    let mut hits = Vec::new();
    for rule in rules::all() {
        let Check::File(run) = rule.check else {
            continue;
        };
        if !enabled(index, rule) {
            continue;
        }
        run(&ctx, &mut hits);
        for mut hit in hits.drain(..) {
            if !fixes_trusted {
                hit.fix = None;
            }
            let lines = ctx.lines();
            if !suppressions.is_suppressed(lines.line_of(hit.range.start), rule.id) {
                diagnostics.push(to_diagnostic(rule, file, lines, hit));
            }
        }
    }
    let syntax_errors = syntax_errors(file, &parsed);
    // The index's facts, read from the tree while it is here (the tree is dropped with
    // this function); only when a project rule may ask for them.
    let facts = rules::all()
        .iter()
        .any(|r| matches!(r.check, Check::Project(_)) && enabled(index, r))
        .then(|| FileFacts::extract(&ctx));
    let imports = std::mem::take(&mut ctx.imports);
    FileOutcome {
        imports: Some(imports),
        facts,
        lines: ctx.take_lines(),
        suppressions,
        diagnostics,
        syntax_errors,
        error: None,
    }
}

/// A fix is offered only in a file the parser understood completely, as in Ruff. Around
/// a syntax error the tree is a guess, and not only near it: after an unterminated
/// triple-quoted string, changing a quote character far below changes how the rest of
/// the file is read (found by the fuzz test), and a line appended after an unclosed
/// bracket is swallowed by it, so the same fix would be offered on every run. The hits
/// are still reported.
fn fix_is_trusted(ctx: &FileContext) -> bool {
    !ctx.root().has_error()
}

fn to_diagnostic(
    rule: &'static Rule,
    file: &SourceFile,
    lines: &LineIndex,
    hit: Hit,
) -> Diagnostic {
    let text = file.text.as_str();
    let locate = |edit: Edit| Edit {
        start: Some(lines.location(text, edit.range.start)),
        end: Some(lines.location(text, edit.range.end)),
        ..edit
    };
    let fix = hit.fix.map(|(title, edits)| Fix {
        applicability: rule.fix.unwrap_or(Applicability::Unsafe),
        title,
        edits: edits.into_iter().map(locate).collect(),
    });
    Diagnostic {
        rule: rule.id,
        name: rule.name,
        severity: rule.severity,
        path: file.path.clone(),
        start: lines.location(text, hit.range.start),
        end: lines.location(text, hit.range.end),
        range: hit.range,
        message: hit.message.unwrap_or_else(|| rule.message.to_string()),
        fix,
    }
}

/// What `fix_files` did: the new texts (same order as the input), how many fixes went
/// into each, and the report on the fixed files.
#[derive(Debug, Clone)]
pub struct FixOutcome {
    pub files: Vec<SourceFile>,
    pub applied: Vec<usize>,
    pub report: Report,
}

/// Most rounds the fix loop runs. Each round applies every non-overlapping fix and
/// re-checks; fixes skipped for overlap are applied in a later round.
pub const MAX_FIX_ROUNDS: usize = 10;

/// Applies the fixes of the diagnostics `wanted` accepts, until none is left (or
/// `max_rounds`, normally MAX_FIX_ROUNDS). A file whose fixed text would have more syntax errors than before
/// is left as it was: a fix must never break code.
pub fn fix_files(
    files: &[SourceFile],
    enabled: &Enabled,
    wanted: &(dyn Fn(&Diagnostic) -> bool + Sync),
    max_rounds: usize,
) -> FixOutcome {
    let mut current: Vec<SourceFile> = files.to_vec();
    let mut applied = vec![0usize; files.len()];
    // One cache for the whole loop: the parse that counts a candidate's syntax errors
    // is the one the next check reuses, and every other parse is incremental.
    let cache = ParseCache::default();
    let mut report = check_cached(&current, enabled, Some(&cache));
    let baseline_errors = count_syntax_errors(&report, &current);
    for _ in 0..max_rounds {
        let mut changed = false;
        for (index, file) in current.iter_mut().enumerate() {
            let fixes: Vec<&Fix> = report
                .diagnostics
                .iter()
                .filter(|d| d.path == file.path && wanted(d))
                .filter_map(|d| d.fix.as_ref())
                .collect();
            if fixes.is_empty() {
                continue;
            }
            let (text, count) = apply_fixes(&file.text, &fixes);
            if count == 0 || text == file.text {
                continue;
            }
            let candidate = SourceFile::new(file.path.clone(), text);
            let errors_after = cache
                .parse_file(&candidate)
                .map(|p| syntax_errors(&candidate, &p).len());
            if errors_after.map_or(true, |n| n > baseline_errors[index]) {
                continue;
            }
            *file = candidate;
            applied[index] += count;
            changed = true;
        }
        if !changed {
            break;
        }
        report = check_cached(&current, enabled, Some(&cache));
    }
    FixOutcome {
        files: current,
        applied,
        report,
    }
}

fn count_syntax_errors(report: &Report, files: &[SourceFile]) -> Vec<usize> {
    files
        .iter()
        .map(|f| {
            report
                .syntax_errors
                .iter()
                .filter(|e| e.path == f.path)
                .count()
        })
        .collect()
}

/// Maps files to results in parallel where threads exist (native), in order.
#[cfg(not(target_arch = "wasm32"))]
fn par_map<T: Send>(files: &[SourceFile], f: impl Fn(usize, &SourceFile) -> T + Sync) -> Vec<T> {
    use rayon::prelude::*;
    files
        .par_iter()
        .enumerate()
        .map(|(i, file)| f(i, file))
        .collect()
}

#[cfg(target_arch = "wasm32")]
fn par_map<T>(files: &[SourceFile], f: impl Fn(usize, &SourceFile) -> T) -> Vec<T> {
    files
        .iter()
        .enumerate()
        .map(|(i, file)| f(i, file))
        .collect()
}
