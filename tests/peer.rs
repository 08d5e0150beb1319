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

/// The rows of a CSV table with its `case_ref` columns left out, sorted, and how many
/// distinct values each `case_ref` column holds.
fn without_case_refs(file: &str, text: &str) -> (Vec<String>, Vec<Vec<String>>, Vec<usize>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let refs: Vec<usize> = (0..headers.len())
        .filter(|&at| headers[at] == "case_ref")
        .collect();
    let mut rows = Vec::new();
    let mut distinct = vec![std::collections::BTreeSet::new(); refs.len()];
    for record in reader.records() {
        let record = record.unwrap_or_else(|e| panic!("{file}: {e}"));
        for (seen, &at) in distinct.iter_mut().zip(&refs) {
            seen.insert(record[at].to_string());
        }
        rows.push(
            record
                .iter()
                .enumerate()
                .filter(|(at, _)| !refs.contains(at))
                .map(|(_, cell)| cell.to_string())
                .collect::<Vec<_>>(),
        );
    }
    rows.sort();
    (headers, rows, distinct.iter().map(|s| s.len()).collect())
}

/// The benchmark's end-to-end peer (`tools/duckdb/end_to_end_peer.py`, issue #20) reads
/// the bundles' CSVs straight into DuckDB and computes the report's tables with
/// `report_peer.py`'s code. On the same generated data, as one folder and as a folder
/// per trust, its tables must be those `report_peer.py` computes from the store
/// ingested from that data.
///
/// What is comparable: the generated data is canonical and nothing of it is
/// quarantined (checked below), so both hold the same rows, and every column but
/// `case_ref` is equal cell for cell. `case_ref` is the store's keyed pseudonym of a
/// case id; the end-to-end peer does not pseudonymise and keeps the raw `case_id` there.
/// So those columns are left out (each must still hold as many distinct values: the
/// pseudonym is one to one), and the rows are compared sorted, since tables ordered by
/// `case_ref` (restricted actions, drift_cases, todo) order them differently.
#[test]
fn the_end_to_end_peer_computes_from_the_bundles_what_the_report_peer_computes_from_the_store() {
    if !crate::duckdb::duckdb_available(
        "the_end_to_end_peer_computes_from_the_bundles_what_the_report_peer_computes_from_the_store",
    ) {
        return;
    }
    let work = Workdir::new();
    let options = ["--trusts", "3", "--schools", "8", "--years", "3"];
    let mut one_folder = options.to_vec();
    one_folder.push("--one-bundle");
    work.generated_store(&one_folder);
    let mut per_trust = vec!["generate", "-q", "--out", "data-per-trust"];
    per_trust.extend(options);
    per_trust.extend(["--today", "2026-11-23"]);
    work.run(&per_trust).ok();
    assert_eq!(
        crate::util::quarantine(&work.path().join("store")),
        vec![],
        "generated data is stored whole: nothing for the peer to drop"
    );
    let policy = crate::campaign::trust_defaults_policy(&work.path().join("policy"));
    export(&work, &policy, None, "inputs");
    python(
        &work,
        "report_peer.py",
        &["--inputs", "inputs", "--out", "peer"],
    );
    let expected = tables(&work.path().join("peer"));

    for data in ["data", "data-per-trust"] {
        let out = format!("end-to-end-{data}");
        python(
            &work,
            "end_to_end_peer.py",
            &["--data", data, "--inputs", "inputs", "--out", &out],
        );
        let ours = tables(&work.path().join(&out));
        let names = |t: &[(String, String)]| t.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>();
        assert_eq!(names(&ours), names(&expected), "{data}: the same files");
        let mut case_refs = 0;
        for ((file, ours), (_, expected)) in ours.iter().zip(&expected) {
            let (our_headers, our_rows, our_refs) = without_case_refs(file, ours);
            let (headers, rows, refs) = without_case_refs(file, expected);
            assert_eq!(our_headers, headers, "{data}: {file}: columns");
            assert_eq!(our_rows.len(), rows.len(), "{data}: {file}: rows");
            assert_eq!(our_rows, rows, "{data}: {file}: every column but case_ref");
            assert_eq!(our_refs, refs, "{data}: {file}: distinct case_refs");
            case_refs += refs.iter().sum::<usize>();
        }
        assert!(case_refs > 0, "some tables name cases");
    }
    let with_rows = expected
        .iter()
        .filter(|(_, text)| text.lines().count() > 1)
        .count();
    assert!(with_rows > expected.len() / 2, "most tables have rows");
}
