//! Files checked again as they are typed (the playground, the language server, the fix
//! loop): each file's last tree and index walk are kept, the edit between the old and the
//! new text is found (common prefix and suffix), tree-sitter re-parses only what changed,
//! and the walk copies the nodes of every subtree the parse reused (index::Walk::again).
//! The CLI parses each file once and keeps nothing.

use crate::index::Walk;
use crate::parse::{edit_between, parse, reparse, ParsedFile};
use crate::source::{SourceFile, WordPlaces};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tree_sitter::Tree;

/// A file's tree and the walk its index is built from (`FileContext::with_walk`), and the
/// last check's answers to `FileContext::mentions` carried over the edit.
pub struct Reparsed {
    pub parsed: ParsedFile,
    pub walk: Arc<Walk>,
    pub mentions: WordPlaces,
    /// Which parse this is, for `keep_mentions`.
    pub generation: u64,
}

/// What a caller that sends edits instead of texts (the page, `wasm::check`) calls the
/// text of a file's last parse, and whether that text is all ASCII (its UTF-16 offsets are
/// then byte offsets).
#[derive(Clone, Copy)]
pub struct Tag {
    pub token: u32,
    pub ascii: bool,
}

struct Cached {
    text: String,
    tree: Tree,
    walk: Arc<Walk>,
    mentions: WordPlaces,
    /// Told apart from the file's other parses: this one is of `text`.
    generation: u64,
    /// Set by `tag` after the parse; a new parse of the file drops it.
    tag: Option<Tag>,
}

#[derive(Default)]
pub struct ParseCache {
    entries: Mutex<HashMap<String, Cached>>,
    /// The last parse's `generation`.
    parses: AtomicU64,
}

impl ParseCache {
    pub fn parse_file(&self, file: &SourceFile) -> Result<Reparsed, String> {
        let previous = self
            .entries
            .lock()
            .ok()
            .and_then(|mut e| e.remove(&file.path));
        let (tree, walk, mentions) = match previous {
            Some(c) if c.text == file.text => (c.tree, c.walk, c.mentions),
            Some(Cached {
                text: old_text,
                tree: mut old_tree,
                walk: old_walk,
                mentions,
                ..
            }) => {
                let edit = edit_between(&old_text, &file.text);
                old_tree.edit(&edit);
                let tree = reparse(&file.text, &old_tree)?;
                // While the old tree is alive: the new one's reused subtrees are its own.
                let walk = Walk::again(&tree, &old_tree, &old_walk, &edit);
                let span = (edit.start_byte, edit.old_end_byte, edit.new_end_byte);
                (tree, Arc::new(walk), mentions.after_edit(span))
            }
            None => {
                let tree = parse(&file.text)?;
                let walk = Walk::new(&tree);
                (tree, Arc::new(walk), WordPlaces::default())
            }
        };
        let generation = self.parses.fetch_add(1, Ordering::Relaxed) + 1;
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(
                file.path.clone(),
                Cached {
                    text: file.text.clone(),
                    tree: tree.clone(),
                    walk: Arc::clone(&walk),
                    mentions: WordPlaces::default(),
                    generation,
                    tag: None,
                },
            );
        }
        Ok(Reparsed {
            parsed: ParsedFile { tree },
            walk,
            mentions,
            generation,
        })
    }

    /// Keeps a check's answers to `FileContext::mentions`, made on the text of the parse
    /// `generation` (`Reparsed::generation`), for the next check of the file
    /// (`Reparsed::mentions`); ignored if the file was parsed again meanwhile. Told by the
    /// parse, not by comparing the texts: a second pass over the whole text per keystroke
    /// (3% of a 100 KB keystroke's check in wasm, where `memcmp` goes byte by byte).
    pub fn keep_mentions(&self, path: &str, generation: u64, mentions: WordPlaces) {
        if let Ok(mut entries) = self.entries.lock() {
            if let Some(cached) = entries.get_mut(path).filter(|c| c.generation == generation) {
                cached.mentions = mentions;
            }
        }
    }

    /// Names the text of `path`'s last parse `tag.token`, for `with_tagged_text`.
    pub fn tag(&self, path: &str, tag: Tag) {
        if let Ok(mut entries) = self.entries.lock() {
            if let Some(cached) = entries.get_mut(path) {
                cached.tag = Some(tag);
            }
        }
    }

    /// `f` of the text of `path`'s last parse and whether it is all ASCII, if that text is
    /// the one tagged `token`: the page sends a file it checked before as edits to that
    /// text (`wasm::check`), not the whole text again.
    pub fn with_tagged_text<R>(
        &self,
        path: &str,
        token: u32,
        f: impl FnOnce(&str, bool) -> R,
    ) -> Option<R> {
        let entries = self.entries.lock().ok()?;
        let cached = entries.get(path)?;
        let tag = cached.tag.filter(|tag| tag.token == token)?;
        Some(f(&cached.text, tag.ascii))
    }

    /// Forgets files that are no longer in the set (closed tabs, renamed files).
    pub fn retain(&self, files: &[SourceFile]) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|path, _| files.iter().any(|f| &f.path == path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_file;
    use tree_sitter::Point;

    #[test]
    fn cached_reparse_gives_the_tree_a_fresh_parse_gives() {
        let cache = ParseCache::default();
        let texts = [
            "def f():\n    return 1\n",
            "def f():\n    return 12\n",
            "x = 'é'\ndef f():\n    return 12\n",
            "x = 'é😀'\ndef f(:\n    return 12\n",
            "x = 'é😀'\ndef f(a):\n    return 12\n\nclass C:\n    pass\n",
            "",
            "class C:\n    pass\n",
            "class C:\n    pass\n",
        ];
        for text in texts {
            let file = SourceFile::new("a.py", text);
            let cached = cache.parse_file(&file).unwrap();
            let fresh = parse_file(&file).unwrap();
            assert_eq!(
                cached.parsed.tree.root_node().to_sexp(),
                fresh.tree.root_node().to_sexp(),
                "{text:?}"
            );
        }
        cache.retain(&[]);
        assert!(cache.entries.lock().unwrap().is_empty());
    }

    /// A tag names one parse's text: the wrong token, another parse of the file or a file
    /// forgotten has none.
    #[test]
    fn tags_name_the_text_of_one_parse() {
        let cache = ParseCache::default();
        let parse = || {
            cache
                .parse_file(&SourceFile::new("a.py", "x = 1\n"))
                .unwrap()
        };
        let tag = |token, ascii| cache.tag("a.py", Tag { token, ascii });
        let text = |token| cache.with_tagged_text("a.py", token, |t, a| (t.to_string(), a));
        parse();
        assert_eq!(text(1), None, "not tagged yet");
        tag(1, true);
        assert_eq!(text(1), Some(("x = 1\n".to_string(), true)));
        assert_eq!(text(2), None, "another token");
        parse();
        assert_eq!(text(1), None, "parsed again, even the same text");
        tag(3, false);
        cache.retain(&[]);
        assert_eq!(text(3), None, "forgotten");
    }

    /// Every node of an incrementally re-parsed tree has the rows and columns of a fresh
    /// parse (reports carry bytes, so the fuzz test would not see wrong points).
    #[test]
    fn edited_trees_keep_their_points() {
        fn positions(tree: &Tree) -> Vec<(u16, std::ops::Range<usize>, Point, Point)> {
            let mut out = Vec::new();
            let mut cursor = tree.walk();
            'walk: loop {
                let n = cursor.node();
                out.push((
                    n.kind_id(),
                    n.byte_range(),
                    n.start_position(),
                    n.end_position(),
                ));
                if cursor.goto_first_child() {
                    continue;
                }
                while !cursor.goto_next_sibling() {
                    if !cursor.goto_parent() {
                        break 'walk;
                    }
                }
            }
            out
        }
        let base = "def f(a):\n    x = 1\n    return a\n\nclass C:\n    y = 'é'\n";
        let edits = [
            "def f(a):\n    x = 1\n    return a\n\nclass C:\n    y = 'é'\n    z = 2\n",
            "def f(a, b):\n    x = 1\n    return a\n\nclass C:\n    y = 'é'\n",
            "def f(a):\n    return a\n\nclass C:\n    y = 'é'\n",
            "def f(a):\n    x = [1,\n         2]\n    return a\n\nclass C:\n    y = 'é'\n",
            "# new first line\ndef f(a):\n    x = 1\n    return a\n\nclass C:\n    y = 'éé'\n",
        ];
        let pairs = edits.iter().map(|e| (base, *e)).chain([
            // Code after the edit on the same line, in both directions.
            ("x = foo(1, y)\n", "x = foo(\n    1, y)\n"),
            ("x = foo(\n    1, y)\n", "x = foo(1, y)\n"),
            ("é = f(a)  # ü\n", "é = f(a, b)  # ü\n"),
        ]);
        for (base, edited) in pairs {
            let cache = ParseCache::default();
            cache.parse_file(&SourceFile::new("t.py", base)).unwrap();
            let incremental = cache.parse_file(&SourceFile::new("t.py", edited)).unwrap();
            let fresh = parse(edited).unwrap();
            assert_eq!(
                positions(&incremental.parsed.tree),
                positions(&fresh),
                "{edited:?}"
            );
        }
    }
}
