//! The resolved settings of one school ([`Settings`]), the spec's defaults, and the
//! layers (`[defaults]`, a preset, `[schools."URN"]`) they are resolved from.

use std::collections::BTreeMap;
use std::fmt::Display;

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
    /// A cancelled or missed session must be replaced within this many working days.
    pub reschedule_within_working_days: u32,
    /// A session must be recorded within this many working days.
    pub record_within_working_days: u32,
    /// A supervisor's safeguarding training is valid for this many months.
    pub training_valid_months: u32,
    /// Functions a person's sessions must cover over the year, distinct, canonical order.
    #[serde(serialize_with = "ser_list")]
    pub required_functions: Vec<Function>,
    /// The frequency and gap rules, in the order written.
    pub rules: Vec<Rule>,
    /// Drift thresholds.
    pub drift: DriftSettings,
    /// Workload thresholds.
    pub workload: WorkloadSettings,
}

impl Default for Settings {
    /// The spec's defaults (04-policy.md's example `[defaults]`, 02-metrics.md's values).
    fn default() -> Self {
        use CaseCategory::*;
        Settings {
            preset: None,
            in_scope_roles: vec![Role::Dsl, Role::Ddsl, Role::PastoralLead],
            reschedule_within_working_days: 5,
            record_within_working_days: 5,
            training_valid_months: 24,
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
        }
    }
}

/// The keys one layer (`[defaults]`, a preset file, `[schools."URN"]`) gives, validated.
/// `None` = not given: the earlier layer's value stands.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layer {
    pub in_scope_roles: Option<Vec<Role>>,
    pub reschedule_within_working_days: Option<u32>,
    pub record_within_working_days: Option<u32>,
    pub training_valid_months: Option<u32>,
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
}

fn set<T: Clone>(target: &mut T, value: &Option<T>) {
    if let Some(v) = value {
        *target = v.clone();
    }
}

impl Layer {
    /// Lays this layer's keys over `s`: each key given replaces the value whole.
    pub fn apply(&self, s: &mut Settings) {
        set(&mut s.in_scope_roles, &self.in_scope_roles);
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
