//! The kill campaign of issue #11 (item 8): a real ingest (the binary) killed with
//! SIGKILL at random moments, and the store checked after each kill: once opened again
//! it must read exactly as before the ingest or exactly as after a clean one. Shared by
//! the CI test (`tests/store.rs`, 20 kills) and `cargo run --features campaigns --example
//! kill` (200 or more).
//!
//! "Reads as" compares every Parquet file byte for byte, the quarantine files and the
//! key record, and the ingest log without its `ingested_at` column (the one thing that
//! differs between two clean runs). No staging folder or journal may be left once the
//! store is opened.

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

fn content(store: &Path) -> Result<Content, String> {
    let mut files = Content::new();
    let mut stack = vec![store.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).map_err(|e| e.to_string())? {
            let path = entry.map_err(|e| e.to_string())?.path();
            let relative = path
                .strip_prefix(store)
                .map_err(|e| e.to_string())?
                .to_path_buf();
            let name = relative.to_string_lossy().into_owned();
            if name.starts_with("_staging") || name.starts_with("_journal") {
                // The (empty) folders stay; anything in them is a transaction left behind.
                let left = fs::read_dir(&path).map_err(|e| e.to_string())?.count();
                if left > 0 {
                    return Err(format!("{name} left behind after opening the store"));
                }
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if name != ".lock" {
                let mut bytes = fs::read(&path).map_err(|e| e.to_string())?;
                if name == "ingest-log.csv" {
                    bytes = without_first_column(&bytes);
                }
                files.insert(relative, bytes);
            }
        }
    }
    Ok(files)
}

fn without_first_column(log: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(log)
        .lines()
        .map(|line| {
            line.split_once(',')
                .map_or("", |(_, rest)| rest)
                .to_string()
                + "\n"
        })
        .collect::<String>()
        .into_bytes()
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

fn oversight(binary: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(binary);
    command
        .args(args)
        .current_dir(dir)
        .env("OVERSIGHT_KEY", KEY)
        .env_remove("OVERSIGHT_CRASH_AT")
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn run_ok(binary: &Path, dir: &Path, args: &[&str]) {
    let status = oversight(binary, dir, args).status().unwrap();
    assert!(status.success(), "oversight {args:?}: {status}");
}

/// Kills `kills` ingests of `binary` at random moments (from `seed`) and checks the
/// store after each.
pub fn campaign(binary: &Path, kills: usize, seed: u64) -> Figures {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    // The store before: one generated year of six schools in three trusts. The ingest
    // killed: another seed's bundles of the same trusts, so nearly every partition
    // changes, with quarantined rows and the log to append.
    for (out, seed) in [("first", "1"), ("second", "2")] {
        run_ok(
            binary,
            dir,
            &[
                "generate",
                "--out",
                out,
                "--trusts",
                "3",
                "--schools",
                "6",
                "--seed",
                seed,
                "--today",
                "2026-01-20",
            ],
        );
    }
    run_ok(
        binary,
        dir,
        &["--quiet", "ingest", "--store", "before", "first"],
    );
    copy_tree(&dir.join("before"), &dir.join("after"));
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
        copy_tree(&dir.join("before"), &store);
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
