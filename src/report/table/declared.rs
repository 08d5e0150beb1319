//! What a published column declares about its figure, beside its type and format: whether
//! it counts children, and the relations a reader can use with it (spec 02, "Disclosure
//! control": "Each published figure declares, where it is defined, the relations it
//! takes part in, and the audit reads them from there").
//!
//! The declarations are written next to each column in [`marts`](super::marts); the
//! disclosure control in [`protect`](super::protect) builds its cells and relations from
//! them alone, so a new column brings its relations with it, and a reviewer sees them in
//! one place.

use crate::report::disclosure::CostClass;

/// What a published column declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Declared {
    /// A count of children's cases: small counts are `c`, and no `c` may be recoverable
    /// through the relations.
    Children(Children),
    /// Worked out from counts of children of the same row (a weighted caseload from its
    /// open cases: spec 02, relation 4 and the primary rule): `c` whenever one of them is.
    WorkedOutFrom(&'static [&'static str]),
    /// Relation 7: the change of figure `now` of the same row since the earlier report's
    /// `before` (a direction in words): `c` whenever either is, so it never tells more
    /// than the two figures printed beside it.
    ChangeOf {
        now: &'static str,
        before: &'static str,
    },
}

impl Declared {
    /// The columns of the same row this figure is worked out from: `c` when one is.
    pub fn sources(&self) -> Vec<&'static str> {
        match *self {
            Declared::Children(_) => Vec::new(),
            Declared::WorkedOutFrom(sources) => sources.to_vec(),
            Declared::ChangeOf { now, before } => vec![now, before],
        }
    }
}

/// Relation 7 between `now` and `before`.
pub const fn change_of(now: &'static str, before: &'static str) -> Declared {
    Declared::ChangeOf { now, before }
}

/// A column counting children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Children {
    /// How informative the figure is, for choosing complements (a trust's `TOTAL` row is
    /// always [`CostClass::TrustTotal`]).
    pub cost: CostClass,
    /// The relations it takes part in, beyond being a count (never below 0).
    pub relations: &'static [Relation],
    /// A true/false column of the same row that, when true, keeps the figure shown: it is
    /// never chosen as a complement ("a DSL over the threshold always shows their
    /// caseload").
    pub shown_when: Option<&'static str>,
}

/// A relation a reader can use, declared on the figure it constrains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Relation 1: on a trust's `TOTAL` row, the sum of the same column over the trust's
    /// school rows of the same table.
    TotalOfSchools,
    /// Relation 2: the same figure as `column` of `table`'s row for the same trust and
    /// school (one cell, shown or `c` the same way wherever it is printed).
    SameAs {
        table: &'static str,
        column: &'static str,
    },
    /// Relation 3: summed over the rows of one trust and school, at most `column` of
    /// `table`'s row for that school, and equal to it when the sum is the whole (every
    /// open case owned by a DSL or deputy). Declared where it holds only.
    PartsOf {
        table: &'static str,
        column: &'static str,
    },
    /// Relation 5: at most another figure of the same row.
    AtMost(&'static str),
    /// Relation 6: at most the sum of other figures of the same row (every drifting case
    /// has at least one flag).
    AtMostSumOf(&'static [&'static str]),
}

/// A count of children with `cost` and `relations`.
pub const fn children(cost: CostClass, relations: &'static [Relation]) -> Declared {
    Declared::Children(Children {
        cost,
        relations,
        shown_when: None,
    })
}

/// A count of children that stays shown when the row's `column` is true.
pub const fn children_shown_when(
    cost: CostClass,
    relations: &'static [Relation],
    column: &'static str,
) -> Declared {
    Declared::Children(Children {
        cost,
        relations,
        shown_when: Some(column),
    })
}

/// Relation 2 with `column` of `table`.
pub const fn same_as(table: &'static str, column: &'static str) -> Relation {
    Relation::SameAs { table, column }
}

/// Relation 3 with `column` of `table`.
pub const fn parts_of(table: &'static str, column: &'static str) -> Relation {
    Relation::PartsOf { table, column }
}
