//! Actions by class (spec 02 §3): of the actions agreed in supervision, how many were
//! done on time, done late, are overdue, or are not yet due, as stacked bars.
//!
//! For a trust, one bar per school over the actions due in the report year (the actions
//! `summary.csv`'s on-time rate counts); for a school, one bar per half-term the actions
//! were due in, over the years shown and the report year's later half-terms. Counts of
//! actions are not suppressed (spec 02).

use plotters::prelude::RGBColor;

use super::bars::{Bar, BarChart, Group, Value};
use super::style::{Fill, SERIES};
use super::{Chart, ChartKind, Drawing, Scope};
use crate::report::figures::{Figures, Row, period_name};

/// The classes, in the order they stack, with their legend names.
const CLASSES: [(&str, &str); 4] = [
    ("done_on_time", "done on time"),
    ("done_late", "done late"),
    ("overdue", "overdue"),
    ("not_yet_due", "not yet due"),
];

/// Overdue stands out: hatched orange, dark enough to differ from the light fills in grey.
const OVERDUE: Fill = Fill::hatched(RGBColor(0xe8, 0x8a, 0x3c));

fn fills() -> [Fill; 4] {
    [SERIES[0], SERIES[1], OVERDUE, SERIES[5]]
}

/// The class counts of some rows.
fn counts<'a>(rows: impl Iterator<Item = &'a Row>) -> [u64; 4] {
    let mut sums = [0; 4];
    for row in rows {
        for (sum, (column, _)) in sums.iter_mut().zip(CLASSES) {
            *sum += row.count(column);
        }
    }
    sums
}

fn bar(counts: [u64; 4]) -> Bar {
    Bar {
        parts: counts
            .iter()
            .enumerate()
            .map(|(series, n)| (Value::Shown(*n as f64, n.to_string()), series))
            .collect(),
        note: None,
        threshold: None,
    }
}

/// "1 action", "2 actions".
fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The verb agreeing with a count.
fn verb(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// Builds the chart for `scope`.
pub fn build(figures: &Figures, scope: Scope) -> Chart {
    let in_report_year = |row: &&Row| row.text("period_id").starts_with(&figures.report_year);
    let groups: Vec<Group> = match scope {
        Scope::Trust(trust) => trust
            .schools
            .iter()
            .map(|school| Group {
                label: school.name.clone(),
                detail: None,
                bars: vec![bar(counts(school.actions.iter().filter(in_report_year)))],
            })
            .collect(),
        Scope::School(_, school) => school
            .actions
            .iter()
            .filter(|row| {
                figures
                    .years
                    .iter()
                    .any(|year| row.text("period_id").starts_with(year.as_str()))
            })
            .map(|row| {
                let id = row.text("period_id");
                let started = figures.half_terms.iter().find(|h| h.id == id);
                Group {
                    label: period_name(id),
                    detail: match started {
                        None => Some("not started yet".to_string()),
                        Some(h) if h.in_progress => Some("in progress".to_string()),
                        Some(_) => None,
                    },
                    bars: vec![bar(counts(std::iter::once(row)))],
                }
            })
            .collect(),
    };
    let schools = scope.schools();
    let [on_time, late, overdue, not_yet_due] = counts(
        schools
            .iter()
            .flat_map(|s| s.actions.iter())
            .filter(in_report_year),
    );
    let judged = on_time + late + overdue;
    let mut reading = vec![if judged + not_yet_due == 0 {
        format!(
            "No action agreed in supervision is due in {}.",
            figures.report_year
        )
    } else {
        format!(
            "Of the {} due in {} so far, {on_time} {} done on time, {late} late and {overdue} {} overdue; {not_yet_due} more {} not yet due.",
            plural(judged, "action", "actions"),
            figures.report_year,
            verb(on_time, "was", "were"),
            verb(overdue, "is", "are"),
            verb(not_yet_due, "is", "are"),
        )
    }];
    let overdue_now = match scope {
        Scope::Trust(trust) => trust.total.count("overdue_actions"),
        Scope::School(_, school) => school.summary.count("overdue_actions"),
    };
    if overdue_now > overdue {
        reading.push(format!(
            "Counting actions due in earlier years, {overdue_now} {} overdue on {}.",
            verb(overdue_now, "is", "are"),
            figures.as_of_text()
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
            .map(|((_, name), fill)| (name.to_string(), fill))
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
