//! Disclosure control over the whole published set (spec 02, "Disclosure control for
//! governors and inspectors"): the governors' case counts become cells of one
//! [`PublishedSet`](crate::report::disclosure::PublishedSet), tied by the relations a
//! reader can use, protected by the disclosure engine (primary and complementary
//! suppression, then an exact audit), and the decisions are written back into the typed
//! rows, so every file, chart and pack shows each figure or `c` the same way.
//!
//! How the spec's relations become cells and relations here:
//! 1. "a trust TOTAL row ... is the sum of its schools' cells": `summary.csv`'s TOTAL
//!    `open_cases`, `drifting_cases` and `no_owner_cases` are [`Relation::Sum`]s of
//!    the schools' cells;
//! 2. "the same figure printed in two places ... is one cell": a school's `open_cases`
//!    and `drifting` in `drift_by_school.csv` are the same cells as its `open_cases` and
//!    `drifting_cases` in `summary.csv` (and wherever a chart or pack prints them, since
//!    those read these rows);
//! 3. "a school's open cases are at least the sum of its DSLs' and deputies' open cases
//!    ... and equal to it when every open case of the school is owned by a DSL or
//!    deputy": [`Relation::PartsAtMost`], `exact` when the sum equals the school's count.
//!    It is only added where it holds (a DSL may own cases at another school; a reader
//!    applying it there would reason from a falsehood, not learn a child's count);
//! 4. "a weighted caseload is Σ weight × category count": the governors' files publish
//!    no category count, so a weighted caseload is `c` exactly when its `open_cases` is
//!    (the primary rule for a figure worked out from a `c` count), and never shown
//!    beside a hidden count;
//! 5. "a drift flag's count is at most drifting, which is at most open_cases":
//!    [`Relation::AtMost`] for each flag and for drifting.
//!
//! A DSL or deputy over their caseload threshold is never chosen as a complement: the
//! spec wants their caseload shown.

use std::collections::BTreeMap;

use serde::Serialize;

use super::cell::Figure;
use super::{Published, TOTAL};
use crate::report::disclosure::{self, CellId, CellSpec, CostClass, PublishedSet, Relation};

/// The published set could not be protected: nothing is written.
#[derive(Debug, thiserror::Error)]
pub enum DisclosureError {
    /// The marts disagree with each other or hold no number where a count belongs.
    #[error("disclosure control: {0}")]
    Input(String),
    /// The engine refused the set, or its audit still found a pinned cell.
    #[error("disclosure control: {0}")]
    Engine(#[from] disclosure::DisclosureError),
}

/// What disclosure control did to a report, for `manifest.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DisclosureRecord {
    /// Case counts 1 to this minus one are suppressed.
    pub suppress_below: u32,
    /// Distinct published cells that count children's cases.
    pub case_count_cells: usize,
    /// Relations between them a reader can use (spec 02, relations 1, 3 and 5).
    pub relations: usize,
    /// Cells written `c`.
    pub cells_suppressed: usize,
    /// Of those, cells suppressed because their own count is small.
    pub primary: usize,
    /// Of those, cells suppressed to protect another (complements).
    pub complements: usize,
    /// Suppressed cells the audit could narrow to a single value from the relations:
    /// always 0 in a written report (a report that would pin one is an error).
    pub pinned: usize,
}

/// Where a cell is printed in the typed rows.
#[derive(Debug, Clone, Copy)]
enum Place {
    DriftOpen(usize),
    DriftDrifting(usize),
    DriftFlag(usize, usize),
    SummaryOpen(usize),
    SummaryDrifting(usize),
    SummaryNoOwner(usize),
    WorkloadOpen(usize),
}

/// A school's cells that other rows print again or sum.
struct SchoolCells {
    open: CellId,
    drifting: CellId,
    no_owner: CellId,
    /// Its `drift_by_school.csv` row, the school's unit for the engine.
    row: usize,
}

/// The published set being built: the cells, and every place each is printed.
struct Cells {
    set: PublishedSet,
    places: Vec<Vec<Place>>,
}

impl Cells {
    /// Adds a cell of `school` (an index, for the engine's preference for complements
    /// in a school that already has a suppressed cell).
    fn add(
        &mut self,
        figure: Figure<u64>,
        label: String,
        cost: CostClass,
        school: usize,
        may_complement: bool,
        place: Place,
    ) -> Result<CellId, DisclosureError> {
        let Figure::Value(value) = figure else {
            return Err(DisclosureError::Input(format!(
                "{label}: a case count must be a number before disclosure control"
            )));
        };
        let id = self.set.add_cell(CellSpec {
            value,
            label,
            cost_class: cost,
            may_complement,
            unit: Some(school),
        })?;
        self.places.push(vec![place]);
        Ok(id)
    }

    fn value(&self, cell: CellId) -> u64 {
        self.set.cell(cell).value
    }
}

/// Protects `published` with `suppress_below`: builds the cells and relations, runs the
/// engine, writes `c` into every place of every suppressed cell.
pub fn protect(
    published: &mut Published,
    suppress_below: u32,
) -> Result<DisclosureRecord, DisclosureError> {
    let mut cells = Cells {
        set: PublishedSet::default(),
        places: Vec::new(),
    };
    let mut schools: BTreeMap<(String, String), SchoolCells> = BTreeMap::new();
    for (at, row) in published.drift.iter().enumerate() {
        let name = |column: &str| {
            format!(
                "drift_by_school.csv {} {} {column}",
                row.trust_id, row.school_urn
            )
        };
        let mut add =
            |figure, column, cost, place| cells.add(figure, name(column), cost, at, true, place);
        let open = add(
            row.open_cases,
            "open_cases",
            CostClass::OpenCases,
            Place::DriftOpen(at),
        )?;
        let drifting = add(
            row.drifting,
            "drifting",
            CostClass::Drifting,
            Place::DriftDrifting(at),
        )?;
        let flags = [
            ("overdue_action", row.overdue_action),
            ("not_reviewed", row.not_reviewed),
            ("no_progress", row.no_progress),
            ("escalated_stale", row.escalated_stale),
            ("carried_over", row.carried_over),
            ("no_owner", row.no_owner),
        ];
        let mut flag_cells = Vec::with_capacity(flags.len());
        for (k, (column, figure)) in flags.into_iter().enumerate() {
            flag_cells.push(add(
                figure,
                column,
                CostClass::FlagBreakdown,
                Place::DriftFlag(at, k),
            )?);
        }
        cells.set.relate(Relation::AtMost {
            part: drifting,
            whole: open,
        })?;
        for &flag in &flag_cells {
            cells.set.relate(Relation::AtMost {
                part: flag,
                whole: drifting,
            })?;
        }
        schools.insert(
            (row.trust_id.clone(), row.school_urn.clone()),
            SchoolCells {
                open,
                drifting,
                no_owner: flag_cells[5],
                row: at,
            },
        );
    }

    // Relation 2: a school's summary row prints its drift row's cells again.
    let mut totals: BTreeMap<String, usize> = BTreeMap::new();
    for (at, row) in published.summary.iter().enumerate() {
        if row.school_urn == TOTAL {
            totals.insert(row.trust_id.clone(), at);
            continue;
        }
        let key = (row.trust_id.clone(), row.school_urn.clone());
        let Some(school) = schools.get(&key) else {
            return Err(DisclosureError::Input(format!(
                "summary.csv {} {}: no drift_by_school.csv row for the school",
                row.trust_id, row.school_urn
            )));
        };
        for (cell, figure, place) in [
            (school.open, row.open_cases, Place::SummaryOpen(at)),
            (
                school.drifting,
                row.drifting_cases,
                Place::SummaryDrifting(at),
            ),
            (
                school.no_owner,
                row.no_owner_cases,
                Place::SummaryNoOwner(at),
            ),
        ] {
            if Figure::Value(cells.value(cell)) != figure {
                return Err(DisclosureError::Input(format!(
                    "summary.csv {} {}: a case count differs from drift_by_school.csv",
                    row.trust_id, row.school_urn
                )));
            }
            cells.places[cell.0].push(place);
        }
    }

    // Relation 1: each trust's TOTAL is the sum of its schools.
    for (trust, at) in &totals {
        let row = &published.summary[*at];
        // A trust's totals are a unit of their own, after the schools'.
        let unit = published.drift.len() + *at;
        let mut add = |figure, column: &str, place| {
            cells.add(
                figure,
                format!("summary.csv {trust} TOTAL {column}"),
                CostClass::TrustTotal,
                unit,
                true,
                place,
            )
        };
        let open = add(row.open_cases, "open_cases", Place::SummaryOpen(*at))?;
        let drifting = add(
            row.drifting_cases,
            "drifting_cases",
            Place::SummaryDrifting(*at),
        )?;
        let no_owner = add(
            row.no_owner_cases,
            "no_owner_cases",
            Place::SummaryNoOwner(*at),
        )?;
        let of_trust = |pick: fn(&SchoolCells) -> CellId| -> Vec<CellId> {
            schools
                .iter()
                .filter(|((t, _), _)| t == trust)
                .map(|(_, school)| pick(school))
                .collect()
        };
        for (whole, parts) in [
            (open, of_trust(|s| s.open)),
            (drifting, of_trust(|s| s.drifting)),
            (no_owner, of_trust(|s| s.no_owner)),
        ] {
            if !parts.is_empty() {
                cells.set.relate(Relation::Sum { whole, parts })?;
            }
        }
        cells.set.relate(Relation::AtMost {
            part: drifting,
            whole: open,
        })?;
        cells.set.relate(Relation::AtMost {
            part: no_owner,
            whole: drifting,
        })?;
    }

    // Relation 3: a school's open cases and its DSLs' and deputies'.
    let mut dsls: BTreeMap<(String, String), Vec<CellId>> = BTreeMap::new();
    for (at, row) in published.workload.iter().enumerate() {
        let label = format!(
            "workload_dsl.csv {} {} {} (row {}) open_cases",
            row.trust_id,
            row.school_urn,
            row.role,
            at + 1
        );
        let key = (row.trust_id.clone(), row.school_urn.clone());
        // A DSL of a school with no drift row is a unit of their own.
        let unit = schools.get(&key).map_or(usize::MAX - at, |s| s.row);
        // "So a DSL over the threshold always shows their caseload."
        let may_complement = row.over_caseload != Some(true);
        let id = cells.add(
            row.open_cases,
            label,
            CostClass::StaffCaseload,
            unit,
            may_complement,
            Place::WorkloadOpen(at),
        )?;
        dsls.entry(key).or_default().push(id);
    }
    for (key, parts) in dsls {
        let Some(open) = schools.get(&key).map(|s| s.open) else {
            continue;
        };
        let owned: u64 = parts.iter().map(|&p| cells.value(p)).sum();
        let open_value = cells.value(open);
        if owned <= open_value {
            cells.set.relate(Relation::PartsAtMost {
                whole: open,
                parts,
                exact: owned == open_value,
            })?;
        }
    }

    let protection = disclosure::protect(&cells.set, suppress_below)?;
    for (cell, places) in cells.places.iter().enumerate() {
        if protection.suppressed[cell] {
            for place in places {
                suppress(published, *place);
            }
        }
    }
    Ok(DisclosureRecord {
        suppress_below,
        case_count_cells: cells.places.len(),
        relations: cells.set.relations().len(),
        cells_suppressed: protection.suppressed.iter().filter(|s| **s).count(),
        primary: protection.primary,
        complements: protection.complements,
        pinned: protection.audit.pinned.len(),
    })
}

/// Writes `c` at `place`, and into every figure worked out from it.
fn suppress(published: &mut Published, place: Place) {
    match place {
        Place::DriftOpen(at) => published.drift[at].open_cases = Figure::Suppressed,
        Place::DriftDrifting(at) => published.drift[at].drifting = Figure::Suppressed,
        Place::DriftFlag(at, k) => {
            let row = &mut published.drift[at];
            let flag = [
                &mut row.overdue_action,
                &mut row.not_reviewed,
                &mut row.no_progress,
                &mut row.escalated_stale,
                &mut row.carried_over,
                &mut row.no_owner,
            ];
            if let Some(cell) = flag.into_iter().nth(k) {
                *cell = Figure::Suppressed;
            }
        }
        Place::SummaryOpen(at) => published.summary[at].open_cases = Figure::Suppressed,
        Place::SummaryDrifting(at) => published.summary[at].drifting_cases = Figure::Suppressed,
        Place::SummaryNoOwner(at) => published.summary[at].no_owner_cases = Figure::Suppressed,
        Place::WorkloadOpen(at) => {
            let row = &mut published.workload[at];
            row.open_cases = Figure::Suppressed;
            // Relation 4 and the primary rule: worked out from the count, so `c` with it.
            row.weighted_caseload = Figure::Suppressed;
        }
    }
}
