//! The school's rules in plain English, for the governors' and evidence packs, each
//! with its provenance (spec 03, "Provenance of every rule"): a rule the school's own
//! policy states is quoted in its own words and marked as the school's; a setting
//! inherited from the trust is a "trust default", never presented as the school's.

use serde::Serialize;

use super::calendar::Granularity;
use super::keys::Settings;
use super::settings::{Origin, SettingLayer};
use crate::model::{CaseCategory, Function, SessionKind};

fn kind_label(kind: SessionKind) -> &'static str {
    match kind {
        SessionKind::OneToOne => "one-to-one",
        SessionKind::Group => "group",
        SessionKind::Peer => "peer",
        SessionKind::MultiAgency => "multi-agency",
        SessionKind::Clinical => "clinical",
        SessionKind::Informal => "informal",
    }
}

fn function_label(function: Function) -> &'static str {
    match function {
        Function::Managerial => "managerial",
        Function::Developmental => "developmental",
        Function::Supportive => "supportive",
        Function::Mediation => "mediation",
        Function::MultiAgency => "multi-agency",
        Function::VoiceOfChild => "voice of the child",
    }
}

fn period_label(per: Granularity) -> &'static str {
    match per {
        Granularity::HalfTerm => "half-term",
        Granularity::Term => "term",
        Granularity::AcademicYear => "academic year",
    }
}

/// `a`, `a or b`, `a, b or c`.
fn join(items: &[&str], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., tail] => format!("{} {last} {tail}", init.join(", ")),
    }
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Where a statement's setting came from, as the packs show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Provenance {
    /// The school's own policy states it (its preset or its own table in the policy
    /// file); `quote` is the policy's sentence, when the preset carries it.
    School { quote: Option<String> },
    /// Inherited from the trust (`[defaults]` or a preset `[defaults]` names): shown as
    /// "trust default". `quote` is the trust policy's sentence, when given.
    TrustDefault { quote: Option<String> },
    /// Stated by nobody: `oversight`'s built-in value (spec 02's default), which the
    /// trust's policy file left as it is. Shown as a trust default too.
    BuiltIn,
}

impl Provenance {
    fn of(origin: Origin) -> Provenance {
        match origin.layer {
            SettingLayer::School | SettingLayer::SchoolPreset => Provenance::School {
                quote: origin.quote,
            },
            SettingLayer::TrustDefaults | SettingLayer::TrustPreset => Provenance::TrustDefault {
                quote: origin.quote,
            },
            SettingLayer::BuiltIn => Provenance::BuiltIn,
        }
    }

    /// Whether the school's own policy states the rule.
    pub fn is_schools(&self) -> bool {
        matches!(self, Provenance::School { .. })
    }

    /// The policy's own words, when known.
    pub fn quote(&self) -> Option<&str> {
        match self {
            Provenance::School { quote } | Provenance::TrustDefault { quote } => quote.as_deref(),
            Provenance::BuiltIn => None,
        }
    }

    /// How a pack labels it: "school policy" or "trust default".
    pub fn label(&self) -> &'static str {
        if self.is_schools() {
            "school policy"
        } else {
            "trust default"
        }
    }
}

/// One rule of a school in plain English, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleStatement {
    /// The setting it states (`record_within_working_days`, `rules.termly.min_minutes`).
    pub setting: String,
    /// The sentence ("Records completed within 5 working days").
    pub text: String,
    /// The school's own words, or a trust default.
    pub provenance: Provenance,
}

/// The settings as plain-English statements, in a fixed order: who is due supervision,
/// each rule, rescheduling, recording, training, agreements, functions, drift, workload.
pub(crate) fn rules_in_words(s: &Settings) -> Vec<RuleStatement> {
    let mut out = Vec::new();
    let mut say = |setting: &str, text: String| {
        out.push(RuleStatement {
            setting: setting.to_string(),
            text,
            provenance: Provenance::of(s.origin(setting)),
        })
    };
    let roles: Vec<&str> = s.in_scope_roles.iter().map(|r| r.label()).collect();
    say(
        "in_scope_roles",
        format!("Supervision is due for: {}", join(&roles, "and")),
    );
    if s.in_scope_case_owners {
        say(
            "in_scope_case_owners",
            "Supervision is also due for every member of staff holding a CP, CIN, CLA or EH \
             case, whatever their role"
                .to_string(),
        );
    }
    for rule in &s.rules {
        let kinds: Vec<&str> = rule.kinds.iter().map(|k| kind_label(*k)).collect();
        let kinds = join(&kinds, "or");
        let key = |field: &str| format!("rules.{}.{field}", rule.name);
        if let (Some(per), Some(min)) = (rule.per, rule.min) {
            say(
                &key("per"),
                format!(
                    "At least {min} {kinds} session{} each {} (rule \"{}\")",
                    if min == 1 { "" } else { "s" },
                    period_label(per),
                    rule.name
                ),
            );
        }
        if let Some(gap) = rule.max_gap_working_days {
            say(
                &key("max_gap_working_days"),
                format!(
                    "No more than {} between {kinds} sessions (rule \"{}\")",
                    plural(gap, "working day", "working days"),
                    rule.name
                ),
            );
        }
        if rule.planned_only {
            say(
                &key("planned_only"),
                format!(
                    "Only planned sessions count; unplanned ones do not replace them (rule \"{}\")",
                    rule.name
                ),
            );
        }
        if let Some(minutes) = rule.min_minutes {
            say(
                &key("min_minutes"),
                format!(
                    "Only sessions of at least {} count (rule \"{}\")",
                    plural(minutes, "minute", "minutes"),
                    rule.name
                ),
            );
        }
    }
    say(
        "reschedule_within_working_days",
        format!(
            "Cancelled or missed sessions rescheduled within {}",
            plural(
                s.reschedule_within_working_days,
                "working day",
                "working days"
            )
        ),
    );
    say(
        "record_within_working_days",
        format!(
            "Records completed within {}",
            plural(s.record_within_working_days, "working day", "working days")
        ),
    );
    say(
        "training_valid_months",
        format!(
            "Supervisors' safeguarding training renewed at least every {}",
            plural(s.training_valid_months, "month", "months")
        ),
    );
    say(
        "dsl_training_valid_months",
        format!(
            "DSLs' and deputies' own DSL training renewed at least every {}",
            plural(s.dsl_training_valid_months, "month", "months")
        ),
    );
    if s.contracts_required {
        say(
            "contracts_required",
            "One-to-one supervision under a supervision agreement with the supervisor".to_string(),
        );
        say(
            "contract_review_months",
            format!(
                "Supervision agreements reviewed at least every {}",
                plural(s.contract_review_months, "month", "months")
            ),
        );
    }
    if !s.required_functions.is_empty() {
        let functions: Vec<&str> = s
            .required_functions
            .iter()
            .map(|f| function_label(*f))
            .collect();
        say(
            "required_functions",
            format!(
                "Over the year each person's supervision covers the {} function{}",
                join(&functions, "and"),
                if functions.len() == 1 { "" } else { "s" }
            ),
        );
    }
    let d = &s.drift;
    say(
        "drift.overdue_days",
        format!(
            "A case drifts when one of its actions is more than {} overdue",
            plural(d.overdue_days, "day", "days")
        ),
    );
    if !d.review_days.is_empty() {
        let mut by_days: Vec<(u32, Vec<CaseCategory>)> = Vec::new();
        for (category, days) in &d.review_days {
            match by_days.iter_mut().find(|(n, _)| n == days) {
                Some((_, categories)) => categories.push(*category),
                None => by_days.push((*days, vec![*category])),
            }
        }
        by_days.sort_by_key(|(n, _)| *n);
        let parts: Vec<String> = by_days
            .iter()
            .map(|(n, categories)| {
                let names: Vec<&str> = categories.iter().map(|c| c.label()).collect();
                format!("{} ({})", plural(*n, "day", "days"), names.join(", "))
            })
            .collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        say(
            "drift.review_days",
            format!(
                "Cases discussed in supervision at least every {}",
                join(&parts, "and every")
            ),
        );
    }
    say(
        "drift.no_progress_discussions",
        format!(
            "A case drifts when its safety score has not improved over its last {} scored discussions",
            d.no_progress_discussions
        ),
    );
    say(
        "drift.escalation_days",
        format!(
            "An escalated case is followed up in supervision within {}",
            plural(d.escalation_days, "day", "days")
        ),
    );
    say(
        "drift.carried_sessions",
        format!(
            "An agreed action still open after {} of its case counts as carried over",
            plural(d.carried_sessions, "later discussion", "later discussions")
        ),
    );
    let w = &s.workload;
    let weights: Vec<String> = w
        .weights
        .iter()
        .map(|(c, weight)| format!("{} {weight}", c.label()))
        .collect();
    say(
        "workload.max_weighted_caseload",
        format!(
            "Weighted caseload of no more than {} per person (weights: {})",
            w.max_weighted_caseload,
            if weights.is_empty() {
                "none".to_string()
            } else {
                weights.join(", ")
            }
        ),
    );
    say(
        "workload.max_cases_per_hour",
        format!(
            "No more than {} cases discussed per hour of supervision",
            w.max_cases_per_hour
        ),
    );
    out
}
