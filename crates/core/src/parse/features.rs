//! Feature templates of the parser: the arc-eager templates of Zhang & Nivre (2011) for the
//! move classifier (words, tags, labels, distance, valency and label sets around the stack
//! top `S0` and the buffer front `N0`), and a smaller set for the arc-label classifier.

use super::system::{State, NONE};
use crate::learn::hash::{combine, feature_id, Fnv};

/// The word and tag of a position outside the sentence, and of the artificial root.
const NONE_W: u64 = 0x6e6f_6e65;
const ROOT_W: u64 = 0x726f_6f74;
const NONE_P: u64 = 250;
const ROOT_P: u64 = 251;
/// The label of a missing token or of a token without a head yet.
const NONE_L: u64 = 252;

/// The lowercased form's hash: the word feature of a token.
pub fn word_hash(s: &str) -> u64 {
    let mut h = Fnv::default();
    for c in s.chars() {
        for l in c.to_lowercase() {
            h.char(l);
        }
    }
    h.finish()
}

/// What the features read of a sentence: per token the word hash and tag id, the root (at
/// index `n`) included.
pub struct Sent<'a> {
    pub w: &'a [u64],
    pub p: &'a [u8],
    /// Punctuation tokens before each position (`n + 1` entries).
    pub punct: &'a [u16],
}

/// The running count of punctuation tokens before each position of a tagged sentence.
pub fn punct_prefix(p: &[u8], out: &mut Vec<u16>) {
    out.clear();
    out.push(0);
    let mut c = 0u16;
    for &t in p {
        c = c.saturating_add(u16::from(crate::pos::coarse(t) == 4));
        out.push(c);
    }
}

impl Sent<'_> {
    fn w(&self, st: &State, t: u32) -> u64 {
        if t == NONE {
            NONE_W
        } else if t as usize == st.n {
            ROOT_W
        } else {
            self.w[t as usize]
        }
    }

    fn p(&self, st: &State, t: u32) -> u64 {
        if t == NONE {
            NONE_P
        } else if t as usize == st.n {
            ROOT_P
        } else {
            u64::from(self.p[t as usize])
        }
    }
}

fn l(st: &State, t: u32) -> u64 {
    if t == NONE || st.head[t as usize] == NONE {
        NONE_L
    } else {
        u64::from(st.label[t as usize].0)
    }
}

fn at(v: &[u32], t: u32) -> u32 {
    if t == NONE {
        NONE
    } else {
        v[t as usize]
    }
}

/// Appends hashed feature ids.
pub(super) struct Out<'a>(pub &'a mut Vec<u32>);

impl Out<'_> {
    pub(super) fn f1(&mut self, id: u64, a: u64) {
        self.0.push(feature_id(combine(id, a)));
    }
    pub(super) fn f2(&mut self, id: u64, a: u64, b: u64) {
        self.0.push(feature_id(combine(combine(id, a), b)));
    }
    pub(super) fn f3(&mut self, id: u64, a: u64, b: u64, c: u64) {
        self.0
            .push(feature_id(combine(combine(combine(id, a), b), c)));
    }
    pub(super) fn f4(&mut self, id: u64, a: u64, b: u64, c: u64, d: u64) {
        self.0.push(feature_id(combine(
            combine(combine(combine(id, a), b), c),
            d,
        )));
    }
}

/// The distance between the stack top and the buffer front, bucketed.
fn distance(s0: u32, n0: u32, n: usize) -> u64 {
    if s0 == NONE || n0 == NONE || s0 as usize == n {
        return 0;
    }
    match n0.saturating_sub(s0) {
        d @ 0..=4 => u64::from(d),
        5..=7 => 5,
        _ => 6,
    }
}

/// The move features of a state.
pub fn move_features(st: &State, s: &Sent, out: &mut Vec<u32>) {
    out.clear();
    let mut o = Out(out);
    let n = st.n;
    let s0 = st.s0();
    let s1 = if st.stack.len() >= 2 {
        st.stack[st.stack.len() - 2]
    } else {
        NONE
    };
    // The buffer ends with the root (index n).
    let nb = |k: usize| {
        if st.b + k <= n {
            (st.b + k) as u32
        } else {
            NONE
        }
    };
    let (n0, n1, n2) = (nb(0), nb(1), nb(2));
    let s0h = at(&st.head, s0);
    let s0h2 = at(&st.head, s0h);
    let (s0l, s0r, s0l2, s0r2) = (
        at(&st.l1, s0),
        at(&st.r1, s0),
        at(&st.l2, s0),
        at(&st.r2, s0),
    );
    let (n0l, n0l2) = (at(&st.l1, n0), at(&st.l2, n0));
    let (s0w, s0p, n0w, n0p) = (s.w(st, s0), s.p(st, s0), s.w(st, n0), s.p(st, n0));
    let (n1w, n1p, n2w, n2p) = (s.w(st, n1), s.p(st, n1), s.w(st, n2), s.p(st, n2));
    // Single words.
    o.f1(0, 0);
    o.f2(1, s0w, s0p);
    o.f1(2, s0w);
    o.f1(3, s0p);
    o.f2(4, n0w, n0p);
    o.f1(5, n0w);
    o.f1(6, n0p);
    o.f2(7, n1w, n1p);
    o.f1(8, n1w);
    o.f1(9, n1p);
    o.f2(10, n2w, n2p);
    o.f1(11, n2w);
    o.f1(12, n2p);
    // Pairs.
    o.f4(13, s0w, s0p, n0w, n0p);
    o.f3(14, s0w, s0p, n0w);
    o.f3(15, s0w, n0w, n0p);
    o.f3(16, s0w, s0p, n0p);
    o.f3(17, s0p, n0w, n0p);
    o.f2(18, s0w, n0w);
    o.f2(19, s0p, n0p);
    o.f2(20, n0p, n1p);
    // Triples.
    let (s0hp, s0lp, s0rp, n0lp) = (s.p(st, s0h), s.p(st, s0l), s.p(st, s0r), s.p(st, n0l));
    o.f3(21, n0p, n1p, n2p);
    o.f3(22, s0p, n0p, n1p);
    o.f3(23, s0hp, s0p, n0p);
    o.f3(24, s0p, s0lp, n0p);
    o.f3(25, s0p, s0rp, n0p);
    o.f3(26, s0p, n0p, n0lp);
    // Distance.
    let d = distance(s0, n0, n);
    o.f2(27, s0w, d);
    o.f2(28, s0p, d);
    o.f2(29, n0w, d);
    o.f2(30, n0p, d);
    o.f3(31, s0w, n0w, d);
    o.f3(32, s0p, n0p, d);
    // Valency.
    let val = |v: &[u8], t: u32| {
        if t == NONE {
            99
        } else {
            u64::from(v[t as usize])
        }
    };
    let (s0vr, s0vl, n0vl) = (val(&st.nr, s0), val(&st.nl, s0), val(&st.nl, n0));
    o.f2(33, s0w, s0vr);
    o.f2(34, s0p, s0vr);
    o.f2(35, s0w, s0vl);
    o.f2(36, s0p, s0vl);
    o.f2(37, n0w, n0vl);
    o.f2(38, n0p, n0vl);
    // Second order.
    o.f1(39, s.w(st, s0h));
    o.f1(40, s0hp);
    o.f1(41, l(st, s0));
    o.f1(42, s.w(st, s0l));
    o.f1(43, s0lp);
    o.f1(44, l(st, s0l));
    o.f1(45, s.w(st, s0r));
    o.f1(46, s0rp);
    o.f1(47, l(st, s0r));
    o.f1(48, s.w(st, n0l));
    o.f1(49, n0lp);
    o.f1(50, l(st, n0l));
    // Third order.
    let (s0h2p, s0l2p, s0r2p, n0l2p) = (s.p(st, s0h2), s.p(st, s0l2), s.p(st, s0r2), s.p(st, n0l2));
    o.f1(51, s.w(st, s0h2));
    o.f1(52, s0h2p);
    o.f1(53, l(st, s0h));
    o.f1(54, s.w(st, s0l2));
    o.f1(55, s0l2p);
    o.f1(56, l(st, s0l2));
    o.f1(57, s.w(st, s0r2));
    o.f1(58, s0r2p);
    o.f1(59, l(st, s0r2));
    o.f1(60, s.w(st, n0l2));
    o.f1(61, n0l2p);
    o.f1(62, l(st, n0l2));
    o.f3(63, s0p, s0lp, s0l2p);
    o.f3(64, s0p, s0rp, s0r2p);
    o.f3(65, s0p, s0hp, s0h2p);
    o.f3(66, n0p, n0lp, n0l2p);
    // Label sets.
    let set = |v: &[u64], t: u32| if t == NONE { 0 } else { v[t as usize] };
    let (s0sr, s0sl, n0sl) = (set(&st.rs, s0), set(&st.ls, s0), set(&st.ls, n0));
    o.f2(67, s0w, s0sr);
    o.f2(68, s0p, s0sr);
    o.f2(69, s0w, s0sl);
    o.f2(70, s0p, s0sl);
    o.f2(71, n0w, n0sl);
    o.f2(72, n0p, n0sl);
    // The second stack item, and whether the top has its head (reduce or not).
    let s1p = s.p(st, s1);
    o.f3(73, s1p, s0p, n0p);
    o.f2(74, s.w(st, s1), s0p);
    o.f3(75, l(st, s0), s0p, n0p);
    // Between the stack top and the buffer front: punctuation, and the tokens next to each.
    if s0 != NONE && (s0 as usize) < n && n0 != NONE {
        let between = s.punct[(n0 as usize).min(n)].saturating_sub(s.punct[s0 as usize + 1]);
        o.f3(76, s0p, n0p, u64::from(between.min(3)));
        let before_n0 = s.p(st, n0.checked_sub(1).unwrap_or(NONE));
        o.f3(77, before_n0, n0p, s0p);
        o.f3(78, s0p, s.p(st, s0 + 1), n0p);
        o.f2(79, n0w, before_n0);
    }
}

/// The label features of an arc `h → d` (`right`: the dependent follows its head).
pub fn label_features(st: &State, s: &Sent, h: u32, d: u32, right: bool, out: &mut Vec<u32>) {
    out.clear();
    let mut o = Out(out);
    let dir = if right { 0x5249 } else { 0x4c45 };
    let near = |t: u32, k: i64| -> u32 {
        let x = i64::from(t) + k;
        if t as usize >= st.n || x < 0 || x as usize >= st.n {
            NONE
        } else {
            x as u32
        }
    };
    let (hw, hp, dw, dp) = (s.w(st, h), s.p(st, h), s.w(st, d), s.p(st, d));
    let dist = if right {
        distance(h, d, st.n)
    } else {
        distance(d, h, st.n)
    };
    o.f2(200, dir, 0);
    o.f2(201, dir, hw);
    o.f2(202, dir, hp);
    o.f2(203, dir, dw);
    o.f2(204, dir, dp);
    o.f3(205, dir, hw, dp);
    o.f3(206, dir, hp, dw);
    o.f3(207, dir, hp, dp);
    o.f3(208, dir, hw, dw);
    o.f4(209, dir, hp, dp, dist);
    o.f4(210, dir, dp, s.p(st, near(d, -1)), s.p(st, near(d, 1)));
    o.f4(211, dir, hp, s.p(st, near(h, -1)), s.p(st, near(h, 1)));
    o.f3(212, dir, dp, l(st, at(&st.l1, d)));
    o.f3(213, dir, dp, l(st, at(&st.r1, d)));
    o.f4(214, dir, hp, dp, l(st, h));
    o.f4(215, dir, hp, dp, s.p(st, at(&st.head, h)));
    o.f3(216, dir, dp, st.ls[d as usize] | st.rs[d as usize]);
    let hs = if right {
        st.rs[h as usize]
    } else {
        st.ls[h as usize]
    };
    o.f4(217, dir, hp, dp, hs);
    o.f3(218, dir, dw, dp);
    o.f3(219, dir, hw, hp);
    o.f4(220, dir, hp, dp, s.w(st, near(d, -1)));
}
