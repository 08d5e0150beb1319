//! The report over sample-data as a whole: golden files (insta snapshots, reviewed by
//! hand against sample-data/README.md) and byte-for-byte determinism.

use std::path::PathBuf;

use crate::util::{Workdir, snapshot};

/// The as-of date sample-data/README.md works its figures out for.
pub const AS_OF: &str = "2026-11-23";

/// sample-data's bundles ingested and reported on, once for the whole test run: the
/// tests that only read a report share it (each run typesets ten PDFs and draws some
/// eighty charts). A test must not write into it: one that writes files of its own
/// writes them into a [`Workdir`] of its own.
pub fn sample_report() -> &'static Workdir {
    static SHARED: std::sync::OnceLock<Workdir> = std::sync::OnceLock::new();
    SHARED.get_or_init(|| sample_report_in(Workdir::for_the_whole_run()))
}

/// A report of sample-data of its own (see [`sample_report`]), for a test that needs two
/// separate runs.
pub fn fresh_sample_report() -> Workdir {
    sample_report_in(Workdir::new())
}

fn sample_report_in(work: Workdir) -> Workdir {
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let bundles = sample.join("bundles");
    let policy = sample.join("policy.toml");
    work.run(&["ingest", "--store", "store", bundles.to_str().unwrap()])
        .ok();
    work.run(&report_args(policy.to_str().unwrap(), "out")).ok();
    work
}

/// `report` of the store `store` with `policy` into `out`, as of [`AS_OF`].
pub fn report_args<'a>(policy: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "report", "--store", "store", "--policy", policy, "--out", out, "--as-of", AS_OF,
    ]
}

#[test]
fn sample_data_report_matches_the_reviewed_snapshots() {
    let work = sample_report();
    for (path, bytes) in snapshot(&work.path().join("out")) {
        if path.extension().is_some_and(|e| e == "csv") {
            let name = path.display().to_string().replace(['/', '\\'], "__");
            let text = String::from_utf8(bytes).unwrap();
            // Spec 03: "CSVs meant for people (governors/, restricted/todo.csv,
            // restricted/changes.csv) are UTF-8 with a byte-order mark"; the lead's data
            // files have none. The snapshot is the text.
            let for_people = path.starts_with("governors")
                || ["restricted/todo.csv", "restricted/changes.csv"]
                    .iter()
                    .any(|file| path == std::path::Path::new(file));
            assert_eq!(
                text.starts_with('\u{feff}'),
                for_people,
                "{}",
                path.display()
            );
            insta::assert_snapshot!(name, text.trim_start_matches('\u{feff}'));
        }
    }
}

#[test]
fn the_same_store_policy_and_date_give_byte_identical_outputs() {
    // Spec 02: "Re-running with the same store, policy and as-of date gives
    // byte-identical CSV outputs." Two separate ingests and reports, manifest included,
    // and so the PDFs (spec 03, "(added) PDF": "the same bytes for the same inputs").
    let first = snapshot(&fresh_sample_report().path().join("out"));
    let second = snapshot(&fresh_sample_report().path().join("out"));
    assert!(first.keys().any(|p| p.ends_with("manifest.json")));
    assert!(
        first
            .keys()
            .any(|p| p.ends_with("governors/TR001/pack.pdf"))
    );
    assert!(first.keys().any(|p| p.ends_with("evidence.pdf")));
    assert!(first.keys().any(|p| p.ends_with("restricted/todo.pdf")));
    assert_eq!(first.len(), second.len());
    for (path, bytes) in &first {
        assert!(
            second[path] == *bytes,
            "{} differs between runs",
            path.display()
        );
    }
}
