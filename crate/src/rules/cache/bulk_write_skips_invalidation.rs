//! CACHE021: a bulk write on a model whose cache is invalidated by a `post_save` receiver.

use super::objects::is_cache_method_call;
use crate::context::{nodes_within, FileContext};
use crate::diagnostic::{Category, Hit, Severity};
use crate::project::{ClassId, Project};
use crate::rule::{Check, Rule};
use crate::rules::modules::is_test_module;
use crate::rules::querysets::{Origin, Querysets};
use crate::semantic::queryset_api::MANAGERS;
use crate::source::text_contains;
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "CACHE021",
    name: "bulk-write-skips-invalidation",
    severity: Severity::Warning,
    category: Category::Cache,
    message: "A bulk write sends no `post_save`: the receiver that invalidates this model's cache never runs",
    explanation: crate::rule::explanation!("bulk_write_skips_invalidation.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::Project(check),
};

const BAD: &str = r#"# file: shop/models.py
from django.db import models


class Product(models.Model):
    price = models.DecimalField(max_digits=8, decimal_places=2)
    on_sale = models.BooleanField(default=False)

# file: shop/signals.py
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Product


@receiver(post_save, sender=Product)
def forget_product(sender, instance, **kwargs):
    transaction.on_commit(lambda: cache.delete(f"product:{instance.pk}"))

# file: shop/sales.py
from .models import Product


def end_sale():
    Product.objects.filter(on_sale=True).update(on_sale=False)
"#;

const FIXED: &str = r#"# file: shop/models.py
from django.db import models


class Product(models.Model):
    price = models.DecimalField(max_digits=8, decimal_places=2)
    on_sale = models.BooleanField(default=False)

# file: shop/signals.py
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Product


def product_key(pk):
    return f"product:{pk}"


@receiver(post_save, sender=Product)
def forget_product(sender, instance, **kwargs):
    key = product_key(instance.pk)
    transaction.on_commit(lambda: cache.delete(key))

# file: shop/sales.py
from django.core.cache import cache
from django.db import transaction

from .models import Product
from .signals import product_key


def end_sale():
    products = Product.objects.filter(on_sale=True)
    keys = [product_key(pk) for pk in products.values_list("pk", flat=True)]
    products.update(on_sale=False)
    transaction.on_commit(lambda: cache.delete_many(keys))
"#;

/// The bulk writes that change existing rows: `QuerySet.update()`, `bulk_update()`.
/// (`bulk_create()` sends no `post_save` either, but its rows are new: no entry cached
/// per row can be stale.)
const BULK: &[&str] = &["update", "bulk_update"];

fn check(project: &Project, hits: &mut Vec<(usize, Hit)>) {
    let index = &project.index;
    // The models whose saves a post_save receiver answers by touching the cache.
    let mut invalidated: Vec<(ClassId, String)> = Vec::new();
    for (file, facts) in index.files() {
        let candidates: Vec<_> = facts
            .receivers
            .iter()
            .filter(|r| !r.senders.is_empty() || !facts.connects.is_empty())
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let mut ctx = None;
        for fact in candidates {
            let Some(fact) = index.receiver_at(file, fact.range.clone()) else {
                continue;
            };
            if !fact
                .signals
                .iter()
                .any(|s| s.rsplit('.').next() == Some("post_save"))
            {
                continue;
            }
            let (models, _) = index.sender_models(file, &fact);
            if models.is_empty() {
                continue;
            }
            let ctx = match &ctx {
                Some(ctx) => ctx,
                None => match project.context(file) {
                    Some(c) => ctx.insert(c),
                    None => break,
                },
            };
            let Some(function) = ctx
                .nodes("function_definition")
                .iter()
                .find(|f| f.byte_range() == fact.range)
                .copied()
            else {
                continue;
            };
            if touches_cache(ctx, function) {
                let name = format!("{}.{}", project.files[file].path, fact.function);
                invalidated.extend(models.into_iter().map(|m| (m, name.clone())));
            }
        }
    }
    if invalidated.is_empty() {
        return;
    }
    for (file, source) in project.files.iter().enumerate() {
        let text = source.text.as_str();
        // Tests write rows behind the receivers' back on purpose.
        if is_test_module(&source.path)
            || !(text_contains(text, ".update(") || text_contains(text, "bulk_update"))
        {
            continue;
        }
        // A hit needs `Model.objects...` (or `_default_manager`, `_base_manager`) with
        // `Model` the class or a name it is imported as: the file's text says whether it
        // can, before the file is parsed again.
        let imports = project.imports(file);
        let mentions_model = invalidated.iter().any(|(id, _)| {
            index.class_fact(*id).is_some_and(|c| {
                let aliases = imports.into_iter().flat_map(|i| i.locals_named(&c.name));
                std::iter::once(c.name.as_str())
                    .chain(aliases)
                    .any(|local| {
                        MANAGERS
                            .iter()
                            .any(|manager| text_contains(text, &format!("{local}.{manager}")))
                    })
            })
        });
        if !mentions_model {
            continue;
        }
        let Some(ctx) = project.context(file) else {
            continue;
        };
        let querysets = Querysets::new(&ctx);
        for (call, receiver, method) in ctx.method_calls(BULK) {
            let Some(queryset) = querysets.of(receiver) else {
                continue;
            };
            if queryset.origin != Origin::Manager {
                continue;
            }
            let Some(model) = queryset.model_name(&ctx) else {
                continue;
            };
            let Some(id) = index.class(file, model) else {
                continue;
            };
            let Some((_, receiver_name)) = invalidated.iter().find(|(m, _)| *m == id) else {
                continue;
            };
            // A function that invalidates by itself after the bulk write.
            if ctx
                .enclosing_function(call)
                .is_some_and(|f| touches_cache(&ctx, f))
            {
                continue;
            }
            let what = match method {
                "update" => "`QuerySet.update()`",
                _ => "`bulk_update()`",
            };
            hits.push((
                file,
                Hit::node(call).with_message(format!(
                    "{what} sends no `post_save`: `{receiver_name}` invalidates the cache of `{model}` on `post_save` and never runs for these rows; invalidate them here"
                )),
            ));
        }
    }
}

/// Whether `function` calls a cache method, or a function whose name says cache
/// (`BlogCacheService.invalidate_lists()`, `invalidate_cache(...)`).
fn touches_cache<'a>(ctx: &FileContext<'a>, function: Node<'a>) -> bool {
    nodes_within(ctx, "call", function).any(|call| {
        is_cache_method_call(ctx, call)
            || ctx
                .callee(call)
                .is_some_and(|c| ctx.text(c).to_ascii_lowercase().contains("cache"))
    })
}
