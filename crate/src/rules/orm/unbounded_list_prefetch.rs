//! ORM002: the list branch prefetches whole related sets with a plain string lookup.

use super::viewset::in_list_branch;
use crate::context::FileContext;
use crate::diagnostic::Hit;
use crate::rule::{Category, Check, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "ORM002",
    name: "unbounded-list-prefetch",
    severity: Severity::Warning,
    category: Category::Orm,
    message: "The list branch prefetches every related row: bound it with `Prefetch(lookup, queryset=...[:LIMIT], to_attr=...)`",
    explanation: include_str!("unbounded_list_prefetch.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::File(check),
};

const BAD: &str = r#"from rest_framework import viewsets

from .models import BlogPost


class BlogPostViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        queryset = BlogPost.objects.all()
        if self.action == "list":
            queryset = queryset.prefetch_related("related_plant_species")
        elif self.action == "retrieve":
            queryset = queryset.prefetch_related("related_plant_species", "tags")
        return queryset
"#;

const FIXED: &str = r#"from django.db.models import Prefetch
from rest_framework import viewsets

from .models import BlogPost, BlogPostPlantSpecies

MAX_LISTED_PLANT_SPECIES = 5


class BlogPostViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        queryset = BlogPost.objects.all()
        if self.action == "list":
            species = BlogPostPlantSpecies.objects.order_by("position")
            queryset = queryset.prefetch_related(
                Prefetch(
                    "related_plant_species",
                    queryset=species[:MAX_LISTED_PLANT_SPECIES],
                    # A sliced Prefetch needs to_attr: the list serializer reads
                    # post.listed_plant_species, a list of at most 5 rows.
                    to_attr="listed_plant_species",
                )
            )
        elif self.action == "retrieve":
            queryset = queryset.prefetch_related("related_plant_species", "tags")
        return queryset
"#;

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    for (call, _, _) in ctx.method_calls(&["prefetch_related"]) {
        let lookups: Vec<_> = ctx
            .positional_args(call)
            .into_iter()
            .filter_map(|a| ctx.string_value(a).map(|v| (a, v)))
            .collect();
        if lookups.is_empty() || !in_list_branch(ctx, call) {
            continue;
        }
        for (node, lookup) in lookups {
            hits.push(Hit::node(node).with_message(format!(
                "The list branch prefetches every `{lookup}` row of every object: bound it with `Prefetch(\"{lookup}\", queryset=...[:LIMIT], to_attr=...)`"
            )));
        }
    }
}
