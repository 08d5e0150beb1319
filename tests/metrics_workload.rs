//! Workload per DSL (spec 02 §5), by hand-worked scenarios.
//!
//! Every scenario is reported as of Tuesday 2026-01-20 (report year 2025/26, which
//! starts on 2025-09-01).

use crate::scenario::{Report, Scenario};

const AS_OF: &str = "2026-01-20";

/// A DSL, a DDSL and a headteacher at school 100001.
fn staff() -> Scenario {
    let mut s = Scenario::new();
    s.add(
        "staff",
        "DSL1,100001,Ann Able,DSL,2020-09-01,,2025-01-10
         DDSL1,100001,Ben Bell,DDSL,2021-09-01,,
         HT1,100001,Cat Cole,HEADTEACHER,2015-09-01,,2025-01-10",
    );
    s
}

/// A held session row: `id` at school 100001 on `held_on`, supervised by `supervisor`.
fn held(id: &str, held_on: &str, supervisor: &str, minutes: u32) -> String {
    format!(
        "{id},100001,{held_on},{supervisor},one_to_one,true,held,{minutes},{held_on},true,true,"
    )
}

/// The cells `columns` of `staff_id`'s row of restricted/workload.csv.
fn cells(report: &Report, staff_id: &str, columns: &[&str]) -> Vec<String> {
    let row = report.row("restricted/workload", "staff_id", staff_id);
    columns.iter().map(|c| row[*c].clone()).collect()
}

const CASELOAD: [&str; 8] = [
    "open_cp",
    "open_cin",
    "open_cla",
    "open_eh",
    "open_concern",
    "open_step_down",
    "weighted_caseload",
    "over_caseload",
];

#[test]
fn open_cases_by_category_and_the_weighted_caseload() {
    // Spec 02 §5: "open_cp, ..., open_step_down: open cases they own, by category";
    // "weighted_caseload = Σ weight × count (weights CP 3, CLA 2, CIN 2, EH 1, CONCERN
    // 0.5, STEP_DOWN 0.5)"; open = "opened_on <= as-of, closed_on empty or after it"
    // (§4). Spec 03: other fractions two decimals.
    // DSL1: 2 CP + 1 EH + 3 CONCERN = 6 + 1 + 1.5 = 8.5 -> "8.50". Not counted: a CP
    //   closed 2026-01-10, a CLA closed on the as-of date, a CIN opened 2026-01-21.
    // DDSL1: 1 CIN + 2 CLA (one closing 2026-02-01, after the as-of) + 1 STEP_DOWN
    //   = 2 + 4 + 0.5 = 6.5 -> "6.50".
    // HT1 owns none: 0 everywhere, "0.00".
    let mut s = staff();
    s.add(
        "cases",
        "C1,100001,CP,DSL1,2025-09-10,
         C2,100001,CP,DSL1,2025-10-10,
         E1,100001,EH,DSL1,2025-09-10,
         N1,100001,CONCERN,DSL1,2025-09-10,
         N2,100001,concern,DSL1,2025-09-10,
         N3,100001,CONCERN,DSL1,2026-01-20,
         X1,100001,CP,DSL1,2025-09-10,2026-01-10
         X2,100001,CIN,DSL1,2026-01-21,
         X3,100001,CLA,DSL1,2025-09-10,2026-01-20
         Y1,100001,CIN,DDSL1,2025-09-10,
         Y2,100001,CLA,DDSL1,2025-09-10,
         Y3,100001,STEP_DOWN,DDSL1,2025-09-10,
         Y4,100001,CLA,DDSL1,2025-09-10,2026-02-01",
    );
    s.add("sessions", &held("S1", "2025-10-01", "HT1", 60));
    s.add("attendees", "S1,DSL1");
    let report = s.tables(AS_OF, &[]);
    assert_eq!(
        cells(&report, "DSL1", &CASELOAD),
        ["2", "0", "0", "1", "3", "0", "8.50", "false"]
    );
    assert_eq!(
        cells(&report, "DDSL1", &CASELOAD),
        ["0", "1", "2", "0", "0", "1", "6.50", "false"]
    );
    assert_eq!(
        cells(&report, "HT1", &CASELOAD),
        ["0", "0", "0", "0", "0", "0", "0.00", "false"]
    );
    assert_eq!(
        cells(
            &report,
            "DSL1",
            &["trust_id", "school_urn", "display_name", "role"]
        ),
        ["TR1", "100001", "Ann Able", "DSL"]
    );
}

#[test]
fn over_caseload_is_strictly_above_the_threshold() {
    // Spec 02 §5: "over_caseload = weighted_caseload > max_weighted_caseload (40)".
    // DSL1: 12 CP + 2 CIN = 36 + 4 = 40 -> "40.00", not over.
    // DDSL1: 13 CP + 3 CONCERN = 39 + 1.5 = 40.5 -> "40.50", over.
    let mut s = staff();
    for n in 0..12 {
        s.add("cases", &format!("A{n},100001,CP,DSL1,2025-09-10,"));
    }
    s.add(
        "cases",
        "A20,100001,CIN,DSL1,2025-09-10,\nA21,100001,CIN,DSL1,2025-09-10,",
    );
    for n in 0..13 {
        s.add("cases", &format!("B{n},100001,CP,DDSL1,2025-09-10,"));
    }
    for n in 20..23 {
        s.add("cases", &format!("B{n},100001,CONCERN,DDSL1,2025-09-10,"));
    }
    let report = s.tables(AS_OF, &[]);
    let columns = [
        "open_cp",
        "open_cin",
        "open_concern",
        "weighted_caseload",
        "over_caseload",
    ];
    assert_eq!(
        cells(&report, "DSL1", &columns),
        ["12", "2", "0", "40.00", "false"]
    );
    assert_eq!(
        cells(&report, "DDSL1", &columns),
        ["13", "0", "3", "40.50", "true"]
    );
}

#[test]
fn open_and_overdue_actions_of_each_owner() {
    // Spec 02 §5: "open_actions (owned, not cancelled, not done by the as-of date,
    // session held by then) and overdue_actions (class overdue)"; §3: overdue = "not
    // completed by the as-of date, and due_on < as-of".
    // DSL1's actions, as of 2026-01-20:
    //   A1 open, due 02-01          open, not yet due
    //   A2 open, due 01-10          open, overdue
    //   A3 done 01-05               not open
    //   A4 due 01-15, done 01-25    done after the as-of: open, overdue
    //   A5 cancelled                not counted
    //   A6 open, session S2 held 2026-01-22 (after the as-of): not counted
    //   A7 open, session S3 cancelled: not counted
    //   A8 done late 2025-12-10     not open
    //   -> open_actions 3, overdue_actions 2 (4 and 3 if A6, A7 counted; 4 open if A5).
    // HT1 owns B1, open, due 01-19 -> 1 and 1. DDSL1 owns none -> 0 and 0.
    let mut s = staff();
    s.add("sessions", &held("S1", "2025-10-01", "HT1", 60));
    s.add("sessions", &held("S2", "2026-01-22", "HT1", 60));
    s.add(
        "sessions",
        "S3,100001,2025-11-05,HT1,one_to_one,true,cancelled,,,false,false,",
    );
    s.add("attendees", "S1,DSL1\nS2,DSL1\nS3,DSL1");
    s.add(
        "actions",
        "A1,S1,,DSL1,2026-02-01,,open
         A2,S1,,DSL1,2026-01-10,,open
         A3,S1,,DSL1,2026-01-10,2026-01-05,done
         A4,S1,,DSL1,2026-01-15,2026-01-25,done
         A5,S1,,DSL1,2026-01-10,,cancelled
         A6,S2,,DSL1,2026-01-10,,open
         A7,S3,,DSL1,2026-01-10,,open
         A8,S1,,DSL1,2025-12-01,2025-12-10,done
         B1,S1,,HT1,2026-01-19,,open",
    );
    let report = s.tables(AS_OF, &[]);
    let columns = ["open_actions", "overdue_actions"];
    assert_eq!(cells(&report, "DSL1", &columns), ["3", "2"]);
    assert_eq!(cells(&report, "HT1", &columns), ["1", "1"]);
    assert_eq!(cells(&report, "DDSL1", &columns), ["0", "0"]);
}

#[test]
fn sessions_and_hours_count_held_sessions_of_the_report_year_up_to_the_as_of_date() {
    // Spec 02 §5: "sessions_received / sessions_given: held sessions in the report year
    // up to the as-of date as attendee / as supervisor; hours_given = their minutes ÷
    // 60"; "cases_per_hour = distinct (session, case) discussions in sessions given ÷
    // hours_given; empty when no hours"; "Readings settled": "rushed is empty when
    // cases_per_hour is".
    // HT1 supervises:
    //   G1 2025-10-01 held 90 min, DSL1; discusses K1, K2          counted
    //   G2 2025-11-12 held 45 min, DSL1 + DDSL1; discusses K1      counted
    //   G3 2025-07-01 held 60 min (2024/25), DSL1; discusses K1    not in the report year
    //   G4 2025-12-03 cancelled, DSL1; discusses K2                not held
    //   G5 2026-01-21 held 60 min (after the as-of), DSL1; K2      not seen
    //   G6 2025-12-10 missed, DSL1 + DDSL1                         not held
    //   -> sessions_given 2, hours_given (90 + 45) / 60 = 2.25, cases_per_hour
    //      3 / 2.25 = 1.333.. -> "1.33", rushed false; sessions_received 0.
    // DSL1 supervises G7 2026-01-12, 30 min, DDSL1; discusses K3
    //   -> sessions_given 1, hours 0.50, cases_per_hour 1 / 0.5 = 2.00; received G1, G2 = 2.
    // DDSL1 supervises nothing -> hours "0.00", cases_per_hour and rushed empty;
    //   received G2, G7 = 2.
    let mut s = staff();
    s.add(
        "sessions",
        &[
            held("G1", "2025-10-01", "HT1", 90),
            held("G2", "2025-11-12", "HT1", 45),
            held("G3", "2025-07-01", "HT1", 60),
            "G4,100001,2025-12-03,HT1,one_to_one,true,cancelled,,,false,false,".to_string(),
            held("G5", "2026-01-21", "HT1", 60),
            "G6,100001,2025-12-10,HT1,group,true,missed,,,false,false,".to_string(),
            held("G7", "2026-01-12", "DSL1", 30),
        ]
        .join("\n"),
    );
    s.add(
        "attendees",
        "G1,DSL1\nG2,DSL1\nG2,DDSL1\nG3,DSL1\nG4,DSL1\nG5,DSL1\nG6,DSL1\nG6,DDSL1\nG7,DDSL1",
    );
    s.add(
        "cases",
        "K1,100001,CP,DSL1,2025-05-10,
         K2,100001,EH,DSL1,2025-09-10,
         K3,100001,CONCERN,DDSL1,2025-09-10,",
    );
    s.add("discussions", "G1,K1,,false\nG1,K2,,false\nG2,K1,,false\nG3,K1,,false\nG4,K2,,false\nG5,K2,,false\nG7,K3,,false");
    let report = s.tables(AS_OF, &[]);
    let columns = [
        "sessions_received",
        "sessions_given",
        "hours_given",
        "cases_per_hour",
        "rushed",
    ];
    assert_eq!(
        cells(&report, "HT1", &columns),
        ["0", "2", "2.25", "1.33", "false"]
    );
    assert_eq!(
        cells(&report, "DSL1", &columns),
        ["2", "1", "0.50", "2.00", "false"]
    );
    assert_eq!(
        cells(&report, "DDSL1", &columns),
        ["2", "0", "0.00", "", ""]
    );
}

#[test]
fn rushed_is_strictly_above_max_cases_per_hour_of_the_own_school() {
    // Spec 02 §5: "cases_per_hour = distinct (session, case) discussions in sessions
    // given ÷ hours_given"; "rushed = cases_per_hour > max_cases_per_hour (12)";
    // spec 04: a school's override replaces the default (Captain Cook: max 10).
    // SUP1: one 60-minute session discussing 13 cases -> 13 / 1 = 13.00, rushed.
    // SUP2: two 30-minute sessions, each discussing the same 6 cases -> 12 distinct
    //   (session, case) pairs / 1 hour = 12.00 (6.00 if cases were counted once), not
    //   rushed.
    // SUP3 at school 100002 (max_cases_per_hour = 10): one 60-minute session
    //   discussing 11 cases -> 11.00 > 10, rushed (not rushed under the default 12).
    let mut s = staff();
    s.add(
        "schools",
        "TR1,Trust One,100002,School Two,primary,Testshire",
    );
    s.policy("[schools.\"100002\".workload]\nmax_cases_per_hour = 10\n");
    s.add(
        "staff",
        "SUP1,100001,Sue One,HEADTEACHER,2015-09-01,,2025-01-10
         SUP2,100001,Sam Two,HEADTEACHER,2015-09-01,,2025-01-10
         SUP3,100002,Sid Three,HEADTEACHER,2015-09-01,,2025-01-10",
    );
    s.add(
        "sessions",
        &[
            held("R1", "2026-01-12", "SUP1", 60),
            held("T1", "2026-01-13", "SUP2", 30),
            held("T2", "2026-01-14", "SUP2", 30),
            held("U1", "2026-01-15", "SUP3", 60).replace(",100001,", ",100002,"),
        ]
        .join("\n"),
    );
    s.add("attendees", "R1,DSL1\nT1,DDSL1\nT2,DDSL1\nU1,DSL1");
    for n in 1..=13 {
        s.add("cases", &format!("Q{n},100001,CONCERN,DSL1,2025-09-10,"));
        s.add("discussions", &format!("R1,Q{n},,false"));
    }
    for n in 1..=6 {
        s.add("discussions", &format!("T1,Q{n},,false\nT2,Q{n},,false"));
    }
    for n in 1..=11 {
        s.add("discussions", &format!("U1,Q{n},,false"));
    }
    let report = s.tables(AS_OF, &[]);
    let columns = ["sessions_given", "hours_given", "cases_per_hour", "rushed"];
    assert_eq!(
        cells(&report, "SUP1", &columns),
        ["1", "1.00", "13.00", "true"]
    );
    assert_eq!(
        cells(&report, "SUP2", &columns),
        ["2", "1.00", "12.00", "false"]
    );
    assert_eq!(
        cells(&report, "SUP3", &columns),
        ["1", "1.00", "11.00", "true"]
    );
}

#[test]
fn who_gets_a_workload_row() {
    // Spec 02 §5: "One row per staff member employed on the as-of date who is in an
    // in-scope role, or owns an open case, or supervised a held session in the report
    // year (up to the as-of date)". In-scope roles by default: DSL, DDSL, PASTORAL_LEAD.
    // Spec 01: left_on is the "last day employed".
    //   DSL1  DSL                                             -> row
    //   PL1   PASTORAL_LEAD                                   -> row
    //   TCH1  TEACHER owning an open case                     -> row
    //   TCH2  TEACHER owning only a case closed 2026-01-10    -> no row
    //   TCH3  TEACHER who only attended a session             -> no row
    //   TCH4  TEACHER owning an open case, left 2026-01-10    -> no row
    //   SEN1  SENCO (not in scope by default)                 -> no row
    //   HT1   HEADTEACHER who supervised H1 (2025-10-01)      -> row
    //   HT2   HEADTEACHER who supervised only in 2024/25      -> no row
    //   HT3   HEADTEACHER whose only session was cancelled    -> no row
    //   DSL2  DSL who left 2026-01-19                         -> no row
    //   DSL3  DSL whose last day is the as-of date            -> row
    //   DSL4  DSL starting 2026-01-21                         -> no row
    let mut s = Scenario::new();
    s.add(
        "staff",
        "DSL1,100001,Ann Able,DSL,2020-09-01,,
         PL1,100001,Pat Lee,PASTORAL_LEAD,2020-09-01,,
         TCH1,100001,Tom One,TEACHER,2020-09-01,,
         TCH2,100001,Tia Two,TEACHER,2020-09-01,,
         TCH3,100001,Ted Three,TEACHER,2020-09-01,,
         TCH4,100001,Tod Four,TEACHER,2020-09-01,2026-01-10,
         SEN1,100001,Sal En,SENCO,2020-09-01,,
         HT1,100001,Cat Cole,HEADTEACHER,2015-09-01,,
         HT2,100001,Hal Two,HEADTEACHER,2015-09-01,,
         HT3,100001,Hana Three,HEADTEACHER,2015-09-01,,
         DSL2,100001,Dee Two,DSL,2020-09-01,2026-01-19,
         DSL3,100001,Dee Three,DSL,2020-09-01,2026-01-20,
         DSL4,100001,Dee Four,DSL,2026-01-21,,",
    );
    s.add(
        "sessions",
        &[
            held("H1", "2025-10-01", "HT1", 60),
            held("H2", "2025-06-10", "HT2", 60),
            "H3,100001,2025-11-05,HT3,one_to_one,true,cancelled,,,false,false,".to_string(),
        ]
        .join("\n"),
    );
    s.add("attendees", "H1,DSL1\nH1,TCH3\nH2,DSL1\nH3,DSL1");
    s.add(
        "cases",
        "K1,100001,EH,TCH1,2025-09-10,
         K2,100001,EH,TCH2,2025-09-10,2026-01-10
         K3,100001,EH,TCH4,2025-09-10,",
    );
    let report = s.tables(AS_OF, &[]);
    let listed: Vec<(String, String)> = report
        .rows("restricted/workload")
        .into_iter()
        .map(|r| (r["staff_id"].clone(), r["role"].clone()))
        .collect();
    let expected = [
        ("DSL1", "DSL"),
        ("DSL3", "DSL"),
        ("HT1", "HEADTEACHER"),
        ("PL1", "PASTORAL_LEAD"),
        ("TCH1", "TEACHER"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(listed, expected);
    assert_eq!(
        cells(&report, "TCH1", &["open_eh", "weighted_caseload"]),
        ["1", "1.00"]
    );
}
