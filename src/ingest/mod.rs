//! Ingest: read export bundles, validate every row, pseudonymise children's case ids,
//! and hand the store rows it can keep (spec 01).
//!
//! Nothing is lost: every data line of every file ends either in the rows for the store
//! or in the quarantine with its file, line, column and a reason a person can act on,
//! and `rows read = rows stored + rows quarantined` per file is checked before anything
//! is written. Nothing is leaked: case ids become case refs here, and columns outside
//! the contract (free text, names) are never read past the header.
//!
//! A bundle is either canonical (the eight files of spec 01) or an export in a vendor's
//! layout read through a mapping file ([`mapping`]); both end in the same typed rows and
//! the same checks.

pub mod check;
pub mod confine;
pub mod known;
pub mod mapping;
pub mod pseudonym;
pub mod read;
mod report;
pub mod values;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

pub use known::{NothingStored, Stored};
pub use mapping::{MAPPING_FILE, Mapping, MappingError};
pub use pseudonym::{KeySource, PseudonymKey};
pub use report::IngestReport;

pub use crate::contract::Quarantined;
use crate::contract::Table;
use crate::store::{Incoming, KeyRecord, LogEntry, Store, StoredRows, WriteSummary};

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
    #[error("{}: {message}", path.display())]
    Workbook { path: PathBuf, message: String },
    #[error("{}: no sheet {sheet:?} (its sheets are {})", path.display(), crate::contract::excerpt_list(sheets.iter().map(String::as_str), 30))]
    NoSheet {
        path: PathBuf,
        sheet: String,
        sheets: Vec<String>,
    },
    #[error(transparent)]
    Mapping(#[from] MappingError),
}

/// One export bundle: a folder with some of the eight canonical files, or an export in
/// another layout with the mapping that reads it.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub path: PathBuf,
    /// The files it holds, in table order (for a mapped bundle, the file each table is
    /// read from: several tables may share one).
    pub files: Vec<(Table, PathBuf)>,
    /// The mapping that reads it; `None` for a canonical bundle.
    pub mapping: Option<Mapping>,
}

impl Bundle {
    /// The export folder `path`, read through `mapping` (`--mapping FILE`).
    pub fn mapped(path: &Path, mapping: Mapping) -> Result<Bundle, IngestError> {
        if !path.is_dir() {
            return Err(IngestError::NotABundle {
                path: path.to_owned(),
                message: "not a folder: give the folder that holds the export's files".into(),
            });
        }
        let files = mapping
            .tables
            .iter()
            .map(|t| (t.table, path.join(&t.file)))
            .collect();
        Ok(Bundle {
            path: path.to_owned(),
            files,
            mapping: Some(mapping),
        })
    }

    /// Finds the bundles at `path`: the folder itself when it holds canonical files or a
    /// `mapping.toml` (an export in another layout, read through that mapping), else each
    /// sub-folder that does (so `generate`'s output folder, or `sample-data/bundles/`,
    /// can be ingested whole).
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
                    "no canonical files here or in its folders (expected some of {}, or a {MAPPING_FILE})",
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
        let mapping_file = path.join(MAPPING_FILE);
        if mapping_file.is_file() {
            confine::inside(path, &mapping_file).map_err(|message| IngestError::NotABundle {
                path: path.to_owned(),
                message,
            })?;
            return Ok(Some(Self::mapped(path, Mapping::load(&mapping_file)?)?));
        }
        let files: Vec<(Table, PathBuf)> = Table::ALL
            .into_iter()
            .map(|table| (table, path.join(table.file_name())))
            .filter(|(_, file)| file.is_file())
            .collect();
        Ok((!files.is_empty()).then(|| Bundle {
            path: path.to_owned(),
            files,
            mapping: None,
        }))
    }
}

/// What one file gave (for a flat export, what it gave one table).
#[derive(Debug, Clone)]
pub struct FileOutcome {
    pub source: read::SourceFile,
    pub rows_read: u64,
    /// Rows stored, counting each line of a flat export whose row was stored: a line
    /// that repeats a row already read is stored with it.
    pub rows_stored: u64,
    /// Distinct rows stored (fewer than `rows_stored` when repeats were folded).
    pub distinct_stored: u64,
    pub quarantined: Vec<Quarantined>,
    pub dropped_columns: Vec<String>,
    /// How a mapping produced the table; `None` for a canonical file.
    pub mapped: Option<mapping::MappedRead>,
    /// The trusts its stored rows belong to, so a school's evidence pack lists only the
    /// inputs of its own trust.
    pub trusts: BTreeSet<String>,
}

impl FileOutcome {
    /// How the report names it: the file, and for a mapped export also its sheet and
    /// the table (`Supervision Log.csv (sessions)`).
    pub fn label(&self) -> String {
        match &self.mapped {
            Some(_) => format!(
                "{} ({})",
                self.source.display_name(),
                self.source.table.name()
            ),
            None => self.source.path.display().to_string(),
        }
    }
}

/// Reads and checks `bundles` in order, handing `write` the accepted rows of each window
/// of bundles (one `Incoming` per bundle, in order; every window in order, one at a
/// time), and returns what became of each file. References may point at rows of the same bundle, of an earlier bundle, or
/// already in `stored`. The files of a window are read in parallel; the checks run in
/// bundle order, so the outcome is the same as reading one bundle at a time.
pub fn check_bundles(
    bundles: &[Bundle],
    key: &PseudonymKey,
    stored: &mut (dyn Stored + Send),
    today: NaiveDate,
    mut write: impl FnMut(Vec<Incoming>) -> anyhow::Result<()> + Send,
) -> anyhow::Result<Vec<FileOutcome>> {
    let bounds = read::DateBounds::for_ingest_on(today);
    let mut checking = Checking {
        pseudonyms: pseudonym::Pseudonymiser::new(key),
        earlier: known::Accepted::default(),
        stored,
        files: Vec::new(),
    };
    // While one window's rows are merged and written, the next window is read and
    // checked: the two halves share the cores.
    let mut pending: Option<Vec<Incoming>> = None;
    // A window of bundles is read and checked at once: enough to keep every core busy
    // reading, few enough that a national ingest never holds more than two windows'
    // rows in memory.
    for window in bundles.chunks(crate::batching::ingest_window()) {
        let previous = pending.take();
        // The write runs on a plain thread, not on rayon's pool: it calls polars, and a
        // rayon thread waiting on polars' pool would steal our reads meanwhile (see
        // `store::Writing::apply`).
        let write = &mut write;
        let (written, checked) = std::thread::scope(|scope| {
            let writer = scope.spawn(move || previous.map_or(Ok(()), write));
            let checked = checking.window(window, bounds);
            let written = match writer.join() {
                Ok(written) => written,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            (written, checked)
        });
        written?;
        pending = Some(checked?);
    }
    if let Some(last) = pending {
        write(last)?;
    }
    Ok(checking.files)
}

/// The state of the checks across bundles.
struct Checking<'s, 'k> {
    pseudonyms: pseudonym::Pseudonymiser<'k>,
    /// Rows accepted from earlier bundles, which later ones may name.
    earlier: known::Accepted,
    stored: &'s mut (dyn Stored + Send),
    files: Vec<FileOutcome>,
}

impl Checking<'_, '_> {
    /// Reads the bundles of `window` in parallel, then checks them in order; returns the
    /// accepted rows of each.
    fn window(
        &mut self,
        window: &[Bundle],
        bounds: read::DateBounds,
    ) -> anyhow::Result<Vec<Incoming>> {
        let read: Vec<Result<Vec<read::ReadFile>, IngestError>> = window
            .par_iter()
            .map(|bundle| read_bundle(bundle, bounds))
            .collect();
        let mut batches = Vec::with_capacity(window.len());
        for bundle_files in read {
            let known = known::Known {
                bundle: Default::default(),
                earlier: &mut self.earlier,
                stored: &mut *self.stored,
            };
            let mut check = check::BundleCheck::new(known, &mut self.pseudonyms);
            let mut rows = Incoming::new();
            for file in bundle_files? {
                take(&mut check, file, &mut rows, &mut self.files)?;
            }
            check.known.finish();
            batches.push(rows);
        }
        Ok(batches)
    }
}

/// Reads every file of `bundle` (a canonical bundle's files, or a mapped export's
/// tables), each row parsed and checked on its own.
fn read_bundle(
    bundle: &Bundle,
    bounds: read::DateBounds,
) -> Result<Vec<read::ReadFile>, IngestError> {
    match &bundle.mapping {
        None => bundle
            .files
            .iter()
            .map(|(table, path)| {
                confine::inside(&bundle.path, path).map_err(|message| IngestError::NotABundle {
                    path: bundle.path.clone(),
                    message,
                })?;
                read::read_file(*table, path, bounds)
            })
            .collect(),
        Some(mapping) => mapping::read_bundle(mapping, &bundle.path, bounds),
    }
}

/// Checks one file read from a bundle and files its rows and its outcome.
fn take(
    check: &mut check::BundleCheck<'_, '_>,
    file: read::ReadFile,
    rows: &mut Incoming,
    files: &mut Vec<FileOutcome>,
) -> anyhow::Result<()> {
    let table = file.source.table;
    let checked = check.check(file)?;
    let outcome = FileOutcome {
        rows_read: checked.file.rows_read,
        rows_stored: checked.rows_stored,
        distinct_stored: checked.accepted.len() as u64,
        quarantined: checked.file.quarantined,
        dropped_columns: checked.file.dropped_columns,
        mapped: checked.file.mapped,
        source: checked.file.source,
        trusts: checked
            .accepted
            .iter()
            .map(|r| r.trust_id.clone())
            .collect(),
    };
    // Nothing is lost: the promise is checked, not assumed.
    anyhow::ensure!(
        outcome.rows_read == outcome.rows_stored + outcome.quarantined.len() as u64,
        "{}: internal error: {} rows read but {} stored and {} quarantined",
        outcome.label(),
        outcome.rows_read,
        outcome.rows_stored,
        outcome.quarantined.len()
    );
    for row in checked.accepted {
        rows.entry((table, row.trust_id))
            .or_default()
            .push(row.cells);
    }
    files.push(outcome);
    Ok(())
}

/// Ingests `bundles` into the store at `store_dir`: check, then write in one transaction.
pub fn ingest(
    store_dir: &Path,
    bundles: &[Bundle],
    key: &PseudonymKey,
    today: NaiveDate,
) -> anyhow::Result<IngestReport> {
    let store = Store::open(store_dir)?;
    let key_record = KeyRecord {
        fingerprint: key.fingerprint(),
        key_from: key.source.origin(),
    };
    store.check_key(&key_record.fingerprint, &key_record.key_from)?;
    let mut writing = store.begin_write();
    writing.remember_key(key_record)?;
    let files = {
        let mut stored = StoredRows::new(&store);
        check_bundles(bundles, key, &mut stored, today, |batches| {
            Ok(writing.apply(batches)?)
        })?
    };
    let ingested_at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let log: Vec<LogEntry> = files
        .iter()
        .map(|f| LogEntry {
            ingested_at: ingested_at.clone(),
            file: f.source.display_name(),
            table: f.source.table.name().to_string(),
            sha256: f.source.sha256.clone(),
            bytes: f.source.bytes,
            rows_read: f.rows_read,
            rows_stored: f.rows_stored,
            rows_quarantined: f.quarantined.len() as u64,
            trust_ids: f.trusts.iter().cloned().collect::<Vec<_>>().join(";"),
        })
        .collect();
    // One quarantine file per source file. A flat export feeds several tables, so its
    // file holds the rows of each (the `table` column tells them apart); the same table
    // of the same content twice in one ingest keeps the later copy's rows.
    let mut by_source: BTreeMap<String, BTreeMap<Table, Vec<Quarantined>>> = BTreeMap::new();
    for f in files.iter().filter(|f| !f.quarantined.is_empty()) {
        by_source
            .entry(f.source.sha256.clone())
            .or_default()
            .insert(f.source.table, f.quarantined.clone());
    }
    let quarantine: BTreeMap<String, Vec<Quarantined>> = by_source
        .into_iter()
        .map(|(sha256, tables)| (sha256, tables.into_values().flatten().collect()))
        .collect();
    let written: WriteSummary = writing.finish(&quarantine, &log)?;
    Ok(IngestReport {
        files,
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
    let files = check_bundles(bundles, key, &mut NothingStored, today, |_| Ok(()))?;
    Ok(IngestReport {
        files,
        key_source: key.source.clone(),
        store: None,
        written: None,
    })
}
