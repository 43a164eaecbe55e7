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

/// Where each word `FileContext::mentions` was asked about occurs in a file's text (one
/// place, or None: nowhere), carried to the text after an edit so that it is searched only
/// around the edit (reparse::ParseCache keeps them between keystrokes): a word found outside
/// the edit is still there, moved by it; a word found nowhere can only appear across it.
/// Forty-odd words scanned over a 100 KB file were 4% of a keystroke's check in V8.
#[derive(Clone, Default, Debug)]
pub struct WordPlaces {
    words: Vec<(&'static str, Option<usize>)>,
    /// The edit from the text these places were found in to the current one, as byte
    /// offsets (start, old end, new end); None when the text is the same.
    edit: Option<(usize, usize, usize)>,
}

impl WordPlaces {
    /// The places of words in a text (as `find` gave them).
    pub fn new(words: Vec<(&'static str, Option<usize>)>) -> Self {
        Self { words, edit: None }
    }

    /// These places carried over an edit (start, old end, new end) of the text.
    pub fn after_edit(mut self, edit: (usize, usize, usize)) -> Self {
        self.edit = Some(edit);
        self
    }

    /// Where `word` occurs in `text`, from the carried place when it says, else by search.
    pub fn find(&self, text: &str, word: &'static str) -> Option<usize> {
        let carried = self
            .words
            .iter()
            .find(|(w, _)| *w == word)
            .map(|&(_, at)| at);
        let search = |from: usize, to: usize| {
            memchr::memmem::find(&text.as_bytes()[from..to], word.as_bytes()).map(|i| from + i)
        };
        let at = match (carried, self.edit) {
            (Some(at), None) => at,
            // Before the edit: where it was.
            (Some(Some(at)), Some((start, _, _))) if at + word.len() <= start => Some(at),
            // After it: moved by it.
            (Some(Some(at)), Some((_, old_end, new_end))) if at >= old_end => {
                Some(at - old_end + new_end)
            }
            // Nowhere before: only across the edit, if anywhere.
            (Some(None), Some((start, _, new_end))) => {
                let reach = word.len().saturating_sub(1);
                search(
                    start.saturating_sub(reach),
                    (new_end + reach).min(text.len()),
                )
            }
            _ => search(0, text.len()),
        };
        debug_assert_eq!(
            at.is_some(),
            text_contains(text, word),
            "the carried place of {word:?} is wrong (edit {:?})",
            self.edit
        );
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A word's place carried over edits before, after and across it, and a word found
    /// nowhere appearing across an edit, agree with a search of the new text.
    #[test]
    fn word_places_follow_edits() {
        let old = "import os\nfrom x import receiver\nobjects = 1\n";
        let words = ["receiver", "objects", "connect", "os\n"];
        let places = WordPlaces::new(
            words
                .iter()
                .map(|&w| (w, memchr::memmem::find(old.as_bytes(), w.as_bytes())))
                .collect(),
        );
        let edits = [
            (0, 0, "# c\n"),
            (10, 14, "fro"),
            (15, 15, "connect"),
            (old.len(), old.len(), "connect()\n"),
            (12, 30, ""),
            (20, 23, "rec"),
            (17, 18, "con"),
        ];
        for (start, old_end, inserted) in edits {
            let new = format!("{}{inserted}{}", &old[..start], &old[old_end..]);
            let carried = places
                .clone()
                .after_edit((start, old_end, start + inserted.len()));
            for w in words {
                let at = carried.find(&new, w);
                assert_eq!(at.is_some(), new.contains(w), "{w:?} in {new:?}");
                if let Some(at) = at {
                    assert_eq!(&new[at..at + w.len()], w, "{w:?} in {new:?}");
                }
            }
        }
    }

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
