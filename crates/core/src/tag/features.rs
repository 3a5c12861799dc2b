//! Token attributes and hashed feature templates of the tagger.
//!
//! Every attribute is a 64-bit FNV-1a hash computed incrementally over the token's bytes (no
//! per-feature allocation); a feature is a (template, value) pair mixed into one bucket of
//! the weight table.

/// FNV-1a 64 offset basis.
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Feeds bytes into an FNV-1a 64 state.
#[inline]
pub(crate) fn fnv_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// FNV-1a 64 of a byte string.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    fnv_bytes(FNV_OFFSET, bytes)
}

#[inline]
fn fnv_char(h: u64, c: char) -> u64 {
    let mut buf = [0u8; 4];
    fnv_bytes(h, c.encode_utf8(&mut buf).as_bytes())
}

/// A strong 64-bit finaliser (splitmix64) to spread FNV states over the table.
#[inline]
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[inline]
fn pair(a: u64, b: u64) -> u64 {
    mix(a ^ b.rotate_left(23) ^ 0x5851_f42d_4c95_7f2d)
}

// Flag bits of a token.
const F_INIT_CAP: u32 = 1;
const F_ALL_CAPS: u32 = 1 << 1;
const F_HAS_DIGIT: u32 = 1 << 2;
const F_ALL_DIGIT: u32 = 1 << 3;
const F_HYPHEN: u32 = 1 << 4;
const F_PERIOD: u32 = 1 << 5;
const F_NO_ALNUM: u32 = 1 << 6;
const F_SENT_INIT: u32 = 1 << 7;
const F_INNER_CAP: u32 = 1 << 8;
const F_APOSTROPHE: u32 = 1 << 9;
const F_LONG: u32 = 1 << 10;
const F_SHORT: u32 = 1 << 11;
pub(crate) const N_FLAGS: u32 = 12;

/// What the tagger knows about one token, independent of its neighbours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TokAttrs {
    pub word: u64,
    pub lower: u64,
    pub shape: u64,
    /// Hashes of the first 1..=4 lowercased chars (0 when the word is shorter).
    pub pre: [u64; 4],
    /// Hashes of the last 1..=4 lowercased chars, read backwards (0 when shorter).
    pub suf: [u64; 4],
    pub flags: u32,
    /// Packed gazetteer value of the lowercased word (see `pack_gaz`); 0 = unknown word.
    pub gaz: u16,
}

fn shape_class(c: char) -> u8 {
    if c.is_uppercase() {
        b'X'
    } else if c.is_lowercase() {
        b'x'
    } else if c.is_numeric() {
        b'd'
    } else if c.is_ascii() {
        c as u8
    } else if c.is_alphabetic() {
        b'a'
    } else {
        b'o'
    }
}

/// Computes the attributes of a token; `gaz` is left 0 for the caller to fill.
pub(crate) fn tok_attrs(tok: &str, sentence_initial: bool) -> TokAttrs {
    let mut a = TokAttrs {
        word: fnv1a(tok.as_bytes()),
        ..TokAttrs::default()
    };
    let mut lower = FNV_OFFSET;
    let mut shape = FNV_OFFSET;
    let mut last_class = 0u8;
    let mut n_chars = 0usize;
    let (mut n_upper, mut n_lower, mut n_digit, mut n_alpha) = (0usize, 0usize, 0usize, 0usize);
    let mut flags = 0u32;
    for (i, c) in tok.chars().enumerate() {
        n_chars += 1;
        if c.is_ascii() {
            lower = fnv_bytes(lower, &[(c as u8).to_ascii_lowercase()]);
        } else {
            for l in c.to_lowercase() {
                lower = fnv_char(lower, l);
            }
        }
        if i < 4 {
            a.pre[i] = lower;
        }
        let class = shape_class(c);
        if class != last_class {
            shape = fnv_bytes(shape, &[class]);
            last_class = class;
        }
        if c.is_uppercase() {
            n_upper += 1;
            if i > 0 {
                flags |= F_INNER_CAP;
            } else {
                flags |= F_INIT_CAP;
            }
        }
        if c.is_lowercase() {
            n_lower += 1;
        }
        if c.is_alphabetic() {
            n_alpha += 1;
        }
        if c.is_numeric() {
            n_digit += 1;
        }
        match c {
            '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' => flags |= F_HYPHEN,
            '.' => flags |= F_PERIOD,
            '\'' | '\u{2019}' => flags |= F_APOSTROPHE,
            _ => {}
        }
    }
    let mut suf = FNV_OFFSET;
    for (i, c) in tok.chars().rev().take(4).enumerate() {
        if c.is_ascii() {
            suf = fnv_bytes(suf, &[(c as u8).to_ascii_lowercase()]);
        } else {
            for l in c.to_lowercase() {
                suf = fnv_char(suf, l);
            }
        }
        a.suf[i] = suf;
    }
    if n_upper > 1 && n_lower == 0 {
        flags |= F_ALL_CAPS;
    }
    if n_digit > 0 {
        flags |= F_HAS_DIGIT;
        if n_digit == n_chars {
            flags |= F_ALL_DIGIT;
        }
    }
    if n_alpha + n_digit == 0 {
        flags |= F_NO_ALNUM;
    }
    if sentence_initial {
        flags |= F_SENT_INIT;
    }
    if n_chars > 12 {
        flags |= F_LONG;
    }
    if n_chars <= 2 {
        flags |= F_SHORT;
    }
    a.lower = lower;
    a.shape = shape;
    a.flags = flags;
    a
}

/// Whether the token starts with an upper-case letter (for the gazetteer counts).
pub(crate) fn is_capitalised(a: &TokAttrs) -> bool {
    a.flags & F_INIT_CAP != 0
}

pub(crate) fn is_sentence_initial(a: &TokAttrs) -> bool {
    a.flags & F_SENT_INIT != 0
}

// Gazetteer packing: 2 bits per entity type (up to 6 types), then 2 bits of capitalisation.
pub(crate) const GAZ_TYPES: usize = 6;

/// Bucket of a proportion `k / n` into 1..=3 (0 = never).
pub(crate) fn ratio_bucket(k: u32, n: u32) -> u16 {
    if k == 0 || n == 0 {
        0
    } else if k * 5 < n {
        1
    } else if k * 5 < n * 3 {
        2
    } else {
        3
    }
}

/// Packs per-type buckets and a capitalisation bucket; the top bit marks a known word.
pub(crate) fn pack_gaz(type_buckets: &[u16], cap_bucket: u16) -> u16 {
    let mut v = 0x8000u16;
    for (t, &b) in type_buckets.iter().take(GAZ_TYPES).enumerate() {
        v |= (b & 3) << (2 * t);
    }
    v | ((cap_bucket & 3) << (2 * GAZ_TYPES))
}

// Template ids. Static ones depend only on the tokens; dynamic ones on previous labels.
const T_BIAS: u64 = 1;
const T_WORD: u64 = 2;
const T_LOWER: u64 = 3;
const T_PRE: u64 = 4; // ..=7
const T_SUF: u64 = 8; // ..=11
const T_SHAPE: u64 = 12;
const T_FLAGS: u64 = 13;
const T_FLAG_BIT: u64 = 14;
const T_LOWER_M1: u64 = 15;
const T_LOWER_M2: u64 = 16;
const T_LOWER_P1: u64 = 17;
const T_LOWER_P2: u64 = 18;
const T_SHAPE_M1: u64 = 19;
const T_SHAPE_P1: u64 = 20;
const T_BIGRAM_M1: u64 = 21;
const T_BIGRAM_P1: u64 = 22;
const T_GAZ: u64 = 23;
const T_GAZ_TYPE: u64 = 24;
const T_GAZ_CAP: u64 = 25;
const T_GAZ_M1: u64 = 26;
const T_GAZ_P1: u64 = 27;
const T_SHAPE_TRI: u64 = 28;
const T_CAPS_TRI: u64 = 29;
const T_SUF3_M1: u64 = 30;
const T_WORD_M1: u64 = 31;
const T_WORD_P1: u64 = 32;
const T_PREV: u64 = 40;
const T_PREV2: u64 = 41;
const T_PREV_LOWER: u64 = 42;
const T_PREV_SHAPE: u64 = 43;

/// Upper bound of the number of static features of one token.
pub(crate) const MAX_STATIC: usize = 48;
/// Number of dynamic features of one token.
pub(crate) const N_DYNAMIC: usize = 4;

/// Maps feature hashes to table rows.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hasher {
    shift: u32,
}

impl Hasher {
    pub fn new(bits: u32) -> Hasher {
        Hasher { shift: 64 - bits }
    }

    #[inline]
    fn bucket(self, template: u64, value: u64) -> u32 {
        (mix(value ^ template.wrapping_mul(0x9e37_79b9_7f4a_7c15)) >> self.shift) as u32
    }
}

const PAD_M: u64 = 0x1111_1111_1111_1111;
const PAD_P: u64 = 0x2222_2222_2222_2222;

/// Appends the static feature buckets of token `i` of `seq` to `out`.
pub(crate) fn static_features(h: Hasher, seq: &[TokAttrs], i: usize, out: &mut Vec<u32>) {
    let a = &seq[i];
    let get = |d: isize| -> Option<&TokAttrs> {
        let j = i as isize + d;
        if j < 0 {
            None
        } else {
            seq.get(j as usize)
        }
    };
    let m1 = get(-1);
    let m2 = get(-2);
    let p1 = get(1);
    let p2 = get(2);
    let lower_or = |t: Option<&TokAttrs>, pad: u64| t.map_or(pad, |t| t.lower);
    let shape_or = |t: Option<&TokAttrs>, pad: u64| t.map_or(pad, |t| t.shape);
    out.push(h.bucket(T_BIAS, 0));
    out.push(h.bucket(T_WORD, a.word));
    out.push(h.bucket(T_LOWER, a.lower));
    for k in 0..4 {
        if a.pre[k] != 0 {
            out.push(h.bucket(T_PRE + k as u64, a.pre[k]));
        }
        if a.suf[k] != 0 {
            out.push(h.bucket(T_SUF + k as u64, a.suf[k]));
        }
    }
    out.push(h.bucket(T_SHAPE, a.shape));
    out.push(h.bucket(T_FLAGS, a.flags as u64));
    for bit in 0..N_FLAGS {
        if a.flags & (1 << bit) != 0 {
            out.push(h.bucket(T_FLAG_BIT, bit as u64));
        }
    }
    let lm1 = lower_or(m1, PAD_M);
    let lp1 = lower_or(p1, PAD_P);
    out.push(h.bucket(T_LOWER_M1, lm1));
    out.push(h.bucket(T_LOWER_M2, lower_or(m2, PAD_M)));
    out.push(h.bucket(T_LOWER_P1, lp1));
    out.push(h.bucket(T_LOWER_P2, lower_or(p2, PAD_P)));
    let sm1 = shape_or(m1, PAD_M);
    let sp1 = shape_or(p1, PAD_P);
    out.push(h.bucket(T_SHAPE_M1, sm1));
    out.push(h.bucket(T_SHAPE_P1, sp1));
    out.push(h.bucket(T_BIGRAM_M1, pair(lm1, a.lower)));
    out.push(h.bucket(T_BIGRAM_P1, pair(a.lower, lp1)));
    out.push(h.bucket(T_SHAPE_TRI, pair(pair(sm1, a.shape), sp1)));
    let caps = |t: Option<&TokAttrs>| t.map_or(2u64, |t| is_capitalised(t) as u64);
    out.push(h.bucket(
        T_CAPS_TRI,
        caps(m1) * 9 + (is_capitalised(a) as u64) * 3 + caps(p1),
    ));
    out.push(h.bucket(T_SUF3_M1, m1.map_or(PAD_M, |t| t.suf[2])));
    out.push(h.bucket(T_WORD_M1, m1.map_or(PAD_M, |t| t.word)));
    out.push(h.bucket(T_WORD_P1, p1.map_or(PAD_P, |t| t.word)));
    out.push(h.bucket(T_GAZ, a.gaz as u64));
    if a.gaz != 0 {
        for t in 0..GAZ_TYPES {
            let b = (a.gaz >> (2 * t)) & 3;
            if b != 0 {
                out.push(h.bucket(T_GAZ_TYPE, (t as u64) << 4 | b as u64));
            }
        }
        out.push(h.bucket(T_GAZ_CAP, ((a.gaz >> (2 * GAZ_TYPES)) & 3) as u64));
    }
    out.push(h.bucket(T_GAZ_M1, m1.map_or(PAD_M, |t| t.gaz as u64)));
    out.push(h.bucket(T_GAZ_P1, p1.map_or(PAD_P, |t| t.gaz as u64)));
}

/// The dynamic feature buckets of token `a` given the two previous labels (`u32::MAX` for
/// "before the sequence").
#[inline]
pub(crate) fn dynamic_features(h: Hasher, a: &TokAttrs, prev: u32, prev2: u32) -> [u32; N_DYNAMIC] {
    let p = prev as u64;
    [
        h.bucket(T_PREV, p),
        h.bucket(T_PREV2, p << 32 | prev2 as u64),
        h.bucket(T_PREV_LOWER, pair(p, a.lower)),
        h.bucket(T_PREV_SHAPE, pair(p, a.shape)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_flags(tok: &str, initial: bool, expected: u32) {
        assert_eq!(tok_attrs(tok, initial).flags, expected, "{tok:?}");
    }

    #[test]
    fn flags() {
        check_flags("Trump", false, F_INIT_CAP);
        check_flags("Trump", true, F_INIT_CAP | F_SENT_INIT);
        check_flags("FBI", false, F_INIT_CAP | F_INNER_CAP | F_ALL_CAPS);
        check_flags("said", false, 0);
        check_flags("2016", false, F_HAS_DIGIT | F_ALL_DIGIT);
        check_flags(
            "U.S.",
            false,
            F_INIT_CAP | F_INNER_CAP | F_ALL_CAPS | F_PERIOD,
        );
        check_flags(
            "D-Minn.",
            false,
            F_INIT_CAP | F_INNER_CAP | F_HYPHEN | F_PERIOD,
        );
        check_flags(",", false, F_NO_ALNUM | F_SHORT);
        check_flags("n't", false, F_APOSTROPHE);
        check_flags("McCain", false, F_INIT_CAP | F_INNER_CAP);
        check_flags("", false, F_NO_ALNUM | F_SHORT);
    }

    #[test]
    fn lower_and_affixes() {
        let a = tok_attrs("Trump", false);
        let b = tok_attrs("TRUMP", false);
        let c = tok_attrs("trump", false);
        assert_eq!(a.lower, b.lower);
        assert_eq!(a.lower, c.lower);
        assert_eq!(a.lower, fnv1a(b"trump"));
        assert_ne!(a.word, b.word);
        assert_eq!(a.pre[3], fnv1a(b"trum"));
        assert_eq!(a.suf[1], fnv1a(b"pm"));
        assert_eq!(a.shape, fnv1a(b"Xx"));
        assert_eq!(tok_attrs("É", false).lower, fnv1a("é".as_bytes()));
        let short = tok_attrs("ab", false);
        assert_eq!(short.pre[2], 0);
        assert_eq!(short.suf[3], 0);
    }

    #[test]
    fn gaz_packing() {
        assert_eq!(ratio_bucket(0, 10), 0);
        assert_eq!(ratio_bucket(1, 10), 1);
        assert_eq!(ratio_bucket(3, 10), 2);
        assert_eq!(ratio_bucket(9, 10), 3);
        assert_eq!(pack_gaz(&[3, 0, 1], 2), 0x8000 | 3 | (1 << 4) | (2 << 12));
    }

    #[test]
    fn features_in_range() {
        let toks: Vec<TokAttrs> = ["Sen.", "Al", "Franken", ",", "D-Minn."]
            .iter()
            .enumerate()
            .map(|(i, t)| tok_attrs(t, i == 0))
            .collect();
        let h = Hasher::new(10);
        for i in 0..toks.len() {
            let mut out = Vec::new();
            static_features(h, &toks, i, &mut out);
            assert!(out.len() <= MAX_STATIC);
            assert!(out.iter().all(|&b| b < 1024));
            let d = dynamic_features(h, &toks[i], 0, u32::MAX);
            assert!(d.iter().all(|&b| b < 1024));
        }
    }
}
