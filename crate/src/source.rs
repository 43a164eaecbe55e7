//! A file's text and the mapping from byte offsets to human positions.

/// One input file: the path as the caller named it, and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            text: text.into(),
        }
    }
}

/// `offset` moved back to the start of the character it falls in (and into the text):
/// positions from outside are clamped, never a reason to panic.
pub fn char_floor(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A 1-based line and column. `column` counts Unicode scalar values (what an editor
/// and Ruff show); `column_utf16` counts UTF-16 code units (what JS strings index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    #[serde(skip)]
    pub column_utf16: usize,
}

/// Byte offsets of line starts, built once per file so every position lookup is a
/// binary search plus a scan of one line.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        // memchr finds the line breaks a word (SIMD natively) at a time: a byte-by-byte
        // filter was 3% of a keystroke's check of a 100 KB file with a hit in it.
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self { starts }
    }

    /// 0-based line number holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line]
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The text of 0-based `line`, without its line break.
    pub fn line_text<'a>(&self, text: &'a str, line: usize) -> &'a str {
        let start = self.starts[line];
        let end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// Location of a byte offset. Offsets inside a multi-byte character are clamped
    /// back to the character's start rather than panicking.
    pub fn location(&self, text: &str, offset: usize) -> Location {
        let offset = char_floor(text, offset);
        let line = self.line_of(offset);
        let prefix = &text[self.starts[line]..offset];
        Location {
            line: line + 1,
            column: prefix.chars().count() + 1,
            column_utf16: prefix.encode_utf16().count() + 1,
        }
    }
}

/// Whether `needle` occurs in `text`: memchr's search (SIMD natively and in wasm), where
/// `str::contains` compares byte by byte; rules' prefilters scan whole files with it.
pub fn text_contains(text: &str, needle: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), needle.as_bytes()).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_count_chars_and_utf16_units() {
        let text = "a = 1\nb = 'é😀x'\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        let loc = index.location(text, x);
        assert_eq!((loc.line, loc.column, loc.column_utf16), (2, 8, 9));
        assert_eq!(index.location(text, 0).line, 1);
        assert_eq!(index.location(text, text.len()).line, 3);
        // Inside the emoji: clamped to its start.
        let emoji = text.find('😀').unwrap();
        assert_eq!(index.location(text, emoji + 1), index.location(text, emoji));
        assert_eq!(index.line_text(text, 1), "b = 'é😀x'");
    }
}
