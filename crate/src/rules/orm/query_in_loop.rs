//! ORM013: a query for each item of a loop.

use crate::context::{nodes_within, FileContext};
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use crate::rules::modules::{in_data_migration, is_offline_module};
use crate::rules::querysets::{may_hold_querysets, Origin, Querysets};
use crate::semantic::queryset_api::{CHAINED, READS};
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "ORM013",
    name: "query-in-loop",
    severity: Severity::Info,
    category: Category::Orm,
    message: "A query for each row of the loop: N round trips to the database",
    explanation: crate::rule::explanation!("query_in_loop.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::File(check),
};

const BAD: &str = r#"from .models import Customer, Order


def invoice_all():
    for order in Order.objects.filter(status="paid"):
        customer = Customer.objects.get(pk=order.customer_id)
        send_invoice(customer, order)

"#;

const FIXED: &str = r#"from .models import Customer, Order


def invoice_all():
    for order in Order.objects.filter(status="paid").select_related("customer"):
        send_invoice(order.customer, order)

"#;

/// Methods that write: a chain ending in one is not a read (and is left alone).
const WRITES: &[&str] = &[
    "create",
    "get_or_create",
    "update_or_create",
    "update",
    "delete",
    "bulk_create",
    "bulk_update",
];

fn check<'a>(ctx: &FileContext<'a>, hits: &mut Vec<Hit>) {
    if !may_hold_querysets(ctx) || is_offline_module(ctx.path) {
        return;
    }
    let querysets = Querysets::new(ctx);
    for &loop_ in ctx.nodes("for_statement") {
        let (Some(target), Some(iterable), Some(body)) = (
            ctx.field(loop_, "left"),
            ctx.field(loop_, "right"),
            loop_.field("body"),
        ) else {
            continue;
        };
        let targets = target_names(ctx, target);
        if targets.is_empty() {
            continue;
        }
        // Rows of a queryset, each followed by a query about it: the N+1 that a
        // prefetch or `__in` removes. Loops over other values (input
        // rows, ids, choices) are left alone: there a query per item may be the design.
        if querysets.of(iterable).is_none() {
            continue;
        }
        let function = ctx.enclosing_function(loop_).map(|f| f.id());
        for call in nodes_within(ctx, "call", body) {
            if ctx.enclosing_function(call).map(|f| f.id()) != function {
                continue;
            }
            let Some((receiver, method)) = ctx.method_call(call) else {
                continue;
            };
            let is_query = if CHAINED.contains(&method) {
                false
            } else {
                READS.contains(&method)
            };
            if !is_query && !CHAINED.contains(&method)
                || continues_chain(ctx, call)
                || ends_in_write(ctx, call)
            {
                continue;
            }
            let chain = if is_query {
                querysets.of(receiver)
            } else {
                querysets.of(call)
            };
            let Some(chain) = chain.filter(|q| q.origin == Origin::Manager) else {
                continue;
            };
            // Per item: the query's arguments name the loop variable.
            let names_row = |node: Node<'a>| {
                nodes_within(ctx, "identifier", node).any(|i| targets.contains(&ctx.text(i)))
            };
            let arguments: Vec<Node> = std::iter::once(call)
                .chain(chain.steps.iter().map(|s| s.node))
                .filter_map(|c| ctx.field(c, "arguments"))
                .collect();
            if !arguments.iter().any(|args| names_row(*args))
                || chain.root.start_byte() < body.start_byte()
            {
                continue;
            }
            // Lookups the row supplies itself (`filter(**rule.constraints)`): each row's
            // query has its own fields and operators, which no `__in`, prefetch or bulk
            // read can batch.
            let row_lookups = arguments.iter().any(|args| {
                ctx.named_children(*args).any(|arg| {
                    arg.kind_name() == "dictionary_splat"
                        && ctx
                            .first_named_child(arg)
                            .is_some_and(|v| v.kind_name() != "dictionary" && names_row(v))
                })
            });
            if row_lookups || in_data_migration(ctx, loop_) {
                continue;
            }
            // Deliberate per-row queries: a row locked on its own (`select_for_update()`),
            // a row re-read by its own key (`get(pk=row.pk)`, a refresh), a fallback in an
            // `except` clause; and a chain only built here (assigned, then written to).
            let refresh = ctx
                .keyword_arg(call, "pk")
                .or_else(|| ctx.keyword_arg(call, "id"))
                .is_some_and(|v| {
                    v.kind_name() == "attribute"
                        && ctx
                            .field(v, "object")
                            .is_some_and(|o| targets.contains(&ctx.text(o)))
                        && ctx
                            .field(v, "attribute")
                            .is_some_and(|a| matches!(ctx.text(a), "pk" | "id"))
                });
            let in_except = ctx
                .ancestors(call)
                .take_while(|a| a.id() != loop_.id())
                .any(|a| a.kind_name() == "except_clause");
            if chain.applies("select_for_update")
                || refresh
                || in_except
                || !is_query && !iterated(ctx, call)
            {
                continue;
            }
            hits.push(Hit::node(call).with_message(format!(
                "`{method}()` queries once per row of the loop: N round trips; fetch them together (`select_related()`, `prefetch_related()`, `__in`, `in_bulk()`)"
            )));
        }
    }
}

fn target_names<'a>(ctx: &FileContext<'a>, target: Node<'a>) -> Vec<&'a str> {
    if target.kind_name() == "identifier" {
        return vec![ctx.text(target)];
    }
    nodes_within(ctx, "identifier", target)
        .map(|i| ctx.text(i))
        .collect()
}

/// Whether `call` is the receiver of a further queryset method.
fn continues_chain<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> bool {
    let Some(attribute) = ctx.parent(call).filter(|p| p.kind_name() == "attribute") else {
        return false;
    };
    ctx.parent(attribute)
        .filter(|c| c.kind_name() == "call")
        .and_then(|c| ctx.method_call(c))
        .is_some_and(|(_, m)| CHAINED.contains(&m) || READS.contains(&m))
}

/// Whether the chain that `call` belongs to ends in a write (`.filter(...).update(...)`).
fn ends_in_write<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> bool {
    let mut node = call;
    for _ in 0..32 {
        let Some(next) = ctx
            .parent(node)
            .filter(|p| p.kind_name() == "attribute")
            .and_then(|a| ctx.parent(a))
            .filter(|c| c.kind_name() == "call")
        else {
            return false;
        };
        match ctx.method_call(next) {
            Some((_, m)) if WRITES.contains(&m) => return true,
            Some(_) => node = next,
            None => return false,
        }
    }
    false
}

/// Whether the queryset `call` builds is iterated where it stands: a `for` loop or a
/// comprehension over it, or `list()`/`len()`/... of it.
fn iterated<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> bool {
    let Some(parent) = ctx.parent(call) else {
        return false;
    };
    match parent.kind_name() {
        "for_statement" | "for_in_clause" => ctx
            .field(parent, "right")
            .is_some_and(|r| r.id() == call.id()),
        "argument_list" => ctx.parent(parent).is_some_and(|c| {
            ctx.callee(c).is_some_and(|f| {
                f.kind_name() == "identifier"
                    && matches!(
                        ctx.text(f),
                        "list" | "tuple" | "set" | "len" | "sorted" | "bool"
                    )
            })
        }),
        _ => false,
    }
}
