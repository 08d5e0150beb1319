//! The keys spec 04 added for the seeds' rules in full (case owners in scope, planned
//! and long-enough sessions, agreements, DSL training, policy review dates) and the
//! provenance of every resolved setting (spec 03, "Provenance of every rule").

use super::tests::{HEAD, date, dir_with, error_of, load, policy_of, sample_policy_path};
use super::*;
use polars::prelude::*;

fn error_in_preset(preset: &str) -> String {
    let dir = dir_with(&[
        (
            "policy.toml",
            &format!("{HEAD}[schools.\"100001\"]\npreset = \"presets/p.toml\"\n"),
        ),
        ("presets/p.toml", preset),
    ]);
    let message = load(&dir).unwrap_err().to_string();
    message.replace(&format!("{}/", dir.path().display()), "")
}

#[test]
fn added_keys_default_to_the_spec_values() {
    // 04 "Keys added": in_scope_case_owners (default false), planned_only (default false),
    // min_minutes (default none), contracts_required (default false),
    // contract_review_months (default 12), dsl_training_valid_months (default 24),
    // policy_reviewed_on / policy_review_due_on (optional).
    let policy = policy_of("");
    let s = policy.settings("100001");
    assert!(!s.in_scope_case_owners);
    assert!(!s.contracts_required);
    assert_eq!(s.contract_review_months, 12);
    assert_eq!(s.dsl_training_valid_months, 24);
    assert_eq!((s.policy_reviewed_on, s.policy_review_due_on), (None, None));
    assert!(!s.rules[0].planned_only);
    assert_eq!(s.rules[0].min_minutes, None);
}

#[test]
fn added_keys_resolve_like_the_others() {
    // 04: "Keys added (each may be set in [defaults], a preset or a school's table)";
    // each layer's key replaces the earlier value whole.
    let policy = policy_of(
        "[defaults]\ncontracts_required = true\ncontract_review_months = 6\n\
         [schools.\"100001\"]\ncontracts_required = false\nin_scope_case_owners = true\n\
         dsl_training_valid_months = 36\npolicy_reviewed_on = 2025-06-30\n\
         policy_review_due_on = 2026-06-30\n\
         [[schools.\"100001\".rules]]\nname = \"long\"\nkinds = [\"one_to_one\"]\n\
         per = \"half_term\"\nmin = 1\nplanned_only = true\nmin_minutes = 120\n",
    );
    let s = policy.settings("100001");
    assert!(!s.contracts_required); // the school's false beats the defaults' true
    assert_eq!(s.contract_review_months, 6); // from [defaults]
    assert!(s.in_scope_case_owners);
    assert_eq!(s.dsl_training_valid_months, 36);
    assert_eq!(s.policy_reviewed_on, Some(date("2025-06-30")));
    assert_eq!(s.policy_review_due_on, Some(date("2026-06-30")));
    assert!(s.rules[0].planned_only);
    assert_eq!(s.rules[0].min_minutes, Some(120));
    // A school without a table gets [defaults].
    let d = policy.settings("100002");
    assert!(d.contracts_required);
    assert!(!d.in_scope_case_owners);
    assert_eq!(d.policy_review_due_on, None);
}

#[test]
fn added_keys_are_checked_with_file_and_key_in_the_message() {
    // 04: "wrong types ... each is an error naming the file, the key and what was
    // expected."
    assert_eq!(
        error_of("[defaults]\ncontract_review_months = 0\n"),
        "policy.toml: defaults.contract_review_months: expected a whole number of months \
         from 1 to 10000, found 0"
    );
    assert_eq!(
        error_of("[defaults]\ndsl_training_valid_months = -1\n"),
        "policy.toml: defaults.dsl_training_valid_months: expected a whole number of months \
         from 1 to 10000, found -1"
    );
    assert_eq!(
        error_of(
            "[[schools.\"100001\".rules]]\nname = \"r\"\nkinds = [\"group\"]\nper = \"term\"\n\
             min = 1\nmin_minutes = 601\n"
        ),
        "policy.toml: schools.\"100001\".rules[0].min_minutes: expected a whole number of \
         minutes from 1 to 600 (the longest session), found 601"
    );
    assert_eq!(
        error_of("[defaults]\npolicy_reviewed_on = 2025-06-30T10:00:00\n"),
        "policy.toml: defaults.policy_reviewed_on: expected a TOML date like 2025-09-01 (no \
         time of day), found 2025-06-30T10:00:00"
    );
    assert_eq!(
        error_of(
            "[defaults]\npolicy_reviewed_on = 2025-06-30\npolicy_review_due_on = 2025-06-01\n"
        ),
        "policy.toml: defaults.policy_review_due_on: expected a date on or after \
         policy_reviewed_on (2025-06-30), found 2025-06-01"
    );
    let message = error_of("[defaults]\ncontracts_required = \"yes\"\n");
    assert!(
        message.starts_with("policy.toml: line 4, column 22: defaults.contracts_required: "),
        "{message}"
    );
    let message = error_of("[defaults]\npolicy_review_due_on = \"Summer 2022\"\n");
    assert!(
        message.contains("defaults.policy_review_due_on"),
        "{message}"
    );
    let message = error_of(
        "[[defaults.rules]]\nname = \"r\"\nkinds = [\"group\"]\nper = \"term\"\nmin = 1\n\
         planned_only = 1\n",
    );
    assert!(
        message.contains("defaults.rules") && message.contains("planned_only"),
        "{message}"
    );
}

#[test]
fn a_source_quotes_only_settings_its_table_makes() {
    // Issue #12: the pack must not put words in a school's mouth, so a preset may quote
    // only what it sets (04: "a preset's source strings: the seed sentence behind each
    // setting").
    let message = error_in_preset(
        "in_scope_roles = [\"DSL\"]\n[source]\nrecord_within_working_days = \"Records are kept.\"\n",
    );
    assert!(
        message.starts_with(
            "presets/p.toml: source.record_within_working_days: expected a setting this table \
             makes (in_scope_roles)"
        ),
        "{message}"
    );
    let message = error_in_preset(
        "[[rules]]\nname = \"r\"\nkinds = [\"group\"]\nper = \"term\"\nmin = 1\n\
         [source]\n\"rules.r.min_minutes\" = \"An hour.\"\n",
    );
    assert!(
        message.starts_with("presets/p.toml: source.\"rules.r.min_minutes\": expected a setting"),
        "{message}"
    );
    let message = error_in_preset("in_scope_roles = [\"DSL\"]\n[source]\nin_scope_roles = \" \"\n");
    assert_eq!(
        message,
        "presets/p.toml: source.in_scope_roles: expected the policy's sentence, found an empty \
         string"
    );
    // The same keys, quoting what the preset sets, load.
    let dir = dir_with(&[
        (
            "policy.toml",
            &format!("{HEAD}[schools.\"100001\"]\npreset = \"presets/p.toml\"\n"),
        ),
        (
            "presets/p.toml",
            "in_scope_roles = [\"DSL\"]\n[[rules]]\nname = \"r\"\nkinds = [\"group\"]\n\
             per = \"term\"\nmin = 1\nmin_minutes = 60\n[source]\nin_scope_roles = \"For DSLs.\"\n\
             \"rules.r\" = \"Termly.\"\n\"rules.r.min_minutes\" = \"An hour.\"\n",
        ),
    ]);
    load(&dir).unwrap();
}

#[test]
fn added_keys_reach_the_policy_tables() {
    // 04: "The metric queries read the resolved policy as a table (one row per school and
    // setting)": the added keys are columns of policy_schools and policy_rules.
    let policy = policy_of(
        "[schools.\"100001\"]\ncontracts_required = true\ncontract_review_months = 18\n\
         in_scope_case_owners = true\ndsl_training_valid_months = 12\n\
         policy_review_due_on = 2022-08-31\n\
         [[schools.\"100001\".rules]]\nname = \"long\"\nkinds = [\"one_to_one\"]\n\
         per = \"half_term\"\nmin = 1\nplanned_only = true\nmin_minutes = 120\n",
    );
    let t = policy.tables(&["100001".to_string(), "100002".to_string()]);
    let s = &t.policy_schools;
    let bools =
        |c: &str| -> Vec<Option<bool>> { s.column(c).unwrap().bool().unwrap().iter().collect() };
    let ints = |df: &DataFrame, c: &str| -> Vec<Option<i64>> {
        df.column(c).unwrap().i64().unwrap().iter().collect()
    };
    assert_eq!(bools("contracts_required"), [Some(true), Some(false)]);
    assert_eq!(bools("in_scope_case_owners"), [Some(true), Some(false)]);
    assert_eq!(ints(s, "contract_review_months"), [Some(18), Some(12)]);
    assert_eq!(ints(s, "dsl_training_valid_months"), [Some(12), Some(24)]);
    let due = s.column("policy_review_due_on").unwrap();
    assert_eq!(due.dtype(), &DataType::Date);
    assert_eq!(due.null_count(), 1);
    assert_eq!(
        s.column("policy_reviewed_on").unwrap().null_count(),
        2,
        "no school gives policy_reviewed_on"
    );
    let r = &t.policy_rules;
    let planned: Vec<Option<bool>> = r
        .column("planned_only")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(planned, [Some(true), Some(false)]);
    assert_eq!(ints(r, "min_minutes"), [Some(120), None]);
}

#[test]
fn every_setting_records_where_it_came_from() {
    // Spec 03, "Provenance of every rule": the school's own rules are quoted and marked
    // as the school's; a setting inherited from the trust's [defaults] is "trust default".
    let dir = dir_with(&[
        (
            "policy.toml",
            &format!(
                "{HEAD}[defaults]\nrecord_within_working_days = 4\npreset = \"presets/trust.toml\"\n\
                 [schools.\"100001\"]\npreset = \"presets/own.toml\"\ntraining_valid_months = 12\n"
            ),
        ),
        (
            "presets/trust.toml",
            "reschedule_within_working_days = 7\n[source]\nreschedule_within_working_days = \"Within 7 days.\"\n",
        ),
        (
            "presets/own.toml",
            "in_scope_roles = [\"DSL\"]\n[[rules]]\nname = \"termly\"\nkinds = [\"one_to_one\"]\n\
             per = \"term\"\nmin = 1\nmin_minutes = 60\n\
             [source]\nin_scope_roles = \"Supervision is for the DSL.\"\n\
             \"rules.termly\" = \"Once a term.\"\n\"rules.termly.min_minutes\" = \"For an hour.\"\n",
        ),
    ]);
    let policy = load(&dir).unwrap();
    let statements = policy.rules_in_words("100001");
    let of = |setting: &str| {
        statements
            .iter()
            .find(|s| s.setting == setting)
            .unwrap_or_else(|| panic!("a statement of {setting}: {statements:?}"))
            .provenance
            .clone()
    };
    let school = |quote: Option<&str>| Provenance::School {
        quote: quote.map(str::to_string),
    };
    assert_eq!(
        of("in_scope_roles"),
        school(Some("Supervision is for the DSL."))
    );
    assert_eq!(of("rules.termly.per"), school(Some("Once a term.")));
    assert_eq!(of("rules.termly.min_minutes"), school(Some("For an hour.")));
    assert_eq!(of("training_valid_months"), school(None)); // the school's own table
    assert_eq!(
        of("record_within_working_days"),
        Provenance::TrustDefault { quote: None }
    );
    // The trust's preset is not applied to a school naming its own.
    assert_eq!(of("reschedule_within_working_days"), Provenance::BuiltIn);
    assert_eq!(of("drift.escalation_days"), Provenance::BuiltIn);
    assert_eq!(Provenance::BuiltIn.label(), "trust default");
    assert_eq!(school(None).label(), "school policy");

    // A school without a table gets the trust's preset: a trust default, quoted.
    let other = policy.rules_in_words("100002");
    let reschedule = other
        .iter()
        .find(|s| s.setting == "reschedule_within_working_days")
        .unwrap();
    assert_eq!(
        reschedule.provenance,
        Provenance::TrustDefault {
            quote: Some("Within 7 days.".to_string())
        }
    );
    assert_eq!(
        policy
            .settings("100002")
            .origin("reschedule_within_working_days")
            .layer,
        SettingLayer::TrustPreset
    );
    // The origins are part of the serialised policy (manifest.json).
    let json = policy.to_json();
    assert_eq!(
        json["schools"]["100001"]["origins"]["rules.termly.min_minutes"]["quote"],
        "For an hour."
    );
    assert_eq!(
        json["schools"]["100001"]["origins"]["training_valid_months"]["layer"],
        "school"
    );
}

#[test]
fn sample_presets_quote_every_rule_they_make_and_no_other() {
    // Issue #12: "Temple's evidence pack quotes only what Temple's policy says and labels
    // the rest as trust defaults": Temple's preset makes no rescheduling, recording or
    // caseload setting. And every setting a preset makes carries its seed sentence.
    let policy = Policy::load(sample_policy_path()).unwrap_or_else(|e| panic!("{e}"));
    let temple = policy.rules_in_words("140004");
    for setting in [
        "reschedule_within_working_days",
        "record_within_working_days",
        "workload.max_weighted_caseload",
        "workload.max_cases_per_hour",
    ] {
        let s = temple.iter().find(|s| s.setting == setting).unwrap();
        assert!(
            !s.provenance.is_schools(),
            "Temple does not state {setting}"
        );
        assert_eq!(s.provenance.label(), "trust default");
    }
    let roles = temple
        .iter()
        .find(|s| s.setting == "in_scope_roles")
        .unwrap();
    assert_eq!(
        roles.provenance.quote(),
        Some(
            "The designated Child Protection Officer will attend each session with information and individual case files."
        )
    );
    for urn in ["140001", "140002", "140003", "140004", "140005"] {
        for s in policy.rules_in_words(urn) {
            if s.provenance.is_schools() {
                assert!(
                    s.provenance.quote().is_some(),
                    "{urn}: {} ({}) has no seed sentence",
                    s.text,
                    s.setting
                );
            }
        }
    }
    // 04 presets table: Temple's contracts are reviewed within 12 months; Captain Cook's
    // sessions last at least 120 minutes; Ashbury Meadow's are for DSLs only.
    let s = policy.settings("140004");
    assert!(s.contracts_required && s.in_scope_case_owners);
    assert_eq!(s.rules[0].min_minutes, Some(45));
    assert_eq!(policy.settings("140002").rules[0].min_minutes, Some(120));
    assert!(policy.settings("140002").contracts_required);
    assert!(!policy.settings("140003").contracts_required);
    assert!(!policy.settings("140001").contracts_required);
    assert_eq!(policy.settings("140005").rules[1].min_minutes, Some(60));
}

#[test]
fn policy_review_dates_and_an_overdue_review() {
    // 04: policy_reviewed_on / policy_review_due_on "shown in the packs"; spec 03: the
    // pack "flags an overdue review". Cornerstone's review was due Summer 2022 (read as
    // 31 August 2022); Lode Heath: reviewed June 2025, due June 2026.
    let policy = Policy::load(sample_policy_path()).unwrap_or_else(|e| panic!("{e}"));
    let keystone = policy.review("140003");
    assert_eq!(keystone.due_on, Some(date("2022-08-31")));
    assert!(!keystone.is_overdue(date("2022-08-31"))); // due that day: not yet overdue
    assert!(keystone.is_overdue(date("2022-09-01")));
    let brackenfield = policy.review("140001");
    assert_eq!(brackenfield.reviewed_on, Some(date("2025-06-30")));
    assert_eq!(brackenfield.due_on, Some(date("2026-06-30")));
    let none = policy.review("150001");
    assert_eq!((none.reviewed_on, none.due_on), (None, None));
    assert!(!none.is_overdue(date("2030-01-01")));
}
