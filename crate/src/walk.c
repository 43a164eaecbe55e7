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
//
// Again after an edit (the playground and the language server, on every keystroke): the
// subtrees tree-sitter's incremental parse reused are the very same objects in the old and
// the new tree, so their named nodes are copied from the old walk instead of walked again,
// moved as `ts_node_edit` moves a node. Only the path from the root to the edit is walked:
// a keystroke in a 100 KB file walked every one of its ~70,000 subtrees. index.rs tests that
// this gives exactly what a fresh walk gives, after edits of every kind, and the fuzz loop
// does on every mutant.

#include <stdbool.h>
#include <stdint.h>

#include "tree_sitter/api.h"
#include "alloc.h"
#include "array.h"
#include "language.h"
#include "length.h"
#include "point.h"
#include "subtree.h"
#include "tree.h"

// Named nodes are written straight into the caller's buffer, which `grow` enlarges when it is
// full: one call per node cost as much as the walk itself on a keystroke's check, and handing
// them over in batches copied every entry twice (callgrind).
#define NO_PARENT UINT32_MAX
// How far along the old parent's children a reused subtree is looked for: edits move a
// reused child by a few places at most (tree-sitter keeps repetitions as binary trees of
// hidden nodes, so parents have few children); past that it is walked, which is only slower.
#define LOOK_AHEAD 8

// One named node, as index.rs's `Entry` (same layout).
typedef struct {
  TSNode node;
  uint32_t parent;   // number of its parent among named nodes (source order), or NO_PARENT
  uint32_t ordinal;  // its number among visible nodes, named or not (source order)
  uint16_t kind;     // public symbol, as ts_node_symbol gives it
  uint16_t depth;    // depth among visible nodes; the root is at 0
} Entry;

// Makes room for more entries after the first `filled` (all written): returns where the
// entries now are and sets `capacity` to how many fit there.
typedef Entry *(*wagcheck_grow)(void *data, uint32_t filled, uint32_t *capacity);

// The last walk of the tree the new one was parsed from, for an incremental walk.
typedef struct {
  const TSTree *tree;  // edited to match the new text (ts_tree_edit), still alive
  const Entry *entries;
  uint32_t count;
  TSInputEdit edit;  // the edit between the two
} Old;

typedef struct {
  Subtree parent;
  const TSSymbol *alias_sequence;
  Length position;  // where the next child starts
  uint32_t child_index;
  uint32_t structural_child_index;
  uint32_t depth;         // depth of the visible nodes among these children
  uint32_t named_parent;  // number of their nearest named ancestor, or NO_PARENT
} Frame;

// The incremental walk's place in the old tree: a preorder walk of it that moves ahead
// only as far as the new walk needs (find_old), in step with the old entries.
typedef struct {
  Subtree parent;
  const TSSymbol *alias_sequence;
  uint32_t position;  // start byte of the next child, in the edited tree (new text)
  uint32_t child_index;
  uint32_t structural_child_index;
  uint32_t depth;
} OldFrame;

typedef struct {
  wagcheck_grow grow;
  void *data;
  const TSTree *tree;
  const TSLanguage *language;
  Entry *out;         // the caller's buffer: `named` entries written, room for `capacity`
  uint32_t capacity;
  uint32_t named;    // named nodes so far
  uint32_t visible;  // visible nodes so far
  uint32_t deepest;  // depth of the deepest named node
  bool truncated;    // a node was not descended into (deeper than max_depth)
  // Incremental: the old tree's walk so far, and where the old entries and visible nodes
  // are in the same order.
  const Old *old;
  Array(OldFrame) old_stack;
  uint32_t old_named;
  uint32_t old_visible;
  bool broken;      // the old walk did not line up: the caller walks afresh
  uint32_t copied;  // named nodes copied from the old walk
} Walk;

static void push(Walk *w, Entry entry) {
  if (w->named == w->capacity) w->out = w->grow(w->data, w->named, &w->capacity);
  w->out[w->named++] = entry;
  if (entry.depth > w->deepest) w->deepest = entry.depth;
}

static bool is_named(const TSLanguage *language, Subtree subtree, TSSymbol alias) {
  return alias ? ts_language_symbol_metadata(language, alias).named : ts_subtree_named(subtree);
}

// Numbers a visible node, files it when it is named, and returns its number among named
// nodes, or `parent` for an unnamed one (the parent of what lies below it).
static uint32_t visit(Walk *w, const Subtree *child, Length position, TSSymbol alias, uint32_t depth,
                      uint32_t parent) {
  uint32_t ordinal = w->visible++;
  if (!is_named(w->language, *child, alias)) return parent;
  uint32_t number = w->named;
  push(w, (Entry){
              .node = ts_node_new(w->tree, child, position, alias),
              .parent = parent,
              .ordinal = ordinal,
              .kind = ts_language_public_symbol(w->language, alias ? alias : ts_subtree_symbol(*child)),
              .depth = (uint16_t)depth,
          });
  return number;
}

// The alias of the child at `structural_index` of a production (0 for extras).
static TSSymbol alias_of(const TSSymbol *sequence, Subtree child, uint32_t structural_index) {
  return !ts_subtree_extra(child) && sequence ? sequence[structural_index] : 0;
}

// Moves the old walk past a visible old node's own entry: it must be there, as deep.
static void enter_old(Walk *w, bool named, uint32_t depth) {
  if (named) {
    const Entry *e = w->old_named < w->old->count ? &w->old->entries[w->old_named] : NULL;
    if (!e || e->ordinal != w->old_visible || e->depth != depth) {
      w->broken = true;
      return;
    }
    w->old_named++;
  }
  w->old_visible++;
}

// Moves the old walk past a whole old subtree (itself, if `shown`, and all below it).
static void skip_old(Walk *w, Subtree subtree, bool shown) {
  w->old_visible += ts_subtree_visible_descendant_count(subtree) + (shown ? 1 : 0);
  while (w->old_named < w->old->count && w->old->entries[w->old_named].ordinal < w->old_visible) w->old_named++;
}

// Whether `subtree`, at byte `start` of the new tree with `alias` and at `depth`, is a
// subtree of the old tree (the parse reused it), looked for ahead of the old walk's place:
// old subtrees that end before `start` are passed, those that hold it are entered. The
// old walk is left before the first old subtree that starts after `start`, or, when
// found, inside it, past its own node: its nodes are then copied (copy_below). Reused
// subtrees are not always where they were: tree-sitter rebuilds the hidden nodes that
// hold a repetition around them, so the search is by place, not by parent.
static bool find_old(Walk *w, Subtree subtree, uint32_t start, TSSymbol alias, uint32_t depth) {
  uint32_t end = start + ts_subtree_size(subtree).bytes;
  while (w->old_stack.size > 0 && !w->broken) {
    OldFrame *frame = array_back(&w->old_stack);
    if (frame->child_index == frame->parent.ptr->child_count) {
      w->old_stack.size--;
      continue;
    }
    const Subtree *children = ts_subtree_children(frame->parent);
    Subtree child = children[frame->child_index];
    TSSymbol child_alias = alias_of(frame->alias_sequence, child, frame->structural_child_index);
    bool shown = ts_subtree_visible(child) || child_alias;
    uint32_t child_start = frame->position;
    uint32_t child_end = child_start + ts_subtree_size(child).bytes;
    if (child_start > start) return false;
    bool same = !child.data.is_inline && child.ptr == subtree.ptr;
    bool before = child_end < start || (child_end == start && (child_start < start || !same));
    // Enter an old subtree that starts before the new one, or holds more than it: the new
    // one may be inside. One that starts with it and is no larger may be inside the new
    // one instead: the new walk goes into the new one, and looks again for its children.
    bool enter =
        !before && !same && ts_subtree_child_count(child) > 0 && (child_start < start || child_end > end);
    if (!before && !same && !enter) return false;
    // Past this child, in the frame.
    frame->child_index++;
    if (!ts_subtree_extra(child)) frame->structural_child_index++;
    frame->position = child_end;
    if (frame->child_index < frame->parent.ptr->child_count) {
      frame->position += ts_subtree_padding(children[frame->child_index]).bytes;
    }
    uint32_t child_depth = frame->depth;
    if (before) {
      skip_old(w, child, shown);
      continue;
    }
    if (same) {
      if (child_alias != alias || child_start != start || child_depth != depth) {
        // The same subtree in another role: walked, not copied.
        skip_old(w, child, shown);
        return false;
      }
      if (shown) enter_old(w, is_named(w->language, child, child_alias), child_depth);
      return !w->broken;
    }
    // It holds the place: look inside.
    if (shown) enter_old(w, is_named(w->language, child, child_alias), child_depth);
    array_push(&w->old_stack, ((OldFrame){
                                  .parent = child,
                                  .alias_sequence = ts_language_alias_sequence(w->language, child.ptr->production_id),
                                  .position = child_start,
                                  .child_index = 0,
                                  .structural_child_index = 0,
                                  .depth = child_depth + (shown ? 1 : 0),
                              }));
  }
  return false;
}

// Copies the named nodes below a subtree the new tree reused from the old one (find_old):
// the same subtrees, so the same kinds, aliases and ids, numbered anew and moved by the
// edit. The subtree's own node (if visible) was visited already; `parent` is what its
// children's parent is. The old walk reached every node below it (it was not cut short)
// at the same depth.
static void copy_below(Walk *w, Subtree subtree, uint32_t parent) {
  const Old *old = w->old;
  uint32_t count = ts_subtree_visible_descendant_count(subtree);
  uint32_t old_first = w->old_named;
  uint32_t first = w->named;
  uint32_t old_end = w->old_visible + count;
  uint32_t shift_visible = w->visible - w->old_visible;
  while (w->old_named < old->count && old->entries[w->old_named].ordinal < old_end) {
    Entry e = old->entries[w->old_named++];
    TSPoint point = {e.node.context[1], e.node.context[2]};
    uint32_t byte = e.node.context[0];
    // As ts_node_edit moves a node (ts_point_edit): after the edit by its size, and on
    // the edit's last line by the change of that line's length.
    if (byte >= old->edit.old_end_byte) {
      byte = old->edit.new_end_byte + (byte - old->edit.old_end_byte);
      point = point_add(old->edit.new_end_point, point_sub(point, old->edit.old_end_point));
    } else if (byte > old->edit.start_byte) {
      // Inside the edit: a reused subtree never is.
      w->broken = true;
      return;
    }
    e.node.context[0] = byte;
    e.node.context[1] = point.row;
    e.node.context[2] = point.column;
    e.node.tree = w->tree;
    e.parent = e.parent != NO_PARENT && e.parent >= old_first ? e.parent - old_first + first : parent;
    e.ordinal += shift_visible;
    push(w, e);
    w->copied++;
  }
  w->visible += count;
  w->old_visible += count;
}

// Writes every named node in source order (see Entry) to `out`, which has room for
// `capacity` of them and which `grow` enlarges, not descending below nodes deeper than
// `max_depth` (hidden nodes add no depth). With `old`, the walk of the tree the new one was
// parsed from, copies what the parse reused (see the header). Returns false if the old walk
// did not line up with the old tree (the caller then walks afresh, dropping what was
// written); `count` gets how many entries were written, `deepest` the depth of the deepest
// named node, `truncated` whether the walk stopped descending somewhere, `copied` how many
// named nodes came from `old`.
bool wagcheck_index_named(const TSTree *tree, const Old *old, uint32_t max_depth, Entry *out, uint32_t capacity,
                          wagcheck_grow grow, void *data, uint32_t *count, uint32_t *deepest, bool *truncated,
                          uint32_t *copied) {
  Walk *w = ts_malloc(sizeof(Walk));
  w->grow = grow;
  w->data = data;
  w->out = out;
  w->capacity = capacity;
  w->tree = tree;
  w->language = tree->language;
  w->named = 0;
  w->visible = 0;
  w->deepest = 0;
  w->truncated = false;
  w->old = old;
  array_init(&w->old_stack);
  w->old_named = 0;
  w->old_visible = 0;
  w->broken = false;
  w->copied = 0;

  TSNode root = ts_tree_root_node(tree);
  Length root_position = {ts_node_start_byte(root), ts_node_start_point(root)};
  uint32_t root_number = NO_PARENT;
  if (ts_subtree_visible(tree->root)) root_number = visit(w, &tree->root, root_position, 0, 0, NO_PARENT);

  if (old) {
    // The roots stand for each other whatever changed.
    Subtree o = old->tree->root;
    if (ts_subtree_visible(o)) enter_old(w, ts_subtree_named(o), 0);
    if (ts_subtree_child_count(o) > 0) {
      array_push(&w->old_stack, ((OldFrame){
                                    .parent = o,
                                    .alias_sequence = ts_language_alias_sequence(w->language, o.ptr->production_id),
                                    .position = ts_node_start_byte(ts_tree_root_node(old->tree)),
                                    .child_index = 0,
                                    .structural_child_index = 0,
                                    .depth = ts_subtree_visible(o) ? 1 : 0,
                                }));
    }
  }

  Array(Frame) stack = array_new();
  if (ts_subtree_child_count(tree->root) > 0) {
    array_push(&stack, ((Frame){
                           .parent = tree->root,
                           .alias_sequence = ts_language_alias_sequence(w->language, tree->root.ptr->production_id),
                           .position = root_position,
                           .child_index = 0,
                           .structural_child_index = 0,
                           .depth = ts_subtree_visible(tree->root) ? 1 : 0,
                           .named_parent = root_number,
                       }));
  }

  while (stack.size > 0 && !w->broken) {
    Frame *frame = array_back(&stack);
    uint32_t count = frame->parent.ptr->child_count;
    if (frame->child_index == count) {
      stack.size--;
      continue;
    }
    const Subtree *children = ts_subtree_children(frame->parent);
    const Subtree *child = &children[frame->child_index];
    Length position = frame->position;
    TSSymbol alias = alias_of(frame->alias_sequence, *child, frame->structural_child_index);
    if (!ts_subtree_extra(*child)) frame->structural_child_index++;
    frame->position = length_add(position, ts_subtree_size(*child));
    frame->child_index++;
    if (frame->child_index < count) {
      frame->position = length_add(frame->position, ts_subtree_padding(children[frame->child_index]));
    }
    bool shown = ts_subtree_visible(*child) || alias;
    bool has_children = ts_subtree_child_count(*child) > 0;
    uint32_t depth = frame->depth;
    uint32_t named_parent = frame->named_parent;

    if (w->old && has_children && find_old(w, *child, position.bytes, alias, depth)) {
      // Reused by the parse: its nodes are the old walk's.
      if (shown) named_parent = visit(w, child, position, alias, depth, named_parent);
      copy_below(w, *child, named_parent);
      continue;
    }

    if (shown) {
      named_parent = visit(w, child, position, alias, depth, named_parent);
      if (depth > max_depth) {
        if (has_children) w->truncated = true;
        continue;
      }
      depth += 1;
    }
    if (!has_children) continue;
    // `frame` may move when the stack grows.
    array_push(&stack, ((Frame){
                           .parent = *child,
                           .alias_sequence = ts_language_alias_sequence(w->language, child->ptr->production_id),
                           .position = position,
                           .child_index = 0,
                           .structural_child_index = 0,
                           .depth = depth,
                           .named_parent = named_parent,
                       }));
  }
  *count = w->named;
  *deepest = w->deepest;
  *truncated = w->truncated;
  *copied = w->copied;
  bool ok = !w->broken;
  array_delete(&stack);
  array_delete(&w->old_stack);
  ts_free(w);
  return ok;
}
