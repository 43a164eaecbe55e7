//! LSP positions (0-based line, character in UTF-16 code units or UTF-8 bytes, as
//! negotiated) to and from the engine's byte offsets, and incremental text changes.
//! Positions from the client are clamped into the text, never a reason to panic.

use lsp_types::{Position, PositionEncodingKind, Range, TextDocumentContentChangeEvent};
use wagcheck::source::{char_floor, LineIndex};

/// How a position's `character` counts: UTF-16 code units (the LSP default, what VS
/// Code counts) or UTF-8 bytes (the engine's own unit: no conversion at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it, else the protocol's default UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// A text with its line starts, for converting many positions.
pub struct Lines<'a> {
    text: &'a str,
    index: LineIndex,
    encoding: Encoding,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> Self {
        Self {
            text,
            index: LineIndex::new(text),
            encoding,
        }
    }

    /// The byte offset of a position, and whether it had to be clamped (a line past the
    /// end goes to the end of the text; a character past the end of its line to the
    /// line's end, as the protocol says; one inside a character to its start).
    pub fn offset(&self, position: Position) -> (usize, bool) {
        let line = position.line as usize;
        if line >= self.index.line_count() {
            return (self.text.len(), true);
        }
        let start = self.index.line_start(line);
        let line_text = self.index.line_text(self.text, line);
        let wanted = position.character as usize;
        match self.encoding {
            Encoding::Utf8 => {
                let column = wanted.min(line_text.len());
                let offset = char_floor(self.text, start + column);
                (offset, column < wanted || offset != start + wanted)
            }
            Encoding::Utf16 => {
                let mut units = 0;
                for (byte, c) in line_text.char_indices() {
                    if units == wanted {
                        return (start + byte, false);
                    }
                    units += c.len_utf16();
                    if units > wanted {
                        return (start + byte, true);
                    }
                }
                (start + line_text.len(), units != wanted)
            }
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = char_floor(self.text, offset);
        let line = self.index.line_of(offset);
        let before = &self.text[self.index.line_start(line)..offset];
        let character = match self.encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.encode_utf16().count(),
        };
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, bytes: &std::ops::Range<usize>) -> Range {
        Range::new(self.position(bytes.start), self.position(bytes.end))
    }

    /// A range's bytes, in order; and whether any end was clamped.
    pub fn bytes(&self, range: Range) -> (std::ops::Range<usize>, bool) {
        let (a, clamped_a) = self.offset(range.start);
        let (b, clamped_b) = self.offset(range.end);
        (a.min(b)..a.max(b), clamped_a || clamped_b || a > b)
    }
}

/// Applies one `didChange` content change to `text`. Returns false when its range lay
/// outside the text (or backwards) and was clamped: the client and the server may now
/// disagree about the text, which the caller reports.
pub fn apply_change(
    text: &mut String,
    change: TextDocumentContentChangeEvent,
    encoding: Encoding,
) -> bool {
    let Some(range) = change.range else {
        *text = change.text;
        return true;
    };
    let (bytes, clamped) = Lines::new(text, encoding).bytes(range);
    text.replace_range(bytes, &change.text);
    !clamped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn utf16_and_utf8_positions_round_trip() {
        let text = "a = '😀é'\r\nb = 1\n";
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let lines = Lines::new(text, encoding);
            for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
                if text[..offset].ends_with('\r') {
                    continue; // between \r and \n: inside a line break, not a position
                }
                let p = lines.position(offset);
                assert_eq!(lines.offset(p), (offset, false), "{encoding:?} {offset}");
            }
        }
        let utf16 = Lines::new(text, Encoding::Utf16);
        // 'é' is after "a = '" (5 units) and the emoji (2 units).
        assert_eq!(utf16.position(text.find('é').unwrap()), pos(0, 7));
        assert_eq!(
            utf16.offset(pos(1, 2)),
            (text.find("b = ").unwrap() + 2, false)
        );
        let utf8 = Lines::new(text, Encoding::Utf8);
        assert_eq!(utf8.position(text.find('é').unwrap()), pos(0, 9));
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let text = "ab😀\nc\n";
        let lines = Lines::new(text, Encoding::Utf16);
        // Past the line's end: the line's end, before its line break.
        assert_eq!(lines.offset(pos(0, 99)), (text.find('\n').unwrap(), true));
        // Inside the surrogate pair: the emoji's start.
        assert_eq!(lines.offset(pos(0, 3)), (2, true));
        // Past the last line: the end of the text.
        assert_eq!(lines.offset(pos(7, 0)), (text.len(), true));
        let lines = Lines::new(text, Encoding::Utf8);
        assert_eq!(lines.offset(pos(0, 3)), (2, true));
        assert_eq!(lines.offset(pos(1, 1)), (text.len() - 1, false));
    }

    #[test]
    fn changes_apply_in_order_and_bad_ranges_are_clamped() {
        let change =
            |range: Option<(u32, u32, u32, u32)>, text: &str| TextDocumentContentChangeEvent {
                range: range.map(|(a, b, c, d)| Range::new(pos(a, b), pos(c, d))),
                range_length: None,
                text: text.to_string(),
            };
        let mut text = "x = 'é'\ny = 2\n".to_string();
        assert!(apply_change(
            &mut text,
            change(Some((0, 5, 0, 6)), "ü"),
            Encoding::Utf16
        ));
        assert_eq!(text, "x = 'ü'\ny = 2\n");
        assert!(apply_change(
            &mut text,
            change(Some((1, 4, 1, 5)), "3"),
            Encoding::Utf16
        ));
        assert_eq!(text, "x = 'ü'\ny = 3\n");
        // Backwards and past the end: clamped, applied, reported.
        assert!(!apply_change(
            &mut text,
            change(Some((9, 0, 1, 5)), "!"),
            Encoding::Utf16
        ));
        assert_eq!(text, "x = 'ü'\ny = 3!");
        assert!(apply_change(&mut text, change(None, "z"), Encoding::Utf8));
        assert_eq!(text, "z");
    }

    #[test]
    fn negotiates_utf8_only_when_offered() {
        let offered = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&offered)), Encoding::Utf8);
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF32])),
            Encoding::Utf16
        );
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
    }
}
