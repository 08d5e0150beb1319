//! The kinds of value a setting takes (issue #21). A setting's declaration in `keys.rs`
//! gives its type and its kind; from them follow how a policy file writes it
//! ([`Written`]), its check, how `manifest.json` shows it, its columns of
//! `policy_schools` and its row of the settings table in docs/policy.md ([`Kind`]).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;
use serde::{Serialize, Serializer};
use toml::value::Datetime;

use super::check::{Checker, MAX_WHOLE, RawRule};
use super::columns::{col, joined, optional_date_col};
use super::error::PolicyError;
use super::settings::{Rule, ser_date, ser_list, ser_map};
use crate::model::{CaseCategory, Function, Role};

/// How a policy file writes a value of this type: serde reads it as `Raw`, a [`Kind`]
/// checks it into the type.
pub(crate) trait Written {
    type Raw;
}

/// The value of type `V` as a policy file writes it.
pub(crate) type Raw<V> = <V as Written>::Raw;

impl Written for u32 {
    type Raw = i64;
}
impl Written for bool {
    type Raw = bool;
}
impl Written for f64 {
    type Raw = f64;
}
impl Written for Option<NaiveDate> {
    type Raw = Datetime;
}
impl Written for Vec<Role> {
    type Raw = Vec<String>;
}
impl Written for Vec<Function> {
    type Raw = Vec<String>;
}
impl Written for Vec<Rule> {
    type Raw = Vec<RawRule>;
}
/// A target's two levels (spec 04 `[targets]`): at or beyond `green` a figure is green,
/// at or beyond `amber` amber, otherwise red ("beyond": above for a figure where more is
/// better, below for one where less is).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Band {
    pub green: f64,
    pub amber: f64,
}

/// A [`Band`] as a policy file writes it: `{ green = 95, amber = 80 }`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBand {
    green: f64,
    amber: f64,
}

impl Written for Band {
    type Raw = RawBand;
}

impl<V: Written> Written for BTreeMap<CaseCategory, V> {
    type Raw = BTreeMap<String, V::Raw>;
}

/// What a setting's kind says of its values.
pub(crate) trait Kind {
    /// The resolved value.
    type Value: Written + Clone;

    /// Checks the value a layer gives at `key` (`drift.overdue_days`).
    fn check(
        &self,
        at: &Checker,
        key: &str,
        raw: Raw<Self::Value>,
    ) -> Result<Self::Value, PolicyError>;

    /// The value in `manifest.json`.
    fn show<S: Serializer>(&self, value: &Self::Value, s: S) -> Result<S::Ok, S::Error>;

    /// Its columns of `policy_schools`, named after the setting (`name`), one value per
    /// school; none for a setting with tables of its own.
    fn columns(&self, name: &str, values: &[&Self::Value]) -> Vec<Column>;

    /// For docs/policy.md: the type as a policy file writes it.
    fn doc_type(&self) -> String;
    /// The values allowed.
    fn doc_allowed(&self) -> String;
    /// A value as a policy file writes it.
    fn doc_value(&self, value: &Self::Value) -> String;
    /// Where the queries find the setting `name`.
    fn doc_sql(&self, name: &str) -> String {
        format!("`policy_schools.{name}`")
    }
}

/// A resolved value with its kind, serialised as the kind shows it.
pub(crate) struct Shown<'a, K: Kind>(pub &'a K, pub &'a K::Value);

impl<K: Kind> Serialize for Shown<'_, K> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.show(self.1, s)
    }
}

/// A column of one value per school, each made by `value`.
fn column_of<V, T>(name: &str, values: &[&V], value: impl Fn(&V) -> T) -> Column
where
    Series: NamedFrom<Vec<T>, [T]>,
{
    col(name, values.iter().map(|v| value(v)).collect::<Vec<T>>())
}

/// The setting's row of the settings table in docs/policy.md.
pub(crate) fn doc_row<K: Kind>(
    kind: &K,
    key: &str,
    name: &str,
    default: &K::Value,
    doc: &str,
) -> String {
    let doc = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    format!(
        "| `{key}` | {} | {} | {} | {} | {doc} |\n",
        kind.doc_type(),
        kind.doc_value(default),
        kind.doc_allowed(),
        kind.doc_sql(name)
    )
}

/// A whole number of `what` (days, months, sessions) from `lo` to [`MAX_WHOLE`].
pub(crate) struct Whole {
    pub what: &'static str,
    pub lo: i64,
}

impl Kind for Whole {
    type Value = u32;

    fn check(&self, at: &Checker, key: &str, raw: i64) -> Result<u32, PolicyError> {
        at.whole_given(key, raw, self.what, self.lo)
    }

    fn show<S: Serializer>(&self, value: &u32, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(*value)
    }

    fn columns(&self, name: &str, values: &[&u32]) -> Vec<Column> {
        vec![column_of(name, values, |v| i64::from(*v))]
    }

    fn doc_type(&self) -> String {
        format!("integer ({})", self.what)
    }

    fn doc_allowed(&self) -> String {
        format!("{}–{MAX_WHOLE}", self.lo)
    }

    fn doc_value(&self, value: &u32) -> String {
        value.to_string()
    }
}

/// A number, finite and 0 or more.
pub(crate) struct Amount;

impl Kind for Amount {
    type Value = f64;

    fn check(&self, at: &Checker, key: &str, raw: f64) -> Result<f64, PolicyError> {
        at.non_negative_given(key, raw)
    }

    fn show<S: Serializer>(&self, value: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(*value)
    }

    fn columns(&self, name: &str, values: &[&f64]) -> Vec<Column> {
        vec![column_of(name, values, |v| *v)]
    }

    fn doc_type(&self) -> String {
        "number".to_string()
    }

    fn doc_allowed(&self) -> String {
        "finite, >= 0".to_string()
    }

    fn doc_value(&self, value: &f64) -> String {
        value.to_string()
    }
}

/// A target for a headline figure (spec 04 `[targets]`): two levels, in the figure's
/// units, ordered so green is at least as good as amber.
pub(crate) struct Levels {
    /// More is better (a rate met); otherwise less is (drifting cases).
    pub higher_is_better: bool,
}

impl Kind for Levels {
    type Value = Band;

    fn check(&self, at: &Checker, key: &str, raw: RawBand) -> Result<Band, PolicyError> {
        let green = at.non_negative_given(&format!("{key}.green"), raw.green)?;
        let amber = at.non_negative_given(&format!("{key}.amber"), raw.amber)?;
        let ordered = if self.higher_is_better {
            green >= amber
        } else {
            green <= amber
        };
        if !ordered {
            return Err(at.invalid(
                key,
                if self.higher_is_better {
                    "green at or above amber (more is better)"
                } else {
                    "green at or below amber (less is better)"
                },
                format!("green = {green}, amber = {amber}"),
            ));
        }
        Ok(Band { green, amber })
    }

    fn show<S: Serializer>(&self, value: &Band, s: S) -> Result<S::Ok, S::Error> {
        value.serialize(s)
    }

    fn columns(&self, name: &str, values: &[&Band]) -> Vec<Column> {
        vec![
            column_of(&format!("target_{name}_green"), values, |v| v.green),
            column_of(&format!("target_{name}_amber"), values, |v| v.amber),
        ]
    }

    fn doc_type(&self) -> String {
        "table `{ green = …, amber = … }`".to_string()
    }

    fn doc_allowed(&self) -> String {
        if self.higher_is_better {
            "numbers >= 0, green >= amber (more is better)".to_string()
        } else {
            "numbers >= 0, green <= amber (less is better)".to_string()
        }
    }

    fn doc_value(&self, value: &Band) -> String {
        format!("green {}, amber {}", value.green, value.amber)
    }

    fn doc_sql(&self, name: &str) -> String {
        format!("`policy_schools.target_{name}_green`, `target_{name}_amber`")
    }
}

/// `true` or `false`.
pub(crate) struct Flag;

impl Kind for Flag {
    type Value = bool;

    fn check(&self, _: &Checker, _: &str, raw: bool) -> Result<bool, PolicyError> {
        Ok(raw)
    }

    fn show<S: Serializer>(&self, value: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(*value)
    }

    fn columns(&self, name: &str, values: &[&bool]) -> Vec<Column> {
        vec![column_of(name, values, |v| *v)]
    }

    fn doc_type(&self) -> String {
        "boolean".to_string()
    }

    fn doc_allowed(&self) -> String {
        "`true`, `false`".to_string()
    }

    fn doc_value(&self, value: &bool) -> String {
        value.to_string()
    }
}

/// A TOML date, no time of day; none until a layer gives one.
pub(crate) struct Day;

impl Kind for Day {
    type Value = Option<NaiveDate>;

    fn check(
        &self,
        at: &Checker,
        key: &str,
        raw: Datetime,
    ) -> Result<Option<NaiveDate>, PolicyError> {
        at.date(key, Some(raw))
    }

    fn show<S: Serializer>(&self, value: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        ser_date(value, s)
    }

    fn columns(&self, name: &str, values: &[&Option<NaiveDate>]) -> Vec<Column> {
        let values: Vec<Option<NaiveDate>> = values.iter().map(|v| **v).collect();
        vec![optional_date_col(name, &values)]
    }

    fn doc_type(&self) -> String {
        "TOML date".to_string()
    }

    fn doc_allowed(&self) -> String {
        "a date like `2025-06-30`, no time of day".to_string()
    }

    fn doc_value(&self, value: &Option<NaiveDate>) -> String {
        value.map_or("none".to_string(), |d| d.to_string())
    }

    fn doc_sql(&self, name: &str) -> String {
        format!("`policy_schools.{name}` (null when none)")
    }
}

/// `["a", "b"]` as `` `a`, `b` ``.
fn listed<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Staff roles: at least one, kept distinct and in canonical order.
pub(crate) struct Roles;

impl Kind for Roles {
    type Value = Vec<Role>;

    fn check(&self, at: &Checker, key: &str, raw: Vec<String>) -> Result<Vec<Role>, PolicyError> {
        let roles = at.values(key, &raw, Role::parse, &Role::expected())?;
        if roles.is_empty() {
            return Err(at.invalid(key, "at least one role", "an empty list"));
        }
        Ok(roles)
    }

    fn show<S: Serializer>(&self, value: &Vec<Role>, s: S) -> Result<S::Ok, S::Error> {
        ser_list(value, s)
    }

    fn columns(&self, name: &str, values: &[&Vec<Role>]) -> Vec<Column> {
        vec![column_of(name, values, |v| joined(v))]
    }

    fn doc_type(&self) -> String {
        "list of roles".to_string()
    }

    fn doc_allowed(&self) -> String {
        format!("at least one of {}", listed(Role::ALL))
    }

    fn doc_value(&self, value: &Vec<Role>) -> String {
        listed(value)
    }

    fn doc_sql(&self, name: &str) -> String {
        format!("`policy_schools.{name}` (`;`-joined), `policy_roles` (a row each)")
    }
}

/// Supervision functions: any number, kept distinct and in canonical order.
pub(crate) struct Functions;

impl Kind for Functions {
    type Value = Vec<Function>;

    fn check(
        &self,
        at: &Checker,
        key: &str,
        raw: Vec<String>,
    ) -> Result<Vec<Function>, PolicyError> {
        at.values(key, &raw, Function::parse, &Function::expected())
    }

    fn show<S: Serializer>(&self, value: &Vec<Function>, s: S) -> Result<S::Ok, S::Error> {
        ser_list(value, s)
    }

    fn columns(&self, name: &str, values: &[&Vec<Function>]) -> Vec<Column> {
        let mut out = vec![column_of(name, values, |v| joined(v))];
        for function in Function::ALL {
            let name = format!("requires_{}", function.as_str());
            out.push(column_of(&name, values, |v| v.contains(function)));
        }
        out
    }

    fn doc_type(&self) -> String {
        "list of functions".to_string()
    }

    fn doc_allowed(&self) -> String {
        format!("any of {}; may be empty", listed(Function::ALL))
    }

    fn doc_value(&self, value: &Vec<Function>) -> String {
        listed(value)
    }

    fn doc_sql(&self, name: &str) -> String {
        format!("`policy_schools.{name}` (`;`-joined) and `requires_<function>` (a boolean each)")
    }
}

/// Supervision rules (a rule: docs/policy.md, below the settings), names unique.
pub(crate) struct Rules;

impl Kind for Rules {
    type Value = Vec<Rule>;

    fn check(&self, at: &Checker, key: &str, raw: Vec<RawRule>) -> Result<Vec<Rule>, PolicyError> {
        let mut out: Vec<Rule> = Vec::new();
        for (i, rule) in raw.into_iter().enumerate() {
            let rule = at.rule(&format!("{key}[{i}]"), rule)?;
            if out.iter().any(|r| r.name == rule.name) {
                return Err(at.invalid(
                    &format!("{key}[{i}].name"),
                    "a name not used by another rule of the same table",
                    format!("{:?}", rule.name),
                ));
            }
            out.push(rule);
        }
        Ok(out)
    }

    fn show<S: Serializer>(&self, value: &Vec<Rule>, s: S) -> Result<S::Ok, S::Error> {
        value.serialize(s)
    }

    fn columns(&self, _: &str, _: &[&Vec<Rule>]) -> Vec<Column> {
        Vec::new()
    }

    fn doc_type(&self) -> String {
        "array of tables".to_string()
    }

    fn doc_allowed(&self) -> String {
        "rules (below); may be empty".to_string()
    }

    fn doc_value(&self, value: &Vec<Rule>) -> String {
        let rules: Vec<String> = value
            .iter()
            .map(|r| {
                let mut words = vec![format!("kinds {}", listed(&r.kinds))];
                if let (Some(per), Some(min)) = (r.per, r.min) {
                    words.push(format!("per `{}`, min {min}", per.as_str()));
                }
                if let Some(gap) = r.max_gap_working_days {
                    words.push(format!("max_gap_working_days {gap}"));
                }
                format!("`{}` ({})", r.name, words.join("; "))
            })
            .collect();
        format!("{} rule: {}", value.len(), rules.join(", "))
    }

    fn doc_sql(&self, _: &str) -> String {
        "`policy_rules` (a row each), `policy_rule_kinds`".to_string()
    }
}

/// A value of kind `K` per case category: each category at most once.
pub(crate) struct ByCategory<K>(pub K);

impl<K: Kind> Kind for ByCategory<K>
where
    Raw<K::Value>: Copy,
{
    type Value = BTreeMap<CaseCategory, K::Value>;

    fn check(
        &self,
        at: &Checker,
        key: &str,
        raw: Raw<Self::Value>,
    ) -> Result<Self::Value, PolicyError> {
        at.categories(key, &raw, |key, value| self.0.check(at, key, value))
    }

    fn show<S: Serializer>(&self, value: &Self::Value, s: S) -> Result<S::Ok, S::Error> {
        let shown: BTreeMap<&CaseCategory, Shown<K>> =
            value.iter().map(|(c, v)| (c, Shown(&self.0, v))).collect();
        ser_map(&shown, s)
    }

    fn columns(&self, _: &str, _: &[&Self::Value]) -> Vec<Column> {
        Vec::new()
    }

    fn doc_type(&self) -> String {
        format!("{{CATEGORY = {}}}", self.0.doc_type())
    }

    fn doc_allowed(&self) -> String {
        format!("case categories, each {}", self.0.doc_allowed())
    }

    fn doc_value(&self, value: &Self::Value) -> String {
        let entries: Vec<String> = value
            .iter()
            .map(|(c, v)| format!("{c} = {}", self.0.doc_value(v)))
            .collect();
        format!("`{}`", entries.join(", "))
    }

    fn doc_sql(&self, name: &str) -> String {
        format!("`policy_{name}` (a row per category)")
    }
}
