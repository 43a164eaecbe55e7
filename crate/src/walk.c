// The index walk (index.rs) in C, over tree-sitter's own subtrees.
//
// Why: TSTreeCursor rebuilds a child iterator on every step and climbs in and out of the
// hidden nodes that hold repetitions (a block of 300 statements is a binary tree of hidden
// `_repeat` nodes), about 570 instructions per goto_next_sibling; the walk was 64% of what a
// check adds to the parse on the whole corpus (callgrind). Here each subtree is visited
// once, with the same rules as the cursor for what is visible, what a node's alias is and
// where it starts. index.rs tests that this walk and the cursor's agree node for node.
//
// It reads tree-sitter's internal headers, so it is tied to the tree-sitter version in
// Cargo.lock; build.rs compiles it against that crate's sources.

#include <stdbool.h>
#include <stdint.h>

#include "tree_sitter/api.h"
#include "alloc.h"
#include "array.h"
#include "language.h"
#include "length.h"
#include "subtree.h"
#include "tree.h"

typedef void (*wagcheck_visit)(void *data, TSNode node, uint32_t depth);

typedef struct {
  Subtree parent;
  const TSSymbol *alias_sequence;
  Length position;  // where the next child starts
  uint32_t child_index;
  uint32_t structural_child_index;
  uint32_t depth;  // depth of the visible nodes among these children
} Frame;

// Calls `visit` for every named node in source order with its depth (the root is 0; hidden
// nodes add no depth), not descending below nodes deeper than `max_depth`. Returns the
// depth of the deepest node reached, named or not.
uint32_t wagcheck_walk_named(const TSTree *tree, uint32_t max_depth, wagcheck_visit visit, void *data) {
  const TSLanguage *language = tree->language;
  TSNode root = ts_tree_root_node(tree);
  uint32_t deepest = 0;
  if (ts_node_is_named(root)) visit(data, root, 0);
  if (ts_subtree_child_count(tree->root) == 0) return deepest;

  Array(Frame) stack = array_new();
  array_push(&stack, ((Frame){
    .parent = tree->root,
    .alias_sequence = ts_language_alias_sequence(language, tree->root.ptr->production_id),
    .position = {ts_node_start_byte(root), ts_node_start_point(root)},
    .child_index = 0,
    .structural_child_index = 0,
    .depth = 1,
  }));

  while (stack.size > 0) {
    Frame *frame = array_back(&stack);
    uint32_t count = frame->parent.ptr->child_count;
    if (frame->child_index == count) {
      stack.size--;
      continue;
    }
    const Subtree *children = ts_subtree_children(frame->parent);
    const Subtree *child = &children[frame->child_index];
    Length position = frame->position;
    TSSymbol alias = 0;
    if (!ts_subtree_extra(*child)) {
      if (frame->alias_sequence) alias = frame->alias_sequence[frame->structural_child_index];
      frame->structural_child_index++;
    }
    frame->position = length_add(position, ts_subtree_size(*child));
    frame->child_index++;
    if (frame->child_index < count) {
      frame->position = length_add(frame->position, ts_subtree_padding(children[frame->child_index]));
    }

    uint32_t depth = frame->depth;
    bool visible = ts_subtree_visible(*child) || alias;
    if (visible) {
      if (depth > deepest) deepest = depth;
      bool named = alias ? ts_language_symbol_metadata(language, alias).named : ts_subtree_named(*child);
      if (named) visit(data, ts_node_new(tree, child, position, alias), depth);
      if (depth > max_depth) continue;
      depth += 1;
    }
    if (ts_subtree_child_count(*child) == 0) continue;
    // `frame` may move when the stack grows.
    array_push(&stack, ((Frame){
      .parent = *child,
      .alias_sequence = ts_language_alias_sequence(language, child->ptr->production_id),
      .position = position,
      .child_index = 0,
      .structural_child_index = 0,
      .depth = depth,
    }));
  }
  array_delete(&stack);
  return deepest;
}
