//! The imports rules: a package shadowing a module (IMP001) and PEP 562 module
//! `__getattr__` hooks (IMP002, IMP003).
//!
//! Helpers shared by the family: module scope, the runtime module `__getattr__`
//! definitions of a file, and a small "can control run past this?" analysis of
//! Python statements.

use crate::context::FileContext;
use crate::grammar::{Field, KindName};
use crate::rule::Rule;
use crate::semantic::exceptions::swallows_exceptions;
use tree_sitter::Node;

pub mod module_getattr_falls_through;
pub mod module_getattr_without_all;
pub mod package_shadows_module;

pub static RULES: &[&Rule] = &[
    &package_shadows_module::RULE,
    &module_getattr_falls_through::RULE,
    &module_getattr_without_all::RULE,
];

/// What PEP 562 and Python's own docs have a module `__getattr__` raise for unknown
/// names (Django's `django/db/models/enums.py` raises exactly this).
pub(crate) fn attribute_error_raise(param: &str) -> String {
    format!("raise AttributeError(f\"module {{__name__!r}} has no attribute {{{param}!r}}\")")
}

/// Whether `node` runs in the module's own scope: not inside a function, lambda or
/// class body (module-level `if`/`try` blocks are module scope).
pub(crate) fn in_module_scope<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    ctx.enclosing(node, &["function_definition", "class_definition", "lambda"])
        .is_none()
}

/// Whether `node` sits in the body of `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`):
/// code there never runs.
pub(crate) fn under_type_checking<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    ctx.ancestors(node).any(|block| {
        block.kind_name() == "block"
            && ctx.parent(block).is_some_and(|stmt| {
                stmt.kind_name() == "if_statement"
                    && stmt
                        .field("consequence")
                        .is_some_and(|c| c.id() == block.id())
                    && stmt
                        .field("condition")
                        .and_then(|c| ctx.dotted_name(ctx.unparenthesize(c)))
                        .is_some_and(|n| n == "TYPE_CHECKING" || n.ends_with(".TYPE_CHECKING"))
            })
    })
}

/// The module's `def __getattr__(...)` hooks that exist at run time: plain (not
/// async) functions in module scope, outside `if TYPE_CHECKING:`. A class's
/// `__getattr__` and one nested in a factory function are not module hooks.
pub(crate) fn module_getattr_functions<'a>(ctx: &FileContext<'a>) -> Vec<Node<'a>> {
    // Asked by several rules of every file; reading each function's name is not free.
    if !ctx.mentions("__getattr__") {
        return Vec::new();
    }
    ctx.nodes("function_definition")
        .iter()
        .copied()
        .filter(|f| ctx.definition_name(*f) == "__getattr__")
        .filter(|f| f.child(0).is_some_and(|c| c.kind_name() != "async"))
        .filter(|f| in_module_scope(ctx, *f) && !under_type_checking(ctx, *f))
        .collect()
}

/// How deep the flow analysis follows nested statements; deeper code is assumed not
/// to fall through (no hit rather than a guess).
const MAX_FLOW_DEPTH: usize = 64;

/// Whether control can run off the end of `block` (every statement in it can
/// complete normally). `return`, `raise`, `break` and `continue` stop a block.
pub(crate) fn block_completes<'a>(ctx: &FileContext<'a>, block: Node<'a>, depth: usize) -> bool {
    if depth > MAX_FLOW_DEPTH {
        return false;
    }
    let mut cursor = block.walk();
    let statements: Vec<Node> = block.named_children(&mut cursor).collect();
    statements
        .into_iter()
        .all(|s| statement_completes(ctx, s, depth))
}

fn statement_completes<'a>(ctx: &FileContext<'a>, stmt: Node<'a>, depth: usize) -> bool {
    let field_completes = |node: Node<'a>, field: &str| {
        node.field(field)
            .is_none_or(|b| block_completes(ctx, b, depth + 1))
    };
    match stmt.kind_name() {
        "return_statement" | "raise_statement" | "break_statement" | "continue_statement" => false,
        "assert_statement" => !stmt.named_child(0).is_some_and(|c| is_false(ctx, c)),
        "expression_statement" => !stmt.named_child(0).is_some_and(|c| never_returns(ctx, c)),
        "if_statement" => {
            let mut cursor = stmt.walk();
            let alternatives: Vec<Node> = stmt
                .children_by_field_name("alternative", &mut cursor)
                .collect();
            let has_else = alternatives.iter().any(|a| a.kind_name() == "else_clause");
            field_completes(stmt, "consequence")
                || !has_else
                || alternatives.iter().any(|a| {
                    let field = if a.kind_name() == "else_clause" {
                        "body"
                    } else {
                        "consequence"
                    };
                    field_completes(*a, field)
                })
        }
        "for_statement" | "while_statement" => {
            let infinite = stmt.kind_name() == "while_statement"
                && stmt.field("condition").is_some_and(|c| is_true(ctx, c));
            if has_break(ctx, stmt) {
                return true;
            }
            match stmt.field("alternative") {
                // The `else` runs when the loop ends without `break`.
                Some(alternative) if !infinite => field_completes(alternative, "body"),
                _ => !infinite,
            }
        }
        "try_statement" => {
            let mut cursor = stmt.walk();
            let clauses: Vec<Node> = stmt.named_children(&mut cursor).collect();
            let clause_block = |clause: &Node<'a>| {
                let mut c = clause.walk();
                let block = clause
                    .named_children(&mut c)
                    .find(|n| n.kind_name() == "block");
                block.is_none_or(|b| block_completes(ctx, b, depth + 1))
            };
            let body_completes = field_completes(stmt, "body")
                && clauses
                    .iter()
                    .filter(|c| c.kind_name() == "else_clause")
                    .all(|c| field_completes(*c, "body"));
            let handler_completes = clauses
                .iter()
                .filter(|c| c.kind_name() == "except_clause")
                .any(clause_block);
            let finally_completes = clauses
                .iter()
                .filter(|c| c.kind_name() == "finally_clause")
                .all(clause_block);
            (body_completes || handler_completes) && finally_completes
        }
        // `with suppress(...)` swallows what its body raises and carries on after it.
        "with_statement" => swallows_exceptions(ctx, stmt) || field_completes(stmt, "body"),
        "match_statement" => {
            let Some(body) = stmt.field("body") else {
                return true;
            };
            let mut cursor = body.walk();
            let cases: Vec<Node> = body
                .children_by_field_name("alternative", &mut cursor)
                .collect();
            !cases.iter().any(|c| is_irrefutable_case(ctx, *c))
                || cases.iter().any(|c| field_completes(*c, "consequence"))
        }
        _ => true,
    }
}

/// A `break` that leaves this very loop (not a nested one, not in its `else`).
fn has_break<'a>(ctx: &FileContext<'a>, lp: Node<'a>) -> bool {
    let Some(body) = lp.field("body") else {
        return false;
    };
    ctx.nodes("break_statement")
        .iter()
        .filter(|b| body.start_byte() <= b.start_byte() && b.end_byte() <= body.end_byte())
        .any(|b| {
            ctx.enclosing(
                *b,
                &[
                    "for_statement",
                    "while_statement",
                    "function_definition",
                    "class_definition",
                ],
            )
            .is_some_and(|l| l.id() == lp.id())
        })
}

fn is_true<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    let node = ctx.unparenthesize(node);
    match node.kind_name() {
        "true" => true,
        "integer" => ctx
            .text(node)
            .chars()
            .any(|c| c.is_ascii_digit() && c != '0'),
        _ => false,
    }
}

fn is_false<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    let node = ctx.unparenthesize(node);
    match node.kind_name() {
        "false" | "none" => true,
        "integer" => ctx
            .text(node)
            .chars()
            .all(|c| !c.is_ascii_digit() || c == '0'),
        _ => false,
    }
}

/// Calls that never return: `sys.exit()`, `os._exit()`, `typing.assert_never()`...
fn never_returns<'a>(ctx: &FileContext<'a>, expr: Node<'a>) -> bool {
    let expr = ctx.unparenthesize(expr);
    if expr.kind_name() != "call" {
        return false;
    }
    ctx.call_name(expr).is_some_and(|name| {
        matches!(
            name.as_str(),
            "sys.exit"
                | "os._exit"
                | "os.abort"
                | "exit"
                | "quit"
                | "typing.assert_never"
                | "typing_extensions.assert_never"
        )
    })
}

/// `case _:` or `case name:` without a guard: the case matches everything.
fn is_irrefutable_case<'a>(ctx: &FileContext<'a>, case: Node<'a>) -> bool {
    if case.field("guard").is_some() {
        return false;
    }
    let mut cursor = case.walk();
    let patterns: Vec<Node> = case
        .named_children(&mut cursor)
        .filter(|c| c.kind_name() == "case_pattern")
        .collect();
    patterns.iter().any(|p| match p.named_child(0) {
        None => ctx.text(*p).trim() == "_",
        Some(inner) => inner.kind_name() == "dotted_name" && inner.named_child_count() == 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    /// Whether the body of the first function in `code` can fall off its end.
    fn falls_through(code: &str) -> bool {
        let tree = parse(code).expect("parses");
        let ctx = FileContext::new("t.py", code, &tree);
        let function = ctx.nodes("function_definition")[0];
        let body = function.field("body").expect("body");
        block_completes(&ctx, body, 0)
    }

    #[test]
    fn flow_of_simple_statements() {
        assert!(falls_through("def f(n):\n    x = 1\n"));
        assert!(!falls_through("def f(n):\n    return 1\n"));
        assert!(!falls_through("def f(n):\n    raise AttributeError(n)\n"));
        assert!(!falls_through("def f(n):\n    assert False\n"));
        assert!(falls_through("def f(n):\n    assert n\n"));
        assert!(!falls_through("import sys\ndef f(n):\n    sys.exit(1)\n"));
        assert!(falls_through("def f(n):\n    def g():\n        return 1\n"));
    }

    #[test]
    fn flow_of_branches() {
        assert!(falls_through("def f(n):\n    if n:\n        return 1\n"));
        assert!(!falls_through(
            "def f(n):\n    if n:\n        return 1\n    elif n == 2:\n        raise X\n    else:\n        return 3\n"
        ));
        assert!(falls_through(
            "def f(n):\n    if n:\n        return 1\n    elif n == 2:\n        pass\n    else:\n        return 3\n"
        ));
        assert!(falls_through(
            "def f(n):\n    if n:\n        return 1\n    elif n == 2:\n        return 2\n"
        ));
    }

    #[test]
    fn flow_of_try() {
        let base = "def f(n):\n    try:\n        return d[n]\n    except KeyError:\n";
        assert!(!falls_through(&format!(
            "{base}        raise AttributeError(n)\n"
        )));
        assert!(falls_through(&format!("{base}        pass\n")));
        assert!(!falls_through(&format!(
            "{base}        pass\n    finally:\n        return 1\n"
        )));
        assert!(falls_through(
            "def f(n):\n    try:\n        x = 1\n    except KeyError:\n        raise\n"
        ));
        assert!(!falls_through(
            "def f(n):\n    try:\n        x = 1\n    except KeyError:\n        raise\n    else:\n        return x\n"
        ));
        assert!(falls_through(
            "from contextlib import suppress\ndef f(n):\n    with suppress(KeyError):\n        return d[n]\n"
        ));
        assert!(!falls_through(
            "def f(n):\n    with lock:\n        return d[n]\n"
        ));
        // `suppress()` swallows nothing, and a `suppress` not from contextlib is unknown.
        assert!(!falls_through(
            "from contextlib import suppress\ndef f(n):\n    with suppress():\n        return d[n]\n"
        ));
        assert!(!falls_through(
            "def f(n):\n    with suppress(KeyError):\n        return d[n]\n"
        ));
        assert!(falls_through(
            "import contextlib\ndef f(n):\n    with contextlib.suppress(KeyError):\n        return d[n]\n"
        ));
    }

    #[test]
    fn flow_of_loops() {
        assert!(falls_through(
            "def f(n):\n    for x in xs:\n        return x\n"
        ));
        assert!(!falls_through(
            "def f(n):\n    while True:\n        if n:\n            return n\n"
        ));
        assert!(falls_through(
            "def f(n):\n    while True:\n        if n:\n            break\n"
        ));
        assert!(!falls_through(
            "def f(n):\n    while True:\n        for x in xs:\n            break\n"
        ));
        assert!(!falls_through(
            "def f(n):\n    for x in xs:\n        pass\n    else:\n        raise AttributeError(n)\n"
        ));
        assert!(falls_through(
            "def f(n):\n    for x in xs:\n        if x:\n            break\n    else:\n        raise AttributeError(n)\n"
        ));
    }

    #[test]
    fn flow_of_match() {
        let base = "def f(n):\n    match n:\n        case \"a\":\n            return 1\n";
        assert!(falls_through(base));
        assert!(!falls_through(&format!(
            "{base}        case _:\n            raise AttributeError(n)\n"
        )));
        assert!(!falls_through(&format!(
            "{base}        case other:\n            raise AttributeError(other)\n"
        )));
        assert!(falls_through(&format!(
            "{base}        case other if other:\n            raise AttributeError(other)\n"
        )));
        assert!(falls_through(&format!(
            "{base}        case Color.RED:\n            raise AttributeError(n)\n"
        )));
    }
}
