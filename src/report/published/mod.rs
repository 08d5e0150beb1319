//! The published set: every figure a governor or an inspector sees, in one typed layer
//! (spec 02, "Disclosure control for governors and inspectors").
//!
//! The governors' marts (`queries/governors/*.sql`) are loaded into typed rows
//! ([`marts`]), protected once as a whole by disclosure control ([`protect`]), reading
//! what each figure declares ([`declared`]), and then only formatted (the CSV writer)
//! and drawn or worded (charts and packs). Nothing downstream parses a cell back or
//! works a figure out again: a number in a chart or a pack sentence is a field of one of
//! these rows, so it is shown or `c` exactly as in its CSV.

pub mod marts;
mod protect;

use crate::metrics::{Metrics, MetricsError, Query};
use crate::report::table::OutputTable;
pub use crate::report::table::cell::{
    Decimal, Direction, Figure, Percent, PeriodId, Rating, SUPPRESSED, ShapeError,
};
pub use marts::{
    ActionsBySchool, DriftBySchool, FrequencyBySchool, RecordingBySchool, ReschedulesBySchool,
    Since, Summary, TOTAL, Trend, WorkloadDsl,
};
pub use protect::{DisclosureError, DisclosureRecord};

/// The governors' queries the trend reads for the report's earlier years.
pub const EARLIER_YEAR_QUERIES: [Query; 1] = [Trend::QUERY];

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
    /// The headline figures beside an earlier report's (`report --since` only).
    pub since: Option<Vec<Since>>,
    /// What disclosure control suppressed, and its audit (for `manifest.json`).
    pub disclosure: DisclosureRecord,
}

/// A governors' table could not be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Metrics(#[from] MetricsError),
    #[error(transparent)]
    Shape(#[from] ShapeError),
    #[error(transparent)]
    Disclosure(#[from] DisclosureError),
}

/// The rows of one published table, whatever its type: what disclosure control and the
/// CSV writer read of it.
pub trait PublishedRows: Sync {
    /// The query's name: the CSV's stem.
    fn name(&self) -> &'static str;
    fn columns(&self) -> &'static [&'static str];
    /// What its figures declare, by column.
    fn declared(&self) -> &'static [(&'static str, crate::report::table::Declared)];
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn count(&self, row: usize, column: &str) -> Option<Figure<u64>>;
    fn truth(&self, row: usize, column: &str) -> Option<bool>;
    fn school(&self, row: usize) -> (&str, &str);
    /// Writes `c` in `column` of `row`; false when it cannot hold `c`.
    fn suppress(&mut self, row: usize, column: &str) -> bool;
    /// The CSV cells of `row`.
    fn record(&self, row: usize) -> Vec<String>;
}

impl<T: OutputTable + Sync> PublishedRows for Vec<T> {
    fn name(&self) -> &'static str {
        T::QUERY.name
    }
    fn columns(&self) -> &'static [&'static str] {
        T::COLUMNS
    }
    fn declared(&self) -> &'static [(&'static str, crate::report::table::Declared)] {
        T::DECLARED
    }
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn count(&self, row: usize, column: &str) -> Option<Figure<u64>> {
        self[row].count(column)
    }
    fn truth(&self, row: usize, column: &str) -> Option<bool> {
        self[row].truth(column)
    }
    fn school(&self, row: usize) -> (&str, &str) {
        self[row].school()
    }
    fn suppress(&mut self, row: usize, column: &str) -> bool {
        self[row].suppress(column)
    }
    fn record(&self, row: usize) -> Vec<String> {
        self[row].record()
    }
}

fn load<T: OutputTable>(metrics: &Metrics) -> Result<Vec<T>, PublishError> {
    Ok(T::load(metrics.table(&T::QUERY)?)?)
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
            since: match metrics.table(&Since::QUERY) {
                Ok(frame) => Some(Since::load(frame)?),
                Err(_) => None,
            },
            disclosure: DisclosureRecord::default(),
        };
        published.disclosure = protect::protect(&mut published, suppress_below)?;
        Ok(published)
    }

    /// Every governors' table, in the order its CSV file is written.
    pub fn tables(&self) -> Vec<&dyn PublishedRows> {
        let mut tables: Vec<&dyn PublishedRows> = vec![
            &self.frequency,
            &self.actions,
            &self.drift,
            &self.workload,
            &self.recording,
            &self.reschedules,
            &self.summary,
            &self.trend,
        ];
        if let Some(since) = &self.since {
            tables.push(since);
        }
        tables
    }

    /// [`Published::tables`], to write `c` into.
    fn tables_mut(&mut self) -> Vec<&mut dyn PublishedRows> {
        let mut tables: Vec<&mut dyn PublishedRows> = vec![
            &mut self.frequency,
            &mut self.actions,
            &mut self.drift,
            &mut self.workload,
            &mut self.recording,
            &mut self.reschedules,
            &mut self.summary,
            &mut self.trend,
        ];
        if let Some(since) = &mut self.since {
            tables.push(since);
        }
        tables
    }
}
