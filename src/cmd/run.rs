//! `oversight run`: the demo on `sample-data/`.
//!
//! Ingests every bundle under `sample-data/bundles/` into `out/store` as any ingest
//! would (a new store version; the same bundles again add nothing), reports on it as of
//! today with `sample-data/policy.toml`, and prints the ingest report, a summary per
//! school and where the files are. It works from the repository root of a fresh clone;
//! run from elsewhere, it falls back to the sample data beside the crate's manifest.
//!
//! It never deletes or replaces a store (spec 03, changed; issue #19): README's
//! onboarding ingests real exports into `out/store`, so a store there holding a school
//! the sample does not have stops `run` before anything is written.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::report::make_report;
use super::{examples, ingest::find_bundles, spinner, today};
use crate::cli::Output;
use crate::context::{Draw, ReportRequest, ReportRun};
use crate::contract::Table;
use crate::ingest::{self, Bundle, NothingStored, PseudonymKey};
use crate::store::{IngestMode, Store, StoreError, StoredSchool, VersionChoice};

/// Where `run` writes.
pub const OUT_DIR: &str = "out";

/// Why `run` stopped before it wrote anything.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(
        "{} is not the demo's store: it holds {} that sample-data does not ({}), and \
         `oversight run` never deletes a store nor mixes the sample into one. To see the \
         demo, run it in another folder (it writes out/ there) or move out/ away; to \
         report on this store, use `oversight report --store {} --policy FILE --out DIR`",
        store.display(),
        if trusts.is_empty() { "schools" } else { "trusts" },
        describe(trusts, schools),
        store.display()
    )]
    NotTheSamplesStore {
        store: PathBuf,
        /// Trusts with no school of the sample's.
        trusts: Vec<String>,
        /// Schools not the sample's (of the sample's trusts, or of `trusts`).
        schools: Vec<StoredSchool>,
    },
}

/// The trusts, or else the schools, a [`RunError::NotTheSamplesStore`] names.
fn describe(trusts: &[String], schools: &[StoredSchool]) -> String {
    if !trusts.is_empty() {
        return crate::contract::excerpt_list(trusts.iter().map(String::as_str), 5);
    }
    let named: Vec<String> = schools
        .iter()
        .map(|s| {
            format!(
                "{} {} of {}",
                s.urn,
                crate::contract::excerpt(&s.name),
                crate::contract::excerpt(&s.trust_id)
            )
        })
        .collect();
    let mut text = named[..named.len().min(5)].join(", ");
    if named.len() > 5 {
        text.push_str(&format!(" and {} more", named.len() - 5));
    }
    text
}

pub fn run(output: Output) -> anyhow::Result<ExitCode> {
    let sample = sample_data()?;
    let out = PathBuf::from(OUT_DIR);
    let store = out.join("store");
    // Nothing is ingested into a folder the report could not then be written to.
    crate::report::check_out(&out)?;
    let bundles = find_bundles(&[sample.join("bundles")])?;
    let key = PseudonymKey::resolve(None)?;
    refuse_another_store(&store, &bundles, &key)?;
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
            "Governors' packs: {}",
            out.join(crate::report::GOVERNORS_INDEX).display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Stops when `store` holds a trust or school that the sample's `bundles` do not: it is
/// not the demo's store (README's onboarding ingests a trust's own exports into
/// `out/store`). A missing or empty store is the demo's to make.
fn refuse_another_store(
    store: &Path,
    bundles: &[Bundle],
    key: &PseudonymKey,
) -> anyhow::Result<()> {
    let stored = match Store::open_to_read(store, VersionChoice::Newest) {
        Ok(stored) => stored,
        Err(StoreError::Missing { .. } | StoreError::Empty { .. }) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let sample = sample_schools(bundles, key)?;
    let sample_trusts: BTreeSet<&str> = sample.iter().map(|(trust, _)| trust.as_str()).collect();
    let all = stored.all_trusts();
    let trusts: Vec<String> = all
        .iter()
        .filter(|trust| !sample_trusts.contains(trust.as_str()))
        .cloned()
        .collect();
    let schools: Vec<StoredSchool> = stored
        .schools(&all)?
        .into_iter()
        .filter(|s| !sample.contains(&(s.trust_id.clone(), s.urn.clone())))
        .collect();
    if trusts.is_empty() && schools.is_empty() {
        return Ok(());
    }
    Err(RunError::NotTheSamplesStore {
        store: store.to_path_buf(),
        trusts,
        schools,
    }
    .into())
}

/// The sample's schools, by trust: the bundles read and checked as `validate` reads
/// them, nothing written.
fn sample_schools(
    bundles: &[Bundle],
    key: &PseudonymKey,
) -> anyhow::Result<BTreeSet<(String, String)>> {
    let mut schools = BTreeSet::new();
    ingest::check_bundles(bundles, key, &mut NothingStored, today(), |batches| {
        for batch in batches {
            for ((table, trust), rows) in batch.rows {
                if table != Table::Schools {
                    continue;
                }
                for row in rows {
                    if let Some(urn) = row.get(crate::contract::schools::SCHOOL_URN) {
                        schools.insert((trust.clone(), urn.text().to_string()));
                    }
                }
            }
        }
        Ok(())
    })?;
    Ok(schools)
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
