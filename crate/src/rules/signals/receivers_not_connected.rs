use crate::context::FileContext;
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::Field;
use crate::project::receivers::is_receiver_decorator;
use crate::project::Project;
use crate::rule::{Check, Rule};
use crate::rules::modules::{is_test_module, split_path};
use crate::source::text_contains;
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "SIG004",
    name: "receivers-not-connected",
    severity: Severity::Warning,
    category: Category::Signals,
    message: "The app's signal receivers are never connected: nothing imports its signals module",
    explanation: crate::rule::explanation!("receivers_not_connected.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::Project(check),
};

const BAD: &str = r#"# file: apps/blog/apps.py
from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "apps.blog"
# file: apps/blog/signals.py
from django.dispatch import receiver
from wagtail.signals import page_published


@receiver(page_published)
def invalidate_blog_cache(sender, instance, **kwargs):
    instance.invalidate_cache()
"#;

const FIXED: &str = r#"# file: apps/blog/apps.py
from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "apps.blog"

    def ready(self):
        from . import signals  # noqa: F401
# file: apps/blog/signals.py
from django.dispatch import receiver
from wagtail.signals import page_published


@receiver(page_published)
def invalidate_blog_cache(sender, instance, **kwargs):
    instance.invalidate_cache()
"#;

/// Module names that hold an app's receivers by convention: Django's `signals.py` and
/// Wagtail's own `signal_handlers.py`.
const SIGNAL_MODULES: &[&str] = &["signals", "signal_handlers"];

fn normalize(path: &str) -> String {
    path.replace('\\', "/")
}

fn check(project: &Project, hits: &mut Vec<(usize, Hit)>) {
    // "Nothing imports the module" is a claim about every file: on a partial set (say,
    // the changed files pre-commit passes) the importer may be a file not given.
    if !project.complete {
        return;
    }
    let paths: Vec<String> = project.files.iter().map(|f| normalize(&f.path)).collect();
    for (index, path) in paths.iter().enumerate() {
        let (dir, stem) = split_path(path);
        if !SIGNAL_MODULES.contains(&stem) || !text_contains(&project.files[index].text, "receiver")
        {
            continue;
        }
        let apps_path = if dir.is_empty() {
            "apps.py".to_string()
        } else {
            format!("{dir}/apps.py")
        };
        if !paths.contains(&apps_path) {
            continue;
        }
        let Some(ctx) = project.context(index) else {
            continue;
        };
        let Some(first) = first_receiver(&ctx) else {
            continue;
        };
        let module_path = format!("{dir}{}{stem}", if dir.is_empty() { "" } else { "/" });
        let imported = (0..paths.len())
            // Test modules do not count as importers: they connect receivers under the
            // test runner only.
            .filter(|&j| j != index && !is_test_module(&paths[j]))
            .any(|j| imports_module(project, j, &paths[j], &module_path, stem));
        if imported {
            continue;
        }
        let apps_index = paths.iter().position(|p| *p == apps_path).unwrap_or(index);
        let apps_shown = &project.files[apps_index].path;
        hits.push((
            index,
            Hit::node(first)
                .with_message(format!(
                    "The receivers in {} are never connected: no `ready()` in {apps_shown} imports the module, and no other module does",
                    project.files[index].path
                ))
                .with_related(apps_index, 0..0, "the app's config, whose `ready()` should import the module"),
        ));
    }
}

/// The first `@receiver(...)` decorator expression of the file.
fn first_receiver<'a>(ctx: &FileContext<'a>) -> Option<Node<'a>> {
    ctx.nodes("decorator")
        .iter()
        .filter_map(|d| d.named_child(0))
        .find(|e| is_receiver_decorator(ctx, *e))
}

/// Whether file `j` imports the module at `module_path` (`apps/blog/signals`, no
/// extension): by an import statement (absolute or relative), by
/// `importlib.import_module(...)`, or by Django's `autodiscover_modules("signals")`.
fn imports_module(project: &Project, j: usize, path: &str, module_path: &str, stem: &str) -> bool {
    let text = &project.files[j].text;
    if !text_contains(text, stem) {
        return false;
    }
    let (dir, _) = split_path(path);
    if let Some(imports) = project.imports(j) {
        for imported in &imports.modules {
            let mut candidates = vec![imported.module.clone()];
            for name in &imported.names {
                if imported.module.ends_with('.') {
                    candidates.push(format!("{}{name}", imported.module));
                } else {
                    candidates.push(format!("{}.{name}", imported.module));
                }
            }
            if candidates
                .iter()
                .any(|c| module_matches(c, dir, module_path, stem))
            {
                return true;
            }
        }
    }
    if text_contains(text, "import_module") || text_contains(text, "autodiscover_modules") {
        if let Some(ctx) = project.context(j) {
            return dynamic_import(&ctx, dir, module_path, stem);
        }
    }
    false
}

/// Whether a dotted module name written in a file of directory `dir` names the module
/// at `module_path`.
fn module_matches(dotted: &str, dir: &str, module_path: &str, stem: &str) -> bool {
    let dots = dotted.chars().take_while(|c| *c == '.').count();
    if dots > 0 {
        let mut base: Vec<&str> = dir.split('/').filter(|c| !c.is_empty()).collect();
        for _ in 1..dots {
            if base.pop().is_none() {
                return false;
            }
        }
        let rest = &dotted[dots..];
        if !rest.is_empty() {
            base.extend(rest.split('.'));
        }
        let module_parts: Vec<&str> = module_path.split('/').filter(|c| !c.is_empty()).collect();
        return base == module_parts;
    }
    let as_path = dotted.replace('.', "/");
    if !dotted.contains('.') {
        // `import signals`: only from the same directory.
        return dotted == stem && module_path == join(dir, stem);
    }
    module_path == as_path || module_path.ends_with(&format!("/{as_path}"))
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// `import_module("apps.blog.signals")`, `import_module(f"{self.name}.signals")`,
/// `autodiscover_modules("signals")`.
fn dynamic_import(ctx: &FileContext, dir: &str, module_path: &str, stem: &str) -> bool {
    ctx.nodes("call").iter().any(|call| {
        let Some(first) = ctx.argument(*call, 0, "module_name") else {
            return false;
        };
        match ctx.call_simple_name(*call) {
            Some("autodiscover_modules") => {
                let mut cursor = call.walk();
                let args = call.field("arguments");
                args.is_some_and(|a| {
                    a.named_children(&mut cursor)
                        .any(|arg| ctx.string_value(arg).is_some_and(|s| s == stem))
                })
            }
            Some("import_module") => match ctx.string_value(first) {
                Some(name) if name.starts_with('.') => name.ends_with(&format!(".{stem}")),
                Some(name) => module_matches(&name, dir, module_path, stem),
                // An f-string or a concatenation such as `f"{self.name}.signals"`.
                None => ctx.text(first).contains(stem),
            },
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_and_absolute_module_names() {
        let m = "apps/blog/signals";
        assert!(module_matches(".signals", "apps/blog", m, "signals"));
        assert!(module_matches("..blog.signals", "apps/blog", m, "signals"));
        assert!(module_matches(
            "..blog.signals",
            "apps/blog/sub",
            "apps/blog/blog/signals",
            "signals"
        ));
        assert!(!module_matches(".signals", "apps/news", m, "signals"));
        assert!(module_matches("apps.blog.signals", "config", m, "signals"));
        assert!(module_matches("blog.signals", "config", m, "signals"));
        assert!(!module_matches("news.signals", "config", m, "signals"));
        assert!(!module_matches("log.signals", "config", m, "signals"));
        assert!(module_matches("signals", "apps/blog", m, "signals"));
        assert!(!module_matches("signals", "apps/news", m, "signals"));
        assert!(module_matches(".signals", "", "signals", "signals"));
    }

    #[test]
    fn test_modules() {
        assert!(is_test_module("apps/blog/tests.py"));
        assert!(is_test_module("apps/blog/tests/test_signals.py"));
        assert!(is_test_module("apps/blog/test_signals.py"));
        assert!(!is_test_module("apps/blog/apps.py"));
    }
}
