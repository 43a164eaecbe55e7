//! Which exceptions code swallows: `except` clauses that catch `AttributeError`, and
//! `with contextlib.suppress(...)` blocks.
//!
//! A `suppress` is contextlib's only when the file's imports say so (`contextlib.suppress`,
//! `from contextlib import suppress`, under any alias): a `suppress` defined or imported
//! elsewhere is some other function. Its exceptions are its positional arguments, as
//! `contextlib.suppress(*exceptions)` takes them; `suppress()` with none swallows nothing
//! (Python's `contextlib.suppress.__exit__` tests `issubclass(exctype, ())`, which is false).

use crate::context::FileContext;
use crate::grammar::{Field, KindName};
use tree_sitter::Node;

/// Exception names whose handlers catch `AttributeError`.
const CATCHES_ATTRIBUTE_ERROR: &[&str] = &["AttributeError", "Exception", "BaseException"];

/// How deep a tuple of exception names is followed.
const MAX_NAME_DEPTH: usize = 8;

/// Whether an exception expression catches `AttributeError`: `AttributeError`, its bases
/// `Exception` and `BaseException` (dotted too), a tuple naming one, `X as exc`.
pub fn names_attribute_error<'a>(ctx: &FileContext<'a>, expr: Node<'a>) -> bool {
    names_attribute_error_at(ctx, expr, 0)
}

fn names_attribute_error_at<'a>(ctx: &FileContext<'a>, expr: Node<'a>, depth: usize) -> bool {
    if depth > MAX_NAME_DEPTH {
        return false;
    }
    let expr = ctx.unparenthesize(expr);
    match expr.kind_name() {
        // `except AttributeError as exc` parses as an `as_pattern` value.
        "as_pattern" => expr
            .named_child(0)
            .is_some_and(|e| names_attribute_error_at(ctx, e, depth + 1)),
        "tuple" => {
            let mut cursor = expr.walk();
            let found = expr
                .named_children(&mut cursor)
                .any(|e| names_attribute_error_at(ctx, e, depth + 1));
            found
        }
        "identifier" | "attribute" => ctx.dotted_name(expr).is_some_and(|n| {
            let last = n.rsplit('.').next().unwrap_or(&n);
            CATCHES_ATTRIBUTE_ERROR.contains(&last)
        }),
        _ => false,
    }
}

/// Whether an `except` clause catches `AttributeError`: bare `except:`,
/// `except AttributeError`, a tuple naming it, or `except Exception` /
/// `except BaseException` (its bases).
pub fn catches_attribute_error<'a>(ctx: &FileContext<'a>, clause: Node<'a>) -> bool {
    if clause.kind_name() != "except_clause" {
        return false;
    }
    let mut cursor = clause.walk();
    let values: Vec<Node> = clause
        .children_by_field_name("value", &mut cursor)
        .collect();
    values.is_empty() || values.iter().any(|v| names_attribute_error(ctx, *v))
}

/// The first handler of a `try` that catches `AttributeError` (later ones never see it).
pub fn attribute_error_handler<'a>(ctx: &FileContext<'a>, try_stmt: Node<'a>) -> Option<Node<'a>> {
    let mut cursor = try_stmt.walk();
    let found = try_stmt
        .named_children(&mut cursor)
        .find(|c| catches_attribute_error(ctx, *c));
    found
}

/// The `contextlib.suppress(...)` calls among the items of a `with` statement, in order.
pub fn suppress_calls<'a>(ctx: &FileContext<'a>, with: Node<'a>) -> Vec<Node<'a>> {
    let mut out = Vec::new();
    let mut cursor = with.walk();
    for clause in with.named_children(&mut cursor) {
        if clause.kind_name() != "with_clause" {
            continue;
        }
        let mut items = clause.walk();
        for item in clause.named_children(&mut items) {
            let value = ctx.unparenthesize(item.field("value").unwrap_or(item));
            let is_suppress = value.kind_name() == "call"
                && ctx
                    .call_name(value)
                    .is_some_and(|n| n == "contextlib.suppress");
            if is_suppress {
                out.push(value);
            }
        }
    }
    out
}

/// The `suppress(...)` items of a `with` statement that swallow `AttributeError`
/// (`suppress(AttributeError)`, `suppress(KeyError, Exception)`).
pub fn suppress_items<'a>(ctx: &FileContext<'a>, with: Node<'a>) -> Vec<Node<'a>> {
    suppress_calls(ctx, with)
        .into_iter()
        .filter(|call| {
            ctx.positional_args(*call)
                .iter()
                .any(|a| names_attribute_error(ctx, *a))
        })
        .collect()
}

/// Whether a `with` statement may swallow what its body raises and carry on after it: one of
/// its items is a `suppress(...)` given at least one exception.
pub fn swallows_exceptions<'a>(ctx: &FileContext<'a>, with: Node<'a>) -> bool {
    suppress_calls(ctx, with)
        .iter()
        .any(|call| !ctx.positional_args(*call).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    /// For each `with` statement of `code`: (swallows anything, swallows AttributeError).
    fn withs(code: &str) -> Vec<(bool, bool)> {
        let tree = parse(code).expect("parses");
        let ctx = FileContext::new("t.py", code, &tree);
        ctx.nodes("with_statement")
            .iter()
            .map(|w| {
                (
                    swallows_exceptions(&ctx, *w),
                    !suppress_items(&ctx, *w).is_empty(),
                )
            })
            .collect()
    }

    #[test]
    fn suppress_is_contextlibs_by_the_imports() {
        let body = "with suppress(AttributeError):\n    pass\n";
        assert_eq!(
            withs(&format!("from contextlib import suppress\n{body}")),
            [(true, true)]
        );
        assert_eq!(
            withs("from contextlib import suppress as s\nwith s(Exception):\n    pass\n"),
            [(true, true)]
        );
        assert_eq!(
            withs("import contextlib\nwith contextlib.suppress(KeyError):\n    pass\n"),
            [(true, false)]
        );
        // A bare `suppress` not imported from contextlib is another function: it swallows
        // nothing we know of, for either question.
        assert_eq!(withs(body), [(false, false)]);
        assert_eq!(
            withs(&format!("from myapp.utils import suppress\n{body}")),
            [(false, false)]
        );
    }

    #[test]
    fn suppress_without_exceptions_swallows_nothing() {
        assert_eq!(
            withs("from contextlib import suppress\nwith suppress():\n    pass\n"),
            [(false, false)]
        );
        assert_eq!(
            withs("from contextlib import suppress\nwith open(p) as f, suppress(OSError, AttributeError):\n    pass\n"),
            [(true, true)]
        );
        assert_eq!(withs("with lock:\n    pass\n"), [(false, false)]);
    }

    #[test]
    fn handlers_that_catch_attribute_error() {
        let code = "try:\n    a()\nexcept KeyError:\n    pass\nexcept (ValueError, builtins.AttributeError) as e:\n    pass\ntry:\n    b()\nexcept:\n    pass\ntry:\n    c()\nexcept LookupError:\n    pass\n";
        let tree = parse(code).expect("parses");
        let ctx = FileContext::new("t.py", code, &tree);
        let handlers: Vec<Option<usize>> = ctx
            .nodes("try_statement")
            .iter()
            .map(|t| attribute_error_handler(&ctx, *t).map(|h| h.start_position().row))
            .collect();
        assert_eq!(handlers, [Some(4), Some(8), None]);
    }
}
