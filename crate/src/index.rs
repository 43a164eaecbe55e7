//! The one walk over a file's tree: every named node filed by kind, in source order, with
//! a link to its parent. Rules never walk the tree themselves; they ask this index.

use crate::grammar::Start;
use crate::parse::MAX_TREE_DEPTH;
use std::ffi::c_void;
use tree_sitter::{ffi, Node, Tree};

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
    /// Kind id of each entry of `nodes`: `Node::kind_id` calls into tree-sitter, which in
    /// wasm cost 8% of a 100 KB keystroke's check, most of it asked of nodes the index has.
    kinds: Vec<u16>,
    /// Position in `nodes` of each entry's parent, or `NONE`.
    parents: Vec<u32>,
    /// Positions in `nodes` of each entry's first and last named child, or `NONE`: a
    /// call's callee and arguments without asking tree-sitter (`ts_node_child` walks the
    /// node's hidden children each time: 8% of a 100 KB keystroke's check in V8).
    ends: Vec<(u32, u32)>,
    /// Position in `nodes` of each entry's next named sibling, or `NONE`: a node's named
    /// children in order without a cursor (each cursor step costs hundreds of instructions).
    next: Vec<u32>,
    /// Depth of the deepest named node, or past `MAX_TREE_DEPTH` when the walk stopped
    /// descending somewhere.
    pub depth: usize,
}

impl<'t> NodeIndex<'t> {
    pub fn new(tree: &'t Tree) -> Self {
        Self::from_walk(tree, &Walk::new(tree))
    }

    /// The index of `tree` from a walk of it (`Walk::new`, or `Walk::again` after an edit).
    pub fn from_walk(tree: &'t Tree, walk: &Walk) -> Self {
        let kinds = tree.language().node_kind_count();
        let entries = &walk.entries;
        let kind_of = |e: &Entry| {
            // Every kind the grammar gives is below node_kind_count; a stray one would
            // index past `counts`.
            if usize::from(e.kind) < kinds {
                usize::from(e.kind)
            } else {
                0
            }
        };
        let mut counts = vec![0u32; kinds + 1];
        for e in entries {
            counts[kind_of(e) + 1] += 1;
        }
        // A stable counting sort by kind keeps each group in source order.
        let mut groups = counts;
        for k in 1..groups.len() {
            groups[k] += groups[k - 1];
        }
        let mut next = groups.clone();
        let n = entries.len();
        // Where each entry went, by its place in the walk.
        let mut moved = Vec::with_capacity(n);
        // Filled out of order, each slot once (below): not set to a value first, which
        // cost a tenth of this function.
        let mut nodes: Vec<Node<'t>> = Vec::with_capacity(n);
        let mut starts: Vec<u32> = Vec::with_capacity(n);
        let mut kinds: Vec<u16> = Vec::with_capacity(n);
        let mut parents: Vec<u32> = Vec::with_capacity(n);
        let (node_slots, start_slots, kind_slots, parent_slots) = (
            &mut nodes.spare_capacity_mut()[..n],
            &mut starts.spare_capacity_mut()[..n],
            &mut kinds.spare_capacity_mut()[..n],
            &mut parents.spare_capacity_mut()[..n],
        );
        // A walk made for another tree object (the cached tree's copy, or the tree it was
        // edited from) names that tree: its nodes belong to this one, which holds the same
        // subtrees (Walk::again).
        let raw_tree = tree.root_node().into_raw().tree;
        let mut ends = vec![(NONE, NONE); n];
        let mut next_sibling = vec![NONE; n];
        for e in entries {
            let kind = kind_of(e);
            let next = &mut next[kind];
            let at = *next;
            *next += 1;
            moved.push(at);
            let slot = at as usize;
            // SAFETY: a node of `tree`'s subtrees (see Walk), which `tree` keeps alive for 't.
            node_slots[slot].write(unsafe { e.node_of(raw_tree) });
            start_slots[slot].write(e.node.context[0]);
            kind_slots[slot].write(kind as u16);
            // A parent comes before its children in source order: already moved.
            if e.parent == NONE {
                parent_slots[slot].write(NONE);
            } else {
                let parent = moved[e.parent as usize];
                parent_slots[slot].write(parent);
                // The first child seen is the first, the last the last, and each the next
                // sibling of the one seen before it.
                let ends = &mut ends[parent as usize];
                if ends.0 == NONE {
                    ends.0 = at;
                } else {
                    next_sibling[ends.1 as usize] = at;
                }
                ends.1 = at;
            }
        }
        // SAFETY: the counting sort sent the n entries to n distinct slots of 0..n (each
        // kind's run `groups[k]..groups[k + 1]` holds as many slots as the kind has entries),
        // and each slot was written above.
        unsafe {
            nodes.set_len(n);
            starts.set_len(n);
            kinds.set_len(n);
            parents.set_len(n);
        }
        Self {
            nodes,
            groups,
            starts,
            kinds,
            parents,
            ends,
            next: next_sibling,
            depth: walk.depth(),
        }
    }

    /// Every named node of kind id `kind`, in source order.
    pub fn of_kind(&self, kind: u16) -> &[Node<'t>] {
        match self.range(kind) {
            Some((from, to)) => &self.nodes[from..to],
            None => &[],
        }
    }

    /// The named nodes of kind id `kind` that start at or after byte `from` and before
    /// `to`, in source order, with their start bytes: found by a binary search on the
    /// index's own starts, without a call into tree-sitter per step.
    pub fn of_kind_starting_in(&self, kind: u16, from: u32, to: u32) -> (&[Node<'t>], &[u32]) {
        let Some((first, last)) = self.range(kind) else {
            return (&[], &[]);
        };
        let starts = &self.starts[first..last];
        let (a, b) = (
            starts.partition_point(|&s| s < from),
            starts.partition_point(|&s| s < to),
        );
        (
            &self.nodes[first + a..first + b.max(a)],
            &starts[a..b.max(a)],
        )
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
        self.position_of_kind(node, node.kind_id())
    }

    /// `position`, for a node whose kind id the caller has (`Node::kind_id` is a call into
    /// tree-sitter).
    pub fn position_of_kind(&self, node: Node, kind: u16) -> Option<usize> {
        let (from, to) = self.range(kind)?;
        let start = node.start() as u32;
        let first = from + self.starts[from..to].partition_point(|&s| s < start);
        let step = self.nodes[first..to]
            .iter()
            .zip(&self.starts[first..to])
            .take_while(|(_, &s)| s == start)
            .position(|(n, _)| n.id() == node.id())?;
        Some(first + step)
    }

    /// Where `node` is in the group of its kind, as `of_kind` lists it.
    pub fn position_in_kind(&self, node: Node) -> Option<usize> {
        let (from, _) = self.range(node.kind_id())?;
        Some(self.position(node)? - from)
    }

    /// The positions (as `position` gives them) of the first and last named child of the
    /// node at `position`, counting through hidden nodes, as tree-sitter's named children.
    pub fn named_ends(&self, position: usize) -> Option<(usize, usize)> {
        match *self.ends.get(position)? {
            (NONE, _) | (_, NONE) => None,
            (first, last) => Some((first as usize, last as usize)),
        }
    }

    /// The positions of the named children of the node at `position`, in order, counting
    /// through hidden nodes, as tree-sitter's named children.
    pub fn named_children(&self, position: usize) -> ChildPositions<'_> {
        ChildPositions {
            next: &self.next,
            at: self.named_ends(position).map(|(first, _)| first),
        }
    }

    /// The kind id of the node at a position `position` or `named_ends` gave.
    pub fn kind_at(&self, position: usize) -> u16 {
        self.kinds[position]
    }

    /// The node at a position `position` or `named_ends` gave.
    pub fn at(&self, position: usize) -> Node<'t> {
        self.nodes[position]
    }

    /// Where the nodes of kind id `kind` start in the positions `position` gives.
    pub fn kind_start(&self, kind: u16) -> Option<usize> {
        self.range(kind).map(|(from, _)| from)
    }

    pub fn parent(&self, node: Node) -> Option<Node<'t>> {
        let parent = *self.parents.get(self.position(node)?)?;
        self.nodes.get(parent as usize).copied()
    }
}

/// The positions of a node's named children (`NodeIndex::named_children`).
#[derive(Clone)]
pub struct ChildPositions<'i> {
    next: &'i [u32],
    at: Option<usize>,
}

impl Iterator for ChildPositions<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let at = self.at?;
        self.at = match self.next[at] {
            NONE => None,
            next => Some(next as usize),
        };
        Some(at)
    }
}

/// One named node as walk.c files it (its `Entry`, same layout).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Entry {
    node: ffi::TSNode,
    /// Number of its parent among the named nodes in source order, or `NONE`.
    parent: u32,
    /// Its number among the visible nodes, named or not, in source order: what lets the
    /// next walk find a reused subtree's nodes (walk.c).
    ordinal: u32,
    kind: u16,
    depth: u16,
}

impl Entry {
    /// The node in the tree object `tree`, which holds the same subtrees as the one the
    /// walk was made for. Only the root's id points into the tree object itself (tree-sitter
    /// gives it the address of the tree's root field), so it is the one node rebuilt.
    ///
    /// # Safety
    /// `tree` must hold this entry's subtrees (the walk's tree, a copy of it, or a tree
    /// parsed from it that reused them), and outlive the node.
    unsafe fn node_of<'t>(&self, tree: *const ffi::TSTree) -> Node<'t> {
        let mut raw = self.node;
        raw.tree = tree;
        if self.parent == NONE && self.ordinal == 0 {
            // The root: the first visible node, and it has no parent (the grammar's root
            // symbol is visible, so no other node lacks a parent). SAFETY: as promised.
            raw = unsafe { ffi::ts_tree_root_node(tree) };
        }
        unsafe { Node::from_raw(raw) }
    }
}

/// The old walk, as walk.c's `Old`.
#[repr(C)]
struct Old {
    tree: *const ffi::TSTree,
    entries: *const Entry,
    count: u32,
    edit: ffi::TSInputEdit,
}

extern "C" {
    /// walk.c
    fn wagcheck_index_named(
        tree: *const ffi::TSTree,
        old: *const Old,
        max_depth: u32,
        out: *mut Entry,
        capacity: u32,
        grow: unsafe extern "C" fn(*mut c_void, u32, *mut u32) -> *mut Entry,
        data: *mut c_void,
        count: *mut u32,
        deepest: *mut u32,
        truncated: *mut bool,
        copied: *mut u32,
    ) -> bool;
}

/// Every named node of a tree in source order, not descending below nodes deeper than
/// `MAX_TREE_DEPTH`: what `NodeIndex` is built from. The walk itself is in walk.c (see
/// there why). Kept with the tree between keystrokes (reparse::ParseCache), it makes the
/// next walk copy what the incremental parse reused (`again`).
///
/// The entries hold raw nodes: pointers into the subtrees of the tree the walk was made
/// for, which whoever keeps a walk keeps alive with it (a copy of that tree holds the same
/// subtrees; `NodeIndex::from_walk` swaps in the tree it is given, see `Entry::node_of`).
pub struct Walk {
    entries: Vec<Entry>,
    deepest: usize,
    truncated: bool,
    /// How many entries were copied from the old walk (`again`).
    copied: usize,
}

// SAFETY: the entries are only read, and only with a tree that holds their subtrees
// (see Walk); tree-sitter's trees are themselves Send and Sync.
unsafe impl Send for Walk {}
unsafe impl Sync for Walk {}

impl Walk {
    pub fn new(tree: &Tree) -> Self {
        Self::run(tree, None).expect("a walk with no old walk always lines up")
    }

    /// The walk of `tree`, parsed from `old_tree` (edited by `edit` to match, and still
    /// alive) whose walk was `old`: the subtrees the parse reused are copied from `old`, not
    /// walked again. The same entries as `Walk::new(tree)` (tested below and in the fuzz
    /// loop); it falls back to that if the old walk does not line up or was cut short.
    pub fn again(tree: &Tree, old_tree: &Tree, old: &Walk, edit: &tree_sitter::InputEdit) -> Self {
        if old.truncated {
            return Self::new(tree);
        }
        let point = |p: tree_sitter::Point| ffi::TSPoint {
            row: p.row as u32,
            column: p.column as u32,
        };
        let old = Old {
            tree: old_tree.root_node().into_raw().tree,
            entries: old.entries.as_ptr(),
            count: old.entries.len() as u32,
            edit: ffi::TSInputEdit {
                start_byte: edit.start_byte as u32,
                old_end_byte: edit.old_end_byte as u32,
                new_end_byte: edit.new_end_byte as u32,
                start_point: point(edit.start_position),
                old_end_point: point(edit.old_end_position),
                new_end_point: point(edit.new_end_position),
            },
        };
        Self::run(tree, Some(&old)).unwrap_or_else(|| Self::new(tree))
    }

    fn run(tree: &Tree, old: Option<&Old>) -> Option<Self> {
        unsafe extern "C" fn grow(
            data: *mut c_void,
            filled: u32,
            capacity: *mut u32,
        ) -> *mut Entry {
            // SAFETY: `data` is the vector below, alive for the whole walk, whose first
            // `filled` entries walk.c has written; `capacity` is walk.c's.
            let out = unsafe { &mut *data.cast::<Vec<Entry>>() };
            unsafe { out.set_len(filled as usize) };
            out.reserve(out.len().max(1024));
            unsafe { *capacity = u32::try_from(out.capacity()).unwrap_or(u32::MAX) };
            out.as_mut_ptr()
        }
        // About two nodes in three are named in Python code: reserved once, mostly not regrown.
        let capacity = match old {
            Some(old) => old.count as usize + 64,
            None => tree.root_node().descendant_count() * 3 / 4,
        };
        let mut entries: Vec<Entry> = Vec::with_capacity(capacity);
        let max_depth = u32::try_from(MAX_TREE_DEPTH).unwrap_or(u32::MAX);
        let (mut count, mut deepest, mut truncated, mut copied) = (0u32, 0u32, false, 0u32);
        let out = entries.as_mut_ptr();
        let room = u32::try_from(entries.capacity()).unwrap_or(u32::MAX);
        // SAFETY: the trees outlive the call (the old one is edited, not dropped); walk.c
        // only reads them, and the old entries while `old` borrows them. It writes entries
        // only where `out` or `grow` gives room, and `count` of them in all.
        let lined_up = unsafe {
            wagcheck_index_named(
                tree.root_node().into_raw().tree,
                old.map_or(std::ptr::null(), |o| o as *const Old),
                max_depth,
                out,
                room,
                grow,
                (&raw mut entries).cast::<c_void>(),
                &raw mut count,
                &raw mut deepest,
                &raw mut truncated,
                &raw mut copied,
            )
        };
        // SAFETY: walk.c wrote the first `count` entries, within the capacity it was given.
        unsafe { entries.set_len(count as usize) };
        lined_up.then_some(Self {
            entries,
            deepest: deepest as usize,
            truncated,
            copied: copied as usize,
        })
    }

    /// Depth of the deepest named node (the root is 0, hidden nodes add none), or past
    /// `MAX_TREE_DEPTH` when the walk stopped descending somewhere.
    pub fn depth(&self) -> usize {
        if self.truncated {
            self.deepest.max(MAX_TREE_DEPTH + 1)
        } else {
            self.deepest
        }
    }

    /// (node, kind id, parent's number) of each named node in source order, as the tests
    /// compare them.
    fn named<'t>(&self, tree: &'t Tree) -> Vec<(Node<'t>, u16, u32)> {
        let raw_tree = tree.root_node().into_raw().tree;
        self.entries
            .iter()
            // SAFETY: as in NodeIndex::from_walk.
            .map(|e| (unsafe { e.node_of(raw_tree) }, e.kind, e.parent))
            .collect()
    }
}

/// The C walk checked against tree-sitter's own `TreeCursor`, node for node: by the
/// tests on every example and fixture, and by the fuzz loop (tests/fuzz.rs) on every
/// mutant, since walk.c reads tree-sitter's internals (see its header).
pub mod cursor_check {
    use super::*;

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

    /// Named nodes as the cursor walk finds them, each with its kind and its parent's
    /// number (from a stack of named ancestors), and the deepest depth.
    fn by_cursor(tree: &Tree) -> (Vec<(Node<'_>, u16, u32)>, usize) {
        let mut named = Vec::new();
        let mut ancestors: Vec<(usize, u32)> = Vec::new();
        let mut deepest = 0;
        walk(tree, |node, depth| {
            if depth > MAX_TREE_DEPTH && node.child_count() > 0 {
                // Not descended into: as Walk::depth says.
                deepest = deepest.max(MAX_TREE_DEPTH + 1);
            }
            if node.is_named() {
                deepest = deepest.max(depth);
                while ancestors.last().is_some_and(|(d, _)| *d >= depth) {
                    ancestors.pop();
                }
                let parent = ancestors.last().map_or(NONE, |(_, p)| *p);
                ancestors.push((depth, named.len() as u32));
                named.push((node, node.kind_id(), parent));
            }
        });
        (named, deepest)
    }

    /// Whether `walk_named` (walk.c) finds the nodes, kinds, parents, positions and
    /// depth that tree-sitter's cursor finds; the first difference otherwise.
    pub fn walks_agree(tree: &Tree) -> Result<(), String> {
        let (cursor, cursor_deepest) = by_cursor(tree);
        let walk = Walk::new(tree);
        let (c, c_deepest) = (walk.named(tree), walk.depth());
        if c.len() != cursor.len() {
            return Err(format!(
                "the C walk found {} named nodes, the cursor {}",
                c.len(),
                cursor.len()
            ));
        }
        if c_deepest != cursor_deepest {
            return Err(format!(
                "deepest node: the C walk {c_deepest}, the cursor {cursor_deepest}"
            ));
        }
        for (i, ((a, ka, pa), (b, kb, pb))) in c.iter().zip(&cursor).enumerate() {
            let describe = |n: &Node, k: &u16, p: &u32| {
                format!(
                    "{} (kind {k}) {:?} {}..{} parent {p}",
                    n.kind(),
                    n.byte_range(),
                    n.start_position(),
                    n.end_position()
                )
            };
            // Same node id also means the same kind, position and alias; compared anyway.
            if a.id() != b.id() || describe(a, ka, pa) != describe(b, kb, pb) {
                return Err(format!(
                    "named node {i}: the C walk has {}, the cursor {}",
                    describe(a, ka, pa),
                    describe(b, kb, pb)
                ));
            }
        }
        Ok(())
    }

    /// `new` parsed from `old` as the playground does (reparse::ParseCache), and its walk
    /// copied from `old`'s; None when either cannot be parsed.
    fn walk_again(old: &str, new: &str) -> Option<(Tree, Walk)> {
        let old_tree = crate::parse::parse(old).ok()?;
        crate::parse::parse(new).ok()?;
        let old_walk = Walk::new(&old_tree);
        let mut edited = old_tree.clone();
        let edit = crate::parse::edit_between(old, new);
        edited.edit(&edit);
        let tree = crate::parse::reparse(new, &edited).ok()?;
        let again = Walk::again(&tree, &edited, &old_walk, &edit);
        Some((tree, again))
    }

    /// How many named nodes the walk of `new` after `old` walked rather than copied.
    pub fn walked_after_edit(old: &str, new: &str) -> usize {
        let (_, walk) = walk_again(old, new).expect("both parse");
        walk.entries.len() - walk.copied
    }

    /// Whether the walk of `new` copied from the walk of `old` (`Walk::again`, as after a
    /// keystroke) is the walk of `new` made afresh: the same nodes, kinds, parents, numbers,
    /// positions and depth. `new` is parsed from `old` as the playground does
    /// (reparse::ParseCache). Ok(false) when either cannot be parsed.
    pub fn incremental_walks_agree(old: &str, new: &str) -> Result<bool, String> {
        let Some((tree, again)) = walk_again(old, new) else {
            return Ok(false);
        };
        let fresh = Walk::new(&tree);
        if again.depth() != fresh.depth() {
            return Err(format!(
                "depth: copied {}, fresh {}",
                again.depth(),
                fresh.depth()
            ));
        }
        if again.entries.len() != fresh.entries.len() {
            return Err(format!(
                "the copied walk has {} named nodes, the fresh one {}",
                again.entries.len(),
                fresh.entries.len()
            ));
        }
        let (a, f) = (again.named(&tree), fresh.named(&tree));
        for (i, (x, y)) in again.entries.iter().zip(&fresh.entries).enumerate() {
            let describe = |e: &Entry, (n, _, _): &(Node, u16, u32)| {
                format!(
                    "{} (kind {}) {:?} {:?} parent {} ordinal {} depth {} id {}",
                    n.kind(),
                    e.kind,
                    n.byte_range(),
                    n.start_position(),
                    e.parent,
                    e.ordinal,
                    e.depth,
                    n.id()
                )
            };
            let (dx, dy) = (describe(x, &a[i]), describe(y, &f[i]));
            if dx != dy || x.node.context != y.node.context {
                return Err(format!(
                    "named node {i}: copied {dx} {:?}, fresh {dy} {:?}",
                    x.node.context, y.node.context
                ));
            }
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    fn assert_walks_agree(text: &str) {
        let tree = crate::parse::parse(text).expect("parses");
        if let Err(e) = super::cursor_check::walks_agree(&tree) {
            panic!("{e} in {text:?}");
        }
    }

    #[test]
    fn the_c_walk_finds_what_the_cursor_finds() {
        let mut texts: Vec<String> = vec![
            String::new(),
            "\n\n".into(),
            "# only a comment\n".into(),
            // keyword identifiers are aliased to `identifier`; comments are extras.
            "print = 1\nmatch = 2\ntype = 3\nexec(x)  # c\nasync def f(): await g()\n".into(),
            "match x:\n    case [a, *b] if a: pass\n    case {'k': v}: pass\n".into(),
            "f'{a!r:>{w}}' b'x' 'y' \"z\" r'\\d'\nlambda *a, **k: (yield)\n".into(),
            "class C(B, metaclass=M):\n    @d\n    def m(self, /, a: int = 1, *, b): ...\n".into(),
            "def broken(:\n    x = [1, 2\nprint('after')\n".into(),
            "x = (((((((((((((((((((((1)))))))))))))))))))))\n".into(),
            format!("x = {}1{}\n", "[".repeat(1200), "]".repeat(1200)),
            "if a:\n\tb\n        c\n".into(),
            "é = '😀'\n\x0cprint(é)\r\n".into(),
        ];
        texts.extend(corpus());
        // Broken code: every example cut short at several points.
        let cut: Vec<String> = texts
            .iter()
            .flat_map(|t| {
                (1..6).filter_map(move |k| {
                    let at = t.len() * k / 6;
                    t.is_char_boundary(at).then(|| t[..at].to_string())
                })
            })
            .collect();
        texts.extend(cut);
        assert!(texts.len() > 200);
        for text in &texts {
            assert_walks_agree(text);
        }
    }

    /// Texts of every kind: the rules' examples and fixtures.
    fn corpus() -> Vec<String> {
        let mut texts: Vec<String> = Vec::new();
        for example in crate::rules::all() {
            texts.push(example.bad.to_string());
            texts.push(example.fixed.to_string());
        }
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let mut stack = vec![std::path::PathBuf::from(fixtures)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    texts.push(text);
                }
            }
        }
        texts
    }

    fn assert_incremental_agrees(old: &str, new: &str) {
        if let Err(e) = super::cursor_check::incremental_walks_agree(old, new) {
            panic!("{e}\n--- old ---\n{old}\n--- new ---\n{new}");
        }
    }

    /// The walk after a keystroke, copied from the walk before (Walk::again), is the walk
    /// made afresh: typing, deleting, new lines and indentation, breaking and mending the
    /// syntax, pasting, at many places of every example and fixture.
    #[test]
    fn the_walk_after_an_edit_is_the_fresh_walk() {
        let pairs = [
            ("def f():\n    return 1\n", "def f():\n    return 12\n"),
            ("x = 1\n", "x = 1\ny = 2\n"),
            (
                "class C:\n    a = 1\n    b = 2\n",
                "class C:\n    a = 1\nb = 2\n",
            ),
            ("def f(:\n    pass\n", "def f():\n    pass\n"),
            ("x = foo(1, y)\n", "x = foo(\n    1, y)\n"),
            ("é = f(a)  # ü\n", "é = f(a, b)  # ü\n"),
            ("a = '''\nb\n'''\nc = 1\n", "a = ''\nb\n'''\nc = 1\n"),
            ("if a:\n    b\nc\n", "if a:\n    b\n    c\n"),
            ("", "x\n"),
            (
                "x = [1, 2, 3]\r\ny = 2\r\n",
                "x = [1, 2, 3, 4]\r\ny = 2\r\n",
            ),
        ];
        for (old, new) in pairs {
            assert_incremental_agrees(old, new);
            assert_incremental_agrees(new, old);
        }
        // A paste of more nodes than the old walk had room for: walk.c asks for more.
        assert_incremental_agrees("x = 1\n", &"y = f(a, b.c)\n".repeat(200));
        type EditFn = fn(&str, usize) -> String;
        let edits: [EditFn; 7] = [
            |t, at| format!("{}x{}", &t[..at], &t[at..]),
            |t, at| format!("{}\n{}", &t[..at], &t[at..]),
            |t, at| format!("{}    {}", &t[..at], &t[at..]),
            |t, at| format!("{}({}", &t[..at], &t[at..]),
            |t, at| format!("{}\"\"\"{}", &t[..at], &t[at..]),
            |t, at| {
                let end = t[at..].find('\n').map_or(t.len(), |n| at + n + 1);
                format!("{}{}", &t[..at], &t[end..])
            },
            |t, at| {
                format!(
                    "{}\ndef added(self):\n    return self.x\n{}",
                    &t[..at],
                    &t[at..]
                )
            },
        ];
        let mut compared = 0;
        for text in corpus() {
            for k in 0..7 {
                let at = text.len() * k / 7;
                if !text.is_char_boundary(at) {
                    continue;
                }
                for edit in edits {
                    assert_incremental_agrees(&text, &edit(&text, at));
                    compared += 1;
                }
            }
        }
        assert!(compared > 1000, "{compared}");
    }

    /// A keystroke in a large file copies the nodes of every subtree the parse reused
    /// (a walk that fell back to walking afresh would still agree above). How much that
    /// is depends on tree-sitter: in a block that changed, it rebuilds every statement's
    /// own node around its reused parts (and, after the edit, more of it); outside that
    /// block it reuses whole subtrees.
    #[test]
    fn a_keystroke_copies_what_the_parse_reused() {
        let body: String = (0..300)
            .map(|i| format!("def f{i}(a, b):\n    return g(a, b) + {i}\n\n"))
            .collect();
        let text = format!("class C:\n    {}", body.replace('\n', "\n    "));
        let total = |t: &str| {
            super::Walk::new(&crate::parse::parse(t).unwrap())
                .entries
                .len()
        };
        let walked = |a: &str, b: &str| {
            super::cursor_check::walked_after_edit(a, b) as f64 / total(b) as f64
        };
        // A statement after the class: the class is reused whole.
        let after = format!("{text}\nprint(1)\n");
        assert!(walked(&after, &format!("{after}x")) < 0.01);
        // The class's last line: its functions are rebuilt around their reused parts.
        assert!(walked(&text, &format!("{text}x")) < 0.35);
        // The middle of the class: the rest of it as well.
        let in_middle = text.replacen("g(a, b) + 150\n", "g(a, b) + 1500\n", 1);
        assert!(walked(&text, &in_middle) < 0.7);
    }
}
