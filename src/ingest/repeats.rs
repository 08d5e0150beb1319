//! Ids repeated within one file (spec 01: "each id must be unique within its file"):
//! every row that shares its key with another is quarantined, none of them stored, and
//! the reason names all their lines.
//!
//! A file read whole is judged from its rows ([`of_rows`]). A large canonical file read
//! in chunks (issue #13) is judged before its first chunk is checked, in a compact
//! pre-pass ([`in_file`]): one streaming scan keeps a 64-bit hash of each good row's
//! key (8 bytes a row); only when two hashes agree is the file scanned again, parsing
//! just the rows with those hashes, so the keys that really repeat (and not merely
//! collide) are found exactly, with the same reasons as for the file read whole.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::Path;

use super::IngestError;
use super::read::{self, Cell, DateBounds, Row};
use crate::contract::Table;

/// Why a row cannot be stored: the column and the reason.
pub type Problem = (&'static str, String);

/// The keys (as [`key_text`]) that appear on more than one row of a file, with the
/// problem every such row is quarantined for.
pub type Repeats = HashMap<String, Problem>;

/// The repeated keys of the large canonical file `path` of `table`, found without
/// holding its rows: exactly those [`of_rows`] finds in the file read whole.
pub fn in_file(table: Table, path: &Path, bounds: DateBounds) -> Result<Repeats, IngestError> {
    // First scan, decoding the key's columns only: the hash of every good key. A row
    // whose key cells do not parse is left out (it is quarantined whatever its key); a
    // row whose key parses but whose other cells do not is kept, which can only add
    // candidates, not miss any.
    let mut hashes = Vec::new();
    let mut chunks = read::Chunks::open(table, path, bounds)?;
    while let Some(key) = chunks.next_key()? {
        if let Some(key) = key {
            hashes.push(hash(&key_text_of(key.iter())));
        }
    }
    hashes.sort_unstable();
    let candidates: HashSet<u64> = hashes
        .windows(2)
        .filter(|pair| pair[0] == pair[1])
        .map(|pair| pair[0])
        .collect();
    drop(hashes);
    if candidates.is_empty() {
        return Ok(Repeats::new());
    }
    // Second scan: only the rows whose key hash repeats, parsed in full. Every row that
    // shares its key with another is among them, so the repeats found are exact.
    let mut chunks = read::Chunks::open(table, path, bounds)?;
    let mut parsed = read::Parsed::new(table, path.display().to_string(), bounds);
    while let Some(row) = chunks.next_text_row()? {
        let key = read::key_cells(table, &row, bounds);
        if key.is_some_and(|key| candidates.contains(&hash(&key_text_of(key.iter())))) {
            parsed.push(row);
        }
    }
    Ok(of_rows(table, &parsed.rows, false))
}

/// A fixed 64-bit hash (the same in every run) of a key's text.
fn hash(key: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish()
}

/// The key of a row as one text, to find repeats within a file.
pub fn key_text(table: Table, row: &Row) -> String {
    key_text_of(table.key().iter().map(|&at| &row.cells[at]))
}

/// The key cells (in [`Table::key`] order) as one text.
fn key_text_of<'c>(cells: impl Iterator<Item = &'c Cell>) -> String {
    let parts: Vec<String> = cells
        .map(|cell| match cell {
            Cell::Date(date) => date.to_string(),
            cell => cell.text().to_string(),
        })
        .collect();
    parts.join("\u{1f}")
}

/// Keys that appear on more than one row, with the problem every such row is
/// quarantined for. In a flat export identical repeats were already folded, so the rows
/// left with one key differ, and the problem says in which columns.
pub fn of_rows(table: Table, rows: &[Row], flat: bool) -> Repeats {
    let mut at: HashMap<String, Vec<usize>> = HashMap::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        at.entry(key_text(table, row)).or_default().push(i);
    }
    at.into_iter()
        .filter(|(_, copies)| copies.len() > 1)
        .map(|(key, copies)| {
            let problem = if flat {
                flat_repeat_problem(table, rows, &copies)
            } else {
                let lines: Vec<u64> = copies.iter().map(|&i| rows[i].line).collect();
                repeat_problem(table, &lines)
            };
            (key, problem)
        })
        .collect()
}

fn repeat_problem(table: Table, lines: &[u64]) -> Problem {
    let columns: Vec<&str> = table
        .key()
        .iter()
        .map(|&at| table.columns()[at].name)
        .collect();
    let lines: Vec<String> = lines.iter().map(u64::to_string).collect();
    (
        table.columns()[table.key()[0]].name,
        format!(
            "repeated id: the same {} appears on lines {} of this file; each must be unique, so none of them is stored",
            columns.join(" + "),
            lines.join(", ")
        ),
    )
}

/// The problem of rows of a flat export that share a key but not their other columns.
fn flat_repeat_problem(table: Table, rows: &[Row], copies: &[usize]) -> Problem {
    let columns = table.columns();
    let key: Vec<&str> = table.key().iter().map(|&at| columns[at].name).collect();
    let differing: Vec<&str> = columns
        .iter()
        .enumerate()
        .filter(|(at, _)| {
            let first = &rows[copies[0]].cells[*at];
            copies.iter().any(|&i| rows[i].cells[*at] != *first)
        })
        .map(|(_, column)| column.name)
        .collect();
    let mut lines: Vec<u64> = copies
        .iter()
        .flat_map(|&i| std::iter::once(rows[i].line).chain(rows[i].repeats.iter().copied()))
        .collect();
    lines.sort_unstable();
    let lines: Vec<String> = lines.iter().map(u64::to_string).collect();
    (
        columns[table.key()[0]].name,
        format!(
            "repeated {what} with different values: lines {} give the same {} but differ in {}; a flat export must repeat a {what}'s columns identically, so none of them is stored",
            lines.join(", "),
            key.join(" + "),
            differing.join(", "),
            what = singular(table)
        ),
    )
}

/// "session" for sessions: how messages name one row of a table.
fn singular(table: Table) -> &'static str {
    match table {
        Table::Schools => "school",
        Table::Staff => "staff member",
        Table::Contracts => "contract",
        Table::Sessions => "session",
        Table::Attendees => "attendee",
        Table::Cases => "case",
        Table::Discussions => "discussion",
        Table::Actions => "action",
    }
}
