//! The approximate school calendar the generator schedules supervision in.
//!
//! English half-terms move a little every year and between local authorities; the
//! generator only needs dates that fall inside any reasonable calendar, so it uses
//! fixed, slightly conservative windows (a policy's own `calendar.csv` decides which
//! half-term a date belongs to when the metrics run).

use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};

use super::rng::Rng;

/// One half-term's window, both ends inclusive.
#[derive(Debug, Clone, Copy)]
pub(super) struct HalfTerm {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// The academic year (1 September to 31 August) containing `date`, by its first year.
pub(super) fn academic_year_of(date: NaiveDate) -> i32 {
    if date.month() >= 9 {
        date.year()
    } else {
        date.year() - 1
    }
}

/// 1 September of the academic year starting in `year`.
pub(super) fn year_start(year: i32) -> NaiveDate {
    ymd(year, 9, 1)
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a fixed calendar date exists")
}

/// The six half-terms of the academic year starting in `year`: AU1 early Sep–late Oct,
/// AU2 Nov–mid Dec, SP1 Jan–mid Feb, SP2 late Feb–end Mar, SU1 mid Apr–late May,
/// SU2 Jun–late Jul.
pub(super) fn half_terms(year: i32) -> [HalfTerm; 6] {
    let next = year + 1;
    let ht = |start: NaiveDate, end: NaiveDate| HalfTerm { start, end };
    [
        ht(ymd(year, 9, 4), ymd(year, 10, 21)),
        ht(ymd(year, 11, 3), ymd(year, 12, 17)),
        ht(ymd(next, 1, 6), ymd(next, 2, 12)),
        ht(ymd(next, 2, 23), ymd(next, 3, 27)),
        ht(ymd(next, 4, 20), ymd(next, 5, 21)),
        ht(ymd(next, 6, 2), ymd(next, 7, 17)),
    ]
}

pub(super) fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(TimeDelta::days(days))
        .expect("generated dates stay well inside chrono's range")
}

pub(super) fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

pub(super) fn is_weekday(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The date `n` working days (Monday–Friday) after `date`.
pub(super) fn add_working_days(date: NaiveDate, n: u32) -> NaiveDate {
    let mut d = date;
    let mut left = n;
    while left > 0 {
        d = add_days(d, 1);
        if is_weekday(d) {
            left -= 1;
        }
    }
    d
}

/// A uniform date in [lo, hi]; `lo` when the range is empty.
pub(super) fn date_between(rng: &mut Rng, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
    add_days(lo, rng.range(0, days_between(lo, hi)))
}

/// A uniform weekday in [lo, hi] (a weekend draw moves to the nearer weekday inside the
/// range; `lo` if the range holds none).
pub(super) fn weekday_between(rng: &mut Rng, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
    let d = date_between(rng, lo, hi);
    let shifted = match d.weekday() {
        Weekday::Sat => add_days(d, -1),
        Weekday::Sun => add_days(d, 1),
        _ => return d,
    };
    if shifted >= lo && shifted <= hi {
        return shifted;
    }
    let other = if d.weekday() == Weekday::Sat {
        add_days(d, 2)
    } else {
        add_days(d, -2)
    };
    if other >= lo && other <= hi {
        other
    } else {
        lo
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn academic_years_and_working_days() {
        assert_eq!(academic_year_of(ymd(2026, 3, 15)), 2025);
        assert_eq!(academic_year_of(ymd(2025, 9, 1)), 2025);
        assert_eq!(academic_year_of(ymd(2025, 8, 31)), 2024);
        // Friday 2026-03-13 + 1 working day = Monday 2026-03-16.
        assert_eq!(add_working_days(ymd(2026, 3, 13), 1), ymd(2026, 3, 16));
        let hts = half_terms(2025);
        for w in hts.windows(2) {
            assert!(w[0].end < w[1].start);
        }
        let mut rng = Rng::stream(1, 1);
        for _ in 0..1000 {
            let d = weekday_between(&mut rng, hts[0].start, hts[0].end);
            assert!(is_weekday(d) && d >= hts[0].start && d <= hts[0].end);
        }
    }
}
