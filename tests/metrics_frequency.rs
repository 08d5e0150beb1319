//! Frequency met (spec 02 §1), by hand-worked scenarios.

use crate::scenario::Scenario;

/// The 2025/26 calendar of sample-data: AU1 = 2025-09-03..2025-10-24,
/// AU2 = 2025-11-03..2025-12-19 (see sample-data/calendar.csv).
fn one_dsl() -> Scenario {
    let mut s = Scenario::new();
    s.add(
        "staff",
        "DSL1,100001,Ann Able,DSL,2020-09-01,,2025-01-10
         HT1,100001,Cat Cole,HEADTEACHER,2015-09-01,,2025-01-10",
    );
    s
}

#[test]
fn half_termly_rule_counts_held_sessions_of_its_kinds_in_each_complete_half_term() {
    // Spec 02 §1: "delivered = distinct sessions with status held, kind in the rule's
    // kinds, held_on within the period, the person an attendee. required = the rule's
    // min; met = delivered >= required." The default rule is half-termly, one_to_one
    // or group, min 1.
    // AU1: one held one_to_one -> delivered 1, met. AU2: only a cancelled session and a
    // held peer session (not a rule kind) -> delivered 0, not met.
    let mut s = one_dsl();
    s.add(
        "sessions",
        "S1,100001,2025-09-17,HT1,one_to_one,true,held,60,2025-09-18,true,true,
         S2,100001,2025-11-12,HT1,one_to_one,true,cancelled,,,false,false,
         S3,100001,2025-11-19,HT1,peer,true,held,45,2025-11-19,true,true,",
    );
    s.add("attendees", "S1,DSL1\nS2,DSL1\nS3,DSL1");
    let report = s.report("2026-01-05", &["--year", "2025/26"]);
    let rows = report.rows("restricted/frequency");
    let got: Vec<(&str, &str, &str)> =
        rows.iter().map(|r| (r["period_id"].as_str(), r["delivered"].as_str(), r["met"].as_str())).collect();
    // SP1 starts 2026-01-05 = the as-of date: started, not complete, so listed with met
    // empty (spec 02, "Readings settled").
    assert_eq!(got, vec![("2025/26 AU1", "1", "true"), ("2025/26 AU2", "0", "false"), ("2025/26 SP1", "0", "")]);
}
