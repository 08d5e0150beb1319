//! Ingest: read export bundles, validate every row, pseudonymise children's case ids,
//! and hand the store rows it can keep (spec 01).
//!
//! Nothing is lost: every data line of every file ends either in the rows for the store
//! or in the quarantine with its file, line, column and a reason a person can act on,
//! and `rows read = rows stored + rows quarantined` per file is checked before anything
//! is written. Nothing is leaked: case ids become case refs here, and columns outside
//! the contract (free text, names) are never read past the header.

pub mod check;
pub mod known;
pub mod pseudonym;
pub mod read;
mod report;
pub mod values;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub use known::{NothingStored, Stored};
pub use pseudonym::{KeySource, PseudonymKey};
pub use report::IngestReport;

use crate::contract::Table;
use crate::store::{Incoming, LogEntry, Store, StoredRows, WriteSummary};

/// A row that could not be stored, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantined {
    pub table: Table,
    /// The file as it was named on the command line.
    pub file: String,
    /// The line in the file (the header is line 1).
    pub line: u64,
    /// The canonical column at fault; empty when the whole row is.
    pub column: String,
    pub reason: String,
}

/// Why an ingest could not run at all (as opposed to rows it quarantined).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: line {line}: {message}", path.display())]
    Csv {
        path: PathBuf,
        line: u64,
        message: String,
    },
    #[error("{}: line 1: {message}", path.display())]
    Header { path: PathBuf, message: String },
    #[error("{}: not an export bundle: {message}", path.display())]
    NotABundle { path: PathBuf, message: String },
    #[error("pseudonymisation key: {message}")]
    Key { message: String },
}

/// One export bundle: a folder with some of the eight canonical files.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub path: PathBuf,
    /// The canonical files it holds, in table order.
    pub files: Vec<(Table, PathBuf)>,
}

impl Bundle {
    /// Finds the bundles at `path`: the folder itself when it holds canonical files,
    /// else each sub-folder that does (so `generate`'s output folder can be ingested
    /// whole).
    pub fn find(path: &Path) -> Result<Vec<Bundle>, IngestError> {
        if let Some(bundle) = Self::at(path)? {
            return Ok(vec![bundle]);
        }
        let mut bundles = Vec::new();
        if path.is_dir() {
            let mut folders: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|source| IngestError::Read {
                    path: path.to_owned(),
                    source,
                })?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect();
            folders.sort();
            for folder in folders {
                bundles.extend(Self::at(&folder)?);
            }
        }
        if bundles.is_empty() {
            return Err(IngestError::NotABundle {
                path: path.to_owned(),
                message: format!(
                    "no canonical files here or in its folders (expected some of {})",
                    Table::ALL.map(|t| t.file_name()).join(", ")
                ),
            });
        }
        Ok(bundles)
    }

    fn at(path: &Path) -> Result<Option<Bundle>, IngestError> {
        if !path.exists() {
            return Err(IngestError::Read {
                path: path.to_owned(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            });
        }
        let files: Vec<(Table, PathBuf)> = Table::ALL
            .into_iter()
            .map(|table| (table, path.join(table.file_name())))
            .filter(|(_, file)| file.is_file())
            .collect();
        Ok((!files.is_empty()).then(|| Bundle {
            path: path.to_owned(),
            files,
        }))
    }
}

/// What one file gave.
#[derive(Debug, Clone)]
pub struct FileOutcome {
    pub source: read::SourceFile,
    pub rows_read: u64,
    pub rows_stored: u64,
    pub quarantined: Vec<Quarantined>,
    pub dropped_columns: Vec<String>,
}

/// Every bundle checked: the rows for the store and what became of each file.
pub struct Checked {
    pub rows: Incoming,
    pub files: Vec<FileOutcome>,
}

/// Reads and checks `bundles` in order. References may point at rows of the same bundle,
/// of an earlier bundle, or already in `stored`.
pub fn check_bundles(
    bundles: &[Bundle],
    key: &PseudonymKey,
    stored: &mut dyn Stored,
    today: NaiveDate,
) -> anyhow::Result<Checked> {
    let bounds = read::DateBounds::for_ingest_on(today);
    let mut pseudonyms = pseudonym::Pseudonymiser::new(key);
    let mut earlier = known::Accepted::default();
    let mut rows: Incoming = BTreeMap::new();
    let mut files = Vec::new();
    for bundle in bundles {
        let known = known::Known {
            bundle: Default::default(),
            earlier: &mut earlier,
            stored: &mut *stored,
        };
        let mut check = check::BundleCheck::new(known, &mut pseudonyms);
        for (table, path) in &bundle.files {
            let file = read::read_file(*table, path, bounds)?;
            let checked = check.check(file)?;
            let outcome = FileOutcome {
                rows_read: checked.file.rows_read,
                rows_stored: checked.accepted.len() as u64,
                quarantined: checked.file.quarantined,
                dropped_columns: checked.file.dropped_columns,
                source: checked.file.source,
            };
            // Nothing is lost: the promise is checked, not assumed.
            anyhow::ensure!(
                outcome.rows_read == outcome.rows_stored + outcome.quarantined.len() as u64,
                "{}: internal error: {} rows read but {} stored and {} quarantined",
                path.display(),
                outcome.rows_read,
                outcome.rows_stored,
                outcome.quarantined.len()
            );
            for row in checked.accepted {
                rows.entry((*table, row.trust_id))
                    .or_default()
                    .push(row.cells);
            }
            files.push(outcome);
        }
        check.known.finish();
    }
    Ok(Checked { rows, files })
}

/// Ingests `bundles` into the store at `store_dir`: check, then write in one transaction.
pub fn ingest(
    store_dir: &Path,
    bundles: &[Bundle],
    key: &PseudonymKey,
    today: NaiveDate,
) -> anyhow::Result<IngestReport> {
    let store = Store::open(store_dir)?;
    let checked = {
        let mut stored = StoredRows::new(&store);
        check_bundles(bundles, key, &mut stored, today)?
    };
    let ingested_at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let log: Vec<LogEntry> = checked
        .files
        .iter()
        .map(|f| LogEntry {
            ingested_at: ingested_at.clone(),
            file: f.source.path.display().to_string(),
            table: f.source.table.name().to_string(),
            sha256: f.source.sha256.clone(),
            bytes: f.source.bytes,
            rows_read: f.rows_read,
            rows_stored: f.rows_stored,
            rows_quarantined: f.quarantined.len() as u64,
        })
        .collect();
    let quarantine: BTreeMap<String, Vec<Quarantined>> = checked
        .files
        .iter()
        .filter(|f| !f.quarantined.is_empty())
        .map(|f| (f.source.sha256.clone(), f.quarantined.clone()))
        .collect();
    let written: WriteSummary = store.write(checked.rows, &quarantine, &log)?;
    Ok(IngestReport {
        files: checked.files,
        key_source: key.source.clone(),
        store: Some(store_dir.to_owned()),
        written: Some(written),
    })
}

/// Checks `bundles` without writing anything (`oversight validate`).
pub fn validate(
    bundles: &[Bundle],
    key: &PseudonymKey,
    today: NaiveDate,
) -> anyhow::Result<IngestReport> {
    let checked = check_bundles(bundles, key, &mut NothingStored, today)?;
    Ok(IngestReport {
        files: checked.files,
        key_source: key.source.clone(),
        store: None,
        written: None,
    })
}
