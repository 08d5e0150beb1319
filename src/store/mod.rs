//! The store: one Hive-partitioned Parquet dataset per table, readable by any Parquet
//! engine (spec 03, "Store").
//!
//! ```text
//! STORE/
//!   sessions/trust_id=TR001/part-0.parquet   one file per table and trust
//!   ...
//!   quarantine/<sha256 of the source file, 16 hex>.csv   rejected rows with reasons
//!   ingest-log.csv                           every file ingested: SHA-256, when, rows
//!   key-fingerprint.json                     which key made the case refs ([`key`])
//!   .lock                                    one writer at a time ([`lock`])
//! ```
//! The trust id is the partition folder (and is not repeated inside the files). A
//! partition is rewritten only when its content changes, so ingesting the same bundle
//! twice leaves every data file byte for byte as it was, and re-ingesting one trust
//! touches only that trust's partitions. Every change goes through a [`Transaction`].

mod commit;
pub mod frame;
pub mod key;
pub mod lock;
mod log;
mod lookup;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use polars::prelude::*;

pub use commit::{Transaction, recover};
pub use key::KeyRecord;
pub use log::{LOG_FILE, LogEntry};
pub use lookup::StoredRows;

use crate::contract::{Cell, Quarantined, Table};
use lock::{Refused, StoreLock};

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
    #[error("no store at {}: run `oversight ingest --store {} BUNDLE...` first", path.display(), path.display())]
    Missing { path: PathBuf },
    #[error("the store at {} holds no rows: ingest a bundle into it first", path.display())]
    Empty { path: PathBuf },
    #[error(
        "the store at {} is in use by another oversight process (an ingest, or a report \
         while you ingest): try again when it has finished",
        path.display()
    )]
    Busy { path: PathBuf },
    #[error(
        "the store at {} was made with another pseudonymisation key: its case refs come \
         from the key with fingerprint {} (first used from {}), but this key (from {given_from}) \
         has fingerprint {}. With another key every case would be stored a second time. \
         Use the store's key: set OVERSIGHT_KEY to it, or pass --key-file with the file \
         that holds it",
        path.display(), expected.short(), expected.key_from, &given[..given.len().min(12)]
    )]
    OtherKey {
        path: PathBuf,
        expected: KeyRecord,
        given: String,
        given_from: String,
    },
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

/// Rows for the store from one bundle, or from a part of one: a large file is handed on
/// in chunks (issue #13), its parts one after another with the same `bundle`, and they
/// merge as the bundle's rows at once would.
#[derive(Debug, Default)]
pub struct Batch {
    /// The bundle's place among the bundles of the ingest (command-line order).
    pub bundle: usize,
    pub rows: Incoming,
}

/// Rows of one partition from one bundle (or part of one), with the bundle's place.
type BundleRows = (usize, Vec<Vec<Cell>>);

/// The bundle that last brought rows to a partition, and for attendees and discussions
/// the sessions it brought, so a later part of the same bundle merges as a part.
#[derive(Debug)]
struct LastBundle {
    bundle: usize,
    sessions: HashSet<String>,
}

/// What a write changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteSummary {
    /// Partitions whose content changed (or that are new).
    pub partitions_written: usize,
    /// Partitions that received rows but already held exactly that content.
    pub partitions_unchanged: usize,
}

/// A store folder, recovered and ready to read or write, and locked while it is open.
pub struct Store {
    root: PathBuf,
    _lock: StoreLock,
}

impl Store {
    /// Opens (creating when needed, readable by its owner only) the store at `root` to
    /// write it: takes the writer's lock, then finishes or undoes any change an earlier
    /// process was killed in the middle of.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        crate::private_fs::create_dir_all(root).map_err(|e| StoreError::io(root, e))?;
        let lock = match StoreLock::exclusive(root) {
            Ok(lock) => lock,
            Err(refused) => return Err(Self::refused(root, refused)),
        };
        recover(root)?;
        Ok(Store {
            root: root.to_owned(),
            _lock: lock,
        })
    }

    /// Opens the existing store at `root` to read it (a report): under a reader's lock,
    /// so no ingest changes it meanwhile. A store that does not exist or holds no rows
    /// is an error. A change left half-applied by a killed ingest is finished first,
    /// under the writer's lock, when no other process holds the store.
    pub fn open_to_read(root: &Path) -> Result<Store, StoreError> {
        if !root.is_dir() {
            return Err(StoreError::Missing {
                path: root.to_owned(),
            });
        }
        let lock = match StoreLock::exclusive(root) {
            Ok(lock) => {
                recover(root)?;
                lock.downgrade(root)?;
                lock
            }
            // Other readers hold it: no writer can have left anything to recover since
            // they took their locks, and recovery happened before.
            Err(Refused::Busy) => match StoreLock::shared(root) {
                Ok(lock) => lock,
                Err(refused) => return Err(Self::refused(root, refused)),
            },
            Err(Refused::Failed(e)) => return Err(e),
        };
        let store = Store {
            root: root.to_owned(),
            _lock: lock,
        };
        if store.all_trusts()?.is_empty() {
            return Err(StoreError::Empty {
                path: root.to_owned(),
            });
        }
        Ok(store)
    }

    fn refused(root: &Path, refused: Refused) -> StoreError {
        match refused {
            Refused::Busy => StoreError::Busy {
                path: root.to_owned(),
            },
            Refused::Failed(e) => e,
        }
    }

    /// The key the store's case refs were made with, once anything was ingested.
    pub fn key_record(&self) -> Result<Option<KeyRecord>, StoreError> {
        let path = self.root.join(key::KEY_FILE);
        match fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| StoreError::Corrupt {
                        path,
                        message: format!("unreadable key fingerprint: {e}"),
                    })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::io(&path, e)),
        }
    }

    /// Refuses a key other than the one the store's case refs were made with
    /// (`fingerprint`, from `key_from`); any key is right for a store with no record yet.
    pub fn check_key(&self, fingerprint: &str, key_from: &str) -> Result<(), StoreError> {
        match self.key_record()? {
            Some(expected) if expected.fingerprint != fingerprint => Err(StoreError::OtherKey {
                path: self.root.clone(),
                expected,
                given: fingerprint.to_string(),
                given_from: key_from.to_string(),
            }),
            _ => Ok(()),
        }
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
            last_bundle: BTreeMap::new(),
            parted: BTreeSet::new(),
            key: None,
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
        // The trust id is text whatever it looks like: `1001` or `007` read as numbers
        // would break every join on it (issue #11), so nothing is inferred.
        let partition_columns: Schema =
            std::iter::once(Field::new("trust_id".into(), DataType::String)).collect();
        let args = ScanArgsParquet {
            hive_options: HiveOptions {
                enabled: Some(true),
                hive_start_idx: 0,
                schema: Some(Arc::new(partition_columns)),
                try_parse_dates: false,
            },
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
    /// The bundle that last brought rows to each partition, while its parts may follow.
    last_bundle: BTreeMap<Partition, LastBundle>,
    /// Partitions that a later part of a bundle merged into: staged after an earlier
    /// part, their content may have come back to the store's own by the end.
    parted: BTreeSet<Partition>,
    /// The key to record, when the store has no record yet.
    key: Option<KeyRecord>,
}

/// What became of one partition in [`Writing::apply`].
enum Merged {
    Unchanged,
    Staged,
}

impl Writing<'_> {
    /// Records `key` as the store's key when it has none yet (its first ingest), in the
    /// same transaction as the rows it made.
    pub fn remember_key(&mut self, key: KeyRecord) -> Result<(), StoreError> {
        if self.store.key_record()?.is_none() {
            self.key = Some(key);
        }
        Ok(())
    }

    /// Merges batches of rows (in the order the bundles were given; the parts of one
    /// bundle one after another) into the partitions they touch. Each bundle's rows
    /// replace rows of the same key as if the bundles were ingested one after another,
    /// and the parts of a bundle merge as its rows at once would. Partitions are merged
    /// and encoded in parallel; each is staged only when its content changes.
    pub fn apply(&mut self, batches: Vec<Batch>) -> Result<(), StoreError> {
        // Bundles come in order: one before the first of these has no parts to come.
        if let Some(first) = batches.first().map(|b| b.bundle) {
            self.last_bundle.retain(|_, last| last.bundle >= first);
        }
        let mut by_partition: BTreeMap<Partition, Vec<BundleRows>> = BTreeMap::new();
        for batch in batches {
            for (partition, rows) in batch.rows {
                by_partition
                    .entry(partition)
                    .or_default()
                    .push((batch.bundle, rows));
            }
        }
        let work: Vec<_> = by_partition
            .into_iter()
            .map(|(partition, batches)| {
                let last = self.last_bundle.remove(&partition);
                (partition, batches, last)
            })
            .collect();
        let staged = &self.staged;
        let (store, txn) = (self.store, &self.txn);
        let outcomes = on_plain_threads(work, |(partition, batches, last)| {
            let outcome = merge_partition(store, txn, &partition, staged, batches, last);
            (partition, outcome)
        });
        for (partition, outcome) in outcomes {
            let (merged, last, parted) = outcome?;
            if parted {
                self.parted.insert(partition.clone());
            }
            if let Merged::Staged = merged
                && self.staged.insert(partition.clone())
            {
                self.txn
                    .record(&Store::partition_file(partition.0, &partition.1));
            }
            self.last_bundle.insert(partition.clone(), last);
            self.touched.insert(partition);
        }
        Ok(())
    }

    /// A bundle's parts each merge on their own, so a partition can differ from the
    /// store's after one part and be the same again after the last (a session's
    /// attendees split across two chunks of a re-ingested file): such a partition is not
    /// rewritten, as it would not be had the bundle's rows merged at once.
    fn unstage_unchanged(&mut self) -> Result<(), StoreError> {
        for partition in std::mem::take(&mut self.parted) {
            if !self.staged.contains(&partition) {
                continue;
            }
            let Some(stored) = self.store.read_partition(partition.0, &partition.1)? else {
                continue;
            };
            let relative = Store::partition_file(partition.0, &partition.1);
            let staged = Store::read_parquet(&self.txn.staged_file(&relative))?;
            if stored.equals_missing(&staged) {
                self.txn.forget(&relative)?;
                self.staged.remove(&partition);
            }
        }
        Ok(())
    }

    /// Writes the quarantine, appends the ingest log and commits the transaction.
    pub fn finish(
        mut self,
        quarantine: &BTreeMap<String, Vec<Quarantined>>,
        log: &[LogEntry],
    ) -> Result<WriteSummary, StoreError> {
        self.unstage_unchanged()?;
        for (sha256, rows) in quarantine {
            let relative = PathBuf::from("quarantine").join(format!("{}.csv", &sha256[..16]));
            self.txn
                .stage_bytes(&relative, &log::quarantine_csv(rows))?;
        }
        if !log.is_empty() {
            let relative = PathBuf::from(LOG_FILE);
            let path = self.store.root.join(&relative);
            let old_len = match fs::metadata(&path) {
                Ok(meta) => meta.len(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
                Err(e) => return Err(StoreError::io(&path, e)),
            };
            self.txn
                .stage_append(&relative, old_len, &log::rows(old_len == 0, log))?;
        }
        if let Some(key) = self.key.take() {
            let text = serde_json::to_vec_pretty(&key).expect("a key record serialises");
            self.txn.stage_bytes(Path::new(key::KEY_FILE), &text)?;
        }
        let summary = WriteSummary {
            partitions_written: self.staged.len(),
            partitions_unchanged: self.touched.difference(&self.staged).count(),
        };
        self.txn.commit()?;
        Ok(summary)
    }
}

/// Runs `work` on every item, on plain threads (one per core), and returns the results
/// in the items' order.
///
/// Not on rayon's pool: a merge calls polars, which runs on its own rayon pool, and a
/// rayon thread waiting on another pool steals more work of its own pool meanwhile, so
/// each waiting merge could start another merge on the same stack, as deep as there are
/// partitions (issue #11: a 500-trust bundle overflowed the stack). A plain thread
/// simply waits, so the depth stays that of one merge.
fn on_plain_threads<T: Send, R: Send>(items: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len().max(1));
    let total = items.len();
    let queue = std::sync::Mutex::new(items.into_iter().enumerate());
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                        let Some((at, item)) = next else { break };
                        done.push((at, work(item)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| match worker.join() {
                Ok(done) => done,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    debug_assert_eq!(results.len(), total);
    results.sort_by_key(|(at, _)| *at);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Merges `batches` (each with its bundle's place, in order) into what `partition`
/// holds so far (its staged copy, else the store's file) and stages the result when it
/// differs. `last` is the bundle that last brought it rows, whose parts may continue.
fn merge_partition(
    store: &Store,
    txn: &Transaction,
    partition: &Partition,
    staged: &BTreeSet<Partition>,
    batches: Vec<BundleRows>,
    mut last: Option<LastBundle>,
) -> Result<(Merged, LastBundle, bool), StoreError> {
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
    let mut parted = false;
    for (bundle, rows) in batches {
        let fresh = frame::rows_to_frame(table, &rows).map_err(parquet_error)?;
        let sessions = rows
            .iter()
            .filter(|_| table.replaced_per_session())
            .map(|row| row[table.key()[0]].text());
        merged = Some(
            match &mut last {
                Some(last) if last.bundle == bundle => {
                    parted = true;
                    let mut new_sessions = Vec::new();
                    for session in sessions {
                        if !last.sessions.contains(session) {
                            last.sessions.insert(session.to_string());
                            new_sessions.push(session);
                        }
                    }
                    frame::merge_part(table, merged, fresh, &new_sessions)
                }
                _ => {
                    last = Some(LastBundle {
                        bundle,
                        sessions: sessions.map(str::to_string).collect(),
                    });
                    frame::merge(table, merged, fresh)
                }
            }
            .map_err(parquet_error)?,
        );
    }
    let last = last.expect("a partition that received rows has a last bundle");
    let mut merged = merged.expect("a partition that received rows has rows");
    if !already_staged && base.is_some_and(|old| old.equals_missing(&merged)) {
        return Ok((Merged::Unchanged, last, parted));
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
    Ok((Merged::Staged, last, parted))
}
