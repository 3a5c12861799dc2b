//! Stable hashing for feature ids, checksums and a seeded PRNG; nothing here depends on the
//! platform or on `std`'s randomised hashers, so models are byte-identical across runs.

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a over bytes.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// An incremental FNV-1a hasher.
#[derive(Clone, Copy, Debug)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(FNV_OFFSET)
    }
}

impl Fnv {
    pub fn byte(&mut self, b: u8) {
        self.0 ^= u64::from(b);
        self.0 = self.0.wrapping_mul(FNV_PRIME);
    }

    pub fn char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            self.byte(b);
        }
    }

    pub fn finish(self) -> u64 {
        self.0
    }
}

/// The splitmix64 finaliser: a strong 64-bit mix.
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Combines a running hash with one more value.
pub fn combine(a: u64, b: u64) -> u64 {
    mix64(a.rotate_left(17) ^ b.wrapping_add(0x9e37_79b9_7f4a_7c15))
}

/// Folds a feature hash to the 32-bit id stored in a model; 0 is reserved for "empty".
pub fn feature_id(h: u64) -> u32 {
    let id = (h ^ (h >> 32)) as u32;
    if id == 0 {
        1
    } else {
        id
    }
}

/// A seeded splitmix64 generator for shuffling.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.0)
    }

    /// Uniform in `0..n` (n > 0), by rejection-free multiply-shift.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_fnv(input: &str, expected: u64) {
        assert_eq!(fnv1a(input.as_bytes()), expected, "{input:?}");
        let mut h = Fnv::default();
        for c in input.chars() {
            h.char(c);
        }
        assert_eq!(h.finish(), expected, "incremental {input:?}");
    }

    #[test]
    fn fnv_known_values() {
        check_fnv("", 0xcbf2_9ce4_8422_2325);
        check_fnv("a", 0xaf63_dc4c_8601_ec8c);
        check_fnv("foobar", 0x8594_4171_f739_67e8);
    }

    #[test]
    fn rng_is_seeded_and_in_range() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for n in 1..200 {
            let x = a.below(n);
            assert_eq!(x, b.below(n));
            assert!(x < n);
        }
        let mut v: Vec<usize> = (0..50).collect();
        Rng::new(3).shuffle(&mut v);
        let mut sorted = v.clone();
        sorted.sort();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        assert_ne!(v, sorted);
    }

    #[test]
    fn feature_id_never_zero() {
        for h in [0u64, 1, u64::MAX, 0xffff_ffff, 0xffff_ffff_0000_0000] {
            assert_ne!(feature_id(h), 0);
        }
    }
}
