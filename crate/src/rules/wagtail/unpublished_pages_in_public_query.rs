//! WAG013: a page listing in code that serves the public, with no `.live()` in its chain:
//! drafts and unpublished pages are shown to visitors.

use crate::context::{nodes_within, FileContext};
use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::imports::Imports;
use crate::project::classes::{self, last_segment, Value};
use crate::project::facts::{PageListing, PageQuery, RuleFacts};
use crate::project::viewsets::enclosing_viewset;
use crate::project::{ClassId, FileFacts, Project, ProjectIndex};
use crate::rule::{Check, Rule};
use crate::rules::modules::{is_admin_module, is_offline_module, split_path};
use crate::rules::querysets::{yields_generic_pages, Origin, Queryset, Querysets};
use crate::semantic::bindings::assigned_value;
use crate::semantic::queryset_api::CHAINED;
use std::ops::Range;
use std::sync::LazyLock;
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "WAG013",
    name: "unpublished-pages-in-public-query",
    severity: Severity::Warning,
    category: Category::Wagtail,
    message: "Page listing served to the public without `.live()`: drafts and unpublished pages are shown",
    explanation: crate::rule::explanation!("unpublished_pages_in_public_query.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Unsafe),
    check: Check::ProjectFacts { facts, run: check },
};

const BAD: &str = r#"from wagtail.models import Page


class HomePage(Page):
    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest"] = self.get_children().order_by("-first_published_at")[:5]
        return context
"#;

const FIXED: &str = r#"from wagtail.models import Page


class HomePage(Page):
    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest"] = self.get_children().live().order_by("-first_published_at")[:5]
        return context
"#;

/// Page methods that render a page for a visitor: `Page.serve()` and `get_context()`
/// (`wagtail/models/pages.py`), and a block's `get_context()` when the page renders it.
/// `serve_preview` is left out: previews show drafts on purpose, to editors.
const SERVING_METHODS: &[&str] = &["serve", "get_context"];

/// Methods of class-based views and viewsets that build what a visitor receives.
const VIEW_METHODS: &[&str] = &[
    "get",
    "get_queryset",
    "get_context_data",
    "list",
    "listing_view",
    "items",
];

/// Decorators of `RoutablePageMixin` routes (`wagtail.contrib.routable_page`): each is a
/// view of the page.
const ROUTE_DECORATORS: &[&str] = &["route", "path", "re_path"];

/// Decorators and bases that let only signed-in users in: an editor's view may list drafts.
const SIGNED_IN: &[&str] = &[
    "login_required",
    "permission_required",
    "staff_member_required",
    "user_passes_test",
    "LoginRequired",
    "PermissionRequired",
    "UserPassesTest",
];

/// Whether a decorator or base's name says only signed-in users get in.
fn signed_in(text: &str) -> bool {
    SIGNED_IN.iter().any(|w| text.contains(w))
}

/// Whether DRF permission classes, as the index reads them (`permission_classes = [...]`,
/// `@permission_classes([...])`), keep visitors out. Only `AllowAny` and the classes that
/// let anyone read (`IsAuthenticatedOrReadOnly`, `DjangoModelPermissionsOrAnonReadOnly`, a
/// project's `IsOwnerOrReadOnly`: names ending in `ReadOnly`) serve the public, as does an
/// empty list (no check at all). Anything else does not: `IsAuthenticated`, `IsAdminUser`,
/// a project's own class (which the rule cannot read, and missing a leak beats a false
/// hit), a composition (`IsAuthenticated | ReadOnly`), a setting.
fn keeps_visitors_out(value: &Value) -> bool {
    match value {
        Value::Names(names) => !names.iter().all(|name| {
            let last = last_segment(name);
            last == "AllowAny" || last.ends_with("ReadOnly")
        }),
        Value::Strings(names) => !names.is_empty(),
        _ => true,
    }
}

/// `@permission_classes([...])`, DRF's decorator for function views, with a class that
/// keeps visitors out.
fn restricting_decorator<'a>(ctx: &FileContext<'a>, decorator: Node<'a>) -> bool {
    decorator.kind_name() == "call"
        && ctx
            .callee(decorator)
            .is_some_and(|c| last_segment(ctx.text(c)) == "permission_classes")
        && ctx
            .positional_args(decorator)
            .first()
            .is_none_or(|classes| keeps_visitors_out(&classes::value(ctx, *classes)))
}

/// Whether a project class lets only some users call its methods, as far as the index
/// says of the class and its project bases: DRF's `permission_classes` (the nearest one
/// decides) keeping visitors out, a `get_permissions` override (what it returns is not
/// read: taken as keeping them out), or a sign-in mixin among any of their bases.
fn restricted_class(index: &ProjectIndex, id: ClassId) -> bool {
    let lineage = index.lineage(id);
    lineage.iter().any(|(_, class)| {
        class.has_method("get_permissions") || class.bases.iter().any(|b| signed_in(b))
    }) || lineage
        .iter()
        .find_map(|(_, class)| class.attr("permission_classes"))
        .is_some_and(keeps_visitors_out)
}

/// The page-tree methods this rule counts: children, descendants and siblings list pages
/// the visitor has not reached. Ancestors are left out: the pages above a page served by
/// Wagtail's router are the path it walked, and breadcrumbs list them.
const LISTING_TREES: &[&str] = &["get_children", "get_descendants", "get_siblings"];

/// What serves a function, as far as its file says (`PageQuery::serves`, `serves_if_page`).
struct Serving<'a> {
    /// What serves it (None: nothing, unless `if_page` applies).
    serves: Option<&'static str>,
    /// For a serving method of a class the index must place: the class's name, and what
    /// serves the method when that class is a page type.
    if_page: Option<(&'a str, &'static str)>,
}

/// What serves the function holding a page query, if it may serve the public.
fn serving<'a>(ctx: &FileContext<'a>, function: Node<'a>) -> Option<Serving<'a>> {
    let name = ctx.definition_name(function);
    let class = ctx.method_class(function);
    let decorators = ctx.decorators(function);
    let routed = decorators.iter().any(|d| {
        let callee = if d.kind_name() == "call" {
            ctx.callee(*d).unwrap_or(*d)
        } else {
            *d
        };
        ROUTE_DECORATORS.contains(&last_segment(ctx.text(callee)))
    });
    if decorators
        .iter()
        .any(|d| signed_in(ctx.text(*d)) || restricting_decorator(ctx, *d))
        || class.is_some_and(|c| ctx.class_bases(c).iter().any(|b| signed_in(b)))
    {
        return None;
    }
    let (dir, stem) = split_path(ctx.path);
    if dir.split(['/', '\\']).any(|d| d == "templatetags") {
        return Some(Serving {
            serves: Some("a template tag"),
            if_page: None,
        });
    }
    if let Some(class) = class {
        let mut if_page = None;
        if SERVING_METHODS.contains(&name) {
            let serves = if name == "serve" {
                "`serve()`"
            } else {
                "`get_context()`"
            };
            // `get_context` is also a form widget's method (Django's `Widget.get_context`,
            // the admin's page chooser): only pages and blocks render for visitors, known
            // by a base's name here or by the index (a project page type).
            let named = ctx.class_bases(class).iter().any(|b| {
                let last = last_segment(b);
                last.ends_with("Page") || last.ends_with("Block")
            });
            if named {
                return Some(Serving {
                    serves: Some(serves),
                    if_page: None,
                });
            }
            if_page = Some((ctx.definition_name(class), serves));
        }
        let bases = ctx.class_bases(class);
        let base_named = |suffix: &str| bases.iter().any(|b| last_segment(b).ends_with(suffix));
        let serves = if routed {
            Some("a routable page's route")
        } else if name == "items" && base_named("Sitemap") {
            Some("a sitemap")
        } else if name == "items" && base_named("Feed") {
            Some("a feed")
        } else if name != "items"
            && VIEW_METHODS.contains(&name)
            && (enclosing_viewset(ctx, function).is_some() || is_view_module(dir, stem))
        {
            Some("a view")
        } else {
            None
        };
        return (serves.is_some() || if_page.is_some()).then_some(Serving { serves, if_page });
    }
    let takes_request = ctx.parameter_names(function).first() == Some(&"request");
    (takes_request && is_view_module(dir, stem) && ctx.enclosing_function(function).is_none())
        .then_some(Serving {
            serves: Some("a view"),
            if_page: None,
        })
}

/// Whether a function can be what `serving` looks for, from its name, its decorators and
/// its file's path (what `serving` asks of every function it accepts), without reading any
/// class's bases.
fn may_serve_function<'a>(ctx: &FileContext<'a>, function: Node<'a>) -> bool {
    let (dir, stem) = split_path(ctx.path);
    if dir.split(['/', '\\']).any(|d| d == "templatetags") {
        return true;
    }
    if ctx.method_class(function).is_none() {
        return is_view_module(dir, stem);
    }
    let name = ctx.definition_name(function);
    SERVING_METHODS.contains(&name)
        || VIEW_METHODS.contains(&name)
        || name == "items"
        || !ctx.decorators(function).is_empty()
}

/// Whether anything in the file can be what `serving` looks for, from its path and text
/// alone: a template tag or view module, or a method of the names `serving` accepts, or a
/// route decorator. Files that fail it are not parsed again (on the corpus the project
/// pass parsed 106 of Wagtail's files a second time for this rule).
fn may_serve(ctx: &FileContext) -> bool {
    // `def serve(` and the like, made once: `mentions` takes words that live as long as
    // the program, and carries its answers from one keystroke to the next.
    static DEFS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        SERVING_METHODS
            .iter()
            .chain(VIEW_METHODS)
            .map(|name| &*Box::leak(format!("def {name}(").into_boxed_str()))
            .collect()
    });
    let (dir, stem) = split_path(ctx.path);
    dir.split(['/', '\\']).any(|d| d == "templatetags")
        || is_view_module(dir, stem)
        || DEFS.iter().any(|def| ctx.mentions(def))
        || ["route", "@path", "@re_path", ".path(", ".re_path("]
            .iter()
            .any(|word| ctx.mentions(word))
}

/// `views.py`, `*_views.py`, `api.py`, and modules under a `views/` or `api/` folder.
fn is_view_module(dir: &str, stem: &str) -> bool {
    stem == "views"
        || stem.ends_with("_views")
        || stem == "api"
        || dir.split(['/', '\\']).any(|d| d == "views" || d == "api")
}

/// How the query's rows reach the visitor, when they do so plainly: looped over,
/// returned, put in a template context, paginated. Anything else (passed to a function
/// that may filter it, counted, read for one row) is not judged.
fn shown<'a>(ctx: &FileContext<'a>, expr: Node<'a>) -> Option<&'static str> {
    let parent = ctx.parent(expr)?;
    let is = |field: &str| parent.field(field).is_some_and(|n| n.id() == expr.id());
    match parent.kind_name() {
        "for_statement" | "for_in_clause" if is("right") => Some("looped over"),
        "return_statement" => Some("returned"),
        "pair" if is("value") => Some("put in a template context"),
        "assignment"
            if is("right")
                && parent
                    .field("left")
                    .is_some_and(|l| l.kind_name() == "subscript") =>
        {
            Some("put in a template context")
        }
        "argument_list" => {
            let call = ctx.parent(parent)?;
            let first = ctx.positional_args(call).first().map(|a| a.id()) == Some(expr.id());
            (first && ctx.call_simple_name(call) == Some("Paginator")).then_some("paginated")
        }
        _ => None,
    }
}

/// Whether the chain keeps only published pages, or was built for a purpose the rule
/// cannot judge: `.live()` or `.not_live()`, a filter or exclude that names `live`
/// (`live=True`, `Q(live=True)`), an empty queryset, or pages picked by primary key
/// (`filter(pk__in=ids)`: the ids were chosen elsewhere, often from a live search).
fn filters_live(ctx: &FileContext, queryset: &Queryset) -> bool {
    queryset.steps.iter().any(|step| match step.method {
        "live" | "not_live" | "none" => true,
        "filter" | "exclude" => step.node.field("arguments").is_some_and(|a| {
            let mut cursor = a.walk();
            let by_key = a.named_children(&mut cursor).any(|arg| {
                arg.kind_name() == "keyword_argument"
                    && arg.field("name").is_some_and(|n| {
                        let name = ctx.text(n);
                        let field = name.split("__").next().unwrap_or(name);
                        matches!(field, "pk" | "id")
                    })
            });
            by_key || ctx.text(a).contains("live")
        }),
        _ => false,
    })
}

/// Whether a queryset lists Wagtail pages, as far as the file says: `Page.objects...`,
/// `BlogPage.objects...` (a page type if the index says so), or a page's children,
/// descendants or siblings (if the file uses Wagtail pages: treebeard gives other trees the
/// same methods: django-cms, django-filer, Wagtail's own collections).
fn listing<'a>(ctx: &FileContext<'a>, queryset: &Queryset<'a>) -> Option<PageListing> {
    match queryset.origin {
        Origin::Manager => {
            if yields_generic_pages(ctx, queryset) {
                return Some(PageListing::Pages);
            }
            Some(PageListing::Model(queryset.model_name(ctx)?.to_string()))
        }
        Origin::PageTree => {
            let method = ctx.method_call(queryset.root).map(|(_, m)| m).unwrap_or("");
            let owner = queryset.owner().map(|o| ctx.text(o)).unwrap_or("");
            (LISTING_TREES.contains(&method) && !owner.to_ascii_lowercase().contains("collection"))
                .then_some(PageListing::Tree)
        }
        _ => None,
    }
}

/// Whether a file works with Wagtail pages: it imports from Wagtail, or imports a project
/// page type (`from .models import BlogPage` in a blog's views).
fn uses_pages(project: &Project, file: usize, imports: &Imports) -> bool {
    imports.modules.iter().any(|m| {
        m.module == "wagtail"
            || m.module.starts_with("wagtail.")
            || m.names.iter().any(|name| {
                project
                    .index
                    .class(file, name)
                    .is_some_and(|id| project.index.is_page_model(id))
            })
    })
}

/// Whether a file can hold a page query at all, from the per-file pass's facts (no parse):
/// it works with pages (`uses_pages`) or defines a page type. Most of a Django project
/// does neither, and parsing it again for this rule cost a third of the whole check.
fn may_query_pages(project: &Project, file: usize) -> bool {
    project
        .imports(file)
        .is_some_and(|imports| uses_pages(project, file, imports))
        || project.index.file(file).is_some_and(|facts| {
            (0..facts.classes.len())
                .any(|class| project.index.is_page_model(ClassId { file, class }))
        })
}

/// Nodes where a query's rows may be shown: loop iterables, returned values, context
/// values, a paginator's list; only in statements and calls that start inside one of
/// `spans` (disjoint byte ranges, in order) and for which `keep` holds (asked before any of
/// their parts is read).
fn candidates<'c, 'a>(
    ctx: &'c FileContext<'a>,
    spans: &'c [(usize, usize)],
    keep: &'c dyn Fn(Node<'a>) -> bool,
) -> impl Iterator<Item = Node<'a>> + 'c {
    // Each kind's nodes inside the spans, in source order, found by a search per span:
    // most of a large module's statements are in no serving function.
    let within = move |kind: &'static str| {
        spans
            .iter()
            .flat_map(move |&(from, to)| ctx.nodes_starting_in(kind, from..to).0)
            .copied()
            .filter(move |n| keep(*n))
    };
    let fields = move |kind: &'static str, field: &'static str| {
        within(kind).filter_map(move |n| n.field(field))
    };
    // Every call's name is not read in a file that never names a paginator.
    let paginators = ctx.mentions("Paginator");
    fields("for_statement", "right")
        .chain(fields("for_in_clause", "right"))
        .chain(within("return_statement").filter_map(|r| ctx.first_named_child(r)))
        .chain(fields("pair", "value"))
        .chain(fields("assignment", "right"))
        .chain(
            within("call")
                .take_while(move |_| paginators)
                .filter(|c| ctx.call_simple_name(*c) == Some("Paginator"))
                .filter_map(|c| ctx.positional_args(c).first().copied()),
        )
}

/// The page queries of one file a hit may come from (`PageQuery`), read in the per-file pass.
fn facts(ctx: &FileContext, _: &FileFacts, facts: &mut RuleFacts) {
    facts.live_overrides = live_overrides(ctx);
    if is_offline_module(ctx.path)
        || is_admin_module(ctx.path)
        || !["objects", "get_children", "get_descendants", "get_siblings"]
            .iter()
            .any(|word| ctx.mentions(word))
        || !may_serve(ctx)
    {
        return;
    }
    // Most functions of a large module serve no visitor: they are told by name and
    // decorators once each, not once per candidate statement.
    let may_serve: Vec<Node> = ctx
        .nodes("function_definition")
        .iter()
        .copied()
        .filter(|f| may_serve_function(ctx, *f))
        .collect();
    if may_serve.is_empty() {
        return;
    }
    let querysets = Querysets::new(ctx);
    // The serving functions' byte ranges, those nested in another merged into it: the
    // candidates are looked for only there. A node starting inside a function is inside it
    // (trees nest), and none of the candidates' kinds can start where a `def` does.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for f in &may_serve {
        match spans.last_mut() {
            Some(last) if f.start_byte() < last.1 => last.1 = last.1.max(f.end_byte()),
            _ => spans.push((f.start_byte(), f.end_byte())),
        }
    }
    let in_serving_function = |node: Node| {
        ctx.enclosing_function(node)
            .is_some_and(|f| may_serve.iter().any(|s| s.id() == f.id()))
    };
    for expr in candidates(ctx, &spans, &in_serving_function) {
        let Some(how) = shown(ctx, expr) else {
            continue;
        };
        let Some(function) = ctx.enclosing_function(expr) else {
            continue;
        };
        let Some(queryset) = querysets.of(expr) else {
            continue;
        };
        if filters_live(ctx, &queryset) {
            continue;
        }
        let Some(lists) = listing(ctx, &queryset) else {
            continue;
        };
        if live_applied_elsewhere(ctx, &querysets, function, queryset.root)
            || filtered_per_user(ctx, expr)
        {
            continue;
        }
        let Some(Serving { serves, if_page }) = serving(ctx, function) else {
            continue;
        };
        let root = queryset.root;
        facts.page_queries.push(PageQuery {
            root: root.byte_range(),
            how: how.to_string(),
            lists,
            serves: serves.map(str::to_string),
            serves_if_page: if_page.map(|(class, serves)| (class.to_string(), serves.to_string())),
            fix: ctx.is_within(root, function),
            method: module_class(ctx, function).map(|class| {
                let name = ctx.definition_name(function).to_string();
                (ctx.definition_name(class).to_string(), name)
            }),
        });
    }
}

/// Joins each file's page queries with the index: which classes are page types, which
/// files work with pages, which views keep visitors out, which methods a subclass narrows
/// to published pages.
fn check(project: &Project, hits: &mut Vec<(usize, Hit)>) {
    let index = &project.index;
    // The methods some project subclass narrows with `super().<method>().live()`: each
    // base in its lineage, with the method's name.
    let narrowed: Vec<(ClassId, &str)> = index
        .files()
        .flat_map(|(file, facts)| {
            facts
                .rules
                .live_overrides
                .iter()
                .filter_map(move |(class, method)| {
                    Some((index.class(file, class)?, method.as_str()))
                })
        })
        .flat_map(|(id, method)| {
            index
                .lineage(id)
                .into_iter()
                .skip(1)
                .map(move |(base, _)| (base, method))
        })
        .collect();
    for (file, facts) in index.files() {
        if facts.rules.page_queries.is_empty() || !may_query_pages(project, file) {
            continue;
        }
        let is_page = |name: &str| {
            index
                .class(file, name)
                .is_some_and(|id| index.is_page_model(id))
        };
        let text = &project.files[file].text;
        let mut reported: Vec<&Range<usize>> = Vec::new();
        for query in &facts.rules.page_queries {
            if reported.contains(&&query.root) {
                continue;
            }
            let lists = match &query.lists {
                PageListing::Pages => true,
                PageListing::Model(name) => is_page(name),
                PageListing::Tree => project
                    .imports(file)
                    .is_some_and(|imports| uses_pages(project, file, imports)),
            };
            if !lists {
                continue;
            }
            let serves = match &query.serves_if_page {
                Some((class, serves)) if is_page(class) => Some(serves),
                _ => query.serves.as_ref(),
            };
            let Some(serves) = serves else {
                continue;
            };
            if let Some((class, method)) = &query.method {
                if let Some(id) = index.class(file, class) {
                    if restricted_class(index, id) || narrowed.contains(&(id, method.as_str())) {
                        continue;
                    }
                }
            }
            reported.push(&query.root);
            let Some(root_text) = text.get(query.root.clone()) else {
                continue;
            };
            let mut hit = Hit::at(query.root.clone()).with_message(format!(
                "`{root_text}` is {} in {serves} with no `.live()` in its chain: drafts and unpublished pages are shown to visitors; add `.live()` (and `.public()` where pages have view restrictions)",
                query.how
            ));
            // The fix goes where the chain starts, in the function that shows it.
            if query.fix {
                hit = hit.with_fix(
                    "Add `.live()`".to_string(),
                    vec![Edit::insert(query.root.end, ".live()")],
                );
            }
            hits.push((file, hit));
        }
    }
}

/// Whether the function applies `.live()` (or filters on `live`) to a chain from the same
/// root somewhere else: `pages = self.get_children()` shown once as is and once as
/// `pages.live()` is a choice the rule cannot judge.
fn live_applied_elsewhere<'a>(
    ctx: &FileContext<'a>,
    querysets: &Querysets<'_, 'a>,
    function: Node<'a>,
    root: Node<'a>,
) -> bool {
    ctx.method_calls(&["live", "not_live", "filter", "exclude"])
        .filter(|(call, _, _)| ctx.is_within(*call, function))
        .any(|(call, _, _)| {
            querysets
                .of(call)
                .is_some_and(|q| q.root.id() == root.id() && filters_live(ctx, &q))
        })
}

/// The class of a method, when it is a module-level class (the ones the index holds).
fn module_class<'a>(ctx: &FileContext<'a>, function: Node<'a>) -> Option<Node<'a>> {
    ctx.method_class(function).filter(|class| {
        ctx.enclosing(*class, &["function_definition", "class_definition"])
            .is_none()
    })
}

/// How many links of a chain `narrows_super` follows.
const MAX_CHAIN: usize = 24;

/// Methods of module-level classes that narrow what the same method of their base returns
/// to published pages: `return super().get_queryset().live()`, or `pages =
/// super().get_queryset()` then `return pages.live()` (also `.public().live()`,
/// `.filter(live=True)`). The base's method then leaves drafts in on purpose: a staging
/// export beside the published one, an editors' variant beside the visitors'.
fn live_overrides(ctx: &FileContext) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = Vec::new();
    if !ctx.mentions("super(") || !ctx.mentions("live") {
        return found;
    }
    for (call, receiver, method) in ctx.method_calls(&["live", "filter"]) {
        // `.live()`, or `filter(live=True)`: a keyword naming the field itself.
        let keeps_live =
            method == "live" || method == "filter" && ctx.keyword_arg(call, "live").is_some();
        if !keeps_live {
            continue;
        }
        let Some(function) = ctx.enclosing_function(call) else {
            continue;
        };
        let Some(class) = module_class(ctx, function) else {
            continue;
        };
        let name = ctx.definition_name(function);
        if narrows_super(ctx, receiver, name) {
            let entry = (ctx.definition_name(class).to_string(), name.to_string());
            if !found.contains(&entry) {
                found.push(entry);
            }
        }
    }
    found
}

/// Whether `node` is `super().<method>()` through queryset methods, slices and local
/// names.
fn narrows_super<'a>(ctx: &FileContext<'a>, mut node: Node<'a>, method: &str) -> bool {
    for _ in 0..MAX_CHAIN {
        node = ctx.unparenthesize(node);
        match node.kind_name() {
            "call" => {
                let Some((receiver, called)) = ctx.method_call(node) else {
                    return false;
                };
                if called == method {
                    return receiver.kind_name() == "call"
                        && ctx.callee(receiver).is_some_and(|c| ctx.text(c) == "super");
                }
                if !CHAINED.contains(&called) {
                    return false;
                }
                node = receiver;
            }
            "subscript" => match (node.field("subscript"), ctx.field(node, "value")) {
                (Some(slice), Some(value)) if slice.kind_name() == "slice" => node = value,
                _ => return false,
            },
            "identifier" => match assigned_value(ctx, ctx.text(node), node) {
                Some(value) => node = value,
                None => return false,
            },
            _ => return false,
        }
    }
    false
}

/// Whether the loop that shows the rows lets each through only by the user's permissions
/// on it (`if page.permissions_for_user(user).can_edit():`, also in a comprehension's
/// `if`): editor code, which lists drafts to those who may edit them.
fn filtered_per_user<'a>(ctx: &FileContext<'a>, iterable: Node<'a>) -> bool {
    if !ctx.mentions("permissions_for_user") {
        return false;
    }
    let Some(parent) = ctx.parent(iterable) else {
        return false;
    };
    // The loop's variables, and where a test of them may stand: a `for` statement's
    // body, or the whole comprehension.
    let (left, scope) = match parent.kind_name() {
        "for_statement" => (parent.field("left"), parent.field("body")),
        "for_in_clause" => (parent.field("left"), ctx.parent(parent)),
        _ => return false,
    };
    let (Some(left), Some(scope)) = (left, scope) else {
        return false;
    };
    let targets: Vec<&str> = nodes_within(ctx, "identifier", left)
        .map(|i| ctx.text(i))
        .collect();
    ctx.method_calls(&["permissions_for_user"])
        .filter(|(call, receiver, _)| {
            ctx.is_within(*call, scope)
                && receiver.kind_name() == "identifier"
                && targets.contains(&ctx.text(*receiver))
        })
        .any(|(call, _, _)| {
            let mut node = call;
            while let Some(up) = ctx.parent(node).filter(|p| p.id() != scope.id()) {
                let is_condition = matches!(up.kind_name(), "if_statement" | "elif_clause")
                    && up.field("condition").is_some_and(|c| c.id() == node.id());
                if is_condition || up.kind_name() == "if_clause" {
                    return true;
                }
                node = up;
            }
            false
        })
}
