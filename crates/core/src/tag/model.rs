//! The tagger's model: labels, a dense table of quantised weights, the gazetteer, the greedy
//! decoder and the binary file format.
//!
//! File layout (all integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `VBNERMDL` |
//! | 4 | format version (1) |
//! | 4 | payload length |
//! | 8 | FNV-1a 64 checksum of the payload |
//! | .. | payload: a raw-deflate stream of the body |
//!
//! Body: `hash_bits: u8`, `n_labels: u8`, each label as `len: u8` + UTF-8 (`O`, `B-person`,
//! `I-title`, ...); `n_rows: u32` then per non-zero row the varint delta of its bucket and
//! `n_labels` `i16` weights; `n_gaz: u32` then per gazetteer entry the varint delta of its
//! key (the low 32 bits of the FNV-1a of the lowercased word) and its packed `u16` value.

use super::features::{fnv1a, Hasher, TokAttrs};
use super::EntityType;
use crate::error::{Error, Result};
use std::io::{Read, Write};

pub(crate) const MAGIC: &[u8; 8] = b"VBNERMDL";
pub(crate) const VERSION: u32 = 1;
const HEADER_LEN: usize = 24;
const MAX_BODY: u64 = 256 << 20;

/// One BIO label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Tag {
    O,
    B(EntityType),
    I(EntityType),
}

impl Tag {
    pub fn name(self) -> String {
        match self {
            Tag::O => "O".to_string(),
            Tag::B(t) => format!("B-{}", t.as_str()),
            Tag::I(t) => format!("I-{}", t.as_str()),
        }
    }

    pub fn parse(s: &str) -> Option<Tag> {
        if s == "O" {
            return Some(Tag::O);
        }
        let (bio, ty) = s.split_once('-')?;
        let ty = EntityType::parse(ty)?;
        match bio {
            "B" => Some(Tag::B(ty)),
            "I" => Some(Tag::I(ty)),
            _ => None,
        }
    }

    pub fn kind(self) -> Option<EntityType> {
        match self {
            Tag::O => None,
            Tag::B(t) | Tag::I(t) => Some(t),
        }
    }
}

/// The BIO label set over `types`: `O`, then `B-t`, `I-t` per type.
pub(crate) fn label_set(types: &[EntityType]) -> Vec<Tag> {
    let mut labels = vec![Tag::O];
    for &t in types {
        labels.push(Tag::B(t));
        labels.push(Tag::I(t));
    }
    labels
}

/// `allowed[prev + 1][cur]`: BIO validity, `prev = -1` meaning "start of sequence".
pub(crate) fn transitions(labels: &[Tag]) -> Vec<Vec<bool>> {
    let mut out = Vec::with_capacity(labels.len() + 1);
    for p in 0..=labels.len() {
        let prev = if p == 0 { Tag::O } else { labels[p - 1] };
        out.push(
            labels
                .iter()
                .map(|&cur| match cur {
                    Tag::I(t) => prev.kind() == Some(t),
                    _ => true,
                })
                .collect(),
        );
    }
    out
}

/// Index of the best allowed label; ties go to the lowest index.
#[inline]
pub(crate) fn argmax_allowed(scores: &[i32], allowed: &[bool]) -> usize {
    let mut best = 0;
    let mut best_score = i32::MIN;
    for (k, (&s, &ok)) in scores.iter().zip(allowed).enumerate() {
        if ok && s > best_score {
            best = k;
            best_score = s;
        }
    }
    best
}

/// A loaded model.
#[derive(Debug)]
pub(crate) struct Model {
    pub hash_bits: u32,
    pub labels: Vec<Tag>,
    pub allowed: Vec<Vec<bool>>,
    /// `2^hash_bits * labels.len()` weights, row-major.
    pub weights: Vec<i16>,
    /// Sorted gazetteer keys and their packed values.
    pub gaz_keys: Vec<u32>,
    pub gaz_vals: Vec<u16>,
}

impl Model {
    pub fn hasher(&self) -> Hasher {
        Hasher::new(self.hash_bits)
    }

    pub fn gaz(&self, lower: u64) -> u16 {
        match self.gaz_keys.binary_search(&(lower as u32)) {
            Ok(k) => self.gaz_vals[k],
            Err(_) => 0,
        }
    }

    #[inline]
    pub fn add_row(&self, bucket: u32, scores: &mut [i32]) {
        let n = self.labels.len();
        let row = &self.weights[bucket as usize * n..bucket as usize * n + n];
        for (s, &w) in scores.iter_mut().zip(row) {
            *s += w as i32;
        }
    }

    /// Greedy left-to-right decoding of one sequence into label indices.
    pub fn decode(&self, seq: &[TokAttrs], scratch: &mut Vec<u32>, out: &mut Vec<usize>) {
        let h = self.hasher();
        let n = self.labels.len();
        let mut scores = vec![0i32; n];
        let (mut prev, mut prev2) = (u32::MAX, u32::MAX);
        out.clear();
        for i in 0..seq.len() {
            scores.iter_mut().for_each(|s| *s = 0);
            scratch.clear();
            super::features::static_features(h, seq, i, scratch);
            for &b in scratch.iter() {
                self.add_row(b, &mut scores);
            }
            for b in super::features::dynamic_features(h, &seq[i], prev, prev2) {
                self.add_row(b, &mut scores);
            }
            let row = if prev == u32::MAX {
                0
            } else {
                prev as usize + 1
            };
            let best = argmax_allowed(&scores, &self.allowed[row]);
            out.push(best);
            prev2 = prev;
            prev = best as u32;
        }
    }

    /// Serialises the model.
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.labels.len();
        let mut body = Vec::new();
        body.push(self.hash_bits as u8);
        body.push(n as u8);
        for l in &self.labels {
            let name = l.name();
            body.push(name.len() as u8);
            body.extend_from_slice(name.as_bytes());
        }
        let rows: Vec<usize> = (0..self.weights.len() / n.max(1))
            .filter(|&r| self.weights[r * n..r * n + n].iter().any(|&w| w != 0))
            .collect();
        body.extend_from_slice(&(rows.len() as u32).to_le_bytes());
        let mut last = 0usize;
        for &r in &rows {
            put_varint(&mut body, (r - last) as u64);
            last = r;
            for &w in &self.weights[r * n..r * n + n] {
                body.extend_from_slice(&w.to_le_bytes());
            }
        }
        body.extend_from_slice(&(self.gaz_keys.len() as u32).to_le_bytes());
        let mut last = 0u32;
        for (&k, &v) in self.gaz_keys.iter().zip(&self.gaz_vals) {
            put_varint(&mut body, (k - last) as u64);
            last = k;
            body.extend_from_slice(&v.to_le_bytes());
        }
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&body).expect("writing to a Vec cannot fail");
        let payload = enc.finish().expect("writing to a Vec cannot fail");
        let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        out.extend_from_slice(&fnv1a(&payload).to_le_bytes());
        out.extend_from_slice(&payload);
        out
    }

    /// Parses a model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model> {
        if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
            return Err(bad("not a verbatim NER model (bad magic)"));
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().unwrap());
        if version != VERSION {
            return Err(bad(&format!(
                "format version {version}, expected {VERSION}"
            )));
        }
        let len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
        let sum = u64::from_le_bytes(bytes[16..24].try_into().unwrap());
        let payload = &bytes[HEADER_LEN..];
        if payload.len() != len {
            return Err(bad("truncated or padded file"));
        }
        if fnv1a(payload) != sum {
            return Err(bad("checksum mismatch"));
        }
        let mut body = Vec::new();
        flate2::read::DeflateDecoder::new(payload)
            .take(MAX_BODY)
            .read_to_end(&mut body)
            .map_err(|e| bad(&format!("corrupt payload: {e}")))?;
        let mut r = Reader { buf: &body, pos: 0 };
        let hash_bits = r.u8()? as u32;
        if !(8..=24).contains(&hash_bits) {
            return Err(bad("hash bits out of range"));
        }
        let n = r.u8()? as usize;
        let mut labels = Vec::with_capacity(n);
        for _ in 0..n {
            let len = r.u8()? as usize;
            let name = std::str::from_utf8(r.take(len)?).map_err(|_| bad("label not UTF-8"))?;
            labels.push(Tag::parse(name).ok_or_else(|| bad("unknown label"))?);
        }
        if labels.first() != Some(&Tag::O) {
            return Err(bad("label 0 must be O"));
        }
        let n_buckets = 1usize << hash_bits;
        let mut weights = vec![0i16; n_buckets * n];
        let n_rows = r.u32()? as usize;
        let mut row = 0usize;
        for k in 0..n_rows {
            let delta = r.varint()? as usize;
            if k > 0 && delta == 0 {
                return Err(bad("rows out of order"));
            }
            row = row.checked_add(delta).ok_or_else(|| bad("row overflow"))?;
            if row >= n_buckets {
                return Err(bad("row out of range"));
            }
            for (w, b) in weights[row * n..row * n + n]
                .iter_mut()
                .zip(r.take(2 * n)?.chunks_exact(2))
            {
                *w = i16::from_le_bytes([b[0], b[1]]);
            }
        }
        let n_gaz = r.u32()? as usize;
        let mut gaz_keys = Vec::with_capacity(n_gaz.min(1 << 20));
        let mut gaz_vals = Vec::with_capacity(n_gaz.min(1 << 20));
        let mut key = 0u64;
        for k in 0..n_gaz {
            let delta = r.varint()?;
            if k > 0 && delta == 0 {
                return Err(bad("gazetteer out of order"));
            }
            key += delta;
            if key > u32::MAX as u64 {
                return Err(bad("gazetteer key out of range"));
            }
            gaz_keys.push(key as u32);
            let v = r.take(2)?;
            gaz_vals.push(u16::from_le_bytes([v[0], v[1]]));
        }
        if r.pos != body.len() {
            return Err(bad("trailing bytes"));
        }
        let allowed = transitions(&labels);
        Ok(Model {
            hash_bits,
            labels,
            allowed,
            weights,
            gaz_keys,
            gaz_vals,
        })
    }
}

fn bad(message: &str) -> Error {
    Error::Model {
        name: "ner".to_string(),
        message: message.to_string(),
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        let end = end.ok_or_else(|| bad("truncated body"))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }

    fn varint(&mut self) -> Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(bad("varint too long"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Model {
        let labels = label_set(&[EntityType::Person, EntityType::Location]);
        let n = labels.len();
        let mut weights = vec![0i16; 256 * n];
        weights[3 * n + 1] = 5;
        weights[3 * n + 4] = -7;
        weights[200 * n] = i16::MAX;
        weights[255 * n + n - 1] = i16::MIN;
        Model {
            hash_bits: 8,
            allowed: transitions(&labels),
            labels,
            weights,
            gaz_keys: vec![3, 70_000, u32::MAX],
            gaz_vals: vec![0x8001, 0x8002, 0xffff],
        }
    }

    #[test]
    fn round_trip() {
        let m = tiny();
        let bytes = m.to_bytes();
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back.labels, m.labels);
        assert_eq!(back.weights, m.weights);
        assert_eq!(back.gaz_keys, m.gaz_keys);
        assert_eq!(back.gaz_vals, m.gaz_vals);
        assert_eq!(back.to_bytes(), bytes);
        assert_eq!(back.gaz(70_000), 0x8002);
        assert_eq!(back.gaz(5), 0);
    }

    fn check_corrupt(bytes: &[u8]) {
        assert!(
            matches!(Model::from_bytes(bytes), Err(Error::Model { .. })),
            "accepted {} bytes",
            bytes.len()
        );
    }

    #[test]
    fn corrupt_files() {
        let good = tiny().to_bytes();
        check_corrupt(b"");
        check_corrupt(b"VBNERMDL");
        check_corrupt(&good[..good.len() - 1]);
        check_corrupt(&good[..HEADER_LEN]);
        let mut extra = good.clone();
        extra.push(0);
        check_corrupt(&extra);
        for k in [0, 8, 12, 16, HEADER_LEN, HEADER_LEN + 3, good.len() - 1] {
            let mut flipped = good.clone();
            flipped[k] ^= 0x40;
            check_corrupt(&flipped);
        }
    }

    #[test]
    fn labels_parse() {
        for t in label_set(&[EntityType::Person, EntityType::Title, EntityType::Other]) {
            assert_eq!(Tag::parse(&t.name()), Some(t));
        }
        assert_eq!(Tag::parse("B-"), None);
        assert_eq!(Tag::parse("X-person"), None);
        assert_eq!(Tag::parse("I-nobody"), None);
    }

    #[test]
    fn bio_transitions() {
        let labels = label_set(&[EntityType::Person, EntityType::Location]);
        let allowed = transitions(&labels);
        // start: O, B-person, I-person(no), B-location, I-location(no)
        assert_eq!(allowed[0], vec![true, true, false, true, false]);
        // after B-person: I-person ok, I-location not
        assert_eq!(allowed[2], vec![true, true, true, true, false]);
        assert_eq!(argmax_allowed(&[1, 2, 9, 0, 0], &allowed[0]), 1);
        assert_eq!(argmax_allowed(&[1, 2, 9, 0, 0], &allowed[2]), 2);
    }
}
