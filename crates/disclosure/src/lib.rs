//! Disclosure control for governors' and inspectors' outputs (spec 02,
//! "Disclosure control for governors and inspectors").
//!
//! Every published figure that counts children is one cell of a
//! [`PublishedSet`] (a figure printed in several places is one cell), linked
//! by the relations a reader can use ([`Relation`]). [`protect`] suppresses
//! small counts (primary) and the complements that stop the relations from
//! giving them back (secondary), then runs [`audit`]: the independent, exact
//! check that no suppressed cell can be narrowed to one value of
//! `1..suppress_below-1`. Pure `std`, no data frames: the report layer builds
//! the set from typed figures and writes `c` where [`Protection::suppressed`]
//! says so.
//!
//! ```text
//! let mut set = PublishedSet::new();
//! let a = set.add_cell(CellSpec { value: 2, label: "summary.csv 1 drifting".into(),
//!     cost_class: CostClass::Drifting, may_complement: true, unit: Some(0) })?;
//! // ... more cells ...
//! set.relate(Relation::Sum { whole: total, parts: vec![a, b, c] })?;
//! let protection = protect(&set, 3)?;
//! assert!(protection.audit.pinned.is_empty());
//! ```
//!
//! The files: `model.rs` (cells, relations), `system.rs` (one group of linked
//! suppressed cells as integer rows, propagation, witnesses), `exact.rs`
//! (exact rational simplex with branch and bound), `audit.rs` (the audit),
//! `complement.rs` (choosing complements), `tests.rs`.

mod audit;
mod complement;
mod error;
mod exact;
mod model;
mod system;

#[cfg(test)]
mod tests;

pub use audit::{Audit, CellBounds, audit};
pub use complement::{Protection, cost, protect};
pub use error::DisclosureError;
pub use model::{CellId, CellSpec, CostClass, MAX_VALUE, PublishedSet, Relation};
