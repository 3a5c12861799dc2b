//! The model file: `VRBTMODL`, a u32 version, the u64 FNV-1a checksum and u64 length of the
//! payload, then the deflate-compressed payload (little-endian throughout):
//! a u32-length-prefixed JSON settings blob, then each weight table as
//! `n_labels u32, n_rows u32, scale f32, keys [u32; n_rows], weights [i16; n_rows*n_labels]`.

use super::hash::fnv1a;
use super::perceptron::Weights;
use crate::error::{Error, Result};
use std::io::{Read, Write};

pub const MAGIC: &[u8; 8] = b"VRBTMODL";
pub const VERSION: u32 = 1;
const HEADER: usize = 8 + 4 + 8 + 8;

fn model_err(name: &str, message: impl Into<String>) -> Error {
    Error::Model {
        name: name.into(),
        message: message.into(),
    }
}

pub fn write(settings_json: &str, tables: &[&Weights]) -> Vec<u8> {
    let mut payload = Vec::new();
    payload.extend((settings_json.len() as u32).to_le_bytes());
    payload.extend(settings_json.as_bytes());
    payload.extend((tables.len() as u32).to_le_bytes());
    for t in tables {
        payload.extend((t.n_labels as u32).to_le_bytes());
        payload.extend((t.keys.len() as u32).to_le_bytes());
        payload.extend(t.scale.to_le_bytes());
        for k in &t.keys {
            payload.extend(k.to_le_bytes());
        }
        // Delta-free but column-major weights compress better.
        for j in 0..t.n_labels {
            for r in 0..t.keys.len() {
                payload.extend(t.q[r * t.n_labels + j].to_le_bytes());
            }
        }
    }
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&payload)
        .expect("writing to a Vec cannot fail");
    let compressed = enc.finish().expect("writing to a Vec cannot fail");
    let mut out = Vec::with_capacity(HEADER + compressed.len());
    out.extend(MAGIC);
    out.extend(VERSION.to_le_bytes());
    out.extend(fnv1a(&compressed).to_le_bytes());
    out.extend((compressed.len() as u64).to_le_bytes());
    out.extend(compressed);
    out
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
    name: &'a str,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or_else(|| model_err(self.name, "truncated payload"))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
}

/// Reads a model file; `name` (`attribution`, `pos`, `parse`) names it in errors.
pub fn read(name: &str, bytes: &[u8]) -> Result<(String, Vec<Weights>)> {
    let err = |m: &str| model_err(name, m);
    if bytes.len() < HEADER {
        return Err(err("file too short to be a model"));
    }
    if &bytes[..8] != MAGIC {
        return Err(err(&format!("not a verbatim {name} model (bad magic)")));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().unwrap());
    if version != VERSION {
        return Err(err(&format!(
            "model format version {version}, this build reads version {VERSION}: retrain"
        )));
    }
    let sum = u64::from_le_bytes(bytes[12..20].try_into().unwrap());
    let len = u64::from_le_bytes(bytes[20..28].try_into().unwrap());
    let body = &bytes[HEADER..];
    if body.len() as u64 != len {
        return Err(err(&format!(
            "payload is {} bytes, header says {len}: truncated or corrupt",
            body.len()
        )));
    }
    if fnv1a(body) != sum {
        return Err(err("checksum mismatch: the model file is corrupt"));
    }
    let mut payload = Vec::new();
    flate2::read::DeflateDecoder::new(body)
        .take(1 << 30)
        .read_to_end(&mut payload)
        .map_err(|e| err(&format!("cannot decompress: {e}")))?;
    let mut r = Reader {
        b: &payload,
        at: 0,
        name,
    };
    let n = r.u32()? as usize;
    let settings = std::str::from_utf8(r.take(n)?)
        .map_err(|_| err("settings are not UTF-8"))?
        .to_string();
    let n_tables = r.u32()? as usize;
    let mut tables = Vec::new();
    for _ in 0..n_tables {
        let l = r.u32()? as usize;
        if l == 0 || l > super::perceptron::MAX_LABELS {
            return Err(err(&format!("{l} labels in a table")));
        }
        let rows = r.u32()? as usize;
        let scale = f32::from_le_bytes(r.take(4)?.try_into().unwrap());
        let keys: Vec<u32> = r
            .take(rows.checked_mul(4).ok_or_else(|| err("too many rows"))?)?
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        if keys.contains(&0) {
            return Err(err("feature id 0 is reserved"));
        }
        let cols = r.take(rows * l * 2)?;
        let mut q = vec![0i16; rows * l];
        for j in 0..l {
            for row in 0..rows {
                let at = (j * rows + row) * 2;
                q[row * l + j] = i16::from_le_bytes([cols[at], cols[at + 1]]);
            }
        }
        tables.push(Weights::new(l, scale, keys, q));
    }
    if r.at != payload.len() {
        return Err(err("trailing bytes after the weight tables"));
    }
    Ok((settings, tables))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let a = Weights::new(3, 0.5, vec![5, 9, 12], vec![1, -2, 3, 4, 5, -6, 7, 8, 9]);
        let b = Weights::new(2, 0.25, vec![1], vec![-1, 1]);
        write("{\"x\":1}", &[&a, &b])
    }

    #[test]
    fn round_trip() {
        let bytes = sample();
        let (s, t) = read("test", &bytes).unwrap();
        assert_eq!(s, "{\"x\":1}");
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].keys, vec![5, 9, 12]);
        assert_eq!(t[0].q, vec![1, -2, 3, 4, 5, -6, 7, 8, 9]);
        assert_eq!(t[1].scale, 0.25);
        assert_eq!(write(&s, &[&t[0], &t[1]]), bytes);
    }

    fn check_corrupt(mutate: impl Fn(&mut Vec<u8>), expected: &str) {
        let mut bytes = sample();
        mutate(&mut bytes);
        let e = read("test", &bytes).unwrap_err().to_string();
        assert!(e.contains(expected), "{e:?} lacks {expected:?}");
    }

    #[test]
    fn corrupt_files_are_refused() {
        check_corrupt(|b| b.truncate(10), "too short");
        check_corrupt(|b| b[0] = b'X', "bad magic");
        check_corrupt(|b| b[8] = 9, "version 9");
        check_corrupt(|b| b.truncate(b.len() - 1), "truncated");
        check_corrupt(
            |b| {
                let n = b.len();
                b[n - 2] ^= 0x40;
            },
            "checksum",
        );
        check_corrupt(|b| b.clear(), "too short");
    }
}
