//! The published set: every figure a governor or an inspector sees, in one typed layer
//! (spec 02, "Disclosure control for governors and inspectors").
//!
//! The governors' marts (`queries/governors/*.sql`) are loaded into typed rows
//! ([`marts`]), protected once as a whole by disclosure control ([`protect`]), and then
//! only formatted (the CSV writer) and drawn or worded (charts and packs). Nothing
//! downstream parses a cell back or works a figure out again: a number in a chart or a
//! pack sentence is a field of one of these rows, so it is shown or `c` exactly as in
//! its CSV.

pub mod cell;
pub mod marts;
mod protect;

use crate::metrics::Metrics;
pub use cell::{Decimal, Figure, Percent, PeriodId, SUPPRESSED, ShapeError};
pub use marts::{
    ActionsBySchool, DriftBySchool, FrequencyBySchool, Mart, RecordingBySchool,
    ReschedulesBySchool, Summary, TOTAL, Trend, WorkloadDsl,
};
pub use protect::{DisclosureError, DisclosureRecord};

/// The governors' files the trend reads for the report's earlier years.
pub const EARLIER_YEAR_FILES: [&str; 1] = [Trend::NAME];

/// Every governors' table of a report, protected.
#[derive(Debug, Clone)]
pub struct Published {
    pub frequency: Vec<FrequencyBySchool>,
    pub actions: Vec<ActionsBySchool>,
    pub drift: Vec<DriftBySchool>,
    pub workload: Vec<WorkloadDsl>,
    pub recording: Vec<RecordingBySchool>,
    pub reschedules: Vec<ReschedulesBySchool>,
    pub summary: Vec<Summary>,
    /// The report year's half-terms and those of the earlier years shown, in order.
    pub trend: Vec<Trend>,
    /// What disclosure control suppressed, and its audit (for `manifest.json`).
    pub disclosure: DisclosureRecord,
}

/// A governors' table could not be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Shape(#[from] ShapeError),
    #[error(transparent)]
    Disclosure(#[from] DisclosureError),
}

/// One governors' CSV file: its stem, header and rows of cells.
pub struct CsvTable {
    pub name: &'static str,
    pub columns: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
}

fn load<M: Mart>(metrics: &Metrics) -> Result<Vec<M>, ShapeError> {
    M::load(metrics.table(M::NAME))
}

fn csv<M: Mart>(rows: &[M]) -> CsvTable {
    CsvTable {
        name: M::NAME,
        columns: M::COLUMNS,
        rows: rows.iter().map(Mart::record).collect(),
    }
}

impl Published {
    /// Loads the governors' marts of the report year (`metrics`) and the trend of the
    /// earlier years (`earlier`, oldest first), then protects them as one set with
    /// `suppress_below`. Fails, before anything is written, when a mart does not have
    /// the shape its table declares or when a suppressed cell would still be pinned.
    pub fn build(
        metrics: &Metrics,
        earlier: &[Metrics],
        suppress_below: u32,
    ) -> Result<Published, PublishError> {
        let mut trend = Vec::new();
        for year in earlier {
            trend.extend(load::<Trend>(year)?);
        }
        trend.extend(load::<Trend>(metrics)?);
        // Year by year the rows come in year order; the file is sorted like every other,
        // by its leading keys (a half-term id sorts in calendar order within a year).
        trend.sort_by(|a, b| {
            (&a.trust_id, &a.school_urn, &a.period_id).cmp(&(
                &b.trust_id,
                &b.school_urn,
                &b.period_id,
            ))
        });
        let mut published = Published {
            frequency: load(metrics)?,
            actions: load(metrics)?,
            drift: load(metrics)?,
            workload: load(metrics)?,
            recording: load(metrics)?,
            reschedules: load(metrics)?,
            summary: load(metrics)?,
            trend,
            disclosure: DisclosureRecord::default(),
        };
        published.disclosure = protect::protect(&mut published, suppress_below)?;
        Ok(published)
    }

    /// The governors' CSV files, in the order they are written.
    pub fn csv_tables(&self) -> Vec<CsvTable> {
        vec![
            csv(&self.frequency),
            csv(&self.actions),
            csv(&self.drift),
            csv(&self.workload),
            csv(&self.recording),
            csv(&self.reschedules),
            csv(&self.summary),
            csv(&self.trend),
        ]
    }
}
