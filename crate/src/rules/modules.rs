//! What a module is for, read from its path: test code, migrations, management commands,
//! admin hooks. Rules about production behaviour (queries per request, drafts served to
//! the public) stay silent where the code never serves a request.

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

/// Code that runs outside requests or only for editors: migrations, management commands,
/// Wagtail's `wagtail_hooks.py` (admin menus, admin views), admin modules and folders,
/// and tests.
pub fn is_offline_or_admin_module(path: &str) -> bool {
    let (dir, stem) = split_path(path);
    is_test_module(path)
        || matches!(stem, "wagtail_hooks" | "admin" | "admin_views" | "fixtures")
        || dirs(dir).any(|c| matches!(c, "migrations" | "management" | "admin" | "fixtures"))
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
    fn offline_and_admin_modules() {
        for path in [
            "blog/migrations/0002_auto.py",
            "blog/management/commands/publish.py",
            "blog/wagtail_hooks.py",
            "blog/admin.py",
            "blog/admin/views.py",
            "blog/tests/test_views.py",
        ] {
            assert!(is_offline_or_admin_module(path), "{path}");
        }
        for path in [
            "blog/views.py",
            "blog/models.py",
            "blog/templatetags/blog_tags.py",
        ] {
            assert!(!is_offline_or_admin_module(path), "{path}");
        }
    }
}
