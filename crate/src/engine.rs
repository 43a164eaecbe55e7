//! Checking a set of files: parse each (in parallel natively), run the file rules on
//! it, then the project rules on the whole set; and the fix loop on top of that.

use crate::config::Config;
use crate::context::FileContext;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Hit, Related, SyntaxError};
use crate::fix::apply_fixes;
use crate::imports::Imports;
use crate::order;
use crate::parse::{parse_file, syntax_errors, too_deep};
use crate::project::{FileFacts, Project};
use crate::reparse::ParseCache;
use crate::rule::{Check, Rule};
use crate::rules;
use crate::source::LineIndex;
use crate::source::SourceFile;
use crate::suppress::Suppressions;
use serde::{Deserialize, Serialize};
use std::ops::Range;

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
    /// Team rules that gave up on the file (their step budget).
    rule_errors: Vec<FileError>,
}

/// Checks `files`, running each rule where `enabled` says.
pub fn check_with(files: &[SourceFile], enabled: &Enabled) -> Report {
    check_cached(files, enabled, None)
}

/// `check_with`, re-parsing each file incrementally from its tree in `cache`.
pub fn check_cached(files: &[SourceFile], enabled: &Enabled, cache: Option<&ParseCache>) -> Report {
    check_in(files, enabled, cache, true)
}

/// `check_cached`; `complete` says whether `files` is the whole project (a directory
/// walked, the playground's files) or only some of its files (named on the command
/// line, as pre-commit passes the changed ones). Rules whose claim is about every file
/// of the project (`Project::complete`) stay silent on a partial set. The language
/// server checks the document being typed in as a partial set.
pub fn check_in(
    files: &[SourceFile],
    enabled: &Enabled,
    cache: Option<&ParseCache>,
    complete: bool,
) -> Report {
    if let Some(cache) = cache {
        cache.retain(files);
    }
    let outcomes = par_map(files, |index, file| check_file(index, file, enabled, cache));
    report_of(files, enabled, outcomes, complete)
}

/// The project pass over the per-file outcomes, and the report of both.
fn report_of(
    files: &[SourceFile],
    enabled: &Enabled,
    mut outcomes: Vec<FileOutcome>,
    complete: bool,
) -> Report {
    let mut report = Report {
        files: files.len(),
        ..Report::default()
    };

    let project_rules: Vec<&Rule> = rules::all()
        .iter()
        .copied()
        .filter(|r| r.check.project().is_some())
        .filter(|r| (0..files.len()).any(|i| enabled(i, r)))
        .collect();
    if !project_rules.is_empty() {
        let imports = outcomes.iter_mut().map(|o| o.imports.take()).collect();
        let facts = outcomes.iter_mut().map(|o| o.facts.take()).collect();
        let mut project = Project::new(files, imports, facts);
        project.complete = complete;
        for rule in project_rules {
            let Some(run) = rule.check.project() else {
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
                let mut diagnostic = to_diagnostic(rule, &files[index], lines, hit.clone());
                diagnostic.related = hit
                    .related
                    .into_iter()
                    .filter_map(|(file, range, message)| {
                        Some(Related {
                            path: files.get(file)?.path.clone(),
                            range,
                            message,
                        })
                    })
                    .collect();
                report.diagnostics.push(diagnostic);
            }
        }
    }
    for outcome in outcomes {
        report.diagnostics.extend(outcome.diagnostics);
        report.syntax_errors.extend(outcome.syntax_errors);
        report.errors.extend(outcome.error);
        report.errors.extend(outcome.rule_errors);
    }
    // By path, place, rule id, end (strings as their rank among the report's own).
    let paths: Vec<String> = order::ranks(report.diagnostics.iter().map(|d| d.path.as_str()))
        .into_iter()
        .map(str::to_string)
        .collect();
    let rules = order::ranks(report.diagnostics.iter().map(|d| d.rule));
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    order::sort_by_key(&mut report.diagnostics, |d| {
        [
            order::rank(&paths, &d.path),
            d.range.start,
            order::rank(&rules, d.rule),
            d.range.end,
        ]
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
        rule_errors: Vec::new(),
    }
}

fn check_file(
    index: usize,
    file: &SourceFile,
    enabled: &Enabled,
    cache: Option<&ParseCache>,
) -> FileOutcome {
    let parsed = match cache {
        Some(cache) => cache
            .parse_file(file)
            .map(|r| (r.parsed, Some((r.walk, r.mentions, r.generation)))),
        None => parse_file(file).map(|parsed| (parsed, None)),
    };
    let (parsed, kept) = match parsed {
        Ok(parsed) => parsed,
        Err(message) => return not_checked(file, message),
    };
    let generation = kept.as_ref().map(|(_, _, generation)| *generation);
    let mut ctx = match kept {
        Some((walk, mentions, _)) => {
            let mut ctx = FileContext::with_walk(&file.path, &file.text, &parsed.tree, &walk);
            ctx.carry_mentions(mentions);
            ctx
        }
        None => FileContext::new(&file.path, &file.text, &parsed.tree),
    };
    if let Some(message) = too_deep(ctx.depth()) {
        return not_checked(file, message);
    }
    let suppressions = Suppressions::collect(&ctx);
    let fixes_trusted = fix_is_trusted(&ctx);
    let mut diagnostics = Vec::new();
    let mut hits = Vec::new();
    // Only team rules can give up on a file.
    #[cfg_attr(not(feature = "team"), allow(unused_mut))]
    let mut rule_errors = Vec::new();
    for rule in rules::all() {
        // The rules for which `runs_in_file_pass` holds: this pass's result may be kept.
        if !runs_in_file_pass(rule) || !enabled(index, rule) {
            continue;
        }
        match rule.check {
            Check::File(run) => run(&ctx, &mut hits),
            #[cfg(feature = "team")]
            Check::Team(team) => {
                if let Err(message) = team.run(&ctx, &mut hits) {
                    rule_errors.push(FileError {
                        path: file.path.clone(),
                        message,
                    });
                }
            }
            Check::Project(_) | Check::ProjectFacts { .. } => {}
        }
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
    // this function); only when a project rule may ask for them. Every project rule's own
    // facts are read with them, whichever of those rules is enabled here: a fact of this
    // file may serve a hit in another (a receiver that invalidates the cache, a model's
    // heavy fields), as the index's facts do.
    let facts = rules::all()
        .iter()
        .any(|r| r.check.project().is_some() && enabled(index, r))
        .then(|| {
            let mut facts = FileFacts::extract(&ctx);
            let mut rule_facts = std::mem::take(&mut facts.rules);
            for rule in rules::all() {
                if let Check::ProjectFacts { facts: read, .. } = rule.check {
                    read(&ctx, &facts, &mut rule_facts);
                }
            }
            facts.rules = rule_facts;
            facts
        });
    if let (Some(cache), Some(generation)) = (cache, generation) {
        cache.keep_mentions(&file.path, generation, ctx.take_mentions());
    }
    let imports = std::mem::take(&mut ctx.imports);
    FileOutcome {
        imports: Some(imports),
        facts,
        lines: ctx.take_lines(),
        suppressions,
        diagnostics,
        syntax_errors,
        error: None,
        rule_errors,
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
        related: Vec::new(),
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
    fix_files_in(files, enabled, wanted, max_rounds, true)
}

/// `fix_files` on a set that is the whole project (`complete`) or only some of its
/// files (see `check_in`).
pub fn fix_files_in(
    files: &[SourceFile],
    enabled: &Enabled,
    wanted: &(dyn Fn(&Diagnostic) -> bool + Sync),
    max_rounds: usize,
    complete: bool,
) -> FixOutcome {
    let mut current: Vec<SourceFile> = files.to_vec();
    let mut applied = vec![0usize; files.len()];
    // One cache for the whole loop: the parse that counts a candidate's syntax errors
    // is the one the next check reuses, and every other parse is incremental.
    let cache = ParseCache::default();
    let mut report = check_in(&current, enabled, Some(&cache), complete);
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
                .map(|r| syntax_errors(&candidate, &r.parsed).len());
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
        report = check_in(&current, enabled, Some(&cache), complete);
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

// What may be kept between runs.
//
// The per-file pass runs the rules that read one file alone (`Check::File`) and
// collects what the project pass needs of that file (imports, suppressions). Its result
// depends on nothing but the file's path and text and the rules enabled on it, so a
// caller may keep it (the CLI's cache) and hand it back for an unchanged file. Nothing
// that reads other files belongs in it: project rules (`Check::Project`) re-run over all
// files on every check, from the kept imports. A rule that consults other files (a
// project index) must not run in `check_file`, or its hits would be served stale: that
// is the boundary, and `runs_in_file_pass` is where it is drawn.
//
// A team rule (`Check::Team`) reads its own file alone too, but its definition is not
// part of the build: a caller keeping the pass must key it by the rule's text as well
// (`Rule::definition_hash`; the CLI's cache does), so that editing a rule file re-checks.

/// Whether a rule runs in the per-file pass, whose result may be kept between runs: only
/// a rule that reads its own file alone. Any other kind of check re-runs every time.
pub fn runs_in_file_pass(rule: &Rule) -> bool {
    match rule.check {
        Check::File(_) => true,
        #[cfg(feature = "team")]
        Check::Team(_) => true,
        Check::Project(_) | Check::ProjectFacts { .. } => false,
    }
}

/// The per-file pass's result on one file, in a form that can be stored: hits by rule
/// id, byte ranges (positions are recomputed from the text), no borrowed data.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FilePass {
    /// The length of the text it was made of: a pass kept for another text (a corrupt or
    /// stale cache entry) is not used, even where no hit of its own would show it (a
    /// project rule's facts hold ranges in the text too).
    #[serde(default)]
    len: usize,
    imports: Option<Imports>,
    /// The project index's facts of the file, when a project rule was enabled.
    facts: Option<FileFacts>,
    suppressions: Suppressions,
    hits: Vec<KeptHit>,
    syntax_errors: Vec<(Range<usize>, String)>,
    error: Option<String>,
    /// Team rules that gave up on the file (their step budget): said again on a warm run.
    #[serde(default)]
    rule_errors: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeptHit {
    rule: String,
    range: Range<usize>,
    message: String,
    fix: Option<KeptFix>,
}

/// A kept hit's fix: its title and its edits (range, new text).
type KeptFix = (String, Vec<(Range<usize>, String)>);

impl FilePass {
    fn of(outcome: &FileOutcome, file: &SourceFile) -> Self {
        Self {
            len: file.text.len(),
            imports: outcome.imports.clone(),
            facts: outcome.facts.clone(),
            suppressions: outcome.suppressions.clone(),
            hits: outcome
                .diagnostics
                .iter()
                .map(|d| KeptHit {
                    rule: d.rule.to_string(),
                    range: d.range.clone(),
                    message: d.message.clone(),
                    fix: d.fix.as_ref().map(|f| {
                        let edits = f.edits.iter();
                        (
                            f.title.clone(),
                            edits
                                .map(|e| (e.range.clone(), e.content.clone()))
                                .collect(),
                        )
                    }),
                })
                .collect(),
            syntax_errors: outcome
                .syntax_errors
                .iter()
                .map(|e| (e.range.clone(), e.message.clone()))
                .collect(),
            error: outcome.error.as_ref().map(|e| e.message.clone()),
            rule_errors: outcome
                .rule_errors
                .iter()
                .map(|e| e.message.clone())
                .collect(),
        }
    }

    /// The outcome again, for `file` (which must be the text it was made from). None if
    /// it does not fit the file or names a rule this build does not have: then the file
    /// is checked afresh.
    fn outcome(&self, file: &SourceFile) -> Option<FileOutcome> {
        let text = file.text.as_str();
        if text.len() != self.len {
            return None;
        }
        let fits = |r: &Range<usize>| {
            r.start <= r.end && text.is_char_boundary(r.start) && text.is_char_boundary(r.end)
        };
        // A line index only where something is placed (most files: nothing), as in the
        // per-file pass.
        let lines =
            (!self.hits.is_empty() || !self.syntax_errors.is_empty()).then(|| LineIndex::new(text));
        let mut diagnostics = Vec::with_capacity(self.hits.len());
        let mut syntax_errors = Vec::with_capacity(self.syntax_errors.len());
        if let Some(lines) = &lines {
            for kept in &self.hits {
                let rule = rules::find(&kept.rule).filter(|r| runs_in_file_pass(r))?;
                let fix = match &kept.fix {
                    Some((title, edits)) => Some((
                        title.clone(),
                        edits
                            .iter()
                            .map(|(r, c)| fits(r).then(|| Edit::replace(r.clone(), c.clone())))
                            .collect::<Option<Vec<Edit>>>()?,
                    )),
                    None => None,
                };
                if !fits(&kept.range) {
                    return None;
                }
                let hit = Hit {
                    range: kept.range.clone(),
                    message: Some(kept.message.clone()),
                    fix,
                    // File rules point at no other file.
                    related: Vec::new(),
                };
                diagnostics.push(to_diagnostic(rule, file, lines, hit));
            }
            for (range, message) in &self.syntax_errors {
                if !fits(range) {
                    return None;
                }
                syntax_errors.push(SyntaxError {
                    path: file.path.clone(),
                    start: lines.location(text, range.start),
                    end: lines.location(text, range.end),
                    range: range.clone(),
                    message: message.clone(),
                });
            }
        }
        Some(FileOutcome {
            imports: self.imports.clone(),
            facts: self.facts.clone(),
            lines,
            suppressions: self.suppressions.clone(),
            diagnostics,
            syntax_errors,
            error: self.error.as_ref().map(|message| FileError {
                path: file.path.clone(),
                message: message.clone(),
            }),
            rule_errors: self
                .rule_errors
                .iter()
                .map(|message| FileError {
                    path: file.path.clone(),
                    message: message.clone(),
                })
                .collect(),
        })
    }
}

/// `check_with`, reusing `kept[i]` (a `FilePass` of an earlier check of the same text
/// with the same rules enabled) instead of the per-file pass on file `i`. Project rules
/// run over every file as always. Also returns the per-file pass of each file checked
/// afresh (None where one was reused), for the caller to keep.
pub fn check_reusing(
    files: &[SourceFile],
    enabled: &Enabled,
    kept: &[Option<FilePass>],
    complete: bool,
) -> (Report, Vec<Option<FilePass>>) {
    let results = par_map(files, |index, file| {
        match kept
            .get(index)
            .and_then(Option::as_ref)
            .and_then(|k| k.outcome(file))
        {
            Some(outcome) => (outcome, None),
            None => {
                let outcome = check_file(index, file, enabled, None);
                let pass = FilePass::of(&outcome, file);
                (outcome, Some(pass))
            }
        }
    });
    let (outcomes, fresh) = results.into_iter().unzip();
    (report_of(files, enabled, outcomes, complete), fresh)
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

/// What fixing `code` (one file, `m.py`) with `rule_id`'s fixes of every applicability
/// writes: the rules' fix-output tests compare it with the expected text.
#[cfg(test)]
pub(crate) fn fixed_by(rule_id: &str, code: &str) -> String {
    let files = [SourceFile::new("m.py", code)];
    let outcome = fix_files(
        &files,
        &|_, rule| rule.id == rule_id,
        &|_| true,
        MAX_FIX_ROUNDS,
    );
    outcome.files[0].text.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
    }

    /// The Python files below `root` (paths relative to it, sorted), and every folder.
    fn py_files(root: &std::path::Path) -> (Vec<SourceFile>, Vec<std::path::PathBuf>) {
        let mut files = Vec::new();
        let mut dirs = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path.clone());
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "py") {
                    let rel = path.strip_prefix(root).unwrap().to_string_lossy();
                    let text = std::fs::read_to_string(&path).unwrap();
                    files.push(SourceFile::new(rel.into_owned(), text));
                }
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        (files, dirs)
    }

    /// Every rule's examples, and every fixture as one set (syntax errors, suppressions,
    /// fixes, cross-file hits): checked once, the kept passes written as JSON and read
    /// back, then checked again from them. The second check must check no file afresh
    /// and report exactly what the first did.
    #[test]
    fn kept_passes_give_the_same_report() {
        let mut sets: Vec<Vec<SourceFile>> = Vec::new();
        for rule in rules::all() {
            sets.push(crate::examples::split_files(rule.bad));
            sets.push(crate::examples::split_files(rule.fixed));
        }
        sets.push(py_files(&fixtures()).0);
        let all: &Enabled = &|_, _| true;
        let mut hits = 0;
        for files in sets {
            let (cold, fresh) = check_reusing(&files, all, &[], true);
            assert!(fresh.iter().all(Option::is_some));
            let json = serde_json::to_string(&fresh).unwrap();
            let kept: Vec<Option<FilePass>> = serde_json::from_str(&json).unwrap();
            let (warm, again) = check_reusing(&files, all, &kept, true);
            assert!(again.iter().all(Option::is_none), "every file reused");
            assert_eq!(format!("{cold:?}"), format!("{warm:?}"));
            hits += warm.diagnostics.len();
        }
        assert!(hits > 50, "the sets have hits to keep: {hits}");
    }

    /// A rule that reads its facts in the per-file pass (`Check::ProjectFacts`) finds its
    /// hits in the project pass without parsing any file again: on its own bad example, and
    /// on every fixture project.
    #[test]
    fn project_facts_rules_parse_no_file_again() {
        // Every fixture as one set, and each `*.project` folder as its own project.
        let (all, dirs) = py_files(&fixtures());
        let mut project_sets = vec![all];
        for dir in dirs
            .iter()
            .filter(|d| d.extension().is_some_and(|e| e == "project"))
        {
            project_sets.push(py_files(dir).0);
        }
        let mut rules_checked = 0;
        for rule in rules::all() {
            let Check::ProjectFacts { run, .. } = rule.check else {
                continue;
            };
            rules_checked += 1;
            let mut found = 0;
            let mut sets = vec![crate::examples::split_files(rule.bad)];
            sets.extend(project_sets.iter().cloned());
            for files in &sets {
                let enabled: &Enabled = &|_, r| r.id == rule.id;
                let mut outcomes: Vec<FileOutcome> = files
                    .iter()
                    .enumerate()
                    .map(|(i, f)| check_file(i, f, enabled, None))
                    .collect();
                let imports = outcomes.iter_mut().map(|o| o.imports.take()).collect();
                let facts = outcomes.iter_mut().map(|o| o.facts.take()).collect();
                let project = Project::new(files, imports, facts);
                let mut hits = Vec::new();
                run(&project, &mut hits);
                assert_eq!(project.reparsed(), 0, "{} parsed a file again", rule.id);
                found += hits.len();
            }
            assert!(found > 0, "{} found its bad example's hits", rule.id);
        }
        assert!(rules_checked >= 6, "{rules_checked} rules read facts");
    }

    /// A kept pass that does not fit the text (a stale or corrupt cache entry) is not
    /// used: the file is checked afresh.
    #[test]
    fn a_kept_pass_that_does_not_fit_is_not_used() {
        let files = vec![SourceFile::new(
            "a.py",
            "from django.core.cache import cache\ncache.delete_pattern('x:*')\n",
        )];
        let all: &Enabled = &|_, _| true;
        let (cold, fresh) = check_reusing(&files, all, &[], true);
        let shorter = vec![SourceFile::new("a.py", "x = 1\n")];
        let (report, again) = check_reusing(&shorter, all, &fresh, true);
        assert!(again[0].is_some(), "checked afresh");
        assert!(report.diagnostics.is_empty() && !cold.diagnostics.is_empty());
    }
}
