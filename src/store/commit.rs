//! All-or-nothing changes to the store, so an ingest that fails or is killed at any
//! point leaves the store as it was (spec 03, "Store").
//!
//! A change is written in three steps:
//! 1. every new file is written under `_staging/<txn>/` (beside the store's own files, on
//!    the same file system, so moving it in later is a rename), then made durable: each
//!    synced on its own when there are a few, all at once with one `syncfs` on Linux when
//!    there are many (a national ingest stages twenty thousand partitions);
//! 2. a journal `_journal/<txn>.json` listing the files is written to a temporary name,
//!    synced and renamed into place: this rename is the commit point;
//! 3. each staged file is renamed over its target, and each staged append (the ingest
//!    log's new rows) is written after the length its file had when the transaction was
//!    staged (truncating first, so doing it twice gives the same file); then the journal
//!    and the staging folder are removed.
//!
//! A kill before step 2 leaves only a staging folder, which readers never look at
//! (Hive readers skip folders starting with `_`, and it sits outside every table) and
//! the next opening of the store deletes. A kill during step 3 leaves a journal, and the
//! next opening finishes its renames (each rename is atomic and repeatable). Every file a
//! reader sees is therefore whole, and once the store is opened again it is exactly the
//! old store or exactly the new one.
//!
//! A journal is data read back from disk, so it is checked before it is acted on: its
//! transaction id is a plain name and every path in it is relative, inside the store
//! (no `..`, no root); anything else is reported as a corrupt journal and nothing of it
//! is applied. Recovery runs only under the writer's lock ([`super::lock`]).
//!
//! For tests, `OVERSIGHT_CRASH_AT` aborts the process at a named point: `staged-N`
//! (after the N-th staged file), `journal` (just after the commit point) or `applied-N`
//! (after the N-th rename). It is the only way to test a kill honestly.

use std::fs;
use std::io::{Seek, Write};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::StoreError;

const STAGING: &str = "_staging";
const JOURNAL: &str = "_journal";

/// A set of files that will replace (or add to) the store's files all at once.
///
/// Files are staged with [`Transaction::stage_bytes`], or written from several threads
/// with [`Transaction::write_staged`] and then recorded, in order, with
/// [`Transaction::record`].
pub struct Transaction {
    root: PathBuf,
    id: String,
    staged: Vec<PathBuf>,
    appends: Vec<Append>,
}

#[derive(Serialize, Deserialize)]
struct Journal {
    txn: String,
    /// Paths relative to the store root.
    files: Vec<PathBuf>,
    /// Files that get bytes appended.
    #[serde(default)]
    appends: Vec<Append>,
}

/// Bytes appended to a store file: they go after `from_len` bytes, the file's length
/// when the transaction was staged.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Append {
    /// Relative to the store root.
    file: PathBuf,
    from_len: u64,
}

impl Journal {
    /// Refuses a journal that names anything but files inside the store.
    fn check(&self, path: &Path) -> Result<(), StoreError> {
        let plain_name = !self.txn.is_empty()
            && self
                .txn
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
            && !self.txn.starts_with('.');
        let corrupt = |message: String| StoreError::Corrupt {
            path: path.to_owned(),
            message,
        };
        if !plain_name {
            return Err(corrupt(format!(
                "journal names the transaction {}: not a plain name, so nothing of it is applied",
                crate::contract::excerpt(&self.txn)
            )));
        }
        let files = self
            .files
            .iter()
            .chain(self.appends.iter().map(|a| &a.file));
        for file in files {
            let inside = file.components().count() > 0
                && file.components().all(|c| matches!(c, Component::Normal(_)));
            if !inside {
                return Err(corrupt(format!(
                    "journal names {}, which is not a path inside the store, so nothing of it is applied",
                    crate::contract::excerpt(&file.to_string_lossy())
                )));
            }
        }
        Ok(())
    }
}

impl Transaction {
    /// Starts a transaction on the store at `root`.
    pub fn begin(root: &Path) -> Self {
        let id = format!(
            "{}-{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f"),
            std::process::id()
        );
        Transaction {
            root: root.to_owned(),
            id,
            staged: Vec::new(),
            appends: Vec::new(),
        }
    }

    fn staging_dir(&self) -> PathBuf {
        self.root.join(STAGING).join(&self.id)
    }

    /// Where the file that will be at `relative` waits: one flat folder, so staging a
    /// file never creates folders (`sessions/trust_id=TR001/part-0.parquet` waits as
    /// `sessions~trust_id=TR001~part-0.parquet`).
    fn staged_path(root: &Path, txn: &str, relative: &Path) -> PathBuf {
        let flat: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        root.join(STAGING).join(txn).join(flat.join("~"))
    }

    /// Where the bytes to append to `relative` wait.
    fn append_path(root: &Path, txn: &str, relative: &Path) -> PathBuf {
        let staged = Self::staged_path(root, txn, relative);
        let name = staged.file_name().map(|n| n.to_string_lossy().into_owned());
        staged.with_file_name(format!("append~{}", name.unwrap_or_default()))
    }

    /// Stages `bytes` to be appended to the file at `relative`, whose length is now
    /// `from_len`; the file's earlier bytes are never rewritten.
    pub fn stage_append(
        &mut self,
        relative: &Path,
        from_len: u64,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        let dir = self.staging_dir();
        crate::private_fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
        let path = Self::append_path(&self.root, &self.id, relative);
        crate::private_fs::write(&path, bytes)
            .map_err(|e| StoreError::io(&self.root.join(relative), e))?;
        self.appends.push(Append {
            file: relative.to_owned(),
            from_len,
        });
        Ok(())
    }

    /// Writes the file that will be at `relative` (a path inside the store) once the
    /// transaction commits, without recording it: safe to call from several threads at
    /// once. Each file written must then be [`record`](Self::record)ed.
    pub fn write_staged(&self, relative: &Path, bytes: &[u8]) -> Result<(), StoreError> {
        let dir = self.staging_dir();
        crate::private_fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
        let path = Self::staged_path(&self.root, &self.id, relative);
        crate::private_fs::write(&path, bytes)
            .map_err(|e| StoreError::io(&self.root.join(relative), e))
    }

    /// Records a file written by [`write_staged`](Self::write_staged) as part of the
    /// transaction.
    pub fn record(&mut self, relative: &Path) {
        self.staged.push(relative.to_owned());
        crash_if_asked("staged", self.staged.len());
    }

    /// Takes the staged file at `relative` out of the transaction again (its content
    /// turned out to be the store's own): the store's file stays as it is.
    pub fn forget(&mut self, relative: &Path) -> Result<(), StoreError> {
        self.staged.retain(|staged| staged != relative);
        let path = Self::staged_path(&self.root, &self.id, relative);
        std::fs::remove_file(&path).map_err(|e| StoreError::io(&path, e))
    }

    /// Stages the file that will be at `relative` once the transaction commits.
    pub fn stage_bytes(&mut self, relative: &Path, bytes: &[u8]) -> Result<(), StoreError> {
        self.write_staged(relative, bytes)?;
        self.record(relative);
        Ok(())
    }

    /// The staged copy of `relative`, if this transaction has staged one (so a later
    /// step of the same ingest builds on it rather than on the store's file).
    pub fn staged_file(&self, relative: &Path) -> PathBuf {
        Self::staged_path(&self.root, &self.id, relative)
    }

    /// Makes the staged files the store's files: writes the journal (the commit point),
    /// then moves each file into place.
    pub fn commit(self) -> Result<(), StoreError> {
        if self.staged.is_empty() && self.appends.is_empty() {
            return Ok(());
        }
        self.sync_staged()?;
        let journal_dir = self.root.join(JOURNAL);
        crate::private_fs::create_dir_all(&journal_dir)
            .map_err(|e| StoreError::io(&journal_dir, e))?;
        let journal = Journal {
            txn: self.id.clone(),
            files: self.staged.clone(),
            appends: self.appends.clone(),
        };
        let temporary = journal_dir.join(format!("{}.json.tmp", self.id));
        let final_path = journal_dir.join(format!("{}.json", self.id));
        {
            let mut file = crate::private_fs::create_file(&temporary)
                .map_err(|e| StoreError::io(&temporary, e))?;
            let text = serde_json::to_vec_pretty(&journal).expect("a journal serialises");
            file.write_all(&text)
                .map_err(|e| StoreError::io(&temporary, e))?;
            file.sync_all().map_err(|e| StoreError::io(&temporary, e))?;
        }
        fs::rename(&temporary, &final_path).map_err(|e| StoreError::io(&final_path, e))?;
        sync_dir(&journal_dir);
        crash_if_asked("journal", 0);
        apply(&self.root, &journal)
    }
}

/// Up to this many staged files are synced one by one; more, and one `syncfs` flushes
/// the whole file system at once. (A `syncfs` also waits for every other program's
/// unwritten data on that file system, which for a one-trust re-ingest costs more than
/// its own few files.)
const SYNC_EACH_UP_TO: usize = 64;

impl Transaction {
    /// Makes every staged file durable before the commit point.
    fn sync_staged(&self) -> Result<(), StoreError> {
        if self.staged.len() > SYNC_EACH_UP_TO && self.sync_file_system()? {
            return Ok(());
        }
        let appends = self
            .appends
            .iter()
            .map(|a| Self::append_path(&self.root, &self.id, &a.file));
        let staged: Vec<PathBuf> = self
            .staged
            .iter()
            .map(|relative| self.staged_file(relative))
            .chain(appends)
            .collect();
        for path in staged {
            let file = fs::File::open(&path).map_err(|e| StoreError::io(&path, e))?;
            file.sync_all().map_err(|e| StoreError::io(&path, e))?;
        }
        sync_dir(&self.staging_dir());
        Ok(())
    }

    /// Flushes the staging folder's whole file system; `false` where there is no
    /// `syncfs`.
    #[cfg(target_os = "linux")]
    fn sync_file_system(&self) -> Result<bool, StoreError> {
        let dir = self.staging_dir();
        let handle = fs::File::open(&dir).map_err(|e| StoreError::io(&dir, e))?;
        rustix::fs::syncfs(&handle).map_err(|e| StoreError::io(&dir, e.into()))?;
        Ok(true)
    }

    #[cfg(not(target_os = "linux"))]
    fn sync_file_system(&self) -> Result<bool, StoreError> {
        Ok(false)
    }
}

/// Finishes committed transactions and removes abandoned ones. Called whenever the store
/// is opened, before anything reads it.
pub fn recover(root: &Path) -> Result<(), StoreError> {
    let journal_dir = root.join(JOURNAL);
    if journal_dir.is_dir() {
        let mut journals: Vec<PathBuf> = fs::read_dir(&journal_dir)
            .map_err(|e| StoreError::io(&journal_dir, e))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .collect();
        journals.sort();
        for path in journals {
            if path.extension().is_some_and(|ext| ext == "json") {
                let text = fs::read(&path).map_err(|e| StoreError::io(&path, e))?;
                let journal: Journal =
                    serde_json::from_slice(&text).map_err(|e| StoreError::Corrupt {
                        path: path.clone(),
                        message: format!("unreadable journal: {e}"),
                    })?;
                journal.check(&path)?;
                apply(root, &journal)?;
            } else {
                // A journal that never reached its final name: its transaction never
                // committed.
                fs::remove_file(&path).map_err(|e| StoreError::io(&path, e))?;
            }
        }
    }
    let staging = root.join(STAGING);
    if staging.is_dir() {
        fs::remove_dir_all(&staging).map_err(|e| StoreError::io(&staging, e))?;
    }
    Ok(())
}

/// Moves a committed transaction's staged files into place; safe to repeat.
fn apply(root: &Path, journal: &Journal) -> Result<(), StoreError> {
    let staging = root.join(STAGING).join(&journal.txn);
    for (done, relative) in journal.files.iter().enumerate() {
        let from = Transaction::staged_path(root, &journal.txn, relative);
        let to = root.join(relative);
        if from.exists() {
            if let Some(dir) = to.parent() {
                crate::private_fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
            }
            fs::rename(&from, &to).map_err(|e| StoreError::io(&to, e))?;
        }
        crash_if_asked("applied", done + 1);
    }
    for append in &journal.appends {
        let from = Transaction::append_path(root, &journal.txn, &append.file);
        if from.exists() {
            append_after(&from, &root.join(&append.file), append.from_len)?;
        }
    }
    let journal_path = root.join(JOURNAL).join(format!("{}.json", journal.txn));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| StoreError::io(&staging, e))?;
    }
    if journal_path.exists() {
        fs::remove_file(&journal_path).map_err(|e| StoreError::io(&journal_path, e))?;
    }
    Ok(())
}

/// Writes the bytes staged at `from` into `to` after its first `from_len` bytes, and
/// makes them durable: whatever a killed earlier attempt left after `from_len` is
/// replaced, so this is safe to repeat.
fn append_after(from: &Path, to: &Path, from_len: u64) -> Result<(), StoreError> {
    let bytes = fs::read(from).map_err(|e| StoreError::io(from, e))?;
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(to).map_err(|e| StoreError::io(to, e))?;
    let len = file.metadata().map_err(|e| StoreError::io(to, e))?.len();
    if len < from_len {
        return Err(StoreError::Corrupt {
            path: to.to_owned(),
            message: format!(
                "{len} bytes long, but a committed change appends after byte {from_len}: \
                 the file was shortened outside oversight"
            ),
        });
    }
    file.set_len(from_len).map_err(|e| StoreError::io(to, e))?;
    file.seek(std::io::SeekFrom::Start(from_len))
        .map_err(|e| StoreError::io(to, e))?;
    file.write_all(&bytes).map_err(|e| StoreError::io(to, e))?;
    file.sync_all().map_err(|e| StoreError::io(to, e))
}

fn sync_dir(dir: &Path) {
    // Syncing a folder makes a rename durable on Linux; where it is not supported the
    // rename is still atomic, so a failure here is not an error.
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

/// Aborts the process when `OVERSIGHT_CRASH_AT` names this point (see the module doc).
fn crash_if_asked(point: &str, count: usize) {
    let Ok(wanted) = std::env::var("OVERSIGHT_CRASH_AT") else {
        return;
    };
    let here = if count == 0 {
        point.to_string()
    } else {
        format!("{point}-{count}")
    };
    if wanted == here {
        eprintln!("oversight: crashing on purpose at {here} (OVERSIGHT_CRASH_AT)");
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_committed_transaction_replaces_files_and_leaves_no_trace() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("t")).unwrap();
        fs::write(dir.path().join("t/a"), b"old").unwrap();
        let mut txn = Transaction::begin(dir.path());
        txn.stage_bytes(Path::new("t/a"), b"new").unwrap();
        txn.stage_bytes(Path::new("t/b"), b"added").unwrap();
        txn.commit().unwrap();
        assert_eq!(fs::read(dir.path().join("t/a")).unwrap(), b"new");
        assert_eq!(fs::read(dir.path().join("t/b")).unwrap(), b"added");
        assert!(!dir.path().join(STAGING).join("x").exists());
        assert_eq!(fs::read_dir(dir.path().join(JOURNAL)).unwrap().count(), 0);
    }

    #[test]
    fn an_uncommitted_transaction_is_forgotten_on_recovery() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a"), b"old").unwrap();
        let mut txn = Transaction::begin(dir.path());
        txn.stage_bytes(Path::new("a"), b"new").unwrap();
        drop(txn); // as if killed before the commit point
        recover(dir.path()).unwrap();
        assert_eq!(fs::read(dir.path().join("a")).unwrap(), b"old");
        assert!(!dir.path().join(STAGING).exists());
    }

    #[test]
    fn a_journal_left_by_a_kill_is_rolled_forward() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a"), b"old").unwrap();
        fs::write(dir.path().join("b"), b"old").unwrap();
        let mut txn = Transaction::begin(dir.path());
        txn.stage_bytes(Path::new("a"), b"new").unwrap();
        txn.stage_bytes(Path::new("b"), b"new").unwrap();
        // Write the journal and apply only the first rename, as a kill would leave it.
        let journal = Journal {
            txn: txn.id.clone(),
            files: txn.staged.clone(),
            appends: Vec::new(),
        };
        fs::create_dir_all(dir.path().join(JOURNAL)).unwrap();
        fs::write(
            dir.path().join(JOURNAL).join(format!("{}.json", txn.id)),
            serde_json::to_vec(&journal).unwrap(),
        )
        .unwrap();
        fs::rename(txn.staged_file(Path::new("a")), dir.path().join("a")).unwrap();
        recover(dir.path()).unwrap();
        assert_eq!(fs::read(dir.path().join("a")).unwrap(), b"new");
        assert_eq!(fs::read(dir.path().join("b")).unwrap(), b"new");
    }
}
