//! A cap on the work one team rule may do on one file. ast-grep's matching is
//! polynomial, but a rule of nested `has`/`inside` with `stopBy: end` on a large file can
//! still take minutes; the page checks on every keystroke and CI must not stall. Every
//! step ast-grep takes through the tree (a parent, a child, a sibling) goes through this
//! document's nodes and is counted; past the budget the tree looks empty, matching ends
//! at once, and the rule's hits on that file are dropped (a truncated `not: has` could
//! otherwise claim a hit) with an error saying so.

use super::python::Python;
use ast_grep_core::source::{Doc, Edit, SgNode};
use ast_grep_core::tree_sitter::StrDoc;
use ast_grep_core::Position;
use std::borrow::Cow;
use std::cell::Cell;
use tree_sitter::{Node, Tree};

/// Steps (nodes visited) one rule may take on one file. A pattern rule visits each node
/// once or twice; `inside: {stopBy: end}` adds the depth per candidate. Django's largest
/// module (~100 KB, ~60,000 nodes) takes well under a million with such rules.
pub const MAX_STEPS: u64 = 5_000_000;

#[derive(Clone)]
pub struct BudgetDoc {
    src: String,
    tree: Tree,
    lang: Python,
    steps: Cell<u64>,
    limit: u64,
}

impl BudgetDoc {
    pub fn new(src: &str, tree: Tree, limit: u64) -> Self {
        Self {
            src: src.to_string(),
            tree,
            lang: Python,
            steps: Cell::new(0),
            limit,
        }
    }

    pub fn exhausted(&self) -> bool {
        self.steps.get() > self.limit
    }
}

#[derive(Clone)]
pub struct Counted<'r> {
    node: Node<'r>,
    doc: &'r BudgetDoc,
}

impl<'r> Counted<'r> {
    fn wrap(&self, node: Node<'r>) -> Self {
        Self {
            node,
            doc: self.doc,
        }
    }

    /// Charges one step; false once the budget is spent.
    fn step(&self) -> bool {
        let steps = &self.doc.steps;
        steps.set(steps.get() + 1);
        steps.get() <= self.doc.limit
    }

    fn charged(&self, node: Option<Node<'r>>) -> Option<Self> {
        if self.step() {
            node.map(|n| self.wrap(n))
        } else {
            None
        }
    }
}

impl<'r> SgNode<'r> for Counted<'r> {
    fn parent(&self) -> Option<Self> {
        self.charged(self.node.parent())
    }
    fn children(&self) -> impl ExactSizeIterator<Item = Self> {
        let live = if self.step() { usize::MAX } else { 0 };
        let this = self.clone();
        SgNode::children(&self.node)
            .take(live)
            .map(move |n| this.wrap(n))
    }
    fn child(&self, nth: usize) -> Option<Self> {
        self.charged(self.node.child(nth as u32))
    }
    fn next(&self) -> Option<Self> {
        self.charged(self.node.next_sibling())
    }
    fn prev(&self) -> Option<Self> {
        self.charged(self.node.prev_sibling())
    }
    fn is_named(&self) -> bool {
        self.node.is_named()
    }
    fn is_named_leaf(&self) -> bool {
        self.node.named_child_count() == 0
    }
    fn is_leaf(&self) -> bool {
        self.node.child_count() == 0
    }
    fn kind(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.node.kind())
    }
    fn kind_id(&self) -> u16 {
        self.node.kind_id()
    }
    fn node_id(&self) -> usize {
        self.node.id()
    }
    fn range(&self) -> std::ops::Range<usize> {
        self.node.byte_range()
    }
    fn start_pos(&self) -> Position {
        SgNode::start_pos(&self.node)
    }
    fn end_pos(&self) -> Position {
        SgNode::end_pos(&self.node)
    }
    fn is_missing(&self) -> bool {
        self.node.is_missing()
    }
    fn is_error(&self) -> bool {
        self.node.is_error()
    }
    fn is_extra(&self) -> bool {
        self.node.is_extra()
    }
    fn field(&self, name: &str) -> Option<Self> {
        self.charged(self.node.child_by_field_name(name))
    }
    fn field_children(&self, field_id: Option<u16>) -> impl Iterator<Item = Self> {
        let live = if self.step() { usize::MAX } else { 0 };
        let this = self.clone();
        SgNode::field_children(&self.node, field_id)
            .take(live)
            .map(move |n| this.wrap(n))
    }
    fn child_by_field_id(&self, field_id: u16) -> Option<Self> {
        self.charged(self.node.child_by_field_id(field_id))
    }
}

impl Doc for BudgetDoc {
    type Source = String;
    type Lang = Python;
    type Node<'r> = Counted<'r>;
    fn get_lang(&self) -> &Python {
        &self.lang
    }
    fn get_source(&self) -> &String {
        &self.src
    }
    fn do_edit(&mut self, edit: &Edit<String>) -> Result<(), String> {
        // Team rules only read; ast-grep edits a document only when asked to rewrite in
        // place. Keep it correct anyway by re-parsing as StrDoc does.
        let mut doc = StrDoc {
            src: std::mem::take(&mut self.src),
            lang: Python,
            tree: self.tree.clone(),
        };
        doc.do_edit(edit)?;
        self.src = doc.src;
        self.tree = doc.tree;
        Ok(())
    }
    fn root_node(&self) -> Counted<'_> {
        Counted {
            node: self.tree.root_node(),
            doc: self,
        }
    }
    fn get_node_text<'a>(&'a self, node: &Counted<'a>) -> Cow<'a, str> {
        Cow::Borrowed(self.src.get(node.node.byte_range()).unwrap_or(""))
    }
}
