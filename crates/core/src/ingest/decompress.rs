//! Recognising an input by its content: gzip and zstd (by magic number, any depth up to 3),
//! WARC (a `WARC/` first line), binary files (a NUL byte in the first 8 KiB), HTML (see
//! [`super::html::looks_like_html`]), JSONL (the first non-blank byte is `{`) or plain text.

use super::read::Limits;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A byte stream being read.
pub(crate) type Stream = Box<dyn BufRead + Send>;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
const BINARY_WINDOW: usize = 8 * 1024;
const MAX_LAYERS: usize = 3;
/// The most leading whitespace looked through to tell the format.
const MAX_BLANK_PREFIX: usize = 1 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Text,
    Jsonl,
    Html,
    Warc,
}

/// Decompresses as needed and tells the format. The returned stream starts at the first byte
/// of the (decompressed) content. Errors are messages for the user. Every decompression layer
/// is bounded by `limits` ([`Limits::max_decompressed_bytes`], and
/// [`Limits::max_compression_ratio`] against the bytes read from the input itself): past a
/// bound the stream fails with an error that names the flag.
pub(crate) fn open_content(stream: Stream, limits: &Limits) -> Result<(Stream, Format), String> {
    let raw = Arc::new(AtomicU64::new(0));
    let mut stream: Stream = Box::new(Counted {
        inner: stream,
        count: raw.clone(),
    });
    for _ in 0..=MAX_LAYERS {
        let (prefix, error) = read_prefix(&mut stream);
        if prefix.is_empty() {
            if let Some(e) = error {
                return Err(e.to_string());
            }
        }
        let compression = if prefix.starts_with(&GZIP_MAGIC) {
            Some(Compression::Gzip)
        } else if prefix.starts_with(&ZSTD_MAGIC) {
            Some(Compression::Zstd)
        } else {
            None
        };
        let replay = replay(prefix.clone(), error, stream);
        match compression {
            Some(Compression::Gzip) => {
                let dec = flate2::bufread::MultiGzDecoder::new(replay);
                let dec = Labeled {
                    inner: dec,
                    label: "gzip",
                };
                stream = Box::new(BufReader::new(Bounded::new(dec, &raw, limits)));
            }
            Some(Compression::Zstd) => {
                let dec = Labeled {
                    inner: ZstdFrames::new(replay),
                    label: "zstd",
                };
                stream = Box::new(BufReader::new(Bounded::new(dec, &raw, limits)));
            }
            None => {
                // WARC records may hold binary payloads early on: told before the NUL test.
                if super::warc::looks_like_warc(&prefix) {
                    return Ok((replay, Format::Warc));
                }
                let window = &prefix[..prefix.len().min(BINARY_WINDOW)];
                if window.contains(&0) {
                    return Err("binary file, skipped".into());
                }
                return Ok((replay, detect_format(&prefix)));
            }
        }
    }
    Err("binary file, skipped".into())
}

enum Compression {
    Gzip,
    Zstd,
}

/// JSONL when the first byte that is not a BOM or whitespace is `{`. A plain-text article
/// practically never starts with `{`.
pub(crate) fn detect_format(prefix: &[u8]) -> Format {
    if super::warc::looks_like_warc(prefix) {
        return Format::Warc;
    }
    if super::html::looks_like_html(prefix) {
        return Format::Html;
    }
    let p = prefix.strip_prefix(b"\xef\xbb\xbf").unwrap_or(prefix);
    match p.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Format::Jsonl,
        _ => Format::Text,
    }
}

/// Reads the first 8 KiB, more while only whitespace has been seen (up to 1 MiB). A read error is kept to
/// be replayed after the bytes read before it.
fn read_prefix(stream: &mut Stream) -> (Vec<u8>, Option<io::Error>) {
    let mut prefix = Vec::new();
    // Bytes already known to be whitespace: each round looks at the new bytes only (a rescan
    // of the whole buffer is quadratic in a long run of leading whitespace).
    let mut scanned = 0;
    loop {
        let target = prefix.len() + BINARY_WINDOW;
        let mut chunk = vec![0u8; 8192];
        while prefix.len() < target {
            match stream.read(&mut chunk) {
                Ok(0) => return (prefix, None),
                Ok(n) => prefix.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return (prefix, Some(e)),
            }
        }
        let bom = if prefix.starts_with(b"\xef\xbb\xbf") {
            3
        } else {
            0
        };
        if prefix[scanned.max(bom)..]
            .iter()
            .any(|b| !b.is_ascii_whitespace())
        {
            return (prefix, None);
        }
        scanned = prefix.len();
        // Only whitespace so far: the format cannot be told from it; it is read as text
        // (bounded by the article limit) rather than held whole.
        if prefix.len() >= MAX_BLANK_PREFIX {
            return (prefix, None);
        }
    }
}

fn replay(prefix: Vec<u8>, error: Option<io::Error>, rest: Stream) -> Stream {
    match error {
        None => Box::new(Cursor::new(prefix).chain(rest)),
        Some(e) => Box::new(Cursor::new(prefix).chain(BufReader::new(FailOnce(Some(e))))),
    }
}

/// A reader that returns a stored error once, then end of input.
struct FailOnce(Option<io::Error>);

impl Read for FailOnce {
    fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

/// The input's own bytes as read, counted for the ratio check of [`Bounded`].
struct Counted {
    inner: Stream,
    count: Arc<AtomicU64>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl BufRead for Counted {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, n: usize) {
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        self.inner.consume(n);
    }
}

/// Below this much output the ratio is not checked: a small file may compress very well
/// (a page of boilerplate) and costs little anyway.
const RATIO_FLOOR: u64 = 64 << 20;

/// A decompressed stream that fails, naming the flag, once it has given more than
/// `max_bytes`, or (past [`RATIO_FLOOR`]) more than `max_ratio` times the input's own bytes:
/// a decompression bomb is stopped early instead of being read for minutes.
struct Bounded<R> {
    inner: R,
    raw: Arc<AtomicU64>,
    out: u64,
    max_bytes: u64,
    max_ratio: u64,
}

impl<R> Bounded<R> {
    fn new(inner: R, raw: &Arc<AtomicU64>, limits: &Limits) -> Bounded<R> {
        Bounded {
            inner,
            raw: raw.clone(),
            out: 0,
            max_bytes: limits.max_decompressed_bytes,
            max_ratio: limits.max_compression_ratio,
        }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        if self.out > self.max_bytes {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "decompressed data larger than {} bytes (--max-decompressed-bytes)",
                    self.max_bytes
                ),
            ));
        }
        let raw = self.raw.load(Ordering::Relaxed).max(1);
        if self.out > RATIO_FLOOR && self.out / raw > self.max_ratio {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "decompressed data more than {} times the compressed size \
                     (a decompression bomb? --max-compression-ratio)",
                    self.max_ratio
                ),
            ));
        }
        Ok(n)
    }
}

/// Prefixes decoder errors with the format, e.g. `truncated or corrupt gzip stream: ...`.
struct Labeled<R> {
    inner: R,
    label: &'static str,
}

impl<R: Read> Read for Labeled<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::Interrupted {
                e
            } else {
                io::Error::new(
                    e.kind(),
                    format!("truncated or corrupt {} stream: {e}", self.label),
                )
            }
        })
    }
}

/// Decodes every zstd frame of a stream (ruzstd's `StreamingDecoder` stops after one), skipping
/// skippable frames.
///
/// Each block is read whole before it is decoded, so an input that ends inside a frame (a
/// truncated file) is seen at a block boundary: the frame is then closed with an empty last
/// block, which releases everything decoded so far (the decoder holds back a window of up to
/// the whole frame while the frame is open), and the truncation is returned as an error after
/// that output.
struct ZstdFrames<R> {
    source: R,
    decoder: ruzstd::decoding::FrameDecoder,
    in_frame: bool,
    /// Whether the current frame ends with a 4-byte content checksum.
    checksum: bool,
    /// The next block (header, body and a final checksum), read before it is decoded.
    block: Vec<u8>,
    /// The input's end inside a frame, returned once the output before it has been read.
    truncated: Option<io::Error>,
}

/// A block's content is at most 128 KiB (RFC 8878, `Block_Maximum_Size`).
const ZSTD_MAX_BLOCK: usize = 128 << 10;
/// The frame header descriptor's `Content_Checksum_Flag`.
const ZSTD_CHECKSUM_FLAG: u8 = 0x04;
/// An empty raw block marked last: closes a frame cut short.
const ZSTD_EMPTY_LAST_BLOCK: [u8; 3] = [0x01, 0x00, 0x00];

impl<R: BufRead> ZstdFrames<R> {
    fn new(source: R) -> ZstdFrames<R> {
        ZstdFrames {
            source,
            decoder: ruzstd::decoding::FrameDecoder::new(),
            in_frame: false,
            checksum: false,
            block: Vec::new(),
            truncated: None,
        }
    }

    /// Starts the next frame; false when the input ends between frames.
    fn start_frame(&mut self) -> io::Result<bool> {
        use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
        loop {
            if self.source.fill_buf()?.is_empty() {
                return Ok(false);
            }
            let mut header = Recording {
                inner: &mut self.source,
                seen: Vec::new(),
            };
            match self.decoder.reset(&mut header) {
                Ok(()) => {
                    // Magic number (4 bytes), then the frame header descriptor.
                    self.checksum = header
                        .seen
                        .get(4)
                        .is_some_and(|d| d & ZSTD_CHECKSUM_FLAG != 0);
                    self.in_frame = true;
                    return Ok(true);
                }
                Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame {
                    length,
                    ..
                })) => {
                    let skipped =
                        io::copy(&mut (&mut self.source).take(length.into()), &mut io::sink())?;
                    if skipped < u64::from(length) {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "skippable frame cut short",
                        ));
                    }
                }
                Err(e) => return Err(io::Error::other(e.to_string())),
            }
        }
    }

    /// Reads the next block whole and decodes it; at the input's end inside the block, closes
    /// the frame instead and keeps the truncation to report.
    fn decode_block(&mut self) -> io::Result<()> {
        use ruzstd::decoding::BlockDecodingStrategy;
        self.block.clear();
        let mut complete = read_up_to(&mut self.source, &mut self.block, 3)? == 3;
        if complete {
            let header = u32::from(self.block[0])
                | u32::from(self.block[1]) << 8
                | u32::from(self.block[2]) << 16;
            let last = header & 1 == 1;
            let size = (header >> 3) as usize;
            let body = match (header >> 1) & 3 {
                // RLE: one byte repeated `size` times.
                1 => 1,
                // Reserved: the decoder rejects the header.
                3 => 0,
                _ => size,
            };
            if body > ZSTD_MAX_BLOCK {
                return Err(io::Error::other(format!(
                    "block of {body} bytes, more than the format's 128 KiB"
                )));
            }
            let trailer = if last && self.checksum { 4 } else { 0 };
            complete =
                read_up_to(&mut self.source, &mut self.block, body + trailer)? == body + trailer;
        }
        if !complete {
            self.block.clear();
            self.block.extend_from_slice(&ZSTD_EMPTY_LAST_BLOCK);
            if self.checksum {
                self.block.extend_from_slice(&[0; 4]);
            }
            self.truncated = Some(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the input ends inside a frame",
            ));
        }
        self.decoder
            .decode_blocks(self.block.as_slice(), BlockDecodingStrategy::UptoBlocks(1))
            .map_err(|e| io::Error::other(e.to_string()))?;
        Ok(())
    }
}

impl<R: BufRead> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if !self.in_frame {
                if let Some(e) = self.truncated.take() {
                    return Err(e);
                }
                if !self.start_frame()? {
                    return Ok(0);
                }
            }
            while self.decoder.can_collect() < buf.len() && !self.decoder.is_finished() {
                self.decode_block()?;
            }
            let n = self.decoder.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            if self.decoder.is_finished() {
                self.in_frame = false;
            }
        }
    }
}

/// Appends up to `n` bytes of `source` to `out`; fewer only at the end of the input.
fn read_up_to(source: &mut impl Read, out: &mut Vec<u8>, n: usize) -> io::Result<usize> {
    source.by_ref().take(n as u64).read_to_end(out)
}

/// A reader that keeps a copy of the first bytes read through it (a frame header).
struct Recording<'a, R> {
    inner: &'a mut R,
    seen: Vec<u8>,
}

impl<R: Read> Read for Recording<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.seen.len() < 8 {
            self.seen.extend_from_slice(&buf[..n]);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    fn zstd(data: &[u8]) -> Vec<u8> {
        ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
    }

    /// Opens bytes and reads them all: (format, content, error message).
    fn open(bytes: Vec<u8>) -> Result<(Format, Vec<u8>, Option<String>), String> {
        let (mut s, f) = open_content(Box::new(Cursor::new(bytes)), &Limits::default())?;
        let mut out = Vec::new();
        let err = s.read_to_end(&mut out).err().map(|e| e.to_string());
        Ok((f, out, err))
    }

    fn check(bytes: Vec<u8>, format: Format, content: &[u8]) {
        let (f, out, err) = open(bytes).unwrap();
        assert_eq!((f, out.as_slice(), err), (format, content, None));
    }

    #[test]
    fn formats_by_content() {
        check(b"Hello world".to_vec(), Format::Text, b"Hello world");
        check(
            b"{\"text\":\"x\"}\n".to_vec(),
            Format::Jsonl,
            b"{\"text\":\"x\"}\n",
        );
        check(
            b"\n  \n{\"a\":1}".to_vec(),
            Format::Jsonl,
            b"\n  \n{\"a\":1}",
        );
        check(b"\xef\xbb\xbf{}".to_vec(), Format::Jsonl, b"\xef\xbb\xbf{}");
        check(b"[1]".to_vec(), Format::Text, b"[1]");
        check(Vec::new(), Format::Text, b"");
        let mut spaces = vec![b' '; 20_000];
        spaces.push(b'{');
        check(spaces.clone(), Format::Jsonl, &spaces);
    }

    #[test]
    fn compression_round_trips() {
        let big: Vec<u8> = (0..200_000u32)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        for data in [
            b"Hello, world".to_vec(),
            b"{\"text\":\"hi\"}\n".to_vec(),
            big,
        ] {
            let format = detect_format(&data);
            check(gzip(&data), format, &data);
            check(zstd(&data), format, &data);
            check(gzip(&zstd(&data)), format, &data);
        }
    }

    #[test]
    fn concatenated_members_and_frames() {
        let mut two = gzip(b"one ");
        two.extend(gzip(b"two"));
        check(two, Format::Text, b"one two");
        let mut two = zstd(b"one ");
        two.extend(zstd(b"two"));
        check(two, Format::Text, b"one two");
        // A skippable frame between two frames.
        let mut frames = zstd(b"one ");
        frames.extend([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9]);
        frames.extend(zstd(b"two"));
        check(frames, Format::Text, b"one two");
    }

    #[test]
    fn truncated_streams_yield_their_start_then_an_error() {
        let data: Vec<u8> = (0..100_000u32)
            .flat_map(|i| format!("{i} ").into_bytes())
            .collect();
        for (name, packed) in [("gzip", gzip(&data)), ("zstd", zstd(&data))] {
            let cut = packed[..packed.len() * 2 / 3].to_vec();
            let (_, out, err) = open(cut).unwrap();
            assert!(data.starts_with(&out), "{name}");
            let err = err.unwrap_or_else(|| panic!("{name}: no error"));
            assert!(err.contains(name), "{err}");
            // Only the header.
            match open(packed[..12].to_vec()) {
                Err(m) => assert!(m.contains(name), "{m}"),
                Ok((_, out, err)) => {
                    assert!(out.is_empty(), "{name}");
                    assert!(err.is_some(), "{name}");
                }
            }
        }
    }

    /// `packed` (one zstd frame) with its content checksum removed or added (the checksum is
    /// not verified, so four zero bytes serve).
    fn toggle_checksum(mut packed: Vec<u8>) -> Vec<u8> {
        packed[4] ^= ZSTD_CHECKSUM_FLAG;
        if packed[4] & ZSTD_CHECKSUM_FLAG == 0 {
            packed.truncate(packed.len() - 4);
        } else {
            packed.extend([0; 4]);
        }
        packed
    }

    #[test]
    fn truncated_zstd_yields_every_complete_block() {
        let data: Vec<u8> = (0..200_000u32)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        let packed = zstd(&data);
        assert!(data.len() > 8 * ZSTD_MAX_BLOCK);
        for packed in [toggle_checksum(packed.clone()), packed] {
            for cut in [packed.len() / 3, packed.len() / 2, packed.len() - 1] {
                let (_, out, err) = open(packed[..cut].to_vec()).unwrap();
                let err = err.expect("an error after the output");
                assert!(err.contains("the input ends inside a frame"), "{err}");
                assert!(data.starts_with(&out));
                // The frame compresses evenly: all but the cut block (at most 128 KiB of
                // output) and a block of slack are given.
                let expected = data.len() * cut / packed.len();
                assert!(
                    out.len() + 2 * ZSTD_MAX_BLOCK >= expected,
                    "cut at {cut}: {} bytes of about {expected}",
                    out.len()
                );
            }
            // The whole frame, then nothing more.
            check(packed, Format::Text, &data);
        }
    }

    #[test]
    fn binary_files_are_refused() {
        let r = open(b"PK\x03\x04\0\0binary".to_vec());
        assert_eq!(r.err().as_deref(), Some("binary file, skipped"));
        let r = open(gzip(b"\0\x01\x02"));
        assert_eq!(r.err().as_deref(), Some("binary file, skipped"));
        // A NUL after the first 8 KiB does not make a file binary.
        let mut late = vec![b'a'; 9000];
        late.push(0);
        assert!(open(late).is_ok());
    }
}
