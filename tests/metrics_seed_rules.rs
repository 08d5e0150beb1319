//! The seeds' rules in full (issue #12), by hand-worked scenarios: case holders in
//! scope, planned and long-enough sessions, `no_owner`, DSL training, the open
//! recording window and supervision agreements with the session's supervisor (spec 02,
//! the lines marked "(added)" / "(changed)" and the rules of spec 04's "Keys added").
//!
//! Working days in 2025/26 (sample calendar: AU1 Mon 2025-09-01 to Fri 2025-10-24, 40
//! working days; October half-term 27-31; AU2 Mon 2025-11-03 to Fri 2025-12-19, 35;
//! SP1 from Mon 2026-01-05). `working_days(a, b)` counts a < d <= b, so from 09-01:
//! 09-17 = 12, 10-15 = 32, 10-24 = 39, 11-03 = 40, 11-12 = 47, 2026-01-05 = 75.

use crate::metrics_frequency::{frequency, intervals};
use crate::scenario::{Report, Scenario, table};

/// One column of `recording.csv` per session, as `session|value`.
fn recording(report: &Report, column: &str) -> Vec<String> {
    table(
        &report.rows("restricted/recording"),
        &["session_id", column],
    )
}

/// A DSL and a DDSL (in the default scope) and their headteacher (not in scope).
fn dsl_and_deputy() -> Scenario {
    let mut s = Scenario::new();
    s.add(
        "staff",
        "DSL1,100001,Ann Able,DSL,2020-09-01,,2025-01-10
         DDSL1,100001,Ben Bell,DDSL,2020-09-01,,
         HT1,100001,Cat Cole,HEADTEACHER,2015-09-01,,2025-01-10",
    );
    s
}

#[test]
fn planned_only_counts_planned_sessions_for_frequency_and_the_gap() {
    // Spec 02 §1: "where the rule sets planned_only = true only sessions with planned
    // true count (Lode Heath: group and ad-hoc sessions 'should not replace planned,
    // formal, recorded, one to one sessions') ... The same filters decide which sessions
    // enter a gap rule's list." As of Mon 2025-11-03 (AU1 complete, AU2 just started).
    // DSL1: S1 on 09-17 unplanned, S2 on 10-15 planned. AU1 delivered 1 (S2 only; 2 if
    // S1 counted). Gap: 09-01 -> 10-15 -> 11-03 = 32, 8: 32 > 30, not met (with S1 it
    // would be 12, 20, 8: met). DDSL1's only session S3 is unplanned: AU1 delivered 0;
    // gap 09-01 -> 11-03 = 40.
    let mut s = dsl_and_deputy();
    s.policy(
        "[[schools.\"100001\".rules]]\nname = \"r\"\nkinds = [\"one_to_one\"]\n\
         per = \"half_term\"\nmin = 1\nmax_gap_working_days = 30\nplanned_only = true\n",
    );
    s.add(
        "sessions",
        "S1,100001,2025-09-17,HT1,one_to_one,false,held,60,2025-09-17,true,true,
         S2,100001,2025-10-15,HT1,one_to_one,true,held,60,2025-10-15,true,true,
         S3,100001,2025-09-24,HT1,one_to_one,no,held,60,2025-09-24,true,true,",
    );
    s.add("attendees", "S1,DSL1\nS2,DSL1\nS3,DDSL1");
    let report = s.tables("2025-11-03", &[]);
    assert_eq!(
        frequency(&report.rows("restricted/frequency")),
        [
            "DDSL1|r|2025/26 AU1|1|0|false",
            "DDSL1|r|2025/26 AU2|1|0|",
            "DSL1|r|2025/26 AU1|1|1|true",
            "DSL1|r|2025/26 AU2|1|0|",
        ]
    );
    assert_eq!(
        intervals(&report.rows("restricted/intervals")),
        ["DDSL1|r||40|false", "DSL1|r|2025-10-15|32|false"]
    );
}

#[test]
fn min_minutes_counts_long_enough_sessions_and_long_enough_takes_the_largest() {
    // Spec 02 §1: "where it sets min_minutes only sessions with duration_minutes >=
    // min_minutes count (Captain Cook: 'for a period of two hours') ... The same filters
    // decide which sessions enter a gap rule's list." Spec 02 §6: "long_enough: empty
    // unless the school has a rule with min_minutes covering the session's kind; then
    // duration_minutes >= the largest such min_minutes." As of Mon 2026-01-05.
    // S1 (AU1) lasts 119 minutes, S2 (AU2) 120: AU1 not met, AU2 met. The gap rule sees
    // only S2: 09-01 -> 11-12 -> 01-05 = 47, 28; 47 > 40 (with S1: 12, 35, 28, met).
    // The group S3 (25 minutes) is under the group rule's 30; the peer S4 has no rule.
    let mut s = dsl_and_deputy();
    s.policy(
        "[[schools.\"100001\".rules]]\nname = \"long\"\nkinds = [\"one_to_one\"]\n\
         per = \"half_term\"\nmin = 1\nmin_minutes = 120\n\
         [[schools.\"100001\".rules]]\nname = \"gap\"\nkinds = [\"one_to_one\"]\n\
         max_gap_working_days = 40\nmin_minutes = 60\n\
         [[schools.\"100001\".rules]]\nname = \"groups\"\nkinds = [\"group\"]\n\
         max_gap_working_days = 200\nmin_minutes = 30\n",
    );
    s.add(
        "sessions",
        "S1,100001,2025-09-17,HT1,one_to_one,true,held,119,2025-09-17,true,true,
         S2,100001,2025-11-12,HT1,one_to_one,true,held,120,2025-11-12,true,true,
         S3,100001,2025-09-24,HT1,group,true,held,25,2025-09-24,true,true,
         S4,100001,2025-10-01,HT1,peer,true,held,60,2025-10-01,true,true,",
    );
    s.add("attendees", "S1,DSL1\nS2,DSL1\nS3,DSL1\nS4,DSL1");
    let report = s.tables("2026-01-05", &[]);
    let dsl = report.rows_where("restricted/frequency", "staff_id", "DSL1");
    assert_eq!(
        frequency(&dsl),
        [
            "DSL1|long|2025/26 AU1|1|0|false",
            "DSL1|long|2025/26 AU2|1|1|true",
            "DSL1|long|2025/26 SP1|1|0|",
        ]
    );
    assert_eq!(
        intervals(&report.rows_where("restricted/intervals", "staff_id", "DSL1")),
        // gap (min 60): S1 and S2 both count: 12, 35, 28.
        ["DSL1|gap|2025-11-12|35|true", "DSL1|groups||75|true"]
    );
    assert_eq!(
        recording(&report, "long_enough"),
        ["S1|false", "S2|true", "S3|false", "S4|"]
    );
}

#[test]
fn min_minutes_of_a_gap_rule_leaves_short_sessions_out_of_its_list() {
    // Spec 02 §1: "The same filters decide which sessions enter a gap rule's list." The
    // 119-minute S1 is not in the list of a gap rule with min_minutes 120: 09-01 -> 11-12
    // -> 01-05 = 47, 28, not met under 40; at 119 minutes it counts: 12, 35, 28, met.
    let run = |minutes: u32| {
        let mut s = dsl_and_deputy();
        s.policy(&format!(
            "[[schools.\"100001\".rules]]\nname = \"gap\"\nkinds = [\"one_to_one\"]\n\
             max_gap_working_days = 40\nmin_minutes = {minutes}\n"
        ));
        s.add(
            "sessions",
            "S1,100001,2025-09-17,HT1,one_to_one,true,held,119,2025-09-17,true,true,
             S2,100001,2025-11-12,HT1,one_to_one,true,held,120,2025-11-12,true,true,",
        );
        s.add("attendees", "S1,DSL1\nS2,DSL1");
        let report = s.tables("2026-01-05", &[]);
        intervals(&report.rows_where("restricted/intervals", "staff_id", "DSL1"))
    };
    assert_eq!(run(120), ["DSL1|gap|2025-11-12|47|false"]);
    assert_eq!(run(119), ["DSL1|gap|2025-11-12|35|true"]);
}

#[test]
fn case_holders_are_in_scope_where_the_policy_says_so() {
    // Spec 02, "Who is due supervision": "Where the school's policy sets
    // in_scope_case_owners = true (Lode Heath, Temple) a staff member is also in scope
    // for a period when they are the owner_id of a case of category CP, CIN, CLA or EH
    // that was open on any day of it ... and were employed for the whole period, whatever
    // their role." As of Mon 2026-01-05 (AU1, AU2 complete; SP1 started).
    // T1's CP case is open 09-10 to 10-30: AU1 only. T2 holds only a CONCERN: never.
    // T3's EH case opens 11-20: AU2, SP1 and the as-of date. T4 holds a CIN but left on
    // 12-01: AU1 only (not employed for the whole of AU2). T6 at school 100002, whose
    // policy leaves in_scope_case_owners false, holds a CP case: never.
    let mut s = Scenario::new();
    s.add(
        "schools",
        "TR1,Trust One,100002,School Two,primary,Testshire",
    );
    s.policy(
        "[schools.\"100001\"]\nin_scope_case_owners = true\n\
         [[schools.\"100001\".rules]]\nname = \"half-termly\"\nkinds = [\"one_to_one\", \"group\"]\n\
         per = \"half_term\"\nmin = 1\nmax_gap_working_days = 100\n",
    );
    s.add(
        "staff",
        "HT1,100001,Cat Cole,HEADTEACHER,2015-09-01,,
         T1,100001,Tom One,TEACHER,2020-09-01,,
         T2,100001,Tia Two,TEACHER,2020-09-01,,
         T3,100001,Ted Three,TEACHING_ASSISTANT,2020-09-01,,
         T4,100001,Tess Four,TEACHER,2020-09-01,2025-12-01,
         T6,100002,Tim Six,TEACHER,2020-09-01,,",
    );
    s.add(
        "cases",
        "K1,100001,CP,T1,2025-09-10,2025-10-30
         K2,100001,CONCERN,T2,2025-09-01,
         K3,100001,EH,T3,2025-11-20,
         K4,100001,CIN,T4,2025-09-01,
         K6,100002,CP,T6,2025-09-01,",
    );
    s.add(
        "sessions",
        "S1,100001,2025-09-17,HT1,one_to_one,true,held,60,2025-09-17,true,true,",
    );
    s.add("attendees", "S1,T1");
    let report = s.tables("2026-01-05", &[]);
    assert_eq!(
        frequency(&report.rows("restricted/frequency")),
        [
            "T1|half-termly|2025/26 AU1|1|1|true",
            "T3|half-termly|2025/26 AU2|1|0|false",
            "T3|half-termly|2025/26 SP1|1|0|",
            "T4|half-termly|2025/26 AU1|1|0|false",
        ]
    );
    // In scope on the as-of date: only T3 (T1's case is closed, T4 has left).
    // 09-01 -> 2026-01-05 = 75 working days.
    assert_eq!(
        intervals(&report.rows("restricted/intervals")),
        ["T3|half-termly||75|true"]
    );
    assert_eq!(
        table(
            &report.rows("restricted/functions"),
            &["staff_id", "balanced"]
        ),
        ["T3|false"]
    );
}

#[test]
fn no_owner_flags_cases_nobody_employed_holds() {
    // Spec 02 §4: "no_owner: the case's owner_id is empty, or names a staff member not
    // employed on the as-of date (left, or not yet started; employed at any school
    // counts as holding it)." Spec 01: owner_id "empty = nobody holds it (changed: was
    // required)": the empty owner is stored, not quarantined (the scenario ingests with
    // --strict). As of Mon 2025-11-03; every case is an open CONCERN (never not_reviewed).
    let mut s = Scenario::new();
    s.add(
        "schools",
        "TR1,Trust One,100002,School Two,primary,Testshire",
    );
    s.add(
        "staff",
        "DSL1,100001,Ann Able,DSL,2020-09-01,,
         LEFT1,100001,Lee Left,TEACHER,2020-09-01,2025-10-24,
         LAST1,100001,Lou Last,TEACHER,2020-09-01,2025-11-03,
         NEW1,100001,Nia New,TEACHER,2025-11-10,,
         OTHER1,100002,Oli Other,DSL,2020-09-01,,",
    );
    s.add(
        "cases",
        "K1,100001,CONCERN,,2025-10-01,
         K2,100001,CONCERN,LEFT1,2025-10-01,
         K3,100001,CONCERN,LAST1,2025-10-01,
         K4,100001,CONCERN,NEW1,2025-10-01,
         K5,100001,CONCERN,OTHER1,2025-10-01,
         K6,100001,CONCERN,DSL1,2025-10-01,",
    );
    let report = s.tables("2025-11-03", &[]);
    let mut rows = table(
        &report.rows("restricted/drift_cases"),
        &["owner_id", "flags", "drifting"],
    );
    rows.sort();
    assert_eq!(
        rows,
        [
            "DSL1||false",         // K6
            "LAST1||false",        // K3: left_on is the last day employed: the as-of date
            "LEFT1|no_owner|true", // K2: left before the as-of date
            "NEW1|no_owner|true",  // K4: not yet started
            "OTHER1||false",       // K5: employed at another school of the trust
            "|no_owner|true",      // K1: nobody
        ]
    );
}

#[test]
fn dsl_training_is_due_24_months_after_it_and_current_until_then() {
    // Spec 02 §5: "dsl_training_due_on = dsl_trained_on + dsl_training_valid_months (24)
    // months, for roles DSL and DDSL (empty when no training date is held);
    // dsl_training_current = that date >= the as-of date (false when no date is held).
    // Both are empty for every other role." Spec 01: staff.dsl_trained_on is optional.
    // As of 2026-11-23: due on the as-of date is current, the day before is not; 29 Feb
    // 2024 + 24 months is 28 Feb 2026 (clamped); a date after the as-of date is not held
    // yet; school 100002 sets dsl_training_valid_months = 36.
    let mut s = Scenario::new();
    s.add(
        "schools",
        "TR1,Trust One,100002,School Two,primary,Testshire",
    );
    s.policy("[schools.\"100002\"]\ndsl_training_valid_months = 36\n");
    s.header(
        "staff",
        "staff_id,school_urn,display_name,role,started_on,left_on,supervisor_trained_on,dsl_trained_on",
    );
    s.add(
        "staff",
        "DSL1,100001,Ann Able,DSL,2020-09-01,,,2024-11-23
         DDSL1,100001,Ben Bell,DDSL,2020-09-01,,,2024-11-22
         DDSL2,100001,Cy Cole,DDSL,2020-09-01,,,
         DDSL3,100001,Di Dale,DDSL,2020-09-01,,,2024-02-29
         DSL2,100001,Ed Eve,DSL,2020-09-01,,,2026-12-01
         PL1,100001,Fay Fox,PASTORAL_LEAD,2020-09-01,,,2024-11-23
         DSL3,100002,Gus Gray,DSL,2020-09-01,,,2023-11-23",
    );
    let report = s.tables("2026-11-23", &[]);
    let mut rows = table(
        &report.rows("restricted/workload"),
        &["staff_id", "dsl_training_due_on", "dsl_training_current"],
    );
    rows.sort();
    assert_eq!(
        rows,
        [
            "DDSL1|2026-11-22|false",
            "DDSL2||false",
            "DDSL3|2026-02-28|false",
            "DSL1|2026-11-23|true",
            "DSL2||false",
            "DSL3|2026-11-23|true",
            "PL1||",
        ]
    );
}

#[test]
fn a_bundle_without_dsl_trained_on_reads_as_no_training_held() {
    // Spec 01: dsl_trained_on is an "optional column: a bundle without it is read as
    // empty"; spec 02 §5: "false when no date is held".
    let report = dsl_and_deputy().tables("2026-11-23", &[]);
    let mut rows = table(
        &report.rows("restricted/workload"),
        &["staff_id", "dsl_training_due_on", "dsl_training_current"],
    );
    rows.sort();
    assert_eq!(rows, ["DDSL1||false", "DSL1||false"]);
}

#[test]
fn recorded_on_time_is_empty_while_the_window_is_open() {
    // Spec 02 §6: "recorded_on_time: ... empty (not yet judged) when recorded_on is not
    // there by the as-of date and working_days(held_on, as-of) <= that limit: the window
    // is still open. (Changed: it was false.)" As of Wed 2025-09-24, limit 5:
    // R1 held 09-17, no record: 5 working days, open -> empty.
    // R2 held 09-16, no record: 6, closed -> false.
    // R3 held 09-16, recorded 09-23: 5 -> true.
    // R4 held 09-17, recorded 09-25 (after the as-of date: not there yet) -> empty.
    // R5 held 09-10, recorded on the as-of date: 10 -> false.
    let mut s = dsl_and_deputy();
    s.add(
        "sessions",
        "R1,100001,2025-09-17,HT1,one_to_one,true,held,60,,true,true,
         R2,100001,2025-09-16,HT1,one_to_one,true,held,60,,true,true,
         R3,100001,2025-09-16,HT1,group,true,held,60,2025-09-23,true,true,
         R4,100001,2025-09-17,HT1,group,true,held,60,2025-09-25,true,true,
         R5,100001,2025-09-10,HT1,group,true,held,60,2025-09-24,true,true,",
    );
    s.add("attendees", "R1,DSL1\nR2,DDSL1\nR3,DSL1\nR4,DDSL1\nR5,DSL1");
    let report = s.tables("2025-09-24", &[]);
    assert_eq!(
        recording(&report, "recorded_on_time"),
        ["R1|", "R2|false", "R3|true", "R4|", "R5|false"]
    );
}

#[test]
fn contract_in_date_needs_the_policy_the_supervisor_and_an_annual_review() {
    // Spec 02 §6: "contract_in_date (only where the school's policy sets
    // contracts_required = true ... and only one_to_one sessions; empty otherwise):
    // every attendee has a contract with the session's supervisor with agreed_on <=
    // held_on <= review_due_on and review_due_on <= agreed_on + contract_review_months
    // (12) months (Temple: 'reviewed annually'). (Changed: no school without the
    // requirement is shown 0%; the supervisor must match.)" As of 2025-11-30; every
    // contract is agreed on 2025-09-01.
    // C1 DSL1 with HT1, review 2026-09-01 (12 months): true.
    // C2 DDSL1, whose agreement is with DSL1, supervised by HT1: false.
    // C3 PL1 with HT1, review 2026-10-01 (13 months): false.
    // C4 DDSL2 with HT1, review 2026-09-02 (a day over 12 months): false.
    // C5 a group session: empty. C6 at school 100002 (no contracts_required): empty.
    let mut s = dsl_and_deputy();
    s.add(
        "schools",
        "TR1,Trust One,100002,School Two,primary,Testshire",
    );
    s.policy("[schools.\"100001\"]\ncontracts_required = true\n");
    s.add(
        "staff",
        "PL1,100001,Dan Dale,PASTORAL_LEAD,2020-09-01,,
         DDSL2,100001,Eve East,DDSL,2020-09-01,,
         HT2,100002,Hal Hope,HEADTEACHER,2015-09-01,,
         DSL2,100002,Ida Ives,DSL,2020-09-01,,",
    );
    s.add(
        "contracts",
        "DSL1,HT1,2025-09-01,2026-09-01
         DDSL1,DSL1,2025-09-01,2026-09-01
         PL1,HT1,2025-09-01,2026-10-01
         DDSL2,HT1,2025-09-01,2026-09-02
         DSL2,HT2,2025-09-01,2026-09-01",
    );
    s.add(
        "sessions",
        "C1,100001,2025-09-17,HT1,one_to_one,true,held,60,2025-09-17,true,true,
         C2,100001,2025-09-18,HT1,one_to_one,true,held,60,2025-09-18,true,true,
         C3,100001,2025-09-19,HT1,one_to_one,true,held,60,2025-09-19,true,true,
         C4,100001,2025-09-22,HT1,one_to_one,true,held,60,2025-09-22,true,true,
         C5,100001,2025-09-23,HT1,group,true,held,60,2025-09-23,true,true,
         C6,100002,2025-09-17,HT2,one_to_one,true,held,60,2025-09-17,true,true,",
    );
    s.add(
        "attendees",
        "C1,DSL1\nC2,DDSL1\nC3,PL1\nC4,DDSL2\nC5,DSL1\nC6,DSL2",
    );
    let report = s.tables("2025-11-30", &[]);
    assert_eq!(
        recording(&report, "contract_in_date"),
        ["C1|true", "C2|false", "C3|false", "C4|false", "C5|", "C6|"]
    );
}
