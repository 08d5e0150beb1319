//! `oversight ingest --store DIR [--mapping FILE] [--key-file FILE] [--strict]
//! [--window FROM..TO | --append] BUNDLE...`
//!
//! Reads export bundles into the store: every row validated, case ids pseudonymised,
//! rows upserted by `(trust_id, id)`, and rows of a bundle's schools that it no longer
//! has removed (unless `--window` or `--append` says otherwise), all as one new store
//! version. Prints the ingest report.
//! With `--mapping`, every BUNDLE is an export folder read through that mapping file;
//! without it, a folder holding a `mapping.toml` is read through that one. With
//! `--strict`, exits 3 when any row was quarantined.

use std::process::ExitCode;

use anyhow::Context;

use super::{EXIT_QUARANTINED, examples, spinner, today};
use crate::cli::{IngestArgs, Output};
use crate::ingest::{self, Bundle, Mapping, PseudonymKey};
use crate::store::IngestMode;

pub fn ingest(args: IngestArgs, output: Output) -> anyhow::Result<ExitCode> {
    let bundles = find_bundles_with(&args.bundles, args.mapping.as_deref())?;
    let key = PseudonymKey::resolve(args.key_file.as_deref())?;
    key.warn();
    let progress = spinner(output, &format!("ingesting {} bundles", bundles.len()));
    let mode = match (args.window, args.append) {
        (Some((from, to)), _) => IngestMode::Window { from, to },
        (None, true) => IngestMode::Append,
        (None, false) => IngestMode::Full,
    };
    let report = ingest::ingest(&args.store, &bundles, &key, today(), mode).with_context(|| {
        format!(
            "ingest into {} failed; the store is as it was",
            args.store.display()
        )
    })?;
    progress.finish_and_clear();
    if !output.quiet {
        out!("{}", report.display(examples(output)));
    }
    if args.strict && report.rows_quarantined() > 0 {
        errln!(
            "oversight: {} rows quarantined (--strict)",
            report.rows_quarantined()
        );
        return Ok(ExitCode::from(EXIT_QUARANTINED));
    }
    Ok(ExitCode::SUCCESS)
}

/// Every bundle the command line names, in order.
pub fn find_bundles(paths: &[std::path::PathBuf]) -> anyhow::Result<Vec<Bundle>> {
    find_bundles_with(paths, None)
}

/// Every bundle the command line names, in order; with `mapping`, each path is one
/// export folder read through that mapping file.
pub fn find_bundles_with(
    paths: &[std::path::PathBuf],
    mapping: Option<&std::path::Path>,
) -> anyhow::Result<Vec<Bundle>> {
    let mapping = mapping.map(Mapping::load).transpose()?;
    let mut bundles = Vec::new();
    for path in paths {
        match &mapping {
            Some(mapping) => bundles.push(Bundle::mapped(path, mapping.clone())?),
            None => bundles.extend(Bundle::find(path)?),
        }
    }
    Ok(bundles)
}
