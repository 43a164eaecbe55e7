//! What a module is for, read from its path: test code, migrations, management commands;
//! and migration code outside a `migrations/` folder, read from the function. Rules about
//! the cost of a request stay silent where the code never serves one.

use crate::context::FileContext;
use crate::grammar::KindName;
use tree_sitter::Node;

/// A path split into its directory and file stem: `apps/blog/signals.py` ->
/// (`apps/blog`, `signals`).
pub fn split_path(path: &str) -> (&str, &str) {
    let (dir, file) = path.rsplit_once(['/', '\\']).unwrap_or(("", path));
    (dir, file.strip_suffix(".py").unwrap_or(file))
}

fn dirs(dir: &str) -> impl Iterator<Item = &str> {
    dir.split(['/', '\\'])
}

/// Test modules: `tests.py`, `test_*.py`, `*_tests.py`, `conftest.py`, anything under a
/// `tests/` or `test/` folder.
pub fn is_test_module(path: &str) -> bool {
    let (dir, stem) = split_path(path);
    stem == "tests"
        || stem == "conftest"
        || stem.starts_with("test_")
        || stem.ends_with("_tests")
        || dirs(dir).any(|c| c == "tests" || c == "test")
}

/// Code that never serves a request: tests, migrations and management commands. Rules
/// about the cost of a request leave it alone (a command that reads each page's
/// `.specific` may do so on purpose, to find the broken ones).
pub fn is_offline_module(path: &str) -> bool {
    let (dir, _) = split_path(path);
    is_test_module(path) || dirs(dir).any(|c| matches!(c, "migrations" | "management"))
}

/// Data-migration code wherever its file is: `node` lies in a function that takes the
/// migration's app registry as `apps` and reads models from it (`apps.get_model(...)`).
/// That is the signature `RunPython` calls (`forwards(apps, schema_editor)`), and the
/// helpers migrations share it with (`def migrate_tags(apps, old_ct, new_ct)` in a
/// `utils/migrations.py`): code that runs once, offline, on historical models, as a
/// `migrations/` module does. The rules that leave `is_offline_module` alone ask this of
/// each hit: ORM011, ORM012, ORM013, CACHE022, WAG010 and WAG011.
pub fn in_data_migration(ctx: &FileContext, node: Node) -> bool {
    if !ctx.mentions("get_model") {
        return false;
    }
    let mut at = node;
    while let Some(function) = ctx.enclosing_function(at) {
        if ctx.parameter_names(function).contains(&"apps")
            && ctx.method_calls(&["get_model"]).any(|(call, receiver, _)| {
                receiver.kind_name() == "identifier"
                    && ctx.text(receiver) == "apps"
                    && ctx.is_within(call, function)
            })
        {
            return true;
        }
        at = function;
    }
    false
}

/// The editors' side: anything under an `admin` folder or in a module named for it
/// (`admin.py`, `admin_views.py`, `modeladmin/`), and `wagtail_hooks.py`, where Wagtail
/// registers its admin menus, panels and views. Only signed-in editors reach it.
pub fn is_admin_module(path: &str) -> bool {
    let (dir, stem) = split_path(path);
    stem == "wagtail_hooks" || stem.contains("admin") || dirs(dir).any(|c| c.contains("admin"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_modules() {
        assert!(is_test_module("apps/blog/tests.py"));
        assert!(is_test_module("apps/blog/tests/test_signals.py"));
        assert!(is_test_module("apps/blog/test_signals.py"));
        assert!(!is_test_module("apps/blog/apps.py"));
        assert!(!is_test_module("apps/latest/views.py"));
    }

    #[test]
    fn admin_modules() {
        for path in [
            "blog/admin.py",
            "blog/wagtail_hooks.py",
            "wagtail/admin/views/pages/listing.py",
            "wagtail_modeladmin/views.py",
        ] {
            assert!(is_admin_module(path), "{path}");
        }
        for path in ["blog/views.py", "blog/templatetags/blog_tags.py"] {
            assert!(!is_admin_module(path), "{path}");
        }
    }

    #[test]
    fn data_migration_functions() {
        let code = r#"
def fill(apps, schema_editor):
    Tag = apps.get_model("shop", "Tag")

    def inner():
        return Tag.objects.all()


def view(request, apps):
    return apps.all()


def other(registry):
    return registry.get_model("shop", "Tag")
"#;
        let tree = crate::parse::parse(code).expect("parses");
        let ctx = FileContext::new("shop/utils/migrations.py", code, &tree);
        let returns = ctx.nodes("return_statement");
        assert!(in_data_migration(&ctx, returns[0]));
        assert!(!in_data_migration(&ctx, returns[1]));
        assert!(!in_data_migration(&ctx, returns[2]));
    }

    #[test]
    fn offline_modules() {
        for path in [
            "blog/migrations/0002_auto.py",
            "blog/management/commands/publish.py",
            "blog/tests/test_views.py",
        ] {
            assert!(is_offline_module(path), "{path}");
        }
        for path in [
            "blog/views.py",
            "blog/admin.py",
            "blog/templatetags/blog_tags.py",
        ] {
            assert!(!is_offline_module(path), "{path}");
        }
    }
}
