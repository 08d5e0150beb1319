//! The policy and preset files as written (serde, every table `deny_unknown_fields`),
//! and their validation into [`Layer`]s with key-path error messages.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Deserialize;
use toml::value::Datetime;

use super::calendar::Granularity;
use super::error::{PolicyError, key_segment};
use super::settings::{Layer, Rule};

/// The most minutes a session can last (spec 01: `duration_minutes` 1..600), so the
/// largest useful `min_minutes`.
const MAX_MINUTES: i64 = 600;

/// The fields of a rule a `[source]` key `rules.<name>.<field>` may quote.
const RULE_FIELDS: [&str; 6] = [
    "kinds",
    "per",
    "min",
    "max_gap_working_days",
    "planned_only",
    "min_minutes",
];
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
    pub in_scope_case_owners: Option<bool>,
    pub reschedule_within_working_days: Option<i64>,
    pub record_within_working_days: Option<i64>,
    pub training_valid_months: Option<i64>,
    pub dsl_training_valid_months: Option<i64>,
    pub contracts_required: Option<bool>,
    pub contract_review_months: Option<i64>,
    pub policy_reviewed_on: Option<Datetime>,
    pub policy_review_due_on: Option<Datetime>,
    pub required_functions: Option<Vec<String>>,
    pub rules: Option<Vec<RawRule>>,
    pub drift: Option<RawDrift>,
    pub workload: Option<RawWorkload>,
    pub source: Option<BTreeMap<String, String>>,
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
    pub planned_only: Option<bool>,
    pub min_minutes: Option<i64>,
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

    /// A TOML date (`2025-09-01`, no time of day).
    fn date(&self, key: &str, value: Option<Datetime>) -> Result<Option<NaiveDate>, PolicyError> {
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

    /// Checks a layer's `[source]`: every key names a setting the layer itself makes
    /// (a rule `rules.<name>`, or one of its fields `rules.<name>.<field>` that the rule
    /// sets), and every quote is non-empty. A quote for a setting the layer leaves to
    /// others would put words in the policy's mouth.
    fn quotes(
        &self,
        layer: &Layer,
        source: BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, PolicyError> {
        let given = layer.keys_given();
        let mut out = BTreeMap::new();
        for (key, quote) in source {
            let at = format!("source.{}", key_segment(&key));
            let known = given.contains(&key.as_str())
                || layer.rules.iter().flatten().any(|rule| {
                    let Some(rest) = key
                        .strip_prefix("rules.")
                        .and_then(|k| k.strip_prefix(rule.name.as_str()))
                    else {
                        return false;
                    };
                    match rest.strip_prefix('.') {
                        None => rest.is_empty(),
                        Some(field) => match field {
                            "kinds" => true,
                            "per" | "min" => rule.per.is_some(),
                            "max_gap_working_days" => rule.max_gap_working_days.is_some(),
                            "planned_only" => rule.planned_only,
                            "min_minutes" => rule.min_minutes.is_some(),
                            _ => false,
                        },
                    }
                });
            if !known {
                let mut made: Vec<String> = given.iter().map(|k| k.to_string()).collect();
                for rule in layer.rules.iter().flatten() {
                    made.push(format!("rules.{}", rule.name));
                }
                return Err(self.invalid(
                    &at,
                    format!(
                        "a setting this table makes ({}{}), or `rules.<name>.<field>` with \
                         a field the rule sets ({})",
                        if made.is_empty() { "none" } else { "" },
                        made.join(", "),
                        RULE_FIELDS.join(", ")
                    ),
                    format!("{key:?}"),
                ));
            }
            let quote = quote.trim();
            if quote.is_empty() {
                return Err(self.invalid(&at, "the policy's sentence", "an empty string"));
            }
            out.insert(key, quote.to_string());
        }
        Ok(out)
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
        layer.in_scope_case_owners = raw.in_scope_case_owners;
        layer.dsl_training_valid_months = self.whole(
            "dsl_training_valid_months",
            raw.dsl_training_valid_months,
            "months",
            1,
        )?;
        layer.contracts_required = raw.contracts_required;
        layer.contract_review_months = self.whole(
            "contract_review_months",
            raw.contract_review_months,
            "months",
            1,
        )?;
        layer.policy_reviewed_on = self.date("policy_reviewed_on", raw.policy_reviewed_on)?;
        layer.policy_review_due_on = self.date("policy_review_due_on", raw.policy_review_due_on)?;
        if let (Some(reviewed), Some(due)) = (layer.policy_reviewed_on, layer.policy_review_due_on)
            && due < reviewed
        {
            return Err(self.invalid(
                "policy_review_due_on",
                format!("a date on or after policy_reviewed_on ({reviewed})"),
                due.to_string(),
            ));
        }
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
        if let Some(source) = raw.source {
            layer.quotes = self.quotes(&layer, source)?;
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

/// Whether a `[schools."URN"]` key is a URN: 6 or 7 digits.
pub(crate) fn is_urn(key: &str) -> bool {
    (6..=7).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_digit())
}
