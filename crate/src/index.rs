//! The one walk over a file's tree: every named node filed by kind, in source order, with
//! a link to its parent. Rules never walk the tree themselves; they ask this index.

use crate::parse::MAX_TREE_DEPTH;
use std::cell::Cell;
use tree_sitter::{Node, Tree};

/// No parent (the root), in `NodeIndex::parents`.
const NONE: u32 = u32::MAX;

pub struct NodeIndex<'t> {
    /// Named nodes grouped by kind id, each group in source order: one allocation for
    /// the file, where a vector per kind spent 7% of the walk growing (callgrind).
    nodes: Vec<Node<'t>>,
    /// `nodes[groups[k]..groups[k + 1]]` are the nodes of kind id `k`.
    groups: Vec<u32>,
    /// Start byte of each entry of `nodes`, for the binary search in `position`
    /// without a call into tree-sitter per step.
    starts: Vec<u32>,
    /// Position in `nodes` of each entry's parent, or `NONE`.
    parents: Vec<u32>,
    /// The last node `position` found, as (id, position): rules ask several things of
    /// one node in a row (a call's callee, then its arguments).
    last: Cell<(usize, usize)>,
    /// Depth of the deepest node reached (the walk stops descending past
    /// `MAX_TREE_DEPTH`).
    pub depth: usize,
}

impl<'t> NodeIndex<'t> {
    pub fn new(tree: &'t Tree) -> Self {
        let kinds = tree.language().node_kind_count();
        // Named nodes in preorder with their kind and their parent's preorder number,
        // from a stack of named ancestors. The parent of a named node is always named:
        // anonymous nodes are tokens, without children.
        // About two nodes in three are named in Python code: reserved once, not regrown.
        let mut preorder: Vec<(Node<'t>, u16, u32)> =
            Vec::with_capacity(tree.root_node().descendant_count() * 3 / 4);
        let mut counts = vec![0u32; kinds + 1];
        let mut ancestors: Vec<(usize, u32)> = Vec::new();
        let mut depth = 0;
        walk(tree, |node, d| {
            depth = depth.max(d);
            if !node.is_named() {
                return;
            }
            let kind = node.kind_id();
            if usize::from(kind) >= kinds {
                return;
            }
            while ancestors.last().is_some_and(|(ad, _)| *ad >= d) {
                ancestors.pop();
            }
            let parent = ancestors.last().map_or(NONE, |(_, p)| *p);
            ancestors.push((d, preorder.len() as u32));
            preorder.push((node, kind, parent));
            counts[usize::from(kind) + 1] += 1;
        });
        // A stable counting sort by kind keeps each group in source order.
        let mut groups = counts;
        for k in 1..groups.len() {
            groups[k] += groups[k - 1];
        }
        let mut next = groups.clone();
        let mut moved = vec![0u32; preorder.len()];
        let mut nodes = vec![tree.root_node(); preorder.len()];
        let mut starts = vec![0u32; preorder.len()];
        for (i, (node, kind, _)) in preorder.iter().enumerate() {
            let at = &mut next[usize::from(*kind)];
            moved[i] = *at;
            nodes[*at as usize] = *node;
            starts[*at as usize] = node.start_byte() as u32;
            *at += 1;
        }
        let mut parents = vec![NONE; preorder.len()];
        for (i, (_, _, parent)) in preorder.iter().enumerate() {
            if *parent != NONE {
                parents[moved[i] as usize] = moved[*parent as usize];
            }
        }
        Self {
            nodes,
            groups,
            starts,
            parents,
            last: Cell::new((0, 0)),
            depth,
        }
    }

    /// Every named node of kind id `kind`, in source order.
    pub fn of_kind(&self, kind: u16) -> &[Node<'t>] {
        match self.range(kind) {
            Some((from, to)) => &self.nodes[from..to],
            None => &[],
        }
    }

    fn range(&self, kind: u16) -> Option<(usize, usize)> {
        let k = usize::from(kind);
        Some((
            *self.groups.get(k)? as usize,
            *self.groups.get(k + 1)? as usize,
        ))
    }

    /// Where `node` is in `nodes`: a binary search by start within its kind's group,
    /// then a step past outer nodes of the same kind starting at the same byte
    /// (`f()()`, `a.b.c`). None for nodes the walk did not reach.
    pub fn position(&self, node: Node) -> Option<usize> {
        let (last_id, last_position) = self.last.get();
        if last_id == node.id() {
            return Some(last_position);
        }
        let (from, to) = self.range(node.kind_id())?;
        let start = node.start_byte() as u32;
        let first = from + self.starts[from..to].partition_point(|&s| s < start);
        let step = self.nodes[first..to]
            .iter()
            .zip(&self.starts[first..to])
            .take_while(|(_, &s)| s == start)
            .position(|(n, _)| n.id() == node.id())?;
        self.last.set((node.id(), first + step));
        Some(first + step)
    }

    /// Where `node` is in the group of its kind, as `of_kind` lists it.
    pub fn position_in_kind(&self, node: Node) -> Option<usize> {
        let (from, _) = self.range(node.kind_id())?;
        Some(self.position(node)? - from)
    }

    pub fn parent(&self, node: Node) -> Option<Node<'t>> {
        let parent = *self.parents.get(self.position(node)?)?;
        self.nodes.get(parent as usize).copied()
    }
}

/// Visits every node (named or not) in source order with its depth, iteratively (deep
/// code must not overflow the stack), with one cursor: cheaper than asking each node
/// for its children. Does not descend past `MAX_TREE_DEPTH`.
fn walk<'t>(tree: &'t Tree, mut visit: impl FnMut(Node<'t>, usize)) {
    let mut cursor = tree.walk();
    // Siblings still to come at each level. Knowing when the last child is reached saves
    // a failing `goto_next_sibling` per parent, which climbs and rebuilds iterators
    // before it gives up: ~15% of the walk on Django's `db` (callgrind).
    let mut left: Vec<u32> = vec![0];
    loop {
        let node = cursor.node();
        let depth = left.len() - 1;
        visit(node, depth);
        let children = node.child_count();
        if children > 0 && depth <= MAX_TREE_DEPTH && cursor.goto_first_child() {
            left.push(children - 1);
            continue;
        }
        loop {
            let Some(rest) = left.last_mut() else {
                return;
            };
            if *rest > 0 {
                *rest -= 1;
                if cursor.goto_next_sibling() {
                    break;
                }
                debug_assert!(false, "fewer siblings than child_count said");
            }
            left.pop();
            if !left.is_empty() && !cursor.goto_parent() {
                return;
            }
        }
    }
}
