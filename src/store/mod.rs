//! The store: one Hive-partitioned Parquet dataset per table, readable by any Parquet
//! engine (spec 03, "Store").
//!
//! ```text
//! STORE/
//!   sessions/trust_id=TR001/part-0.parquet   one file per table and trust
//!   ...
//!   quarantine/<sha256 of the source file, 16 hex>.csv   rejected rows with reasons
//!   ingest-log.csv                           every file ingested: SHA-256, when, rows
//! ```
//! The trust id is the partition folder (and is not repeated inside the files). A
//! partition is rewritten only when its content changes, so ingesting the same bundle
//! twice leaves every data file byte for byte as it was, and re-ingesting one trust
//! touches only that trust's partitions. Every change goes through a [`Transaction`].

mod commit;
pub mod frame;
mod log;
mod lookup;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use rayon::prelude::*;

pub use commit::{Transaction, recover};
pub use log::{LOG_FILE, LogEntry};
pub use lookup::StoredRows;

use crate::contract::Table;
use crate::ingest::Quarantined;
use crate::ingest::read::Cell;

/// Why the store could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Parquet { path: PathBuf, source: PolarsError },
    #[error("{path}: {message}")]
    Corrupt { path: PathBuf, message: String },
    #[error("{}: no trust {trust:?} in this store", path.display())]
    NoSuchTrust { trust: String, path: PathBuf },
}

impl StoreError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// Rows for the store, by table and trust, each in [`Table::columns`] order.
pub type Incoming = BTreeMap<Partition, Vec<Vec<Cell>>>;

/// One partition: a table of one trust.
pub type Partition = (Table, String);

/// What a write changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteSummary {
    /// Partitions whose content changed (or that are new).
    pub partitions_written: usize,
    /// Partitions that received rows but already held exactly that content.
    pub partitions_unchanged: usize,
}

/// A store folder, recovered and ready to read or write.
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// Opens (creating when needed) the store at `root`, finishing or undoing any change
    /// an earlier process was killed in the middle of.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        fs::create_dir_all(root).map_err(|e| StoreError::io(root, e))?;
        recover(root)?;
        Ok(Store {
            root: root.to_owned(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `table/trust_id=<trust>/part-0.parquet`, relative to the store.
    pub fn partition_file(table: Table, trust_id: &str) -> PathBuf {
        PathBuf::from(table.name())
            .join(format!("trust_id={trust_id}"))
            .join("part-0.parquet")
    }

    /// The trusts that have a partition of `table`, sorted.
    pub fn trusts(&self, table: Table) -> Result<Vec<String>, StoreError> {
        let dir = self.root.join(table.name());
        if !dir.is_dir() {
            return Ok(Vec::new());
        }
        let mut trusts: Vec<String> = fs::read_dir(&dir)
            .map_err(|e| StoreError::io(&dir, e))?
            .filter_map(|entry| entry.ok())
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let trust = name.strip_prefix("trust_id=")?.to_string();
                entry
                    .path()
                    .join("part-0.parquet")
                    .is_file()
                    .then_some(trust)
            })
            .collect();
        trusts.sort();
        Ok(trusts)
    }

    /// Every trust with a partition of any table, sorted.
    pub fn all_trusts(&self) -> Result<Vec<String>, StoreError> {
        let mut trusts = BTreeSet::new();
        for table in Table::ALL {
            trusts.extend(self.trusts(table)?);
        }
        Ok(trusts.into_iter().collect())
    }

    /// The trusts a report covers: `only` when given (each must be in the store), else
    /// every trust in the store. Sorted.
    pub fn trusts_in_scope(&self, only: &[String]) -> Result<Vec<String>, StoreError> {
        let all = self.all_trusts()?;
        if only.is_empty() {
            return Ok(all);
        }
        let mut chosen = Vec::new();
        for trust in only {
            if all.binary_search(trust).is_err() {
                return Err(StoreError::NoSuchTrust {
                    trust: trust.clone(),
                    path: self.root.clone(),
                });
            }
            chosen.push(trust.clone());
        }
        chosen.sort();
        chosen.dedup();
        Ok(chosen)
    }

    /// Reads one partition whole, or `None` when the trust has none.
    pub fn read_partition(
        &self,
        table: Table,
        trust_id: &str,
    ) -> Result<Option<DataFrame>, StoreError> {
        let path = self.root.join(Self::partition_file(table, trust_id));
        if !path.is_file() {
            return Ok(None);
        }
        Self::read_parquet(&path).map(Some)
    }

    /// Starts writing: rows are merged in with [`Writing::apply`], one batch of bundles
    /// at a time, and nothing is visible until [`Writing::finish`] commits.
    pub fn begin_write(&self) -> Writing<'_> {
        Writing {
            store: self,
            txn: Transaction::begin(&self.root),
            touched: BTreeSet::new(),
            staged: BTreeSet::new(),
        }
    }

    /// Reads the Parquet file at `path` whole.
    fn read_parquet(path: &Path) -> Result<DataFrame, StoreError> {
        let file = fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
        ParquetReader::new(file)
            .finish()
            .map_err(|source| StoreError::Parquet {
                path: path.to_owned(),
                source,
            })
    }

    /// A lazy scan of one table over every trust, with `trust_id` from the partition
    /// folders; `None` when no trust has the table yet.
    pub fn scan(&self, table: Table) -> Result<Option<LazyFrame>, StoreError> {
        if self.trusts(table)?.is_empty() {
            return Ok(None);
        }
        let dir = self.root.join(table.name());
        let pattern = format!("{}/**/*.parquet", dir.display());
        let args = ScanArgsParquet {
            hive_options: HiveOptions::new_enabled(),
            ..Default::default()
        };
        LazyFrame::scan_parquet(PlRefPath::new(pattern.as_str()), args)
            .map(Some)
            .map_err(|source| StoreError::Parquet { path: dir, source })
    }
}

/// A write in progress: partitions merged so far wait in the transaction's staging
/// folder until [`Writing::finish`].
pub struct Writing<'s> {
    store: &'s Store,
    txn: Transaction,
    /// Partitions that received rows.
    touched: BTreeSet<Partition>,
    /// Partitions whose merged content differs from the store's, and is staged.
    staged: BTreeSet<Partition>,
}

/// What became of one partition in [`Writing::apply`].
enum Merged {
    Unchanged,
    Staged,
}

impl Writing<'_> {
    /// Merges the rows of a batch of bundles (in the order the bundles were given, each
    /// as `Incoming`) into the partitions they touch. Each bundle's rows replace rows of
    /// the same key as if the bundles were ingested one after another. Partitions are
    /// merged and encoded in parallel; each is staged only when its content changes.
    pub fn apply(&mut self, bundles: Vec<Incoming>) -> Result<(), StoreError> {
        let mut by_partition: BTreeMap<Partition, Vec<Vec<Vec<Cell>>>> = BTreeMap::new();
        for incoming in bundles {
            for (partition, rows) in incoming {
                by_partition.entry(partition).or_default().push(rows);
            }
        }
        let staged = &self.staged;
        let (store, txn) = (self.store, &self.txn);
        let outcomes: Vec<(Partition, Result<Merged, StoreError>)> = by_partition
            .into_par_iter()
            .map(|(partition, batches)| {
                let outcome = merge_partition(store, txn, &partition, staged, batches);
                (partition, outcome)
            })
            .collect();
        for (partition, outcome) in outcomes {
            if let Merged::Staged = outcome?
                && self.staged.insert(partition.clone())
            {
                self.txn
                    .record(&Store::partition_file(partition.0, &partition.1));
            }
            self.touched.insert(partition);
        }
        Ok(())
    }

    /// Writes the quarantine, appends the ingest log and commits the transaction.
    pub fn finish(
        mut self,
        quarantine: &BTreeMap<String, Vec<Quarantined>>,
        log: &[LogEntry],
    ) -> Result<WriteSummary, StoreError> {
        for (sha256, rows) in quarantine {
            let relative = PathBuf::from("quarantine").join(format!("{}.csv", &sha256[..16]));
            self.txn
                .stage_bytes(&relative, &log::quarantine_csv(rows))?;
        }
        if !log.is_empty() {
            let relative = PathBuf::from(LOG_FILE);
            let old = fs::read(self.store.root.join(&relative)).unwrap_or_default();
            self.txn.stage_bytes(&relative, &log::append(old, log))?;
        }
        let summary = WriteSummary {
            partitions_written: self.staged.len(),
            partitions_unchanged: self.touched.difference(&self.staged).count(),
        };
        self.txn.commit()?;
        Ok(summary)
    }
}

/// Merges `batches` (one per bundle, in order) into what `partition` holds so far (its
/// staged copy, else the store's file) and stages the result when it differs.
fn merge_partition(
    store: &Store,
    txn: &Transaction,
    partition: &Partition,
    staged: &BTreeSet<Partition>,
    batches: Vec<Vec<Vec<Cell>>>,
) -> Result<Merged, StoreError> {
    let (table, trust_id) = (partition.0, partition.1.as_str());
    let relative = Store::partition_file(table, trust_id);
    let path = store.root.join(&relative);
    let parquet_error = |source| StoreError::Parquet {
        path: path.clone(),
        source,
    };
    let already_staged = staged.contains(partition);
    let base = if already_staged {
        Some(Store::read_parquet(&txn.staged_file(&relative))?)
    } else {
        store.read_partition(table, trust_id)?
    };
    let mut merged = base.clone();
    for rows in batches {
        let fresh = frame::rows_to_frame(table, &rows).map_err(parquet_error)?;
        merged = Some(frame::merge(table, merged, fresh).map_err(parquet_error)?);
    }
    let mut merged = merged.expect("a partition that received rows has rows");
    if !already_staged && base.is_some_and(|old| old.equals_missing(&merged)) {
        return Ok(Merged::Unchanged);
    }
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        // Snappy: what most Parquet engines default to, and cheap to set up per column
        // chunk (zstd's context set-up was 8% of a national ingest: a partition is small).
        .with_compression(ParquetCompression::Snappy)
        .with_statistics(StatisticsOptions::default())
        .finish(&mut merged)
        .map_err(parquet_error)?;
    txn.write_staged(&relative, &bytes)?;
    Ok(Merged::Staged)
}
