//! The values of a published table, typed: a figure is a number, `c` or empty, never a
//! string that is parsed back. Each type knows how it is read from a query's column
//! (with a load-time error naming the query and the column when the column is missing
//! or of another type) and how the CSV writer formats it (spec 03, "Report outputs").

use chrono::NaiveDate;
use polars::prelude::*;

use crate::policy::AcademicYear;
use crate::report::format::{escape_spreadsheet, fixed};

/// The mark of a suppressed cell: the statistical convention for a confidential cell.
pub const SUPPRESSED: &str = "c";

/// A query's result did not have the shape its output table declares.
#[derive(Debug, thiserror::Error)]
#[error("queries/{query}: column {column}: {problem}")]
pub struct ShapeError {
    /// The query's file under `queries/`.
    pub query: &'static str,
    pub column: &'static str,
    pub problem: String,
}

/// A published figure: a value, suppressed (`c`), or nothing to show (empty).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure<T> {
    Value(T),
    /// Written `c`: a small count of children's cases, a count protecting one, or a
    /// figure worked out from one (spec 02, "Disclosure control").
    Suppressed,
    /// Nothing to show: a rate with nothing to count, say.
    Empty,
}

impl<T: Copy> Figure<T> {
    /// The value, when it is shown.
    pub fn value(self) -> Option<T> {
        match self {
            Figure::Value(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_suppressed(self) -> bool {
        matches!(self, Figure::Suppressed)
    }
}

/// A percentage 0–100, written with one decimal place.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Percent(pub f64);

/// A fraction written with two decimal places (hours, cases per hour, weighted caseload).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Decimal(pub f64);

/// A period id as the calendar names it (`2026/27 AU1`, `2026/27 AU`, `2026/27`), with
/// its academic year read once, so no one filters periods by a string prefix.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PeriodId {
    pub id: String,
    pub year: AcademicYear,
}

/// A closed set of words a published column holds (`up`, `green`), read from a text
/// column (an unknown word is a load-time error naming the query) and written as is;
/// empty when there is nothing to say, `c` when the figure it judges is.
macro_rules! figure_words {
    ($(
        $(#[$doc:meta])*
        $name:ident, $what:literal { $($variant:ident => $word:literal),+ $(,)? }
    )*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// The word the CSV shows.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl Text for $name {
            fn text(&self) -> String {
                self.as_str().to_string()
            }
        }

        impl ColumnValue for Figure<$name> {
            fn read(
                frame: &DataFrame,
                query: &'static str,
                name: &'static str,
            ) -> Result<Vec<Self>, ShapeError> {
                words(frame, query, name, $what, &[$(($word, $name::$variant)),+])
            }

            fn cell(&self) -> String {
                self.text()
            }

            fn suppress(&mut self) -> bool {
                *self = Figure::Suppressed;
                true
            }
        }
    )*};
}

figure_words! {
    /// Which way a figure went since an earlier report (spec 03, "Direction of travel").
    Direction, "up, down or same" {
        Up => "up",
        Down => "down",
        Same => "same",
    }

    /// A headline figure judged against the school's `[targets]` (spec 04).
    Rating, "green, amber or red" {
        Green => "green",
        Amber => "amber",
        Red => "red",
    }
}

/// The words of a text column, each one of `known`; empty for none.
fn words<W: Copy>(
    frame: &DataFrame,
    query: &'static str,
    name: &'static str,
    what: &str,
    known: &[(&str, W)],
) -> Result<Vec<Figure<W>>, ShapeError> {
    let values = cast(frame, query, name, &DataType::String, "text")?;
    let values = values.str().map_err(|e| shape(query, name, e))?;
    values
        .iter()
        .map(|value| match value {
            None | Some("") => Ok(Figure::Empty),
            Some(word) => known
                .iter()
                .find(|(w, _)| *w == word)
                .map(|(_, v)| Figure::Value(*v))
                .ok_or_else(|| ShapeError {
                    query,
                    column: name,
                    problem: format!("a word other than {what}"),
                }),
        })
        .collect()
}

/// A figure's text as the CSV shows it.
pub trait Text {
    fn text(&self) -> String;
}

/// A figure of an earlier report, as it was printed then (a number, `c` or empty).
impl Text for String {
    fn text(&self) -> String {
        self.clone()
    }
}

impl Text for u64 {
    fn text(&self) -> String {
        self.to_string()
    }
}

impl Text for Percent {
    fn text(&self) -> String {
        fixed(self.0, 1)
    }
}

impl Text for Decimal {
    fn text(&self) -> String {
        fixed(self.0, 2)
    }
}

impl<T: Text> Text for Figure<T> {
    fn text(&self) -> String {
        match self {
            Figure::Value(v) => v.text(),
            Figure::Suppressed => SUPPRESSED.to_string(),
            Figure::Empty => String::new(),
        }
    }
}

/// A value of a published table's column: read from a query's result, written as CSV.
pub trait ColumnValue: Sized {
    /// Every value of `column` of `frame`, the result of query `query`.
    fn read(
        frame: &DataFrame,
        query: &'static str,
        column: &'static str,
    ) -> Result<Vec<Self>, ShapeError>;

    /// The CSV cell.
    fn cell(&self) -> String;

    /// The value as a count of children, when the column holds one.
    fn count(&self) -> Option<Figure<u64>> {
        None
    }

    /// The value as true or false, when the column holds one.
    fn truth(&self) -> Option<bool> {
        None
    }

    /// Writes `c` in place of the value; false when the column cannot hold `c`.
    fn suppress(&mut self) -> bool {
        false
    }
}

fn column<'a>(
    frame: &'a DataFrame,
    query: &'static str,
    name: &'static str,
) -> Result<&'a Column, ShapeError> {
    frame.column(name).map_err(|_| ShapeError {
        query,
        column: name,
        problem: "the query gives no such column".to_string(),
    })
}

fn cast(
    frame: &DataFrame,
    query: &'static str,
    name: &'static str,
    to: &DataType,
    expected: &str,
) -> Result<Column, ShapeError> {
    let column = column(frame, query, name)?;
    let fits = match to {
        DataType::Int64 => column.dtype().is_integer() || column.dtype() == &DataType::Null,
        DataType::Float64 => {
            column.dtype().is_primitive_numeric() || column.dtype() == &DataType::Null
        }
        other => column.dtype() == other || column.dtype() == &DataType::Null,
    };
    if !fits {
        return Err(ShapeError {
            query,
            column: name,
            problem: format!("expected {expected}, found {}", column.dtype()),
        });
    }
    column.cast(to).map_err(|e| ShapeError {
        query,
        column: name,
        problem: e.to_string(),
    })
}

/// Text from the store or the query (ids, names, roles): spreadsheet-escaped when written.
impl ColumnValue for String {
    fn read(
        frame: &DataFrame,
        query: &'static str,
        name: &'static str,
    ) -> Result<Vec<Self>, ShapeError> {
        let values = cast(frame, query, name, &DataType::String, "text")?;
        let values = values.str().map_err(|e| shape(query, name, e))?;
        Ok(values
            .iter()
            .map(|v| v.unwrap_or_default().to_string())
            .collect())
    }

    fn cell(&self) -> String {
        escape_spreadsheet(self)
    }
}

fn shape(query: &'static str, column: &'static str, error: PolarsError) -> ShapeError {
    ShapeError {
        query,
        column,
        problem: error.to_string(),
    }
}

impl ColumnValue for Figure<u64> {
    fn read(
        frame: &DataFrame,
        query: &'static str,
        name: &'static str,
    ) -> Result<Vec<Self>, ShapeError> {
        let values = cast(frame, query, name, &DataType::Int64, "a whole number")?;
        let values = values.i64().map_err(|e| shape(query, name, e))?;
        values
            .iter()
            .map(|v| match v {
                None => Ok(Figure::Empty),
                Some(n) => u64::try_from(n).map(Figure::Value).map_err(|_| ShapeError {
                    query,
                    column: name,
                    problem: format!("a count below zero ({n})"),
                }),
            })
            .collect()
    }

    fn cell(&self) -> String {
        self.text()
    }

    fn count(&self) -> Option<Figure<u64>> {
        Some(*self)
    }

    fn suppress(&mut self) -> bool {
        *self = Figure::Suppressed;
        true
    }
}

fn floats(
    frame: &DataFrame,
    query: &'static str,
    name: &'static str,
) -> Result<Vec<Option<f64>>, ShapeError> {
    let values = cast(frame, query, name, &DataType::Float64, "a number")?;
    let values = values.f64().map_err(|e| shape(query, name, e))?;
    Ok(values.iter().collect())
}

/// A fraction read from a floating-point column: a percentage or a decimal.
pub trait Fraction: Text + Sized {
    fn of(value: f64) -> Self;
}

impl Fraction for Percent {
    fn of(value: f64) -> Self {
        Percent(value)
    }
}

impl Fraction for Decimal {
    fn of(value: f64) -> Self {
        Decimal(value)
    }
}

impl<T: Fraction> ColumnValue for Figure<T> {
    fn read(
        frame: &DataFrame,
        query: &'static str,
        name: &'static str,
    ) -> Result<Vec<Self>, ShapeError> {
        Ok(floats(frame, query, name)?
            .into_iter()
            .map(|v| v.map_or(Figure::Empty, |v| Figure::Value(T::of(v))))
            .collect())
    }

    fn cell(&self) -> String {
        self.text()
    }

    fn suppress(&mut self) -> bool {
        *self = Figure::Suppressed;
        true
    }
}

/// A fraction of the lead's files (never suppressed): empty when there is none.
impl<T: Fraction> ColumnValue for Option<T> {
    fn read(
        frame: &DataFrame,
        query: &'static str,
        name: &'static str,
    ) -> Result<Vec<Self>, ShapeError> {
        Ok(floats(frame, query, name)?
            .into_iter()
            .map(|v| v.map(T::of))
            .collect())
    }

    fn cell(&self) -> String {
        self.as_ref().map(Text::text).unwrap_or_default()
    }
}

/// A whole number of the lead's files that may be empty or below zero (days overdue).
impl ColumnValue for Option<i64> {
    fn read(
        frame: &DataFrame,
        query: &'static str,
        name: &'static str,
    ) -> Result<Vec<Self>, ShapeError> {
        let values = cast(frame, query, name, &DataType::Int64, "a whole number")?;
        let values = values.i64().map_err(|e| shape(query, name, e))?;
        Ok(values.iter().collect())
    }

    fn cell(&self) -> String {
        self.map(|n| n.to_string()).unwrap_or_default()
    }
}

impl ColumnValue for Option<bool> {
    fn read(
        frame: &DataFrame,
        query: &'static str,
        name: &'static str,
    ) -> Result<Vec<Self>, ShapeError> {
        let values = cast(frame, query, name, &DataType::Boolean, "true or false")?;
        let values = values.bool().map_err(|e| shape(query, name, e))?;
        Ok(values.iter().collect())
    }

    fn cell(&self) -> String {
        self.map(|b| b.to_string()).unwrap_or_default()
    }

    fn truth(&self) -> Option<bool> {
        *self
    }
}

impl ColumnValue for Option<NaiveDate> {
    fn read(
        frame: &DataFrame,
        query: &'static str,
        name: &'static str,
    ) -> Result<Vec<Self>, ShapeError> {
        let values = cast(frame, query, name, &DataType::Date, "a date")?;
        let values = values
            .cast(&DataType::Int32)
            .map_err(|e| shape(query, name, e))?;
        let values = values.i32().map_err(|e| shape(query, name, e))?;
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
        Ok(values
            .iter()
            .map(|d| d.map(|d| epoch + chrono::TimeDelta::days(i64::from(d))))
            .collect())
    }

    fn cell(&self) -> String {
        self.map(|d| d.to_string()).unwrap_or_default()
    }
}

/// A period id; empty for an action due outside the calendar (docs/decisions.md).
impl ColumnValue for Option<PeriodId> {
    fn read(
        frame: &DataFrame,
        query: &'static str,
        name: &'static str,
    ) -> Result<Vec<Self>, ShapeError> {
        String::read(frame, query, name)?
            .into_iter()
            .map(|id| {
                if id.is_empty() {
                    return Ok(None);
                }
                let year = id.split(' ').next().unwrap_or_default();
                let year: AcademicYear = year.parse().map_err(|_| ShapeError {
                    query,
                    column: name,
                    problem: format!("{id:?} is not a period id"),
                })?;
                Ok(Some(PeriodId { id, year }))
            })
            .collect()
    }

    fn cell(&self) -> String {
        self.as_ref().map(|p| p.id.clone()).unwrap_or_default()
    }
}

/// A count of people, sessions or actions: never suppressed, never empty (spec 02:
/// "Counts of staff, sessions and actions are not counts of children").
impl ColumnValue for u64 {
    fn read(
        frame: &DataFrame,
        query: &'static str,
        name: &'static str,
    ) -> Result<Vec<Self>, ShapeError> {
        Figure::<u64>::read(frame, query, name)?
            .into_iter()
            .map(|figure| match figure {
                Figure::Value(n) => Ok(n),
                _ => Err(ShapeError {
                    query,
                    column: name,
                    problem: "an empty count".to_string(),
                }),
            })
            .collect()
    }

    fn cell(&self) -> String {
        self.to_string()
    }
}

/// How far along a chart's value axis a figure is drawn (drawing only: no figure is
/// worked out from it).
pub trait Magnitude: Copy {
    fn magnitude(self) -> f64;
}

impl Magnitude for u64 {
    fn magnitude(self) -> f64 {
        self as f64
    }
}

impl Magnitude for Percent {
    fn magnitude(self) -> f64 {
        self.0
    }
}

impl Magnitude for Decimal {
    fn magnitude(self) -> f64 {
        self.0
    }
}
