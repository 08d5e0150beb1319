//! Tests of the whole generator: determinism, the requested counts, the contract's
//! headers, and an independent check of every bundle row (references, enums, dates)
//! that must find exactly the planted defects and nothing else.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{Months, NaiveDate};

use super::*;
use crate::model::{ActionStatus, CaseCategory, Function, Phase, Role, SessionKind, SessionStatus};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 15).unwrap()
}

fn options(trusts: usize, schools: usize, years: u32, seed: u64) -> GenerateOptions {
    GenerateOptions {
        trusts,
        schools,
        years,
        seed,
        today: today(),
    }
}

/// Every file under `dir`, relative path → bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for trust in std::fs::read_dir(dir).unwrap() {
        let trust = trust.unwrap().path();
        for file in std::fs::read_dir(&trust).unwrap() {
            let file = file.unwrap().path();
            let rel = file.strip_prefix(dir).unwrap().to_path_buf();
            files.insert(rel, std::fs::read(&file).unwrap());
        }
    }
    files
}

#[test]
fn same_options_give_identical_bytes() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let opts = options(3, 12, 1, 7);
    let sa = generate(a.path(), &opts).unwrap();
    let sb = generate(b.path(), &opts).unwrap();
    assert_eq!(sa, sb);
    let (fa, fb) = (snapshot(a.path()), snapshot(b.path()));
    assert_eq!(fa.len(), 3 * 8);
    assert!(fa == fb, "same options wrote different bytes");
    generate(c.path(), &options(3, 12, 1, 8)).unwrap();
    assert!(
        fa != snapshot(c.path()),
        "another seed wrote the same bundles"
    );
}

#[test]
fn exact_trust_and_school_counts() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(dir.path(), &options(5, 17, 1, 1)).unwrap();
    assert_eq!(summary.bundles, 5);
    assert_eq!(summary.rows["schools"], 17);
    let mut urns = HashSet::new();
    for t in 1..=5 {
        let folder = dir.path().join(format!("TR{t:04}"));
        let mut reader = csv::Reader::from_path(folder.join("schools.csv")).unwrap();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert!(!rows.is_empty(), "every trust has a school");
        for row in rows {
            assert_eq!(&row[0], format!("TR{t:04}"));
            assert!(urns.insert(row[2].to_string()), "URN repeated");
        }
    }
    assert_eq!(urns.len(), 17);
    assert!(!dir.path().join("TR0006").exists());
    // The summary's counts are the files' rows, and its bytes their sizes.
    let files = snapshot(dir.path());
    let bytes: u64 = files.values().map(|f| f.len() as u64).sum();
    assert_eq!(summary.bytes, bytes);
    for (stem, n) in &summary.rows {
        let lines: u64 = files
            .iter()
            .filter(|(p, _)| p.file_name().unwrap() == format!("{stem}.csv").as_str())
            .map(|(_, f)| csv::Reader::from_reader(f.as_slice()).records().count() as u64)
            .sum();
        assert_eq!(lines, *n, "{stem}");
    }
}

#[test]
fn every_file_has_the_contract_header() {
    // Spelled out from spec 01, independently of the writer's own list.
    let expected = [
        (
            "schools.csv",
            "trust_id,trust_name,school_urn,school_name,phase,local_authority",
        ),
        (
            "staff.csv",
            "staff_id,school_urn,display_name,role,started_on,left_on,supervisor_trained_on,\
             dsl_trained_on",
        ),
        (
            "contracts.csv",
            "supervisee_id,supervisor_id,agreed_on,review_due_on",
        ),
        (
            "sessions.csv",
            "session_id,school_urn,held_on,supervisor_id,kind,planned,status,\
             duration_minutes,recorded_on,signed_supervisor,signed_supervisee,functions",
        ),
        ("attendees.csv", "session_id,staff_id"),
        (
            "cases.csv",
            "case_id,school_urn,category,owner_id,opened_on,closed_on",
        ),
        (
            "discussions.csv",
            "session_id,case_id,safety_score,escalated",
        ),
        (
            "actions.csv",
            "action_id,session_id,case_id,owner_id,due_on,completed_on,status",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &options(2, 3, 1, 3)).unwrap();
    for trust in ["TR0001", "TR0002"] {
        for (file, header) in expected {
            let text = std::fs::read_to_string(dir.path().join(trust).join(file)).unwrap();
            assert_eq!(text.lines().next(), Some(header), "{trust}/{file}");
        }
    }
}

#[test]
fn options_that_cannot_be_met_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    for bad in [
        options(0, 5, 1, 1),
        options(4, 3, 1, 1),
        options(1, 1, 0, 1),
    ] {
        assert!(matches!(
            generate(dir.path(), &bad),
            Err(GenerateError::Options(_))
        ));
    }
}

#[test]
fn bundles_are_whole_except_the_planted_defects() {
    // A high defect rate, so every kind of defect is planted and must be found.
    let dir = tempfile::tempdir().unwrap();
    let summary = generate_with(dir.path(), &options(3, 14, 2, 11), 1.0 / 60.0).unwrap();
    let found = check_run(dir.path(), &summary);
    assert!(
        found.kinds.len() >= 5,
        "every defect kind occurs: {found:?}"
    );
    assert_eq!(found.total(), summary.defects);
}

#[test]
fn defects_are_rare_at_the_real_rate() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(dir.path(), &options(2, 20, 1, 42)).unwrap();
    let found = check_run(dir.path(), &summary);
    assert_eq!(found.total(), summary.defects);
    let rows: u64 = summary.rows.values().sum();
    assert!(rows > 4_000, "a realistic volume: {rows}");
    assert!(
        summary.defects * 2_000 <= rows,
        "{} defects in {rows} rows",
        summary.defects
    );
}

#[test]
fn realistic_shape() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(dir.path(), &options(3, 20, 1, 42)).unwrap();
    let r = &summary.rows;
    // Per school: tens of staff, sessions and cases; discussions outnumber sessions.
    assert!(r["staff"] >= 20 * 20 && r["staff"] <= 20 * 140);
    assert!(r["sessions"] >= 20 * 10, "{r:?}");
    assert!(r["cases"] >= 20 * 3, "{r:?}");
    assert!(r["discussions"] > r["sessions"], "{r:?}");
    assert!(r["actions"] > r["sessions"] / 2, "{r:?}");
    assert!(r["attendees"] >= r["sessions"], "{r:?}");
}

// ---- an independent checker ----------------------------------------------------------

#[derive(Debug, Default)]
struct Found {
    kinds: BTreeMap<&'static str, u64>,
}

impl Found {
    fn add(&mut self, kind: &'static str) {
        *self.kinds.entry(kind).or_default() += 1;
    }
    fn total(&self) -> u64 {
        self.kinds.values().sum()
    }
}

#[test]
fn the_seed_rules_meet_real_looking_cases() {
    // Issue #12: `oversight generate` produces the new columns and situations: cases
    // nobody holds or held by a leaver, DSLs whose DSL training has lapsed and is
    // current, agreements with someone other than the session's supervisor, unplanned
    // and short held sessions.
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(dir.path(), &options(2, 12, 2, 5)).unwrap();
    let (mut empty_owner, mut leaver_owner, mut lapsed, mut current) = (0, 0, 0, 0);
    let (mut head_contracts, mut unplanned, mut short) = (0, 0, 0);
    for t in 1..=summary.bundles {
        let bundle = dir.path().join(format!("TR{t:04}"));
        let mut left = HashSet::new();
        let mut heads = HashSet::new();
        let mut dsls = HashSet::new();
        for r in read(&bundle, "staff.csv") {
            if &r[3] == "DSL" {
                dsls.insert(r[0].to_string());
            }
            if !r[5].is_empty() {
                left.insert(r[0].to_string());
            }
            if &r[3] == "HEADTEACHER" {
                heads.insert(r[0].to_string());
            }
            if let Some(trained) = opt_day(&r[7]) {
                match trained.checked_add_months(Months::new(24)).unwrap() >= today() {
                    true => current += 1,
                    false => lapsed += 1,
                }
            }
        }
        for r in read(&bundle, "cases.csv") {
            empty_owner += usize::from(r[3].is_empty());
            leaver_owner += usize::from(left.contains(&r[3]));
        }
        for r in read(&bundle, "contracts.csv") {
            // Everyone but the DSL is supervised by the DSL: an agreement of theirs with
            // the head names the wrong supervisor.
            head_contracts += usize::from(!dsls.contains(&r[0]) && heads.contains(&r[1]));
        }
        for r in read(&bundle, "sessions.csv") {
            if &r[6] == "held" {
                unplanned += usize::from(&r[5] == "false");
                short += usize::from(r[7].parse::<u32>().is_ok_and(|m| m < 60));
            }
        }
    }
    for (what, n) in [
        ("cases with no owner", empty_owner),
        ("cases held by a leaver", leaver_owner),
        ("lapsed DSL training", lapsed),
        ("current DSL training", current),
        ("agreements with the wrong supervisor", head_contracts),
        ("unplanned held sessions", unplanned),
        ("held sessions under an hour", short),
    ] {
        assert!(n > 0, "no {what}");
    }
}

fn check_run(dir: &Path, summary: &GenerateSummary) -> Found {
    let mut found = Found::default();
    for t in 1..=summary.bundles {
        check_bundle(&dir.join(format!("TR{t:04}")), today(), &mut found);
    }
    found
}

fn read(dir: &Path, file: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(dir.join(file))
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect()
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|_| panic!("bad date {text:?}"))
}

fn opt_day(text: &str) -> Option<NaiveDate> {
    (!text.is_empty()).then(|| day(text))
}

fn boolean(text: &str) -> bool {
    match text {
        "true" => true,
        "false" => false,
        _ => panic!("bad boolean {text:?}"),
    }
}

/// Checks one bundle: any fault that is not a planted defect fails the test; planted
/// defects are counted by kind.
fn check_bundle(dir: &Path, today: NaiveDate, found: &mut Found) {
    let trust = dir.file_name().unwrap().to_str().unwrap();
    let mut schools = HashSet::new();
    for r in read(dir, "schools.csv") {
        assert_eq!(&r[0], trust);
        assert!(!r[1].is_empty() && !r[3].is_empty() && !r[5].is_empty());
        assert!(r[2].len() == 6 && r[2].bytes().all(|b| b.is_ascii_digit()));
        assert!(Phase::parse(&r[4]).is_some());
        assert!(schools.insert(r[2].to_string()), "URN repeated");
    }

    // staff_id -> (school, role); staff with a planted unknown role are kept apart.
    let mut staff: HashMap<String, (String, Role)> = HashMap::new();
    let mut bad_staff = HashSet::new();
    for r in read(dir, "staff.csv") {
        assert!(schools.contains(&r[1]));
        assert!(!r[2].is_empty());
        let started = day(&r[4]);
        assert!(started <= today);
        if let Some(left) = opt_day(&r[5]) {
            assert!(left > started && left <= today);
        }
        if let Some(trained) = opt_day(&r[6]) {
            assert!(trained <= today);
        }
        if let Some(trained) = opt_day(&r[7]) {
            assert!(trained <= today);
            assert!(
                matches!(&r[3], "DSL" | "DDSL"),
                "DSL training of a {}",
                &r[3]
            );
        }
        assert!(
            !staff.contains_key(&r[0]) && !bad_staff.contains(&r[0]),
            "staff id repeated"
        );
        match Role::parse(&r[3]) {
            Some(role) => {
                staff.insert(r[0].to_string(), (r[1].to_string(), role));
            }
            None => {
                found.add("unknown role");
                bad_staff.insert(r[0].to_string());
            }
        }
    }
    let staff_of = |id: &str, school: &str| {
        let (s, _) = staff
            .get(id)
            .unwrap_or_else(|| panic!("unknown staff {id}"));
        assert_eq!(s, school, "{id} belongs to another school");
    };

    let mut contracts = HashSet::new();
    for r in read(dir, "contracts.csv") {
        let school = &staff.get(&r[0]).expect("supervisee in staff").0;
        staff_of(&r[1], school);
        assert_ne!(&r[0], &r[1]);
        let agreed = day(&r[2]);
        assert!(agreed <= today);
        assert_eq!(
            day(&r[3]),
            agreed.checked_add_months(Months::new(12)).unwrap()
        );
        assert!(
            contracts.insert((r[0].to_string(), r[2].to_string())),
            "contract repeated"
        );
    }

    let mut cases: HashMap<String, (String, NaiveDate, Option<NaiveDate>)> = HashMap::new();
    for r in read(dir, "cases.csv") {
        assert!(schools.contains(&r[1]));
        assert!(CaseCategory::parse(&r[2]).is_some());
        // An empty owner is allowed: nobody holds the case (spec 01).
        if !r[3].is_empty() {
            staff_of(&r[3], &r[1]);
        }
        let opened = day(&r[4]);
        let closed = opt_day(&r[5]);
        assert!(opened <= today);
        if let Some(c) = closed {
            assert!(c > opened && c <= today);
        }
        let id = r[0].to_string();
        assert!(id.starts_with('K'));
        assert!(
            cases
                .insert(id, (r[1].to_string(), opened, closed))
                .is_none(),
            "case id repeated"
        );
    }

    // session_id -> (school, held_on, supervisor, held)
    let mut sessions: HashMap<String, (String, NaiveDate, String, bool)> = HashMap::new();
    for r in read(dir, "sessions.csv") {
        assert!(schools.contains(&r[1]));
        let held_on = day(&r[2]);
        assert!(held_on <= today, "held_on after today");
        staff_of(&r[3], &r[1]);
        assert!(SessionKind::parse(&r[4]).is_some());
        boolean(&r[5]);
        let status = SessionStatus::parse(&r[6]).unwrap();
        let held = status == SessionStatus::Held;
        if held {
            if r[7].is_empty() {
                found.add("held without duration");
            } else {
                let minutes: u32 = r[7].parse().unwrap();
                assert!((1..=600).contains(&minutes));
            }
        } else {
            assert!(r[7].is_empty() && r[8].is_empty());
        }
        if let Some(recorded) = opt_day(&r[8]) {
            assert!(recorded >= held_on && recorded <= today, "recorded_on");
        }
        boolean(&r[9]);
        boolean(&r[10]);
        if !r[11].is_empty() {
            assert!(r[11].split(';').all(|f| Function::parse(f).is_some()));
        }
        let previous = sessions.insert(
            r[0].to_string(),
            (r[1].to_string(), held_on, r[3].to_string(), held),
        );
        assert!(previous.is_none(), "session id repeated");
    }

    let mut attended = HashSet::new();
    for r in read(dir, "attendees.csv") {
        let (school, _, supervisor, _) = sessions.get(&r[0]).expect("attendee's session");
        staff_of(&r[1], school);
        assert_ne!(&r[1], supervisor.as_str(), "supervisor listed as attendee");
        assert!(
            attended.insert((r[0].to_string(), r[1].to_string())),
            "attendee repeated"
        );
    }
    let with_attendees: HashSet<&str> = attended.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        with_attendees.len(),
        sessions.len(),
        "a session without attendees"
    );

    let mut per_session: HashMap<String, usize> = HashMap::new();
    for r in read(dir, "discussions.csv") {
        let (school, held_on, _, held) = sessions.get(&r[0]).expect("discussion's session");
        assert!(held, "discussion in a session not held");
        match cases.get(&r[1]) {
            Some((case_school, opened, closed)) => {
                assert_eq!(case_school, school);
                assert!(*opened <= *held_on && closed.is_none_or(|c| c > *held_on));
            }
            None => found.add("discussion of unknown case"),
        }
        if !r[2].is_empty() {
            let score: u32 = r[2].parse().unwrap();
            assert!(score <= 10);
        }
        boolean(&r[3]);
        *per_session.entry(r[0].to_string()).or_default() += 1;
    }
    assert!(per_session.values().all(|&n| (1..=25).contains(&n)));

    let mut actions = HashSet::new();
    for r in read(dir, "actions.csv") {
        assert!(actions.insert(r[0].to_string()), "action id repeated");
        let (school, held_on, _, held) = sessions.get(&r[1]).expect("action's session");
        assert!(held);
        if !r[2].is_empty() {
            assert_eq!(&cases.get(&r[2]).expect("action's case").0, school);
        }
        staff_of(&r[3], school);
        let due = day(&r[4]);
        let lead = (due - *held_on).num_days();
        assert!(
            (7..=42).contains(&lead),
            "due {lead} days after the session"
        );
        let completed = opt_day(&r[5]);
        if let Some(c) = completed {
            assert!(c <= today, "completed_on after today");
        }
        match ActionStatus::parse(&r[6]) {
            None => found.add("unknown action status"),
            Some(ActionStatus::Done) if completed.is_none() => found.add("done without date"),
            Some(ActionStatus::Done) => {}
            Some(_) => assert!(completed.is_none(), "open/cancelled with completed_on"),
        }
    }
}
