//! Direction of travel, `report --since PREVIOUS_OUT` (spec 03, "Direction of travel",
//! added; spec 02, relation 7): the sample reported a half-term apart, the earlier
//! report's figures beside this one's, what changed for the lead, and an earlier report
//! whose files were changed refused.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{Workdir, csv_rows};

const THEN: &str = "2026-10-20";
const NOW: &str = "2026-12-07";

/// The sample's store, reported as of [`THEN`] into `then`.
fn sample_then() -> Workdir {
    let work = Workdir::new();
    let bundles = sample().join("bundles");
    work.run(&["ingest", "--store", "store", bundles.to_str().unwrap()])
        .ok();
    report(&work, THEN, "then", &[]).ok();
    work
}

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data")
}

/// `report` of the store `store` in `work` with sample-data's policy into `out`, as of
/// `as_of`, with `extra` arguments.
fn report(work: &Workdir, as_of: &str, out: &str, extra: &[&str]) -> crate::util::Run {
    report_with(work, &sample().join("policy.toml"), as_of, out, extra)
}

/// [`report`] with the policy file `policy`.
pub fn report_with(
    work: &Workdir,
    policy: &Path,
    as_of: &str,
    out: &str,
    extra: &[&str],
) -> crate::util::Run {
    let mut args = vec![
        "report",
        "--store",
        "store",
        "--policy",
        policy.to_str().unwrap(),
        "--out",
        out,
        "--as-of",
        as_of,
    ];
    args.extend(extra);
    work.run(&args)
}

/// since.csv's headline columns: the figure, its earlier cell, its direction.
const HEADLINES: [(&str, &str); 8] = [
    ("frequency_met_pct", "frequency_met_direction"),
    ("actions_on_time_pct", "actions_on_time_direction"),
    ("recorded_on_time_pct", "recorded_on_time_direction"),
    ("functions_balanced_pct", "functions_balanced_direction"),
    ("open_cases", "open_cases_direction"),
    ("drifting_cases", "drifting_cases_direction"),
    ("overdue_actions", "overdue_actions_direction"),
    ("dsls_over_caseload", "dsls_over_caseload_direction"),
];

#[test]
fn since_shows_the_earlier_reports_figures_beside_this_ones_with_the_direction() {
    // Spec 03: "`report --since PREVIOUS_OUT` reads an earlier report's folder, checks
    // its files against its manifest ..., and shows beside each headline figure the
    // figure governors were shown then ("66.7 %, was 75.0 % on 20 July 2026") with the
    // direction in words."
    let work = sample_then();
    report(&work, NOW, "now", &["--since", "then"]).ok();
    let then = csv_rows(&work.path().join("then/governors/summary.csv"));
    let now = csv_rows(&work.path().join("now/governors/summary.csv"));
    let since = csv_rows(&work.path().join("now/governors/since.csv"));
    assert_eq!(since.len(), now.len(), "a row per summary.csv row");
    let mut moved = 0;
    for (row, current) in since.iter().zip(&now) {
        let key = (&row["trust_id"], &row["school_urn"]);
        assert_eq!(key, (&current["trust_id"], &current["school_urn"]));
        assert_eq!(row["was_as_of"], THEN);
        let earlier = then
            .iter()
            .find(|r| (&r["trust_id"], &r["school_urn"]) == key)
            .expect("the sample's schools were in the earlier report");
        for (figure, direction) in HEADLINES {
            // The figure now is summary.csv's, c and all; the earlier one is as printed.
            assert_eq!(row[figure], current[figure], "{key:?} {figure}");
            assert_eq!(row[&format!("{figure}_was")], earlier[figure], "{key:?}");
            let (a, b) = (&row[figure], &earlier[figure]);
            let expected = match (a.parse::<f64>(), b.parse::<f64>()) {
                // Spec 02, relation 7: no direction beside a c, now or then.
                _ if a == "c" || b == "c" => "c",
                (Ok(a), Ok(b)) if a - b > 0.05 => "up",
                (Ok(a), Ok(b)) if b - a > 0.05 => "down",
                (Ok(_), Ok(_)) => "same",
                _ => "",
            };
            assert_eq!(row[direction], expected, "{key:?} {figure}: {a} was {b}");
            moved += usize::from(expected == "up" || expected == "down");
        }
    }
    assert!(moved > 0, "the sample moves in a half-term");
    // The pack words it beside the trust's headline figures.
    let pack = fs::read_to_string(work.path().join("now/governors/TR001/pack.html")).unwrap();
    let words = crate::packs::document_text(&pack);
    assert!(words.contains("on 20 October 2026"), "the earlier date");
    assert!(words.contains(": up") || words.contains(": down"));
    // Both new files are in the manifest, and the governors' audit covered since.csv.
    let manifest = fs::read_to_string(work.path().join("now/manifest.json")).unwrap();
    assert!(manifest.contains("governors/since.csv"));
    assert!(manifest.contains("restricted/changes.csv"));
    // The attacker reads since.csv too (tests/attack.rs): relation 7 is one of its.
}

#[test]
fn since_writes_what_changed_for_the_lead() {
    // Spec 03: "The lead gets restricted/changes.csv: cases that started or stopped
    // drifting, actions closed since, people who met their standard then and not now
    // (and the reverse)"; "CSVs meant for people (..., restricted/changes.csv) are UTF-8
    // with a byte-order mark".
    let work = sample_then();
    report(&work, NOW, "now", &["--since", "then"]).ok();
    let path = work.path().join("now/restricted/changes.csv");
    assert!(fs::read(&path).unwrap().starts_with("\u{feff}".as_bytes()));
    let changes = csv_rows(&path);
    let drifting = |dir: &str| -> BTreeMap<String, String> {
        csv_rows(
            &work
                .path()
                .join(format!("{dir}/restricted/drift_cases.csv")),
        )
        .into_iter()
        .map(|r| (r["case_ref"].clone(), r["drifting"].clone()))
        .collect()
    };
    let (then, now) = (drifting("then"), drifting("now"));
    // Every case drifting now and not then is listed as started, and the reverse.
    let started: Vec<&String> = now
        .iter()
        .filter(|(case, d)| *d == "true" && then.get(*case).is_none_or(|t| t != "true"))
        .map(|(case, _)| case)
        .collect();
    let stopped: Vec<&String> = then
        .iter()
        .filter(|(case, d)| *d == "true" && now.get(*case).is_none_or(|n| n != "true"))
        .map(|(case, _)| case)
        .collect();
    let listed = |change: &str| -> Vec<&String> {
        let mut cases: Vec<&String> = changes
            .iter()
            .filter(|r| r["change"] == change)
            .map(|r| &r["case_ref"])
            .collect();
        cases.sort();
        cases
    };
    assert!(
        !started.is_empty() && !stopped.is_empty(),
        "the sample has both"
    );
    assert_eq!(listed("started_drifting"), started);
    assert_eq!(listed("stopped_drifting"), stopped);
    // An action open then and completed now is listed as closed.
    let actions = |dir: &str| -> BTreeMap<String, String> {
        csv_rows(&work.path().join(format!("{dir}/restricted/actions.csv")))
            .into_iter()
            .map(|r| (r["action_id"].clone(), r["completed_on"].clone()))
            .collect()
    };
    let (then, now) = (actions("then"), actions("now"));
    let mut closed: Vec<&String> = now
        .iter()
        .filter(|(id, done)| !done.is_empty() && then.get(*id).is_some_and(String::is_empty))
        .map(|(id, _)| id)
        .collect();
    closed.sort();
    let mut listed: Vec<&String> = changes
        .iter()
        .filter(|r| r["change"] == "action_closed")
        .map(|r| &r["action_id"])
        .collect();
    listed.sort();
    assert!(!closed.is_empty());
    assert_eq!(listed, closed);
}

#[test]
fn people_who_met_their_standard_then_and_not_now_are_listed() {
    // Spec 03: "people who met their standard then and not now (and the reverse)": each
    // person and rule whose latest judged period was met in one report and not the
    // other. Two reports judging different half-terms: as of 2026-11-03 (AU1 judged)
    // and 2027-01-12 (AU2 judged).
    let work = Workdir::new();
    let bundles = sample().join("bundles");
    work.run(&["ingest", "--store", "store", bundles.to_str().unwrap()])
        .ok();
    report(&work, "2026-11-03", "then", &["--tables-only"]).ok();
    report(
        &work,
        "2027-01-12",
        "now",
        &["--tables-only", "--since", "then"],
    )
    .ok();
    let latest = |dir: &str| -> BTreeMap<(String, String), (String, String)> {
        let mut latest: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
        for r in csv_rows(&work.path().join(format!("{dir}/restricted/frequency.csv"))) {
            if r["met"].is_empty() {
                continue;
            }
            let key = (r["staff_id"].clone(), r["rule"].clone());
            let entry = (r["period_id"].clone(), r["met"].clone());
            if latest.get(&key).is_none_or(|(p, _)| *p < entry.0) {
                latest.insert(key, entry);
            }
        }
        latest
    };
    let (then, now) = (latest("then"), latest("now"));
    let mut expected: Vec<(String, String, String)> = now
        .iter()
        .filter_map(|(key, (_, met))| {
            let (_, was) = then.get(key)?;
            (was != met).then(|| {
                let change = if was == "true" {
                    "stopped_meeting"
                } else {
                    "started_meeting"
                };
                (change.to_string(), key.0.clone(), key.1.clone())
            })
        })
        .collect();
    expected.sort();
    let mut listed: Vec<(String, String, String)> =
        csv_rows(&work.path().join("now/restricted/changes.csv"))
            .into_iter()
            .filter(|r| r["change"].ends_with("_meeting"))
            .map(|r| {
                (
                    r["change"].clone(),
                    r["staff_id"].clone(),
                    r["rule"].clone(),
                )
            })
            .collect();
    listed.sort();
    assert!(
        !expected.is_empty(),
        "the sample changes between half-terms"
    );
    assert_eq!(listed, expected);
}

#[test]
fn an_earlier_report_whose_files_changed_is_refused_naming_the_file() {
    // Spec 03: "checks its files against its manifest (a changed file is an error)".
    let work = sample_then();
    let summary = work.path().join("then/governors/summary.csv");
    let text = fs::read_to_string(&summary).unwrap();
    fs::write(&summary, text.replacen(",c,", ",2,", 1)).unwrap();
    let refused = report(&work, NOW, "now", &["--since", "then"]);
    refused.expect_code(1);
    assert!(
        refused.stderr().contains("summary.csv") && refused.stderr().contains("differs"),
        "{}",
        refused.stderr()
    );
    // A manifest naming a file outside its folder, and a folder that is no report.
    let manifest = work.path().join("then/manifest.json");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        text.replacen("\"governors/summary.csv\"", "\"../store/_versions\"", 1),
    )
    .unwrap();
    let outside = report(&work, NOW, "now", &["--since", "then"]);
    outside.expect_code(1);
    assert!(
        outside.stderr().contains("outside its folder"),
        "{}",
        outside.stderr()
    );
    fs::create_dir_all(work.path().join("empty")).unwrap();
    let none = report(&work, NOW, "now", &["--since", "empty"]);
    none.expect_code(1);
    assert!(none.stderr().contains("manifest.json"), "{}", none.stderr());
}
