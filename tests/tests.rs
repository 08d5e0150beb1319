//! oversight's integration tests: the real binary in a fresh folder per test, and the
//! library where a test needs to look inside the store. One crate, so polars is linked
//! once.

mod util;

/// Ingest: validation, quarantine, pseudonymisation, upserts (spec 01).
mod ingest;
/// The Parquet store as other engines read it, and crash safety (spec 03).
mod store;

/// Frequency met and gaps between sessions (spec 02 §1).
mod metrics_frequency;
/// The sample-data report: golden files and determinism.
mod sample_report;
/// Hand-made metric scenarios reported by the real binary.
mod scenario;
