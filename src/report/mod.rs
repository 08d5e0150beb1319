//! Report: the CSV files for the trust's safeguarding lead (`restricted/`) and for
//! governors (`governors/`), the charts (`charts/`) and HTML packs
//! (`governors/pack.html`, `schools/<urn>/evidence.html`) drawn from the governors'
//! files, and `manifest.json`, which ties every output to the inputs and policy it was
//! made from (spec 03, "Report outputs", "Charts and packs").
//!
//! The order matters: the CSVs first; then the charts and packs, from the governors'
//! cells as written (suppressed), so no pack shows a figure its CSV does not; then the
//! manifest last, listing every file including the charts and packs.
//!
//! Same store, policy and as-of date give byte-identical files: rows are sorted by the
//! queries, numbers are formatted here by fixed rules, and nothing of the clock goes in.

pub mod charts;
pub mod figures;
mod format;
mod manifest;
pub mod outputs;
pub mod pack;
pub mod suppress;

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use sha2::{Digest, Sha256};

pub use figures::{EARLIER_YEAR_FILES, EARLIER_YEARS};
pub use format::{escape_spreadsheet, fixed};
pub use manifest::Manifest;
pub use outputs::{Audience, OUTPUT_FILES, OutputFile};
pub use pack::GOVERNORS_PACK;

use crate::metrics::Metrics;
use crate::policy::Policy;
use crate::store::Store;

/// A file the report wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// Relative to the output folder.
    pub path: String,
    pub sha256: String,
    pub rows: usize,
}

/// What a report writes besides the CSV files and the manifest.
pub enum Extent<'a> {
    /// The CSV files and the manifest only (`report --tables-only`).
    TablesOnly,
    /// The charts and packs too; `earlier` holds the metrics of the report year's
    /// earlier years (oldest first), for the charts' trend.
    Everything { earlier: &'a [Metrics] },
}

/// Writes every CSV file, then (by `extent`) the charts and packs, and the manifest
/// into `out`; `trusts` are the trusts reported on (the manifest lists the inputs that
/// fed them).
pub fn write(
    out: &Path,
    metrics: &Metrics,
    extent: Extent,
    policy: &Policy,
    policy_path: &Path,
    store: &Store,
    trusts: &[String],
) -> anyhow::Result<Vec<Written>> {
    let suppress_below = policy.suppress_below();
    let mut written = Vec::new();
    let mut governors = figures::Rendered::new();
    for file in OUTPUT_FILES {
        if file.audience != Audience::Governors {
            written.push(stream_csv(file, metrics, out)?);
            continue;
        }
        let rows = render(file, metrics, suppress_below)?;
        let bytes = to_csv(file.columns, &rows)?;
        let path = out.join(file.relative_path());
        write_file(&path, &bytes)?;
        written.push(Written {
            path: file.relative_path(),
            sha256: sha256(&bytes),
            rows: rows.len(),
        });
        governors.insert(file.name, rows);
    }
    let mut manifest = Manifest::new(metrics, policy, policy_path, store, trusts)?;
    if let Extent::Everything { earlier } = extent {
        let drawn = draw(
            out, metrics, earlier, &governors, policy, &manifest, &written,
        )?;
        written.extend(drawn);
    }
    manifest.set_outputs(&written);
    let bytes = manifest.to_json_bytes();
    write_file(&out.join(manifest::FILE), &bytes)?;
    written.push(Written {
        path: manifest::FILE.to_string(),
        sha256: sha256(&bytes),
        rows: 0,
    });
    Ok(written)
}

/// Draws the charts and writes the packs, from the governors' cells as written; the
/// packs quote `manifest`'s inputs and policy and the `csv_files`' checksums.
fn draw(
    out: &Path,
    metrics: &Metrics,
    earlier: &[Metrics],
    governors: &figures::Rendered,
    policy: &Policy,
    manifest: &Manifest,
    csv_files: &[Written],
) -> anyhow::Result<Vec<Written>> {
    let suppress_below = policy.suppress_below();
    let earlier = earlier
        .iter()
        .map(|year| {
            let mut rendered = figures::Rendered::new();
            for name in figures::EARLIER_YEAR_FILES {
                let file = figures::governors_file(name);
                rendered.insert(file.name, render(file, year, suppress_below)?);
            }
            Ok((year.params.report_year.clone(), rendered))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let figures = figures::Figures::new(metrics, governors, &earlier, policy);
    let (charts, mut drawn) = charts::write(out, &figures)?;
    drawn.extend(pack::write(out, &figures, &charts, manifest, csv_files)?);
    Ok(drawn)
}

/// The formatted cells of one output, suppressed where it is for governors.
pub fn render(
    file: &OutputFile,
    metrics: &Metrics,
    suppress_below: u32,
) -> anyhow::Result<Vec<Vec<String>>> {
    let frame = metrics.table(file.name);
    let formats = column_formats(file, frame)?;
    let mut rows: Vec<Vec<String>> = (0..frame.height())
        .map(|row| formats.iter().map(|f| f.cell(row)).collect())
        .collect();
    if file.audience == Audience::Governors && !file.case_counts.is_empty() {
        let position = |name: &str| file.columns.iter().position(|c| *c == name);
        let case_columns: Vec<usize> = file
            .case_counts
            .iter()
            .filter_map(|c| position(c))
            .collect();
        let trust = position("trust_id").context("governors' files start with trust_id")?;
        suppress::suppress(
            &mut rows,
            &case_columns,
            suppress_below,
            trust,
            position("school_urn"),
        );
        let derived: Vec<usize> = file
            .derived_from_case_counts
            .iter()
            .filter_map(|c| position(c))
            .collect();
        for row in &mut rows {
            if case_columns
                .iter()
                .any(|&at| row[at] == suppress::SUPPRESSED)
            {
                for &at in &derived {
                    row[at] = suppress::SUPPRESSED.to_string();
                }
            }
        }
    }
    Ok(rows)
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
