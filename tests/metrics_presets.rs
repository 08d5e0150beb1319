//! The five seed policies as presets (spec 04, "The five seed policies, as presets"): for
//! each, one bundle with two schools given the same staff pattern and the same sessions,
//! school 100001 taking the preset from sample-data/presets/ and school 100002 the trust
//! defaults; the outcomes differ as the seed's rules say.
//!
//! The 2025/26 calendar (sample-data/calendar.csv): AU1 Mon 2025-09-01..Fri 10-24 (40
//! working days), October half-term 10-27..31, AU2 Mon 11-03..Fri 12-19 (35), SP1 from Mon
//! 2026-01-05. working_days(a, b) counts the working days d with a < d <= b.

use crate::scenario::{Report, Row, Scenario, table};

/// `frequency.csv` as `school|staff|rule|period|delivered|met`.
fn frequency(report: &Report) -> Vec<String> {
    table(
        &report.rows("restricted/frequency"),
        &[
            "school_urn",
            "staff_id",
            "rule",
            "period_id",
            "delivered",
            "met",
        ],
    )
}

/// `intervals.csv` as `school|staff|rule|last_session_on|longest_gap|met`.
fn intervals(report: &Report) -> Vec<String> {
    table(
        &report.rows("restricted/intervals"),
        &[
            "school_urn",
            "staff_id",
            "rule",
            "last_session_on",
            "longest_gap",
            "met",
        ],
    )
}

/// `functions.csv` as `school|staff|covered|balanced`.
fn functions(report: &Report) -> Vec<String> {
    table(
        &report.rows("restricted/functions"),
        &["school_urn", "staff_id", "covered", "balanced"],
    )
}

/// Two schools of trust TR1: 100001 ("A", staff and sessions prefixed `A`) with the
/// preset `sample-data/presets/<preset>.toml`, 100002 ("B", prefixed `B`) with the
/// defaults. `rows` gives each table's lines once, with `{u}` for the school's URN and
/// `{p}` for its prefix; they are added for both schools.
fn twin_schools(preset: &str, rows: &[(&'static str, &str)]) -> Scenario {
    let mut s = Scenario::new();
    s.add(
        "schools",
        "TR1,Trust One,100002,School Two,primary,Testshire",
    );
    let file = format!(
        "{}/sample-data/presets/{preset}.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    s.policy(&format!("[schools.\"100001\"]\npreset = {file:?}\n"));
    for (prefix, urn) in [("A", "100001"), ("B", "100002")] {
        for (table, lines) in rows {
            s.add(table, &lines.replace("{u}", urn).replace("{p}", prefix));
        }
    }
    s
}

#[test]
fn lode_heath_termly_with_a_60_day_gap_wider_scope_and_five_functions() {
    // Spec 04, Lode Heath: "termly >=1 planned one_to_one (planned_only ...) (changed:
    // group no longer counts); gap <= 60 working days; in scope DSL, DDSL, YEAR_HEAD,
    // PASTORAL_LEAD, SENCO, FAMILY_SUPPORT, and case owners (in_scope_case_owners);
    // required functions managerial, developmental, multi_agency, voice_of_child,
    // supportive".
    // Each school: one group session G on Wed 2025-10-22 (AU1) for its DSL, year head,
    // SENCO, family support worker and a teacher, covering managerial, developmental,
    // supportive; an unplanned one_to_one U for the year head on Wed 11-12 and a planned
    // one P for the DSL on Wed 11-19 (AU2). The teacher holds a CP case. As of Fri
    // 2026-01-09 (SP1, started 2026-01-05).
    // Lode Heath (A), for the DSL, YEAR_HEAD, SENCO, FAMILY_SUPPORT and the teacher (a
    // case holder):
    //   termly: AU (2025-09-01..12-19, complete): only the DSL's P counts (G is a group,
    //   U unplanned): DSL 1, met; the others 0, NOT met. SP in progress: 0, empty.
    //   gap: DSL 2025-09-01 -> 11-19 = 39 (AU1 less its first day) + Nov 3-19 (13) = 52;
    //        11-19 -> 2026-01-09 = the rest of AU2 (22) + Jan 5-9 (5) = 27: 52 <= 60,
    //        met. The others have no qualifying session: 39 + 35 + 5 = 79, NOT met.
    //   functions: no multi_agency, voice_of_child: not balanced.
    // Defaults (B), the DSL only (no case holders, year heads ...): half-termly AU1 1 (G)
    //   met, AU2 1 (P) met, SP1 0 in progress; no gap rule; functions balanced.
    let s = twin_schools(
        "lode-heath",
        &[
            (
                "staff",
                "{p}HT,{u},Head,HEADTEACHER,2015-09-01,,
                 {p}DSL,{u},Lead,DSL,2020-09-01,,
                 {p}FS,{u},Family,FAMILY_SUPPORT,2020-09-01,,
                 {p}SENCO,{u},Senco,SENCO,2020-09-01,,
                 {p}TCH,{u},Teacher,TEACHER,2020-09-01,,
                 {p}YH,{u},Year Head,YEAR_HEAD,2020-09-01,,",
            ),
            ("cases", "{p}K1,{u},CP,{p}TCH,2025-09-01,"),
            (
                "sessions",
                "{p}G,{u},2025-10-22,{p}HT,group,true,held,90,,true,true,managerial;developmental;supportive
                 {p}U,{u},2025-11-12,{p}HT,one_to_one,false,held,60,,true,true,
                 {p}P,{u},2025-11-19,{p}HT,one_to_one,true,held,60,,true,true,",
            ),
            (
                "attendees",
                "{p}G,{p}DSL\n{p}G,{p}FS\n{p}G,{p}SENCO\n{p}G,{p}TCH\n{p}G,{p}YH\n{p}U,{p}YH\n{p}P,{p}DSL",
            ),
        ],
    );
    let report = s.tables("2026-01-09", &[]);
    let mut want_frequency = Vec::new();
    let mut want_intervals = Vec::new();
    let mut want_functions = Vec::new();
    for staff in ["ADSL", "AFS", "ASENCO", "ATCH", "AYH"] {
        let dsl = staff == "ADSL";
        want_frequency.push(format!(
            "100001|{staff}|termly|2025/26 AU|{}|{dsl}",
            u8::from(dsl)
        ));
        want_frequency.push(format!("100001|{staff}|termly|2025/26 SP|0|"));
        want_intervals.push(if dsl {
            format!("100001|{staff}|termly|2025-11-19|52|true")
        } else {
            format!("100001|{staff}|termly||79|false")
        });
        want_functions.push(format!(
            "100001|{staff}|managerial;developmental;supportive|false"
        ));
    }
    want_frequency.extend(
        [
            "100002|BDSL|half-termly|2025/26 AU1|1|true",
            "100002|BDSL|half-termly|2025/26 AU2|1|true",
            "100002|BDSL|half-termly|2025/26 SP1|0|",
        ]
        .map(String::from),
    );
    want_functions.push("100002|BDSL|managerial;developmental;supportive|true".to_string());
    assert_eq!(frequency(&report), want_frequency);
    assert_eq!(intervals(&report), want_intervals);
    assert_eq!(functions(&report), want_functions);
}

#[test]
fn captain_cook_one_to_one_every_20_working_days_and_at_most_10_cases_an_hour() {
    // Spec 04, Captain Cook: "half-termly >=1 one_to_one of at least 120 minutes ('for a
    // period of two hours'); gap <= 20 working days; training valid 24 months; max 10
    // cases per hour; contracts required"; spec 02 §5: "cases_per_hour = distinct
    // (session, case) discussions in sessions given / hours_given", "rushed =
    // cases_per_hour > max_cases_per_hour" (default 12), two decimals (spec 03).
    // Each school, as of Mon 2025-10-27 (half-term; AU1 complete, AU2 not started):
    //   S1 Wed 2025-10-01 one_to_one, 120 min, supervisor HT, attendee DSL: 21 cases
    //      discussed -> HT: 21 / 2 h = 10.50 cases per hour.
    //   S2 Wed 2025-09-17 group, 60 min, supervisor X (external), attendee DDSL: 10 cases
    //      discussed -> X: 10.00 cases per hour.
    // Captain Cook (A):
    //   half-termly (one_to_one only): DSL AU1 1 met; DDSL AU1 0 (a group session) NOT met.
    //   gap 20: DSL 2025-09-01 -> 10-01 = Sep 2-30 (21) + Oct 1 (1) = 22, then 10-01 ->
    //     10-27 = Oct 2-24 (17): longest 22 > 20, NOT met. DDSL: no one_to_one, 09-01 ->
    //     10-27 = 39 (AU1's 40 less its first day): NOT met.
    //   rushed: HT 10.50 > 10 -> true; X 10.00 > 10 -> false.
    // Defaults (B): DSL and DDSL AU1 met (group counts); no gap rule; HT 10.50 > 12 ->
    //   false; X false.
    let mut rows = vec![
        (
            "staff",
            "{p}HT,{u},Head,HEADTEACHER,2015-09-01,,2024-09-01
             {p}X,{u},Visitor,EXTERNAL,2015-09-01,,2024-09-01
             {p}DSL,{u},Lead,DSL,2020-09-01,,
             {p}DDSL,{u},Deputy,DDSL,2020-09-01,,"
                .to_string(),
        ),
        (
            "sessions",
            "{p}S1,{u},2025-10-01,{p}HT,one_to_one,true,held,120,,true,true,
             {p}S2,{u},2025-09-17,{p}X,group,true,held,60,,true,true,"
                .to_string(),
        ),
        ("attendees", "{p}S1,{p}DSL\n{p}S2,{p}DDSL".to_string()),
    ];
    let mut cases = Vec::new();
    let mut discussions = Vec::new();
    for n in 1..=31 {
        let (session, owner) = if n <= 21 {
            ("{p}S1", "{p}DSL")
        } else {
            ("{p}S2", "{p}DDSL")
        };
        cases.push(format!("{{p}}CASE{n:02},{{u}},EH,{owner},2025-09-01,"));
        discussions.push(format!("{session},{{p}}CASE{n:02},5,false"));
    }
    rows.push(("cases", cases.join("\n")));
    rows.push(("discussions", discussions.join("\n")));
    let rows: Vec<(&'static str, &str)> = rows.iter().map(|(t, l)| (*t, l.as_str())).collect();
    let report = twin_schools("captain-cook", &rows).tables("2025-10-27", &[]);
    assert_eq!(
        frequency(&report),
        [
            "100001|ADDSL|half-termly|2025/26 AU1|0|false",
            "100001|ADSL|half-termly|2025/26 AU1|1|true",
            "100002|BDDSL|half-termly|2025/26 AU1|1|true",
            "100002|BDSL|half-termly|2025/26 AU1|1|true",
        ]
    );
    assert_eq!(
        intervals(&report),
        [
            "100001|ADDSL|half-termly||39|false",
            "100001|ADSL|half-termly|2025-10-01|22|false"
        ]
    );
    let workload = report.rows("restricted/workload");
    let supervisors: Vec<Row> = workload
        .into_iter()
        .filter(|r| r["staff_id"].ends_with("HT") || r["staff_id"].ends_with('X'))
        .collect();
    assert_eq!(
        table(
            &supervisors,
            &[
                "school_urn",
                "staff_id",
                "hours_given",
                "cases_per_hour",
                "rushed"
            ]
        ),
        [
            "100001|AHT|2.00|10.50|true",
            "100001|AX|1.00|10.00|false",
            "100002|BHT|2.00|10.50|false",
            "100002|BX|1.00|10.00|false",
        ]
    );
}

#[test]
fn cornerstone_one_to_one_each_half_term_for_pastoral_staff_rescheduled_within_5_days() {
    // Spec 04, Cornerstone: "half-termly >=1 one_to_one for staff with pastoral duties
    // (DSL, DDSL, PASTORAL_LEAD, YEAR_HEAD); cancelled sessions rescheduled within 5
    // working days"; spec 02 §2 for the window.
    // Each school, as of Mon 2025-10-27 (AU1 complete, AU2 not started):
    //   G  Wed 2025-09-17 group, held, for the DSL
    //   Y  Wed 2025-09-24 one_to_one, held, for the year head
    //   C1 Wed 2025-10-01 one_to_one cancelled for the pastoral lead, rebooked R1 Wed
    //      10-08: the 5th working day after (Oct 2, 3, 6, 7, 8) -> rescheduled
    //   C2 Wed 2025-10-01 one_to_one cancelled for the DDSL, rebooked R2 Thu 10-09: the 6th
    //      working day -> not rescheduled
    // Cornerstone (A): DSL AU1 0 (group does not count) NOT met; DDSL 1 (R2), PL 1 (R1),
    //   YEAR_HEAD 1 (Y): met.
    // Defaults (B): DSL 1 (group counts), DDSL 1, PL 1: met; the year head is not in scope.
    // Reschedules, the same 5-day window at both: C1 true, C2 false.
    let s = twin_schools(
        "cornerstone",
        &[
            (
                "staff",
                "{p}HT,{u},Head,HEADTEACHER,2015-09-01,,
                 {p}DSL,{u},Lead,DSL,2020-09-01,,
                 {p}DDSL,{u},Deputy,DDSL,2020-09-01,,
                 {p}PL,{u},Pastoral,PASTORAL_LEAD,2020-09-01,,
                 {p}YH,{u},Year Head,YEAR_HEAD,2020-09-01,,",
            ),
            (
                "sessions",
                "{p}G,{u},2025-09-17,{p}HT,group,true,held,60,,true,true,
                 {p}Y,{u},2025-09-24,{p}HT,one_to_one,true,held,60,,true,true,
                 {p}C1,{u},2025-10-01,{p}HT,one_to_one,true,cancelled,,,false,false,
                 {p}R1,{u},2025-10-08,{p}HT,one_to_one,true,held,60,,true,true,
                 {p}C2,{u},2025-10-01,{p}HT,one_to_one,true,cancelled,,,false,false,
                 {p}R2,{u},2025-10-09,{p}HT,one_to_one,true,held,60,,true,true,",
            ),
            (
                "attendees",
                "{p}G,{p}DSL\n{p}Y,{p}YH\n{p}C1,{p}PL\n{p}R1,{p}PL\n{p}C2,{p}DDSL\n{p}R2,{p}DDSL",
            ),
        ],
    );
    let report = s.tables("2025-10-27", &[]);
    assert_eq!(
        frequency(&report),
        [
            "100001|ADDSL|half-termly|2025/26 AU1|1|true",
            "100001|ADSL|half-termly|2025/26 AU1|0|false",
            "100001|APL|half-termly|2025/26 AU1|1|true",
            "100001|AYH|half-termly|2025/26 AU1|1|true",
            "100002|BDDSL|half-termly|2025/26 AU1|1|true",
            "100002|BDSL|half-termly|2025/26 AU1|1|true",
            "100002|BPL|half-termly|2025/26 AU1|1|true",
        ]
    );
    assert_eq!(
        table(
            &report.rows("restricted/reschedules"),
            &[
                "school_urn",
                "session_id",
                "staff_id",
                "window_ends_on",
                "rescheduled"
            ]
        ),
        [
            "100001|AC1|APL|2025-10-08|true",
            "100001|AC2|ADDSL|2025-10-08|false",
            "100002|BC1|BPL|2025-10-08|true",
            "100002|BC2|BDDSL|2025-10-08|false",
        ]
    );
}

#[test]
fn temple_one_to_one_each_half_term_for_dsl_and_ddsl_only() {
    // Spec 04, Temple: "half-termly >=1 one_to_one for DSL, DDSL".
    // Each school, as of Mon 2025-10-27 (AU1 complete, AU2 not started): a group session
    // (Wed 2025-09-17) for the DSL, one_to_one sessions for the DDSL (Wed 10-01) and the
    // pastoral lead (Wed 09-24).
    // Temple (A): DDSL 1 met; DSL 0 (group does not count) NOT met; the pastoral lead is
    //   out of scope: no frequency or functions row.
    // Defaults (B): DDSL, DSL, PASTORAL_LEAD each 1, met.
    let s = twin_schools(
        "temple",
        &[
            (
                "staff",
                "{p}HT,{u},Head,HEADTEACHER,2015-09-01,,
                 {p}DSL,{u},Lead,DSL,2020-09-01,,
                 {p}DDSL,{u},Deputy,DDSL,2020-09-01,,
                 {p}PL,{u},Pastoral,PASTORAL_LEAD,2020-09-01,,",
            ),
            (
                "sessions",
                "{p}G,{u},2025-09-17,{p}HT,group,true,held,60,,true,true,
                 {p}O1,{u},2025-10-01,{p}HT,one_to_one,true,held,60,,true,true,
                 {p}O2,{u},2025-09-24,{p}HT,one_to_one,true,held,60,,true,true,",
            ),
            ("attendees", "{p}G,{p}DSL\n{p}O1,{p}DDSL\n{p}O2,{p}PL"),
        ],
    );
    let report = s.tables("2025-10-27", &[]);
    assert_eq!(
        frequency(&report),
        [
            "100001|ADDSL|half-termly|2025/26 AU1|1|true",
            "100001|ADSL|half-termly|2025/26 AU1|0|false",
            "100002|BDDSL|half-termly|2025/26 AU1|1|true",
            "100002|BDSL|half-termly|2025/26 AU1|1|true",
            "100002|BPL|half-termly|2025/26 AU1|1|true",
        ]
    );
    assert_eq!(
        table(
            &report.rows("restricted/functions"),
            &["school_urn", "staff_id"]
        ),
        [
            "100001|ADDSL",
            "100001|ADSL",
            "100002|BDDSL",
            "100002|BDSL",
            "100002|BPL"
        ]
    );
}

#[test]
fn ashbury_meadow_group_every_30_working_days_and_mediation_required() {
    // Spec 04, Ashbury Meadow: "group sessions at least every 30 working days; half-termly
    // >=1 (one_to_one or group); required functions managerial, developmental,
    // supportive, mediation".
    // Each school, as of Mon 2025-10-27 (AU1 complete, AU2 not started):
    //   G1 Wed 2025-09-10 group for DSL and DDSL: managerial;developmental;supportive
    //   G2 Wed 2025-10-08 group for DDSL: mediation
    //   O1 Wed 2025-10-15 one_to_one for DSL: managerial
    // Ashbury Meadow (A):
    //   half-termly AU1: DSL 2 (G1, O1), DDSL 2 (G1, G2): met.
    //   group-6-weekly: DSL 2025-09-01 -> 09-10 = 7, 09-10 -> 10-27 = Sep 11-30 (14) +
    //     Oct 1-24 (18) = 32 (O1 is not a group session): longest 32 > 30, NOT met.
    //     DDSL 7, 09-10 -> 10-08 = 14 + 6 = 20, 10-08 -> 10-27 = Oct 9-24 (12): 20, met.
    //   functions: DSL lacks mediation, NOT balanced; DDSL has it, balanced.
    // Defaults (B): the same half-termly rows; no gap rule; both balanced.
    let s = twin_schools(
        "ashbury-meadow",
        &[
            (
                "staff",
                "{p}HT,{u},Head,HEADTEACHER,2015-09-01,,
                 {p}DSL,{u},Lead,DSL,2020-09-01,,
                 {p}DDSL,{u},Deputy,DDSL,2020-09-01,,",
            ),
            (
                "sessions",
                "{p}G1,{u},2025-09-10,{p}HT,group,true,held,60,,true,true,managerial;developmental;supportive
                 {p}G2,{u},2025-10-08,{p}HT,group,true,held,60,,true,true,mediation
                 {p}O1,{u},2025-10-15,{p}HT,one_to_one,true,held,60,,true,true,managerial",
            ),
            ("attendees", "{p}G1,{p}DSL\n{p}G1,{p}DDSL\n{p}G2,{p}DDSL\n{p}O1,{p}DSL"),
        ],
    );
    let report = s.tables("2025-10-27", &[]);
    assert_eq!(
        frequency(&report),
        [
            "100001|ADDSL|half-termly|2025/26 AU1|2|true",
            "100001|ADSL|half-termly|2025/26 AU1|2|true",
            "100002|BDDSL|half-termly|2025/26 AU1|2|true",
            "100002|BDSL|half-termly|2025/26 AU1|2|true",
        ]
    );
    assert_eq!(
        intervals(&report),
        [
            "100001|ADDSL|group-6-weekly|2025-10-08|20|true",
            "100001|ADSL|group-6-weekly|2025-09-10|32|false"
        ]
    );
    assert_eq!(
        functions(&report),
        [
            "100001|ADDSL|managerial;developmental;supportive;mediation|true",
            "100001|ADSL|managerial;developmental;supportive|false",
            "100002|BDDSL|managerial;developmental;supportive;mediation|true",
            "100002|BDSL|managerial;developmental;supportive|true",
        ]
    );
}
