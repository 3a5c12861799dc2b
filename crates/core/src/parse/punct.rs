//! Punctuation re-attachment: after the transition parse, each punctuation mark is moved to
//! the best-scoring head among the ancestors of its two neighbours.
//!
//! A greedy parser attaches a comma or a quotation mark when it meets it, before it has seen
//! the words that decide where the mark belongs; once the tree is built the whole context is
//! known. In a projective tree the head of a mark before (after) it is an ancestor of its
//! left (right) neighbour, so the candidates are those two paths to the root. A perceptron
//! ranks them, trained on the silver trees of the training data.

use super::features::{Out, Sent};
use super::system::NONE;
use super::Label;
use crate::learn::perceptron::{Scorer, Trainer, Weights};

/// The deepest ancestor looked at on either side.
const MAX_DEPTH: u32 = 12;

/// One candidate head of a mark.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Cand {
    pub tok: u32,
    /// Steps up from the neighbour (0: the neighbour itself), on the side it was found.
    pub depth: u32,
    /// Found on the left path, on the right path.
    pub left: bool,
    pub right: bool,
    /// The label of the path's token just below this one ([`NONE_LABEL`] at depth 0).
    pub below: u64,
}

const NONE_LABEL: u64 = 253;

/// What re-attachment reads of a parsed sentence (local heads, the root is `n`).
pub(super) struct Tree<'a> {
    pub heads: &'a [u32],
    pub labels: &'a [Label],
    /// The leftmost and rightmost token of each token's subtree, marks excluded.
    pub extent: &'a [(u32, u32)],
}

/// The number of dependents of every token (heads outside the sentence not counted).
fn dependents(heads: &[u32], out: &mut Vec<u32>) {
    out.clear();
    out.resize(heads.len(), 0);
    for &h in heads {
        if let Some(c) = out.get_mut(h as usize) {
            *c += 1;
        }
    }
}

/// Whether token `t` is a mark the stage moves: labelled `punct`, with no dependents.
fn movable(deps: &[u32], labels: &[Label], t: usize) -> bool {
    labels[t] == Label::PUNCT && deps[t] == 0
}

/// The subtree extents of every token, counting only tokens that are not movable marks.
pub(super) fn extents(heads: &[u32], labels: &[Label], out: &mut Vec<(u32, u32)>) {
    let n = heads.len();
    out.clear();
    out.extend((0..n as u32).map(|t| (t, t)));
    for t in 0..n {
        if labels[t] == Label::PUNCT {
            continue;
        }
        let mut u = heads[t];
        let mut steps = 0;
        while (u as usize) < n && steps < n {
            let e = &mut out[u as usize];
            e.0 = e.0.min(t as u32);
            e.1 = e.1.max(t as u32);
            u = heads[u as usize];
            steps += 1;
        }
    }
}

/// The candidate heads of mark `t`: ancestors of `t - 1` and `t + 1`, without `t` and the
/// root.
pub(super) fn candidates(tree: &Tree, t: usize, out: &mut Vec<Cand>) {
    out.clear();
    let n = tree.heads.len();
    for (start, is_left) in [(t.checked_sub(1), true), (Some(t + 1), false)] {
        let Some(start) = start.filter(|&s| s < n) else {
            continue;
        };
        let mut u = start as u32;
        let mut depth = 0;
        let mut below = NONE_LABEL;
        while (u as usize) < n && depth <= MAX_DEPTH {
            if u as usize == t {
                break;
            }
            if let Some(c) = out.iter_mut().find(|c| c.tok == u) {
                c.left |= is_left;
                c.right |= !is_left;
            } else {
                out.push(Cand {
                    tok: u,
                    depth,
                    left: is_left,
                    right: !is_left,
                    below,
                });
            }
            below = u64::from(tree.labels[u as usize].0);
            u = tree.heads[u as usize];
            depth += 1;
        }
    }
}

/// The features of attaching mark `t` to candidate `c`.
pub(super) fn features(s: &Sent, tree: &Tree, t: usize, c: &Cand, out: &mut Vec<u32>) {
    out.clear();
    let mut o = Out(out);
    let n = tree.heads.len();
    let w = |i: usize| s.w.get(i).copied().unwrap_or(0x6e6f);
    let p = |i: usize| s.p.get(i).map_or(250, |&x| u64::from(x));
    let ct = c.tok as usize;
    let fw = w(t);
    let d = u64::from(ct > t);
    let dep = u64::from(c.depth.min(3));
    let both = u64::from(c.left && c.right);
    let dist = match ct.abs_diff(t) {
        x @ 0..=3 => x as u64,
        4..=7 => 4,
        8..=15 => 5,
        _ => 6,
    };
    let cp = p(ct);
    let cl = u64::from(tree.labels[ct].0);
    let ch = tree.heads[ct];
    let at_root = u64::from(ch as usize >= n);
    let last = u64::from(t + 1 == n);
    let first = u64::from(t == 0);
    let lp = t.checked_sub(1).map_or(251, p);
    let rp = p(t + 1);
    let (lo, hi) = tree.extent[ct];
    let over = u64::from(if ct < t {
        hi as usize > t
    } else {
        (lo as usize) < t
    });
    let hp = if ch as usize >= n || ch == NONE {
        252
    } else {
        p(ch as usize)
    };
    o.f2(300, fw, d);
    o.f3(301, fw, d, dep);
    o.f3(302, fw, cp, d);
    o.f4(303, fw, cp, d, dep);
    o.f4(304, fw, cl, d, dep);
    o.f3(305, fw, c.below, d);
    o.f4(306, fw, d, dep, both);
    o.f4(307, fw, d, dist, dep);
    o.f4(308, fw, cp, at_root, last);
    o.f4(309, fw, lp, rp, d * 4 + dep);
    o.f4(310, fw, cp, rp, d);
    o.f4(311, fw, cp, lp, d);
    o.f4(312, fw, w(t + 1), cp, d);
    o.f3(313, fw, w(ct), d);
    o.f4(314, fw, over, d, dep);
    o.f4(315, fw, first * 2 + last, at_root, d);
    o.f4(316, fw, cp, cl, d);
    o.f3(317, fw, hp, d);
    o.f4(318, fw, cl, c.below, d);
}

/// Reusable buffers.
#[derive(Default)]
pub(super) struct PunctScratch {
    extent: Vec<(u32, u32)>,
    cands: Vec<Cand>,
    feats: Vec<u32>,
    deps: Vec<u32>,
}

/// Moves every movable mark of a parsed sentence to its best candidate head.
pub(super) fn reattach(
    weights: &Weights,
    s: &Sent,
    heads: &mut [u32],
    labels: &[Label],
    sc: &mut PunctScratch,
) {
    let n = heads.len();
    extents(heads, labels, &mut sc.extent);
    dependents(heads, &mut sc.deps);
    let mut score = [0f32; 1];
    for t in 0..n {
        if !movable(&sc.deps, labels, t) || heads[t] as usize >= n {
            continue;
        }
        let tree = Tree {
            heads,
            labels,
            extent: &sc.extent,
        };
        candidates(&tree, t, &mut sc.cands);
        let mut best: Option<(f32, u32)> = None;
        for c in &sc.cands {
            features(s, &tree, t, c, &mut sc.feats);
            weights.score(&sc.feats, &mut score);
            if best.is_none_or(|(b, _)| score[0] > b) {
                best = Some((score[0], c.tok));
            }
        }
        if let Some((_, h)) = best {
            sc.deps[heads[t] as usize] -= 1;
            sc.deps[h as usize] += 1;
            heads[t] = h;
        }
    }
}

/// Training examples of one silver sentence: per movable mark, the candidates' features and
/// which candidate is the silver head.
pub(super) struct PunctExample {
    pub cands: Vec<Vec<u32>>,
    pub gold: usize,
}

/// The examples of one parsed sentence (`heads`, `labels`: the tree the marks are moved in)
/// whose silver heads are `gold` (marks whose silver head is not a candidate are left out).
pub(super) fn examples(
    s: &Sent,
    heads: &[u32],
    labels: &[Label],
    gold: &[u32],
    out: &mut Vec<PunctExample>,
) {
    let n = gold.len();
    let mut extent = Vec::new();
    extents(heads, labels, &mut extent);
    let tree = Tree {
        heads,
        labels,
        extent: &extent,
    };
    let mut cands = Vec::new();
    let mut deps = Vec::new();
    dependents(heads, &mut deps);
    for t in 0..n {
        if !movable(&deps, labels, t) || heads[t] as usize >= n || gold[t] as usize >= n {
            continue;
        }
        candidates(&tree, t, &mut cands);
        let Some(g) = cands.iter().position(|c| c.tok == gold[t]) else {
            continue;
        };
        if cands.len() < 2 {
            continue;
        }
        let feats = cands
            .iter()
            .map(|c| {
                let mut f = Vec::new();
                features(s, &tree, t, c, &mut f);
                f
            })
            .collect();
        out.push(PunctExample {
            cands: feats,
            gold: g,
        });
    }
}

/// One ranking epoch over `examples` in `order`; returns the errors.
pub(super) fn epoch(tr: &mut Trainer, examples: &[PunctExample], order: &[usize]) -> usize {
    let mut errors = 0;
    let mut score = [0f32; 1];
    for &i in order {
        let ex = &examples[i];
        let mut best = 0;
        let mut best_score = f32::NEG_INFINITY;
        for (k, f) in ex.cands.iter().enumerate() {
            tr.score(f, &mut score);
            if score[0] > best_score {
                best_score = score[0];
                best = k;
            }
        }
        if best != ex.gold {
            errors += 1;
            tr.add(&ex.cands[ex.gold], 0, 1.0);
            tr.add(&ex.cands[best], 0, -1.0);
        }
        tr.tick();
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_the_neighbours_ancestors() {
        // "a b , c": a <- b (root), comma 2 on b, c on b. n = 4, root index 4.
        let heads = [1, 4, 1, 1];
        let labels = [Label::NSUBJ, Label::ROOT, Label::PUNCT, Label::DOBJ];
        let mut extent = Vec::new();
        extents(&heads, &labels, &mut extent);
        // The comma is not counted in b's extent.
        assert_eq!(extent[1], (0, 3));
        let tree = Tree {
            heads: &heads,
            labels: &labels,
            extent: &extent,
        };
        let mut c = Vec::new();
        candidates(&tree, 2, &mut c);
        let toks: Vec<u32> = c.iter().map(|c| c.tok).collect();
        // Left neighbour b (the root's dependent, depth 0), right neighbour c then b.
        assert_eq!(toks, vec![1, 3]);
        assert!(c[0].left && c[0].right);
        assert!(!c[1].left && c[1].right);
        let mut deps = Vec::new();
        dependents(&heads, &mut deps);
        assert!(movable(&deps, &labels, 2));
        assert!(!movable(&deps, &labels, 1));
    }

    #[test]
    fn reattach_follows_the_scores() {
        // "a b , c" as above, the comma wrongly on c; weights that favour b move it there.
        let labels = [Label::NSUBJ, Label::ROOT, Label::PUNCT, Label::DOBJ];
        let w = [11u64, 12, 13, 14];
        let p = [1u8, 2, 3, 4];
        let pu = [0u16; 5];
        let s = Sent {
            w: &w,
            p: &p,
            punct: &pu,
        };
        let mut heads = [1, 4, 3, 1];
        let mut extent = Vec::new();
        extents(&heads, &labels, &mut extent);
        let tree = Tree {
            heads: &heads,
            labels: &labels,
            extent: &extent,
        };
        let mut cands = Vec::new();
        candidates(&tree, 2, &mut cands);
        let b = cands.iter().find(|c| c.tok == 1).copied().unwrap();
        let mut feats = Vec::new();
        features(&s, &tree, 2, &b, &mut feats);
        feats.sort_unstable();
        feats.dedup();
        let q = vec![100i16; feats.len()];
        let weights = Weights::new(1, 1.0, feats, q);
        reattach(
            &weights,
            &s,
            &mut heads,
            &labels,
            &mut PunctScratch::default(),
        );
        assert_eq!(heads, [1, 4, 1, 1]);
        // With no weight for anything, the first candidate (the left neighbour's path) wins.
        let mut heads = [1, 4, 3, 1];
        let empty = Weights::new(1, 1.0, vec![], vec![]);
        reattach(
            &empty,
            &s,
            &mut heads,
            &labels,
            &mut PunctScratch::default(),
        );
        assert_eq!(heads, [1, 4, 1, 1]);
    }
}
