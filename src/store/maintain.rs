//! Looking after a store over years (spec 03, "History and retention"): its versions
//! listed (`store history`), every committed file checked and stray files named (`store
//! check`), and files no recent version needs deleted (`store vacuum --keep`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::commit::{self, STAGING};
use super::history::{self, FileAction, History, LiveFile, VERSIONS_DIR};
use super::lock::StoreLock;
use super::{Store, StoreError};
use crate::contract::Table;

/// Stray files younger than this are left alone by a vacuum: a writer places its files
/// moments before it commits them.
const STRAY_GRACE: Duration = Duration::from_secs(60 * 60);
/// A staging folder younger than this may belong to a writer still running.
const STAGING_GRACE: Duration = Duration::from_secs(24 * 60 * 60);

/// Refuses a store folder that is not there.
fn existing(root: &Path) -> Result<(), StoreError> {
    if root.is_dir() {
        return Ok(());
    }
    Err(StoreError::Missing {
        path: root.to_owned(),
    })
}

/// What `store check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub head: u64,
    /// Data files checked (size and SHA-256), over every version.
    pub files_checked: usize,
    /// Files a version lists that are damaged or gone: `(path, problem)`.
    pub damaged: Vec<(PathBuf, String)>,
    /// Files of versions older than the newest that a vacuum deleted (those versions
    /// can no longer be reported on).
    pub vacuumed: Vec<PathBuf>,
    /// Delta log entries missing (written again by the next ingest).
    pub delta_missing: Vec<PathBuf>,
    /// Files and folders no version lists (never read).
    pub strays: Vec<PathBuf>,
}

impl CheckReport {
    pub fn is_sound(&self) -> bool {
        self.damaged.is_empty()
    }
}

/// Checks every file the store's versions list and names every file they don't.
pub fn check(root: &Path) -> Result<CheckReport, StoreError> {
    existing(root)?;
    let history = History::load(root)?;
    let head = history.head();
    let mut report = CheckReport {
        head,
        ..Default::default()
    };
    if let Err(StoreError::Damaged { path, problem }) = super::check_tables_follow(root, head) {
        report.damaged.push((path, problem));
    }
    let newest = history.files_at(head)?;
    let store = Store {
        root: root.to_owned(),
        _lock: None,
        history: history.clone(),
        snapshot: newest.clone(),
    };
    let mut referenced: BTreeSet<PathBuf> = BTreeSet::new();
    for commit in &history.commits {
        for change in commit.files.iter().filter(|c| c.action == FileAction::Add) {
            let file = LiveFile {
                change: change.clone(),
                version: commit.version,
            };
            let relative = file.relative();
            referenced.insert(relative.clone());
            let in_newest = newest
                .files
                .get(&(change.table, change.trust_id.clone()))
                .is_some_and(|live| live.change.path == change.path);
            report.files_checked += 1;
            match store.read_checked(&file) {
                Ok(_) => {}
                Err(StoreError::Damaged { problem, .. })
                    if !in_newest && problem.starts_with("missing") =>
                {
                    report.vacuumed.push(relative);
                }
                Err(StoreError::Damaged { path, problem }) => report.damaged.push((path, problem)),
                Err(other) => return Err(other),
            }
        }
    }
    // Each table's Delta log, byte for byte what the store's log says.
    for table in Table::ALL {
        for version in 0..=head {
            if head == 0 {
                break;
            }
            let relative = commit::delta_entry(table, version);
            referenced.insert(relative.clone());
            let path = root.join(&relative);
            match fs::read(&path) {
                Ok(bytes) if bytes == commit::delta_bytes(&history, table, version) => {}
                Ok(_) => report.damaged.push((
                    path,
                    "this Delta log entry is not what the store's log committed".to_string(),
                )),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    report.delta_missing.push(relative)
                }
                Err(e) => return Err(StoreError::io(&path, e)),
            }
        }
    }
    for version in 1..=head {
        referenced.insert(history::relative_path(version));
    }
    for commit in &history.commits {
        referenced.extend(commit.quarantine.iter().map(PathBuf::from));
    }
    report.strays = strays(root, &referenced)?;
    Ok(report)
}

/// Every file and folder under `root` that is not the store's own: not referenced, not
/// the lock, and not a folder on the way to a referenced file.
fn strays(root: &Path, referenced: &BTreeSet<PathBuf>) -> Result<Vec<PathBuf>, StoreError> {
    let mut folders: BTreeSet<PathBuf> = BTreeSet::new();
    for path in referenced {
        let mut at = path.parent();
        while let Some(dir) = at.filter(|d| !d.as_os_str().is_empty()) {
            folders.insert(dir.to_path_buf());
            at = dir.parent();
        }
    }
    let mut strays = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(relative) = stack.pop() {
        let dir = root.join(&relative);
        let entries = fs::read_dir(&dir).map_err(|e| StoreError::io(&dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::io(&dir, e))?;
            let name = entry.file_name();
            let path = relative.join(&name);
            let is_dir = entry
                .file_type()
                .map_err(|e| StoreError::io(&dir, e))?
                .is_dir();
            let top = relative.as_os_str().is_empty();
            if referenced.contains(&path) || top && name == super::lock::LOCK_FILE {
                continue;
            }
            if top && is_dir && name == STAGING {
                // Each writer's staging folder is listed as one.
                let staging = root.join(&path);
                for writer in fs::read_dir(&staging).map_err(|e| StoreError::io(&staging, e))? {
                    let writer = writer.map_err(|e| StoreError::io(&staging, e))?;
                    strays.push(path.join(writer.file_name()));
                }
            } else if is_dir
                && (folders.contains(&path)
                    || top && (name == VERSIONS_DIR || name == "quarantine"))
            {
                stack.push(path);
            } else {
                strays.push(path);
            }
        }
    }
    strays.sort();
    Ok(strays)
}

/// What a vacuum removed.
#[derive(Debug, Default)]
pub struct VacuumReport {
    /// The oldest version that can still be reported on.
    pub oldest_kept: u64,
    pub head: u64,
    pub removed: Vec<PathBuf>,
    pub bytes: u64,
}

/// Deletes the data files that no version committed within `keep` (nor the newest
/// version) needs, stray files older than an hour, and writers' staging folders older
/// than a day. Versions older than the oldest kept one can no longer be reported on;
/// the log still lists them.
pub fn vacuum(root: &Path, keep: Duration) -> Result<VacuumReport, StoreError> {
    existing(root)?;
    let _lock = StoreLock::writer(root)?;
    let history = History::load(root)?;
    super::check_tables_follow(root, history.head())?;
    let head = history.head();
    let now = SystemTime::now();
    let cutoff_ms = now
        .checked_sub(keep)
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_millis() as i64);
    let oldest_kept = history
        .commits
        .iter()
        .find(|c| c.committed_at_ms >= cutoff_ms)
        .map_or(head, |c| c.version);
    let mut needed: BTreeSet<PathBuf> = BTreeSet::new();
    if head > 0 {
        needed.extend(
            history
                .files_at(oldest_kept)?
                .files
                .values()
                .map(LiveFile::relative),
        );
    }
    let mut quarantine_needed: BTreeSet<PathBuf> = BTreeSet::new();
    for commit in history
        .commits
        .iter()
        .skip(oldest_kept.saturating_sub(1) as usize)
    {
        needed.extend(
            commit
                .files
                .iter()
                .filter(|c| c.action == FileAction::Add)
                .map(|c| Path::new(c.table.name()).join(&c.path)),
        );
        quarantine_needed.extend(commit.quarantine.iter().map(PathBuf::from));
    }
    let mut report = VacuumReport {
        oldest_kept,
        head,
        ..Default::default()
    };
    let mut committed: BTreeMap<PathBuf, ()> = BTreeMap::new();
    for commit in &history.commits {
        for change in commit.files.iter().filter(|c| c.action == FileAction::Add) {
            committed.insert(Path::new(change.table.name()).join(&change.path), ());
        }
    }
    let remove = |relative: PathBuf, report: &mut VacuumReport| -> Result<(), StoreError> {
        let path = root.join(&relative);
        let meta = match fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(StoreError::io(&path, e)),
        };
        if meta.is_dir() {
            fs::remove_dir_all(&path).map_err(|e| StoreError::io(&path, e))?;
        } else {
            fs::remove_file(&path).map_err(|e| StoreError::io(&path, e))?;
        }
        report.bytes += meta.len();
        report.removed.push(relative);
        Ok(())
    };
    // Committed files that only versions older than the oldest kept one need.
    for relative in committed.keys() {
        if !needed.contains(relative) {
            remove(relative.clone(), &mut report)?;
        }
    }
    let older_than = |relative: &Path, grace: Duration| {
        fs::symlink_metadata(root.join(relative))
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age >= grace)
    };
    let checked = check(root)?;
    for stray in checked.strays {
        if stray.starts_with("quarantine") {
            if !quarantine_needed.contains(&stray) && older_than(&stray, keep.min(STRAY_GRACE)) {
                remove(stray, &mut report)?;
            }
            continue;
        }
        let grace = if stray.starts_with(STAGING) {
            STAGING_GRACE
        } else {
            STRAY_GRACE
        };
        if older_than(&stray, grace) {
            remove(stray, &mut report)?;
        }
    }
    // Quarantine files of versions no longer kept.
    for commit in history
        .commits
        .iter()
        .take(oldest_kept.saturating_sub(1) as usize)
    {
        for file in &commit.quarantine {
            let relative = PathBuf::from(file);
            if !quarantine_needed.contains(&relative) {
                remove(relative, &mut report)?;
            }
        }
    }
    report.removed.sort();
    report.removed.dedup();
    Ok(report)
}

/// The files of a store written before versioned stores: each table's
/// `trust_id=<id>/part-0.parquet`, the key record and the ingest log; `None` when there
/// are none.
pub fn legacy_files(root: &Path) -> Result<Option<Legacy>, StoreError> {
    let mut legacy = Legacy::default();
    for table in Table::ALL {
        let dir = root.join(table.name());
        let Some(entries) = history::read_dir_if_there(&dir)? else {
            continue;
        };
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::io(&dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(trust) = name.strip_prefix("trust_id=") else {
                continue;
            };
            let file = Path::new(&name).join("part-0.parquet");
            if dir.join(&file).is_file() {
                legacy.files.push((table, trust.to_string(), file));
            }
        }
    }
    legacy.key_file = Some(root.join(LEGACY_KEY_FILE)).filter(|p| p.is_file());
    legacy.log_file = Some(root.join(LEGACY_LOG_FILE)).filter(|p| p.is_file());
    let any = !legacy.files.is_empty() || legacy.key_file.is_some() || legacy.log_file.is_some();
    Ok(any.then_some(legacy))
}

/// What an old store holds.
#[derive(Debug, Default)]
pub struct Legacy {
    /// `(table, trust, path relative to the table's folder)`.
    pub files: Vec<(Table, String, PathBuf)>,
    pub key_file: Option<PathBuf>,
    pub log_file: Option<PathBuf>,
}

const LEGACY_KEY_FILE: &str = "key-fingerprint.json";
const LEGACY_LOG_FILE: &str = "ingest-log.csv";

/// Carries a store written before versioned stores over as it is: its files become
/// version 1 (nothing is rewritten or moved), with the key it recorded and the inputs
/// its ingest log lists. Returns the number of data files committed.
pub fn upgrade(root: &Path) -> Result<usize, StoreError> {
    use polars::prelude::SerReader;
    use sha2::{Digest, Sha256};
    let _lock = StoreLock::writer(root)?;
    let history = History::load(root)?;
    if history.head() > 0 {
        return Err(StoreError::Damaged {
            path: root.join(VERSIONS_DIR),
            problem: format!(
                "the store already has versions (1 to {}): there is nothing to upgrade",
                history.head()
            ),
        });
    }
    let Some(legacy) = legacy_files(root)? else {
        return Err(StoreError::Empty {
            path: root.to_owned(),
        });
    };
    let key_path = root.join(LEGACY_KEY_FILE);
    let Some(key_file) = legacy.key_file else {
        return Err(StoreError::Damaged {
            path: key_path,
            problem: "missing: without it the store cannot say which key its case refs                       were made with, so it is not carried over; ingest the exports into a                       new store instead"
                .to_string(),
        });
    };
    let key: super::KeyRecord =
        serde_json::from_slice(&history::read_bounded(&key_file, 64 * 1024)?).map_err(|e| {
            StoreError::Damaged {
                path: key_file.clone(),
                problem: format!("unreadable key record: {e}"),
            }
        })?;
    let mut files = Vec::new();
    for (table, trust, relative) in &legacy.files {
        let path = root.join(table.name()).join(relative);
        let bytes = history::read_bounded(&path, super::MAX_DATA_FILE)?;
        let rows = polars::prelude::ParquetReader::new(std::io::Cursor::new(bytes.as_slice()))
            .num_rows()
            .map_err(|source| StoreError::Parquet {
                path: path.clone(),
                source,
            })?;
        files.push(history::FileChange {
            table: *table,
            trust_id: trust.clone(),
            action: FileAction::Add,
            path: relative.to_string_lossy().into_owned(),
            size: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(&bytes)),
            rows: rows as u64,
        });
    }
    let inputs = match &legacy.log_file {
        Some(log) => legacy_inputs(log)?,
        None => Vec::new(),
    };
    let quarantine = match fs::read_dir(root.join("quarantine")) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .map(|e| format!("quarantine/{}", e.file_name().to_string_lossy()))
            .collect(),
        Err(_) => Vec::new(),
    };
    let staging = commit::Staging::begin(root)?;
    let now = chrono::Utc::now();
    let record = history::StoreCommit {
        version: 1,
        parent_sha256: None,
        store_id: staging.writer().to_string(),
        committed_at: now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        committed_at_ms: now.timestamp_millis(),
        tool: format!("oversight {} (store upgrade)", env!("CARGO_PKG_VERSION")),
        mode: history::IngestMode::Append,
        key,
        inputs,
        moved: Vec::new(),
        rows: BTreeMap::new(),
        files,
        quarantine,
        windows: Vec::new(),
    };
    let count = record.files.len();
    let target = root.join(history::relative_path(1));
    if !commit::put_if_absent(&staging, &target, &record.to_file_bytes())? {
        return Err(StoreError::Conflict {
            path: root.to_owned(),
            version: 1,
        });
    }
    let history = History::load(root)?;
    commit::write_missing_delta_entries(root, &staging, &history)?;
    Ok(count)
}

/// The inputs an old ingest log lists: the latest row of each file, content and table.
fn legacy_inputs(log: &Path) -> Result<Vec<history::InputFile>, StoreError> {
    #[derive(serde::Deserialize)]
    struct Row {
        file: String,
        table: String,
        sha256: String,
        bytes: u64,
        rows_read: u64,
        rows_stored: u64,
        rows_quarantined: u64,
        #[serde(default)]
        trust_ids: String,
    }
    let bytes = history::read_bounded(log, 256 * 1024 * 1024)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut latest: BTreeMap<(String, String, String), history::InputFile> = BTreeMap::new();
    for row in reader.deserialize::<Row>() {
        let row = row.map_err(|e| StoreError::Damaged {
            path: log.to_owned(),
            problem: format!("unreadable ingest log: {e}"),
        })?;
        latest.insert(
            (row.file.clone(), row.sha256.clone(), row.table.clone()),
            history::InputFile {
                file: row.file,
                table: row.table,
                sha256: row.sha256,
                bytes: row.bytes,
                rows_read: row.rows_read,
                rows_stored: row.rows_stored,
                rows_quarantined: row.rows_quarantined,
                trust_ids: row
                    .trust_ids
                    .split(';')
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect(),
            },
        );
    }
    Ok(latest.into_values().collect())
}

/// Reads a retention period: `90d`, `26w`, `7y` (days, weeks, years of 365 days).
pub fn parse_keep(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?}: give a number and a unit, such as 90d, 26w or 7y"))?;
    let days = match unit.trim() {
        "d" | "day" | "days" => number,
        "w" | "week" | "weeks" => number * 7,
        "y" | "year" | "years" => number * 365,
        _ => {
            return Err(format!(
                "{text:?}: the unit must be d (days), w (weeks) or y (years)"
            ));
        }
    };
    Ok(Duration::from_secs(days * 24 * 60 * 60))
}

/// Lists the store's versions, oldest first.
pub fn history(root: &Path) -> Result<History, StoreError> {
    existing(root)?;
    let history = History::load(root)?;
    super::check_tables_follow(root, history.head())?;
    Ok(history)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_periods_read_days_weeks_and_years() {
        assert_eq!(parse_keep("90d").unwrap(), Duration::from_secs(90 * 86_400));
        assert_eq!(parse_keep("2w").unwrap(), Duration::from_secs(14 * 86_400));
        assert_eq!(parse_keep("1y").unwrap(), Duration::from_secs(365 * 86_400));
        assert!(parse_keep("ninety days").is_err());
        assert!(parse_keep("5m").is_err());
    }
}
