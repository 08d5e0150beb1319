//! Errors of the disclosure engine: a caller's published set that cannot be
//! protected or audited is an error, never a panic and never a silent write.

/// Why a published set could not be protected or audited.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisclosureError {
    /// Spec 02: `suppress_below` must be at least 2.
    #[error("suppress_below must be at least 2, got {0}")]
    ThresholdTooLow(u32),
    /// A relation names a cell the published set does not hold.
    #[error("relation {relation} refers to cell {cell}, but the published set has {cells} cells")]
    UnknownCell {
        relation: usize,
        cell: usize,
        cells: usize,
    },
    /// A sum or a parts relation without parts says nothing and is a caller bug.
    #[error("relation {relation} has no parts")]
    EmptyRelation { relation: usize },
    /// The published values break a relation the caller declared.
    #[error("relation {relation} does not hold for the published values: {detail}")]
    Inconsistent { relation: usize, detail: String },
    /// Values are kept far below `i64::MAX` so that sums never overflow.
    #[error("cell {label:?} has value {value}, above the supported maximum {max}")]
    ValueTooLarge { label: String, value: u64, max: u64 },
    /// The suppression mask handed to `audit` does not match the published set.
    #[error("suppression mask has {got} entries, but the published set has {cells} cells")]
    MaskLength { got: usize, cells: usize },
    /// Every cell that could hide a pinned cell must stay shown.
    #[error("cannot protect {label:?}: no cell that may be suppressed as a complement is left")]
    CannotProtect { label: String },
    /// The guard after `protect`: the audit still finds a pinned cell.
    #[error("{count} suppressed cell(s) can still be narrowed to one value, first {label:?}")]
    StillPinned { count: usize, label: String },
    /// The exact integer solver stopped at its node limit.
    #[error(
        "the exact solver gave up on a group of {cells} linked suppressed cells after {nodes} branch-and-bound nodes"
    )]
    SolverLimit { cells: usize, nodes: usize },
    /// Rational arithmetic in the exact solver overflowed `i128`.
    #[error(
        "the exact solver's arithmetic overflowed on a group of {cells} linked suppressed cells"
    )]
    Overflow { cells: usize },
    /// A state the audit's own reasoning rules out; reported, never a panic.
    #[error("internal error in the disclosure audit: {0}")]
    Internal(String),
}
