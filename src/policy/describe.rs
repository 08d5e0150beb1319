//! The school's rules in plain English, for the governors' and evidence packs.

use super::calendar::Granularity;
use super::settings::Settings;
use crate::model::{CaseCategory, Function, Role, SessionKind};

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Dsl => "DSL",
        Role::Ddsl => "deputy DSL",
        Role::Headteacher => "headteacher",
        Role::PastoralLead => "pastoral lead",
        Role::YearHead => "head of year",
        Role::Senco => "SENCO",
        Role::Teacher => "teacher",
        Role::TeachingAssistant => "teaching assistant",
        Role::FamilySupport => "family support worker",
        Role::External => "external staff",
        Role::Other => "other staff",
    }
}

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

/// The settings as plain-English sentences, one a line, in a fixed order: who is due
/// supervision, each rule, rescheduling, recording, training, functions, drift, workload.
pub(crate) fn describe(s: &Settings) -> Vec<String> {
    let mut out = Vec::new();
    let roles: Vec<&str> = s.in_scope_roles.iter().map(|r| role_label(*r)).collect();
    out.push(format!("Supervision is due for: {}", join(&roles, "and")));
    for rule in &s.rules {
        let kinds: Vec<&str> = rule.kinds.iter().map(|k| kind_label(*k)).collect();
        let kinds = join(&kinds, "or");
        if let (Some(per), Some(min)) = (rule.per, rule.min) {
            out.push(format!(
                "At least {min} {kinds} session{} each {} (rule \"{}\")",
                if min == 1 { "" } else { "s" },
                period_label(per),
                rule.name
            ));
        }
        if let Some(gap) = rule.max_gap_working_days {
            out.push(format!(
                "No more than {} between {kinds} sessions (rule \"{}\")",
                plural(gap, "working day", "working days"),
                rule.name
            ));
        }
    }
    out.push(format!(
        "Cancelled or missed sessions rescheduled within {}",
        plural(
            s.reschedule_within_working_days,
            "working day",
            "working days"
        )
    ));
    out.push(format!(
        "Records completed within {}",
        plural(s.record_within_working_days, "working day", "working days")
    ));
    out.push(format!(
        "Supervisors' safeguarding training renewed at least every {}",
        plural(s.training_valid_months, "month", "months")
    ));
    if !s.required_functions.is_empty() {
        let functions: Vec<&str> = s
            .required_functions
            .iter()
            .map(|f| function_label(*f))
            .collect();
        out.push(format!(
            "Over the year each person's supervision covers the {} function{}",
            join(&functions, "and"),
            if functions.len() == 1 { "" } else { "s" }
        ));
    }
    let d = &s.drift;
    out.push(format!(
        "A case drifts when one of its actions is more than {} overdue",
        plural(d.overdue_days, "day", "days")
    ));
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
                let names: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
                format!("{} ({})", plural(*n, "day", "days"), names.join(", "))
            })
            .collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        out.push(format!(
            "Cases discussed in supervision at least every {}",
            join(&parts, "and every")
        ));
    }
    out.push(format!(
        "A case drifts when its safety score has not improved over its last {} scored discussions",
        d.no_progress_discussions
    ));
    out.push(format!(
        "An escalated case is followed up in supervision within {}",
        plural(d.escalation_days, "day", "days")
    ));
    out.push(format!(
        "An agreed action still open after {} of its case counts as carried over",
        plural(d.carried_sessions, "later discussion", "later discussions")
    ));
    let w = &s.workload;
    let weights: Vec<String> = w
        .weights
        .iter()
        .map(|(c, weight)| format!("{c} {weight}"))
        .collect();
    out.push(format!(
        "Weighted caseload of no more than {} per person (weights: {})",
        w.max_weighted_caseload,
        if weights.is_empty() {
            "none".to_string()
        } else {
            weights.join(", ")
        }
    ));
    out.push(format!(
        "No more than {} cases discussed per hour of supervision",
        w.max_cases_per_hour
    ));
    out
}
