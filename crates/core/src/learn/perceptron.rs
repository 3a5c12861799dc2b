//! The averaged perceptron: a trainable form with exact averaging and a compact, quantised
//! runtime form with an open-addressing feature table.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Feature ids are already well-mixed hashes: use them as they are.
#[derive(Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type IdMap = HashMap<u32, usize, BuildHasherDefault<IdHasher>>;

/// Scores every label for a bag of features.
pub trait Scorer {
    fn score(&self, feats: &[u32], out: &mut [f32]);
}

/// The perceptron while training.
pub struct Trainer {
    n_labels: usize,
    index: IdMap,
    keys: Vec<u32>,
    w: Vec<f32>,
    total: Vec<f64>,
    stamp: Vec<u64>,
    now: u64,
    counts: IdMap,
}

impl Trainer {
    pub fn new(n_labels: usize) -> Trainer {
        Trainer {
            n_labels,
            index: IdMap::default(),
            keys: Vec::new(),
            w: Vec::new(),
            total: Vec::new(),
            stamp: Vec::new(),
            now: 1,
            counts: IdMap::default(),
        }
    }

    /// Counts feature occurrences, for pruning rare features in [`Trainer::finish`].
    pub fn count(&mut self, feats: &[u32]) {
        for &f in feats {
            *self.counts.entry(f).or_insert(0) += 1;
        }
    }

    /// One training instance has been seen.
    pub fn tick(&mut self) {
        self.now += 1;
    }

    fn row(&mut self, f: u32) -> usize {
        if let Some(&r) = self.index.get(&f) {
            return r;
        }
        let r = self.keys.len();
        self.keys.push(f);
        self.index.insert(f, r);
        let l = self.n_labels;
        self.w.extend(std::iter::repeat_n(0.0, l));
        self.total.extend(std::iter::repeat_n(0.0, l));
        self.stamp.extend(std::iter::repeat_n(0, l));
        r
    }

    fn bump(&mut self, i: usize, delta: f32) {
        self.total[i] += (self.now - self.stamp[i]) as f64 * f64::from(self.w[i]);
        self.stamp[i] = self.now;
        self.w[i] += delta;
    }

    /// Adds `delta` to the weight of `label` for each feature.
    pub fn add(&mut self, feats: &[u32], label: usize, delta: f32) {
        let l = self.n_labels;
        for &f in feats {
            let r = self.row(f);
            self.bump(r * l + label, delta);
        }
    }

    /// The averaged weights, pruned and quantised.
    pub fn finish(&self, min_weight: f32, min_count: u32) -> Weights {
        let l = self.n_labels;
        let mut rows: Vec<(u32, Vec<f32>)> = Vec::new();
        let mut max_abs = 0f32;
        for (r, &key) in self.keys.iter().enumerate() {
            let avg: Vec<f32> = (0..l)
                .map(|j| {
                    let i = r * l + j;
                    let tot =
                        self.total[i] + (self.now - self.stamp[i]) as f64 * f64::from(self.w[i]);
                    (tot / self.now as f64) as f32
                })
                .collect();
            let m = avg.iter().fold(0f32, |a, &x| a.max(x.abs()));
            let seen = self.counts.get(&key).copied().unwrap_or(0);
            if m >= min_weight && m > 0.0 && (self.counts.is_empty() || seen >= min_count as usize)
            {
                max_abs = max_abs.max(m);
                rows.push((key, avg));
            }
        }
        rows.sort_by_key(|r| r.0);
        let scale = if max_abs > 0.0 {
            max_abs / 32767.0
        } else {
            1.0
        };
        let mut keys = Vec::with_capacity(rows.len());
        let mut q = Vec::with_capacity(rows.len() * l);
        for (k, avg) in rows {
            keys.push(k);
            q.extend(
                avg.iter()
                    .map(|&x| (x / scale).round().clamp(-32767.0, 32767.0) as i16),
            );
        }
        Weights::new(l, scale, keys, q)
    }
}

impl Scorer for Trainer {
    fn score(&self, feats: &[u32], out: &mut [f32]) {
        out.iter_mut().for_each(|x| *x = 0.0);
        let l = self.n_labels;
        for f in feats {
            if let Some(&r) = self.index.get(f) {
                for (o, w) in out.iter_mut().zip(&self.w[r * l..r * l + l]) {
                    *o += *w;
                }
            }
        }
    }
}

/// One slot of the lookup table: a feature id and its `N` weights, side by side so that one
/// memory access fetches both.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Slot<const N: usize> {
    key: u32,
    w: [i16; N],
}

impl<const N: usize> Default for Slot<N> {
    fn default() -> Self {
        Slot { key: 0, w: [0; N] }
    }
}

/// The most labels a weight table may have.
pub const MAX_LABELS: usize = 64;

/// The open-addressing tables: weights inline for up to 4 or 8 labels (12- or 20-byte
/// slots), else a row index into `q`.
#[derive(Clone, Debug, PartialEq)]
enum Table {
    Four(Vec<Slot<4>>),
    Eight(Vec<Slot<8>>),
    /// `(feature id, row)` slots.
    Rows(Vec<(u32, u32)>),
}

/// Quantised weights with an open-addressing table from feature id to weights.
#[derive(Clone, Debug, PartialEq)]
pub struct Weights {
    pub n_labels: usize,
    pub scale: f32,
    /// Sorted feature ids (the serialised form).
    pub keys: Vec<u32>,
    /// `keys.len() * n_labels` weights.
    pub q: Vec<i16>,
    table: Table,
    mask: usize,
}

fn inline_table<const N: usize>(keys: &[u32], q: &[i16], l: usize, mask: usize) -> Vec<Slot<N>> {
    let mut table = vec![Slot::<N>::default(); mask + 1];
    for (r, &k) in keys.iter().enumerate() {
        let mut i = slot_hash(k) & mask;
        while table[i].key != 0 && table[i].key != k {
            i = (i + 1) & mask;
        }
        table[i].key = k;
        table[i].w[..l].copy_from_slice(&q[r * l..(r + 1) * l]);
    }
    table
}

impl Weights {
    /// Panics if `n_labels` is 0 or above [`MAX_LABELS`] (callers check file input).
    pub fn new(n_labels: usize, scale: f32, keys: Vec<u32>, q: Vec<i16>) -> Weights {
        assert!((1..=MAX_LABELS).contains(&n_labels));
        // Load factor at most 1/4 for inline tables (see `score_inline`), 2/3 for rows.
        let slots = if n_labels <= 8 {
            keys.len() * 4
        } else {
            keys.len() * 3 / 2
        };
        let cap = (slots + 1).next_power_of_two().max(16);
        let mask = cap - 1;
        let table = match n_labels {
            1..=4 => Table::Four(inline_table(&keys, &q, n_labels, mask)),
            5..=8 => Table::Eight(inline_table(&keys, &q, n_labels, mask)),
            _ => {
                let mut rows = vec![(0u32, 0u32); cap];
                for (r, &k) in keys.iter().enumerate() {
                    let mut i = slot_hash(k) & mask;
                    while rows[i].0 != 0 && rows[i].0 != k {
                        i = (i + 1) & mask;
                    }
                    rows[i] = (k, r as u32);
                }
                Table::Rows(rows)
            }
        };
        Weights {
            n_labels,
            scale,
            keys,
            q,
            table,
            mask,
        }
    }
}

fn slot_hash(k: u32) -> usize {
    (u64::from(k).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize
}

/// Reads the first slot of every feature before any is probed: the loads are independent
/// and free of branches on their values, so their cache misses overlap instead of each
/// waiting behind the mispredicted branch of the one before.
#[inline(always)]
fn touch(feats: &[u32], mask: usize, key: impl Fn(usize) -> u32) {
    let mut x = 0u32;
    for &f in feats {
        x ^= key(slot_hash(f) & mask);
    }
    std::hint::black_box(x);
}

/// Sums the inline weights of `feats` into `acc`. The weights of the first slot are added
/// under a mask rather than behind a branch on the key, and the tables are sparse enough that
/// the first slot nearly always decides: the one branch left is predictable.
fn score_inline<const N: usize>(table: &[Slot<N>], mask: usize, feats: &[u32], acc: &mut [i32]) {
    for &f in feats {
        let mut i = slot_hash(f) & mask;
        loop {
            let s = &table[i];
            let hit = s.key == f;
            let m = -i32::from(hit);
            for (a, &w) in acc.iter_mut().zip(&s.w) {
                *a += i32::from(w) & m;
            }
            if hit || s.key == 0 {
                break;
            }
            i = (i + 1) & mask;
        }
    }
}

impl Scorer for Weights {
    fn score(&self, feats: &[u32], out: &mut [f32]) {
        let l = self.n_labels;
        let mut acc = [0i32; MAX_LABELS];
        match &self.table {
            Table::Four(t) => score_inline(t, self.mask, feats, &mut acc[..4]),
            Table::Eight(t) => score_inline(t, self.mask, feats, &mut acc[..8]),
            Table::Rows(rows) => {
                touch(feats, self.mask, |i| rows[i].0);
                for &f in feats {
                    let mut i = slot_hash(f) & self.mask;
                    loop {
                        let (k, r) = rows[i];
                        if k == f {
                            let r = r as usize * l;
                            for (a, &w) in acc[..l].iter_mut().zip(&self.q[r..r + l]) {
                                *a += i32::from(w);
                            }
                            break;
                        }
                        if k == 0 {
                            break;
                        }
                        i = (i + 1) & self.mask;
                    }
                }
            }
        }
        for (o, a) in out.iter_mut().zip(acc) {
            *o = a as f32 * self.scale;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_toy_problem() {
        // Feature 10+k votes for label k % 3.
        let mut t = Trainer::new(3);
        let mut out = [0f32; 3];
        for _ in 0..5 {
            for k in 0..9u32 {
                let feats = [1, 10 + k];
                t.score(&feats, &mut out);
                let pred = argmax(&out);
                let gold = (k % 3) as usize;
                if pred != gold {
                    t.add(&feats, gold, 1.0);
                    t.add(&feats, pred, -1.0);
                }
                t.tick();
            }
        }
        let w = t.finish(0.0, 0);
        for k in 0..9u32 {
            w.score(&[1, 10 + k], &mut out);
            assert_eq!(argmax(&out), (k % 3) as usize, "feature {k}");
        }
        assert_eq!(w.keys.windows(2).filter(|p| p[0] >= p[1]).count(), 0);
    }

    #[test]
    fn every_table_layout_scores_like_the_rows() {
        // 1, 4 and 6 labels keep weights inline, 12 in rows: all sum the same weights, with
        // colliding and missing keys.
        for l in [1usize, 4, 6, 12] {
            let keys: Vec<u32> = (1..=300).map(|k| k * 7919).collect();
            let q: Vec<i16> = (0..keys.len() * l).map(|i| (i as i16 % 97) - 48).collect();
            let w = Weights::new(l, 0.5, keys.clone(), q.clone());
            let feats: Vec<u32> = vec![7919, 5, 7919 * 300, 7919 * 17, 123_456_789, 7919 * 17];
            let mut out = vec![0f32; l];
            w.score(&feats, &mut out);
            for (j, o) in out.iter().enumerate() {
                let want: i32 = feats
                    .iter()
                    .filter_map(|f| keys.iter().position(|k| k == f))
                    .map(|r| i32::from(q[r * l + j]))
                    .sum();
                assert_eq!(*o, want as f32 * 0.5, "{l} labels, label {j}");
            }
        }
    }

    #[test]
    fn lookup_misses_unknown_features() {
        let w = Weights::new(2, 1.0, vec![3, 7, 99], vec![1, 2, 3, 4, 5, 6]);
        let half = Weights::new(2, 0.5, vec![3], vec![4, -2]);
        let mut out = [0f32; 2];
        half.score(&[3], &mut out);
        assert_eq!(out, [2.0, -1.0]);
        let mut out = [0f32; 2];
        w.score(&[7], &mut out);
        assert_eq!(out, [3.0, 4.0]);
        w.score(&[8, 1000, 5], &mut out);
        assert_eq!(out, [0.0, 0.0]);
        w.score(&[3, 99, 3], &mut out);
        assert_eq!(out, [7.0, 10.0]);
    }

    #[test]
    fn wide_tables_score_like_narrow_ones() {
        // 12 labels: feature 5 has weights 0..12, feature 9 has 100 at label 11.
        let mut q: Vec<i16> = (0..12).collect();
        q.extend(std::iter::repeat_n(0, 11));
        q.push(100);
        let w = Weights::new(12, 2.0, vec![5, 9], q);
        let mut out = [0f32; 12];
        w.score(&[5, 9, 7], &mut out);
        let mut expected: Vec<f32> = (0..12).map(|x| x as f32 * 2.0).collect();
        expected[11] += 200.0;
        assert_eq!(out.to_vec(), expected);
        w.score(&[1, 2], &mut out);
        assert_eq!(out, [0.0; 12]);
    }

    fn argmax(x: &[f32]) -> usize {
        let mut b = 0;
        for i in 1..x.len() {
            if x[i] > x[b] {
                b = i;
            }
        }
        b
    }
}
