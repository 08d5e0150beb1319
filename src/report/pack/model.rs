//! What a pack page shows, built from the published figures, the charts and the
//! manifest's inputs: plain data for the templates, every text still unescaped (the
//! templates escape everything they print). Every number is a published cell, marked as
//! one ([`words`](crate::report::words)); nothing here counts or works out a figure.

use serde::Serialize;

use crate::model::DriftFlag;
use crate::report::charts::{RenderedChart, path_segment};
use crate::report::figures::{Figures, SchoolFigures, TrustFigures};
use crate::report::manifest::InputRecord;
use crate::report::published::{Direction, Figure, Percent, PeriodId, Rating, SUPPRESSED, Since};
use crate::report::words::{date, fig, name, period, policy, source, year};

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
    /// The governors' summary: the schools judged against their targets.
    pub summary: SummaryTable,
    /// What needs the committee's attention, a line per school.
    pub attention: Vec<String>,
    pub charts: Vec<ChartView>,
}

/// `governors/index.html`: a link to each trust's pack and its schools' evidence packs.
#[derive(Debug, Serialize)]
pub struct IndexPage {
    pub title: String,
    pub heading: String,
    pub subtitle: String,
    pub notes: Vec<String>,
    pub trusts: Vec<IndexEntry>,
    pub tool: String,
}

/// A trust in the index: its pack as HTML and PDF (relative to `governors/`) and each
/// school's evidence pack, by name.
#[derive(Debug, Serialize)]
pub struct IndexEntry {
    pub name: String,
    pub id: String,
    pub pack: String,
    pub pack_pdf: String,
    /// Each school: its name, its evidence pack as HTML and as PDF.
    pub schools: Vec<(String, String, String)>,
}

/// One headline figure.
#[derive(Debug, Serialize)]
pub struct Headline {
    pub label: String,
    pub value: String,
    pub detail: String,
    /// The figure governors were shown in the earlier report and the direction since
    /// (`report --since`; empty without it).
    pub was: String,
}

/// "was 75.0% on 20 July 2026: up", the earlier report's figure beside this one as
/// `since.csv` has it (spec 03, "Direction of travel"); empty without `--since`.
fn was(
    since: Option<&Since>,
    pick: impl Fn(&Since) -> (&String, Figure<Direction>),
    percent: bool,
) -> String {
    let Some(row) = since else {
        return String::new();
    };
    let (before, direction) = pick(row);
    let when = chrono::NaiveDate::parse_from_str(&row.was_as_of, "%Y-%m-%d")
        .map(|d| d.format("%-d %B %Y").to_string())
        .unwrap_or_else(|_| row.was_as_of.clone());
    let shown = match before.as_str() {
        "" => return format!("nothing to show on {}", date(when)),
        SUPPRESSED => fig(before.clone()),
        _ if percent => format!("{}%", fig(before.clone())),
        _ => fig(before.clone()),
    };
    let moved = match direction {
        Figure::Value(Direction::Up) => ": up".to_string(),
        Figure::Value(Direction::Down) => ": down".to_string(),
        Figure::Value(Direction::Same) => ": no change".to_string(),
        Figure::Suppressed => format!(" ({} hides which way it moved)", fig(direction)),
        Figure::Empty => String::new(),
    };
    format!("was {shown} on {}{moved}", date(when))
}

/// One school's section.
#[derive(Debug, Serialize)]
pub struct SchoolView {
    pub name: String,
    pub urn: String,
    /// The school's URN and trust, marked for the page ("URN 140001 · North Star").
    pub meta: String,
    pub trust_id: String,
    pub trust_name: String,
    /// Its policy rules, one sentence each, with where each came from.
    pub rules: Vec<RuleView>,
    /// When the school's own policy was last reviewed and is next due, flagging an
    /// overdue review (empty when the policy file gives neither date).
    pub review: Option<String>,
    /// Its headline figures as a table.
    pub figures: TableView,
    pub charts: Vec<ChartView>,
    /// Its rows of the governors' files, for tracing figures (the evidence pack).
    pub tables: Vec<TableView>,
    /// The evidence pack's path, relative to the output folder.
    pub evidence_path: String,
}

/// One rule as a pack states it (spec 03, "Provenance of every rule"): the sentence,
/// whose rule it is ("school policy" or "trust default"), and the policy's own words
/// where the preset carries them.
#[derive(Debug, Serialize)]
pub struct RuleView {
    pub text: String,
    pub label: &'static str,
    pub quote: Option<String>,
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
fn percent(figure: Figure<Percent>, when_empty: &str) -> String {
    match figure {
        Figure::Value(_) => format!("{}%", fig(figure)),
        Figure::Suppressed => fig(figure),
        Figure::Empty => when_empty.to_string(),
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
            year(figures.report_year),
            date(figures.as_of_text())
        ),
        format!(
            "c stands for a count of {} children's cases, a figure worked out from one, or a count hidden so that the others cannot be worked out from totals; no child can be identified. A zero means none.",
            policy(figures.suppressed_range())
        ),
    ];
    if let Some(current) = figures.half_terms.iter().find(|h| h.in_progress) {
        notes.push(format!(
            "A period is judged only once it has ended. {} is still in progress: it is hatched in the charts and left out of the rates.",
            period(&current.id)
        ));
    }
    notes.push(
        "Left out on purpose: any row about a single child and every case reference. Named staff records and individual cases are in the restricted report for the trust's safeguarding lead."
            .to_string(),
    );
    match figures.years_without_sessions.as_slice() {
        [] => {}
        [one] => notes.push(format!(
            "{} is left out of the trends: the exports hold no supervision session held in it.",
            year(one)
        )),
        years => notes.push(format!(
            "{} are left out of the trends: the exports hold no supervision session held in them.",
            years.iter().map(year).collect::<Vec<_>>().join(" and ")
        )),
    }
    let quarantined: u64 = inputs.iter().map(|i| i.rows_quarantined).sum();
    if quarantined > 0 {
        notes.push(format!(
            "{} {} of the exports could not be read in (each is listed with its reason in the ingest report) and {} not counted.",
            source(quarantined),
            if quarantined == 1 { "row" } else { "rows" },
            if quarantined == 1 { "is" } else { "are" }
        ));
    }
    notes
}

/// A trust's headline figures, from its `TOTAL` row of `summary.csv`.
pub fn headlines(figures: &Figures, trust: &TrustFigures) -> Vec<Headline> {
    let total = &trust.total;
    let since = trust.since.as_ref();
    vec![
        Headline {
            label: "Supervision frequency met".to_string(),
            value: percent(total.frequency_met_pct, "not judged yet"),
            detail: format!(
                "{} of {} people due supervision in the periods ended so far",
                fig(total.frequency_met),
                fig(total.frequency_due)
            ),
            was: was(
                since,
                |r| (&r.frequency_met_pct_was, r.frequency_met_direction),
                true,
            ),
        },
        Headline {
            label: "Actions done on time".to_string(),
            value: percent(total.actions_on_time_pct, "none due yet"),
            detail: format!(
                "of the {} actions due in {} and judged; {} overdue now",
                fig(total.actions_judged),
                year(figures.report_year),
                fig(total.overdue_actions)
            ),
            was: was(
                since,
                |r| (&r.actions_on_time_pct_was, r.actions_on_time_direction),
                true,
            ),
        },
        Headline {
            label: "Drifting cases".to_string(),
            value: fig(total.drifting_cases),
            detail: format!("of {} open children's cases", fig(total.open_cases)),
            was: was(
                since,
                |r| (&r.drifting_cases_was, r.drifting_cases_direction),
                false,
            ),
        },
        Headline {
            label: "DSLs over caseload".to_string(),
            value: fig(total.dsls_over_caseload),
            detail: format!(
                "of {} DSLs and deputies, above their policy's weighted caseload",
                fig(total.dsls_listed)
            ),
            was: was(
                since,
                |r| (&r.dsls_over_caseload_was, r.dsls_over_caseload_direction),
                false,
            ),
        },
        Headline {
            label: "Sessions recorded on time".to_string(),
            value: percent(total.recorded_on_time_pct, "no sessions"),
            detail: format!(
                "of {} sessions held; {} signed by both",
                fig(total.sessions_held),
                percent(total.signed_both_pct, "none")
            ),
            was: was(
                since,
                |r| (&r.recorded_on_time_pct_was, r.recorded_on_time_direction),
                true,
            ),
        },
        Headline {
            label: "All supervision functions covered".to_string(),
            value: percent(total.functions_balanced_pct, "no one in scope"),
            detail: format!(
                "{} of the {} people due supervision, so far this year",
                fig(total.functions_balanced),
                fig(total.people_in_scope)
            ),
            was: was(
                since,
                |r| {
                    (
                        &r.functions_balanced_pct_was,
                        r.functions_balanced_direction,
                    )
                },
                true,
            ),
        },
    ]
}

/// A figure judged against a target: its text, and the judgement's word (printed with
/// it, never shown by colour alone: spec 04).
#[derive(Debug, Serialize)]
pub struct RatedCell {
    pub text: String,
    /// `green`, `amber`, `red`, or empty when the figure is not judged (`c`, empty, or
    /// not a judged figure).
    pub rating: String,
}

/// The governors' summary: one row per school with its headline figures judged against
/// its `[targets]` (spec 03, "Governors' summary"), and the trust's total unjudged.
#[derive(Debug, Serialize)]
pub struct SummaryTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<RatedCell>>,
}

fn rated(text: String, rating: Figure<Rating>) -> RatedCell {
    RatedCell {
        text,
        rating: rating
            .value()
            .map_or(String::new(), |r| r.as_str().to_string()),
    }
}

fn plain(text: String) -> RatedCell {
    RatedCell {
        text,
        rating: String::new(),
    }
}

/// The trust's schools side by side, judged (the headline columns of `summary.csv`).
pub fn summary_table(trust: &TrustFigures) -> SummaryTable {
    let row = |label: String, r: &crate::report::published::Summary| {
        vec![
            plain(label),
            rated(
                percent(r.frequency_met_pct, "not judged"),
                r.frequency_met_rating,
            ),
            rated(
                percent(r.actions_on_time_pct, "none due"),
                r.actions_on_time_rating,
            ),
            plain(fig(r.overdue_actions)),
            plain(fig(r.drifting_cases)),
            rated(fig(r.drifting_cases_per_100_open), r.drifting_rating),
            rated(fig(r.dsls_over_caseload), r.dsls_over_caseload_rating),
            rated(
                percent(r.recorded_on_time_pct, "no sessions"),
                r.recorded_on_time_rating,
            ),
        ]
    };
    let mut rows: Vec<Vec<RatedCell>> = trust
        .schools
        .iter()
        .map(|s| row(name(&s.name), &s.summary))
        .collect();
    rows.push(row("Trust total".to_string(), &trust.total));
    SummaryTable {
        columns: [
            "School",
            "Frequency met",
            "Actions on time",
            "Actions overdue",
            "Drifting cases",
            "Drifting per hundred open",
            "DSLs over caseload",
            "Recorded on time",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }
}

/// "Needs attention": one line per school with something below target or overdue,
/// saying where in the pack to look (spec 03, "Governors' summary").
pub fn attention(figures: &Figures, trust: &TrustFigures) -> Vec<String> {
    let mut lines = Vec::new();
    for school in &trust.schools {
        let s = &school.summary;
        let mut parts: Vec<String> = Vec::new();
        for (label, rating) in [
            ("frequency met", s.frequency_met_rating),
            ("actions on time", s.actions_on_time_rating),
            ("drifting cases", s.drifting_rating),
            ("DSLs over caseload", s.dsls_over_caseload_rating),
            ("recorded on time", s.recorded_on_time_rating),
        ] {
            if let Figure::Value(rating @ (Rating::Red | Rating::Amber)) = rating {
                parts.push(format!("{label} {}", rating.as_str()));
            }
        }
        if s.overdue_actions > 0 {
            parts.push(format!(
                "{} overdue",
                crate::report::words::fig_counted(
                    Figure::Value(s.overdue_actions),
                    "action",
                    "actions"
                )
            ));
        }
        if let Some(due) = school.review.due_on
            && school.review.is_overdue(figures.as_of)
        {
            parts.push(format!(
                "its policy review was due on {}",
                date(due.format("%-d %B %Y"))
            ));
        }
        if !parts.is_empty() {
            lines.push(format!(
                "{}: {}. See its section.",
                name(&school.name),
                parts.join("; ")
            ));
        }
    }
    lines
}

/// A school's headline figures with what each counts.
pub fn school_figures(figures: &Figures, school: &SchoolFigures) -> TableView {
    let s = &school.summary;
    let gap_rules = school
        .settings
        .rules
        .iter()
        .any(|r| r.max_gap_working_days.is_some());
    let as_of = date(figures.as_of_text());
    let rows = vec![
        [
            "Supervision frequency met".to_string(),
            if s.frequency_due == 0 {
                "not judged yet".to_string()
            } else {
                format!(
                    "{} of {} ({})",
                    fig(s.frequency_met),
                    fig(s.frequency_due),
                    percent(s.frequency_met_pct, "")
                )
            },
            "People due supervision in each period ended so far who had the sessions the policy requires".to_string(),
        ],
        [
            "Gaps between sessions within the limit".to_string(),
            if gap_rules {
                format!("{} of {}", fig(s.gap_met), fig(s.gap_checks))
            } else {
                "no gap rule".to_string()
            },
            "People in scope whose longest gap between sessions this year is within the policy's limit".to_string(),
        ],
        [
            "Actions done on time".to_string(),
            percent(s.actions_on_time_pct, "none due yet"),
            format!(
                "Of the {} actions agreed in supervision, due in {} and judged",
                fig(s.actions_judged),
                year(figures.report_year)
            ),
        ],
        [
            "Actions overdue".to_string(),
            fig(s.overdue_actions),
            format!("Actions not done by their due date, on {as_of}"),
        ],
        [
            "Open cases".to_string(),
            fig(s.open_cases),
            format!("Children's cases open on {as_of}"),
        ],
        [
            "Drifting cases".to_string(),
            fig(s.drifting_cases),
            "Open cases with at least one sign of drift or delay".to_string(),
        ],
        [
            "DSLs over caseload".to_string(),
            fig(s.dsls_over_caseload),
            format!(
                "Of the {} DSLs and deputies, those whose weighted caseload is above the policy threshold",
                fig(s.dsls_listed)
            ),
        ],
        [
            "Sessions held".to_string(),
            fig(s.sessions_held),
            format!(
                "Supervision sessions held in {} so far",
                year(figures.report_year)
            ),
        ],
        [
            "Recorded on time".to_string(),
            percent(s.recorded_on_time_pct, "no sessions"),
            format!(
                "Sessions written up within {} working days, of those whose deadline has passed",
                policy(school.settings.record_within_working_days)
            ),
        ],
        [
            "Rescheduled in time".to_string(),
            if s.reschedules_judged == 0 {
                "none to judge".to_string()
            } else {
                format!(
                    "{} of {} ({})",
                    fig(s.rescheduled),
                    fig(s.reschedules_judged),
                    percent(s.rescheduled_pct, "")
                )
            },
            format!(
                "Cancelled or missed sessions (per supervisee) held again within {} working days{}",
                policy(school.settings.reschedule_within_working_days),
                if school
                    .rules_in_words
                    .iter()
                    .any(|r| r.setting == "reschedule_within_working_days" && r.provenance.is_schools())
                {
                    ", the school's own rule"
                } else {
                    " (a trust default)"
                }
            ),
        ],
        [
            "Open cases nobody holds".to_string(),
            fig(s.no_owner_cases),
            format!("Open cases whose owner is not employed on {as_of}, or who have none"),
        ],
        [
            "DSL training current".to_string(),
            format!("{} of {}", fig(s.dsls_trained), fig(s.dsls_listed)),
            "DSLs and deputies whose own DSL training is within its renewal period".to_string(),
        ],
        [
            "Signed by both".to_string(),
            percent(s.signed_both_pct, "no sessions"),
            "Session records signed by the supervisor and the supervisee".to_string(),
        ],
        [
            "All functions covered".to_string(),
            percent(s.functions_balanced_pct, "no one in scope"),
            format!(
                "Of the {} people in scope, those whose sessions so far covered every function the policy requires",
                fig(s.people_in_scope)
            ),
        ],
    ];
    TableView {
        caption: format!("Figures for {}", name(&school.name)),
        columns: ["Figure", "Value", "What is counted"]
            .map(String::from)
            .to_vec(),
        numeric: vec![false, true, false],
        rows: rows.into_iter().map(|r| r.to_vec()).collect(),
    }
}

/// A period id cell, marked.
fn period_cell(id: &Option<PeriodId>) -> String {
    id.as_ref()
        .map_or_else(|| "no half-term".to_string(), |p| period(&p.id))
}

/// A table of some of a school's rows of a governors' file.
fn table(
    caption: &str,
    columns: &[&str],
    numeric_from: usize,
    rows: Vec<Vec<String>>,
) -> TableView {
    TableView {
        caption: caption.to_string(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        numeric: (0..columns.len()).map(|i| i >= numeric_from).collect(),
        rows,
    }
}

/// A true/false cell in words: "yes", "no", or empty.
fn yes_no(value: Option<bool>) -> String {
    match value {
        Some(true) => "yes".to_string(),
        Some(false) => "no".to_string(),
        None => String::new(),
    }
}

/// A school's rows of the governors' files, for the evidence pack.
pub fn school_tables(school: &SchoolFigures) -> Vec<TableView> {
    let flag_headers: Vec<String> = DriftFlag::ALL
        .iter()
        .map(|f| crate::report::figures::capitalised(f.label()))
        .collect();
    let drift_headers: Vec<&str> = ["Open", "Drifting"]
        .into_iter()
        .chain(flag_headers.iter().map(String::as_str))
        .collect();
    vec![
        table(
            "Frequency met by rule and period (governors/frequency_by_school.csv)",
            &["Rule", "Period", "Due", "Met", "Met %"],
            2,
            school
                .frequency
                .iter()
                .map(|r| {
                    vec![
                        name(&r.rule),
                        period_cell(&r.period_id),
                        fig(r.due),
                        fig(r.met),
                        fig(r.met_pct),
                    ]
                })
                .collect(),
        ),
        table(
            "Actions by the half-term they were due (governors/actions_by_school.csv)",
            &[
                "Half-term",
                "On time",
                "Late",
                "Overdue",
                "Not yet due",
                "On time %",
            ],
            1,
            school
                .actions
                .iter()
                .map(|r| {
                    vec![
                        period_cell(&r.period_id),
                        fig(r.done_on_time),
                        fig(r.done_late),
                        fig(r.overdue),
                        fig(r.not_yet_due),
                        fig(r.on_time_pct),
                    ]
                })
                .collect(),
        ),
        table(
            "Open cases by sign of drift (governors/drift_by_school.csv)",
            &drift_headers,
            0,
            school
                .drift
                .iter()
                .map(|r| {
                    [fig(r.open_cases), fig(r.drifting)]
                        .into_iter()
                        .chain(DriftFlag::ALL.iter().map(|&f| fig(r.flag(f))))
                        .collect()
                })
                .collect(),
        ),
        table(
            "DSL and deputy workload (governors/workload_dsl.csv)",
            &[
                "Name",
                "Role",
                "DSL training",
                "Open cases",
                "Weighted caseload",
                "Over limit",
                "Actions open",
                "Actions overdue",
                "Sessions received / given",
                "Cases per hour",
            ],
            3,
            school
                .workload
                .iter()
                .map(|r| {
                    let training = match (r.dsl_training_current, r.dsl_training_due_on) {
                        (Some(true), Some(due)) => {
                            format!("current, due {}", date(due.format("%-d %b %Y")))
                        }
                        (Some(false), Some(due)) => {
                            format!("lapsed {}", date(due.format("%-d %b %Y")))
                        }
                        (Some(false), None) => "none recorded".to_string(),
                        _ => String::new(),
                    };
                    vec![
                        name(&r.display_name),
                        crate::model::Role::parse(&r.role)
                            .map_or_else(|| name(&r.role), |role| role.label().to_string()),
                        training,
                        fig(r.open_cases),
                        fig(r.weighted_caseload),
                        yes_no(r.over_caseload),
                        fig(r.open_actions),
                        fig(r.overdue_actions),
                        format!("{} / {}", fig(r.sessions_received), fig(r.sessions_given)),
                        fig(r.cases_per_hour),
                    ]
                })
                .collect(),
        ),
        table(
            "Recording quality by half-term (governors/recording_by_school.csv)",
            &[
                "Half-term",
                "Held",
                "Recorded on time %",
                "Signed by both %",
                "Contract in date %",
                "Supervisor trained %",
                "Long enough %",
            ],
            1,
            school
                .recording
                .iter()
                .map(|r| {
                    vec![
                        period_cell(&r.period_id),
                        fig(r.sessions_held),
                        fig(r.recorded_on_time_pct),
                        fig(r.signed_both_pct),
                        fig(r.contract_in_date_pct),
                        fig(r.supervisor_trained_pct),
                        fig(r.long_enough_pct),
                    ]
                })
                .collect(),
        ),
        table(
            "Cancelled or missed sessions rescheduled in time, by half-term (governors/reschedules_by_school.csv)",
            &[
                "Half-term",
                "Judged",
                "Rescheduled",
                "Not rescheduled",
                "Rescheduled %",
            ],
            1,
            school
                .reschedules
                .iter()
                .map(|r| {
                    vec![
                        period_cell(&r.period_id),
                        fig(r.judged),
                        fig(r.rescheduled),
                        fig(r.not_rescheduled),
                        fig(r.rescheduled_pct),
                    ]
                })
                .collect(),
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
        meta: format!("URN {} · {}", name(&school.urn), name(&trust.name)),
        trust_id: trust.id.clone(),
        trust_name: trust.name.clone(),
        rules: school
            .rules_in_words
            .iter()
            .map(|rule| RuleView {
                text: policy(&rule.text),
                label: rule.provenance.label(),
                quote: rule.provenance.quote().map(policy),
            })
            .collect(),
        review: review_line(figures, &school.review),
        figures: school_figures(figures, school),
        charts: charts.iter().map(ChartView::new).collect(),
        tables: if with_tables {
            school_tables(school)
        } else {
            Vec::new()
        },
        evidence_path: evidence_path(&trust.id, &school.urn),
    }
}

/// "Policy last reviewed on 1 June 2025; next review due 30 June 2026 (overdue)".
fn review_line(figures: &Figures, review: &crate::policy::PolicyReview) -> Option<String> {
    let day = |d: chrono::NaiveDate| date(d.format("%-d %B %Y"));
    let last = review
        .reviewed_on
        .map(|d| format!("last reviewed on {}", day(d)));
    let next = review.due_on.map(|d| {
        if review.is_overdue(figures.as_of) {
            format!(
                "its review was due on {}: OVERDUE on {}",
                day(d),
                date(figures.as_of_text())
            )
        } else {
            format!("next review due on {}", day(d))
        }
    });
    match (last, next) {
        (None, None) => None,
        (Some(one), None) | (None, Some(one)) => Some(format!("The school's policy: {one}.")),
        (Some(last), Some(next)) => Some(format!("The school's policy: {last}; {next}.")),
    }
}

/// Where a school's evidence pack is written, relative to the output folder: under its
/// trust, since a school that moves trust has a history in each (spec 03).
pub fn evidence_path(trust_id: &str, urn: &str) -> String {
    format!(
        "schools/{}/{}/evidence.html",
        path_segment(trust_id),
        path_segment(urn)
    )
}
