//! The restricted CSV files and their exact columns (spec 03, "restricted/").
//!
//! The metric queries may compute more columns than a file shows (drift flags as
//! booleans, period ids for the governors' roll-ups); this list is what is written, in
//! this order. The governors' files are typed tables of their own
//! ([`published::marts`](super::published::marts)).

/// One restricted CSV file of the report.
#[derive(Debug, Clone, Copy)]
pub struct OutputFile {
    /// The metric table it is written from, and its file stem.
    pub name: &'static str,
    pub columns: &'static [&'static str],
}

/// Every restricted CSV the report writes.
pub const OUTPUT_FILES: &[OutputFile] = &[
    OutputFile {
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
    },
    OutputFile {
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
    },
    OutputFile {
        name: "reschedules",
        columns: &[
            "trust_id",
            "school_urn",
            "session_id",
            "staff_id",
            "window_ends_on",
            "rescheduled",
        ],
    },
    OutputFile {
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
    },
    OutputFile {
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
    },
    OutputFile {
        name: "workload",
        columns: &[
            "trust_id",
            "school_urn",
            "staff_id",
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
            "dsl_training_due_on",
            "dsl_training_current",
        ],
    },
    OutputFile {
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
    },
    OutputFile {
        name: "functions",
        columns: &["trust_id", "school_urn", "staff_id", "covered", "balanced"],
    },
];

impl OutputFile {
    /// The file's path under the output folder: `restricted/frequency.csv`.
    pub fn relative_path(&self) -> String {
        format!("restricted/{}.csv", self.name)
    }
}
