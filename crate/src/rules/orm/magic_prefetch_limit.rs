//! ORM003: a `Prefetch` queryset sliced with a number literal.

use crate::context::FileContext;
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::KindName;
use crate::project::viewsets::is_prefetch_object;
use crate::rule::{Check, Rule};
use crate::semantic::bindings::assigned_value;
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "ORM003",
    name: "magic-prefetch-limit",
    severity: Severity::Info,
    category: Category::Orm,
    message: "Prefetch limit written as a number: name it as a constant",
    explanation: crate::rule::explanation!("magic_prefetch_limit.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::File(check),
};

const BAD: &str = r#"from django.db.models import Prefetch

from .models import BlogPost, Comment

posts = BlogPost.objects.prefetch_related(
    Prefetch(
        "comments",
        queryset=Comment.objects.order_by("-created")[:20],
        to_attr="recent_comments",
    )
)
"#;

const FIXED: &str = r#"from django.db.models import Prefetch

from .models import BlogPost, Comment

MAX_PREFETCHED_COMMENTS = 20

posts = BlogPost.objects.prefetch_related(
    Prefetch(
        "comments",
        queryset=Comment.objects.order_by("-created")[:MAX_PREFETCHED_COMMENTS],
        to_attr="recent_comments",
    )
)
"#;

/// Slice bounds written as integer literals other than 0 and 1 (`[:1]`, "the first one",
/// says what it means).
fn magic_bounds<'a>(ctx: &FileContext<'a>, queryset: Node<'a>) -> Vec<Node<'a>> {
    let queryset = ctx.unparenthesize(queryset);
    if queryset.kind_name() != "subscript" {
        return Vec::new();
    }
    let mut cursor = queryset.walk();
    let slices: Vec<Node> = queryset
        .children_by_field_name("subscript", &mut cursor)
        .filter(|s| s.kind_name() == "slice")
        .collect();
    let mut bounds = Vec::new();
    for slice in slices {
        let mut cursor = slice.walk();
        bounds.extend(
            slice
                .named_children(&mut cursor)
                .filter(|b| b.kind_name() == "integer" && !matches!(ctx.text(*b), "0" | "1")),
        );
    }
    bounds
}

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    // A `Prefetch` object is named in the file's text, if only in its import.
    if !ctx.mentions("Prefetch") {
        return;
    }
    let mut names = vec!["Prefetch"];
    names.extend(ctx.imports.locals_named("Prefetch"));
    for call in ctx.calls_named(&names) {
        if !is_prefetch_object(ctx, call) {
            continue;
        }
        let Some(mut queryset) = ctx.argument(call, 1, "queryset") else {
            continue;
        };
        // `limited = Comment.objects.all()[:20]` then `Prefetch(..., queryset=limited)`.
        if queryset.kind_name() == "identifier" {
            match assigned_value(ctx, ctx.text(queryset), call) {
                Some(value) => queryset = value,
                None => continue,
            }
        }
        for bound in magic_bounds(ctx, queryset) {
            hits.push(Hit::node(bound).with_message(format!(
                "Prefetch limit written as the number {}: name it as a constant",
                ctx.text(bound)
            )));
        }
    }
}
