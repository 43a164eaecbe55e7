//! What a rule is: static metadata, its documentation and examples, and its check.

use crate::context::FileContext;
use crate::diagnostic::Hit;
use crate::project::Project;
use serde::{Deserialize, Serialize};

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

/// How a rule looks at code: one file at a time, or the whole set of files at once
/// (rules about paths and about one module importing another).
#[derive(Clone, Copy)]
pub enum Check {
    File(fn(&FileContext, &mut Vec<Hit>)),
    /// Gets every file of the set; each hit names the index of its file.
    Project(fn(&Project, &mut Vec<(usize, Hit)>)),
    /// A team rule: an ast-grep rule read from YAML at run time (`team`).
    #[cfg(feature = "team")]
    Team(&'static crate::team::TeamRule),
}

/// One rule. Every rule is a `pub static RULE: Rule` in its own file, listed once in
/// `rules::ALL`.
pub struct Rule {
    /// Stable public id (`CACHE001`): used in suppressions, configs and links.
    pub id: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    pub severity: Severity,
    pub category: Category,
    /// One line, shown with every hit.
    pub message: &'static str,
    /// Markdown: What it does / Why is this bad? / Example / Use instead / Fix safety.
    pub explanation: &'static str,
    /// Code that raises the rule. For project rules, several files separated by
    /// `# file: path` lines (see `examples::split_files`).
    pub bad: &'static str,
    /// The same code written correctly: raises nothing.
    pub fixed: &'static str,
    /// The kind of fix the rule offers, if any.
    pub fix: Option<Applicability>,
    pub check: Check,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .field("name", &self.name)
            .finish()
    }
}
