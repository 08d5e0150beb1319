//! The governors' tables, typed: one struct per `queries/governors/*.sql` mart, its
//! fields the file's columns in order (spec 03, "governors/"), each figure with what it
//! declares (spec 02, "Disclosure control": whether it counts children, and the
//! relations a reader can use with it).
//!
//! This is the one place a governors' figure is declared: the CSV header, the loading
//! of the query's result, the cells, and the cells and relations of disclosure control
//! ([`protect`](super::protect)) all come from it. A chart or pack that names a field
//! the table does not have does not compile. A new column that counts children must say
//! so here, with its relations; `protect` reads nothing else.
//!
//! The relations (spec 02, numbered as there): 1 [`TotalOfSchools`], 2 [`same_as`],
//! 3 [`parts_of`], 4 [`Declared::WorkedOutFrom`], 5 [`AtMost`], 6 [`AtMostSumOf`],
//! 7 [`change_of`].

use chrono::NaiveDate;

use crate::metrics::{
    ACTIONS_BY_SCHOOL, DRIFT_BY_SCHOOL, FREQUENCY_BY_SCHOOL, RECORDING_BY_SCHOOL,
    RESCHEDULES_BY_SCHOOL, SINCE, SUMMARY, TREND, WORKLOAD_DSL,
};
use crate::model::DriftFlag;
use crate::report::disclosure::CostClass::{Drifting, FlagBreakdown, OpenCases, StaffCaseload};
use crate::report::table::cell::{Decimal, Direction, Figure, Percent, PeriodId, Rating};
use crate::report::table::declared::Relation::{AtMost, AtMostSumOf, TotalOfSchools};
use crate::report::table::declared::{
    Declared, change_of, children, children_shown_when, parts_of, same_as,
};
use crate::report::table::output_tables;

/// A drift flag's count: at most the school's drifting cases (relation 5).
const FLAG: Declared = children(FlagBreakdown, &[AtMost("drifting")]);

output_tables! {
    /// `governors/frequency_by_school.csv`: people due supervision under a per-period
    /// rule and those who met it, per school, rule and complete period (spec 02 §1).
    FrequencyBySchool = FREQUENCY_BY_SCHOOL {
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
    ActionsBySchool = ACTIONS_BY_SCHOOL {
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
    DriftBySchool = DRIFT_BY_SCHOOL {
        trust_id: String,
        school_urn: String,
        school_name: String,
        open_cases: Figure<u64> = children(OpenCases, &[]),
        drifting: Figure<u64> = children(
            Drifting,
            &[AtMost("open_cases"), AtMostSumOf(DriftFlag::NAMES)],
        ),
        overdue_action: Figure<u64> = FLAG,
        not_reviewed: Figure<u64> = FLAG,
        no_progress: Figure<u64> = FLAG,
        escalated_stale: Figure<u64> = FLAG,
        carried_over: Figure<u64> = FLAG,
        no_owner: Figure<u64> = FLAG,
    }

    /// `governors/workload_dsl.csv`: each DSL's and deputy's workload (spec 02 §5).
    /// `open_cases` counts children; `weighted_caseload` follows it.
    WorkloadDsl = WORKLOAD_DSL {
        trust_id: String,
        school_urn: String,
        display_name: String,
        role: String,
        /// Relation 3 is declared with the school's open cases; `protect` adds it only
        /// where it holds (a DSL may hold cases at another school).
        open_cases: Figure<u64> = children_shown_when(
            StaffCaseload,
            &[parts_of(DriftBySchool::NAME, "open_cases")],
            "over_caseload",
        ),
        weighted_caseload: Figure<Decimal> = Declared::WorkedOutFrom(&["open_cases"]),
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
    RecordingBySchool = RECORDING_BY_SCHOOL {
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
    ReschedulesBySchool = RESCHEDULES_BY_SCHOOL {
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
    Summary = SUMMARY {
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
        open_cases: Figure<u64> = children(
            OpenCases,
            &[TotalOfSchools, same_as(DriftBySchool::NAME, "open_cases")],
        ),
        drifting_cases: Figure<u64> = children(
            Drifting,
            &[
                TotalOfSchools,
                same_as(DriftBySchool::NAME, "drifting"),
                AtMost("open_cases"),
            ],
        ),
        no_owner_cases: Figure<u64> = children(
            FlagBreakdown,
            &[
                TotalOfSchools,
                same_as(DriftBySchool::NAME, "no_owner"),
                AtMost("drifting_cases"),
            ],
        ),
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
        /// Worked out from two counts of children: `c` when either is (spec 02, primary).
        drifting_cases_per_100_open: Figure<Decimal> =
            Declared::WorkedOutFrom(&["open_cases", "drifting_cases"]),
        frequency_met_rating: Figure<Rating>,
        actions_on_time_rating: Figure<Rating>,
        recorded_on_time_rating: Figure<Rating>,
        /// Judges the rate above: `c` with it.
        drifting_rating: Figure<Rating> =
            Declared::WorkedOutFrom(&["open_cases", "drifting_cases"]),
        dsls_over_caseload_rating: Figure<Rating>,
    }

    /// `governors/trend.csv`: frequency, actions and recording half-term by half-term,
    /// per school and per trust (`TOTAL`), over the report year and the earlier years the
    /// trend shows (columns documented in `queries/governors/trend.sql`).
    Trend = TREND {
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

    /// `governors/since.csv` (`report --since` only): each school's and trust's headline
    /// figures beside those of the earlier report, as printed then, and the direction in
    /// words (spec 03, "Direction of travel"; columns documented in
    /// `queries/governors/since.sql`). The counts of children are the same cells as in
    /// `summary.csv`; each direction is relation 7.
    Since = SINCE {
        trust_id: String,
        school_urn: String,
        school_name: String,
        was_as_of: String,
        frequency_met_pct: Figure<Percent>,
        frequency_met_pct_was: String,
        frequency_met_direction: Figure<Direction> =
            change_of("frequency_met_pct", "frequency_met_pct_was"),
        actions_on_time_pct: Figure<Percent>,
        actions_on_time_pct_was: String,
        actions_on_time_direction: Figure<Direction> =
            change_of("actions_on_time_pct", "actions_on_time_pct_was"),
        recorded_on_time_pct: Figure<Percent>,
        recorded_on_time_pct_was: String,
        recorded_on_time_direction: Figure<Direction> =
            change_of("recorded_on_time_pct", "recorded_on_time_pct_was"),
        functions_balanced_pct: Figure<Percent>,
        functions_balanced_pct_was: String,
        functions_balanced_direction: Figure<Direction> =
            change_of("functions_balanced_pct", "functions_balanced_pct_was"),
        open_cases: Figure<u64> =
            children(OpenCases, &[same_as(Summary::NAME, "open_cases")]),
        open_cases_was: String,
        open_cases_direction: Figure<Direction> = change_of("open_cases", "open_cases_was"),
        drifting_cases: Figure<u64> =
            children(Drifting, &[same_as(Summary::NAME, "drifting_cases")]),
        drifting_cases_was: String,
        drifting_cases_direction: Figure<Direction> =
            change_of("drifting_cases", "drifting_cases_was"),
        overdue_actions: u64,
        overdue_actions_was: String,
        overdue_actions_direction: Figure<Direction> =
            change_of("overdue_actions", "overdue_actions_was"),
        dsls_over_caseload: u64,
        dsls_over_caseload_was: String,
        dsls_over_caseload_direction: Figure<Direction> =
            change_of("dsls_over_caseload", "dsls_over_caseload_was"),
    }
}

/// The school id of a trust's total row.
pub const TOTAL: &str = "TOTAL";

impl DriftBySchool {
    /// The count of cases with `flag`.
    pub fn flag(&self, flag: DriftFlag) -> Figure<u64> {
        match flag {
            DriftFlag::OverdueAction => self.overdue_action,
            DriftFlag::NotReviewed => self.not_reviewed,
            DriftFlag::NoProgress => self.no_progress,
            DriftFlag::EscalatedStale => self.escalated_stale,
            DriftFlag::CarriedOver => self.carried_over,
            DriftFlag::NoOwner => self.no_owner,
        }
    }
}

impl Summary {
    /// Whether this is a trust's `TOTAL` row.
    pub fn is_total(&self) -> bool {
        self.school_urn == TOTAL
    }
}
