//! The published set as a reader sees it: cells (one per figure, however many
//! places print it) and the relations of spec 02 a reader can use between them.
//!
//! The caller builds this once per report; `protect` and `audit` only read it.
//! Every relation is turned into linear rows with integer coefficients, which
//! is all the audit needs: a reader's knowledge is "each cell is a non-negative
//! integer, shown cells are constants, and these rows hold".

use super::error::DisclosureError;

/// Values above this are refused so that sums of values never overflow `i64`.
pub const MAX_VALUE: u64 = 1 << 40;

/// Index of a cell in its [`PublishedSet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellId(pub usize);

/// How much information a cell carries, for choosing complements: a cell of a
/// cheaper class is hidden before a dearer one of the same value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CostClass {
    /// A drift-flag breakdown of a school's drifting cases.
    FlagBreakdown,
    /// A DSL's or deputy's open cases: a staff breakdown of a school's cases.
    StaffCaseload,
    /// A school's drifting cases.
    Drifting,
    /// A school's open cases.
    OpenCases,
    /// A trust `TOTAL` (or a trust figure in a pack).
    TrustTotal,
}

impl CostClass {
    /// Weight multiplying a cell's value in the complement cost (see `complement.rs`).
    pub fn weight(self) -> u64 {
        match self {
            CostClass::FlagBreakdown => 1,
            CostClass::StaffCaseload => 2,
            CostClass::Drifting => 2,
            CostClass::OpenCases => 3,
            CostClass::TrustTotal => 6,
        }
    }
}

/// One published figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellSpec {
    /// The count of children (cases) the cell shows.
    pub value: u64,
    /// Where a reader sees it, for errors and the manifest, e.g.
    /// `"summary.csv TR001 TOTAL drifting_cases"`.
    pub label: String,
    /// How informative the cell is, for choosing complements.
    pub cost_class: CostClass,
    /// `false`: the cell must stay shown (e.g. a DSL over the caseload threshold).
    pub may_complement: bool,
    /// The school (or other unit) the cell describes, if any: complements
    /// prefer a unit that already has a suppressed cell.
    pub unit: Option<usize>,
}

/// A relation a reader can use (spec 02, "Disclosure control", relations 1, 3, 5, 6;
/// relation 2 is the caller's job: one figure printed twice is one cell; so is
/// relation 7, whose change is shown only beside figures shown both times).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Relation {
    /// Relation 1: `whole` is the sum of `parts` (a trust TOTAL is the sum of its schools).
    Sum { whole: CellId, parts: Vec<CellId> },
    /// Relation 3: the sum of `parts` is at most `whole`, or equal to it when
    /// `exact` (a school's open cases and its DSLs' and deputies' open cases).
    PartsAtMost {
        whole: CellId,
        parts: Vec<CellId>,
        exact: bool,
    },
    /// Relation 5: `part` is at most `whole` (a flag count <= drifting <= open cases).
    AtMost { part: CellId, whole: CellId },
    /// Relation 6: `whole` is at most the sum of `parts` (every drifting case has at
    /// least one flag, so drifting is at most the sum of the flags' counts).
    AtMostSumOf { whole: CellId, parts: Vec<CellId> },
}

/// A linear row `Σ coef·x (== or <=) rhs` over cell indices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Row {
    pub terms: Vec<(usize, i64)>,
    pub rhs: i64,
    pub equality: bool,
}

impl Row {
    /// Builds `Σ parts − whole (== or <=) 0`, merging repeated cells.
    fn parts_minus_whole(whole: CellId, parts: &[CellId], equality: bool) -> Row {
        let mut terms: Vec<(usize, i64)> = Vec::with_capacity(parts.len() + 1);
        let mut add = |cell: usize, coef: i64| match terms.iter_mut().find(|(c, _)| *c == cell) {
            Some(term) => term.1 += coef,
            None => terms.push((cell, coef)),
        };
        for part in parts {
            add(part.0, 1);
        }
        add(whole.0, -1);
        terms.retain(|&(_, coef)| coef != 0);
        Row {
            terms,
            rhs: 0,
            equality,
        }
    }

    /// Whether the row holds for `values` (indexed by cell).
    pub fn holds(&self, value_of: impl Fn(usize) -> i64) -> bool {
        let lhs: i128 = self
            .terms
            .iter()
            .map(|&(cell, coef)| i128::from(coef) * i128::from(value_of(cell)))
            .sum();
        if self.equality {
            lhs == i128::from(self.rhs)
        } else {
            lhs <= i128::from(self.rhs)
        }
    }
}

/// Every figure of a report's governors' files, charts and packs, with the
/// relations between them: what one reader holds at once.
#[derive(Clone, Debug, Default)]
pub struct PublishedSet {
    cells: Vec<CellSpec>,
    relations: Vec<Relation>,
    rows: Vec<Row>,
    /// For each cell, the rows it appears in.
    cell_rows: Vec<Vec<usize>>,
}

impl PublishedSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a cell; a value above [`MAX_VALUE`] is refused.
    pub fn add_cell(&mut self, spec: CellSpec) -> Result<CellId, DisclosureError> {
        if spec.value > MAX_VALUE {
            return Err(DisclosureError::ValueTooLarge {
                label: spec.label,
                value: spec.value,
                max: MAX_VALUE,
            });
        }
        self.cells.push(spec);
        self.cell_rows.push(Vec::new());
        Ok(CellId(self.cells.len() - 1))
    }

    /// Declares a relation; it must name known cells and hold for their values.
    pub fn relate(&mut self, relation: Relation) -> Result<(), DisclosureError> {
        let index = self.relations.len();
        // `reversed`: the parts' sum is at least the whole, not at most.
        let (whole, parts, equality, reversed) = match &relation {
            Relation::Sum { whole, parts } => (*whole, parts.clone(), true, false),
            Relation::PartsAtMost {
                whole,
                parts,
                exact,
            } => (*whole, parts.clone(), *exact, false),
            Relation::AtMost { part, whole } => (*whole, vec![*part], false, false),
            Relation::AtMostSumOf { whole, parts } => (*whole, parts.clone(), false, true),
        };
        if parts.is_empty() {
            return Err(DisclosureError::EmptyRelation { relation: index });
        }
        for cell in parts.iter().chain(std::iter::once(&whole)) {
            if cell.0 >= self.cells.len() {
                return Err(DisclosureError::UnknownCell {
                    relation: index,
                    cell: cell.0,
                    cells: self.cells.len(),
                });
            }
        }
        let mut row = Row::parts_minus_whole(whole, &parts, equality);
        if reversed {
            for term in &mut row.terms {
                term.1 = -term.1;
            }
        }
        if !row.holds(|cell| self.cells[cell].value as i64) {
            let sum: u64 = parts.iter().map(|p| self.cells[p.0].value).sum();
            let sign = match (equality, reversed) {
                (true, _) => "=",
                (false, false) => "<=",
                (false, true) => ">=",
            };
            return Err(DisclosureError::Inconsistent {
                relation: index,
                detail: format!(
                    "parts sum to {sum}, which is not {sign} {} ({:?})",
                    self.cells[whole.0].value, self.cells[whole.0].label
                ),
            });
        }
        let row_index = self.rows.len();
        for &(cell, _) in &row.terms {
            self.cell_rows[cell].push(row_index);
        }
        self.rows.push(row);
        self.relations.push(relation);
        Ok(())
    }

    pub fn cells(&self) -> &[CellSpec] {
        &self.cells
    }

    pub fn cell(&self, id: CellId) -> &CellSpec {
        &self.cells[id.0]
    }

    pub fn relations(&self) -> &[Relation] {
        &self.relations
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    pub(crate) fn rows(&self) -> &[Row] {
        &self.rows
    }

    pub(crate) fn rows_of(&self, cell: usize) -> &[usize] {
        &self.cell_rows[cell]
    }
}
