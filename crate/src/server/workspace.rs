//! What the server knows: the workspace's roots and config, its Python files (from disk,
//! or the editor's text for open ones), and the hits of each.
//!
//! Two passes share the engine. A keystroke checks the open document alone with the
//! file rules, re-parsing incrementally from the document's last tree (the playground's
//! `reparse::ParseCache`). The project pass runs the cross-file rules (IMP001, SIG004) over every
//! Python file of the workspace: on open, save, files created/renamed/deleted, and once
//! typing pauses.

use super::position::{Encoding, Lines};
use crate::cli::files;
use crate::cli::settings::{enabled_in, ConfigError, Resolver};
use lsp_types::Url;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use wagcheck::engine::{check_in, check_with, Report};
use wagcheck::reparse::ParseCache;
use wagcheck::{Diagnostic, Rule, SourceFile};

/// An open document: the editor's text, its own tree cache (a cache keeps only the
/// files of its last check, so each document has one) and its last file-rule report.
pub struct Document {
    pub uri: Url,
    pub path: PathBuf,
    /// The path as the engine sees it (`shown_path`).
    pub shown: String,
    pub version: i32,
    pub text: String,
    pub cache: ParseCache,
    pub report: Report,
    /// Whether the project pass saw this text (else its cross-file hits are stale).
    pub project_fresh: bool,
}

pub fn is_project_rule(rule: &Rule) -> bool {
    rule.check.project().is_some()
}

pub struct Workspace {
    pub roots: Vec<PathBuf>,
    pub encoding: Encoding,
    resolver: Resolver,
    /// Config errors found so far, by pyproject.toml path.
    pub config_errors: BTreeMap<PathBuf, ConfigError>,
    /// The rules enabled per file (rows of `Resolver::rules_for`), by path.
    enabled: HashMap<PathBuf, Vec<bool>>,
    /// The workspace's Python files as on disk, by absolute path.
    pub disk: BTreeMap<PathBuf, String>,
    pub open: HashMap<Url, Document>,
    /// Cross-file hits of the last project pass, by absolute path.
    pub project: HashMap<PathBuf, Vec<Diagnostic>>,
    /// Files changed since the last project pass.
    pub project_dirty: bool,
}

impl Workspace {
    pub fn new(roots: Vec<PathBuf>, encoding: Encoding) -> Self {
        Self {
            roots,
            encoding,
            resolver: fresh_resolver(),
            config_errors: BTreeMap::new(),
            enabled: HashMap::new(),
            disk: BTreeMap::new(),
            open: HashMap::new(),
            project: HashMap::new(),
            project_dirty: true,
        }
    }

    /// Forgets every config read so far: the next check reads pyproject.toml files again.
    /// Team rules loaded through the config (`rule-dirs`) belong to the resolver's
    /// settings, so they are reloaded with it.
    pub fn reload_config(&mut self) {
        self.resolver = fresh_resolver();
        self.enabled.clear();
        self.config_errors.clear();
        self.project_dirty = true;
    }

    /// Reads every Python file under the roots (honouring .gitignore, as the CLI does).
    pub fn scan(&mut self) -> Vec<String> {
        let mut problems = Vec::new();
        let roots: Vec<String> = self
            .roots
            .iter()
            .filter(|r| r.is_dir())
            .map(|r| r.to_string_lossy().into_owned())
            .collect();
        let paths = if roots.is_empty() {
            Vec::new()
        } else {
            files::discover(&roots).unwrap_or_else(|e| {
                problems.push(e);
                Vec::new()
            })
        };
        let (read, errors) = files::read_all(&paths);
        self.disk = read
            .into_iter()
            .map(|f| (PathBuf::from(&f.path), f.text))
            .collect();
        problems.extend(
            errors
                .into_iter()
                .map(|e| format!("{}: {}", e.path, e.message)),
        );
        self.project_dirty = true;
        problems
    }

    /// A file created or changed on disk: read again (a deleted one is forgotten).
    pub fn refresh_from_disk(&mut self, path: &Path) {
        if path.extension().is_none_or(|e| e != "py") || !self.under_roots(path) {
            return;
        }
        match files::read_one(path) {
            Ok(file) => {
                self.disk.insert(path.to_path_buf(), file.text);
            }
            Err(_) => {
                self.disk.remove(path);
                self.project.remove(path);
            }
        }
        self.project_dirty = true;
    }

    pub fn under_roots(&self, path: &Path) -> bool {
        self.roots.iter().any(|r| path.starts_with(r))
    }

    /// The rules enabled for a file; a config error is recorded (and shown by the
    /// caller) and the file is checked with every rule rather than not at all.
    pub fn enabled_for(&mut self, path: &Path) -> &[bool] {
        if !self.enabled.contains_key(path) {
            let row = match self.resolver.rules_for(path) {
                Ok(row) => row,
                Err(error) => {
                    self.config_errors.insert(error.path.clone(), error);
                    vec![true; wagcheck::rules::all().len()]
                }
            };
            self.enabled.insert(path.to_path_buf(), row);
        }
        &self.enabled[path]
    }

    /// Checks an open document, incrementally.
    pub fn check_document(&mut self, uri: &Url) {
        let Some(path) = self.open.get(uri).map(|d| d.path.clone()) else {
            return;
        };
        let row = vec![self.enabled_for(&path).to_vec()];
        let Some(doc) = self.open.get_mut(uri) else {
            return;
        };
        let files = [SourceFile::new(doc.shown.clone(), doc.text.clone())];
        let enabled = |i: usize, rule: &Rule| enabled_in(&row, i, rule);
        // A partial set: the project rules report what this file alone shows (ORM001 on
        // a viewset and its serializer in one module); those whose claim needs every
        // file stay silent until the cross-file pass has seen this text.
        doc.report = check_in(&files, &enabled, Some(&doc.cache), false);
    }

    /// A snapshot for the cross-file rules: every Python file of the workspace, open
    /// ones with the editor's text, and the rules enabled on each. It runs on another
    /// thread (`ProjectJob::run`) so typing is never queued behind it.
    pub fn start_project_pass(&mut self) -> ProjectJob {
        self.project_dirty = false;
        let mut texts: BTreeMap<PathBuf, String> = self.disk.clone();
        let mut versions = HashMap::new();
        for doc in self.open.values() {
            versions.insert(doc.uri.clone(), doc.version);
            if doc.path.extension().is_some_and(|e| e == "py") && self.under_roots(&doc.path) {
                texts.insert(doc.path.clone(), doc.text.clone());
            }
        }
        let paths: Vec<PathBuf> = texts.keys().cloned().collect();
        let rows: Vec<Vec<bool>> = paths.iter().map(|p| self.enabled_for(p).to_vec()).collect();
        let files = texts
            .into_iter()
            .map(|(path, text)| SourceFile::new(shown_path(&self.roots, &path), text))
            .collect();
        ProjectJob {
            files,
            paths,
            rows,
            versions,
        }
    }

    /// Takes in a finished pass. Returns the paths whose cross-file hits changed, and the
    /// open documents (their hits are now fresh, or were stale before).
    pub fn finish_project_pass(&mut self, done: ProjectDone) -> Vec<PathBuf> {
        let mut changed: Vec<PathBuf> = done
            .hits
            .iter()
            .filter(|(p, hits)| self.project.get(*p).is_none_or(|old| !same_hits(old, hits)))
            .map(|(p, _)| p.clone())
            .collect();
        changed.extend(
            self.project
                .keys()
                .filter(|p| !done.hits.contains_key(*p))
                .cloned(),
        );
        self.project = done.hits;
        for doc in self.open.values_mut() {
            // A document edited while the pass ran keeps waiting for the next one.
            doc.project_fresh = done.versions.get(&doc.uri) == Some(&doc.version);
            if !changed.contains(&doc.path) {
                changed.push(doc.path.clone());
            }
        }
        changed
    }

    /// A file's text as the server knows it: the editor's if open, else the disk's.
    pub fn text_of(&self, path: &Path) -> Option<&str> {
        self.open
            .values()
            .find(|d| d.path == path)
            .map(|d| d.text.as_str())
            .or_else(|| self.disk.get(path).map(String::as_str))
    }

    /// The absolute path of a path as shown to the engine (relative to its root).
    pub fn absolute(&self, shown: &str) -> PathBuf {
        let path = Path::new(shown);
        if path.is_absolute() {
            return path.to_path_buf();
        }
        self.roots
            .iter()
            .map(|r| r.join(path))
            .find(|p| self.text_of(p).is_some())
            .unwrap_or_else(|| {
                self.roots
                    .first()
                    .map_or(path.to_path_buf(), |r| r.join(path))
            })
    }

    /// Where a related place of a hit is, as an LSP location (its file's start when the
    /// text is not known).
    pub fn locate(
        &self,
        shown: &str,
        range: &std::ops::Range<usize>,
    ) -> Option<(Url, lsp_types::Range)> {
        let path = self.absolute(shown);
        let uri = Url::from_file_path(&path).ok()?;
        let range = match self.text_of(&path) {
            Some(text) => Lines::new(text, self.encoding).range(range),
            None => lsp_types::Range::default(),
        };
        Some((uri, range))
    }
}

/// The input of a cross-file pass (see `Workspace::start_project_pass`).
pub struct ProjectJob {
    files: Vec<SourceFile>,
    paths: Vec<PathBuf>,
    rows: Vec<Vec<bool>>,
    versions: HashMap<Url, i32>,
}

/// The cross-file hits of a pass, by absolute path.
pub struct ProjectDone {
    hits: HashMap<PathBuf, Vec<Diagnostic>>,
    versions: HashMap<Url, i32>,
}

impl ProjectJob {
    pub fn run(self) -> ProjectDone {
        let rows = &self.rows;
        let enabled = |i: usize, rule: &Rule| is_project_rule(rule) && enabled_in(rows, i, rule);
        let any =
            (0..self.files.len()).any(|i| wagcheck::rules::all().iter().any(|r| enabled(i, r)));
        let report = if any {
            check_with(&self.files, &enabled)
        } else {
            Report::default()
        };
        let by_shown: HashMap<&str, &PathBuf> = self
            .files
            .iter()
            .map(|f| f.path.as_str())
            .zip(&self.paths)
            .collect();
        let mut hits: HashMap<PathBuf, Vec<Diagnostic>> = HashMap::new();
        for d in report.diagnostics {
            if let Some(path) = by_shown.get(d.path.as_str()) {
                hits.entry((*path).clone()).or_default().push(d);
            }
        }
        ProjectDone {
            hits,
            versions: self.versions,
        }
    }
}

fn fresh_resolver() -> Resolver {
    Resolver::new(&[], &[], true).expect("no selectors to parse")
}

/// A path as the engine sees it: relative to its workspace root with `/`, so the
/// cross-file rules see the project's own layout and messages stay short.
pub fn shown_path(roots: &[PathBuf], path: &Path) -> String {
    let relative = roots
        .iter()
        .filter_map(|r| path.strip_prefix(r).ok())
        .min_by_key(|p| p.as_os_str().len())
        .unwrap_or(path);
    relative.to_string_lossy().replace('\\', "/")
}

fn same_hits(a: &[Diagnostic], b: &[Diagnostic]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.rule == y.rule && x.range == y.range && x.message == y.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_paths_are_relative_to_the_nearest_root() {
        let roots = [PathBuf::from("/w"), PathBuf::from("/w/sub")];
        assert_eq!(shown_path(&roots, Path::new("/w/sub/a/b.py")), "a/b.py");
        assert_eq!(shown_path(&roots, Path::new("/w/x.py")), "x.py");
        assert_eq!(
            shown_path(&roots, Path::new("/elsewhere/y.py")),
            "/elsewhere/y.py"
        );
    }
}
