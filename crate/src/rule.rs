//! What a rule is: static metadata, its documentation and examples, and its check.

use crate::context::FileContext;
use crate::diagnostic::{Applicability, Category, Hit, Severity};
use crate::project::facts::RuleFacts;
use crate::project::{FileFacts, Project};

/// A project rule's pass over every file of the set; each hit names the index of its file.
pub type ProjectRun = fn(&Project, &mut Vec<(usize, Hit)>);

/// How a rule looks at code: one file at a time, or the whole set of files at once
/// (rules about paths and about one module importing another).
#[derive(Clone, Copy)]
pub enum Check {
    File(fn(&FileContext, &mut Vec<Hit>)),
    /// Gets every file of the set.
    Project(ProjectRun),
    /// A project rule that reads what it needs of each file in the per-file pass, from the
    /// tree held there (`facts`: the file's context and index facts in, its `RuleFacts`
    /// out), and joins those facts with the project index in `run`, instead of parsing
    /// files a second time.
    ProjectFacts {
        facts: fn(&FileContext, &FileFacts, &mut RuleFacts),
        run: ProjectRun,
    },
    /// A team rule: an ast-grep rule (`team_rule`), read from YAML at run time (`team`).
    #[cfg(feature = "team")]
    Team(&'static crate::team_rule::TeamRule),
}

impl Check {
    /// The project pass of a project rule (with or without per-file facts); None for a
    /// rule that reads one file alone.
    pub fn project(&self) -> Option<ProjectRun> {
        match *self {
            Check::Project(run) | Check::ProjectFacts { run, .. } => Some(run),
            _ => None,
        }
    }
}

/// A rule's explanation: `explanation!("name.md")`, the Markdown file beside the rule file.
/// Compiled in with the `explanations` feature (on by default: the CLI, SARIF, `wagcheck explain`,
/// the language server, the Python package, the page's team module). The page's first wasm module
/// is built without it and its rules' explanations are empty: the page shows the HTML the build
/// made from the same files (dist/assets/rule-docs.js, loaded when an explanation is first
/// shown), so the first load does not carry every explanation twice.
#[cfg(feature = "explanations")]
macro_rules! explanation {
    ($file:literal) => {
        include_str!($file)
    };
}
#[cfg(not(feature = "explanations"))]
macro_rules! explanation {
    ($file:literal) => {
        ""
    };
}
pub(crate) use explanation;

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
    /// Empty in a build without the `explanations` feature (see `explanation!`).
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
