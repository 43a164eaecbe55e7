//! ORM012: `len(qs)` or `if qs:` loads every row to count them or to see there is one.

use crate::context::FileContext;
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use crate::rules::modules::{in_data_migration, is_offline_module};
use crate::rules::querysets::{may_hold_querysets, Origin, Querysets};
use crate::semantic::bindings::{names_within, reads_all_locals};
use crate::semantic::queryset_api::CHAINED;
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "ORM012",
    name: "queryset-evaluated-for-size",
    severity: Severity::Warning,
    category: Category::Orm,
    message: "The queryset is evaluated only to measure it: every row is loaded and then thrown away; use `count()` or `exists()`",
    explanation: crate::rule::explanation!("queryset_evaluated_for_size.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::File(check),
};

const BAD: &str = r#"from .models import Order


def dashboard(request):
    open_orders = Order.objects.filter(status="open")
    late = Order.objects.filter(status="open", due__lt=today())
    return {
        "open": len(open_orders),
        "alert": "late orders" if late else "",
    }
"#;

const FIXED: &str = r#"from .models import Order


def dashboard(request):
    open_orders = Order.objects.filter(status="open")
    late = Order.objects.filter(status="open", due__lt=today())
    return {
        "open": open_orders.count(),
        "alert": "late orders" if late.exists() else "",
    }
"#;

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    // Tests, migrations and management commands run once: the cost is not paid per request.
    if !may_hold_querysets(ctx) || is_offline_module(ctx.path) {
        return;
    }
    let querysets = Querysets::new(ctx);
    // `len(x)`.
    if ctx.mentions("len(") {
        for call in ctx.calls_named(&["len"]) {
            let Some(callee) = ctx.callee(call) else {
                continue;
            };
            if callee.kind_name() != "identifier" || ctx.text(callee) != "len" {
                continue;
            }
            let args = ctx.positional_args(call);
            let [arg] = args[..] else {
                continue;
            };
            if measured_only(ctx, &querysets, arg) && !in_data_migration(ctx, call) {
                hits.push(Hit::node(call).with_message(
                    "`len()` of a queryset loads every row to count them, and nothing uses the rows afterwards: use `count()`",
                ));
            }
        }
    }
    // `if qs:`, `not qs`, `a if qs else b`: only plain names, whose later uses can be read.
    let mut conditions = Vec::new();
    for (kind, field) in [
        ("if_statement", "condition"),
        ("elif_clause", "condition"),
        ("while_statement", "condition"),
        ("not_operator", "argument"),
    ] {
        conditions.extend(ctx.nodes_with_field(kind, field).filter_map(|(_, f)| f));
    }
    conditions.extend(
        ctx.nodes("conditional_expression")
            .iter()
            .filter_map(|n| ctx.named_children(*n).nth(1)),
    );
    conditions.extend(
        ctx.nodes("assert_statement")
            .iter()
            .filter_map(|n| ctx.first_named_child(*n)),
    );
    while let Some(condition) = conditions.pop() {
        let condition = ctx.unparenthesize(condition);
        match condition.kind_name() {
            "boolean_operator" => {
                conditions.extend(ctx.field(condition, "left"));
                conditions.extend(ctx.field(condition, "right"));
            }
            "identifier"
                if measured_only(ctx, &querysets, condition)
                    && !in_data_migration(ctx, condition) =>
            {
                hits.push(Hit::node(condition).with_message(
                    "The truth value of a queryset loads every row, and nothing uses the rows afterwards: use `exists()`",
                ));
            }
            _ => {}
        }
    }
    crate::order::sort_by_key(hits, |h| [h.range.start, 0, 0, 0]);
}

/// Whether `expr` is a queryset (not a bare manager) whose rows nothing else reads: a
/// chain built in place, or a local name used nowhere else in its function than in its
/// own assignments and here, in a function that does not hand all its locals on
/// (`context=locals()`).
fn measured_only<'a>(ctx: &FileContext<'a>, querysets: &Querysets<'_, 'a>, expr: Node<'a>) -> bool {
    let expr = ctx.unparenthesize(expr);
    // A name's other uses are looked at before what it holds: most names tested for truth
    // are used again right after (`if fields: ... fields ...`), which answers at once,
    // where following its assignments to a queryset reads the whole function.
    match expr.kind_name() {
        "identifier" => {
            let Some(function) = ctx.enclosing_function(expr) else {
                return false;
            };
            let name = ctx.text(expr);
            let used_elsewhere = names_within(ctx, name, function)
                .any(|other| other.id() != expr.id() && !is_own_assignment(ctx, other, name));
            if used_elsewhere || reads_all_locals(ctx, function) {
                return false;
            }
        }
        "call" | "subscript" => {}
        _ => return false,
    }
    let Some(queryset) = querysets.of(expr) else {
        return false;
    };
    // A bare `self.get_queryset()` may hand out one cached queryset whose rows other
    // code reads later (Django's `BaseModelFormSet.get_queryset()` keeps it in
    // `self._queryset`): measuring it there loads rows that are used anyway.
    !(queryset.is_manager() || queryset.origin == Origin::GetQueryset && queryset.steps.is_empty())
}

/// `name` as the target of `name = ...`, or as the start of the chain that is the whole
/// value of `name = name.filter(...)` (`name = name[:10]`): building another queryset reads
/// no row. Any other read in the value does (`name = name[:m], name[m:]` slices the rows
/// the measure loaded, `name = sorted(name)` iterates them).
fn is_own_assignment<'a>(ctx: &FileContext<'a>, identifier: Node<'a>, name: &str) -> bool {
    let mut node = identifier;
    for _ in 0..64 {
        let Some(parent) = ctx.parent(node) else {
            return false;
        };
        let is_field = |field| {
            ctx.field(parent, field)
                .is_some_and(|f| f.id() == node.id())
        };
        node = match parent.kind_name() {
            "assignment" => {
                return (is_field("left") || is_field("right"))
                    && ctx
                        .field(parent, "left")
                        .is_some_and(|l| l.kind_name() == "identifier" && ctx.text(l) == name);
            }
            "parenthesized_expression" => parent,
            "subscript"
                if is_field("value")
                    && parent
                        .field("subscript")
                        .is_some_and(|s| s.kind_name() == "slice") =>
            {
                parent
            }
            "attribute" if is_field("object") => match ctx.parent(parent) {
                Some(call)
                    if call.kind_name() == "call"
                        && ctx
                            .method_call(call)
                            .is_some_and(|(_, method)| CHAINED.contains(&method)) =>
                {
                    call
                }
                _ => return false,
            },
            _ => return false,
        };
    }
    false
}
