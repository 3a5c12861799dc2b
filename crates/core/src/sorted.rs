//! Small helpers over sorted, deduplicated slices.

/// `|a ∩ b|` for two ascending, deduplicated slices, by one merge pass.
pub(crate) fn intersection_len<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::intersection_len;

    fn check(a: &[u32], b: &[u32], expected: usize) {
        assert_eq!(intersection_len(a, b), expected, "{a:?} ∩ {b:?}");
        assert_eq!(intersection_len(b, a), expected, "{b:?} ∩ {a:?}");
    }

    #[test]
    fn counts_shared_elements() {
        check(&[], &[], 0);
        check(&[1, 2, 3], &[], 0);
        check(&[1, 2, 3], &[1, 2, 3], 3);
        check(&[1, 3, 5, 7], &[2, 3, 4, 7, 9], 2);
        check(&[10], &[1, 2, 3], 0);
    }
}
