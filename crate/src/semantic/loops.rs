//! Loops and comprehensions, and what they iterate.

use crate::context::FileContext;
use crate::grammar::{Field, KindName};
use tree_sitter::Node;

/// Node kinds of the comprehensions (each holds `for_in_clause`s).
pub const COMPREHENSIONS: &[&str] = &[
    "list_comprehension",
    "set_comprehension",
    "dictionary_comprehension",
    "generator_expression",
];

/// A `for` or `while` loop, or a comprehension: code in it may run once per item.
pub fn is_loop(node: Node) -> bool {
    matches!(node.kind_name(), "for_statement" | "while_statement")
        || COMPREHENSIONS.contains(&node.kind_name())
}

/// The `for_in_clause`s of a comprehension, in order.
pub fn for_in_clauses(comprehension: Node) -> Vec<Node> {
    let mut cursor = comprehension.walk();
    comprehension
        .named_children(&mut cursor)
        .filter(|c| c.kind_name() == "for_in_clause")
        .collect()
}

/// The iterable of the loop or comprehension that binds `name` (an identifier read inside
/// its body): `pages` for `p` in `for p in pages: p.specific`. None when the name is not
/// a plain loop target there (unpacked, or rebound in between), or the loop is outside
/// the function holding `name`.
pub fn loop_iterable<'a>(ctx: &FileContext<'a>, name: Node<'a>) -> Option<Node<'a>> {
    let text = ctx.text(name);
    let binds = |target: Option<Node<'a>>| {
        target.is_some_and(|t| t.kind_name() == "identifier" && ctx.text(t) == text)
    };
    let mut inner = name;
    for ancestor in ctx.ancestors(name) {
        match ancestor.kind_name() {
            "function_definition" | "lambda" | "class_definition" => return None,
            "for_statement"
                if ancestor.field("body").is_some_and(|b| b.id() == inner.id())
                    && binds(ancestor.field("left")) =>
            {
                return ancestor.field("right");
            }
            kind if COMPREHENSIONS.contains(&kind) => {
                let clause = for_in_clauses(ancestor)
                    .into_iter()
                    .find(|c| binds(c.field("left")));
                if let Some(clause) = clause {
                    let right = clause.field("right")?;
                    // The name read in the iterable itself is not the loop's item.
                    return (!ctx.is_within(name, right)).then_some(right);
                }
            }
            _ => {}
        }
        inner = ancestor;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn iterables_of_loops_and_comprehensions() {
        let text = "def f(pages):\n    for p in pages:\n        p.a\n    [q.b for q in qs]\n    for x, y in z:\n        x.c\n    [r.d for r in r.e]\n";
        let tree = parse(text).expect("parses");
        let ctx = FileContext::new("t.py", text, &tree);
        let iterable = |object: &str| {
            let read = ctx
                .nodes("attribute")
                .iter()
                .find(|a| ctx.text(**a).starts_with(object))
                .and_then(|a| a.field("object"))
                .expect("the read");
            loop_iterable(&ctx, read).map(|i| ctx.text(i))
        };
        assert_eq!(iterable("p.a"), Some("pages"));
        assert_eq!(iterable("q.b"), Some("qs"));
        // Unpacked: not a plain loop target.
        assert_eq!(iterable("x.c"), None);
        // `r` read in the iterable `r.e` is not the item.
        assert_eq!(iterable("r.e"), None);
        let loops = ctx
            .nodes("for_statement")
            .iter()
            .filter(|l| is_loop(**l))
            .count();
        assert_eq!(loops, 2);
        let comprehension = ctx.nodes("list_comprehension")[0];
        assert!(is_loop(comprehension));
        assert_eq!(for_in_clauses(comprehension).len(), 1);
    }
}
