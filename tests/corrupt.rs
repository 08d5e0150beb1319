//! The corruption campaign of issue #18: a small store made by `oversight ingest` (two
//! versions, so it holds files of an earlier version too), damaged at random the ways
//! a shared or synced drive damages folders, then reported on by the real binary. Every
//! report must either succeed with exactly the undamaged store's files (restricted,
//! governors, manifest) or exit 1 with a message naming a file of the store: never a
//! panic, never a different figure. Shared by the CI test (`tests/versions.rs`, 200
//! damages) and `cargo run --features campaigns --example corrupt` (10,000 or more).
//!
//! A report of a debug build takes most of a second, so the CI test reports with the
//! binary after every fourth damage and, after the others, reads the store in-process
//! exactly as a report does ([`read_as_a_report_does`]: the version's log, every file
//! checked, every partition read): the figures are a function of what is read, so the
//! same data read means the same figures. The documented campaign reports after every
//! damage.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};

/// The key every command of the campaign uses.
const KEY: &str = "corruption-campaign-key-not-secret";
const AS_OF: &str = "2026-01-20";

/// The damages done, one of each per draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Damage {
    Deleted,
    Duplicated,
    Truncated,
    BitFlipped,
    Renamed,
    RolledBack,
    ExtraFolder,
}

const DAMAGES: [Damage; 7] = [
    Damage::Deleted,
    Damage::Duplicated,
    Damage::Truncated,
    Damage::BitFlipped,
    Damage::Renamed,
    Damage::RolledBack,
    Damage::ExtraFolder,
];

/// What the campaign found.
#[derive(Debug, Default)]
pub struct Figures {
    pub damages: usize,
    /// Damages after which the report was the undamaged one, byte for byte.
    pub same: usize,
    /// Damages after which the report stopped with an error naming a store file.
    pub named: usize,
    /// Per kind of damage: (same, named).
    pub by_kind: BTreeMap<String, (usize, usize)>,
    /// Anything else (must be empty): a panic, a different figure, an error naming no file.
    pub other: Vec<String>,
}

fn oversight(binary: &Path, dir: &Path, args: &[&str]) -> std::process::Output {
    crate::campaign::command(binary, dir, KEY, args)
        .output()
        .unwrap()
}

fn run_ok(binary: &Path, dir: &Path, args: &[&str]) {
    crate::campaign::run_ok(binary, dir, KEY, args);
}

/// Every file and folder under `dir`, relative, sorted.
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(relative) = stack.pop() {
        for entry in fs::read_dir(dir.join(&relative)).unwrap() {
            let entry = entry.unwrap();
            let path = relative.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                stack.push(path.clone());
            }
            found.push(path);
        }
    }
    found.sort();
    found
}

/// Every file under `dir` with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    entries(dir)
        .into_iter()
        .filter(|p| dir.join(p).is_file())
        .map(|p| {
            let bytes = fs::read(dir.join(&p)).unwrap();
            (p, bytes)
        })
        .collect()
}

fn report_args<'a>(store: &'a str, policy: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "report",
        "--store",
        store,
        "--policy",
        policy,
        "--out",
        out,
        "--as-of",
        AS_OF,
        "--tables-only",
    ]
}

/// Does `damage` to `target` (relative to `store`), with `other` another file of the
/// store to take older or foreign content from. Returns what was done.
fn damage(store: &Path, target: &Path, other: &Path, damage: Damage, rng: &mut impl Rng) -> String {
    let path = store.join(target);
    let is_file = path.is_file();
    let shown = target.display();
    match damage {
        Damage::Deleted => {
            if is_file {
                fs::remove_file(&path).unwrap();
            } else {
                fs::remove_dir_all(&path).unwrap();
            }
            format!("deleted {shown}")
        }
        Damage::Duplicated => {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let copy = match name.rsplit_once('.') {
                Some((stem, ext)) if is_file => format!("{stem} (1).{ext}"),
                _ => format!("{name} (1)"),
            };
            let copy = path.with_file_name(copy);
            if is_file {
                fs::copy(&path, &copy).unwrap();
            } else {
                crate::campaign::copy_tree(&path, &copy);
            }
            format!("duplicated {shown} as {}", copy.display())
        }
        Damage::Truncated if is_file => {
            let bytes = fs::read(&path).unwrap();
            let keep = if bytes.is_empty() {
                0
            } else {
                rng.random_range(0..bytes.len())
            };
            fs::write(&path, &bytes[..keep]).unwrap();
            format!("truncated {shown} to {keep} of {} bytes", bytes.len())
        }
        Damage::BitFlipped if is_file => {
            let mut bytes = fs::read(&path).unwrap();
            if bytes.is_empty() {
                bytes.push(0);
                fs::write(&path, &bytes).unwrap();
                return format!("filled empty {shown}");
            }
            let at = rng.random_range(0..bytes.len());
            let bit = rng.random_range(0..8);
            bytes[at] ^= 1 << bit;
            fs::write(&path, &bytes).unwrap();
            format!("flipped bit {bit} of byte {at} in {shown}")
        }
        Damage::Renamed => {
            let renamed = path.with_file_name(format!(
                "{}.old",
                path.file_name().unwrap().to_string_lossy()
            ));
            fs::rename(&path, &renamed).unwrap();
            format!("renamed {shown}")
        }
        Damage::RolledBack if is_file && store.join(other).is_file() => {
            // Another file's content in its place: an older copy restored by a sync
            // client, or another trust's file copied over.
            fs::copy(store.join(other), &path).unwrap();
            format!("{shown} replaced by the content of {}", other.display())
        }
        Damage::ExtraFolder => {
            let parent = if is_file {
                path.parent().unwrap().to_path_buf()
            } else {
                path.clone()
            };
            let extra = parent.join(format!("extra-{}", rng.random_range(0..1000)));
            fs::create_dir_all(&extra).unwrap();
            if store.join(other).is_file() {
                fs::copy(store.join(other), extra.join(other.file_name().unwrap())).unwrap();
            }
            format!(
                "extra folder {}",
                extra.strip_prefix(store).unwrap().display()
            )
        }
        // A damage that needs a file, drawn for a folder: delete the folder instead.
        _ => {
            fs::remove_dir_all(&path).unwrap();
            format!("deleted folder {shown}")
        }
    }
}

/// What a report reads of `store`: the store's log (the manifest's inputs come from it)
/// and every partition of the newest version, each file checked against its commit; or
/// the error the report would stop with.
fn read_as_a_report_does(store: &Path) -> Result<String, String> {
    use oversight::store::{Store, VersionChoice};
    let mut opened =
        Store::open_to_read(store, VersionChoice::Newest).map_err(|e| e.to_string())?;
    let trusts = opened.trusts_in_scope(&[]).map_err(|e| e.to_string())?;
    opened.verify_trusts(&trusts).map_err(|e| e.to_string())?;
    let mut read = format!("{:?}\n", opened.history().commits);
    let partitions: Vec<_> = opened.snapshot().files.keys().cloned().collect();
    for (table, trust) in partitions {
        let frame = opened
            .read_partition(table, &trust)
            .map_err(|e| e.to_string())?
            .expect("a listed partition");
        read.push_str(&format!("{}/{trust}: {frame:?}\n", table.name()));
    }
    Ok(read)
}

/// Makes the store, then damages copies of it `damages` times (drawn from `seed`) and
/// checks each, `threads` at a time: with a report by `binary` after every
/// `report_every`-th damage, and by [`read_as_a_report_does`] after the others.
pub fn campaign(
    binary: &Path,
    damages: usize,
    seed: u64,
    threads: usize,
    report_every: usize,
) -> Figures {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let policy = crate::campaign::trust_defaults_policy(&dir.join("policy"));
    let policy = policy.to_str().unwrap();
    // Two exports of the same trusts: the second changes most partitions, so the store
    // holds an earlier version's files beside the current ones.
    crate::campaign::generate_two(binary, dir, KEY, "2", "3", AS_OF);
    run_ok(
        binary,
        dir,
        &["--quiet", "ingest", "--store", "pristine", "first"],
    );
    run_ok(
        binary,
        dir,
        &["--quiet", "ingest", "--store", "pristine", "second"],
    );
    run_ok(binary, dir, &report_args("pristine", policy, "base"));
    let base = files(&dir.join("base"));
    let base_read = read_as_a_report_does(&dir.join("pristine")).unwrap();
    let pristine = entries(&dir.join("pristine"));
    let pristine_files: Vec<&PathBuf> = pristine
        .iter()
        .filter(|p| dir.join("pristine").join(p).is_file())
        .collect();

    let mut rng = rand::rngs::SmallRng::seed_from_u64(seed);
    let draws: Vec<(usize, PathBuf, PathBuf, Damage)> = (0..damages)
        .map(|at| {
            let target = pristine[rng.random_range(0..pristine.len())].clone();
            let other = pristine_files[rng.random_range(0..pristine_files.len())].clone();
            let kind = DAMAGES[rng.random_range(0..DAMAGES.len())];
            (at, target, other, kind)
        })
        .collect();
    let queue = std::sync::Mutex::new(draws.into_iter());
    let figures = std::sync::Mutex::new(Figures::default());
    std::thread::scope(|scope| {
        for worker in 0..threads.max(1) {
            let (queue, figures, base, base_read) = (&queue, &figures, &base, &base_read);
            let seed = seed.wrapping_add(worker as u64 + 1);
            scope.spawn(move || {
                let mut rng = rand::rngs::SmallRng::seed_from_u64(seed);
                loop {
                    let next = queue.lock().unwrap().next();
                    let Some((at, target, other, kind)) = next else {
                        break;
                    };
                    let store_name = format!("store-{at}");
                    let store = dir.join(&store_name);
                    crate::campaign::copy_tree(&dir.join("pristine"), &store);
                    let done = damage(&store, &target, &other, kind, &mut rng);
                    let out = format!("out-{at}");
                    let names_a_file = |message: &str| message.contains(&format!("{store_name}/"));
                    let verdict = if at % report_every.max(1) == 0 {
                        let output =
                            oversight(binary, dir, &report_args(&store_name, policy, &out));
                        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
                        match output.status.code() {
                            Some(0) if files(&dir.join(&out)) == *base => Ok(true),
                            Some(0) => Err("succeeded with different files".to_string()),
                            Some(1) if names_a_file(&stderr) && !stderr.contains("panicked") => {
                                Ok(false)
                            }
                            code => Err(format!("exit {code:?}: {}", stderr.trim())),
                        }
                    } else {
                        let read = std::panic::catch_unwind(|| read_as_a_report_does(&store));
                        match read {
                            Ok(Ok(read)) if read == *base_read => Ok(true),
                            Ok(Ok(_)) => Err("read different data".to_string()),
                            Ok(Err(message)) if names_a_file(&message) => Ok(false),
                            Ok(Err(message)) => Err(format!("error naming no file: {message}")),
                            Err(_) => Err("panicked".to_string()),
                        }
                    };
                    let mut figures = figures.lock().unwrap();
                    figures.damages += 1;
                    let entry = figures.by_kind.entry(format!("{kind:?}")).or_default();
                    match verdict {
                        Ok(true) => {
                            entry.0 += 1;
                            figures.same += 1;
                        }
                        Ok(false) => {
                            entry.1 += 1;
                            figures.named += 1;
                        }
                        Err(problem) => figures.other.push(format!("{done}: {problem}")),
                    }
                    drop(figures);
                    let _ = fs::remove_dir_all(&store);
                    let _ = fs::remove_dir_all(dir.join(&out));
                }
            });
        }
    });
    figures.into_inner().unwrap()
}
