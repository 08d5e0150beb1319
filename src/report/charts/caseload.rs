//! Weighted caseload per DSL and deputy against the policy threshold (spec 02 §5).
//!
//! Each bar is one person's weighted caseload, with their school's threshold drawn
//! across it as a dashed tick. The caseload is worked out from counts of children's
//! cases, so it is `c` whenever one of those counts is (docs/decisions.md); whether the
//! person is over the threshold is still shown, as governors' `workload_dsl.csv` does.

use super::bars::{Bar, BarChart, Group, Value, suppressed_legend};
use super::style::{SERIES, Swatch};
use super::{Chart, ChartKind, Drawing, Scope};
use crate::report::figures::{Figure, Figures, Row, SchoolFigures};
use crate::report::format::fixed;

fn role_name(role: &str) -> &str {
    match role {
        "DDSL" => "deputy DSL",
        other => other,
    }
}

fn is_over(row: &Row) -> bool {
    row.text("over_caseload") == "true"
}

/// Builds the chart for `scope`.
pub fn build(figures: &Figures, scope: Scope) -> Chart {
    let people: Vec<(&SchoolFigures, &Row)> = scope
        .schools()
        .iter()
        .flat_map(|school| school.workload.iter().map(move |row| (school, row)))
        .collect();
    let groups = people
        .iter()
        .map(|(school, row)| {
            let over = is_over(row);
            Group {
                label: format!(
                    "{} ({})",
                    row.name("display_name"),
                    role_name(row.text("role"))
                ),
                detail: scope.is_trust().then(|| school.name.clone()),
                bars: vec![Bar {
                    parts: vec![(
                        Value::of_cell(row, "weighted_caseload", "none"),
                        usize::from(over),
                    )],
                    note: over.then(|| "over the threshold".to_string()),
                    threshold: Some(school.settings.workload.max_weighted_caseload),
                }],
            }
        })
        .collect();
    let thresholds: Vec<String> = {
        let mut t: Vec<String> = scope
            .schools()
            .iter()
            .map(|s| fixed(s.settings.workload.max_weighted_caseload, 0))
            .collect();
        t.dedup();
        t
    };
    let threshold_words = match thresholds.as_slice() {
        [one] => format!("the policy threshold ({one})"),
        _ => "their school's threshold".to_string(),
    };
    let chart = BarChart {
        title: format!("Caseload of DSLs and deputies: {}", scope.name()),
        subtitle: format!(
            "Open cases each person owns on {}, each weighted by its category as the policy sets, against {threshold_words}.",
            figures.as_of_text()
        ),
        value_axis: "Weighted caseload".to_string(),
        category_axis: "DSL or deputy".to_string(),
        percent: false,
        stacked: false,
        series: vec![
            ("within the threshold".to_string(), SERIES[1]),
            ("over the threshold".to_string(), SERIES[0]),
        ],
        series_legend: true,
        extra_legend: vec![
            ("policy threshold".to_string(), Swatch::Threshold),
            suppressed_legend(figures),
        ],
        groups,
        empty_message: "No DSL or deputy DSL is listed.".to_string(),
    };
    Chart {
        kind: ChartKind::Caseload,
        reading: reading(figures, &people, &threshold_words),
        drawing: Drawing::Bars(chart),
    }
}

fn reading(figures: &Figures, people: &[(&SchoolFigures, &Row)], threshold: &str) -> Vec<String> {
    if people.is_empty() {
        return vec!["No DSL or deputy DSL is listed.".to_string()];
    }
    let over: Vec<String> = people
        .iter()
        .filter(|(_, row)| is_over(row))
        .map(|(school, row)| {
            format!(
                "{}, {} at {}",
                row.name("display_name"),
                role_name(row.text("role")),
                school.name
            )
        })
        .collect();
    let mut sentences = vec![match over.as_slice() {
        [] => format!(
            "None of the {} DSLs and deputies is over {threshold}.",
            people.len()
        ),
        names => format!(
            "{} of the {} DSLs and deputies {} over {threshold}: {}.",
            names.len(),
            people.len(),
            if names.len() == 1 { "is" } else { "are" },
            names.join("; ")
        ),
    }];
    if people
        .iter()
        .any(|(_, row)| row.figure("weighted_caseload") == Figure::Suppressed)
    {
        sentences.push(format!(
            "A caseload worked out from a count of {} cases is shown as c.",
            figures.suppressed_range()
        ));
    }
    sentences
}
