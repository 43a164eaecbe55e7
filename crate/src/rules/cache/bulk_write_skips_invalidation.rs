//! CACHE021: a bulk write on a model whose cache is invalidated by a `post_save` receiver.

use super::objects::is_cache_method_call;
use crate::context::{nodes_within, FileContext};
use crate::diagnostic::{Category, Hit, Severity};
use crate::project::facts::{BulkWrite, RuleFacts};
use crate::project::{ClassId, FileFacts, Project};
use crate::rule::{Check, Rule};
use crate::rules::modules::is_test_module;
use crate::rules::querysets::Querysets;
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
    check: Check::ProjectFacts { facts, run: check },
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

/// What a hit needs of one file, read in the per-file pass: which of its receivers touch
/// the cache, and its bulk writes on `Model.objects...` outside tests, unless the function
/// invalidates by itself after them.
fn facts(ctx: &FileContext, file: &FileFacts, facts: &mut RuleFacts) {
    for receiver in &file.receivers {
        let function = ctx
            .nodes("function_definition")
            .iter()
            .find(|f| f.byte_range() == receiver.range);
        if function.is_some_and(|f| touches_cache(ctx, *f)) {
            facts.cache_receivers.push(receiver.range.clone());
        }
    }
    // Tests write rows behind the receivers' back on purpose.
    if is_test_module(ctx.path)
        || !(ctx.mentions(".update(") || ctx.mentions("bulk_update"))
        || !MANAGERS.iter().any(|manager| ctx.mentions(manager))
    {
        return;
    }
    let querysets = Querysets::new(ctx);
    for (call, method, _, model) in querysets.method_calls_on_model(BULK) {
        // A function that invalidates by itself after the bulk write.
        if ctx
            .enclosing_function(call)
            .is_some_and(|f| touches_cache(ctx, f))
        {
            continue;
        }
        facts.bulk_writes.push(BulkWrite {
            call: call.byte_range(),
            model: model.to_string(),
            bulk_update: method != "update",
        });
    }
}

fn check(project: &Project, hits: &mut Vec<(usize, Hit)>) {
    let index = &project.index;
    // The models whose saves a post_save receiver answers by touching the cache.
    let mut invalidated: Vec<(ClassId, String)> = Vec::new();
    for (file, facts) in index.files() {
        let touching = &facts.rules.cache_receivers;
        let candidates = facts.receivers.iter().filter(|r| {
            (!r.senders.is_empty() || !facts.connects.is_empty()) && touching.contains(&r.range)
        });
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
            let name = format!("{}.{}", project.files[file].path, fact.function);
            invalidated.extend(models.into_iter().map(|m| (m, name.clone())));
        }
    }
    if invalidated.is_empty() {
        return;
    }
    for (file, facts) in index.files() {
        if facts.rules.bulk_writes.is_empty() {
            continue;
        }
        // A hit needs `Model.objects...` (or `_default_manager`, `_base_manager`) with
        // `Model` the class or a name it is imported as, written so in the file's text.
        let text = project.files[file].text.as_str();
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
        for write in &facts.rules.bulk_writes {
            let model = write.model.as_str();
            let Some(id) = index.class(file, model) else {
                continue;
            };
            let Some((_, receiver_name)) = invalidated.iter().find(|(m, _)| *m == id) else {
                continue;
            };
            let what = if write.bulk_update {
                "`bulk_update()`"
            } else {
                "`QuerySet.update()`"
            };
            hits.push((
                file,
                Hit::at(write.call.clone()).with_message(format!(
                    "{what} sends no `post_save`: `{receiver_name}` invalidates the cache of `{model}` on `post_save` and never runs for these rows; invalidate them here"
                )),
            ));
        }
    }
}

/// Cache methods that drop or replace entries: what invalidation does. A receiver that only
/// reads (`get`), fills a missing entry (`add`, `get_or_set`) or counts (`incr`, `decr`:
/// a per-day change counter, a statistic) leaves no row's entry for a bulk write to make
/// stale.
const INVALIDATES: &[&str] = &[
    "delete",
    "delete_many",
    "delete_pattern",
    "clear",
    "set",
    "set_many",
    "adelete",
    "adelete_many",
    "aclear",
    "aset",
    "aset_many",
];

/// Whether `function` drops or replaces cache entries (`INVALIDATES`), or calls a function
/// whose name says cache (`BlogCacheService.invalidate_lists()`, `invalidate_cache(...)`).
fn touches_cache<'a>(ctx: &FileContext<'a>, function: Node<'a>) -> bool {
    nodes_within(ctx, "call", function).any(|call| {
        // A call of the cache's own API is judged by its method (`cache.incr(...)` names
        // the cache too).
        if is_cache_method_call(ctx, call) {
            return ctx
                .method_call(call)
                .is_some_and(|(_, method)| INVALIDATES.contains(&method));
        }
        ctx.callee(call)
            .is_some_and(|c| ctx.text(c).to_ascii_lowercase().contains("cache"))
    })
}
