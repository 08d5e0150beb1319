//! The governors' figures as the charts and packs read them: the cells of the governors'
//! CSV files, formatted and suppressed exactly as they are written, grouped by trust and
//! school, with the calendar columns the time charts are drawn over.
//!
//! Charts and packs read these cells, never the metric frames: whatever a governor or an
//! inspector sees is what `governors/*.csv` says, so a suppressed count stays `c` on
//! every page and no restricted figure can slip into a pack (spec 02, "Suppression in
//! outputs for governors and inspectors").

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::NaiveDate;

use super::format::unescape_spreadsheet;
use super::outputs::{Audience, OUTPUT_FILES, OutputFile};
use super::suppress::SUPPRESSED;
use crate::metrics::Metrics;
use crate::policy::{Granularity, Policy, Settings};

/// How many years before the report year the time charts go back: with the report year,
/// three years of half-terms, about as many as a printed page shows legibly.
pub const EARLIER_YEARS: usize = 2;

/// The governors' files the time charts read for earlier years.
pub const EARLIER_YEAR_FILES: [&str; 2] = ["frequency_by_school", "recording_by_school"];

/// One governors' file as written: its columns and formatted, suppressed cells.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: &'static [&'static str],
    pub rows: Vec<Row>,
}

/// One row of a governors' file.
#[derive(Debug, Clone)]
pub struct Row {
    columns: &'static [&'static str],
    cells: Vec<String>,
}

/// A cell read as a figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    Number(f64),
    /// Written as `c`: a small count of children's cases, or worked out from one.
    Suppressed,
    /// An empty cell: nothing to judge (a rate with no denominator).
    Missing,
}

impl Figure {
    /// The number, if the cell holds one.
    pub fn number(self) -> Option<f64> {
        match self {
            Figure::Number(n) => Some(n),
            _ => None,
        }
    }
}

impl Row {
    /// The cell of `column` as written in the CSV (a name keeps no spreadsheet escape).
    pub fn text(&self, column: &str) -> &str {
        let at = self
            .columns
            .iter()
            .position(|c| *c == column)
            .unwrap_or_else(|| panic!("no column {column} in {:?}", self.columns));
        &self.cells[at]
    }

    /// The cell of `column` as a figure.
    pub fn figure(&self, column: &str) -> Figure {
        match self.text(column) {
            "" => Figure::Missing,
            SUPPRESSED => Figure::Suppressed,
            text => text.parse().map_or(Figure::Missing, Figure::Number),
        }
    }

    /// A whole-number cell (counts of people, sessions and actions are never suppressed).
    pub fn count(&self, column: &str) -> u64 {
        self.figure(column).number().map_or(0, |n| n as u64)
    }

    /// A text cell from an export (a name), as the person wrote it.
    pub fn name(&self, column: &str) -> String {
        unescape_spreadsheet(self.text(column)).to_string()
    }
}

impl Table {
    /// The rows of one governors' file rendered for a report.
    pub fn new(file: &OutputFile, rendered: Vec<Vec<String>>) -> Table {
        Table {
            columns: file.columns,
            rows: rendered
                .into_iter()
                .map(|cells| Row {
                    columns: file.columns,
                    cells,
                })
                .collect(),
        }
    }

    fn for_school<'a>(&'a self, trust: &'a str, urn: &'a str) -> impl Iterator<Item = &'a Row> {
        self.rows
            .iter()
            .filter(move |r| r.text("trust_id") == trust && r.text("school_urn") == urn)
    }
}

/// A half-term the time charts show, in calendar order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HalfTermColumn {
    /// `2026/27 AU1`.
    pub id: String,
    pub starts_on: NaiveDate,
    /// Started but not ended by the as-of date: not judged yet (spec 02, "Calendar").
    pub in_progress: bool,
}

/// A period of the years shown that had started by the as-of date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownPeriod {
    /// `2026/27 AU1`, `2026/27 AU` or `2026/27`.
    pub id: String,
    pub granularity: Granularity,
    /// Ended before the as-of date, so judged (spec 02, "Calendar").
    pub complete: bool,
    /// The columns of [`Figures::half_terms`] it spans (a term two, a year six, fewer
    /// while its later half-terms have not started).
    pub columns: Range<usize>,
}

/// One school's figures and the policy they were judged against.
#[derive(Debug, Clone)]
pub struct SchoolFigures {
    pub urn: String,
    pub name: String,
    /// Its `summary.csv` row.
    pub summary: Row,
    /// Its `frequency_by_school.csv` rows, every year shown.
    pub frequency: Vec<Row>,
    /// Its `actions_by_school.csv` rows (all years: actions are not limited to one).
    pub actions: Vec<Row>,
    /// Its `drift_by_school.csv` row.
    pub drift: Option<Row>,
    /// Its `workload_dsl.csv` rows.
    pub workload: Vec<Row>,
    /// Its `recording_by_school.csv` rows, every year shown.
    pub recording: Vec<Row>,
    /// Its resolved policy settings.
    pub settings: Settings,
    /// Its rules in plain English ([`Policy::rules_in_words`]'s text, "(trust default)"
    /// after each one the school's own policy does not state).
    pub rules_in_words: Vec<String>,
}

/// One trust: its `TOTAL` row and its schools.
#[derive(Debug, Clone)]
pub struct TrustFigures {
    pub id: String,
    pub name: String,
    /// Its `summary.csv` TOTAL row.
    pub total: Row,
    pub schools: Vec<SchoolFigures>,
}

/// Everything the charts and packs show.
#[derive(Debug, Clone)]
pub struct Figures {
    pub as_of: NaiveDate,
    pub report_year: String,
    /// Case counts from 1 to this minus one are `c`.
    pub suppress_below: u32,
    /// The academic years the time charts cover, oldest first.
    pub years: Vec<String>,
    /// Earlier years left out of the time charts because the store holds no supervision
    /// session held in them (the exports do not reach back that far).
    pub years_without_sessions: Vec<String>,
    /// The half-terms of `years` that had started by the as-of date.
    pub half_terms: Vec<HalfTermColumn>,
    /// Every half-term, term and year of `years` that had started by the as-of date.
    pub periods: Vec<ShownPeriod>,
    pub trusts: Vec<TrustFigures>,
}

/// The rendered governors' tables of one report year, by file name.
pub type Rendered = BTreeMap<&'static str, Vec<Vec<String>>>;

impl Figures {
    /// Groups the governors' tables of the report year (`current`, rendered from
    /// `metrics`) and of earlier years (`earlier`, oldest first, by academic year) by
    /// trust and school.
    pub fn new(
        metrics: &Metrics,
        current: &Rendered,
        earlier: &[(String, Rendered)],
        policy: &Policy,
    ) -> Figures {
        let table = |rendered: &Rendered, name: &str| {
            let file = governors_file(name);
            Table::new(file, rendered.get(name).cloned().unwrap_or_default())
        };
        let summary = table(current, "summary");
        let drift = table(current, "drift_by_school");
        let workload = table(current, "workload_dsl");
        let actions = table(current, "actions_by_school");

        // Earlier years count when anything was held in them; the report year always does.
        let mut years = Vec::new();
        let mut years_without_sessions = Vec::new();
        let mut frequency = Vec::new();
        let mut recording = Vec::new();
        for (year, rendered) in earlier {
            let held = table(rendered, "recording_by_school");
            if held.rows.is_empty() {
                years_without_sessions.push(year.clone());
                continue;
            }
            years.push(year.clone());
            frequency.extend(table(rendered, "frequency_by_school").rows);
            recording.extend(held.rows);
        }
        years.push(metrics.params.report_year.clone());
        frequency.extend(table(current, "frequency_by_school").rows);
        recording.extend(table(current, "recording_by_school").rows);
        let frequency = Table {
            columns: governors_file("frequency_by_school").columns,
            rows: frequency,
        };
        let recording = Table {
            columns: governors_file("recording_by_school").columns,
            rows: recording,
        };

        let as_of = metrics.params.as_of;
        let calendar = policy.calendar();
        let shown_years: Vec<_> = calendar
            .years()
            .into_iter()
            .filter(|y| years.contains(&y.to_string()))
            .collect();
        let half_terms: Vec<HalfTermColumn> = calendar
            .half_terms()
            .iter()
            .filter(|h| shown_years.contains(&h.academic_year) && h.starts_on <= as_of)
            .map(|h| HalfTermColumn {
                id: h.id(),
                starts_on: h.starts_on,
                in_progress: !h.period().is_complete(as_of),
            })
            .collect();
        let mut periods = Vec::new();
        for year in &shown_years {
            for granularity in [
                Granularity::HalfTerm,
                Granularity::Term,
                Granularity::AcademicYear,
            ] {
                for period in calendar.periods(*year, granularity) {
                    let inside = |h: &HalfTermColumn| period.contains(h.starts_on);
                    let Some(first) = half_terms.iter().position(inside) else {
                        continue;
                    };
                    let count = half_terms[first..].iter().take_while(|h| inside(h)).count();
                    periods.push(ShownPeriod {
                        id: period.id.clone(),
                        granularity,
                        complete: period.is_complete(as_of),
                        columns: first..first + count,
                    });
                }
            }
        }

        let mut trusts: Vec<TrustFigures> = Vec::new();
        for row in &summary.rows {
            if row.text("school_urn") == "TOTAL" {
                continue;
            }
            let trust = row.text("trust_id");
            let urn = row.text("school_urn");
            let school = SchoolFigures {
                urn: urn.to_string(),
                name: row.name("school_name"),
                summary: row.clone(),
                frequency: frequency.for_school(trust, urn).cloned().collect(),
                actions: actions.for_school(trust, urn).cloned().collect(),
                drift: drift.for_school(trust, urn).next().cloned(),
                workload: workload.for_school(trust, urn).cloned().collect(),
                recording: recording.for_school(trust, urn).cloned().collect(),
                settings: policy.settings(urn).clone(),
                rules_in_words: policy
                    .rules_in_words(urn)
                    .into_iter()
                    .map(|s| match s.provenance.is_schools() {
                        true => s.text,
                        false => format!("{} (trust default)", s.text),
                    })
                    .collect(),
            };
            match trusts.iter_mut().find(|t| t.id == trust) {
                Some(t) => t.schools.push(school),
                None => {
                    let total = summary
                        .rows
                        .iter()
                        .find(|r| r.text("trust_id") == trust && r.text("school_urn") == "TOTAL")
                        .cloned()
                        .unwrap_or_else(|| row.clone());
                    trusts.push(TrustFigures {
                        id: trust.to_string(),
                        name: total.name("school_name"),
                        total,
                        schools: vec![school],
                    });
                }
            }
        }
        Figures {
            as_of,
            report_year: metrics.params.report_year.clone(),
            suppress_below: policy.suppress_below(),
            years,
            years_without_sessions,
            half_terms,
            periods,
            trusts,
        }
    }

    /// The shown periods of one granularity, in order.
    pub fn periods_of(&self, granularity: Granularity) -> impl Iterator<Item = &ShownPeriod> {
        self.periods
            .iter()
            .filter(move |p| p.granularity == granularity)
    }

    /// The column a judged period's figure is drawn at in a time chart: its last
    /// half-term (a term is judged when its second half ends).
    pub fn column_of(&self, period_id: &str) -> Option<usize> {
        self.periods
            .iter()
            .find(|p| p.id == period_id)
            .map(|p| p.columns.end - 1)
    }

    /// The as-of date as people write it: "23 November 2026".
    pub fn as_of_text(&self) -> String {
        self.as_of.format("%-d %B %Y").to_string()
    }

    /// What `c` stands for: "1 or 2" with the default threshold.
    pub fn suppressed_range(&self) -> String {
        match self.suppress_below {
            0..=2 => "1".to_string(),
            3 => "1 or 2".to_string(),
            n => format!("from 1 to {}", n - 1),
        }
    }
}

/// The governors' file `name`.
pub fn governors_file(name: &str) -> &'static OutputFile {
    OUTPUT_FILES
        .iter()
        .find(|f| f.audience == Audience::Governors && f.name == name)
        .unwrap_or_else(|| panic!("{name} is a governors' output"))
}

/// A period id in plain English: `2026/27 AU1` is "Autumn 1 2026/27", `2026/27 AU` the
/// "autumn term 2026/27", `2026/27` "the year 2026/27".
pub fn period_name(id: &str) -> String {
    match id.split_once(' ') {
        None => format!("the year {id}"),
        Some((year, code)) => {
            let term = match &code[..code.len().min(2)] {
                "AU" => "Autumn",
                "SP" => "Spring",
                "SU" => "Summer",
                other => other,
            };
            match &code[code.len().min(2)..] {
                "" => format!("the {} term {year}", term.to_lowercase()),
                half => format!("{term} {half} {year}"),
            }
        }
    }
}

/// A half-term id as two short lines for a chart axis: ("Autumn 1", "2026/27").
pub fn half_term_label(id: &str) -> (String, String) {
    match id.split_once(' ') {
        Some((year, _)) => {
            let name = period_name(id);
            let short = name.trim_end_matches(year).trim_end().to_string();
            (short, year.to_string())
        }
        None => (id.to_string(), String::new()),
    }
}

/// Names as a list in words: "A", "A and B", "A, B and C".
pub fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `text` with its first letter in capitals.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_ids_read_as_english() {
        assert_eq!(period_name("2026/27 AU1"), "Autumn 1 2026/27");
        assert_eq!(period_name("2025/26 SP"), "the spring term 2025/26");
        assert_eq!(period_name("2025/26"), "the year 2025/26");
        assert_eq!(join_names(&["A", "B", "C"]), "A, B and C");
        assert_eq!(
            half_term_label("2025/26 SU2"),
            ("Summer 2".to_string(), "2025/26".to_string())
        );
    }

    #[test]
    fn cells_read_as_figures() {
        let row = Row {
            columns: &["a", "b", "c", "d"],
            cells: vec!["3".into(), "c".into(), "".into(), "'-Odd name".into()],
        };
        assert_eq!(row.figure("a"), Figure::Number(3.0));
        assert_eq!(row.figure("b"), Figure::Suppressed);
        assert_eq!(row.figure("c"), Figure::Missing);
        assert_eq!(row.name("d"), "-Odd name");
    }
}
