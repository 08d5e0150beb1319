//! Tests of the calendar: working days, reporting half-terms, periods and the checks
//! of its CSV files.

use super::load::parse_date;
use super::*;

pub(crate) const CALENDAR: &str = "academic_year,term,half,starts_on,ends_on
2025/26,autumn,1,2025-09-03,2025-10-24
2025/26,autumn,2,2025-11-03,2025-12-19
2025/26,spring,1,2026-01-05,2026-02-13
2025/26,spring,2,2026-02-23,2026-03-27
2025/26,summer,1,2026-04-13,2026-05-22
2025/26,summer,2,2026-06-01,2026-07-22
";
pub(crate) const BANK_HOLIDAYS: &str = "date,name
2025-08-25,Summer bank holiday
2025-12-25,Christmas Day
2025-12-26,Boxing Day
2026-01-01,New Year's Day
2026-04-03,Good Friday
2026-04-06,Easter Monday
2026-05-04,Early May bank holiday
2026-05-25,Spring bank holiday
";

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

fn cal() -> Calendar {
    Calendar::from_csv(
        "calendar.csv",
        CALENDAR.as_bytes(),
        "bank-holidays.csv",
        BANK_HOLIDAYS.as_bytes(),
    )
    .unwrap()
}

fn cal_err(calendar: &str, holidays: &str) -> String {
    Calendar::from_csv(
        "calendar.csv",
        calendar.as_bytes(),
        "bank-holidays.csv",
        holidays.as_bytes(),
    )
    .unwrap_err()
    .to_string()
}

#[test]
fn working_days_across_a_weekend() {
    // 02 Calendar: "A working day is a Monday–Friday inside a half-term";
    // working_days(a, b) counts d with a < d <= b. Fri 5 Sep → Mon 8 Sep: only Monday.
    let c = cal();
    assert_eq!(c.working_days(d("2025-09-05"), d("2025-09-08")), 1);
    assert_eq!(c.working_days(d("2025-09-05"), d("2025-09-07")), 0);
}

#[test]
fn working_days_skip_a_bank_holiday() {
    // 02 Calendar: "... that is not a bank holiday". Fri 1 May → Tue 5 May 2026:
    // Sat, Sun, Mon 4 May (early May bank holiday), Tue → 1.
    let c = cal();
    assert_eq!(c.working_days(d("2026-05-01"), d("2026-05-05")), 1);
    assert!(!c.is_working_day(d("2026-05-04")));
    assert!(c.is_working_day(d("2026-05-05")));
}

#[test]
fn working_days_skip_a_half_term_holiday() {
    // 02 Calendar: "a Monday–Friday inside a half-term". AU1 ends Fri 24 Oct, AU2
    // starts Mon 3 Nov: the week of 27 Oct is not counted.
    let c = cal();
    assert_eq!(c.working_days(d("2025-10-24"), d("2025-11-03")), 1);
    assert!(!c.is_working_day(d("2025-10-28")));
}

#[test]
fn working_days_of_equal_dates_is_zero_and_reversed_is_negative() {
    // 02 Calendar: "counts the working days d with a < d <= b": none when a == b.
    // b < a (not defined by the spec): the negative of working_days(b, a), as in SQL
    // idx(b) - idx(a).
    let c = cal();
    assert_eq!(c.working_days(d("2025-09-10"), d("2025-09-10")), 0);
    assert_eq!(c.working_days(d("2025-09-08"), d("2025-09-05")), -1);
}

#[test]
fn working_days_of_a_whole_half_term_and_outside_the_calendar() {
    // 02 Calendar: a working day is inside a half-term. AU1 is Wed 3 Sep to Fri 24 Oct:
    // 3 + 7 × 5 = 38 working days; none before the calendar or after its last half-term.
    let c = cal();
    assert_eq!(c.working_days(d("2025-09-02"), d("2025-10-24")), 38);
    assert_eq!(c.working_days(d("2020-01-01"), d("2025-09-03")), 1);
    assert_eq!(c.working_days(d("2026-07-22"), d("2027-01-01")), 0);
    assert_eq!(c.working_day_index(d("2025-09-03")), 1);
}

#[test]
fn add_working_days_gives_the_nth_working_day_after() {
    // 02 §2: "the window ends on the date that is reschedule_within_working_days
    // working days after held_on".
    let c = cal();
    // Thu 30 Apr + 2: Fri 1 May (1), Mon 4 May is a bank holiday, Tue 5 May (2).
    assert_eq!(
        c.add_working_days(d("2026-04-30"), 2),
        Some(d("2026-05-05"))
    );
    // AU2's last day + 1 skips Christmas to SP1's first day.
    assert_eq!(
        c.add_working_days(d("2025-12-19"), 1),
        Some(d("2026-01-05"))
    );
    // From a holiday date (Sat 25 Oct) the first working day is AU2's first.
    assert_eq!(
        c.add_working_days(d("2025-10-25"), 1),
        Some(d("2025-11-03"))
    );
    // Fri 5 Sep + 5 = Fri 12 Sep.
    assert_eq!(
        c.add_working_days(d("2025-09-05"), 5),
        Some(d("2025-09-12"))
    );
    assert_eq!(
        c.add_working_days(d("2025-09-05"), 0),
        Some(d("2025-09-05"))
    );
    // Past the calendar's last half-term: unknown.
    assert_eq!(c.add_working_days(d("2026-07-22"), 1), None);
    for (date, n) in [("2026-04-30", 2), ("2025-12-19", 1), ("2025-09-05", 5)] {
        let end = c.add_working_days(d(date), n).unwrap();
        assert_eq!(c.working_days(d(date), end), i64::from(n));
    }
}

#[test]
fn reporting_half_term_of_a_holiday_is_the_one_before() {
    // 02 Calendar: "the latest half-term whose starts_on <= the date (a holiday
    // belongs to the half-term before it)".
    let c = cal();
    assert_eq!(
        c.reporting_half_term(d("2025-10-28")).unwrap().id(),
        "2025/26 AU1"
    );
    assert_eq!(
        c.reporting_half_term(d("2025-12-25")).unwrap().id(),
        "2025/26 AU2"
    );
    assert_eq!(
        c.reporting_half_term(d("2025-11-03")).unwrap().id(),
        "2025/26 AU2"
    );
    assert!(c.reporting_half_term(d("2025-09-02")).is_none());
}

#[test]
fn academic_year_of_a_summer_holiday_date_and_outside_the_calendar() {
    // 02 "Readings settled": "An as-of date in a holiday belongs to the report year of
    // its reporting half-term." The summer after SU2 is covered to 31 August.
    let c = cal();
    assert_eq!(
        c.academic_year_of(d("2026-08-15")).unwrap().to_string(),
        "2025/26"
    );
    assert_eq!(
        c.academic_year_of(d("2026-09-01")).unwrap_err().to_string(),
        "2026-09-01 is outside the calendar: expected a date from 2025-09-03 to 2026-08-31"
    );
    assert!(c.academic_year_of(d("2025-09-02")).is_err());
}

#[test]
fn period_ids_and_bounds() {
    // 02 Calendar: "half-terms 2025/26 AU1 ...; terms 2025/26 AU ... (from the first
    // half's start to the second half's end); the year 2025/26 (AU1 start to SU2 end)".
    let c = cal();
    let y = AcademicYear::new(2025);
    let halves: Vec<String> = c
        .periods(y, Granularity::HalfTerm)
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(
        halves,
        [
            "2025/26 AU1",
            "2025/26 AU2",
            "2025/26 SP1",
            "2025/26 SP2",
            "2025/26 SU1",
            "2025/26 SU2"
        ]
    );
    let terms = c.periods(y, Granularity::Term);
    assert_eq!(terms[1].id, "2025/26 SP");
    assert_eq!(
        (terms[1].starts_on, terms[1].ends_on),
        (d("2026-01-05"), d("2026-03-27"))
    );
    let year = c.year_period(y).unwrap();
    assert_eq!(year.id, "2025/26");
    assert_eq!(
        (year.starts_on, year.ends_on),
        (d("2025-09-03"), d("2026-07-22"))
    );
    assert!(
        c.periods(AcademicYear::new(2030), Granularity::Term)
            .is_empty()
    );
    assert_eq!(c.all_periods().len(), 10);
    assert_eq!(c.period("2025/26 SU2").unwrap().starts_on, d("2026-06-01"));
    assert_eq!(c.first_working_day(&year), Some(d("2025-09-03")));
}

#[test]
fn completeness_is_ends_on_before_as_of() {
    // 02 Calendar: "A period is complete when its ends_on is before the as-of date."
    let c = cal();
    let au1 = c.period("2025/26 AU1").unwrap();
    assert!(!c.is_complete(&au1, d("2025-10-24")));
    assert!(c.is_complete(&au1, d("2025-10-25")));
}

#[test]
fn academic_year_parses_and_prints() {
    // 02 Calendar: academic_year (`2025/26`).
    assert_eq!(
        "2025/26".parse::<AcademicYear>().unwrap(),
        AcademicYear::new(2025)
    );
    assert_eq!(AcademicYear::new(1999).to_string(), "1999/00");
    assert_eq!(
        "2025/27".parse::<AcademicYear>().unwrap_err().to_string(),
        "expected an academic year like 2025/26, found \"2025/27\""
    );
}

#[test]
fn overlapping_half_terms_are_an_error() {
    // 04: "a calendar with overlapping or unordered half-terms" is an error.
    let bad = CALENDAR.replace("2025-11-03,2025-12-19", "2025-10-20,2025-12-19");
    assert_eq!(
        cal_err(&bad, BANK_HOLIDAYS),
        "calendar.csv: line 3: starts_on: expected a date after 2025-10-24 (the end of \
         2025/26 AU1 on line 2); half-terms must not overlap, found 2025-10-20"
    );
}

#[test]
fn unordered_half_terms_are_an_error() {
    // 04: "... or unordered half-terms" is an error.
    let mut lines: Vec<&str> = CALENDAR.lines().collect();
    lines.swap(1, 2);
    assert_eq!(
        cal_err(&lines.join("\n"), BANK_HOLIDAYS),
        "calendar.csv: line 2: expected the calendar to start with a year's first \
         half-term (AU1), found 2025/26 AU2"
    );
    let mut lines: Vec<&str> = CALENDAR.lines().collect();
    lines.swap(3, 4);
    assert_eq!(
        cal_err(&lines.join("\n"), BANK_HOLIDAYS),
        "calendar.csv: line 4: expected 2025/26 SP1 (the half-term after 2025/26 AU2 on \
         line 3), found 2025/26 SP2 (out of order)"
    );
}

#[test]
fn missing_halves_are_an_error() {
    // 02 Calendar: half-terms AU1..SU2; brief: "missing halves" is an error.
    let without_su2: String = CALENDAR.lines().take(6).collect::<Vec<_>>().join("\n");
    assert_eq!(
        cal_err(&without_su2, BANK_HOLIDAYS),
        "calendar.csv: line 6: expected the calendar to end with a year's last half-term \
         (SU2); every year needs AU1, AU2, SP1, SP2, SU1, SU2, found 2025/26 SU1 as the \
         last half-term"
    );
}

#[test]
fn a_missing_half_term_in_the_middle_is_an_error() {
    // 02 Calendar: every year has AU1, AU2, SP1, SP2, SU1, SU2.
    let without_sp1: String = CALENDAR
        .lines()
        .filter(|l| !l.contains("spring,1"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        cal_err(&without_sp1, BANK_HOLIDAYS),
        "calendar.csv: line 4: expected 2025/26 SP1 (the half-term after 2025/26 AU2 on \
         line 3), found 2025/26 SP2 (a half-term is missing)"
    );
}

#[test]
fn ends_before_start_and_bad_cells_are_errors() {
    // 02 Calendar: starts_on, ends_on (inclusive); term autumn|spring|summer; half 1|2.
    let bad = CALENDAR.replace("2025-09-03,2025-10-24", "2025-10-24,2025-09-03");
    assert_eq!(
        cal_err(&bad, BANK_HOLIDAYS),
        "calendar.csv: line 2: ends_on: expected a date on or after starts_on \
         (2025-10-24), found 2025-09-03"
    );
    let bad = CALENDAR.replace("autumn,1", "fall,1");
    assert_eq!(
        cal_err(&bad, BANK_HOLIDAYS),
        "calendar.csv: line 2: term: expected one of autumn, spring, summer, found \"fall\""
    );
    let bad = CALENDAR.replace("autumn,2", "autumn,3");
    assert_eq!(
        cal_err(&bad, BANK_HOLIDAYS),
        "calendar.csv: line 3: half: expected 1 or 2, found \"3\""
    );
    let bad = CALENDAR.replace("2025-09-03", "03/09/2025");
    assert_eq!(
        cal_err(&bad, BANK_HOLIDAYS),
        "calendar.csv: line 2: starts_on: expected a date YYYY-MM-DD, found \"03/09/2025\""
    );
    let bad = CALENDAR.replace("academic_year,", "year,");
    assert_eq!(
        cal_err(&bad, BANK_HOLIDAYS),
        "calendar.csv: line 1: expected the header academic_year,term,half,starts_on,\
         ends_on, found \"year,term,half,starts_on,ends_on\""
    );
}

#[test]
fn bad_bank_holiday_rows_are_errors() {
    // Brief: "a bad bank-holiday row" names the file and line; header date,name.
    let bad = BANK_HOLIDAYS.replace("2025-12-26", "26 Dec 2025");
    assert_eq!(
        cal_err(CALENDAR, &bad),
        "bank-holidays.csv: line 4: date: expected a date YYYY-MM-DD, found \"26 Dec 2025\""
    );
    let bad = format!("{BANK_HOLIDAYS}2026-08-31\n");
    assert_eq!(
        cal_err(CALENDAR, &bad),
        "bank-holidays.csv: line 10: expected 2 fields (date,name), found 1 field(s)"
    );
}

#[test]
fn a_bom_is_accepted() {
    // 03: files may be UTF-8 with or without a BOM.
    let with_bom = format!("\u{feff}{CALENDAR}");
    assert!(Calendar::from_csv("c", with_bom.as_bytes(), "b", BANK_HOLIDAYS.as_bytes()).is_ok());
}
