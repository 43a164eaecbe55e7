//! WAG017: an API listing (a Wagtail API pages viewset, or a DRF viewset's list serializer)
//! that serializes a StreamField or rich-text body for every item.

use crate::context::FileContext;
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::project::classes::last_segment;
use crate::project::facts::{HeavyField, RuleFacts};
use crate::project::viewsets::{viewset_kind, ViewsetKind, DRF_LISTING_BASES};
use crate::project::{FileFacts, Project};
use crate::rule::{Check, Rule};
use std::ops::Range;
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "WAG017",
    name: "streamfield-in-api-listing",
    severity: Severity::Warning,
    category: Category::Wagtail,
    message: "The API listing serializes a StreamField or rich-text body for every item: keep it to the detail view",
    explanation: crate::rule::explanation!("streamfield_in_api_listing.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::ProjectFacts { facts, run: check },
};

const BAD: &str = r#"# file: blog/models.py
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page

from .blocks import BodyBlock


class BlogPage(Page):
    body = StreamField(BodyBlock())

    api_fields = [APIField("body")]
# file: blog/api.py
from wagtail.api.v2.views import PagesAPIViewSet


class BlogPagesAPIViewSet(PagesAPIViewSet):
    listing_default_fields = PagesAPIViewSet.listing_default_fields + ["body"]
"#;

const FIXED: &str = r#"# file: blog/models.py
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page

from .blocks import BodyBlock


class BlogPage(Page):
    body = StreamField(BodyBlock())

    api_fields = [APIField("body")]
# file: blog/api.py
from wagtail.api.v2.views import PagesAPIViewSet


class BlogPagesAPIViewSet(PagesAPIViewSet):
    # The detail view serializes every API field; a client that wants bodies in a list
    # asks for them with ?fields=body.
    listing_default_fields = PagesAPIViewSet.listing_default_fields
"#;

/// Model field classes whose values are large and rendered per item (`wagtail.fields`).
const HEAVY_FIELDS: &[&str] = &["StreamField", "RichTextField"];

/// The class-level `name = value` assignments of a class body.
fn class_assignments<'a>(ctx: &FileContext<'a>, class: Node<'a>) -> Vec<(&'a str, Node<'a>)> {
    let Some(body) = class.field("body") else {
        return Vec::new();
    };
    let mut cursor = body.walk();
    body.named_children(&mut cursor)
        .filter(|s| s.kind_name() == "expression_statement")
        .filter_map(|s| s.named_child(0))
        .filter(|a| a.kind_name() == "assignment")
        .filter_map(|a| {
            let left = a.field("left")?;
            (left.kind_name() == "identifier").then_some((ctx.text(left), a.field("right")?))
        })
        .collect()
}

/// The strings in an expression: list and tuple items, `+` operands, and the first
/// argument of calls such as `APIField("body", ...)`.
fn field_names<'a>(ctx: &FileContext<'a>, node: Node<'a>, out: &mut Vec<(String, Node<'a>)>) {
    match node.kind_name() {
        "string" | "concatenated_string" => {
            if let Some(value) = ctx.string_value(node) {
                out.push((value, node));
            }
        }
        "list" | "tuple" | "parenthesized_expression" => {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                field_names(ctx, child, out);
            }
        }
        "binary_operator" => {
            for side in ["left", "right"] {
                if let Some(operand) = node.field(side) {
                    field_names(ctx, operand, out);
                }
            }
        }
        "call" => {
            if let Some(first) = ctx.positional_args(node).first() {
                field_names(ctx, *first, out);
            }
        }
        _ => {}
    }
}

/// The heavy fields that some model in the file exposes through `api_fields`.
fn heavy_fields(ctx: &FileContext, out: &mut Vec<HeavyField>) {
    for &class in ctx.nodes("class_definition") {
        let assignments = class_assignments(ctx, class);
        let Some((_, api)) = assignments.iter().find(|(n, _)| *n == "api_fields") else {
            continue;
        };
        let mut exposed = Vec::new();
        field_names(ctx, *api, &mut exposed);
        for (name, value) in &assignments {
            if value.kind_name() != "call" {
                continue;
            }
            let Some(kind) = ctx
                .call_simple_name(*value)
                .and_then(|n| HEAVY_FIELDS.iter().find(|h| **h == n))
            else {
                continue;
            };
            if exposed.iter().any(|(e, _)| e == name) {
                out.push(HeavyField {
                    name: name.to_string(),
                    model: ctx.definition_name(class).to_string(),
                    kind: kind.to_string(),
                });
            }
        }
    }
}

fn check(project: &Project, hits: &mut Vec<(usize, Hit)>) {
    check_wagtail_listing(project, hits);
    check_drf_listing(project, hits);
}

/// A DRF viewset whose list action uses a `ModelSerializer` that builds a model's
/// StreamField or RichTextField itself (`Meta.fields`, `"__all__"`, `exclude`): DRF maps
/// a StreamField to `ModelField` (`value_to_string()`: the whole stream as JSON) and a
/// RichTextField to `CharField` (the stored HTML), for every item of the page.
fn check_drf_listing(project: &Project, hits: &mut Vec<(usize, Hit)>) {
    let index = &project.index;
    let mut seen = Vec::new();
    // A base from outside DRF (not followed), or a `list()` of its own, may serialize otherwise.
    for viewset in index.drf_viewsets(true) {
        if viewset.mro.iter().any(|(_, c)| c.has_method("list"))
            || !viewset
                .mro
                .iter()
                .any(|(_, c)| c.bases.iter().any(|b| drf_listing_base(b)))
        {
            continue;
        }
        let Some(serializer) = index.serializer_for(&viewset, "list") else {
            continue;
        };
        let Some(built) = index.built_model_fields(serializer) else {
            continue;
        };
        let Some(model) = index.model(built.model) else {
            continue;
        };
        let (fields, _) = index.model_fields(&model);
        for name in &built.names {
            let Some(field) = fields.iter().find(|f| &f.name == name) else {
                continue;
            };
            let kind = last_segment(&field.callee);
            if !field.callee.starts_with("wagtail.") || !HEAVY_FIELDS.contains(&kind) {
                continue;
            }
            let key = (serializer, name.clone());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let serializer_name = index.class_fact(serializer).map_or("", |c| c.name.as_str());
            let model_name = index
                .class_fact(built.model)
                .map_or("", |c| c.name.as_str());
            let Some(viewset_name) = index.class_fact(viewset.id).map(|c| &c.name) else {
                continue;
            };
            hits.push((
                built.meta_file,
                Hit::at(built.listed.clone()).with_message(format!(
                    "`{serializer_name}` builds `{name}` ({kind} on {model_name}) and is `{viewset_name}`'s list serializer: every item of every list response carries the whole body; give the list a serializer without it (or pick one per action in `get_serializer_class()`)"
                )),
            ));
        }
    }
}

/// A DRF base that gives the viewset its `list` action (not a `detail=False` extra
/// action, which may serialize anything).
fn drf_listing_base(base: &str) -> bool {
    base.starts_with("rest_framework.") && DRF_LISTING_BASES.contains(&last_segment(base))
}

/// The fields a Wagtail API viewset lists by default, and the heavy fields models expose
/// through `api_fields`, read in the per-file pass.
fn facts(ctx: &FileContext, _: &FileFacts, facts: &mut RuleFacts) {
    // Not `str::contains`, nor a search of the whole text on each keystroke
    // (`mentions` carries its answers from one to the next).
    if ctx.mentions("listing_default_fields") {
        for &class in ctx.nodes("class_definition") {
            if viewset_kind(ctx, class) != Some(ViewsetKind::WagtailApi) {
                continue;
            }
            for (name, value) in class_assignments(ctx, class) {
                if name == "listing_default_fields" {
                    let mut names = Vec::new();
                    field_names(ctx, value, &mut names);
                    facts.listed_fields.extend(
                        names
                            .into_iter()
                            .map(|(field, node)| (field, node.byte_range())),
                    );
                }
            }
        }
    }
    if ctx.mentions("api_fields") {
        heavy_fields(ctx, &mut facts.heavy_fields);
    }
}

fn check_wagtail_listing(project: &Project, hits: &mut Vec<(usize, Hit)>) {
    let listed: Vec<(usize, &String, &Range<usize>)> = project
        .index
        .files()
        .flat_map(|(index, facts)| {
            facts
                .rules
                .listed_fields
                .iter()
                .map(move |(field, range)| (index, field, range))
        })
        .collect();
    if listed.is_empty() {
        return;
    }
    // Only the models declaring a heavy field of a listed name count (a file's field
    // declarations are in the project index).
    let mut heavy = Vec::new();
    for (_, facts) in project.index.files() {
        let declares_listed = facts.classes.iter().any(|c| {
            c.fields.iter().any(|f| {
                HEAVY_FIELDS.contains(&last_segment(&f.callee))
                    && listed.iter().any(|(_, name, _)| **name == f.name)
            })
        });
        if declares_listed {
            heavy.extend(&facts.rules.heavy_fields);
        }
    }
    for (index, field, range) in listed {
        let Some(found) = heavy.iter().find(|h| &h.name == field) else {
            continue;
        };
        hits.push((
            index,
            Hit::at(range.clone()).with_message(format!(
                "`{field}` is a {} on {} and in the listing's default fields: every item of every list response serializes and renders it; keep it to the detail view (clients can still ask for it with `?fields={field}`)",
                found.kind, found.model
            )),
        ));
    }
}
