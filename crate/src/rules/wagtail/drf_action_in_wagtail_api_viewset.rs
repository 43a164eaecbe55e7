//! WAG002: DRF action names used in a Wagtail API viewset, whose router dispatches to
//! `listing_view`, `detail_view` and `find_view`.

use crate::context::FileContext;
use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::project::viewsets::{
    action_case, action_comparison, methods, viewset_kind, ViewsetKind,
};
use crate::rule::{Check, Rule};
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "WAG002",
    name: "drf-action-in-wagtail-api-viewset",
    severity: Severity::Blocker,
    category: Category::Wagtail,
    message: "Wagtail API viewsets are routed to `listing_view`, `detail_view` and `find_view`: a DRF action name never matches",
    explanation: crate::rule::explanation!("drf_action_in_wagtail_api_viewset.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Unsafe),
    check: Check::File(check),
};

const BAD: &str = r#"from wagtail.api.v2.views import PagesAPIViewSet


class BlogPagesAPIViewSet(PagesAPIViewSet):
    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            queryset = queryset.defer_streamfields()
        return queryset
"#;

const FIXED: &str = r#"from wagtail.api.v2.views import PagesAPIViewSet


class BlogPagesAPIViewSet(PagesAPIViewSet):
    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "listing_view":
            queryset = queryset.defer_streamfields()
        return queryset
"#;

/// DRF's action names and their Wagtail counterparts (None: Wagtail's API routes no such
/// action; its viewsets answer GET only).
const DRF_ACTIONS: &[(&str, Option<&str>)] = &[
    ("list", Some("listing_view")),
    ("retrieve", Some("detail_view")),
    ("create", None),
    ("update", None),
    ("partial_update", None),
    ("destroy", None),
];

fn wagtail_name(drf: &str) -> Option<Option<&'static str>> {
    DRF_ACTIONS
        .iter()
        .find(|(name, _)| *name == drf)
        .map(|(_, wagtail)| *wagtail)
}

/// The Wagtail API viewset holding `node`, unless it routes itself (its own
/// `get_urlpatterns`, where DRF names may be real actions).
fn wagtail_viewset<'a>(ctx: &FileContext<'a>, node: Node) -> Option<Node<'a>> {
    let class = ctx.enclosing_class(node)?;
    (viewset_kind(ctx, class) == Some(ViewsetKind::WagtailApi)
        && !methods(ctx, class)
            .iter()
            .any(|m| ctx.definition_name(*m) == "get_urlpatterns"))
    .then_some(class)
}

/// Replaces the text of a string literal, keeping its quotes.
fn replace_string<'a>(ctx: &FileContext<'a>, string: Node<'a>, value: &str) -> Option<Edit> {
    let mut cursor = string.walk();
    let content = string
        .named_children(&mut cursor)
        .find(|c| c.kind_name() == "string_content")?;
    (ctx.text(content) != value).then(|| Edit::replace(content.byte_range(), value))
}

/// Reports the DRF action names among the string literals an action is compared with.
fn report_names<'a>(ctx: &FileContext<'a>, names: &[(Node<'a>, String)], hits: &mut Vec<Hit>) {
    let values: Vec<&str> = names.iter().map(|(_, v)| v.as_str()).collect();
    for (string, value) in names {
        let Some(wagtail) = wagtail_name(value) else {
            continue;
        };
        match wagtail {
            // `in ("list", "listing_view")` already handles Wagtail's name.
            Some(w) if values.contains(&w) => {}
            Some(w) => {
                let mut hit = Hit::node(*string).with_message(format!(
                    "Wagtail's API router calls this action `{w}`: `self.action` is never \"{value}\" here"
                ));
                if let Some(edit) = replace_string(ctx, *string, w) {
                    hit = hit.with_fix(format!("Compare with \"{w}\""), vec![edit]);
                }
                hits.push(hit);
            }
            None => hits.push(Hit::node(*string).with_message(format!(
                "Wagtail's API router has no \"{value}\" action (only `listing_view`, `detail_view`, `find_view`): this test never matches"
            ))),
        }
    }
}

fn check_comparisons(ctx: &FileContext, hits: &mut Vec<Hit>) {
    for &comparison in ctx.nodes("comparison_operator") {
        let Some(found) = action_comparison(ctx, comparison) else {
            continue;
        };
        if wagtail_viewset(ctx, comparison).is_some() {
            report_names(ctx, &found.names, hits);
        }
    }
    // `match self.action:` / `case "list":`
    for &case in ctx.nodes("case_clause") {
        let Some(names) = action_case(ctx, case) else {
            continue;
        };
        if wagtail_viewset(ctx, case).is_some() {
            report_names(ctx, &names, hits);
        }
    }
}

/// Whether the class mixes in DRF's own `list`/`retrieve` (then `super().list()` exists).
fn has_drf_mixin<'a>(ctx: &FileContext<'a>, class: Node<'a>, method: &str) -> bool {
    let mixin = if method == "list" {
        "ListModelMixin"
    } else {
        "RetrieveModelMixin"
    };
    ctx.class_bases(class)
        .iter()
        .any(|b| b.rsplit('.').next() == Some(mixin))
}

fn check_super_calls(ctx: &FileContext, hits: &mut Vec<Hit>) {
    for &call in ctx.nodes("call") {
        let Some(callee) = ctx.callee(call).filter(|c| c.kind_name() == "attribute") else {
            continue;
        };
        let (Some(object), Some(attribute)) = (callee.field("object"), callee.field("attribute"))
        else {
            continue;
        };
        let method = ctx.text(attribute);
        let wagtail = match method {
            "list" => "listing_view",
            "retrieve" => "detail_view",
            _ => continue,
        };
        if object.kind_name() != "call" || ctx.call_simple_name(object) != Some("super") {
            continue;
        }
        let Some(class) = wagtail_viewset(ctx, call) else {
            continue;
        };
        if has_drf_mixin(ctx, class, method) {
            continue;
        }
        hits.push(
            Hit::node(call)
                .with_message(format!(
                    "Wagtail's API viewsets have no `{method}()`: `super().{method}()` raises AttributeError; the router calls `{wagtail}`"
                ))
                .with_fix(
                    format!("Call `super().{wagtail}()`"),
                    vec![Edit::replace(attribute.byte_range(), wagtail)],
                ),
        );
    }
}

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    let any_wagtail_viewset = ctx
        .nodes("class_definition")
        .iter()
        .any(|c| viewset_kind(ctx, *c) == Some(ViewsetKind::WagtailApi));
    if !any_wagtail_viewset {
        return;
    }
    check_comparisons(ctx, hits);
    check_super_calls(ctx, hits);
}
