//! ORM001: a viewset's `get_queryset` prefetches the same relations for every action.

use super::is_prefetch_object;
use super::viewset::{may_list, methods, nodes_within, reads_action, viewset_kind};
use crate::context::Field;
use crate::context::FileContext;
use crate::diagnostic::Hit;
use crate::rule::{Category, Check, Rule, Severity};
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "ORM001",
    name: "unconditional-viewset-prefetch",
    severity: Severity::Blocker,
    category: Category::Orm,
    message: "`get_queryset` prefetches for every action: branch on `self.action` so list views load less",
    explanation: include_str!("unconditional_viewset_prefetch.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::File(check),
};

const BAD: &str = r#"from rest_framework import viewsets

from .models import BlogPost
from .serializers import BlogPostSerializer


class BlogPostViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BlogPostSerializer

    def get_queryset(self):
        return BlogPost.objects.prefetch_related("tags", "related_plant_species")
"#;

const FIXED: &str = r#"from django.db.models import Prefetch
from rest_framework import viewsets

from .models import BlogPost, BlogPostPlantSpecies
from .serializers import BlogPostSerializer

MAX_LISTED_PLANT_SPECIES = 5


class BlogPostViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BlogPostSerializer

    def get_queryset(self):
        queryset = BlogPost.objects.all()
        action = getattr(self, "action", None)
        if action == "list":
            limited = BlogPostPlantSpecies.objects.order_by("position")
            return queryset.prefetch_related(
                Prefetch(
                    "related_plant_species",
                    queryset=limited[:MAX_LISTED_PLANT_SPECIES],
                    # A sliced Prefetch needs to_attr: the serializer reads
                    # post.listed_plant_species on the list.
                    to_attr="listed_plant_species",
                )
            )
        return queryset.prefetch_related("tags", "related_plant_species")
"#;

/// Whether `function` or a method of `class` it calls as `self.name(...)` reads the action.
fn function_reads_action<'a>(ctx: &FileContext<'a>, class: Node<'a>, function: Node<'a>) -> bool {
    if reads_action(ctx, function) {
        return true;
    }
    let called: Vec<&str> = nodes_within(ctx, "call", function)
        .filter_map(|c| ctx.method_call(c))
        .filter(|(receiver, _)| receiver.kind() == "identifier" && ctx.text(*receiver) == "self")
        .map(|(_, name)| name)
        .collect();
    methods(ctx, class).into_iter().any(|m| {
        m.id() != function.id() && called.contains(&ctx.definition_name(m)) && reads_action(ctx, m)
    })
}

/// The lookups a `prefetch_related` call names (strings, and `Prefetch("x", ...)`), as
/// `` `a`, `b` ``.
fn prefetched_lookups<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> String {
    let names: Vec<String> = ctx
        .positional_args(call)
        .into_iter()
        .filter_map(|arg| match arg.kind() {
            "call" if is_prefetch_object(ctx, arg) => ctx
                .argument(arg, 0, "lookup")
                .and_then(|l| ctx.string_value(l)),
            _ => ctx.string_value(arg),
        })
        .map(|name| format!("`{name}`"))
        .collect();
    names.join(", ")
}

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    // (get_queryset, whether it is an unconditional viewset prefetch), decided once each.
    let mut decided: Vec<(usize, bool)> = Vec::new();
    for (call, _, _) in ctx.method_calls(&["prefetch_related"]) {
        // `prefetch_related(None)` clears the lookups: not a prefetch.
        if ctx.positional_args(call).iter().all(|a| a.kind() == "none") {
            continue;
        }
        let Some(function) = ctx.enclosing_function(call) else {
            continue;
        };
        if ctx.definition_name(function) != "get_queryset" {
            continue;
        }
        let flagged = match decided.iter().find(|(id, _)| *id == function.id()) {
            Some((_, flagged)) => *flagged,
            None => {
                let flagged = ctx.method_class(function).is_some_and(|class| {
                    // DRF's signature; Wagtail admin viewsets take `request` and have no action.
                    ctx.parameter_names(function) == ["self"]
                        && viewset_kind(ctx, class).is_some_and(|kind| may_list(ctx, class, kind))
                        && !function_reads_action(ctx, class, function)
                });
                decided.push((function.id(), flagged));
                flagged
            }
        };
        if flagged {
            // From `prefetch_related` to the closing parenthesis, not the whole chain.
            let start = ctx
                .callee(call)
                .and_then(|c| c.field("attribute"))
                .map_or(call.start_byte(), |a| a.start_byte());
            let mut hit = Hit::at(start..call.end_byte());
            let lookups = prefetched_lookups(ctx, call);
            if !lookups.is_empty() {
                hit = hit.with_message(format!(
                    "`get_queryset` prefetches {lookups} for every action: branch on `self.action` so list views load less"
                ));
            }
            hits.push(hit);
        }
    }
}
