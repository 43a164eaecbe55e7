//! The syntax tree of a file as the playground's tree panel shows it: each node's kind,
//! the field its parent holds it in, whether it is named, and its range (UTF-16 offsets
//! for the editor, 1-based lines and columns for people).

use crate::js::{JsPosition, Utf16Map};
use crate::source::LineIndex;
use serde::Serialize;

/// Most nodes sent to the page: a 100 KB module has ~60,000 (with punctuation); past
/// this the tree is cut and says so.
pub const MAX_NODES: usize = 50_000;

#[derive(Serialize)]
pub struct TreeNode {
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub named: bool,
    /// An ERROR or MISSING node: where the parser gave up.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub error: bool,
    pub from: usize,
    pub to: usize,
    pub start: JsPosition,
    pub end: JsPosition,
    pub children: Vec<TreeNode>,
}

#[derive(Serialize)]
pub struct SyntaxTree {
    pub root: Option<TreeNode>,
    /// True when MAX_NODES cut the tree.
    pub truncated: bool,
    /// Why there is no tree (a file too large to parse).
    pub error: Option<String>,
}

/// The tree of `text`.
pub fn syntax_tree(text: &str) -> SyntaxTree {
    let tree = match crate::parse::parse(text) {
        Ok(tree) => tree,
        Err(error) => {
            return SyntaxTree {
                root: None,
                truncated: false,
                error: Some(error),
            }
        }
    };
    let lines = LineIndex::new(text);
    let utf16 = Utf16Map::new(text);
    let mut budget = MAX_NODES;
    let mut cursor = tree.walk();
    let root = build(&mut cursor, text, &lines, &utf16, &mut budget, 0);
    SyntaxTree {
        root: Some(root),
        truncated: budget == 0,
        error: None,
    }
}

fn build(
    cursor: &mut tree_sitter::TreeCursor,
    text: &str,
    lines: &LineIndex,
    utf16: &Utf16Map,
    budget: &mut usize,
    depth: usize,
) -> TreeNode {
    *budget = budget.saturating_sub(1);
    let node = cursor.node();
    let range = node.byte_range();
    let mut out = TreeNode {
        kind: node.kind().to_string(),
        field: cursor.field_name().map(str::to_string),
        named: node.is_named(),
        error: node.is_error() || node.is_missing(),
        from: utf16.offset(range.start),
        to: utf16.offset(range.end),
        start: lines.location(text, range.start).into(),
        end: lines.location(text, range.end).into(),
        children: Vec::new(),
    };
    if depth < crate::parse::MAX_TREE_DEPTH && *budget > 0 && cursor.goto_first_child() {
        loop {
            out.children
                .push(build(cursor, text, lines, utf16, budget, depth + 1));
            if *budget == 0 || !cursor.goto_next_sibling() {
                break;
            }
        }
        cursor.goto_parent();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_kinds_fields_and_utf16_ranges() {
        let tree = syntax_tree("é = f(x)\n");
        let root = tree.root.unwrap();
        assert_eq!(root.kind, "module");
        let assignment = &root.children[0].children[0];
        assert_eq!(assignment.kind, "assignment");
        let right = assignment
            .children
            .iter()
            .find(|c| c.field.as_deref() == Some("right"))
            .unwrap();
        assert_eq!((right.kind.as_str(), right.from, right.to), ("call", 4, 8));
        assert_eq!((right.start.line, right.start.column), (1, 5));
        assert!(!tree.truncated);
    }
}
