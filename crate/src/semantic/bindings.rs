//! Name bindings within a function: the value that reaches a name, how a name is bound, and
//! where it is read next.

use crate::context::nodes_within;
use crate::context::FileContext;
use crate::grammar::{Field, KindName, Start};
use tree_sitter::Node;

/// The value last assigned to the plain name `name` before `at`, in the function holding
/// `at` (not in functions nested in it), or at module level: how rules follow local aliases
/// such as `default = caches["default"]` or `action = getattr(self, "action", None)`.
///
/// A straight-line reading: the last `name = value` above `at` in the same scope, whatever
/// branch it is in. Assignments are in source order, so only those between the scope's start
/// and `at` are looked at (found by binary search, newest first): a lookup costs the size of
/// the function, not of the file.
pub fn assigned_value<'a>(ctx: &FileContext<'a>, name: &str, at: Node) -> Option<Node<'a>> {
    let scope = ctx.enclosing_function(at);
    let scope_start = scope.map_or(0, |f| f.start_byte());
    let assignments = ctx.nodes("assignment");
    let first = assignments.partition_point(|a| a.start() < scope_start);
    let last = assignments.partition_point(|a| a.start() < at.start());
    // The target test (text first) runs before the parent walk that rules out nested
    // functions.
    assignments[first..last]
        .iter()
        .rev()
        .filter(|a| a.end_byte() <= at.start_byte())
        .filter(|a| assigns_to(ctx, **a, name))
        .find(|a| ctx.enclosing_function(**a).map(|f| f.id()) == scope.map(|f| f.id()))
        .and_then(|a| ctx.field(*a, "right"))
}

/// Whether `assignment` is `name = ...` (or `name: T = ...`) with the plain name as its
/// target. The text is tested before the target is read: the target is the first child, and
/// reading the `left` field costs hundreds of instructions.
pub fn assigns_to(ctx: &FileContext, assignment: Node, name: &str) -> bool {
    starts_with_name(ctx.text(assignment), name)
        && assignment
            .field("left")
            .is_some_and(|l| l.kind_name() == "identifier" && ctx.text(l) == name)
}

/// Whether `text` starts with the identifier `name` (not a longer one: `qs` in `qs2`).
fn starts_with_name(text: &str, name: &str) -> bool {
    text.strip_prefix(name).is_some_and(|rest| {
        !rest
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Whether the name's only bindings in `function` (itself, not nested functions) are plain
/// assignments `name = ...`: no unpacking, loop target, augmented assignment, walrus,
/// `as` pattern, `global` or `nonlocal`.
pub fn only_plain_assignments<'a>(ctx: &FileContext<'a>, function: Node<'a>, name: &str) -> bool {
    let own = |n: &Node<'a>| ctx.enclosing_function(*n).map(|f| f.id()) == Some(function.id());
    let names_it = |target: Option<Node<'a>>| {
        target.is_some_and(|t| {
            t.kind_name() == "identifier" && ctx.text(t) == name || {
                // Unpacking targets: `a, qs = ...`, `for i, qs in ...`.
                matches!(
                    t.kind_name(),
                    "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list"
                ) && {
                    let mut cursor = t.walk();
                    let found = t
                        .named_children(&mut cursor)
                        .any(|c| c.kind_name() == "identifier" && ctx.text(c) == name);
                    found
                }
            }
        })
    };
    let unpacking = nodes_within(ctx, "assignment", function).any(|a| {
        ctx.field(a, "left")
            .is_some_and(|l| l.kind_name() != "identifier" && names_it(Some(l)))
            && own(&a)
    });
    let other = nodes_within(ctx, "for_statement", function)
        .chain(nodes_within(ctx, "augmented_assignment", function))
        .any(|n| names_it(ctx.field(n, "left")) && own(&n))
        || nodes_within(ctx, "named_expression", function)
            .any(|n| names_it(ctx.field(n, "name")) && own(&n))
        || nodes_within(ctx, "as_pattern", function)
            .any(|n| names_it(n.field("alias").and_then(|a| a.named_child(0))) && own(&n))
        || nodes_within(ctx, "global_statement", function)
            .chain(nodes_within(ctx, "nonlocal_statement", function))
            .any(|n| {
                let mut cursor = n.walk();
                let found = n.named_children(&mut cursor).any(|c| ctx.text(c) == name);
                found
            });
    !unpacking && !other
}

/// Whether `function` (itself, not a function nested in it) calls `locals()` or `vars()`
/// with no argument: the dictionary of every local name, so each name is read there, by
/// whatever receives it (`render(request, "t.html", context=locals())` hands them all to a
/// template). A rule that claims nothing reads a name afterwards cannot claim it here.
pub fn reads_all_locals<'a>(ctx: &FileContext<'a>, function: Node<'a>) -> bool {
    if !ctx.mentions("locals()") && !ctx.mentions("vars()") {
        return false;
    }
    nodes_within(ctx, "call", function).any(|call| {
        call.field("function").is_some_and(|callee| {
            callee.kind_name() == "identifier" && matches!(ctx.text(callee), "locals" | "vars")
        }) && call
            .field("arguments")
            .is_some_and(|a| a.named_child_count() == 0)
            && ctx.enclosing_function(call).map(|f| f.id()) == Some(function.id())
    })
}

/// How many identifiers after a point `uses_after` looks at.
const MAX_USES_WINDOW: usize = 2_000;

/// Identifiers spelled `name` inside `scope`, in source order. Each is first told by the
/// text at its start (the index's start bytes): most identifiers of a scope are other
/// names, and asking one for its end is a call into tree-sitter.
pub fn names_within<'a, 'b>(
    ctx: &'b FileContext<'a>,
    name: &'b str,
    scope: Node<'a>,
) -> impl Iterator<Item = Node<'a>> + 'b {
    let range = scope.byte_range();
    let (identifiers, starts) = ctx.nodes_starting_in("identifier", range.clone());
    identifiers
        .iter()
        .zip(starts)
        .filter(move |(_, &start)| starts_with_name(&ctx.text[start as usize..], name))
        .map(|(i, _)| *i)
        .filter(move |i| i.end_byte() <= range.end && ctx.text(*i) == name)
}

/// Identifiers spelled `name` after `after` and inside the same function (or the module), in
/// source order. Identifiers are in source order: the search starts at the first one after
/// `after` and looks at a bounded window (a rule must not go quadratic on a huge generated
/// module).
pub fn uses_after<'a, 'b>(
    ctx: &'b FileContext<'a>,
    name: &'b str,
    after: Node<'a>,
) -> impl Iterator<Item = Node<'a>> + 'b {
    let end = ctx
        .enclosing_function(after)
        .map_or(ctx.text.len(), |f| f.end_byte());
    let from = after.end_byte();
    let identifiers = ctx.nodes("identifier");
    let first = identifiers.partition_point(|i| i.start() < from);
    identifiers[first..]
        .iter()
        .copied()
        .take(MAX_USES_WINDOW)
        .take_while(move |i| i.end_byte() <= end)
        .filter(move |i| ctx.text(*i) == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn with_ctx(text: &str, f: impl FnOnce(&FileContext)) {
        let tree = parse(text).expect("parses");
        f(&FileContext::new("t.py", text, &tree));
    }

    fn call<'a>(ctx: &FileContext<'a>, start: &str) -> Node<'a> {
        *ctx.nodes("call")
            .iter()
            .find(|c| ctx.text(**c).starts_with(start))
            .expect("the call")
    }

    #[test]
    fn assigned_value_follows_the_last_assignment_in_scope() {
        let text = "c = caches['a']\n\ndef f():\n    c = caches['b']\n    def g():\n        c = caches['c']\n    c = caches['d']\n    c.delete_pattern('x')\n\nc.get('k')\n";
        with_ctx(text, |ctx| {
            let in_f = call(ctx, "c.delete_pattern");
            let value = |at| assigned_value(ctx, "c", at).map(|v| ctx.text(v));
            assert_eq!(value(in_f), Some("caches['d']"));
            assert_eq!(value(call(ctx, "c.get")), Some("caches['a']"));
            assert!(assigned_value(ctx, "nope", in_f).is_none());
        });
    }

    #[test]
    fn assigned_value_skips_the_assignment_holding_the_point_and_later_ones() {
        let text = "def f():\n    x = a()\n    x = b(x)\n    y = c(x)\n    x = d()\n";
        with_ctx(text, |ctx| {
            let value = |at| assigned_value(ctx, "x", at).map(|v| ctx.text(v));
            // `x` read inside `x = b(x)` is the `a()` before it.
            assert_eq!(value(call(ctx, "b(")), Some("a()"));
            assert_eq!(value(call(ctx, "c(")), Some("b(x)"));
            // Chained assignments bind each name: `y = z = e()`.
        });
        with_ctx("def f():\n    y = z = e()\n    g(z)\n", |ctx| {
            let at = call(ctx, "g(");
            assert_eq!(
                assigned_value(ctx, "z", at).map(|v| ctx.text(v)),
                Some("e()")
            );
        });
    }

    #[test]
    fn locals_and_vars_read_every_name_of_their_own_function() {
        let text = "def f():\n    x = 1\n    return render(r, 't', context=locals())\n\ndef g():\n    def h():\n        return vars()\n    return vars(obj), locals\n\ndef k():\n    return dict(vars())\n";
        with_ctx(text, |ctx| {
            let answers: Vec<bool> = ctx
                .nodes("function_definition")
                .iter()
                .map(|f| reads_all_locals(ctx, *f))
                .collect();
            // f, g (only `vars(obj)` and a bare `locals`), h, k.
            assert_eq!(answers, vec![true, false, true, true]);
        });
    }

    #[test]
    fn plain_assignments_only() {
        let function = |text: &str, name: &str| {
            let mut answer = false;
            with_ctx(text, |ctx| {
                answer = only_plain_assignments(ctx, ctx.nodes("function_definition")[0], name);
            });
            answer
        };
        assert!(function("def f():\n    qs = a()\n    qs = b()\n", "qs"));
        assert!(function(
            "def f():\n    def g():\n        qs += 1\n    qs = a()\n",
            "qs"
        ));
        for binds in [
            "a, qs = t",
            "for qs in x: pass",
            "qs += 1",
            "(qs := 1)",
            "global qs",
        ] {
            let text = format!("def f():\n    qs = a()\n    {binds}\n");
            assert!(!function(&text, "qs"), "{binds}");
        }
    }

    #[test]
    fn uses_after_stays_in_the_function() {
        let text = "def f():\n    k = []\n    k.append(1)\n    return k\n\nk = 2\n";
        with_ctx(text, |ctx| {
            let assignment = ctx.nodes("assignment")[0];
            let uses: Vec<_> = uses_after(ctx, "k", assignment)
                .map(|u| ctx.parent(u).unwrap().kind_name())
                .collect();
            assert_eq!(uses, ["attribute", "return_statement"]);
        });
    }
}
