//! A bundle reads only files inside its own folder (issue #11).
//!
//! A bundle's `mapping.toml` comes with the export, so it is input like any other: a
//! `path = "../secret.txt"`, an absolute path or a symlinked CSV would otherwise let an
//! export read (and echo the first line of) any file the user can read. Every file a
//! bundle names is therefore resolved, links followed, and must lie inside the bundle
//! folder, itself resolved the same way.

use std::path::{Path, PathBuf};

/// `file`, resolved, when it lies inside `dir` after following links; otherwise why
/// not, in words for a message.
pub fn inside(dir: &Path, file: &Path) -> Result<PathBuf, String> {
    let folder = dir
        .canonicalize()
        .map_err(|e| format!("cannot resolve the folder {}: {e}", dir.display()))?;
    let resolved = file
        .canonicalize()
        .map_err(|e| format!("cannot resolve {}: {e}", file.display()))?;
    if resolved.starts_with(&folder) {
        Ok(resolved)
    } else {
        Err(format!(
            "{} leads outside the export folder {} (links followed, it is {}): a bundle may only read files inside its own folder",
            file.display(),
            dir.display(),
            resolved.display()
        ))
    }
}
