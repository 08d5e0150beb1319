//! Every policy setting, declared once (issue #21): its doc line, its key, its type, its
//! kind (which says what a policy file writes, the range allowed and its columns of
//! `policy_schools`) and its default, in the order a policy file's tables list them.
//! The resolved [`Settings`], the keys, a layer's values and their checks, the
//! manifest's form, the columns of `policy_schools` and the settings table of
//! docs/policy.md all follow from this (`declare.rs`).
//!
//! To add a setting: add its line here and use its column in the SQL; then
//! `OVERSIGHT_WRITE_DOCS=1 cargo test -p oversight --lib policy::tests::docs` writes its
//! row into docs/policy.md (README, "How to add a setting").

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::calendar::Granularity;
use super::declare::declare_settings;
use super::kinds::{Amount, Band, ByCategory, Day, Flag, Functions, Levels, Roles, Rules, Whole};
use super::settings::Rule;
use crate::model::CaseCategory::{self, Cin, Cla, Concern, Cp, Eh, StepDown};
use crate::model::{Function, Role, SessionKind};

declare_settings! {
    /// The resolved policy settings of one school.
    Settings from RawSettings {
        /// Roles due supervision.
        in_scope_roles: Vec<Role>, Roles,
            default vec![Role::Dsl, Role::Ddsl, Role::PastoralLead];
        /// Owners of CP, CIN, CLA or EH cases open during a period are due supervision
        /// for it whatever their role (spec 02, "Who is due supervision"; Lode Heath,
        /// Temple: staff "working with" children on plans).
        in_scope_case_owners: bool, Flag, default false;
        /// A cancelled or missed session must be replaced within this many working days.
        reschedule_within_working_days: u32, Whole { what: "working days", lo: 0 },
            default 5;
        /// A session must be recorded within this many working days.
        record_within_working_days: u32, Whole { what: "working days", lo: 0 },
            default 5;
        /// A supervisor's safeguarding training is valid for this many months.
        training_valid_months: u32, Whole { what: "months", lo: 1 }, default 24;
        /// A DSL's or deputy's own DSL training (`dsl_trained_on`) is current for this
        /// many months (spec 02 §5).
        dsl_training_valid_months: u32, Whole { what: "months", lo: 1 }, default 24;
        /// One-to-one supervision needs a supervision agreement with the supervisor
        /// (spec 02 §6 `contract_in_date`; Temple, Ashbury Meadow, Captain Cook).
        contracts_required: bool, Flag, default false;
        /// An agreement is reviewed within this many months of being agreed: its
        /// `review_due_on` is at most this long after `agreed_on` (Temple: "reviewed
        /// annually").
        contract_review_months: u32, Whole { what: "months", lo: 1 }, default 12;
        /// When the school's own policy was last reviewed, if the policy file says
        /// (shown in the packs).
        policy_reviewed_on: Option<NaiveDate>, Day, default None;
        /// When the school's own policy is next due for review, if the policy file says:
        /// on or after `policy_reviewed_on` when both are in one table (the packs flag it
        /// overdue when before the as-of date).
        policy_review_due_on: Option<NaiveDate>, Day, default None;
        /// Functions a person's sessions must cover over the year.
        required_functions: Vec<Function>, Functions,
            default vec![Function::Managerial, Function::Developmental, Function::Supportive];
        /// The frequency and gap rules, in the order written.
        rules: Vec<Rule>, Rules,
            default vec![Rule {
                name: "half-termly".to_string(),
                kinds: vec![SessionKind::OneToOne, SessionKind::Group],
                per: Some(Granularity::HalfTerm),
                min: Some(1),
                max_gap_working_days: None,
                planned_only: false,
                min_minutes: None,
            }];
    }
    /// Drift-and-delay thresholds (spec 02 §4).
    drift: DriftSettings from RawDrift {
        /// An overdue action flags its case when more than this many days overdue.
        overdue_days: u32, Whole { what: "days", lo: 0 }, default 28;
        /// Days without discussion before a case of the category is `not_reviewed`;
        /// categories not listed are never flagged.
        review_days: BTreeMap<CaseCategory, u32>,
            ByCategory(Whole { what: "days", lo: 0 }),
            default [(Cp, 42), (Cin, 42), (Cla, 42), (Eh, 84)].into();
        /// How many scored discussions `no_progress` looks back over.
        no_progress_discussions: u32, Whole { what: "discussions", lo: 2 }, default 3;
        /// Days after an escalation with no later discussion before `escalated_stale`.
        escalation_days: u32, Whole { what: "days", lo: 0 }, default 14;
        /// Later discussions an open action survives before `carried_over`.
        carried_sessions: u32, Whole { what: "sessions", lo: 1 }, default 3;
    }
    /// Workload thresholds (spec 02 §5).
    workload: WorkloadSettings from RawWorkload {
        /// Weight of one open case per category; a category not listed weighs 0.
        weights: BTreeMap<CaseCategory, f64>,
            ByCategory(Amount),
            default [
                (Cp, 3.0),
                (Cin, 2.0),
                (Cla, 2.0),
                (Eh, 1.0),
                (Concern, 0.5),
                (StepDown, 0.5),
            ]
            .into();
        /// `over_caseload` when the weighted caseload is above this.
        max_weighted_caseload: f64, Amount, default 40.0;
        /// `rushed` when cases discussed per hour of supervision given is above this.
        max_cases_per_hour: f64, Amount, default 12.0;
    }
    /// The levels the governors' summary judges each school's headline figures against,
    /// as red, amber or green (spec 04 `[targets]`).
    targets: TargetSettings from RawTargets {
        /// Supervision frequency met, per cent. Default green 95, amber 80: every seed
        /// policy expects each person supervised every period; one missed person in a
        /// school of twenty is amber, more than one in five red.
        frequency_met_pct: Band, Levels { higher_is_better: true },
            default Band { green: 95.0, amber: 80.0 };
        /// Actions done on time, per cent. Default green 90, amber 75: actions are
        /// followed up (all five seeds); a late one in ten is tolerated as green.
        actions_on_time_pct: Band, Levels { higher_is_better: true },
            default Band { green: 90.0, amber: 75.0 };
        /// Sessions recorded on time, per cent. Default green 90, amber 75: records are
        /// written up promptly (Temple, Captain Cook); as for actions.
        recorded_on_time_pct: Band, Levels { higher_is_better: true },
            default Band { green: 90.0, amber: 75.0 };
        /// Drifting cases per 100 open cases. Default green 10, amber 25: "no drift or
        /// delay" (Captain Cook, Ashbury Meadow) is the aim; a quarter drifting is red.
        drifting_cases_per_100_open: Band, Levels { higher_is_better: false },
            default Band { green: 10.0, amber: 25.0 };
        /// DSLs and deputies over their weighted caseload. Default green 0, amber 0: any
        /// DSL over the threshold the policy sets is red.
        dsls_over_caseload: Band, Levels { higher_is_better: false },
            default Band { green: 0.0, amber: 0.0 };
    }
}
