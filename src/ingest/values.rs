//! Cell values as the data contract reads them (spec 01, "Values"): dates in ISO or
//! English `DD/MM/YYYY`, booleans in their usual spellings, enums in any case, and an
//! empty (or all-space) cell as null.
//!
//! Each parser returns the reason a person can act on when a cell is wrong; the caller
//! adds the file, line and column.

use chrono::{Datelike, NaiveDate};

use crate::contract::excerpt;

/// Parses a date written `YYYY-MM-DD` or `DD/MM/YYYY` (English order: `03/04/2026` is
/// 3 April 2026). Single-digit days and months are accepted in the English form.
/// A date window `FROM..TO` (both included; each date as [`parse_date`] reads it).
pub fn parse_window(text: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let (from, to) = text
        .split_once("..")
        .ok_or_else(|| "give the window as FROM..TO, e.g. 2025-09-01..2025-12-19".to_string())?;
    let date =
        |d: &str| parse_date(d.trim()).map_err(|e| format!("{}: {e}", crate::contract::excerpt(d)));
    let (from, to) = (date(from)?, date(to)?);
    if from > to {
        return Err(format!("the window ends ({to}) before it starts ({from})"));
    }
    Ok((from, to))
}

pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    if let Some(date) = iso_date(text) {
        return Ok(date);
    }
    let parsed = if text.contains('/') {
        NaiveDate::parse_from_str(text, "%d/%m/%Y")
    } else {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
    };
    match parsed {
        // chrono accepts years of any width; a four-digit year is what the contract means.
        Ok(date) if (1000..=9999).contains(&date.year()) => Ok(date),
        _ => Err(format!(
            "wrong type: {} is not a date (expected YYYY-MM-DD or DD/MM/YYYY)",
            excerpt(text)
        )),
    }
}

/// The date of `text` when it is exactly `YYYY-MM-DD` with a year from 1000 (what
/// every generated and most real exports write): digits read in place, where chrono's
/// format parser walks its format string for every cell. Anything else is left to
/// [`parse_date`]'s chrono path, which gives the same answer for this shape.
fn iso_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || b[0] == b'0' {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?)
}

/// Parses true/false, yes/no, y/n, 1/0 in any case.
pub fn parse_bool(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Ok(true),
        "false" | "no" | "n" | "0" => Ok(false),
        _ => Err(format!(
            "wrong type: {} is not a boolean (expected true/false, yes/no, y/n or 1/0)",
            excerpt(text)
        )),
    }
}

/// Parses a whole number within `min..=max`.
pub fn parse_int(text: &str, min: i64, max: i64) -> Result<i64, String> {
    let value: i64 = text
        .parse()
        .map_err(|_| format!("wrong type: {} is not a whole number", excerpt(text)))?;
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(format!("out of range: {value} is not within {min}..{max}"))
    }
}

/// Finds `text` among the canonical spellings `names`, ignoring case, and returns the
/// canonical spelling.
pub fn parse_enum(
    text: &str,
    what: &str,
    names: &'static [&'static str],
) -> Result<&'static str, String> {
    names
        .iter()
        .copied()
        .find(|name| name.eq_ignore_ascii_case(text))
        .ok_or_else(|| {
            format!(
                "unknown {what} {}: expected one of {}",
                excerpt(text),
                names.join(", ")
            )
        })
}

/// Parses a `;`-separated list of canonical values into their canonical spellings, in
/// the canonical order and without repeats, joined by `;` (so equal sets store equally).
pub fn parse_enum_list(
    text: &str,
    what: &str,
    names: &'static [&'static str],
) -> Result<String, String> {
    let mut present = vec![false; names.len()];
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let canonical = parse_enum(part, what, names)?;
        let at = names
            .iter()
            .position(|n| *n == canonical)
            .unwrap_or_default();
        present[at] = true;
    }
    Ok(names
        .iter()
        .zip(present)
        .filter_map(|(name, here)| here.then_some(*name))
        .collect::<Vec<_>>()
        .join(";"))
}

/// A trust id becomes a folder name in the store, so only letters, digits, `-` and `_`
/// (at most 64 of them) are accepted.
pub fn check_trust_id(text: &str) -> Result<(), String> {
    let safe = !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if safe {
        Ok(())
    } else {
        Err(format!(
            "unsafe trust id {}: use only letters, digits, '-' and '_' (it becomes a folder name)",
            excerpt(text)
        ))
    }
}

/// A school URN is 6 or 7 digits.
pub fn check_urn(text: &str) -> Result<(), String> {
    if (6..=7).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!(
            "wrong type: {} is not a school URN (6 or 7 digits)",
            excerpt(text)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Function;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_are_iso_or_english_day_first() {
        // Spec 01 "Values": `03/04/2026` is 3 April.
        assert_eq!(parse_date("03/04/2026"), Ok(day(2026, 4, 3)));
        assert_eq!(parse_date("3/4/2026"), Ok(day(2026, 4, 3)));
        assert_eq!(parse_date("2026-04-03"), Ok(day(2026, 4, 3)));
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("04/13/2026").is_err(), "there is no 13th month");
        assert!(parse_date("26-04-03").is_err());
        assert!(parse_date("yesterday").unwrap_err().contains("not a date"));
    }

    #[test]
    fn booleans_accept_the_usual_spellings_in_any_case() {
        for yes in ["true", "TRUE", "Yes", "y", "1"] {
            assert_eq!(parse_bool(yes), Ok(true), "{yes}");
        }
        for no in ["false", "No", "N", "0"] {
            assert_eq!(parse_bool(no), Ok(false), "{no}");
        }
        assert!(parse_bool("maybe").is_err());
    }

    #[test]
    fn numbers_are_range_checked() {
        assert_eq!(parse_int("600", 1, 600), Ok(600));
        assert!(
            parse_int("601", 1, 600)
                .unwrap_err()
                .starts_with("out of range")
        );
        assert!(
            parse_int("1.5", 1, 600)
                .unwrap_err()
                .starts_with("wrong type")
        );
    }

    #[test]
    fn function_lists_are_canonicalised() {
        let names = Function::NAMES;
        assert_eq!(
            parse_enum_list("Supportive; managerial;supportive", "function", names),
            Ok("managerial;supportive".to_string())
        );
        assert_eq!(parse_enum_list("", "function", names), Ok(String::new()));
        assert!(parse_enum_list("managerial;gossip", "function", names).is_err());
    }

    proptest::proptest! {
        #[test]
        fn every_date_reads_the_same_in_both_formats(days in 0i64..80_000) {
            // Spec 01: dates are YYYY-MM-DD, and DD/MM/YYYY is also accepted.
            let date = day(1900, 1, 1) + chrono::TimeDelta::days(days);
            proptest::prop_assert_eq!(parse_date(&date.format("%Y-%m-%d").to_string()), Ok(date));
            proptest::prop_assert_eq!(parse_date(&date.format("%d/%m/%Y").to_string()), Ok(date));
        }

        #[test]
        fn the_iso_fast_path_agrees_with_chrono_on_every_ten_character_shape(text in "[0-9+ -]{4}-[0-9+ -]{2}-[0-9+ -]{2}") {
            // The fast path may only answer what chrono's `%Y-%m-%d` (years 1000-9999)
            // answers; where it declines, chrono is asked anyway.
            let chrono = NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .ok()
                .filter(|d| (1000..=9999).contains(&d.year()));
            if let Some(fast) = iso_date(&text) {
                proptest::prop_assert_eq!(Some(fast), chrono);
            }
            proptest::prop_assert_eq!(parse_date(&text).ok(), chrono);
        }

        #[test]
        fn any_case_of_a_canonical_value_parses_to_it(index in 0usize..6, mask in proptest::collection::vec(proptest::bool::ANY, 20)) {
            let name = Function::NAMES[index];
            let mixed: String = name
                .chars()
                .zip(mask.iter().cycle())
                .map(|(c, upper)| if *upper { c.to_ascii_uppercase() } else { c })
                .collect();
            proptest::prop_assert_eq!(parse_enum(&mixed, "function", Function::NAMES), Ok(name));
        }
    }

    #[test]
    fn trust_ids_must_be_safe_folder_names() {
        assert!(check_trust_id("TR-001_a").is_ok());
        for bad in ["../etc", "TR 1", "", "a/b", "tr.1"] {
            assert!(check_trust_id(bad).is_err(), "{bad}");
        }
    }
}
