//! The number and text rules every output column is written with (spec 03, "Report
//! outputs"): percentages with one decimal, other fractions with two, both rounded half
//! away from zero; and text from an export escaped so a spreadsheet never runs it as a
//! formula. Which rule a column follows is its type's ([`table`](super::table)).

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
}
