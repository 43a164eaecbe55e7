//! DRF001: a `SerializerMethodField` method that queries for each object.

use crate::context::{nodes_within, FileContext};
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::project::viewsets::methods;
use crate::rule::{Check, Rule};
use crate::rules::querysets::{Origin, Queryset, Querysets};
use crate::semantic::queryset_api::{CHAINED, READS};
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "DRF001",
    name: "query-per-row-in-method-field",
    severity: Severity::Warning,
    category: Category::Drf,
    message: "A `SerializerMethodField` runs a query for each serialized object: N+1 queries on every list",
    explanation: crate::rule::explanation!("query_per_row_in_method_field.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::File(check),
};

const BAD: &str = r#"from rest_framework import serializers

from .models import Like, Post


class PostSerializer(serializers.ModelSerializer):
    approved_comments = serializers.SerializerMethodField()
    likes = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "title", "approved_comments", "likes"]

    def get_approved_comments(self, obj):
        return [c.text for c in obj.comments.filter(approved=True)]

    def get_likes(self, obj):
        return Like.objects.filter(post=obj).count()
"#;

const FIXED: &str = r#"from rest_framework import serializers

from .models import Post


class PostSerializer(serializers.ModelSerializer):
    # The view's queryset:
    #   Post.objects.annotate(like_count=Count("likes")).prefetch_related(
    #       Prefetch("comments", queryset=Comment.objects.filter(approved=True),
    #                to_attr="approved_comment_list"))
    approved_comments = serializers.SerializerMethodField()
    likes = serializers.IntegerField(source="like_count", read_only=True)

    class Meta:
        model = Post
        fields = ["id", "title", "approved_comments", "likes"]

    def get_approved_comments(self, obj):
        return [c.text for c in obj.approved_comment_list]
"#;

/// Methods that run a query and return a value rather than a queryset: the reads every
/// query rule knows, and those a method field may also end with.
fn is_terminal(method: &str) -> bool {
    READS.contains(&method) || ["iterator", "get_or_create", "contains"].contains(&method)
}

/// Terminal methods that a related manager answers from a `prefetch_related` cache
/// (`count()` and `exists()` read the prefetched result cache; `first()`/`last()` do
/// when the relation is ordered): silent there.
const SERVED_BY_PREFETCH: &[&str] = &["count", "exists", "first", "last", "contains"];

/// Steps that keep a related manager's prefetched rows: `obj.tags.all()`, a slice of it.
const KEEPS_PREFETCH: &[&str] = &["all", "[]"];

/// Methods that a dict or a list also has: on `obj.attr` they prove no manager.
const ALSO_ON_CONTAINERS: &[&str] = &["values", "reverse", "get", "count", "index", "copy"];

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    if !ctx.mentions("SerializerMethodField") {
        return;
    }
    for &class in ctx.nodes("class_definition") {
        if !ctx
            .class_bases(class)
            .iter()
            .any(|b| b.ends_with("Serializer"))
        {
            continue;
        }
        let method_names = method_field_names(ctx, class);
        if method_names.is_empty() {
            continue;
        }
        for method in methods(ctx, class) {
            let name = ctx.definition_name(method);
            if !method_names.iter().any(|m| m == name) {
                continue;
            }
            let params = ctx.parameter_names(method);
            let Some(&obj) = params.get(1) else {
                continue;
            };
            check_method(ctx, method, name, obj, hits);
        }
    }
}

/// The method names of the class's `SerializerMethodField`s: `get_<field>` or the
/// `method_name=` given.
fn method_field_names<'a>(ctx: &FileContext<'a>, class: Node<'a>) -> Vec<String> {
    let Some(body) = class.field("body") else {
        return Vec::new();
    };
    let mut cursor = body.walk();
    let mut names = Vec::new();
    for statement in body.named_children(&mut cursor) {
        let Some(assignment) = statement
            .named_child(0)
            .filter(|a| a.kind_name() == "assignment")
        else {
            continue;
        };
        let (Some(left), Some(right)) = (assignment.field("left"), assignment.field("right"))
        else {
            continue;
        };
        if right.kind_name() != "call"
            || ctx.call_simple_name(right) != Some("SerializerMethodField")
            || left.kind_name() != "identifier"
        {
            continue;
        }
        let explicit = ctx
            .argument(right, 0, "method_name")
            .and_then(|m| ctx.string_value(m));
        names.push(explicit.unwrap_or_else(|| format!("get_{}", ctx.text(left))));
    }
    names
}

fn check_method<'a>(
    ctx: &FileContext<'a>,
    method: Node<'a>,
    name: &str,
    obj: &str,
    hits: &mut Vec<Hit>,
) {
    let related = |attribute: Node<'a>| {
        attribute
            .field("object")
            .is_some_and(|o| o.kind_name() == "identifier" && ctx.text(o) == obj)
    };
    let querysets = Querysets::new(ctx).with_related(&related);
    for call in nodes_within(ctx, "call", method) {
        if ctx.enclosing_function(call).map(|f| f.id()) != Some(method.id()) {
            continue;
        }
        let Some((receiver, called)) = ctx.method_call(call) else {
            continue;
        };
        if continues_chain(ctx, call) {
            continue;
        }
        let queries = if CHAINED.contains(&called) {
            querysets
                .of(call)
                .is_some_and(|q| chain_queries(ctx, &q, None))
        } else if is_terminal(called) {
            querysets
                .of(receiver)
                .is_some_and(|q| chain_queries(ctx, &q, Some((call, called))))
        } else {
            false
        };
        // One hit per method: a chain built over several statements
        // (`qs = obj.slots.filter(...)`, `qs = qs.filter(...)`) is one query.
        if queries {
            hits.push(Hit::node(call).with_message(format!(
                "`{name}()` runs a query for each serialized object: N+1 queries on every list; annotate or prefetch it in the view's queryset"
            )));
            return;
        }
    }
}

/// Whether `call` is the receiver of a further queryset method (the outer call is
/// reported instead).
fn continues_chain<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> bool {
    let Some(attribute) = ctx.parent(call).filter(|p| p.kind_name() == "attribute") else {
        return false;
    };
    ctx.parent(attribute)
        .filter(|c| c.kind_name() == "call")
        .and_then(|c| ctx.method_call(c))
        .is_some_and(|(_, m)| CHAINED.contains(&m) || is_terminal(m))
}

/// Whether a chain (ending in `terminal`, if given) runs a query that a prefetch on the
/// view's queryset would not serve.
fn chain_queries<'a>(
    ctx: &FileContext<'a>,
    q: &Queryset<'a>,
    terminal: Option<(Node<'a>, &str)>,
) -> bool {
    match q.origin {
        Origin::Manager | Origin::PageTree => true,
        Origin::GetQueryset => false,
        Origin::Related => {
            // `obj.data.get("key")`, `obj.items.count(x)`: a dict or a list, not a manager.
            if let Some(first) = q.steps.first() {
                if ALSO_ON_CONTAINERS.contains(&first.method) {
                    return false;
                }
            } else if let Some((call, method)) = terminal {
                let positional = !ctx.positional_args(call).is_empty();
                if ALSO_ON_CONTAINERS.contains(&method) && positional {
                    return false;
                }
            }
            if q.steps.iter().any(|s| !KEEPS_PREFETCH.contains(&s.method)) {
                return true;
            }
            terminal.is_some_and(|(_, m)| !SERVED_BY_PREFETCH.contains(&m))
        }
    }
}
