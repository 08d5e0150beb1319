//! The store's own log: one file per store version, `_versions/<20 digits>.json`, the
//! commit point of every ingest (spec 03, "Store").
//!
//! An ingest changes up to eight tables at once, and the Delta protocol commits one
//! table at a time, so the store keeps one log above the tables: creating the next
//! version's file is the commit (put-if-absent, [`super::commit`]), and each table's
//! `_delta_log` entry for that version is then written from it ([`super::delta`]).
//!
//! A version file holds two lines: the commit as JSON (when, by which tool, the mode
//! of the ingest, the key's fingerprint, every bundle file with its SHA-256 and row
//! counts, schools moved between trusts, rows added, updated, removed and kept per
//! table, and every data file added or removed with its size, SHA-256 and row count),
//! then `{"sha256": ...}` of the first line's bytes. Each commit names the SHA-256 of
//! the version file before it, so a file altered, truncated or swapped for another is
//! found when the log is read, and a version missing from the middle is too.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{KeyRecord, StoreError};
use crate::contract::Table;

/// The folder of the store's log.
pub const VERSIONS_DIR: &str = "_versions";

/// The largest version file read (a national ingest's log is a few megabytes).
const MAX_VERSION_FILE: u64 = 512 * 1024 * 1024;

/// The dates an export covers, both included (`FROM..TO`).
pub type DateWindow = (chrono::NaiveDate, chrono::NaiveDate);

/// How an ingest treats rows the bundle no longer has (spec 01, "Exports over time").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum IngestMode {
    /// The bundle is a full export of each school it holds: rows it no longer has are
    /// removed.
    Full,
    /// The bundle covers the dates from `from` to `to` (both included): only rows of
    /// its schools dated inside them are replaced.
    Window {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },
    /// Rows are added and updated, never removed.
    Append,
}

impl IngestMode {
    /// The Delta `WRITE` mode this ingest's commits record.
    pub fn delta_mode(self) -> &'static str {
        match self {
            IngestMode::Append => "Append",
            _ => "Overwrite",
        }
    }
}

impl std::fmt::Display for IngestMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IngestMode::Full => write!(f, "full export"),
            IngestMode::Window { from, to } => write!(f, "window {from}..{to}"),
            IngestMode::Append => write!(f, "append"),
        }
    }
}

/// Whether a data file came into the table or left it at a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileAction {
    Add,
    Remove,
}

/// A data file a version added or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileChange {
    #[serde(with = "table_name")]
    pub table: Table,
    pub trust_id: String,
    pub action: FileAction,
    /// Relative to the table's folder (`trust_id=TR001/v...parquet`), as Delta has it.
    pub path: String,
    pub size: u64,
    pub sha256: String,
    pub rows: u64,
}

/// Rows of one table a version added, updated, removed, and kept because their newer
/// copy was quarantined.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCounts {
    pub added: u64,
    pub updated: u64,
    pub removed: u64,
    pub kept: u64,
}

/// A bundle file an ingest read: its SHA-256 and what became of its rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    pub file: String,
    pub table: String,
    pub sha256: String,
    pub bytes: u64,
    pub rows_read: u64,
    pub rows_stored: u64,
    pub rows_quarantined: u64,
    /// The trusts its stored rows belong to.
    pub trust_ids: Vec<String>,
}

/// A school an ingest moved from one trust to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    pub school_urn: String,
    pub school_name: String,
    pub from: String,
    pub to: String,
}

/// One store version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreCommit {
    pub version: u64,
    /// The SHA-256 of the previous version's file; `None` for version 1.
    pub parent_sha256: Option<String>,
    /// Chosen at version 1 and kept: which store this is.
    pub store_id: String,
    /// UTC, RFC 3339.
    pub committed_at: String,
    pub committed_at_ms: i64,
    /// `oversight 0.1.0`.
    pub tool: String,
    pub mode: IngestMode,
    /// The key the store's case refs are made with.
    pub key: KeyRecord,
    pub inputs: Vec<InputFile>,
    pub moved: Vec<Moved>,
    /// Per table name.
    pub rows: BTreeMap<String, RowCounts>,
    pub files: Vec<FileChange>,
    /// The quarantine files this ingest wrote, relative to the store.
    pub quarantine: Vec<String>,
    /// Bundles that exported only some dates: `<bundle>: FROM..TO`.
    #[serde(default)]
    pub windows: Vec<String>,
}

mod table_name {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::contract::Table;

    pub fn serialize<S: Serializer>(table: &Table, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(table.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Table, D::Error> {
        let name = String::deserialize(d)?;
        Table::from_name(&name).ok_or_else(|| serde::de::Error::custom("not a store table"))
    }
}

/// The name of version `version`'s file: twenty digits, as the Delta protocol names a
/// table's log entry of the same version (`super::delta`).
pub fn file_name(version: u64) -> String {
    format!("{version:020}.json")
}

/// The version a file name ([`file_name`]: a version file, or a Delta log entry) stands
/// for, if it is one.
pub fn version_of(name: &str) -> Option<u64> {
    let digits = name.strip_suffix(".json")?;
    (digits.len() == 20 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// The path of version `version`'s file, relative to the store.
pub fn relative_path(version: u64) -> PathBuf {
    Path::new(VERSIONS_DIR).join(file_name(version))
}

impl StoreCommit {
    /// The version file's bytes: the commit, then the SHA-256 of its line.
    pub fn to_file_bytes(&self) -> Vec<u8> {
        let mut body = serde_json::to_vec(self).expect("a store commit serialises");
        let sha = hex::encode(Sha256::digest(&body));
        body.push(b'\n');
        body.extend_from_slice(format!("{{\"sha256\":\"{sha}\"}}\n").as_bytes());
        body
    }

    /// Reads a version file's bytes, checking its own checksum.
    fn from_file_bytes(path: &Path, bytes: &[u8]) -> Result<StoreCommit, StoreError> {
        let corrupt = |message: &str| StoreError::Damaged {
            path: path.to_owned(),
            problem: message.to_string(),
        };
        let text = std::str::from_utf8(bytes).map_err(|_| corrupt("not UTF-8 text"))?;
        let mut lines = text.split_terminator('\n');
        let (Some(body), Some(check), None) = (lines.next(), lines.next(), lines.next()) else {
            return Err(corrupt("not two lines (a commit and its checksum)"));
        };
        #[derive(Deserialize)]
        struct Check {
            sha256: String,
        }
        let check: Check =
            serde_json::from_str(check).map_err(|_| corrupt("its checksum line is unreadable"))?;
        if hex::encode(Sha256::digest(body.as_bytes())) != check.sha256 {
            return Err(corrupt(
                "its content does not match its checksum (the file was altered)",
            ));
        }
        serde_json::from_str(body).map_err(|e| corrupt(&format!("unreadable commit: {e}")))
    }
}

/// The store's log, read and checked: every version from 1 to the newest.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub commits: Vec<StoreCommit>,
    /// The SHA-256 of each version's file, in the same order.
    pub file_sha256: Vec<String>,
}

impl History {
    /// Reads `_versions/` of the store at `root`: versions 1..=N with none missing, each
    /// file whole and naming the one before it. Files there that are not version files
    /// (a sync client's copy, a temporary file) are never read.
    pub fn load(root: &Path) -> Result<History, StoreError> {
        let dir = root.join(VERSIONS_DIR);
        let mut versions = Vec::new();
        for entry in read_dir_if_there(&dir)?.into_iter().flatten() {
            let entry = entry.map_err(|e| StoreError::io(&dir, e))?;
            let name = entry.file_name();
            if let Some(version) = name.to_str().and_then(version_of) {
                versions.push(version);
            }
        }
        versions.sort_unstable();
        let mut history = History::default();
        for (at, version) in versions.iter().enumerate() {
            let expected = at as u64 + 1;
            if *version != expected {
                return Err(StoreError::Damaged {
                    path: root.join(relative_path(expected)),
                    problem: format!(
                        "missing: the store's log has version {version} but not version {expected}"
                    ),
                });
            }
            let path = root.join(relative_path(expected));
            let bytes = read_bounded(&path, MAX_VERSION_FILE)?;
            let commit = StoreCommit::from_file_bytes(&path, &bytes)?;
            if commit.version != expected {
                return Err(StoreError::Damaged {
                    path,
                    problem: format!(
                        "it holds version {} where version {expected} belongs",
                        commit.version
                    ),
                });
            }
            if commit.parent_sha256.as_ref() != history.file_sha256.last() {
                return Err(StoreError::Damaged {
                    path,
                    problem: "it does not follow the version before it (a file of the log was \
                              replaced by another copy)"
                        .to_string(),
                });
            }
            history
                .file_sha256
                .push(hex::encode(Sha256::digest(&bytes)));
            history.commits.push(commit);
        }
        Ok(history)
    }

    /// The newest version, 0 for a store nothing was committed to.
    pub fn head(&self) -> u64 {
        self.commits.len() as u64
    }

    /// The version current at the end of `date` (UTC): the newest committed on or
    /// before it.
    pub fn version_on(&self, date: chrono::NaiveDate) -> Option<u64> {
        let end = date.and_hms_opt(23, 59, 59)?.and_utc().timestamp_millis() + 999;
        self.commits
            .iter()
            .filter(|c| c.committed_at_ms <= end)
            .map(|c| c.version)
            .max()
    }

    /// The data files that make up each table at `version`, by table and trust.
    pub fn files_at(&self, version: u64) -> Result<Snapshot, StoreError> {
        let mut files: BTreeMap<(Table, String), LiveFile> = BTreeMap::new();
        for commit in self.commits.iter().take(version as usize) {
            for change in &commit.files {
                let key = (change.table, change.trust_id.clone());
                match change.action {
                    FileAction::Remove => {
                        files.remove(&key);
                    }
                    FileAction::Add => {
                        files.insert(
                            key,
                            LiveFile {
                                change: change.clone(),
                                version: commit.version,
                            },
                        );
                    }
                }
            }
        }
        Ok(Snapshot { version, files })
    }
}

/// A data file of a version, with the version that added it.
#[derive(Debug, Clone)]
pub struct LiveFile {
    pub change: FileChange,
    pub version: u64,
}

impl LiveFile {
    /// Its path relative to the store.
    pub fn relative(&self) -> PathBuf {
        Path::new(self.change.table.name()).join(&self.change.path)
    }
}

/// The tables as one version has them: one data file per table and trust.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub version: u64,
    pub files: BTreeMap<(Table, String), LiveFile>,
}

/// The entries of the folder `dir`, or `None` when there is no such folder.
pub fn read_dir_if_there(dir: &Path) -> Result<Option<fs::ReadDir>, StoreError> {
    match fs::read_dir(dir) {
        Ok(entries) => Ok(Some(entries)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::io(dir, e)),
    }
}

/// Reads the file at `path` whole, refusing more than `limit` bytes and anything but a
/// regular file.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, StoreError> {
    use std::io::Read;
    let meta = fs::symlink_metadata(path).map_err(|e| StoreError::io(path, e))?;
    if !meta.is_file() {
        return Err(StoreError::Damaged {
            path: path.to_owned(),
            problem: "not a regular file".to_string(),
        });
    }
    let file = fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| StoreError::io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(StoreError::Damaged {
            path: path.to_owned(),
            problem: format!("larger than {limit} bytes"),
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_twenty_digits_and_read_back() {
        assert_eq!(file_name(7), "00000000000000000007.json");
        assert_eq!(version_of("00000000000000000007.json"), Some(7));
        assert_eq!(version_of("7.json"), None);
        assert_eq!(version_of("00000000000000000007.json.tmp"), None);
        assert_eq!(version_of("0000000000000000000x.json"), None);
    }
}
