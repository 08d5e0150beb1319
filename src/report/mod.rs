//! Report: the CSV files for the trust's safeguarding lead (`restricted/`) and for
//! governors (`governors/`), the charts (`charts/`) and HTML packs
//! (`governors/pack.html`, `schools/<trust>/<urn>/evidence.html`), and `manifest.json`,
//! which ties every output to the inputs and policy it was made from (spec 03, "Report
//! outputs", "Charts and packs").
//!
//! The order matters. First the governors' figures are published ([`published`]):
//! loaded from their marts as typed rows and protected as one set by disclosure control,
//! whose audit must find no pinned cell, or nothing at all is written. Then the CSV
//! files; then the charts and packs, which draw and word the published rows and count
//! nothing themselves; then the manifest, listing every file.
//!
//! Same store, policy and as-of date give byte-identical files: rows are sorted by the
//! queries, numbers are formatted by fixed rules, and nothing of the clock goes in.

pub mod charts;
pub mod figures;
mod format;
mod manifest;
pub mod outputs;
pub mod pack;
pub mod published;
pub mod words;

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use sha2::{Digest, Sha256};

/// The disclosure engine (`crates/disclosure`).
pub use ::disclosure;
pub use figures::EARLIER_YEARS;
pub use format::{escape_spreadsheet, fixed};
pub use manifest::Manifest;
pub use outputs::{OUTPUT_FILES, OutputFile};
pub use pack::GOVERNORS_PACK;

use crate::context::{Draw, ReportRun};
use crate::metrics::Metrics;
use published::Published;

/// A file the report wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// Relative to the output folder.
    pub path: String,
    pub sha256: String,
    pub rows: usize,
}

/// Publishes the governors' figures of `metrics` (with the trend of the `earlier` years,
/// oldest first), then writes every CSV file, the charts and packs when the run draws
/// them, and the manifest into the run's output folder.
pub fn write(
    run: &ReportRun,
    metrics: &Metrics,
    earlier: &[Metrics],
) -> anyhow::Result<(Published, Vec<Written>)> {
    let published = Published::build(metrics, earlier, run.suppress_below())
        .context("publishing the governors' figures")?;
    let out = &run.out;
    let mut written = Vec::new();
    for file in OUTPUT_FILES {
        written.push(stream_csv(file, metrics, out)?);
    }
    for table in published.csv_tables() {
        let bytes = to_csv(table.columns, &table.rows)?;
        let path = format!("governors/{}.csv", table.name);
        write_file(&out.join(&path), &bytes)?;
        written.push(Written {
            path,
            sha256: sha256(&bytes),
            rows: table.rows.len(),
        });
    }
    let mut manifest = Manifest::new(run, &published.disclosure)?;
    if run.draw == Draw::Everything {
        let figures = figures::Figures::new(run, &published);
        let (charts, drawn) = charts::write(out, &figures)?;
        written.extend(drawn);
        written.extend(pack::write(out, &figures, &charts, &manifest, &written)?);
    }
    manifest.set_outputs(&written);
    let bytes = manifest.to_json_bytes();
    write_file(&out.join(manifest::FILE), &bytes)?;
    written.push(Written {
        path: manifest::FILE.to_string(),
        sha256: sha256(&bytes),
        rows: 0,
    });
    Ok((published, written))
}

/// How each of `file`'s columns is formatted, from the frame of its query.
fn column_formats<'a>(
    file: &OutputFile,
    frame: &'a polars::prelude::DataFrame,
) -> anyhow::Result<Vec<format::ColumnFormat<'a>>> {
    file.columns
        .iter()
        .map(|name| {
            let column = frame
                .column(name)
                .with_context(|| format!("{}: the query gives no column {name}", file.name))?;
            format::ColumnFormat::new(column, name).with_context(|| format!("{}.{name}", file.name))
        })
        .collect()
}

/// Writes a restricted output straight to its file, a row at a time, hashing as it
/// goes: nationally over five years `actions.csv` alone is millions of rows, which as
/// formatted cells held in memory took gigabytes. The bytes are those of [`to_csv`].
fn stream_csv(file: &OutputFile, metrics: &Metrics, out: &Path) -> anyhow::Result<Written> {
    let frame = metrics.table(file.name);
    let formats = column_formats(file, frame)?;
    let path = out.join(file.relative_path());
    // Restricted files name staff and cases: readable by their owner only (issue #11).
    if let Some(dir) = path.parent() {
        crate::private_fs::private_dir(dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let cannot = || format!("cannot write {}", path.display());
    let created = crate::private_fs::create_file(&path).with_context(cannot)?;
    let mut writer = csv::Writer::from_writer(Hashed {
        inner: std::io::BufWriter::new(created),
        hasher: Sha256::new(),
    });
    writer.write_record(file.columns).with_context(cannot)?;
    let mut record: Vec<String> = Vec::with_capacity(formats.len());
    for row in 0..frame.height() {
        record.clear();
        record.extend(formats.iter().map(|f| f.cell(row)));
        writer.write_record(&record).with_context(cannot)?;
    }
    let mut hashed = writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    hashed.inner.flush().with_context(cannot)?;
    Ok(Written {
        path: file.relative_path(),
        sha256: hex::encode(hashed.hasher.finalize()),
        rows: frame.height(),
    })
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

/// The CSV bytes: a header, then the rows (quoted by the `csv` crate where needed).
pub fn to_csv(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(row)?;
    }
    writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut file =
        fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Lower-case hex SHA-256.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
