//! Shared by the `orm` and `wagtail` families: which classes are Django REST framework
//! or Wagtail API viewsets, where code reads the view's action, and whether a node sits
//! in the branch that runs for the list action.
//!
//! DRF sets `self.action` in `ViewSetMixin.initialize_request()` from the route's
//! method-to-action map (`rest_framework/viewsets.py`): `"list"`, `"retrieve"`, ...,
//! `"metadata"` for OPTIONS, `None` for an unmapped method. Wagtail's API viewsets are
//! routed by `BaseAPIViewSet.get_urlpatterns()` (`wagtail/api/v2/views.py`) with
//! `as_view({"get": "listing_view"})`, `"detail_view"` and `"find_view"`, so there the
//! list action is `"listing_view"`.

use crate::context::Field;
use crate::context::FileContext;
use tree_sitter::Node;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewsetKind {
    /// A Django REST framework viewset (or a class named like one).
    Drf,
    /// A subclass of one of Wagtail's API v2 viewsets.
    WagtailApi,
}

impl ViewsetKind {
    /// The value of `self.action` (and the method name) for the list endpoint.
    pub fn list_action(self) -> &'static str {
        match self {
            ViewsetKind::Drf => "list",
            ViewsetKind::WagtailApi => "listing_view",
        }
    }
}

/// Wagtail's API viewsets (`wagtail.api.v2.views`, `wagtail.images.api.v2.views`,
/// `wagtail.documents.api.v2.views`, `wagtail.admin.api.views`).
pub const WAGTAIL_API_VIEWSETS: &[&str] = &[
    "BaseAPIViewSet",
    "PagesAPIViewSet",
    "ImagesAPIViewSet",
    "DocumentsAPIViewSet",
    "PagesAdminAPIViewSet",
];

/// DRF bases that give a viewset a `list` action.
const DRF_LISTING_BASES: &[&str] = &["ListModelMixin", "ModelViewSet", "ReadOnlyModelViewSet"];

/// DRF bases that give no `list` action.
const DRF_NON_LISTING_BASES: &[&str] = &[
    "ViewSet",
    "GenericViewSet",
    "ViewSetMixin",
    "CreateModelMixin",
    "RetrieveModelMixin",
    "UpdateModelMixin",
    "DestroyModelMixin",
];

/// How far base classes defined in the same file are followed.
const MAX_BASE_DEPTH: usize = 8;
/// How deep a condition's `and`/`or`/`not` nesting is read.
const MAX_CONDITION_DEPTH: usize = 16;

fn last_segment(dotted: &str) -> &str {
    dotted.rsplit('.').next().unwrap_or(dotted)
}

/// A class named `name` defined in this file.
fn local_class<'a>(ctx: &FileContext<'a>, name: &str) -> Option<Node<'a>> {
    ctx.nodes("class_definition")
        .iter()
        .copied()
        .find(|c| ctx.definition_name(*c) == name)
}

/// Whether the file sets up Wagtail admin viewsets (which have no `action`) and nothing
/// from DRF: an unresolved `...ViewSet` base there is Wagtail's, not DRF's.
fn wagtail_admin_file(ctx: &FileContext) -> bool {
    let modules = &ctx.imports.modules;
    modules.iter().any(|m| {
        m.module.starts_with("wagtail.admin.viewsets")
            || m.module.starts_with("wagtail.snippets")
            || m.module.starts_with("wagtail.contrib.settings")
    }) && !modules
        .iter()
        .any(|m| m.module.starts_with("rest_framework"))
}

/// Whether `class` is a viewset, and which kind: a base named like one of Wagtail's API
/// viewsets makes it a Wagtail API viewset; any other base ending in `ViewSet` (not one
/// imported from Wagtail's admin, whose viewsets have no `action`) a DRF viewset. Bases
/// defined in the same file are followed.
pub fn viewset_kind<'a>(ctx: &FileContext<'a>, class: Node<'a>) -> Option<ViewsetKind> {
    let mut found = None;
    let mut pending = vec![(class, 0usize)];
    // Each class once: bases may form diamonds (or cycles, in broken code).
    let mut seen: Vec<usize> = Vec::new();
    while let Some((class, depth)) = pending.pop() {
        if seen.contains(&class.id()) {
            continue;
        }
        seen.push(class.id());
        for base in ctx.class_bases(class) {
            let qualified = ctx.imports.resolve(&base);
            let last = last_segment(&qualified);
            let from_wagtail = qualified.starts_with("wagtail.");
            if WAGTAIL_API_VIEWSETS.contains(&last) || from_wagtail && last.ends_with("APIViewSet")
            {
                return Some(ViewsetKind::WagtailApi);
            }
            if from_wagtail {
                continue;
            }
            if last.ends_with("ViewSet") || last == "ViewSetMixin" {
                if qualified.starts_with("rest_framework.") || !wagtail_admin_file(ctx) {
                    found = Some(ViewsetKind::Drf);
                }
                continue;
            }
            if depth < MAX_BASE_DEPTH && !base.contains('.') {
                if let Some(local) = local_class(ctx, &base) {
                    pending.push((local, depth + 1));
                }
            }
        }
    }
    found
}

/// The viewset kind of the class that holds `node`, if any.
pub fn enclosing_viewset<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> Option<ViewsetKind> {
    ctx.enclosing_class(node)
        .and_then(|class| viewset_kind(ctx, class))
}

/// The methods defined directly in a class body.
pub fn methods<'a>(ctx: &FileContext<'a>, class: Node<'a>) -> Vec<Node<'a>> {
    let Some(body) = class.field("body") else {
        return Vec::new();
    };
    let mut cursor = body.walk();
    body.named_children(&mut cursor)
        .filter_map(|c| match c.kind() {
            "function_definition" => Some(c),
            "decorated_definition" => c
                .field("definition")
                .filter(|d| d.kind() == "function_definition"),
            _ => None,
        })
        .filter(|f| ctx.method_class(*f).is_some())
        .collect()
}

/// Whether a viewset may serve a list: false only when every base is a DRF class known
/// to have no `list` action and the class defines neither `list` nor a `detail=False`
/// extra action.
pub fn may_list<'a>(ctx: &FileContext<'a>, class: Node<'a>, kind: ViewsetKind) -> bool {
    if kind == ViewsetKind::WagtailApi {
        return true;
    }
    let listing_method = methods(ctx, class).into_iter().any(|m| {
        ctx.definition_name(m) == "list"
            || ctx
                .decorators(m)
                .iter()
                .any(|d| ctx.text(*d).replace(' ', "").contains("detail=False"))
    });
    if listing_method {
        return true;
    }
    ctx.class_bases(class).iter().any(|base| {
        let qualified = ctx.imports.resolve(base);
        let last = last_segment(&qualified);
        DRF_LISTING_BASES.contains(&last) || !DRF_NON_LISTING_BASES.contains(&last)
    })
}

/// `self.action` or `getattr(self, "action"[, default])`.
pub fn is_action_read<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    let node = ctx.unparenthesize(node);
    match node.kind() {
        "attribute" => {
            node.field("object")
                .is_some_and(|o| o.kind() == "identifier" && ctx.text(o) == "self")
                && node
                    .field("attribute")
                    .is_some_and(|a| ctx.text(a) == "action")
        }
        "call" => {
            ctx.callee(node)
                .is_some_and(|c| c.kind() == "identifier" && ctx.text(c) == "getattr")
                && {
                    let args = ctx.positional_args(node);
                    args.len() >= 2
                        && args[0].kind() == "identifier"
                        && ctx.text(args[0]) == "self"
                        && ctx.string_value(args[1]).as_deref() == Some("action")
                }
        }
        _ => false,
    }
}

/// The value last assigned to the plain name `name` before `at` in the function holding
/// `at` (not in functions nested in it): `ctx.assigned_value` restricted to the function's
/// own nodes, so each lookup costs the size of the function, not of the file.
pub fn local_value<'a>(ctx: &FileContext<'a>, name: &str, at: Node<'a>) -> Option<Node<'a>> {
    let Some(function) = ctx.enclosing_function(at) else {
        return ctx.assigned_value(name, at);
    };
    nodes_within(ctx, "assignment", function)
        .take_while(|a| a.end_byte() <= at.start_byte())
        .filter(|a| {
            a.field("left")
                .is_some_and(|l| l.kind() == "identifier" && ctx.text(l) == name)
        })
        .filter(|a| ctx.enclosing_function(*a).map(|f| f.id()) == Some(function.id()))
        .filter_map(|a| a.field("right"))
        .last()
}

/// An action read, or a local name last assigned one (`action = getattr(self, "action", None)`).
pub fn is_action_expr<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    let node = ctx.unparenthesize(node);
    if is_action_read(ctx, node) {
        return true;
    }
    node.kind() == "identifier"
        && local_value(ctx, ctx.text(node), node).is_some_and(|value| is_action_read(ctx, value))
}

/// The nodes of `kind` inside `scope` (kind lists are in source order: a binary search
/// finds the first, so a file with many methods is not scanned once per method).
pub fn nodes_within<'a, 'c>(
    ctx: &'c FileContext<'a>,
    kind: &str,
    scope: Node<'a>,
) -> impl Iterator<Item = Node<'a>> + 'c {
    let nodes = ctx.nodes(kind);
    let range = scope.byte_range();
    let first = nodes.partition_point(|n| n.start_byte() < range.start);
    nodes[first..]
        .iter()
        .copied()
        .take_while(move |n| n.start_byte() < range.end)
        .filter(move |n| n.end_byte() <= range.end)
}

/// Whether the code inside `scope` (a function) reads the action.
pub fn reads_action<'a>(ctx: &FileContext<'a>, scope: Node<'a>) -> bool {
    nodes_within(ctx, "attribute", scope)
        .chain(nodes_within(ctx, "call", scope))
        .any(|n| is_action_read(ctx, n))
}

/// A comparison of the action with string literals: `self.action == "list"`,
/// `action in ("list", "retrieve")`, `"list" != self.action`.
pub struct ActionComparison<'a> {
    /// True for `==` and `in`, false for `!=` and `not in`.
    pub positive: bool,
    /// The string literals compared with, and their values.
    pub names: Vec<(Node<'a>, String)>,
}

pub fn action_comparison<'a>(
    ctx: &FileContext<'a>,
    node: Node<'a>,
) -> Option<ActionComparison<'a>> {
    let node = ctx.unparenthesize(node);
    if node.kind() != "comparison_operator" || node.named_child_count() != 2 {
        return None;
    }
    let operator = ctx.text(node.field("operators")?);
    let (left, right) = (node.named_child(0)?, node.named_child(1)?);
    let (positive, membership) = match operator {
        "==" => (true, false),
        "!=" => (false, false),
        "in" => (true, true),
        "not in" => (false, true),
        _ => return None,
    };
    // The cheap test (string literals on one side) first: `is_action_expr` may look up
    // a local's assignment.
    let names = if membership {
        let collection = ctx.unparenthesize(right);
        if !matches!(collection.kind(), "tuple" | "list" | "set") {
            return None;
        }
        let mut cursor = collection.walk();
        let names: Vec<_> = collection
            .named_children(&mut cursor)
            .filter_map(|e| ctx.string_value(e).map(|v| (e, v)))
            .collect();
        if names.is_empty() || !is_action_expr(ctx, left) {
            return None;
        }
        names
    } else {
        let on_right = string_name(ctx, right);
        if !on_right.is_empty() && is_action_expr(ctx, left) {
            on_right
        } else {
            let on_left = string_name(ctx, left);
            if on_left.is_empty() || !is_action_expr(ctx, right) {
                return None;
            }
            on_left
        }
    };
    if names.is_empty() {
        return None;
    }
    Some(ActionComparison { positive, names })
}

/// The string patterns of a `case` under `match <action>:` (`case "list" | "search":`).
/// None when the subject is not the action.
pub fn action_case<'a>(ctx: &FileContext<'a>, case: Node<'a>) -> Option<Vec<(Node<'a>, String)>> {
    let statement = ctx.parent(ctx.parent(case)?)?;
    if statement.kind() != "match_statement" || !is_action_expr(ctx, statement.field("subject")?) {
        return None;
    }
    let mut cursor = case.walk();
    let pattern = case
        .named_children(&mut cursor)
        .find(|c| c.kind() == "case_pattern")?;
    let mut cursor = pattern.walk();
    let mut names = Vec::new();
    for child in pattern.named_children(&mut cursor) {
        if child.kind() == "union_pattern" {
            let mut inner = child.walk();
            names.extend(
                child
                    .named_children(&mut inner)
                    .filter_map(|s| ctx.string_value(s).map(|v| (s, v))),
            );
        } else if let Some(value) = ctx.string_value(child) {
            names.push((child, value));
        }
    }
    Some(names)
}

fn string_name<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> Vec<(Node<'a>, String)> {
    let node = ctx.unparenthesize(node);
    ctx.string_value(node)
        .map(|v| vec![(node, v)])
        .unwrap_or_default()
}

/// Whether `condition` being true (`when == true`) or false means the list action runs.
fn condition_selects<'a>(
    ctx: &FileContext<'a>,
    condition: Node<'a>,
    list: &[&str],
    when: bool,
    depth: usize,
) -> bool {
    if depth > MAX_CONDITION_DEPTH {
        return false;
    }
    let condition = ctx.unparenthesize(condition);
    match condition.kind() {
        "comparison_operator" => action_comparison(ctx, condition).is_some_and(|c| {
            c.positive == when && c.names.iter().any(|(_, v)| list.contains(&v.as_str()))
        }),
        "not_operator" => condition
            .field("argument")
            .is_some_and(|a| condition_selects(ctx, a, list, !when, depth + 1)),
        "boolean_operator" => {
            let (Some(left), Some(right), Some(op)) = (
                condition.field("left"),
                condition.field("right"),
                condition.field("operator"),
            ) else {
                return false;
            };
            let selects = |n| condition_selects(ctx, n, list, when, depth + 1);
            let is_and = ctx.text(op) == "and";
            if is_and == when {
                // `A and B` true, or `A or B` false: both hold, either one selecting is enough.
                selects(left) || selects(right)
            } else {
                // `A or B` true (or `A and B` false): one side selects the list action and
                // the other tests the action too (`action == "list" or action == "search"`).
                let about_action = |n: Node<'a>| action_comparison(ctx, n).is_some();
                selects(left) && about_action(right) || selects(right) && about_action(left)
            }
        }
        _ => false,
    }
}

/// The action names that mean "list" for code in `kind` (unknown: a mixin, both).
fn list_names(kind: Option<ViewsetKind>) -> &'static [&'static str] {
    match kind {
        Some(ViewsetKind::Drf) => &["list"],
        Some(ViewsetKind::WagtailApi) => &["listing_view"],
        None => &["list", "listing_view"],
    }
}

fn is_child<'a>(parent: Node<'a>, field: &str, child: Node<'a>) -> bool {
    parent.field(field).is_some_and(|c| c.id() == child.id())
}

/// Whether `node` runs only for the list action: in the body of an `if`/`elif` testing
/// that the action is the list action (`==`, `in (...)`, also under `and`), the `else`
/// of a test that it is not (`!=`, `not in`), the matching side of a conditional
/// expression, or the viewset's `list` method (`listing_view` on Wagtail API viewsets).
/// The search stops at the enclosing function.
pub fn in_list_branch<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    let kind = enclosing_viewset(ctx, node);
    let list = list_names(kind);
    let mut child = node;
    for ancestor in ctx.ancestors(node) {
        let selected = match ancestor.kind() {
            "if_statement" | "elif_clause" if is_child(ancestor, "consequence", child) => ancestor
                .field("condition")
                .is_some_and(|c| condition_selects(ctx, c, list, true, 0)),
            "else_clause" => ctx.parent(ancestor).is_some_and(|if_statement| {
                let mut cursor = if_statement.walk();
                let has_elif = if_statement
                    .named_children(&mut cursor)
                    .any(|c| c.kind() == "elif_clause");
                !has_elif
                    && if_statement.kind() == "if_statement"
                    && if_statement
                        .field("condition")
                        .is_some_and(|c| condition_selects(ctx, c, list, false, 0))
            }),
            "case_clause" if is_child(ancestor, "consequence", child) => action_case(ctx, ancestor)
                .is_some_and(|names| names.iter().any(|(_, v)| list.contains(&v.as_str()))),
            "conditional_expression" => {
                let (Some(then), Some(condition), Some(otherwise)) = (
                    ancestor.named_child(0),
                    ancestor.named_child(1),
                    ancestor.named_child(2),
                ) else {
                    return false;
                };
                then.id() == child.id() && condition_selects(ctx, condition, list, true, 0)
                    || otherwise.id() == child.id()
                        && condition_selects(ctx, condition, list, false, 0)
            }
            "function_definition" => {
                return kind.is_some_and(|k| ctx.definition_name(ancestor) == k.list_action())
                    && ctx.method_class(ancestor).is_some();
            }
            "class_definition" | "lambda" => return false,
            _ => false,
        };
        if selected {
            return true;
        }
        child = ancestor;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn with_ctx(code: &str, f: impl FnOnce(&FileContext)) {
        let tree = parse(code).expect("parses");
        let ctx = FileContext::new("t.py", code, &tree);
        f(&ctx);
    }

    fn first_call<'a>(ctx: &FileContext<'a>, name: &str) -> Node<'a> {
        *ctx.nodes("call")
            .iter()
            .find(|c| ctx.call_simple_name(**c) == Some(name))
            .expect("call present")
    }

    #[test]
    fn classifies_viewsets() {
        let code = "from rest_framework import viewsets\n\
            from wagtail.api.v2.views import PagesAPIViewSet as P\n\
            from wagtail.admin.viewsets.model import ModelViewSet\n\
            class A(viewsets.ModelViewSet): pass\n\
            class B(P): pass\n\
            class C(ModelViewSet): pass\n\
            class D(A): pass\n\
            class E(object): pass\n\
            class F(F): pass\n";
        with_ctx(code, |ctx| {
            let kinds: Vec<_> = ctx
                .nodes("class_definition")
                .iter()
                .map(|c| viewset_kind(ctx, *c))
                .collect();
            use ViewsetKind::*;
            assert_eq!(
                kinds,
                vec![Some(Drf), Some(WagtailApi), None, Some(Drf), None, None]
            );
        });
    }

    #[test]
    fn follows_each_local_base_once() {
        let mut code = String::from("class C0(viewsets.ViewSet): pass\n");
        for i in 1..40 {
            let bases: Vec<String> = (0..i).rev().map(|j| format!("C{j}")).collect();
            code.push_str(&format!("class C{i}(Mixin, {}): pass\n", bases.join(", ")));
        }
        code.push_str("class Last(C39, C38, C37): pass\n");
        with_ctx(&code, |ctx| {
            let last = *ctx.nodes("class_definition").last().expect("classes");
            assert_eq!(viewset_kind(ctx, last), Some(ViewsetKind::Drf));
        });
    }

    #[test]
    fn knows_which_viewsets_list() {
        let code = "from rest_framework import mixins, viewsets\n\
            class A(mixins.RetrieveModelMixin, viewsets.GenericViewSet): pass\n\
            class B(mixins.ListModelMixin, viewsets.GenericViewSet): pass\n\
            class C(Base, viewsets.GenericViewSet): pass\n";
        with_ctx(code, |ctx| {
            let lists: Vec<_> = ctx
                .nodes("class_definition")
                .iter()
                .map(|c| may_list(ctx, *c, ViewsetKind::Drf))
                .collect();
            assert_eq!(lists, vec![false, true, true]);
        });
    }

    #[test]
    fn finds_the_list_branch() {
        let cases = [
            ("if self.action == 'list':\n        x.go()", true),
            ("if 'list' == self.action and y:\n        x.go()", true),
            ("action = getattr(self, 'action', None)\n    if action in ('list', 'x'):\n        x.go()", true),
            ("if self.action != 'list':\n        pass\n    else:\n        x.go()", true),
            ("if not self.action == 'list':\n        pass\n    else:\n        x.go()", true),
            ("if self.action == 'list' or self.action == 'search':\n        x.go()", true),
            ("y = x.go() if self.action == 'list' else None", true),
            ("action = getattr(self, 'action', None)\n    def inner():\n        action = 1\n    if action == 'list':\n        x.go()", true),
            ("def inner():\n        action = self.action\n    if action == 'list':\n        x.go()", false),
            ("match self.action:\n        case 'list' | 'search':\n            x.go()", true),
            ("match self.action:\n        case 'retrieve':\n            x.go()", false),
            ("if self.action == 'list' or flag:\n        x.go()", false),
            ("if self.action == 'retrieve':\n        x.go()", false),
            ("if self.action != 'list':\n        x.go()", false),
            ("if action == 'list':\n        x.go()", false),
            ("if self.action == 'list':\n        pass\n    x.go()", false),
        ];
        for (body, expected) in cases {
            let code = format!("class V(ModelViewSet):\n  def get_queryset(self):\n    {body}\n");
            with_ctx(&code, |ctx| {
                let call = first_call(ctx, "go");
                assert_eq!(in_list_branch(ctx, call), expected, "{body}");
            });
        }
    }

    #[test]
    fn wagtail_list_branch_is_listing_view() {
        let code = "class V(PagesAPIViewSet):\n  def get_queryset(self):\n    if self.action == 'list':\n      x.go()\n    if self.action == 'listing_view':\n      y.go()\n  def listing_view(self, request):\n    z.go()\n";
        with_ctx(code, |ctx| {
            assert!(!in_list_branch(ctx, first_call(ctx, "go")));
            let calls: Vec<_> = ctx
                .nodes("call")
                .iter()
                .filter(|c| ctx.call_simple_name(**c) == Some("go"))
                .map(|c| in_list_branch(ctx, *c))
                .collect();
            assert_eq!(calls, vec![false, true, true]);
        });
    }
}
