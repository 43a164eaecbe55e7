//! Shared by the `orm`, `cache`, `drf` and `wagtail` families: whether an expression is a
//! Django queryset (or a manager, which answers the same methods), where its chain starts,
//! and which queryset methods it went through.
//!
//! Known, and only known, are:
//! - managers: `Model.objects`, `Model._default_manager`, `Model._base_manager` (any
//!   receiver: `self.model.objects`, `get_user_model().objects`), and related managers
//!   (`obj.<relation>`) where the caller knows the relation (`Querysets::with_related`);
//! - Wagtail/treebeard page trees: `page.get_children()`, `get_descendants()`,
//!   `get_siblings()`, `get_ancestors()` (treebeard's `MP_Node` methods return querysets,
//!   and Wagtail's `Page` overrides them to return `PageQuerySet`s), unless the call is on
//!   `self` or on an instance of a class of the file (`node = Node(...)`,
//!   `node = Node.objects.get(...)`) whose own definition of the method, or a base's in
//!   the file, returns anything but a known queryset (treebeard's `AL_Node` builds a
//!   Python list);
//! - `self.get_queryset()` and `super().get_queryset()` (Django's `MultipleObjectMixin`,
//!   DRF's `GenericAPIView`, admin classes);
//! - any of these through queryset methods that return a new queryset (`filter`,
//!   `exclude`, `order_by`, ..., Wagtail's `live()`, `specific()`, ...), slices (`qs[:10]`),
//!   and local names bound to them in the same function.
//!
//! Anything else is unknown, and rules stay silent on it: `items.count(x)` and
//! `text.count("a")` are not queries, nor is a name that some path binds to a list.

use crate::context::nodes_within;
use crate::context::FileContext;
use crate::grammar::{Field, KindName};
use crate::semantic::bindings::{assigned_value, assigns_to, only_plain_assignments};
use std::cell::{Cell, OnceCell, RefCell};
use tree_sitter::Node;

use crate::semantic::queryset_api::{CHAINED, MANAGERS, PAGE_TREE};

/// Whether the file names anything a queryset chain can start from: the cheap test a
/// rule makes before asking about nodes.
pub fn may_hold_querysets(ctx: &FileContext) -> bool {
    ctx.mentions("objects")
        || ctx.mentions("_manager")
        || ctx.mentions("get_queryset")
        || ctx.mentions("get_children")
        || ctx.mentions("get_descendants")
        || ctx.mentions("get_siblings")
        || ctx.mentions("get_ancestors")
}

/// How far names and chains are followed.
const MAX_DEPTH: usize = 24;
/// How many expressions one question may look at.
const MAX_STEPS: u32 = 256;

/// Where a queryset's chain starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `Model.objects` (or `_default_manager`, `_base_manager`).
    Manager,
    /// `obj.<relation>`, a related manager the caller told about.
    Related,
    /// `page.get_children()` and the other page-tree methods.
    PageTree,
    /// `self.get_queryset()` or `super().get_queryset()`.
    GetQueryset,
}

/// One queryset method applied to the chain, or a slice (`method` is `"[]"`).
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    /// The call (or subscript) node that applies it.
    pub node: Node<'a>,
    pub method: &'a str,
}

/// What is known of an expression that is a queryset or a manager.
#[derive(Debug, Clone)]
pub struct Queryset<'a> {
    pub origin: Origin,
    /// Where the chain starts: `Model.objects`, `obj.tags`, `page.get_children()`,
    /// `self.get_queryset()`.
    pub root: Node<'a>,
    /// Queryset methods applied after the root, in the order they run, through names.
    pub steps: Vec<Step<'a>>,
}

impl<'a> Queryset<'a> {
    /// A manager (`Model.objects`, `obj.tags`) with no method applied: `len()` of it is a
    /// `TypeError` and it is always true, unlike a queryset.
    pub fn is_manager(&self) -> bool {
        self.steps.is_empty() && matches!(self.origin, Origin::Manager | Origin::Related)
    }

    /// Whether `method` was applied anywhere in the chain.
    pub fn applies(&self, method: &str) -> bool {
        self.steps.iter().any(|s| s.method == method)
    }

    /// For `Model.objects...` and `obj.tags...`: `Model`, `obj` (the receiver of the
    /// manager attribute). For a page tree: the page. None for `get_queryset()`.
    pub fn owner(&self) -> Option<Node<'a>> {
        match self.origin {
            Origin::Manager | Origin::Related => self.root.field("object"),
            Origin::PageTree => self.root.field("function")?.field("object"),
            Origin::GetQueryset => None,
        }
    }

    /// The model's name for `Model.objects...` where the model is a plain name.
    pub fn model_name(&self, ctx: &FileContext<'a>) -> Option<&'a str> {
        if self.origin != Origin::Manager {
            return None;
        }
        self.owner()
            .filter(|o| o.kind_name() == "identifier")
            .map(|o| ctx.text(o))
    }
}

/// Recognises querysets in one file. Related managers are unknown unless `with_related`
/// says which `obj.attr` nodes are ones (from the project's models, or because `obj` is
/// known to be a model instance).
pub struct Querysets<'c, 'a> {
    ctx: &'c FileContext<'a>,
    related: Option<&'c dyn Fn(Node<'a>) -> bool>,
    /// Steps left for the current `of()`: names bound to names bound to names can
    /// branch, and a rule asks this of many nodes.
    budget: Cell<u32>,
    /// Whether the file defines a page-tree method in a class (read on first use).
    defines_tree_methods: OnceCell<bool>,
    /// Each such definition read so far, by node id, with whether every `return` of it
    /// gives a known queryset.
    own_definitions: RefCell<Vec<(usize, bool)>>,
    /// Set while a definition is read: a page-tree call on a file class met there is
    /// unknown.
    reading_own: Cell<bool>,
}

impl<'c, 'a> Querysets<'c, 'a> {
    pub fn new(ctx: &'c FileContext<'a>) -> Self {
        Self {
            ctx,
            related: None,
            budget: Cell::new(0),
            defines_tree_methods: OnceCell::new(),
            own_definitions: RefCell::new(Vec::new()),
            reading_own: Cell::new(false),
        }
    }

    /// Treat the attribute nodes (`obj.tags`) for which `related` is true as related
    /// managers.
    pub fn with_related(mut self, related: &'c dyn Fn(Node<'a>) -> bool) -> Self {
        self.related = Some(related);
        self
    }

    /// The queryset `expr` evaluates to, if it is known to be one (or a manager).
    pub fn of(&self, expr: Node<'a>) -> Option<Queryset<'a>> {
        self.budget.set(MAX_STEPS);
        self.resolve(expr, 0)
    }

    /// Each call of one of `methods` on a queryset built from a named model's manager
    /// (`Article.objects.filter(...).update(...)`), as (call, method, queryset, model name).
    pub fn method_calls_on_model<'s>(
        &'s self,
        methods: &'s [&str],
    ) -> impl Iterator<Item = (Node<'a>, &'a str, Queryset<'a>, &'a str)> + 's {
        self.ctx
            .method_calls(methods)
            .filter_map(move |(call, receiver, method)| {
                let queryset = self.of(receiver).filter(|q| q.origin == Origin::Manager)?;
                let model = queryset.model_name(self.ctx)?;
                Some((call, method, queryset, model))
            })
    }

    /// Whether `expr` is known to be a queryset or a manager.
    pub fn is_queryset(&self, expr: Node<'a>) -> bool {
        self.of(expr).is_some()
    }

    fn resolve(&self, expr: Node<'a>, depth: usize) -> Option<Queryset<'a>> {
        if depth > MAX_DEPTH || self.budget.get() == 0 {
            return None;
        }
        self.budget.set(self.budget.get() - 1);
        let ctx = self.ctx;
        let expr = ctx.unparenthesize(expr);
        let root = |origin| {
            Some(Queryset {
                origin,
                root: expr,
                steps: Vec::new(),
            })
        };
        match expr.kind_name() {
            "attribute" => {
                let attr = ctx.text(ctx.field(expr, "attribute")?);
                if MANAGERS.contains(&attr) {
                    return root(Origin::Manager);
                }
                if self.related.is_some_and(|related| related(expr)) {
                    return root(Origin::Related);
                }
                None
            }
            "call" => {
                let (receiver, method) = ctx.method_call(expr)?;
                if CHAINED.contains(&method) {
                    let mut queryset = self.resolve(receiver, depth + 1)?;
                    queryset.steps.push(Step { node: expr, method });
                    return Some(queryset);
                }
                if PAGE_TREE.contains(&method) {
                    if !self.trusts_tree_method(receiver, method) {
                        return None;
                    }
                    return root(Origin::PageTree);
                }
                if method == "get_queryset" && is_self_or_super(ctx, receiver) {
                    return root(Origin::GetQueryset);
                }
                None
            }
            "subscript" => {
                let index = expr.field("subscript")?;
                if index.kind_name() != "slice" {
                    return None;
                }
                let mut queryset = self.resolve(ctx.field(expr, "value")?, depth + 1)?;
                queryset.steps.push(Step {
                    node: expr,
                    method: "[]",
                });
                Some(queryset)
            }
            "identifier" => {
                let value = self.bound_value(expr, depth)?;
                self.resolve(value, depth + 1)
            }
            _ => None,
        }
    }
}

impl<'c, 'a> Querysets<'c, 'a> {
    /// Whether `receiver.method()`, `method` a page-tree name, may be taken for a queryset:
    /// unless `receiver` is `self` (or `cls`) or an instance of a class of this file, and
    /// that class's own definition of the method (or a base's, in the file) returns
    /// anything but a known queryset. Wagtail's `Page.get_descendants()` returns
    /// `self.base_page_model.objects.descendant_of(self, inclusive)`, a queryset;
    /// treebeard's adjacency-list tree returns a list, which has no `count()`.
    fn trusts_tree_method(&self, receiver: Node<'a>, method: &str) -> bool {
        let ctx = self.ctx;
        let defines = *self.defines_tree_methods.get_or_init(|| {
            ctx.mentions("def get_")
                && ctx.nodes("function_definition").iter().any(|f| {
                    PAGE_TREE.contains(&ctx.definition_name(*f)) && ctx.method_class(*f).is_some()
                })
        });
        if !defines {
            return true;
        }
        let Some(class) = self.receiver_class(receiver) else {
            return true;
        };
        let Some(definition) = self.definition_in(class, method, 0) else {
            return true;
        };
        let known = self
            .own_definitions
            .borrow()
            .iter()
            .find(|(id, _)| *id == definition.id())
            .map(|(_, trusted)| *trusted);
        if let Some(trusted) = known {
            return trusted;
        }
        if self.reading_own.get() {
            return false;
        }
        self.reading_own.set(true);
        let budget = self.budget.get();
        let mut returns = nodes_within(ctx, "return_statement", definition)
            .filter(|r| ctx.enclosing_function(*r).map(|f| f.id()) == Some(definition.id()))
            .peekable();
        let has_returns = returns.peek().is_some();
        let trusted = has_returns
            && returns.all(|r| {
                self.budget.set(MAX_STEPS);
                ctx.first_named_child(r)
                    .is_some_and(|value| self.resolve(value, 0).is_some())
            });
        self.budget.set(budget);
        self.reading_own.set(false);
        self.own_definitions
            .borrow_mut()
            .push((definition.id(), trusted));
        trusted
    }

    /// The class of this file that `receiver` is an instance of, as far as the function
    /// shows: `self` or `cls` in a method (its class), or a local name last assigned
    /// `Node(...)` or `Node.objects....get(...)` with `Node` a class of the file.
    fn receiver_class(&self, receiver: Node<'a>) -> Option<Node<'a>> {
        let ctx = self.ctx;
        if receiver.kind_name() != "identifier" {
            return None;
        }
        let name = ctx.text(receiver);
        let function = ctx.enclosing_function(receiver)?;
        if matches!(name, "self" | "cls") {
            return ctx.method_class(function);
        }
        let mut value = ctx.unparenthesize(assigned_value(ctx, name, receiver)?);
        for _ in 0..MAX_DEPTH {
            match value.kind_name() {
                "call" => match ctx.method_call(value) {
                    Some((inner, _)) => value = ctx.unparenthesize(inner),
                    None => {
                        let callee = ctx.callee(value)?;
                        return (callee.kind_name() == "identifier")
                            .then(|| self.file_class(ctx.text(callee)))?;
                    }
                },
                "attribute" => {
                    let attr = ctx.text(ctx.field(value, "attribute")?);
                    let owner = ctx.field(value, "object")?;
                    return (MANAGERS.contains(&attr) && owner.kind_name() == "identifier")
                        .then(|| self.file_class(ctx.text(owner)))?;
                }
                _ => return None,
            }
        }
        None
    }

    /// The module-level class of this file named `name`.
    fn file_class(&self, name: &str) -> Option<Node<'a>> {
        let ctx = self.ctx;
        ctx.classes_named(name)
            .find(|c| ctx.enclosing_class(*c).is_none() && ctx.enclosing_function(*c).is_none())
    }

    /// The definition of `method` in `class`'s body, or in the first of its bases (in
    /// order) that is a class of this file and has one.
    fn definition_in(&self, class: Node<'a>, method: &str, depth: usize) -> Option<Node<'a>> {
        let ctx = self.ctx;
        if depth > 8 {
            return None;
        }
        let own = nodes_within(ctx, "function_definition", class).find(|f| {
            ctx.definition_name(*f) == method
                && ctx.method_class(*f).map(|c| c.id()) == Some(class.id())
        });
        if own.is_some() {
            return own;
        }
        ctx.class_bases(class)
            .iter()
            .filter_map(|base| self.file_class(base))
            .filter(|base| base.id() != class.id())
            .find_map(|base| self.definition_in(base, method, depth + 1))
    }

    /// The value a local name holds at `name`: its last plain assignment before it in the
    /// enclosing function, provided every binding of the name there is a plain
    /// `name = value` assignment (not a parameter, loop target, `with ... as`, augmented or
    /// unpacking assignment, walrus, `global`) of a queryset, so that no path gives it
    /// another value (`qs = []` then `if flag: qs = Post.objects.all()`).
    fn bound_value(&self, name: Node<'a>, depth: usize) -> Option<Node<'a>> {
        let ctx = self.ctx;
        let function = ctx.enclosing_function(name)?;
        let text = ctx.text(name);
        // Most names asked about are never assigned in the function (parameters, loop
        // targets): the assignment search answers them before the parameters are read.
        let value = assigned_value(ctx, text, name)?;
        if ctx.parameter_names(function).contains(&text) {
            return None;
        }
        // Only the assignments that can reach `name`: those before it, unless a loop around
        // it runs it again. Later ones do not change what it holds here: `results =
        // results.search(q)` rebinds the name to search results after its queryset is read.
        let in_loop = ctx
            .ancestors(name)
            .take_while(|a| a.id() != function.id())
            .any(|a| matches!(a.kind_name(), "for_statement" | "while_statement"));
        let agree = nodes_within(ctx, "assignment", function)
            .filter(|a| in_loop || a.end_byte() <= name.start_byte())
            .filter(|a| assigns_to(ctx, *a, text))
            .filter(|a| ctx.enclosing_function(*a).map(|f| f.id()) == Some(function.id()))
            .all(|a| {
                ctx.field(a, "right")
                    .is_some_and(|value| self.shaped_like_queryset(value, text, depth + 1))
            });
        (agree && only_plain_assignments(ctx, function, text)).then_some(value)
    }

    /// A value that is a queryset, or a queryset method applied to the name itself
    /// (`qs = qs.filter(...)`, whose receiver the name's other assignments decide).
    fn shaped_like_queryset(&self, value: Node<'a>, name: &str, depth: usize) -> bool {
        let ctx = self.ctx;
        let mut node = ctx.unparenthesize(value);
        for _ in 0..MAX_DEPTH {
            match node.kind_name() {
                "call" => match ctx.method_call(node) {
                    Some((receiver, method)) if CHAINED.contains(&method) => node = receiver,
                    _ => return self.resolve(node, depth).is_some(),
                },
                "subscript" => match (node.field("subscript"), ctx.field(node, "value")) {
                    (Some(s), Some(v)) if s.kind_name() == "slice" => node = v,
                    _ => return false,
                },
                "identifier" if ctx.text(node) == name => return true,
                "parenthesized_expression" => node = ctx.unparenthesize(node),
                _ => return self.resolve(node, depth).is_some(),
            }
        }
        false
    }
}

/// Wagtail's `Page` as imports resolve it (`wagtail.models`; 2.x `wagtail.core.models`).
const PAGE_MODELS: &[&str] = &[
    "Page",
    "wagtail.models.Page",
    "wagtail.core.models.Page",
    "wagtail.wagtailcore.models.Page",
];

/// Whether a queryset yields generic `Page` objects (added for the wagtail rules): a page
/// tree (`page.get_children()`: Wagtail's `Page` returns `Page` instances there, whatever
/// the type of the page asked), or `Page.objects...` with `Page` Wagtail's own. Querysets
/// of a page type (`BlogPage.objects`) yield that type, so they are not counted.
pub fn yields_generic_pages<'a>(ctx: &FileContext<'a>, queryset: &Queryset<'a>) -> bool {
    match queryset.origin {
        Origin::PageTree => true,
        Origin::Manager => queryset
            .model_name(ctx)
            .is_some_and(|name| PAGE_MODELS.contains(&ctx.imports.resolve(name).as_str())),
        _ => false,
    }
}

/// `self` or `super()` (with or without arguments).
fn is_self_or_super<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    match node.kind_name() {
        "identifier" => ctx.text(node) == "self",
        "call" => ctx
            .callee(node)
            .is_some_and(|c| c.kind_name() == "identifier" && ctx.text(c) == "super"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_file;
    use crate::source::SourceFile;

    /// Whether the argument of each `probe(...)` call in `text` is a queryset, with
    /// related managers being attributes of `obj`.
    fn probes(text: &str) -> Vec<Option<(Origin, Vec<String>)>> {
        let file = SourceFile::new("t.py", text);
        let parsed = parse_file(&file).unwrap();
        let ctx = FileContext::new(&file.path, &file.text, &parsed.tree);
        let related = |n: Node| {
            n.field("object")
                .is_some_and(|o| o.kind_name() == "identifier" && ctx.text(o) == "obj")
        };
        let querysets = Querysets::new(&ctx).with_related(&related);
        ctx.nodes("call")
            .iter()
            .filter(|c| ctx.call_simple_name(**c) == Some("probe"))
            .map(|c| {
                let arg = ctx.positional_args(*c)[0];
                querysets.of(arg).map(|q| {
                    let steps = q.steps.iter().map(|s| s.method.to_string()).collect();
                    (q.origin, steps)
                })
            })
            .collect()
    }

    fn known(origin: Origin, steps: &[&str]) -> Option<(Origin, Vec<String>)> {
        Some((origin, steps.iter().map(|s| s.to_string()).collect()))
    }

    #[test]
    fn managers_and_chains() {
        let found = probes(
            "def f(request):\n    probe(Post.objects)\n    probe(Post.objects.filter(a=1).order_by('b'))\n    probe(self.model._default_manager.all()[:10])\n    probe(get_user_model().objects.exclude(x=1))\n    probe(Post.objects.get(pk=1))\n    probe(Post.objects.filter(a=1).first())\n",
        );
        assert_eq!(
            found,
            vec![
                known(Origin::Manager, &[]),
                known(Origin::Manager, &["filter", "order_by"]),
                known(Origin::Manager, &["all", "[]"]),
                known(Origin::Manager, &["exclude"]),
                None,
                None,
            ]
        );
    }

    #[test]
    fn page_trees_related_managers_and_get_queryset() {
        let found = probes(
            "def f(page, obj, other):\n    probe(page.get_children().live().specific())\n    probe(self.get_descendants(inclusive=True))\n    probe(obj.tags.filter(x=1))\n    probe(other.tags.filter(x=1))\n    probe(self.get_queryset().select_related('a'))\n    probe(super().get_queryset())\n    probe(view.get_queryset())\n",
        );
        assert_eq!(
            found,
            vec![
                known(Origin::PageTree, &["live", "specific"]),
                known(Origin::PageTree, &[]),
                known(Origin::Related, &["filter"]),
                None,
                known(Origin::GetQueryset, &["select_related"]),
                known(Origin::GetQueryset, &[]),
                None,
            ]
        );
    }

    #[test]
    fn names_bound_in_the_function() {
        let found = probes(
            "def f():\n    qs = Post.objects.filter(a=1)\n    qs = qs.order_by('b')\n    probe(qs)\n    probe(qs.count())\n    rows = list(qs)\n    probe(rows)\n",
        );
        assert_eq!(
            found,
            vec![known(Origin::Manager, &["filter", "order_by"]), None, None]
        );
    }

    #[test]
    fn a_name_bound_otherwise_on_some_path_is_unknown() {
        let found = probes(
            "def a(flag):\n    qs = []\n    if flag:\n        qs = Post.objects.all()\n    probe(qs)\n\ndef b(qs=None):\n    if qs is None:\n        qs = Post.objects.all()\n    probe(qs)\n\ndef c(items):\n    for qs in items:\n        pass\n    qs = Post.objects.all()\n    probe(qs)\n\ndef d():\n    x, qs = 1, []\n    qs = Post.objects.all()\n    probe(qs)\n\ndef e():\n    qs = Post.objects.all()\n    def g():\n        qs = []\n        probe(qs)\n    probe(qs)\n\nqs = Post.objects.all()\nprobe(qs)\n",
        );
        assert_eq!(
            found,
            vec![
                None,
                None,
                None,
                None,
                None,
                known(Origin::Manager, &["all"]),
                None
            ]
        );
    }

    #[test]
    fn only_the_bindings_that_reach_a_name_count() {
        let found = probes(
            "def a(q):\n    results = Page.objects.filter(live=True)\n    results = probe(results).search(q)\n\ndef b(q):\n    results = Page.objects.filter(live=True)\n    probe(results)\n    results = []\n\ndef c(items):\n    results = Page.objects.all()\n    for item in items:\n        probe(results)\n        results = []\n",
        );
        assert_eq!(
            found,
            vec![
                known(Origin::Manager, &["filter"]),
                known(Origin::Manager, &["filter"]),
                // In a loop, the later `results = []` reaches the read on the next turn.
                None,
            ]
        );
    }

    #[test]
    fn page_tree_methods_the_file_defines_decide() {
        // A tree whose own `get_descendants()` builds a list (treebeard's `AL_Node`): not
        // known on `self`, on an instance of it or of a subclass in the file; known on
        // other receivers and for the methods it does not define.
        let found = probes(
            "class Node(models.Model):\n    def get_descendants(self):\n        result = []\n        for child in Node.objects.filter(parent=self):\n            result.append(child)\n        return result\n\n    def count(self):\n        probe(self.get_descendants())\n        probe(self.get_children())\n        probe(super().get_descendants())\n\nclass Leaf(Node):\n    def f(self, page):\n        probe(self.get_descendants())\n        node = Node.objects.get(pk=1)\n        probe(node.get_descendants())\n        other = Node(name='x')\n        probe(other.get_descendants())\n        probe(page.get_descendants())\n",
        );
        assert_eq!(
            found,
            vec![
                None,
                known(Origin::PageTree, &[]),
                known(Origin::PageTree, &[]),
                None,
                None,
                None,
                known(Origin::PageTree, &[]),
            ]
        );
        // Wagtail's own `Page` returns querysets from its definitions: still known. A
        // serializer's `get_children(self, obj)` (a method field) is not the page's.
        let found = probes(
            "class Page(models.Model):\n    def get_descendants(self, inclusive=False):\n        return self.base_page_model.objects.descendant_of(self, inclusive)\n\n    def get_children(self):\n        if self.is_leaf():\n            return Page.objects.none()\n        return super().get_children().live()\n\n    def f(self):\n        probe(self.get_descendants())\n        probe(self.get_children())\n\nclass PageSerializer(Serializer):\n    def get_children(self, obj):\n        return [probe(obj.get_children())]\n",
        );
        assert_eq!(
            found,
            vec![
                known(Origin::PageTree, &[]),
                known(Origin::PageTree, &[]),
                known(Origin::PageTree, &[]),
            ]
        );
    }

    #[test]
    fn lists_and_strings_are_not_querysets() {
        let found = probes(
            "def f(items, text):\n    probe(items)\n    probe(text)\n    names = ['a', 'b']\n    probe(names)\n    probe(items.filter(x=1))\n    probe(obj.tags[0])\n    probe(Post.objects.all()[0])\n",
        );
        assert_eq!(found, vec![None, None, None, None, None, None]);
    }
}
