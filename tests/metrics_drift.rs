//! Drift and delay (spec 02 §4), by hand-worked scenarios.
//!
//! Every scenario is reported as of Friday 2026-03-20 (2025/26 SP2). Days before it:
//! 10 = 03-10, 11 = 03-09, 14 = 03-06, 15 = 03-05, 20 = 02-28, 28 = 02-20, 29 = 02-19,
//! 42 = 02-06, 43 = 02-05, 84 = 2025-12-26, 85 = 2025-12-25.

use crate::scenario::{Report, Scenario};
use crate::util::TEST_KEY;

const AS_OF: &str = "2026-03-20";

/// The case ref ingest gives `case_id` in trust `TR1` under the test key (spec 01).
fn case_ref(case_id: &str) -> String {
    oversight::ingest::PseudonymKey::from_bytes(
        TEST_KEY.as_bytes().to_vec(),
        oversight::ingest::KeySource::Ephemeral,
    )
    .case_ref("TR1", case_id)
}

/// A DSL (who owns the cases) and a headteacher (who supervises).
fn staff() -> Scenario {
    let mut s = Scenario::new();
    s.add(
        "staff",
        "DSL1,100001,Ann Able,DSL,2020-09-01,,2025-01-10
         HT1,100001,Cat Cole,HEADTEACHER,2015-09-01,,2025-01-10",
    );
    s
}

/// Adds one-to-one sessions of HT1 with DSL1 at school 100001: `(id, held_on, status)`.
fn sessions(s: &mut Scenario, list: &[(&str, &str, &str)]) {
    for (id, held_on, status) in list {
        let row = if *status == "held" {
            format!("{id},100001,{held_on},HT1,one_to_one,true,held,60,{held_on},true,true,")
        } else {
            format!("{id},100001,{held_on},HT1,one_to_one,true,{status},,,false,false,")
        };
        s.add("sessions", &row);
        s.add("attendees", &format!("{id},DSL1"));
    }
}

/// `(last_discussed_on, flags, drifting)` of a case in restricted/drift_cases.csv.
fn drift(report: &Report, case_id: &str) -> (String, String, String) {
    let r = report.row("restricted/drift_cases", "case_ref", &case_ref(case_id));
    (
        r["last_discussed_on"].clone(),
        r["flags"].clone(),
        r["drifting"].clone(),
    )
}

/// `(flags, drifting)` of each case, for scenarios about one flag.
fn flags(report: &Report, case_ids: &[&str]) -> Vec<(String, String, String)> {
    case_ids
        .iter()
        .map(|id| {
            let (_, flags, drifting) = drift(report, id);
            (id.to_string(), flags, drifting)
        })
        .collect()
}

fn expect(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[test]
fn overdue_action_needs_more_than_overdue_days() {
    // Spec 02 §4: "overdue_action: an action of the case is overdue with days_overdue >
    // overdue_days (28)"; §3: "days_overdue = as-of − due_on (calendar days)".
    // K1's open action is due 2026-02-20: 28 days overdue, not more than 28 -> no flag.
    // K2's open action is due 2026-02-19: 29 days -> flagged.
    // K3's actions are long past due but one was done (late) before the as-of date and
    // the other cancelled: neither is overdue -> no flag.
    // The cases are CONCERN (no review interval) and never discussed, so no other flag.
    let mut s = staff();
    sessions(&mut s, &[("S1", "2026-01-05", "held")]);
    s.add(
        "cases",
        "K1,100001,CONCERN,DSL1,2025-09-10,
         K2,100001,CONCERN,DSL1,2025-09-10,
         K3,100001,CONCERN,DSL1,2025-09-10,",
    );
    s.add(
        "actions",
        "A1,S1,K1,DSL1,2026-02-20,,open
         A2,S1,K2,DSL1,2026-02-19,,open
         A3,S1,K3,DSL1,2026-01-20,2026-03-01,done
         A4,S1,K3,DSL1,2026-01-20,,cancelled",
    );
    let report = s.tables(AS_OF, &[]);
    assert_eq!(
        report.row("restricted/actions", "action_id", "A1")["days_overdue"],
        "28"
    );
    assert_eq!(
        report.row("restricted/actions", "action_id", "A2")["days_overdue"],
        "29"
    );
    assert_eq!(
        flags(&report, &["K1", "K2", "K3"]),
        expect(&[
            ("K1", "", "false"),
            ("K2", "overdue_action", "true"),
            ("K3", "", "false")
        ])
    );
}

#[test]
fn not_reviewed_counts_days_since_the_last_held_discussion_or_the_opening() {
    // Spec 02 §4: "not_reviewed: the category has a review_days entry (CP 42, CIN 42,
    // CLA 42, EH 84) and as-of − (last_discussed_on, or opened_on if never discussed) >
    // that many days"; "Discussions count only in held sessions on or before the as-of
    // date; last_discussed_on is the latest such session's held_on."
    // R1 = 2026-02-06 (42 days before), R2 = 2026-02-05 (43), R3 = 2026-03-10 cancelled,
    // R4 = 2026-03-25 held but after the as-of date.
    //   K1  CP discussed in R1: 42, not > 42                 -> not flagged
    //   K2  CP discussed in R2: 43 > 42                      -> not_reviewed
    //   K3  CP opened 2026-02-06, never discussed: 42        -> not flagged
    //   K4  CP opened 2026-02-05, never discussed: 43        -> not_reviewed
    //   K5  CONCERN opened 2025-09-01, never discussed: no review_days -> not flagged
    //   K6  EH discussed in R2: 43, not > 84                 -> not flagged
    //   K7  EH opened 2025-12-25, never discussed: 85 > 84   -> not_reviewed
    //   K8  EH opened 2025-12-26, never discussed: 84        -> not flagged
    //   K9  CP discussed in R2, R3 (cancelled), R4 (later): last discussed R2 -> flagged
    //   K10 CIN discussed in R2: 43 > 42                     -> not_reviewed
    //   K11 CLA discussed in R1: 42                          -> not flagged
    //   K12 STEP_DOWN opened 2025-09-01: no review_days      -> not flagged
    let mut s = staff();
    sessions(
        &mut s,
        &[
            ("R1", "2026-02-06", "held"),
            ("R2", "2026-02-05", "held"),
            ("R3", "2026-03-10", "cancelled"),
            ("R4", "2026-03-25", "held"),
        ],
    );
    s.add(
        "cases",
        "K1,100001,CP,DSL1,2025-09-10,
         K2,100001,CP,DSL1,2025-09-10,
         K3,100001,CP,DSL1,2026-02-06,
         K4,100001,CP,DSL1,2026-02-05,
         K5,100001,CONCERN,DSL1,2025-09-01,
         K6,100001,EH,DSL1,2025-09-10,
         K7,100001,EH,DSL1,2025-12-25,
         K8,100001,EH,DSL1,2025-12-26,
         K9,100001,CP,DSL1,2025-09-10,
         K10,100001,CIN,DSL1,2025-09-10,
         K11,100001,CLA,DSL1,2025-09-10,
         K12,100001,STEP_DOWN,DSL1,2025-09-01,",
    );
    s.add(
        "discussions",
        "R1,K1,,false
         R2,K2,,false
         R2,K6,,false
         R2,K9,,false
         R3,K9,,false
         R4,K9,,false
         R2,K10,,false
         R1,K11,,false",
    );
    let report = s.tables(AS_OF, &[]);
    let got: Vec<(String, String, String)> = (1..=12)
        .map(|n| {
            let id = format!("K{n}");
            let (last, flags, _) = drift(&report, &id);
            (id, last, flags)
        })
        .collect();
    assert_eq!(
        got,
        expect(&[
            ("K1", "2026-02-06", ""),
            ("K2", "2026-02-05", "not_reviewed"),
            ("K3", "", ""),
            ("K4", "", "not_reviewed"),
            ("K5", "", ""),
            ("K6", "2026-02-05", ""),
            ("K7", "", "not_reviewed"),
            ("K8", "", ""),
            ("K9", "2026-02-05", "not_reviewed"),
            ("K10", "2026-02-05", "not_reviewed"),
            ("K11", "2026-02-06", ""),
            ("K12", "", ""),
        ])
    );
}

#[test]
fn a_school_override_of_review_days_applies_to_that_school_only() {
    // Spec 04: "[schools."100001"] # one school's overrides; a key given here replaces
    // the default's value whole"; spec 02 §4 (drift_cases.sql: "The case's own school's policy
    // gives the thresholds"). School 100001 sets review_days = { CP = 10 }: EH has no
    // entry there any more. School 100002 keeps the default CP 42.
    //   K1 CP  @100001 discussed 2026-03-09: 11 > 10  -> not_reviewed
    //   K2 CP  @100001 discussed 2026-03-10: 10       -> not flagged
    //   K3 EH  @100001 opened 2025-09-01, never discussed: no EH entry -> not flagged
    //   K4 CP  @100002 discussed 2026-03-09: 11 <= 42 -> not flagged
    let mut s = staff();
    s.add(
        "schools",
        "TR1,Trust One,100002,School Two,secondary,Testshire",
    );
    s.add("staff", "DSL2,100002,Dan Dee,DSL,2020-09-01,,2025-01-10");
    s.policy("[schools.\"100001\".drift]\nreview_days = { CP = 10 }\n");
    sessions(
        &mut s,
        &[("V1", "2026-03-09", "held"), ("V2", "2026-03-10", "held")],
    );
    s.add(
        "cases",
        "K1,100001,CP,DSL1,2025-09-10,
         K2,100001,CP,DSL1,2025-09-10,
         K3,100001,EH,DSL1,2025-09-01,
         K4,100002,CP,DSL2,2025-09-10,",
    );
    s.add("discussions", "V1,K1,,false\nV2,K2,,false\nV1,K4,,false");
    let report = s.tables(AS_OF, &[]);
    assert_eq!(
        flags(&report, &["K1", "K2", "K3", "K4"]),
        expect(&[
            ("K1", "not_reviewed", "true"),
            ("K2", "", "false"),
            ("K3", "", "false"),
            ("K4", "", "false")
        ])
    );
    assert_eq!(
        report.row("restricted/drift_cases", "case_ref", &case_ref("K4"))["school_urn"],
        "100002"
    );
}

#[test]
fn no_progress_compares_the_last_three_scored_discussions() {
    // Spec 02 §4: "no_progress: the case has at least no_progress_discussions (3)
    // discussions with a safety_score; of the last that many, by date (then
    // session_id), the latest score is not above the earliest."
    // Sessions N1 03-02, N2 03-04, N3 03-06, N4 03-09, N5A and N5B both 03-11,
    // N6 03-12 cancelled, N9 03-25 held after the as-of date. Scores in date order:
    //   K1 5,5,4                 -> 4 <= 5: no_progress
    //   K2 4,5,6                 -> 6 > 4: not
    //   K3 5,(none),4            -> only 2 scored: not
    //   K4 3,6,5,6               -> last three 6,5,6: 6 <= 6: no_progress (all four
    //                               would compare 6 with 3: not)
    //   K5 7,5,5,(none)          -> unscored ignored: last three scored 7,5,5: flagged
    //   K6 5 (N1), 6 (N5A), 4 (N5B): same date, then session_id: 5,6,4 -> 4 <= 5: flagged
    //   K7 5 (N1), 4 (N5A), 6 (N5B): 5,4,6 -> 6 > 5: not
    //   K8 5,5 then 4 in N9 (after the as-of date): 2 scored: not
    //   K9 5,5 then 4 in N6 (cancelled): 2 scored: not
    // All CONCERN, never escalated, no actions: no other flag can be set.
    let mut s = staff();
    sessions(
        &mut s,
        &[
            ("N1", "2026-03-02", "held"),
            ("N2", "2026-03-04", "held"),
            ("N3", "2026-03-06", "held"),
            ("N4", "2026-03-09", "held"),
            ("N5A", "2026-03-11", "held"),
            ("N5B", "2026-03-11", "held"),
            ("N6", "2026-03-12", "cancelled"),
            ("N9", "2026-03-25", "held"),
        ],
    );
    for n in 1..=9 {
        s.add("cases", &format!("K{n},100001,CONCERN,DSL1,2025-09-10,"));
    }
    s.add(
        "discussions",
        "N1,K1,5,false
         N2,K1,5,false
         N3,K1,4,false
         N1,K2,4,false
         N2,K2,5,false
         N3,K2,6,false
         N1,K3,5,false
         N2,K3,,false
         N3,K3,4,false
         N1,K4,3,false
         N2,K4,6,false
         N3,K4,5,false
         N4,K4,6,false
         N1,K5,7,false
         N2,K5,5,false
         N3,K5,5,false
         N4,K5,,false
         N1,K6,5,false
         N5B,K6,4,false
         N5A,K6,6,false
         N1,K7,5,false
         N5A,K7,4,false
         N5B,K7,6,false
         N1,K8,5,false
         N2,K8,5,false
         N9,K8,4,false
         N1,K9,5,false
         N2,K9,5,false
         N6,K9,4,false",
    );
    let report = s.tables(AS_OF, &[]);
    assert_eq!(
        flags(
            &report,
            &["K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8", "K9"]
        ),
        expect(&[
            ("K1", "no_progress", "true"),
            ("K2", "", "false"),
            ("K3", "", "false"),
            ("K4", "no_progress", "true"),
            ("K5", "no_progress", "true"),
            ("K6", "no_progress", "true"),
            ("K7", "", "false"),
            ("K8", "", "false"),
            ("K9", "", "false"),
        ])
    );
    // The unscored discussion in N4 still counts as K5's last discussion; K8's last
    // discussion is N2 (N9 is not seen), K9's too (N6 was cancelled).
    assert_eq!(drift(&report, "K5").0, "2026-03-09");
    assert_eq!(drift(&report, "K8").0, "2026-03-04");
    assert_eq!(drift(&report, "K9").0, "2026-03-04");
}

#[test]
fn escalated_stale_looks_at_the_latest_discussion_only() {
    // Spec 02 §4: "escalated_stale: the latest discussion has escalated true and
    // as-of − its held_on > escalation_days (14)".
    // E30 = 02-18 (30 days before), E20 = 02-28 (20), E15 = 03-05 (15), E14 = 03-06 (14),
    // EF = 03-25 (after the as-of date, not seen).
    //   K1 escalated in E15: 15 > 14                          -> escalated_stale
    //   K2 escalated in E14: 14                               -> not
    //   K3 escalated in E30, then not escalated in E20        -> not (latest is E20)
    //   K4 not escalated in E30, escalated in E20: 20 > 14    -> escalated_stale
    //   K5 escalated in E15, not escalated in EF (not seen)   -> escalated_stale
    let mut s = staff();
    sessions(
        &mut s,
        &[
            ("E30", "2026-02-18", "held"),
            ("E20", "2026-02-28", "held"),
            ("E15", "2026-03-05", "held"),
            ("E14", "2026-03-06", "held"),
            ("EF", "2026-03-25", "held"),
        ],
    );
    for n in 1..=5 {
        s.add("cases", &format!("K{n},100001,CONCERN,DSL1,2025-09-10,"));
    }
    s.add(
        "discussions",
        "E15,K1,,true
         E14,K2,,yes
         E30,K3,,true
         E20,K3,,false
         E30,K4,,false
         E20,K4,,true
         E15,K5,,true
         EF,K5,,false",
    );
    let report = s.tables(AS_OF, &[]);
    assert_eq!(
        flags(&report, &["K1", "K2", "K3", "K4", "K5"]),
        expect(&[
            ("K1", "escalated_stale", "true"),
            ("K2", "", "false"),
            ("K3", "", "false"),
            ("K4", "escalated_stale", "true"),
            ("K5", "escalated_stale", "true"),
        ])
    );
    assert_eq!(drift(&report, "K5").0, "2026-03-05");
}

#[test]
fn carried_over_counts_later_held_sessions_discussing_the_case() {
    // Spec 02 §4: "carried_over: an action of the case, not cancelled and not done by the
    // as-of date, has had at least carried_sessions (3) later discussions of the case
    // (held after the action's session, on or before the as-of date) without being
    // completed." "Readings settled": "Later discussions are distinct held sessions
    // discussing the case after the action's session, up to the as-of date."
    // P0 03-02, P1 03-04, P2 03-06, P3 03-09, P4 03-11, P5 03-13, PX 03-16 cancelled,
    // PF 03-25 held after the as-of date. Every action is due 2026-04-30 (not overdue).
    //   K1 action in P0; discussed P0,P1,P2,P3: 3 later              -> carried_over
    //   K2 action in P0; discussed P0,P1,P2: 2 later (P0 is its own)  -> not
    //   K3 action in P0 done 03-12; discussed P1,P2,P3                -> not (done)
    //   K4 action in P0 done 03-25 (after the as-of); P1,P2,P3        -> carried_over
    //   K5 action in P0; discussed P1,P2,PX,PF: 2 later counted       -> not
    //   K6 action in P0 cancelled; discussed P1,P2,P3                 -> not
    //   K7 action in P3; discussed P0..P5: later P4,P5 = 2            -> not
    //   K8 action in P0 done 03-05, action in P2 open; discussed P1,P3,P4: the open
    //      one has 2 later (P3,P4), the done one does not count       -> not
    let mut s = staff();
    sessions(
        &mut s,
        &[
            ("P0", "2026-03-02", "held"),
            ("P1", "2026-03-04", "held"),
            ("P2", "2026-03-06", "held"),
            ("P3", "2026-03-09", "held"),
            ("P4", "2026-03-11", "held"),
            ("P5", "2026-03-13", "held"),
            ("PX", "2026-03-16", "cancelled"),
            ("PF", "2026-03-25", "held"),
        ],
    );
    for n in 1..=8 {
        s.add("cases", &format!("K{n},100001,CONCERN,DSL1,2025-09-10,"));
    }
    s.add(
        "actions",
        "A1,P0,K1,DSL1,2026-04-30,,open
         A2,P0,K2,DSL1,2026-04-30,,open
         A3,P0,K3,DSL1,2026-04-30,2026-03-12,done
         A4,P0,K4,DSL1,2026-04-30,2026-03-25,done
         A5,P0,K5,DSL1,2026-04-30,,open
         A6,P0,K6,DSL1,2026-04-30,,cancelled
         A7,P3,K7,DSL1,2026-04-30,,open
         A8,P0,K8,DSL1,2026-04-30,2026-03-05,done
         A9,P2,K8,DSL1,2026-04-30,,open",
    );
    let mut discussions = String::new();
    for (case, list) in [
        ("K1", "P0 P1 P2 P3"),
        ("K2", "P0 P1 P2"),
        ("K3", "P1 P2 P3"),
        ("K4", "P1 P2 P3"),
        ("K5", "P1 P2 PX PF"),
        ("K6", "P1 P2 P3"),
        ("K7", "P0 P1 P2 P3 P4 P5"),
        ("K8", "P1 P3 P4"),
    ] {
        for session in list.split(' ') {
            discussions.push_str(&format!("{session},{case},,false\n"));
        }
    }
    s.add("discussions", &discussions);
    let report = s.tables(AS_OF, &[]);
    assert_eq!(
        flags(&report, &["K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8"]),
        expect(&[
            ("K1", "carried_over", "true"),
            ("K2", "", "false"),
            ("K3", "", "false"),
            ("K4", "carried_over", "true"),
            ("K5", "", "false"),
            ("K6", "", "false"),
            ("K7", "", "false"),
            ("K8", "", "false"),
        ])
    );
}

#[test]
fn only_cases_open_on_the_as_of_date_have_a_row() {
    // Spec 02 §4: "For each case open on the as-of date (opened_on <= as-of, closed_on
    // empty or after it)"; spec 02: "a case opened later do[es] not exist for that run".
    //   K1 closed on the as-of date        -> no row
    //   K2 closed the day after            -> open, a row
    //   K3 opened the day after            -> no row
    //   K4 opened on the as-of date        -> a row
    //   K5 closed 2026-01-01               -> no row
    //   K6 opened 2025-09-10, never closed -> a row
    let mut s = staff();
    s.add(
        "cases",
        "K1,100001,CONCERN,DSL1,2025-09-10,2026-03-20
         K2,100001,CONCERN,DSL1,2025-09-10,2026-03-21
         K3,100001,CONCERN,DSL1,2026-03-21,
         K4,100001,CONCERN,DSL1,2026-03-20,
         K5,100001,CP,DSL1,2025-09-10,2026-01-01
         K6,100001,CONCERN,DSL1,2025-09-10,",
    );
    let report = s.tables(AS_OF, &[]);
    let mut got: Vec<String> = report
        .rows("restricted/drift_cases")
        .into_iter()
        .map(|r| r["case_ref"].clone())
        .collect();
    got.sort();
    let mut expected: Vec<String> = ["K2", "K4", "K6"].iter().map(|id| case_ref(id)).collect();
    expected.sort();
    assert_eq!(got, expected);
}

#[test]
fn flags_are_listed_in_the_spec_order_and_any_flag_is_drifting() {
    // Spec 02 §4: "drifting = any flag. flags lists the set flags in the order above,
    // ;-separated" (overdue_action, not_reviewed, no_progress, escalated_stale,
    // carried_over).
    // F1 2026-01-05, F2 01-07, F3 01-09, F4 01-12, G1 03-01.
    // K1 CP: scores 6,5,5,4 in F1..F4, escalated in F4; action X1 agreed in F1, due
    //   2026-02-01, open.
    //   overdue_action: 2026-03-20 − 2026-02-01 = 47 > 28; not_reviewed: last discussed
    //   F4 = 2026-01-12, 67 days > 42; no_progress: last three 5,5,4; escalated_stale:
    //   67 > 14; carried_over: F2, F3, F4 after F1 = 3. All five.
    // K2 CONCERN: discussed only in G1 (escalated, 19 days > 14), action X2 agreed in F1
    //   due 2026-02-01 open (47 > 28), 1 later discussion -> overdue_action;escalated_stale.
    // K3 CP opened 2026-03-01, never discussed: 19 days, no flag, not drifting.
    // K4 CIN: discussed F1..F4 unscored, action X4 in F1 due 2026-04-30 open:
    //   67 > 42 and 3 later sessions -> not_reviewed;carried_over.
    let mut s = staff();
    sessions(
        &mut s,
        &[
            ("F1", "2026-01-05", "held"),
            ("F2", "2026-01-07", "held"),
            ("F3", "2026-01-09", "held"),
            ("F4", "2026-01-12", "held"),
            ("G1", "2026-03-01", "held"),
        ],
    );
    s.add(
        "cases",
        "K1,100001,CP,DSL1,2025-09-10,
         K2,100001,CONCERN,DSL1,2025-09-10,
         K3,100001,CP,DSL1,2026-03-01,
         K4,100001,CIN,DSL1,2025-09-10,",
    );
    s.add(
        "discussions",
        "F1,K1,6,false
         F2,K1,5,false
         F3,K1,5,false
         F4,K1,4,true
         G1,K2,,true
         F1,K4,,false
         F2,K4,,false
         F3,K4,,false
         F4,K4,,false",
    );
    s.add(
        "actions",
        "X1,F1,K1,DSL1,2026-02-01,,open
         X2,F1,K2,DSL1,2026-02-01,,open
         X4,F1,K4,DSL1,2026-04-30,,open",
    );
    let report = s.tables(AS_OF, &[]);
    let got: Vec<(String, String, String)> = ["K1", "K2", "K3", "K4"]
        .iter()
        .map(|id| drift(&report, id))
        .collect();
    assert_eq!(
        got,
        expect(&[
            (
                "2026-01-12",
                "overdue_action;not_reviewed;no_progress;escalated_stale;carried_over",
                "true"
            ),
            ("2026-03-01", "overdue_action;escalated_stale", "true"),
            ("", "", "false"),
            ("2026-01-12", "not_reviewed;carried_over", "true"),
        ])
    );
    let k1 = report.row("restricted/drift_cases", "case_ref", &case_ref("K1"));
    assert_eq!(
        [
            &k1["trust_id"],
            &k1["school_urn"],
            &k1["category"],
            &k1["owner_id"],
            &k1["opened_on"]
        ],
        ["TR1", "100001", "CP", "DSL1", "2025-09-10"]
    );
}
