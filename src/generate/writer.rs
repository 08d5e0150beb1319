//! The eight CSV files of one canonical bundle, and allocation-free field formatting.
//!
//! Rows are written as arrays of byte slices built on the stack (dates, numbers, ids),
//! so the millions of rows of a national run cost no heap allocation each.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use super::GenerateError;
use crate::contract::Table;

struct Out {
    path: PathBuf,
    csv: csv::Writer<BufWriter<File>>,
    rows: u64,
}

/// The open files of one bundle folder.
pub(super) struct Bundle {
    outs: Vec<Out>,
}

/// What one finished bundle holds: rows per table (in `Table::ALL` order) and bytes.
pub(super) struct Written {
    pub rows: [u64; 8],
    pub bytes: u64,
}

pub(super) fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> GenerateError + '_ {
    move |source| GenerateError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl Bundle {
    /// Creates (or truncates) the eight files in `dir` and writes their headers.
    pub fn create(dir: &Path) -> Result<Self, GenerateError> {
        let mut outs = Vec::with_capacity(8);
        for table in Table::ALL {
            let path = dir.join(format!("{}.csv", table.name()));
            let file = File::create(&path).map_err(io_error(&path))?;
            let mut csv = csv::WriterBuilder::new()
                .buffer_capacity(64 * 1024)
                .from_writer(BufWriter::with_capacity(64 * 1024, file));
            csv.write_record(table.columns().iter().map(|c| c.name))
                .map_err(|e| io_error(&path)(e.into()))?;
            outs.push(Out { path, csv, rows: 0 });
        }
        Ok(Bundle { outs })
    }

    /// Writes one row of `table`.
    #[inline]
    pub fn row<const N: usize>(
        &mut self,
        table: Table,
        fields: [&[u8]; N],
    ) -> Result<(), GenerateError> {
        let out = &mut self.outs[table as usize];
        debug_assert_eq!(N, table.columns().len());
        out.csv
            .write_record(fields)
            .map_err(|e| io_error(&out.path)(e.into()))?;
        out.rows += 1;
        Ok(())
    }

    /// Flushes and closes every file.
    pub fn finish(self) -> Result<Written, GenerateError> {
        let mut written = Written {
            rows: [0; 8],
            bytes: 0,
        };
        for (i, out) in self.outs.into_iter().enumerate() {
            let Out { path, csv, rows } = out;
            let buffered = csv
                .into_inner()
                .map_err(|e| io_error(&path)(e.into_error()))?;
            let file = buffered
                .into_inner()
                .map_err(|e| io_error(&path)(e.into_error()))?;
            written.rows[i] = rows;
            written.bytes += file.metadata().map_err(io_error(&path))?.len();
        }
        Ok(written)
    }
}

/// `YYYY-MM-DD` on the stack (years 1000–9999).
pub(super) fn date(d: NaiveDate) -> [u8; 10] {
    let y = d.year() as u32;
    let (m, day) = (d.month(), d.day());
    let digit = |n: u32| b'0' + (n % 10) as u8;
    [
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(day / 10),
        digit(day),
    ]
}

/// A short ASCII string on the stack: numbers and ids.
#[derive(Clone, Copy)]
pub(super) struct Small {
    buf: [u8; 32],
    len: u8,
}

impl Small {
    pub const EMPTY: Small = Small {
        buf: [0; 32],
        len: 0,
    };

    /// A decimal number.
    pub fn num(n: u64) -> Small {
        let mut s = Small::EMPTY;
        s.push_num(n);
        s
    }

    /// An id `<prefix><urn>-<n>`, e.g. `ST123456-7`.
    pub fn id(prefix: &str, urn: u32, n: u32) -> Small {
        let mut s = Small::EMPTY;
        s.push_str(prefix);
        s.push_num(u64::from(urn));
        s.push_str("-");
        s.push_num(u64::from(n));
        s
    }

    fn push_str(&mut self, text: &str) {
        let start = self.len as usize;
        self.buf[start..start + text.len()].copy_from_slice(text.as_bytes());
        self.len += text.len() as u8;
    }

    fn push_num(&mut self, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let start = self.len as usize;
        let len = digits.len() - i;
        self.buf[start..start + len].copy_from_slice(&digits[i..]);
        self.len += len as u8;
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len as usize]
    }
}

pub(super) fn boolean(b: bool) -> &'static [u8] {
    if b { b"true" } else { b"false" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_formatting() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(&date(d), b"2026-03-05");
        assert_eq!(Small::num(0).as_bytes(), b"0");
        assert_eq!(Small::num(120).as_bytes(), b"120");
        assert_eq!(Small::id("ST", 123456, 17).as_bytes(), b"ST123456-17");
        assert_eq!(
            Small::id("AC", 9_999_999, u32::MAX).as_bytes(),
            b"AC9999999-4294967295"
        );
    }
}
