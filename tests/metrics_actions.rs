//! Actions closed (spec 02 §3), by hand-worked scenarios.
//!
//! The 2025/26 calendar of sample-data: AU1 = 2025-09-01..2025-10-24, AU2 =
//! 2025-11-03..2025-12-19, SP1 = 2026-01-05..2026-02-13, SP2 = 2026-02-23..2026-03-27;
//! 2024/25 SP2 = 2025-02-24..2025-04-04, SU2 = 2025-06-02..2025-07-22.

use crate::scenario::{Report, Scenario};
use crate::util::TEST_KEY;

/// The as-of date of every scenario here: a Tuesday in 2025/26 SP1.
const AS_OF: &str = "2026-01-20";

/// The case ref ingest gives `case_id` in trust `TR1` under the test key (spec 01).
fn case_ref(case_id: &str) -> String {
    oversight::ingest::PseudonymKey::from_bytes(
        TEST_KEY.as_bytes().to_vec(),
        oversight::ingest::KeySource::Ephemeral,
    )
    .case_ref("TR1", case_id)
}

/// A DSL supervised by a headteacher in one held session S1 (2025-10-01), and one open
/// case K1 the DSL owns.
fn one_session() -> Scenario {
    let mut s = Scenario::new();
    s.add(
        "staff",
        "DSL1,100001,Ann Able,DSL,2020-09-01,,2025-01-10
         HT1,100001,Cat Cole,HEADTEACHER,2015-09-01,,2025-01-10",
    );
    s.add(
        "sessions",
        "S1,100001,2025-10-01,HT1,one_to_one,true,held,60,2025-10-01,true,true,",
    );
    s.add("attendees", "S1,DSL1");
    s.add("cases", "K1,100001,CP,DSL1,2025-09-10,");
    s.add("discussions", "S1,K1,5,false");
    s
}

/// `(action_id, completed_on, class, days_overdue, period_id)` of restricted/actions.csv.
fn classes(report: &Report) -> Vec<(String, String, String, String, String)> {
    report
        .rows("restricted/actions")
        .into_iter()
        .map(|r| {
            (
                r["action_id"].clone(),
                r["completed_on"].clone(),
                r["class"].clone(),
                r["days_overdue"].clone(),
                r["period_id"].clone(),
            )
        })
        .collect()
}

fn row(
    action: &str,
    completed: &str,
    class: &str,
    days: &str,
    period: &str,
) -> (String, String, String, String, String) {
    (
        action.into(),
        completed.into(),
        class.into(),
        days.into(),
        period.into(),
    )
}

#[test]
fn each_action_is_classed_at_the_as_of_date() {
    // Spec 02 §3, as of 2026-01-20:
    //   "done_on_time: completed_on <= as-of and completed_on <= due_on"
    //   "done_late: completed_on <= as-of and completed_on > due_on"
    //   "overdue: not completed by the as-of date, and due_on < as-of"
    //   "not_yet_due: not completed by the as-of date, and due_on >= as-of"
    //   "days_overdue = as-of − due_on (calendar days), for overdue only."
    // Spec 02, "Readings settled": "a completed_on ... after it counts as not (yet) there".
    // A1 due 11-10, done 11-10: on the due date = on time.
    // A2 due 11-10, done 11-11: a day late = done_late.
    // A3 due 2026-01-05, open: overdue, 2026-01-20 − 2026-01-05 = 15 days.
    // A4 due 2026-01-20 = the as-of date, open: due_on >= as-of, not_yet_due.
    // A5 due 2026-01-19, open: overdue by 1 day (the first overdue day).
    // A6 due 2026-01-10, done 2026-01-25 (after the as-of): not completed yet, overdue
    //    2026-01-20 − 2026-01-10 = 10 days, completed_on not shown.
    // A7 due 2026-02-10, done 2026-01-25 (after the as-of): not_yet_due, no completed_on.
    // A8 due 2025-12-01, done 2026-01-20 (on the as-of date): seen, done_late.
    // period_id: the reporting half-term of due_on (11-10, 12-01 in AU2; the rest SP1).
    let mut s = one_session();
    s.add(
        "actions",
        "A1,S1,K1,DSL1,2025-11-10,2025-11-10,done
         A2,S1,K1,DSL1,2025-11-10,2025-11-11,done
         A3,S1,K1,DSL1,2026-01-05,,open
         A4,S1,,DSL1,2026-01-20,,open
         A5,S1,,DSL1,2026-01-19,,open
         A6,S1,K1,DSL1,2026-01-10,2026-01-25,done
         A7,S1,K1,DSL1,2026-02-10,2026-01-25,done
         A8,S1,,DSL1,2025-12-01,2026-01-20,done",
    );
    let report = s.tables(AS_OF, &[]);
    assert_eq!(
        classes(&report),
        vec![
            row("A1", "2025-11-10", "done_on_time", "", "2025/26 AU2"),
            row("A2", "2025-11-11", "done_late", "", "2025/26 AU2"),
            row("A3", "", "overdue", "15", "2025/26 SP1"),
            row("A4", "", "not_yet_due", "", "2025/26 SP1"),
            row("A5", "", "overdue", "1", "2025/26 SP1"),
            row("A6", "", "overdue", "10", "2025/26 SP1"),
            row("A7", "", "not_yet_due", "", "2025/26 SP1"),
            row("A8", "2026-01-20", "done_late", "", "2025/26 AU2"),
        ]
    );
    // The action carries its case's ref (spec 03 restricted/actions.csv), empty when the
    // action is not about a case (spec 01: case_id may be empty).
    let a1 = report.row("restricted/actions", "action_id", "A1");
    assert_eq!(
        (a1["case_ref"].as_str(), a1["owner_id"].as_str()),
        (case_ref("K1").as_str(), "DSL1")
    );
    assert_eq!(
        (a1["session_id"].as_str(), a1["school_urn"].as_str()),
        ("S1", "100001")
    );
    assert_eq!(
        report.row("restricted/actions", "action_id", "A4")["case_ref"],
        ""
    );
}

#[test]
fn cancelled_actions_and_actions_of_sessions_not_held_by_the_as_of_date_have_no_row() {
    // Spec 02 §3: "Actions not cancelled whose session has status held and held_on on or
    // before the as-of date". Spec 02: "a session held later ... do[es] not exist".
    // B1 is cancelled; B2's session was cancelled, B5's missed; B3's session is held on
    // 2026-01-21, the day after the as-of date. Only B4 (open, session S1 held) is left.
    let mut s = one_session();
    s.add(
        "sessions",
        "S2,100001,2025-10-08,HT1,one_to_one,true,cancelled,,,false,false,
         S3,100001,2026-01-21,HT1,one_to_one,true,held,60,2026-01-21,true,true,
         S4,100001,2025-10-15,HT1,one_to_one,true,missed,,,false,false,",
    );
    s.add("attendees", "S2,DSL1\nS3,DSL1\nS4,DSL1");
    s.add(
        "actions",
        "B1,S1,K1,DSL1,2025-11-01,,cancelled
         B2,S2,K1,DSL1,2025-11-01,,open
         B3,S3,K1,DSL1,2026-02-01,,open
         B4,S1,K1,DSL1,2026-02-01,,open
         B5,S4,K1,DSL1,2025-11-01,,open",
    );
    let report = s.tables(AS_OF, &[]);
    assert_eq!(
        classes(&report),
        vec![row("B4", "", "not_yet_due", "", "2025/26 SP1")]
    );
    // The governors' counts see the same single action: B1, B2 and B5 would be overdue
    // if they were counted.
    let governors = report.rows("governors/actions_by_school");
    assert_eq!(governors.len(), 1, "{governors:?}");
    let g = &governors[0];
    assert_eq!(
        [
            &g["period_id"],
            &g["done_on_time"],
            &g["done_late"],
            &g["overdue"],
            &g["not_yet_due"],
            &g["on_time_pct"]
        ],
        ["2025/26 SP1", "0", "0", "0", "1", ""]
    );
}

#[test]
fn an_action_belongs_to_the_reporting_half_term_of_its_due_date() {
    // Spec 02 §3: "An action belongs to the reporting half-term of its due_on"; spec 02,
    // Calendar: "the latest half-term whose starts_on <= the date (a holiday belongs to
    // the half-term before it)".
    // 2025-10-24 is AU1's last day; 2025-10-28 is in the October half-term holiday, so
    // still AU1; 2025-11-03 is AU2's first day; 2025-12-24 (Christmas holiday) is AU2;
    // 2026-02-16 (February half-term holiday; SP1 ends 02-13) is SP1; 2026-02-23 is SP2.
    let mut s = one_session();
    s.add(
        "actions",
        "H1,S1,K1,DSL1,2025-10-24,2025-10-20,done
         H2,S1,K1,DSL1,2025-10-28,2025-10-20,done
         H3,S1,K1,DSL1,2025-11-03,2025-10-20,done
         H4,S1,K1,DSL1,2025-12-24,2025-10-20,done
         H5,S1,K1,DSL1,2026-02-16,,open
         H6,S1,K1,DSL1,2026-02-23,,open",
    );
    let report = s.tables(AS_OF, &[]);
    let periods: Vec<(String, String)> = report
        .rows("restricted/actions")
        .into_iter()
        .map(|r| (r["action_id"].clone(), r["period_id"].clone()))
        .collect();
    let expected = [
        ("H1", "2025/26 AU1"),
        ("H2", "2025/26 AU1"),
        ("H3", "2025/26 AU2"),
        ("H4", "2025/26 AU2"),
        ("H5", "2025/26 SP1"),
        ("H6", "2025/26 SP2"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, p)| (a.to_string(), p.to_string()))
        .collect();
    assert_eq!(periods, expected);
}

#[test]
fn actions_are_not_limited_to_the_report_year() {
    // Spec 02, "Readings settled": "Actions are not limited to the report year."
    // Session S0 was held on 2025-03-12 (2024/25 SP2); its action C1, due 2025-03-31
    // (2024/25 SP2) and still open, is overdue on 2026-01-20 (report year 2025/26) by
    // 2026-01-20 − 2025-03-31 = 275 + 20 = 295 days. C2, due 2025-08-20 (summer
    // holiday after 2024/25 SU2 ends on 07-22), done on time, belongs to 2024/25 SU2.
    let mut s = one_session();
    s.add(
        "sessions",
        "S0,100001,2025-03-12,HT1,one_to_one,true,held,60,2025-03-12,true,true,",
    );
    s.add("attendees", "S0,DSL1");
    s.add(
        "actions",
        "C1,S0,K1,DSL1,2025-03-31,,open
         C2,S0,K1,DSL1,2025-08-20,2025-08-01,done",
    );
    let report = s.tables(AS_OF, &[]);
    assert_eq!(
        classes(&report),
        vec![
            row("C1", "", "overdue", "295", "2024/25 SP2"),
            row("C2", "2025-08-01", "done_on_time", "", "2024/25 SU2")
        ]
    );
    // Governors' actions_by_school: one row per school and half-term, older years too.
    // 2024/25 SP2: 0 on time of 0 + 0 + 1 -> 0.0; 2024/25 SU2: 1 of 1 -> 100.0.
    let got: Vec<Vec<String>> = report
        .rows("governors/actions_by_school")
        .into_iter()
        .map(|r| {
            [
                "period_id",
                "done_on_time",
                "done_late",
                "overdue",
                "not_yet_due",
                "on_time_pct",
            ]
            .iter()
            .map(|c| r[*c].clone())
            .collect()
        })
        .collect();
    assert_eq!(
        got,
        vec![
            vec!["2024/25 SP2", "0", "0", "1", "0", "0.0"],
            vec!["2024/25 SU2", "1", "0", "0", "0", "100.0"],
        ]
    );
}

#[test]
fn governors_on_time_pct_is_on_time_over_on_time_late_and_overdue() {
    // Spec 02 §3: "on_time_pct = done_on_time ÷ (done_on_time + done_late + overdue)";
    // not_yet_due and cancelled actions are not in it. Spec 03: one decimal, half away
    // from zero.
    // AU2 (due 2025-11-03..12-19): D1, D2 on time, D3 overdue -> 2/3 = 66.666.. -> 66.7.
    // SP1: D4 on time, D5 late, D6 overdue, D7 and D8 not yet due, D9 cancelled
    //   -> 1/3 = 33.333.. -> 33.3 (20.0 if not_yet_due were counted, 50.0 without
    //   overdue).
    // SP2: only D10, not yet due -> nothing judged, on_time_pct empty.
    let mut s = one_session();
    s.add(
        "actions",
        "D1,S1,K1,DSL1,2025-11-10,2025-11-05,done
         D2,S1,K1,DSL1,2025-12-01,2025-12-01,done
         D3,S1,K1,DSL1,2025-12-05,,open
         D4,S1,K1,DSL1,2026-01-10,2026-01-09,done
         D5,S1,K1,DSL1,2026-01-12,2026-01-15,done
         D6,S1,K1,DSL1,2026-01-14,,open
         D7,S1,K1,DSL1,2026-02-01,,open
         D8,S1,,DSL1,2026-02-02,,open
         D9,S1,K1,DSL1,2026-01-13,,cancelled
         D10,S1,K1,DSL1,2026-03-01,,open",
    );
    let report = s.tables(AS_OF, &[]);
    let got: Vec<Vec<String>> = report
        .rows("governors/actions_by_school")
        .into_iter()
        .map(|r| {
            [
                "school_urn",
                "school_name",
                "period_id",
                "done_on_time",
                "done_late",
                "overdue",
                "not_yet_due",
                "on_time_pct",
            ]
            .iter()
            .map(|c| r[*c].clone())
            .collect()
        })
        .collect();
    assert_eq!(
        got,
        vec![
            vec![
                "100001",
                "School One",
                "2025/26 AU2",
                "2",
                "0",
                "1",
                "0",
                "66.7"
            ],
            vec![
                "100001",
                "School One",
                "2025/26 SP1",
                "1",
                "1",
                "1",
                "2",
                "33.3"
            ],
            vec![
                "100001",
                "School One",
                "2025/26 SP2",
                "0",
                "0",
                "0",
                "1",
                ""
            ],
        ]
    );
}
