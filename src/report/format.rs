//! How each value is written (spec 03, "Report outputs"): integers as digits,
//! percentages with one decimal, other fractions with two, both rounded half away from
//! zero; dates `YYYY-MM-DD`; booleans `true`/`false`; an empty cell for null; and text
//! from an export escaped so a spreadsheet never runs it as a formula.

use polars::prelude::*;

/// Formats one column of a frame, cell by cell.
pub struct ColumnFormat<'a> {
    cells: Cells<'a>,
}

enum Cells<'a> {
    Int(Int64Chunked),
    Float {
        values: &'a Float64Chunked,
        decimals: usize,
    },
    Bool(&'a BooleanChunked),
    Date(Int32Chunked),
    Text(&'a StringChunked),
}

impl<'a> ColumnFormat<'a> {
    /// The format of column `name` (a name ending `_pct` is a percentage).
    pub fn new(column: &'a Column, name: &str) -> PolarsResult<ColumnFormat<'a>> {
        let cells = match column.dtype() {
            DataType::Float64 => Cells::Float {
                values: column.f64()?,
                decimals: if name.ends_with("_pct") { 1 } else { 2 },
            },
            dtype if dtype.is_integer() => {
                Cells::Int(column.cast(&DataType::Int64)?.i64()?.clone())
            }
            DataType::Float32 => {
                return Err(
                    polars_err!(ComputeError: "column {name}: Float32 is not an output type"),
                );
            }
            DataType::Boolean => Cells::Bool(column.bool()?),
            DataType::Date => Cells::Date(column.cast(&DataType::Int32)?.i32()?.clone()),
            DataType::String => Cells::Text(column.str()?),
            // A column of nulls (an empty result) has no type of its own.
            DataType::Null => Cells::Int(Int64Chunked::full_null(name.into(), column.len())),
            other => {
                return Err(polars_err!(ComputeError: "column {name}: unexpected type {other}"));
            }
        };
        Ok(ColumnFormat { cells })
    }

    /// The text of row `row`.
    pub fn cell(&self, row: usize) -> String {
        match &self.cells {
            Cells::Int(values) => values.get(row).map(|v| v.to_string()),
            Cells::Float { values, decimals } => values.get(row).map(|v| fixed(v, *decimals)),
            Cells::Bool(values) => values.get(row).map(|v| v.to_string()),
            Cells::Date(values) => values.get(row).map(date_text),
            Cells::Text(values) => values.get(row).map(escape_spreadsheet),
        }
        .unwrap_or_default()
    }
}

/// `value` with `decimals` places, rounded half away from zero.
///
/// Rates are computed as `100 * a / b` in floating point, where an exact half such as
/// 0.15 may be held as 0.1499999...; nudging by a relative 1e-9 before rounding restores
/// the half without moving any value that is not within a billionth of one.
pub fn fixed(value: f64, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    let scaled = value * scale;
    let nudged = scaled + scaled.signum() * scaled.abs().max(1.0) * 1e-9;
    let rounded = nudged.round() / scale;
    // Avoid "-0.0".
    let rounded = if rounded == 0.0 { 0.0 } else { rounded };
    format!("{rounded:.decimals$}")
}

/// A Date (days since 1970-01-01) as `YYYY-MM-DD`.
pub fn date_text(days: i32) -> String {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
    (epoch + chrono::TimeDelta::days(i64::from(days))).to_string()
}

/// Text as a spreadsheet will show it: a cell starting with `=`, `+`, `-`, `@`, tab or
/// carriage return gets a leading `'` so it is never run as a formula (spec 03).
pub fn escape_spreadsheet(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_half_away_from_zero_to_one_place() {
        // Spec 03: "percentages 0-100 with one decimal place, rounded half away from
        // zero (66.7)".
        assert_eq!(fixed(200.0 / 3.0, 1), "66.7");
        assert_eq!(fixed(100.0 * 1.0 / 8.0, 1), "12.5");
        assert_eq!(
            fixed(100.0 * 3.0 / 2000.0, 1),
            "0.2",
            "0.15 is a half: away from zero"
        );
        assert_eq!(fixed(100.0 * 1.0 / 16.0, 1), "6.3", "6.25 rounds up");
        assert_eq!(fixed(100.0, 1), "100.0");
        assert_eq!(fixed(0.0, 1), "0.0");
    }

    #[test]
    fn other_fractions_have_two_places() {
        assert_eq!(fixed(90.0 / 60.0, 2), "1.50");
        assert_eq!(fixed(25.0 / (45.0 / 60.0), 2), "33.33");
        assert_eq!(fixed(2.675, 2), "2.68", "a half is rounded away from zero");
    }

    proptest::proptest! {
        #[test]
        fn a_rate_is_within_half_a_unit_of_its_rounding(numerator in 0u32..10_000, extra in 0u32..10_000) {
            let denominator = numerator + extra.max(1);
            let rate = 100.0 * f64::from(numerator) / f64::from(denominator);
            let shown: f64 = fixed(rate, 1).parse().unwrap();
            proptest::prop_assert!((shown - rate).abs() <= 0.05 + 1e-9, "{rate} shown as {shown}");
            // Exact integer arithmetic: tenths = round-half-up(1000 * n / d).
            let tenths = (2000 * u64::from(numerator) + u64::from(denominator)) / (2 * u64::from(denominator));
            proptest::prop_assert_eq!(fixed(rate, 1), format!("{}.{}", tenths / 10, tenths % 10));
        }
    }

    #[test]
    fn formula_like_text_is_escaped() {
        for bad in ["=SUM(A1)", "+44 1234", "-1", "@cmd", "\tx", "\rx"] {
            assert_eq!(escape_spreadsheet(bad), format!("'{bad}"));
        }
        assert_eq!(escape_spreadsheet("Ann O'Neil"), "Ann O'Neil");
    }

    #[test]
    fn dates_are_iso() {
        assert_eq!(date_text(0), "1970-01-01");
        assert_eq!(date_text(20_415), "2025-11-23");
    }
}
