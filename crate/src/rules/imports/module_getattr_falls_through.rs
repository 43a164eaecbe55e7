//! IMP002: a module `__getattr__` that can return `None` for names it does not know.

use super::{attribute_error_raise, block_completes, module_getattr_functions};
use crate::context::FileContext;
use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "IMP002",
    name: "module-getattr-falls-through",
    severity: Severity::Warning,
    category: Category::Imports,
    message: "Module `__getattr__` can return `None` instead of raising `AttributeError`",
    explanation: crate::rule::explanation!("module_getattr_falls_through.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Unsafe),
    check: Check::File(check),
};

const BAD: &str = r#"import warnings

from django.db.models.enums import ChoicesType

__all__ = ["ChoicesMeta"]


def __getattr__(name):
    if name == "ChoicesMeta":
        warnings.warn("ChoicesMeta is deprecated.", DeprecationWarning, stacklevel=2)
        return ChoicesType
"#;

const FIXED: &str = r#"import warnings

from django.db.models.enums import ChoicesType

__all__ = ["ChoicesMeta"]


def __getattr__(name):
    if name == "ChoicesMeta":
        warnings.warn("ChoicesMeta is deprecated.", DeprecationWarning, stacklevel=2)
        return ChoicesType
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
"#;

fn check<'a>(ctx: &FileContext<'a>, hits: &mut Vec<Hit>) {
    for function in module_getattr_functions(ctx) {
        // A generator hook returns a generator object, never `None`: a different bug.
        if is_generator(ctx, function) {
            continue;
        }
        let (Some(name), Some(body)) = (function.field("name"), function.field("body")) else {
            continue;
        };
        let param = first_parameter(ctx, function);
        let raise = param.map(attribute_error_raise);

        for ret in none_returns(ctx, function) {
            let mut hit = Hit::node(ret).with_message(
                "Module `__getattr__` returns `None` here: unknown names should raise `AttributeError`",
            );
            if let Some(raise) = &raise {
                hit = hit.with_fix(
                    "Raise `AttributeError` instead",
                    vec![Edit::replace(ret.byte_range(), raise.clone())],
                );
            }
            hits.push(hit);
        }

        if block_completes(ctx, body, 0) {
            let mut hit = Hit::node(name).with_message(
                "Module `__getattr__` can fall off its end and return `None`: end it with `raise AttributeError(...)`",
            );
            if let (Some(raise), Some(at), Some(indent)) = (
                &raise,
                line_end(ctx, body),
                body_indent(ctx, function, body),
            ) {
                hit = hit.with_fix(
                    "Raise `AttributeError` for unknown names",
                    vec![Edit::insert(at, format!("\n{indent}{raise}"))],
                );
            }
            hits.push(hit);
        }
    }
}

fn is_generator<'a>(ctx: &FileContext<'a>, function: Node<'a>) -> bool {
    ctx.nodes("yield").iter().any(|y| {
        function.start_byte() <= y.start_byte()
            && y.end_byte() <= function.end_byte()
            && ctx
                .enclosing(*y, &["function_definition", "lambda"])
                .is_some_and(|f| f.id() == function.id())
    })
}

/// The plain name of the hook's first parameter (`name`, `name: str`), if it has one.
fn first_parameter<'a>(ctx: &FileContext<'a>, function: Node<'a>) -> Option<&'a str> {
    let first = function.field("parameters")?.named_child(0)?;
    let ident = match first.kind_name() {
        "identifier" => first,
        "typed_parameter" => first.named_child(0)?,
        "default_parameter" | "typed_default_parameter" => first.field("name")?,
        _ => return None,
    };
    (ident.kind_name() == "identifier").then(|| ctx.text(ident))
}

/// `return`, `return None` (also `return (None)`) of this very function, except those
/// that only run for a name the hook recognises (`if name == "X": return None`).
fn none_returns<'a>(ctx: &FileContext<'a>, function: Node<'a>) -> Vec<Node<'a>> {
    let param = first_parameter(ctx, function);
    ctx.nodes("return_statement")
        .iter()
        .copied()
        .filter(|r| function.start_byte() <= r.start_byte() && r.end_byte() <= function.end_byte())
        .filter(|r| {
            ctx.enclosing_function(*r)
                .is_some_and(|f| f.id() == function.id())
        })
        .filter(|r| {
            r.named_child(0)
                .is_none_or(|v| ctx.unparenthesize(v).kind_name() == "none")
        })
        .filter(|r| !param.is_some_and(|p| for_known_name(ctx, *r, function, p)))
        .collect()
}

/// Whether `node` only runs after a positive test of the parameter against known
/// names: inside `if name == "X":` / `if name in NAMES:` (possibly `and`-ed with more)
/// or `case "X":` of `match name:`.
fn for_known_name<'a>(
    ctx: &FileContext<'a>,
    node: Node<'a>,
    function: Node<'a>,
    param: &str,
) -> bool {
    ctx.ancestors(node)
        .take_while(|a| a.id() != function.id())
        .filter(|a| a.kind_name() == "block")
        .any(|block| {
            let Some(owner) = ctx.parent(block) else {
                return false;
            };
            match owner.kind_name() {
                "if_statement" | "elif_clause" => {
                    owner
                        .field("consequence")
                        .is_some_and(|c| c.id() == block.id())
                        && owner
                            .field("condition")
                            .is_some_and(|c| tests_known_name(ctx, c, param))
                }
                "case_clause" => {
                    let mut cursor = owner.walk();
                    let patterns: Vec<Node> = owner
                        .named_children(&mut cursor)
                        .filter(|c| c.kind_name() == "case_pattern")
                        .collect();
                    let subject = ctx
                        .parent(owner)
                        .and_then(|b| ctx.parent(b))
                        .and_then(|m| m.field("subject"));
                    subject.is_some_and(|s| ctx.text(s) == param)
                        && !patterns.is_empty()
                        && patterns.iter().all(|p| {
                            p.named_child(0).is_some_and(|v| {
                                matches!(
                                    v.kind_name(),
                                    "string" | "concatenated_string" | "union_pattern"
                                )
                            })
                        })
                }
                _ => false,
            }
        })
}

/// `name == "X"`, `"X" == name`, `name in NAMES`, or an `and` holding one of them.
fn tests_known_name<'a>(ctx: &FileContext<'a>, condition: Node<'a>, param: &str) -> bool {
    let condition = ctx.unparenthesize(condition);
    match condition.kind_name() {
        "boolean_operator" => {
            let is_and = condition
                .field("operator")
                .is_some_and(|o| o.kind_name() == "and");
            is_and
                && [condition.field("left"), condition.field("right")]
                    .into_iter()
                    .flatten()
                    .any(|side| tests_known_name(ctx, side, param))
        }
        "comparison_operator" => {
            let mut cursor = condition.walk();
            let operators: Vec<&str> = condition
                .children_by_field_name("operators", &mut cursor)
                .map(|o| o.kind_name())
                .collect();
            let operands: Vec<Node> = {
                let mut c = condition.walk();
                condition.named_children(&mut c).collect()
            };
            if operators.len() != 1 || operands.len() != 2 {
                return false;
            }
            let is_param = |n: Node<'a>| ctx.text(ctx.unparenthesize(n)) == param;
            match operators[0] {
                "==" => is_param(operands[0]) || is_param(operands[1]),
                "in" => is_param(operands[0]),
                _ => false,
            }
        }
        _ => false,
    }
}

/// Where the body's last line ends (before its newline, after any trailing comment).
fn line_end<'a>(ctx: &FileContext<'a>, body: Node<'a>) -> Option<usize> {
    let end = body.end_byte();
    let rest = ctx.text.get(end..)?;
    Some(match rest.find(['\n', '\r']) {
        Some(offset) => end + offset,
        None => ctx.text.len(),
    })
}

/// The indentation of the body's statements, when the body starts on its own line.
fn body_indent<'a>(ctx: &FileContext<'a>, function: Node, body: Node) -> Option<&'a str> {
    let mut cursor = body.walk();
    let first = body
        .named_children(&mut cursor)
        .find(|s| s.kind_name() != "comment")?;
    let header_row = function.field("name")?.start_position().row;
    if first.start_position().row == header_row {
        return None;
    }
    ctx.line_indent(first)
}

#[cfg(test)]
mod tests {
    fn fixed(code: &str) -> String {
        crate::engine::fixed_by("IMP002", code)
    }

    #[test]
    fn fix_appends_the_raise_after_the_last_line() {
        assert_eq!(
            fixed("def __getattr__(attr):\n    if attr == \"a\":\n        return 1  # one\n\nX = 1\n"),
            "def __getattr__(attr):\n    if attr == \"a\":\n        return 1  # one\n    raise AttributeError(f\"module {__name__!r} has no attribute {attr!r}\")\n\nX = 1\n"
        );
        assert_eq!(
            fixed("if True:\n\tdef __getattr__(name: str):\n\t\tpass"),
            "if True:\n\tdef __getattr__(name: str):\n\t\tpass\n\t\traise AttributeError(f\"module {__name__!r} has no attribute {name!r}\")"
        );
    }

    #[test]
    fn fix_replaces_none_returns() {
        assert_eq!(
            fixed("def __getattr__(name):\n    if name.startswith(\"_\"): return None\n    raise AttributeError(name)\n"),
            "def __getattr__(name):\n    if name.startswith(\"_\"): raise AttributeError(f\"module {__name__!r} has no attribute {name!r}\")\n    raise AttributeError(name)\n"
        );
    }

    #[test]
    fn no_fix_without_a_parameter_or_on_one_line() {
        for code in [
            "def __getattr__():\n    \"Bad one\"\n",
            "def __getattr__(*names):\n    pass\n",
            "def __getattr__(name): pass\n",
        ] {
            assert_eq!(fixed(code), code);
        }
    }
}
