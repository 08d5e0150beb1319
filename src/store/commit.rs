//! How a writer commits a store version without ever clashing with another writer, even
//! when the lock file is gone or the store sits on a network or synced drive (spec 03,
//! "Store": "Writers cannot clash").
//!
//! 1. Each writer stages in its own folder, `_staging/<writer id>/` (the id is the time
//!    and a random number, so no two writers share one). Nothing reads a staging folder,
//!    and no writer ever deletes another's: a killed writer's folder is left for
//!    `oversight store vacuum`.
//! 2. Before the commit, the new data files are moved into their tables' partition
//!    folders under names no other writer uses (`v<version>-<writer id>.parquet`). Until
//!    a version lists them they are stray files, which no report reads.
//! 3. The commit is the atomic creation of the next version's file in `_versions/`:
//!    written and synced in the staging folder, then hard-linked to its name, which
//!    fails when the name exists. Of two writers aiming at the same version, exactly one
//!    wins; the other is told, and commits nothing.
//! 4. Each table's Delta log entry for the version is then written from it, the same
//!    way. A writer killed before this step leaves entries missing: the next writer
//!    writes them (their bytes follow from the version file), and reports never need
//!    them.
//!
//! For tests, `OVERSIGHT_CRASH_AT` aborts the process at a named point: `staged-N`
//! (after the N-th staged partition), `placed` (data files moved, before the commit),
//! `commit` (just after the commit point) or `projected-N` (after N Delta entries), or
//! `report-staged` (a report's files all written, before they are swapped in); and
//! `OVERSIGHT_TEST_COMMIT_DELAY_MS` makes a writer wait that long just before it
//! commits, so a test can make two writers race for the same version.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::StoreError;
use super::delta;
use super::history::{self, History};
use crate::contract::Table;

/// The folder that holds every writer's staging folder.
pub const STAGING: &str = "_staging";

/// A writer's own staging folder, removed when the writer is done (whether it committed
/// or failed).
pub struct Staging {
    dir: PathBuf,
    writer: String,
}

impl Staging {
    /// Creates a staging folder of its own for a new writer on the store at `root`.
    pub fn begin(root: &Path) -> Result<Staging, StoreError> {
        let mut random = [0u8; 6];
        getrandom::fill(&mut random).map_err(|e| {
            StoreError::io(root, std::io::Error::other(format!("no randomness: {e}")))
        })?;
        let writer = format!(
            "{}-{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%S"),
            hex::encode(random)
        );
        let dir = root.join(STAGING).join(&writer);
        crate::private_fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
        Ok(Staging { dir, writer })
    }

    /// The writer's id: part of every data file name it writes.
    pub fn writer(&self) -> &str {
        &self.writer
    }

    /// Where the staged file `name` (a plain name) is.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Stages `bytes` as `name`.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let path = self.path(name);
        crate::private_fs::write(&path, bytes).map_err(|e| StoreError::io(&path, e))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // Only this writer's own folder; a failure to remove it leaves a folder that no
        // reader looks at and that `store vacuum` removes.
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Creates `target` holding `bytes` only if nothing is there yet: `Ok(true)` when this
/// call created it, `Ok(false)` when a file of that name existed. The bytes are made
/// durable before the name appears, so a reader never sees a part of them.
pub fn put_if_absent(staging: &Staging, target: &Path, bytes: &[u8]) -> Result<bool, StoreError> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = staging.path(&format!("put~{name}"));
    {
        let mut file = crate::private_fs::create_file(&temporary)
            .map_err(|e| StoreError::io(&temporary, e))?;
        file.write_all(bytes)
            .map_err(|e| StoreError::io(&temporary, e))?;
        file.sync_all().map_err(|e| StoreError::io(&temporary, e))?;
    }
    if let Some(dir) = target.parent() {
        crate::private_fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
    }
    let linked = fs::hard_link(&temporary, target);
    let _ = fs::remove_file(&temporary);
    match linked {
        Ok(()) => {
            sync_dir(target.parent());
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        // A file system without hard links (some network shares): an exclusive create,
        // which is atomic as to who wins; the bytes follow.
        Err(_) => create_new(target, bytes),
    }
}

fn create_new(target: &Path, bytes: &[u8]) -> Result<bool, StoreError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(target) {
        Ok(mut file) => {
            file.write_all(bytes)
                .map_err(|e| StoreError::io(target, e))?;
            file.sync_all().map_err(|e| StoreError::io(target, e))?;
            sync_dir(target.parent());
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(StoreError::io(target, e)),
    }
}

/// Moves staged data files into their partition folders (names no other writer uses),
/// then makes them and their new names durable: each synced on its own when there are
/// a few, all at once with one `syncfs` on Linux when there are many (a national ingest
/// places twenty thousand).
pub fn place(root: &Path, moves: &[(PathBuf, PathBuf)]) -> Result<(), StoreError> {
    for (from, to) in moves {
        if let Some(dir) = to.parent() {
            crate::private_fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        }
        fs::rename(from, to).map_err(|e| StoreError::io(to, e))?;
    }
    if moves.len() > SYNC_EACH_UP_TO && sync_file_system(root)? {
        return Ok(());
    }
    for (_, to) in moves {
        let file = fs::File::open(to).map_err(|e| StoreError::io(to, e))?;
        file.sync_all().map_err(|e| StoreError::io(to, e))?;
        sync_dir(to.parent());
    }
    Ok(())
}

/// Up to this many files are synced one by one; more, and one `syncfs` flushes the
/// whole file system at once. (A `syncfs` also waits for every other program's
/// unwritten data on that file system, which for a one-trust re-ingest costs more than
/// its own few files.)
const SYNC_EACH_UP_TO: usize = 64;

/// Flushes the file system the store is on; `false` where there is no `syncfs`.
#[cfg(target_os = "linux")]
fn sync_file_system(root: &Path) -> Result<bool, StoreError> {
    let handle = fs::File::open(root).map_err(|e| StoreError::io(root, e))?;
    rustix::fs::syncfs(&handle).map_err(|e| StoreError::io(root, e.into()))?;
    Ok(true)
}

#[cfg(not(target_os = "linux"))]
fn sync_file_system(_: &Path) -> Result<bool, StoreError> {
    Ok(false)
}

/// The path of table `table`'s Delta entry for `version`, relative to the store.
pub fn delta_entry(table: Table, version: u64) -> PathBuf {
    Path::new(table.name())
        .join(delta::LOG_DIR)
        .join(history::file_name(version))
}

/// The bytes of table `table`'s Delta entry for `version` (0: the table's creation).
pub fn delta_bytes(history: &History, table: Table, version: u64) -> Vec<u8> {
    match version {
        0 => delta::creation_entry(table, &history.commits[0]),
        v => delta::version_entry(table, &history.commits[v as usize - 1]),
    }
}

/// Writes every Delta entry of `history` that is missing (after a writer was killed
/// between its commit and its entries). Entries present are left as they are: `store
/// check` compares them.
pub fn write_missing_delta_entries(
    root: &Path,
    staging: &Staging,
    history: &History,
) -> Result<(), StoreError> {
    let mut written = 0;
    for table in Table::ALL {
        for version in 0..=history.head() {
            if history.head() == 0 {
                break;
            }
            let target = root.join(delta_entry(table, version));
            if target.exists() {
                continue;
            }
            let bytes = delta_bytes(history, table, version);
            if !put_if_absent(staging, &target, &bytes)? {
                continue;
            }
            written += 1;
            crash_if_asked("projected", written);
        }
    }
    Ok(())
}

/// The path of version `version`'s file, relative to the store.
pub fn version_file(version: u64) -> PathBuf {
    history::relative_path(version)
}

fn sync_dir(dir: Option<&Path>) {
    // Syncing a folder makes a new name durable on Linux; where it is not supported the
    // name is still there, so a failure here is not an error.
    if let Some(handle) = dir.and_then(|d| fs::File::open(d).ok()) {
        let _ = handle.sync_all();
    }
}

/// Waits `OVERSIGHT_TEST_COMMIT_DELAY_MS` milliseconds when set (see the module doc).
pub fn delay_if_asked() {
    let delay = std::env::var("OVERSIGHT_TEST_COMMIT_DELAY_MS")
        .ok()
        .and_then(|ms| ms.parse::<u64>().ok());
    if let Some(ms) = delay {
        std::thread::sleep(std::time::Duration::from_millis(ms.min(60_000)));
    }
}

/// Aborts the process when `OVERSIGHT_CRASH_AT` names this point (see the module doc).
pub fn crash_if_asked(point: &str, count: usize) {
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
    fn put_if_absent_creates_once_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::begin(dir.path()).unwrap();
        let target = dir.path().join("_versions").join("x.json");
        assert!(put_if_absent(&staging, &target, b"first").unwrap());
        assert!(!put_if_absent(&staging, &target, b"second").unwrap());
        assert_eq!(fs::read(&target).unwrap(), b"first");
    }

    #[test]
    fn a_writer_removes_only_its_own_staging() {
        let dir = tempfile::tempdir().unwrap();
        let other = dir.path().join(STAGING).join("another-writer");
        fs::create_dir_all(&other).unwrap();
        fs::write(other.join("file"), b"theirs").unwrap();
        let staging = Staging::begin(dir.path()).unwrap();
        staging.write("mine", b"mine").unwrap();
        let mine = staging.path("mine");
        drop(staging);
        assert!(!mine.exists());
        assert_eq!(fs::read(other.join("file")).unwrap(), b"theirs");
    }
}
