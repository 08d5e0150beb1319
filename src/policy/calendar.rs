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

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Serialize, Serializer};

use super::error::PolicyError;

/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01, the epoch of polars dates.
pub(crate) const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// An academic year, `2025/26`: from the autumn of its start year to the summer after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AcademicYear(i32);

impl AcademicYear {
    /// The academic year starting in the autumn of `start_year` (2025 → `2025/26`).
    pub fn new(start_year: i32) -> Self {
        AcademicYear(start_year)
    }

    /// The calendar year of its autumn (2025 for `2025/26`).
    pub fn start_year(self) -> i32 {
        self.0
    }

    /// The following academic year.
    pub fn next(self) -> Self {
        AcademicYear(self.0 + 1)
    }

    /// The widest dates its half-terms may take: 1 August of the start year to 31 August
    /// of the next.
    fn bounds(self) -> (NaiveDate, NaiveDate) {
        (
            NaiveDate::from_ymd_opt(self.0, 8, 1).expect("valid date"),
            NaiveDate::from_ymd_opt(self.0 + 1, 8, 31).expect("valid date"),
        )
    }
}

impl fmt::Display for AcademicYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }
}

impl FromStr for AcademicYear {
    type Err = PolicyError;

    /// Parses `2025/26` (the second part must be the year after the first).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || PolicyError::AcademicYear {
            found: text.to_string(),
        };
        let (first, second) = text.trim().split_once('/').ok_or_else(err)?;
        if first.len() != 4
            || second.len() != 2
            || !first.bytes().all(|b| b.is_ascii_digit())
            || !second.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(err());
        }
        let start: i32 = first.parse().map_err(|_| err())?;
        let end: i32 = second.parse().map_err(|_| err())?;
        if (start + 1).rem_euclid(100) != end {
            return Err(err());
        }
        Ok(AcademicYear(start))
    }
}

impl Serialize for AcademicYear {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A term of the school year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    /// September to December (`AU`).
    Autumn,
    /// January to Easter (`SP`).
    Spring,
    /// Easter to July (`SU`).
    Summer,
}

impl Term {
    /// The terms in the order of the year.
    pub const ALL: [Term; 3] = [Term::Autumn, Term::Spring, Term::Summer];

    /// The spelling in `calendar.csv`: `autumn`, `spring`, `summer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Term::Autumn => "autumn",
            Term::Spring => "spring",
            Term::Summer => "summer",
        }
    }

    /// The code in period ids: `AU`, `SP`, `SU`.
    pub fn code(self) -> &'static str {
        match self {
            Term::Autumn => "AU",
            Term::Spring => "SP",
            Term::Summer => "SU",
        }
    }

    /// Parses `autumn`, `spring`, `summer` (case-insensitive).
    pub fn parse(text: &str) -> Option<Term> {
        let text = text.trim();
        Term::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(text))
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The length of a period a rule counts over (`per` in a policy rule) and the kinds of
/// period the calendar reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Granularity {
    /// A half-term (`2025/26 AU1`).
    HalfTerm,
    /// A term (`2025/26 AU`): its first half's start to its second half's end.
    Term,
    /// An academic year (`2025/26`): AU1's start to SU2's end.
    AcademicYear,
}

impl Granularity {
    /// Every granularity, shortest first.
    pub const ALL: [Granularity; 3] = [
        Granularity::HalfTerm,
        Granularity::Term,
        Granularity::AcademicYear,
    ];

    /// The spelling in policy files and tables: `half_term`, `term`, `academic_year`.
    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::HalfTerm => "half_term",
            Granularity::Term => "term",
            Granularity::AcademicYear => "academic_year",
        }
    }

    /// Parses the spelling of [`Granularity::as_str`] (case-insensitive).
    pub fn parse(text: &str) -> Option<Granularity> {
        let text = text.trim();
        Granularity::ALL
            .into_iter()
            .find(|g| g.as_str().eq_ignore_ascii_case(text))
    }

    /// The accepted spellings, for messages: `half_term, term, academic_year`.
    pub fn expected() -> String {
        Granularity::ALL.map(|g| g.as_str()).join(", ")
    }
}

impl fmt::Display for Granularity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Granularity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One half-term of the calendar (a row of `calendar.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HalfTerm {
    /// Its academic year.
    pub academic_year: AcademicYear,
    /// Its term.
    pub term: Term,
    /// 1 or 2.
    pub half: u8,
    /// First day (inclusive).
    pub starts_on: NaiveDate,
    /// Last day (inclusive).
    pub ends_on: NaiveDate,
}

impl HalfTerm {
    /// Its period id: `2025/26 AU1`.
    pub fn id(&self) -> String {
        format!("{} {}{}", self.academic_year, self.term.code(), self.half)
    }

    /// Its position in the year, 0 (AU1) to 5 (SU2).
    fn ordinal(&self) -> usize {
        self.term.index() * 2 + usize::from(self.half) - 1
    }

    /// The half-term as a [`Period`].
    pub fn period(&self) -> Period {
        Period {
            id: self.id(),
            granularity: Granularity::HalfTerm,
            academic_year: self.academic_year,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
        }
    }
}

/// A reporting period: a half-term, a term or an academic year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// `2025/26 AU1`, `2025/26 AU` or `2025/26`.
    pub id: String,
    /// Which kind of period.
    pub granularity: Granularity,
    /// The academic year it is part of.
    pub academic_year: AcademicYear,
    /// First day (inclusive).
    pub starts_on: NaiveDate,
    /// Last day (inclusive).
    pub ends_on: NaiveDate,
}

impl Period {
    /// Complete (judged) as of `as_of`: it ended before the as-of date (spec 02:
    /// "complete when its `ends_on` is before the as-of date").
    pub fn is_complete(&self, as_of: NaiveDate) -> bool {
        self.ends_on < as_of
    }

    /// Whether `date` is within the period (both ends inclusive).
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.starts_on <= date && date <= self.ends_on
    }
}

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

const CALENDAR_HEADER: [&str; 5] = ["academic_year", "term", "half", "starts_on", "ends_on"];
const BANK_HOLIDAY_HEADER: [&str; 2] = ["date", "name"];

fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    // ISO only: 4-digit year, 2-digit month and day.
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Reads a CSV file's rows after checking its header; returns (line, fields) pairs.
fn read_csv(
    file: &str,
    bytes: &[u8],
    header: &[&str],
) -> Result<Vec<(u64, Vec<String>)>, PolicyError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let csv_err = |e: csv::Error| PolicyError::Csv {
        file: file.to_string(),
        message: e.to_string(),
    };
    let found: Vec<String> = reader
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(str::to_string)
        .collect();
    if found != header {
        return Err(PolicyError::invalid(
            file,
            "line 1",
            format!("the header {}", header.join(",")),
            format!("{:?}", found.join(",")),
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_err)?;
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != header.len() {
            return Err(PolicyError::invalid(
                file,
                format!("line {line}"),
                format!("{} fields ({})", header.len(), header.join(",")),
                format!("{} field(s)", record.len()),
            ));
        }
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(rows)
}

impl Calendar {
    /// Loads `calendar.csv` and `bank-holidays.csv` (see the module doc for the formats).
    pub fn load(calendar_csv: &Path, bank_holidays_csv: &Path) -> Result<Calendar, PolicyError> {
        let read = |path: &Path| {
            std::fs::read(path).map_err(|source| PolicyError::Read {
                file: path.display().to_string(),
                source,
            })
        };
        let calendar = read(calendar_csv)?;
        let holidays = read(bank_holidays_csv)?;
        Calendar::from_csv(
            &calendar_csv.display().to_string(),
            &calendar,
            &bank_holidays_csv.display().to_string(),
            &holidays,
        )
    }

    /// Parses the two CSV files from bytes; the names are used in error messages.
    pub fn from_csv(
        calendar_name: &str,
        calendar_csv: &[u8],
        bank_holidays_name: &str,
        bank_holidays_csv: &[u8],
    ) -> Result<Calendar, PolicyError> {
        let file = calendar_name;
        let mut half_terms = Vec::new();
        let mut lines = Vec::new();
        for (line, fields) in read_csv(file, calendar_csv, &CALENDAR_HEADER)? {
            let at = |column: &str| format!("line {line}: {column}");
            let academic_year: AcademicYear = fields[0].parse().map_err(|_| {
                PolicyError::invalid(
                    file,
                    at("academic_year"),
                    "an academic year like 2025/26",
                    format!("{:?}", fields[0]),
                )
            })?;
            let term = Term::parse(&fields[1]).ok_or_else(|| {
                PolicyError::invalid(
                    file,
                    at("term"),
                    "one of autumn, spring, summer",
                    format!("{:?}", fields[1]),
                )
            })?;
            let half = match fields[2].as_str() {
                "1" => 1,
                "2" => 2,
                other => {
                    return Err(PolicyError::invalid(
                        file,
                        at("half"),
                        "1 or 2",
                        format!("{other:?}"),
                    ));
                }
            };
            let date = |i: usize, column: &str| {
                parse_date(&fields[i]).ok_or_else(|| {
                    PolicyError::invalid(
                        file,
                        at(column),
                        "a date YYYY-MM-DD",
                        format!("{:?}", fields[i]),
                    )
                })
            };
            let starts_on = date(3, "starts_on")?;
            let ends_on = date(4, "ends_on")?;
            half_terms.push(HalfTerm {
                academic_year,
                term,
                half,
                starts_on,
                ends_on,
            });
            lines.push(line);
        }
        let labels: Vec<String> = lines.iter().map(|l| format!("line {l}")).collect();
        let mut bank_holidays = Vec::new();
        for (line, fields) in read_csv(bank_holidays_name, bank_holidays_csv, &BANK_HOLIDAY_HEADER)?
        {
            let date = parse_date(&fields[0]).ok_or_else(|| {
                PolicyError::invalid(
                    bank_holidays_name,
                    format!("line {line}: date"),
                    "a date YYYY-MM-DD",
                    format!("{:?}", fields[0]),
                )
            })?;
            if fields[1].is_empty() {
                return Err(PolicyError::invalid(
                    bank_holidays_name,
                    format!("line {line}: name"),
                    "the holiday's name",
                    "an empty cell",
                ));
            }
            bank_holidays.push(date);
        }
        Calendar::build(file, &labels, half_terms, bank_holidays)
    }

    /// Builds a calendar from half-terms (in chronological order) and bank holidays,
    /// with the same checks as [`Calendar::from_csv`]; errors name the file `calendar`
    /// and the half-term's position (`half-term 3`).
    pub fn new(
        half_terms: Vec<HalfTerm>,
        bank_holidays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Calendar, PolicyError> {
        for (i, h) in half_terms.iter().enumerate() {
            if h.half == 0 || h.half > 2 {
                return Err(PolicyError::invalid(
                    "calendar",
                    format!("half-term {}: half", i + 1),
                    "1 or 2",
                    h.half.to_string(),
                ));
            }
        }
        let labels: Vec<String> = (1..=half_terms.len())
            .map(|i| format!("half-term {i}"))
            .collect();
        Calendar::build(
            "calendar",
            &labels,
            half_terms,
            bank_holidays.into_iter().collect(),
        )
    }

    /// Checks order and completeness, then precomputes the working-day tables.
    fn build(
        file: &str,
        labels: &[String],
        half_terms: Vec<HalfTerm>,
        mut bank_holidays: Vec<NaiveDate>,
    ) -> Result<Calendar, PolicyError> {
        for (h, label) in half_terms.iter().zip(labels) {
            let (lo, hi) = h.academic_year.bounds();
            for (value, column) in [(h.starts_on, "starts_on"), (h.ends_on, "ends_on")] {
                if value < lo || value > hi {
                    return Err(PolicyError::invalid(
                        file,
                        format!("{label}: {column}"),
                        format!(
                            "a date in the academic year {} ({lo} to {hi})",
                            h.academic_year
                        ),
                        value.to_string(),
                    ));
                }
            }
            if h.ends_on < h.starts_on {
                return Err(PolicyError::invalid(
                    file,
                    format!("{label}: ends_on"),
                    format!("a date on or after starts_on ({})", h.starts_on),
                    h.ends_on.to_string(),
                ));
            }
        }
        let Some(first) = half_terms.first() else {
            return Err(PolicyError::invalid(
                file,
                "line 2",
                "at least one academic year of half-terms",
                "no rows",
            ));
        };
        if first.ordinal() != 0 {
            return Err(PolicyError::invalid(
                file,
                labels[0].as_str(),
                "the calendar to start with a year's first half-term (AU1)",
                first.id(),
            ));
        }
        for i in 1..half_terms.len() {
            let (prev, this) = (&half_terms[i - 1], &half_terms[i]);
            let (want_year, want_ordinal) = if prev.ordinal() == 5 {
                (prev.academic_year.next(), 0)
            } else {
                (prev.academic_year, prev.ordinal() + 1)
            };
            if (this.academic_year, this.ordinal()) != (want_year, want_ordinal) {
                let want = HalfTerm {
                    academic_year: want_year,
                    term: Term::ALL[want_ordinal / 2],
                    half: (want_ordinal % 2 + 1) as u8,
                    ..prev.clone()
                };
                let later = half_terms[i..]
                    .iter()
                    .any(|h| (h.academic_year, h.ordinal()) == (want_year, want_ordinal));
                let problem =
                    if !later && (this.academic_year, this.ordinal()) > (want_year, want_ordinal) {
                        "a half-term is missing"
                    } else {
                        "out of order"
                    };
                return Err(PolicyError::invalid(
                    file,
                    labels[i].as_str(),
                    format!(
                        "{} (the half-term after {} on {})",
                        want.id(),
                        prev.id(),
                        labels[i - 1]
                    ),
                    format!("{} ({problem})", this.id()),
                ));
            }
            if this.starts_on <= prev.ends_on {
                return Err(PolicyError::invalid(
                    file,
                    format!("{}: starts_on", labels[i]),
                    format!(
                        "a date after {} (the end of {} on {}); half-terms must not overlap",
                        prev.ends_on,
                        prev.id(),
                        labels[i - 1]
                    ),
                    this.starts_on.to_string(),
                ));
            }
        }
        let last = half_terms.last().expect("not empty");
        if last.ordinal() != 5 {
            return Err(PolicyError::invalid(
                file,
                labels[labels.len() - 1].as_str(),
                "the calendar to end with a year's last half-term (SU2); every year needs AU1, AU2, SP1, SP2, SU1, SU2",
                format!("{} as the last half-term", last.id()),
            ));
        }

        bank_holidays.sort();
        bank_holidays.dedup();
        let holiday_set: BTreeSet<NaiveDate> = bank_holidays.iter().copied().collect();
        let base = i64::from(first.starts_on.num_days_from_ce());
        let len = (i64::from(last.ends_on.num_days_from_ce()) - base + 1) as usize;
        let mut working = vec![false; len];
        let mut working_dates = Vec::new();
        for h in &half_terms {
            let mut d = h.starts_on;
            while d <= h.ends_on {
                let weekday = d.weekday();
                if weekday != Weekday::Sat && weekday != Weekday::Sun && !holiday_set.contains(&d) {
                    working[(i64::from(d.num_days_from_ce()) - base) as usize] = true;
                    working_dates.push(d);
                }
                d = d.succ_opt().expect("date in range");
            }
        }
        let mut cumulative = Vec::with_capacity(len);
        let mut count = 0u32;
        for w in working {
            count += u32::from(w);
            cumulative.push(count);
        }
        let summer_end = last.academic_year.bounds().1;
        let coverage_end = summer_end.max(last.ends_on);
        Ok(Calendar {
            half_terms,
            bank_holidays,
            base,
            cumulative,
            working_dates,
            coverage_end,
        })
    }

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
pub(crate) mod tests {
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
        assert!(
            Calendar::from_csv("c", with_bom.as_bytes(), "b", BANK_HOLIDAYS.as_bytes()).is_ok()
        );
    }
}
