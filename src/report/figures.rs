//! The published figures as the charts and packs read them: the typed governors' rows
//! ([`Published`]) grouped by trust and school, with the calendar columns the time
//! charts are drawn over, and the few words every chart and pack uses.
//!
//! Charts and packs read these rows, never the metric frames, and count nothing: each
//! number they show is a field of a published row, so it is shown, or `c`, exactly as
//! its CSV file has it (spec 02, "Disclosure control"; spec 03, "Charts and packs").

use std::ops::Range;

use chrono::NaiveDate;

use super::published::{
    ActionsBySchool, DriftBySchool, FrequencyBySchool, Published, RecordingBySchool,
    ReschedulesBySchool, Summary, Trend, WorkloadDsl,
};
use crate::context::ReportRun;
use crate::policy::{AcademicYear, Granularity, Settings};

/// How many years before the report year the trend goes back: with the report year,
/// three years of half-terms, about as many as a printed page shows legibly.
pub const EARLIER_YEARS: usize = 2;

/// A half-term the time charts show, in calendar order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HalfTermColumn {
    /// `2026/27 AU1`.
    pub id: String,
    pub year: AcademicYear,
    pub starts_on: NaiveDate,
    /// Started but not ended by the as-of date: not judged yet (spec 02, "Calendar").
    pub in_progress: bool,
}

/// A period of the report year that had started by the as-of date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownPeriod {
    /// `2026/27 AU1`, `2026/27 AU` or `2026/27`.
    pub id: String,
    pub granularity: Granularity,
    /// Ended before the as-of date, so judged (spec 02, "Calendar").
    pub complete: bool,
    /// The columns of [`Figures::year_columns`] it spans, counted from the report year's
    /// first half-term (a term two, a year six, fewer while its later half-terms have
    /// not started).
    pub columns: Range<usize>,
}

/// One school's published rows and the policy they were judged against.
#[derive(Debug, Clone)]
pub struct SchoolFigures {
    pub trust_id: String,
    pub urn: String,
    pub name: String,
    /// Its `summary.csv` row.
    pub summary: Summary,
    /// Its `frequency_by_school.csv` rows (the report year).
    pub frequency: Vec<FrequencyBySchool>,
    /// Its `actions_by_school.csv` rows (all years: actions are not limited to one).
    pub actions: Vec<ActionsBySchool>,
    /// Its `drift_by_school.csv` row.
    pub drift: Option<DriftBySchool>,
    /// Its `workload_dsl.csv` rows.
    pub workload: Vec<WorkloadDsl>,
    /// Its `recording_by_school.csv` rows (the report year).
    pub recording: Vec<RecordingBySchool>,
    /// Its `reschedules_by_school.csv` rows (the report year).
    pub reschedules: Vec<ReschedulesBySchool>,
    /// Its `trend.csv` rows, every year shown.
    pub trend: Vec<Trend>,
    /// Its resolved policy settings.
    pub settings: Settings,
    /// Its rules in plain English, each with where it came from (the school's own
    /// policy, in its words where the preset quotes them, or a trust default).
    pub rules_in_words: Vec<crate::policy::RuleStatement>,
    /// Its own policy's review dates.
    pub review: crate::policy::PolicyReview,
}

/// One trust: its `TOTAL` rows and its schools.
#[derive(Debug, Clone)]
pub struct TrustFigures {
    pub id: String,
    pub name: String,
    /// Its `summary.csv` TOTAL row.
    pub total: Summary,
    /// Its `trend.csv` TOTAL rows, every year shown.
    pub trend: Vec<Trend>,
    pub schools: Vec<SchoolFigures>,
    /// Its `since.csv` TOTAL row (`report --since` only).
    pub since: Option<crate::report::published::Since>,
}

/// Everything the charts and packs show.
#[derive(Debug, Clone)]
pub struct Figures {
    pub as_of: NaiveDate,
    pub report_year: AcademicYear,
    /// Case counts from 1 to this minus one are `c`.
    pub suppress_below: u32,
    /// The academic years the trend covers, oldest first.
    pub years: Vec<AcademicYear>,
    /// Earlier years left out of the trend because no supervision session was held in
    /// them (the exports do not reach back that far).
    pub years_without_sessions: Vec<AcademicYear>,
    /// The half-terms of `years` that had started by the as-of date.
    pub half_terms: Vec<HalfTermColumn>,
    /// The report year's half-terms within `half_terms`.
    pub year_columns: Range<usize>,
    /// Every half-term, term and year of the report year that had started by the as-of
    /// date.
    pub periods: Vec<ShownPeriod>,
    pub trusts: Vec<TrustFigures>,
}

impl Figures {
    /// Groups the published rows by trust and school, with the calendar of `run`.
    pub fn new(run: &ReportRun, published: &Published) -> Figures {
        let as_of = run.params.as_of;
        let report_year = run.params.report_year;
        let calendar = run.policy.calendar();
        // An earlier year counts when a session was held in it; the report year always.
        let held_in = |year: AcademicYear| {
            published.trend.iter().any(|t| {
                t.period_id.as_ref().is_some_and(|p| p.year == year) && t.sessions_held > 0
            })
        };
        let earlier: Vec<AcademicYear> = published
            .trend
            .iter()
            .filter_map(|t| t.period_id.as_ref().map(|p| p.year))
            .filter(|year| *year < report_year)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let (mut years, years_without_sessions): (Vec<_>, Vec<_>) =
            earlier.into_iter().partition(|year| held_in(*year));
        years.push(report_year);

        let half_terms: Vec<HalfTermColumn> = calendar
            .half_terms()
            .iter()
            .filter(|h| years.contains(&h.academic_year) && h.starts_on <= as_of)
            .map(|h| HalfTermColumn {
                id: h.id(),
                year: h.academic_year,
                starts_on: h.starts_on,
                in_progress: !h.period().is_complete(as_of),
            })
            .collect();
        let first = half_terms
            .iter()
            .position(|h| h.year == report_year)
            .unwrap_or(half_terms.len());
        let year_columns = first..half_terms.len();
        let year_half_terms = &half_terms[year_columns.clone()];
        let mut periods = Vec::new();
        for granularity in [
            Granularity::HalfTerm,
            Granularity::Term,
            Granularity::AcademicYear,
        ] {
            for period in calendar.periods(report_year, granularity) {
                let inside = |h: &HalfTermColumn| period.contains(h.starts_on);
                let Some(start) = year_half_terms.iter().position(inside) else {
                    continue;
                };
                let count = year_half_terms[start..]
                    .iter()
                    .take_while(|h| inside(h))
                    .count();
                periods.push(ShownPeriod {
                    id: period.id.clone(),
                    granularity,
                    complete: period.is_complete(as_of),
                    columns: start..start + count,
                });
            }
        }

        let shown = |t: &&Trend| {
            t.period_id
                .as_ref()
                .is_some_and(|p| years.contains(&p.year))
        };
        let mut trusts: Vec<TrustFigures> = Vec::new();
        for total in published.summary.iter().filter(|r| r.is_total()) {
            let of_trust = |trust: &str| trust == total.trust_id;
            let schools = published
                .summary
                .iter()
                .filter(|r| !r.is_total() && of_trust(&r.trust_id))
                .map(|row| {
                    let here = |trust: &str, urn: &str| of_trust(trust) && urn == row.school_urn;
                    SchoolFigures {
                        trust_id: row.trust_id.clone(),
                        urn: row.school_urn.clone(),
                        name: row.school_name.clone(),
                        summary: row.clone(),
                        frequency: published
                            .frequency
                            .iter()
                            .filter(|r| here(&r.trust_id, &r.school_urn))
                            .cloned()
                            .collect(),
                        actions: published
                            .actions
                            .iter()
                            .filter(|r| here(&r.trust_id, &r.school_urn))
                            .cloned()
                            .collect(),
                        drift: published
                            .drift
                            .iter()
                            .find(|r| here(&r.trust_id, &r.school_urn))
                            .cloned(),
                        workload: published
                            .workload
                            .iter()
                            .filter(|r| here(&r.trust_id, &r.school_urn))
                            .cloned()
                            .collect(),
                        recording: published
                            .recording
                            .iter()
                            .filter(|r| here(&r.trust_id, &r.school_urn))
                            .cloned()
                            .collect(),
                        reschedules: published
                            .reschedules
                            .iter()
                            .filter(|r| here(&r.trust_id, &r.school_urn))
                            .cloned()
                            .collect(),
                        trend: published
                            .trend
                            .iter()
                            .filter(|r| here(&r.trust_id, &r.school_urn))
                            .filter(shown)
                            .cloned()
                            .collect(),
                        settings: run.policy.settings(&row.school_urn).clone(),
                        rules_in_words: run.policy.rules_in_words(&row.school_urn),
                        review: run.policy.review(&row.school_urn),
                    }
                })
                .collect();
            trusts.push(TrustFigures {
                id: total.trust_id.clone(),
                name: total.school_name.clone(),
                total: total.clone(),
                trend: published
                    .trend
                    .iter()
                    .filter(|r| of_trust(&r.trust_id) && r.school_urn == total.school_urn)
                    .filter(shown)
                    .cloned()
                    .collect(),
                schools,
                since: published.since.as_ref().and_then(|rows| {
                    rows.iter()
                        .find(|r| r.trust_id == total.trust_id && r.school_urn == total.school_urn)
                        .cloned()
                }),
            });
        }
        Figures {
            as_of,
            report_year,
            suppress_below: run.suppress_below(),
            years,
            years_without_sessions,
            half_terms,
            year_columns,
            periods,
            trusts,
        }
    }

    /// The report year's half-terms.
    pub fn year_half_terms(&self) -> &[HalfTermColumn] {
        &self.half_terms[self.year_columns.clone()]
    }

    /// The shown periods of one granularity, in order.
    pub fn periods_of(&self, granularity: Granularity) -> impl Iterator<Item = &ShownPeriod> {
        self.periods
            .iter()
            .filter(move |p| p.granularity == granularity)
    }

    /// The column of the trend a half-term's row is drawn at.
    pub fn column_of(&self, half_term: &str) -> Option<usize> {
        self.half_terms.iter().position(|h| h.id == half_term)
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
}
