//! Actions by class (spec 02 §3): of the actions agreed in supervision, how many were
//! done on time, done late, are overdue, or are not yet due, as stacked bars.
//!
//! For a trust, one bar per school over the actions due in the report year (the
//! `actions_*` counts of `summary.csv`); for a school, one bar per half-term the actions
//! were due in (`actions_by_school.csv`), over the years shown and the report year's
//! later half-terms. Counts of actions are not suppressed (spec 02).

use plotters::prelude::RGBColor;

use super::bars::{Bar, BarChart, Group, Value};
use super::style::{Fill, SERIES};
use super::{Chart, ChartKind, Drawing, Scope};
use crate::report::figures::{Figures, period_name};
use crate::report::published::{ActionsBySchool, Summary};
use crate::report::words::{date, fig, year};

/// The classes' legend names, in the order they stack.
const CLASSES: [&str; 4] = ["done on time", "done late", "overdue", "not yet due"];

/// Overdue stands out: hatched orange, dark enough to differ from the light fills in grey.
const OVERDUE: Fill = Fill::hatched(RGBColor(0xe8, 0x8a, 0x3c));

fn fills() -> [Fill; 4] {
    [SERIES[0], SERIES[1], OVERDUE, SERIES[5]]
}

/// A summary row's counts of the report year's actions, by class.
fn year_counts(row: &Summary) -> [u64; 4] {
    [
        row.actions_done_on_time,
        row.actions_done_late,
        row.actions_overdue,
        row.actions_not_yet_due,
    ]
}

/// A half-term's counts, by class.
fn half_term_counts(row: &ActionsBySchool) -> [u64; 4] {
    [
        row.done_on_time,
        row.done_late,
        row.overdue,
        row.not_yet_due,
    ]
}

fn bar(counts: [u64; 4]) -> Bar {
    Bar {
        parts: counts
            .iter()
            .enumerate()
            .map(|(series, n)| (Value::count(*n), series))
            .collect(),
        note: None,
        threshold: None,
    }
}

/// "1 action", "2 actions", with the count marked as a figure.
fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", fig(n), if n == 1 { one } else { many })
}

/// The verb agreeing with a count.
fn verb(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// Builds the chart for `scope`.
pub fn build(figures: &Figures, scope: Scope) -> Chart {
    let groups: Vec<Group> = match scope {
        Scope::Trust(trust) => trust
            .schools
            .iter()
            .map(|school| Group {
                label: school.name.clone(),
                detail: None,
                bars: vec![bar(year_counts(&school.summary))],
            })
            .collect(),
        Scope::School(_, school) => school
            .actions
            .iter()
            .filter_map(|row| {
                let period = row.period_id.as_ref()?;
                figures
                    .years
                    .contains(&period.year)
                    .then_some((row, period))
            })
            .map(|(row, period)| {
                let started = figures.half_terms.iter().find(|h| h.id == period.id);
                Group {
                    label: period_name(&period.id),
                    detail: match started {
                        None => Some("not started yet".to_string()),
                        Some(h) if h.in_progress => Some("in progress".to_string()),
                        Some(_) => None,
                    },
                    bars: vec![bar(half_term_counts(row))],
                }
            })
            .collect(),
    };
    let summary = match scope {
        Scope::Trust(trust) => &trust.total,
        Scope::School(_, school) => &school.summary,
    };
    let [on_time, late, overdue, not_yet_due] = year_counts(summary);
    let mut reading = vec![if summary.actions_judged + not_yet_due == 0 {
        format!(
            "No action agreed in supervision is due in {}.",
            year(figures.report_year)
        )
    } else {
        format!(
            "Of the {} due in {} so far, {} {} done on time, {} late and {} {} overdue; {} more {} not yet due.",
            plural(summary.actions_judged, "action", "actions"),
            year(figures.report_year),
            fig(on_time),
            verb(on_time, "was", "were"),
            fig(late),
            fig(overdue),
            verb(overdue, "is", "are"),
            fig(not_yet_due),
            verb(not_yet_due, "is", "are"),
        )
    }];
    let overdue_now = summary.overdue_actions;
    if overdue_now > overdue {
        reading.push(format!(
            "Counting actions due in earlier years, {} {} overdue on {}.",
            fig(overdue_now),
            verb(overdue_now, "is", "are"),
            date(figures.as_of_text())
        ));
    }
    let chart = BarChart {
        title: format!("Actions from supervision: {}", scope.name()),
        subtitle: if scope.is_trust() {
            format!(
                "Actions due in {}, by what had happened to them on {}.",
                figures.report_year,
                figures.as_of_text()
            )
        } else {
            format!(
                "Actions by the half-term they were due in, and what had happened to them on {}.",
                figures.as_of_text()
            )
        },
        value_axis: "Number of actions".to_string(),
        category_axis: if scope.is_trust() {
            "School".to_string()
        } else {
            "Half-term due".to_string()
        },
        percent: false,
        stacked: true,
        series: CLASSES
            .iter()
            .zip(fills())
            .map(|(name, fill)| (name.to_string(), fill))
            .collect(),
        series_legend: true,
        extra_legend: Vec::new(),
        groups,
        empty_message: "No actions were agreed in supervision in these years.".to_string(),
    };
    Chart {
        kind: ChartKind::ActionsByClass,
        reading,
        drawing: Drawing::Bars(chart),
    }
}
