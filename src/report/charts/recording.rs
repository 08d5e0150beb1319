//! Recording quality (spec 02 §6): were sessions written up on time, signed by both
//! people, under an in-date supervision contract, and led by a trained supervisor?
//!
//! For a trust, one group per school with the two year-so-far rates of `summary.csv`
//! (recorded on time, signed by both); for a school, one group per half-term of the
//! report year with all four rates of `recording_by_school.csv`. Sessions are not
//! suppressed (spec 02).

use super::bars::{Bar, BarChart, Group, Value};
use super::style::SERIES;
use super::{Chart, ChartKind, Drawing, Scope};
use crate::report::figures::{Figures, Row, join_names, period_name};
use crate::report::format::fixed;

/// The rates, their columns and plain-English names.
const MEASURES: [(&str, &str); 4] = [
    ("recorded_on_time_pct", "recorded on time"),
    ("signed_both_pct", "signed by both"),
    ("contract_in_date_pct", "contract in date (one-to-ones)"),
    ("supervisor_trained_pct", "supervisor's training in date"),
];

fn rate(row: &Row, column: &str) -> Value {
    let missing = if column == "contract_in_date_pct" {
        "no one-to-one sessions"
    } else {
        "no sessions held"
    };
    Value::of_cell(row, column, missing)
}

/// Builds the chart for `scope`.
pub fn build(figures: &Figures, scope: Scope) -> Chart {
    let (groups, measures) = match scope {
        Scope::Trust(trust) => (
            trust
                .schools
                .iter()
                .map(|school| Group {
                    label: school.name.clone(),
                    detail: Some(format!(
                        "{} sessions held",
                        school.summary.text("sessions_held")
                    )),
                    bars: MEASURES[..2]
                        .iter()
                        .enumerate()
                        .map(|(series, (column, _))| {
                            Bar::single(rate(&school.summary, column), series)
                        })
                        .collect(),
                })
                .collect::<Vec<_>>(),
            &MEASURES[..2],
        ),
        Scope::School(_, school) => (
            school
                .recording
                .iter()
                .filter(|row| row.text("period_id").starts_with(&figures.report_year))
                .map(|row| {
                    let id = row.text("period_id");
                    let in_progress = figures
                        .half_terms
                        .iter()
                        .any(|h| h.id == id && h.in_progress);
                    Group {
                        label: period_name(id),
                        detail: Some(format!(
                            "{} sessions held{}",
                            row.text("sessions_held"),
                            if in_progress { " so far" } else { "" }
                        )),
                        bars: MEASURES
                            .iter()
                            .enumerate()
                            .map(|(series, (column, _))| Bar::single(rate(row, column), series))
                            .collect(),
                    }
                })
                .collect(),
            &MEASURES[..],
        ),
    };
    let chart = BarChart {
        title: format!("Recording quality: {}", scope.name()),
        subtitle: if scope.is_trust() {
            format!(
                "Supervision sessions held in {} up to {}: the share written up within the policy's deadline and signed by both people.",
                figures.report_year,
                figures.as_of_text()
            )
        } else {
            format!(
                "Supervision sessions held in {} up to {}, by half-term: the share meeting each recording standard.",
                figures.report_year,
                figures.as_of_text()
            )
        },
        value_axis: "Per cent of sessions".to_string(),
        category_axis: if scope.is_trust() {
            "School".to_string()
        } else {
            "Half-term".to_string()
        },
        percent: true,
        stacked: false,
        series: measures
            .iter()
            .zip(SERIES)
            .map(|((_, name), fill)| (name.to_string(), fill))
            .collect(),
        series_legend: true,
        extra_legend: Vec::new(),
        groups,
        empty_message: format!(
            "No supervision session was held in {} yet.",
            figures.report_year
        ),
    };
    Chart {
        kind: ChartKind::RecordingQuality,
        reading: reading(figures, scope),
        drawing: Drawing::Bars(chart),
    }
}

fn reading(figures: &Figures, scope: Scope) -> Vec<String> {
    let (summary, place) = match scope {
        Scope::Trust(trust) => (&trust.total, " across the trust"),
        Scope::School(_, school) => (&school.summary, ""),
    };
    let held = summary.count("sessions_held");
    if held == 0 {
        return vec![format!(
            "No supervision session was held{place} in {} up to {}.",
            figures.report_year,
            figures.as_of_text()
        )];
    }
    let mut sentences = vec![format!(
        "Of the {held} sessions held{place} in {} so far, {}% were recorded on time and {}% were signed by both people.",
        figures.report_year,
        summary.text("recorded_on_time_pct"),
        summary.text("signed_both_pct")
    )];
    match scope {
        Scope::Trust(trust) => {
            let rates: Vec<(&str, f64)> = trust
                .schools
                .iter()
                .filter_map(|s| {
                    let rate = s.summary.figure("recorded_on_time_pct").number()?;
                    Some((s.name.as_str(), rate))
                })
                .collect();
            let lowest = rates.iter().map(|(_, n)| *n).fold(100.0, f64::min);
            if lowest < 100.0 {
                let names: Vec<&str> = rates
                    .iter()
                    .filter(|(_, n)| *n == lowest)
                    .map(|(name, _)| *name)
                    .collect();
                sentences.push(format!(
                    "The lowest on-time recording was at {} ({}%).",
                    join_names(&names),
                    fixed(lowest, 1)
                ));
            }
        }
        Scope::School(_, school) => {
            let latest = school
                .recording
                .iter()
                .rfind(|row| row.text("period_id").starts_with(&figures.report_year));
            if let Some(row) = latest {
                sentences.push(format!(
                    "In {}, {}% of sessions were led by a supervisor whose safeguarding training was in date.",
                    period_name(row.text("period_id")),
                    row.text("supervisor_trained_pct")
                ));
            }
        }
    }
    sentences
}
