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
