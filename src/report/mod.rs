//! Report: the CSV files for the trust's safeguarding lead (`restricted/`) and for
//! governors (`governors/`), the charts (`charts/`), the packs as HTML and PDF
//! (`governors/<trust>/pack.html|pdf` with `governors/index.html`,
//! `schools/<trust>/<urn>/evidence.html|pdf`; the PDFs typeset by `pdf`), the lead's
//! to-do list (`restricted/todo.csv|html|pdf`), and `manifest.json`,
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
mod csv_file;
pub mod figures;
mod format;
mod manifest;
pub mod pack;
mod pdf;
pub mod published;
pub mod restricted;
pub mod since;
mod staging;
pub mod table;
pub mod todo;
pub mod words;

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

/// The disclosure engine (`crates/disclosure`).
pub use ::disclosure;
pub use figures::EARLIER_YEARS;
pub use format::{escape_spreadsheet, fixed};
pub use manifest::Manifest;
pub use pack::{GOVERNORS_INDEX, governors_pack};
pub use staging::{OutputError, check_out};

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
/// them, and the manifest into a staging folder, and swaps it in for the run's output
/// folder once all are written ([`staging`]: outputs replaced whole).
pub fn write(
    run: &ReportRun,
    metrics: &Metrics,
    earlier: &[Metrics],
) -> anyhow::Result<(Published, Vec<Written>)> {
    let staging = staging::Staging::begin(&run.out)?;
    let out = staging.path();
    // The governors' figures (disclosure control) and the lead's files need nothing of
    // each other: they are made side by side.
    let (published, restricted) = rayon::join(
        || {
            Published::build(metrics, earlier, run.suppress_below())
                .context("publishing the governors' figures")
        },
        || restricted::write_all(metrics, out),
    );
    let published = published?;
    let mut written = restricted?;
    // The governors' files side by side (the first failure in file order is reported).
    let governors: Vec<anyhow::Result<Written>> = published
        .tables()
        .into_par_iter()
        .map(|table| csv_file::write_rows(out, table))
        .collect();
    for file in governors {
        written.push(file?);
    }
    let mut manifest = Manifest::new(run, &published.disclosure)?;
    if run.draw == Draw::Everything {
        let figures = figures::Figures::new(run, &published);
        let (charts, drawn) = charts::write(out, &figures)?;
        written.extend(drawn);
        let tool = format!("oversight {}", manifest.version);
        written.extend(pdf::on_typesetting_threads(|| {
            // The lead's to-do list beside the packs: neither reads the other.
            let (todo, packs) = rayon::join(
                || todo::write(out, metrics, &figures.as_of_text(), &tool),
                || pack::write(out, &figures, &charts, &manifest, &written),
            );
            let mut pages = todo?.to_vec();
            pages.extend(packs?);
            Ok(pages)
        })?);
    }
    manifest.set_outputs(&written);
    let bytes = manifest.to_json_bytes();
    write_file(&out.join(manifest::FILE), &bytes)?;
    written.push(Written {
        path: manifest::FILE.to_string(),
        sha256: sha256(&bytes),
        rows: 0,
    });
    // For tests: a report killed with every file written, before the swap.
    crate::store::crash_if_asked("report-staged", 0);
    staging.finish()?;
    Ok((published, written))
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
