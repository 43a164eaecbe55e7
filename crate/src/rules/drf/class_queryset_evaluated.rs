//! DRF002: the class-level `queryset` of a view evaluated through `self.queryset`.

use crate::context::{nodes_within, FileContext};
use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::project::viewsets::methods;
use crate::rule::{Check, Rule};
use crate::rules::querysets::Querysets;
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "DRF002",
    name: "class-queryset-evaluated",
    severity: Severity::Blocker,
    category: Category::Drf,
    message: "`self.queryset` is evaluated: a DRF view raises `RuntimeError`, a viewset or Django view serves the first request's rows to every later one; use `self.get_queryset()`",
    explanation: crate::rule::explanation!("class_queryset_evaluated.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Unsafe),
    check: Check::File(check),
};

const BAD: &str = r#"from rest_framework import generics
from rest_framework.response import Response

from .models import Product
from .serializers import ProductSerializer


class ProductList(generics.ListAPIView):
    queryset = Product.objects.filter(active=True)
    serializer_class = ProductSerializer

    def list(self, request):
        products = [p for p in self.queryset if p.in_stock]
        return Response(self.get_serializer(products, many=True).data)
"#;

const FIXED: &str = r#"from rest_framework import generics
from rest_framework.response import Response

from .models import Product
from .serializers import ProductSerializer


class ProductList(generics.ListAPIView):
    queryset = Product.objects.filter(active=True)
    serializer_class = ProductSerializer

    def list(self, request):
        products = [p for p in self.get_queryset() if p.in_stock]
        return Response(self.get_serializer(products, many=True).data)
"#;

/// Calls that iterate their argument (and so fill the queryset's result cache).
const ITERATING: &[&str] = &[
    "list",
    "tuple",
    "set",
    "len",
    "bool",
    "sorted",
    "dict",
    "sum",
    "any",
    "all",
    "max",
    "min",
    "enumerate",
    "zip",
    "map",
    "filter",
];

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    if !ctx.mentions("self.queryset") {
        return;
    }
    let querysets = Querysets::new(ctx);
    for &class in ctx.nodes("class_definition") {
        let Some(value) = class_queryset(ctx, class) else {
            continue;
        };
        if querysets.of(value).is_none_or(|q| q.is_manager()) || !is_view(ctx, class) {
            continue;
        }
        let Some(body) = class.field("body") else {
            continue;
        };
        let reads: Vec<Node> = nodes_within(ctx, "attribute", body)
            .filter(|a| is_self_queryset(ctx, *a))
            .filter(|a| {
                ctx.enclosing_class(*a)
                    .is_some_and(|c| c.id() == class.id())
            })
            .collect();
        // `self.queryset = ...` anywhere makes it an instance attribute.
        let assigned = reads.iter().any(|a| {
            ctx.parent(*a).is_some_and(|p| {
                matches!(p.kind_name(), "assignment" | "augmented_assignment")
                    && p.field("left").is_some_and(|l| l.id() == a.id())
            })
        });
        if assigned {
            continue;
        }
        let has_get_queryset = has_get_queryset(ctx, class);
        for read in reads {
            let Some(how) = evaluation(ctx, read) else {
                continue;
            };
            let in_get_queryset = ctx
                .enclosing_function(read)
                .is_some_and(|f| ctx.definition_name(f) == "get_queryset");
            let replacement = if has_get_queryset && !in_get_queryset {
                "self.get_queryset()"
            } else {
                "self.queryset.all()"
            };
            hits.push(
                Hit::node(read)
                    .with_message(format!(
                        "`self.queryset` is {how}: a DRF view raises `RuntimeError`, a viewset or Django view serves the first request's rows to every later one; use `{replacement}`"
                    ))
                    .with_fix(
                        format!("Use `{replacement}`"),
                        vec![Edit::replace(read.byte_range(), replacement)],
                    ),
            );
        }
    }
}

/// The value of `queryset = ...` in the class body.
fn class_queryset<'a>(ctx: &FileContext<'a>, class: Node<'a>) -> Option<Node<'a>> {
    let body = class.field("body")?;
    let found = ctx
        .named_children(body)
        .filter_map(|s| ctx.assignment_in(s))
        .find(|a| a.field("left").is_some_and(|l| ctx.text(l) == "queryset"))
        .and_then(|a| a.field("right"));
    found
}

/// A view or viewset: the class or one of its bases is named like one.
fn is_view<'a>(ctx: &FileContext<'a>, class: Node<'a>) -> bool {
    std::iter::once(ctx.definition_name(class).to_string())
        .chain(ctx.class_bases(class))
        .any(|n| n.contains("View"))
}

/// Whether `self.get_queryset()` exists: the class defines it, or a base is one of
/// DRF's generic views or viewsets (`GenericAPIView` defines it) or Django's generic
/// list/detail views (`MultipleObjectMixin`, `SingleObjectMixin`).
fn has_get_queryset<'a>(ctx: &FileContext<'a>, class: Node<'a>) -> bool {
    methods(ctx, class)
        .iter()
        .any(|m| ctx.definition_name(*m) == "get_queryset")
        || ctx.class_bases(class).iter().any(|b| {
            let last = b.rsplit('.').next().unwrap_or(b);
            last.contains("Generic")
                || last.ends_with("ModelViewSet")
                || last.ends_with("APIView") && last != "APIView"
                || ["ListView", "DetailView", "UpdateView", "DeleteView"]
                    .iter()
                    .any(|v| last.ends_with(v))
        })
}

fn is_self_queryset(ctx: &FileContext, attribute: Node) -> bool {
    attribute
        .field("object")
        .is_some_and(|o| o.kind_name() == "identifier" && ctx.text(o) == "self")
        && attribute
            .field("attribute")
            .is_some_and(|a| ctx.text(a) == "queryset")
}

/// How `read` evaluates the queryset, if it does: iterated by a loop or a
/// comprehension, passed to `list()`/`len()`/..., tested for truth, or searched with `in`.
fn evaluation<'a>(ctx: &FileContext<'a>, read: Node<'a>) -> Option<&'static str> {
    let mut node = read;
    while let Some(p) = ctx
        .parent(node)
        .filter(|p| p.kind_name() == "parenthesized_expression")
    {
        node = p;
    }
    let parent = ctx.parent(node)?;
    let is = |field: &str| parent.field(field).is_some_and(|c| c.id() == node.id());
    match parent.kind_name() {
        "for_statement" | "for_in_clause" if is("right") => Some("iterated"),
        "if_statement" | "elif_clause" | "while_statement" if is("condition") => {
            Some("tested for truth, which loads every row")
        }
        "not_operator" => Some("tested for truth, which loads every row"),
        "comparison_operator" => {
            let operator = parent.field("operators").map(|o| ctx.text(o));
            let right = parent.named_child(1).is_some_and(|r| r.id() == node.id());
            (right && matches!(operator, Some("in" | "not in"))).then_some("searched with `in`")
        }
        "argument_list" => {
            let call = ctx.parent(parent)?;
            let callee = ctx.callee(call)?;
            let name = ctx.text(callee);
            (callee.kind_name() == "identifier"
                && ITERATING.contains(&name)
                && ctx
                    .positional_args(call)
                    .first()
                    .is_some_and(|a| a.id() == node.id()))
            .then_some(match name {
                "len" => "measured with `len()`, which loads every row",
                "bool" => "tested for truth, which loads every row",
                _ => "iterated",
            })
        }
        _ => None,
    }
}
