//! Policy loading, errors, resolution, tables and descriptions.

use std::path::{Path, PathBuf};

use polars::prelude::*;
use polars::sql::SQLContext;
use tempfile::TempDir;

use super::calendar::tests::{BANK_HOLIDAYS, CALENDAR};
use super::*;
use crate::model::{CaseCategory, Function, Role, SessionKind};

pub(super) const HEAD: &str =
    "calendar = \"calendar.csv\"\nbank_holidays = \"bank-holidays.csv\"\n";

/// A tempdir holding the test calendar, bank holidays and the given files.
pub(super) fn dir_with(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("calendar.csv"), CALENDAR).unwrap();
    std::fs::write(dir.path().join("bank-holidays.csv"), BANK_HOLIDAYS).unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

pub(super) fn load(dir: &TempDir) -> Result<Policy, PolicyError> {
    Policy::load(dir.path().join("policy.toml"))
}

/// Loads a policy with `body` after the calendar lines and returns its error message,
/// with the tempdir's path removed.
pub(super) fn error_of(body: &str) -> String {
    error_with(&[("policy.toml", &format!("{HEAD}{body}"))])
}

fn error_with(files: &[(&str, &str)]) -> String {
    let dir = dir_with(files);
    let message = load(&dir).unwrap_err().to_string();
    message.replace(&format!("{}/", dir.path().display()), "")
}

pub(super) fn policy_of(body: &str) -> Policy {
    let dir = dir_with(&[("policy.toml", &format!("{HEAD}{body}"))]);
    load(&dir).unwrap()
}

// ---------------------------------------------------------------- errors

#[test]
fn unknown_key_names_file_line_key_and_expected() {
    // 04: "Unknown keys ... each is an error naming the file, the key and what was expected."
    let message = error_of("[defaults]\nrecord_within_days = 5\n");
    assert!(
        message.starts_with(
            "policy.toml: line 4, column 1: defaults.record_within_days: unknown field \
             `record_within_days`, expected one of `preset`, `in_scope_roles`,"
        ),
        "{message}"
    );
    let message = error_of("[schools.\"140001\".drift]\noverdue = 3\n");
    assert!(
        message.starts_with(
            "policy.toml: line 4, column 1: schools.\"140001\".drift.overdue: unknown field \
             `overdue`, expected one of `overdue_days`,"
        ),
        "{message}"
    );
    let message = error_of("colour = \"red\"\n");
    assert!(
        message.starts_with("policy.toml: line 3, column 1: colour: unknown field `colour`"),
        "{message}"
    );
}

#[test]
fn wrong_type_names_file_line_key_and_expected() {
    // 04: "wrong types ... each is an error naming the file, the key and what was expected."
    let message = error_of("[defaults]\nreschedule_within_working_days = \"five\"\n");
    assert_eq!(
        message,
        "policy.toml: line 4, column 34: defaults.reschedule_within_working_days: invalid \
         type: string \"five\", expected a whole number"
    );
    let message =
        error_of("[[defaults.rules]]\nname = \"x\"\nkinds = \"group\"\nper = \"term\"\nmin = 1\n");
    assert_eq!(
        message,
        "policy.toml: line 5, column 9: defaults.rules[0].kinds: invalid type: string \
         \"group\", expected an array"
    );
    let message = error_of("[defaults]\nrules = [\"termly\"]\n");
    assert_eq!(
        message,
        "policy.toml: line 4, column 10: defaults.rules[0]: invalid type: string \"termly\", \
         expected a rule table"
    );
    let message = error_of("[defaults]\ndrift = 3\n");
    assert_eq!(
        message,
        "policy.toml: line 4, column 9: defaults.drift: invalid type: integer `3`, expected \
         a table"
    );
}

#[test]
fn toml_syntax_error_keeps_line_and_column() {
    // Brief: toml's own errors carry line/column: keep them with the file name.
    let message = error_of("[defaults\n");
    assert!(
        message.starts_with("policy.toml: line 3, column 10: "),
        "{message}"
    );
}

#[test]
fn unknown_role_kind_category_and_function() {
    // 04: "unknown roles/kinds/categories ... each is an error naming the file, the key
    // and what was expected."
    assert_eq!(
        error_of("[schools.\"140001\"]\nin_scope_roles = [\"DSL\", \"HEAD\"]\n"),
        "policy.toml: schools.\"140001\".in_scope_roles[1]: expected one of DSL, DDSL, \
         HEADTEACHER, PASTORAL_LEAD, YEAR_HEAD, SENCO, TEACHER, TEACHING_ASSISTANT, \
         FAMILY_SUPPORT, EXTERNAL, OTHER, found \"HEAD\""
    );
    assert_eq!(
        error_of("[[defaults.rules]]\nname = \"x\"\nkinds = [\"1:1\"]\nper = \"term\"\nmin = 1\n"),
        "policy.toml: defaults.rules[0].kinds[0]: expected one of one_to_one, group, peer, \
         multi_agency, clinical, informal, found \"1:1\""
    );
    assert_eq!(
        error_of("[defaults.drift]\nreview_days = { CP = 42, LAC = 42 }\n"),
        "policy.toml: defaults.drift.review_days.LAC: expected a case category: one of CP, \
         CIN, CLA, EH, CONCERN, STEP_DOWN, found \"LAC\""
    );
    assert_eq!(
        error_of("[defaults.workload]\nweights = { CP = 3, CHILD = 1 }\n"),
        "policy.toml: defaults.workload.weights.CHILD: expected a case category: one of CP, \
         CIN, CLA, EH, CONCERN, STEP_DOWN, found \"CHILD\""
    );
    assert_eq!(
        error_of("[defaults]\nrequired_functions = [\"managerial\", \"restorative\"]\n"),
        "policy.toml: defaults.required_functions[1]: expected one of managerial, \
         developmental, supportive, mediation, multi_agency, voice_of_child, found \
         \"restorative\""
    );
}

#[test]
fn unknown_per_is_an_error() {
    // Brief example message; 04: per = half_term | term | academic_year.
    assert_eq!(
        error_of(
            "[[schools.\"140001\".rules]]\nname = \"weekly\"\nkinds = [\"group\"]\n\
             per = \"weekly\"\nmin = 1\n"
        ),
        "policy.toml: schools.\"140001\".rules[0].per: expected one of half_term, term, \
         academic_year, found \"weekly\""
    );
}

#[test]
fn rule_needs_per_and_min_or_a_gap() {
    // 04: "a rule with neither per+min nor max_gap_working_days" is an error; "a rule may
    // have per+min, a gap, or both".
    let rule = |body: &str| {
        error_of(&format!(
            "[[defaults.rules]]\nname = \"r\"\nkinds = [\"group\"]\n{body}"
        ))
    };
    assert_eq!(
        rule(""),
        "policy.toml: defaults.rules[0]: expected `per` and `min`, `max_gap_working_days`, \
         or both, found neither"
    );
    assert_eq!(
        rule("per = \"term\"\n"),
        "policy.toml: defaults.rules[0]: expected `min` with `per` (at least min sessions \
         per period), found `per` without `min`"
    );
    assert_eq!(
        rule("min = 2\nmax_gap_working_days = 20\n"),
        "policy.toml: defaults.rules[0]: expected `per` with `min` (at least min sessions \
         per period), found `min` without `per`"
    );
    assert_eq!(
        error_of(
            "[[defaults.rules]]\nname = \"r\"\nkinds = [\"group\"]\nmax_gap_working_days = 20\n\
             [[defaults.rules]]\nname = \"r\"\nkinds = [\"group\"]\nper = \"term\"\nmin = 1\n"
        ),
        "policy.toml: defaults.rules[1].name: expected a name not used by another rule of \
         the same table, found \"r\""
    );
    assert_eq!(
        error_of("[[defaults.rules]]\nname = \"r\"\nkinds = []\nper = \"term\"\nmin = 1\n"),
        "policy.toml: defaults.rules[0].kinds: expected at least one session kind, found an \
         empty list"
    );
    let message = error_of("[[defaults.rules]]\nname = \"r\"\nper = \"term\"\nmin = 1\n");
    assert!(
        message
            .starts_with("policy.toml: line 3, column 1: defaults.rules[0]: missing field `kinds`"),
        "{message}"
    );
}

#[test]
fn invalid_numbers_are_errors() {
    // Brief: "invalid numbers (negative days, min 0, suppress_below < 1)".
    assert_eq!(
        error_of("[defaults]\nrecord_within_working_days = -1\n"),
        "policy.toml: defaults.record_within_working_days: expected a whole number of \
         working days from 0 to 10000, found -1"
    );
    assert_eq!(
        error_of("[defaults.drift]\nreview_days = { EH = -84 }\n"),
        "policy.toml: defaults.drift.review_days.EH: expected a whole number of days from 0 \
         to 10000, found -84"
    );
    assert_eq!(
        error_of(
            "[[defaults.rules]]\nname = \"r\"\nkinds = [\"group\"]\nper = \"term\"\nmin = 0\n"
        ),
        "policy.toml: defaults.rules[0].min: expected a whole number of sessions from 1 to \
         10000, found 0"
    );
    assert_eq!(
        error_of("suppress_below = 0\n"),
        "policy.toml: suppress_below: expected a whole number from 2 to 10000, found 0"
    );
    // Spec 02: "`suppress_below` must be at least 2": 1 would suppress nothing.
    assert_eq!(
        error_of("suppress_below = 1\n"),
        "policy.toml: suppress_below: expected a whole number from 2 to 10000, found 1"
    );
    assert_eq!(
        error_of("[defaults.workload]\nweights = { CP = -3 }\n"),
        "policy.toml: defaults.workload.weights.CP: expected a number, 0 or more, found -3"
    );
    assert_eq!(
        error_of("[defaults.drift]\nno_progress_discussions = 1\n"),
        "policy.toml: defaults.drift.no_progress_discussions: expected a whole number of \
         discussions from 2 to 10000, found 1"
    );
}

#[test]
fn urn_keys_must_be_6_or_7_digits() {
    // Brief: "a URN key that is not 6–7 digits" is an error.
    assert_eq!(
        error_of("[schools.\"14001\"]\nrecord_within_working_days = 3\n"),
        "policy.toml: schools.\"14001\": expected a school URN of 6 or 7 digits, found \"14001\""
    );
    assert_eq!(
        error_of("[schools.lode-heath]\nrecord_within_working_days = 3\n"),
        "policy.toml: schools.lode-heath: expected a school URN of 6 or 7 digits, found \
         \"lode-heath\""
    );
}

#[test]
fn missing_preset_and_calendar_files_are_errors() {
    // Brief: "a missing preset/calendar file" names the file and the key.
    let message = error_of("[schools.\"140001\"]\npreset = \"presets/nope.toml\"\n");
    assert!(
        message.starts_with(
            "policy.toml: schools.\"140001\".preset: expected a readable preset file at \
             presets/nope.toml, but: "
        ),
        "{message}"
    );
    let message = error_with(&[(
        "policy.toml",
        "calendar = \"cal.csv\"\nbank_holidays = \"bank-holidays.csv\"\n",
    )]);
    assert!(
        message.starts_with(
            "policy.toml: calendar: expected a readable calendar file at cal.csv, but: "
        ),
        "{message}"
    );
    let message = error_with(&[("policy.toml", "calendar = \"calendar.csv\"\n")]);
    assert!(
        message.starts_with("policy.toml: missing field `bank_holidays`"),
        "{message}"
    );
}

#[test]
fn errors_in_a_preset_name_the_preset_file() {
    // Brief: a preset file's top-level keys are the same settings; errors name its file.
    let message = error_with(&[
        (
            "policy.toml",
            &format!("{HEAD}[defaults]\npreset = \"presets/a.toml\"\n"),
        ),
        (
            "presets/a.toml",
            "[[rules]]\nname = \"x\"\nkinds = [\"group\"]\nper = \"fortnight\"\nmin = 1\n",
        ),
    ]);
    assert_eq!(
        message,
        "presets/a.toml: rules[0].per: expected one of half_term, term, academic_year, found \
         \"fortnight\""
    );
    let message = error_with(&[
        (
            "policy.toml",
            &format!("{HEAD}[defaults]\npreset = \"presets/a.toml\"\n"),
        ),
        ("presets/a.toml", "preset = \"b.toml\"\n"),
    ]);
    assert_eq!(
        message,
        "presets/a.toml: preset: expected no `preset` key (a preset cannot name another \
         preset), found \"b.toml\""
    );
    let message = error_with(&[
        (
            "policy.toml",
            &format!("{HEAD}[defaults]\npreset = \"presets/a.toml\"\n"),
        ),
        ("presets/a.toml", "in_scope = [\"DSL\"]\n"),
    ]);
    assert!(
        message.starts_with("presets/a.toml: line 1, column 1: in_scope: unknown field"),
        "{message}"
    );
}

#[test]
fn calendar_errors_name_the_calendar_file() {
    // 04: "a calendar with overlapping or unordered half-terms" is an error naming the file.
    let bad = CALENDAR.replace("2026-04-13,2026-05-22", "2026-03-20,2026-05-22");
    let message = error_with(&[("policy.toml", HEAD), ("calendar.csv", &bad)]);
    assert_eq!(
        message,
        "calendar.csv: line 6: starts_on: expected a date after 2026-03-27 (the end of \
         2025/26 SP2 on line 5); half-terms must not overlap, found 2026-03-20"
    );
}

// ---------------------------------------------------------------- resolution

#[test]
fn spec_defaults_apply_when_no_layer_gives_a_key() {
    // 04 example [defaults] and 02 defaults: DSL, DDSL, PASTORAL_LEAD; 5; 5; 24; CP 42 ...
    let policy = policy_of("");
    let s = policy.settings("100001");
    assert_eq!(s, &Settings::default());
    assert_eq!(
        s.in_scope_roles,
        [Role::Dsl, Role::Ddsl, Role::PastoralLead]
    );
    assert_eq!(s.drift.review_days[&CaseCategory::Eh], 84);
    assert_eq!(s.workload.weights[&CaseCategory::StepDown], 0.5);
    assert_eq!(s.workload.max_weighted_caseload, 40.0);
    assert_eq!(policy.suppress_below(), 3);
    assert_eq!(s.rules[0].per, Some(Granularity::HalfTerm));
}

#[test]
fn resolution_is_defaults_then_preset_then_school() {
    // Brief (team decision on presets): defaults → the preset named by the school (or by
    // defaults) → the school's own keys; each key replaces the earlier value whole;
    // drift/workload sub-keys are keys of their own. 04: "A school in the data with no
    // override uses [defaults]."
    let dir = dir_with(&[
        (
            "policy.toml",
            &format!(
                "{HEAD}suppress_below = 5\n\
                 [defaults]\n\
                 preset = \"presets/trust.toml\"\n\
                 record_within_working_days = 4\n\
                 reschedule_within_working_days = 9\n\
                 in_scope_roles = [\"DSL\"]\n\
                 [defaults.drift]\noverdue_days = 20\nescalation_days = 7\n\
                 [schools.\"100001\"]\n\
                 preset = \"presets/strict.toml\"\n\
                 record_within_working_days = 2\n\
                 [schools.\"100001\".drift]\nescalation_days = 3\n\
                 [schools.\"100002\"]\n\
                 training_valid_months = 12\n"
            ),
        ),
        (
            "presets/trust.toml",
            "reschedule_within_working_days = 8\n[workload]\nmax_cases_per_hour = 9\n",
        ),
        (
            "presets/strict.toml",
            "record_within_working_days = 1\nin_scope_roles = [\"ddsl\", \"DSL\", \"DSL\"]\n\
             required_functions = [\"supportive\", \"managerial\"]\n\
             [[rules]]\nname = \"gap\"\nkinds = [\"group\", \"one_to_one\"]\nmax_gap_working_days = 20\n\
             [drift]\noverdue_days = 10\nreview_days = { CP = 10 }\n\
             [workload]\nweights = { CP = 4 }\n",
        ),
    ]);
    let policy = load(&dir).unwrap();
    assert_eq!(policy.suppress_below(), 5);

    // 100001 names its own preset: the defaults' preset is not applied.
    let s = policy.settings("100001");
    assert_eq!(s.preset.as_deref(), Some("presets/strict.toml"));
    assert_eq!(s.record_within_working_days, 2); // school beats preset beats defaults
    assert_eq!(s.reschedule_within_working_days, 9); // from defaults (trust preset not used)
    assert_eq!(s.in_scope_roles, [Role::Dsl, Role::Ddsl]); // preset, canonical order
    assert_eq!(
        s.required_functions,
        [Function::Managerial, Function::Supportive]
    );
    assert_eq!(s.rules.len(), 1); // the preset's rules replace the default rules whole
    assert_eq!(
        s.rules[0].kinds,
        [SessionKind::OneToOne, SessionKind::Group]
    );
    assert_eq!(s.rules[0].max_gap_working_days, Some(20));
    assert_eq!(s.drift.overdue_days, 10); // preset beats defaults
    assert_eq!(s.drift.escalation_days, 3); // school's sub-key
    assert_eq!(s.drift.no_progress_discussions, 3); // spec default
    assert_eq!(s.drift.review_days.len(), 1); // map replaced whole
    assert_eq!(s.workload.weights.len(), 1);
    assert_eq!(s.workload.max_cases_per_hour, 12.0); // spec default

    // 100002 names no preset: the defaults' preset applies over the defaults' own keys.
    let s = policy.settings("100002");
    assert_eq!(s.preset.as_deref(), Some("presets/trust.toml"));
    assert_eq!(s.reschedule_within_working_days, 8);
    assert_eq!(s.record_within_working_days, 4);
    assert_eq!(s.training_valid_months, 12);
    assert_eq!(s.workload.max_cases_per_hour, 9.0);
    assert_eq!(s.drift.overdue_days, 20);
    assert_eq!(s.drift.escalation_days, 7);

    // A school with no table gets defaults + the defaults' preset.
    let s = policy.settings("999999");
    assert_eq!(s, policy.defaults());
    assert_eq!(s.reschedule_within_working_days, 8);
    assert_eq!(s.training_valid_months, 24);
}

// ---------------------------------------------------------------- tables

fn strings(df: &DataFrame, column: &str) -> Vec<Option<String>> {
    df.column(column)
        .unwrap()
        .cast(&DataType::String)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect()
}

fn some(values: &[&str]) -> Vec<Option<String>> {
    values.iter().map(|v| Some(v.to_string())).collect()
}

#[test]
fn policy_tables_have_one_row_per_school_and_setting() {
    // 04: "The metric queries read the resolved policy as a table (one row per school and
    // setting)"; "A school in the data with no override uses [defaults]."
    let policy = policy_of(
        "[schools.\"100001\"]\nin_scope_roles = [\"DSL\"]\nrequired_functions = [\"mediation\"]\n\
         [[schools.\"100001\".rules]]\nname = \"gap\"\nkinds = [\"group\"]\nmax_gap_working_days = 30\n\
         [[schools.\"100001\".rules]]\nname = \"termly\"\nkinds = [\"group\", \"one_to_one\"]\nper = \"term\"\nmin = 2\n\
         [schools.\"100001\".workload]\nweights = { CP = 2.5 }\n",
    );
    let urns = vec![
        "200002".to_string(),
        "100001".to_string(),
        "200002".to_string(),
    ];
    let t = policy.tables(&urns);

    let schools = &t.policy_schools;
    assert_eq!(schools.height(), 2);
    assert_eq!(strings(schools, "school_urn"), some(&["100001", "200002"]));
    assert_eq!(
        strings(schools, "in_scope_roles"),
        some(&["DSL", "DSL;DDSL;PASTORAL_LEAD"])
    );
    assert_eq!(
        strings(schools, "required_functions"),
        some(&["mediation", "managerial;developmental;supportive"])
    );
    let requires: Vec<Option<bool>> = schools
        .column("requires_mediation")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(requires, [Some(true), Some(false)]);
    assert_eq!(
        schools.column("overdue_days").unwrap().dtype(),
        &DataType::Int64
    );
    assert_eq!(
        schools.column("max_cases_per_hour").unwrap().dtype(),
        &DataType::Float64
    );
    // Every setting with no table of its own is a column, under its name without
    // `drift.` or `workload.` (required_functions with a `requires_` column per
    // function), after school_urn and preset and before the trust-wide suppress_below
    // (26 columns for the 20 keys, six of them added by spec 04).
    // A target (spec 04 `[targets]`) is two columns, `target_<name>_green` and `_amber`.
    let own_tables = ["rules", "drift.review_days", "workload.weights"];
    let targets = SETTING_KEYS
        .iter()
        .filter(|k| k.starts_with("targets."))
        .count();
    for key in SETTING_KEYS.iter().filter(|k| !own_tables.contains(k)) {
        let column = key.rsplit('.').next().unwrap();
        let column = match key.strip_prefix("targets.") {
            Some(target) => format!("target_{target}_green"),
            None => column.to_string(),
        };
        assert!(schools.column(&column).is_ok(), "{key}");
    }
    assert_eq!(
        schools.width(),
        2 + SETTING_KEYS.len() - own_tables.len() + targets + Function::ALL.len() + 1
    );

    assert_eq!(
        strings(&t.policy_roles, "role"),
        some(&["DSL", "DSL", "DDSL", "PASTORAL_LEAD"])
    );
    let rules = &t.policy_rules;
    assert_eq!(
        strings(rules, "rule"),
        some(&["gap", "termly", "half-termly"])
    );
    assert_eq!(
        strings(rules, "per"),
        vec![
            None,
            Some("term".to_string()),
            Some("half_term".to_string())
        ]
    );
    assert_eq!(
        strings(rules, "max_gap_working_days"),
        vec![Some("30".to_string()), None, None]
    );
    assert_eq!(
        strings(rules, "kinds"),
        some(&["group", "one_to_one;group", "one_to_one;group"])
    );
    assert_eq!(t.policy_rule_kinds.height(), 5);
    assert_eq!(t.policy_review_days.height(), 8); // both keep the defaults' CP/CIN/CLA/EH
    assert_eq!(t.policy_weights.height(), 12); // every category for each school
    assert_eq!(
        strings(&t.policy_weights, "weight")[..2],
        some(&["2.5", "0.0"])[..]
    );
}

#[test]
fn calendar_tables_and_working_days_in_sql() {
    // 02 Calendar: period ids; working_days(a, b) = working days d with a < d <= b; with
    // calendar_days, SQL computes it as idx(b) - idx(a).
    let policy = policy_of("");
    let t = policy.tables(&[]);
    assert_eq!(t.policy_schools.height(), 0);
    let periods = &t.calendar_periods;
    assert_eq!(periods.height(), 10);
    assert_eq!(
        strings(periods, "period_id")[..3],
        some(&["2025/26", "2025/26 AU", "2025/26 SP"])[..]
    );
    assert_eq!(
        periods.column("starts_on").unwrap().dtype(),
        &DataType::Date
    );
    let days = &t.calendar_days;
    // 2025-09-03 .. 2026-07-22 is 323 days, plus the 400-day margin.
    assert_eq!(days.height(), 323 + 400);

    let ctx = SQLContext::new();
    t.register(&ctx);
    let mut ctx = ctx;
    let out = ctx
        .execute(
            "SELECT b.working_day_index - a.working_day_index AS wd, b.reporting_half_term AS rht \
             FROM calendar_days a CROSS JOIN calendar_days b \
             WHERE a.date = DATE '2026-05-01' AND b.date = DATE '2026-05-05'",
        )
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(strings(&out, "wd"), some(&["1"]));
    assert_eq!(strings(&out, "rht"), some(&["2025/26 SU1"]));
    let late = ctx
        .execute(
            "SELECT reporting_half_term, academic_year, working_day_index FROM calendar_days \
             WHERE date = DATE '2026-08-31' OR date = DATE '2026-09-01' ORDER BY date",
        )
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(
        strings(&late, "reporting_half_term"),
        vec![Some("2025/26 SU2".to_string()), None]
    );
    let total = policy.calendar().working_day_index(date("2027-01-01"));
    assert_eq!(
        strings(&late, "working_day_index"),
        some(&[&total.to_string(), &total.to_string()])
    );
}

pub(super) fn date(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn calendar_days_index_agrees_with_working_days() {
    // 02 Calendar: working_days(a, b) = idx(b) - idx(a) must match the Rust calendar.
    let policy = policy_of("");
    let c = policy.calendar();
    let t = policy.tables(&[]);
    let index: Vec<i64> = t
        .calendar_days
        .column("working_day_index")
        .unwrap()
        .i64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    let first = c.first_day();
    for (i, a) in first.iter_days().take(index.len()).enumerate().step_by(7) {
        for (j, b) in first.iter_days().take(index.len()).enumerate().step_by(11) {
            assert_eq!(c.working_days(a, b), index[j] - index[i]);
        }
    }
}

// ---------------------------------------------------------------- rules in words and JSON

/// The text of each statement of `rules_in_words`.
pub(super) fn texts(policy: &Policy, urn: &str) -> Vec<String> {
    policy
        .rules_in_words(urn)
        .into_iter()
        .map(|s| s.text)
        .collect()
}

#[test]
fn describe_defaults_in_plain_english() {
    // Brief: rules_in_words(urn) gives the school's rules in plain English for the packs.
    let policy = policy_of("");
    let lines = texts(&policy, "100001");
    assert_eq!(
        lines,
        [
            "Supervision is due for: DSL, deputy DSL and pastoral lead",
            "At least 1 one-to-one or group session each half-term (rule \"half-termly\")",
            "Cancelled or missed sessions rescheduled within 5 working days",
            "Records completed within 5 working days",
            "Supervisors' safeguarding training renewed at least every 24 months",
            "DSLs' and deputies' own DSL training renewed at least every 24 months",
            "Over the year each person's supervision covers the managerial, developmental and \
             supportive functions",
            "A case drifts when one of its actions is more than 28 days overdue",
            "Cases discussed in supervision at least every 42 days (CP, CIN, CLA) and every 84 \
             days (EH)",
            "A case drifts when its safety score has not improved over its last 3 scored \
             discussions",
            "An escalated case is followed up in supervision within 14 days",
            "An agreed action still open after 3 later discussions of its case counts as \
             carried over",
            "Weighted caseload of no more than 40 per person (weights: CP 3, CIN 2, CLA 2, EH 1, \
             concern 0.5, step-down 0.5)",
            "No more than 12 cases discussed per hour of supervision",
        ]
    );
    let policy = policy_of(
        "[[schools.\"100001\".rules]]\nname = \"both\"\nkinds = [\"group\"]\nper = \"term\"\n\
         min = 2\nmax_gap_working_days = 30\n",
    );
    let lines = texts(&policy, "100001");
    assert_eq!(
        lines[1],
        "At least 2 group sessions each term (rule \"both\")"
    );
    assert_eq!(
        lines[2],
        "No more than 30 working days between group sessions (rule \"both\")"
    );
}

#[test]
fn resolved_policy_serialises_to_json() {
    // 04: "The run's manifest.json records ... the resolved policy."
    let policy = policy_of("[schools.\"100001\"]\nin_scope_roles = [\"dsl\"]\n");
    let json = policy.to_json();
    assert_eq!(json["calendar"], "calendar.csv");
    assert_eq!(json["suppress_below"], 3);
    assert_eq!(json["schools"]["100001"]["in_scope_roles"][0], "DSL");
    assert_eq!(json["defaults"]["rules"][0]["per"], "half_term");
    assert_eq!(json["defaults"]["drift"]["review_days"]["EH"], 84);
    assert_eq!(json["defaults"]["workload"]["weights"]["CP"], 3.0);
    assert!(json["defaults"]["preset"].is_null());
}

// ---------------------------------------------------------------- sample data

pub(super) fn sample_policy_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/policy.toml")
}

#[test]
fn sample_policy_resolves_all_five_presets() {
    // 04 "The five seed policies, as presets" (table of rules per seed); brief: each
    // preset resolves over [defaults], drift/workload merged key by key.
    let policy = Policy::load(sample_policy_path()).unwrap_or_else(|e| panic!("{e}"));
    let defaults = Settings::default();
    assert_eq!(policy.suppress_below(), 3);
    assert_eq!(policy.schools().len(), 5);
    use Role::*;

    // Lode Heath: termly >= 1 planned one_to_one (04 "(changed: group no longer
    // counts)"); gap <= 60; six roles and case owners; five functions.
    let s = policy.settings("140001");
    assert_eq!(s.preset.as_deref(), Some("presets/lode-heath.toml"));
    assert_eq!(
        s.in_scope_roles,
        [Dsl, Ddsl, PastoralLead, YearHead, Senco, FamilySupport]
    );
    assert_eq!(
        s.rules,
        [Rule {
            name: "termly".into(),
            kinds: vec![SessionKind::OneToOne],
            per: Some(Granularity::Term),
            min: Some(1),
            max_gap_working_days: Some(60),
            planned_only: true,
            min_minutes: None,
        }]
    );
    assert_eq!(
        s.required_functions,
        [
            Function::Managerial,
            Function::Developmental,
            Function::Supportive,
            Function::MultiAgency,
            Function::VoiceOfChild
        ]
    );
    assert_eq!(s.drift, defaults.drift);
    assert_eq!(s.workload, defaults.workload);

    // Captain Cook: half-termly >= 1 one_to_one; gap <= 20; training 24; 10 cases an hour,
    // the weights and caseload limit still the defaults'.
    let s = policy.settings("140002");
    assert_eq!(s.rules.len(), 1);
    assert_eq!(s.rules[0].kinds, [SessionKind::OneToOne]);
    assert_eq!(s.rules[0].per, Some(Granularity::HalfTerm));
    assert_eq!(s.rules[0].min, Some(1));
    assert_eq!(s.rules[0].max_gap_working_days, Some(20));
    assert_eq!(s.training_valid_months, 24);
    assert_eq!(s.workload.max_cases_per_hour, 10.0);
    assert_eq!(s.workload.max_weighted_caseload, 40.0);
    assert_eq!(s.workload.weights, defaults.workload.weights);

    // Cornerstone: half-termly >= 1 one_to_one for DSL, DDSL, PASTORAL_LEAD, YEAR_HEAD;
    // rescheduled within 5 working days.
    let s = policy.settings("140003");
    assert_eq!(s.in_scope_roles, [Dsl, Ddsl, PastoralLead, YearHead]);
    assert_eq!(s.reschedule_within_working_days, 5);
    assert_eq!(s.rules[0].kinds, [SessionKind::OneToOne]);
    assert_eq!(s.rules[0].max_gap_working_days, None);

    // Temple: half-termly >= 1 one_to_one for DSL, DDSL.
    let s = policy.settings("140004");
    assert_eq!(s.in_scope_roles, [Dsl, Ddsl]);
    assert_eq!(
        (s.rules[0].per, s.rules[0].min),
        (Some(Granularity::HalfTerm), Some(1))
    );
    assert_eq!(s.required_functions, defaults.required_functions);

    // Ashbury Meadow: group every 30 working days; half-termly >= 1 (one_to_one or
    // group); functions managerial, developmental, supportive, mediation; in scope DSL,
    // DDSL (04: the policy is "for DSLs").
    let s = policy.settings("140005");
    assert_eq!(s.in_scope_roles, [Dsl, Ddsl]);
    assert_eq!(s.rules.len(), 2);
    assert_eq!(s.rules[0].name, "group-6-weekly");
    assert_eq!(s.rules[0].kinds, [SessionKind::Group]);
    assert_eq!((s.rules[0].per, s.rules[0].min), (None, None));
    assert_eq!(s.rules[0].max_gap_working_days, Some(30));
    assert_eq!(
        s.rules[1].kinds,
        [SessionKind::OneToOne, SessionKind::Group]
    );
    assert!(s.required_functions.contains(&Function::Mediation));
    assert_eq!(s.required_functions.len(), 4);

    let lines = texts(&policy, "140001");
    assert_eq!(
        lines[0],
        "Supervision is due for: DSL, deputy DSL, pastoral lead, head of year, SENCO and \
         family support worker"
    );
    assert_eq!(
        lines[3],
        "No more than 60 working days between one-to-one sessions (rule \"termly\")"
    );
    let t = policy.tables(&policy.schools().keys().cloned().collect::<Vec<_>>());
    assert_eq!(t.policy_schools.height(), 5);
    assert_eq!(t.policy_rules.height(), 6);
}

#[test]
fn sample_calendar_matches_the_sample_readme_working_days() {
    // 02 Calendar (working_days, add_working_days) checked against the hand-worked figures
    // in sample-data/README.md.
    let policy = Policy::load(sample_policy_path()).unwrap_or_else(|e| panic!("{e}"));
    let c = policy.calendar();
    let wd = |a: &str, b: &str| c.working_days(date(a), date(b));
    assert_eq!(wd("2026-09-01", "2026-11-23"), 54); // "the year so far has only 54"
    assert_eq!(wd("2025-09-17", "2026-03-25"), 115); // S-1001 to S-1012
    assert_eq!(wd("2025-10-15", "2026-01-28"), 60); // S-1003 to S-1008, "exactly 60"
    assert_eq!(wd("2026-09-09", "2026-10-07"), 20); // S-2025 to S-2029
    assert_eq!(wd("2026-09-23", "2026-11-18"), 35); // S-2027 to S-2033
    assert_eq!(wd("2025-11-05", "2025-12-17"), 30); // S-5004 to S-5006
    assert_eq!(wd("2026-10-21", "2026-11-05"), 6); // S-1025 recorded on the 6th day
    assert_eq!(wd("2026-10-21", "2026-11-02"), 3); // S-5018 recorded over half-term
    let add = |d: &str, n: u32| c.add_working_days(date(d), n).map(|d| d.to_string());
    for (held, ends) in [
        ("2026-09-16", "2026-09-23"),
        ("2026-09-30", "2026-10-07"),
        ("2026-10-07", "2026-10-14"),
        ("2026-10-21", "2026-11-04"), // over half-term
        ("2026-11-04", "2026-11-11"),
        ("2026-11-18", "2026-11-25"),
        ("2026-04-29", "2026-05-07"), // over the Early May bank holiday
    ] {
        assert_eq!(add(held, 5).as_deref(), Some(ends), "{held}");
    }
    assert_eq!(
        c.academic_year_of(date("2026-11-23")).unwrap().to_string(),
        "2026/27"
    );
    assert_eq!(c.years().len(), 3);
}

// ---------------------------------------------------------------- the declaration's docs

#[test]
fn docs_policy_md_shows_the_declared_settings() {
    // Issue #21: docs/policy.md's settings table is made from the declaration (keys.rs),
    // between two markers; `OVERSIGHT_WRITE_DOCS=1` writes it there.
    const BEGIN: &str = "<!-- settings: made from src/policy/keys.rs by settings_doc() -->\n";
    const END: &str = "<!-- end of settings -->\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/policy.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text
        .find(BEGIN)
        .expect("docs/policy.md marks its settings table")
        + BEGIN.len();
    let stop = start + text[start..].find(END).expect("the table's end is marked");
    let table = settings_doc();
    if text[start..stop] == table {
        return;
    }
    if std::env::var_os("OVERSIGHT_WRITE_DOCS").is_some() {
        std::fs::write(&path, format!("{}{table}{}", &text[..start], &text[stop..])).unwrap();
        return;
    }
    panic!(
        "docs/policy.md's settings table is not keys.rs's: run \
         `OVERSIGHT_WRITE_DOCS=1 cargo test -p oversight --lib policy::tests::docs` to write it:\n{table}"
    );
}
