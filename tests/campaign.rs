//! What the reliability campaigns share (`tests/kill.rs`, `tests/corrupt.rs`, and their
//! examples, which include this file too).

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

/// Copies the folder `from` to `to`, files and sub-folders.
pub fn copy_tree(from: &Path, to: &Path) {
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

/// The `oversight` binary beside a running example (`target/debug/examples/<name>` ->
/// `target/debug/oversight`), if it was built.
pub fn binary_beside_example() -> Option<PathBuf> {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join("oversight")))
        .filter(|path| path.is_file())
}

/// `binary` with `args`, run in `dir` with the campaign's key `key` and a config folder
/// of its own (nothing of the user's is read or written).
pub fn command(binary: &Path, dir: &Path, key: &str, args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(binary);
    command
        .args(args)
        .current_dir(dir)
        .env("OVERSIGHT_KEY", key)
        .env_remove("OVERSIGHT_CRASH_AT")
        .env("XDG_CONFIG_HOME", dir.join("config"));
    command
}

/// Runs `binary` with `args` (as [`command`]) and asserts it succeeds.
pub fn run_ok(binary: &Path, dir: &Path, key: &str, args: &[&str]) {
    let output = command(binary, dir, key, args).output().unwrap();
    assert!(
        output.status.success(),
        "oversight {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Two generated exports of the same `trusts` (`schools` in all), `first` and `second`
/// in `dir` (seeds 1 and 2, as of `today`): the second changes nearly every partition
/// the first gave.
pub fn generate_two(
    binary: &Path,
    dir: &Path,
    key: &str,
    trusts: &str,
    schools: &str,
    today: &str,
) {
    for (out, seed) in [("first", "1"), ("second", "2")] {
        let args = [
            "generate",
            "--out",
            out,
            "--trusts",
            trusts,
            "--schools",
            schools,
            "--seed",
            seed,
            "--today",
            today,
        ];
        run_ok(binary, dir, key, &args);
    }
}

/// sample-data's policy with its trust `[defaults]` only, written into `dir` with the
/// calendar and bank holidays it names; returns its path. For stores of generated or
/// hand-made trusts, whose schools are not the sample's: a `[schools."URN"]` table for
/// a school the store lacks stops a report (spec 04, issue #19). Their schools got the
/// defaults before too, so no figure changes.
pub fn trust_defaults_policy(dir: &Path) -> PathBuf {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    fs::create_dir_all(dir).unwrap();
    for file in ["calendar.csv", "bank-holidays.csv"] {
        fs::copy(sample.join(file), dir.join(file)).unwrap();
    }
    let text = fs::read_to_string(sample.join("policy.toml")).unwrap();
    let defaults = &text[..text.find("\n[schools.").unwrap_or(text.len())];
    let policy = dir.join("policy.toml");
    fs::write(&policy, defaults).unwrap();
    policy
}
