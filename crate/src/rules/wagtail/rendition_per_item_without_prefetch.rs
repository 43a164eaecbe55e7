//! WAG011: `get_rendition()` on each item's image in a loop over a queryset that does not
//! prefetch renditions.

use crate::context::FileContext;
use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::project::viewsets::is_prefetch_object;
use crate::rule::{Check, Rule};
use crate::rules::modules::{in_data_migration, is_offline_module};
use crate::rules::querysets::{may_hold_querysets, Origin, Queryset, Querysets};
use crate::semantic::bindings::assigned_value;
use crate::semantic::loops::loop_iterable;
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "WAG011",
    name: "rendition-per-item-without-prefetch",
    severity: Severity::Warning,
    category: Category::Wagtail,
    message:
        "`get_rendition()` on each item's image without prefetched renditions: a lookup per item",
    explanation: crate::rule::explanation!("rendition_per_item_without_prefetch.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Unsafe),
    check: Check::File(check),
};

const BAD: &str = r#"from django.db import models
from wagtail.models import Page


class BlogPage(Page):
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, on_delete=models.SET_NULL, related_name="+"
    )


def blog_cards(index_page):
    return [
        {"title": post.title, "thumbnail": post.hero_image.get_rendition("fill-400x300").url}
        for post in BlogPage.objects.child_of(index_page).live()
        if post.hero_image
    ]
"#;

const FIXED: &str = r#"from django.db import models
from wagtail.models import Page


class BlogPage(Page):
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, on_delete=models.SET_NULL, related_name="+"
    )


def blog_cards(index_page):
    return [
        {"title": post.title, "thumbnail": post.hero_image.get_rendition("fill-400x300").url}
        for post in BlogPage.objects.child_of(index_page).live().prefetch_related("hero_image__renditions")
        if post.hero_image
    ]
"#;

/// What the loop asks renditions of: the item itself (a loop over images) or one of its
/// relations (`post.hero_image`, also through `post.specific.hero_image`).
enum Target<'a> {
    Item,
    Relation(&'a str),
}

/// The loop item and the target, for a `get_rendition()` receiver.
fn target<'a>(ctx: &FileContext<'a>, receiver: Node<'a>) -> Option<(Node<'a>, Target<'a>)> {
    match receiver.kind_name() {
        "identifier" => Some((receiver, Target::Item)),
        "attribute" => {
            let relation = ctx.text(receiver.field("attribute")?);
            let mut object = receiver.field("object")?;
            if object.kind_name() == "attribute"
                && object
                    .field("attribute")
                    .is_some_and(|a| ctx.text(a) == "specific")
            {
                object = object.field("object")?;
            }
            (object.kind_name() == "identifier").then_some((object, Target::Relation(relation)))
        }
        _ => None,
    }
}

/// Whether the chain prefetches the target's renditions, or might (a lookup that is not a
/// literal): `prefetch_renditions(...)` on images, `prefetch_related("renditions")`,
/// `prefetch_related("hero_image__renditions")`, or `Prefetch("hero_image", queryset=...)`
/// whose queryset prefetches renditions.
fn may_prefetch<'a>(ctx: &FileContext<'a>, queryset: &Queryset<'a>, target: &Target) -> bool {
    let wanted = match target {
        Target::Item => "renditions".to_string(),
        Target::Relation(relation) => format!("{relation}__renditions"),
    };
    for step in &queryset.steps {
        match step.method {
            "prefetch_renditions" if matches!(target, Target::Item) => return true,
            "prefetch_related" => {}
            _ => continue,
        }
        let Some(args) = step.node.field("arguments") else {
            return true;
        };
        let mut cursor = args.walk();
        for arg in args.named_children(&mut cursor) {
            if let Some(lookup) = ctx.string_value(arg) {
                if lookup == wanted || lookup.starts_with(&format!("{wanted}__")) {
                    return true;
                }
                continue;
            }
            if arg.kind_name() == "call" && is_prefetch_object(ctx, arg) {
                let lookup = ctx
                    .argument(arg, 0, "lookup")
                    .and_then(|l| ctx.string_value(l));
                let Some(lookup) = lookup else {
                    return true;
                };
                // The inner queryset, through a local name (`queryset=thumbnails`); one
                // that cannot be read (a parameter) may prefetch them.
                let inner = ctx
                    .argument(arg, 1, "queryset")
                    .map(|q| match q.kind_name() {
                        "identifier" => assigned_value(ctx, ctx.text(q), q),
                        _ => Some(q),
                    });
                let renditions_inside = match inner {
                    Some(Some(q)) => ctx.text(q).contains("renditions"),
                    Some(None) => true,
                    None => false,
                };
                match target {
                    Target::Item if lookup.starts_with("renditions") => return true,
                    Target::Relation(relation)
                        if lookup == *relation && renditions_inside
                            || lookup.starts_with(&wanted) =>
                    {
                        return true
                    }
                    _ => continue,
                }
            }
            // `*lookups`, a name: unknown.
            if arg.kind_name() != "comment" {
                return true;
            }
        }
    }
    false
}

/// Whether `relation` is a `ForeignKey`/`OneToOneField` of the model class `model`
/// defined in this file: then `prefetch_related("<relation>__renditions")` is a valid
/// lookup.
fn is_local_relation(ctx: &FileContext, model: &str, relation: &str) -> bool {
    ctx.nodes("class_definition")
        .iter()
        .filter(|c| ctx.definition_name(**c) == model)
        .filter_map(|c| c.field("body"))
        .any(|body| {
            let mut cursor = body.walk();
            let found = body
                .named_children(&mut cursor)
                .filter(|s| s.kind_name() == "expression_statement")
                .filter_map(|s| s.named_child(0))
                .filter(|a| a.kind_name() == "assignment")
                .any(|a| {
                    a.field("left").is_some_and(|l| ctx.text(l) == relation)
                        && a.field("right").is_some_and(|r| {
                            r.kind_name() == "call"
                                && matches!(
                                    ctx.call_simple_name(r),
                                    Some("ForeignKey" | "OneToOneField")
                                )
                        })
                });
            found
        })
}

/// The fix: `.prefetch_related("<relation>__renditions")` appended to the loop's iterable,
/// where the iterable is the queryset written in place (not a name, not sliced) over a
/// model of this file on which the relation is a `ForeignKey` or `OneToOneField`.
fn fix<'a>(
    ctx: &FileContext<'a>,
    iterable: Node<'a>,
    queryset: &Queryset<'a>,
    target: &Target,
) -> Option<(String, Vec<Edit>)> {
    let Target::Relation(relation) = target else {
        return None;
    };
    if iterable.kind_name() != "call" || queryset.steps.iter().any(|s| s.method == "[]") {
        return None;
    }
    let model = queryset.model_name(ctx)?;
    if !is_local_relation(ctx, model, relation) {
        return None;
    }
    Some((
        format!("Prefetch `{relation}__renditions`"),
        vec![Edit::insert(
            iterable.end_byte(),
            format!(".prefetch_related(\"{relation}__renditions\")"),
        )],
    ))
}

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    if !ctx.mentions("get_rendition") || !may_hold_querysets(ctx) || is_offline_module(ctx.path) {
        return;
    }
    let querysets = Querysets::new(ctx);
    for (call, receiver, method) in ctx.method_calls(&["get_rendition", "get_renditions"]) {
        let Some((item, target)) = target(ctx, receiver) else {
            continue;
        };
        let Some(iterable) = loop_iterable(ctx, item) else {
            continue;
        };
        let Some(queryset) = querysets.of(iterable) else {
            continue;
        };
        // `get_queryset()` may prefetch where this file cannot see.
        if !matches!(queryset.origin, Origin::Manager | Origin::PageTree)
            || may_prefetch(ctx, &queryset, &target)
            || in_data_migration(ctx, call)
        {
            continue;
        }
        let advice = match &target {
            Target::Item => "prefetch them on the image queryset with `.prefetch_renditions(spec, ...)` (Wagtail 4.0+)".to_string(),
            Target::Relation(relation) => format!(
                "prefetch them with `.prefetch_related(\"{relation}__renditions\")` or `Prefetch(\"{relation}\", queryset=Image.objects.prefetch_renditions(spec))`"
            ),
        };
        let mut hit = Hit::node(call).with_message(format!(
            "`{}.{method}()` on each item of `{}`, which does not prefetch renditions: a cache or database lookup per item; {advice}",
            ctx.text(receiver),
            ctx.text(iterable)
        ));
        if let Some((title, edits)) = fix(ctx, iterable, &queryset, &target) {
            hit = hit.with_fix(title, edits);
        }
        hits.push(hit);
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{fix_files, MAX_FIX_ROUNDS};
    use crate::source::SourceFile;

    #[test]
    fn fix_gives_the_fixed_example() {
        let files = [SourceFile::new("m.py", super::BAD)];
        let outcome = fix_files(
            &files,
            &|_, rule| rule.id == "WAG011",
            &|_| true,
            MAX_FIX_ROUNDS,
        );
        assert_eq!(outcome.files[0].text, super::FIXED);
    }
}
