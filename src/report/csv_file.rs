//! The one CSV writer of the report: a header, then records quoted by the `csv` crate,
//! written straight to the file and hashed as they go (spec 03, "Report outputs").
//!
//! Files for people to open (the governors' files) start with a UTF-8 byte-order mark,
//! so that Excel on Windows shows names like Siân and Tomás correctly (spec 03); the
//! lead's data files, read by programs as much as by people, do not.
//!
//! The lead's files are written a slice of rows at a time: nationally over five years
//! `actions.csv` alone is millions of rows, which as typed rows held at once took
//! gigabytes. They name staff and cases, so they are readable by their owner only
//! (issue #11).

use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use sha2::{Digest, Sha256};

use super::Written;
use super::published::PublishedRows;
use super::table::OutputTable;
use crate::metrics::Metrics;

/// Rows of a restricted file loaded and written at a time.
const SLICE: usize = 64 * 1024;

/// Who may read a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Readers {
    /// Its owner only (the lead's files).
    Owner,
    /// As the output folder allows (the governors' files).
    Folder,
}

/// How a file is meant to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// By a person in a spreadsheet: written with a byte-order mark.
    InSpreadsheet,
    /// As data, by programs as much as people: no byte-order mark.
    AsData,
}

/// The UTF-8 byte-order mark.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// A CSV file being written.
struct CsvFile {
    writer: csv::Writer<Hashed<BufWriter<std::fs::File>>>,
    /// Relative to the output folder.
    relative: String,
    path: std::path::PathBuf,
    rows: usize,
}

impl CsvFile {
    fn create(
        out: &Path,
        relative: String,
        header: &[&str],
        readers: Readers,
        opened: Opened,
    ) -> anyhow::Result<CsvFile> {
        let path = out.join(&relative);
        if let Some(dir) = path.parent() {
            let made = match readers {
                Readers::Owner => crate::private_fs::private_dir(dir),
                Readers::Folder => std::fs::create_dir_all(dir),
            };
            made.with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let created = match readers {
            Readers::Owner => crate::private_fs::create_file(&path),
            Readers::Folder => std::fs::File::create(&path),
        }
        .with_context(|| format!("cannot write {}", path.display()))?;
        let mut hashed = Hashed {
            inner: BufWriter::new(created),
            hasher: Sha256::new(),
        };
        if opened == Opened::InSpreadsheet {
            hashed
                .write_all(BOM)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        let mut file = CsvFile {
            writer: csv::Writer::from_writer(hashed),
            relative,
            path,
            rows: 0,
        };
        file.writer
            .write_record(header)
            .with_context(|| format!("cannot write {}", file.path.display()))?;
        Ok(file)
    }

    fn record(&mut self, cells: &[String]) -> anyhow::Result<()> {
        self.rows += 1;
        self.writer
            .write_record(cells)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }

    fn finish(self) -> anyhow::Result<Written> {
        let mut hashed = self
            .writer
            .into_inner()
            .map_err(|e| anyhow::anyhow!("{}: {e}", self.path.display()))?;
        hashed
            .inner
            .flush()
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        Ok(Written {
            path: self.relative,
            sha256: hex::encode(hashed.hasher.finalize()),
            rows: self.rows,
        })
    }
}

/// Writes a published table as `governors/<name>.csv`.
pub fn write_rows(out: &Path, table: &dyn PublishedRows) -> anyhow::Result<Written> {
    let relative = format!("governors/{}.csv", table.name());
    let mut file = CsvFile::create(
        out,
        relative,
        table.columns(),
        Readers::Folder,
        Opened::InSpreadsheet,
    )?;
    for row in 0..table.len() {
        file.record(&table.record(row))?;
    }
    file.finish()
}

/// Writes the result of `T`'s query as `restricted/<name>.csv`, a slice at a time.
pub fn write_restricted<T: OutputTable>(
    metrics: &Metrics,
    out: &Path,
    opened: Opened,
) -> anyhow::Result<Written> {
    let frame = metrics.table(&T::QUERY)?;
    let relative = format!("restricted/{}.csv", T::QUERY.name);
    let mut file = CsvFile::create(out, relative, T::COLUMNS, Readers::Owner, opened)?;
    let mut offset = 0;
    // At least once, so an empty result's columns are checked too.
    loop {
        for row in T::load(&frame.slice(offset as i64, SLICE))? {
            file.record(&row.record())?;
        }
        offset += SLICE;
        if offset >= frame.height() {
            break;
        }
    }
    file.finish()
}

/// A writer that hashes every byte it passes on.
struct Hashed<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for Hashed<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(bytes)?;
        self.hasher.update(&bytes[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
