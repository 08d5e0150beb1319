//! The run's parameters: the as-of date and the report year, resolved once.

use chrono::NaiveDate;
use polars::prelude::*;

use crate::policy::{AcademicYear, Policy, PolicyError};

/// Why the report year of a run cannot be resolved.
#[derive(Debug, thiserror::Error)]
pub enum ParamsError {
    /// The as-of date lies outside the calendar, and no `--year` was given. (Not a
    /// `source`: the message says it once.)
    #[error("--as-of {as_of}: {outside}")]
    AsOf {
        as_of: NaiveDate,
        outside: PolicyError,
    },
    /// The calendar has no half-terms for the year asked for.
    #[error("the calendar has no half-terms for the report year {year}")]
    NoHalfTerms { year: AcademicYear },
}

/// What a report run is computed for (spec 02: "Every figure is computed as of a date
/// for one report year").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportParams {
    pub as_of: NaiveDate,
    pub report_year: AcademicYear,
    /// The first half-term's first day.
    pub year_starts_on: NaiveDate,
    /// The last half-term's last day.
    pub year_ends_on: NaiveDate,
}

impl ReportParams {
    /// The report year is `year` when given, else the academic year of the as-of date's
    /// reporting half-term (an as-of date in a holiday belongs to the half-term before).
    pub fn resolve(
        policy: &Policy,
        as_of: NaiveDate,
        year: Option<AcademicYear>,
    ) -> Result<Self, ParamsError> {
        let calendar = policy.calendar();
        let year: AcademicYear = match year {
            Some(year) => year,
            None => calendar
                .academic_year_of(as_of)
                .map_err(|outside| ParamsError::AsOf { as_of, outside })?,
        };
        let period = calendar
            .year_period(year)
            .ok_or(ParamsError::NoHalfTerms { year })?;
        Ok(ReportParams {
            as_of,
            report_year: year,
            year_starts_on: period.starts_on,
            year_ends_on: period.ends_on,
        })
    }

    /// The one-row `report_params` table.
    pub fn frame(&self) -> DataFrame {
        let date = |name: &str, day: NaiveDate| {
            DateChunked::from_naive_date(name.into(), [day])
                .into_series()
                .into_column()
        };
        DataFrame::new(
            1,
            vec![
                date("as_of", self.as_of),
                Column::new("report_year".into(), [self.report_year.to_string()]),
                date("year_starts_on", self.year_starts_on),
                date("year_ends_on", self.year_ends_on),
            ],
        )
        .expect("one row of each column")
    }
}
