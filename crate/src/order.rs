//! Sorting without a copy of the standard library's sort at every call site.
//!
//! `slice::sort_by_key` is generic over the element and the key closure, and the compiler
//! inlines the closure into each comparison of its own copy of the sort. In the page's wasm
//! module 53 such copies took 70 KB, 31 KB of them for
//! the two sorts that order fixes. Here a caller computes each item's key once, the sort runs
//! on plain integer keys (one copy for every caller), and the items are moved into that order.

/// A sort key: up to four integers compared in order (unused places left 0).
pub type Key = [usize; 4];

/// Sorts `items` by `key`, keeping items with equal keys in their order (stable).
pub fn sort_by_key<T>(items: &mut Vec<T>, key: impl Fn(&T) -> Key) {
    if items.len() < 2 {
        return;
    }
    let mut keys: Vec<(Key, usize)> = items.iter().map(&key).zip(0..).collect();
    sort_keys(&mut keys);
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(keys.iter().filter_map(|&(_, i)| slots[i].take()));
}

/// The one sort: keys with their first positions, so an unstable sort is stable.
#[inline(never)]
fn sort_keys(keys: &mut [(Key, usize)]) {
    keys.sort_unstable();
}

/// The distinct strings of `values` in order, for [`rank`].
pub fn ranks<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut distinct: Vec<&str> = values.collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct
}

/// Where `value` stands among `ranks` (its place in string order), as a key part.
pub fn rank(ranks: &[&str], value: &str) -> usize {
    ranks.binary_search(&value).unwrap_or_else(|i| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_key_and_keeps_equal_keys_in_order() {
        let mut items = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e'), (3, 'f')];
        sort_by_key(&mut items, |&(k, _)| [k, 0, 0, 0]);
        assert_eq!(
            items,
            vec![(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c'), (3, 'f')]
        );
        // Later places break ties of earlier ones.
        let mut pairs = vec![(2, 9), (1, 5), (2, 1), (1, 7)];
        sort_by_key(&mut pairs, |&(a, b)| [a, b, 0, 0]);
        assert_eq!(pairs, vec![(1, 5), (1, 7), (2, 1), (2, 9)]);
        // The same as the standard library's stable sort on random input.
        let mut seed = 7u64;
        let mut random: Vec<(usize, usize)> = (0..500)
            .map(|i| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((seed >> 33) as usize % 20, i)
            })
            .collect();
        let mut expected = random.clone();
        expected.sort_by_key(|&(k, _)| k);
        sort_by_key(&mut random, |&(k, _)| [k, 0, 0, 0]);
        assert_eq!(random, expected);
    }

    #[test]
    fn ranks_strings() {
        let r = ranks(["b.py", "a.py", "b.py", "c.py"].into_iter());
        assert_eq!(r, vec!["a.py", "b.py", "c.py"]);
        assert_eq!(rank(&r, "a.py"), 0);
        assert_eq!(rank(&r, "c.py"), 2);
    }
}
