//! ORM011: `qs.count()` asked whether there is any row.

use super::in_truth_context;
use crate::context::FileContext;
use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use crate::rules::modules::{in_data_migration, is_offline_module};
use crate::rules::querysets::Querysets;
use crate::semantic::bindings::uses_after;
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "ORM011",
    name: "count-as-existence",
    severity: Severity::Warning,
    category: Category::Orm,
    message: "`count()` used to ask whether there is any row: `exists()` stops at the first one",
    explanation: crate::rule::explanation!("count_as_existence.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Safe),
    check: Check::File(check),
};

const BAD: &str = r#"from .models import Comment


def has_comments(post):
    return Comment.objects.filter(post=post).count() > 0


def comment_form(request, post):
    pending = Comment.objects.filter(post=post, approved=False)
    if pending.count():
        notify_moderators(post)
    if Comment.objects.filter(author=request.user).count() == 0:
        show_welcome(request)
"#;

const FIXED: &str = r#"from .models import Comment


def has_comments(post):
    return Comment.objects.filter(post=post).exists()


def comment_form(request, post):
    pending = Comment.objects.filter(post=post, approved=False)
    if pending.exists():
        notify_moderators(post)
    if not Comment.objects.filter(author=request.user).exists():
        show_welcome(request)
"#;

/// What a comparison of a count with a number asks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Asks {
    Any,
    None,
}

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    // Tests, migrations and management commands run once: the cost is not paid per request.
    if !ctx.mentions("count()") || is_offline_module(ctx.path) {
        return;
    }
    let querysets = Querysets::new(ctx);
    for (call, receiver, _) in ctx.method_calls(&["count"]) {
        if call
            .field("arguments")
            .is_some_and(|a| a.named_child_count() > 0)
        {
            continue;
        }
        let (target, asks) = match comparison_with_zero(ctx, call) {
            Some((comparison, asks)) => (comparison, asks),
            None if in_truth_context(ctx, call) => (call, Asks::Any),
            None => continue,
        };
        if querysets.of(receiver).is_none() || in_data_migration(ctx, call) {
            continue;
        }
        let receiver_text = ctx.text(receiver);
        if iterated_after(ctx, receiver, target) {
            // `exists()` would still be a second query: the rows are loaded anyway, and
            // testing the queryset itself loads them once for both (Django's "database
            // access optimization": evaluate it when you will need the rows). No fix: rows
            // read at the test no longer see a change made before the loop.
            let message = match asks {
                Asks::Any => "`count()` asks whether there is any row, and the rows are loaded right after: test the queryset itself (`if qs:`), which loads them once for both",
                Asks::None => "`count()` asks whether there is no row, and the rows are loaded right after: test the queryset itself (`if not qs:`), which loads them once for both",
            };
            hits.push(Hit::node(target).with_message(message));
            continue;
        }
        let replacement = match asks {
            Asks::Any => format!("{receiver_text}.exists()"),
            Asks::None => format!("not {receiver_text}.exists()"),
        };
        let message = match asks {
            Asks::Any => "`count()` asks whether there is any row: use `exists()`, which stops at the first one",
            Asks::None => "`count()` asks whether there is no row: use `not ...exists()`, which stops at the first one",
        };
        hits.push(Hit::node(target).with_message(message).with_fix(
            format!("Use `{replacement}`"),
            vec![Edit::replace(target.byte_range(), replacement)],
        ));
    }
}

/// Whether `receiver` is a local name whose rows the function loads after `at`: a `for`
/// loop or a comprehension over the same name, before anything binds it again.
fn iterated_after<'a>(ctx: &FileContext<'a>, receiver: Node<'a>, at: Node<'a>) -> bool {
    if receiver.kind_name() != "identifier" || ctx.enclosing_function(at).is_none() {
        return false;
    }
    for used in uses_after(ctx, ctx.text(receiver), at) {
        let Some(parent) = ctx.parent(used) else {
            continue;
        };
        let is_field = |name| ctx.field(parent, name).is_some_and(|n| n.id() == used.id());
        match parent.kind_name() {
            "for_statement" | "for_in_clause" if is_field("right") => return true,
            // Bound again (`qs = qs.filter(...)`, `for qs in ...`): another queryset.
            "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause"
                if is_field("left") =>
            {
                return false
            }
            _ => {}
        }
    }
    false
}

/// `count() > 0`, `count() != 0`, `count() >= 1`, `0 < count()` (any), `count() == 0`,
/// `count() < 1`, `count() <= 0` (none): the comparison and what it asks.
fn comparison_with_zero<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> Option<(Node<'a>, Asks)> {
    let mut node = call;
    while let Some(parent) = ctx
        .parent(node)
        .filter(|p| p.kind_name() == "parenthesized_expression")
    {
        node = parent;
    }
    let comparison = ctx
        .parent(node)
        .filter(|p| p.kind_name() == "comparison_operator")?;
    if comparison.named_child_count() != 2 {
        return None;
    }
    let (left, right) = (comparison.named_child(0)?, comparison.named_child(1)?);
    let operator = ctx.text(comparison.field("operators")?);
    let (number, count_left) = if left.id() == node.id() {
        (right, true)
    } else {
        (left, false)
    };
    let number = match ctx.text(number) {
        "0" => 0,
        "1" => 1,
        _ => return None,
    };
    // Written with the count on the left: `count() OP number`.
    let operator = if count_left {
        operator
    } else {
        match operator {
            "<" => ">",
            ">" => "<",
            "<=" => ">=",
            ">=" => "<=",
            other => other,
        }
    };
    let asks = match (operator, number) {
        (">" | "!=", 0) | (">=", 1) => Asks::Any,
        ("==" | "<=", 0) | ("<", 1) => Asks::None,
        _ => return None,
    };
    Some((comparison, asks))
}
