//! The checks that need more than one cell: rules within a row (`status` against
//! `completed_on`), ids repeated in a file, and references between tables.
//!
//! Tables are checked in [`Table::ALL`] order, so by the time a row names a session the
//! sessions are known. A row whose reference points at a quarantined row is quarantined
//! too, and its reason names where the first row went, so a person fixes one line, not
//! twenty. Each accepted row leaves this stage with its trust and with every case id
//! replaced by its case ref.

use std::collections::HashMap;

use super::Quarantined;
use super::known::{Entry, Found, Known, SameTrust};
use super::pseudonym::Pseudonymiser;
use super::read::{Cell, ReadFile, Row};
use super::repeats::{self, Problem, Repeats};
use crate::contract::{
    Kind, Table, actions, attendees, cases, contracts, discussions, excerpt, schools, sessions,
    staff,
};

/// A row ready for the store: its trust and its cells (case ids already case refs).
#[derive(Debug, Clone)]
pub struct StoredRow {
    pub trust_id: String,
    pub cells: Vec<Cell>,
}

/// One file after every check.
#[derive(Debug)]
pub struct CheckedFile {
    pub file: ReadFile,
    pub accepted: Vec<StoredRow>,
    /// Lines whose row was stored: the accepted rows and the flat-export repeats folded
    /// into them.
    pub rows_stored: u64,
}

/// Some rows of a file after every check.
#[derive(Debug)]
pub struct CheckedRows {
    pub accepted: Vec<StoredRow>,
    /// Lines whose row was stored (as [`CheckedFile::rows_stored`]).
    pub rows_stored: u64,
}

/// Checks the files of one bundle, in table order.
pub struct BundleCheck<'a> {
    pub known: Known<'a>,
    pub pseudonyms: &'a mut Pseudonymiser,
    /// Ids quarantined in this bundle, with where: so dependent rows can say why.
    quarantined_ids: HashMap<(Table, String), String>,
}

impl<'a> BundleCheck<'a> {
    pub fn new(known: Known<'a>, pseudonyms: &'a mut Pseudonymiser) -> Self {
        BundleCheck {
            known,
            pseudonyms,
            quarantined_ids: HashMap::new(),
        }
    }

    /// Checks one file's rows; the file's table must come after every table it names.
    pub fn check(&mut self, mut file: ReadFile) -> anyhow::Result<CheckedFile> {
        let table = file.source.table;
        let display = file.source.display_name();
        let flat = file.mapped.as_ref().is_some_and(|m| m.flat);
        let rows = std::mem::take(&mut file.rows);
        let repeats = repeats::of_rows(table, &rows, flat);
        let checked = self.check_rows(table, &display, &repeats, rows, &mut file.quarantined)?;
        file.quarantined.sort_by_key(|q| q.line);
        Ok(CheckedFile {
            file,
            accepted: checked.accepted,
            rows_stored: checked.rows_stored,
        })
    }

    /// Checks some rows of a file of `table` (named `display`), in the file's order:
    /// the whole file, or one chunk of a large one after another. `repeats` are the
    /// file's repeated keys (all of the file's, found before its first row is checked);
    /// rows that cannot be stored are added to `quarantined`, unsorted.
    pub fn check_rows(
        &mut self,
        table: Table,
        display: &str,
        repeats: &Repeats,
        rows: Vec<Row>,
        quarantined: &mut Vec<Quarantined>,
    ) -> anyhow::Result<CheckedRows> {
        let mut checked = CheckedRows {
            accepted: Vec::with_capacity(rows.len()),
            rows_stored: 0,
        };
        for row in rows {
            let outcome = match (!repeats.is_empty())
                .then(|| repeats.get(&repeats::key_text(table, &row)))
                .flatten()
            {
                Some(problem) => Err(problem.clone()),
                None => self.check_row(table, &row)?,
            };
            match outcome {
                Ok(stored) => {
                    checked.rows_stored += 1 + row.repeats.len() as u64;
                    checked.accepted.push(stored);
                }
                Err((column, reason)) => {
                    let id = crate::contract::RowId::of(table, |at| Some(row.cells[at].text()));
                    if let Some(id) = own_id(table, &row) {
                        self.quarantined_ids
                            .entry((table, id))
                            .or_insert_with(|| format!("{display} line {}", row.line));
                    }
                    // A flat export's repeats of the row go with it, each on its line.
                    for line in std::iter::once(row.line).chain(row.repeats.iter().copied()) {
                        quarantined.push(Quarantined {
                            table,
                            file: display.to_string(),
                            line,
                            column: column.to_string(),
                            reason: reason.clone(),
                            id: id.clone(),
                        });
                    }
                }
            }
        }
        Ok(checked)
    }

    fn check_row(&mut self, table: Table, row: &Row) -> anyhow::Result<Result<StoredRow, Problem>> {
        let c = &row.cells;
        let text = |i: usize| c[i].text();
        let outcome = match table {
            Table::Schools => (|| -> Result<String, LookupError> {
                let trust = text(schools::TRUST_ID).to_string();
                self.same_trust_as_written(&trust)?;
                self.accept(table, text(schools::SCHOOL_URN), &trust, None);
                Ok(trust)
            })(),
            Table::Staff => (|| -> Result<String, LookupError> {
                let trust = self.school(text(staff::SCHOOL_URN))?;
                not_before(
                    c,
                    staff::LEFT_ON,
                    staff::STARTED_ON,
                    "left_on",
                    "started_on",
                )?;
                self.accept(table, text(staff::STAFF_ID), &trust, None);
                Ok(trust)
            })(),
            Table::Contracts => (|| -> Result<String, LookupError> {
                let trust = self
                    .trust_through(
                        Table::Staff,
                        "supervisee_id",
                        text(contracts::SUPERVISEE_ID),
                    )?
                    .trust_id;
                self.in_trust(
                    Table::Staff,
                    "supervisor_id",
                    &trust,
                    text(contracts::SUPERVISOR_ID),
                )?;
                not_before(
                    c,
                    contracts::REVIEW_DUE_ON,
                    contracts::AGREED_ON,
                    "review_due_on",
                    "agreed_on",
                )?;
                Ok(trust)
            })(),
            Table::Sessions => (|| -> Result<String, LookupError> {
                let trust = self.school(text(sessions::SCHOOL_URN))?;
                let supervisor = text(sessions::SUPERVISOR_ID);
                self.in_trust(Table::Staff, "supervisor_id", &trust, supervisor)?;
                if text(sessions::STATUS) == "held" && c[sessions::DURATION_MINUTES].is_null() {
                    return Err(LookupError::Problem((
                        "duration_minutes",
                        "missing required value: a held session needs its duration".to_string(),
                    )));
                }
                not_before(
                    c,
                    sessions::RECORDED_ON,
                    sessions::HELD_ON,
                    "recorded_on",
                    "held_on",
                )?;
                self.accept(
                    table,
                    text(sessions::SESSION_ID),
                    &trust,
                    Some(supervisor.to_string()),
                );
                Ok(trust)
            })(),
            Table::Attendees => (|| -> Result<String, LookupError> {
                let session =
                    self.trust_through(Table::Sessions, "session_id", text(attendees::SESSION_ID))?;
                let person = text(attendees::STAFF_ID);
                self.in_trust(Table::Staff, "staff_id", &session.trust_id, person)?;
                if session.supervisor_id.as_deref() == Some(person) {
                    return Err(LookupError::Problem((
                        "staff_id",
                        format!(
                            "supervisor listed as attendee: {} supervises this session",
                            excerpt(person)
                        ),
                    )));
                }
                Ok(session.trust_id)
            })(),
            Table::Cases => (|| -> Result<String, LookupError> {
                let trust = self.school(text(cases::SCHOOL_URN))?;
                // An empty owner is allowed (nobody holds the case, spec 01); one that
                // names nobody in staff is still a dangling reference.
                if !c[cases::OWNER_ID].is_null() {
                    self.in_trust(Table::Staff, "owner_id", &trust, text(cases::OWNER_ID))?;
                }
                not_before(
                    c,
                    cases::CLOSED_ON,
                    cases::OPENED_ON,
                    "closed_on",
                    "opened_on",
                )?;
                let case_ref = self.pseudonyms.case_ref(&trust, text(cases::CASE_ID));
                self.accept(table, &case_ref, &trust, None);
                Ok(trust)
            })(),
            Table::Discussions => (|| -> Result<String, LookupError> {
                let trust = self
                    .trust_through(Table::Sessions, "session_id", text(discussions::SESSION_ID))?
                    .trust_id;
                self.case_in_trust(&trust, text(discussions::CASE_ID))?;
                Ok(trust)
            })(),
            Table::Actions => (|| -> Result<String, LookupError> {
                let trust = self
                    .trust_through(Table::Sessions, "session_id", text(actions::SESSION_ID))?
                    .trust_id;
                if !c[actions::CASE_ID].is_null() {
                    self.case_in_trust(&trust, text(actions::CASE_ID))?;
                }
                self.in_trust(Table::Staff, "owner_id", &trust, text(actions::OWNER_ID))?;
                match (text(actions::STATUS), c[actions::COMPLETED_ON].is_null()) {
                    ("done", true) => {
                        return Err(LookupError::Problem((
                            "completed_on",
                            "status and completed_on disagree: a done action needs its completed_on".to_string(),
                        )));
                    }
                    ("open", false) => {
                        return Err(LookupError::Problem((
                            "completed_on",
                            "status and completed_on disagree: an open action has a completed_on (mark it done, or clear the date)"
                                .to_string(),
                        )));
                    }
                    _ => {}
                }
                Ok(trust)
            })(),
        };
        // Lookups against the store may fail with an I/O error: that stops the ingest.
        Ok(match outcome {
            Ok(trust_id) => Ok(StoredRow {
                cells: self.pseudonymised(table, &trust_id, row),
                trust_id,
            }),
            Err(LookupError::Problem(problem)) => Err(problem),
            Err(LookupError::Store(error)) => return Err(error),
        })
    }

    fn accept(&mut self, table: Table, id: &str, trust: &str, supervisor_id: Option<String>) {
        self.known.accept(
            table,
            id.to_string(),
            Entry {
                trust_id: trust.to_string(),
                supervisor_id,
            },
        );
    }

    /// A trust id that differs from a stored one, or one accepted earlier in this
    /// ingest, only by case is not a new trust (spec 01, "A school that changes trust"):
    /// `"TR001" is stored; "tr001" differs only by case`.
    fn same_trust_as_written(&mut self, trust: &str) -> Result<(), LookupError> {
        let (known, place) = match self.known.trust_differing_by_case(trust)? {
            None => return Ok(()),
            Some(SameTrust::Stored(known)) => (known, "is stored"),
            Some(SameTrust::Accepted(known)) => (known, "is read earlier in this ingest"),
        };
        Err(LookupError::Problem((
            "trust_id",
            format!(
                "{} {place}; {} differs only by case: write the trust id as it is stored, \
                 or it would be taken for another trust",
                excerpt(&known),
                excerpt(trust)
            ),
        )))
    }

    /// The trust of a school the row names.
    fn school(&mut self, urn: &str) -> Result<String, LookupError> {
        match self.known.school_trust(urn)? {
            Some(trust) => Ok(trust),
            None => Err(self.dangling(Table::Schools, "school_urn", urn, &excerpt(urn))),
        }
    }

    /// Finds the row a reference names when the trust is not known yet.
    fn trust_through(
        &mut self,
        table: Table,
        column: &'static str,
        id: &str,
    ) -> Result<Entry, LookupError> {
        match self.known.find_any_trust(table, id)? {
            Found::Yes(entry) => Ok(entry),
            Found::No => Err(self.dangling(table, column, id, &excerpt(id))),
            Found::Ambiguous(trusts) => Err(LookupError::Problem((
                column,
                format!(
                    "dangling reference: {column} {} is stored under several trusts ({}); include it in this bundle",
                    excerpt(id),
                    trusts.join(", ")
                ),
            ))),
        }
    }

    /// Checks that a reference exists within the row's trust.
    fn in_trust(
        &mut self,
        table: Table,
        column: &'static str,
        trust: &str,
        id: &str,
    ) -> Result<(), LookupError> {
        if self.known.holds_in_trust(table, trust, id)? {
            Ok(())
        } else {
            Err(self.dangling(table, column, id, &excerpt(id)))
        }
    }

    /// Checks that a case exists within the row's trust. Messages name the case ref,
    /// never the raw case id.
    fn case_in_trust(&mut self, trust: &str, case_id: &str) -> Result<(), LookupError> {
        let case_ref = self.pseudonyms.case_ref(trust, case_id);
        match self.known.holds_in_trust(Table::Cases, trust, &case_ref)? {
            true => Ok(()),
            false => Err(self.dangling(
                Table::Cases,
                "case_id",
                &case_ref,
                &format!("(case ref {case_ref})"),
            )),
        }
    }

    /// The problem of a reference to `id` that was not found; `shown` is how the message
    /// names it (quoted, or by case ref for a child's case).
    fn dangling(&self, table: Table, column: &'static str, id: &str, shown: &str) -> LookupError {
        let reason = match self.quarantined_ids.get(&(table, id.to_string())) {
            Some(place) => {
                format!("dangling reference: {column} {shown} was quarantined ({place})")
            }
            None => format!(
                "dangling reference: {column} {shown} is not in {}",
                table.name()
            ),
        };
        LookupError::Problem((column, reason))
    }

    /// The row's cells with case ids replaced by case refs.
    fn pseudonymised(&mut self, table: Table, trust: &str, row: &Row) -> Vec<Cell> {
        table
            .columns()
            .iter()
            .zip(&row.cells)
            .map(|(column, cell)| match (column.kind, cell) {
                (Kind::CaseId, Cell::Text(case_id)) => {
                    Cell::Text(self.pseudonyms.case_ref(trust, case_id))
                }
                _ => cell.clone(),
            })
            .collect()
    }
}

/// Why a lookup failed: the row's fault, or the store's.
enum LookupError {
    Problem(Problem),
    Store(anyhow::Error),
}

impl From<anyhow::Error> for LookupError {
    fn from(error: anyhow::Error) -> Self {
        LookupError::Store(error)
    }
}

impl From<Problem> for LookupError {
    fn from(problem: Problem) -> Self {
        LookupError::Problem(problem)
    }
}

/// `later` (when present) must not be before `earlier`.
fn not_before(
    cells: &[Cell],
    later: usize,
    earlier: usize,
    later_name: &'static str,
    earlier_name: &str,
) -> Result<(), Problem> {
    match (cells[later].date(), cells[earlier].date()) {
        (Some(l), Some(e)) if l < e => Err((
            later_name,
            format!("out of range: {later_name} {l} is before {earlier_name} {e}"),
        )),
        _ => Ok(()),
    }
}

/// The row's own id, for tables whose rows others refer to.
fn own_id(table: Table, row: &Row) -> Option<String> {
    let at = match table {
        Table::Schools => schools::SCHOOL_URN,
        Table::Staff => staff::STAFF_ID,
        Table::Sessions => sessions::SESSION_ID,
        Table::Cases => cases::CASE_ID,
        _ => return None,
    };
    Some(row.cells[at].text().to_string())
}
