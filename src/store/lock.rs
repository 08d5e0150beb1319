//! One writer at a time, as a courtesy: an ingest or a vacuum holds an exclusive advisory
//! lock on the store while it runs, so a second one started meanwhile says at once that
//! the store is in use. Correctness does not rest on it: the lock file can be deleted,
//! or mean nothing on a synced drive, and two writers still cannot both commit the same
//! version ([`super::commit`]). Reports take no lock: the files of a committed version
//! never change.
//!
//! The lock is `flock` on `STORE/.lock`: it is released by the kernel when the process
//! ends, however it ends, so a killed ingest never leaves the store locked.
//!
//! For tests, `OVERSIGHT_TEST_UNLINK_LOCK` deletes the lock file as soon as it is taken,
//! as a person or a sync client may: the next writer then locks a new file and runs
//! alongside (the race test of issue #18).

use std::fs;
use std::path::Path;

use rustix::fs::{FlockOperation, flock};

use super::StoreError;

/// The lock file's name in the store (a dot file: no Parquet reader looks at it).
pub const LOCK_FILE: &str = ".lock";

/// A lock held on a store; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct StoreLock {
    /// Held open: the lock lasts as long as the file is.
    _file: fs::File,
}

/// Whether another process holds the lock, or the lock could not be taken at all.
pub enum Refused {
    Busy,
    Failed(StoreError),
}

impl StoreLock {
    fn open(root: &Path) -> Result<fs::File, StoreError> {
        let path = root.join(LOCK_FILE);
        let mut options = fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(&path).map_err(|e| StoreError::io(&path, e))
    }

    fn take(root: &Path, operation: FlockOperation) -> Result<StoreLock, Refused> {
        // A lock held on a file that is no longer the store's lock file (deleted, or
        // replaced by a sync client, around our opening it) says nothing about the
        // store: open the file now there and try again, a few times.
        for _ in 0..8 {
            let file = Self::open(root).map_err(Refused::Failed)?;
            match flock(&file, operation) {
                Ok(()) => {
                    if std::env::var_os("OVERSIGHT_TEST_UNLINK_LOCK").is_some() {
                        let _ = fs::remove_file(root.join(LOCK_FILE));
                    }
                    return Ok(StoreLock { _file: file });
                }
                Err(rustix::io::Errno::WOULDBLOCK) => {
                    // Give a holder that is about to let the file go a moment to do so.
                    let gone = (0..10).any(|_| {
                        std::thread::sleep(std::time::Duration::from_millis(25));
                        !Self::still_there(root, &file)
                    });
                    if !gone {
                        return Err(Refused::Busy);
                    }
                }
                Err(e) => {
                    return Err(Refused::Failed(StoreError::io(
                        &root.join(LOCK_FILE),
                        e.into(),
                    )));
                }
            }
        }
        Err(Refused::Busy)
    }

    /// Whether the file we opened is still the one at the lock file's path.
    #[cfg(unix)]
    fn still_there(root: &Path, file: &fs::File) -> bool {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), fs::metadata(root.join(LOCK_FILE))) {
            (Ok(ours), Ok(there)) => ours.dev() == there.dev() && ours.ino() == there.ino(),
            _ => false,
        }
    }

    #[cfg(not(unix))]
    fn still_there(_root: &Path, _file: &fs::File) -> bool {
        true
    }

    /// The writer's lock, if no other process holds any lock on the store.
    pub fn exclusive(root: &Path) -> Result<StoreLock, Refused> {
        Self::take(root, FlockOperation::NonBlockingLockExclusive)
    }

    /// The writer's lock, or the error that says another process holds the store.
    pub fn writer(root: &Path) -> Result<StoreLock, StoreError> {
        match Self::exclusive(root) {
            Ok(lock) => Ok(lock),
            Err(Refused::Busy) => Err(StoreError::Busy {
                path: root.to_owned(),
            }),
            Err(Refused::Failed(e)) => Err(e),
        }
    }
}
