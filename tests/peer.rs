//! The benchmark's DuckDB peer (`tools/duckdb/report_peer.py`, issue #20) computes what
//! the report computes: every restricted and governors' table of the report year, and
//! the trend of the two years before it. Its tables must be those of the engine
//! equivalence runner (`tools/duckdb/run_queries.py`, itself checked row for row against
//! oversight by `tests/duckdb.rs`), the trend being each year's trend, oldest first, so
//! a ratio to it in BENCHMARKS.md compares the same work.

use std::fs;
use std::path::Path;

use crate::util::Workdir;

fn python(work: &Workdir, script: &str, args: &[&str]) {
    crate::duckdb::duckdb_tool(work, script, args);
}

fn export(work: &Workdir, policy: &Path, year: Option<&str>, inputs: &str) {
    let mut args = vec![
        "report",
        "--store",
        "store",
        "--policy",
        policy.to_str().unwrap(),
        "--as-of",
        "2026-11-23",
        "--export-inputs",
        inputs,
    ];
    if let Some(year) = year {
        args.extend(["--year", year]);
    }
    work.run(&args).ok();
}

/// Every CSV file under `dir`, by its path below it.
fn tables(dir: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for layer in ["restricted", "governors"] {
        for entry in fs::read_dir(dir.join(layer)).unwrap() {
            let path = entry.unwrap().path();
            let name = format!("{layer}/{}", path.file_name().unwrap().to_string_lossy());
            found.push((name, fs::read_to_string(&path).unwrap()));
        }
    }
    found.sort();
    found
}

#[test]
fn the_benchmark_peer_computes_the_reports_tables_and_the_earlier_years_trend() {
    if !crate::duckdb::duckdb_available(
        "the_benchmark_peer_computes_the_reports_tables_and_the_earlier_years_trend",
    ) {
        return;
    }
    let work = Workdir::new();
    work.generated_store(&["--trusts", "3", "--schools", "8", "--years", "3"]);
    // The sample's calendar: 2024/25 to 2026/27.
    let policy = crate::campaign::trust_defaults_policy(&work.path().join("policy"));

    export(&work, &policy, None, "inputs");
    python(
        &work,
        "report_peer.py",
        &["--inputs", "inputs", "--out", "peer"],
    );
    let mut trend = String::new();
    let mut report_year = Vec::new();
    for year in ["2024/25", "2025/26", "2026/27"] {
        let name = year.replace('/', "-");
        export(&work, &policy, Some(year), &format!("inputs-{name}"));
        python(
            &work,
            "run_queries.py",
            &[
                "--inputs",
                &format!("inputs-{name}"),
                "--out",
                &name,
                "--format",
                "csv",
            ],
        );
        let tables = tables(&work.path().join(&name));
        let (_, year_trend) = tables
            .iter()
            .find(|(file, _)| file == "governors/trend.csv")
            .expect("a trend");
        // One header, then each year's rows.
        let skip = if trend.is_empty() { 0 } else { 1 };
        for line in year_trend.lines().skip(skip) {
            trend.push_str(line);
            trend.push('\n');
        }
        report_year = tables;
    }
    let peer = tables(&work.path().join("peer"));
    assert_eq!(peer.len(), report_year.len(), "the same files");
    for ((file, ours), (expected_file, expected)) in peer.iter().zip(&report_year) {
        assert_eq!(file, expected_file);
        if file == "governors/trend.csv" {
            assert_eq!(ours, &trend, "the trend over three years");
            assert!(
                trend.lines().count() > expected.lines().count() * 2,
                "the earlier years have half-terms of their own"
            );
        } else {
            assert_eq!(ours, expected, "{file}");
        }
    }
}
