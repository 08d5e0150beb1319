//! The rows that pass between ingest and the store: typed cells, quarantined rows, and
//! what ingest may ask of rows already stored.
//!
//! They are part of the data contract rather than of either stage, so that ingest
//! (which makes them) and the store (which keeps them) both depend on the contract and
//! neither on the other.

use chrono::NaiveDate;

use super::Table;

/// A typed cell. Enum values hold their canonical spelling.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Text(String),
    Date(NaiveDate),
    Bool(bool),
    Int(i64),
}

impl Cell {
    /// The text of a text, enum or id cell; `""` for null.
    pub fn text(&self) -> &str {
        match self {
            Cell::Text(text) => text,
            _ => "",
        }
    }

    /// The date of a date cell.
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Cell::Date(date) => Some(*date),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Cell::Null)
    }
}

/// A row that could not be stored, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantined {
    pub table: Table,
    /// The file as it was named on the command line.
    pub file: String,
    /// The line in the file (the header is line 1).
    pub line: u64,
    /// The canonical column at fault; empty when the whole row is.
    pub column: String,
    pub reason: String,
    /// The row's own id as the file gave it, where it could be read (schools, staff,
    /// sessions, cases, actions), and for a case its school: a full export keeps the
    /// stored row whose newer copy this is (spec 01, "Exports over time"). Never written
    /// to the quarantine file.
    pub id: Option<RowId>,
}

/// The id of a quarantined row (see [`Quarantined::id`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowId {
    pub id: String,
    /// A case's school, whose trust its case ref is made with.
    pub school_urn: Option<String>,
}

impl RowId {
    /// The id of a row of `table` whose canonical cells `text` gives, when the table has
    /// an id of its own and the row has one.
    pub fn of<'a>(table: Table, text: impl Fn(usize) -> Option<&'a str>) -> Option<RowId> {
        use super::{actions, cases, schools, sessions, staff};
        let at = match table {
            Table::Schools => schools::SCHOOL_URN,
            Table::Staff => staff::STAFF_ID,
            Table::Sessions => sessions::SESSION_ID,
            Table::Cases => cases::CASE_ID,
            Table::Actions => actions::ACTION_ID,
            _ => return None,
        };
        let id = text(at).map(str::trim).filter(|id| !id.is_empty())?;
        let school_urn = (table == Table::Cases)
            .then(|| text(cases::SCHOOL_URN).map(|u| u.trim().to_string()))
            .flatten();
        Some(RowId {
            id: id.to_string(),
            school_urn,
        })
    }
}

/// What is remembered of an accepted row: its trust, and for sessions their supervisor
/// (an attendee must not be the session's supervisor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub trust_id: String,
    pub supervisor_id: Option<String>,
}

/// Rows already stored, as ingest needs to see them. The store implements it; a dry run
/// (`validate`) uses an empty one.
pub trait Stored {
    /// The trust of a stored school.
    fn school_trust(&mut self, urn: &str) -> anyhow::Result<Option<String>>;
    /// The stored row `id` of `table` in `trust_id` (ids of cases are case refs).
    fn find(&mut self, table: Table, trust_id: &str, id: &str) -> anyhow::Result<Option<Entry>>;
    /// Every trust that stores a row `id` of `table`.
    fn trusts_holding(&mut self, table: Table, id: &str) -> anyhow::Result<Vec<String>>;
    /// Every trust id the store holds rows of (a trust id re-typed in another case is
    /// told from a new trust by them).
    fn trust_ids(&mut self) -> anyhow::Result<Vec<String>>;
}
