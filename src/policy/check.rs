//! Checking the values of a policy layer, each error naming the file and the key path:
//! whole numbers and numbers in range, dates, canonical values, maps by case category,
//! and rules. `kinds.rs` checks each setting with these; `file.rs` a whole layer.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Deserialize;
use toml::value::Datetime;

use super::calendar::Granularity;
use super::error::{PolicyError, key_segment};
use super::settings::Rule;
use crate::model::{CaseCategory, SessionKind};

/// The most minutes a session can last (spec 01: `duration_minutes` 1..600), so the
/// largest useful `min_minutes`.
const MAX_MINUTES: i64 = 600;

/// The largest whole number a setting may take (days, months, sessions): 10,000.
pub(crate) const MAX_WHOLE: i64 = 10_000;

/// One `[[rules]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub name: String,
    pub kinds: Vec<String>,
    pub per: Option<String>,
    pub min: Option<i64>,
    pub max_gap_working_days: Option<i64>,
    pub planned_only: Option<bool>,
    pub min_minutes: Option<i64>,
}

/// Validates values against a file name and a key prefix.
pub(crate) struct Checker<'a> {
    pub file: &'a str,
    pub prefix: String,
}

impl Checker<'_> {
    /// The full key path of `key` under the prefix.
    pub fn key(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else if key.starts_with('[') {
            format!("{}{key}", self.prefix)
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    pub(super) fn invalid(
        &self,
        key: &str,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> PolicyError {
        PolicyError::invalid(self.file, self.key(key), expected, found)
    }

    /// A whole number in `lo..=MAX_WHOLE`, described as `what` ("working days").
    pub(super) fn whole_given(
        &self,
        key: &str,
        value: i64,
        what: &str,
        lo: i64,
    ) -> Result<u32, PolicyError> {
        if (lo..=MAX_WHOLE).contains(&value) {
            Ok(value as u32)
        } else {
            Err(self.invalid(
                key,
                format!("a whole number of {what} from {lo} to {MAX_WHOLE}"),
                value.to_string(),
            ))
        }
    }

    /// [`Checker::whole_given`] for an optional key.
    fn whole(
        &self,
        key: &str,
        value: Option<i64>,
        what: &str,
        lo: i64,
    ) -> Result<Option<u32>, PolicyError> {
        value
            .map(|v| self.whole_given(key, v, what, lo))
            .transpose()
    }

    /// A finite number >= 0.
    pub(super) fn non_negative_given(&self, key: &str, value: f64) -> Result<f64, PolicyError> {
        if value.is_finite() && value >= 0.0 {
            Ok(value)
        } else {
            Err(self.invalid(key, "a number, 0 or more", value.to_string()))
        }
    }

    /// A TOML date (`2025-09-01`, no time of day).
    pub(super) fn date(
        &self,
        key: &str,
        value: Option<Datetime>,
    ) -> Result<Option<NaiveDate>, PolicyError> {
        let Some(value) = value else {
            return Ok(None);
        };
        let date = match (value.date, value.time, value.offset) {
            (Some(d), None, None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            }
            _ => None,
        };
        date.map(Some).ok_or_else(|| {
            self.invalid(
                key,
                "a TOML date like 2025-09-01 (no time of day)",
                value.to_string(),
            )
        })
    }

    /// A list of canonical values: each known, kept distinct, in canonical order.
    pub(super) fn values<T: Copy + Ord>(
        &self,
        key: &str,
        items: &[String],
        parse: impl Fn(&str) -> Option<T>,
        expected: &str,
    ) -> Result<Vec<T>, PolicyError> {
        let mut out = BTreeSet::new();
        for (i, item) in items.iter().enumerate() {
            let value = parse(item).ok_or_else(|| {
                self.invalid(
                    &format!("{key}[{i}]"),
                    format!("one of {expected}"),
                    format!("{item:?}"),
                )
            })?;
            out.insert(value);
        }
        Ok(out.into_iter().collect())
    }

    /// A map keyed by case category.
    pub(super) fn categories<V: Copy, W>(
        &self,
        key: &str,
        map: &BTreeMap<String, V>,
        check: impl Fn(&str, V) -> Result<W, PolicyError>,
    ) -> Result<BTreeMap<CaseCategory, W>, PolicyError> {
        let mut out = BTreeMap::new();
        for (name, value) in map {
            let entry_key = format!("{key}.{}", key_segment(name));
            let category = CaseCategory::parse(name).ok_or_else(|| {
                self.invalid(
                    &entry_key,
                    format!("a case category: one of {}", CaseCategory::expected()),
                    format!("{name:?}"),
                )
            })?;
            let value = check(&entry_key, *value)?;
            if out.insert(category, value).is_some() {
                return Err(self.invalid(
                    &entry_key,
                    format!("each case category once ({category} is given twice)"),
                    format!("{name:?}"),
                ));
            }
        }
        Ok(out)
    }

    pub(super) fn rule(&self, key: &str, raw: RawRule) -> Result<Rule, PolicyError> {
        let k = |sub: &str| format!("{key}.{sub}");
        let name = raw.name.trim().to_string();
        if name.is_empty() {
            return Err(self.invalid(&k("name"), "a rule name", "an empty string"));
        }
        if name.contains(';') {
            return Err(self.invalid(&k("name"), "a rule name without ';'", format!("{name:?}")));
        }
        let kinds = self.values(
            &k("kinds"),
            &raw.kinds,
            SessionKind::parse,
            &SessionKind::expected(),
        )?;
        if kinds.is_empty() {
            return Err(self.invalid(&k("kinds"), "at least one session kind", "an empty list"));
        }
        let per = match &raw.per {
            None => None,
            Some(text) => Some(Granularity::parse(text).ok_or_else(|| {
                self.invalid(
                    &k("per"),
                    format!("one of {}", Granularity::expected()),
                    format!("{text:?}"),
                )
            })?),
        };
        let min = self.whole(&k("min"), raw.min, "sessions", 1)?;
        let max_gap_working_days = self.whole(
            &k("max_gap_working_days"),
            raw.max_gap_working_days,
            "working days",
            1,
        )?;
        let min_minutes = match raw.min_minutes {
            None => None,
            Some(v) if (1..=MAX_MINUTES).contains(&v) => Some(v as u32),
            Some(v) => {
                return Err(self.invalid(
                    &k("min_minutes"),
                    format!(
                        "a whole number of minutes from 1 to {MAX_MINUTES} (the longest session)"
                    ),
                    v.to_string(),
                ));
            }
        };
        match (per, min) {
            (Some(_), None) => {
                return Err(self.invalid(
                    key,
                    "`min` with `per` (at least min sessions per period)",
                    "`per` without `min`",
                ));
            }
            (None, Some(_)) => {
                return Err(self.invalid(
                    key,
                    "`per` with `min` (at least min sessions per period)",
                    "`min` without `per`",
                ));
            }
            (None, None) if max_gap_working_days.is_none() => {
                return Err(self.invalid(
                    key,
                    "`per` and `min`, `max_gap_working_days`, or both",
                    "neither",
                ));
            }
            _ => {}
        }
        Ok(Rule {
            name,
            kinds,
            per,
            min,
            max_gap_working_days,
            planned_only: raw.planned_only.unwrap_or(false),
            min_minutes,
        })
    }
}
