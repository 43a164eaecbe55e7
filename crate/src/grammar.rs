//! Names of the Python grammar (fields, node kinds) to tree-sitter's ids, tabled once.

use std::sync::LazyLock;
use tree_sitter::Node;

/// A node's child in a named field. tree-sitter's own `child_by_field_name` finds the
/// field's id by comparing the name with every field name of the grammar on each call:
/// 9% of a whole check on Django's `db` package (callgrind). `field` looks it up in a
/// table built once.
pub trait Field<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>>;
}

impl<'t> Field<'t> for Node<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>> {
        self.child_by_field_id(field_id(name)?)
    }
}

/// A node's start byte, as `Node::start_byte` gives it, read from the node itself:
/// tree-sitter keeps it there, and a call into its C for it, made at every step of the
/// binary searches over kind lists, cost several percent of a keystroke's check in wasm.
pub trait Start {
    fn start(&self) -> usize;
}

impl Start for Node<'_> {
    fn start(&self) -> usize {
        // `ts_node_start_byte` returns `context[0]` (tree-sitter's node.c).
        let start = self.into_raw().context[0] as usize;
        debug_assert_eq!(start, self.start_byte());
        start
    }
}

/// A node's kind, as `Node::kind` gives it, from a table built once: `Node::kind` measures
/// tree-sitter's C string and checks that it is UTF-8 on every call (`strlen` and
/// `from_utf8` were 4% of a 100 KB keystroke's check, callgrind and V8).
pub trait KindName {
    fn kind_name(&self) -> &'static str;
}

impl KindName for Node<'_> {
    fn kind_name(&self) -> &'static str {
        static NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
            let language = python();
            (0..language.node_kind_count() as u16)
                .map(|id| language.node_kind_for_id(id).unwrap_or("").to_string())
                .collect()
        });
        // Past the table there is only tree-sitter's ERROR symbol (u16::MAX).
        let name = NAMES
            .get(usize::from(self.kind_id()))
            .map_or("ERROR", String::as_str);
        debug_assert_eq!(name, self.kind());
        name
    }
}

pub(crate) fn field_id(name: &str) -> Option<u16> {
    static IDS: LazyLock<NameTable> = LazyLock::new(|| {
        let language = python();
        NameTable::new(
            (1..=language.field_count() as u16)
                .filter_map(|id| Some((language.field_name_for_id(id)?.to_string(), id))),
        )
    });
    IDS.get(name)
}

/// The id `ctx.nodes(kind)` files named nodes of `kind` under: what tree-sitter's
/// `id_for_node_kind(kind, true)` answers (a string search over every symbol), tabled.
pub(crate) fn kind_id(name: &str) -> Option<u16> {
    static IDS: LazyLock<NameTable> = LazyLock::new(|| {
        let language = python();
        NameTable::new(
            (0..language.node_kind_count() as u16)
                .filter(|&id| language.node_kind_is_named(id))
                .filter_map(|id| language.node_kind_for_id(id))
                .map(|kind| (kind.to_string(), language.id_for_node_kind(kind, true)))
                .filter(|&(_, id)| id != 0),
        )
    });
    IDS.get(name)
}

pub(crate) fn python() -> tree_sitter::Language {
    tree_sitter::Language::new(tree_sitter_python::LANGUAGE)
}

/// Grammar names (fields, node kinds) to ids. Rules ask for a field several times per
/// call node, so the lookup must be a few instructions: open addressing in a table at
/// most a quarter full, keyed on the length and three bytes of the name, where a binary
/// search compared whole strings five times (3% of a check on Django's `db`, callgrind).
struct NameTable {
    /// An empty name marks a free slot.
    slots: Vec<(Box<str>, u16)>,
    mask: usize,
}

impl NameTable {
    /// The first id given for a name wins.
    fn new(entries: impl Iterator<Item = (String, u16)>) -> Self {
        let entries: Vec<(String, u16)> = entries.collect();
        let size = (entries.len() * 4).next_power_of_two();
        let mut table = Self {
            slots: vec![(Box::from(""), 0); size],
            mask: size - 1,
        };
        for (name, id) in entries {
            let mut i = Self::hash(&name) & table.mask;
            while !table.slots[i].0.is_empty() && *table.slots[i].0 != *name {
                i = (i + 1) & table.mask;
            }
            if table.slots[i].0.is_empty() {
                table.slots[i] = (name.into_boxed_str(), id);
            }
        }
        table
    }

    fn hash(name: &str) -> usize {
        let b = name.as_bytes();
        let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
            return 0;
        };
        let h = (b.len() as u32)
            ^ (u32::from(first) << 8)
            ^ (u32::from(last) << 16)
            ^ (u32::from(b[b.len() / 2]) << 24);
        (h.wrapping_mul(0x9E37_79B9) >> 16) as usize
    }

    fn get(&self, name: &str) -> Option<u16> {
        let mut i = Self::hash(name) & self.mask;
        loop {
            let (slot, id) = &self.slots[i];
            if slot.is_empty() {
                return None;
            }
            if **slot == *name {
                return Some(*id);
            }
            i = (i + 1) & self.mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_tables_agree_with_tree_sitter() {
        let language = python();
        for id in 1..=language.field_count() as u16 {
            let name = language.field_name_for_id(id).unwrap();
            assert_eq!(
                field_id(name),
                language.field_id_for_name(name).map(u16::from),
                "{name}"
            );
        }
        for unknown in ["no_such_field", "", "n", "nam", "names"] {
            assert_eq!(field_id(unknown), None, "{unknown}");
        }
        for id in 0..language.node_kind_count() as u16 {
            if let Some(kind) = language
                .node_kind_for_id(id)
                .filter(|_| language.node_kind_is_named(id))
            {
                let expected = language.id_for_node_kind(kind, true);
                assert_eq!(kind_id(kind), (expected != 0).then_some(expected), "{kind}");
            }
        }
        assert_eq!(kind_id("no_such_kind"), None);
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&language).unwrap();
        let tree = parser.parse("f(x)\n", None).unwrap();
        let call = tree.root_node().child(0).unwrap().child(0).unwrap();
        assert_eq!(call.field("function").map(|n| n.byte_range()), Some(0..1));
    }
}
