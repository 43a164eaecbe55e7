//! WAG015: several `get_rendition()` calls on the same image in one function, where one
//! `get_renditions()` call fetches or creates them together.

use crate::context::FileContext;
use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use crate::rules::modules::is_test_module;
use crate::semantic::loops::is_loop;
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "WAG015",
    name: "repeated-rendition",
    severity: Severity::Info,
    category: Category::Wagtail,
    message: "Several `get_rendition()` calls on the same image: `get_renditions()` fetches or creates them together",
    explanation: crate::rule::explanation!("repeated_rendition.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Unsafe),
    check: Check::File(check),
};

const BAD: &str = r#"def hero_context(page):
    image = page.hero_image
    thumbnail = image.get_rendition("fill-400x300")
    large = image.get_rendition("width-1600")
    return {"thumbnail": thumbnail.url, "large": large.url}
"#;

const FIXED: &str = r#"def hero_context(page):
    image = page.hero_image
    renditions = image.get_renditions("fill-400x300", "width-1600")
    thumbnail = renditions["fill-400x300"]
    large = renditions["width-1600"]
    return {"thumbnail": thumbnail.url, "large": large.url}
"#;

/// The local name the fix binds `get_renditions()`'s dict to.
const RENDITIONS: &str = "renditions";

/// Statement kinds whose branches exclude each other: two calls in different branches
/// of one of these never both run.
const BRANCHING: &[&str] = &[
    "if_statement",
    "conditional_expression",
    "try_statement",
    "match_statement",
    "boolean_operator",
];

/// The ancestors of `node` up to `scope`, innermost first, each with the child of it
/// that leads to `node` (the branch taken).
fn path<'a>(ctx: &FileContext<'a>, node: Node<'a>, scope: Node<'a>) -> Vec<(Node<'a>, usize)> {
    let mut out = Vec::new();
    let mut child = node;
    for ancestor in ctx.ancestors(node) {
        out.push((ancestor, child.id()));
        if ancestor.id() == scope.id() {
            break;
        }
        child = ancestor;
    }
    out
}

/// Whether `a` and `b` sit in different branches of one `if`, `try`, `match`, `x if c
/// else y` or `and`/`or`: then at most one of them runs (or they are alternatives).
fn exclusive<'a>(ctx: &FileContext<'a>, a: Node<'a>, b: Node<'a>, scope: Node<'a>) -> bool {
    let path_b = path(ctx, b, scope);
    path(ctx, a, scope).iter().any(|(ancestor, via_a)| {
        BRANCHING.contains(&ancestor.kind_name())
            && path_b
                .iter()
                .any(|(other, via_b)| other.id() == ancestor.id() && via_b != via_a)
    })
}

/// Whether the loop or comprehension holding `call` inside `scope` runs it once per
/// item: then one call is not "the same rendition twice".
fn in_loop<'a>(ctx: &FileContext<'a>, call: Node<'a>, scope: Node<'a>) -> bool {
    ctx.ancestors(call)
        .take_while(|a| a.id() != scope.id())
        .any(is_loop)
}

/// The single filter spec of a `get_rendition(...)` call, if it is a plain string.
fn spec<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> Option<(Node<'a>, String)> {
    let arg = ctx.argument(call, 0, "filter")?;
    let args = call.field("arguments")?;
    (args.named_child_count() == 1).then_some(())?;
    Some((arg, ctx.string_value(arg)?))
}

/// The statement holding `node`: its innermost ancestor whose parent is a block or the
/// module.
fn statement<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> Option<Node<'a>> {
    let mut child = node;
    for ancestor in ctx.ancestors(node) {
        if matches!(ancestor.kind_name(), "block" | "module") {
            return Some(child);
        }
        child = ancestor;
    }
    None
}

/// The fix: one `renditions = <image>.get_renditions(spec, ...)` before the first call's
/// statement, and each call replaced by `renditions[spec]`. Only where every spec is a
/// string literal, every later call sits in the block of the first call's statement (so
/// the new statement runs before each of them), and `renditions` is not a name the
/// function already uses.
/// Whether the image's name (or the name its attribute chain starts from) is assigned
/// between `from` and `to`: then the calls may be on different images.
fn reassigned_between(ctx: &FileContext, receiver: &str, from: Node, to: Node) -> bool {
    let root = receiver.split('.').next().unwrap_or(receiver);
    let assignments = ctx
        .nodes("assignment")
        .iter()
        .chain(ctx.nodes("augmented_assignment"));
    assignments
        .filter(|a| a.start_byte() > from.start_byte() && a.start_byte() < to.start_byte())
        .filter_map(|a| a.field("left"))
        .any(|l| ctx.text(l) == root || ctx.text(l) == receiver)
}

fn fix<'a>(
    ctx: &FileContext<'a>,
    scope: Node<'a>,
    receiver: &str,
    calls: &[Node<'a>],
) -> Option<(String, Vec<Edit>)> {
    let specs: Vec<(Node<'a>, String)> =
        calls.iter().map(|c| spec(ctx, *c)).collect::<Option<_>>()?;
    let first = statement(ctx, calls[0])?;
    let block = ctx.parent(first)?;
    if !calls[1..].iter().all(|c| ctx.is_within(*c, block)) {
        return None;
    }
    if ctx.text(scope).contains(RENDITIONS) {
        return None;
    }
    let indent = ctx.line_indent(first)?;
    let mut listed: Vec<&str> = Vec::new();
    for (node, _) in &specs {
        let text = ctx.text(*node);
        if !listed.contains(&text) {
            listed.push(text);
        }
    }
    let mut edits = vec![Edit::insert(
        first.start_byte(),
        format!(
            "{RENDITIONS} = {receiver}.get_renditions({}){}{indent}",
            listed.join(", "),
            ctx.newline()
        ),
    )];
    for (call, (node, _)) in calls.iter().zip(&specs) {
        edits.push(Edit::replace(
            call.byte_range(),
            format!("{RENDITIONS}[{}]", ctx.text(*node)),
        ));
    }
    Some((
        format!(
            "Fetch the {} renditions with one `get_renditions()`",
            calls.len()
        ),
        edits,
    ))
}

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    // Tests call `get_rendition()` one spec at a time on purpose (they test it).
    if !ctx.mentions("get_rendition(") || is_test_module(ctx.path) {
        return;
    }
    // (function, receiver text, calls), in source order.
    let mut groups: Vec<(Node, &str, Vec<Node>)> = Vec::new();
    for (call, receiver, _) in ctx.method_calls(&["get_rendition"]) {
        let Some(scope) = ctx.enclosing_function(call) else {
            continue;
        };
        // A name or attribute chain: the same text is the same image (a call, such as
        // `get_image()`, may return another one each time).
        if ctx.dotted_name(receiver).is_none() || in_loop(ctx, call, scope) {
            continue;
        }
        let receiver = ctx.text(receiver);
        match groups
            .iter_mut()
            .find(|(f, r, _)| f.id() == scope.id() && *r == receiver)
        {
            Some((_, _, calls)) => calls.push(call),
            None => groups.push((scope, receiver, vec![call])),
        }
    }
    for (scope, receiver, calls) in groups {
        // Calls that can run together: drop each one exclusive with an earlier one kept.
        let mut together: Vec<Node> = Vec::new();
        for call in calls {
            if !together.iter().any(|c| exclusive(ctx, *c, call, scope)) {
                together.push(call);
            }
        }
        if together.len() < 2
            || reassigned_between(ctx, receiver, together[0], together[together.len() - 1])
        {
            continue;
        }
        let specs: Vec<Option<String>> = together
            .iter()
            .map(|c| spec(ctx, *c).map(|s| s.1))
            .collect();
        // The same literal spec twice is served from the first call's result.
        if specs.iter().all(|s| s.is_some() && *s == specs[0]) {
            continue;
        }
        let mut hit = Hit::node(together[1]).with_message(format!(
            "`{receiver}` gets {} renditions by separate `get_rendition()` calls in this function: `{receiver}.get_renditions(...)` (Wagtail 5.1+) fetches or creates them together",
            together.len()
        ));
        if let Some((title, edits)) = fix(ctx, scope, receiver, &together) {
            hit = hit.with_fix(title, edits);
        }
        hits.push(hit);
    }
}

#[cfg(test)]
mod tests {
    fn fixed(code: &str) -> String {
        crate::engine::fixed_by("WAG015", code)
    }

    #[test]
    fn fix_batches_the_calls_where_the_first_one_was() {
        assert_eq!(fixed(super::BAD), super::FIXED);
        assert_eq!(
            fixed("def f(page):\n    if page.hero:\n        a = page.hero.get_rendition('w-1')\n        return a, page.hero.get_rendition('w-2')\n"),
            "def f(page):\n    if page.hero:\n        renditions = page.hero.get_renditions('w-1', 'w-2')\n        a = renditions['w-1']\n        return a, renditions['w-2']\n"
        );
    }

    #[test]
    fn no_fix_where_it_would_not_run_first_or_the_image_changes() {
        for code in [
            // The second call is outside the block of the first.
            "def f(image, x):\n    if x:\n        a = image.get_rendition('w-1')\n    return image.get_rendition('w-2')\n",
            // A spec in a variable.
            "def f(image, spec):\n    return image.get_rendition('w-1'), image.get_rendition(spec)\n",
            // The name is taken.
            "def f(image, renditions):\n    return image.get_rendition('w-1'), image.get_rendition('w-2')\n",
        ] {
            assert_eq!(fixed(code), code);
        }
    }
}
