//! queries/ on another engine (issue #13, item 3): `report --export-inputs` writes the
//! policy tables and `report_params`, `tools/duckdb/run_queries.py` runs every query on
//! DuckDB over the same store and those tables, and every restricted and governors'
//! table must come out the same, row for row, as oversight's own query outputs.
//!
//! The governors' tables are compared as the queries give them, before disclosure
//! control: suppression is done in Rust (`report/published/protect.rs`) on whichever
//! engine's rows, so the SQL is what another engine has to reproduce (docs/decisions.md).
//!
//! Normalised only where the engines' types differ and the figure does not: whole
//! numbers of any width compare as whole numbers (polars counts in UInt32, DuckDB in
//! BIGINT), dates as ISO text, and fractions (rates, hours) to 1e-9 relative, since the
//! queries leave rounding to the report. Column names, their order, the row order (every
//! output has an ORDER BY), nulls and text compare exactly.

use std::path::{Path, PathBuf};
use std::process::Command;

use oversight::context::{Draw, PolicySource, ReportParams, ReportRun};
use oversight::metrics::{self, Layer, QUERIES};
use oversight::policy::{AcademicYear, Policy};
use oversight::store::{Store, VersionChoice};
use polars::prelude::*;

use crate::util::Workdir;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample_policy() -> PathBuf {
    repo().join("sample-data/policy.toml")
}

/// Whether `python3` can import the `duckdb` wheel. Without it the test fails on CI
/// (`CI=true`; `.ci/run` installs the pinned wheel) and elsewhere says SKIPPED, as the
/// browser test does when Chromium is missing.
pub(crate) fn duckdb_available(test: &str) -> bool {
    crate::util::python_module(test, "duckdb", "duckdb==2.0.1")
}

/// One comparison: a store, a policy, an as-of date, maybe a year and trusts.
struct Case<'a> {
    store: &'a str,
    policy: &'a Path,
    as_of: &'a str,
    year: Option<&'a str>,
    trusts: &'a [&'a str],
}

impl Case<'_> {
    /// Exports the inputs with the binary, runs the DuckDB runner, computes the metrics
    /// in-process and compares every restricted and governors' table. Returns how many
    /// rows were compared.
    fn compare(&self, work: &Workdir, name: &str) -> usize {
        let inputs = format!("{name}-inputs");
        let duck = work.path().join(format!("{name}-duckdb"));
        let mut args = vec![
            "report",
            "--store",
            self.store,
            "--policy",
            self.policy.to_str().unwrap(),
            "--as-of",
            self.as_of,
            "--export-inputs",
            &inputs,
        ];
        if let Some(year) = self.year {
            args.extend(["--year", year]);
        }
        for trust in self.trusts {
            args.extend(["--trust", trust]);
        }
        work.run(&args).ok();

        let stdout = duckdb_tool(
            work,
            "run_queries.py",
            &[
                "--inputs",
                &inputs,
                "--out",
                duck.to_str().unwrap(),
                "--threads",
                "2",
                "--timings",
            ],
        );
        let timings: serde_json::Value =
            serde_json::from_slice(&stdout).expect("--timings prints one JSON line");
        assert_eq!(timings["engine"], "duckdb");

        let product = metrics::compute(&self.run(work)).expect("the metrics compute");
        let mut rows = 0;
        for query in QUERIES.iter().filter(|q| q.layer != Layer::Staging) {
            let layer = if query.layer == Layer::Restricted {
                "restricted"
            } else {
                "governors"
            };
            let path = duck.join(layer).join(format!("{}.parquet", query.name));
            // The restricted tables name staff: owner-only, like oversight's restricted/.
            assert!(
                !oversight::private_fs::readable_by_others(&path),
                "{} is readable by others",
                path.display()
            );
            let file =
                std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let theirs = ParquetReader::new(file).finish().unwrap();
            let ours = product.table(query).unwrap();
            compare_tables(&format!("{name}: {}", query.file), ours, &theirs);
            rows += ours.height();
        }
        rows
    }

    /// The run `report` would resolve (the store's key is not checked: the binary did
    /// that when it exported).
    fn run(&self, work: &Workdir) -> ReportRun {
        let store =
            Store::open_to_read(&work.path().join(self.store), VersionChoice::Newest).unwrap();
        let policy = Policy::load(self.policy).unwrap();
        let year: Option<AcademicYear> = self.year.map(|y| y.parse().unwrap());
        let params = ReportParams::resolve(&policy, self.as_of.parse().unwrap(), year).unwrap();
        let only: Vec<String> = self.trusts.iter().map(|t| t.to_string()).collect();
        let trusts = store.trusts_in_scope(&only).unwrap();
        ReportRun {
            store,
            policy_source: PolicySource {
                path: self.policy.to_path_buf(),
                sha256: policy.sha256().to_string(),
            },
            policy,
            params,
            trusts,
            out: work.path().join("unused"),
            draw: Draw::TablesOnly,
            since: None,
        }
    }
}

/// A value as the two engines must agree on it.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Null,
    Bool(bool),
    Whole(i64),
    Fraction(f64),
    Text(String),
}

impl Cell {
    fn same_as(&self, other: &Cell) -> bool {
        match (self, other) {
            (Cell::Fraction(a), Cell::Fraction(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
            _ => self == other,
        }
    }
}

fn cells(table: &str, column: &Column) -> Vec<Cell> {
    let series = column.as_materialized_series();
    let dtype = series.dtype().clone();
    if dtype.is_integer() {
        let whole = series.cast(&DataType::Int64).unwrap();
        return whole
            .i64()
            .unwrap()
            .iter()
            .map(|v| v.map_or(Cell::Null, Cell::Whole))
            .collect();
    }
    if dtype.is_float() {
        let fraction = series.cast(&DataType::Float64).unwrap();
        return fraction
            .f64()
            .unwrap()
            .iter()
            .map(|v| v.map_or(Cell::Null, Cell::Fraction))
            .collect();
    }
    match dtype {
        DataType::Boolean => series
            .bool()
            .unwrap()
            .iter()
            .map(|v| v.map_or(Cell::Null, Cell::Bool))
            .collect(),
        DataType::String | DataType::Date => series
            .cast(&DataType::String)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.map_or(Cell::Null, |t| Cell::Text(t.to_string())))
            .collect(),
        // A column all null in one engine (no type to infer) compares as nulls.
        DataType::Null => vec![Cell::Null; series.len()],
        other => panic!("{table}: column {} has type {other}", series.name()),
    }
}

/// Asserts `theirs` has `ours`' columns, in order, and the same rows in the same order.
fn compare_tables(table: &str, ours: &DataFrame, theirs: &DataFrame) {
    let names = |frame: &DataFrame| -> Vec<String> {
        frame
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect()
    };
    assert_eq!(names(ours), names(theirs), "{table}: columns");
    assert_eq!(ours.height(), theirs.height(), "{table}: rows");
    let mut differences = Vec::new();
    for (a, b) in ours.columns().iter().zip(theirs.columns()) {
        let (a_cells, b_cells) = (cells(table, a), cells(table, b));
        for (row, (x, y)) in a_cells.iter().zip(&b_cells).enumerate() {
            if !x.same_as(y) {
                differences.push(format!(
                    "row {row}, {}: oversight {x:?}, DuckDB {y:?}",
                    a.name()
                ));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "{table}: {} cells differ:\n{}",
        differences.len(),
        differences[..differences.len().min(20)].join("\n")
    );
}

/// Ingests sample-data into `store`.
fn sample_store() -> Workdir {
    let work = Workdir::new();
    let bundles = repo().join("sample-data/bundles");
    work.run(&["ingest", "--store", "store", bundles.to_str().unwrap()])
        .ok();
    work
}

#[test]
fn duckdb_gives_the_sample_reports_tables_row_for_row() {
    if !duckdb_available("duckdb_gives_the_sample_reports_tables_row_for_row") {
        return;
    }
    let work = sample_store();
    let policy = sample_policy();
    // The README's date (autumn 2, 2026/27 under way), a date in spring 2 of 2025/26, and
    // 2025/26 seen whole from the autumn after (every period complete).
    let cases = [
        ("autumn", "2026-11-23", None),
        ("spring", "2026-03-01", None),
        ("whole-year", "2026-11-23", Some("2025/26")),
    ];
    for (name, as_of, year) in cases {
        let case = Case {
            store: "store",
            policy: &policy,
            as_of,
            year,
            trusts: &[],
        };
        let rows = case.compare(&work, name);
        assert!(rows > 100, "{name}: only {rows} rows compared");
    }
}

#[test]
fn duckdb_gives_a_generated_stores_tables_row_for_row() {
    if !duckdb_available("duckdb_gives_a_generated_stores_tables_row_for_row") {
        return;
    }
    // Generated trusts (two years, schools on the trust defaults), the whole store and
    // one trust of it (`--trust`: DuckDB must read that trust's partitions only).
    let work = Workdir::new();
    work.generated_store(&["--trusts", "4", "--schools", "10", "--years", "2"]);
    // The sample's trust defaults: its `[schools."URN"]` tables name schools this store
    // does not hold (spec 04, issue #19).
    let policy = crate::campaign::trust_defaults_policy(&work.path().join("policy"));
    let whole = Case {
        store: "store",
        policy: &policy,
        as_of: "2026-11-23",
        year: None,
        trusts: &[],
    }
    .compare(&work, "whole");
    let one = Case {
        store: "store",
        policy: &policy,
        as_of: "2026-06-15",
        year: None,
        trusts: &["TR0002"],
    }
    .compare(&work, "one-trust");
    assert!(whole > 1000, "only {whole} rows compared");
    assert!(
        one > 100 && one < whole,
        "{one} rows compared for one trust"
    );
}

fn read_parquet(path: &Path) -> DataFrame {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ParquetReader::new(file).finish().unwrap()
}

fn texts(frame: &DataFrame, column: &str) -> Vec<String> {
    let column = frame
        .column(column)
        .unwrap()
        .cast(&DataType::String)
        .unwrap();
    column
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect()
}

#[test]
fn export_inputs_writes_the_trusts_policy_tables_report_params_and_the_query_order() {
    // Spec 03's report options apply: one trust of two, an earlier report year.
    let work = sample_store();
    let policy = sample_policy();
    let run = work.run(&[
        "report",
        "--store",
        "store",
        "--policy",
        policy.to_str().unwrap(),
        "--as-of",
        "2026-11-23",
        "--year",
        "2025/26",
        "--trust",
        "TR002",
        "--export-inputs",
        "inputs",
    ]);
    run.ok();
    assert!(
        run.stdout().contains("10 files written"),
        "{}",
        run.stdout()
    );
    let inputs = work.path().join("inputs");

    // One Parquet file per policy table and report_params, the manifest, and no report.
    let mut expected: Vec<String> = oversight::policy::PolicyTables::NAMES
        .iter()
        .chain(&["report_params"])
        .map(|name| format!("{name}.parquet"))
        .collect();
    expected.push("manifest.json".to_string());
    expected.sort();
    let mut found: Vec<String> = std::fs::read_dir(&inputs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    assert_eq!(found, expected);
    assert!(!work.path().join("out").exists());

    // A row of the policy tables for each stored school of TR002 (Harbour), and only those.
    let harbour = read_parquet(&crate::util::partition_file(
        &work.path().join("store"),
        "schools",
        "TR002",
    ));
    let mut harbour_urns = texts(&harbour, "school_urn");
    harbour_urns.sort();
    assert_eq!(harbour_urns.len(), 2, "{harbour_urns:?}");
    let schools = read_parquet(&inputs.join("policy_schools.parquet"));
    assert_eq!(texts(&schools, "school_urn"), harbour_urns);
    let weights = read_parquet(&inputs.join("policy_weights.parquet"));
    assert_eq!(weights.height(), 2 * 6, "every category of each school");

    // report_params is the run's: the as-of date and the year asked for, with its bounds
    // from the sample calendar (2025/26: 1 September 2025 to 22 July 2026).
    let params = read_parquet(&inputs.join("report_params.parquet"));
    assert_eq!(params.height(), 1);
    for (column, value) in [
        ("as_of", "2026-11-23"),
        ("report_year", "2025/26"),
        ("year_starts_on", "2025-09-01"),
        ("year_ends_on", "2026-07-22"),
    ] {
        assert_eq!(texts(&params, column), [value], "{column}");
    }

    // The manifest: the run, the tables, and the queries in the order oversight runs them.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(inputs.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["trusts"], serde_json::json!(["TR002"]));
    assert_eq!(manifest["as_of"], "2026-11-23");
    assert_eq!(manifest["report_year"], "2025/26");
    let names = |key: &str| -> Vec<String> {
        manifest[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_string())
            .collect()
    };
    let queries: Vec<&str> = QUERIES.iter().map(|q| q.name).collect();
    assert_eq!(names("queries"), queries);
    assert_eq!(names("tables").len(), 9);
    let tables = manifest["tables"].as_array().unwrap();
    assert_eq!(tables[0]["rows"], 2, "policy_schools");
    let sessions = manifest["store_tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "sessions")
        .unwrap();
    let columns = sessions["columns"].as_str().unwrap();
    assert!(
        columns
            .starts_with("trust_id VARCHAR, session_id VARCHAR, school_urn VARCHAR, held_on DATE"),
        "{columns}"
    );
}

#[test]
fn export_inputs_is_instead_of_a_report() {
    let work = sample_store();
    let policy = sample_policy();
    let policy = policy.to_str().unwrap();
    let both = work.run(&[
        "report",
        "--store",
        "store",
        "--policy",
        policy,
        "--out",
        "out",
        "--export-inputs",
        "in",
    ]);
    both.expect_code(2);
    assert!(
        both.stderr().contains("cannot be used with"),
        "{}",
        both.stderr()
    );
    let neither = work.run(&["report", "--store", "store", "--policy", policy]);
    neither.expect_code(2);
    assert!(neither.stderr().contains("--out"), "{}", neither.stderr());
    assert!(!work.path().join("out").exists() && !work.path().join("in").exists());
}

/// Runs `tools/duckdb/<script>` with `args` in `work`; fails the test with its stderr
/// if it fails, and returns what it printed.
pub fn duckdb_tool(work: &Workdir, script: &str, args: &[&str]) -> Vec<u8> {
    let output = Command::new("python3")
        .arg(repo().join("tools/duckdb").join(script))
        .args(args)
        .current_dir(work.path())
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{script} {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

#[test]
fn the_earlier_years_share_only_what_is_the_same_every_year_and_match_their_own_reports() {
    // Issue #20: the trend's earlier years take the report year's staging of what had
    // happened by the as-of date (`metrics::same_every_year`) instead of computing it
    // again. Each earlier year must still give what a report of that year alone
    // (`--year`, same as-of date) gives, table for table.
    let work = Workdir::new();
    work.generated_store(&["--trusts", "3", "--schools", "6", "--years", "3"]);
    let policy = crate::campaign::trust_defaults_policy(&work.path().join("policy"));
    let case = Case {
        store: "store",
        policy: &policy,
        as_of: "2026-11-23",
        year: None,
        trusts: &[],
    };
    let run = case.run(&work);
    let trend = [metrics::QUERIES
        .iter()
        .find(|q| q.name == "trend")
        .cloned()
        .unwrap()];
    let (_, earlier) = metrics::compute_with_earlier(&run, 2, &trend).unwrap();
    assert_eq!(earlier.len(), 2, "two earlier years in the calendar");
    let params: Vec<&ReportParams> = std::iter::once(&run.params)
        .chain(earlier.iter().map(|m| &m.params))
        .collect();
    let shared = metrics::same_every_year(&params);
    // The staging of what had happened by the as-of date, and what reads only that.
    for name in ["stg_staff", "stg_cases", "stg_actions", "actions"] {
        assert!(
            shared.contains(name),
            "{name} is the same every year: {shared:?}"
        );
    }
    // Anything judged by the report year's periods is computed for each year.
    for name in [
        "stg_sessions",
        "stg_in_scope",
        "frequency",
        "recording",
        "trend",
    ] {
        assert!(
            !shared.contains(name),
            "{name} depends on the year: {shared:?}"
        );
    }
    for year in &earlier {
        let label = year.params.report_year.to_string();
        let alone = metrics::compute(&ReportRun {
            params: year.params.clone(),
            ..case.run(&work)
        })
        .unwrap();
        let mut compared = 0;
        for (name, ours) in &year.tables {
            let theirs = &alone.tables[name];
            assert!(
                ours.equals_missing(theirs),
                "{label}: {name} differs from the year's own report"
            );
            compared += ours.height();
        }
        assert!(compared > 50, "{label}: only {compared} rows compared");
    }
}
