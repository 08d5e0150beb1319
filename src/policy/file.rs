//! The policy file as written (serde, every table `deny_unknown_fields`; a layer's
//! settings: `keys.rs`), and a layer's validation into a [`Layer`] with key-path error
//! messages: each value by its kind (`kinds.rs`), then what spans keys (review dates in
//! order, `[source]` quoting only what the table makes).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::check::Checker;
use super::error::{PolicyError, key_segment};
use super::keys::{Layer, RawSettings};

/// The fields of a rule a `[source]` key `rules.<name>.<field>` may quote.
const RULE_FIELDS: [&str; 6] = [
    "kinds",
    "per",
    "min",
    "max_gap_working_days",
    "planned_only",
    "min_minutes",
];

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

impl Checker<'_> {
    /// Validates one layer's settings; returns the layer and its `preset` path.
    pub fn layer(&self, raw: RawSettings) -> Result<(Layer, Option<String>), PolicyError> {
        let (mut layer, preset, source) = raw.check(self)?;
        if let (Some(Some(reviewed)), Some(Some(due))) =
            (layer.policy_reviewed_on, layer.policy_review_due_on)
            && due < reviewed
        {
            return Err(self.invalid(
                "policy_review_due_on",
                format!("a date on or after policy_reviewed_on ({reviewed})"),
                due.to_string(),
            ));
        }
        if let Some(source) = source {
            layer.quotes = self.quotes(&layer, source)?;
        }
        Ok((layer, preset))
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
}

/// Whether a `[schools."URN"]` key is a URN: 6 or 7 digits.
pub(crate) fn is_urn(key: &str) -> bool {
    (6..=7).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_digit())
}
