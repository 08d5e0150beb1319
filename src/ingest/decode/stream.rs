//! Decoding a canonical CSV file as a stream (issue #13): records are read one at a
//! time from the file, its SHA-256 and size are worked out from the bytes as they go
//! by, and nothing ever holds the whole file, so one folder holding a national extract
//! is read in memory bounded by a record and the reader's buffer.
//!
//! It decodes as [`source`](super::source) does a CSV export: the same header checks,
//! the same cell bounds, and the same line numbers (counted from where each record
//! starts, which the csv reader's own count gets wrong after a `\r\n`). A canonical
//! file should be UTF-8 with `,` between fields (a BOM allowed), but one saved from Excel
//! on Windows is Windows-1252, often `;`-separated: as for a mapped export (spec 03), a
//! first pass over the bytes finds whether they are valid UTF-8 (else they are read as
//! Windows-1252, a byte at a time, so the stream needs no state) and which delimiter the
//! header line uses ([`Sniffed`]); the records are then streamed. Workbooks are still
//! decoded whole by [`source`](super::source): they are size-capped by the hardening
//! checks.

use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::source::{self, Record};
use crate::ingest::IngestError;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The longest header line looked at for its delimiter.
const HEADER_LINE_LIMIT: usize = 64 * 1024;

/// What a first pass over a CSV file's bytes found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    /// The bytes are not valid UTF-8 and have no BOM: they are read as Windows-1252.
    pub windows1252: bool,
    /// The most frequent of `,` `;` tab `|` in the header line (`,` when none is).
    pub delimiter: u8,
}

impl Sniffed {
    /// How the file was read, when that is not the canonical UTF-8 with commas:
    /// `CSV, Windows-1252, ';'-separated`.
    pub fn read_as(&self) -> Option<String> {
        if !self.windows1252 && self.delimiter == b',' {
            return None;
        }
        let encoding = if self.windows1252 {
            "Windows-1252"
        } else {
            "UTF-8"
        };
        Some(format!(
            "CSV, {encoding}, {}",
            source::delimiter_name(self.delimiter)
        ))
    }

    /// Reads `reader` to its end (or until both answers are known), then goes back to
    /// its start.
    fn of<R: Read + Seek>(reader: &mut R) -> std::io::Result<Sniffed> {
        let mut buf = vec![0u8; 64 * 1024];
        let mut header: Vec<u8> = Vec::new();
        let mut header_done = false;
        // An incomplete UTF-8 sequence at the end of the bytes checked so far.
        let mut unfinished: Vec<u8> = Vec::new();
        let mut utf8 = true;
        let mut bom = false;
        let mut first = true;
        loop {
            let n = read_some(reader, &mut buf, if first { BOM.len() } else { 1 })?;
            if n == 0 {
                break;
            }
            let mut chunk = &buf[..n];
            if first {
                first = false;
                if let Some(rest) = chunk.strip_prefix(BOM) {
                    // A BOM says UTF-8 (a bad cell is then reported as such).
                    bom = true;
                    chunk = rest;
                }
            }
            if !header_done {
                let end = chunk.iter().position(|&b| b == b'\n');
                let take = end.unwrap_or(chunk.len());
                let room = HEADER_LINE_LIMIT.saturating_sub(header.len());
                header.extend_from_slice(&chunk[..take.min(room)]);
                header_done = end.is_some() || header.len() >= HEADER_LINE_LIMIT;
            }
            if utf8 && !bom {
                unfinished.extend_from_slice(chunk);
                match std::str::from_utf8(&unfinished) {
                    Ok(_) => unfinished.clear(),
                    Err(e) if e.error_len().is_none() => {
                        unfinished.drain(..e.valid_up_to());
                    }
                    Err(_) => utf8 = false,
                }
            }
            if header_done && (bom || !utf8) {
                break;
            }
        }
        // Valid to the end: no bad sequence, and none left unfinished.
        let valid_utf8 = utf8 && unfinished.is_empty();
        let windows1252 = !(bom || valid_utf8);
        reader.seek(SeekFrom::Start(0))?;
        let header = if windows1252 {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(&header)
                .0
                .into_owned()
                .into_bytes()
        } else {
            header
        };
        Ok(Sniffed {
            windows1252,
            delimiter: source::detect_delimiter(&header),
        })
    }
}

/// Reads into `buf` until it holds at least `least` bytes or the source ends.
fn read_some<R: Read>(reader: &mut R, buf: &mut [u8], least: usize) -> std::io::Result<usize> {
    let mut got = 0;
    while got < least.min(buf.len()) {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// A canonical CSV source opened and its header read; records come one at a time from
/// [`CsvStream::next_record`].
pub struct CsvStream<R: Read> {
    path: PathBuf,
    reader: csv::Reader<Tap<R>>,
    record: csv::ByteRecord,
    /// The header, each name trimmed.
    pub header: Vec<String>,
    /// How its bytes were read.
    pub sniffed: Sniffed,
}

impl<R: Read + Seek> CsvStream<R> {
    /// Opens `reader` (the file `path`, named in messages), finds how it is encoded and
    /// separated, and reads its header.
    pub fn open(path: &Path, mut reader: R) -> Result<Self, IngestError> {
        let sniffed = Sniffed::of(&mut reader).map_err(|source| IngestError::Read {
            path: path.to_owned(),
            source,
        })?;
        let mut tap = Tap::new(reader);
        tap.windows1252 = sniffed.windows1252;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .delimiter(sniffed.delimiter)
            .from_reader(tap);
        let header: Vec<String> = reader
            .byte_headers()
            .map_err(|e| csv_error(path, e, 1))?
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_string())
            .collect();
        source::check_header(path, &header, 1)?;
        Ok(CsvStream {
            path: path.to_owned(),
            reader,
            record: csv::ByteRecord::new(),
            header,
            sniffed,
        })
    }
}

impl<R: Read> CsvStream<R> {
    /// The next data line with the cells at header positions `wanted` (in that order),
    /// or `None` at the end of the file. Blank lines are skipped; a line with a
    /// different number of fields than the header comes with its count, for the caller
    /// to judge.
    pub fn next_record(&mut self, wanted: &[usize]) -> Result<Option<Record>, IngestError> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => return Ok(None),
            Ok(true) => {}
            Err(e) => {
                let tap = self.reader.get_mut();
                let line = e.position().map_or(0, |p| tap.line_at(p.byte()));
                return Err(csv_error(&self.path, e, line));
            }
        }
        let cells = wanted
            .iter()
            .map(|&at| match self.record.get(at) {
                None => Ok(String::new()),
                Some(raw) => std::str::from_utf8(raw)
                    .map_err(|_| source::BadCell::NotUtf8)
                    .and_then(source::bounded),
            })
            .collect();
        let start = self.record.position().map_or(0, |p| p.byte());
        Ok(Some(Record {
            line: self.reader.get_mut().line_at(start),
            fields: Some(self.record.len()),
            cells,
        }))
    }

    /// Reads what is left of the source and gives the lower-case hex SHA-256 and the
    /// size of all its bytes (a BOM included).
    pub fn finish(self) -> Result<(String, u64), IngestError> {
        let path = self.path;
        let mut tap = self.reader.into_inner();
        tap.drain()
            .map_err(|source| IngestError::Read { path, source })?;
        Ok((hex::encode(tap.hasher.finalize()), tap.bytes))
    }
}

/// A failure to read the file is reported as when it is read whole (the file and the
/// system's reason); a CSV error with its line.
fn csv_error(path: &Path, error: csv::Error, line: u64) -> IngestError {
    let message = error.to_string();
    match error.into_kind() {
        csv::ErrorKind::Io(source) => IngestError::Read {
            path: path.to_owned(),
            source,
        },
        _ => IngestError::Csv {
            path: path.to_owned(),
            line,
            message,
        },
    }
}

/// The file's bytes on their way to the csv reader: hashed and counted, a leading BOM
/// dropped, and the bytes since the last record's start kept to number its lines.
struct Tap<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
    /// Whether the first bytes have been looked at for a BOM.
    started: bool,
    /// Bytes read while looking for a BOM and not yet handed on.
    pending: Vec<u8>,
    /// Bytes handed to the csv reader from offset `kept_from` (of the text without its
    /// BOM) on; `kept[..head]` is already counted and waits to be dropped.
    kept: Vec<u8>,
    head: usize,
    kept_from: u64,
    /// Newlines before `kept_from`.
    newlines: u64,
    /// Whether the bytes are Windows-1252, handed on as UTF-8.
    windows1252: bool,
    /// UTF-8 decoded from Windows-1252 that did not fit the last read.
    decoded: Vec<u8>,
}

impl<R: Read> Tap<R> {
    fn new(inner: R) -> Self {
        Tap {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
            started: false,
            pending: Vec::new(),
            kept: Vec::new(),
            head: 0,
            kept_from: 0,
            newlines: 0,
            windows1252: false,
            decoded: Vec::new(),
        }
    }

    fn read_inner(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            match self.inner.read(buf) {
                Ok(n) => {
                    self.hasher.update(&buf[..n]);
                    self.bytes += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads the rest of the source, for its hash and size only.
    fn drain(&mut self) -> std::io::Result<()> {
        let mut buf = vec![0u8; 64 * 1024];
        while self.read_inner(&mut buf)? > 0 {}
        Ok(())
    }

    /// The line of a record that starts at byte `start` (or at the line end just before
    /// it, as the reader reports a record after `\r\n`), counting forward from the last
    /// record: as [`source`](super::source) numbers lines of a file read whole.
    fn line_at(&mut self, start: u64) -> u64 {
        let end = self.kept_from + (self.kept.len() - self.head) as u64;
        let mut start = start.min(end);
        if start < self.kept_from {
            return self.newlines + 1;
        }
        while start < end
            && matches!(
                self.kept[self.head + (start - self.kept_from) as usize],
                b'\r' | b'\n'
            )
        {
            start += 1;
        }
        let upto = self.head + (start - self.kept_from) as usize;
        self.newlines += self.kept[self.head..upto]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.head = upto;
        self.kept_from = start;
        self.newlines + 1
    }
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.started {
            self.started = true;
            let mut first = [0u8; 3];
            let mut got = 0;
            while got < first.len() {
                let n = self.read_inner(&mut first[got..])?;
                if n == 0 {
                    break;
                }
                got += n;
            }
            if &first[..got] != BOM {
                self.pending.extend_from_slice(&first[..got]);
            }
        }
        let n = if !self.decoded.is_empty() {
            let n = self.decoded.len().min(buf.len());
            buf[..n].copy_from_slice(&self.decoded[..n]);
            self.decoded.drain(..n);
            n
        } else {
            let raw = if self.pending.is_empty() {
                self.read_inner(buf)?
            } else {
                let n = self.pending.len().min(buf.len());
                buf[..n].copy_from_slice(&self.pending[..n]);
                self.pending.drain(..n);
                n
            };
            if self.windows1252 && !buf[..raw].is_ascii() {
                // One byte is one character: a chunk decodes on its own.
                let text = encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(&buf[..raw])
                    .0
                    .into_owned()
                    .into_bytes();
                let n = text.len().min(buf.len());
                buf[..n].copy_from_slice(&text[..n]);
                self.decoded.extend_from_slice(&text[n..]);
                n
            } else {
                raw
            }
        };
        // Counted bytes are dropped once they are most of what is kept, so keeping costs
        // a constant per byte.
        if self.head > 64 * 1024 && self.head * 2 > self.kept.len() {
            self.kept.drain(..self.head);
            self.head = 0;
        }
        self.kept.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &[u8]) -> Vec<u64> {
        let mut stream = CsvStream::open(Path::new("t.csv"), std::io::Cursor::new(text)).unwrap();
        let mut lines = Vec::new();
        while let Some(record) = stream.next_record(&[0]).unwrap() {
            lines.push(record.line);
        }
        lines
    }

    /// Every record's first two cells, as text.
    fn cells(text: &[u8]) -> (Sniffed, Vec<Vec<String>>) {
        let mut stream = CsvStream::open(Path::new("t.csv"), std::io::Cursor::new(text)).unwrap();
        let mut rows = Vec::new();
        while let Some(record) = stream.next_record(&[0, 1]).unwrap() {
            rows.push(record.cells.into_iter().map(Result::unwrap).collect());
        }
        (stream.sniffed, rows)
    }

    #[test]
    fn a_canonical_file_saved_from_excel_is_read_as_windows_1252_and_semicolons() {
        // Spec 03: export files "may be UTF-8 with or without a BOM, or Windows-1252";
        // issue #19: canonical files are detected as mapped ones are. "Siân" and "Tomás"
        // in Windows-1252 (0xE2, 0xE1), `;` between fields.
        let excel = b"staff_id;display_name\r\nST1;Si\xE2n\r\nST2;Tom\xE1s\r\n";
        let (sniffed, rows) = cells(excel);
        assert_eq!(
            sniffed.read_as().as_deref(),
            Some("CSV, Windows-1252, ';'-separated")
        );
        assert_eq!(rows, [["ST1", "Siân"], ["ST2", "Tomás"]]);
        // Past the reader's buffer, where one chunk's decoding overflows into the next.
        let mut long = b"a,b\n".to_vec();
        for i in 0..20_000 {
            long.extend_from_slice(format!("{i},").as_bytes());
            long.extend_from_slice(b"\xE9\xE9\xE9\n");
        }
        let (sniffed, rows) = cells(&long);
        assert!(sniffed.windows1252);
        assert_eq!(rows.len(), 20_000);
        assert!(rows.iter().all(|r| r[1] == "ééé"), "{:?}", rows.last());
        // UTF-8 stays UTF-8 with commas (nothing to say), and so does a file with a BOM
        // whatever follows; a UTF-8 character cut by a read is still UTF-8.
        let (sniffed, rows) = cells("a,b\nSiân,é\n".as_bytes());
        assert_eq!(
            (sniffed.read_as(), rows),
            (None, vec![vec!["Siân".to_string(), "é".to_string()]])
        );
        assert!(!cells(b"\xEF\xBB\xBFa,b\n1,2\n").0.windows1252);
        let mut cut = b"a,b\n".to_vec();
        while cut.len() + 5 < 64 * 1024 - 1 {
            cut.extend_from_slice(b"ab,c\n");
        }
        cut.resize(64 * 1024 - 1, b'x');
        cut.extend_from_slice("é,1\n".as_bytes());
        assert!(!cells(&cut).0.windows1252);
    }

    #[test]
    fn records_are_numbered_as_when_the_file_is_read_whole() {
        for text in [
            &b"a,b\n1,2\n\n3,\"x\ny\"\n4,5\n"[..],
            &b"a,b\r\n1,2\r\n\r\n3,\"x\r\ny\"\r\n4,5\r\n"[..],
            &b"\xEF\xBB\xBFa,b\n1,2\n\n3,\"x\ny\"\n4,5"[..],
        ] {
            assert_eq!(
                lines(text),
                vec![2, 4, 6],
                "{:?}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn line_numbers_hold_past_the_readers_buffer() {
        // Records far past the csv reader's 8 KiB buffer and the kept bytes' compaction.
        let mut text = b"a,b\r\n".to_vec();
        for i in 0..50_000 {
            text.extend_from_slice(format!("{i},\"two\r\nlines\"\r\n").as_bytes());
        }
        let lines = lines(&text);
        assert_eq!(lines.len(), 50_000);
        assert!(
            lines
                .iter()
                .enumerate()
                .all(|(i, &l)| l == 2 + 2 * i as u64)
        );
    }

    #[test]
    fn the_hash_and_size_are_of_every_byte_bom_included() {
        let text = b"\xEF\xBB\xBFa,b\n1,2\n";
        let mut stream =
            CsvStream::open(Path::new("t.csv"), std::io::Cursor::new(&text[..])).unwrap();
        assert_eq!(stream.header, vec!["a", "b"]);
        while stream.next_record(&[0, 1]).unwrap().is_some() {}
        let (sha256, bytes) = stream.finish().unwrap();
        assert_eq!(sha256, hex::encode(Sha256::digest(text)));
        assert_eq!(bytes, text.len() as u64);
    }
}
