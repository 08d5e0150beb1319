//! The lead's files (`restricted/`, spec 03), typed: one struct per file, its fields the
//! file's exact columns in order, each with its type and so its format.
//!
//! The metric queries may compute more columns than a file shows (drift flags as
//! true/false, period ids for the governors' roll-ups); these declarations are what is
//! written. They are never suppressed: they name children's cases and staff, and are for
//! the lead alone (readable by the owner only). Declared with the same macro as the
//! governors' tables ([`table`](super::table)); written by the same CSV writer, a slice
//! of rows at a time.

use chrono::NaiveDate;

use super::published::Decimal;
use crate::metrics::{
    ACTIONS, CHANGES, DRIFT_CASES, FREQUENCY, FUNCTIONS, INTERVALS, RECORDING, RESCHEDULES, TODO,
    WORKLOAD,
};
use crate::report::table::output_tables;

output_tables! {
    /// `restricted/frequency.csv`: each person due supervision under a per-period rule,
    /// per period started (spec 02 §1); `met` is empty for an unfinished period.
    Frequency = FREQUENCY {
        trust_id: String,
        school_urn: String,
        staff_id: String,
        rule: String,
        period_id: String,
        required: u64,
        delivered: u64,
        met: Option<bool>,
    }

    /// `restricted/intervals.csv`: each person under a maximum-gap rule (spec 02 §1).
    Intervals = INTERVALS {
        trust_id: String,
        school_urn: String,
        staff_id: String,
        rule: String,
        last_session_on: Option<NaiveDate>,
        longest_gap: Option<i64>,
        met: Option<bool>,
    }

    /// `restricted/reschedules.csv`: each cancelled or missed session per supervisee
    /// (spec 02 §2); `rescheduled` is empty until its window has closed.
    Reschedules = RESCHEDULES {
        trust_id: String,
        school_urn: String,
        session_id: String,
        staff_id: String,
        window_ends_on: Option<NaiveDate>,
        rescheduled: Option<bool>,
    }

    /// `restricted/actions.csv`: each action and its class (spec 02 §3).
    Actions = ACTIONS {
        trust_id: String,
        school_urn: String,
        action_id: String,
        session_id: String,
        case_ref: String,
        owner_id: String,
        due_on: Option<NaiveDate>,
        completed_on: Option<NaiveDate>,
        class: String,
        days_overdue: Option<i64>,
        period_id: String,
    }

    /// `restricted/drift_cases.csv`: each open case, its flags and whether it drifts
    /// (spec 02 §4).
    DriftCases = DRIFT_CASES {
        trust_id: String,
        school_urn: String,
        case_ref: String,
        category: String,
        owner_id: String,
        opened_on: Option<NaiveDate>,
        last_discussed_on: Option<NaiveDate>,
        flags: String,
        drifting: Option<bool>,
    }

    /// `restricted/workload.csv`: each person's caseload by category and their
    /// supervision (spec 02 §5).
    Workload = WORKLOAD {
        trust_id: String,
        school_urn: String,
        staff_id: String,
        display_name: String,
        role: String,
        open_cp: u64,
        open_cin: u64,
        open_cla: u64,
        open_eh: u64,
        open_concern: u64,
        open_step_down: u64,
        weighted_caseload: Option<Decimal>,
        open_actions: u64,
        overdue_actions: u64,
        sessions_received: u64,
        sessions_given: u64,
        hours_given: Option<Decimal>,
        cases_per_hour: Option<Decimal>,
        over_caseload: Option<bool>,
        rushed: Option<bool>,
        dsl_training_due_on: Option<NaiveDate>,
        dsl_training_current: Option<bool>,
    }

    /// `restricted/recording.csv`: each held session's recording checks (spec 02 §6).
    Recording = RECORDING {
        trust_id: String,
        school_urn: String,
        session_id: String,
        held_on: Option<NaiveDate>,
        kind: String,
        recorded_on_time: Option<bool>,
        signed_both: Option<bool>,
        contract_in_date: Option<bool>,
        supervisor_trained: Option<bool>,
        long_enough: Option<bool>,
    }

    /// `restricted/functions.csv`: each person's functions of supervision covered, and
    /// whether they are balanced (spec 02, balance of functions).
    Functions = FUNCTIONS {
        trust_id: String,
        school_urn: String,
        staff_id: String,
        covered: String,
        balanced: Option<bool>,
    }
}

output_tables! {
    /// `restricted/todo.csv`: what needs doing now, per school, most urgent first (spec
    /// 03, "The lead's to-do list"; the tasks and their order are documented in
    /// `queries/todo.sql`). For the lead to open: with a byte-order mark.
    Todo = TODO {
        trust_id: String,
        school_urn: String,
        school_name: String,
        urgency: u64,
        task: String,
        display_name: String,
        staff_id: String,
        case_ref: String,
        action_id: String,
        rule: String,
        due_on: Option<NaiveDate>,
        days_overdue: Option<i64>,
        last_supervised_on: Option<NaiveDate>,
        detail: String,
    }

    /// `restricted/changes.csv` (`report --since` only): what changed since the earlier
    /// report, a row per change (spec 03, "Direction of travel"; the changes are
    /// documented in `queries/changes.sql`). For the lead to open: with a byte-order mark.
    Changes = CHANGES {
        trust_id: String,
        school_urn: String,
        change: String,
        case_ref: String,
        action_id: String,
        staff_id: String,
        rule: String,
        detail: String,
    }
}

/// Writes every restricted file of `metrics` into `out`, in the order of spec 03.
pub fn write_all(
    metrics: &crate::metrics::Metrics,
    out: &std::path::Path,
) -> anyhow::Result<Vec<super::Written>> {
    use super::csv_file::{Opened, write_restricted};
    let mut written = vec![
        write_restricted::<Frequency>(metrics, out, Opened::AsData)?,
        write_restricted::<Intervals>(metrics, out, Opened::AsData)?,
        write_restricted::<Reschedules>(metrics, out, Opened::AsData)?,
        write_restricted::<Actions>(metrics, out, Opened::AsData)?,
        write_restricted::<DriftCases>(metrics, out, Opened::AsData)?,
        write_restricted::<Workload>(metrics, out, Opened::AsData)?,
        write_restricted::<Recording>(metrics, out, Opened::AsData)?,
        write_restricted::<Functions>(metrics, out, Opened::AsData)?,
        write_restricted::<Todo>(metrics, out, Opened::InSpreadsheet)?,
    ];
    if metrics.table(&CHANGES).is_ok() {
        written.push(write_restricted::<Changes>(
            metrics,
            out,
            Opened::InSpreadsheet,
        )?);
    }
    Ok(written)
}
