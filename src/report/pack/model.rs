//! What a pack page shows, built from the governors' figures, the charts and the
//! manifest's inputs: plain data for the templates, every text still unescaped (the
//! templates escape everything they print).

use serde::Serialize;

use crate::report::charts::{RenderedChart, path_segment};
use crate::report::figures::{Figure, Figures, Row, SchoolFigures, TrustFigures, period_name};
use crate::report::manifest::InputRecord;

/// A whole pack: the governors' pack or one school's evidence pack.
#[derive(Debug, Serialize)]
pub struct Page {
    /// The document title.
    pub title: String,
    /// The main heading.
    pub heading: String,
    /// The line under it: the report year and the as-of date.
    pub subtitle: String,
    /// "How to read this pack": what `c` means, what is in progress, what is left out.
    pub notes: Vec<String>,
    /// The trusts' headline figures and charts (the governors' pack).
    pub trusts: Vec<TrustView>,
    pub schools: Vec<SchoolView>,
    /// The inputs the figures were made from (the evidence pack).
    pub sources: Option<Sources>,
    /// `oversight 0.1.0`.
    pub tool: String,
}

/// A trust's headline figures, its schools at a glance and its charts.
#[derive(Debug, Serialize)]
pub struct TrustView {
    pub name: String,
    pub id: String,
    pub headlines: Vec<Headline>,
    pub glance: TableView,
    pub charts: Vec<ChartView>,
}

/// One headline figure.
#[derive(Debug, Serialize)]
pub struct Headline {
    pub label: String,
    pub value: String,
    pub detail: String,
}

/// One school's section.
#[derive(Debug, Serialize)]
pub struct SchoolView {
    pub name: String,
    pub urn: String,
    pub trust_id: String,
    pub trust_name: String,
    /// Its policy rules, one sentence each.
    pub rules: Vec<String>,
    /// Its headline figures as a table.
    pub figures: TableView,
    pub charts: Vec<ChartView>,
    /// Its rows of the governors' files, for tracing figures (the evidence pack).
    pub tables: Vec<TableView>,
    /// The evidence pack's path, relative to the output folder.
    pub evidence_path: String,
}

/// A chart as the pack shows it.
#[derive(Debug, Serialize)]
pub struct ChartView {
    pub title: String,
    /// The SVG, without its XML namespace (inline SVG in HTML needs none, and the pack
    /// names no address at all).
    pub svg: String,
    pub reading: Vec<String>,
}

/// A table: a caption, its header and its rows of text; `numeric` columns align right.
#[derive(Debug, Serialize)]
pub struct TableView {
    pub caption: String,
    pub columns: Vec<String>,
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
}

/// Where the figures came from: the evidence pack's closing section.
#[derive(Debug, Serialize)]
pub struct Sources {
    pub version: String,
    pub as_of: String,
    pub report_year: String,
    pub policy_file: String,
    pub policy_sha256: String,
    pub inputs: Vec<InputRecord>,
    /// The governors' files the figures are printed from, with their SHA-256.
    pub files: Vec<(String, String)>,
}

/// "66.7%", or `when_empty` for an empty rate; `c` stays `c`.
fn percent(row: &Row, column: &str, when_empty: &str) -> String {
    match row.figure(column) {
        Figure::Number(_) => format!("{}%", row.text(column)),
        Figure::Suppressed => "c".to_string(),
        Figure::Missing => when_empty.to_string(),
    }
}

impl ChartView {
    pub fn new(chart: &RenderedChart) -> ChartView {
        ChartView {
            title: chart.title.clone(),
            svg: chart
                .svg
                .replacen(r#" xmlns="http://www.w3.org/2000/svg""#, "", 1),
            reading: chart.reading.clone(),
        }
    }
}

/// The notes every pack opens with.
pub fn notes(figures: &Figures, inputs: &[InputRecord]) -> Vec<String> {
    let mut notes = vec![
        format!(
            "Figures are for the report year {} as of {}: nothing recorded after that date is counted.",
            figures.report_year,
            figures.as_of_text()
        ),
        format!(
            "c stands for a count of {} children's cases, or a figure worked out from one, left out so that no child can be identified. 0 means none.",
            figures.suppressed_range()
        ),
    ];
    if let Some(current) = figures.half_terms.iter().find(|h| h.in_progress) {
        notes.push(format!(
            "A period is judged only once it has ended. {} is still in progress: it is hatched in the charts and left out of the rates.",
            period_name(&current.id)
        ));
    }
    notes.push(
        "Left out on purpose: any row about a single child and every case reference. Named staff records and individual cases are in the restricted report for the trust's safeguarding lead."
            .to_string(),
    );
    match figures.years_without_sessions.as_slice() {
        [] => {}
        [year] => notes.push(format!(
            "{year} is left out of the trends: the exports hold no supervision session held in it."
        )),
        years => notes.push(format!(
            "{} are left out of the trends: the exports hold no supervision session held in them.",
            years.join(" and ")
        )),
    }
    let quarantined: u64 = inputs.iter().map(|i| i.rows_quarantined).sum();
    if quarantined > 0 {
        notes.push(format!(
            "{quarantined} {} of the exports could not be read in (each is listed with its reason in the ingest report) and {} not counted.",
            if quarantined == 1 { "row" } else { "rows" },
            if quarantined == 1 { "is" } else { "are" }
        ));
    }
    notes
}

/// A trust's headline figures, from its `TOTAL` row.
pub fn headlines(figures: &Figures, trust: &TrustFigures) -> Vec<Headline> {
    let total = &trust.total;
    vec![
        Headline {
            label: "Supervision frequency met".to_string(),
            value: percent(total, "frequency_met_pct", "not judged yet"),
            detail: format!(
                "{} of {} people due supervision in the periods ended so far",
                total.text("frequency_met"),
                total.text("frequency_due")
            ),
        },
        Headline {
            label: "Actions done on time".to_string(),
            value: percent(total, "actions_on_time_pct", "none due yet"),
            detail: format!(
                "of the actions due in {}; {} overdue now",
                figures.report_year,
                total.text("overdue_actions")
            ),
        },
        Headline {
            label: "Drifting cases".to_string(),
            value: total.text("drifting_cases").to_string(),
            detail: format!("of {} open children's cases", total.text("open_cases")),
        },
        Headline {
            label: "DSLs over caseload".to_string(),
            value: total.text("dsls_over_caseload").to_string(),
            detail: "DSLs and deputies above their policy's weighted caseload".to_string(),
        },
        Headline {
            label: "Sessions recorded on time".to_string(),
            value: percent(total, "recorded_on_time_pct", "no sessions"),
            detail: format!(
                "of {} sessions held; {} signed by both",
                total.text("sessions_held"),
                percent(total, "signed_both_pct", "none")
            ),
        },
        Headline {
            label: "All supervision functions covered".to_string(),
            value: percent(total, "functions_balanced_pct", "no one in scope"),
            detail: "of the people due supervision, so far this year".to_string(),
        },
    ]
}

/// The trust's schools side by side (the headline columns of `summary.csv`).
pub fn glance(trust: &TrustFigures) -> TableView {
    let row = |name: &str, r: &Row| {
        vec![
            name.to_string(),
            percent(r, "frequency_met_pct", "not judged"),
            percent(r, "actions_on_time_pct", "none due"),
            r.text("overdue_actions").to_string(),
            r.text("drifting_cases").to_string(),
            r.text("dsls_over_caseload").to_string(),
            percent(r, "recorded_on_time_pct", "no sessions"),
        ]
    };
    let mut rows: Vec<Vec<String>> = trust
        .schools
        .iter()
        .map(|s| row(&s.name, &s.summary))
        .collect();
    rows.push(row("Trust total", &trust.total));
    TableView {
        caption: "Schools at a glance".to_string(),
        columns: [
            "School",
            "Frequency met",
            "Actions on time",
            "Actions overdue",
            "Drifting cases",
            "DSLs over caseload",
            "Recorded on time",
        ]
        .map(String::from)
        .to_vec(),
        numeric: vec![false, true, true, true, true, true, true],
        rows,
    }
}

/// A school's headline figures with what each counts.
pub fn school_figures(figures: &Figures, school: &SchoolFigures) -> TableView {
    let s = &school.summary;
    let gap_rules = school
        .settings
        .rules
        .iter()
        .any(|r| r.max_gap_working_days.is_some());
    let rows = vec![
        [
            "Supervision frequency met".to_string(),
            if s.count("frequency_due") == 0 {
                "not judged yet".to_string()
            } else {
                format!(
                    "{} of {} ({})",
                    s.text("frequency_met"),
                    s.text("frequency_due"),
                    percent(s, "frequency_met_pct", "")
                )
            },
            "People due supervision in each period ended so far who had the sessions the policy requires".to_string(),
        ],
        [
            "Gaps between sessions within the limit".to_string(),
            if gap_rules {
                format!("{} of {}", s.text("gap_met"), s.text("gap_checks"))
            } else {
                "no gap rule".to_string()
            },
            "People in scope whose longest gap between sessions this year is within the policy's limit".to_string(),
        ],
        [
            "Actions done on time".to_string(),
            percent(s, "actions_on_time_pct", "none due yet"),
            format!("Actions agreed in supervision and due in {}", figures.report_year),
        ],
        [
            "Actions overdue".to_string(),
            s.text("overdue_actions").to_string(),
            format!("Actions not done by their due date, on {}", figures.as_of_text()),
        ],
        [
            "Open cases".to_string(),
            s.text("open_cases").to_string(),
            format!("Children's cases open on {}", figures.as_of_text()),
        ],
        [
            "Drifting cases".to_string(),
            s.text("drifting_cases").to_string(),
            "Open cases with at least one sign of drift or delay".to_string(),
        ],
        [
            "DSLs over caseload".to_string(),
            s.text("dsls_over_caseload").to_string(),
            "DSLs and deputies whose weighted caseload is above the policy threshold".to_string(),
        ],
        [
            "Sessions held".to_string(),
            s.text("sessions_held").to_string(),
            format!("Supervision sessions held in {} so far", figures.report_year),
        ],
        [
            "Recorded on time".to_string(),
            percent(s, "recorded_on_time_pct", "no sessions"),
            format!(
                "Sessions written up within {} working days",
                school.settings.record_within_working_days
            ),
        ],
        [
            "Signed by both".to_string(),
            percent(s, "signed_both_pct", "no sessions"),
            "Session records signed by the supervisor and the supervisee".to_string(),
        ],
        [
            "All functions covered".to_string(),
            percent(s, "functions_balanced_pct", "no one in scope"),
            "People in scope whose sessions so far covered every function the policy requires"
                .to_string(),
        ],
    ];
    TableView {
        caption: format!("Figures for {}", school.name),
        columns: ["Figure", "Value", "What is counted"]
            .map(String::from)
            .to_vec(),
        numeric: vec![false, true, false],
        rows: rows.into_iter().map(|r| r.to_vec()).collect(),
    }
}

/// A school's rows of the governors' files, for the evidence pack.
pub fn school_tables(figures: &Figures, school: &SchoolFigures) -> Vec<TableView> {
    let table =
        |caption: &str, columns: &[(&str, &str)], rows: &[Row], numeric_from: usize| TableView {
            caption: caption.to_string(),
            columns: columns.iter().map(|(_, name)| name.to_string()).collect(),
            numeric: (0..columns.len()).map(|i| i >= numeric_from).collect(),
            rows: rows
                .iter()
                .map(|r| {
                    columns
                        .iter()
                        .map(|(column, _)| match *column {
                            "period_id" => period_name(r.text(column)),
                            "display_name" => r.name(column),
                            _ => r.text(column).to_string(),
                        })
                        .collect()
                })
                .collect(),
        };
    let this_year = |rows: &[Row]| -> Vec<Row> {
        rows.iter()
            .filter(|r| r.text("period_id").starts_with(&figures.report_year))
            .cloned()
            .collect()
    };
    vec![
        table(
            "Frequency met by rule and period (governors/frequency_by_school.csv)",
            &[
                ("rule", "Rule"),
                ("period_id", "Period"),
                ("due", "Due"),
                ("met", "Met"),
                ("met_pct", "Met %"),
            ],
            &school.frequency,
            2,
        ),
        table(
            "Actions by the half-term they were due (governors/actions_by_school.csv)",
            &[
                ("period_id", "Half-term"),
                ("done_on_time", "On time"),
                ("done_late", "Late"),
                ("overdue", "Overdue"),
                ("not_yet_due", "Not yet due"),
                ("on_time_pct", "On time %"),
            ],
            &school.actions,
            1,
        ),
        table(
            "Open cases by sign of drift (governors/drift_by_school.csv)",
            &[
                ("open_cases", "Open"),
                ("drifting", "Drifting"),
                ("overdue_action", "Action overdue"),
                ("not_reviewed", "Not reviewed"),
                ("no_progress", "No progress"),
                ("escalated_stale", "Escalation stale"),
                ("carried_over", "Carried over"),
            ],
            school.drift.as_slice(),
            0,
        ),
        table(
            "DSL and deputy workload (governors/workload_dsl.csv)",
            &[
                ("display_name", "Name"),
                ("role", "Role"),
                ("weighted_caseload", "Weighted caseload"),
                ("over_caseload", "Over threshold"),
                ("open_actions", "Open actions"),
                ("overdue_actions", "Overdue actions"),
                ("sessions_received", "Sessions received"),
                ("sessions_given", "Sessions given"),
                ("cases_per_hour", "Cases per hour"),
            ],
            &school.workload,
            2,
        ),
        table(
            "Recording quality by half-term (governors/recording_by_school.csv)",
            &[
                ("period_id", "Half-term"),
                ("sessions_held", "Held"),
                ("recorded_on_time_pct", "Recorded on time %"),
                ("signed_both_pct", "Signed by both %"),
                ("contract_in_date_pct", "Contract in date %"),
                ("supervisor_trained_pct", "Supervisor trained %"),
            ],
            &this_year(&school.recording),
            1,
        ),
    ]
}

/// A school's section.
pub fn school_view(
    figures: &Figures,
    trust: &TrustFigures,
    school: &SchoolFigures,
    charts: &[RenderedChart],
    with_tables: bool,
) -> SchoolView {
    SchoolView {
        name: school.name.clone(),
        urn: school.urn.clone(),
        trust_id: trust.id.clone(),
        trust_name: trust.name.clone(),
        rules: school.rules_in_words.clone(),
        figures: school_figures(figures, school),
        charts: charts.iter().map(ChartView::new).collect(),
        tables: if with_tables {
            school_tables(figures, school)
        } else {
            Vec::new()
        },
        evidence_path: evidence_path(&school.urn),
    }
}

/// Where a school's evidence pack is written, relative to the output folder.
pub fn evidence_path(urn: &str) -> String {
    format!("schools/{}/evidence.html", path_segment(urn))
}
