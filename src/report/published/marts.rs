//! The governors' tables, typed: one struct per `queries/governors/*.sql` mart, its
//! fields the file's columns in order (spec 03, "governors/").
//!
//! Each struct is declared once, here; the CSV header, the reading of the query's result
//! and the writing of a row all come from that one declaration. A column the query no
//! longer gives, or gives with another type, is a load-time error naming the query
//! ([`ShapeError`]); a chart or pack that names a field the table does not have does not
//! compile.

use chrono::NaiveDate;
use polars::prelude::DataFrame;

use super::cell::{ColumnValue, Decimal, Figure, Percent, PeriodId, ShapeError};

/// A published table: the typed rows of one governors' mart.
pub trait Mart: Sized {
    /// The query's name, its file stem under `queries/governors/`, and the CSV's stem.
    const NAME: &'static str;
    /// The CSV columns, in order.
    const COLUMNS: &'static [&'static str];
    /// The rows of the query's result.
    fn load(frame: &DataFrame) -> Result<Vec<Self>, ShapeError>;
    /// The row's CSV cells, in [`Mart::COLUMNS`] order.
    fn record(&self) -> Vec<String>;
}

macro_rules! marts {
    ($(
        $(#[$doc:meta])*
        $mart:ident = $name:literal {
            $( $(#[$field_doc:meta])* $field:ident : $type:ty ),* $(,)?
        }
    )*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $mart {
            $( $(#[$field_doc])* pub $field: $type, )*
        }

        impl Mart for $mart {
            const NAME: &'static str = $name;
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];

            fn load(frame: &DataFrame) -> Result<Vec<Self>, ShapeError> {
                $( let mut $field = <$type as ColumnValue>::read(frame, $name, stringify!($field))?.into_iter(); )*
                let mut rows = Vec::with_capacity(frame.height());
                // Every column of a frame has the frame's height.
                while let ($(Some($field),)*) = ($($field.next(),)*) {
                    rows.push($mart { $($field,)* });
                }
                Ok(rows)
            }

            fn record(&self) -> Vec<String> {
                vec![$( ColumnValue::cell(&self.$field) ),*]
            }
        }
    )*};
}

marts! {
    /// `governors/frequency_by_school.csv`: people due supervision under a per-period
    /// rule and those who met it, per school, rule and complete period (spec 02 §1).
    FrequencyBySchool = "frequency_by_school" {
        trust_id: String,
        school_urn: String,
        school_name: String,
        rule: String,
        period_id: Option<PeriodId>,
        due: u64,
        met: u64,
        met_pct: Figure<Percent>,
    }

    /// `governors/actions_by_school.csv`: actions by class, per school and the
    /// half-term they are due in (spec 02 §3).
    ActionsBySchool = "actions_by_school" {
        trust_id: String,
        school_urn: String,
        school_name: String,
        period_id: Option<PeriodId>,
        done_on_time: u64,
        done_late: u64,
        overdue: u64,
        not_yet_due: u64,
        on_time_pct: Figure<Percent>,
    }

    /// `governors/drift_by_school.csv`: open and drifting cases by flag, per school
    /// (spec 02 §4). Counts of children: protected (spec 02, "Disclosure control").
    DriftBySchool = "drift_by_school" {
        trust_id: String,
        school_urn: String,
        school_name: String,
        open_cases: Figure<u64>,
        drifting: Figure<u64>,
        overdue_action: Figure<u64>,
        not_reviewed: Figure<u64>,
        no_progress: Figure<u64>,
        escalated_stale: Figure<u64>,
        carried_over: Figure<u64>,
        no_owner: Figure<u64>,
    }

    /// `governors/workload_dsl.csv`: each DSL's and deputy's workload (spec 02 §5).
    /// `open_cases` counts children; `weighted_caseload` follows it.
    WorkloadDsl = "workload_dsl" {
        trust_id: String,
        school_urn: String,
        display_name: String,
        role: String,
        open_cases: Figure<u64>,
        weighted_caseload: Figure<Decimal>,
        over_caseload: Option<bool>,
        open_actions: u64,
        overdue_actions: u64,
        sessions_received: u64,
        sessions_given: u64,
        hours_given: Figure<Decimal>,
        cases_per_hour: Figure<Decimal>,
        rushed: Option<bool>,
        dsl_training_due_on: Option<NaiveDate>,
        dsl_training_current: Option<bool>,
    }

    /// `governors/recording_by_school.csv`: recording quality per school and half-term
    /// (spec 02 §6); each rate over the rows it applies to.
    RecordingBySchool = "recording_by_school" {
        trust_id: String,
        school_urn: String,
        school_name: String,
        period_id: Option<PeriodId>,
        sessions_held: u64,
        recorded_on_time_pct: Figure<Percent>,
        signed_both_pct: Figure<Percent>,
        contract_in_date_pct: Figure<Percent>,
        supervisor_trained_pct: Figure<Percent>,
        long_enough_pct: Figure<Percent>,
    }

    /// `governors/reschedules_by_school.csv`: cancelled or missed sessions (per
    /// supervisee) whose rescheduling window has closed, and those rescheduled in time,
    /// per school and half-term (spec 02 §2).
    ReschedulesBySchool = "reschedules_by_school" {
        trust_id: String,
        school_urn: String,
        school_name: String,
        period_id: Option<PeriodId>,
        judged: u64,
        rescheduled: u64,
        not_rescheduled: u64,
        rescheduled_pct: Figure<Percent>,
    }

    /// `governors/summary.csv`: the headline figures of the report year per school, and
    /// a `TOTAL` row per trust (columns documented in `queries/governors/summary.sql`).
    Summary = "summary" {
        trust_id: String,
        school_urn: String,
        school_name: String,
        frequency_due: u64,
        frequency_met: u64,
        frequency_met_pct: Figure<Percent>,
        gap_checks: u64,
        gap_met: u64,
        actions_done_on_time: u64,
        actions_done_late: u64,
        actions_overdue: u64,
        actions_not_yet_due: u64,
        actions_judged: u64,
        actions_on_time_pct: Figure<Percent>,
        overdue_actions: u64,
        open_cases: Figure<u64>,
        drifting_cases: Figure<u64>,
        no_owner_cases: Figure<u64>,
        dsls_listed: u64,
        dsls_over_caseload: u64,
        dsls_trained: u64,
        reschedules_judged: u64,
        rescheduled: u64,
        rescheduled_pct: Figure<Percent>,
        sessions_held: u64,
        recorded_on_time_pct: Figure<Percent>,
        signed_both_pct: Figure<Percent>,
        people_in_scope: u64,
        functions_balanced: u64,
        functions_balanced_pct: Figure<Percent>,
    }

    /// `governors/trend.csv`: frequency, actions and recording half-term by half-term,
    /// per school and per trust (`TOTAL`), over the report year and the earlier years the
    /// trend shows (columns documented in `queries/governors/trend.sql`).
    Trend = "trend" {
        trust_id: String,
        school_urn: String,
        school_name: String,
        period_id: Option<PeriodId>,
        frequency_due: u64,
        frequency_met: u64,
        frequency_met_pct: Figure<Percent>,
        actions_judged: u64,
        actions_on_time: u64,
        actions_on_time_pct: Figure<Percent>,
        sessions_held: u64,
        recording_judged: u64,
        recorded_on_time: u64,
        recorded_on_time_pct: Figure<Percent>,
    }
}

/// The school id of a trust's total row.
pub const TOTAL: &str = "TOTAL";

impl Summary {
    /// Whether this is a trust's `TOTAL` row.
    pub fn is_total(&self) -> bool {
        self.school_urn == TOTAL
    }
}
