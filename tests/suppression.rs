//! Small-number suppression in the governors' outputs (spec 02, "Suppression in outputs
//! for governors and inspectors"), through the real binary.
//!
//! Drift is made simple to count here: as of 2026-01-20, a CP case opened on 2025-09-10
//! and never discussed is `not_reviewed` (132 days > 42) and so drifting; a CONCERN case
//! never drifts without discussions or actions (no review interval); an EH case opened
//! on 2025-12-01 is 50 days old (< 84) and does not drift.

use crate::scenario::{DEFAULT_POLICY, Report, Row, Scenario};
use crate::util::{TEST_KEY, snapshot};

const AS_OF: &str = "2026-01-20";

/// The drift_by_school.csv count columns, in order.
const DRIFT_COUNTS: [&str; 7] = [
    "open_cases",
    "drifting",
    "overdue_action",
    "not_reviewed",
    "no_progress",
    "escalated_stale",
    "carried_over",
];

fn case_ref(trust: &str, case_id: &str) -> String {
    oversight::ingest::PseudonymKey::from_bytes(
        TEST_KEY.as_bytes().to_vec(),
        oversight::ingest::KeySource::Ephemeral,
    )
    .case_ref(trust, case_id)
}

/// Adds `n` cases `{prefix}{1..n}` of `category` at `urn`, owned by `owner`.
fn cases(
    s: &mut Scenario,
    prefix: &str,
    n: usize,
    urn: &str,
    category: &str,
    owner: &str,
    opened_on: &str,
) {
    for i in 1..=n {
        s.add(
            "cases",
            &format!("{prefix}{i},{urn},{category},{owner},{opened_on},"),
        );
    }
}

/// Trust TR1 with four schools:
///   A 100001: 1 CP (drifting) + 2 CONCERN + 3 EH -> open 6, drifting 1
///   B 100002: 2 CP (drifting)                     -> open 2, drifting 2
///   C 100003: 4 CP (drifting) + 1 CONCERN         -> open 5, drifting 4
///   D 100004: no case                             -> open 0, drifting 0
/// DSLA (school A) owns A's cases: open_cp 1, open_eh 3, open_concern 2, weighted
/// 3 + 3 + 1 = 7.00, one overdue action on case CHILD-A-CP1, one session received.
fn four_schools() -> Scenario {
    let mut s = Scenario::new();
    s.add(
        "schools",
        "TR1,Trust One,100002,School Two,primary,Testshire
         TR1,Trust One,100003,School Three,secondary,Testshire
         TR1,Trust One,100004,School Four,primary,Testshire",
    );
    s.add(
        "staff",
        "DSLA,100001,Ann Able,DSL,2020-09-01,,2025-01-10
         DSLB,100002,Bea Bond,DSL,2020-09-01,,2025-01-10
         DSLC,100003,Cy Cope,DSL,2020-09-01,,2025-01-10
         DSLD,100004,Di Dunn,DSL,2020-09-01,,2025-01-10
         HT1,100001,Cat Cole,HEADTEACHER,2015-09-01,,2025-01-10",
    );
    s.add(
        "sessions",
        "S1,100001,2025-10-01,HT1,one_to_one,true,held,60,2025-10-01,true,true,",
    );
    s.add("attendees", "S1,DSLA");
    cases(
        &mut s,
        "CHILD-A-CP",
        1,
        "100001",
        "CP",
        "DSLA",
        "2025-09-10",
    );
    cases(
        &mut s,
        "CHILD-A-CO",
        2,
        "100001",
        "CONCERN",
        "DSLA",
        "2025-09-10",
    );
    cases(
        &mut s,
        "CHILD-A-EH",
        3,
        "100001",
        "EH",
        "DSLA",
        "2025-12-01",
    );
    cases(
        &mut s,
        "CHILD-B-CP",
        2,
        "100002",
        "CP",
        "DSLB",
        "2025-09-10",
    );
    cases(
        &mut s,
        "CHILD-C-CP",
        4,
        "100003",
        "CP",
        "DSLC",
        "2025-09-10",
    );
    cases(
        &mut s,
        "CHILD-C-CO",
        1,
        "100003",
        "CONCERN",
        "DSLC",
        "2025-09-10",
    );
    s.add("actions", "Z1,S1,CHILD-A-CP1,DSLA,2026-01-10,,open");
    s
}

/// school_urn -> the drift_by_school.csv counts.
fn drift_by_school(report: &Report) -> Vec<(String, Vec<String>)> {
    report
        .rows("governors/drift_by_school")
        .into_iter()
        .map(|r| {
            (
                r["school_urn"].clone(),
                DRIFT_COUNTS.iter().map(|c| r[*c].clone()).collect(),
            )
        })
        .collect()
}

fn school(urn: &str, counts: [&str; 7]) -> (String, Vec<String>) {
    (
        urn.to_string(),
        counts.iter().map(|c| c.to_string()).collect(),
    )
}

/// `(open_cases, drifting_cases)` of each summary.csv row of `trust`, by school_urn.
fn summary(report: &Report, trust: &str) -> Vec<(String, String, String)> {
    report
        .rows_where("governors/summary", "trust_id", trust)
        .into_iter()
        .map(|r: Row| {
            (
                r["school_urn"].clone(),
                r["open_cases"].clone(),
                r["drifting_cases"].clone(),
            )
        })
        .collect()
}

fn triples(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[test]
fn case_counts_of_one_and_two_are_c_for_governors() {
    // Spec 02, Suppression: "Counts of cases (children) from 1 to suppress_below − 1
    // (default 3: so 1 and 2) are written as c in every governors' ... output. Zero is
    // shown as 0." drift_by_school counts children's cases in every count column.
    //   A: open 6, drifting 1 -> c, not_reviewed 1 -> c
    //   B: open 2 -> c, drifting 2 -> c, not_reviewed 2 -> c
    //   C: open 5, drifting 4, not_reviewed 4 (3 and more are shown)
    //   D: all 0, shown as 0
    let report = four_schools().report(AS_OF, &[]);
    assert_eq!(
        drift_by_school(&report),
        vec![
            school("100001", ["6", "c", "0", "c", "0", "0", "0"]),
            school("100002", ["c", "c", "0", "c", "0", "0", "0"]),
            school("100003", ["5", "4", "0", "4", "0", "0", "0"]),
            school("100004", ["0", "0", "0", "0", "0", "0", "0"]),
        ]
    );
    // summary.csv, trust TOTAL row: "a case-count column is c when exactly one school's
    // cell in it is c (the total would give it away)".
    //   open_cases: 6, c, 5, 0 -> one hidden cell -> TOTAL c (not 13)
    //   drifting:   c, c, 4, 0 -> two hidden cells, total 7 >= 3 -> TOTAL 7
    assert_eq!(
        summary(&report, "TR1"),
        triples(&[
            ("100001", "6", "c"),
            ("100002", "c", "c"),
            ("100003", "5", "4"),
            ("100004", "0", "0"),
            ("TOTAL", "c", "7"),
        ])
    );
}

#[test]
fn trust_totals_hide_a_single_suppressed_school_and_small_totals() {
    // Spec 02, Suppression: "In a trust total row, a case-count column is c when exactly
    // one school's cell in it is c ..., or when the total itself is 1 or 2." Totals are
    // per trust.
    // TR1: A 1 CP + 2 CONCERN (open 3, drifting 1 = c); B 3 CONCERN (open 3, drifting
    //   0); C 4 CP + 1 CONCERN (open 5, drifting 4).
    //   open_cases 3 + 3 + 5 = 11, no hidden cell -> 11; drifting 1 + 0 + 4 = 5 with
    //   exactly one hidden cell -> c.
    // TR2: X and Y 1 CP + 2 CONCERN each (open 3, drifting 1 = c), Z none.
    //   open_cases 6 -> 6; drifting 1 + 1 + 0 = 2, two hidden cells but a total of 2
    //   -> c.
    let mut s = Scenario::new();
    s.add(
        "schools",
        "TR1,Trust One,100002,School Two,primary,Testshire
         TR1,Trust One,100003,School Three,secondary,Testshire
         TR2,Trust Two,200001,School X,primary,Testshire
         TR2,Trust Two,200002,School Y,primary,Testshire
         TR2,Trust Two,200003,School Z,primary,Testshire",
    );
    s.add(
        "staff",
        "DSL1,100001,Ann Able,DSL,2020-09-01,,
         DSL2,200001,Xan Ex,DSL,2020-09-01,,",
    );
    cases(
        &mut s,
        "CHILD-A-CP",
        1,
        "100001",
        "CP",
        "DSL1",
        "2025-09-10",
    );
    cases(
        &mut s,
        "CHILD-A-CO",
        2,
        "100001",
        "CONCERN",
        "DSL1",
        "2025-09-10",
    );
    cases(
        &mut s,
        "CHILD-B-CO",
        3,
        "100002",
        "CONCERN",
        "DSL1",
        "2025-09-10",
    );
    cases(
        &mut s,
        "CHILD-C-CP",
        4,
        "100003",
        "CP",
        "DSL1",
        "2025-09-10",
    );
    cases(
        &mut s,
        "CHILD-C-CO",
        1,
        "100003",
        "CONCERN",
        "DSL1",
        "2025-09-10",
    );
    cases(
        &mut s,
        "CHILD-X-CP",
        1,
        "200001",
        "CP",
        "DSL2",
        "2025-09-10",
    );
    cases(
        &mut s,
        "CHILD-X-CO",
        2,
        "200001",
        "CONCERN",
        "DSL2",
        "2025-09-10",
    );
    cases(
        &mut s,
        "CHILD-Y-CP",
        1,
        "200002",
        "CP",
        "DSL2",
        "2025-09-10",
    );
    cases(
        &mut s,
        "CHILD-Y-CO",
        2,
        "200002",
        "CONCERN",
        "DSL2",
        "2025-09-10",
    );
    let report = s.report(AS_OF, &[]);
    assert_eq!(
        summary(&report, "TR1"),
        triples(&[
            ("100001", "3", "c"),
            ("100002", "3", "0"),
            ("100003", "5", "4"),
            ("TOTAL", "11", "c")
        ])
    );
    assert_eq!(
        summary(&report, "TR2"),
        triples(&[
            ("200001", "3", "c"),
            ("200002", "3", "c"),
            ("200003", "0", "0"),
            ("TOTAL", "6", "c")
        ])
    );
    // The restricted file has the real figures: 5 drifting cases in TR1, 2 in TR2.
    let drifting = |trust: &str| {
        report
            .rows_where("restricted/drift_cases", "trust_id", trust)
            .into_iter()
            .filter(|r| r["drifting"] == "true")
            .count()
    };
    assert_eq!((drifting("TR1"), drifting("TR2")), (5, 2));
    assert_eq!(
        report.row(
            "restricted/drift_cases",
            "case_ref",
            &case_ref("TR2", "CHILD-X-CP1")
        )["flags"],
        "not_reviewed"
    );
}

#[test]
fn workload_case_counts_are_suppressed_for_governors_but_staff_sessions_and_actions_are_not() {
    // Spec 03: governors/workload_dsl.csv is "workload.csv's columns less staff_id, for
    // roles DSL and DDSL, case counts suppressed"; spec 02: "Counts of staff, sessions
    // and actions are not suppressed."
    // DSLA: open_cp 1 -> c, open_eh 3 -> 3, open_concern 2 -> c, the zeros 0;
    //   weighted_caseload 7.00 -> c: the project's reading (docs/decisions.md,
    //   "weighted_caseload for governors when a case count of the row is suppressed":
    //   like spec 02's "A percentage whose numerator or denominator is suppressed is c
    //   too", since the public weights would give the small count away);
    //   over_caseload false is still shown; open_actions 1, overdue_actions 1,
    //   sessions_received 1 (actions and sessions: shown).
    // DDSLD (school D) owns 3 EH cases opened 2025-12-01: open_eh 3, nothing hidden, so
    //   weighted_caseload 3 x 1.0 = 3.00 is shown.
    // HT1 (HEADTEACHER) supervised S1: a workload row, but not in workload_dsl.
    let mut s = four_schools();
    s.add("staff", "DDSLD,100004,Eve East,DDSL,2021-09-01,,");
    cases(
        &mut s,
        "CHILD-D-EH",
        3,
        "100004",
        "EH",
        "DDSLD",
        "2025-12-01",
    );
    let report = s.report(AS_OF, &[]);
    let columns = [
        "school_urn",
        "role",
        "open_cp",
        "open_cin",
        "open_cla",
        "open_eh",
        "open_concern",
        "open_step_down",
        "weighted_caseload",
        "over_caseload",
        "open_actions",
        "overdue_actions",
        "sessions_received",
        "sessions_given",
    ];
    let shown = |name: &str| -> Vec<String> {
        let row = report.row("governors/workload_dsl", "display_name", name);
        columns.iter().map(|c| row[*c].clone()).collect()
    };
    assert_eq!(
        shown("Ann Able"),
        [
            "100001", "DSL", "c", "0", "0", "3", "c", "0", "c", "false", "1", "1", "1", "0"
        ]
    );
    assert_eq!(
        shown("Eve East"),
        [
            "100004", "DDSL", "0", "0", "0", "3", "0", "0", "3.00", "false", "0", "0", "0", "0"
        ]
    );
    let names: Vec<String> = report
        .rows("governors/workload_dsl")
        .into_iter()
        .map(|r| r["display_name"].clone())
        .collect();
    assert_eq!(
        names,
        ["Ann Able", "Bea Bond", "Cy Cope", "Di Dunn", "Eve East"]
    );
    assert!(!report.rows("governors/workload_dsl")[0].contains_key("staff_id"));
    // The restricted file keeps DSLA's real figure.
    assert_eq!(
        report.row("restricted/workload", "staff_id", "DSLA")["weighted_caseload"],
        "7.00"
    );
    // Actions are counted, not suppressed: one overdue action at school A.
    let actions = report.row("governors/actions_by_school", "school_urn", "100001");
    assert_eq!(
        (actions["overdue"].as_str(), actions["on_time_pct"].as_str()),
        ("1", "0.0")
    );
    let a = report.row("governors/summary", "school_urn", "100001");
    assert_eq!(
        (a["overdue_actions"].as_str(), a["sessions_held"].as_str()),
        ("1", "1")
    );
}

#[test]
fn restricted_files_are_never_suppressed() {
    // Spec 02: suppression applies to "every governors' and school-pack output"; the
    // restricted files are for the trust safeguarding lead and DSLs (spec 03) and keep
    // the real counts.
    let report = four_schools().report(AS_OF, &[]);
    let columns = ["open_cp", "open_eh", "open_concern"];
    let dsla = report.row("restricted/workload", "staff_id", "DSLA");
    let got: Vec<&str> = columns.iter().map(|c| dsla[*c].as_str()).collect();
    assert_eq!(got, ["1", "3", "2"]);
    let dslb = report.row("restricted/workload", "staff_id", "DSLB");
    assert_eq!(dslb["open_cp"], "2");
    // School B's two drifting cases are both listed.
    assert_eq!(
        report
            .rows_where("restricted/drift_cases", "school_urn", "100002")
            .len(),
        2
    );
    // No restricted cell anywhere is the suppression mark.
    let out = report.work.path().join("out");
    for (path, bytes) in snapshot(&out.join("restricted")) {
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        for record in reader.records() {
            let record = record.unwrap();
            assert!(
                !record.iter().any(|cell| cell == "c"),
                "a suppressed cell in restricted/{}: {record:?}",
                path.display()
            );
        }
    }
}

#[test]
fn no_governors_file_carries_a_case_ref() {
    // Spec 03: "governors/ — no child-level rows, case counts suppressed"; only the
    // restricted files carry case refs. Every case ref of restricted/drift_cases.csv and
    // restricted/actions.csv is looked for in the bytes of every governors' file, and no
    // governors' CSV has a case_ref column. The raw case ids never reach any output
    // (spec 01: "Child identifiers never reach the store").
    let report = four_schools().report(AS_OF, &[]);
    let mut refs: Vec<String> = report
        .rows("restricted/drift_cases")
        .into_iter()
        .map(|r| r["case_ref"].clone())
        .collect();
    refs.extend(
        report
            .rows("restricted/actions")
            .into_iter()
            .map(|r| r["case_ref"].clone())
            .filter(|r| !r.is_empty()),
    );
    // 6 + 2 + 5 open cases, and the action's case (CHILD-A-CP1, already among them).
    assert_eq!(refs.len(), 14);
    assert!(refs.contains(&case_ref("TR1", "CHILD-A-CP1")));
    let out = report.work.path().join("out");
    let governors = snapshot(&out.join("governors"));
    assert!(governors.len() >= 6, "{:?}", governors.keys());
    for (path, bytes) in &governors {
        for case_ref in &refs {
            let found = bytes
                .windows(case_ref.len())
                .any(|w| w == case_ref.as_bytes());
            assert!(!found, "{case_ref} found in governors/{}", path.display());
        }
        if path.extension().is_some_and(|e| e == "csv") {
            let header = String::from_utf8_lossy(
                &bytes[..bytes
                    .iter()
                    .position(|b| *b == b'\n')
                    .unwrap_or(bytes.len())],
            )
            .into_owned();
            assert!(
                !header.split(',').any(|c| c == "case_ref"),
                "governors/{}: {header}",
                path.display()
            );
        }
    }
    for (path, bytes) in snapshot(&out) {
        let found = bytes.windows(b"CHILD-".len()).any(|w| w == b"CHILD-");
        assert!(!found, "a raw case id in {}", path.display());
    }
    // The scan can find a case ref: the restricted file holds them as bytes too.
    let restricted = report.bytes("restricted/drift_cases.csv");
    let wanted = case_ref("TR1", "CHILD-B-CP2");
    assert!(
        restricted
            .windows(wanted.len())
            .any(|w| w == wanted.as_bytes())
    );
}

#[test]
fn suppress_below_in_the_policy_sets_the_threshold() {
    // Spec 04: "suppress_below = 3 # case counts 1..2 become c for governors"; spec 02:
    // "from 1 to suppress_below − 1". With suppress_below = 5, 1..4 are c and 5 is shown.
    //   drift_by_school: A open 6, drifting 1 -> c; B open 2 -> c, drifting 2 -> c;
    //     C open 5 -> 5, drifting 4 -> c (shown as 4 under the default), not_reviewed 4
    //     -> c; D zeros.
    //   summary TOTAL: open_cases 6, c, 5, 0 -> one hidden cell -> c; drifting c, c, c, 0
    //     -> three hidden cells, total 7 >= 5 -> 7.
    //   workload_dsl DSLA: open_eh 3 -> c (shown under the default).
    let mut s = four_schools();
    let policy = DEFAULT_POLICY.replace("suppress_below = 3", "suppress_below = 5");
    assert_ne!(policy, DEFAULT_POLICY);
    s.replace_policy(&policy);
    let report = s.report(AS_OF, &[]);
    assert_eq!(
        drift_by_school(&report),
        vec![
            school("100001", ["6", "c", "0", "c", "0", "0", "0"]),
            school("100002", ["c", "c", "0", "c", "0", "0", "0"]),
            school("100003", ["5", "c", "0", "c", "0", "0", "0"]),
            school("100004", ["0", "0", "0", "0", "0", "0", "0"]),
        ]
    );
    assert_eq!(
        summary(&report, "TR1"),
        triples(&[
            ("100001", "6", "c"),
            ("100002", "c", "c"),
            ("100003", "5", "c"),
            ("100004", "0", "0"),
            ("TOTAL", "c", "7"),
        ])
    );
    let dsla = report.row("governors/workload_dsl", "display_name", "Ann Able");
    assert_eq!(
        (
            dsla["open_cp"].as_str(),
            dsla["open_eh"].as_str(),
            dsla["open_concern"].as_str()
        ),
        ("c", "c", "c")
    );
}
