//! Disclosure control over the whole published set (spec 02, "Disclosure control for
//! governors and inspectors"): every published figure that counts children becomes a
//! cell of one [`PublishedSet`], tied by the relations its column declares
//! ([`declared`](crate::report::table::declared), written beside each column in
//! [`marts`](super::marts)); the disclosure engine protects the set (primary and
//! complementary suppression, then an exact audit), and the decisions are written back
//! into the typed rows, so every file, chart and pack shows each figure or `c` the same
//! way.
//!
//! Nothing here names a table or a column: a new column that counts children brings its
//! relations with it. How each declared relation becomes the engine's:
//! - relation 1, [`TotalOfSchools`](Relation::TotalOfSchools): a trust's `TOTAL` cell is
//!   the engine's [`disclosure::Relation::Sum`] of its schools' cells of the column;
//! - relation 2, [`SameAs`](Relation::SameAs): one cell, printed in both places (and
//!   wherever a chart or pack prints it, since those read these rows);
//! - relation 3, [`PartsOf`](Relation::PartsOf): the rows of one school are
//!   [`disclosure::Relation::PartsAtMost`] the other table's cell, `exact` when their sum
//!   is the whole; added only where it holds (a DSL may own cases at another school: a
//!   reader applying it there would reason from a falsehood, not learn a child's count);
//! - relation 4 and the primary rule, [`Declared::WorkedOutFrom`]: not a cell; `c`
//!   whenever a count it is worked out from is (the governors' files publish no category
//!   count, so a weighted caseload is never shown beside a hidden count);
//! - relation 5, [`AtMost`](Relation::AtMost): [`disclosure::Relation::AtMost`];
//! - relation 6, [`AtMostSumOf`](Relation::AtMostSumOf):
//!   [`disclosure::Relation::AtMostSumOf`];
//! - relation 7, [`Declared::ChangeOf`]: not a cell; the direction beside an earlier
//!   report's figure is `c` whenever the figure now or then is, so it tells nothing the
//!   two printed figures do not (the earlier report's cells are constants a reader knows).
//!
//! A figure declared `shown_when` a true column of its row (a DSL over their caseload
//! threshold) is never chosen as a complement.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{Figure, Published, PublishedRows, TOTAL};
use crate::report::disclosure::{self, CellId, CellSpec, CostClass, PublishedSet};
use crate::report::table::declared::{Children, Declared, Relation};

/// The published set could not be protected: nothing is written.
#[derive(Debug, thiserror::Error)]
pub enum DisclosureError {
    /// The marts disagree with each other, hold no number where a count belongs, or a
    /// declaration names a table or column that is not a published count.
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
    /// Relations between them a reader can use (spec 02, relations 1, 3, 5 and 6).
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

/// A place a cell is printed: a table (by its index in [`Published::tables`]), a row, a
/// column.
type Place = (usize, usize, &'static str);

/// Protects `published` with `suppress_below`: builds the cells and relations its
/// declarations give, runs the engine, writes `c` into every place of every suppressed
/// cell and every figure worked out from one.
pub fn protect(
    published: &mut Published,
    suppress_below: u32,
) -> Result<DisclosureRecord, DisclosureError> {
    let (set, places) = {
        let built = Builder::build(published.tables())?;
        (built.set, built.places)
    };
    let protection = disclosure::protect(&set, suppress_below)?;
    let mut tables = published.tables_mut();
    for (cell, places) in places.iter().enumerate() {
        if protection.suppressed[cell] {
            for &(table, row, column) in places {
                tables[table].suppress(row, column);
            }
        }
    }
    // Relations 4 and 7, and the primary rule: a figure worked out from a `c` is `c`.
    for table in &mut tables {
        suppress_worked_out(&mut **table);
    }
    Ok(DisclosureRecord {
        suppress_below,
        case_count_cells: places.len(),
        relations: set.relations().len(),
        cells_suppressed: protection.suppressed.iter().filter(|s| **s).count(),
        primary: protection.primary,
        complements: protection.complements,
        pinned: protection.audit.pinned.len(),
    })
}

/// Writes `c` into each figure of `table` worked out from a figure printed `c` in its row.
fn suppress_worked_out(table: &mut dyn PublishedRows) {
    let columns = table.columns();
    let at = |column: &str| columns.iter().position(|c| *c == column);
    for row in 0..table.len() {
        let cells = table.record(row);
        for &(figure, declared) in table.declared() {
            let hidden = declared
                .sources()
                .iter()
                .filter_map(|source| at(source))
                .any(|i| cells[i] == super::SUPPRESSED);
            if hidden {
                table.suppress(row, figure);
            }
        }
    }
}

/// The published set being built from the tables' declarations.
struct Builder<'a> {
    tables: Vec<&'a dyn PublishedRows>,
    /// Each table's rows by trust and school.
    rows_of: Vec<BTreeMap<(&'a str, &'a str), Vec<usize>>>,
    set: PublishedSet,
    /// Every place each cell is printed, by cell.
    places: Vec<Vec<Place>>,
    cells: BTreeMap<Place, CellId>,
    /// Each trust's and school's unit, for the engine's preference for complements in a
    /// school that already has a suppressed cell.
    units: BTreeMap<(&'a str, &'a str), usize>,
    /// The engine's relations already added (a relation printed twice is one).
    related: BTreeSet<(u8, usize, Vec<usize>)>,
}

impl<'a> Builder<'a> {
    fn build(tables: Vec<&'a dyn PublishedRows>) -> Result<Builder<'a>, DisclosureError> {
        check_declarations(&tables)?;
        let rows_of = tables
            .iter()
            .map(|table| {
                let mut rows: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
                for row in 0..table.len() {
                    rows.entry(table.school(row)).or_default().push(row);
                }
                rows
            })
            .collect();
        let mut builder = Builder {
            tables,
            rows_of,
            set: PublishedSet::default(),
            places: Vec::new(),
            cells: BTreeMap::new(),
            units: BTreeMap::new(),
            related: BTreeSet::new(),
        };
        let order = builder.order()?;
        for &t in &order {
            builder.add_cells(t)?;
        }
        for &t in &order {
            builder.add_relations(t)?;
        }
        Ok(builder)
    }

    /// The tables in an order where each comes after every table its declarations name
    /// (relations 2 and 3 link to cells that must exist already), else as written.
    fn order(&self) -> Result<Vec<usize>, DisclosureError> {
        let names = |t: usize| -> Vec<usize> {
            children_of(self.tables[t])
                .flat_map(|(_, children)| children.relations.iter())
                .filter_map(|relation| match relation {
                    Relation::SameAs { table, .. } | Relation::PartsOf { table, .. } => {
                        Some(self.table_index(table))
                    }
                    _ => None,
                })
                .filter(|&u| u != t)
                .collect()
        };
        let mut order: Vec<usize> = Vec::with_capacity(self.tables.len());
        while order.len() < self.tables.len() {
            let next = (0..self.tables.len())
                .find(|t| !order.contains(t) && names(*t).iter().all(|u| order.contains(u)))
                .ok_or_else(|| {
                    DisclosureError::Input(
                        "the tables' declarations name each other in a circle".to_string(),
                    )
                })?;
            order.push(next);
        }
        Ok(order)
    }

    fn table_index(&self, name: &str) -> usize {
        // `check_declarations` has made sure every named table is one of ours.
        self.tables
            .iter()
            .position(|t| t.name() == name)
            .unwrap_or_default()
    }

    fn label(&self, (t, row, column): Place) -> String {
        let table = self.tables[t];
        let (trust, school) = table.school(row);
        let shared = self.rows_of[t][&(trust, school)].len() > 1;
        let at = if shared {
            format!(" (row {})", row + 1)
        } else {
            String::new()
        };
        format!("{}.csv {trust} {school}{at} {column}", table.name())
    }

    fn value(&self, (t, row, column): Place) -> Result<u64, DisclosureError> {
        match self.tables[t].count(row, column) {
            Some(Figure::Value(value)) => Ok(value),
            _ => Err(DisclosureError::Input(format!(
                "{}: a case count must be a number before disclosure control",
                self.label((t, row, column))
            ))),
        }
    }

    /// The single row of table `t` for a trust and school, if it has one.
    fn row_of(&self, t: usize, school: (&str, &str)) -> Option<usize> {
        match self.rows_of[t].get(&school).map(Vec::as_slice) {
            Some([row]) => Some(*row),
            _ => None,
        }
    }

    /// Adds table `t`'s cells, row by row: a new cell for each count, or the cell of the
    /// same figure in the table it names (relation 2).
    fn add_cells(&mut self, t: usize) -> Result<(), DisclosureError> {
        let table = self.tables[t];
        for row in 0..table.len() {
            let school = table.school(row);
            for (column, children) in children_of(table) {
                let place = (t, row, column);
                let value = self.value(place)?;
                let same_as = children.relations.iter().find_map(|r| match r {
                    Relation::SameAs { table, column } => Some((*table, *column)),
                    _ => None,
                });
                // A trust's TOTAL row is the same figure where the other table has one.
                let same = same_as.map(|(other, other_column)| {
                    let u = self.table_index(other);
                    let cell = self
                        .row_of(u, school)
                        .and_then(|r| self.cells.get(&(u, r, other_column)).copied());
                    (other, cell)
                });
                if let Some((other, cell)) = same
                    && (cell.is_some() || school.1 != TOTAL)
                {
                    let cell = cell.ok_or_else(|| {
                        DisclosureError::Input(format!(
                            "{}: no {other}.csv row for the school",
                            self.label(place)
                        ))
                    })?;
                    if self.set.cell(cell).value != value {
                        return Err(DisclosureError::Input(format!(
                            "{}: a case count differs from {other}.csv",
                            self.label(place)
                        )));
                    }
                    self.places[cell.0].push(place);
                    self.cells.insert(place, cell);
                    continue;
                }
                let next_unit = self.units.len();
                let unit = *self.units.entry(school).or_insert(next_unit);
                let cost_class = if school.1 == TOTAL {
                    CostClass::TrustTotal
                } else {
                    children.cost
                };
                let may_complement = children
                    .shown_when
                    .is_none_or(|shown| table.truth(row, shown) != Some(true));
                let cell = self.set.add_cell(CellSpec {
                    value,
                    label: self.label(place),
                    cost_class,
                    may_complement,
                    unit: Some(unit),
                })?;
                self.places.push(vec![place]);
                self.cells.insert(place, cell);
            }
        }
        Ok(())
    }

    /// Adds the engine's relation unless an equal one is there already.
    fn relate(
        &mut self,
        kind: u8,
        whole: CellId,
        parts: &[CellId],
        relation: disclosure::Relation,
    ) -> Result<(), DisclosureError> {
        let mut key: Vec<usize> = parts.iter().map(|p| p.0).collect();
        key.sort_unstable();
        if self.related.insert((kind, whole.0, key)) {
            self.set.relate(relation)?;
        }
        Ok(())
    }

    fn cell(&self, place: Place) -> CellId {
        // Every count of every table has its cell before any relation is added.
        self.cells[&place]
    }

    /// Adds the relations table `t`'s columns declare.
    fn add_relations(&mut self, t: usize) -> Result<(), DisclosureError> {
        let table = self.tables[t];
        for (column, children) in children_of(table) {
            for relation in children.relations {
                match *relation {
                    Relation::SameAs { .. } => {}
                    Relation::AtMost(whole) => {
                        for row in 0..table.len() {
                            let part = self.cell((t, row, column));
                            let whole = self.cell((t, row, whole));
                            let relation = disclosure::Relation::AtMost { part, whole };
                            self.relate(5, whole, &[part], relation)?;
                        }
                    }
                    Relation::AtMostSumOf(columns) => {
                        for row in 0..table.len() {
                            let whole = self.cell((t, row, column));
                            let parts: Vec<CellId> =
                                columns.iter().map(|c| self.cell((t, row, c))).collect();
                            let relation = disclosure::Relation::AtMostSumOf {
                                whole,
                                parts: parts.clone(),
                            };
                            self.relate(6, whole, &parts, relation)?;
                        }
                    }
                    Relation::TotalOfSchools => self.add_totals(t, column)?,
                    Relation::PartsOf {
                        table: other,
                        column: other_column,
                    } => self.add_parts(t, column, self.table_index(other), other_column)?,
                }
            }
        }
        Ok(())
    }

    /// Relation 1: each trust's `TOTAL` of `column` is the sum of its schools'.
    fn add_totals(&mut self, t: usize, column: &'static str) -> Result<(), DisclosureError> {
        let table = self.tables[t];
        for row in 0..table.len() {
            let (trust, school) = table.school(row);
            if school != TOTAL {
                continue;
            }
            let whole = self.cell((t, row, column));
            // The trust's school rows, in row order, found by trust rather than by
            // reading every row of the table for every trust (a national table has
            // 12,000 rows and 2,500 trusts).
            let mut rows: Vec<usize> = self.rows_of[t]
                .range((trust, "")..)
                .take_while(|((of, _), _)| *of == trust)
                .filter(|((_, school), _)| *school != TOTAL)
                .flat_map(|(_, rows)| rows.iter().copied())
                .collect();
            rows.sort_unstable();
            let parts: Vec<CellId> = rows
                .into_iter()
                .map(|r| self.cell((t, r, column)))
                .collect();
            if !parts.is_empty() {
                let relation = disclosure::Relation::Sum {
                    whole,
                    parts: parts.clone(),
                };
                self.relate(1, whole, &parts, relation)?;
            }
        }
        Ok(())
    }

    /// Relation 3: the rows of each school in table `t` sum to at most (or exactly)
    /// `other_column` of table `u`'s row for the school, where that holds.
    fn add_parts(
        &mut self,
        t: usize,
        column: &'static str,
        u: usize,
        other_column: &'static str,
    ) -> Result<(), DisclosureError> {
        let groups: Vec<((&str, &str), Vec<usize>)> = self.rows_of[t]
            .iter()
            .map(|(school, rows)| (*school, rows.clone()))
            .collect();
        for (school, rows) in groups {
            let Some(other_row) = self.row_of(u, school) else {
                continue;
            };
            let whole = self.cell((u, other_row, other_column));
            let parts: Vec<CellId> = rows.iter().map(|&r| self.cell((t, r, column))).collect();
            let owned: u64 = parts.iter().map(|p| self.set.cell(*p).value).sum();
            let of_school = self.set.cell(whole).value;
            if owned <= of_school {
                let relation = disclosure::Relation::PartsAtMost {
                    whole,
                    parts: parts.clone(),
                    exact: owned == of_school,
                };
                self.relate(3, whole, &parts, relation)?;
            }
        }
        Ok(())
    }
}

/// The columns of `table` declared as counts of children, in order.
fn children_of(table: &dyn PublishedRows) -> impl Iterator<Item = (&'static str, Children)> {
    table
        .declared()
        .iter()
        .filter_map(|&(column, declared)| match declared {
            Declared::Children(children) => Some((column, children)),
            Declared::WorkedOutFrom(_) | Declared::ChangeOf { .. } => None,
        })
}

/// Every table and column a declaration names is a published count of children.
fn check_declarations(tables: &[&dyn PublishedRows]) -> Result<(), DisclosureError> {
    let is_count = |table: &str, column: &str| {
        tables
            .iter()
            .filter(|t| t.name() == table)
            .any(|t| children_of(*t).any(|(c, _)| c == column))
    };
    for table in tables {
        let name = table.name();
        let fail = |column: &str, what: &str| {
            Err(DisclosureError::Input(format!(
                "{name}.csv {column}: its declaration names {what}, which is not a published count of children"
            )))
        };
        for &(column, declared) in table.declared() {
            if !table.columns().contains(&column) {
                return fail(column, column);
            }
            let named: Vec<(&str, &str)> = match declared {
                Declared::WorkedOutFrom(_) | Declared::ChangeOf { .. } => {
                    for source in declared.sources() {
                        if !table.columns().contains(&source) {
                            return fail(column, source);
                        }
                    }
                    continue;
                }
                Declared::Children(children) => children
                    .relations
                    .iter()
                    .flat_map(|relation| match relation {
                        Relation::TotalOfSchools => vec![(name, column)],
                        Relation::SameAs { table, column }
                        | Relation::PartsOf { table, column } => {
                            vec![(*table, *column)]
                        }
                        Relation::AtMost(other) => vec![(name, *other)],
                        Relation::AtMostSumOf(others) => {
                            others.iter().map(|o| (name, *o)).collect()
                        }
                    })
                    .collect(),
            };
            for (table, other) in named {
                if !is_count(table, other) {
                    return fail(column, &format!("{table}.{other}"));
                }
            }
        }
    }
    Ok(())
}
