//! The resolved policy and the calendar as polars tables, for the metric SQL.
//!
//! All column names are snake_case, dates are polars `Date`, integers `Int64`, fractions
//! `Float64`, lists of canonical values `;`-joined strings in canonical order. Rows are
//! sorted by `school_urn`, then roles, kinds and categories in canonical order (the
//! order of `crate::model`) and rules in the order written.
//!
//! | table | one row per | columns |
//! |---|---|---|
//! | `policy_schools` | school URN asked for | school_urn, preset (null if none), then each setting's columns in the order of `keys.rs` (the settings table of docs/policy.md names them: a setting's own name, without `drift.` or `workload.`; `;`-joined lists; `requires_<function>` for `required_functions`), then suppress_below |
//! | `policy_roles` | school × in-scope role | school_urn, role |
//! | `policy_rules` | school × rule (order as written) | school_urn, rule, per (null if none), min (null if none), max_gap_working_days (null if none), kinds (`;`), planned_only, min_minutes (null if none) |
//! | `policy_rule_kinds` | school × rule × kind | school_urn, rule, kind |
//! | `policy_review_days` | school × category given a review interval | school_urn, category, review_days |
//! | `policy_weights` | school × every case category (0 when not listed) | school_urn, category, weight |
//! | `calendar_periods` | period of every granularity | period_id, granularity, academic_year, starts_on, ends_on |
//! | `calendar_days` | date, first half-term start to last half-term end + 400 days | date, is_working_day, working_day_index, reporting_half_term, academic_year |
//!
//! `calendar_days.working_day_index` counts the working days from the calendar's start up
//! to and including the date, so `working_days(a, b) = idx(b) - idx(a)` (negative when
//! b < a). The 400-day margin after the last half-term lets a date past the calendar
//! (a late `recorded_on`, a reschedule window) still join; those days are not working
//! days (no half-term is known), so the index stays at its total. `reporting_half_term`
//! and `academic_year` are null for dates after the calendar's coverage (31 August of
//! its last academic year). A date before the first half-term has no row (its index
//! would be 0).

use chrono::NaiveDate;
use polars::prelude::*;
use polars::sql::SQLContext;

use super::Policy;
use super::calendar::Calendar;
use super::columns::{col, date_col, frame, joined};
use super::keys::{Settings, setting_columns};
use crate::model::CaseCategory;

/// Days of `calendar_days` after the last half-term's end.
pub const CALENDAR_DAYS_MARGIN: u64 = 400;

/// The policy tables for the SQL context (schemas in the module doc of
/// `oversight::policy::tables` and in `docs/policy.md`).
#[derive(Debug, Clone)]
pub struct PolicyTables {
    /// One row per school: its scalar settings.
    pub policy_schools: DataFrame,
    /// One row per school and in-scope role.
    pub policy_roles: DataFrame,
    /// One row per school and rule.
    pub policy_rules: DataFrame,
    /// One row per school, rule and session kind that counts for it.
    pub policy_rule_kinds: DataFrame,
    /// One row per school and case category with a review interval.
    pub policy_review_days: DataFrame,
    /// One row per school and case category: its workload weight.
    pub policy_weights: DataFrame,
    /// One row per calendar period (half-terms, terms, academic years).
    pub calendar_periods: DataFrame,
    /// One row per date, with its working-day index.
    pub calendar_days: DataFrame,
}

impl PolicyTables {
    /// The table names, as registered by [`PolicyTables::register`].
    pub const NAMES: [&'static str; 8] = [
        "policy_schools",
        "policy_roles",
        "policy_rules",
        "policy_rule_kinds",
        "policy_review_days",
        "policy_weights",
        "calendar_periods",
        "calendar_days",
    ];

    /// Each table with its name, in the order of [`PolicyTables::NAMES`].
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &DataFrame)> {
        let frames = [
            &self.policy_schools,
            &self.policy_roles,
            &self.policy_rules,
            &self.policy_rule_kinds,
            &self.policy_review_days,
            &self.policy_weights,
            &self.calendar_periods,
            &self.calendar_days,
        ];
        Self::NAMES.into_iter().zip(frames)
    }

    /// Registers every table in `ctx` under its name.
    pub fn register(&self, ctx: &SQLContext) {
        for (name, frame) in self.iter() {
            ctx.register(name, frame.clone().lazy());
        }
    }
}

fn calendar_periods(calendar: &Calendar) -> DataFrame {
    let periods = calendar.all_periods();
    frame(vec![
        col(
            "period_id",
            periods.iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
        ),
        col(
            "granularity",
            periods
                .iter()
                .map(|p| p.granularity.as_str())
                .collect::<Vec<_>>(),
        ),
        col(
            "academic_year",
            periods
                .iter()
                .map(|p| p.academic_year.to_string())
                .collect::<Vec<_>>(),
        ),
        date_col(
            "starts_on",
            &periods.iter().map(|p| p.starts_on).collect::<Vec<_>>(),
        ),
        date_col(
            "ends_on",
            &periods.iter().map(|p| p.ends_on).collect::<Vec<_>>(),
        ),
    ])
}

fn calendar_days(calendar: &Calendar) -> DataFrame {
    let dates: Vec<NaiveDate> = calendar.table_dates(CALENDAR_DAYS_MARGIN).collect();
    let mut working = Vec::with_capacity(dates.len());
    let mut index = Vec::with_capacity(dates.len());
    let mut half_term = Vec::with_capacity(dates.len());
    let mut year = Vec::with_capacity(dates.len());
    for &d in &dates {
        working.push(calendar.is_working_day(d));
        index.push(i64::from(calendar.working_day_index(d)));
        let h = calendar.reporting_half_term(d);
        half_term.push(h.map(|h| h.id()));
        year.push(h.map(|h| h.academic_year.to_string()));
    }
    frame(vec![
        date_col("date", &dates),
        col("is_working_day", working),
        col("working_day_index", index),
        col("reporting_half_term", half_term),
        col("academic_year", year),
    ])
}

impl Policy {
    /// The policy and calendar tables for the given schools (see the module doc for
    /// schemas). Every URN asked for gets rows, from its `[schools."URN"]` table or, when
    /// it has none, from `[defaults]`; the URNs are sorted and duplicates dropped.
    pub fn tables(&self, school_urns: &[String]) -> PolicyTables {
        let mut urns: Vec<&str> = school_urns.iter().map(String::as_str).collect();
        urns.sort_unstable();
        urns.dedup();
        let schools: Vec<(&str, &Settings)> = urns.iter().map(|u| (*u, self.settings(u))).collect();

        // policy_schools: each setting's columns (keys.rs), then the trust-wide ones.
        let settings: Vec<&Settings> = schools.iter().map(|(_, s)| *s).collect();
        let mut columns = vec![
            col("school_urn", urns.clone()),
            col(
                "preset",
                schools
                    .iter()
                    .map(|(_, s)| s.preset.clone())
                    .collect::<Vec<_>>(),
            ),
        ];
        columns.extend(setting_columns(&settings));
        columns.push(col(
            "suppress_below",
            vec![i64::from(self.suppress_below); schools.len()],
        ));
        let policy_schools = frame(columns);

        // policy_roles
        let (mut urn, mut role) = (Vec::new(), Vec::new());
        for (u, s) in &schools {
            for r in &s.in_scope_roles {
                urn.push(*u);
                role.push(r.as_str());
            }
        }
        let policy_roles = frame(vec![col("school_urn", urn), col("role", role)]);

        // policy_rules, policy_rule_kinds
        let (mut urn, mut name, mut per, mut min, mut gap, mut kinds) =
            (vec![], vec![], vec![], vec![], vec![], vec![]);
        let (mut planned_only, mut min_minutes) = (vec![], vec![]);
        let (mut k_urn, mut k_rule, mut k_kind) = (vec![], vec![], vec![]);
        for (u, s) in &schools {
            for rule in &s.rules {
                urn.push(*u);
                name.push(rule.name.as_str());
                per.push(rule.per.map(|p| p.as_str()));
                min.push(rule.min.map(i64::from));
                gap.push(rule.max_gap_working_days.map(i64::from));
                kinds.push(joined(&rule.kinds));
                planned_only.push(rule.planned_only);
                min_minutes.push(rule.min_minutes.map(i64::from));
                for kind in &rule.kinds {
                    k_urn.push(*u);
                    k_rule.push(rule.name.as_str());
                    k_kind.push(kind.as_str());
                }
            }
        }
        let policy_rules = frame(vec![
            col("school_urn", urn),
            col("rule", name),
            col("per", per),
            col("min", min),
            col("max_gap_working_days", gap),
            col("kinds", kinds),
            col("planned_only", planned_only),
            col("min_minutes", min_minutes),
        ]);
        let policy_rule_kinds = frame(vec![
            col("school_urn", k_urn),
            col("rule", k_rule),
            col("kind", k_kind),
        ]);

        // policy_review_days
        let (mut urn, mut category, mut days) = (vec![], vec![], vec![]);
        for (u, s) in &schools {
            for (c, d) in &s.drift.review_days {
                urn.push(*u);
                category.push(c.as_str());
                days.push(i64::from(*d));
            }
        }
        let policy_review_days = frame(vec![
            col("school_urn", urn),
            col("category", category),
            col("review_days", days),
        ]);

        // policy_weights: every category, 0 when not listed
        let (mut urn, mut category, mut weight) = (vec![], vec![], vec![]);
        for (u, s) in &schools {
            for c in CaseCategory::ALL {
                urn.push(*u);
                category.push(c.as_str());
                weight.push(s.workload.weights.get(c).copied().unwrap_or(0.0));
            }
        }
        let policy_weights = frame(vec![
            col("school_urn", urn),
            col("category", category),
            col("weight", weight),
        ]);

        PolicyTables {
            policy_schools,
            policy_roles,
            policy_rules,
            policy_rule_kinds,
            policy_review_days,
            policy_weights,
            calendar_periods: calendar_periods(&self.calendar_data),
            calendar_days: calendar_days(&self.calendar_data),
        }
    }
}
