//! The eight canonical tables of the data contract (spec 01) as data: their files,
//! columns, value kinds and keys.
//!
//! Ingest reads a bundle against these definitions and the store writes what they say,
//! so a column is described once. The column order here is the order in the store.

use crate::model::{ActionStatus, CaseCategory, Function, Phase, Role, SessionKind, SessionStatus};

mod excerpt;
mod rows;
pub use excerpt::{EXCERPT_CHARS, closest, excerpt, excerpt_list, nearest};
pub use rows::{Cell, Entry, Quarantined, RowId, Stored};

/// One canonical table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Schools,
    Staff,
    Contracts,
    Sessions,
    Attendees,
    Cases,
    Discussions,
    Actions,
}

/// What a column holds and how its cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free-standing text (ids, names).
    Text,
    /// A trust id: it becomes a folder name, so only letters, digits, `-`, `_`.
    TrustId,
    /// A school URN: 6 or 7 digits.
    Urn,
    /// A date, ISO or `DD/MM/YYYY`.
    Date,
    /// A boolean in any usual spelling.
    Bool,
    /// A whole number within a range.
    Int { min: i64, max: i64 },
    /// One of a closed set of values, matched ignoring case.
    Enum {
        what: &'static str,
        names: &'static [&'static str],
    },
    /// A `;`-separated list of values of a closed set.
    List {
        what: &'static str,
        names: &'static [&'static str],
    },
    /// A child's case id: pseudonymised to `case_ref` before anything is stored.
    CaseId,
}

/// One column of a canonical table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The canonical header.
    pub name: &'static str,
    pub kind: Kind,
    /// `false` for the columns the contract marks `?`.
    pub required: bool,
}

const fn col(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        required: true,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        required: false,
    }
}

const fn enumeration(what: &'static str, names: &'static [&'static str]) -> Kind {
    Kind::Enum { what, names }
}

/// Column positions, so validation reads cells by name without searching.
pub mod schools {
    pub const TRUST_ID: usize = 0;
    pub const TRUST_NAME: usize = 1;
    pub const SCHOOL_URN: usize = 2;
    pub const SCHOOL_NAME: usize = 3;
}
/// Column positions of staff.csv.
pub mod staff {
    pub const STAFF_ID: usize = 0;
    pub const SCHOOL_URN: usize = 1;
    pub const STARTED_ON: usize = 4;
    pub const LEFT_ON: usize = 5;
}
/// Column positions of contracts.csv.
pub mod contracts {
    pub const SUPERVISEE_ID: usize = 0;
    pub const SUPERVISOR_ID: usize = 1;
    pub const AGREED_ON: usize = 2;
    pub const REVIEW_DUE_ON: usize = 3;
}
/// Column positions of sessions.csv.
pub mod sessions {
    pub const SESSION_ID: usize = 0;
    pub const SCHOOL_URN: usize = 1;
    pub const HELD_ON: usize = 2;
    pub const SUPERVISOR_ID: usize = 3;
    pub const STATUS: usize = 6;
    pub const DURATION_MINUTES: usize = 7;
    pub const RECORDED_ON: usize = 8;
}
/// Column positions of attendees.csv.
pub mod attendees {
    pub const SESSION_ID: usize = 0;
    pub const STAFF_ID: usize = 1;
}
/// Column positions of cases.csv.
pub mod cases {
    pub const CASE_ID: usize = 0;
    pub const SCHOOL_URN: usize = 1;
    pub const OWNER_ID: usize = 3;
    pub const OPENED_ON: usize = 4;
    pub const CLOSED_ON: usize = 5;
}
/// Column positions of discussions.csv.
pub mod discussions {
    pub const SESSION_ID: usize = 0;
    pub const CASE_ID: usize = 1;
}
/// Column positions of actions.csv.
pub mod actions {
    pub const ACTION_ID: usize = 0;
    pub const SESSION_ID: usize = 1;
    pub const CASE_ID: usize = 2;
    pub const OWNER_ID: usize = 3;
    pub const COMPLETED_ON: usize = 5;
    pub const STATUS: usize = 6;
}

const SCHOOLS: &[Column] = &[
    col("trust_id", Kind::TrustId),
    col("trust_name", Kind::Text),
    col("school_urn", Kind::Urn),
    col("school_name", Kind::Text),
    col("phase", enumeration(Phase::WHAT, Phase::NAMES)),
    col("local_authority", Kind::Text),
];

const STAFF: &[Column] = &[
    col("staff_id", Kind::Text),
    col("school_urn", Kind::Urn),
    col("display_name", Kind::Text),
    col("role", enumeration(Role::WHAT, Role::NAMES)),
    col("started_on", Kind::Date),
    opt("left_on", Kind::Date),
    opt("supervisor_trained_on", Kind::Date),
    // Optional in the file too: a bundle without the column reads as empty (spec 01).
    opt("dsl_trained_on", Kind::Date),
];

const CONTRACTS: &[Column] = &[
    col("supervisee_id", Kind::Text),
    col("supervisor_id", Kind::Text),
    col("agreed_on", Kind::Date),
    col("review_due_on", Kind::Date),
];

const SESSIONS: &[Column] = &[
    col("session_id", Kind::Text),
    col("school_urn", Kind::Urn),
    col("held_on", Kind::Date),
    col("supervisor_id", Kind::Text),
    col("kind", enumeration(SessionKind::WHAT, SessionKind::NAMES)),
    col("planned", Kind::Bool),
    col(
        "status",
        enumeration(SessionStatus::WHAT, SessionStatus::NAMES),
    ),
    opt("duration_minutes", Kind::Int { min: 1, max: 600 }),
    opt("recorded_on", Kind::Date),
    col("signed_supervisor", Kind::Bool),
    col("signed_supervisee", Kind::Bool),
    opt(
        "functions",
        Kind::List {
            what: Function::WHAT,
            names: Function::NAMES,
        },
    ),
];

const ATTENDEES: &[Column] = &[col("session_id", Kind::Text), col("staff_id", Kind::Text)];

const CASES: &[Column] = &[
    col("case_id", Kind::CaseId),
    col("school_urn", Kind::Urn),
    col(
        "category",
        enumeration(CaseCategory::WHAT, CaseCategory::NAMES),
    ),
    // Empty when nobody holds the case (spec 01; drift flag `no_owner`).
    opt("owner_id", Kind::Text),
    col("opened_on", Kind::Date),
    opt("closed_on", Kind::Date),
];

const DISCUSSIONS: &[Column] = &[
    col("session_id", Kind::Text),
    col("case_id", Kind::CaseId),
    opt("safety_score", Kind::Int { min: 0, max: 10 }),
    col("escalated", Kind::Bool),
];

const ACTIONS: &[Column] = &[
    col("action_id", Kind::Text),
    col("session_id", Kind::Text),
    opt("case_id", Kind::CaseId),
    col("owner_id", Kind::Text),
    col("due_on", Kind::Date),
    opt("completed_on", Kind::Date),
    col(
        "status",
        enumeration(ActionStatus::WHAT, ActionStatus::NAMES),
    ),
];

impl Table {
    /// Every table, in the order references flow (a table only refers to earlier ones),
    /// which is also the order ingest checks them in.
    pub const ALL: [Table; 8] = [
        Table::Schools,
        Table::Staff,
        Table::Contracts,
        Table::Sessions,
        Table::Attendees,
        Table::Cases,
        Table::Discussions,
        Table::Actions,
    ];

    /// The table's name: its store folder and the stem of its CSV file.
    pub fn name(self) -> &'static str {
        match self {
            Table::Schools => "schools",
            Table::Staff => "staff",
            Table::Contracts => "contracts",
            Table::Sessions => "sessions",
            Table::Attendees => "attendees",
            Table::Cases => "cases",
            Table::Discussions => "discussions",
            Table::Actions => "actions",
        }
    }

    /// The file a canonical bundle holds the table in.
    pub fn file_name(self) -> String {
        format!("{}.csv", self.name())
    }

    /// The table whose file is named `stem` (`"sessions"`).
    pub fn from_name(stem: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == stem)
    }

    /// The canonical columns, in store order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Table::Schools => SCHOOLS,
            Table::Staff => STAFF,
            Table::Contracts => CONTRACTS,
            Table::Sessions => SESSIONS,
            Table::Attendees => ATTENDEES,
            Table::Cases => CASES,
            Table::Discussions => DISCUSSIONS,
            Table::Actions => ACTIONS,
        }
    }

    /// The columns (positions) that identify a row within a trust. A newer export of a
    /// row with the same key replaces the stored one.
    ///
    /// Contracts have no id of their own: a supervision agreement is its two people and
    /// the date it was signed. Attendees and discussions are keyed by session and person
    /// or case, but are replaced per session (see [`Table::replaced_per_session`]).
    pub fn key(self) -> &'static [usize] {
        match self {
            Table::Schools => &[schools::SCHOOL_URN],
            Table::Staff => &[staff::STAFF_ID],
            Table::Contracts => &[
                contracts::SUPERVISEE_ID,
                contracts::SUPERVISOR_ID,
                contracts::AGREED_ON,
            ],
            Table::Sessions => &[sessions::SESSION_ID],
            Table::Attendees => &[attendees::SESSION_ID, attendees::STAFF_ID],
            Table::Cases => &[cases::CASE_ID],
            Table::Discussions => &[discussions::SESSION_ID, discussions::CASE_ID],
            Table::Actions => &[actions::ACTION_ID],
        }
    }

    /// Attendees and discussions describe a session as a whole: when a newer export
    /// carries a session's attendees (or discussions), they replace every stored row of
    /// that session, so a person removed from a session's record is removed from the
    /// store too.
    pub fn replaced_per_session(self) -> bool {
        matches!(self, Table::Attendees | Table::Discussions)
    }

    /// The name a column has in the store: case ids are stored only as `case_ref`, and
    /// the trust id lives in the Hive partition folder, not in the files.
    pub fn stored_name(column: &Column) -> &'static str {
        match column.kind {
            Kind::CaseId => "case_ref",
            _ => column.name,
        }
    }

    /// Whether a column is written into the table's Parquet files (`trust_id` is the
    /// partition folder instead).
    pub fn is_stored(column: &Column) -> bool {
        column.kind != Kind::TrustId
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_positions_match_the_column_lists() {
        let at = |table: Table, i: usize| table.columns()[i].name;
        assert_eq!(at(Table::Schools, schools::SCHOOL_URN), "school_urn");
        assert_eq!(at(Table::Schools, schools::TRUST_NAME), "trust_name");
        assert_eq!(at(Table::Schools, schools::SCHOOL_NAME), "school_name");
        assert_eq!(at(Table::Staff, staff::STARTED_ON), "started_on");
        assert_eq!(at(Table::Staff, staff::LEFT_ON), "left_on");
        assert_eq!(
            at(Table::Contracts, contracts::REVIEW_DUE_ON),
            "review_due_on"
        );
        assert_eq!(at(Table::Sessions, sessions::STATUS), "status");
        assert_eq!(
            at(Table::Sessions, sessions::DURATION_MINUTES),
            "duration_minutes"
        );
        assert_eq!(at(Table::Sessions, sessions::RECORDED_ON), "recorded_on");
        assert_eq!(at(Table::Cases, cases::OWNER_ID), "owner_id");
        assert_eq!(at(Table::Cases, cases::CLOSED_ON), "closed_on");
        assert_eq!(at(Table::Discussions, discussions::CASE_ID), "case_id");
        assert_eq!(at(Table::Actions, actions::COMPLETED_ON), "completed_on");
        assert_eq!(at(Table::Actions, actions::STATUS), "status");
        assert_eq!(at(Table::Actions, actions::OWNER_ID), "owner_id");
    }
}
