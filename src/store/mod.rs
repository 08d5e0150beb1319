//! The store: one versioned table per canonical table, in the Delta Lake format, and a
//! log of store versions above them (spec 03, "Store").
//!
//! ```text
//! STORE/
//!   _versions/00000000000000000001.json         store version 1: the commit point ([`history`])
//!   sessions/_delta_log/00000000000000000001.json  the table at version 1 ([`delta`])
//!   sessions/trust_id=TR001/v00000000000000000001-<writer>.parquet
//!   ...
//!   quarantine/<sha256 of the source file, 16 hex>.csv   rejected rows with reasons
//!   _staging/<writer>/                           a writer's own staging ([`commit`])
//!   .lock                                        a courtesy: one ingest at a time ([`lock`])
//! ```
//! Every ingest that changes anything is one store version. A version lists exactly the
//! data files that make up each table (one per table and trust), with the size and
//! SHA-256 each had when it was committed; a report reads those files and no others, and
//! checks each before reading it, so a file that is missing, shorter or altered stops
//! the report with its name, and a file no version lists (a sync client's conflict
//! copy, a copied folder, a killed writer's leftovers) is never read.
//!
//! The trust id is the partition folder (and is not repeated inside the files).

mod commit;
pub mod delta;
pub mod frame;
pub mod history;
pub mod key;
pub mod lock;
mod lookup;
pub mod maintain;
mod parquet;
mod schools;
mod spill;
mod write;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use polars::prelude::*;

pub use commit::{STAGING, crash_if_asked};
pub use history::{
    DateWindow, History, IngestMode, InputFile, LiveFile, Moved, RowCounts, Snapshot, StoreCommit,
};
pub use key::KeyRecord;
pub use lookup::StoredRows;
pub use schools::StoredSchool;
pub use write::{BundleExport, HeldSchool, WriteSummary, Writing};

use crate::contract::{Cell, Table};
use lock::StoreLock;

/// The largest data file a store may hold (a partition is one table of one trust).
pub(crate) const MAX_DATA_FILE: u64 = 4 * 1024 * 1024 * 1024;

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
    #[error(
        "{}: {problem}. The store is damaged: restore the store folder from a backup \
         (`oversight store check --store DIR` lists every damaged file)",
        path.display()
    )]
    Damaged { path: PathBuf, problem: String },
    #[error("{}: no trust {} in this store{} (its trusts: {})", path.display(), crate::contract::excerpt(trust), did_you_mean(trust, known), crate::contract::excerpt_list(known.iter().map(String::as_str), 20))]
    NoSuchTrust {
        trust: String,
        path: PathBuf,
        known: Vec<String>,
    },
    #[error("no store at {}: run `oversight ingest --store {} BUNDLE...` first", path.display(), path.display())]
    Missing { path: PathBuf },
    #[error("the store at {} holds no rows: ingest a bundle into it first", path.display())]
    Empty { path: PathBuf },
    #[error(
        "the store at {} was written by an oversight from before versioned stores: run \
         `oversight store upgrade --store {}` once to carry it over as it is",
        path.display(), path.display()
    )]
    Legacy { path: PathBuf },
    #[error(
        "the store at {} has no version {wanted}: its versions are 1 to {head} \
         (`oversight store history --store {}` lists them)",
        path.display(), path.display()
    )]
    NoSuchVersion {
        path: PathBuf,
        wanted: u64,
        head: u64,
    },
    #[error(
        "the store at {} has no version committed on or before {date} (its first was on {first})",
        path.display()
    )]
    NoVersionOn {
        path: PathBuf,
        date: chrono::NaiveDate,
        first: String,
    },
    #[error(
        "the store at {} is in use by another oversight process (an ingest or a vacuum): \
         try again when it has finished",
        path.display()
    )]
    Busy { path: PathBuf },
    #[error(
        "another ingest committed store version {version} of {} while this one ran; \
         nothing of this ingest was committed",
        path.display()
    )]
    Conflict { path: PathBuf, version: u64 },
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

/// `; did you mean "TR001"?` naming the trusts nearest to a trust id that is not in the
/// store (issue #19: a national store lists only the first of its trusts), or nothing
/// when none is near.
fn did_you_mean(trust: &str, known: &[String]) -> String {
    let names: Vec<&str> = known.iter().map(String::as_str).collect();
    let near = crate::contract::nearest(trust, &names);
    match near.first() {
        Some((_, distance)) if *distance <= (trust.chars().count() / 2).max(2) => format!(
            "; did you mean {}?",
            crate::contract::excerpt_list(near.iter().map(|(name, _)| *name), 3)
        ),
        _ => String::new(),
    }
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

/// Which version a report reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VersionChoice {
    /// The newest (the default).
    #[default]
    Newest,
    /// `report --store-version N`.
    Version(u64),
    /// `report --store-as-of DATE`: the version current at the end of that day (UTC).
    AsOf(chrono::NaiveDate),
}

/// A store folder at one version, ready to read (or, opened with [`Store::open`], to
/// write the next version).
pub struct Store {
    root: PathBuf,
    _lock: Option<StoreLock>,
    history: History,
    snapshot: Snapshot,
}

impl Store {
    /// Opens (creating when needed, readable by its owner only) the store at `root` to
    /// write its next version: takes the writer's lock (a courtesy: the commit itself
    /// cannot clash), reads and checks the store's log, and writes any Delta entry a
    /// killed writer left unwritten.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        crate::private_fs::create_dir_all(root).map_err(|e| StoreError::io(root, e))?;
        let lock = StoreLock::writer(root)?;
        let history = History::load(root)?;
        check_tables_follow(root, history.head())?;
        refuse_legacy(root, history.head())?;
        if history.head() > 0 {
            let staging = commit::Staging::begin(root)?;
            commit::write_missing_delta_entries(root, &staging, &history)?;
        }
        let snapshot = history.files_at(history.head())?;
        Ok(Store {
            root: root.to_owned(),
            _lock: Some(lock),
            history,
            snapshot,
        })
    }

    /// Opens the existing store at `root` to read the version `choice` names. A store
    /// that does not exist or holds no version is an error, and so is a log that was
    /// rolled back (a table's Delta log is ahead of the store's). Reading takes no lock:
    /// the files of a committed version never change.
    pub fn open_to_read(root: &Path, choice: VersionChoice) -> Result<Store, StoreError> {
        if !root.is_dir() {
            return Err(StoreError::Missing {
                path: root.to_owned(),
            });
        }
        let history = History::load(root)?;
        let head = history.head();
        check_tables_follow(root, head)?;
        refuse_legacy(root, head)?;
        if head == 0 {
            return Err(StoreError::Empty {
                path: root.to_owned(),
            });
        }
        let version = match choice {
            VersionChoice::Newest => head,
            VersionChoice::Version(wanted) if (1..=head).contains(&wanted) => wanted,
            VersionChoice::Version(wanted) => {
                return Err(StoreError::NoSuchVersion {
                    path: root.to_owned(),
                    wanted,
                    head,
                });
            }
            VersionChoice::AsOf(date) => {
                history
                    .version_on(date)
                    .ok_or_else(|| StoreError::NoVersionOn {
                        path: root.to_owned(),
                        date,
                        first: history.commits[0].committed_at.clone(),
                    })?
            }
        };
        let snapshot = history.files_at(version)?;
        Ok(Store {
            root: root.to_owned(),
            _lock: None,
            history,
            snapshot,
        })
    }

    /// The key the store's case refs were made with, once anything was committed.
    pub fn key_record(&self) -> Option<KeyRecord> {
        self.history.commits.last().map(|c| c.key.clone())
    }

    /// Refuses a key other than the one the store's case refs were made with
    /// (`fingerprint`, from `key_from`); any key is right for a store with no version yet.
    pub fn check_key(&self, fingerprint: &str, key_from: &str) -> Result<(), StoreError> {
        match self.key_record() {
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

    /// The version this store was opened at (0: nothing committed yet).
    pub fn version(&self) -> u64 {
        self.snapshot.version
    }

    /// The store's log, every version.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The data files of the version this store was opened at.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The trusts that have a partition of `table`, sorted.
    pub fn trusts(&self, table: Table) -> Vec<String> {
        self.snapshot
            .files
            .keys()
            .filter(|(t, _)| *t == table)
            .map(|(_, trust)| trust.clone())
            .collect()
    }

    /// Every trust with a partition of any table, sorted.
    pub fn all_trusts(&self) -> Vec<String> {
        let trusts: BTreeSet<&String> = self.snapshot.files.keys().map(|(_, t)| t).collect();
        trusts.into_iter().cloned().collect()
    }

    /// The trusts a report covers: `only` when given (each must be in the store), else
    /// every trust in the store. Sorted.
    pub fn trusts_in_scope(&self, only: &[String]) -> Result<Vec<String>, StoreError> {
        let all = self.all_trusts();
        if only.is_empty() {
            return Ok(all);
        }
        let mut chosen = Vec::new();
        for trust in only {
            if all.binary_search(trust).is_err() {
                return Err(StoreError::NoSuchTrust {
                    trust: trust.clone(),
                    path: self.root.clone(),
                    known: all,
                });
            }
            chosen.push(trust.clone());
        }
        chosen.sort();
        chosen.dedup();
        Ok(chosen)
    }

    /// Keeps only the partitions of `trusts` and checks every one of their files against
    /// what its version committed (size and SHA-256): a report reads nothing else.
    pub fn verify_trusts(&mut self, trusts: &[String]) -> Result<(), StoreError> {
        let wanted: BTreeSet<&String> = trusts.iter().collect();
        self.snapshot
            .files
            .retain(|(_, trust), _| wanted.contains(trust));
        use rayon::prelude::*;
        let files: Vec<&LiveFile> = self.snapshot.files.values().collect();
        // Checked on every core; the first damaged file in table and trust order is
        // the one named.
        let checked: Vec<Result<(), StoreError>> = files
            .into_par_iter()
            .map(|file| self.read_checked(file).map(|_| ()))
            .collect();
        checked.into_iter().collect()
    }

    /// The bytes of a committed data file, checked against its commit.
    fn read_checked(&self, file: &LiveFile) -> Result<Vec<u8>, StoreError> {
        let path = self.root.join(file.relative());
        let damaged = |problem: String| StoreError::Damaged {
            path: path.clone(),
            problem,
        };
        let bytes = match history::read_bounded(&path, file.change.size.min(MAX_DATA_FILE)) {
            Ok(bytes) => bytes,
            Err(StoreError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                return Err(damaged(format!(
                    "missing: store version {} committed it",
                    file.version
                )));
            }
            Err(StoreError::Damaged { .. }) => {
                return Err(damaged(format!(
                    "not the file store version {} committed (larger than its {} bytes, or \
                     not a regular file)",
                    file.version, file.change.size
                )));
            }
            Err(e) => return Err(e),
        };
        if bytes.len() as u64 != file.change.size {
            return Err(damaged(format!(
                "{} bytes, but store version {} committed {} bytes (the file was cut short)",
                bytes.len(),
                file.version,
                file.change.size
            )));
        }
        use sha2::{Digest, Sha256};
        if hex::encode(Sha256::digest(&bytes)) != file.change.sha256 {
            return Err(damaged(format!(
                "its content is not what store version {} committed (the file was altered \
                 or replaced by another copy)",
                file.version
            )));
        }
        Ok(bytes)
    }

    /// Reads one partition whole, checked, or `None` when the trust has none.
    pub fn read_partition(
        &self,
        table: Table,
        trust_id: &str,
    ) -> Result<Option<DataFrame>, StoreError> {
        let Some(file) = self.snapshot.files.get(&(table, trust_id.to_string())) else {
            return Ok(None);
        };
        let bytes = self.read_checked(file)?;
        let path = self.root.join(file.relative());
        ParquetReader::new(std::io::Cursor::new(bytes))
            .finish()
            .map(Some)
            .map_err(|source| StoreError::Parquet { path, source })
    }

    /// The rows of `table` for `trusts`, with `trust_id` first, in trust order; `None`
    /// when none of them has the table (as [`Store::read_tables`] reads them).
    pub fn read_trusts(
        &self,
        table: Table,
        trusts: &[String],
    ) -> Result<Option<DataFrame>, StoreError> {
        Ok(self.read_tables(&[table], trusts)?.remove(0))
    }

    /// The rows of each of `tables` for `trusts`, with `trust_id` first, in trust order;
    /// `None` for a table none of them has. Each file is checked against its commit and
    /// decoded from the bytes checked, every file of every table side by side on every
    /// core: one read per file, where a lazy scan would open each again after the check
    /// (a national report reads twenty thousand small files; the scan's set-up per file
    /// cost more than the decoding), and all tables at once, where one table at a time
    /// left a core idle while each table's files were put together (issue #20).
    pub fn read_tables(
        &self,
        tables: &[Table],
        trusts: &[String],
    ) -> Result<Vec<Option<DataFrame>>, StoreError> {
        use rayon::prelude::*;
        let wanted: BTreeSet<&str> = trusts.iter().map(String::as_str).collect();
        let wanted = &wanted;
        let files: Vec<(usize, &str, &LiveFile)> = tables
            .iter()
            .enumerate()
            .flat_map(|(at, &table)| {
                self.snapshot
                    .files
                    .iter()
                    .filter(move |((t, trust), _)| *t == table && wanted.contains(trust.as_str()))
                    .map(move |((_, trust), file)| (at, trust.as_str(), file))
            })
            .collect();
        let frames = files
            .into_par_iter()
            .map(|(at, trust, file)| {
                let bytes = self.read_checked(file)?;
                let fail = |source| StoreError::Parquet {
                    path: self.root.join(file.relative()),
                    source,
                };
                // One file per task: polars' own pool would take up this pool's
                // waiting tasks inside its wait, file within file, until the stack ran
                // out.
                let mut frame = ParquetReader::new(std::io::Cursor::new(bytes))
                    .read_parallel(ParallelStrategy::None)
                    .finish()
                    .map_err(fail)?;
                let trust_id = Column::new("trust_id".into(), vec![trust; frame.height()]);
                frame.insert_column(0, trust_id).map_err(fail)?;
                Ok((at, frame))
            })
            .collect::<Result<Vec<(usize, DataFrame)>, StoreError>>()?;
        let mut wholes: Vec<Option<DataFrame>> = vec![None; tables.len()];
        for (at, frame) in frames {
            match &mut wholes[at] {
                None => wholes[at] = Some(frame),
                Some(whole) => {
                    whole
                        .vstack_mut_owned(frame)
                        .map_err(|source| StoreError::Parquet {
                            path: self.root.join(tables[at].name()),
                            source,
                        })?;
                }
            }
        }
        // Into one chunk per column, each table on every core (polars' pool, called
        // from this thread and not from rayon's: see above).
        for whole in wholes.iter_mut().flatten() {
            whole.rechunk_mut_par();
        }
        Ok(wholes)
    }

    /// Starts writing the next version: rows are merged in with [`Writing::apply`], one
    /// batch of bundles at a time, and nothing is visible until [`Writing::finish`]
    /// commits.
    pub fn begin_write(&self, mode: IngestMode) -> Result<Writing<'_>, StoreError> {
        Writing::begin(self, mode)
    }
}

/// Refuses a store an oversight from before versioned stores wrote (issue #18): its
/// files are in no version, so reading it as empty would lose them.
fn refuse_legacy(root: &Path, head: u64) -> Result<(), StoreError> {
    if head == 0 && maintain::legacy_files(root)?.is_some() {
        return Err(StoreError::Legacy {
            path: root.to_owned(),
        });
    }
    Ok(())
}

/// Refuses a store whose tables' Delta logs are ahead of the store's log: a version
/// file was deleted or the log rolled back (by a sync client, or a restored backup of
/// part of the folder), and reading it would give older figures without a word.
fn check_tables_follow(root: &Path, head: u64) -> Result<(), StoreError> {
    for table in Table::ALL {
        let dir = root.join(table.name()).join(delta::LOG_DIR);
        let Some(entries) = history::read_dir_if_there(&dir)? else {
            continue;
        };
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::io(&dir, e))?;
            let Some(version) = entry.file_name().to_str().and_then(history::version_of) else {
                continue;
            };
            if version > head {
                return Err(StoreError::Damaged {
                    path: root.join(history::relative_path(version)),
                    problem: format!(
                        "missing: table {} records store version {version}, but the store's \
                         log ends at version {head} (a version file was deleted, or the log \
                         rolled back to an older copy)",
                        table.name()
                    ),
                });
            }
        }
    }
    Ok(())
}
