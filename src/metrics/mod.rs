//! Metrics: runs the SQL files in `queries/` over the store, with the resolved policy and
//! the calendar joined in as tables (spec 02).
//!
//! The queries run in three layers, like a dbt project:
//! 1. `queries/staging/` shapes each store table as it stood on the as-of date (nothing
//!    after it is visible: spec 02, "Readings settled");
//! 2. one file per metric family (`queries/frequency.sql`, ...) computes the restricted
//!    outputs, one row per person, session, action or case;
//! 3. `queries/governors/` aggregates those to school level for governors.
//!
//! Each query's result is registered under its file stem for the queries after it, so
//! the SQL reads as a chain of named tables. The inputs every query can use are the
//! store tables (`schools`, `staff`, ... with `trust_id`), the policy tables
//! (`policy_schools`, `policy_rules`, ..., `calendar_days`: see `policy::tables`) and
//! `report_params` (one row: `as_of`, `report_year`, `year_starts_on`, `year_ends_on`).

mod params;

use std::collections::BTreeMap;
use std::time::Instant;

use polars::prelude::*;
use polars::sql::SQLContext;

pub use params::ReportParams;

use crate::contract::Table;
use crate::policy::Policy;
use crate::store::{Store, StoreError};

/// A query that failed, named by its file.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error("queries/{file}: {source}")]
    Query {
        file: &'static str,
        source: PolarsError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Params(String),
}

/// Which layer a query belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    Staging,
    /// A restricted output (`restricted/<name>.csv`).
    Restricted,
    /// A governors' output (`governors/<name>.csv`).
    Governors,
}

/// One SQL file, compiled into the binary so `oversight` runs from any folder.
#[derive(Debug, Clone, Copy)]
pub struct Query {
    /// The table it makes: its file stem.
    pub name: &'static str,
    /// Its path under `queries/`.
    pub file: &'static str,
    pub layer: Layer,
    pub sql: &'static str,
}

macro_rules! query {
    ($layer:ident, $name:literal, $file:literal) => {
        Query {
            name: $name,
            file: $file,
            layer: Layer::$layer,
            sql: include_str!(concat!("../../queries/", $file)),
        }
    };
}

/// Every query, in the order they run (a query reads only the ones before it).
pub const QUERIES: &[Query] = &[
    query!(Staging, "stg_staff", "staging/stg_staff.sql"),
    query!(Staging, "stg_sessions", "staging/stg_sessions.sql"),
    query!(Staging, "stg_attendance", "staging/stg_attendance.sql"),
    query!(Staging, "stg_cases", "staging/stg_cases.sql"),
    query!(Staging, "stg_discussions", "staging/stg_discussions.sql"),
    query!(Staging, "stg_actions", "staging/stg_actions.sql"),
    query!(Restricted, "frequency", "frequency.sql"),
    query!(Restricted, "intervals", "intervals.sql"),
    query!(Restricted, "reschedules", "reschedules.sql"),
    query!(Restricted, "actions", "actions.sql"),
    query!(Restricted, "drift_cases", "drift.sql"),
    query!(Restricted, "workload", "workload.sql"),
    query!(Restricted, "recording", "recording.sql"),
    query!(Restricted, "functions", "functions.sql"),
    query!(
        Governors,
        "frequency_by_school",
        "governors/frequency_by_school.sql"
    ),
    query!(
        Governors,
        "actions_by_school",
        "governors/actions_by_school.sql"
    ),
    query!(
        Governors,
        "drift_by_school",
        "governors/drift_by_school.sql"
    ),
    query!(Governors, "workload_dsl", "governors/workload_dsl.sql"),
    query!(
        Governors,
        "recording_by_school",
        "governors/recording_by_school.sql"
    ),
    query!(Governors, "summary", "governors/summary.sql"),
];

/// Every output table, by name.
pub struct Metrics {
    pub params: ReportParams,
    pub tables: BTreeMap<&'static str, DataFrame>,
    /// How long each query took, for `--verbose`.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl Metrics {
    /// The output `name`; every query in [`QUERIES`] has one.
    pub fn table(&self, name: &str) -> &DataFrame {
        &self.tables[name]
    }
}

/// Runs every query over `store` for `params`.
pub fn compute(
    store: &Store,
    policy: &Policy,
    params: &ReportParams,
) -> Result<Metrics, MetricsError> {
    let mut ctx = SQLContext::new();
    for table in Table::ALL {
        ctx.register(table.name(), store_table(store, table)?);
    }
    let school_urns = school_urns(store)?;
    policy.tables(&school_urns).register(&ctx);
    ctx.register("report_params", params.frame().lazy());

    let mut tables = BTreeMap::new();
    let mut timings = Vec::new();
    for query in QUERIES {
        let started = Instant::now();
        let fail = |source| MetricsError::Query {
            file: query.file,
            source,
        };
        let frame = ctx
            .execute(query.sql)
            .and_then(LazyFrame::collect)
            .map_err(fail)?;
        // Each result is kept whole and registered for the queries after it, so no
        // query's plan is recomputed by the ones that read it.
        ctx.register(query.name, frame.clone().lazy());
        timings.push((query.name, started.elapsed()));
        if query.layer != Layer::Staging {
            tables.insert(query.name, frame);
        }
    }
    Ok(Metrics {
        params: params.clone(),
        tables,
        timings,
    })
}

/// The metrics of up to `count` academic years before the report year, oldest first,
/// each as of the same date (so every one of their periods is complete): the years the
/// charts' trend reaches back over (spec 03, "Charts and packs": "the trust's trend
/// across half-terms and years").
pub fn earlier_years(
    store: &Store,
    policy: &Policy,
    params: &ReportParams,
    count: usize,
) -> Result<Vec<Metrics>, MetricsError> {
    let years = policy.calendar().years();
    let Some(at) = years
        .iter()
        .position(|y| y.to_string() == params.report_year)
    else {
        return Ok(Vec::new());
    };
    years[at.saturating_sub(count)..at]
        .iter()
        .map(|year| {
            let params = ReportParams::resolve(policy, params.as_of, Some(&year.to_string()))?;
            compute(store, policy, &params)
        })
        .collect()
}

/// A store table as a lazy scan with `trust_id`; an empty frame of the right schema when
/// no trust has the table yet.
fn store_table(store: &Store, table: Table) -> Result<LazyFrame, MetricsError> {
    if let Some(scan) = store.scan(table)? {
        return Ok(scan);
    }
    let mut schema = crate::store::frame::schema(table);
    schema
        .insert_at_index(0, "trust_id".into(), DataType::String)
        .expect("index 0 exists");
    Ok(DataFrame::empty_with_schema(&schema).lazy())
}

/// The URN of every stored school, so each gets a row of the policy tables.
fn school_urns(store: &Store) -> Result<Vec<String>, MetricsError> {
    let Some(scan) = store.scan(Table::Schools)? else {
        return Ok(Vec::new());
    };
    let fail = |source| MetricsError::Query {
        file: "(store: schools)",
        source,
    };
    let frame = scan
        .select([col("school_urn")])
        .unique_stable(None, UniqueKeepStrategy::First)
        .collect()
        .map_err(fail)?;
    let urns = frame
        .column("school_urn")
        .and_then(|c| c.str().cloned())
        .map_err(fail)?;
    let mut urns: Vec<String> = urns.iter().flatten().map(str::to_string).collect();
    urns.sort();
    Ok(urns)
}
