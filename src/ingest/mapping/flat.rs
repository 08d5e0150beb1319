//! Flat exports: one file that several tables are read from, such as a supervision log
//! with one line per session and case discussed, the session's columns repeated on every
//! line of its cases and each action on the line of its case.
//!
//! Two rules split such a file without duplicating anything:
//! - a line gives a row of a table only when it holds the table's **own id** (a session
//!   id for sessions, a case id for discussions, an action id for actions, ...), so a
//!   line about a case with no action gives no action;
//! - lines that give a table **identical** rows (the same session on every line of its
//!   cases) are one row: the first line's, with the later lines recorded as its repeats.
//!   Repeats that differ are left as they are, for the repeated-id check to quarantine
//!   every copy with the columns that differ.
//!
//! Accounting stays per line: a repeat counts as stored when its row is stored and as
//! quarantined (with its own line) when its row is quarantined, so `rows read = stored +
//! quarantined` holds for every file and table.

use std::collections::HashMap;

use crate::contract::{Table, attendees, contracts, discussions};
use crate::ingest::read::Row;

/// The column that says a line holds a row of `table` (by position in
/// [`Table::columns`]): the table's own id, the last part of its key for the tables that
/// hang off a session.
pub fn own_column(table: Table) -> usize {
    match table {
        Table::Attendees => attendees::STAFF_ID,
        Table::Discussions => discussions::CASE_ID,
        Table::Contracts => contracts::SUPERVISEE_ID,
        other => other.key()[0],
    }
}

/// Folds rows identical to an earlier row into it (their lines become its repeats), in
/// the order the rows came. Returns the rows left and how many were folded.
pub fn fold_repeats(rows: Vec<Row>) -> (Vec<Row>, u64) {
    let mut first: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    let mut kept: Vec<Row> = Vec::with_capacity(rows.len());
    let mut folded = 0;
    for row in rows {
        let content = format!("{:?}", row.cells);
        match first.get(&content) {
            Some(&at) => {
                kept[at].repeats.push(row.line);
                folded += 1 + row.repeats.len() as u64;
                kept[at].repeats.extend(row.repeats);
            }
            None => {
                first.insert(content, kept.len());
                kept.push(row);
            }
        }
    }
    (kept, folded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::read::Cell;

    fn row(line: u64, id: &str, minutes: i64) -> Row {
        Row {
            line,
            cells: vec![Cell::Text(id.into()), Cell::Int(minutes)],
            repeats: Vec::new(),
        }
    }

    #[test]
    fn identical_rows_fold_into_the_first_and_differing_ones_stay() {
        let (rows, folded) = fold_repeats(vec![
            row(2, "S1", 60),
            row(3, "S1", 60),
            row(4, "S2", 30),
            row(5, "S1", 60),
            row(6, "S1", 45),
        ]);
        assert_eq!(folded, 2);
        let lines: Vec<(u64, Vec<u64>)> =
            rows.iter().map(|r| (r.line, r.repeats.clone())).collect();
        assert_eq!(lines, vec![(2, vec![3, 5]), (4, vec![]), (6, vec![])]);
    }

    #[test]
    fn own_columns_are_the_row_ids() {
        let name = |t: Table| t.columns()[own_column(t)].name;
        assert_eq!(name(Table::Sessions), "session_id");
        assert_eq!(name(Table::Attendees), "staff_id");
        assert_eq!(name(Table::Discussions), "case_id");
        assert_eq!(name(Table::Actions), "action_id");
        assert_eq!(name(Table::Schools), "school_urn");
        assert_eq!(name(Table::Cases), "case_id");
    }
}
