//! Applying fixes to a file's text: never overlapping, never corrupting, converging.

use crate::diagnostic::{Edit, Fix};
use crate::order;

/// Applies as many of `fixes` as can be applied together: a fix is skipped when one of
/// its edits overlaps an edit already taken, or would cut a character in two. Returns
/// the new text and how many fixes were applied. The skipped ones are found again by
/// the next check and applied then (see `engine::fix_files`).
pub fn apply_fixes(text: &str, fixes: &[&Fix]) -> (String, usize) {
    let mut ordered: Vec<&Fix> = fixes
        .iter()
        .copied()
        .filter(|f| is_valid(text, f))
        .collect();
    order::sort_by_key(&mut ordered, |f| {
        [
            f.edits.iter().map(|e| e.range.start).min().unwrap_or(0),
            0,
            0,
            0,
        ]
    });
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    for fix in ordered {
        let clashes = fix
            .edits
            .iter()
            .any(|e| taken.iter().any(|t| overlaps(e, t)))
            || fix
                .edits
                .iter()
                .enumerate()
                .any(|(i, a)| fix.edits[i + 1..].iter().any(|b| overlaps(a, b)));
        if clashes {
            continue;
        }
        taken.extend(fix.edits.iter());
        applied += 1;
    }
    order::sort_by_key(&mut taken, |e| [e.range.start, e.range.end, 0, 0]);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for edit in taken {
        out.push_str(&text[last..edit.range.start]);
        out.push_str(&edit.content);
        last = edit.range.end;
    }
    out.push_str(&text[last..]);
    (out, applied)
}

fn is_valid(text: &str, fix: &Fix) -> bool {
    !fix.edits.is_empty()
        && fix.edits.iter().all(|e| {
            e.range.start <= e.range.end
                && e.range.end <= text.len()
                && text.is_char_boundary(e.range.start)
                && text.is_char_boundary(e.range.end)
        })
}

/// Two edits clash when their ranges share a byte, or when both insert (or one
/// inserts at the other's start) at the same point: their order would be a guess.
fn overlaps(a: &Edit, b: &Edit) -> bool {
    let (a, b) = (&a.range, &b.range);
    (a.start < b.end && b.start < a.end) || a.start == b.start
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Applicability;

    fn fix(edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Safe,
            title: String::new(),
            edits,
        }
    }

    #[test]
    fn applies_disjoint_and_skips_overlapping() {
        let text = "abcdef";
        let a = fix(vec![Edit::replace(0..2, "X")]);
        let b = fix(vec![Edit::replace(1..3, "Y")]);
        let c = fix(vec![Edit::replace(4..5, "Z"), Edit::insert(6, "!")]);
        let (out, n) = apply_fixes(text, &[&b, &a, &c]);
        assert_eq!((out.as_str(), n), ("Xcd Zf!".replace(' ', "").as_str(), 2));
    }

    #[test]
    fn refuses_edits_outside_or_inside_a_character() {
        let text = "é";
        let bad = fix(vec![Edit::replace(1..2, "x")]);
        let outside = fix(vec![Edit::replace(0..10, "x")]);
        assert_eq!(apply_fixes(text, &[&bad, &outside]), ("é".to_string(), 0));
    }
}
