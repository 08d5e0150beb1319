//! Outputs replaced whole (spec 03, "Charts and packs"; issue #19): a report writes into
//! a new folder next to `--out` and swaps it in at the end.
//!
//! - A report that fails (a full disk, a bad figure) or is killed leaves the previous
//!   outputs as they were: nothing is written into `--out` until every file is written.
//! - A finished report leaves only its own files: the entries an earlier report owned
//!   (its manifest's outputs and the report's own folders) that this one did not write,
//!   such as another trust's pack after `--trust`, are gone.
//! - A non-empty `--out` that is not an earlier report is refused, never cleaned. A
//!   folder holding only stores is taken as empty (README's onboarding ingests into
//!   `out/store` and reports into `out/`).
//! - What is not the report's is left where it is: a store inside `--out` (`oversight
//!   run`'s `out/store`), or a folder such as `out/inputs` beside an earlier report.
//!
//! The swap is one rename per top-level entry (`restricted/`, `governors/`, `charts/`,
//! `schools/`, then `manifest.json`), each an atomic exchange of the new entry with the
//! old on Linux: swapping the whole folder would have to move a store kept inside it.
//! When `--out` did not exist the staging folder is renamed into place whole.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::manifest;

/// The folders a report writes at the top of `--out` (besides `manifest.json`), whatever
/// an earlier report's manifest lists.
const REPORT_FOLDERS: [&str; 4] = ["restricted", "governors", "charts", "schools"];

/// How a staging folder's name starts (next to `--out`: after `.<name>`).
const STAGING_MARK: &str = ".oversight-staging-";

/// A killed report's staging folder older than this is removed by the next report into
/// the same `--out` (as a store's writers' staging folders are by `store vacuum`).
const LEFTOVER_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// Why a report's outputs could not be put in place.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(
        "{}: not empty and not an earlier oversight report (it holds {}): oversight never \
         cleans a folder it did not write; give --out a new or empty folder, or an earlier \
         report's",
        out.display(),
        crate::contract::excerpt_list(entries.iter().map(String::as_str), 5)
    )]
    NotOurs { out: PathBuf, entries: Vec<String> },
    #[error("{}: not a folder: --out names the folder the report is written into", out.display())]
    NotAFolder { out: PathBuf },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What `--out` holds now.
struct Existing {
    /// The entries an earlier report owns (replaced or removed by this one).
    owned: BTreeSet<String>,
}

/// Checks that a report may be written to `out`: it is missing, empty, holds only
/// stores, or is an earlier oversight report. Reads no more than the folder's entries and
/// its `manifest.json`.
pub fn check_out(out: &Path) -> Result<(), OutputError> {
    existing(out).map(|_| ())
}

fn existing(out: &Path) -> Result<Option<Existing>, OutputError> {
    let entries = match fs::read_dir(out) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(_) if out.exists() && !out.is_dir() => {
            return Err(OutputError::NotAFolder {
                out: out.to_path_buf(),
            });
        }
        Err(e) => return Err(io_error(out)(e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io_error(out))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // A staging folder inside `--out` (see `Staging::begin`) is the report's own.
        if !name.starts_with(STAGING_MARK) {
            names.push(name);
        }
    }
    names.sort();
    let report = earlier_report(out);
    let mut owned = BTreeSet::new();
    let mut foreign = Vec::new();
    for name in names {
        if is_store(&out.join(&name)) {
            // Never a report's, whatever a manifest says.
            continue;
        }
        match &report {
            Some(listed) if listed.contains(&name) || REPORT_FOLDERS.contains(&name.as_str()) => {
                owned.insert(name);
            }
            // Beside an earlier report: kept where it is.
            Some(_) => {}
            None => foreign.push(name),
        }
    }
    if !foreign.is_empty() {
        return Err(OutputError::NotOurs {
            out: out.to_path_buf(),
            entries: foreign,
        });
    }
    Ok(Some(Existing { owned }))
}

/// The top-level entries the manifest of an earlier report in `out` lists (with the
/// manifest itself), or `None` when `out` holds no manifest written by oversight.
fn earlier_report(out: &Path) -> Option<BTreeSet<String>> {
    let path = out.join(manifest::FILE);
    // A manifest lists one line per output: a national report's is a few megabytes.
    let bytes = crate::input_file::read_regular(&path, 256 * 1024 * 1024).ok()?;
    let manifest: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    if manifest.get("tool").and_then(|t| t.as_str()) != Some("oversight") {
        return None;
    }
    let outputs = manifest.get("outputs")?.as_array()?;
    let mut listed: BTreeSet<String> = outputs
        .iter()
        .filter_map(|o| o.get("file")?.as_str())
        .filter_map(|file| file.split(['/', '\\']).next())
        .filter(|top| !top.is_empty() && *top != "." && *top != "..")
        .map(str::to_string)
        .collect();
    listed.insert(manifest::FILE.to_string());
    Some(listed)
}

/// Whether `path` is a store folder (`ingest --store`): never a report's to replace.
fn is_store(path: &Path) -> bool {
    path.join(crate::store::history::VERSIONS_DIR).is_dir()
}

/// A report's staging folder: written into, then swapped in by [`Staging::finish`];
/// removed, with whatever was written, when dropped unfinished (a report that failed).
pub struct Staging {
    /// `--out`, absolute (a symbolic link followed).
    out: PathBuf,
    dir: PathBuf,
    finished: bool,
}

impl Staging {
    /// Checks `out` ([`check_out`]), removes day-old staging folders of killed reports
    /// into it, and makes a new staging folder next to it (inside it when `out` is a
    /// mount point, so that the swap never crosses file systems, or when its parent
    /// folder is not writable but `out` is).
    pub fn begin(out: &Path) -> Result<Staging, OutputError> {
        existing(out)?;
        let out = match fs::canonicalize(out) {
            Ok(real) => real,
            Err(_) => std::path::absolute(out).map_err(io_error(out))?,
        };
        let (parent, prefix) = staging_place(&out);
        let dir = match make_staging(&parent, &prefix) {
            Err(_) if parent != out && out.is_dir() => make_staging(&out, STAGING_MARK)?,
            made => made?,
        };
        Ok(Staging {
            out,
            dir,
            finished: false,
        })
    }

    /// The folder the report writes into.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Puts the staged report in place of `--out`'s earlier one (see the module doc),
    /// then removes the earlier one's entries.
    pub fn finish(mut self) -> Result<(), OutputError> {
        sync(&self.dir);
        let Some(existing) = existing(&self.out)? else {
            fs::rename(&self.dir, &self.out).map_err(io_error(&self.out))?;
            self.finished = true;
            return Ok(());
        };
        let mut new: Vec<String> = fs::read_dir(&self.dir)
            .map_err(io_error(&self.dir))?
            .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<Result<_, _>>()
            .map_err(io_error(&self.dir))?;
        // The manifest last: until it is swapped in, the earlier manifest describes
        // what `--out` holds.
        new.sort_by_key(|name| (name == manifest::FILE, name.clone()));
        let mut done: Vec<Move> = Vec::new();
        let moves = new
            .iter()
            .map(|name| {
                let placed = self.out.join(name);
                match placed.symlink_metadata() {
                    Ok(_) => Move::Exchange(name.clone()),
                    Err(_) => Move::In(name.clone()),
                }
            })
            .chain(
                existing
                    .owned
                    .iter()
                    .filter(|name| !new.contains(name))
                    .map(|name| Move::Out(name.clone())),
            );
        for step in moves {
            if let Err(e) = step.apply(&self.dir, &self.out) {
                // Put back what was moved, so that `--out` is the earlier report again.
                for step in done.iter().rev() {
                    let _ = step.undo(&self.dir, &self.out);
                }
                return Err(io_error(&self.out.join(step.name()))(e));
            }
            done.push(step);
        }
        // The staging folder now holds the earlier report's entries.
        self.finished = true;
        let _ = fs::remove_dir_all(&self.dir);
        Ok(())
    }
}

/// One step of the swap, by the entry's name.
enum Move {
    /// The new entry exchanged with the earlier one of the same name.
    Exchange(String),
    /// A new entry with no earlier one.
    In(String),
    /// An earlier report's entry this report did not write, moved out.
    Out(String),
}

impl Move {
    fn name(&self) -> &str {
        match self {
            Move::Exchange(name) | Move::In(name) | Move::Out(name) => name,
        }
    }

    fn apply(&self, staging: &Path, out: &Path) -> io::Result<()> {
        let (staged, placed) = (staging.join(self.name()), out.join(self.name()));
        match self {
            Move::Exchange(_) => exchange(&staged, &placed),
            Move::In(_) => fs::rename(&staged, &placed),
            Move::Out(_) => fs::rename(&placed, &staged),
        }
    }

    fn undo(&self, staging: &Path, out: &Path) -> io::Result<()> {
        let (staged, placed) = (staging.join(self.name()), out.join(self.name()));
        match self {
            Move::Exchange(_) => exchange(&staged, &placed),
            Move::In(_) => fs::rename(&placed, &staged),
            Move::Out(_) => fs::rename(&staged, &placed),
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            // Best effort: a folder left here is removed by the next report a day on.
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Where the staging folders of `out` are made, and how their names start:
/// `<parent>/.<name>.oversight-staging-<pid>`, or `<out>/.oversight-staging-<pid>` when
/// `out` is a mount point (its parent on another file system).
fn staging_place(out: &Path) -> (PathBuf, String) {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match out.parent() {
        Some(parent) if !name.is_empty() && !is_mount_point(out, parent) => {
            (parent.to_path_buf(), format!(".{name}{STAGING_MARK}"))
        }
        _ => (out.to_path_buf(), STAGING_MARK.to_string()),
    }
}

#[cfg(unix)]
fn is_mount_point(out: &Path, parent: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(out), fs::metadata(parent)) {
        (Ok(out), Ok(parent)) => out.dev() != parent.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_mount_point(_: &Path, _: &Path) -> bool {
    false
}

/// Makes this process's staging folder `prefix<pid>` in `parent`, after removing day-old
/// ones of killed reports.
fn make_staging(parent: &Path, prefix: &str) -> Result<PathBuf, OutputError> {
    fs::create_dir_all(parent).map_err(io_error(parent))?;
    remove_leftovers(parent, prefix);
    let dir = parent.join(format!("{prefix}{}", std::process::id()));
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(io_error(&dir))?;
    }
    fs::create_dir(&dir).map_err(io_error(&dir))?;
    Ok(dir)
}

/// Removes staging folders in `parent` named `prefix<pid>` that were last changed more
/// than a day ago: killed reports' (a running report's is younger).
fn remove_leftovers(parent: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(prefix) else {
            continue;
        };
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|changed| now.duration_since(changed).unwrap_or_default() > LEFTOVER_AGE);
        if old && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Swaps two entries: one atomic `renameat2(RENAME_EXCHANGE)` on Linux; elsewhere, or
/// where the file system cannot exchange, three renames.
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let aside = a.with_file_name(format!(
        ".{}.old",
        a.file_name().unwrap_or_default().to_string_lossy()
    ));
    fs::rename(b, &aside)?;
    fs::rename(a, b)?;
    fs::rename(&aside, a)
}

/// Makes the staged files durable before they are swapped in, so that a power cut after
/// the swap cannot leave empty files behind the new manifest (one `syncfs`, as a store's
/// commit does). Best effort: the swap itself needs none.
fn sync(dir: &Path) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Ok(handle) = fs::File::open(dir) {
        let _ = rustix::fs::syncfs(&handle);
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_staging_folder_is_next_to_out() {
        let (parent, prefix) = staging_place(Path::new("/data/reports/out"));
        assert_eq!(parent, Path::new("/data/reports"));
        assert_eq!(prefix, ".out.oversight-staging-");
        // No parent to stage beside: inside.
        assert_eq!(staging_place(Path::new("/")).1, STAGING_MARK);
    }

    #[test]
    fn an_exchange_swaps_two_folders() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(a.join("x"), "new").unwrap();
        fs::write(b.join("x"), "old").unwrap();
        exchange(&a, &b).unwrap();
        assert_eq!(fs::read_to_string(a.join("x")).unwrap(), "old");
        assert_eq!(fs::read_to_string(b.join("x")).unwrap(), "new");
    }
}
