//! ORM014: `select_for_update()` evaluated in a function with no transaction around it.

use crate::context::{nodes_within, FileContext};
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use crate::rules::querysets::Querysets;
use crate::semantic::queryset_api::CHAINED;
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "ORM014",
    name: "select-for-update-outside-atomic",
    severity: Severity::Warning,
    category: Category::Orm,
    message: "`select_for_update()` is evaluated with no `transaction.atomic()` around it: outside a transaction Django raises `TransactionManagementError`",
    explanation: crate::rule::explanation!("select_for_update_outside_atomic.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::File(check),
};

const BAD: &str = r#"from .models import Account


def withdraw(account_id, amount):
    account = Account.objects.select_for_update().get(pk=account_id)
    account.balance -= amount
    account.save()
"#;

const FIXED: &str = r#"from django.db import transaction

from .models import Account


def withdraw(account_id, amount):
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account_id)
        account.balance -= amount
        account.save()
"#;

/// Queryset methods that run the query and return rows.
const EVALUATING: &[&str] = &[
    "get",
    "first",
    "last",
    "latest",
    "earliest",
    "get_or_create",
    "update_or_create",
    "in_bulk",
    "iterator",
];

/// Calls that iterate their argument.
const ITERATING: &[&str] = &["list", "tuple", "set", "len", "bool", "sorted", "dict"];

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    if !ctx.mentions("select_for_update") || ctx.path.contains("test") {
        return;
    }
    let querysets = Querysets::new(ctx);
    for (call, _, _) in ctx.method_calls(&["select_for_update"]) {
        let Some(function) = ctx.enclosing_function(call) else {
            continue;
        };
        if querysets.of(call).is_none()
            || in_atomic(ctx, call, function)
            || !is_entry_point(ctx, function)
            || expects_a_transaction(ctx, call, function)
        {
            continue;
        }
        if !evaluated_here(ctx, call, function) || called_in_atomic(ctx, function) {
            continue;
        }
        hits.push(Hit::node(call));
    }
}

/// Whether `node` runs inside `with transaction.atomic():` within `function`, or
/// `function` (or its class) is decorated with `atomic`.
fn in_atomic<'a>(ctx: &FileContext<'a>, node: Node<'a>, function: Node<'a>) -> bool {
    let atomic_with = ctx
        .ancestors(node)
        .take_while(|a| a.id() != function.id())
        .any(|a| a.kind_name() == "with_statement" && is_atomic_with(ctx, a));
    if atomic_with {
        return true;
    }
    let decorated = |definition: Node<'a>| {
        ctx.decorators(definition)
            .iter()
            .any(|d| names_atomic(ctx.text(*d)))
    };
    decorated(function) || ctx.method_class(function).is_some_and(decorated)
}

/// Whether a name (or a decorator's text) says atomic: Django's `atomic`, and the wrappers
/// projects write around it (`conditional_atomic()`, `atomic_unless_sqlite()`,
/// `@atomic_view`). Not `non_atomic_requests`, which turns a transaction off.
fn names_atomic(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    text.contains("atomic") && !text.contains("non_atomic") && !text.contains("nonatomic")
}

/// `with transaction.atomic():`, `with atomic(using=...)`, `with db.transaction.atomic():`,
/// and a project's wrapper named so (`with conditional_atomic():`).
fn is_atomic_with<'a>(ctx: &FileContext<'a>, with: Node<'a>) -> bool {
    let Some(clause) = with
        .named_child(0)
        .filter(|c| c.kind_name() == "with_clause")
    else {
        return false;
    };
    let mut cursor = clause.walk();
    let found = clause.named_children(&mut cursor).any(|item| {
        let mut value = item.field("value");
        if let Some(v) = value.filter(|v| v.kind_name() == "as_pattern") {
            value = v.named_child(0);
        }
        value.is_some_and(|v| {
            v.kind_name() == "call" && ctx.call_simple_name(v).is_some_and(names_atomic)
        })
    });
    found
}

/// Whether the queryset built by `call` is evaluated in `function`: the chain it heads
/// ends in a method that runs the query, is iterated or indexed, or is bound to a name
/// that is.
fn evaluated_here<'a>(ctx: &FileContext<'a>, call: Node<'a>, function: Node<'a>) -> bool {
    let top = chain_top(ctx, call);
    if top.kind_name() == "call"
        && ctx
            .method_call(top)
            .is_some_and(|(_, m)| EVALUATING.contains(&m))
    {
        return true;
    }
    if consumes(ctx, top) {
        return true;
    }
    let Some((assignment, name)) = bound_to_name(ctx, top) else {
        return false;
    };
    nodes_within(ctx, "identifier", function)
        .filter(|i| i.start_byte() > assignment.end_byte() && ctx.text(*i) == name)
        .any(|use_| {
            let top = chain_top(ctx, use_);
            top.kind_name() == "call"
                && ctx
                    .method_call(top)
                    .is_some_and(|(_, m)| EVALUATING.contains(&m))
                || consumes(ctx, top)
        })
}

/// `name = top`: the assignment and the plain name that holds the chain's value.
fn bound_to_name<'a>(ctx: &FileContext<'a>, top: Node<'a>) -> Option<(Node<'a>, &'a str)> {
    let assignment = ctx.parent(top).filter(|p| p.kind_name() == "assignment")?;
    if assignment.field("right").is_none_or(|r| r.id() != top.id()) {
        return None;
    }
    let name = assignment
        .field("left")
        .filter(|l| l.kind_name() == "identifier")?;
    Some((assignment, ctx.text(name)))
}

/// The outermost expression of the queryset chain that `node` starts or continues.
fn chain_top<'a>(ctx: &FileContext<'a>, mut node: Node<'a>) -> Node<'a> {
    while let Some(parent) = ctx.parent(node) {
        let next = match parent.kind_name() {
            "attribute" if parent.field("object").is_some_and(|o| o.id() == node.id()) => {
                match ctx.parent(parent).filter(|c| c.kind_name() == "call") {
                    Some(call)
                        if ctx
                            .method_call(call)
                            .is_some_and(|(_, m)| CHAINED.contains(&m)) =>
                    {
                        call
                    }
                    Some(call)
                        if ctx
                            .method_call(call)
                            .is_some_and(|(_, m)| EVALUATING.contains(&m)) =>
                    {
                        return call
                    }
                    _ => return node,
                }
            }
            "subscript" if parent.field("value").is_some_and(|v| v.id() == node.id()) => parent,
            "parenthesized_expression" => parent,
            _ => return node,
        };
        node = next;
    }
    node
}

/// `for x in qs`, `list(qs)`, `qs[0]`: the rows are fetched.
fn consumes<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    if node.kind_name() == "subscript"
        && node
            .field("subscript")
            .is_some_and(|s| s.kind_name() != "slice")
    {
        return true;
    }
    let Some(parent) = ctx.parent(node) else {
        return false;
    };
    match parent.kind_name() {
        "for_statement" | "for_in_clause" => {
            parent.field("right").is_some_and(|r| r.id() == node.id())
        }
        "argument_list" => ctx.parent(parent).is_some_and(|call| {
            ctx.callee(call)
                .is_some_and(|c| c.kind_name() == "identifier" && ITERATING.contains(&ctx.text(c)))
        }),
        _ => false,
    }
}

/// Whether the file calls `function` (by name) inside an atomic block or an atomic
/// function: a helper that its callers wrap in a transaction.
fn called_in_atomic<'a>(ctx: &FileContext<'a>, function: Node<'a>) -> bool {
    let name = ctx.definition_name(function);
    ctx.nodes("call").iter().any(|&call| {
        ctx.call_simple_name(call) == Some(name)
            && ctx
                .enclosing_function(call)
                .is_some_and(|caller| in_atomic(ctx, call, caller))
    })
}

/// A module-level function or a view's method: code that may be called with no
/// transaction around it. Methods of models and other helper classes (`user.lock()`,
/// `component.update_checks()`) are called by code that owns the transaction, often in
/// another file, so the rule does not judge them.
fn is_entry_point<'a>(ctx: &FileContext<'a>, function: Node<'a>) -> bool {
    match ctx.method_class(function) {
        None => {
            ctx.enclosing_function(function).is_none() && ctx.enclosing_class(function).is_none()
        }
        Some(class) => std::iter::once(ctx.definition_name(class).to_string())
            .chain(ctx.class_bases(class))
            .any(|n| n.contains("View")),
    }
}

/// Signs that the code expects its caller's transaction: it checks
/// `connection.in_atomic_block` or `get_autocommit()`, the lock is taken under a
/// condition that names atomic (`if self.is_atomic:`), or the locked row or queryset is
/// returned, directly or through the local name it is bound to.
fn expects_a_transaction<'a>(ctx: &FileContext<'a>, call: Node<'a>, function: Node<'a>) -> bool {
    let body = ctx.text(function);
    if body.contains("in_atomic_block") || body.contains("get_autocommit") {
        return true;
    }
    let conditioned = ctx
        .ancestors(call)
        .take_while(|a| a.id() != function.id())
        .filter(|a| {
            matches!(
                a.kind_name(),
                "if_statement" | "elif_clause" | "conditional_expression"
            )
        })
        .any(|a| {
            ctx.text(a.field("condition").unwrap_or(a))
                .contains("atomic")
        });
    if conditioned {
        return true;
    }
    let top = chain_top(ctx, call);
    if ctx
        .parent(top)
        .is_some_and(|p| p.kind_name() == "return_statement")
    {
        return true;
    }
    returned_by_name(ctx, top, function)
}

/// `row = qs.select_for_update().get(...)` and later `return row` (or `return row, created`)
/// in the same function: the locked row goes to the caller, which owns the transaction.
fn returned_by_name<'a>(ctx: &FileContext<'a>, top: Node<'a>, function: Node<'a>) -> bool {
    let Some((assignment, name)) = bound_to_name(ctx, top) else {
        return false;
    };
    nodes_within(ctx, "return_statement", function)
        .filter(|r| r.start_byte() > assignment.end_byte())
        .filter(|r| {
            ctx.enclosing_function(*r)
                .is_some_and(|f| f.id() == function.id())
        })
        .filter_map(|r| ctx.first_named_child(r))
        .any(|value| {
            let value = ctx.unparenthesize(value);
            match value.kind_name() {
                "identifier" => ctx.text(value) == name,
                "expression_list" | "tuple" => ctx
                    .named_children(value)
                    .any(|v| v.kind_name() == "identifier" && ctx.text(v) == name),
                _ => false,
            }
        })
}
