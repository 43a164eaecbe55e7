//! WAG010: `.specific` read on each page of a loop over generic pages: one query per page.

use crate::context::FileContext;
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use crate::rules::modules::{in_data_migration, is_offline_module};
use crate::rules::querysets::{may_hold_querysets, yields_generic_pages, Querysets};
use crate::semantic::loops::loop_iterable;

pub static RULE: Rule = Rule {
    id: "WAG010",
    name: "specific-per-item",
    severity: Severity::Warning,
    category: Category::Wagtail,
    message: "`.specific` read on each page of a loop: one query per page; call `.specific()` on the queryset",
    explanation: crate::rule::explanation!("specific_per_item.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::File(check),
};

const BAD: &str = r#"from wagtail.models import Page


class HomePage(Page):
    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["cards"] = [
            child.specific.card_context() for child in self.get_children().live()
        ]
        return context
"#;

const FIXED: &str = r#"from wagtail.models import Page


class HomePage(Page):
    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["cards"] = [
            child.card_context() for child in self.get_children().live().specific()
        ]
        return context
"#;

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    if !ctx.mentions(".specific") || !may_hold_querysets(ctx) || is_offline_module(ctx.path) {
        return;
    }
    let querysets = Querysets::new(ctx);
    for &attribute in ctx.nodes("attribute") {
        let Some(name) = attribute.field("attribute") else {
            continue;
        };
        if ctx.text(name) != "specific" {
            continue;
        }
        // `qs.specific()` is the queryset method this rule recommends.
        if ctx.parent(attribute).is_some_and(|p| {
            p.kind_name() == "call"
                && p.field("function")
                    .is_some_and(|f| f.id() == attribute.id())
        }) {
            continue;
        }
        let Some(item) = attribute
            .field("object")
            .filter(|o| o.kind_name() == "identifier")
        else {
            continue;
        };
        let Some(iterable) = loop_iterable(ctx, item) else {
            continue;
        };
        let Some(queryset) = querysets.of(iterable) else {
            continue;
        };
        if queryset.applies("specific")
            || !yields_generic_pages(ctx, &queryset)
            || in_data_migration(ctx, attribute)
        {
            continue;
        }
        let item = ctx.text(item);
        hits.push(Hit::node(attribute).with_message(format!(
            "`{item}.specific` on each page of the loop over `{}`: one query per page; call `.specific()` on the queryset (one query per page type)",
            ctx.text(iterable)
        )));
    }
}
