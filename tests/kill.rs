//! The kill campaign of issue #11 (item 8): a real ingest (the binary) killed with
//! SIGKILL at random moments, and the store checked after each kill: once opened again
//! it must read exactly as before the ingest or exactly as after a clean one. Shared by
//! the CI test (`tests/store.rs`, 20 kills) and `cargo run --features campaigns --example
//! kill` (200 or more).
//!
//! "Reads as" compares the newest version's number and every file it lists byte for byte
//! (by partition: file names carry the writer's id), and the quarantine files; and the
//! store must check sound once opened (every committed file as committed, every Delta
//! log entry written). A killed writer's staging folder and stray files may be left:
//! no report reads them, and `store vacuum` removes them.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};

/// The key every ingest of the campaign uses.
const KEY: &str = "kill-campaign-key-not-secret";

/// What the campaign found.
#[derive(Debug, Default)]
pub struct Figures {
    pub kills: usize,
    /// Kills after which the store read as before the ingest.
    pub before: usize,
    /// Kills after which it read as after a clean ingest.
    pub after: usize,
    /// Kills that left anything else (must be 0).
    pub other: Vec<String>,
    /// How long a clean ingest took, in milliseconds.
    pub ingest_ms: u128,
}

/// The store's content as a reader sees it.
type Content = BTreeMap<PathBuf, Vec<u8>>;

/// What a report of the store reads: its newest version's number, each partition's
/// committed file (by partition: file names carry the writer's id), and the quarantine.
/// The store must also be sound: every file its versions list as committed, every
/// Delta log entry written.
fn content(store: &Path) -> Result<Content, String> {
    use oversight::store::{Store, StoreError, VersionChoice, maintain};
    let check = maintain::check(store).map_err(|e| e.to_string())?;
    if !check.is_sound() || !check.delta_missing.is_empty() {
        return Err(format!(
            "not sound after opening: damaged {:?}, Delta entries missing {:?}",
            check.damaged, check.delta_missing
        ));
    }
    let mut files = Content::new();
    files.insert(
        PathBuf::from("version"),
        check.head.to_string().into_bytes(),
    );
    match Store::open_to_read(store, VersionChoice::Newest) {
        Ok(opened) => {
            for ((table, trust), file) in &opened.snapshot().files {
                let bytes = fs::read(store.join(file.relative())).map_err(|e| e.to_string())?;
                files.insert(Path::new(table.name()).join(trust), bytes);
            }
        }
        Err(StoreError::Empty { .. }) => {}
        Err(e) => return Err(e.to_string()),
    }
    // The quarantine files the versions name (an ingest killed before its commit may
    // have left its own, which no version names).
    let history = maintain::history(store).map_err(|e| e.to_string())?;
    for name in history.commits.iter().flat_map(|c| c.quarantine.iter()) {
        let bytes = fs::read(store.join(name)).map_err(|e| format!("{name}: {e}"))?;
        files.insert(PathBuf::from(name), bytes);
    }
    Ok(files)
}

fn oversight(binary: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut command = crate::campaign::command(binary, dir, KEY, args);
    command.stdout(Stdio::null()).stderr(Stdio::null());
    command
}

fn run_ok(binary: &Path, dir: &Path, args: &[&str]) {
    crate::campaign::run_ok(binary, dir, KEY, args);
}

/// Kills `kills` ingests of `binary` at random moments (from `seed`) and checks the
/// store after each.
pub fn campaign(binary: &Path, kills: usize, seed: u64) -> Figures {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    // The store before: one generated year of six schools in three trusts. The ingest
    // killed: another seed's bundles of the same trusts, so nearly every partition
    // changes, with quarantined rows and the log to append.
    crate::campaign::generate_two(binary, dir, KEY, "3", "6", "2026-01-20");
    run_ok(
        binary,
        dir,
        &["--quiet", "ingest", "--store", "before", "first"],
    );
    crate::campaign::copy_tree(&dir.join("before"), &dir.join("after"));
    let started = Instant::now();
    run_ok(
        binary,
        dir,
        &["--quiet", "ingest", "--store", "after", "second"],
    );
    let ingest = started.elapsed();
    let before = content(&dir.join("before")).unwrap();
    let after = content(&dir.join("after")).unwrap();
    assert_ne!(before, after, "the killed ingest must change the store");

    let mut figures = Figures {
        ingest_ms: ingest.as_millis(),
        ..Figures::default()
    };
    let mut rng = rand::rngs::SmallRng::seed_from_u64(seed);
    // Kill anywhere from the start to a little after a clean run would have finished.
    let window = ingest.as_micros() as u64 * 11 / 10 + 1;
    for kill in 0..kills {
        let store = dir.join(format!("killed-{kill}"));
        crate::campaign::copy_tree(&dir.join("before"), &store);
        let name = store.file_name().unwrap().to_string_lossy().into_owned();
        let mut child = oversight(
            binary,
            dir,
            &["--quiet", "ingest", "--store", &name, "second"],
        )
        .spawn()
        .unwrap();
        std::thread::sleep(Duration::from_micros(rng.random_range(0..window)));
        let _ = child.kill(); // SIGKILL on Unix; an error means it had already finished.
        let _ = child.wait();
        let reopened = oversight::store::Store::open(&store)
            .map(drop)
            .map_err(|e| e.to_string())
            .and_then(|()| content(&store));
        match reopened {
            Ok(found) if found == before => figures.before += 1,
            Ok(found) if found == after => figures.after += 1,
            Ok(found) => {
                let differ: Vec<String> = found
                    .keys()
                    .chain(after.keys())
                    .filter(|p| found.get(*p) != after.get(*p) && found.get(*p) != before.get(*p))
                    .map(|p| p.display().to_string())
                    .collect();
                figures
                    .other
                    .push(format!("kill {kill}: neither before nor after: {differ:?}"));
            }
            Err(e) => figures.other.push(format!("kill {kill}: {e}")),
        }
        figures.kills += 1;
        let _ = fs::remove_dir_all(&store);
    }
    figures
}
