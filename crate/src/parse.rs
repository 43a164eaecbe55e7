//! Parsing Python with tree-sitter, within bounds, and finding the syntax errors.

use crate::diagnostic::SyntaxError;
use crate::source::{LineIndex, SourceFile};
use std::cell::RefCell;
use std::ops::ControlFlow;
use tree_sitter::{InputEdit, ParseOptions, Parser, Point, Tree};

/// Files larger than this are not parsed: the user is told, rather than the page or a
/// CI job stalling. Django's largest module is ~100 KB.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// Trees deeper than this are not handed to the rules (CPython itself refuses ~200
/// nested parentheses and 100 indentation levels); rules and helpers then never face
/// pathological depth.
pub const MAX_TREE_DEPTH: usize = 1_000;

/// A file's tree, ready for rules. Lines are indexed only where something is reported
/// (`FileContext::lines`): on each keystroke in a clean file that scan found nothing.
pub struct ParsedFile {
    pub tree: Tree,
}

thread_local! {
    // One parser per thread, reused: creating a parser and loading the language for
    // every file costs more than parsing a small file.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parses `text`, or says why it would not. The progress callback bounds the work
/// (the parser's own size is linear in the input, but a bound keeps it honest).
pub fn parse(text: &str) -> Result<Tree, String> {
    parse_with(text, None)
}

/// Parses `text` again from `old`, the tree of the text before, edited to match it
/// (`Tree::edit` with `edit_between`): tree-sitter re-parses only what changed.
pub fn reparse(text: &str, old: &Tree) -> Result<Tree, String> {
    parse_with(text, Some(old))
}

/// Parses `text`, reusing `old` (already edited to match `text`) where it can.
fn parse_with(text: &str, old: Option<&Tree>) -> Result<Tree, String> {
    if text.len() > MAX_FILE_BYTES {
        return Err(format!(
            "file is too large to check ({} bytes; the limit is {} bytes)",
            text.len(),
            MAX_FILE_BYTES
        ));
    }
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_python::LANGUAGE.into())
                .expect("the bundled Python grammar matches the tree-sitter version");
            parser
        });
        // tree-sitter reports progress as it goes; stop far past any real file's need.
        let budget = (text.len() as u64 + 1024) * 64;
        let mut steps = 0u64;
        let mut progress = |_: &tree_sitter::ParseState| {
            steps += 1;
            if steps > budget {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let options = ParseOptions::new().progress_callback(&mut progress);
        let bytes = text.as_bytes();
        let tree = parser.parse_with_options(
            &mut |offset, _| {
                if offset < bytes.len() {
                    &bytes[offset..]
                } else {
                    &[]
                }
            },
            old,
            Some(options),
        );
        parser.reset();
        tree.ok_or_else(|| "the parser gave up on this file (too much work)".to_string())
    })
}

pub fn parse_file(file: &SourceFile) -> Result<ParsedFile, String> {
    let tree = parse(&file.text)?;
    Ok(ParsedFile { tree })
}

/// The lengths of the common prefix and the common suffix of `old` and `new` (not
/// overlapping, both on character boundaries): what lies between them is what changed.
pub fn common_ends(old: &str, new: &str) -> (usize, usize) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut prefix = same_run(
        a.iter().copied(),
        b.iter().copied(),
        a.chunks_exact(8),
        b.chunks_exact(8),
    );
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = a.len().min(b.len()) - prefix;
    let (a_rest, b_rest) = (&a[a.len() - max_suffix..], &b[b.len() - max_suffix..]);
    let mut suffix = same_run(
        a_rest.iter().rev().copied(),
        b_rest.iter().rev().copied(),
        a_rest.rchunks_exact(8),
        b_rest.rchunks_exact(8),
    );
    while !old.is_char_boundary(a.len() - suffix) || !new.is_char_boundary(b.len() - suffix) {
        suffix -= 1;
    }
    (prefix, suffix)
}

/// How many items `a` and `b` share from their start, given as bytes and as 8-byte chunks
/// in the same direction: whole chunks are compared first (one 64-bit comparison where the
/// byte loop took eight; in wasm that loop was 3% of a 100 KB keystroke's check, V8 profile).
fn same_run<'b>(
    a: impl Iterator<Item = u8>,
    b: impl Iterator<Item = u8>,
    a_chunks: impl Iterator<Item = &'b [u8]>,
    b_chunks: impl Iterator<Item = &'b [u8]>,
) -> usize {
    let word = |c: &[u8]| u64::from_ne_bytes(c.try_into().expect("8-byte chunk"));
    let chunks = a_chunks
        .zip(b_chunks)
        .take_while(|(x, y)| word(x) == word(y))
        .count();
    let skip = chunks * 8;
    skip + a
        .skip(skip)
        .zip(b.skip(skip))
        .take_while(|(x, y)| x == y)
        .count()
}

/// The single edit turning `old` into `new`: everything between their common prefix and
/// their common suffix.
pub fn edit_between(old: &str, new: &str) -> InputEdit {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let (prefix, suffix) = common_ends(old, new);
    // The text before the edit is scanned once, then only what changed: a keystroke in a
    // 100 KB file scanned it three times (5% of the playground's check, V8 profile).
    let start = advance(Point { row: 0, column: 0 }, &a[..prefix]);
    InputEdit {
        start_byte: prefix,
        old_end_byte: a.len() - suffix,
        new_end_byte: b.len() - suffix,
        start_position: start,
        old_end_position: advance(start, &a[prefix..a.len() - suffix]),
        new_end_position: advance(start, &b[prefix..b.len() - suffix]),
    }
}

/// The newlines in `bytes`, eight bytes at a time: the bytes of a 64-bit word that equal
/// `\n` are the zero bytes of the word xor `\n` repeated, and each nonzero byte sets its
/// high bit in `(x & 0x7f..) + 0x7f.. | x` (no carry crosses bytes). The byte loop was 3% of
/// a 100 KB keystroke's check in V8, which does not vectorize it.
fn count_newlines(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x0a; 8]);
    const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let chunks = bytes.chunks_exact(8);
    let rest = chunks.remainder().iter().filter(|&&c| c == b'\n').count();
    rest + chunks
        .map(|c| {
            let x = u64::from_ne_bytes(c.try_into().expect("8-byte chunk")) ^ ONES;
            let nonzero = ((x & LOW7).wrapping_add(LOW7) | x) & HIGH;
            8 - nonzero.count_ones() as usize
        })
        .sum::<usize>()
}

/// tree-sitter's position (0-based row, column in bytes) after `bytes`, from `from`.
fn advance(from: Point, bytes: &[u8]) -> Point {
    match memchr::memrchr(b'\n', bytes) {
        Some(last) => Point {
            row: from.row + count_newlines(bytes),
            column: bytes.len() - last - 1,
        },
        None => Point {
            row: from.row,
            column: from.column + bytes.len(),
        },
    }
}

/// The message for a file whose named nodes nest deeper than `MAX_TREE_DEPTH` (the
/// engine measures depth in the same walk that indexes the tree).
pub fn too_deep(depth: usize) -> Option<String> {
    (depth > MAX_TREE_DEPTH).then(|| {
        format!("code is nested too deeply to check (depth over {MAX_TREE_DEPTH}); rules were not run on it")
    })
}

/// The syntax errors of a tree: one per outermost ERROR node and per MISSING token.
pub fn syntax_errors(file: &SourceFile, parsed: &ParsedFile) -> Vec<SyntaxError> {
    let text = file.text.as_str();
    let root = parsed.tree.root_node();
    let mut errors = Vec::new();
    if !root.has_error() {
        return errors;
    }
    let lines = LineIndex::new(text);
    let make_error = |range: std::ops::Range<usize>, message: String| SyntaxError {
        path: file.path.clone(),
        start: lines.location(text, range.start),
        end: lines.location(text, range.end),
        range,
        message,
    };
    let mut stack = vec![root];
    let mut cursor = root.walk();
    while let Some(node) = stack.pop() {
        if node.is_missing() {
            let message = format!("missing `{}`", node.kind());
            errors.push(make_error(node.byte_range(), message));
        } else if node.is_error() {
            let snippet: String = text[node.byte_range()].chars().take(30).collect();
            let snippet = snippet.lines().next().unwrap_or("").trim();
            let message = if snippet.is_empty() {
                "invalid syntax".to_string()
            } else {
                format!("invalid syntax near `{snippet}`")
            };
            errors.push(make_error(node.byte_range(), message));
        } else if node.has_error() {
            let start = stack.len();
            stack.extend(node.children(&mut cursor));
            stack[start..].reverse();
        }
    }
    crate::order::sort_by_key(&mut errors, |e| [e.range.start, 0, 0, 0]);
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_syntax_errors_and_still_parses() {
        let file = SourceFile::new("x.py", "def f(:\n    return 1\n\nx = (1,\n");
        let parsed = parse_file(&file).unwrap();
        let errors = syntax_errors(&file, &parsed);
        assert!(!errors.is_empty());
        assert_eq!(errors[0].start.line, 1);
    }

    #[test]
    fn newlines_are_counted_eight_bytes_at_a_time() {
        let text: &[u8] = b"a\n\n\x8a\x0b\n\xff\n\n\n\n\n\n\n\n\nxyz\n\x00\n";
        for from in 0..text.len() {
            for to in from..=text.len() {
                let bytes = &text[from..to];
                assert_eq!(
                    count_newlines(bytes),
                    bytes.iter().filter(|&&c| c == b'\n').count()
                );
            }
        }
    }

    /// The 8-byte comparison finds what the byte-by-byte one finds, at every offset of the
    /// change and around chunk edges.
    #[test]
    fn common_ends_match_a_byte_by_byte_comparison() {
        let naive = |a: &[u8], b: &[u8]| {
            let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
            let max = a.len().min(b.len()) - prefix;
            let suffix = a
                .iter()
                .rev()
                .zip(b.iter().rev())
                .take(max)
                .take_while(|(x, y)| x == y)
                .count();
            (prefix, suffix)
        };
        let base: String = (0..40).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        for at in 0..=base.len() {
            for cut in 0..=3.min(base.len() - at) {
                for insert in ["", "x", "xyz", "0123456789abcdefg"] {
                    let new = format!("{}{insert}{}", &base[..at], &base[at + cut..]);
                    assert_eq!(
                        common_ends(&base, &new),
                        naive(base.as_bytes(), new.as_bytes()),
                        "{new:?}"
                    );
                    assert_eq!(
                        common_ends(&new, &base),
                        naive(new.as_bytes(), base.as_bytes()),
                        "{new:?}"
                    );
                }
            }
        }
        assert_eq!(common_ends("abcabcabcabc", "abcabcabcabc"), (12, 0));
    }

    #[test]
    fn edits_span_the_changed_bytes_on_char_boundaries() {
        let e = edit_between("abc😀def", "abc😁def");
        assert_eq!((e.start_byte, e.old_end_byte, e.new_end_byte), (3, 7, 7));
        let e = edit_between("aaa", "aaaa");
        assert_eq!((e.start_byte, e.old_end_byte, e.new_end_byte), (3, 3, 4));
        let e = edit_between("x\nyz", "x\nz");
        assert_eq!((e.start_position.row, e.start_position.column), (1, 0));
    }

    #[test]
    fn edit_points_are_rows_and_byte_columns() {
        let point_at = |text: &str, offset: usize| {
            let before = &text[..offset];
            Point {
                row: before.matches('\n').count(),
                column: offset - before.rfind('\n').map_or(0, |i| i + 1),
            }
        };
        let pairs = [
            ("x = foo(1, y)\n", "x = foo(\n    1, y)\n"),
            ("x = foo(\n    1, y)\n", "x = foo(1, y)\n"),
            ("é = f(a)  # ü\n", "é = f(a, b)  # ü\n"),
            ("a\nb\nc\n", "a\nB\nB\nc\n"),
            ("", "x\n"),
            ("same", "same"),
        ];
        for (old, new) in pairs {
            let e = edit_between(old, new);
            assert_eq!(
                e.start_position,
                point_at(old, e.start_byte),
                "{old:?} -> {new:?}"
            );
            assert_eq!(
                e.old_end_position,
                point_at(old, e.old_end_byte),
                "{old:?} -> {new:?}"
            );
            assert_eq!(
                e.new_end_position,
                point_at(new, e.new_end_byte),
                "{old:?} -> {new:?}"
            );
        }
    }

    #[test]
    fn clean_code_has_no_syntax_errors() {
        let file = SourceFile::new("x.py", "import os\n\ndef f(a, *, b=1):\n    return a + b\n");
        let parsed = parse_file(&file).unwrap();
        assert!(syntax_errors(&file, &parsed).is_empty());
    }
}
