//! What a settings module says that a rule cannot see from the code it judges: the cache
//! backends `CACHES` names. Read from any file (a project's settings are often split over
//! several modules: `settings/base.py`, `settings/test.py`, a star import and an override).
//!
//! Only what the text states is kept. A backend computed at run time (`env.cache()`, a name
//! bound elsewhere) is unknown, and a rule asking must then assume any backend.

use crate::context::FileContext;
use crate::grammar::{Field, KindName};
use tree_sitter::Node;

/// The cache backends the file's `CACHES` settings name, in source order: `None` for one
/// the text does not state. Read from `CACHES = {...}`, `CACHES["alias"] = {...}`,
/// `CACHES["alias"]["BACKEND"] = ...` and `override_settings(CACHES={...})` (tests that run
/// on another backend). A backend may be written as a string, `a if flag else b`, or an
/// environment lookup with defaults (`os.getenv("X", "django_redis.cache.RedisCache")`):
/// each dotted path written there counts.
pub fn cache_backends(ctx: &FileContext) -> Vec<Option<String>> {
    let mut found = Vec::new();
    if !ctx.mentions("CACHES") {
        return found;
    }
    for &assignment in ctx.nodes("assignment") {
        let (Some(left), Some(right)) = (
            ctx.field(assignment, "left"),
            ctx.field(assignment, "right"),
        ) else {
            continue;
        };
        let Some(keys) = caches_keys(ctx, left) else {
            continue;
        };
        match keys.as_slice() {
            [] => aliases(ctx, right, &mut found),
            [_] => alias(ctx, right, &mut found),
            [_, key, ..] if key == "BACKEND" => backend(ctx, right, &mut found),
            _ => {}
        }
    }
    for &argument in ctx.nodes("keyword_argument") {
        let is_caches = ctx
            .field(argument, "name")
            .is_some_and(|n| ctx.text(n) == "CACHES");
        // A value that is not written out is the project's own settings changed a little
        // (`deepcopy(settings.CACHES)`): nothing new about backends.
        if let Some(value) = ctx.field(argument, "value").filter(|_| is_caches) {
            if value.kind_name() == "dictionary" {
                aliases(ctx, value, &mut found);
            }
        }
    }
    found
}

/// Whether Django's cache `backend` (a dotted path) has `delete_pattern()`: django-redis
/// (`django_redis.cache.RedisCache`), django-valkey, django-redis-cache (`redis_cache.`),
/// and django-prometheus's `RedisCache`, a subclass of django-redis's (2.5.0; its
/// `NativeRedisCache` wraps Django's own Redis backend, which has none).
pub fn has_delete_pattern(backend: &str) -> bool {
    ["django_redis.", "django_valkey.", "redis_cache."]
        .iter()
        .any(|prefix| backend.starts_with(prefix))
        || backend == "django_prometheus.cache.backends.redis.RedisCache"
}

/// `CACHES` -> `[]`, `CACHES["default"]` -> `["default"]`, `CACHES["default"]["BACKEND"]`
/// -> `["default", "BACKEND"]`; None for any other target.
fn caches_keys<'a>(ctx: &FileContext<'a>, target: Node<'a>) -> Option<Vec<String>> {
    match target.kind_name() {
        "identifier" => (ctx.text(target) == "CACHES").then(Vec::new),
        "subscript" => {
            let mut keys = caches_keys(ctx, ctx.field(target, "value")?)?;
            // An alias held in a name (`CACHES[alias]`) is still an alias.
            let key = ctx
                .field(target, "subscript")
                .and_then(|k| ctx.string_value(k))
                .unwrap_or_default();
            keys.push(key);
            Some(keys)
        }
        _ => None,
    }
}

/// `{"default": {...}, "sessions": {...}}`.
fn aliases<'a>(ctx: &FileContext<'a>, value: Node<'a>, found: &mut Vec<Option<String>>) {
    let value = ctx.unparenthesize(value);
    if value.kind_name() != "dictionary" {
        found.push(None);
        return;
    }
    for pair in ctx.named_children(value) {
        match (pair.kind_name(), ctx.field(pair, "value")) {
            ("pair", Some(config)) => alias(ctx, config, found),
            // `**OTHER_CACHES`, a comprehension: aliases not written here.
            _ => found.push(None),
        }
    }
}

/// `{"BACKEND": ..., "LOCATION": ...}`: its backend. One that names none is unknown (Django
/// 5.2's `CacheHandler.create_connection` pops `BACKEND` and fails without it; the
/// local-memory default is only for a project that sets no `CACHES` at all).
fn alias<'a>(ctx: &FileContext<'a>, value: Node<'a>, found: &mut Vec<Option<String>>) {
    let value = ctx.unparenthesize(value);
    if value.kind_name() != "dictionary" {
        found.push(None);
        return;
    }
    let mut named = false;
    for pair in ctx.named_children(value) {
        if pair.kind_name() != "pair" {
            // `**BASE`: it may hold the backend.
            found.push(None);
            named = true;
            continue;
        }
        let is_backend = ctx
            .field(pair, "key")
            .and_then(|k| ctx.string_value(k))
            .is_some_and(|k| k == "BACKEND");
        if let Some(backend_value) = ctx.field(pair, "value").filter(|_| is_backend) {
            backend(ctx, backend_value, found);
            named = true;
        }
    }
    if !named {
        found.push(None);
    }
}

/// A backend's value: a string, `a if flag else b`, or a call whose dotted-path string
/// arguments are the backends it may give (`os.getenv("X", "django_redis.cache.RedisCache")`).
fn backend<'a>(ctx: &FileContext<'a>, value: Node<'a>, found: &mut Vec<Option<String>>) {
    let value = ctx.unparenthesize(value);
    match value.kind_name() {
        "string" | "concatenated_string" => found.push(ctx.string_value(value)),
        "conditional_expression" => {
            let parts: Vec<Node> = ctx.named_children(value).collect();
            if let [body, _, orelse] = parts[..] {
                backend(ctx, body, found);
                backend(ctx, orelse, found);
            } else {
                found.push(None);
            }
        }
        "call" => {
            let before = found.len();
            let arguments = value.field("arguments");
            for argument in arguments.into_iter().flat_map(|a| ctx.named_children(a)) {
                let argument = if argument.kind_name() == "keyword_argument" {
                    match ctx.field(argument, "value") {
                        Some(v) => v,
                        None => continue,
                    }
                } else {
                    argument
                };
                match argument.kind_name() {
                    "conditional_expression" => backend(ctx, argument, found),
                    "string" => {
                        if let Some(path) = ctx.string_value(argument).filter(|s| is_dotted_path(s))
                        {
                            found.push(Some(path));
                        }
                    }
                    _ => {}
                }
            }
            // A lookup with no default written out (`env("CACHE_BACKEND")`): unknown.
            if found.len() == before {
                found.push(None);
            }
        }
        _ => found.push(None),
    }
}

/// `django_redis.cache.RedisCache`, not an environment variable's name or a URL.
fn is_dotted_path(text: &str) -> bool {
    text.contains('.')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_file;
    use crate::source::SourceFile;

    fn backends(text: &str) -> Vec<Option<String>> {
        let file = SourceFile::new("settings.py", text);
        let parsed = parse_file(&file).unwrap();
        let ctx = FileContext::new(&file.path, &file.text, &parsed.tree);
        cache_backends(&ctx)
    }

    fn some(paths: &[&str]) -> Vec<Option<String>> {
        paths.iter().map(|p| Some(p.to_string())).collect()
    }

    #[test]
    fn reads_what_the_settings_state() {
        assert_eq!(
            backends("CACHES = {'default': {'BACKEND': 'django_redis.cache.RedisCache', 'LOCATION': 'redis://x/1'}}\n"),
            some(&["django_redis.cache.RedisCache"])
        );
        // An environment lookup with defaults, and a conditional between two.
        assert_eq!(
            backends(concat!(
                "import os\nCACHES = {\"default\": {\"BACKEND\": os.getenv(\"APP_BACKEND\",\n",
                "  \"django_prometheus.cache.backends.redis.RedisCache\" if M else \"django_redis.cache.RedisCache\"),\n",
                "  \"OPTIONS\": {\"CLIENT_CLASS\": \"django_redis.client.DefaultClient\"}}}\n",
            )),
            some(&["django_prometheus.cache.backends.redis.RedisCache", "django_redis.cache.RedisCache"])
        );
        // Overrides: one alias, its backend alone, and a test's settings.
        assert_eq!(
            backends(concat!(
                "from .base import *\n",
                "CACHES['default']['LOCATION'] = 'redis://x/2'\n",
                "CACHES['default']['BACKEND'] = 'django.core.cache.backends.dummy.DummyCache'\n",
                "CACHES['sessions'] = {'BACKEND': 'django_valkey.cache.ValkeyCache'}\n",
                "@override_settings(CACHES={'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}})\n",
                "def test(): pass\n",
                "@override_settings(CACHES=deepcopy(settings.CACHES))\n",
                "def test_same(): pass\n",
            )),
            some(&[
                "django.core.cache.backends.dummy.DummyCache",
                "django_valkey.cache.ValkeyCache",
                "django.core.cache.backends.locmem.LocMemCache",
            ])
        );
    }

    #[test]
    fn what_is_not_written_out_is_unknown() {
        assert_eq!(
            backends("CACHES = {'default': env.cache('CACHE_URL')}\n"),
            vec![None]
        );
        assert_eq!(backends("CACHES = load_caches()\n"), vec![None]);
        assert_eq!(
            backends("CACHES = {'default': {'BACKEND': env('CACHE_BACKEND')}}\n"),
            vec![None]
        );
        assert_eq!(
            backends("CACHES = {'default': {**BASE, 'LOCATION': 'x'}}\n"),
            vec![None]
        );
        assert_eq!(backends("CACHES = {**BASE_CACHES}\n"), vec![None]);
        assert_eq!(
            backends("CACHES = {'default': {'LOCATION': 'x'}}\n"),
            vec![None]
        );
        assert_eq!(backends("CACHE_TTL = 5\nsettings.CACHES = {}\n"), vec![]);
    }

    #[test]
    fn which_backends_have_delete_pattern() {
        assert!(has_delete_pattern("django_redis.cache.RedisCache"));
        assert!(has_delete_pattern("django_valkey.cache.ValkeyCache"));
        assert!(has_delete_pattern("redis_cache.RedisCache"));
        assert!(has_delete_pattern(
            "django_prometheus.cache.backends.redis.RedisCache"
        ));
        assert!(!has_delete_pattern(
            "django_prometheus.cache.backends.redis.NativeRedisCache"
        ));
        assert!(!has_delete_pattern(
            "django.core.cache.backends.redis.RedisCache"
        ));
        assert!(!has_delete_pattern(
            "django.core.cache.backends.locmem.LocMemCache"
        ));
    }
}
