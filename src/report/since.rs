//! An earlier report, read back for `report --since PREVIOUS_OUT` (spec 03, "Direction
//! of travel"): its `manifest.json` says which files it wrote and their SHA-256; every
//! one is checked before anything is read (a changed, missing or swapped file is an
//! error naming it), and the files the comparison needs become text tables for the
//! queries (`queries/governors/since.sql`, `queries/changes.sql`).
//!
//! The folder is someone else's input as much as an export is: the manifest is read
//! bounded, the files it names must be plain files inside the folder (no `..`, no
//! absolute path, no link), and a cell is never printed in an error.

use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use polars::prelude::{Column, DataFrame};
use sha2::{Digest, Sha256};

use super::manifest::FILE as MANIFEST;

/// The largest manifest read (a national report's lists thousands of files).
const MANIFEST_LIMIT: u64 = 64 << 20;

/// The earlier report's files the comparison reads, with the table each becomes.
const READ: [(&str, &str); 4] = [
    ("governors/summary.csv", "previous_summary"),
    ("restricted/drift_cases.csv", "previous_drift_cases"),
    ("restricted/actions.csv", "previous_actions"),
    ("restricted/frequency.csv", "previous_frequency"),
];

/// An earlier report could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum SinceError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not an oversight report's manifest: {problem}")]
    Manifest { path: PathBuf, problem: String },
    #[error(
        "{path}: the file differs from what the earlier report wrote (its manifest.json records another SHA-256): it was changed after the report, so it cannot be compared with"
    )]
    Changed { path: PathBuf },
    #[error("{path}: {problem}")]
    Unsafe {
        path: PathBuf,
        problem: &'static str,
    },
    #[error(
        "{dir}: the earlier report wrote no {file} (make it without --tables-only restrictions, or compare with another report)"
    )]
    NotWritten { dir: PathBuf, file: &'static str },
    #[error("{path}: line {line}: {problem}")]
    Csv {
        path: PathBuf,
        line: u64,
        problem: String,
    },
}

/// What the comparison reads of an earlier report.
#[derive(Debug)]
pub struct EarlierReport {
    /// Its as-of date, as its manifest gives it (`2026-07-20`).
    pub as_of: chrono::NaiveDate,
    /// Its files as text tables, named for the queries, and `previous_report`.
    pub tables: Vec<(&'static str, DataFrame)>,
}

#[derive(serde::Deserialize)]
struct Manifest {
    tool: String,
    as_of: chrono::NaiveDate,
    outputs: Vec<Output>,
}

#[derive(serde::Deserialize)]
struct Output {
    file: String,
    sha256: String,
}

/// Reads the report in `dir`, checking every file its manifest lists.
pub fn read(dir: &Path) -> Result<EarlierReport, SinceError> {
    let path = dir.join(MANIFEST);
    let bytes = read_file(&path, MANIFEST_LIMIT)?;
    let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| SinceError::Manifest {
        path: path.clone(),
        problem: e.to_string(),
    })?;
    if manifest.tool != "oversight" {
        return Err(SinceError::Manifest {
            path,
            problem: "it was not written by oversight".to_string(),
        });
    }
    for output in &manifest.outputs {
        let file = inside(dir, &output.file)?;
        if sha256_of(&file)? != output.sha256 {
            return Err(SinceError::Changed { path: file });
        }
    }
    let mut tables = Vec::with_capacity(READ.len() + 1);
    for (file, table) in READ {
        if !manifest.outputs.iter().any(|o| o.file == file) {
            return Err(SinceError::NotWritten {
                dir: dir.to_owned(),
                file,
            });
        }
        tables.push((table, text_table(&dir.join(file))?));
    }
    let as_of = Column::new("as_of".into(), [manifest.as_of.to_string()]);
    let report = DataFrame::new(1, vec![as_of]).expect("one column of one row");
    tables.push(("previous_report", report));
    Ok(EarlierReport {
        as_of: manifest.as_of,
        tables,
    })
}

/// `relative` under `dir`, when it is a plain relative path to a plain file there.
fn inside(dir: &Path, relative: &str) -> Result<PathBuf, SinceError> {
    let path = dir.join(relative);
    let plain = Path::new(relative)
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    if !plain || relative.is_empty() {
        return Err(SinceError::Unsafe {
            path,
            problem: "the earlier report's manifest names a file outside its folder",
        });
    }
    Ok(path)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SinceError + '_ {
    move |source| SinceError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Opens `path` when it is a plain file (not a link, folder or device).
fn open_plain(path: &Path) -> Result<fs::File, SinceError> {
    let meta = fs::symlink_metadata(path).map_err(io(path))?;
    if !meta.is_file() {
        return Err(SinceError::Unsafe {
            path: path.to_owned(),
            problem: "not a plain file (a link, folder or device)",
        });
    }
    fs::File::open(path).map_err(io(path))
}

fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, SinceError> {
    let mut bytes = Vec::new();
    open_plain(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io(path))?;
    if bytes.len() as u64 > limit {
        return Err(SinceError::Unsafe {
            path: path.to_owned(),
            problem: "larger than any manifest oversight writes",
        });
    }
    Ok(bytes)
}

fn sha256_of(path: &Path) -> Result<String, SinceError> {
    let mut file = open_plain(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(io(path))?;
    Ok(hex::encode(hasher.finalize()))
}

/// A CSV file as a table of text columns, every cell as written (a byte-order mark is
/// skipped).
fn text_table(path: &Path) -> Result<DataFrame, SinceError> {
    let mut reader = csv::ReaderBuilder::new().from_reader(open_plain(path)?);
    let fail = |line: u64, problem: String| SinceError::Csv {
        path: path.to_owned(),
        line,
        problem,
    };
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| fail(1, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); header.len()];
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            // The csv crate's message names no cell's content.
            fail(line, e.to_string())
        })?;
        for (column, cell) in cells.iter_mut().zip(record.iter()) {
            column.push(cell.to_string());
        }
    }
    let height = cells.first().map_or(0, Vec::len);
    let columns = header
        .iter()
        .zip(cells)
        .map(|(name, values)| Column::new(name.as_str().into(), values))
        .collect();
    DataFrame::new(height, columns).map_err(|e| fail(1, e.to_string()))
}
