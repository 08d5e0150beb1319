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

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use polars::prelude::*;

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
pub type Incoming = BTreeMap<(Table, String), Vec<Vec<Cell>>>;

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
        let file = fs::File::open(&path).map_err(|e| StoreError::io(&path, e))?;
        ParquetReader::new(file)
            .finish()
            .map(Some)
            .map_err(|source| StoreError::Parquet { path, source })
    }

    /// Merges `incoming` into the store, writes the quarantine and appends the ingest
    /// log, all in one transaction.
    pub fn write(
        &self,
        incoming: Incoming,
        quarantine: &BTreeMap<String, Vec<Quarantined>>,
        log: &[LogEntry],
    ) -> Result<WriteSummary, StoreError> {
        let mut txn = Transaction::begin(&self.root);
        let mut summary = WriteSummary::default();
        for ((table, trust_id), rows) in incoming {
            let relative = Self::partition_file(table, &trust_id);
            let path = self.root.join(&relative);
            let parquet_error = |source| StoreError::Parquet {
                path: path.clone(),
                source,
            };
            let fresh = frame::rows_to_frame(table, &rows).map_err(parquet_error)?;
            drop(rows);
            let existing = self.read_partition(table, &trust_id)?;
            let merged = frame::merge(table, existing.clone(), fresh).map_err(parquet_error)?;
            if existing.is_some_and(|old| old.equals_missing(&merged)) {
                summary.partitions_unchanged += 1;
                continue;
            }
            let mut merged = merged;
            txn.stage(&relative, |file| {
                ParquetWriter::new(file)
                    .with_compression(ParquetCompression::Zstd(None))
                    .with_statistics(StatisticsOptions::default())
                    .finish(&mut merged)
                    .map(|_| ())
                    .map_err(parquet_error)
            })?;
            summary.partitions_written += 1;
        }
        for (sha256, rows) in quarantine {
            let relative = PathBuf::from("quarantine").join(format!("{}.csv", &sha256[..16]));
            txn.stage_bytes(&relative, &log::quarantine_csv(rows))?;
        }
        if !log.is_empty() {
            let relative = PathBuf::from(LOG_FILE);
            let old = fs::read(self.root.join(&relative)).unwrap_or_default();
            txn.stage_bytes(&relative, &log::append(old, log))?;
        }
        txn.commit()?;
        Ok(summary)
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
