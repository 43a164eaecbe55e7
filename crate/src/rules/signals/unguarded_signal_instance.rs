use super::kwargs_parameter;
use crate::context::FileContext;
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::project::receivers::{receivers, Receiver};
use crate::rule::{Check, Rule};
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "SIG003",
    name: "unguarded-signal-instance",
    severity: Severity::Info,
    category: Category::Signals,
    message: "Receiver reads `instance` from `**kwargs` without checking it is there",
    explanation: crate::rule::explanation!("unguarded_signal_instance.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::File(check),
};

const BAD: &str = r#"from django.dispatch import receiver

from .signals import content_changed


@receiver(content_changed)
def refresh_search_index(sender, **kwargs):
    instance = kwargs.get("instance")
    instance.update_search_index()
"#;

const FIXED: &str = r#"from django.dispatch import receiver

from .signals import content_changed


@receiver(content_changed)
def refresh_search_index(sender, **kwargs):
    instance = kwargs.get("instance")
    if instance is None:
        return
    instance.update_search_index()
"#;

/// Signals that always send `instance` (checked in the sources that send them).
const DJANGO_INSTANCE_SIGNALS: &[&str] = &[
    "pre_save",
    "post_save",
    "pre_delete",
    "post_delete",
    "post_init",
    "m2m_changed",
];
const WAGTAIL_INSTANCE_SIGNALS: &[&str] = &[
    "page_published",
    "page_unpublished",
    "published",
    "unpublished",
    "page_slug_changed",
    "pre_page_move",
    "post_page_move",
    "pre_validate_delete",
    "workflow_approved",
    "workflow_rejected",
    "workflow_cancelled",
    "workflow_submitted",
    "task_approved",
    "task_rejected",
    "task_submitted",
    "task_cancelled",
];

/// Whether a signal expression names one of Django's model signals or Wagtail's
/// signals, all of which always send `instance`.
fn always_sends_instance(ctx: &FileContext, signal: Node) -> bool {
    let Some(name) = ctx.qualified_name(signal) else {
        return false;
    };
    let (module, last) = name.rsplit_once('.').unwrap_or(("", name.as_str()));
    let django = DJANGO_INSTANCE_SIGNALS.contains(&last)
        && (module.is_empty() || module.ends_with("db.models.signals"));
    let wagtail = WAGTAIL_INSTANCE_SIGNALS.contains(&last)
        && (module.is_empty()
            || module == "wagtail.signals"
            || module == "wagtail.core.signals"
            || module.starts_with('.') && module.ends_with("signals"));
    django || wagtail
}

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    if !ctx.mentions("instance") {
        return;
    }
    for receiver in receivers(ctx) {
        if !receiver.signals.is_empty()
            && receiver
                .signals
                .iter()
                .all(|s| always_sends_instance(ctx, *s))
        {
            continue;
        }
        let Some(kwargs) = kwargs_parameter(ctx, receiver.function) else {
            continue;
        };
        check_receiver(ctx, &receiver, kwargs, hits);
    }
}

fn is_instance_key(ctx: &FileContext, node: Option<Node>) -> bool {
    node.and_then(|n| ctx.string_value(n))
        .is_some_and(|s| s == "instance")
}

fn is_kwargs(ctx: &FileContext, node: Node, kwargs: &str) -> bool {
    node.kind_name() == "identifier" && ctx.text(node) == kwargs
}

fn check_receiver(ctx: &FileContext, receiver: &Receiver, kwargs: &str, hits: &mut Vec<Hit>) {
    let function = receiver.function;
    let within = |n: &&Node| {
        function.start_byte() <= n.start_byte()
            && n.end_byte() <= function.end_byte()
            && ctx.enclosing_function(**n).map(|f| f.id()) == Some(function.id())
    };
    // `"instance" in kwargs` anywhere in the receiver counts as a check.
    let checks_key = ctx
        .nodes("comparison_operator")
        .iter()
        .filter(within)
        .any(|c| {
            let mut cursor = c.walk();
            let in_op = c
                .children_by_field_name("operators", &mut cursor)
                .any(|o| o.kind_name() == "in" || o.kind_name() == "not in");
            in_op
                && is_instance_key(ctx, c.named_child(0))
                && c.named_child(1).is_some_and(|k| is_kwargs(ctx, k, kwargs))
        });
    if checks_key {
        return;
    }
    for subscript in ctx.nodes("subscript").iter().filter(within) {
        let value = subscript.field("value");
        if !value.is_some_and(|v| is_kwargs(ctx, v, kwargs))
            || !is_instance_key(ctx, subscript.field("subscript"))
        {
            continue;
        }
        let assigned = ctx.parent(*subscript).is_some_and(|p| {
            p.kind_name() == "assignment" && p.field("left").map(|l| l.id()) == Some(subscript.id())
        });
        if !assigned {
            hits.push(Hit::node(*subscript).with_message(format!(
                "`{kwargs}[\"instance\"]` raises KeyError when a signal this receiver is connected to does not send `instance`: use `{kwargs}.get(\"instance\")` and check for None"
            )));
        }
    }
    // The match below acts on `pop` and `get` only.
    for (call, object, method) in ctx.method_calls(&["pop", "get"]) {
        if !within(&&call) {
            continue;
        }
        if !is_kwargs(ctx, object, kwargs) || !is_instance_key(ctx, ctx.argument(call, 0, "key")) {
            continue;
        }
        let default = ctx.argument(call, 1, "default");
        let defaults_to_none = default.is_none_or(|d| d.kind_name() == "none");
        match method {
            "pop" if default.is_none() => hits.push(Hit::node(call).with_message(format!(
                "`{kwargs}.pop(\"instance\")` raises KeyError when a signal this receiver is connected to does not send `instance`"
            ))),
            "get" | "pop" if defaults_to_none && used_before_check(ctx, call, function) => {
                hits.push(Hit::node(call).with_message(format!(
                    "`{kwargs}.{method}(\"instance\")` may be None, and it is used before any check"
                )));
            }
            _ => {}
        }
    }
}

/// What an occurrence of a name does with the value.
#[derive(PartialEq, Eq)]
enum Occurrence {
    /// `x.attr`, `x(...)`, `x[...]`: fails on None.
    Use,
    /// A test of the value: `if x`, `not x`, `x is None`, `x and ...`, `isinstance(x, C)`.
    Check,
    Other,
}

fn occurrence(ctx: &FileContext, node: Node) -> Occurrence {
    let Some(parent) = ctx.parent(node) else {
        return Occurrence::Other;
    };
    let is_field = |field: &str| parent.field(field).is_some_and(|c| c.id() == node.id());
    match parent.kind_name() {
        "attribute" if is_field("object") => Occurrence::Use,
        "call" if is_field("function") => Occurrence::Use,
        "subscript" if is_field("value") => Occurrence::Use,
        "not_operator"
        | "boolean_operator"
        | "comparison_operator"
        | "conditional_expression"
        | "assert_statement" => Occurrence::Check,
        "if_statement" | "elif_clause" | "while_statement" if is_field("condition") => {
            Occurrence::Check
        }
        "parenthesized_expression" => occurrence(ctx, parent),
        "argument_list" => {
            let checks = ctx
                .parent(parent)
                .and_then(|call| ctx.callee(call))
                .is_some_and(|c| {
                    matches!(
                        ctx.text(c),
                        "isinstance" | "hasattr" | "getattr" | "bool" | "callable"
                    )
                });
            if checks {
                Occurrence::Check
            } else {
                Occurrence::Other
            }
        }
        _ => Occurrence::Other,
    }
}

/// Whether the value of `get` (a `kwargs.get("instance")` call) is used (attribute,
/// call, subscript) before anything checks it, directly or through the name it is
/// assigned to.
fn used_before_check(ctx: &FileContext, get: Node, function: Node) -> bool {
    if occurrence(ctx, get) != Occurrence::Other {
        return occurrence(ctx, get) == Occurrence::Use;
    }
    let Some(assignment) = ctx.parent(get).filter(|p| {
        matches!(p.kind_name(), "assignment" | "named_expression")
            && p.field(if p.kind_name() == "assignment" {
                "right"
            } else {
                "value"
            })
            .is_some_and(|r| r.id() == get.id())
    }) else {
        return false;
    };
    if assignment.kind_name() == "named_expression"
        && occurrence(ctx, assignment) == Occurrence::Check
    {
        return false;
    }
    let Some(target) = assignment
        .field(if assignment.kind_name() == "assignment" {
            "left"
        } else {
            "name"
        })
        .filter(|t| t.kind_name() == "identifier")
    else {
        return false;
    };
    let name = ctx.text(target);
    let later = ctx.nodes("identifier").iter().filter(|i| {
        i.start_byte() >= assignment.end_byte()
            && i.end_byte() <= function.end_byte()
            && ctx.text(**i) == name
    });
    for ident in later {
        // A new assignment to the name ends the search.
        let reassigned = ctx.parent(*ident).is_some_and(|p| {
            p.kind_name() == "assignment" && p.field("left").map(|l| l.id()) == Some(ident.id())
        });
        if reassigned {
            return false;
        }
        match occurrence(ctx, *ident) {
            Occurrence::Use => return true,
            Occurrence::Check => return false,
            Occurrence::Other => {}
        }
    }
    false
}
