//! The resolved settings of one school ([`Settings`]), the spec's defaults, and the
//! layers (`[defaults]`, a preset, `[schools."URN"]`) they are resolved from.

use std::collections::BTreeMap;
use std::fmt::Display;

use chrono::NaiveDate;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::calendar::Granularity;
use crate::model::{CaseCategory, Function, Role, SessionKind};

/// A supervision rule: at least `min` sessions of the `kinds` per period, a longest gap
/// between sessions, or both.
///
/// `per` and `min` are both set or both absent; at least one of `per` and
/// `max_gap_working_days` is set (the policy loader enforces it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// The rule's name, unique within a school (`half-termly`).
    pub name: String,
    /// The session kinds that count, distinct, in canonical order.
    #[serde(serialize_with = "ser_list")]
    pub kinds: Vec<SessionKind>,
    /// The period the `min` is counted over.
    pub per: Option<Granularity>,
    /// The least number of sessions per period.
    pub min: Option<u32>,
    /// The most working days allowed between qualifying sessions.
    pub max_gap_working_days: Option<u32>,
    /// Only planned sessions count (Lode Heath: ad-hoc sessions "should not replace
    /// planned, formal, recorded, one to one sessions").
    pub planned_only: bool,
    /// Only sessions of at least this many minutes count (Captain Cook: "for a period of
    /// two hours").
    pub min_minutes: Option<u32>,
}

/// Drift-and-delay thresholds (spec 02 §4).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftSettings {
    /// An overdue action flags its case when more than this many days overdue.
    pub overdue_days: u32,
    /// Days without discussion before a case of the category is `not_reviewed`;
    /// categories not listed are never flagged.
    #[serde(serialize_with = "ser_map")]
    pub review_days: BTreeMap<CaseCategory, u32>,
    /// How many scored discussions `no_progress` looks back over.
    pub no_progress_discussions: u32,
    /// Days after an escalation with no later discussion before `escalated_stale`.
    pub escalation_days: u32,
    /// Later discussions an open action survives before `carried_over`.
    pub carried_sessions: u32,
}

/// Workload thresholds (spec 02 §5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkloadSettings {
    /// Weight of one open case per category; a category not listed weighs 0.
    #[serde(serialize_with = "ser_map")]
    pub weights: BTreeMap<CaseCategory, f64>,
    /// `over_caseload` when the weighted caseload is above this.
    pub max_weighted_caseload: f64,
    /// `rushed` when cases discussed per hour of supervision given is above this.
    pub max_cases_per_hour: f64,
}

/// The resolved policy settings of one school.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    /// The preset applied (its path as written in the policy file), if any.
    pub preset: Option<String>,
    /// Roles due supervision, distinct, in canonical order.
    #[serde(serialize_with = "ser_list")]
    pub in_scope_roles: Vec<Role>,
    /// Owners of open CP, CIN, CLA or EH cases are due supervision whatever their role
    /// (Lode Heath, Temple: staff "working with" children on plans).
    pub in_scope_case_owners: bool,
    /// A cancelled or missed session must be replaced within this many working days.
    pub reschedule_within_working_days: u32,
    /// A session must be recorded within this many working days.
    pub record_within_working_days: u32,
    /// A supervisor's safeguarding training is valid for this many months.
    pub training_valid_months: u32,
    /// A DSL's or deputy's own DSL training is valid for this many months.
    pub dsl_training_valid_months: u32,
    /// One-to-one supervision needs a supervision agreement with the supervisor
    /// (Temple, Ashbury Meadow, Captain Cook).
    pub contracts_required: bool,
    /// An agreement is reviewed within this many months of being agreed (Temple:
    /// "reviewed annually").
    pub contract_review_months: u32,
    /// When the school's own policy was last reviewed, if the policy file says.
    #[serde(serialize_with = "ser_date")]
    pub policy_reviewed_on: Option<NaiveDate>,
    /// When the school's own policy is next due for review, if the policy file says.
    #[serde(serialize_with = "ser_date")]
    pub policy_review_due_on: Option<NaiveDate>,
    /// Functions a person's sessions must cover over the year, distinct, canonical order.
    #[serde(serialize_with = "ser_list")]
    pub required_functions: Vec<Function>,
    /// The frequency and gap rules, in the order written.
    pub rules: Vec<Rule>,
    /// Drift thresholds.
    pub drift: DriftSettings,
    /// Workload thresholds.
    pub workload: WorkloadSettings,
    /// Where each setting came from, keyed by setting name ([`SETTING_KEYS`], plus
    /// `rules.<name>` and `rules.<name>.<field>` for each rule and its quoted fields).
    pub origins: BTreeMap<String, Origin>,
}

/// The settings a layer can give, by the name they have in the policy file (and in a
/// preset's `[source]` table). `rules` is one key: a layer's rules replace the earlier
/// ones whole.
pub const SETTING_KEYS: [&str; 20] = [
    "in_scope_roles",
    "in_scope_case_owners",
    "reschedule_within_working_days",
    "record_within_working_days",
    "training_valid_months",
    "dsl_training_valid_months",
    "contracts_required",
    "contract_review_months",
    "policy_reviewed_on",
    "policy_review_due_on",
    "required_functions",
    "rules",
    "drift.overdue_days",
    "drift.review_days",
    "drift.no_progress_discussions",
    "drift.escalation_days",
    "drift.carried_sessions",
    "workload.weights",
    "workload.max_weighted_caseload",
    "workload.max_cases_per_hour",
];

/// The layer a resolved setting was taken from (04-policy.md, "Resolution").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingLayer {
    /// Nobody set it: the spec's default.
    BuiltIn,
    /// The policy file's `[defaults]`.
    TrustDefaults,
    /// The preset named by `[defaults]` (a trust-wide preset).
    TrustPreset,
    /// The preset named by the school's own table: the school's own policy.
    SchoolPreset,
    /// The school's own `[schools."URN"]` table.
    School,
}

/// Where one resolved setting came from, with the policy's own words when the layer
/// quoted them (a preset's `[source]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub layer: SettingLayer,
    /// The preset's path as written, for the two preset layers.
    pub preset: Option<String>,
    /// The sentence of the school's (or trust's) policy behind the setting.
    pub quote: Option<String>,
}

impl Origin {
    const BUILT_IN: Origin = Origin {
        layer: SettingLayer::BuiltIn,
        preset: None,
        quote: None,
    };
}

impl Settings {
    /// Where `key` came from: the most specific entry of [`Settings::origins`] among
    /// `key` and its parents (`rules.termly.min_minutes`, then `rules.termly`, then
    /// `rules`); built in when none is recorded.
    pub fn origin(&self, key: &str) -> Origin {
        let mut at = key;
        loop {
            if let Some(o) = self.origins.get(at) {
                return o.clone();
            }
            match at.rfind('.') {
                Some(i) if at.starts_with("rules.") => at = &at[..i],
                _ => return Origin::BUILT_IN,
            }
        }
    }
}

impl Default for Settings {
    /// The spec's defaults (04-policy.md's example `[defaults]`, 02-metrics.md's values).
    fn default() -> Self {
        use CaseCategory::*;
        Settings {
            preset: None,
            in_scope_roles: vec![Role::Dsl, Role::Ddsl, Role::PastoralLead],
            in_scope_case_owners: false,
            reschedule_within_working_days: 5,
            record_within_working_days: 5,
            training_valid_months: 24,
            dsl_training_valid_months: 24,
            contracts_required: false,
            contract_review_months: 12,
            policy_reviewed_on: None,
            policy_review_due_on: None,
            required_functions: vec![
                Function::Managerial,
                Function::Developmental,
                Function::Supportive,
            ],
            rules: vec![Rule {
                name: "half-termly".to_string(),
                kinds: vec![SessionKind::OneToOne, SessionKind::Group],
                per: Some(Granularity::HalfTerm),
                min: Some(1),
                max_gap_working_days: None,
                planned_only: false,
                min_minutes: None,
            }],
            drift: DriftSettings {
                overdue_days: 28,
                review_days: [(Cp, 42), (Cin, 42), (Cla, 42), (Eh, 84)].into(),
                no_progress_discussions: 3,
                escalation_days: 14,
                carried_sessions: 3,
            },
            workload: WorkloadSettings {
                weights: [
                    (Cp, 3.0),
                    (Cin, 2.0),
                    (Cla, 2.0),
                    (Eh, 1.0),
                    (Concern, 0.5),
                    (StepDown, 0.5),
                ]
                .into(),
                max_weighted_caseload: 40.0,
                max_cases_per_hour: 12.0,
            },
            origins: BTreeMap::new(),
        }
    }
}

/// The keys one layer (`[defaults]`, a preset file, `[schools."URN"]`) gives, validated.
/// `None` = not given: the earlier layer's value stands.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layer {
    pub in_scope_roles: Option<Vec<Role>>,
    pub in_scope_case_owners: Option<bool>,
    pub reschedule_within_working_days: Option<u32>,
    pub record_within_working_days: Option<u32>,
    pub training_valid_months: Option<u32>,
    pub dsl_training_valid_months: Option<u32>,
    pub contracts_required: Option<bool>,
    pub contract_review_months: Option<u32>,
    pub policy_reviewed_on: Option<NaiveDate>,
    pub policy_review_due_on: Option<NaiveDate>,
    pub required_functions: Option<Vec<Function>>,
    pub rules: Option<Vec<Rule>>,
    pub overdue_days: Option<u32>,
    pub review_days: Option<BTreeMap<CaseCategory, u32>>,
    pub no_progress_discussions: Option<u32>,
    pub escalation_days: Option<u32>,
    pub carried_sessions: Option<u32>,
    pub weights: Option<BTreeMap<CaseCategory, f64>>,
    pub max_weighted_caseload: Option<f64>,
    pub max_cases_per_hour: Option<f64>,
    /// The layer's `[source]`: the policy's sentence behind each setting it makes, by
    /// setting name (`rules.<name>` and `rules.<name>.<field>` for a rule).
    pub quotes: BTreeMap<String, String>,
}

fn set<T: Clone>(target: &mut T, value: &Option<T>) {
    if let Some(v) = value {
        *target = v.clone();
    }
}

impl Layer {
    /// The setting names ([`SETTING_KEYS`]) this layer gives.
    pub fn keys_given(&self) -> Vec<&'static str> {
        let given = [
            self.in_scope_roles.is_some(),
            self.in_scope_case_owners.is_some(),
            self.reschedule_within_working_days.is_some(),
            self.record_within_working_days.is_some(),
            self.training_valid_months.is_some(),
            self.dsl_training_valid_months.is_some(),
            self.contracts_required.is_some(),
            self.contract_review_months.is_some(),
            self.policy_reviewed_on.is_some(),
            self.policy_review_due_on.is_some(),
            self.required_functions.is_some(),
            self.rules.is_some(),
            self.overdue_days.is_some(),
            self.review_days.is_some(),
            self.no_progress_discussions.is_some(),
            self.escalation_days.is_some(),
            self.carried_sessions.is_some(),
            self.weights.is_some(),
            self.max_weighted_caseload.is_some(),
            self.max_cases_per_hour.is_some(),
        ];
        SETTING_KEYS
            .into_iter()
            .zip(given)
            .filter_map(|(key, given)| given.then_some(key))
            .collect()
    }

    /// Lays this layer's keys over `s`: each key given replaces the value whole, and
    /// its origin is recorded as `layer` (with the preset's path and the quote, if any).
    pub fn apply(&self, s: &mut Settings, layer: SettingLayer, preset: Option<&str>) {
        let origin = |key: &str| Origin {
            layer,
            preset: preset.map(str::to_string),
            quote: self.quotes.get(key).cloned(),
        };
        if let Some(rules) = &self.rules {
            s.origins.retain(|key, _| !key.starts_with("rules."));
            for rule in rules {
                let key = format!("rules.{}", rule.name);
                s.origins.insert(key.clone(), origin(&key));
                for (quoted, _) in self.quotes.range(format!("{key}.")..) {
                    if !quoted.starts_with(&format!("{key}.")) {
                        break;
                    }
                    s.origins.insert(quoted.clone(), origin(quoted));
                }
            }
        }
        for key in self.keys_given() {
            s.origins.insert(key.to_string(), origin(key));
        }
        set(&mut s.in_scope_roles, &self.in_scope_roles);
        set(&mut s.in_scope_case_owners, &self.in_scope_case_owners);
        set(
            &mut s.dsl_training_valid_months,
            &self.dsl_training_valid_months,
        );
        set(&mut s.contracts_required, &self.contracts_required);
        set(&mut s.contract_review_months, &self.contract_review_months);
        if self.policy_reviewed_on.is_some() {
            s.policy_reviewed_on = self.policy_reviewed_on;
        }
        if self.policy_review_due_on.is_some() {
            s.policy_review_due_on = self.policy_review_due_on;
        }
        set(
            &mut s.reschedule_within_working_days,
            &self.reschedule_within_working_days,
        );
        set(
            &mut s.record_within_working_days,
            &self.record_within_working_days,
        );
        set(&mut s.training_valid_months, &self.training_valid_months);
        set(&mut s.required_functions, &self.required_functions);
        set(&mut s.rules, &self.rules);
        set(&mut s.drift.overdue_days, &self.overdue_days);
        set(&mut s.drift.review_days, &self.review_days);
        set(
            &mut s.drift.no_progress_discussions,
            &self.no_progress_discussions,
        );
        set(&mut s.drift.escalation_days, &self.escalation_days);
        set(&mut s.drift.carried_sessions, &self.carried_sessions);
        set(&mut s.workload.weights, &self.weights);
        set(
            &mut s.workload.max_weighted_caseload,
            &self.max_weighted_caseload,
        );
        set(&mut s.workload.max_cases_per_hour, &self.max_cases_per_hour);
    }
}

fn ser_date<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(d) => s.serialize_str(&d.to_string()),
        None => s.serialize_none(),
    }
}

fn ser_list<S: Serializer, T: Display>(items: &[T], s: S) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(items.len()))?;
    for item in items {
        seq.serialize_element(&item.to_string())?;
    }
    seq.end()
}

fn ser_map<S: Serializer, K: Display, V: Serialize>(
    map: &BTreeMap<K, V>,
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut out = s.serialize_map(Some(map.len()))?;
    for (k, v) in map {
        out.serialize_entry(&k.to_string(), v)?;
    }
    out.end()
}
