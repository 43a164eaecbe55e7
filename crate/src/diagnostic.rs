//! Hits as rules produce them, and diagnostics as the engine reports them: with how severe
//! they are, which family of rules they come from, and whether their fixes are safe.

use crate::source::Location;
use serde::{Deserialize, Serialize};
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Blocker,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Blocker => "blocker",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Cache,
    Orm,
    Drf,
    Wagtail,
    Signals,
    Imports,
    /// A team rule that names no category of its own.
    Team,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Cache => "cache",
            Category::Orm => "orm",
            Category::Drf => "drf",
            Category::Wagtail => "wagtail",
            Category::Signals => "signals",
            Category::Imports => "imports",
            Category::Team => "team",
        }
    }
}

/// Whether applying a fix keeps behaviour (`Safe`) or changes it (`Unsafe`, e.g. cache
/// keys change). Unsafe fixes are applied only when the user asks for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One text replacement, in byte offsets of the file's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    #[serde(skip)]
    pub range: Range<usize>,
    pub content: String,
    /// Filled in when the edit leaves the engine (positions for JSON and JS).
    pub start: Option<Location>,
    pub end: Option<Location>,
}

impl Edit {
    pub fn replace(range: Range<usize>, content: impl Into<String>) -> Self {
        Self {
            range,
            content: content.into(),
            start: None,
            end: None,
        }
    }
    pub fn delete(range: Range<usize>) -> Self {
        Self::replace(range, "")
    }
    pub fn insert(at: usize, content: impl Into<String>) -> Self {
        Self::replace(at..at, content)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, for a button or a diff title.
    pub title: String,
    pub edits: Vec<Edit>,
}

/// What a rule's check reports: where, optionally a more specific message, and an
/// optional fix (its applicability comes from the rule).
#[derive(Debug, Clone)]
pub struct Hit {
    pub range: Range<usize>,
    pub message: Option<String>,
    pub fix: Option<(String, Vec<Edit>)>,
    /// Places in other files the hit is about (project rules): index of the file in the
    /// checked set, byte range there, and what it is.
    pub related: Vec<(usize, Range<usize>, String)>,
}

impl Hit {
    pub fn at(range: Range<usize>) -> Self {
        Self {
            range,
            message: None,
            fix: None,
            related: Vec::new(),
        }
    }
    pub fn node(node: tree_sitter::Node) -> Self {
        Self::at(node.byte_range())
    }
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
    pub fn with_fix(mut self, title: impl Into<String>, edits: Vec<Edit>) -> Self {
        self.fix = Some((title.into(), edits));
        self
    }
    pub fn with_related(
        mut self,
        file: usize,
        range: Range<usize>,
        what: impl Into<String>,
    ) -> Self {
        self.related.push((file, range, what.into()));
        self
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub path: String,
    #[serde(skip)]
    pub range: Range<usize>,
    pub start: Location,
    pub end: Location,
    pub message: String,
    pub fix: Option<Fix>,
    /// Other places the hit is about (an editor's "related information"); not part of
    /// the JSON report, whose messages already name them.
    #[serde(skip)]
    pub related: Vec<Related>,
}

/// A place in another file that a diagnostic refers to.
#[derive(Debug, Clone)]
pub struct Related {
    pub path: String,
    pub range: Range<usize>,
    pub message: String,
}

/// A place where the parser could not make sense of the code. Rules still ran on
/// everything around it.
#[derive(Debug, Clone, Serialize)]
pub struct SyntaxError {
    pub path: String,
    #[serde(skip)]
    pub range: Range<usize>,
    pub start: Location,
    pub end: Location,
    pub message: String,
}
