//! The school calendar (spec 02 "Calendar"): half-terms, terms and academic years, working
//! days and reporting half-terms.
//!
//! * `calendar.csv` has the header `academic_year,term,half,starts_on,ends_on`, one row
//!   per half-term, in chronological order, every academic year complete (AU1, AU2, SP1,
//!   SP2, SU1, SU2) and the years consecutive. Dates are ISO (`2025-09-03`) and inclusive.
//! * `bank-holidays.csv` has the header `date,name`.
//!
//! A **working day** is a Monday–Friday inside a half-term that is not a bank holiday.
//! [`Calendar::working_days`] answers in O(1) from a cumulative table built once.
//!
//! The calendar **covers** the dates from the first half-term's start to the end of its
//! last academic year: the later of the last half-term's end and 31 August (the end of
//! the English school year), so the summer holiday after the last listed half-term still
//! belongs to that year. Dates outside have no reporting half-term.

//!
//! The module is split by concern: [`periods`] (academic years, terms, half-terms and
//! periods), `load` (reading and checking the two CSV files) and this file (the
//! calendar's questions: working days, reporting half-terms, periods of a year).

mod load;
mod periods;

use chrono::{Datelike, Days, NaiveDate};

use super::error::PolicyError;

pub(crate) use periods::UNIX_EPOCH_DAYS_FROM_CE;
pub use periods::{AcademicYear, Granularity, HalfTerm, Period, Term};

/// The half-terms of a trust's calendar and its bank holidays, with the working-day
/// tables precomputed.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// Chronological, consecutive, complete years.
    half_terms: Vec<HalfTerm>,
    /// Sorted, distinct.
    bank_holidays: Vec<NaiveDate>,
    /// Day number (from the common era) of the first half-term's start.
    base: i64,
    /// `cumulative[i]`: working days from the first half-term's start to `base + i`
    /// inclusive, up to the last half-term's end.
    cumulative: Vec<u32>,
    /// The working days in order: `working_dates[k]` is working day number `k + 1`.
    working_dates: Vec<NaiveDate>,
    /// The last date the calendar covers (see the module doc).
    coverage_end: NaiveDate,
}

impl Calendar {
    /// The half-terms, in chronological order.
    pub fn half_terms(&self) -> &[HalfTerm] {
        &self.half_terms
    }

    /// The bank holidays, sorted and distinct.
    pub fn bank_holidays(&self) -> &[NaiveDate] {
        &self.bank_holidays
    }

    /// The academic years of the calendar, in order.
    pub fn years(&self) -> Vec<AcademicYear> {
        let mut years: Vec<AcademicYear> =
            self.half_terms.iter().map(|h| h.academic_year).collect();
        years.dedup();
        years
    }

    /// The first date the calendar covers (the first half-term's start).
    pub fn first_day(&self) -> NaiveDate {
        self.half_terms[0].starts_on
    }

    /// The last day of the last half-term.
    pub fn last_half_term_day(&self) -> NaiveDate {
        self.half_terms[self.half_terms.len() - 1].ends_on
    }

    /// The last date the calendar covers: 31 August of the last academic year (or the
    /// last half-term's end, if later).
    pub fn last_day(&self) -> NaiveDate {
        self.coverage_end
    }

    /// Whether `date` is a working day: Monday–Friday, inside a half-term, not a bank
    /// holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.offset(date) {
            Some(i) if i < self.cumulative.len() => {
                let before = if i == 0 { 0 } else { self.cumulative[i - 1] };
                self.cumulative[i] > before
            }
            _ => false,
        }
    }

    /// Offset of `date` from the first half-term's start, when not before it.
    fn offset(&self, date: NaiveDate) -> Option<usize> {
        let i = i64::from(date.num_days_from_ce()) - self.base;
        usize::try_from(i).ok()
    }

    /// The number of working days from the calendar's start up to and including `date`
    /// (0 before the calendar; the total after it). `working_days(a, b)` is
    /// `working_day_index(b) - working_day_index(a)`.
    pub fn working_day_index(&self, date: NaiveDate) -> u32 {
        match self.offset(date) {
            None => 0,
            Some(i) => match self.cumulative.get(i) {
                Some(&n) => n,
                None => self.working_dates.len() as u32,
            },
        }
    }

    /// The number of working days d with `a < d <= b` (spec 02 "Calendar"), in O(1).
    ///
    /// `working_days(a, a)` is 0. When `b < a` the result is negative:
    /// `working_days(a, b) == -working_days(b, a)`, the same as the SQL
    /// `idx(b) - idx(a)` over `calendar_days`. Days before the calendar or after its
    /// last half-term are never working days.
    pub fn working_days(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        i64::from(self.working_day_index(b)) - i64::from(self.working_day_index(a))
    }

    /// The `n`-th working day after `date` (the smallest d > `date` with
    /// `working_days(date, d) == n`); `date` itself for `n == 0`. `None` when the
    /// calendar ends first.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Option<NaiveDate> {
        if n == 0 {
            return Some(date);
        }
        let target = self.working_day_index(date) as usize + n as usize;
        self.working_dates.get(target - 1).copied()
    }

    /// The first working day of a period, if it has one.
    pub fn first_working_day(&self, period: &Period) -> Option<NaiveDate> {
        let day_before = period.starts_on.pred_opt()?;
        self.add_working_days(day_before, 1)
            .filter(|d| *d <= period.ends_on)
    }

    /// The reporting half-term of `date`: the latest half-term whose `starts_on` <=
    /// `date` (a holiday belongs to the half-term before it). `None` outside the
    /// calendar's coverage (before the first half-term, after [`Calendar::last_day`]).
    pub fn reporting_half_term(&self, date: NaiveDate) -> Option<&HalfTerm> {
        if date > self.coverage_end {
            return None;
        }
        let n = self.half_terms.partition_point(|h| h.starts_on <= date);
        n.checked_sub(1).map(|i| &self.half_terms[i])
    }

    /// The academic year of `date`, via its reporting half-term (so an as-of date in a
    /// holiday belongs to the year of the half-term before it). An error outside the
    /// calendar's coverage.
    pub fn academic_year_of(&self, date: NaiveDate) -> Result<AcademicYear, PolicyError> {
        self.reporting_half_term(date)
            .map(|h| h.academic_year)
            .ok_or(PolicyError::OutsideCalendar {
                date,
                first: self.first_day(),
                last: self.coverage_end,
            })
    }

    /// The periods of `year` of one granularity, in order (six half-terms, three terms or
    /// the year itself); empty when the calendar does not have that year.
    pub fn periods(&self, year: AcademicYear, granularity: Granularity) -> Vec<Period> {
        let halves: Vec<&HalfTerm> = self
            .half_terms
            .iter()
            .filter(|h| h.academic_year == year)
            .collect();
        if halves.is_empty() {
            return Vec::new();
        }
        match granularity {
            Granularity::HalfTerm => halves.iter().map(|h| h.period()).collect(),
            Granularity::Term => halves
                .chunks(2)
                .map(|pair| Period {
                    id: format!("{year} {}", pair[0].term.code()),
                    granularity,
                    academic_year: year,
                    starts_on: pair[0].starts_on,
                    ends_on: pair[pair.len() - 1].ends_on,
                })
                .collect(),
            Granularity::AcademicYear => vec![Period {
                id: year.to_string(),
                granularity,
                academic_year: year,
                starts_on: halves[0].starts_on,
                ends_on: halves[halves.len() - 1].ends_on,
            }],
        }
    }

    /// Every period of every granularity: per year, the year, then its terms, then its
    /// half-terms.
    pub fn all_periods(&self) -> Vec<Period> {
        let mut out = Vec::new();
        for year in self.years() {
            for granularity in [
                Granularity::AcademicYear,
                Granularity::Term,
                Granularity::HalfTerm,
            ] {
                out.extend(self.periods(year, granularity));
            }
        }
        out
    }

    /// The period with this id (`2025/26`, `2025/26 SP`, `2025/26 SP1`).
    pub fn period(&self, id: &str) -> Option<Period> {
        self.all_periods().into_iter().find(|p| p.id == id)
    }

    /// The academic year as a period, if the calendar has it.
    pub fn year_period(&self, year: AcademicYear) -> Option<Period> {
        self.periods(year, Granularity::AcademicYear).pop()
    }

    /// Complete as of `as_of`: the period's `ends_on` is before the as-of date.
    pub fn is_complete(&self, period: &Period, as_of: NaiveDate) -> bool {
        period.is_complete(as_of)
    }

    /// Dates from the first half-term's start to the last half-term's end plus
    /// `margin_days`, for the `calendar_days` table.
    pub(crate) fn table_dates(&self, margin_days: u64) -> impl Iterator<Item = NaiveDate> + '_ {
        let end = self
            .last_half_term_day()
            .checked_add_days(Days::new(margin_days))
            .expect("date in range");
        self.first_day().iter_days().take_while(move |d| *d <= end)
    }
}

#[cfg(test)]
pub(crate) mod tests;
