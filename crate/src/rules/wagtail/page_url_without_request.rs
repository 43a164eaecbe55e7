//! WAG012: `page.get_url()` / `get_full_url()` without the request that is at hand.

use crate::context::FileContext;
use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use crate::semantic::bindings::assigned_value;
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "WAG012",
    name: "page-url-without-request",
    severity: Severity::Info,
    category: Category::Wagtail,
    message: "Page URL computed without the request at hand: each page reads the site root paths again instead of the request's cached copy",
    explanation: crate::rule::explanation!("page_url_without_request.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Unsafe),
    check: Check::File(check),
};

const BAD: &str = r#"from wagtail.models import Page


class BlogIndexPage(Page):
    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["links"] = [
            (page.title, page.get_url()) for page in self.get_children().live()
        ]
        return context
"#;

const FIXED: &str = r#"from wagtail.models import Page


class BlogIndexPage(Page):
    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["links"] = [
            (page.title, page.get_url(request)) for page in self.get_children().live()
        ]
        return context
"#;

/// Methods of the pages' tree that return pages (`wagtail/models/pages.py`).
const PAGE_METHODS: &[&str] = &[
    "get_parent",
    "get_first_child",
    "get_last_child",
    "get_prev_sibling",
    "get_next_sibling",
];

/// Attributes that hold a page: the specific page (`SpecificMixin`), a site's root page.
const PAGE_ATTRIBUTES: &[&str] = &["specific", "specific_deferred", "root_page", "localized"];

/// Whether `name` names a page: `page`, `parent_page`, `homepage`, `self.page`.
fn is_page_name(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    last.to_ascii_lowercase().ends_with("page")
}

/// Whether a class is a page model: a base named `Page` or ending in `Page`.
fn is_page_class(ctx: &FileContext, class: Node) -> bool {
    ctx.class_bases(class).iter().any(|b| {
        let last = b.rsplit('.').next().unwrap_or(b);
        last.ends_with("Page")
    })
}

/// Whether the receiver of `get_url()` is known to be a page.
fn is_page<'a>(ctx: &FileContext<'a>, receiver: Node<'a>, function: Node<'a>) -> bool {
    match receiver.kind_name() {
        "identifier" if ctx.text(receiver) == "self" => ctx
            .method_class(function)
            .is_some_and(|class| is_page_class(ctx, class)),
        "identifier" => {
            is_page_name(ctx.text(receiver))
                || assigned_value(ctx, ctx.text(receiver), receiver)
                    .is_some_and(|value| is_page_value(ctx, value))
        }
        _ => is_page_value(ctx, receiver),
    }
}

/// `x.specific`, `x.get_parent()`, `site.root_page`, `self.page`.
fn is_page_value<'a>(ctx: &FileContext<'a>, value: Node<'a>) -> bool {
    match value.kind_name() {
        "attribute" => value.field("attribute").is_some_and(|a| {
            let name = ctx.text(a);
            PAGE_ATTRIBUTES.contains(&name) || is_page_name(name)
        }),
        "call" => ctx
            .method_call(value)
            .is_some_and(|(_, method)| PAGE_METHODS.contains(&method)),
        _ => false,
    }
}

/// The request in reach of `function`: a `request` parameter of it or of a function
/// around it (a closure), a local `request = ...` before `at`, or `self.request` that the
/// method already reads.
fn request_at_hand<'a>(
    ctx: &FileContext<'a>,
    function: Node<'a>,
    at: Node<'a>,
) -> Option<&'static str> {
    let has_param = |f: Node<'a>| ctx.parameter_names(f).contains(&"request");
    if has_param(function) || assigned_value(ctx, "request", at).is_some() {
        return Some("request");
    }
    if ctx.method_class(function).is_some() && ctx.text(function).contains("self.request") {
        return Some("self.request");
    }
    ctx.ancestors(function)
        .filter(|a| a.kind_name() == "function_definition")
        .any(has_param)
        .then_some("request")
}

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    if !ctx.mentions("get_url()") && !ctx.mentions("get_full_url()") {
        return;
    }
    for (call, receiver, method) in ctx.method_calls(&["get_url", "get_full_url"]) {
        let Some(args) = call.field("arguments") else {
            continue;
        };
        if args.named_child_count() != 0 || args.kind_name() != "argument_list" {
            continue;
        }
        let Some(function) = ctx.enclosing_function(call) else {
            continue;
        };
        if !is_page(ctx, receiver, function) {
            continue;
        }
        let Some(request) = request_at_hand(ctx, function, call) else {
            continue;
        };
        hits.push(
            Hit::node(call)
                .with_message(format!(
                    "`{}()` without the request: it reads the site root paths again (a cache lookup, a query when cold) instead of the copy cached on `{request}`; pass `{method}({request})`",
                    ctx.text(call.field("function").unwrap_or(call))
                ))
                .with_fix(
                    format!("Pass `{request}`"),
                    vec![Edit::replace(args.byte_range(), format!("({request})"))],
                ),
        );
    }
}
