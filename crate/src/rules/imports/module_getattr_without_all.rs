//! IMP003: a module with a `__getattr__` hook but no `__all__`.

use super::{in_module_scope, module_getattr_functions, under_type_checking};
use crate::context::{nodes_within, FileContext};
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use crate::semantic::bindings::{assigned_value, assigns_to};
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "IMP003",
    name: "module-getattr-without-all",
    severity: Severity::Info,
    category: Category::Imports,
    message: "Module `__getattr__` serves names but the module has no `__all__`: `from module import *` skips them",
    explanation: crate::rule::explanation!("module_getattr_without_all.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::File(check),
};

const BAD: &str = r#"# apps/blog/services/__init__.py
import importlib

from .blog_cache_service import BlogCacheService


def __getattr__(name):
    if name == "BlockAutoPopulationService":
        module = importlib.import_module("apps.blog.block_services")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
"#;

const FIXED: &str = r#"# apps/blog/services/__init__.py
import importlib

from .blog_cache_service import BlogCacheService

__all__ = ["BlockAutoPopulationService", "BlogCacheService"]


def __getattr__(name):
    if name == "BlockAutoPopulationService":
        module = importlib.import_module("apps.blog.block_services")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
"#;

fn check<'a>(ctx: &FileContext<'a>, hits: &mut Vec<Hit>) {
    let serving = module_getattr_functions(ctx)
        .into_iter()
        .find(|f| serves_names(ctx, *f));
    let Some(name) = serving.and_then(|f| f.field("name")) else {
        return;
    };
    if assigned_names(ctx, "__all__").is_empty() && !imports_all(ctx) {
        hits.push(Hit::node(name));
    }
}

/// Whether the hook hands out names as public API: it has a `return <value>` that no
/// deprecation warning comes before. Hooks that only raise, or only serve deprecated
/// names after `warnings.warn(...)` (the usual deprecation shim in Django, Flask, Click,
/// Werkzeug...), are meant to stay out of star imports.
fn serves_names<'a>(ctx: &FileContext<'a>, function: Node<'a>) -> bool {
    let own = |n: &Node| {
        ctx.enclosing_function(*n)
            .is_some_and(|f| f.id() == function.id())
    };
    let within =
        |n: &Node| function.start_byte() <= n.start_byte() && n.end_byte() <= function.end_byte();
    let warnings: Vec<Node> = ctx
        .nodes("call")
        .iter()
        .filter(|c| within(c) && own(c) && is_warning_call(ctx, **c))
        .copied()
        .collect();
    ctx.nodes("return_statement")
        .iter()
        .filter(|r| within(r) && own(r))
        .filter(|r| {
            r.named_child(0).is_some_and(|v| {
                ctx.unparenthesize(v).kind_name() != "none" && !is_live_value(ctx, v, function)
            })
        })
        .any(|r| !warnings.iter().any(|w| warns_before(ctx, *w, *r)))
}

/// A value computed afresh on every access, which a star import would freeze at import
/// time, so leaving its name out of `__all__` is deliberate: one that reads Django's
/// settings (`getattr(settings, name)`, `settings.INSTALLED_APPS`, converted or compared:
/// `int(...)`, `tuple(... or ())`, `... is True`, `"x" in settings.INSTALLED_APPS`),
/// `getattr(_app_settings, name)` on a module-level instance (django-allauth's settings
/// proxies), `_request_var.get()` on a module-level `ContextVar`; or a local of the hook
/// assigned one of these (`value = getattr(settings, name, default)`, then `return
/// value.copy()`).
fn is_live_value<'a>(ctx: &FileContext<'a>, value: Node<'a>, hook: Node<'a>) -> bool {
    reads_live(ctx, ctx.unparenthesize(value), hook, 0)
}

/// How many locals `reads_live` follows (`raw = getattr(...)`, `value = int(raw)`).
const MAX_LOCALS: usize = 3;

/// Whether `expr` reads a live value anywhere in it (not in a lambda it builds), directly
/// or through a local of the hook assigned one.
fn reads_live<'a>(ctx: &FileContext<'a>, expr: Node<'a>, hook: Node<'a>, depth: usize) -> bool {
    // `expr` itself may be the lambda.
    let in_lambda = |n: Node<'a>| {
        for ancestor in ctx.ancestors(n) {
            if ancestor.kind_name() == "lambda" {
                return true;
            }
            if ancestor.id() == expr.id() {
                return false;
            }
        }
        false
    };
    // `nodes_within` holds `expr` itself when it is a call or a name.
    if nodes_within(ctx, "call", expr).any(|c| !in_lambda(c) && is_live_call(ctx, c, hook)) {
        return true;
    }
    let identifiers: Vec<Node<'a>> = nodes_within(ctx, "identifier", expr).collect();
    for ident in identifiers {
        if in_lambda(ident) || !is_read(ctx, ident) {
            continue;
        }
        if ctx.qualified_name(ident).as_deref() == Some("django.conf.settings") {
            return true;
        }
        if depth < MAX_LOCALS {
            let name = ctx.text(ident);
            let live_local = nodes_within(ctx, "assignment", hook)
                .filter(|a| assigns_to(ctx, *a, name))
                .filter(|a| {
                    ctx.enclosing_function(*a)
                        .is_some_and(|f| f.id() == hook.id())
                })
                .filter_map(|a| a.field("right"))
                .any(|v| reads_live(ctx, ctx.unparenthesize(v), hook, depth + 1));
            if live_local {
                return true;
            }
        }
    }
    false
}

/// An identifier read as a name: not the attribute of `x.name`, nor a keyword's name.
fn is_read<'a>(ctx: &FileContext<'a>, ident: Node<'a>) -> bool {
    ctx.parent(ident).is_none_or(|p| match p.kind_name() {
        "attribute" => p.field("attribute").is_none_or(|a| a.id() != ident.id()),
        "keyword_argument" => p.field("name").is_none_or(|n| n.id() != ident.id()),
        _ => true,
    })
}

/// `_request_var.get()` on a module-level `ContextVar`, or `getattr(obj, ...)` on
/// Django's settings or a module-level instance of a class (`AppSettings("ACCOUNT_")`).
fn is_live_call<'a>(ctx: &FileContext<'a>, call: Node<'a>, hook: Node<'a>) -> bool {
    let module_value = |name: Node<'a>| {
        (name.kind_name() == "identifier")
            .then(|| assigned_value(ctx, ctx.text(name), hook))
            .flatten()
            .map(|v| ctx.unparenthesize(v))
            .filter(|v| v.kind_name() == "call")
    };
    if let Some((receiver, "get")) = ctx.method_call(call) {
        return module_value(receiver)
            .and_then(|v| ctx.call_name(v))
            .is_some_and(|n| n == "ContextVar" || n.ends_with(".ContextVar"));
    }
    if ctx.call_name(call).as_deref() != Some("getattr") {
        return false;
    }
    let Some(object) = ctx.positional_args(call).first().copied() else {
        return false;
    };
    if ctx.qualified_name(object).as_deref() == Some("django.conf.settings") {
        return true;
    }
    // An instance of a class (`AppSettings("ACCOUNT_")`), not a module imported lazily.
    module_value(object).is_some_and(|v| {
        let class = ctx
            .callee(v)
            .and_then(|c| ctx.dotted_name(c))
            .unwrap_or_default();
        let last = class.rsplit('.').next().unwrap_or("");
        last.starts_with(|c: char| c.is_ascii_uppercase()) && !class.contains("import")
    })
}

/// `warnings.warn(...)`, `warn(...)`, `_warn_deprecation(...)`, `deprecated(...)`...
fn is_warning_call<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> bool {
    ctx.call_simple_name(call).is_some_and(|name| {
        let name = name.to_ascii_lowercase();
        name.contains("warn") || name.contains("deprecat")
    })
}

/// Whether the warning runs on the way to the return: inside the returned value, or
/// earlier in a block that holds the return.
fn warns_before<'a>(ctx: &FileContext<'a>, warning: Node<'a>, ret: Node<'a>) -> bool {
    if ret.start_byte() <= warning.start_byte() && warning.end_byte() <= ret.end_byte() {
        return true;
    }
    warning.end_byte() <= ret.start_byte()
        && ctx
            .enclosing(warning, &["block"])
            .is_some_and(|block| ctx.is_within(ret, block))
}

/// Module-scope bindings of `name` by assignment (`x = ...`, `x: T = ...`,
/// `a, x = ...`) or augmented assignment (`x += ...`), outside `if TYPE_CHECKING:`.
fn assigned_names<'a>(ctx: &FileContext<'a>, name: &str) -> Vec<Node<'a>> {
    let mut found = Vec::new();
    for kind in ["assignment", "augmented_assignment"] {
        for assignment in ctx.nodes(kind) {
            if !in_module_scope(ctx, *assignment) || under_type_checking(ctx, *assignment) {
                continue;
            }
            // `x: T` alone declares a type and binds nothing.
            let (Some(left), Some(_)) = (assignment.field("left"), assignment.field("right"))
            else {
                continue;
            };
            if left.kind_name() == "identifier" {
                if ctx.text(left) == name {
                    found.push(left);
                }
                continue;
            }
            // `a, b = ...`, `(a, b) = ...`, `[a, b] = ...`: one level of unpacking.
            if matches!(
                left.kind_name(),
                "pattern_list" | "tuple_pattern" | "list_pattern"
            ) {
                let mut cursor = left.walk();
                found.extend(
                    left.named_children(&mut cursor)
                        .filter(|t| t.kind_name() == "identifier" && ctx.text(*t) == name),
                );
            }
        }
    }
    found
}

/// `from .lazy import __all__` at module scope also defines `__all__`.
fn imports_all(ctx: &FileContext) -> bool {
    ctx.nodes("import_from_statement").iter().any(|stmt| {
        if !in_module_scope(ctx, *stmt) {
            return false;
        }
        let mut cursor = stmt.walk();
        let bound: Vec<Node> = stmt.children_by_field_name("name", &mut cursor).collect();
        bound.iter().any(|n| {
            let local = match n.kind_name() {
                "aliased_import" => n.field("alias"),
                _ => Some(*n),
            };
            local.is_some_and(|l| ctx.text(l) == "__all__")
        })
    })
}
