//! Weighted caseload per DSL and deputy against the policy threshold (spec 02 §5).
//!
//! Each bar is one person's weighted caseload (`workload_dsl.csv`), with their school's
//! threshold drawn across it as a dashed tick. The caseload is `c` exactly when the
//! person's `open_cases` is (spec 02, "Disclosure control"); someone over the threshold
//! always shows theirs, and whether the person is over it is shown either way.

use super::bars::{Bar, BarChart, Group, Value, suppressed_legend};
use super::style::{SERIES, Swatch};
use super::{Chart, ChartKind, Drawing, Scope};
use crate::report::figures::{Figures, SchoolFigures};
use crate::report::format::fixed;
use crate::report::published::WorkloadDsl;
use crate::report::words::{fig, name, policy};

fn role_name(role: &str) -> &str {
    match role {
        "DDSL" => "deputy DSL",
        other => other,
    }
}

fn is_over(row: &WorkloadDsl) -> bool {
    row.over_caseload == Some(true)
}

/// Builds the chart for `scope`.
pub fn build(figures: &Figures, scope: Scope) -> Chart {
    let people: Vec<(&SchoolFigures, &WorkloadDsl)> = scope
        .schools()
        .iter()
        .flat_map(|school| school.workload.iter().map(move |row| (school, row)))
        .collect();
    let groups = people
        .iter()
        .map(|(school, row)| {
            let over = is_over(row);
            Group {
                label: format!("{} ({})", row.display_name, role_name(&row.role)),
                detail: scope.is_trust().then(|| school.name.clone()),
                bars: vec![Bar {
                    parts: vec![(Value::of(row.weighted_caseload, "none"), usize::from(over))],
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
    let threshold_marked = match thresholds.as_slice() {
        [one] => format!("the policy threshold ({})", policy(one)),
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
        reading: reading(figures, scope, &people, &threshold_marked),
        drawing: Drawing::Bars(chart),
    }
}

fn reading(
    figures: &Figures,
    scope: Scope,
    people: &[(&SchoolFigures, &WorkloadDsl)],
    threshold: &str,
) -> Vec<String> {
    if people.is_empty() {
        return vec!["No DSL or deputy DSL is listed.".to_string()];
    }
    // How many are listed and over: `summary.csv`'s counts, never counted here.
    let summary = match scope {
        Scope::Trust(trust) => &trust.total,
        Scope::School(_, school) => &school.summary,
    };
    let over: Vec<String> = people
        .iter()
        .filter(|(_, row)| is_over(row))
        .map(|(school, row)| {
            format!(
                "{}, {} at {}",
                name(&row.display_name),
                role_name(&row.role),
                name(&school.name)
            )
        })
        .collect();
    let mut sentences = vec![if over.is_empty() {
        format!(
            "None of the {} DSLs and deputies is over {threshold}.",
            fig(summary.dsls_listed)
        )
    } else {
        format!(
            "{} of the {} DSLs and deputies {} over {threshold}: {}.",
            fig(summary.dsls_over_caseload),
            fig(summary.dsls_listed),
            if summary.dsls_over_caseload == 1 {
                "is"
            } else {
                "are"
            },
            over.join("; ")
        )
    }];
    if people
        .iter()
        .any(|(_, row)| row.weighted_caseload.is_suppressed())
    {
        sentences.push(format!(
            "A caseload worked out from a count of {} cases is shown as c.",
            policy(figures.suppressed_range())
        ));
    }
    sentences
}
