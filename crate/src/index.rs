//! The one walk over a file's tree: every named node filed by kind, in source order, with
//! a link to its parent. Rules never walk the tree themselves; they ask this index.

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
    /// Position in `nodes` of each entry's parent, or `NONE`.
    parents: Vec<u32>,
    /// Depth of the deepest node reached (the walk stops descending past
    /// `MAX_TREE_DEPTH`).
    pub depth: usize,
}

impl<'t> NodeIndex<'t> {
    pub fn new(tree: &'t Tree) -> Self {
        let kinds = tree.language().node_kind_count();
        let (mut preorder, depth) = walk_named(tree);
        let mut counts = vec![0u32; kinds + 1];
        for (_, kind, _) in &mut preorder {
            // Every kind the grammar gives is below node_kind_count; a stray one would
            // index past `counts`.
            if usize::from(*kind) >= kinds {
                *kind = 0;
            }
            counts[usize::from(*kind) + 1] += 1;
        }
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
        let (from, to) = self.range(node.kind_id())?;
        let start = node.start_byte() as u32;
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

    pub fn parent(&self, node: Node) -> Option<Node<'t>> {
        let parent = *self.parents.get(self.position(node)?)?;
        self.nodes.get(parent as usize).copied()
    }
}

extern "C" {
    /// walk.c
    fn wagcheck_index_named(
        tree: *const ffi::TSTree,
        max_depth: u32,
        batch: unsafe extern "C" fn(*mut c_void, *const ffi::TSNode, *const u16, *const u32, u32),
        data: *mut c_void,
    ) -> u32;
}

/// Every named node in source order, as (node, kind id, number of its parent in that
/// order, `NONE` for the root), not descending below nodes deeper than `MAX_TREE_DEPTH`;
/// and the depth of the deepest node reached (the root is 0). The walk itself is in
/// walk.c: see there why.
fn walk_named(tree: &Tree) -> (Vec<(Node<'_>, u16, u32)>, usize) {
    unsafe extern "C" fn batch(
        data: *mut c_void,
        nodes: *const ffi::TSNode,
        kinds: *const u16,
        parents: *const u32,
        count: u32,
    ) {
        // SAFETY: `data` is the vector below, alive for the whole walk; walk.c passes
        // `count` entries in each array, nodes of the tree the vector borrows.
        let out = unsafe { &mut *data.cast::<Vec<(Node, u16, u32)>>() };
        let count = count as usize;
        let (nodes, kinds, parents) = unsafe {
            (
                std::slice::from_raw_parts(nodes, count),
                std::slice::from_raw_parts(kinds, count),
                std::slice::from_raw_parts(parents, count),
            )
        };
        out.extend((0..count).map(|i| (unsafe { Node::from_raw(nodes[i]) }, kinds[i], parents[i])));
    }
    // About two nodes in three are named in Python code: reserved once, not regrown.
    let mut named: Vec<(Node<'_>, u16, u32)> =
        Vec::with_capacity(tree.root_node().descendant_count() * 3 / 4);
    let raw_tree = tree.root_node().into_raw().tree;
    let max_depth = u32::try_from(MAX_TREE_DEPTH).unwrap_or(u32::MAX);
    // SAFETY: the tree outlives the call; walk.c only reads it.
    let deepest = unsafe {
        wagcheck_index_named(
            raw_tree,
            max_depth,
            batch,
            (&raw mut named).cast::<c_void>(),
        )
    };
    (named, deepest as usize)
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
            deepest = deepest.max(depth);
            if node.is_named() {
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
        let (c, c_deepest) = walk_named(tree);
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
}
