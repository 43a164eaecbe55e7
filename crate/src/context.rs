//! What a rule sees of a file: its parsed tree, an index of nodes by kind built in one
//! walk, parent links, the file's imports, and the syntax helpers shared by all rules.
//! What the code means beyond its syntax (bindings, loops, exceptions) is in `semantic`.

use crate::grammar::{field_id, kind_id, python, Field, KindName, Start};
use crate::imports::Imports;
use crate::index::{NodeIndex, Walk};
use crate::parse::MAX_TREE_DEPTH;
use crate::source::{LineIndex, WordPlaces};
use std::cell::{OnceCell, RefCell};
use std::sync::LazyLock;
use tree_sitter::{Node, Tree};

/// One parsed file, as every rule sees it.
pub struct FileContext<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub tree: &'a Tree,
    /// Built on first use: most files have nothing to report.
    lines: OnceCell<LineIndex>,
    /// Answers of `mentions` (where each word is, if anywhere), so rules sharing a
    /// prefilter scan the text once.
    mentioned: RefCell<Vec<(&'static str, Option<usize>)>>,
    /// The last check's answers, carried over the edit since (`carry_mentions`).
    carried: WordPlaces,
    pub imports: Imports,
    index: NodeIndex<'a>,
    /// The parts of every `call` node, in the order of `nodes("call")`, read on first use.
    calls: OnceCell<Vec<CallParts<'a>>>,
}

/// The kinds `CallParts` checks its parts against.
static PART_KINDS: LazyLock<[Option<u16>; 5]> = LazyLock::new(|| {
    [
        "attribute",
        "identifier",
        "argument_list",
        "generator_expression",
        "comment",
    ]
    .map(kind_id)
});

/// The parts of a call that rules ask about, read once per call: most rules look at
/// every call's callee, and `child_by_field_id` costs hundreds of instructions (four
/// rules asking `method_call` of every call were 4% of a check on Django's `db`).
#[derive(Clone, Copy)]
struct CallParts<'a> {
    callee: Option<Node<'a>>,
    /// For `x.method(...)`: `x` and `"method"`.
    method: Option<(Node<'a>, &'a str)>,
    arguments: Option<Node<'a>>,
}

impl<'a> CallParts<'a> {
    fn read(text: &'a str, call: Node<'a>) -> Self {
        Self::checked(text, call, Self::by_position(text, call))
    }

    /// `parts` as found by a faster way, or by field if it found none; debug builds (every
    /// test, the fuzz loop) check them against the field lookup.
    fn checked(text: &'a str, call: Node<'a>, parts: Option<Self>) -> Self {
        let parts = parts.unwrap_or_else(|| Self::by_field(text, call));
        debug_assert!(
            parts.same_as(&Self::by_field(text, call)),
            "call parts by position and by field disagree at {:?}",
            call.byte_range()
        );
        parts
    }

    /// By field name: tree-sitter looks each field up among the node's children.
    fn by_field(text: &'a str, call: Node<'a>) -> Self {
        let callee = call.field("function");
        let method = callee
            .filter(|c| c.kind_name() == "attribute")
            .and_then(|c| {
                let object = c.field("object")?;
                let attr = c.field("attribute")?;
                Some((object, &text[attr.byte_range()]))
            });
        Self {
            callee,
            method,
            arguments: call.field("arguments"),
        }
    }

    /// From the index's first and last named child of the call at `position` (and of its
    /// callee): the grammar makes them the function and the arguments, the object and the
    /// attribute, whatever comments sit between.
    fn by_index(text: &'a str, index: &NodeIndex<'a>, position: usize) -> Option<Self> {
        let (first, last) = index.named_ends(position)?;
        let node = |at: usize| (index.at(at), index.kind_at(at));
        let ends = |at: usize| index.named_ends(at).map(|(f, l)| (node(f), node(l)));
        Self::from_ends(
            text,
            (first != last).then(|| (node(first), node(last)))?,
            || ends(first).filter(|(object, attr)| object.0.id() != attr.0.id()),
        )
    }

    /// By position, where the grammar fixes it (a call is `function arguments`, an
    /// attribute `object . attribute`): the first and last child. A fifth of the field
    /// lookups' cost. None when something else sits there (a comment between the parts
    /// inside brackets): then `by_field` answers.
    fn by_position(text: &'a str, call: Node<'a>) -> Option<Self> {
        if call.child_count() != 2 {
            return None;
        }
        let callee = call.child(0)?;
        let node = |n: Node<'a>| (n, n.kind_id());
        Self::from_ends(text, (node(callee), node(call.child(1)?)), || {
            (callee.child_count() == 3)
                .then(|| Some((node(callee.child(0)?), node(callee.child(2)?))))?
        })
    }

    /// The parts from a call's (callee, arguments) and, asked only for an attribute callee,
    /// its (object, attribute), each with its kind id, which is checked.
    fn from_ends(
        text: &'a str,
        ((callee, callee_kind), (arguments, args_kind)): ((Node<'a>, u16), (Node<'a>, u16)),
        attribute_ends: impl FnOnce() -> Option<((Node<'a>, u16), (Node<'a>, u16))>,
    ) -> Option<Self> {
        let [attribute, identifier, argument_list, generator, comment] = *PART_KINDS;
        let (args_kind, callee_kind) = (Some(args_kind), Some(callee_kind));
        if args_kind != argument_list && args_kind != generator || callee_kind == comment {
            return None;
        }
        let method = if callee_kind == attribute {
            let ((object, object_kind), (attr, attr_kind)) = attribute_ends()?;
            if Some(attr_kind) != identifier || Some(object_kind) == comment {
                return None;
            }
            Some((object, &text[attr.byte_range()]))
        } else {
            None
        };
        Some(Self {
            callee: Some(callee),
            method,
            arguments: Some(arguments),
        })
    }

    fn same_as(&self, other: &Self) -> bool {
        let id = |n: Option<Node>| n.map(|n| n.id());
        id(self.callee) == id(other.callee)
            && id(self.arguments) == id(other.arguments)
            && self.method.map(|(o, m)| (o.id(), m)) == other.method.map(|(o, m)| (o.id(), m))
    }
}

impl<'a> FileContext<'a> {
    /// Indexes the tree in one walk (index.rs), so rules never walk it themselves. The
    /// walk stops descending at `MAX_TREE_DEPTH`; `depth()` tells the engine it did.
    pub fn new(path: &'a str, text: &'a str, tree: &'a Tree) -> Self {
        Self::indexed(path, text, tree, NodeIndex::new(tree))
    }

    /// As `new`, from a walk of `tree` already made (reparse::ParseCache keeps the last
    /// walk of a file being typed in, and the next walk copies from it).
    pub fn with_walk(path: &'a str, text: &'a str, tree: &'a Tree, walk: &Walk) -> Self {
        Self::indexed(path, text, tree, NodeIndex::from_walk(tree, walk))
    }

    fn indexed(path: &'a str, text: &'a str, tree: &'a Tree, index: NodeIndex<'a>) -> Self {
        let of_kind = |kind| kind_id(kind).map_or(&[][..], |id| index.of_kind(id));
        let imports = Imports::from_statements(
            of_kind("import_statement")
                .iter()
                .chain(of_kind("import_from_statement"))
                .copied(),
            text,
        );
        Self {
            path,
            text,
            tree,
            lines: OnceCell::new(),
            mentioned: RefCell::new(Vec::new()),
            carried: WordPlaces::default(),
            imports,
            index,
            calls: OnceCell::new(),
        }
    }

    /// Whether `word` appears anywhere in the file's text: the cheap test a rule makes
    /// before looking at any node. Several signal rules ask the same words, and in wasm
    /// `str::contains` searched byte by byte (7% of a keystroke's check of a 100 KB file,
    /// V8 profile); memchr's search is word-at-a-time there and SIMD natively.
    pub fn mentions(&self, word: &'static str) -> bool {
        if let Some(&(_, at)) = self.mentioned.borrow().iter().find(|(w, _)| *w == word) {
            return at.is_some();
        }
        let at = self.carried.find(self.text, word);
        self.mentioned.borrow_mut().push((word, at));
        at.is_some()
    }

    /// Gives `mentions` the answers of the last check of this file, carried over the edit
    /// since: a word is then looked for only around the edit (source::WordPlaces).
    pub fn carry_mentions(&mut self, carried: WordPlaces) {
        self.carried = carried;
    }

    /// This check's answers of `mentions`, for the next check (reparse::ParseCache).
    pub fn take_mentions(&mut self) -> WordPlaces {
        WordPlaces::new(std::mem::take(self.mentioned.get_mut()))
    }

    /// Depth of the deepest node (the walk stops descending past `MAX_TREE_DEPTH`).
    pub fn depth(&self) -> usize {
        self.index.depth
    }

    /// The file's line index.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(self.text))
    }

    /// The line index, if a rule or a hit has needed it.
    pub fn take_lines(self) -> Option<LineIndex> {
        self.lines.into_inner()
    }

    pub fn root(&self) -> Node<'a> {
        self.tree.root_node()
    }

    /// Every named node of `kind` (a tree-sitter-python node kind), in source order.
    pub fn nodes(&self, kind: &str) -> &[Node<'a>] {
        let id = kind_id(kind);
        debug_assert!(id.is_some(), "unknown node kind {kind:?}");
        id.map_or(&[], |id| self.index.of_kind(id))
    }

    pub fn text(&self, node: Node) -> &'a str {
        &self.text[node.byte_range()]
    }

    /// The named nodes of `kind` that start inside `range` (byte offsets), in source order,
    /// with their start bytes.
    pub fn nodes_starting_in(
        &self,
        kind: &str,
        range: std::ops::Range<usize>,
    ) -> (&[Node<'a>], &[u32]) {
        let id = kind_id(kind);
        debug_assert!(id.is_some(), "unknown node kind {kind:?}");
        let byte = |b: usize| u32::try_from(b).unwrap_or(u32::MAX);
        id.map_or((&[], &[]), |id| {
            self.index
                .of_kind_starting_in(id, byte(range.start), byte(range.end))
        })
    }

    /// Where `node` is in the index, if the walk reached all of its children: a walk cut
    /// short (a file too deep, which is not checked) leaves the deepest ones out.
    fn indexed_position(&self, node: Node) -> Option<usize> {
        self.indexed_position_of_kind(node, node.kind_id())
    }

    fn indexed_position_of_kind(&self, node: Node, kind: u16) -> Option<usize> {
        if self.index.depth > MAX_TREE_DEPTH {
            return None;
        }
        self.index.position_of_kind(node, kind)
    }

    /// Where the nodes of `kind` (`nodes(kind)`, in order) start among the index's
    /// positions, if the walk reached all of their children: for reading each one's
    /// children by place.
    fn indexed_kind_start(&self, kind: &str) -> Option<usize> {
        if self.index.depth > MAX_TREE_DEPTH {
            return None;
        }
        self.index.kind_start(kind_id(kind)?)
    }

    /// Each node of `kind` with its named children (as `named_children`), read from the
    /// index by place, with no search for the node.
    pub fn nodes_with_children(
        &self,
        kind: &str,
    ) -> impl Iterator<Item = (Node<'a>, NamedChildren<'_, 'a>)> + '_ {
        let nodes = self.nodes(kind);
        let first = self.indexed_kind_start(kind);
        nodes.iter().enumerate().map(move |(i, &node)| {
            let children = match first {
                Some(first) => checked_children(
                    node,
                    NamedChildren::Index {
                        index: &self.index,
                        next: self.index.named_children(first + i),
                    },
                ),
                None => self.named_children(node),
            };
            (node, children)
        })
    }

    /// The named children of `node` in order, comments included, as tree-sitter's
    /// `named_children` gives them, but read from the index: a cursor step or
    /// `named_child(i)` costs hundreds of instructions, and class bodies and parameter
    /// lists are read for every class and function of a file on each keystroke.
    pub fn named_children(&self, node: Node<'a>) -> NamedChildren<'_, 'a> {
        let children = match self.indexed_position(node) {
            Some(at) => NamedChildren::Index {
                index: &self.index,
                next: self.index.named_children(at),
            },
            None => {
                let mut cursor = node.walk();
                let all: Vec<Node<'a>> = node.named_children(&mut cursor).collect();
                NamedChildren::Tree(all.into_iter())
            }
        };
        checked_children(node, children)
    }

    /// `node.field(name)`, read from the index where the grammar puts that field first or
    /// last among the node's named children (`FIXED_FIELDS`), in a tree with no error:
    /// tree-sitter's lookup walks the node's children and their field map on each call
    /// (7% of a 100 KB keystroke's check in wasm). A comment or a line continuation there
    /// (extras, which the grammar lets in anywhere) sends it to tree-sitter's lookup; debug
    /// builds check both agree.
    pub fn field(&self, node: Node<'a>, name: &str) -> Option<Node<'a>> {
        let field = field_id(name)?;
        let kind = node.kind_id();
        let Some(end) = fixed_end(kind, field) else {
            return node.child_by_field_id(field);
        };
        let at = (!node.has_error())
            .then(|| self.indexed_position_of_kind(node, kind))
            .flatten();
        self.field_at(node, at, (field, end), name)
    }

    /// Each node of `kind` with its `name` field, as `field` gives it, read from the index
    /// by place with no search for the node: for rules that read one field of every node
    /// of a kind (every `if`'s condition, every definition's name).
    pub fn nodes_with_field(
        &self,
        kind: &str,
        name: &'static str,
    ) -> impl Iterator<Item = (Node<'a>, Option<Node<'a>>)> + '_ {
        let nodes = self.nodes(kind);
        let fixed = kind_id(kind)
            .zip(field_id(name))
            .and_then(|(k, f)| Some((f, fixed_end(k, f)?)));
        let first = self.indexed_kind_start(kind);
        nodes.iter().enumerate().map(move |(i, &node)| {
            let field = match (fixed, first) {
                (Some((field, end)), Some(first)) => {
                    let at = (!node.has_error()).then_some(first + i);
                    self.field_at(node, at, (field, end), name)
                }
                _ => self.field(node, name),
            };
            (node, field)
        })
    }

    /// The field `name` (id `field`) of `node`, which the grammar puts at `end` of its named
    /// children, read from the index at the node's position `at` (None: tree-sitter's lookup).
    fn field_at(
        &self,
        node: Node<'a>,
        at: Option<usize>,
        (field, end): (u16, End),
        name: &str,
    ) -> Option<Node<'a>> {
        let fast = at
            .and_then(|at| self.index.named_ends(at))
            .map(|(first, last)| match end {
                End::First => first,
                End::Last => last,
            })
            .filter(|&at| !EXTRA_KINDS.contains(&Some(self.index.kind_at(at))))
            .map(|at| self.index.at(at));
        debug_assert!(
            fast.is_none() || fast.map(|n| n.id()) == node.field(name).map(|n| n.id()),
            "the {name} of a {} is not its {end:?} named child",
            node.kind_name()
        );
        fast.or_else(|| node.child_by_field_id(field))
    }

    /// The `name = value` assignment an expression statement holds, if it is one.
    pub fn assignment_in(&self, statement: Node<'a>) -> Option<Node<'a>> {
        if statement.kind_name() != "expression_statement" {
            return None;
        }
        self.first_named_child(statement)
            .filter(|a| a.kind_name() == "assignment")
    }

    /// The first named child of `node` (`node.named_child(0)`), from the index.
    pub fn first_named_child(&self, node: Node<'a>) -> Option<Node<'a>> {
        self.named_children(node).next()
    }

    pub fn parent(&self, node: Node) -> Option<Node<'a>> {
        self.index.parent(node)
    }

    /// The node's ancestors, innermost first.
    pub fn ancestors(&self, node: Node) -> impl Iterator<Item = Node<'a>> + '_ {
        std::iter::successors(self.parent(node), move |n| self.parent(*n))
    }

    /// The innermost ancestor of one of `kinds`.
    pub fn enclosing(&self, node: Node, kinds: &[&str]) -> Option<Node<'a>> {
        // Compared by id: `Node::kind()` reads the name through a C string and a UTF-8
        // check, on every ancestor of every node a rule asks about (4% of a keystroke's
        // check of a 100 KB file, callgrind).
        let mut ids = [0u16; 8];
        if kinds.len() > ids.len() {
            return self
                .ancestors(node)
                .find(|n| kinds.contains(&n.kind_name()));
        }
        for (id, kind) in ids.iter_mut().zip(kinds) {
            *id = kind_id(kind).unwrap_or(u16::MAX);
        }
        let ids = &ids[..kinds.len()];
        self.ancestors(node).find(|n| ids.contains(&n.kind_id()))
    }

    /// The innermost function (or lambda-free `def`) holding `node`.
    pub fn enclosing_function(&self, node: Node) -> Option<Node<'a>> {
        self.innermost_holding("function_definition", node)
    }

    /// The class whose body directly holds the function holding `node` (the method's
    /// class), or the innermost class when not in a function.
    pub fn enclosing_class(&self, node: Node) -> Option<Node<'a>> {
        self.innermost_holding("class_definition", node)
    }

    /// What `enclosing(node, &[kind])` answers, found in the kind's source-ordered list
    /// instead of by climbing parents: rules ask for the enclosing function of nearly
    /// every node they look at, and each step up is a binary search (a tenth of a
    /// keystroke's check of a 100 KB file, callgrind). Definitions nest, so the innermost
    /// one holding `node` is the last to start at or before it that ends at or after it.
    /// Only a bounded run of earlier siblings is stepped over; past it, parents are climbed.
    fn innermost_holding(&self, kind: &str, node: Node) -> Option<Node<'a>> {
        const MAX_STEPS: usize = 64;
        let list = self.nodes(kind);
        let (start, end) = (node.start(), node.end_byte());
        let before = list.partition_point(|d| d.start() <= start);
        let holding = list[..before]
            .iter()
            .rev()
            .take(MAX_STEPS)
            .find(|d| d.id() != node.id() && d.end_byte() >= end);
        match holding {
            Some(d) => Some(*d),
            None if before > MAX_STEPS => self.enclosing(node, &[kind]),
            None => None,
        }
    }

    /// The class a method belongs to: `def` directly in a class body.
    pub fn method_class(&self, function: Node) -> Option<Node<'a>> {
        let mut parent = self.parent(function)?;
        if parent.kind_name() == "decorated_definition" {
            parent = self.parent(parent)?;
        }
        if parent.kind_name() != "block" {
            return None;
        }
        self.parent(parent)
            .filter(|p| p.kind_name() == "class_definition")
    }

    pub fn is_within(&self, node: Node, ancestor: Node) -> bool {
        ancestor.start_byte() <= node.start_byte()
            && node.end_byte() <= ancestor.end_byte()
            && (node.id() == ancestor.id() || self.ancestors(node).any(|a| a.id() == ancestor.id()))
    }

    /// `a`, `a.b.c` for identifiers and attribute chains; None for anything else.
    pub fn dotted_name(&self, node: Node) -> Option<String> {
        let mut name = String::new();
        self.push_dotted(node, &mut name)?;
        Some(name)
    }

    /// One buffer for the whole chain: a `format!` per level allocated once per dot.
    fn push_dotted(&self, node: Node, out: &mut String) -> Option<()> {
        match node.kind_name() {
            "identifier" => out.push_str(self.text(node)),
            "attribute" => {
                self.push_dotted(node.field("object")?, out)?;
                out.push('.');
                out.push_str(self.text(node.field("attribute")?));
            }
            _ => return None,
        }
        Some(())
    }

    /// The dotted name with its first part resolved through the file's imports:
    /// `md5` after `from hashlib import md5` is `hashlib.md5`.
    pub fn qualified_name(&self, node: Node) -> Option<String> {
        self.dotted_name(node)
            .map(|name| self.imports.resolve(&name))
    }

    fn all_call_parts(&self) -> &[CallParts<'a>] {
        self.calls.get_or_init(|| {
            let start = kind_id("call").and_then(|k| self.index.kind_start(k));
            self.nodes("call")
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    let parts =
                        start.and_then(|s| CallParts::by_index(self.text, &self.index, s + i));
                    CallParts::checked(self.text, c, parts)
                })
                .collect()
        })
    }

    fn call_parts(&self, call: Node<'a>) -> CallParts<'a> {
        let calls = self.all_call_parts();
        let is_call = Some(call.kind_id()) == kind_id("call");
        match self.index.position_in_kind(call).filter(|_| is_call) {
            Some(i) => calls[i],
            // Not a call, or past the depth the index reaches.
            _ => CallParts::read(self.text, call),
        }
    }

    /// Every `x.method(...)` call whose method is one of `methods`, in source order, as
    /// (call, receiver, method): for rules that look for a few methods among all calls.
    pub fn method_calls<'s>(
        &'s self,
        methods: &'s [&str],
    ) -> impl Iterator<Item = (Node<'a>, Node<'a>, &'a str)> + 's {
        self.nodes("call")
            .iter()
            .zip(self.all_call_parts())
            .filter_map(move |(&call, parts)| {
                let (receiver, method) = parts.method?;
                methods
                    .contains(&method)
                    .then_some((call, receiver, method))
            })
    }

    /// Every call whose callee's last name is one of `names` (`f(...)`, `x.f(...)`,
    /// `a.b.f(...)`), in source order: for rules after a few callees, which would
    /// otherwise look up the parts of every call of the file one by one.
    pub fn calls_named<'s>(&'s self, names: &'s [&str]) -> impl Iterator<Item = Node<'a>> + 's {
        let identifier = kind_id("identifier");
        self.nodes("call")
            .iter()
            .zip(self.all_call_parts())
            .filter_map(move |(&call, parts)| {
                let name = match (parts.method, parts.callee) {
                    (Some((_, method)), _) => method,
                    (None, Some(callee)) if Some(callee.kind_id()) == identifier => {
                        self.text(callee)
                    }
                    _ => return None,
                };
                names.contains(&name).then_some(call)
            })
    }

    /// The callee of a `call` node.
    pub fn callee(&self, call: Node<'a>) -> Option<Node<'a>> {
        self.call_parts(call).callee
    }

    /// For `x.method(...)`: the receiver `x` and `"method"`.
    pub fn method_call(&self, call: Node<'a>) -> Option<(Node<'a>, &'a str)> {
        self.call_parts(call).method
    }

    /// The last segment of what a call calls: `md5` for `hashlib.md5(...)` and `md5(...)`.
    pub fn call_simple_name(&self, call: Node<'a>) -> Option<&'a str> {
        let parts = self.call_parts(call);
        if let Some((_, name)) = parts.method {
            return Some(name);
        }
        let callee = parts.callee?;
        match callee.kind_name() {
            "identifier" => Some(self.text(callee)),
            "attribute" => callee.field("attribute").map(|a| self.text(a)),
            _ => None,
        }
    }

    /// The qualified dotted name of a call's callee (`hashlib.md5`), if it is a name.
    pub fn call_name(&self, call: Node<'a>) -> Option<String> {
        self.qualified_name(self.callee(call)?)
    }

    /// Positional arguments of a call, in order (not `*args`, keywords or `**kw`).
    pub fn positional_args(&self, call: Node<'a>) -> Vec<Node<'a>> {
        let Some(args) = self.call_parts(call).arguments else {
            return Vec::new();
        };
        let mut cursor = args.walk();
        args.named_children(&mut cursor)
            .filter(|a| {
                !matches!(
                    a.kind_name(),
                    "keyword_argument" | "list_splat" | "dictionary_splat" | "comment"
                )
            })
            .collect()
    }

    /// The value of keyword argument `name=` in a call.
    pub fn keyword_arg(&self, call: Node<'a>, name: &str) -> Option<Node<'a>> {
        let args = self.call_parts(call).arguments?;
        let mut cursor = args.walk();
        let found = args.named_children(&mut cursor).find(|a| {
            a.kind_name() == "keyword_argument"
                && a.field("name").is_some_and(|n| self.text(n) == name)
        });
        found.and_then(|a| a.field("value"))
    }

    /// Argument `index` if given positionally, else keyword `name`.
    pub fn argument(&self, call: Node<'a>, index: usize, name: &str) -> Option<Node<'a>> {
        self.positional_args(call)
            .get(index)
            .copied()
            .or_else(|| self.keyword_arg(call, name))
    }

    /// The value of a plain string literal (or implicitly concatenated literals), with
    /// escapes left as written. None for f-strings with interpolations and for bytes.
    pub fn string_value(&self, node: Node) -> Option<String> {
        match node.kind_name() {
            "string" => {
                let mut cursor = node.walk();
                let mut value = String::new();
                for child in node.named_children(&mut cursor) {
                    match child.kind_name() {
                        "string_start" => {
                            let prefix = self.text(child).to_ascii_lowercase();
                            if prefix.contains('b')
                                || prefix.contains('f') && node.named_child_count() > 3
                            {
                                return None;
                            }
                        }
                        "string_content" | "escape_sequence" => value.push_str(self.text(child)),
                        "interpolation" => return None,
                        _ => {}
                    }
                }
                Some(value)
            }
            "concatenated_string" => {
                let mut cursor = node.walk();
                let parts: Option<Vec<String>> = node
                    .named_children(&mut cursor)
                    .map(|c| self.string_value(c))
                    .collect();
                parts.map(|p| p.concat())
            }
            "parenthesized_expression" => self.string_value(node.named_child(0)?),
            _ => None,
        }
    }

    /// Decorator expressions of a function or class definition, outermost first.
    /// The `decorated_definition` wrapping `definition`, found in the source-ordered
    /// index rather than through the parent map (every rule that looks at decorators
    /// asks this of every function). Walking back from the definition's start, earlier
    /// siblings end before it; the first one reaching its end is its wrapper, if the
    /// definition has one, else an outer decorated definition.
    fn decorated_parent(&self, definition: Node<'a>) -> Option<Node<'a>> {
        let decorated = self.nodes("decorated_definition");
        let before = decorated.partition_point(|d| d.start() < definition.start());
        decorated[..before]
            .iter()
            .rev()
            .find(|d| d.end_byte() >= definition.end_byte())
            .filter(|d| {
                d.field("definition")
                    .is_some_and(|f| f.id() == definition.id())
            })
            .copied()
    }

    pub fn decorators(&self, definition: Node<'a>) -> Vec<Node<'a>> {
        let Some(parent) = self.decorated_parent(definition) else {
            return Vec::new();
        };
        self.named_children(parent)
            .filter(|c| c.kind_name() == "decorator")
            .filter_map(|d| self.first_named_child(d))
            .collect()
    }

    /// The name of a function or class definition. Read from the text after `def` or
    /// `class` (and `async`), where the grammar puts it: rules ask this of every method of
    /// every class on each keystroke, and through `field` each answer cost a search for the
    /// node (4% of a 100 KB keystroke's check). A tree with errors, a name that is not plain
    /// ASCII, or anything else between the keyword and the name (a line continuation) go
    /// through `field`; debug builds check both agree.
    pub fn definition_name(&self, definition: Node<'a>) -> &'a str {
        let scanned = (!definition.has_error())
            .then(|| name_after_keyword(&self.text[definition.start()..]))
            .flatten();
        debug_assert!(
            scanned.is_none() || scanned == self.field(definition, "name").map(|n| self.text(n)),
            "definition name {scanned:?} read from the text is not its name field"
        );
        scanned.unwrap_or_else(|| self.field(definition, "name").map_or("", |n| self.text(n)))
    }

    /// The classes of this file named `name`, in source order, at any depth (callers that
    /// want only module-level ones, or not a given class, filter).
    pub fn classes_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = Node<'a>> + 's {
        self.nodes("class_definition")
            .iter()
            .copied()
            .filter(move |c| self.definition_name(*c) == name)
    }

    /// Dotted base-class names of a class (`viewsets.ModelViewSet`), unresolved.
    pub fn class_bases(&self, class: Node) -> Vec<String> {
        let Some(list) = class.field("superclasses") else {
            return Vec::new();
        };
        let mut cursor = list.walk();
        list.named_children(&mut cursor)
            .filter_map(|b| self.dotted_name(b))
            .collect()
    }

    /// Names of a function's parameters, in order (`self`, `sender`, `kwargs` for `**kwargs`).
    pub fn parameter_names(&self, function: Node<'a>) -> Vec<&'a str> {
        let Some(params) = function.field("parameters") else {
            return Vec::new();
        };
        // From the index, not with a cursor: a cursor step costs several hundred
        // instructions, and queryset rules ask this of the function around each name they
        // follow.
        self.named_children(params)
            .filter_map(|p| match p.kind_name() {
                "identifier" => Some(self.text(p)),
                "default_parameter" | "typed_default_parameter" => {
                    p.field("name").map(|n| self.text(n))
                }
                _ => {
                    let mut c = p.walk();
                    let ident = p
                        .named_children(&mut c)
                        .find(|c| c.kind_name() == "identifier");
                    ident.map(|n| self.text(n))
                }
            })
            .collect()
    }

    /// The calls of this file that may call `function` (a `def`), for following a value
    /// from a `return` to where it is used: `name(...)` for a plain function, and for a
    /// method also `x.name(...)` on any receiver (the receiver's type is not known, so
    /// this over-approximates: callers of a same-named method elsewhere are included).
    pub fn call_sites(&self, function: Node<'a>) -> Vec<Node<'a>> {
        let name = self.definition_name(function);
        let is_method = self.method_class(function).is_some();
        self.nodes("call")
            .iter()
            .zip(self.all_call_parts())
            .filter(|(_, parts)| match (parts.method, parts.callee) {
                (Some((_, method)), _) => is_method && method == name,
                (None, Some(callee)) => {
                    callee.kind_name() == "identifier" && self.text(callee) == name
                }
                _ => false,
            })
            .map(|(&call, _)| call)
            .collect()
    }

    /// The reads of `self.attr` (or `cls.attr`) in the class holding `target`, an
    /// `attribute` node being assigned: where a value stored on the instance goes next.
    /// Empty when `target` is not on `self`/`cls` inside a class.
    pub fn attribute_reads(&self, target: Node) -> Vec<Node<'a>> {
        let (Some(object), Some(attr)) = (target.field("object"), target.field("attribute")) else {
            return Vec::new();
        };
        let owner = self.text(object);
        let Some(class) = self
            .enclosing_class(target)
            .filter(|_| owner == "self" || owner == "cls")
        else {
            return Vec::new();
        };
        let attr = self.text(attr);
        self.nodes("attribute")
            .iter()
            .copied()
            .filter(|a| a.id() != target.id() && self.is_within(*a, class))
            .filter(|a| {
                a.field("object").is_some_and(|o| self.text(o) == owner)
                    && a.field("attribute").is_some_and(|n| self.text(n) == attr)
            })
            // Not another assignment to the same attribute.
            .filter(|a| {
                self.parent(*a).is_none_or(|p| {
                    !(p.kind_name() == "assignment"
                        && p.field("left").is_some_and(|l| l.id() == a.id()))
                })
            })
            .collect()
    }

    /// The indentation before `node` when it starts its line (only spaces and tabs before
    /// it there): what a fix inserting a statement before it writes first.
    pub fn line_indent(&self, node: Node) -> Option<&'a str> {
        let start = node.start_byte();
        let line_start = self.text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let indent = &self.text[line_start..start];
        indent
            .bytes()
            .all(|b| b == b' ' || b == b'\t')
            .then_some(indent)
    }

    /// The file's line ending, for text a fix inserts: `\r\n` when its first line ends so.
    pub fn newline(&self) -> &'static str {
        match self.text.find('\n') {
            Some(i) if i > 0 && self.text.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        }
    }

    /// `node` with any wrapping parentheses removed.
    pub fn unparenthesize(&self, mut node: Node<'a>) -> Node<'a> {
        // Its first byte first: a parenthesized expression starts with `(`, and the kind
        // is a call into tree-sitter asked of nearly every expression a rule looks at.
        while self.text.as_bytes().get(node.start()) == Some(&b'(')
            && node.kind_name() == "parenthesized_expression"
        {
            match node.named_child(0) {
                Some(inner) => node = inner,
                None => break,
            }
        }
        node
    }
}

/// The nodes of `kind` inside `scope`, in source order (kind lists are in source order: a
/// binary search finds the first, so a file with many methods is not scanned once per
/// method).
pub fn nodes_within<'a, 'c>(
    ctx: &'c FileContext<'a>,
    kind: &str,
    scope: Node<'a>,
) -> impl Iterator<Item = Node<'a>> + 'c {
    let range = scope.byte_range();
    let (nodes, starts) = ctx.nodes_starting_in(kind, range.clone());
    // Trees nest: a node that starts inside the scope, after its first byte, is inside it;
    // one that starts on the same byte may hold it (`f(x)(y)` around `f(x)`).
    nodes
        .iter()
        .zip(starts)
        .filter(move |(n, &start)| start as usize > range.start || n.end_byte() <= range.end)
        .map(move |(n, _)| {
            debug_assert!(
                n.end_byte() <= range.end,
                "a node starting inside another ends past it"
            );
            *n
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_file;
    use crate::source::SourceFile;

    fn with_ctx(text: &str, f: impl FnOnce(&FileContext)) {
        let file = SourceFile::new("t.py", text);
        let parsed = parse_file(&file).unwrap();
        f(&FileContext::new(&file.path, &file.text, &parsed.tree));
    }

    #[test]
    fn parents_of_nested_nodes_starting_at_the_same_byte() {
        with_ctx("f(x)(y)\na.b.c\n", |ctx| {
            let calls = ctx.nodes("call");
            assert_eq!(ctx.text(calls[0]), "f(x)(y)");
            assert_eq!(ctx.parent(calls[1]).map(|p| p.id()), Some(calls[0].id()));
            assert_eq!(
                ctx.parent(calls[0]).map(|p| p.kind_name()),
                Some("expression_statement")
            );
            let attrs = ctx.nodes("attribute");
            assert_eq!(ctx.parent(attrs[1]).map(|p| p.id()), Some(attrs[0].id()));
            let c = attrs[0].field("attribute").unwrap();
            assert_eq!(ctx.parent(c).map(|p| p.id()), Some(attrs[0].id()));
            let kinds: Vec<_> = ctx.ancestors(c).map(|n| n.kind_name()).collect();
            assert_eq!(kinds, ["attribute", "expression_statement", "module"]);
            assert_eq!(ctx.parent(ctx.root()), None);
        });
    }

    #[test]
    fn mentions_finds_words_and_remembers() {
        with_ctx("@receiver(post_save)\ndef f(sender, **kw): pass\n", |ctx| {
            for _ in 0..2 {
                assert!(ctx.mentions("receiver"));
                assert!(ctx.mentions("post_save"));
                assert!(!ctx.mentions("connect"));
                assert!(!ctx.mentions("\r\n"));
            }
        });
    }

    /// The names read from the text are the names tree-sitter gives; anything unusual
    /// between the keyword and the name is left to the tree.
    #[test]
    fn definition_names_from_the_text() {
        assert_eq!(name_after_keyword("def f(x):"), Some("f"));
        assert_eq!(
            name_after_keyword("async  def\tget_queryset (self):"),
            Some("get_queryset")
        );
        assert_eq!(name_after_keyword("class Meta:"), Some("Meta"));
        assert_eq!(name_after_keyword("class Box[T](Base):"), Some("Box"));
        for unusual in [
            "def \\\n f():",
            "def café():",
            "def f",
            "defx():",
            "class 1x:",
            "@d\ndef f():",
        ] {
            assert_eq!(name_after_keyword(unusual), None, "{unusual:?}");
        }
        let text = "async def fetch():\n    pass\n\nclass Page(Base):\n    def café(self):\n        pass\n    def \\\n      g(self): pass\n";
        with_ctx(text, |ctx| {
            let names: Vec<&str> = ["function_definition", "class_definition"]
                .iter()
                .flat_map(|k| ctx.nodes(k).iter().map(|d| ctx.definition_name(*d)))
                .collect();
            assert_eq!(names, ["fetch", "café", "g", "Page"]);
        });
    }

    #[test]
    fn decorators_of_nested_and_plain_definitions() {
        let text = "@a\nclass C:\n    @b\n    @c\n    def m(self): pass\n    def n(self): pass\n\n@d\ndef f(): pass\ndef g(): pass\n";
        with_ctx(text, |ctx| {
            let mut found: Vec<(String, Vec<String>)> = Vec::new();
            for def in ctx
                .nodes("class_definition")
                .iter()
                .chain(ctx.nodes("function_definition"))
            {
                let decorators = ctx
                    .decorators(*def)
                    .iter()
                    .map(|d| ctx.text(*d).to_string())
                    .collect();
                found.push((ctx.definition_name(*def).to_string(), decorators));
            }
            let expect = |n: &str, d: &[&str]| {
                (
                    n.to_string(),
                    d.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                )
            };
            assert_eq!(
                found,
                vec![
                    expect("C", &["a"]),
                    expect("m", &["b", "c"]),
                    expect("n", &[]),
                    expect("f", &["d"]),
                    expect("g", &[])
                ]
            );
        });
    }

    #[test]
    fn dotted_and_qualified_names_resolve_imports() {
        with_ctx(
            "import hashlib as h\nfrom hashlib import md5 as m\nh.sha1(b'')\nm(b'')\n",
            |ctx| {
                let calls = ctx.nodes("call");
                assert_eq!(ctx.call_name(calls[0]).as_deref(), Some("hashlib.sha1"));
                assert_eq!(ctx.call_name(calls[1]).as_deref(), Some("hashlib.md5"));
            },
        );
    }

    #[test]
    fn string_values_join_and_refuse_interpolation() {
        with_ctx("a = 'x' \"y\"\nb = f'{z}'\nc = b'q'\n", |ctx| {
            let values: Vec<Option<String>> = ctx
                .nodes("assignment")
                .iter()
                .map(|a| ctx.string_value(a.field("right").unwrap()))
                .collect();
            assert_eq!(values, vec![Some("xy".into()), None, None]);
        });
    }
}

/// `children` as the index gave them, checked against tree-sitter's in debug builds.
fn checked_children<'i, 'a>(
    node: Node<'a>,
    children: NamedChildren<'i, 'a>,
) -> NamedChildren<'i, 'a> {
    debug_assert!(
        {
            let mut cursor = node.walk();
            let tree: Vec<usize> = node.named_children(&mut cursor).map(|n| n.id()).collect();
            let ours: Vec<usize> = children.clone().map(|n| n.id()).collect();
            tree == ours
        },
        "the index's named children of a {} differ from tree-sitter's",
        node.kind_name()
    );
    children
}

/// Which end of a node's named children a field is (`FIXED_FIELDS`).
#[derive(Debug, Clone, Copy)]
enum End {
    First,
    Last,
}

/// Fields that tree-sitter-python's grammar always gives and always puts first or last
/// among the node's named children (`FileContext::field`). Not a field that may be missing
/// (`assignment`'s `right` in `x: int`), nor one with an optional part after it
/// (`for_statement`'s `body`, followed by an optional `else`).
const FIXED_FIELDS: &[(&str, &str, End)] = &[
    // `def`, `class` and `async` are not named: the name comes first.
    ("function_definition", "name", End::First),
    ("class_definition", "name", End::First),
    ("if_statement", "condition", End::First),
    ("elif_clause", "condition", End::First),
    ("while_statement", "condition", End::First),
    ("not_operator", "argument", End::First),
    ("boolean_operator", "left", End::First),
    ("boolean_operator", "right", End::Last),
    ("for_statement", "left", End::First),
    ("for_in_clause", "left", End::First),
    ("assignment", "left", End::First),
    ("augmented_assignment", "left", End::First),
    ("augmented_assignment", "right", End::Last),
    ("attribute", "object", End::First),
    ("attribute", "attribute", End::Last),
    ("call", "function", End::First),
    ("call", "arguments", End::Last),
    ("subscript", "value", End::First),
    ("keyword_argument", "name", End::First),
    ("keyword_argument", "value", End::Last),
    ("pair", "key", End::First),
    ("pair", "value", End::Last),
];

/// The name in `def name`, `async def name` or `class name` at the start of `text`: an
/// ASCII identifier after the keyword and spaces, followed by something else ASCII. None
/// for anything else (the caller then asks the tree).
fn name_after_keyword(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let spaces_from = |mut i: usize| {
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        i
    };
    let at = if b.starts_with(b"async") {
        spaces_from(5)
    } else {
        0
    };
    let keyword = if b[at..].starts_with(b"def") {
        at + 3
    } else if b[at..].starts_with(b"class") {
        at + 5
    } else {
        return None;
    };
    let start = spaces_from(keyword);
    let is_word = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_';
    let end = start + b[start..].iter().position(|c| !is_word(c))?;
    let plain = start > keyword && end > start && !b[start].is_ascii_digit();
    (plain && b[end].is_ascii()).then(|| &text[start..end])
}

/// Where a node of kind id `kind` has its field id `field` among its named children, if
/// `FIXED_FIELDS` says the grammar always puts it first or last.
fn fixed_end(kind: u16, field: u16) -> Option<End> {
    static ENDS: LazyLock<Vec<Vec<(u16, End)>>> = LazyLock::new(|| {
        let mut ends = vec![Vec::new(); usize::from(python().node_kind_count() as u16)];
        for &(kind, field, end) in FIXED_FIELDS {
            if let (Some(k), Some(f)) = (kind_id(kind), field_id(field)) {
                ends[usize::from(k)].push((f, end));
            }
        }
        ends
    });
    ENDS.get(usize::from(kind))?
        .iter()
        .find(|(f, _)| *f == field)
        .map(|&(_, end)| end)
}

/// The named nodes the grammar lets in anywhere (its `extras`): a comment, or a line
/// continuation (`\` at a line's end). One of them first or last among a node's named
/// children hides the field `FIXED_FIELDS` says is there.
static EXTRA_KINDS: LazyLock<[Option<u16>; 2]> =
    LazyLock::new(|| [kind_id("comment"), kind_id("line_continuation")]);

/// The named children of a node (`FileContext::named_children`).
#[derive(Clone)]
pub enum NamedChildren<'i, 'a> {
    /// From the index: positions of the node's named children still to come.
    Index {
        index: &'i NodeIndex<'a>,
        next: crate::index::ChildPositions<'i>,
    },
    /// From tree-sitter, for a node whose children the walk did not reach.
    Tree(std::vec::IntoIter<Node<'a>>),
}

impl<'a> Iterator for NamedChildren<'_, 'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        match self {
            NamedChildren::Index { index, next } => next.next().map(|at| index.at(at)),
            NamedChildren::Tree(nodes) => nodes.next(),
        }
    }
}
