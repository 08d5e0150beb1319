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
use crate::report::figures::{Figures, join_names, period_name};
use crate::report::published::{Figure, Percent, RecordingBySchool};
use crate::report::words::{date, fig, name, period, year};

/// The rates' plain-English names, in the order of their bars.
const MEASURES: [&str; 4] = [
    "recorded on time",
    "signed by both",
    "contract in date (one-to-ones)",
    "supervisor's training in date",
];

fn rate(figure: Figure<Percent>) -> Value {
    Value::of(figure, "no sessions judged")
}

/// A half-term's four rates, in [`MEASURES`] order. Without a contract rate, the chart
/// says why: the school's policy requires no contracts (issue #19: "no one-to-one
/// sessions" there misled an inspector), or it held no one-to-one session.
fn rates(row: &RecordingBySchool, contracts_required: bool) -> [Value; 4] {
    let no_contract_rate = if contracts_required {
        "no one-to-one sessions"
    } else {
        "contracts not required by its policy"
    };
    [
        rate(row.recorded_on_time_pct),
        rate(row.signed_both_pct),
        Value::of(row.contract_in_date_pct, no_contract_rate),
        rate(row.supervisor_trained_pct),
    ]
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
                    detail: Some(format!("{} sessions held", school.summary.sessions_held)),
                    bars: vec![
                        Bar::single(rate(school.summary.recorded_on_time_pct), 0),
                        Bar::single(rate(school.summary.signed_both_pct), 1),
                    ],
                })
                .collect::<Vec<_>>(),
            &MEASURES[..2],
        ),
        Scope::School(_, school) => (
            school
                .recording
                .iter()
                .filter_map(|row| row.period_id.clone().map(|id| (row, id)))
                .map(|(row, id)| {
                    let in_progress = figures
                        .half_terms
                        .iter()
                        .any(|h| h.id == id.id && h.in_progress);
                    Group {
                        label: period_name(&id.id),
                        detail: Some(format!(
                            "{} sessions held{}",
                            row.sessions_held,
                            if in_progress { " so far" } else { "" }
                        )),
                        bars: rates(row, school.settings.contracts_required)
                            .into_iter()
                            .enumerate()
                            .map(|(series, value)| Bar::single(value, series))
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
            .map(|(name, fill)| (name.to_string(), fill))
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
    let held = summary.sessions_held;
    if held == 0 {
        return vec![format!(
            "No supervision session was held{place} in {} up to {}.",
            year(figures.report_year),
            date(figures.as_of_text())
        )];
    }
    let mut sentences = vec![format!(
        "Of the {} sessions held{place} in {} so far, {}% of those judged were recorded on time and {}% were signed by both people.",
        fig(held),
        year(figures.report_year),
        fig(summary.recorded_on_time_pct),
        fig(summary.signed_both_pct)
    )];
    match scope {
        Scope::Trust(trust) => {
            let rates: Vec<(&str, Percent)> = trust
                .schools
                .iter()
                .filter_map(|s| Some((s.name.as_str(), s.summary.recorded_on_time_pct.value()?)))
                .collect();
            let lowest = rates
                .iter()
                .map(|(_, rate)| *rate)
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .filter(|rate| rate.0 < 100.0);
            if let Some(lowest) = lowest {
                let names: Vec<String> = rates
                    .iter()
                    .filter(|(_, rate)| *rate == lowest)
                    .map(|(school, _)| name(school))
                    .collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                sentences.push(format!(
                    "The lowest on-time recording was at {} ({}%).",
                    join_names(&names),
                    fig(lowest)
                ));
            }
        }
        Scope::School(_, school) => {
            let latest = school
                .recording
                .iter()
                .rev()
                .find_map(|row| Some((row.period_id.as_ref()?, row)));
            if let Some((id, row)) = latest {
                sentences.push(format!(
                    "In {}, {}% of sessions were led by a supervisor whose safeguarding training was in date.",
                    period(&id.id),
                    fig(row.supervisor_trained_pct)
                ));
            }
        }
    }
    sentences
}
