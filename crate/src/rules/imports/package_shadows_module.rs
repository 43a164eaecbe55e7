//! IMP001: `pkg/name.py` beside a directory `pkg/name/` holding Python files.

use super::module_getattr_functions;
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::KindName;
use crate::project::Project;
use crate::rule::{Check, Rule};
use std::collections::{BTreeMap, HashMap};

pub static RULE: Rule = Rule {
    id: "IMP001",
    name: "package-shadows-module",
    severity: Severity::Warning,
    category: Category::Imports,
    message: "Module and package share a name: only one of them can ever be imported",
    explanation: crate::rule::explanation!("package_shadows_module.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::Project(check),
};

const BAD: &str = r#"# file: apps/blog/services.py
"""Services written before the services/ package existed."""


class BlockAutoPopulationService:
    pass
# file: apps/blog/services/__init__.py
from .blog_cache_service import BlogCacheService

__all__ = ["BlogCacheService"]
# file: apps/blog/services/blog_cache_service.py
class BlogCacheService:
    pass
"#;

const FIXED: &str = r#"# file: apps/blog/services/block_services.py
"""Services written before the services/ package existed."""


class BlockAutoPopulationService:
    pass
# file: apps/blog/services/__init__.py
from .block_services import BlockAutoPopulationService
from .blog_cache_service import BlogCacheService

__all__ = ["BlockAutoPopulationService", "BlogCacheService"]
# file: apps/blog/services/blog_cache_service.py
class BlogCacheService:
    pass
"#;

/// What sits under a directory that has a module's name.
struct Directory {
    /// Index of `dir/__init__.py`, if the set has it: then the directory is a
    /// regular package and wins over the module.
    init: Option<usize>,
    /// Index of the first `.py` file found under the directory.
    member: usize,
}

fn check(project: &Project, hits: &mut Vec<(usize, Hit)>) {
    let paths: Vec<String> = project.files.iter().map(|f| normalise(&f.path)).collect();
    // `pkg/name` -> index of `pkg/name.py`.
    let mut modules: HashMap<&str, usize> = HashMap::new();
    for (index, path) in paths.iter().enumerate() {
        if let Some(stem) = path.strip_suffix(".py") {
            let name = stem.rsplit('/').next().unwrap_or(stem);
            if !name.is_empty() && name != "__init__" {
                modules.entry(stem).or_insert(index);
            }
        }
    }
    if modules.is_empty() {
        return;
    }
    // Directories named like a module, in path order for stable output.
    let mut directories: BTreeMap<&str, Directory> = BTreeMap::new();
    for (index, path) in paths.iter().enumerate() {
        if !path.ends_with(".py") {
            continue;
        }
        for (slash, _) in path.match_indices('/') {
            let dir = &path[..slash];
            if !modules.contains_key(dir) {
                continue;
            }
            let entry = directories.entry(dir).or_insert(Directory {
                init: None,
                member: index,
            });
            if &path[slash + 1..] == "__init__.py" {
                entry.init = Some(index);
            }
        }
    }
    for (dir, found) in directories {
        let Some(&module) = modules.get(dir) else {
            continue;
        };
        // A module with no code (0 bytes, only comments, or only a docstring: an emptied
        // `management.py` beside `management/commands/`) loses nothing when the package
        // wins. Beside a directory with no `__init__.py` it wins and still hides the
        // directory's files; on a partial set, which side wins is unknown.
        let regular_or_unknown = found.init.is_some() || !project.complete;
        if regular_or_unknown && holds_no_code(project, module) {
            continue;
        }
        let name = dir.rsplit('/').next().unwrap_or(dir);
        let message = match found.init {
            Some(init) => {
                let reexports = project
                    .context(init)
                    .is_some_and(|ctx| !module_getattr_functions(&ctx).is_empty());
                let workaround = if reexports {
                    "; the package's `__getattr__` re-export is a workaround: move or rename this module"
                } else {
                    ""
                };
                format!(
                    "Module shadowed by the package `{dir}/`: importing `{name}` loads `{name}/__init__.py`, never this file{workaround}"
                )
            }
            // On a partial set the `__init__.py` may exist unseen: say only what is sure.
            None if !project.complete => format!(
                "Module and directory `{dir}/` share a name: only one of them can be imported (`{}` or this file)",
                paths[found.member]
            ),
            None => format!(
                "Module hides the directory `{dir}/` (no `__init__.py`, so a namespace package): `{}` cannot be imported",
                paths[found.member]
            ),
        };
        let text = project.files[module].text.as_str();
        let first_line = text.find(['\n', '\r']).unwrap_or(text.len());
        let (other, what) = match found.init {
            Some(init) => (init, "the package that is imported instead"),
            None => (found.member, "a file of the directory the module hides"),
        };
        hits.push((
            module,
            Hit::at(0..first_line)
                .with_message(message)
                .with_related(other, 0..0, what),
        ));
    }
}

/// Whether the module holds no statement: only blank lines and comments, or besides them
/// a lone docstring. Nothing defined there is lost when another file is imported instead.
fn holds_no_code(project: &Project, module: usize) -> bool {
    let text = project.files[module].text.as_str();
    if text
        .lines()
        .all(|line| line.trim().is_empty() || line.trim_start().starts_with('#'))
    {
        return true;
    }
    // A docstring is the only other statement that runs nothing: read the tree to tell it.
    let code = text
        .lines()
        .map(str::trim_start)
        .find(|line| !line.is_empty() && !line.starts_with('#'));
    if !code.is_some_and(|line| line.starts_with(['"', '\'', 'r', 'R', 'u', 'U'])) {
        return false;
    }
    let Some(ctx) = project.context(module) else {
        return false;
    };
    let mut statements = ctx
        .named_children(ctx.root())
        .filter(|n| n.kind_name() != "comment");
    let docstring = statements.next().is_some_and(|first| {
        first.kind_name() == "expression_statement"
            && first.named_child_count() == 1
            && first
                .named_child(0)
                .is_some_and(|s| s.kind_name() == "string")
    });
    docstring && statements.next().is_none()
}

/// One spelling per path: `/` separators, no `.` or empty segments, `..` folded where
/// it can be. `./apps\blog\services.py` and `apps/blog//services.py` are the same file.
fn normalise(path: &str) -> String {
    let path = path.replace('\\', "/");
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            _ => parts.push(segment),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::normalise;
    use crate::engine::check_with;
    use crate::source::SourceFile;

    /// (path, line, message) of every IMP001 hit on these files.
    fn hits(files: &[(&str, &str)]) -> Vec<(String, usize, String)> {
        let files: Vec<SourceFile> = files
            .iter()
            .map(|(path, text)| SourceFile::new(*path, *text))
            .collect();
        check_with(&files, &|_, rule| rule.id == "IMP001")
            .diagnostics
            .into_iter()
            .map(|d| (d.path, d.start.line, d.message))
            .collect()
    }

    #[test]
    fn paths_in_any_spelling_clash() {
        for (module, init) in [
            ("./apps/blog/services.py", "apps/blog/services/__init__.py"),
            ("apps\\blog\\services.py", "apps/blog/services/__init__.py"),
            (
                "apps/blog/services.py",
                ".\\apps\\blog\\services\\__init__.py",
            ),
            (
                "/srv/site/apps/blog/services.py",
                "/srv/site/apps//blog/services/__init__.py",
            ),
            (
                "C:\\site\\blog\\services.py",
                "C:\\site\\blog\\services\\__init__.py",
            ),
        ] {
            let found = hits(&[(module, "x = 1\ny = 2\n"), (init, "z = 3\n")]);
            assert_eq!(found.len(), 1, "{module} / {init}: {found:?}");
            assert_eq!((found[0].0.as_str(), found[0].1), (module, 1));
        }
    }

    #[test]
    fn messages_say_which_side_loses() {
        let regular = hits(&[
            ("pkg/name.py", "x = 1\n"),
            ("pkg/name/__init__.py", "y = 2\n"),
        ]);
        assert!(
            regular[0].2.contains("shadowed by the package `pkg/name/`"),
            "{regular:?}"
        );
        assert!(!regular[0].2.contains("workaround"), "{regular:?}");

        let reexport = hits(&[
            ("pkg/name.py", "x = 1\n"),
            (
                "pkg/name/__init__.py",
                "def __getattr__(name):\n    raise AttributeError(name)\n",
            ),
        ]);
        assert!(reexport[0].2.contains("workaround"), "{reexport:?}");

        let namespace = hits(&[("pkg/name.py", "x = 1\n"), ("pkg/name/sub.py", "y = 2\n")]);
        assert!(
            namespace[0].2.contains("namespace package"),
            "{namespace:?}"
        );
        assert!(
            namespace[0].2.contains("`pkg/name/sub.py`"),
            "{namespace:?}"
        );
    }

    #[test]
    fn no_clash_without_python_files_or_with_init_modules_only() {
        assert!(hits(&[("pkg/name.py", "x = 1\n"), ("pkg/name/notes.txt", "")]).is_empty());
        assert!(hits(&[("pkg/__init__.py", "x = 1\n"), ("pkg/__init__/a.py", "")]).is_empty());
        assert!(hits(&[("pkg/name.py", "x = 1\n"), ("pkg/names/a.py", "")]).is_empty());
        // Empty module file hiding a namespace package: the hit is an empty range at the
        // start, still line 1.
        assert_eq!(hits(&[("a.py", ""), ("a/b.py", "")])[0].1, 1);
    }

    #[test]
    fn a_module_with_no_code_loses_nothing_to_a_regular_package() {
        for module in [
            "",
            "\n  \n",
            "# leftover of the old management hook\n",
            "\"\"\"Moved to management/.\"\"\"\n",
            "# -*- coding: utf-8 -*-\nr'Moved.'  # comment\n\n",
        ] {
            let found = hits(&[
                ("app/management.py", module),
                ("app/management/__init__.py", ""),
            ]);
            assert!(found.is_empty(), "{module:?}: {found:?}");
        }
        // Code, or more than a docstring, is still shadowed.
        for module in [
            "x = 1\n",
            "\"\"\"Doc.\"\"\"\nimport os\n",
            "\"a\" \"b\"; x = 1\n",
            "b'' + x\n",
        ] {
            let found = hits(&[
                ("app/management.py", module),
                ("app/management/__init__.py", ""),
            ]);
            assert_eq!(found.len(), 1, "{module:?}");
        }
        // An empty module beside a directory without `__init__.py` wins, and hides it.
        let found = hits(&[
            ("app/management.py", ""),
            ("app/management/commands/x.py", ""),
        ]);
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn normalises_paths() {
        assert_eq!(
            normalise("./apps/blog/services.py"),
            "apps/blog/services.py"
        );
        assert_eq!(
            normalise("apps\\blog\\services.py"),
            "apps/blog/services.py"
        );
        assert_eq!(
            normalise("/srv/app//apps/./blog/x.py"),
            "/srv/app/apps/blog/x.py"
        );
        assert_eq!(normalise("C:\\proj\\apps\\x.py"), "C:/proj/apps/x.py");
        assert_eq!(normalise("apps/other/../blog/x.py"), "apps/blog/x.py");
        assert_eq!(normalise("../x.py"), "../x.py");
        assert_eq!(normalise("/../x.py"), "/x.py");
    }
}
