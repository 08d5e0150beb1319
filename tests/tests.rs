//! oversight's integration tests: the real binary in a fresh folder per test, and the
//! library where a test needs to look inside the store. One crate, so polars is linked
//! once.

mod util;

/// An independent attacker on the published set: HiGHS over the governors' CSV files
/// alone (spec 02, "Disclosure control", issue #21).
mod attack;
/// Large files read in chunks give what files read whole give (issue #13).
mod chunked;
/// queries/ run on DuckDB over the same store give the same tables (issue #13).
mod duckdb;
/// Exports over time: file names, keys, trust ids in another case; bounded reads of
/// workbooks and policy files (spec 01, issue #18).
mod exports;
/// No import cycle between modules, at any level of `src/` (issue #21).
mod imports;
/// Ingest: validation, quarantine, pseudonymisation, upserts (spec 01).
mod ingest;
/// The benchmark's DuckDB peer computes the report's tables (issue #20).
mod peer;
/// The Parquet store as other engines read it, and crash safety (spec 03).
mod store;
/// A store that stays true over years: damage, exports over time, versions (issue #18).
mod versions;

/// What the reliability campaigns share, and the corruption campaign (issue #18).
mod campaign;
mod corrupt;
/// Generated hostile input for every reader (issue #11, item 8).
mod fuzz;
/// Hostile exports, real-world identifiers, locks, keys and permissions (issue #11).
mod hardening;
mod hostile;
mod kill;

/// Exports in other layouts read through mapping files (spec 03, "Mapping files").
mod mapping;
/// Actions closed (spec 02 §3).
mod metrics_actions;
/// Drift and delay (spec 02 §4).
mod metrics_drift;
/// Frequency met and gaps between sessions (spec 02 §1).
mod metrics_frequency;
/// The five seed policies as presets, the same sessions judged by two schools (spec 04).
mod metrics_presets;
/// The seeds' rules in full: case holders, planned and long-enough sessions, no_owner,
/// DSL training, the open recording window, agreements (issue #12).
mod metrics_seed_rules;
/// Rescheduled in time (spec 02 §2), recording quality and functions (spec 02 §6).
mod metrics_sessions;
/// Workload per DSL (spec 02 §5).
mod metrics_workload;
/// Charts and the governors' and evidence packs, printed by a real browser (spec 03,
/// "Charts and packs").
mod packs;
/// Issue #19: figures changed or lost silently, and papercuts.
mod papercuts;
/// The sample-data report: golden files and determinism.
mod sample_report;
/// Batches (ingest windows, metrics passes) never change a figure; `report --trust`.
mod scale;
/// Hand-made metric scenarios reported by the real binary.
mod scenario;
// report --since: the earlier report beside this one (spec 03, issue #19).
mod since;
/// Small-number suppression in the governors' outputs (spec 02, "Suppression").
mod suppression;
/// The lead's to-do list (spec 03, issue #19).
mod todo;
