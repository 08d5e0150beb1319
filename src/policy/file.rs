//! The policy and preset files as written (serde, every table `deny_unknown_fields`),
//! and their validation into [`Layer`]s with key-path error messages.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::calendar::Granularity;
use super::error::{PolicyError, key_segment};
use super::settings::{Layer, Rule};
use crate::model::{CaseCategory, Function, Role, SessionKind};

/// The largest whole number a setting may take (days, months, sessions): 10,000.
pub(crate) const MAX_WHOLE: i64 = 10_000;

/// The policy file's top level.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPolicyFile {
    pub calendar: String,
    pub bank_holidays: String,
    pub suppress_below: Option<i64>,
    pub defaults: Option<RawSettings>,
    #[serde(default)]
    pub schools: BTreeMap<String, RawSettings>,
}

/// The settings of a layer: `[defaults]`, `[schools."URN"]` or a preset file's top level.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSettings {
    pub preset: Option<String>,
    pub in_scope_roles: Option<Vec<String>>,
    pub reschedule_within_working_days: Option<i64>,
    pub record_within_working_days: Option<i64>,
    pub training_valid_months: Option<i64>,
    pub required_functions: Option<Vec<String>>,
    pub rules: Option<Vec<RawRule>>,
    pub drift: Option<RawDrift>,
    pub workload: Option<RawWorkload>,
}

/// One `[[rules]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub name: String,
    pub kinds: Vec<String>,
    pub per: Option<String>,
    pub min: Option<i64>,
    pub max_gap_working_days: Option<i64>,
}

/// The `drift` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDrift {
    pub overdue_days: Option<i64>,
    pub review_days: Option<BTreeMap<String, i64>>,
    pub no_progress_discussions: Option<i64>,
    pub escalation_days: Option<i64>,
    pub carried_sessions: Option<i64>,
}

/// The `workload` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWorkload {
    pub weights: Option<BTreeMap<String, f64>>,
    pub max_weighted_caseload: Option<f64>,
    pub max_cases_per_hour: Option<f64>,
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

    fn invalid(
        &self,
        key: &str,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> PolicyError {
        PolicyError::invalid(self.file, self.key(key), expected, found)
    }

    /// A whole number in `lo..=MAX_WHOLE`, described as `what` ("working days").
    fn whole_given(&self, key: &str, value: i64, what: &str, lo: i64) -> Result<u32, PolicyError> {
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
    fn non_negative_given(&self, key: &str, value: f64) -> Result<f64, PolicyError> {
        if value.is_finite() && value >= 0.0 {
            Ok(value)
        } else {
            Err(self.invalid(key, "a number, 0 or more", value.to_string()))
        }
    }

    /// [`Checker::non_negative_given`] for an optional key.
    fn non_negative(&self, key: &str, value: Option<f64>) -> Result<Option<f64>, PolicyError> {
        value.map(|v| self.non_negative_given(key, v)).transpose()
    }

    /// A list of canonical values: each known, kept distinct, in canonical order.
    fn values<T: Copy + Ord>(
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
    fn categories<V: Copy, W>(
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

    /// Validates one layer's settings; returns the layer and its `preset` path.
    pub fn layer(&self, raw: RawSettings) -> Result<(Layer, Option<String>), PolicyError> {
        let mut layer = Layer::default();
        if let Some(roles) = &raw.in_scope_roles {
            let roles = self.values("in_scope_roles", roles, Role::parse, &Role::expected())?;
            if roles.is_empty() {
                return Err(self.invalid("in_scope_roles", "at least one role", "an empty list"));
            }
            layer.in_scope_roles = Some(roles);
        }
        layer.reschedule_within_working_days = self.whole(
            "reschedule_within_working_days",
            raw.reschedule_within_working_days,
            "working days",
            0,
        )?;
        layer.record_within_working_days = self.whole(
            "record_within_working_days",
            raw.record_within_working_days,
            "working days",
            0,
        )?;
        layer.training_valid_months = self.whole(
            "training_valid_months",
            raw.training_valid_months,
            "months",
            1,
        )?;
        if let Some(functions) = &raw.required_functions {
            layer.required_functions = Some(self.values(
                "required_functions",
                functions,
                Function::parse,
                &Function::expected(),
            )?);
        }
        if let Some(rules) = raw.rules {
            let mut out: Vec<Rule> = Vec::new();
            for (i, rule) in rules.into_iter().enumerate() {
                let rule = self.rule(&format!("rules[{i}]"), rule)?;
                if out.iter().any(|r| r.name == rule.name) {
                    return Err(self.invalid(
                        &format!("rules[{i}].name"),
                        "a name not used by another rule of the same table",
                        format!("{:?}", rule.name),
                    ));
                }
                out.push(rule);
            }
            layer.rules = Some(out);
        }
        if let Some(drift) = raw.drift {
            layer.overdue_days = self.whole("drift.overdue_days", drift.overdue_days, "days", 0)?;
            if let Some(review) = &drift.review_days {
                layer.review_days =
                    Some(self.categories("drift.review_days", review, |key, v| {
                        self.whole_given(key, v, "days", 0)
                    })?);
            }
            layer.no_progress_discussions = self.whole(
                "drift.no_progress_discussions",
                drift.no_progress_discussions,
                "discussions",
                2,
            )?;
            layer.escalation_days =
                self.whole("drift.escalation_days", drift.escalation_days, "days", 0)?;
            layer.carried_sessions = self.whole(
                "drift.carried_sessions",
                drift.carried_sessions,
                "sessions",
                1,
            )?;
        }
        if let Some(workload) = raw.workload {
            if let Some(weights) = &workload.weights {
                layer.weights = Some(self.categories("workload.weights", weights, |key, v| {
                    self.non_negative_given(key, v)
                })?);
            }
            layer.max_weighted_caseload = self.non_negative(
                "workload.max_weighted_caseload",
                workload.max_weighted_caseload,
            )?;
            layer.max_cases_per_hour =
                self.non_negative("workload.max_cases_per_hour", workload.max_cases_per_hour)?;
        }
        Ok((layer, raw.preset))
    }

    fn rule(&self, key: &str, raw: RawRule) -> Result<Rule, PolicyError> {
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
        })
    }
}

/// Whether a `[schools."URN"]` key is a URN: 6 or 7 digits.
pub(crate) fn is_urn(key: &str) -> bool {
    (6..=7).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_digit())
}
