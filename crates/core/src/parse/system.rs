//! The arc-eager transition system (Nivre 2003) over one sentence, with the dynamic oracle of
//! Goldberg & Nivre (2012) for training.
//!
//! Tokens are `0..n`; the artificial root is token `n`, at the end of the buffer (Ballesteros
//! & Nivre 2013: the parser decides the root last, with the whole sentence seen, instead of
//! committing to it before the words that precede it are attached). A left arc from the root
//! makes a sentence root (label `root`); when several tokens end up there, [`State::finish`]
//! keeps the one with the largest subtree and attaches the others to it, so every parse is a
//! tree with one root.

use super::Label;

/// No head (yet).
pub const NONE: u32 = u32::MAX;

/// The four moves; arcs carry a label decided separately.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Shift = 0,
    Reduce = 1,
    Left = 2,
    Right = 3,
}

pub const MOVES: [Move; 4] = [Move::Shift, Move::Reduce, Move::Left, Move::Right];

/// A parser configuration.
pub struct State {
    pub n: usize,
    pub stack: Vec<u32>,
    /// The front of the buffer: the buffer is `b..n`.
    pub b: usize,
    pub head: Vec<u32>,
    pub label: Vec<Label>,
    /// Leftmost, second leftmost, rightmost, second rightmost dependents (or [`NONE`]).
    pub l1: Vec<u32>,
    pub l2: Vec<u32>,
    pub r1: Vec<u32>,
    pub r2: Vec<u32>,
    /// Numbers of left and right dependents.
    pub nl: Vec<u8>,
    pub nr: Vec<u8>,
    /// Label sets of left and right dependents, one bit per label.
    pub ls: Vec<u64>,
    pub rs: Vec<u64>,
}

impl State {
    pub fn new(n: usize) -> State {
        let m = n + 1;
        let stack = Vec::with_capacity(m);
        State {
            n,
            stack,
            b: 0,
            head: vec![NONE; m],
            label: vec![Label::DEP; m],
            l1: vec![NONE; m],
            l2: vec![NONE; m],
            r1: vec![NONE; m],
            r2: vec![NONE; m],
            nl: vec![0; m],
            nr: vec![0; m],
            ls: vec![0; m],
            rs: vec![0; m],
        }
    }

    pub fn done(&self) -> bool {
        self.b >= self.n && self.stack.is_empty()
    }

    /// The stack top, or [`NONE`].
    pub fn s0(&self) -> u32 {
        self.stack.last().copied().unwrap_or(NONE)
    }

    /// The move makes a sentence root (a left arc from the artificial root).
    pub fn root_arc(&self, m: Move) -> bool {
        m == Move::Left && self.b >= self.n
    }

    pub fn valid(&self, m: Move) -> bool {
        let s0 = self.s0();
        let words_left = self.b < self.n;
        match m {
            Move::Shift => words_left,
            Move::Right => words_left && s0 != NONE,
            Move::Reduce => s0 != NONE && self.head[s0 as usize] != NONE,
            Move::Left => s0 != NONE && self.head[s0 as usize] == NONE,
        }
    }

    fn attach(&mut self, h: u32, d: u32, label: Label) {
        let (hu, du) = (h as usize, d as usize);
        self.head[du] = h;
        self.label[du] = label;
        let bit = 1u64 << label.0;
        if d < h {
            self.nl[hu] = self.nl[hu].saturating_add(1);
            self.ls[hu] |= bit;
            if self.l1[hu] == NONE || d < self.l1[hu] {
                self.l2[hu] = self.l1[hu];
                self.l1[hu] = d;
            } else if self.l2[hu] == NONE || d < self.l2[hu] {
                self.l2[hu] = d;
            }
        } else {
            self.nr[hu] = self.nr[hu].saturating_add(1);
            self.rs[hu] |= bit;
            if self.r1[hu] == NONE || d > self.r1[hu] {
                self.r2[hu] = self.r1[hu];
                self.r1[hu] = d;
            } else if self.r2[hu] == NONE || d > self.r2[hu] {
                self.r2[hu] = d;
            }
        }
    }

    /// Applies a valid move; `label` is used by arcs (a root arc is always `root`).
    pub fn apply(&mut self, m: Move, label: Label) {
        let b = self.b as u32;
        let label = if self.root_arc(m) { Label::ROOT } else { label };
        match m {
            Move::Shift => {
                self.stack.push(b);
                self.b += 1;
            }
            Move::Reduce => {
                self.stack.pop();
            }
            Move::Left => {
                let s0 = self.stack.pop().expect("checked by valid");
                self.attach(b, s0, label);
            }
            Move::Right => {
                let s0 = self.s0();
                self.attach(s0, b, label);
                self.stack.push(b);
                self.b += 1;
            }
        }
    }

    /// Makes the parse one tree: of the tokens attached to the root, the one with the largest
    /// subtree stays the root; the others (and any token without a head) become its
    /// dependents, labelled `punct` when `is_punct` says so, else `dep`.
    pub fn finish(&mut self, is_punct: impl Fn(usize) -> bool) {
        let n = self.n;
        let root = n as u32;
        let roots: Vec<usize> = (0..n)
            .filter(|&t| self.head[t] == root || self.head[t] == NONE)
            .collect();
        if roots.len() <= 1 {
            if let Some(&r) = roots.first() {
                self.head[r] = root;
                self.label[r] = Label::ROOT;
            }
            return;
        }
        let mut size = vec![1u32; n];
        // Subtree sizes: heads are trees below the roots; climb from every token.
        for t in 0..n {
            let mut at = self.head[t];
            let mut steps = 0;
            while at != NONE && at != root && steps <= n {
                size[at as usize] += 1;
                at = self.head[at as usize];
                steps += 1;
            }
        }
        let keep = *roots
            .iter()
            .max_by_key(|&&r| (size[r], !is_punct(r), std::cmp::Reverse(r)))
            .expect("at least two roots");
        for &r in &roots {
            if r == keep {
                self.head[r] = root;
                self.label[r] = Label::ROOT;
            } else {
                self.head[r] = keep as u32;
                self.label[r] = if is_punct(r) {
                    Label::PUNCT
                } else {
                    Label::DEP
                };
            }
        }
    }

    /// The cost of a move against the gold heads `gold` (the root is `n`): the number of
    /// gold arcs it makes unreachable (Goldberg & Nivre 2012, arc-eager).
    pub fn cost(&self, m: Move, gold: &[u32]) -> u32 {
        let n = self.n as u32;
        let b = self.b as u32;
        let s0 = self.s0();
        // The buffer after its front, the root included.
        let after_front = |k: u32| k > b && k <= n;
        let headless_deps_of_b_on_stack = || {
            self.stack
                .iter()
                .filter(|&&k| self.head[k as usize] == NONE && gold[k as usize] == b)
                .count() as u32
        };
        let deps_in_buffer = |h: u32| (b..n).filter(|&k| gold[k as usize] == h).count() as u32;
        match m {
            // b can no longer take a head or dependents from the stack.
            Move::Shift => {
                u32::from(self.stack.contains(&gold[b as usize])) + headless_deps_of_b_on_stack()
            }
            Move::Reduce => deps_in_buffer(s0),
            Move::Left => {
                let g = gold[s0 as usize];
                u32::from(g != b && after_front(g)) + deps_in_buffer(s0)
            }
            Move::Right => {
                let g = gold[b as usize];
                u32::from(g != s0 && (after_front(g) || self.stack.contains(&g)))
                    + headless_deps_of_b_on_stack()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Follows zero-cost moves (left, right, reduce, shift: the first that costs nothing)
    /// and returns the heads it built.
    fn oracle_parse(gold: &[u32]) -> Vec<u32> {
        let n = gold.len();
        let mut s = State::new(n);
        while !s.done() {
            let m = [Move::Left, Move::Right, Move::Reduce, Move::Shift]
                .into_iter()
                .find(|&m| s.valid(m) && s.cost(m, gold) == 0)
                .expect("a zero-cost move exists for a projective tree");
            s.apply(m, Label::DEP);
        }
        s.finish(|_| false);
        s.head[..n].to_vec()
    }

    #[test]
    fn oracle_rebuilds_projective_trees() {
        // "Smith said he won": said is the root (n = 4); Smith <- said; won <- said; he <- won.
        let gold = vec![1, 4, 3, 1];
        assert_eq!(oracle_parse(&gold), gold);
        // A chain to the right and a flat sentence.
        assert_eq!(oracle_parse(&[3, 0, 1]), vec![3, 0, 1]);
        assert_eq!(oracle_parse(&[1, 3, 1]), vec![1, 3, 1]);
        assert_eq!(oracle_parse(&[1]), vec![1]);
        // Left and right dependents of one head.
        let gold = vec![2, 2, 5, 2, 3];
        assert_eq!(oracle_parse(&gold), gold);
    }

    #[test]
    fn a_finished_parse_is_a_tree_with_one_root() {
        // Every token straight to the root: the largest subtree is kept, the others join it.
        let mut s = State::new(3);
        s.apply(Move::Shift, Label::DEP);
        s.apply(Move::Right, Label::NSUBJ);
        s.apply(Move::Shift, Label::DEP);
        while !s.done() {
            let m = if s.valid(Move::Reduce) {
                Move::Reduce
            } else {
                Move::Left
            };
            s.apply(m, Label::DEP);
        }
        assert_eq!(s.head[..3], [3, 0, 3]);
        s.finish(|t| t == 2);
        assert_eq!(s.head[..3], [3, 0, 0]);
        assert_eq!(s.label[0], Label::ROOT);
        assert_eq!(s.label[2], Label::PUNCT);
    }

    #[test]
    fn moves_are_valid_only_where_they_apply() {
        let mut s = State::new(2);
        assert!(s.valid(Move::Shift));
        assert!(!s.valid(Move::Right) && !s.valid(Move::Left) && !s.valid(Move::Reduce));
        s.apply(Move::Shift, Label::DEP);
        s.apply(Move::Right, Label::DOBJ);
        assert_eq!(s.label[1], Label::DOBJ);
        assert!(!s.valid(Move::Shift), "only the root is left in the buffer");
        assert!(s.valid(Move::Reduce) && !s.valid(Move::Left));
        s.apply(Move::Reduce, Label::DEP);
        assert!(s.root_arc(Move::Left));
        s.apply(Move::Left, Label::DEP);
        assert_eq!(s.label[0], Label::ROOT);
        assert!(s.done());
    }
}
