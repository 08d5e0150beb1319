//! Academic years, terms, half-terms and reporting periods: the calendar's vocabulary
//! (spec 02 "Calendar": period ids `2025/26 AU1`, `2025/26 AU`, `2025/26`).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use super::PolicyError;

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
    pub(super) fn bounds(self) -> (NaiveDate, NaiveDate) {
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
    pub(super) fn ordinal(&self) -> usize {
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
