//! Working in batches never changes a figure (issue #6): ingest reads bundles a window at
//! a time and the metrics read the store a slice of trusts at a time, so both are run
//! here with the smallest batches and compared byte for byte with the defaults. And
//! `report --trust` reads only that trust's partitions and gives exactly its rows.

use std::path::{Path, PathBuf};

use crate::sample_report::report_args;
use crate::util::{Workdir, parquet_files, snapshot};

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data")
}

fn key() -> (&'static str, &'static str) {
    ("OVERSIGHT_KEY", crate::util::TEST_KEY)
}

fn ingest(work: &Workdir, store: &str, window: &str) {
    let bundles = sample().join("bundles");
    work.run_with(
        &["ingest", "--store", store, bundles.to_str().unwrap()],
        &[key(), ("OVERSIGHT_INGEST_WINDOW", window)],
    )
    .ok();
}

fn report(work: &Workdir, out: &str, extra: &[&str], trusts_per_pass: &str) -> crate::util::Run {
    let policy = sample().join("policy.toml");
    let mut args = report_args(policy.to_str().unwrap(), out);
    args.extend_from_slice(extra);
    work.run_with(
        &args,
        &[key(), ("OVERSIGHT_TRUSTS_PER_PASS", trusts_per_pass)],
    )
}

#[test]
fn ingesting_one_bundle_per_window_gives_the_same_store() {
    // Sample-data has three bundles, two of them the same trust's (Harbour, two
    // vendors): with a window of one, the second Harbour bundle is merged into the
    // partitions the first one staged earlier in the same transaction.
    let work = Workdir::new();
    ingest(&work, "one-window", "32");
    ingest(&work, "windows-of-one", "1");
    let whole = parquet_files(&work.path().join("one-window"));
    assert_eq!(whole.len(), 16, "two trusts, eight tables");
    assert_eq!(whole, parquet_files(&work.path().join("windows-of-one")));
}

#[test]
fn reading_one_trust_per_pass_gives_the_same_report() {
    let work = Workdir::new();
    ingest(&work, "store", "32");
    report(&work, "whole", &[], "250").ok();
    report(&work, "one-per-pass", &[], "1").ok();
    let whole = snapshot(&work.path().join("whole"));
    let sliced = snapshot(&work.path().join("one-per-pass"));
    assert_eq!(
        whole.keys().collect::<Vec<_>>(),
        sliced.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &whole {
        assert!(sliced[path] == *bytes, "{} differs", path.display());
    }
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn a_report_on_one_trust_gives_exactly_its_rows() {
    let work = Workdir::new();
    ingest(&work, "store", "32");
    report(&work, "all", &[], "250").ok();
    report(&work, "harbour", &["--trust", "TR002"], "250").ok();
    let all = work.path().join("all");
    let harbour = work.path().join("harbour");
    for folder in ["restricted", "governors"] {
        for entry in std::fs::read_dir(all.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "csv") {
                continue;
            }
            let relative = path.strip_prefix(&all).unwrap();
            let expected: Vec<Vec<String>> = csv_rows(&path)
                .into_iter()
                .filter(|row| row[0] == "TR002")
                .collect();
            assert_eq!(
                csv_rows(&harbour.join(relative)),
                expected,
                "{}",
                relative.display()
            );
        }
    }
    assert!(csv_rows(&harbour.join("governors/summary.csv")).len() > 1);
    // Only its schools' packs and charts, and only its inputs in the manifest.
    assert!(!harbour.join("charts/TR001").exists());
    assert!(harbour.join("charts/TR002").is_dir());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(harbour.join("manifest.json")).unwrap()).unwrap();
    let inputs = manifest["inputs"].as_array().unwrap();
    assert!(!inputs.is_empty());
    for input in inputs {
        assert_eq!(input["trust_ids"], "TR002", "{input}");
    }
}

#[test]
fn a_report_on_a_trust_the_store_lacks_says_so() {
    let work = Workdir::new();
    ingest(&work, "store", "32");
    let run = report(&work, "out", &["--trust", "TR999"], "250");
    run.expect_code(1);
    assert!(
        run.stderr().contains("no trust \"TR999\""),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_tables_only_report_writes_the_same_tables_and_no_charts_or_packs() {
    let work = Workdir::new();
    ingest(&work, "store", "32");
    report(&work, "all", &[], "250").ok();
    let run = report(&work, "tables", &["--tables-only"], "250");
    run.ok();
    assert!(
        !run.stdout().contains("Governors' pack"),
        "{}",
        run.stdout()
    );
    let all = snapshot(&work.path().join("all"));
    let tables = snapshot(&work.path().join("tables"));
    let csv = |files: &std::collections::BTreeMap<PathBuf, Vec<u8>>| {
        files
            .iter()
            .filter(|(path, _)| path.extension().is_some_and(|e| e == "csv"))
            .map(|(path, bytes)| (path.clone(), bytes.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(csv(&all), csv(&tables));
    let mut names: Vec<String> = tables.keys().map(|p| p.display().to_string()).collect();
    names.retain(|name| !name.ends_with(".csv"));
    assert_eq!(names, vec!["manifest.json"]);
    // The manifest lists exactly the files written.
    let manifest: serde_json::Value =
        serde_json::from_slice(&tables[&PathBuf::from("manifest.json")]).unwrap();
    assert_eq!(
        manifest["outputs"].as_array().unwrap().len(),
        tables.len() - 1
    );
}

#[test]
fn generated_trusts_ingest_the_same_in_windows_of_any_size() {
    // Nine generated trusts: several windows of two bundles, each written while the next
    // is read, and enough partitions (over 64) that the transaction is made durable
    // with one syncfs rather than a sync per file.
    let work = Workdir::new();
    work.run(&[
        "generate",
        "--out",
        "data",
        "--trusts",
        "9",
        "--schools",
        "20",
        "--years",
        "1",
        "--today",
        "2026-11-23",
    ])
    .ok();
    for (store, window) in [("whole", "32"), ("pairs", "2")] {
        work.run_with(
            &["ingest", "--store", store, "data"],
            &[key(), ("OVERSIGHT_INGEST_WINDOW", window)],
        )
        .ok();
    }
    let whole = parquet_files(&work.path().join("whole"));
    assert!(whole.len() > 64, "{} partitions", whole.len());
    assert_eq!(whole, parquet_files(&work.path().join("pairs")));
}
