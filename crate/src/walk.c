// The index walk (index.rs) in C, over tree-sitter's own subtrees.
//
// Why: TSTreeCursor rebuilds a child iterator on every step and climbs in and out of the
// hidden nodes that hold repetitions (a block of 300 statements is a binary tree of hidden
// `_repeat` nodes), about 570 instructions per goto_next_sibling; the walk was 64% of what a
// check adds to the parse on the whole corpus (callgrind). Here each subtree is visited
// once, with the same rules as the cursor for what is visible, what a node's alias is and
// where it starts. index.rs tests that this walk and the cursor's agree node for node.
//
// It mirrors `ts_tree_cursor_child_iterator_next` (with `ts_tree_cursor_iterate_children`
// and `ts_tree_cursor_goto_first_child_internal`) in lib/src/tree_cursor.c of tree-sitter
// 0.27.1: a child's position is the parent's plus the sizes before it and its own padding,
// its alias is `alias_sequence[structural_child_index]` (extras take no structural index),
// and it is visible when its subtree is or it has an alias. It reads tree-sitter's internal
// headers (subtree.h, language.h, tree.h), which have no stability promise, so
// crate/Cargo.toml pins tree-sitter to exactly that version and build.rs compiles this
// file against that crate's sources. On an upgrade, compare tree_cursor.c with the above:
// index.rs's `cursor_check` compares this walk with the cursor on every example and
// fixture (cargo test) and on every input of the fuzz loop (tests/fuzz.rs).

#include <stdbool.h>
#include <stdint.h>

#include "tree_sitter/api.h"
#include "alloc.h"
#include "array.h"
#include "language.h"
#include "length.h"
#include "subtree.h"
#include "tree.h"

// Named nodes go to Rust in batches, with their kind and their parent's number: one call
// per node cost as much as the walk itself on a keystroke's check (callgrind).
#define BATCH 1024
#define NO_PARENT UINT32_MAX

typedef void (*wagcheck_batch)(void *data, const TSNode *nodes, const TSSymbol *kinds,
                               const uint32_t *parents, uint32_t count);

typedef struct {
  Subtree parent;
  const TSSymbol *alias_sequence;
  Length position;  // where the next child starts
  uint32_t child_index;
  uint32_t structural_child_index;
  uint32_t depth;         // depth of the visible nodes among these children
  uint32_t named_parent;  // number of their nearest named ancestor, or NO_PARENT
} Frame;

typedef struct {
  wagcheck_batch batch;
  void *data;
  TSNode nodes[BATCH];
  TSSymbol kinds[BATCH];
  uint32_t parents[BATCH];
  uint32_t filled;
  uint32_t named;
} Out;

// Numbers the node (its place in source order among named nodes) and returns the number.
static uint32_t emit(Out *out, TSNode node, TSSymbol kind, uint32_t parent) {
  out->nodes[out->filled] = node;
  out->kinds[out->filled] = kind;
  out->parents[out->filled] = parent;
  if (++out->filled == BATCH) {
    out->batch(out->data, out->nodes, out->kinds, out->parents, out->filled);
    out->filled = 0;
  }
  return out->named++;
}

// Hands every named node to `batch` in source order, with its kind (the public symbol,
// as ts_node_symbol gives it) and its parent's number (named nodes are numbered from 0
// in that order; the root's parent is NO_PARENT), not descending below nodes deeper than
// `max_depth` (the root is at 0; hidden nodes add no depth). Returns the depth of the
// deepest node reached, named or not.
uint32_t wagcheck_index_named(const TSTree *tree, uint32_t max_depth, wagcheck_batch batch, void *data) {
  const TSLanguage *language = tree->language;
  Out *out = ts_malloc(sizeof(Out));
  out->batch = batch;
  out->data = data;
  out->filled = 0;
  out->named = 0;
  TSNode root = ts_tree_root_node(tree);
  uint32_t deepest = 0;
  uint32_t root_number = NO_PARENT;
  if (ts_node_is_named(root)) root_number = emit(out, root, ts_node_symbol(root), NO_PARENT);

  Array(Frame) stack = array_new();
  if (ts_subtree_child_count(tree->root) > 0) {
    array_push(&stack, ((Frame){
      .parent = tree->root,
      .alias_sequence = ts_language_alias_sequence(language, tree->root.ptr->production_id),
      .position = {ts_node_start_byte(root), ts_node_start_point(root)},
      .child_index = 0,
      .structural_child_index = 0,
      .depth = 1,
      .named_parent = root_number,
    }));
  }

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
    uint32_t named_parent = frame->named_parent;
    if (ts_subtree_visible(*child) || alias) {
      if (depth > deepest) deepest = depth;
      bool named = alias ? ts_language_symbol_metadata(language, alias).named : ts_subtree_named(*child);
      if (named) {
        TSSymbol kind = ts_language_public_symbol(language, alias ? alias : ts_subtree_symbol(*child));
        named_parent = emit(out, ts_node_new(tree, child, position, alias), kind, named_parent);
      }
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
      .named_parent = named_parent,
    }));
  }
  if (out->filled > 0) out->batch(out->data, out->nodes, out->kinds, out->parents, out->filled);
  array_delete(&stack);
  ts_free(out);
  return deepest;
}
