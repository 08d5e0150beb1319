//! Session-level metrics by hand-worked scenarios: rescheduled in time (spec 02 §2),
//! recording quality and the balance of functions (spec 02 §6).
//!
//! Working days come from sample-data/calendar.csv and bank-holidays.csv: Mon-Fri inside
//! a half-term (2025/26: AU1 2025-09-01..10-24, AU2 11-03..12-19, SP1 2026-01-05..02-13,
//! SP2 02-23..03-27, SU1 04-13..05-22, SU2 06-01..07-22) and not a bank holiday (Mon
//! 2026-05-04 is one inside SU1). working_days(a, b) counts d with a < d <= b.

use crate::scenario::{Row, Scenario, table};

/// `reschedules.csv` as `session|staff|window_ends_on|rescheduled`.
fn reschedules(rows: &[Row]) -> Vec<String> {
    table(
        rows,
        &["session_id", "staff_id", "window_ends_on", "rescheduled"],
    )
}

/// A DSL, a DDSL and a pastoral lead at school 100001, and their headteacher.
fn staff() -> Scenario {
    let mut s = Scenario::new();
    s.add(
        "staff",
        "HT1,100001,Cat Cole,HEADTEACHER,2015-09-01,,2023-10-01
         DSL1,100001,Ann Able,DSL,2020-09-01,,
         DDSL1,100001,Ben Bell,DDSL,2020-09-01,,
         PL1,100001,Dan Dale,PASTORAL_LEAD,2020-09-01,,",
    );
    s
}

/// A cancelled (or missed) session row at school 100001, supervised by HT1.
fn called_off(id: &str, date: &str, kind: &str, status: &str) -> String {
    format!("{id},100001,{date},HT1,{kind},true,{status},,,false,false,")
}

/// A held 60-minute session row at school 100001, supervised by HT1.
fn held(id: &str, date: &str, kind: &str) -> String {
    format!("{id},100001,{date},HT1,{kind},true,held,60,,true,true,")
}

// ---------------------------------------------------------------------------------------
// §2 Rescheduled in time
// ---------------------------------------------------------------------------------------

#[test]
fn rebooking_on_the_fifth_working_day_is_in_time_and_on_the_sixth_is_not() {
    // Spec 02 §2: "the window ends on the date that is reschedule_within_working_days (5)
    // working days after held_on"; "rescheduled = the attendee has a held session of the
    // same kind with held_on after the cancelled date and on or before the window end."
    // C1, C2: one_to_one cancelled Wed 2025-10-01. Working days after it: Thu 2 (1),
    // Fri 3 (2), Mon 6 (3), Tue 7 (4), Wed 8 (5): the window ends Wed 2025-10-08.
    //   DSL1 rebooked Wed 2025-10-08 (5th working day)  -> true
    //   DDSL1 rebooked Thu 2025-10-09 (6th working day) -> false
    // "Readings settled": "Rows of session-level files ... carry the session's school, and
    // that school's policy applies": school 100002 allows 6 working days, so the same
    // pattern there (C3 cancelled 2025-10-01, rebooked 2025-10-09) ends its window on the
    // 6th working day, Thu 2025-10-09 -> true.
    // As of 2026-01-05, every window has ended.
    let mut s = staff();
    s.add(
        "schools",
        "TR1,Trust One,100002,School Two,secondary,Testshire",
    );
    s.add(
        "staff",
        "HT2,100002,Hal Hope,HEADTEACHER,2015-09-01,,
         DSL2,100002,Ida Ives,DSL,2020-09-01,,",
    );
    s.policy("[schools.\"100002\"]\nreschedule_within_working_days = 6\n");
    s.add(
        "sessions",
        &[
            called_off("C1", "2025-10-01", "one_to_one", "cancelled"),
            held("H1", "2025-10-08", "one_to_one"),
            called_off("C2", "2025-10-01", "one_to_one", "cancelled"),
            held("H2", "2025-10-09", "one_to_one"),
            "C3,100002,2025-10-01,HT2,one_to_one,true,cancelled,,,false,false,".to_string(),
            "H3,100002,2025-10-09,HT2,one_to_one,true,held,60,,true,true,".to_string(),
        ]
        .join("\n"),
    );
    s.add(
        "attendees",
        "C1,DSL1\nH1,DSL1\nC2,DDSL1\nH2,DDSL1\nC3,DSL2\nH3,DSL2",
    );
    let report = s.tables("2026-01-05", &[]);
    assert_eq!(
        reschedules(&report.rows("restricted/reschedules")),
        [
            "C1|DSL1|2025-10-08|true",
            "C2|DDSL1|2025-10-08|false",
            "C3|DSL2|2025-10-09|true"
        ]
    );
    assert_eq!(
        report.row("restricted/reschedules", "session_id", "C3")["school_urn"],
        "100002"
    );
    // Spec 02 §2 (added): "For governors (reschedules_by_school.csv, every school,
    // whatever its policy): per school and reporting half-term of the cancelled date,
    // judged = rows with rescheduled not empty, rescheduled / not_rescheduled = those
    // true / false, rescheduled_pct = rescheduled / judged". 2025-10-01 is in 2025/26
    // AU1: school 100001 judged 2, rescheduled 1 (C1), not 1 (C2), 50.0%; school 100002
    // judged 1, rescheduled 1, 100.0%. summary.csv carries the year's share.
    let by_school: Vec<String> = report
        .rows("governors/reschedules_by_school")
        .iter()
        .map(|r| {
            [
                "school_urn",
                "period_id",
                "judged",
                "rescheduled",
                "not_rescheduled",
                "rescheduled_pct",
            ]
            .map(|c| r[c].as_str())
            .join("|")
        })
        .collect();
    assert_eq!(
        by_school,
        [
            "100001|2025/26 AU1|2|1|1|50.0",
            "100002|2025/26 AU1|1|1|0|100.0"
        ]
    );
    let total = report.row("governors/summary", "school_urn", "TOTAL");
    assert_eq!(
        ["reschedules_judged", "rescheduled", "rescheduled_pct"].map(|c| total[c].as_str()),
        ["3", "2", "66.7"]
    );
}

#[test]
fn the_window_skips_weekends_half_term_holidays_and_bank_holidays() {
    // Spec 02 "Calendar": "A working day is a Monday-Friday inside a half-term that is not
    // a bank holiday"; §2: the window ends 5 working days after held_on.
    // C1 one_to_one cancelled Wed 2025-10-22 (PL1): Thu 23 (1), Fri 24 (2), half-term
    //   holiday 27-31 Oct, Mon 3 Nov (3), Tue 4 (4), Wed 5 (5) -> window 2025-11-05;
    //   rebooked 2025-11-05 -> true (with calendar days it would have ended on 10-29).
    // C2 one_to_one cancelled Wed 2026-04-29 (DSL1): Thu 30 (1), Fri 1 May (2), Mon 4 May
    //   bank holiday, Tue 5 (3), Wed 6 (4), Thu 7 (5) -> window 2026-05-07; rebooked
    //   2026-05-07 -> true (counting the bank holiday, it would have ended on 05-06).
    let mut s = staff();
    s.add(
        "sessions",
        &[
            called_off("C1", "2025-10-22", "one_to_one", "cancelled"),
            held("H1", "2025-11-05", "one_to_one"),
            called_off("C2", "2026-04-29", "one_to_one", "cancelled"),
            held("H2", "2026-05-07", "one_to_one"),
        ]
        .join("\n"),
    );
    s.add("attendees", "C1,PL1\nH1,PL1\nC2,DSL1\nH2,DSL1");
    let report = s.tables("2026-06-01", &[]);
    assert_eq!(
        reschedules(&report.rows("restricted/reschedules")),
        ["C1|PL1|2025-11-05|true", "C2|DSL1|2026-05-07|true"]
    );
}

#[test]
fn the_rebooked_session_must_be_held_of_the_same_kind_after_the_cancelled_date() {
    // Spec 02 §2: "a held session of the same kind with held_on after the cancelled date
    // and on or before the window end".
    // C1 one_to_one cancelled Wed 2025-11-12 (DDSL1), window Wed 2025-11-19: the only
    //   session in the window is a held group session on Thu 11-13 -> false.
    // C2 one_to_one cancelled Wed 2026-03-04 (DSL1), window Wed 2026-03-11: a held
    //   one_to_one on the same day, 03-04 (not after it), and a cancelled one_to_one on
    //   Mon 03-09 -> false. That cancelled C3 (window Mon 2026-03-16) has its own row:
    //   nothing was held for DSL1 after it -> false.
    // C4 one_to_one cancelled Wed 2026-03-04 (PL1), window 2026-03-11: a held one_to_one
    //   on Fri 03-06 for DDSL1, not for PL1 -> false.
    let mut s = staff();
    s.add(
        "sessions",
        &[
            called_off("C1", "2025-11-12", "one_to_one", "cancelled"),
            held("H1", "2025-11-13", "group"),
            called_off("C2", "2026-03-04", "one_to_one", "cancelled"),
            held("H2", "2026-03-04", "one_to_one"),
            called_off("C3", "2026-03-09", "one_to_one", "cancelled"),
            called_off("C4", "2026-03-04", "one_to_one", "cancelled"),
            held("H4", "2026-03-06", "one_to_one"),
        ]
        .join("\n"),
    );
    s.add(
        "attendees",
        "C1,DDSL1\nH1,DDSL1\nC2,DSL1\nH2,DSL1\nC3,DSL1\nC4,PL1\nH4,DDSL1",
    );
    let report = s.tables("2026-06-01", &[]);
    assert_eq!(
        reschedules(&report.rows("restricted/reschedules")),
        [
            "C1|DDSL1|2025-11-19|false",
            "C2|DSL1|2026-03-11|false",
            "C3|DSL1|2026-03-16|false",
            "C4|PL1|2026-03-11|false",
        ]
    );
}

#[test]
fn a_cancelled_group_session_is_judged_for_each_attendee_and_missed_counts_as_cancelled() {
    // Spec 02 §2: "For each session with status cancelled or missed ... and each of its
    // attendees"; rescheduled is about "the attendee".
    // G1 group cancelled Wed 2026-01-14 for DSL1 and DDSL1, window Wed 2026-01-21 (Thu 15,
    //   Fri 16, Mon 19, Tue 20, Wed 21); a group session held Fri 01-16 for DSL1 only:
    //   DSL1 true, DDSL1 false.
    // M1 one_to_one missed Wed 2026-02-04 (PL1), window Wed 2026-02-11; a one_to_one held
    //   Fri 02-06 for PL1 -> a row, true.
    let mut s = staff();
    s.add(
        "sessions",
        &[
            called_off("G1", "2026-01-14", "group", "cancelled"),
            held("H1", "2026-01-16", "group"),
            called_off("M1", "2026-02-04", "one_to_one", "missed"),
            held("H2", "2026-02-06", "one_to_one"),
        ]
        .join("\n"),
    );
    s.add("attendees", "G1,DSL1\nG1,DDSL1\nH1,DSL1\nM1,PL1\nH2,PL1");
    let report = s.tables("2026-06-01", &[]);
    assert_eq!(
        reschedules(&report.rows("restricted/reschedules")),
        [
            "G1|DDSL1|2026-01-21|false",
            "G1|DSL1|2026-01-21|true",
            "M1|PL1|2026-02-11|true"
        ]
    );
}

#[test]
fn rows_are_judged_only_once_the_window_has_ended_before_the_as_of_date() {
    // Spec 02 §2: sessions with "held_on in the report year and before the as-of date";
    // "Judged only when that date [the window end] is before the as-of date";
    // "Readings settled": "reschedules.csv lists not-yet-judged rows too, with
    // rescheduled empty". As of Wed 2026-05-20:
    //   C1 cancelled Tue 2026-05-12 (DSL1): window Tue 05-19 < as-of: judged, nothing
    //      rebooked -> false
    //   C2 cancelled Wed 2026-05-13 (DDSL1): window Wed 05-20 = as-of: not judged -> empty
    //   C3 missed Thu 2026-05-14 (PL1): window Thu 05-21, after as-of: empty even though a
    //      one_to_one was held for PL1 on Fri 05-15
    //   C4 cancelled on the as-of date 2026-05-20, C5 after it (05-21), C6 in 2024/25
    //      (Wed 2025-07-09): no rows.
    let mut s = staff();
    s.add(
        "sessions",
        &[
            called_off("C1", "2026-05-12", "one_to_one", "cancelled"),
            called_off("C2", "2026-05-13", "one_to_one", "cancelled"),
            called_off("C3", "2026-05-14", "one_to_one", "missed"),
            held("H3", "2026-05-15", "one_to_one"),
            called_off("C4", "2026-05-20", "one_to_one", "cancelled"),
            called_off("C5", "2026-05-21", "one_to_one", "cancelled"),
            called_off("C6", "2025-07-09", "one_to_one", "cancelled"),
        ]
        .join("\n"),
    );
    s.add(
        "attendees",
        "C1,DSL1\nC2,DDSL1\nC3,PL1\nH3,PL1\nC4,DSL1\nC5,DSL1\nC6,DSL1",
    );
    let report = s.tables("2026-05-20", &[]);
    assert_eq!(
        reschedules(&report.rows("restricted/reschedules")),
        [
            "C1|DSL1|2026-05-19|false",
            "C2|DDSL1|2026-05-20|",
            "C3|PL1|2026-05-21|"
        ]
    );
}

// ---------------------------------------------------------------------------------------
// §6 Recording quality
// ---------------------------------------------------------------------------------------

/// A held 60-minute one_to_one at school 100001 with the given supervisor, recorded_on
/// and signatures.
fn recorded(
    id: &str,
    date: &str,
    supervisor: &str,
    recorded_on: &str,
    signed: (&str, &str),
) -> String {
    format!(
        "{id},100001,{date},{supervisor},one_to_one,true,held,60,{recorded_on},{},{},",
        signed.0, signed.1
    )
}

#[test]
fn recorded_on_time_counts_working_days_to_recorded_on_as_known_at_the_as_of_date() {
    // Spec 02 §6: "For each held session in the report year up to the as-of date:
    // recorded_on_time: recorded_on present and working_days(held_on, recorded_on) <=
    // record_within_working_days (5); empty (not yet judged) when recorded_on is not
    // there by the as-of date and working_days(held_on, as-of) <= that limit: the window
    // is still open. (Changed: it was false.) signed_both: signed_supervisor and
    // signed_supervisee." "Readings settled": "a recorded_on ... after it [the as-of
    // date] counts as not (yet) there". As of Thu 2026-03-05:
    //   R1 held Wed 2025-10-01, recorded Wed 10-08: 5 working days -> true
    //   R2 held Wed 2025-10-01, recorded Thu 10-09: 6 -> false
    //   R3 held Wed 2025-10-22, recorded Wed 11-05: Oct 23, 24, (half-term), Nov 3, 4, 5
    //      = 5 -> true
    //   R4 held Mon 2026-03-02, recorded Fri 03-06, after the as-of date: not there yet,
    //      and working_days(03-02, 03-05) = 3 <= 5, the window is open -> empty (it was
    //      false before spec 02 changed)
    //   R5 held Mon 2026-03-02, never recorded: the window is open -> empty (was false)
    //   R6 held Mon 2026-03-02, recorded Thu 03-05 = the as-of date: 3 -> true
    // Signatures: R1 yes/yes -> true; R2 yes/no -> false; R3 no/yes -> false; R4..R6 y/y.
    // No rows: R7 cancelled (2025-11-12), R8 held in 2024/25 (2025-07-09), R9 held after
    // the as-of date (2026-03-06).
    let mut s = staff();
    s.add(
        "sessions",
        &[
            recorded("R1", "2025-10-01", "HT1", "2025-10-08", ("yes", "yes")),
            recorded("R2", "2025-10-01", "HT1", "2025-10-09", ("yes", "no")),
            recorded("R3", "2025-10-22", "HT1", "2025-11-05", ("no", "yes")),
            recorded("R4", "2026-03-02", "HT1", "2026-03-06", ("y", "y")),
            recorded("R5", "2026-03-02", "HT1", "", ("y", "y")),
            recorded("R6", "2026-03-02", "HT1", "2026-03-05", ("y", "y")),
            called_off("R7", "2025-11-12", "one_to_one", "cancelled"),
            recorded("R8", "2025-07-09", "HT1", "2025-07-09", ("y", "y")),
            recorded("R9", "2026-03-06", "HT1", "2026-03-06", ("y", "y")),
        ]
        .join("\n"),
    );
    s.add(
        "attendees",
        "R1,DSL1\nR2,DSL1\nR3,DSL1\nR4,DSL1\nR5,DSL1\nR6,DSL1\nR7,DSL1\nR8,DSL1\nR9,DSL1",
    );
    let report = s.tables("2026-03-05", &[]);
    assert_eq!(
        table(
            &report.rows("restricted/recording"),
            &["session_id", "held_on", "recorded_on_time", "signed_both"]
        ),
        [
            "R1|2025-10-01|true|true",
            "R2|2025-10-01|false|false",
            "R3|2025-10-22|true|false",
            "R4|2026-03-02||true",
            "R5|2026-03-02||true",
            "R6|2026-03-02|true|true",
        ]
    );
}

#[test]
fn contract_in_date_needs_every_attendee_covered_on_the_day_and_is_empty_for_group() {
    // Spec 02 §6: "contract_in_date (only where the school's policy sets
    // contracts_required = true ... and only one_to_one sessions; empty otherwise): every
    // attendee has a contract with the session's supervisor with agreed_on <= held_on <=
    // review_due_on and review_due_on <= agreed_on + contract_review_months (12) months."
    // (Changed: without contracts_required every row is empty; see metrics_seed_rules.rs
    // for the supervisor and the review interval.) The school requires agreements; every
    // session is held by HT1, the supervisor named in the contracts.
    // Contracts: DSL1 agreed 2025-09-01, review due Fri 2026-01-30; DDSL1 agreed Wed
    // 2025-10-15, review due 2026-10-15; PL1 none. As of 2026-03-05:
    //   K1 one_to_one DSL1  Wed 2025-10-01 (inside)                        -> true
    //   K2 one_to_one DSL1  Fri 2026-01-30 (= review_due_on)               -> true
    //   K3 one_to_one DSL1  Mon 2026-02-02 (expired)                       -> false
    //   K4 one_to_one DDSL1 Tue 2025-10-14 (agreed the day after)          -> false
    //   K5 one_to_one DDSL1 Wed 2025-10-15 (= agreed_on)                   -> true
    //   K6 group DSL1, DDSL1 Wed 2025-11-12                                -> empty
    //   K7 one_to_one PL1   Wed 2025-11-12 (no contract)                   -> false
    //   K8 one_to_one DSL1 and PL1 Wed 2025-11-19 (DSL1 covered, PL1 not)  -> false
    let mut s = staff();
    s.policy("[schools.\"100001\"]\ncontracts_required = true\n");
    s.add(
        "contracts",
        "DSL1,HT1,2025-09-01,2026-01-30
         DDSL1,HT1,2025-10-15,2026-10-15",
    );
    s.add(
        "sessions",
        &[
            held("K1", "2025-10-01", "one_to_one"),
            held("K2", "2026-01-30", "one_to_one"),
            held("K3", "2026-02-02", "one_to_one"),
            held("K4", "2025-10-14", "one_to_one"),
            held("K5", "2025-10-15", "one_to_one"),
            held("K6", "2025-11-12", "group"),
            held("K7", "2025-11-12", "one_to_one"),
            held("K8", "2025-11-19", "one_to_one"),
        ]
        .join("\n"),
    );
    s.add(
        "attendees",
        "K1,DSL1\nK2,DSL1\nK3,DSL1\nK4,DDSL1\nK5,DDSL1\nK6,DSL1\nK6,DDSL1\nK7,PL1\nK8,DSL1\nK8,PL1",
    );
    let report = s.tables("2026-03-05", &[]);
    assert_eq!(
        table(
            &report.rows("restricted/recording"),
            &["session_id", "kind", "contract_in_date"]
        ),
        [
            "K1|one_to_one|true",
            "K2|one_to_one|true",
            "K3|one_to_one|false",
            "K4|one_to_one|false",
            "K5|one_to_one|true",
            "K6|group|",
            "K7|one_to_one|false",
            "K8|one_to_one|false",
        ]
    );
}

#[test]
fn supervisor_trained_lasts_training_valid_months_to_the_day_clamped_at_month_end() {
    // Spec 02 §6: "supervisor_trained: supervisor_trained_on present and held_on <= that
    // date + training_valid_months (24) months"; "Readings settled": a "training date
    // after it [the as-of date] counts as not (yet) there". Adding months to the 29th-31st
    // of a month lands on the target month's last day when it is shorter (2024-02-29 + 24
    // months = 2026-02-28). As of Thu 2026-03-05:
    //   HT1 trained 2023-10-01 -> valid through 2025-10-01:
    //     T1 Wed 2025-10-01 (the anniversary) -> true; T2 Thu 2025-10-02 -> false
    //   X1 never trained: T3 Wed 2025-10-01 -> false
    //   X2 trained 2026-03-10, after the as-of date: T4 Wed 2026-03-04 -> false
    //   X3 trained 2024-02-29 -> valid through 2026-02-28:
    //     T5 Sat 2026-02-28 -> true; T6 Sun 2026-03-01 -> false
    //   School 100002 has training_valid_months = 6 (the session's school's policy
    //   applies); Y1 trained 2025-08-31 -> valid through 2026-02-28 (Feb has no 31st):
    //     T7 Sat 2026-02-28 -> true; T8 Mon 2026-03-02 -> false (24 months, or an
    //     overflowing 31 Feb = 3 Mar, would make it true)
    let mut s = staff();
    s.add(
        "schools",
        "TR1,Trust One,100002,School Two,secondary,Testshire",
    );
    s.policy("[schools.\"100002\"]\ntraining_valid_months = 6\n");
    s.add(
        "staff",
        "X1,100001,Xan One,EXTERNAL,2020-09-01,,
         X2,100001,Xan Two,EXTERNAL,2020-09-01,,2026-03-10
         X3,100001,Xan Three,EXTERNAL,2020-09-01,,2024-02-29
         Y1,100002,Yas One,EXTERNAL,2020-09-01,,2025-08-31
         DSL2,100002,Ida Ives,DSL,2020-09-01,,",
    );
    let at = |id: &str, urn: &str, date: &str, supervisor: &str| {
        format!("{id},{urn},{date},{supervisor},one_to_one,true,held,60,,true,true,")
    };
    s.add(
        "sessions",
        &[
            at("T1", "100001", "2025-10-01", "HT1"),
            at("T2", "100001", "2025-10-02", "HT1"),
            at("T3", "100001", "2025-10-01", "X1"),
            at("T4", "100001", "2026-03-04", "X2"),
            at("T5", "100001", "2026-02-28", "X3"),
            at("T6", "100001", "2026-03-01", "X3"),
            at("T7", "100002", "2026-02-28", "Y1"),
            at("T8", "100002", "2026-03-02", "Y1"),
        ]
        .join("\n"),
    );
    s.add(
        "attendees",
        "T1,DSL1\nT2,DSL1\nT3,DSL1\nT4,DSL1\nT5,DSL1\nT6,DSL1\nT7,DSL2\nT8,DSL2",
    );
    let report = s.tables("2026-03-05", &[]);
    assert_eq!(
        table(
            &report.rows("restricted/recording"),
            &["school_urn", "session_id", "supervisor_trained"]
        ),
        [
            "100001|T1|true",
            "100001|T2|false",
            "100001|T3|false",
            "100001|T4|false",
            "100001|T5|true",
            "100001|T6|false",
            "100002|T7|true",
            "100002|T8|false",
        ]
    );
}

// ---------------------------------------------------------------------------------------
// §6 Balance of functions
// ---------------------------------------------------------------------------------------

/// `functions.csv` as `school|staff|covered|balanced`.
fn functions(rows: &[Row]) -> Vec<String> {
    table(rows, &["school_urn", "staff_id", "covered", "balanced"])
}

/// A held session at school 100001 supervised by HT1, with `functions`.
fn with_functions(id: &str, date: &str, kind: &str, status: &str, functions: &str) -> String {
    let minutes = if status == "held" { "60" } else { "" };
    format!("{id},100001,{date},HT1,{kind},true,{status},{minutes},,true,true,{functions}")
}

#[test]
fn functions_are_the_union_over_sessions_in_canonical_order_and_balanced_needs_all_required() {
    // Spec 02 §6: "per person in scope on the as-of date, the union of functions over the
    // held sessions they attended in the report year so far; balanced = it contains all
    // of the school's required_functions (managerial, developmental, supportive)".
    // Spec 03: covered lists them in canonical order (managerial, developmental,
    // supportive, mediation, multi_agency, voice_of_child), ;-separated.
    // As of Mon 2026-02-02:
    //   A Wed 2025-09-10 group: "supportive;managerial", attendees DSL1, DDSL1, T1
    //   B Wed 2025-11-12 peer:  "voice_of_child;multi_agency;developmental;mediation", DSL1
    // DSL1: A + B = all six, in canonical order -> balanced.
    // DDSL1: A only = managerial;supportive (no developmental) -> not balanced.
    // PL1: no sessions -> covered empty, not balanced.
    // T1 (TEACHER) and HT1 are not in scope; L1 (DSL, left Fri 2026-01-30, before the
    // as-of date) is not in scope on the as-of date: no rows.
    let mut s = staff();
    s.add(
        "staff",
        "T1,100001,Tia Tan,TEACHER,2020-09-01,,\nL1,100001,Lee One,DSL,2020-09-01,2026-01-30,",
    );
    s.add(
        "sessions",
        &[
            with_functions("A", "2025-09-10", "group", "held", "supportive;managerial"),
            with_functions(
                "B",
                "2025-11-12",
                "peer",
                "held",
                "voice_of_child;multi_agency;developmental;mediation",
            ),
        ]
        .join("\n"),
    );
    s.add("attendees", "A,DSL1\nA,DDSL1\nA,T1\nA,L1\nB,DSL1");
    let report = s.tables("2026-02-02", &[]);
    assert_eq!(
        functions(&report.rows("restricted/functions")),
        [
            "100001|DDSL1|managerial;supportive|false",
            "100001|DSL1|managerial;developmental;supportive;mediation;multi_agency;voice_of_child|true",
            "100001|PL1||false",
        ]
    );
}

#[test]
fn functions_count_only_held_sessions_of_the_report_year_up_to_the_as_of_date() {
    // Spec 02 §6: "the union of functions over the held sessions they attended in the
    // report year so far". Each person attended A (Wed 2025-09-10, group,
    // "managerial;supportive") and one session with "developmental" that must not count;
    // any of them counting would make that person balanced. As of Mon 2026-02-02:
    //   DSL1:  C cancelled Wed 2025-12-03
    //   DDSL1: D held Wed 2025-07-09, in 2024/25
    //   PL1:   E held Tue 2026-02-03, after the as-of date
    // Each: covered managerial;supportive, not balanced.
    let mut s = staff();
    s.add(
        "sessions",
        &[
            with_functions("A", "2025-09-10", "group", "held", "managerial;supportive"),
            with_functions(
                "C",
                "2025-12-03",
                "one_to_one",
                "cancelled",
                "developmental",
            ),
            with_functions("D", "2025-07-09", "one_to_one", "held", "developmental"),
            with_functions("E", "2026-02-03", "one_to_one", "held", "developmental"),
        ]
        .join("\n"),
    );
    s.add(
        "attendees",
        "A,DSL1\nA,DDSL1\nA,PL1\nC,DSL1\nD,DDSL1\nE,PL1",
    );
    let report = s.tables("2026-02-02", &[]);
    assert_eq!(
        functions(&report.rows("restricted/functions")),
        [
            "100001|DDSL1|managerial;supportive|false",
            "100001|DSL1|managerial;supportive|false",
            "100001|PL1|managerial;supportive|false",
        ]
    );
}

#[test]
fn a_schools_required_functions_override_decides_balanced() {
    // Spec 02 §6: balanced = the union contains all of "the school's required_functions";
    // spec 04: a key in [schools."URN"] "replaces the default's value whole".
    // School 100002 requires only managerial and supportive. The same pattern at both
    // schools: a DSL attended one group session with "managerial;supportive" (Wed
    // 2025-09-10). As of 2026-02-02: at 100001 (default: also developmental) not
    // balanced; at 100002 balanced.
    let mut s = staff();
    s.add(
        "schools",
        "TR1,Trust One,100002,School Two,secondary,Testshire",
    );
    s.add(
        "staff",
        "HT2,100002,Hal Hope,HEADTEACHER,2015-09-01,,
         DSL2,100002,Ida Ives,DSL,2020-09-01,,",
    );
    s.policy("[schools.\"100002\"]\nrequired_functions = [\"managerial\", \"supportive\"]\n");
    s.add(
        "sessions",
        "A1,100001,2025-09-10,HT1,group,true,held,60,,true,true,managerial;supportive
         A2,100002,2025-09-10,HT2,group,true,held,60,,true,true,managerial;supportive",
    );
    s.add("attendees", "A1,DSL1\nA2,DSL2");
    let report = s.tables("2026-02-02", &[]);
    let dsls: Vec<Row> = report
        .rows("restricted/functions")
        .into_iter()
        .filter(|r| ["DSL1", "DSL2"].contains(&r["staff_id"].as_str()))
        .collect();
    assert_eq!(
        functions(&dsls),
        [
            "100001|DSL1|managerial;supportive|false",
            "100002|DSL2|managerial;supportive|true"
        ]
    );
}
