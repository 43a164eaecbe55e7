//! The project index: facts about a set of files that no single file holds (which class
//! a name imported from another module is, what a model's relations are called, which
//! serializer a viewset uses for its list), built once per check.
//!
//! Each file's facts are read from the tree the per-file pass has already parsed
//! ([`FileFacts::extract`]); the engine then combines them into a [`ProjectIndex`]
//! without parsing again. Names are kept as the file wrote them, resolved through its
//! imports (`.serializers.BlogSerializer`, `rest_framework.serializers.ModelSerializer`),
//! and looked up across files by module path ([`ProjectIndex::class`]).
//!
//! What cannot be known stays unknown: a class from an installed package, a base the
//! index cannot find, a dynamic attribute. Rules that ask the index get `None` or an
//! incomplete answer there, and do not guess.
//!
//! - `classes`: the classes of a file, their bases and class-level attributes.
//! - `models`: Django models (fields, relations, accessors, inheritance, `search_fields`).
//! - `serializers`: DRF serializers and what they read of an object.
//! - `viewsets`: DRF and Wagtail API viewsets (action branches, serializer choice, prefetches).
//! - `receivers`: signal receivers (signals, senders, what they test).
//! - `settings`: what settings modules state (the cache backends `CACHES` names).
//! - `facts`: what project rules read of each file in the per-file pass, so that they do
//!   not parse it again.
use serde::{Deserialize, Serialize};

pub mod classes;
pub mod facts;
pub mod models;
pub mod receivers;
pub mod serializers;
pub mod settings;
pub mod viewsets;

use crate::context::FileContext;
use crate::imports::Imports;
use crate::parse::{parse_file, ParsedFile};
use crate::source::SourceFile;
use classes::ClassFact;
use facts::RuleFacts;
use receivers::{ConnectFact, ReceiverFact};
use std::cell::OnceCell;
use std::collections::HashMap;

/// How many re-exports (`from .models import Blog` in a package `__init__`) a name
/// is followed through.
const MAX_REEXPORTS: usize = 8;
/// How many generations of project bases `ProjectIndex::lineage` follows.
const MAX_LINEAGE_DEPTH: usize = 8;

/// What the index keeps of one file, read from its tree in the per-file pass.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FileFacts {
    /// Module-level classes (also those under module-level `if`/`try`), in source order.
    pub classes: Vec<ClassFact>,
    pub receivers: Vec<ReceiverFact>,
    /// `signal.connect(handler, sender=...)` calls, whatever `handler` is.
    pub connects: Vec<ConnectFact>,
    /// Whether fixes may be offered in this file (it parsed without errors).
    pub fixes_trusted: bool,
    /// What project rules read of the file in the per-file pass (`Check::ProjectFacts`).
    #[serde(default)]
    pub rules: RuleFacts,
}

impl FileFacts {
    /// Reads the facts of a parsed file. Cheap on files with nothing to index: each part
    /// looks only at the nodes of its kind the context has already collected.
    pub fn extract(ctx: &FileContext) -> Self {
        Self {
            classes: classes::extract(ctx),
            receivers: receivers::extract(ctx),
            connects: receivers::extract_connects(ctx),
            fixes_trusted: !ctx.root().has_error(),
            rules: RuleFacts::default(),
        }
    }
}

/// A class of the project: the file it is in and its position among that file's classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClassId {
    pub file: usize,
    pub class: usize,
}

/// The facts of every file, and how to find a class by the name a file uses for it.
pub struct ProjectIndex {
    files: Vec<Option<FileFacts>>,
    imports: Vec<Option<Imports>>,
    /// Dotted module path of each file (`apps.blog.models`, `apps.blog` for
    /// `apps/blog/__init__.py`).
    modules: Vec<String>,
    /// Whether each file is a package's `__init__.py`.
    packages: Vec<bool>,
    /// Files by every dotted suffix of their module path (`apps.blog.models`,
    /// `blog.models`, `models`), for `module_file`.
    by_suffix: HashMap<String, Vec<usize>>,
    /// Every accessor the project's relations add, built on first use (models.rs).
    accessors: OnceCell<Vec<models::AccessorEntry>>,
}

/// The dotted module path of a file path: `apps/blog/models.py` -> (`apps.blog.models`,
/// false), `apps/blog/__init__.py` -> (`apps.blog`, true).
pub fn module_path(path: &str) -> (String, bool) {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let stem = path.strip_suffix(".py").unwrap_or(path);
    match stem
        .strip_suffix("/__init__")
        .or_else(|| (stem == "__init__").then_some(""))
    {
        Some(package) => (package.replace('/', "."), true),
        None => (stem.replace('/', "."), false),
    }
}

/// The absolute module a relative one (`.models`, `..api.serializers`) names, written
/// in module `module` (a package when `is_package`). None past the top.
pub fn absolute_module(relative: &str, module: &str, is_package: bool) -> Option<String> {
    let dots = relative.chars().take_while(|c| *c == '.').count();
    if dots == 0 {
        return Some(relative.to_string());
    }
    let mut parts: Vec<&str> = module.split('.').filter(|p| !p.is_empty()).collect();
    // `.x` in a module is a sibling (drop the module's own name); in a package `__init__`
    // it is a child.
    let drop = if is_package { dots - 1 } else { dots };
    if drop > parts.len() {
        return None;
    }
    parts.truncate(parts.len() - drop);
    let rest = &relative[dots..];
    if !rest.is_empty() {
        parts.extend(rest.split('.'));
    }
    Some(parts.join("."))
}

impl ProjectIndex {
    /// Combines the facts of each file (None for a file that could not be checked).
    pub fn new(
        files: &[SourceFile],
        facts: Vec<Option<FileFacts>>,
        imports: Vec<Option<Imports>>,
    ) -> Self {
        let (modules, packages): (Vec<String>, Vec<bool>) =
            files.iter().map(|f| module_path(&f.path)).unzip();
        let mut by_suffix: HashMap<String, Vec<usize>> = HashMap::new();
        for (file, module) in modules.iter().enumerate() {
            let mut suffix = module.as_str();
            loop {
                by_suffix.entry(suffix.to_string()).or_default().push(file);
                match suffix.split_once('.') {
                    Some((_, rest)) => suffix = rest,
                    None => break,
                }
            }
        }
        Self {
            files: facts,
            imports,
            modules,
            packages,
            by_suffix,
            accessors: OnceCell::new(),
        }
    }

    /// The facts of one file.
    pub fn file(&self, file: usize) -> Option<&FileFacts> {
        self.files.get(file)?.as_ref()
    }

    /// Every file's facts, with the file's position.
    pub fn files(&self) -> impl Iterator<Item = (usize, &FileFacts)> {
        self.files
            .iter()
            .enumerate()
            .filter_map(|(i, f)| Some((i, f.as_ref()?)))
    }

    /// Imports of one file, from the per-file pass.
    pub fn imports(&self, file: usize) -> Option<&Imports> {
        self.imports.get(file)?.as_ref()
    }

    pub fn class_fact(&self, id: ClassId) -> Option<&ClassFact> {
        self.file(id.file)?.classes.get(id.class)
    }

    /// The class a name written in `file` refers to, if the project defines it: a class
    /// of the file itself (`BlogSerializer`), or one reached through the file's imports
    /// (`serializers.BlogSerializer`, `.serializers.BlogSerializer` after resolution),
    /// following re-exports in other modules. `name` is as the file wrote it or already
    /// resolved through its imports.
    pub fn class(&self, file: usize, name: &str) -> Option<ClassId> {
        let resolved = match self.imports(file) {
            Some(imports) => imports.resolve(name),
            None => name.to_string(),
        };
        self.class_qualified(file, &resolved, 0)
    }

    /// `class` for a name already resolved through `file`'s imports.
    pub fn class_qualified(&self, file: usize, qualified: &str, depth: usize) -> Option<ClassId> {
        if depth > MAX_REEXPORTS {
            return None;
        }
        let Some((module, name)) = qualified.rsplit_once('.') else {
            return self.local_class(file, qualified);
        };
        let module = if module.starts_with('.') || module.is_empty() {
            let module = if module.is_empty() { "." } else { module };
            absolute_module(module, &self.modules[file], self.packages[file])?
        } else {
            module.to_string()
        };
        let target = self.module_file(&module)?;
        if let Some(found) = self.local_class(target, name) {
            return Some(found);
        }
        // A re-export: `from .models import Blog` in the module named.
        let alias = self.imports(target)?.target(name)?.to_string();
        self.class_qualified(target, &alias, depth + 1)
    }

    /// A class and the project classes it inherits from, nearest first (depth first, left
    /// to right, each once): where Python looks up an attribute or a method, as far as the
    /// project holds the bases. A base outside the project (or past the depth followed) is
    /// not in it; its name is in the `bases` of the class that names it.
    pub fn lineage(&self, id: ClassId) -> Vec<(ClassId, &ClassFact)> {
        let mut lineage: Vec<(ClassId, &ClassFact)> = Vec::new();
        let mut pending = vec![(id, 0usize)];
        while let Some((id, depth)) = pending.pop() {
            if depth > MAX_LINEAGE_DEPTH || lineage.iter().any(|(c, _)| *c == id) {
                continue;
            }
            let Some(class) = self.class_fact(id) else {
                continue;
            };
            lineage.push((id, class));
            let bases: Vec<ClassId> = class
                .bases
                .iter()
                .filter_map(|base| self.class_qualified(id.file, base, 0))
                .collect();
            pending.extend(bases.into_iter().rev().map(|base| (base, depth + 1)));
        }
        lineage
    }

    /// A class defined at module level in `file` under `name` (the last one wins, as at
    /// run time).
    fn local_class(&self, file: usize, name: &str) -> Option<ClassId> {
        let facts = self.file(file)?;
        let class = facts.classes.iter().rposition(|c| c.name == name)?;
        Some(ClassId { file, class })
    }

    /// The file of a dotted module: the one whose module path is exactly `module`, else
    /// the only one whose path ends with it (files are often checked from above the
    /// import root: `src/apps/blog/models.py` for `apps.blog.models`).
    pub fn module_file(&self, module: &str) -> Option<usize> {
        let found = self.by_suffix.get(module)?;
        if let Some(&exact) = found.iter().find(|&&f| self.modules[f] == module) {
            return Some(exact);
        }
        match found.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }
}

/// Every file of a check, for rules that look across files: the project index, each
/// file's imports, and each file's tree on demand. Trees are not kept from the per-file
/// pass (on a large repository they would dominate memory): `context` parses a file
/// again, once, when a rule asks for it. A rule that needs more than a few files' trees
/// reads what it needs in the per-file pass instead (`Check::ProjectFacts`, `facts`).
pub struct Project<'a> {
    pub files: &'a [SourceFile],
    /// Whether `files` is the whole project, or only some of its files (those named on
    /// the command line, as pre-commit passes the changed ones). A rule whose hit claims
    /// something of every file ("nothing imports this module") cannot be right on a
    /// partial set and stays silent there; one that claims what it sees still reports.
    pub complete: bool,
    pub index: ProjectIndex,
    reparsed: Vec<OnceCell<Option<ParsedFile>>>,
}

impl<'a> Project<'a> {
    pub fn new(
        files: &'a [SourceFile],
        imports: Vec<Option<Imports>>,
        facts: Vec<Option<FileFacts>>,
    ) -> Self {
        let reparsed = files.iter().map(|_| OnceCell::new()).collect();
        Self {
            files,
            complete: true,
            index: ProjectIndex::new(files, facts, imports),
            reparsed,
        }
    }

    /// The full context of one file, parsed on first use.
    pub fn context(&self, index: usize) -> Option<FileContext<'_>> {
        let file = self.files.get(index)?;
        self.index.imports(index)?;
        let parsed = self.reparsed[index]
            .get_or_init(|| parse_file(file).ok())
            .as_ref()?;
        Some(FileContext::new(&file.path, &file.text, &parsed.tree))
    }

    /// Imports of one file, from the per-file pass.
    pub fn imports(&self, index: usize) -> Option<&Imports> {
        self.index.imports(index)
    }

    /// How many files `context` has parsed again so far.
    pub fn reparsed(&self) -> usize {
        self.reparsed.iter().filter(|c| c.get().is_some()).count()
    }
}

#[cfg(test)]
mod tests;
