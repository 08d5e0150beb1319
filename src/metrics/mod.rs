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

pub mod export;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use polars::prelude::*;
use polars::sql::SQLContext;

use crate::context::{ParamsError, ReportParams, ReportRun};
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
    #[error(transparent)]
    Params(#[from] ParamsError),
    #[error("queries/{file}: its result was asked for, but the query was not run")]
    NotRun { file: &'static str },
    #[error("could not start a thread to run a query: {0}")]
    Thread(std::io::Error),
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

/// A query's folder under `queries/`, by layer.
macro_rules! folder {
    (Staging) => {
        "staging/"
    };
    (Restricted) => {
        ""
    };
    (Governors) => {
        "governors/"
    };
}

/// A query, by the table it makes: its file is `queries/<layer folder>/<name>.sql`,
/// compiled into the binary.
macro_rules! query {
    ($layer:ident $name:literal) => {
        Query {
            name: $name,
            file: concat!(folder!($layer), $name, ".sql"),
            layer: Layer::$layer,
            sql: include_str!(concat!("../../queries/", folder!($layer), $name, ".sql")),
        }
    };
}

/// Declares each query of every report once, and [`QUERIES`] in their order.
macro_rules! queries {
    ($( $(#[$doc:meta])* $query:ident = $layer:ident $name:literal ),* $(,)?) => {
        $(
            $(#[$doc])*
            pub const $query: Query = query!($layer $name);
        )*

        /// Every query, in the order they run (a query reads only the ones before it).
        pub const QUERIES: &[Query] = &[$($query),*];
    };
}

queries! {
    STG_STAFF = Staging "stg_staff",
    STG_SESSIONS = Staging "stg_sessions",
    STG_ATTENDANCE = Staging "stg_attendance",
    STG_CASES = Staging "stg_cases",
    STG_DISCUSSIONS = Staging "stg_discussions",
    STG_ACTIONS = Staging "stg_actions",
    STG_IN_SCOPE = Staging "stg_in_scope",
    /// `restricted/frequency.csv` (spec 02 §1).
    FREQUENCY = Restricted "frequency",
    /// `restricted/intervals.csv` (spec 02 §1, maximum gaps).
    INTERVALS = Restricted "intervals",
    /// `restricted/reschedules.csv` (spec 02 §2).
    RESCHEDULES = Restricted "reschedules",
    /// `restricted/actions.csv` (spec 02 §3).
    ACTIONS = Restricted "actions",
    /// `restricted/drift_cases.csv` (spec 02 §4).
    DRIFT_CASES = Restricted "drift_cases",
    /// `restricted/workload.csv` (spec 02 §5).
    WORKLOAD = Restricted "workload",
    /// `restricted/recording.csv` (spec 02 §6).
    RECORDING = Restricted "recording",
    /// `restricted/functions.csv` (spec 02, balance of functions).
    FUNCTIONS = Restricted "functions",
    /// `restricted/todo.csv`: the lead's to-do list (spec 03).
    TODO = Restricted "todo",
    FREQUENCY_BY_SCHOOL = Governors "frequency_by_school",
    ACTIONS_BY_SCHOOL = Governors "actions_by_school",
    DRIFT_BY_SCHOOL = Governors "drift_by_school",
    WORKLOAD_DSL = Governors "workload_dsl",
    RECORDING_BY_SCHOOL = Governors "recording_by_school",
    RESCHEDULES_BY_SCHOOL = Governors "reschedules_by_school",
    SUMMARY = Governors "summary",
    TREND = Governors "trend",
}

/// `governors/since.csv`: the headline figures beside an earlier report's (`report
/// --since`, spec 03 "Direction of travel"). Not in [`QUERIES`]: it reads the earlier
/// report's files, so it runs only when one is given ([`since`]).
pub const SINCE: Query = query!(Governors "since");

/// `restricted/changes.csv`: what changed since an earlier report, for the lead (as
/// [`SINCE`]).
pub const CHANGES: Query = query!(Restricted "changes");

/// Runs [`SINCE`] and [`CHANGES`] over this report's tables and an earlier report's
/// files (`earlier`: `previous_summary`, `previous_drift_cases`, `previous_actions`,
/// `previous_frequency` as text, and `previous_report` with its `as_of`), adding their
/// results to `metrics`.
pub fn since(
    metrics: &mut Metrics,
    earlier: Vec<(&'static str, DataFrame)>,
) -> Result<(), MetricsError> {
    planner_stack();
    let mut ctx = SQLContext::new();
    for query in [SUMMARY, DRIFT_CASES, ACTIONS, FREQUENCY] {
        ctx.register(query.name, metrics.table(&query)?.clone().lazy());
    }
    for (name, frame) in earlier {
        ctx.register(name, frame.lazy());
    }
    for query in [SINCE, CHANGES] {
        let frame = ctx
            .execute(query.sql)
            .and_then(LazyFrame::collect)
            .map_err(|source| MetricsError::Query {
                file: query.file,
                source,
            })?;
        metrics.tables.insert(query.name, frame);
    }
    Ok(())
}

/// Every output table, by name.
pub struct Metrics {
    pub params: ReportParams,
    pub tables: BTreeMap<&'static str, DataFrame>,
    /// How long each query took, for `--verbose`.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl Metrics {
    /// The result of `query`; an error when the query was not run (the earlier years
    /// run only the queries the trend needs).
    pub fn table(&self, query: &Query) -> Result<&DataFrame, MetricsError> {
        self.tables
            .get(query.name)
            .ok_or(MetricsError::NotRun { file: query.file })
    }
}

/// Gives polars' query planner room to recurse on any thread, in any build.
///
/// The planner walks a query's tree by recursion and moves to a fresh stack (the
/// `recursive` crate) when less than a red zone is left at one of its checkpoints. The
/// default red zone, 128 KiB, assumes optimised frames: unoptimised (the test build),
/// the calls below one checkpoint need more than that, and a query's joins overflowed a
/// 2 MiB thread. A 1 MiB red zone and 8 MiB fresh stacks hold in every build; an
/// optimised planner rarely reaches the red zone at all.
fn planner_stack() {
    recursive::set_minimum_stack_size(1 << 20);
    recursive::set_stack_allocation_size(8 << 20);
}

/// Runs every query over the rows of the run's trusts, for its as-of date and year.
pub fn compute(run: &ReportRun) -> Result<Metrics, MetricsError> {
    let every: Vec<&'static Query> = QUERIES.iter().collect();
    let mut years = compute_years(
        &run.store,
        &run.policy,
        &run.trusts,
        &[(run.params.clone(), every)],
    )?;
    Ok(years.remove(0))
}

/// The metrics of the report year ([`compute`]) and, in the same pass over the store,
/// those of up to `count` academic years before it, oldest first, each as of the same
/// date (so every one of their periods is complete): the years the charts' trend reaches
/// back over (spec 03, "Charts and packs": "the trust's trend across half-terms and
/// years"). Only the queries behind `files` run for the earlier years.
pub fn compute_with_earlier(
    run: &ReportRun,
    count: usize,
    files: &[Query],
) -> Result<(Metrics, Vec<Metrics>), MetricsError> {
    let mut years = vec![(run.params.clone(), QUERIES.iter().collect())];
    for params in earlier_params(run, count)? {
        let wanted: Vec<&str> = files.iter().map(|q| q.name).collect();
        years.push((params, needed(&wanted)));
    }
    let mut metrics = compute_years(&run.store, &run.policy, &run.trusts, &years)?;
    let report = metrics.remove(0);
    Ok((report, metrics))
}

/// The parameters of up to `count` academic years of the calendar before the report
/// year, oldest first, as of the report's date.
fn earlier_params(run: &ReportRun, count: usize) -> Result<Vec<ReportParams>, MetricsError> {
    let years = run.policy.calendar().years();
    let Some(at) = years.iter().position(|y| *y == run.params.report_year) else {
        return Ok(Vec::new());
    };
    years[at.saturating_sub(count)..at]
        .iter()
        .map(|year| {
            Ok(ReportParams::resolve(
                &run.policy,
                run.params.as_of,
                Some(*year),
            )?)
        })
        .collect()
}

/// One year's work in a pass over the store: its parameters, and the queries it runs
/// (in order, each reading only the ones before it).
type Year = (ReportParams, Vec<&'static Query>);

/// Runs each of `years` slice by slice, reading each slice's rows once for them all.
///
/// No metric of one trust reads another trust's rows, so the store is read a slice of
/// trusts at a time ([`slices_of`]), each read listing only the slice's partitions:
/// memory is bounded by one slice's rows, however many trusts and years the store holds
/// (one slice at a time). Each
/// slice's store tables are read once and held, and every year's queries run over them,
/// so no Parquet file is opened twice. Each slice's results are appended in trust
/// order, and every output is sorted by trust first, so the outputs are the same as from
/// one pass over everything.
fn compute_years(
    store: &Store,
    policy: &Policy,
    trusts: &[String],
    years: &[Year],
) -> Result<Vec<Metrics>, MetricsError> {
    planner_stack();
    // With no trust at all, one pass over nothing still gives every table its columns.
    let slices: Vec<&[String]> = if trusts.is_empty() {
        vec![&[]]
    } else {
        slices_of(store, trusts)
    };
    // One slice at a time, each query on every core (polars' own threads). Slices run
    // side by side on rayon's pool were no faster and held more: a thread waiting for
    // polars took up another slice meanwhile, so every slice was in memory at once.
    let passes = slices
        .iter()
        .map(|slice| run_pass(store, policy, slice, years))
        .collect::<Result<Vec<_>, _>>()?;
    let mut parts: Vec<BTreeMap<&'static str, Vec<DataFrame>>> = vec![BTreeMap::new(); years.len()];
    let mut timings: Vec<Vec<(&'static str, Duration)>> = years
        .iter()
        .map(|(_, queries)| queries.iter().map(|q| (q.name, Duration::ZERO)).collect())
        .collect();
    let mut reading = Duration::ZERO;
    for (read, pass) in passes {
        reading += read;
        for (year, results) in pass.into_iter().enumerate() {
            for (at, (query, frame, took)) in results.into_iter().enumerate() {
                timings[year][at].1 += took;
                if query.layer != Layer::Staging {
                    parts[year].entry(query.name).or_default().push(frame);
                }
            }
        }
    }
    // The store's reading is the report year's (the first): the others share it.
    timings[0].insert(0, ("(reading the store)", reading));
    years
        .iter()
        .zip(parts)
        .zip(timings)
        .map(|(((params, _), parts), timings)| {
            let mut tables = BTreeMap::new();
            for (name, frames) in parts {
                let fail = |source| MetricsError::Query { file: name, source };
                let mut frames = frames.into_iter();
                let mut whole = frames.next().expect("every pass gives every table");
                for frame in frames {
                    whole.vstack_mut_owned(frame).map_err(fail)?;
                }
                // Left in one chunk per slice: copying a national table into one buffer
                // would double it in memory, and it is read a row at a time.
                tables.insert(name, whole);
            }
            Ok(Metrics {
                params: params.clone(),
                tables,
                timings,
            })
        })
        .collect()
}

/// `trusts` cut into slices in order, each as many trusts as hold about
/// [`bytes_per_pass`](crate::batching::bytes_per_pass) of stored Parquet, and at most
/// [`trusts_per_pass`](crate::batching::trusts_per_pass). The sizes are the committed
/// ones of the store's version: nothing is read to cut.
fn slices_of<'t>(store: &Store, trusts: &'t [String]) -> Vec<&'t [String]> {
    let mut size: BTreeMap<&str, u64> = BTreeMap::new();
    for ((_, trust), file) in &store.snapshot().files {
        *size.entry(trust.as_str()).or_default() += file.change.size;
    }
    let (most_trusts, most_bytes) = (
        crate::batching::trusts_per_pass(),
        crate::batching::bytes_per_pass(),
    );
    let mut slices = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (at, trust) in trusts.iter().enumerate() {
        let own = size.get(trust.as_str()).copied().unwrap_or(0);
        if at > start && (at - start >= most_trusts || bytes + own > most_bytes) {
            slices.push(&trusts[start..at]);
            (start, bytes) = (at, 0);
        }
        bytes += own;
    }
    slices.push(&trusts[start..]);
    slices
}

/// Each year's queries results in order.
type PassResults = Vec<Vec<(&'static Query, DataFrame, Duration)>>;

/// One pass over the partitions of `trusts`: their store tables read once, then each of
/// `years`' queries run over them. Returns the time spent reading, and each year's
/// results.
fn run_pass(
    store: &Store,
    policy: &Policy,
    trusts: &[String],
    years: &[Year],
) -> Result<(Duration, PassResults), MetricsError> {
    let started = Instant::now();
    let store_frames: Vec<(Table, DataFrame)> = Table::ALL
        .into_iter()
        .zip(store.read_tables(&Table::ALL, trusts)?)
        .map(|(table, frame)| (table, frame.unwrap_or_else(|| empty_store_table(table))))
        .collect();
    let schools = store_frames
        .iter()
        .find(|(table, _)| *table == Table::Schools)
        .map(|(_, frame)| frame.clone().lazy());
    let policy_tables = policy_inputs(policy, school_urns(schools)?);
    let reading = started.elapsed();

    let shared = same_every_year(&years.iter().map(|(params, _)| params).collect::<Vec<_>>());
    // The results of the first year that the later years take as they are.
    let mut first_year: BTreeMap<&'static str, DataFrame> = BTreeMap::new();
    let mut passes = Vec::with_capacity(years.len());
    for (year, (params, queries)) in years.iter().enumerate() {
        let mut inputs: Vec<(&str, LazyFrame)> = Vec::new();
        for (table, frame) in &store_frames {
            inputs.push((table.name(), frame.clone().lazy()));
        }
        for (name, frame) in &policy_tables {
            inputs.push((name, frame.clone().lazy()));
        }
        inputs.push(("report_params", params.frame().lazy()));
        let taken = |query: &Query| first_year.get(query.name).filter(|_| year > 0).cloned();
        let results = run_queries(&inputs, queries, taken)?;
        if year == 0 {
            for (query, frame, _) in &results {
                if shared.contains(query.name) {
                    first_year.insert(query.name, frame.clone());
                }
            }
        }
        // A staging table is not an output: it goes with this year's queries.
        let kept = results
            .into_iter()
            .map(|(query, frame, took)| {
                let frame = if query.layer == Layer::Staging {
                    DataFrame::empty()
                } else {
                    frame
                };
                (query, frame, took)
            })
            .collect();
        passes.push(kept);
    }
    Ok((reading, passes))
}

/// How many queries of a year run at once (each on every core, through polars' own
/// threads): a query alone left a fifth of two cores idle (issue #20).
const QUERIES_AT_ONCE: usize = 2;

/// The stack of a thread running a query: a main thread's.
const QUERY_STACK: usize = 8 << 20;

/// Runs `queries` (in run order, each reading only queries before it) over `inputs`
/// (the store's tables, the policy tables and `report_params`), giving each query's
/// result and how long it took. A query whose result `taken` gives is not run.
///
/// Each query runs as soon as the queries it reads have their results, beside up to
/// [`QUERIES_AT_ONCE`] others, each in a context of its own: `inputs`, then the results
/// of the queries it reads, in run order (so a result named like a store table, as
/// `actions` is, hides it from the queries after it, as when run one by one). Each result
/// is kept whole and registered for the queries that read it, so no query's plan is
/// recomputed by them. The results are the same as one by one; only the timings overlap.
fn run_queries(
    inputs: &[(&str, LazyFrame)],
    queries: &[&'static Query],
    taken: impl Fn(&Query) -> Option<DataFrame>,
) -> Result<Vec<(&'static Query, DataFrame, Duration)>, MetricsError> {
    let reads_from: Vec<Vec<usize>> = queries
        .iter()
        .enumerate()
        .map(|(at, query)| {
            (0..at)
                .filter(|&earlier| reads(query.sql, queries[earlier].name))
                .collect()
        })
        .collect();
    let mut done: Vec<Option<(DataFrame, Duration)>> = queries
        .iter()
        .map(|query| taken(query).map(|frame| (frame, Duration::ZERO)))
        .collect();
    let mut started = vec![false; queries.len()];
    let mut failed: Option<(usize, MetricsError)> = None;
    let mut panicked = None;
    std::thread::scope(|scope| {
        let (finished, finishes) = std::sync::mpsc::channel();
        let mut running = 0;
        loop {
            // Start what can start, in run order, while nothing has failed.
            for at in 0..queries.len() {
                if running >= QUERIES_AT_ONCE || failed.is_some() || panicked.is_some() {
                    break;
                }
                let ready = reads_from[at]
                    .iter()
                    .all(|&earlier| done[earlier].is_some());
                if started[at] || done[at].is_some() || !ready {
                    continue;
                }
                started[at] = true;
                running += 1;
                let query = queries[at];
                let mut ctx = SQLContext::new();
                for (name, frame) in inputs {
                    ctx.register(name, frame.clone());
                }
                for &earlier in &reads_from[at] {
                    let (frame, _) = done[earlier].as_ref().expect("read only when done");
                    ctx.register(queries[earlier].name, frame.clone().lazy());
                }
                let finished = finished.clone();
                // Plain threads, not rayon's: a rayon thread waiting on polars' pool
                // would take up other work meanwhile (see `Store::read_trusts`). With
                // the main thread's stack, for the planner (see `planner_stack`).
                // A panic inside polars is caught and reported too: a query that never
                // reported would leave this loop waiting for it.
                let run = move || {
                    let clock = Instant::now();
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        ctx.execute(query.sql).and_then(LazyFrame::collect)
                    }));
                    let _ = finished.send((at, result, clock.elapsed()));
                };
                if let Err(e) = std::thread::Builder::new()
                    .stack_size(QUERY_STACK)
                    .spawn_scoped(scope, run)
                {
                    failed = Some((at, MetricsError::Thread(e)));
                    running -= 1;
                }
            }
            if running == 0 {
                break;
            }
            let (at, result, took) = finishes.recv().expect("a running query reports");
            running -= 1;
            match result {
                Ok(Ok(frame)) => done[at] = Some((frame, took)),
                // Raised again once the queries still running have stopped.
                Err(panic) => {
                    panicked.get_or_insert(panic);
                }
                Ok(Err(source)) => {
                    let error = MetricsError::Query {
                        file: queries[at].file,
                        source,
                    };
                    // The first failing query in run order is the one named.
                    if failed.as_ref().is_none_or(|(first, _)| at < *first) {
                        failed = Some((at, error));
                    }
                }
            }
        }
    });
    if let Some(panic) = panicked {
        std::panic::resume_unwind(panic);
    }
    if let Some((_, error)) = failed {
        return Err(error);
    }
    Ok(queries
        .iter()
        .zip(done)
        .map(|(&query, result)| {
            let (frame, took) = result.expect("every query ran or was taken");
            (query, frame, took)
        })
        .collect())
}

/// The queries whose result is the same for every one of `years` (their parameters),
/// so a pass computes them for the first and the others take its result (issue #20:
/// the earlier years of the trend are as of the same date, so the staging of what had
/// happened by that date is theirs too).
///
/// The years of a pass differ only in `report_params`, and only in its columns whose
/// values differ (`as_of` is one date for them all). A query is the same every year
/// when its SQL names none of those columns as a word, selects no `*` while reading
/// `report_params` (which would take every column), and reads only queries that are
/// the same every year. Naming is judged on the text, as [`needed`] judges reading: a
/// column's name in a comment can only make a query computed again, never shared
/// wrongly.
pub fn same_every_year(years: &[&ReportParams]) -> BTreeSet<&'static str> {
    let mut shared = BTreeSet::new();
    let Some((first, later)) = years.split_first().filter(|(_, later)| !later.is_empty()) else {
        return shared;
    };
    let first = first.frame();
    let differing: Vec<String> = first
        .get_column_names()
        .into_iter()
        .filter(|name| {
            later.iter().any(|params| {
                params.frame().column(name.as_str()).ok() != first.column(name.as_str()).ok()
            })
        })
        .map(|name| name.to_string())
        .collect();
    // A query reads only the queries run before it (and the store's tables, which an
    // output may share a name with, like `actions`).
    for (at, query) in QUERIES.iter().enumerate() {
        let sql = query.sql;
        let names_differing = differing.iter().any(|column| reads(sql, column));
        let every_column = reads(sql, "report_params") && sql.replace("count(*)", "").contains('*');
        let reads_computed = QUERIES[..at]
            .iter()
            .any(|earlier| !shared.contains(earlier.name) && reads(sql, earlier.name));
        if !names_differing && !every_column && !reads_computed {
            shared.insert(query.name);
        }
    }
    shared
}

/// Every input of the queries besides the store's tables, by name: the policy tables for
/// each stored school of `trusts`, and `report_params`.
fn side_inputs(
    store: &Store,
    policy: &Policy,
    params: &ReportParams,
    trusts: &[String],
) -> Result<Vec<(&'static str, DataFrame)>, MetricsError> {
    let schools = store
        .read_trusts(Table::Schools, trusts)?
        .map(DataFrame::lazy);
    let mut tables = policy_inputs(policy, school_urns(schools)?);
    tables.push(("report_params", params.frame()));
    Ok(tables)
}

/// The policy tables for the schools `school_urns`, by name.
fn policy_inputs(policy: &Policy, school_urns: Vec<String>) -> Vec<(&'static str, DataFrame)> {
    policy
        .tables(&school_urns)
        .iter()
        .map(|(name, frame)| (name, frame.clone()))
        .collect()
}

/// The queries' inputs besides the store, for every trust of `run` at once: the tables
/// each pass of [`compute`] registers for its slice of trusts (`report --export-inputs`
/// writes them for another engine: [`export`]).
pub fn side_tables(run: &ReportRun) -> Result<Vec<(&'static str, DataFrame)>, MetricsError> {
    side_inputs(&run.store, &run.policy, &run.params, &run.trusts)
}

/// The queries `wanted` needs: those, and every earlier query they read (a query reads
/// another when the other's name appears in its SQL as a word), in run order.
fn needed(wanted: &[&str]) -> Vec<&'static Query> {
    let mut keep: Vec<&'static Query> = Vec::new();
    for query in QUERIES.iter().rev() {
        let read_by_kept = keep.iter().any(|k| reads(k.sql, query.name));
        if wanted.contains(&query.name) || read_by_kept {
            keep.push(query);
        }
    }
    keep.reverse();
    keep
}

/// Whether `sql` names the table `name` (as a whole word).
fn reads(sql: &str, name: &str) -> bool {
    sql.match_indices(name).any(|(at, _)| {
        let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let before = sql[..at].chars().next_back().is_none_or(|c| !word(c));
        let after = sql[at + name.len()..]
            .chars()
            .next()
            .is_none_or(|c| !word(c));
        before && after
    })
}

/// A store table with no rows (none of a pass's trusts has it yet), with the columns a
/// read of it has.
fn empty_store_table(table: Table) -> DataFrame {
    let mut schema = crate::store::frame::schema(table);
    schema
        .insert_at_index(0, "trust_id".into(), DataType::String)
        .expect("index 0 exists");
    DataFrame::empty_with_schema(&schema)
}

/// The URN of every school of `schools` (a store's schools, some trusts' rows, or none
/// when no trust has the table yet), so each gets a row of the policy tables.
fn school_urns(schools: Option<LazyFrame>) -> Result<Vec<String>, MetricsError> {
    let Some(schools) = schools else {
        return Ok(Vec::new());
    };
    let fail = |source| MetricsError::Query {
        file: "(store: schools)",
        source,
    };
    let frame = schools
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

#[cfg(test)]
mod tests {
    use super::*;

    const fn query(name: &'static str, sql: &'static str) -> Query {
        Query {
            name,
            file: name,
            layer: Layer::Restricted,
            sql,
        }
    }

    static NUMBERS: Query = query("numbers", "select n from input where n > 1");
    static DOUBLED: Query = query("doubled", "select n * 2 as n from numbers");
    static BROKEN: Query = query("broken", "select n from no_such_table");
    static AFTER_BROKEN: Query = query("after_broken", "select n from broken");
    static ALONE: Query = query("alone", "select count(*) as rows from input");

    fn inputs() -> Vec<(&'static str, LazyFrame)> {
        let input = df!("n" => [1i64, 2, 3]).unwrap();
        vec![("input", input.lazy())]
    }

    #[test]
    fn queries_run_side_by_side_give_what_each_reads_in_run_order() {
        let queries = [&NUMBERS, &ALONE, &DOUBLED];
        let results = run_queries(&inputs(), &queries, |_| None).unwrap();
        let names: Vec<&str> = results.iter().map(|(q, _, _)| q.name).collect();
        assert_eq!(names, ["numbers", "alone", "doubled"]);
        let doubled = results[2].1.column("n").unwrap().i64().unwrap().clone();
        assert_eq!(doubled.iter().flatten().collect::<Vec<_>>(), [4, 6]);
    }

    #[test]
    fn a_taken_result_is_not_run_again() {
        // `numbers` taken as the first year's: `doubled` reads it as given.
        let given = df!("n" => [10i64]).unwrap();
        let taken = |q: &Query| (q.name == "numbers").then(|| given.clone());
        let results = run_queries(&inputs(), &[&NUMBERS, &DOUBLED], taken).unwrap();
        let doubled = results[1].1.column("n").unwrap().i64().unwrap().clone();
        assert_eq!(doubled.iter().flatten().collect::<Vec<_>>(), [20]);
    }

    #[test]
    fn a_failing_query_is_named_and_what_reads_it_is_not_run() {
        let queries = [&NUMBERS, &BROKEN, &ALONE, &AFTER_BROKEN];
        let error = run_queries(&inputs(), &queries, |_| None).unwrap_err();
        assert!(
            matches!(error, MetricsError::Query { file: "broken", .. }),
            "{error}"
        );
    }
}
