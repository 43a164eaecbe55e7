//! DRF001: a `SerializerMethodField` method that queries for each object.

use crate::context::{nodes_within, FileContext};
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::project::classes::last_segment;
use crate::project::facts::{MethodFieldQuery, RuleFacts, SerializerUse, SerializerUseKind};
use crate::project::viewsets::{may_list, methods, reach, viewset_kind, Reach};
use crate::project::{FileFacts, Project};
use crate::rule::{Check, Rule};
use crate::rules::querysets::{Origin, Queryset, Querysets};
use crate::semantic::queryset_api::{CHAINED, READS};
use std::collections::HashMap;
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
    check: Check::ProjectFacts { facts, run },
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

/// The method fields' queries of the file, and the places it names a serializer class:
/// whether a serializer ever serializes more than one object is the project's to say.
fn facts(ctx: &FileContext, _: &FileFacts, facts: &mut RuleFacts) {
    if ctx.mentions("SerializerMethodField") {
        check(ctx, &mut facts.method_field_queries);
    }
    if ctx.mentions("Serializer") {
        facts.serializer_uses = serializer_uses(ctx);
    }
}

/// Every query, unless each place the project names its serializer (or the serializer
/// holding it as a field, or a subclass of it) serializes one object at a time: a detail
/// view's `serializer_class`, `X(obj)`, a `get_serializer_class()` branch the list never
/// takes. A serializer named nowhere (one file checked alone, a name not ending in
/// `Serializer`) may be listed: the hit stands.
fn run(project: &Project, hits: &mut Vec<(usize, Hit)>) {
    let index = &project.index;
    let mut uses: HashMap<&str, Vec<&SerializerUseKind>> = HashMap::new();
    for (_, facts) in index.files() {
        for used in &facts.rules.serializer_uses {
            uses.entry(used.name.as_str()).or_default().push(&used.how);
        }
    }
    for (file, facts) in index.files() {
        for query in &facts.rules.method_field_queries {
            if !one_at_a_time(&uses, &query.serializer, 0) {
                let hit = Hit::at(query.range.clone()).with_message(query.message.clone());
                hits.push((file, hit));
            }
        }
    }
}

/// How far fields-of and subclasses-of are followed.
const MAX_USE_DEPTH: usize = 8;

/// Whether every use of serializer `name` the project shows serializes one object.
fn one_at_a_time(uses: &HashMap<&str, Vec<&SerializerUseKind>>, name: &str, depth: usize) -> bool {
    let Some(found) = uses.get(name).filter(|f| !f.is_empty()) else {
        return false;
    };
    depth < MAX_USE_DEPTH
        && found.iter().all(|how| match how {
            SerializerUseKind::One => true,
            SerializerUseKind::Many | SerializerUseKind::Other => false,
            SerializerUseKind::Within(outer) | SerializerUseKind::Subclass(outer) => {
                one_at_a_time(uses, outer, depth + 1)
            }
        })
}

/// DRF's own serializer classes: bases, never the serializer a hit is about.
const FRAMEWORK_SERIALIZERS: &[&str] = &[
    "Serializer",
    "BaseSerializer",
    "ModelSerializer",
    "HyperlinkedModelSerializer",
    "ListSerializer",
];

/// Generic views that serialize one object per request (`rest_framework.generics`).
const ONE_OBJECT_VIEWS: &[&str] = &[
    "RetrieveAPIView",
    "RetrieveUpdateAPIView",
    "RetrieveDestroyAPIView",
    "RetrieveUpdateDestroyAPIView",
    "CreateAPIView",
    "UpdateAPIView",
    "DestroyAPIView",
];

/// Each place the file names a class called `...Serializer` (other than DRF's own), and
/// how it serializes with it.
fn serializer_uses(ctx: &FileContext) -> Vec<SerializerUse> {
    let mut uses = Vec::new();
    for &identifier in ctx.nodes("identifier") {
        let name = ctx.text(identifier);
        if !name.ends_with("Serializer") || FRAMEWORK_SERIALIZERS.contains(&name) {
            continue;
        }
        if let Some(how) = use_of(ctx, identifier) {
            uses.push(SerializerUse {
                name: name.to_string(),
                how,
            });
        }
    }
    uses
}

/// How the place `identifier` names a serializer uses it; None where it serializes nothing
/// (its own definition, an import, documentation in a decorator, `X.Meta`).
fn use_of<'a>(ctx: &FileContext<'a>, identifier: Node<'a>) -> Option<SerializerUseKind> {
    let mut expr = identifier;
    let parent = ctx.parent(identifier)?;
    if parent.kind_name() == "attribute" {
        if parent
            .field("attribute")
            .is_some_and(|a| a.id() == identifier.id())
        {
            // `serializers.PostSerializer`: the attribute is the name.
            expr = parent;
        } else {
            // `PostSerializer.Meta`, `PostSerializer.many_init`.
            return None;
        }
    }
    if ctx.ancestors(expr).any(|a| {
        matches!(
            a.kind_name(),
            "import_statement" | "import_from_statement" | "future_import_statement"
        )
    }) {
        return None;
    }
    let parent = ctx.parent(expr)?;
    let is_field =
        |node: Node<'a>, field: &str| node.field(field).is_some_and(|f| f.id() == expr.id());
    match parent.kind_name() {
        "class_definition" if is_field(parent, "name") => None,
        "argument_list" => {
            let holder = ctx.parent(parent)?;
            match holder.kind_name() {
                // `class Child(PostSerializer)`.
                "class_definition" => Some(SerializerUseKind::Subclass(
                    ctx.definition_name(holder).to_string(),
                )),
                // `f(PostSerializer)`: passed on.
                _ => in_decorator_or(ctx, expr, SerializerUseKind::Other),
            }
        }
        "call" if is_field(parent, "function") => {
            let how = call_use(ctx, parent);
            // `@extend_schema(responses=X())` documents a response: only a list documented
            // (`X(many=True)`) tells how X is used.
            if how == SerializerUseKind::Many {
                Some(how)
            } else {
                in_decorator_or(ctx, expr, how)
            }
        }
        "assignment" if is_field(parent, "right") => {
            let left = parent.field("left")?;
            let class = ctx
                .enclosing_class(parent)
                .filter(|_| ctx.enclosing_function(parent).is_none());
            match class {
                Some(class) if ctx.text(left) == "serializer_class" => Some(view_use(ctx, class)),
                _ => Some(SerializerUseKind::Other),
            }
        }
        "keyword_argument" => {
            // `@action(detail=True, serializer_class=PostSerializer)`.
            let call = ctx.parent(parent).and_then(|a| ctx.parent(a))?;
            let named = parent.field("name").map(|n| ctx.text(n));
            if named == Some("serializer_class") && ctx.call_simple_name(call) == Some("action") {
                return Some(match ctx.keyword_arg(call, "detail").map(|d| ctx.text(d)) {
                    Some("True") => SerializerUseKind::One,
                    _ => SerializerUseKind::Many,
                });
            }
            in_decorator_or(ctx, expr, SerializerUseKind::Other)
        }
        _ => {
            let function = ctx.enclosing_function(expr);
            let returned = ctx
                .ancestors(expr)
                .take_while(|a| function.is_some_and(|f| a.id() != f.id()))
                .any(|a| a.kind_name() == "return_statement");
            match function {
                Some(function)
                    if returned && ctx.definition_name(function) == "get_serializer_class" =>
                {
                    Some(chosen_use(ctx, expr, function))
                }
                _ => in_decorator_or(ctx, expr, SerializerUseKind::Other),
            }
        }
    }
}

/// A name inside a decorator other than `@action(...)` documents an endpoint
/// (`@extend_schema(responses=PostSerializer)`): it serializes nothing (None).
fn in_decorator_or<'a>(
    ctx: &FileContext<'a>,
    expr: Node<'a>,
    otherwise: SerializerUseKind,
) -> Option<SerializerUseKind> {
    let decorator = ctx.ancestors(expr).find(|a| a.kind_name() == "decorator");
    match decorator {
        Some(d)
            if !ctx
                .text(d)
                .trim_start_matches('@')
                .trim_start()
                .starts_with("action") =>
        {
            None
        }
        _ => Some(otherwise),
    }
}

/// `PostSerializer(...)`: many with `many=` anything but `False`. Otherwise one object per
/// call, and as often as the class it is in when that is a serializer: a field declared in
/// its body (`owner = X()`), or a call in one of its methods (`get_owner()` runs per row).
fn call_use<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> SerializerUseKind {
    if let Some(many) = ctx.keyword_arg(call, "many") {
        return if ctx.text(many) == "False" {
            SerializerUseKind::One
        } else {
            SerializerUseKind::Many
        };
    }
    let class = ctx.enclosing_class(call);
    let field = class.filter(|_| ctx.enclosing_function(call).is_none());
    let serializer_method = class.filter(|c| {
        ctx.definition_name(*c).ends_with("Serializer")
            || ctx
                .class_bases(*c)
                .iter()
                .any(|b| b.ends_with("Serializer"))
    });
    match field.or(serializer_method) {
        Some(class) => SerializerUseKind::Within(ctx.definition_name(class).to_string()),
        None => SerializerUseKind::One,
    }
}

/// `serializer_class = PostSerializer` in a view: one object when the view serves one per
/// request (a viewset without a list, a retrieve/update/create generic view that writes no
/// `many=` of its own), many otherwise.
fn view_use<'a>(ctx: &FileContext<'a>, class: Node<'a>) -> SerializerUseKind {
    if let Some(kind) = viewset_kind(ctx, class) {
        return if may_list(ctx, class, kind) {
            SerializerUseKind::Many
        } else {
            SerializerUseKind::One
        };
    }
    // Mixins beside the generic view add helpers (permissions, the parent object), not a
    // list; DRF's `ListModelMixin` is the exception.
    let bases: Vec<String> = ctx
        .class_bases(class)
        .iter()
        .map(|base| last_segment(&ctx.imports.resolve(base)).to_string())
        .collect();
    let one_object = bases.iter().any(|b| ONE_OBJECT_VIEWS.contains(&b.as_str()))
        && bases.iter().all(|b| {
            ONE_OBJECT_VIEWS.contains(&b.as_str()) || b.ends_with("Mixin") && b != "ListModelMixin"
        })
        && !methods(ctx, class)
            .iter()
            .any(|m| ctx.definition_name(*m) == "list")
        && !ctx.text(class).contains("many=");
    if one_object {
        SerializerUseKind::One
    } else {
        SerializerUseKind::Many
    }
}

/// A serializer returned by `get_serializer_class()`: one object when the viewset has no
/// list or the list action never reaches this return.
fn chosen_use<'a>(ctx: &FileContext<'a>, expr: Node<'a>, function: Node<'a>) -> SerializerUseKind {
    let Some(class) = ctx.method_class(function) else {
        return SerializerUseKind::Other;
    };
    let Some(kind) = viewset_kind(ctx, class) else {
        return SerializerUseKind::Other;
    };
    if !may_list(ctx, class, kind) || reach(ctx, expr, function, kind.list_action()) == Reach::No {
        SerializerUseKind::One
    } else {
        SerializerUseKind::Many
    }
}

fn check(ctx: &FileContext, hits: &mut Vec<MethodFieldQuery>) {
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
            check_method(ctx, method, name, obj, ctx.definition_name(class), hits);
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
    serializer: &str,
    hits: &mut Vec<MethodFieldQuery>,
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
            hits.push(MethodFieldQuery {
                range: call.byte_range(),
                message: format!(
                    "`{name}()` runs a query for each serialized object: N+1 queries on every list; annotate or prefetch it in the view's queryset"
                ),
                serializer: serializer.to_string(),
            });
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
