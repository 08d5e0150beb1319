//! `oversight run`: the demo on `sample-data/`.
//!
//! Rebuilds `out/store` from every bundle under `sample-data/bundles/`, reports on it as
//! of today with `sample-data/policy.toml`, and prints the ingest report, a summary per
//! school and where the files are. It works from the repository root of a fresh clone;
//! run from elsewhere, it falls back to the sample data beside the crate's manifest.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::report::make_report;
use super::{examples, ingest::find_bundles, spinner, today};
use crate::cli::Output;
use crate::context::{Draw, ReportRequest, ReportRun};
use crate::ingest::{self, PseudonymKey};
use crate::store::{IngestMode, VersionChoice};

/// Where `run` writes.
pub const OUT_DIR: &str = "out";

pub fn run(output: Output) -> anyhow::Result<ExitCode> {
    let sample = sample_data()?;
    let out = PathBuf::from(OUT_DIR);
    let store = out.join("store");
    if store.exists() {
        std::fs::remove_dir_all(&store)
            .with_context(|| format!("cannot clear {}", store.display()))?;
    }
    let bundles = find_bundles(&[sample.join("bundles")])?;
    let key = PseudonymKey::resolve(None)?;
    let progress = spinner(output, "ingesting sample-data");
    let ingested = ingest::ingest(&store, &bundles, &key, today(), IngestMode::Full)?;
    progress.finish_and_clear();
    if !output.quiet {
        out!("{}", ingested.display(examples(output)));
        outln!();
    }
    let run = ReportRun::resolve(ReportRequest {
        store: &store,
        policy: &sample.join("policy.toml"),
        out: &out,
        as_of: today(),
        year: None,
        trusts: &[],
        draw: Draw::Everything,
        key_file: None,
        version: VersionChoice::Newest,
    })?;
    let report = make_report(&run, output)?;
    if !output.quiet {
        out!("{}", report.summary(&run));
        if let Some(note) = run.on_defaults_note()? {
            outln!("{note}\n");
        }
        outln!("Store:      {}", store.display());
        outln!("Restricted: {}", out.join("restricted").display());
        outln!("Governors:  {}", out.join("governors").display());
        outln!("Manifest:   {}", out.join("manifest.json").display());
        outln!("Charts:     {}", out.join("charts").display());
        outln!(
            "Governors' pack: {}",
            out.join(crate::report::GOVERNORS_PACK).display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `sample-data/` in the working folder, else beside the manifest.
fn sample_data() -> anyhow::Result<PathBuf> {
    let here = PathBuf::from("sample-data");
    if here.is_dir() {
        return Ok(here);
    }
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    anyhow::ensure!(
        beside.is_dir(),
        "no sample-data/ folder here: run `oversight run` from the repository root"
    );
    Ok(beside)
}
