//! The report's CSV files and their exact columns (spec 03, "Report outputs").
//!
//! The metric queries may compute more columns than a file shows (drift flags as
//! booleans, period ids for the governors' roll-ups); this list is what is written, in
//! this order.

/// Who a file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The trust safeguarding lead and DSLs: named staff, case refs.
    Restricted,
    /// Governors and inspectors: no child-level rows, case counts suppressed.
    Governors,
}

impl Audience {
    /// The output sub-folder.
    pub fn folder(self) -> &'static str {
        match self {
            Audience::Restricted => "restricted",
            Audience::Governors => "governors",
        }
    }
}

/// The columns of `workload.csv`; `workload_dsl.csv` has the same less `staff_id`
/// (spec 03), so the list is written once.
macro_rules! workload_columns {
    ($($staff_id:literal)? $(; $($extra:literal),*)?) => {
        &[
            "trust_id",
            "school_urn",
            $($staff_id,)?
            "display_name",
            "role",
            "open_cp",
            "open_cin",
            "open_cla",
            "open_eh",
            "open_concern",
            "open_step_down",
            "weighted_caseload",
            "open_actions",
            "overdue_actions",
            "sessions_received",
            "sessions_given",
            "hours_given",
            "cases_per_hour",
            "over_caseload",
            "rushed",
            $($($extra,)*)?
        ]
    };
}

/// One CSV file of the report.
#[derive(Debug, Clone, Copy)]
pub struct OutputFile {
    pub audience: Audience,
    /// The metric table it is written from, and its file stem.
    pub name: &'static str,
    pub columns: &'static [&'static str],
    /// Columns that count children's cases: suppressed for governors (spec 02,
    /// "Suppression in outputs for governors and inspectors").
    pub case_counts: &'static [&'static str],
    /// Columns worked out from the row's case counts: suppressed when any of them is,
    /// as a percentage is when its numerator or denominator is (spec 02), since the
    /// figure would give the small count away.
    pub derived_from_case_counts: &'static [&'static str],
}

const WORKLOAD_CASE_COUNTS: &[&str] = &[
    "open_cp",
    "open_cin",
    "open_cla",
    "open_eh",
    "open_concern",
    "open_step_down",
];

/// Every CSV the report writes.
pub const OUTPUT_FILES: &[OutputFile] = &[
    OutputFile {
        audience: Audience::Restricted,
        name: "frequency",
        columns: &[
            "trust_id",
            "school_urn",
            "staff_id",
            "rule",
            "period_id",
            "required",
            "delivered",
            "met",
        ],
        case_counts: &[],
        derived_from_case_counts: &[],
    },
    OutputFile {
        audience: Audience::Restricted,
        name: "intervals",
        columns: &[
            "trust_id",
            "school_urn",
            "staff_id",
            "rule",
            "last_session_on",
            "longest_gap",
            "met",
        ],
        case_counts: &[],
        derived_from_case_counts: &[],
    },
    OutputFile {
        audience: Audience::Restricted,
        name: "reschedules",
        columns: &[
            "trust_id",
            "school_urn",
            "session_id",
            "staff_id",
            "window_ends_on",
            "rescheduled",
        ],
        case_counts: &[],
        derived_from_case_counts: &[],
    },
    OutputFile {
        audience: Audience::Restricted,
        name: "actions",
        columns: &[
            "trust_id",
            "school_urn",
            "action_id",
            "session_id",
            "case_ref",
            "owner_id",
            "due_on",
            "completed_on",
            "class",
            "days_overdue",
            "period_id",
        ],
        case_counts: &[],
        derived_from_case_counts: &[],
    },
    OutputFile {
        audience: Audience::Restricted,
        name: "drift_cases",
        columns: &[
            "trust_id",
            "school_urn",
            "case_ref",
            "category",
            "owner_id",
            "opened_on",
            "last_discussed_on",
            "flags",
            "drifting",
        ],
        case_counts: &[],
        derived_from_case_counts: &[],
    },
    OutputFile {
        audience: Audience::Restricted,
        name: "workload",
        columns: workload_columns!("staff_id"; "dsl_training_due_on", "dsl_training_current"),
        case_counts: &[],
        derived_from_case_counts: &[],
    },
    OutputFile {
        audience: Audience::Restricted,
        name: "recording",
        columns: &[
            "trust_id",
            "school_urn",
            "session_id",
            "held_on",
            "kind",
            "recorded_on_time",
            "signed_both",
            "contract_in_date",
            "supervisor_trained",
            "long_enough",
        ],
        case_counts: &[],
        derived_from_case_counts: &[],
    },
    OutputFile {
        audience: Audience::Restricted,
        name: "functions",
        columns: &["trust_id", "school_urn", "staff_id", "covered", "balanced"],
        case_counts: &[],
        derived_from_case_counts: &[],
    },
    OutputFile {
        audience: Audience::Governors,
        name: "frequency_by_school",
        columns: &[
            "trust_id",
            "school_urn",
            "school_name",
            "rule",
            "period_id",
            "due",
            "met",
            "met_pct",
        ],
        case_counts: &[],
        derived_from_case_counts: &[],
    },
    OutputFile {
        audience: Audience::Governors,
        name: "actions_by_school",
        columns: &[
            "trust_id",
            "school_urn",
            "school_name",
            "period_id",
            "done_on_time",
            "done_late",
            "overdue",
            "not_yet_due",
            "on_time_pct",
        ],
        case_counts: &[],
        derived_from_case_counts: &[],
    },
    OutputFile {
        audience: Audience::Governors,
        name: "drift_by_school",
        columns: &[
            "trust_id",
            "school_urn",
            "school_name",
            "open_cases",
            "drifting",
            "overdue_action",
            "not_reviewed",
            "no_progress",
            "escalated_stale",
            "carried_over",
        ],
        case_counts: &[
            "open_cases",
            "drifting",
            "overdue_action",
            "not_reviewed",
            "no_progress",
            "escalated_stale",
            "carried_over",
        ],
        derived_from_case_counts: &[],
    },
    OutputFile {
        audience: Audience::Governors,
        name: "workload_dsl",
        columns: workload_columns!(),
        case_counts: WORKLOAD_CASE_COUNTS,
        derived_from_case_counts: &["weighted_caseload"],
    },
    OutputFile {
        audience: Audience::Governors,
        name: "recording_by_school",
        columns: &[
            "trust_id",
            "school_urn",
            "school_name",
            "period_id",
            "sessions_held",
            "recorded_on_time_pct",
            "signed_both_pct",
            "contract_in_date_pct",
            "supervisor_trained_pct",
        ],
        case_counts: &[],
        derived_from_case_counts: &[],
    },
    OutputFile {
        audience: Audience::Governors,
        name: "summary",
        columns: &[
            "trust_id",
            "school_urn",
            "school_name",
            "frequency_due",
            "frequency_met",
            "frequency_met_pct",
            "gap_checks",
            "gap_met",
            "actions_on_time_pct",
            "overdue_actions",
            "open_cases",
            "drifting_cases",
            "dsls_over_caseload",
            "sessions_held",
            "recorded_on_time_pct",
            "signed_both_pct",
            "functions_balanced_pct",
        ],
        case_counts: &["open_cases", "drifting_cases"],
        derived_from_case_counts: &[],
    },
];

impl OutputFile {
    /// The file's path under the output folder: `governors/summary.csv`.
    pub fn relative_path(&self) -> String {
        format!("{}/{}.csv", self.audience.folder(), self.name)
    }
}
