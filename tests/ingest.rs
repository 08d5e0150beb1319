//! Ingest through the real binary (spec 01, "Validation: nothing is lost" and "Identity
//! and re-ingest"; spec 03, "Store").

use std::fs;

use crate::util::{RAW_CASE_IDS, Workdir, parquet_files, quarantine, snapshot};

/// One quarantine reason: the row that triggers it and what the quarantine must say.
struct Reason {
    name: &'static str,
    file: &'static str,
    row: &'static str,
    column: &'static str,
    says: &'static str,
}

/// Spec 01: "Reasons include: wrong type, unknown enum value, missing required value,
/// dangling reference (...), a supervisor listed as attendee, `status`/`completed_on`
/// disagreeing, out-of-range numbers, a date before 1990 or more than a year after the
/// ingest, an id that repeats inside one file." Each row below is appended as the last
/// line of its file in the base bundle.
const REASONS: &[Reason] = &[
    Reason {
        name: "wrong type",
        file: "sessions.csv",
        row: "S9,100001,2025-11-05,HT1,one_to_one,true,held,sixty,,true,true,",
        column: "duration_minutes",
        says: "wrong type: \"sixty\" is not a whole number",
    },
    Reason {
        name: "wrong type (date)",
        file: "staff.csv",
        row: "T9,100001,Dan Dale,TEACHER,31/02/2024,,",
        column: "started_on",
        says: "is not a date",
    },
    Reason {
        name: "unknown enum value",
        file: "sessions.csv",
        row: "S9,100001,2025-11-05,HT1,zoom call,true,held,60,,true,true,",
        column: "kind",
        says: "unknown session kind \"zoom call\": expected one of one_to_one, group",
    },
    Reason {
        name: "missing required value",
        file: "staff.csv",
        row: "T9,100001,   ,TEACHER,2024-01-01,,",
        column: "display_name",
        says: "missing required value",
    },
    Reason {
        name: "held session without duration",
        file: "sessions.csv",
        row: "S9,100001,2025-11-05,HT1,one_to_one,true,held,,,true,true,",
        column: "duration_minutes",
        says: "a held session needs its duration",
    },
    Reason {
        name: "dangling reference: supervisor not in staff",
        file: "sessions.csv",
        row: "S9,100001,2025-11-05,NOBODY,one_to_one,true,held,60,,true,true,",
        column: "supervisor_id",
        says: "dangling reference: supervisor_id \"NOBODY\" is not in staff",
    },
    Reason {
        name: "dangling reference: school not in schools",
        file: "cases.csv",
        row: "K9,999999,CP,DSL1,2025-09-15,",
        column: "school_urn",
        says: "dangling reference: school_urn \"999999\" is not in schools",
    },
    Reason {
        name: "dangling reference: discussion of an unknown case",
        file: "discussions.csv",
        row: "S2,NO-SUCH-CASE,5,false",
        column: "case_id",
        says: "dangling reference: case_id (case ref C",
    },
    Reason {
        name: "supervisor listed as attendee",
        file: "attendees.csv",
        row: "S1,HT1",
        column: "staff_id",
        says: "supervisor listed as attendee",
    },
    Reason {
        name: "done action without completed_on",
        file: "actions.csv",
        row: "A9,S1,,DSL1,2025-11-01,,done",
        column: "completed_on",
        says: "status and completed_on disagree: a done action needs its completed_on",
    },
    Reason {
        name: "open action with completed_on",
        file: "actions.csv",
        row: "A9,S1,,DSL1,2025-11-01,2025-10-30,open",
        column: "completed_on",
        says: "status and completed_on disagree: an open action has a completed_on",
    },
    Reason {
        name: "out-of-range duration",
        file: "sessions.csv",
        row: "S9,100001,2025-11-05,HT1,one_to_one,true,held,601,,true,true,",
        column: "duration_minutes",
        says: "out of range: 601 is not within 1..600",
    },
    Reason {
        name: "out-of-range safety score",
        file: "discussions.csv",
        row: "S1,CHILD-SECRET-0002,11,false",
        column: "safety_score",
        says: "out of range: 11 is not within 0..10",
    },
    Reason {
        name: "date before 1990",
        file: "staff.csv",
        row: "T9,100001,Dan Dale,TEACHER,1989-12-31,,",
        column: "started_on",
        says: "out of range: 1989-12-31 is before 1990",
    },
    Reason {
        name: "date more than a year after the ingest",
        file: "actions.csv",
        row: "A9,S1,,DSL1,2099-01-01,,open",
        column: "due_on",
        says: "out of range: 2099-01-01 is more than a year after the ingest",
    },
    Reason {
        name: "unsafe trust id",
        file: "schools.csv",
        row: "../TR2,Evil Trust,100002,Beta School,primary,Testshire",
        column: "trust_id",
        says: "unsafe trust id \"../TR2\"",
    },
    Reason {
        name: "wrong number of fields",
        file: "attendees.csv",
        row: "S1,DDSL1,extra",
        column: "",
        says: "wrong number of fields: 3 where the header has 2",
    },
];

#[test]
fn each_quarantine_reason_names_file_line_column_and_reason() {
    for reason in REASONS {
        let work = Workdir::new();
        let bundle = work.bundle("bundle", &[(reason.file, reason.row)]);
        let line = fs::read_to_string(bundle.join(reason.file))
            .unwrap()
            .lines()
            .count() as u64;
        work.run(&["ingest", "--store", "store", "bundle"]).ok();
        let quarantined = quarantine(&work.path().join("store"));
        assert_eq!(
            quarantined.len(),
            1,
            "{}: exactly the planted row, got {quarantined:?}",
            reason.name
        );
        let (file, at, column, why) = &quarantined[0];
        assert_eq!(
            (file.as_str(), *at, column.as_str()),
            (reason.file, line, reason.column),
            "{}",
            reason.name
        );
        assert!(
            why.contains(reason.says),
            "{}: {why:?} should say {:?}",
            reason.name,
            reason.says
        );
    }
}

#[test]
fn an_id_repeated_in_a_file_quarantines_every_copy() {
    // Spec 01: "an id that repeats inside one file". Which copy is right cannot be
    // known, so neither is stored, and the rows that name it say where it went.
    let work = Workdir::new();
    work.bundle(
        "bundle",
        &[
            (
                "sessions.csv",
                "S3,100001,2025-11-05,HT1,one_to_one,true,held,60,,true,true,",
            ),
            (
                "sessions.csv",
                "S3,100001,2025-11-06,HT1,one_to_one,true,held,45,,true,true,",
            ),
            ("attendees.csv", "S3,DSL1"),
        ],
    );
    work.run(&["ingest", "--store", "store", "bundle"]).ok();
    let quarantined = quarantine(&work.path().join("store"));
    assert_eq!(quarantined.len(), 3, "{quarantined:?}");
    assert_eq!(quarantined[0].0, "attendees.csv");
    assert!(
        quarantined[0]
            .3
            .contains("session_id \"S3\" was quarantined"),
        "{:?}",
        quarantined[0]
    );
    assert!(
        quarantined[0].3.contains("sessions.csv line 4"),
        "{:?}",
        quarantined[0]
    );
    for (file, line, column, why) in &quarantined[1..] {
        assert_eq!(
            (file.as_str(), column.as_str()),
            ("sessions.csv", "session_id")
        );
        assert!([4, 5].contains(line));
        assert!(
            why.contains("repeated id: the same session_id appears on lines 4, 5"),
            "{why}"
        );
    }
}

#[test]
fn rows_read_equal_rows_stored_plus_quarantined_in_every_file() {
    // Spec 01: "rows read = rows stored + rows quarantined, per file, always, and the
    // ingest report says so." Three bad rows among good ones, in two files.
    let work = Workdir::new();
    work.bundle(
        "bundle",
        &[
            (
                "sessions.csv",
                "S3,100001,2025-11-05,HT1,one_to_one,true,held,60,,true,true,",
            ),
            (
                "sessions.csv",
                "S4,100001,2025-11-06,HT1,skype,true,held,45,,true,true,",
            ),
            ("attendees.csv", "S3,DSL1"),
            ("attendees.csv", "S4,DSL1"),
            ("attendees.csv", "S3,GHOST"),
        ],
    );
    let run = work.run(&["ingest", "--store", "store", "bundle"]);
    run.ok();
    let out = run.stdout();
    let row = |file: &str| {
        out.lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file} in the report:\n{out}"))
            .split_whitespace()
            .skip(1)
            .map(|n| n.parse::<u64>().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(row("sessions.csv"), vec![4, 3, 1]);
    assert_eq!(row("attendees.csv"), vec![5, 3, 2]);
    assert_eq!(row("schools.csv"), vec![1, 1, 0]);
    assert!(out.contains("all files"), "{out}");
    assert!(out.contains("rows read = stored + quarantined"), "{out}");
    // The store's version agrees with the report, and says which trust the stored rows
    // went to.
    let log = crate::util::ingest_log(&work.path().join("store"));
    assert!(
        log.iter()
            .any(|l| l[0].ends_with("attendees.csv") && l[4..] == ["5", "3", "2", "TR001"]),
        "{log:?}"
    );
}

#[test]
fn reingesting_the_same_bundle_changes_no_store_file() {
    // Spec 01: "Ingesting the same bundle twice changes nothing."
    let work = Workdir::new();
    work.bundle(
        "bundle",
        &[(
            "sessions.csv",
            "S3,100001,2025-11-05,HT1,zoom,true,held,60,,true,true,",
        )],
    );
    work.run(&["ingest", "--store", "store", "bundle"]).ok();
    let before = snapshot(&work.path().join("store"));
    let second = work.run(&["ingest", "--store", "store", "bundle"]);
    second.ok();
    assert!(
        second.stdout().contains("nothing changed") && second.stdout().contains("no new version"),
        "{}",
        second.stdout()
    );
    // No new version: every file of the store byte for byte as it was.
    assert_eq!(before, snapshot(&work.path().join("store")));
}

#[test]
fn a_newer_export_of_a_stored_id_replaces_the_row() {
    // Spec 01: "A row whose (trust_id, id) is already stored replaces the stored row."
    let work = Workdir::new();
    work.bundle("old", &[]);
    work.run(&["ingest", "--store", "store", "old"]).ok();
    let newer = work.path().join("newer");
    fs::create_dir_all(&newer).unwrap();
    fs::write(
        newer.join("actions.csv"),
        "action_id,session_id,case_id,owner_id,due_on,completed_on,status\n\
         A2,S1,,DSL1,2025-11-01,2025-11-03,done\n",
    )
    .unwrap();
    fs::write(
        newer.join("attendees.csv"),
        "session_id,staff_id\nS1,DDSL1\n",
    )
    .unwrap();
    work.run(&["ingest", "--store", "store", "newer"]).ok();

    let store = oversight::store::Store::open(&work.path().join("store")).unwrap();
    let actions = store
        .read_partition(oversight::contract::Table::Actions, "TR001")
        .unwrap()
        .unwrap();
    assert_eq!(actions.height(), 2, "A1 kept, A2 replaced");
    let status = actions.column("status").unwrap().str().unwrap();
    assert_eq!(status.get(1), Some("done"), "A2 is now done");
    // Attendees are replaced per session: S1 now has DDSL1 instead of DSL1.
    let attendees = store
        .read_partition(oversight::contract::Table::Attendees, "TR001")
        .unwrap()
        .unwrap();
    let pairs: Vec<(String, String)> = (0..attendees.height())
        .map(|i| {
            let get = |name: &str| {
                attendees
                    .column(name)
                    .unwrap()
                    .str()
                    .unwrap()
                    .get(i)
                    .unwrap()
                    .to_string()
            };
            (get("session_id"), get("staff_id"))
        })
        .collect();
    assert_eq!(
        pairs,
        vec![("S1".into(), "DDSL1".into()), ("S2".into(), "DDSL1".into())]
    );
}

#[test]
fn raw_case_ids_never_reach_the_store_and_case_refs_follow_the_key() {
    // Spec 01: case_ref = "C" + 12 hex digits of HMAC-SHA256(key, trust_id:case_id);
    // "the same key always gives the same case_ref".
    let refs = |key: &str| {
        let work = Workdir::new();
        work.bundle("bundle", &[("discussions.csv", "S2,GHOST-CASE-77,3,false")]);
        work.run_with(
            &["ingest", "--store", "store", "bundle"],
            &[("OVERSIGHT_KEY", key)],
        )
        .ok();
        for (path, bytes) in snapshot(&work.path().join("store")) {
            for raw in RAW_CASE_IDS.iter().chain(&["GHOST-CASE-77"]) {
                let found = bytes.windows(raw.len()).any(|w| w == raw.as_bytes());
                assert!(!found, "{raw} found in {}", path.display());
            }
        }
        let store = oversight::store::Store::open(&work.path().join("store")).unwrap();
        let cases = store
            .read_partition(oversight::contract::Table::Cases, "TR001")
            .unwrap()
            .unwrap();
        let refs: Vec<String> = cases
            .column("case_ref")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|r| r.unwrap().to_string())
            .collect();
        refs
    };
    let first = refs("key-one-of-enough-length");
    assert_eq!(first.len(), 2);
    for case_ref in &first {
        assert!(
            case_ref.len() == 13 && case_ref.starts_with('C'),
            "{case_ref}"
        );
        assert!(case_ref[1..].chars().all(|c| c.is_ascii_hexdigit()));
    }
    let key = oversight::ingest::PseudonymKey::from_bytes(
        b"key-one-of-enough-length".to_vec(),
        oversight::ingest::KeySource::Ephemeral,
    );
    let mut expected: Vec<String> = RAW_CASE_IDS
        .iter()
        .map(|id| key.case_ref("TR001", id))
        .collect();
    expected.sort();
    assert_eq!(first, expected);
    assert_eq!(
        refs("key-one-of-enough-length"),
        first,
        "stable across runs with the same key"
    );
    assert!(
        refs("key-two-of-enough-length")
            .iter()
            .all(|r| !first.contains(r)),
        "another key, other refs"
    );
}

#[test]
fn free_text_columns_are_dropped_and_named_in_the_report() {
    let work = Workdir::new();
    let bundle = work.bundle("bundle", &[]);
    fs::write(
        bundle.join("cases.csv"),
        "case_id,school_urn,category,owner_id,opened_on,closed_on,child_name,notes\n\
         CHILD-SECRET-0001,100001,CP,DSL1,2025-09-15,,Jo Bloggs-Example,worried about home\n\
         CHILD-SECRET-0002,100001,EH,DDSL1,2025-09-20,,Sam Example,\n",
    )
    .unwrap();
    let run = work.run(&["ingest", "--store", "store", "bundle"]);
    run.ok();
    assert!(
        run.stdout().contains("cases.csv: child_name, notes"),
        "{}",
        run.stdout()
    );
    for (path, bytes) in snapshot(&work.path().join("store")) {
        for secret in ["Jo Bloggs-Example", "worried about home", "Sam Example"] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} in {}",
                path.display()
            );
        }
    }
}

#[test]
fn references_may_point_at_rows_already_in_the_store() {
    // Spec 01 and the foundation issue: referential checks run "against what is
    // already in the store" too. A later export with only new sessions is accepted.
    let work = Workdir::new();
    work.bundle("first", &[]);
    work.run(&["ingest", "--store", "store", "first"]).ok();
    let later = work.path().join("later");
    fs::create_dir_all(&later).unwrap();
    fs::write(
        later.join("sessions.csv"),
        "session_id,school_urn,held_on,supervisor_id,kind,planned,status,duration_minutes,recorded_on,signed_supervisor,signed_supervisee,functions\n\
         S7,100001,2025-11-05,HT1,one_to_one,true,held,60,,true,true,\n\
         S8,100001,2025-11-06,NOBODY,one_to_one,true,held,60,,true,true,\n",
    )
    .unwrap();
    fs::write(
        later.join("attendees.csv"),
        "session_id,staff_id\nS7,DSL1\nS2,HT1\nS1,HT1\n",
    )
    .unwrap();
    fs::write(
        later.join("discussions.csv"),
        "session_id,case_id,safety_score,escalated\nS7,CHILD-SECRET-0001,6,false\n",
    )
    .unwrap();
    work.run(&["ingest", "--store", "store", "later"]).ok();
    let quarantined = quarantine(&work.path().join("store"));
    let summary: Vec<(&str, u64)> = quarantined.iter().map(|q| (q.0.as_str(), q.1)).collect();
    // S8's supervisor is nowhere; HT1 supervises stored session S1. S2 (supervised by
    // DSL1) may have HT1 as an attendee.
    assert_eq!(
        summary,
        vec![("attendees.csv", 4), ("sessions.csv", 3)],
        "{quarantined:?}"
    );
    assert!(quarantined[0].3.contains("supervisor listed as attendee"));
}

#[test]
fn strict_exits_3_when_anything_was_quarantined() {
    // Spec 03: "`ingest --strict` exits 3 when any row was quarantined."
    let work = Workdir::new();
    work.bundle("good", &[]);
    work.bundle("bad", &[("attendees.csv", "S1,HT1")]);
    work.run(&["ingest", "--strict", "--store", "a", "good"])
        .ok();
    let run = work.run(&["ingest", "--strict", "--store", "b", "bad"]);
    run.expect_code(3);
    assert!(
        run.stderr().contains("1 rows quarantined"),
        "{}",
        run.stderr()
    );
}

#[test]
fn unreadable_input_is_an_error_naming_file_and_line_not_a_panic() {
    // Spec 03: "1 an error (message says what and where, no panic, no stack trace)".
    let work = Workdir::new();
    let bundle = work.bundle("bundle", &[]);
    fs::write(
        bundle.join("staff.csv"),
        "staff_id,school_urn,role,started_on\nX,100001,DSL,2020-01-01\n",
    )
    .unwrap();
    let run = work.run(&["ingest", "--store", "store", "bundle"]);
    run.expect_code(1);
    let err = run.stderr();
    assert!(
        err.contains("staff.csv: line 1: missing required column \"display_name\""),
        "{err}"
    );
    assert!(err.contains("the store is as it was"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!work.path().join("store/staff").exists());

    let missing = work.run(&["ingest", "--store", "store", "no-such-folder"]);
    missing.expect_code(1);
    assert!(
        missing.stderr().contains("no-such-folder"),
        "{}",
        missing.stderr()
    );

    let usage = work.run(&["ingest", "bundle"]);
    usage.expect_code(2);
}

#[test]
fn validate_reports_without_writing() {
    let work = Workdir::new();
    work.bundle("bundle", &[("actions.csv", "A9,S1,,DSL1,2025-11-01,,done")]);
    let run = work.run(&["validate", "bundle"]);
    // Exit 3: the done action without completed_on would be quarantined (issue #19).
    run.expect_code(3);
    assert!(
        run.stdout().contains("dry run: nothing written"),
        "{}",
        run.stdout()
    );
    assert!(
        run.stdout()
            .contains("actions.csv line 4, column completed_on"),
        "{}",
        run.stdout()
    );
    let left: Vec<_> = fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("bundle")],
        "validate wrote nothing"
    );
}

#[test]
fn without_a_key_a_private_per_user_key_file_is_created_once() {
    // Spec 01: "With neither, a per-user key file is created on first use (random, file
    // mode 0600, in the user's config folder) and the ingest says where it is."
    let work = Workdir::new();
    work.bundle("bundle", &[]);
    let first = work.run_with(&["ingest", "--store", "store", "bundle"], &[]);
    first.ok();
    let key_file = work.path().join("config/oversight/key");
    assert!(
        first.stdout().contains(&key_file.display().to_string()),
        "{}",
        first.stdout()
    );
    assert!(first.stdout().contains("created now"), "{}", first.stdout());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&key_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let before = parquet_files(&work.path().join("store"));
    let second = work.run_with(&["ingest", "--store", "store", "bundle"], &[]);
    second.ok();
    assert!(!second.stdout().contains("created now"));
    assert_eq!(
        parquet_files(&work.path().join("store")),
        before,
        "the same key again"
    );
    // The key is never written into the store.
    let key = fs::read_to_string(&key_file).unwrap();
    for (path, bytes) in snapshot(&work.path().join("store")) {
        assert!(
            !bytes
                .windows(key.trim().len())
                .any(|w| w == key.trim().as_bytes()),
            "{}",
            path.display()
        );
    }
    // --key-file is used when OVERSIGHT_KEY is not set.
    fs::write(
        work.path().join("other.key"),
        "another key of enough length\n",
    )
    .unwrap();
    work.run_with(
        &[
            "ingest",
            "--store",
            "other",
            "--key-file",
            "other.key",
            "bundle",
        ],
        &[],
    )
    .ok();
    assert_ne!(
        parquet_files(&work.path().join("other")).get(std::path::Path::new("cases/trust_id=TR001")),
        before.get(std::path::Path::new("cases/trust_id=TR001"))
    );
}

#[test]
fn a_canonical_staff_file_saved_from_excel_is_read_whole_not_quarantined() {
    // Issue #19: "a Windows-1252 `staff.csv` from Excel quarantines 161 of 885 rows by
    // knock-on"; spec 03 (mapping files): "Files may be UTF-8 with or without a BOM, or
    // Windows-1252", now detected in canonical files as in mapped ones, with Excel's `;`.
    let work = Workdir::new();
    let bundle = work.bundle("excel", &[]);
    let staff = fs::read_to_string(bundle.join("staff.csv"))
        .unwrap()
        .replace("Ann Able", "Siân Tomás")
        .replace(',', ";")
        .replace('\n', "\r\n");
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&staff);
    assert!(!unmappable);
    fs::write(bundle.join("staff.csv"), &bytes).unwrap();
    let ingest = work.run(&["ingest", "--store", "store", "excel"]);
    ingest.ok();
    assert!(
        ingest
            .stdout()
            .contains("staff.csv: CSV, Windows-1252, ';'-separated"),
        "{}",
        ingest.stdout()
    );
    let store = oversight::store::Store::open(&work.path().join("store")).unwrap();
    let staff = store
        .read_partition(oversight::contract::Table::Staff, "TR001")
        .unwrap()
        .unwrap();
    assert_eq!(staff.height(), 3, "every staff row stored");
    let names: Vec<String> = staff
        .column("display_name")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .map(str::to_string)
        .collect();
    assert!(names.contains(&"Siân Tomás".to_string()), "{names:?}");
    assert_eq!(quarantine(&work.path().join("store")), vec![]);
}
