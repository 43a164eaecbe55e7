//! ORM010: a new queryset built as a statement and thrown away.

use crate::context::FileContext;
use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use crate::rules::querysets::{may_hold_querysets, Querysets};
use crate::semantic::queryset_api::CHAINED;
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "ORM010",
    name: "queryset-discarded",
    severity: Severity::Blocker,
    category: Category::Orm,
    message: "A new queryset is built and thrown away: querysets are never changed in place, so this line does nothing",
    explanation: crate::rule::explanation!("queryset_discarded.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Unsafe),
    check: Check::File(check),
};

const BAD: &str = r#"from .models import Post


def published_posts(request):
    posts = Post.objects.all()
    posts.filter(published=True)
    if request.GET.get("order") == "new":
        posts.order_by("-created")
    return posts
"#;

const FIXED: &str = r#"from .models import Post


def published_posts(request):
    posts = Post.objects.all()
    posts = posts.filter(published=True)
    if request.GET.get("order") == "new":
        posts = posts.order_by("-created")
    return posts
"#;

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    if !may_hold_querysets(ctx) {
        return;
    }
    let querysets = Querysets::new(ctx);
    // From the statements, not from every call: most calls are not statements, so the
    // method is compared with the long list of queryset methods only for the few that are.
    for (statement, mut children) in ctx.nodes_with_children("expression_statement") {
        // One expression, nothing else (`a, b` is one tuple; a comment would be a child).
        let (Some(value), None) = (children.next(), children.next()) else {
            continue;
        };
        let call = ctx.unparenthesize(value);
        if call.kind_name() != "call" {
            continue;
        }
        let Some((_, method)) = ctx.method_call(call).filter(|(_, m)| CHAINED.contains(m)) else {
            continue;
        };
        if expects_an_error(ctx, statement) || querysets.of(call).is_none() {
            continue;
        }
        let mut hit = Hit::node(call).with_message(format!(
            "`{method}()` returns a new queryset, which this statement throws away: the queryset it was called on is unchanged"
        ));
        if let Some(name) = chain_start(ctx, call).filter(|n| n.kind_name() == "identifier") {
            let name = ctx.text(name);
            hit = hit.with_fix(
                format!("Assign the result back to `{name}`"),
                vec![Edit::insert(value.start_byte(), format!("{name} = "))],
            );
        }
        hits.push(hit);
    }
}

/// The expression a method chain starts from: `qs` for `qs.filter(a).order_by(b)`.
fn chain_start<'a>(ctx: &FileContext<'a>, mut node: Node<'a>) -> Option<Node<'a>> {
    loop {
        node = ctx.unparenthesize(node);
        node = match node.kind_name() {
            "call" => ctx.method_call(node)?.0,
            "subscript" => node.field("value")?,
            _ => return Some(node),
        };
    }
}

/// Whether the statement runs for the exception it may raise: inside
/// `with self.assertRaises(...)` / `pytest.raises(...)`, or in the body of a `try`
/// (`qs.filter(**lookups)` to validate the lookups).
fn expects_an_error<'a>(ctx: &FileContext<'a>, statement: Node<'a>) -> bool {
    ctx.ancestors(statement)
        .take_while(|a| !matches!(a.kind_name(), "function_definition" | "class_definition"))
        .any(|a| match a.kind_name() {
            "try_statement" => a.field("body").is_some_and(|b| ctx.is_within(statement, b)),
            "with_statement" => a
                .named_child(0)
                .is_some_and(|clause| ctx.text(clause).to_ascii_lowercase().contains("raises")),
            _ => false,
        })
}
