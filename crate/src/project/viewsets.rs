//! Viewsets in the index: which classes are Django REST framework or Wagtail API
//! viewsets, where code reads the view's action, whether a node sits in the branch that
//! runs for an action, which serializer each action uses, and what the queryset
//! prefetches for each action.
//!
//! DRF sets `self.action` in `ViewSetMixin.initialize_request()` from the route's
//! method-to-action map (`rest_framework/viewsets.py`): `"list"`, `"retrieve"`, ...,
//! `"metadata"` for OPTIONS, `None` for an unmapped method. Wagtail's API viewsets are
//! routed by `BaseAPIViewSet.get_urlpatterns()` (`wagtail/api/v2/views.py`) with
//! `as_view({"get": "listing_view"})`, `"detail_view"` and `"find_view"`, so there the
//! list action is `"listing_view"`.
use serde::{Deserialize, Serialize};

use super::classes::{last_segment, ClassFact, Value};
use super::{ClassId, ProjectIndex};
use crate::context::{nodes_within, FileContext};
use crate::grammar::{Field, KindName};
use crate::semantic::bindings::{assigned_value, names_within};
use tree_sitter::Node;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
pub const DRF_LISTING_BASES: &[&str] = &["ListModelMixin", "ModelViewSet", "ReadOnlyModelViewSet"];

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
                if let Some(local) = ctx.classes_named(&base).next() {
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
        .filter_map(|c| match c.kind_name() {
            "function_definition" => Some(c),
            "decorated_definition" => c
                .field("definition")
                .filter(|d| d.kind_name() == "function_definition"),
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
    match node.kind_name() {
        "attribute" => {
            node.field("object")
                .is_some_and(|o| o.kind_name() == "identifier" && ctx.text(o) == "self")
                && node
                    .field("attribute")
                    .is_some_and(|a| ctx.text(a) == "action")
        }
        "call" => {
            ctx.callee(node)
                .is_some_and(|c| c.kind_name() == "identifier" && ctx.text(c) == "getattr")
                && {
                    let args = ctx.positional_args(node);
                    args.len() >= 2
                        && args[0].kind_name() == "identifier"
                        && ctx.text(args[0]) == "self"
                        && ctx.string_value(args[1]).as_deref() == Some("action")
                }
        }
        _ => false,
    }
}

/// An action read, or a local name last assigned one (`action = getattr(self, "action", None)`).
pub fn is_action_expr<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    let node = ctx.unparenthesize(node);
    if is_action_read(ctx, node) {
        return true;
    }
    node.kind_name() == "identifier"
        && assigned_value(ctx, ctx.text(node), node).is_some_and(|value| is_action_read(ctx, value))
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
    if node.kind_name() != "comparison_operator" || node.named_child_count() != 2 {
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
        if !matches!(collection.kind_name(), "tuple" | "list" | "set") {
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
    if statement.kind_name() != "match_statement"
        || !is_action_expr(ctx, statement.field("subject")?)
    {
        return None;
    }
    let mut cursor = case.walk();
    let pattern = case
        .named_children(&mut cursor)
        .find(|c| c.kind_name() == "case_pattern")?;
    let mut cursor = pattern.walk();
    let mut names = Vec::new();
    for child in pattern.named_children(&mut cursor) {
        if child.kind_name() == "union_pattern" {
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
    match condition.kind_name() {
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
        let selected = match ancestor.kind_name() {
            "if_statement" | "elif_clause" if is_child(ancestor, "consequence", child) => ancestor
                .field("condition")
                .is_some_and(|c| condition_selects(ctx, c, list, true, 0)),
            "else_clause" => ctx.parent(ancestor).is_some_and(|if_statement| {
                let mut cursor = if_statement.walk();
                let has_elif = if_statement
                    .named_children(&mut cursor)
                    .any(|c| c.kind_name() == "elif_clause");
                !has_elif
                    && if_statement.kind_name() == "if_statement"
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

/// Which serializer an action gets, as the viewset's code says it (resolved against the
/// class and its bases in the index: [`ProjectIndex::serializer_for`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pick {
    /// A class named in the code (resolved through the file's imports).
    Name(String),
    /// `self.<attr>`: a class attribute (`serializer_class`, `list_serializer_class`).
    SelfAttr(String),
    /// `self.<attr>[self.action]`, `self.<attr>.get(self.action, default)`: a dict
    /// class attribute keyed by action.
    Entry {
        attr: String,
        key: String,
        default: Option<Box<Pick>>,
    },
    /// `super().get_serializer_class()`.
    Super,
    Unknown,
}

/// Whether code runs for an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reach {
    Yes,
    No,
    /// Under a condition that is not about the action (a request parameter, a
    /// permission), or past an early return the index cannot judge.
    Unknown,
}

impl Reach {
    fn and(self, other: Reach) -> Reach {
        match (self, other) {
            (Reach::No, _) | (_, Reach::No) => Reach::No,
            (Reach::Yes, Reach::Yes) => Reach::Yes,
            _ => Reach::Unknown,
        }
    }
}

/// Where a viewset prefetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrefetchOrigin {
    /// In `get_queryset(self)`.
    GetQueryset,
    /// In the class-level `queryset = ...`.
    ClassQueryset,
}

/// A `prefetch_related(...)` call of a viewset's own queryset (not one inside a
/// `Prefetch(..., queryset=...)`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PrefetchSite {
    pub origin: PrefetchOrigin,
    /// The lookups named (string arguments, and `Prefetch("lookup", ...)`), each with
    /// the range of its argument and whether it is a plain string.
    pub lookups: Vec<(String, std::ops::Range<usize>, bool)>,
    /// Whether the call runs for each of [`ACTIONS`], in that order.
    pub reach: Vec<Reach>,
    /// An argument the index cannot read (`*LOOKUPS`, a `Prefetch` held in a name), or
    /// `select_related()` with none (every non-null foreign key): it may cover any
    /// relation.
    #[serde(default)]
    pub opaque: bool,
}

/// Where a viewset's queryset starts (DRF003).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuerysetRoot {
    /// `Model.objects` (`_default_manager`, `_base_manager`): the model's name resolved
    /// through the file's imports, and the manager attribute.
    Manager { model: String, manager: String },
    /// `self.queryset` or `super().get_queryset()`: the class-level queryset.
    Base,
    /// `<object>.<name>`, not a manager: a related manager (`self.request.event.items`)
    /// when the project's relations say `name` is one; the rule checks which model.
    Related { name: String },
}

/// How a viewset builds its queryset, when every step is a plain queryset method
/// (DRF003): a custom queryset or manager method, a helper the queryset is passed to, or
/// a branch that returns something else leaves it unknown.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QuerysetBuild {
    pub root: QuerysetRoot,
    /// The class-level `queryset` value, or the first value `get_queryset` returns.
    pub range: std::ops::Range<usize>,
    /// Where `.prefetch_related(...)` can be appended: the end of the only returned
    /// value, unless the chain slices, uses `only()`/`defer()`, or there are several.
    pub fix_at: Option<usize>,
}

/// The actions whose serializer and prefetches the index records: DRF's list and
/// detail (Wagtail's API viewsets choose fields, not serializer classes).
pub const ACTIONS: &[&str] = &["list", "retrieve"];

/// What the index keeps of a class that looks like a viewset.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ViewsetFacts {
    /// The kind seen from this file alone (None: not known to be a viewset from here).
    pub kind: Option<ViewsetKind>,
    /// False only when the class is known to have no list action.
    pub may_list: bool,
    /// The picks of its own `get_serializer_class`, one per action of [`ACTIONS`].
    pub picks: Option<Vec<Pick>>,
    pub prefetches: Vec<PrefetchSite>,
    /// Its own `get_queryset`: whether it starts from the class-level queryset
    /// (`self.queryset`, `super().get_queryset()`) for each action. None when it does
    /// not override `get_queryset`.
    pub base_queryset: Option<Vec<Reach>>,
    /// `select_related(...)` calls of its querysets, read as `prefetches` (DRF003).
    #[serde(default)]
    pub selects: Vec<PrefetchSite>,
    /// How its class-level `queryset` is built, when the index can read it.
    #[serde(default)]
    pub class_queryset: Option<QuerysetBuild>,
    /// How its `get_queryset(self)` builds what it returns, when the index can read it.
    #[serde(default)]
    pub get_queryset: Option<QuerysetBuild>,
}

/// Reads a class's viewset facts, when it is or may be a viewset.
pub fn facts<'a>(
    ctx: &FileContext<'a>,
    class: Node<'a>,
    fact: &super::classes::ClassFact,
    methods: &[Node<'a>],
) -> Option<ViewsetFacts> {
    let named = |n: &str| {
        methods
            .iter()
            .copied()
            .find(|m| ctx.definition_name(*m) == n)
    };
    let get_queryset = named("get_queryset");
    let get_serializer_class = named("get_serializer_class");
    let class_queryset = fact.attrs.iter().rposition(|a| a.name == "queryset");
    if get_queryset.is_none()
        && get_serializer_class.is_none()
        && class_queryset.is_none()
        && fact.attr("serializer_class").is_none()
    {
        return None;
    }
    let kind = viewset_kind(ctx, class);
    let mut facts = ViewsetFacts {
        kind,
        may_list: kind.is_none_or(|k| may_list(ctx, class, k)),
        ..ViewsetFacts::default()
    };
    if let Some(function) = get_serializer_class {
        let picks = ACTIONS
            .iter()
            .map(|action| {
                function
                    .field("body")
                    .and_then(|b| pick_in_block(ctx, b, action, 0))
                    .unwrap_or(Pick::Unknown)
            })
            .collect();
        facts.picks = Some(picks);
    }
    if let Some(function) = get_queryset.filter(|f| ctx.parameter_names(*f) == ["self"]) {
        let mut base = vec![Reach::No; ACTIONS.len()];
        for node in nodes_within(ctx, "attribute", function) {
            if !is_base_queryset(ctx, node) {
                continue;
            }
            for (i, action) in ACTIONS.iter().enumerate() {
                base[i] = match (base[i], reach(ctx, node, function, action)) {
                    (Reach::Yes, _) | (_, Reach::Yes) => Reach::Yes,
                    (Reach::Unknown, _) | (_, Reach::Unknown) => Reach::Unknown,
                    _ => Reach::No,
                };
            }
        }
        facts.base_queryset = Some(base);
        for (call, _, method) in ctx.method_calls(&["prefetch_related", "select_related"]) {
            if !ctx.is_within(call, function) {
                continue;
            }
            if ctx.enclosing_function(call).map(|f| f.id()) != Some(function.id()) {
                continue;
            }
            if let Some(site) =
                prefetch_site(ctx, call, Some(function), PrefetchOrigin::GetQueryset)
            {
                match method {
                    "select_related" => facts.selects.push(site),
                    _ => facts.prefetches.push(site),
                }
            }
        }
        facts.get_queryset = returned_queryset(ctx, function);
    } else if get_queryset.is_some() {
        // Another signature (Wagtail admin viewsets take `request`): not DRF's.
        facts.base_queryset = Some(vec![Reach::Unknown; ACTIONS.len()]);
    }
    if let Some(position) = class_queryset {
        let range = fact.attrs[position].range.clone();
        for (call, _, method) in ctx.method_calls(&["prefetch_related", "select_related"]) {
            if range.start <= call.start_byte() && call.end_byte() <= range.end {
                if let Some(site) = prefetch_site(ctx, call, None, PrefetchOrigin::ClassQueryset) {
                    match method {
                        "select_related" => facts.selects.push(site),
                        _ => facts.prefetches.push(site),
                    }
                }
            }
        }
        facts.class_queryset = ctx
            .root()
            .named_descendant_for_byte_range(range.start, range.end)
            .filter(|n| n.byte_range() == range)
            .and_then(|value| {
                let (root, appendable) = chain_root(ctx, value, None, 0)?;
                Some(QuerysetBuild {
                    root,
                    range: range.clone(),
                    fix_at: appendable.then_some(range.end),
                })
            });
    }
    Some(facts)
}

/// `self.queryset` or `super().get_queryset()` / `super(V, self).get_queryset()`.
fn is_base_queryset<'a>(ctx: &FileContext<'a>, attribute: Node<'a>) -> bool {
    let (Some(object), Some(name)) = (attribute.field("object"), attribute.field("attribute"))
    else {
        return false;
    };
    match ctx.text(name) {
        "queryset" => object.kind_name() == "identifier" && ctx.text(object) == "self",
        "get_queryset" => {
            object.kind_name() == "call"
                && ctx
                    .callee(object)
                    .is_some_and(|c| c.kind_name() == "identifier" && ctx.text(c) == "super")
        }
        _ => false,
    }
}

/// `Prefetch(...)`, `models.Prefetch(...)`, `django.db.models.Prefetch(...)`.
pub fn is_prefetch_object<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> bool {
    let Some(callee) = ctx.callee(call) else {
        return false;
    };
    // Imports rename only the first part of a name: a bare name is looked up in them
    // (no string built: this is asked of every call), an attribute chain must end in
    // `Prefetch` and be a plain dotted name.
    if callee.kind_name() == "identifier" {
        let name = ctx.text(callee);
        let resolved = ctx.imports.target(name).unwrap_or(name);
        return resolved.rsplit('.').next() == Some("Prefetch");
    }
    ctx.call_simple_name(call) == Some("Prefetch") && ctx.call_name(call).is_some()
}

fn prefetch_site<'a>(
    ctx: &FileContext<'a>,
    call: Node<'a>,
    function: Option<Node<'a>>,
    origin: PrefetchOrigin,
) -> Option<PrefetchSite> {
    // Inside another call's arguments (a `Prefetch(..., queryset=X.prefetch_related())`):
    // not the viewset's own queryset.
    let statement_level = ctx
        .ancestors(call)
        .take_while(|a| {
            !matches!(
                a.kind_name(),
                "expression_statement" | "return_statement" | "block" | "module"
            )
        })
        .all(|a| a.kind_name() != "argument_list" && a.kind_name() != "lambda");
    if !statement_level || feeds_a_prefetch_object(ctx, call, function) {
        return None;
    }
    let mut lookups = Vec::new();
    let args = ctx.positional_args(call);
    // `select_related()` follows every non-null foreign key.
    let mut opaque = args.is_empty();
    for arg in args {
        if arg.kind_name() == "call" && is_prefetch_object(ctx, arg) {
            match ctx
                .argument(arg, 0, "lookup")
                .and_then(|l| Some((ctx.string_value(l)?, l)))
            {
                Some((value, lookup)) => lookups.push((value, lookup.byte_range(), false)),
                None => opaque = true,
            }
        } else if let Some(value) = ctx.string_value(arg) {
            lookups.push((value, arg.byte_range(), true));
        } else {
            opaque = true;
        }
    }
    if lookups.is_empty() && !opaque {
        return None;
    }
    let reach = ACTIONS
        .iter()
        .map(|action| match function {
            Some(f) => reach(ctx, call, f, action),
            None => Reach::Yes,
        })
        .collect();
    Some(PrefetchSite {
        origin,
        lookups,
        reach,
        opaque,
    })
}

/// Queryset methods after which a fix cannot simply append `.prefetch_related(...)`
/// (`only()`/`defer()` may defer the relation's column; a slice is final).
const NOT_APPENDABLE: &[&str] = &["only", "defer"];

/// Queryset methods whose result a serializer does not render as model instances, or
/// that combine querysets: the index does not follow them.
const NOT_FOLLOWED: &[&str] = &[
    "values",
    "values_list",
    "dates",
    "datetimes",
    "union",
    "intersection",
    "difference",
    "none",
    "extra",
];

/// Where the queryset chain `expr` starts, and whether a fix may append to it: a
/// manager of a model, the class-level queryset, or a local name (in `function`) that
/// every assignment binds to such a chain. None for anything else (a custom queryset
/// method, a call, a name also bound otherwise or handed to a call).
fn chain_root<'a>(
    ctx: &FileContext<'a>,
    expr: Node<'a>,
    function: Option<Node<'a>>,
    depth: usize,
) -> Option<(QuerysetRoot, bool)> {
    let mut node = ctx.unparenthesize(expr);
    let mut appendable = true;
    for _ in 0..MAX_CHAIN {
        match node.kind_name() {
            "call" => {
                let (receiver, method) = ctx.method_call(node)?;
                if method == "get_queryset"
                    && ctx.unparenthesize(receiver).kind_name() == "call"
                    && ctx
                        .callee(ctx.unparenthesize(receiver))
                        .is_some_and(|c| c.kind_name() == "identifier" && ctx.text(c) == "super")
                {
                    return Some((QuerysetRoot::Base, appendable));
                }
                if !crate::semantic::queryset_api::CHAINED.contains(&method)
                    || NOT_FOLLOWED.contains(&method)
                {
                    return None;
                }
                appendable &= !NOT_APPENDABLE.contains(&method);
                node = ctx.unparenthesize(receiver);
            }
            "subscript" => {
                node.field("subscript")
                    .filter(|s| s.kind_name() == "slice")?;
                appendable = false;
                node = ctx.unparenthesize(node.field("value")?);
            }
            "attribute" => {
                let object = node.field("object")?;
                let attr = ctx.text(node.field("attribute")?);
                if attr == "queryset"
                    && object.kind_name() == "identifier"
                    && ctx.text(object) == "self"
                {
                    return Some((QuerysetRoot::Base, appendable));
                }
                if !crate::semantic::queryset_api::MANAGERS.contains(&attr) {
                    // Only a chain that went through a queryset method: a bare
                    // `self.items` may be anything.
                    return (node.id() != ctx.unparenthesize(expr).id()).then(|| {
                        (
                            QuerysetRoot::Related {
                                name: attr.to_string(),
                            },
                            appendable,
                        )
                    });
                }
                let model = ctx.dotted_name(object)?;
                if model.starts_with("self.") || model == "self" {
                    return None;
                }
                return Some((
                    QuerysetRoot::Manager {
                        model: ctx.imports.resolve(&model),
                        manager: attr.to_string(),
                    },
                    appendable,
                ));
            }
            "identifier" => {
                let (root, more) = local_root(ctx, node, function?, depth)?;
                return Some((root, appendable && more));
            }
            _ => return None,
        }
    }
    None
}

/// How far queryset chains and local names are followed.
const MAX_CHAIN: usize = 32;

/// `chain_root` of a local name: every plain assignment of it in `function` is a chain
/// from the same root (or from the name itself: `qs = qs.filter(...)`), it is bound no
/// other way, and it is never handed to a call (`self.filter_queryset(qs)`,
/// `prefetch_related_objects(qs, ...)`).
fn local_root<'a>(
    ctx: &FileContext<'a>,
    name: Node<'a>,
    function: Node<'a>,
    depth: usize,
) -> Option<(QuerysetRoot, bool)> {
    if depth > 4 {
        return None;
    }
    let text = ctx.text(name);
    if ctx.parameter_names(function).contains(&text)
        || !crate::semantic::bindings::only_plain_assignments(ctx, function, text)
    {
        return None;
    }
    let own = |n: Node<'a>| ctx.enclosing_function(n).map(|f| f.id()) == Some(function.id());
    let passed_on = nodes_within(ctx, "identifier", function).any(|i| {
        ctx.text(i) == text
            && own(i)
            && ctx
                .parent(i)
                .is_some_and(|p| matches!(p.kind_name(), "argument_list" | "keyword_argument"))
    });
    if passed_on {
        return None;
    }
    let mut found: Option<QuerysetRoot> = None;
    let mut appendable = true;
    for assignment in nodes_within(ctx, "assignment", function) {
        let Some(left) = assignment.field("left") else {
            continue;
        };
        if left.kind_name() != "identifier" || ctx.text(left) != text || !own(assignment) {
            continue;
        }
        let right = ctx.unparenthesize(assignment.field("right")?);
        // `qs = qs.filter(...)`: a chain back to the name itself adds no root.
        let mut inner = right;
        let mut self_chain = false;
        for _ in 0..MAX_CHAIN {
            match inner.kind_name() {
                "call" => match ctx.method_call(inner) {
                    Some((receiver, method))
                        if crate::semantic::queryset_api::CHAINED.contains(&method)
                            && !NOT_FOLLOWED.contains(&method) =>
                    {
                        appendable &= !NOT_APPENDABLE.contains(&method);
                        inner = ctx.unparenthesize(receiver);
                    }
                    _ => break,
                },
                "subscript"
                    if inner
                        .field("subscript")
                        .is_some_and(|s| s.kind_name() == "slice") =>
                {
                    appendable = false;
                    inner = ctx.unparenthesize(inner.field("value")?);
                }
                "identifier" => {
                    self_chain = ctx.text(inner) == text;
                    break;
                }
                _ => break,
            }
        }
        if self_chain {
            continue;
        }
        let (root, more) = chain_root(ctx, right, Some(function), depth + 1)?;
        appendable &= more;
        match &found {
            Some(existing) if *existing != root => return None,
            _ => found = Some(root),
        }
    }
    Some((found?, appendable))
}

/// What `get_queryset(self)` returns, when every `return` in it returns a chain from
/// the same root.
fn returned_queryset<'a>(ctx: &FileContext<'a>, function: Node<'a>) -> Option<QuerysetBuild> {
    let returns: Vec<Node> = nodes_within(ctx, "return_statement", function)
        .filter(|r| ctx.enclosing_function(*r).map(|f| f.id()) == Some(function.id()))
        .collect();
    let mut found: Option<(QuerysetRoot, bool)> = None;
    for ret in &returns {
        let (root, appendable) = chain_root(ctx, ret.named_child(0)?, Some(function), 0)?;
        match &found {
            Some((existing, _)) if *existing != root => return None,
            _ => found = Some((root, appendable)),
        }
    }
    let (root, appendable) = found?;
    let value = returns.first()?.named_child(0)?;
    Some(QuerysetBuild {
        root,
        range: value.byte_range(),
        fix_at: (appendable && returns.len() == 1).then_some(value.end_byte()),
    })
}

/// `tags = Tag.objects.prefetch_related(...)` whose name is then handed to a
/// `Prefetch(..., queryset=tags)`: the prefetch of another queryset.
fn feeds_a_prefetch_object<'a>(
    ctx: &FileContext<'a>,
    call: Node<'a>,
    function: Option<Node<'a>>,
) -> bool {
    let Some(function) = function else {
        return false;
    };
    let assigned = ctx
        .ancestors(call)
        .find(|a| a.kind_name() == "assignment")
        .and_then(|a| a.field("left"))
        .filter(|l| l.kind_name() == "identifier");
    let Some(name) = assigned.map(|l| ctx.text(l)) else {
        return false;
    };
    nodes_within(ctx, "call", function)
        .filter(|c| is_prefetch_object(ctx, *c))
        .any(|c| names_within(ctx, name, c).next().is_some())
}

/// Whether `node` in `function` runs for `action`: through the branches around it
/// (each condition judged for the action), and past the returns before it.
pub fn reach<'a>(ctx: &FileContext<'a>, node: Node<'a>, function: Node<'a>, action: &str) -> Reach {
    let mut result = path_reach(ctx, node, function, action);
    if result == Reach::No {
        return result;
    }
    for ret in nodes_within(ctx, "return_statement", function) {
        if ret.start_byte() >= node.start_byte() {
            break;
        }
        if ret.end_byte() > node.start_byte() {
            // The return that holds the node.
            continue;
        }
        if ctx.enclosing_function(ret).map(|f| f.id()) != Some(function.id()) {
            continue;
        }
        match path_reach(ctx, ret, function, action) {
            Reach::Yes => return Reach::No,
            Reach::Unknown => result = Reach::Unknown,
            Reach::No => {}
        }
    }
    result
}

/// Whether the branches around `node` (up to `function`) all run for `action`.
fn path_reach<'a>(
    ctx: &FileContext<'a>,
    node: Node<'a>,
    function: Node<'a>,
    action: &str,
) -> Reach {
    let mut result = Reach::Yes;
    let mut child = node;
    for ancestor in ctx.ancestors(node) {
        if ancestor.id() == function.id() {
            break;
        }
        let here = match ancestor.kind_name() {
            "if_statement" | "elif_clause" if is_child(ancestor, "consequence", child) => {
                let mut here = truth(ctx, ancestor.field("condition"), action);
                if ancestor.kind_name() == "elif_clause" {
                    here = here.and(earlier_conditions_false(ctx, ancestor, action));
                }
                here
            }
            "else_clause" => ctx.parent(ancestor).map_or(Reach::Unknown, |statement| {
                earlier_conditions_false(ctx, ancestor, action).and(
                    if statement.kind_name() == "if_statement" {
                        Reach::Yes
                    } else {
                        // `for ... else`, `try ... else`: runs in the usual case.
                        Reach::Yes
                    },
                )
            }),
            "case_clause" if is_child(ancestor, "consequence", child) => {
                match action_case(ctx, ancestor) {
                    Some(names) if names.iter().any(|(_, v)| v == action) => Reach::Yes,
                    Some(names) if !names.is_empty() => Reach::No,
                    _ => Reach::Unknown,
                }
            }
            "conditional_expression" => {
                let condition = ancestor.named_child(1);
                if ancestor
                    .named_child(0)
                    .is_some_and(|c| c.id() == child.id())
                {
                    truth(ctx, condition, action)
                } else if ancestor
                    .named_child(2)
                    .is_some_and(|c| c.id() == child.id())
                {
                    negate(truth(ctx, condition, action))
                } else {
                    Reach::Yes
                }
            }
            "boolean_operator" => {
                if ancestor
                    .field("right")
                    .is_some_and(|c| c.id() == child.id())
                {
                    Reach::Unknown
                } else {
                    Reach::Yes
                }
            }
            "except_clause" | "while_statement" | "lambda" | "function_definition" => {
                Reach::Unknown
            }
            _ => Reach::Yes,
        };
        result = result.and(here);
        child = ancestor;
    }
    result
}

fn negate(reach: Reach) -> Reach {
    match reach {
        Reach::Yes => Reach::No,
        Reach::No => Reach::Yes,
        Reach::Unknown => Reach::Unknown,
    }
}

/// For an `elif`/`else` clause: whether the conditions of the `if` and the `elif`s
/// before it are all false for the action.
fn earlier_conditions_false<'a>(ctx: &FileContext<'a>, clause: Node<'a>, action: &str) -> Reach {
    let Some(statement) = ctx.parent(clause) else {
        return Reach::Unknown;
    };
    if statement.kind_name() != "if_statement" {
        return Reach::Yes;
    }
    let mut result = negate(truth(ctx, statement.field("condition"), action));
    let mut cursor = statement.walk();
    for other in statement.named_children(&mut cursor) {
        if other.id() == clause.id() {
            break;
        }
        if other.kind_name() == "elif_clause" {
            result = result.and(negate(truth(ctx, other.field("condition"), action)));
        }
    }
    result
}

/// Whether a condition holds for `action`: Yes/No when it tests only the action,
/// Unknown otherwise.
pub fn truth<'a>(ctx: &FileContext<'a>, condition: Option<Node<'a>>, action: &str) -> Reach {
    truth_at(ctx, condition, action, 0)
}

fn truth_at<'a>(
    ctx: &FileContext<'a>,
    condition: Option<Node<'a>>,
    action: &str,
    depth: usize,
) -> Reach {
    let Some(condition) = condition.map(|c| ctx.unparenthesize(c)) else {
        return Reach::Unknown;
    };
    if depth > MAX_CONDITION_DEPTH {
        return Reach::Unknown;
    }
    match condition.kind_name() {
        "comparison_operator" => match action_comparison(ctx, condition) {
            Some(c) => {
                let named = c.names.iter().any(|(_, v)| v == action);
                if named == c.positive {
                    Reach::Yes
                } else {
                    Reach::No
                }
            }
            None => Reach::Unknown,
        },
        "not_operator" => negate(truth_at(
            ctx,
            condition.field("argument"),
            action,
            depth + 1,
        )),
        "boolean_operator" => {
            let left = truth_at(ctx, condition.field("left"), action, depth + 1);
            let right = truth_at(ctx, condition.field("right"), action, depth + 1);
            let is_and = condition
                .field("operator")
                .is_some_and(|o| ctx.text(o) == "and");
            if is_and {
                left.and(right)
            } else {
                negate(negate(left).and(negate(right)))
            }
        }
        _ => Reach::Unknown,
    }
}

/// What a block of `get_serializer_class` returns for `action`: None when it falls
/// through without returning.
fn pick_in_block<'a>(
    ctx: &FileContext<'a>,
    block: Node<'a>,
    action: &str,
    depth: usize,
) -> Option<Pick> {
    if depth > MAX_CONDITION_DEPTH {
        return Some(Pick::Unknown);
    }
    let mut cursor = block.walk();
    let statements: Vec<Node> = block.named_children(&mut cursor).collect();
    for statement in statements {
        match statement.kind_name() {
            "comment" | "pass_statement" => {}
            "expression_statement"
                if statement
                    .named_child(0)
                    .is_some_and(|s| s.kind_name() == "string") => {}
            "return_statement" => {
                return Some(match statement.named_child(0) {
                    Some(value) => pick_of(ctx, value, action, depth),
                    None => Pick::Unknown,
                });
            }
            "if_statement" => {
                let mut cursor = statement.walk();
                let mut clauses =
                    vec![(statement.field("condition"), statement.field("consequence"))];
                let mut otherwise = None;
                for clause in statement.named_children(&mut cursor) {
                    match clause.kind_name() {
                        "elif_clause" => {
                            clauses.push((clause.field("condition"), clause.field("consequence")))
                        }
                        "else_clause" => otherwise = clause.field("body"),
                        _ => {}
                    }
                }
                let mut taken = None;
                for (condition, body) in clauses {
                    match truth(ctx, condition, action) {
                        Reach::Yes => {
                            taken = Some(body);
                            break;
                        }
                        Reach::No => {}
                        Reach::Unknown => return Some(Pick::Unknown),
                    }
                }
                let body = match taken {
                    Some(body) => body,
                    None => otherwise,
                };
                if let Some(body) = body {
                    if let Some(pick) = pick_in_block(ctx, body, action, depth + 1) {
                        return Some(pick);
                    }
                }
            }
            _ => return Some(Pick::Unknown),
        }
    }
    None
}

/// What a returned expression picks for `action`.
fn pick_of<'a>(ctx: &FileContext<'a>, value: Node<'a>, action: &str, depth: usize) -> Pick {
    if depth > MAX_CONDITION_DEPTH {
        return Pick::Unknown;
    }
    let value = ctx.unparenthesize(value);
    match value.kind_name() {
        "identifier" => Pick::Name(ctx.imports.resolve(ctx.text(value))),
        "attribute" => {
            let Some(name) = ctx.dotted_name(value) else {
                return Pick::Unknown;
            };
            match name.strip_prefix("self.") {
                Some(attr) if !attr.contains('.') => Pick::SelfAttr(attr.to_string()),
                Some(_) => Pick::Unknown,
                None => Pick::Name(ctx.imports.resolve(&name)),
            }
        }
        "call" => {
            let Some((receiver, method)) = ctx.method_call(value) else {
                return Pick::Unknown;
            };
            let receiver = ctx.unparenthesize(receiver);
            let is_super = receiver.kind_name() == "call"
                && ctx
                    .callee(receiver)
                    .is_some_and(|c| c.kind_name() == "identifier" && ctx.text(c) == "super");
            if method == "get_serializer_class" && is_super {
                return Pick::Super;
            }
            let args = ctx.positional_args(value);
            match (method, self_attr(ctx, receiver), args.first()) {
                ("get", Some(attr), Some(key)) if is_action_expr(ctx, *key) => Pick::Entry {
                    attr,
                    key: action.to_string(),
                    default: args
                        .get(1)
                        .map(|d| Box::new(pick_of(ctx, *d, action, depth + 1))),
                },
                _ => Pick::Unknown,
            }
        }
        "subscript" => {
            let (Some(object), Some(key)) = (value.field("value"), value.field("subscript")) else {
                return Pick::Unknown;
            };
            match self_attr(ctx, object) {
                Some(attr) if is_action_expr(ctx, key) => Pick::Entry {
                    attr,
                    key: action.to_string(),
                    default: None,
                },
                _ => Pick::Unknown,
            }
        }
        "conditional_expression" => {
            let (Some(then), Some(condition), Some(otherwise)) = (
                value.named_child(0),
                value.named_child(1),
                value.named_child(2),
            ) else {
                return Pick::Unknown;
            };
            match truth(ctx, Some(condition), action) {
                Reach::Yes => pick_of(ctx, then, action, depth + 1),
                Reach::No => pick_of(ctx, otherwise, action, depth + 1),
                Reach::Unknown => Pick::Unknown,
            }
        }
        _ => Pick::Unknown,
    }
}

/// `self.<attr>` -> `attr`.
fn self_attr<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> Option<String> {
    let name = ctx.dotted_name(ctx.unparenthesize(node))?;
    let attr = name.strip_prefix("self.")?;
    (!attr.contains('.')).then(|| attr.to_string())
}

/// Bases of viewsets the index knows to keep DRF's `get_serializer_class` and
/// `get_queryset` (DRF's and Wagtail's own classes).
fn is_framework_base(base: &str) -> bool {
    base.starts_with("rest_framework.")
        || base.starts_with("viewsets.")
        || base.starts_with("mixins.")
        || base.starts_with("generics.")
        || base.starts_with("wagtail.")
        || base == "object"
}

/// A viewset resolved through the index: the class and the project classes it
/// inherits from, nearest first.
pub struct ResolvedViewset<'i> {
    pub id: ClassId,
    pub kind: ViewsetKind,
    /// The class and its project bases, nearest first (depth first, left to right).
    pub mro: Vec<(ClassId, &'i ClassFact)>,
    /// Whether every base outside the project is DRF's or Wagtail's own.
    pub bases_known: bool,
}

impl ProjectIndex {
    /// The project's DRF viewsets, resolved, whose bases outside the project are all DRF's
    /// own: what the list rules (ORM002, DRF003, WAG017) reason about. With `listing`, only
    /// those that may serve a `list` action.
    pub fn drf_viewsets(&self, listing: bool) -> impl Iterator<Item = ResolvedViewset<'_>> + '_ {
        self.files().flat_map(move |(file, facts)| {
            facts
                .classes
                .iter()
                .enumerate()
                .filter_map(move |(class, fact)| {
                    let facts = fact.viewset.as_ref()?;
                    if listing && !facts.may_list {
                        return None;
                    }
                    self.viewset(ClassId { file, class })
                        .filter(|v| v.kind == ViewsetKind::Drf && v.bases_known)
                })
        })
    }

    /// The viewset facts of a class, following its project bases for the kind.
    pub fn viewset(&self, id: ClassId) -> Option<ResolvedViewset<'_>> {
        let mro = self.lineage(id);
        let mut bases_known = true;
        let mut kind = None;
        for (class_id, class) in &mro {
            if let Some(k) = class.viewset.as_ref().and_then(|v| v.kind) {
                kind.get_or_insert(k);
            }
            for base in &class.bases {
                if self.class_qualified(class_id.file, base, 0).is_some() {
                    continue;
                } else if is_framework_base(base) {
                    let last = last_segment(base);
                    if last.ends_with("APIViewSet") && base.starts_with("wagtail.") {
                        kind.get_or_insert(ViewsetKind::WagtailApi);
                    } else if last.ends_with("ViewSet") || last == "ViewSetMixin" {
                        kind.get_or_insert(ViewsetKind::Drf);
                    }
                } else {
                    bases_known = false;
                }
            }
        }
        Some(ResolvedViewset {
            id,
            kind: kind?,
            mro,
            bases_known,
        })
    }

    /// The serializer class the viewset uses for `action` (one of [`ACTIONS`]), when the
    /// code says so without doubt: its `get_serializer_class` (or an inherited one) and
    /// the class attributes it reads. None for anything the index cannot follow.
    pub fn serializer_for(&self, viewset: &ResolvedViewset, action: &str) -> Option<ClassId> {
        let position = ACTIONS.iter().position(|a| *a == action)?;
        let owner = viewset
            .mro
            .iter()
            .position(|(_, c)| c.has_method("get_serializer_class"));
        let pick = match owner {
            Some(i) => {
                let picks = viewset.mro[i].1.viewset.as_ref()?.picks.as_ref()?;
                (picks.get(position)?.clone(), i)
            }
            None if viewset.bases_known => (Pick::SelfAttr("serializer_class".into()), 0),
            None => return None,
        };
        self.resolve_pick(viewset, &pick.0, pick.1, position, 0)
    }

    fn resolve_pick(
        &self,
        viewset: &ResolvedViewset,
        pick: &Pick,
        owner: usize,
        position: usize,
        depth: usize,
    ) -> Option<ClassId> {
        if depth > MAX_BASE_DEPTH {
            return None;
        }
        let owner_file = viewset.mro.get(owner)?.0.file;
        match pick {
            Pick::Name(name) => self.class_qualified(owner_file, name, 0),
            Pick::SelfAttr(attr) => {
                let (id, class) = viewset
                    .mro
                    .iter()
                    .find(|(_, c)| c.attrs.iter().any(|a| a.name == *attr))?;
                match class.attr(attr)? {
                    Value::Name(name) => self.class_qualified(id.file, name, 0),
                    _ => None,
                }
            }
            Pick::Entry { attr, key, default } => {
                let (id, class) = viewset
                    .mro
                    .iter()
                    .find(|(_, c)| c.attrs.iter().any(|a| a.name == *attr))?;
                match class.attr(attr)? {
                    Value::Dict(pairs) => match pairs.iter().find(|(k, _)| k == key) {
                        Some((_, name)) => self.class_qualified(id.file, name, 0),
                        None => self.resolve_pick(
                            viewset,
                            default.as_deref()?,
                            owner,
                            position,
                            depth + 1,
                        ),
                    },
                    _ => None,
                }
            }
            Pick::Super => {
                let next = viewset.mro[owner + 1..]
                    .iter()
                    .position(|(_, c)| c.has_method("get_serializer_class"));
                match next {
                    Some(i) => {
                        let i = owner + 1 + i;
                        let picks = viewset.mro[i].1.viewset.as_ref()?.picks.as_ref()?;
                        self.resolve_pick(viewset, picks.get(position)?, i, position, depth + 1)
                    }
                    None if viewset.bases_known => self.resolve_pick(
                        viewset,
                        &Pick::SelfAttr("serializer_class".into()),
                        owner,
                        position,
                        depth + 1,
                    ),
                    None => None,
                }
            }
            Pick::Unknown => None,
        }
    }

    /// The prefetches that apply to the viewset's queryset, each with whether it runs
    /// for each action of [`ACTIONS`]: those of the nearest `get_queryset`, and those of
    /// the class-level `queryset` when that `get_queryset` starts from it (or there is
    /// none). The class whose code holds each site is given with it.
    pub fn prefetches<'i>(&'i self, viewset: &ResolvedViewset<'i>) -> Vec<(ClassId, PrefetchSite)> {
        self.queryset_sites(viewset, |facts| &facts.prefetches)
    }

    /// The `select_related` calls that apply to the viewset's queryset, as `prefetches`.
    pub fn selects<'i>(&'i self, viewset: &ResolvedViewset<'i>) -> Vec<(ClassId, PrefetchSite)> {
        self.queryset_sites(viewset, |facts| &facts.selects)
    }

    fn queryset_sites<'i>(
        &'i self,
        viewset: &ResolvedViewset<'i>,
        sites: fn(&ViewsetFacts) -> &Vec<PrefetchSite>,
    ) -> Vec<(ClassId, PrefetchSite)> {
        let mut out = Vec::new();
        let get_queryset = viewset
            .mro
            .iter()
            .find(|(_, c)| c.has_method("get_queryset"));
        let base_reach: Vec<Reach> = match get_queryset {
            Some((id, class)) => {
                let Some(facts) = class.viewset.as_ref() else {
                    return out;
                };
                for site in sites(facts)
                    .iter()
                    .filter(|s| s.origin == PrefetchOrigin::GetQueryset)
                {
                    out.push((*id, site.clone()));
                }
                match &facts.base_queryset {
                    Some(reach) => reach.clone(),
                    None => vec![Reach::Unknown; ACTIONS.len()],
                }
            }
            None if viewset.bases_known => vec![Reach::Yes; ACTIONS.len()],
            None => vec![Reach::Unknown; ACTIONS.len()],
        };
        let class_queryset = viewset
            .mro
            .iter()
            .find(|(_, c)| c.attrs.iter().any(|a| a.name == "queryset"));
        if let Some((id, class)) = class_queryset {
            if let Some(facts) = class.viewset.as_ref() {
                for site in sites(facts)
                    .iter()
                    .filter(|s| s.origin == PrefetchOrigin::ClassQueryset)
                {
                    let mut site = site.clone();
                    site.reach = site
                        .reach
                        .iter()
                        .zip(&base_reach)
                        .map(|(a, b)| a.and(*b))
                        .collect();
                    out.push((*id, site));
                }
            }
        }
        out
    }
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
