//! oversight: is safeguarding supervision really happening, and where are children's
//! cases drifting?
//!
//! The pipeline, one module per stage:
//! `ingest` (read, map, validate, pseudonymise) → `store` (Hive-partitioned Parquet) →
//! `metrics` (runs `queries/*.sql` over the store with the resolved policy) →
//! `report` (CSV, charts, packs).

pub mod batching;
pub mod cli;
pub mod cmd;
pub mod context;
pub mod contract;
pub mod generate;
pub mod ingest;
pub mod input_file;
pub mod metrics;
pub mod model;
pub mod policy;
pub mod private_fs;
pub mod report;
pub mod store;
