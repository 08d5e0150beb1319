//! Exports in other layouts, read through mapping files (spec 03, "Mapping files"; spec
//! 01, "Validation: nothing is lost"; docs/mapping.md): the same records give the same
//! store whatever the layout, encodings and delimiters are detected, dates are read as
//! the mapping says, flat exports split without duplicating rows, every mistake in a
//! mapping is a clear error, and free text never reaches the store.

use std::fs;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::util::{BASE_BUNDLE, RAW_CASE_IDS, Workdir, parquet_files, quarantine, snapshot};

/// The base bundle's sessions, attendees, discussions and actions as one flat supervision
/// log: a line per session and case, the session repeated on each, each action on the
/// line of its case (A2, about no case, on a line of its own), UK dates, `;`-separated,
/// with free-text notes.
const FLAT_LOG: &str = "\
Session;School URN;Date;Led by;Supervisees;Type;Planned?;Outcome;Minutes;Written up;Signed (lead);Signed (supervisee);Focus;Session notes;Child;Score;Escalated;Action;Action for;Due;Done;Action status;Action notes
S1;100001;01/10/2025;HT1;DSL1;1:1;Yes;Took place;60;02/10/2025;Yes;Yes;Managerial, Supportive;SECRET-SESSION-NOTE;CHILD-SECRET-0001;4;No;A1;DSL1;15/10/2025;14/10/2025;Complete;SECRET-ACTION-NOTE
S1;100001;01/10/2025;HT1;DSL1;1:1;Yes;Took place;60;02/10/2025;Yes;Yes;Managerial, Supportive;SECRET-SESSION-NOTE;;;;A2;DSL1;01/11/2025;;Open;
S2;100001;08/10/2025;DSL1;DDSL1;Group;Yes;Took place;90;09/10/2025;Yes;Yes;Developmental;;CHILD-SECRET-0002;;No;;;;;;
";

/// The mapping that reads [`FLAT_LOG`] (the other tables are canonical files, found
/// under their canonical column names).
const FLAT_MAPPING: &str = r#"
[files.schools]
path = "schools.csv"
[files.staff]
path = "staff.csv"
[files.contracts]
path = "contracts.csv"
[files.cases]
path = "cases.csv"

[files.sessions]
path = "Supervision Log.csv"
date_format = "%d/%m/%Y"
[files.sessions.columns]
session_id = "Session"
school_urn = "School URN"
held_on = "Date"
supervisor_id = "Led by"
kind = "Type"
planned = "Planned?"
status = "Outcome"
duration_minutes = "Minutes"
recorded_on = "Written up"
signed_supervisor = "Signed (lead)"
signed_supervisee = "Signed (supervisee)"
functions = "Focus"
[files.sessions.values.kind]
"1:1" = "one_to_one"
[files.sessions.values.status]
"Took place" = "held"

[files.attendees]
path = "Supervision Log.csv"
[files.attendees.columns]
session_id = "Session"
staff_id = "Supervisees"
[files.attendees.split_rows]
staff_id = ","

[files.discussions]
path = "Supervision Log.csv"
[files.discussions.columns]
session_id = "Session"
case_id = "Child"
safety_score = "Score"
escalated = "Escalated"

[files.actions]
path = "Supervision Log.csv"
date_format = "%d/%m/%Y"
[files.actions.columns]
action_id = "Action"
session_id = "Session"
case_id = "Child"
owner_id = "Action for"
due_on = "Due"
completed_on = "Done"
status = "Action status"
[files.actions.values.status]
"Complete" = "done"
"#;

/// The base bundle as a flat export in `name/`, with `mapping.toml` written beside the
/// work folder as `name.toml`. Returns the export folder.
fn flat_export(work: &Workdir, name: &str, log: &str) -> PathBuf {
    let dir = work.path().join(name);
    fs::create_dir_all(&dir).unwrap();
    for (file, text) in BASE_BUNDLE {
        if ["schools.csv", "staff.csv", "contracts.csv", "cases.csv"].contains(&file) {
            fs::write(dir.join(file), text).unwrap();
        }
    }
    fs::write(dir.join("Supervision Log.csv"), log).unwrap();
    fs::write(work.path().join(format!("{name}.toml")), FLAT_MAPPING).unwrap();
    dir
}

/// A cell of a test workbook.
enum X {
    S(&'static str),
    N(f64),
    B(bool),
    /// A date cell (formatted as a date, as Excel writes one).
    D(u16, u8, u8),
    /// A date as a bare serial number (a column that lost its date format).
    Serial(f64),
    Empty,
}

/// Writes a workbook of `sheets`, each a header row then data rows.
fn workbook(path: &Path, sheets: &[(&str, Vec<Vec<X>>)]) {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    X::S(text) => sheet.write_string(r, c, *text).map(|_| ()),
                    X::N(n) | X::Serial(n) => sheet.write_number(r, c, *n).map(|_| ()),
                    X::B(b) => sheet.write_boolean(r, c, *b).map(|_| ()),
                    X::D(y, m, d) => sheet
                        .write_datetime_with_format(
                            r,
                            c,
                            ExcelDateTime::from_ymd(*y, *m, *d).unwrap(),
                            &date,
                        )
                        .map(|_| ()),
                    X::Empty => Ok(()),
                }
                .unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

/// The base bundle as a vendor workbook with a sheet per table and its `mapping.toml`,
/// in `name/`. S2's `Recorded` is a bare serial number.
fn workbook_export(work: &Workdir, name: &str) -> PathBuf {
    use X::*;
    let dir = work.path().join(name);
    fs::create_dir_all(&dir).unwrap();
    workbook(
        &dir.join("Export.xlsx"),
        &[
            (
                "School",
                vec![
                    vec![S("URN"), S("Name"), S("Phase"), S("LA")],
                    vec![
                        N(100001.0),
                        S("Alpha Primary"),
                        S("Primary"),
                        S("Testshire"),
                    ],
                ],
            ),
            (
                "Staff",
                vec![
                    vec![
                        S("ID"),
                        S("Name"),
                        S("Role"),
                        S("Start"),
                        S("Left"),
                        S("Trained"),
                    ],
                    vec![
                        S("DSL1"),
                        S("Ann Able"),
                        S("Designated Safeguarding Lead"),
                        D(2020, 9, 1),
                        Empty,
                        D(2025, 1, 10),
                    ],
                    vec![
                        S("DDSL1"),
                        S("Ben Bell"),
                        S("Deputy"),
                        D(2021, 9, 1),
                        Empty,
                        Empty,
                    ],
                    vec![
                        S("HT1"),
                        S("Cat Cole"),
                        S("Head"),
                        D(2015, 9, 1),
                        Empty,
                        D(2024, 6, 1),
                    ],
                ],
            ),
            (
                "Agreements",
                vec![
                    vec![S("Supervisee"), S("Supervisor"), S("Signed"), S("Review")],
                    vec![S("DSL1"), S("HT1"), D(2025, 9, 1), D(2026, 9, 1)],
                ],
            ),
            (
                "Sessions",
                vec![
                    vec![
                        S("ID"),
                        S("URN"),
                        S("Date"),
                        S("Lead"),
                        S("Format"),
                        S("Planned"),
                        S("Status"),
                        S("Minutes"),
                        S("Recorded"),
                        S("Lead signed"),
                        S("Supervisee signed"),
                        S("Functions"),
                        S("Notes"),
                    ],
                    vec![
                        S("S1"),
                        N(100001.0),
                        D(2025, 10, 1),
                        S("HT1"),
                        S("One to one"),
                        B(true),
                        S("Held"),
                        N(60.0),
                        D(2025, 10, 2),
                        B(true),
                        B(true),
                        S("Managerial; Supportive"),
                        S("SECRET-SESSION-NOTE"),
                    ],
                    vec![
                        S("S2"),
                        N(100001.0),
                        D(2025, 10, 8),
                        S("DSL1"),
                        S("Group"),
                        B(true),
                        S("Held"),
                        N(90.0),
                        // 2025-10-09: 45939 days after 1899-12-30.
                        Serial(45939.0),
                        B(true),
                        B(true),
                        S("Developmental"),
                        Empty,
                    ],
                ],
            ),
            (
                "Attendance",
                vec![
                    vec![S("Session"), S("Staff")],
                    vec![S("S1"), S("DSL1")],
                    vec![S("S2"), S("DDSL1")],
                ],
            ),
            (
                "Cases",
                vec![
                    vec![
                        S("Case"),
                        S("URN"),
                        S("Category"),
                        S("Owner"),
                        S("Opened"),
                        S("Closed"),
                        S("Summary"),
                    ],
                    vec![
                        S("CHILD-SECRET-0001"),
                        N(100001.0),
                        S("CP Plan"),
                        S("DSL1"),
                        D(2025, 9, 15),
                        Empty,
                        S("SECRET-CASE-SUMMARY"),
                    ],
                    vec![
                        S("CHILD-SECRET-0002"),
                        N(100001.0),
                        S("Early Help"),
                        S("DDSL1"),
                        D(2025, 9, 20),
                        Empty,
                        Empty,
                    ],
                ],
            ),
            (
                "Discussions",
                vec![
                    vec![S("Session"), S("Case"), S("Score"), S("Escalated")],
                    vec![S("S1"), S("CHILD-SECRET-0001"), N(4.0), B(false)],
                    vec![S("S2"), S("CHILD-SECRET-0002"), Empty, B(false)],
                ],
            ),
            (
                "Actions",
                vec![
                    vec![
                        S("Action"),
                        S("Session"),
                        S("Case"),
                        S("Owner"),
                        S("Due"),
                        S("Completed"),
                        S("Status"),
                    ],
                    vec![
                        S("A1"),
                        S("S1"),
                        S("CHILD-SECRET-0001"),
                        S("DSL1"),
                        D(2025, 10, 15),
                        D(2025, 10, 14),
                        S("Done"),
                    ],
                    vec![
                        S("A2"),
                        S("S1"),
                        Empty,
                        S("DSL1"),
                        D(2025, 11, 1),
                        Empty,
                        S("Open"),
                    ],
                ],
            ),
        ],
    );
    fs::write(
        dir.join("mapping.toml"),
        r#"
[files.schools]
path = "Export.xlsx"
sheet = "School"
[files.schools.columns]
school_urn = "URN"
school_name = "Name"
phase = "Phase"
local_authority = "LA"
[files.schools.constants]
trust_id = "TR001"
trust_name = "Test Trust"

[files.staff]
path = "Export.xlsx"
sheet = "Staff"
[files.staff.columns]
staff_id = "ID"
display_name = "Name"
role = "Role"
started_on = "Start"
left_on = "Left"
supervisor_trained_on = "Trained"
[files.staff.constants]
school_urn = "100001"
[files.staff.values.role]
"Designated Safeguarding Lead" = "DSL"
"Deputy" = "DDSL"
"Head" = "HEADTEACHER"

[files.contracts]
path = "Export.xlsx"
sheet = "Agreements"
[files.contracts.columns]
supervisee_id = "Supervisee"
supervisor_id = "Supervisor"
agreed_on = "Signed"
review_due_on = "Review"

[files.sessions]
path = "Export.xlsx"
sheet = "Sessions"
[files.sessions.columns]
session_id = "ID"
school_urn = "URN"
held_on = "Date"
supervisor_id = "Lead"
kind = "Format"
planned = "Planned"
status = "Status"
duration_minutes = "Minutes"
recorded_on = "Recorded"
signed_supervisor = "Lead signed"
signed_supervisee = "Supervisee signed"
functions = "Functions"
[files.sessions.values.kind]
"One to one" = "one_to_one"

[files.attendees]
path = "Export.xlsx"
sheet = "Attendance"
[files.attendees.columns]
session_id = "Session"
staff_id = "Staff"

[files.cases]
path = "Export.xlsx"
sheet = "Cases"
[files.cases.columns]
case_id = "Case"
school_urn = "URN"
category = "Category"
owner_id = "Owner"
opened_on = "Opened"
closed_on = "Closed"
[files.cases.values.category]
"CP Plan" = "CP"
"Early Help" = "EH"

[files.discussions]
path = "Export.xlsx"
sheet = "Discussions"
[files.discussions.columns]
session_id = "Session"
case_id = "Case"
safety_score = "Score"
escalated = "Escalated"

[files.actions]
path = "Export.xlsx"
sheet = "Actions"
[files.actions.columns]
action_id = "Action"
session_id = "Session"
case_id = "Case"
owner_id = "Owner"
due_on = "Due"
completed_on = "Completed"
status = "Status"
"#,
    )
    .unwrap();
    dir
}

/// The line of a report table that starts with `label`, as its numbers.
fn counts(out: &str, label: &str) -> Vec<u64> {
    let line = out
        .lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("{label} in the report:\n{out}"));
    line[label.len()..]
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect()
}

#[test]
fn the_same_records_canonical_flat_and_as_a_workbook_give_identical_stores() {
    // The issue: "the same records exported canonically, as a flat CSV and as a workbook
    // give identical stores (same Parquet content after ingest)".
    let work = Workdir::new();
    work.bundle("canonical", &[]);
    flat_export(&work, "flat", FLAT_LOG);
    workbook_export(&work, "book");
    work.run(&["ingest", "--store", "canonical-store", "canonical"])
        .ok();
    work.run(&[
        "ingest",
        "--store",
        "flat-store",
        "--mapping",
        "flat.toml",
        "flat",
    ])
    .ok();
    // The workbook's folder holds its mapping.toml: found without --mapping.
    let book = work.run(&["ingest", "--strict", "--store", "book-store", "book"]);
    book.ok();

    let canonical = parquet_files(&work.path().join("canonical-store"));
    assert_eq!(canonical.len(), 8, "every table stored");
    for other in ["flat-store", "book-store"] {
        let stored = parquet_files(&work.path().join(other));
        assert_eq!(
            stored.keys().collect::<Vec<_>>(),
            canonical.keys().collect::<Vec<_>>()
        );
        for (path, bytes) in &canonical {
            assert!(
                stored[path] == *bytes,
                "{other}: {} differs from the canonical ingest's",
                path.display()
            );
        }
        assert!(quarantine(&work.path().join(other)).is_empty(), "{other}");
    }
}

#[test]
fn a_flat_export_splits_into_tables_without_duplicating_sessions() {
    // docs/mapping.md, "Flat exports": a line gives a row of a table only when it holds
    // the table's own id, and identical repeats are one row; rows read = stored +
    // quarantined per file and table, a repeat counting as stored with its row.
    let work = Workdir::new();
    flat_export(&work, "flat", FLAT_LOG);
    let run = work.run(&[
        "ingest",
        "--store",
        "store",
        "--mapping",
        "flat.toml",
        "flat",
    ]);
    run.ok();
    let out = run.stdout();
    let log = "flat/Supervision Log.csv";
    assert_eq!(counts(&out, &format!("{log} (sessions)")), vec![3, 3, 0]);
    assert_eq!(counts(&out, &format!("{log} (attendees)")), vec![3, 3, 0]);
    assert_eq!(
        counts(&out, &format!("{log} (discussions)")),
        vec![2, 2, 0],
        "A2's line has no case: no discussion"
    );
    assert_eq!(counts(&out, &format!("{log} (actions)")), vec![2, 2, 0]);
    assert!(
        out.contains(&format!("{log} (sessions): 3 lines stored as 2 rows")),
        "{out}"
    );
    let store = oversight::store::Store::open(&work.path().join("store")).unwrap();
    let sessions = store
        .read_partition(oversight::contract::Table::Sessions, "TR001")
        .unwrap()
        .unwrap();
    assert_eq!(sessions.height(), 2, "S1 once, though on two lines");
    // The ingest log has a row per file and table.
    let ingest_log = crate::util::ingest_log(&work.path().join("store"));
    assert_eq!(
        ingest_log
            .iter()
            .filter(|l| l[0].contains("Supervision Log.csv"))
            .count(),
        4
    );
}

#[test]
fn differing_repeats_of_a_session_are_quarantined_with_the_columns_that_differ() {
    // A flat export must repeat a session identically; when it does not, no line of the
    // session is stored, and the rows that need the session say where it went.
    let work = Workdir::new();
    let log = FLAT_LOG.replacen(
        ";Yes;Took place;60;02/10/2025;Yes;Yes;Managerial, Supportive;SECRET-SESSION-NOTE;;;;A2",
        ";Yes;Took place;45;02/10/2025;Yes;Yes;Managerial, Supportive;SECRET-SESSION-NOTE;;;;A2",
        1,
    );
    assert_ne!(log, FLAT_LOG);
    flat_export(&work, "flat", &log);
    let run = work.run(&[
        "ingest",
        "--store",
        "store",
        "--mapping",
        "flat.toml",
        "flat",
    ]);
    run.ok();
    let rows = quarantine(&work.path().join("store"));
    let sessions: Vec<_> = rows.iter().filter(|r| r.3.contains("repeated")).collect();
    assert_eq!(
        sessions.iter().map(|r| r.1).collect::<Vec<_>>(),
        vec![2, 3],
        "{rows:?}"
    );
    for (file, _, column, reason) in &sessions {
        assert_eq!(
            (file.as_str(), column.as_str()),
            ("Supervision Log.csv", "session_id")
        );
        assert!(
            reason.contains(
                "repeated session with different values: lines 2, 3 give the same session_id but differ in duration_minutes"
            ),
            "{reason}"
        );
    }
    // S1's attendee (lines 2 and 3), its discussion (line 2) and both actions follow it.
    let dangling: Vec<u64> = rows
        .iter()
        .filter(|r| r.3.contains("session_id \"S1\" was quarantined"))
        .map(|r| r.1)
        .collect();
    assert_eq!(dangling, vec![2, 2, 2, 3, 3], "{rows:?}");
    let out = run.stdout();
    assert!(out.contains("rows read = stored + quarantined"), "{out}");
}

#[test]
fn windows_1252_names_bom_semicolons_and_uk_dates_are_read() {
    let work = Workdir::new();
    let dir = flat_export(&work, "flat", FLAT_LOG);
    // staff.csv as Excel on Windows saves it: Windows-1252, `;`, UK dates.
    let mut staff = b"Ref;Name;Role;School;Start;Left;Trained\r\n".to_vec();
    staff.extend_from_slice(b"DSL1;Si\xe2n O'Connor;DSL;100001;01/09/2020;;10/01/2025\r\n");
    staff.extend_from_slice(b"DDSL1;Zo\xeb Brennan-Hughes;DDSL;100001;01/09/2021;;\r\n");
    staff.extend_from_slice(b"HT1;Cat Cole;HEADTEACHER;100001;01/09/2015;;01/06/2024\r\n");
    fs::write(dir.join("Staff Export.csv"), staff).unwrap();
    // cases.csv with a BOM and `;`.
    fs::write(
        dir.join("cases.csv"),
        "\u{feff}case_id;school_urn;category;owner_id;opened_on;closed_on\n\
         CHILD-SECRET-0001;100001;CP;DSL1;15/09/2025;\n\
         CHILD-SECRET-0002;100001;eh;DDSL1;20/09/2025;\n",
    )
    .unwrap();
    let mapping = FLAT_MAPPING.replace(
        "[files.staff]\npath = \"staff.csv\"",
        "[files.staff]\npath = \"Staff Export.csv\"\ndate_format = \"%d/%m/%Y\"\n\
         [files.staff.columns]\nstaff_id = \"Ref\"\ndisplay_name = \"Name\"\nschool_urn = \"School\"\n\
         started_on = \"Start\"\nleft_on = \"Left\"\nsupervisor_trained_on = \"Trained\"",
    );
    fs::write(work.path().join("flat.toml"), mapping).unwrap();
    let run = work.run(&["validate", "--mapping", "flat.toml", "flat"]);
    run.ok();
    let out = run.stdout();
    assert!(out.contains("CSV, Windows-1252, ';'-separated"), "{out}");
    assert!(out.contains("CSV, UTF-8 with BOM, ';'-separated"), "{out}");
    assert!(out.contains("CSV, UTF-8, ','-separated"), "{out}");
    assert!(
        !out.contains("quarantined  "),
        "nothing quarantined:\n{out}"
    );

    work.run(&[
        "ingest",
        "--store",
        "store",
        "--mapping",
        "flat.toml",
        "flat",
    ])
    .ok();
    let store = oversight::store::Store::open(&work.path().join("store")).unwrap();
    let staff = store
        .read_partition(oversight::contract::Table::Staff, "TR001")
        .unwrap()
        .unwrap();
    let names: Vec<String> = staff
        .column("display_name")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|n| n.unwrap().to_string())
        .collect();
    assert_eq!(names, ["Zoë Brennan-Hughes", "Siân O'Connor", "Cat Cole"]);
    let started = staff
        .column("started_on")
        .unwrap()
        .cast(&polars::prelude::DataType::String)
        .unwrap();
    assert_eq!(
        started.str().unwrap().get(1),
        Some("2020-09-01"),
        "UK date read day first"
    );
}

#[test]
fn excel_serial_dates_are_read_from_sheets_and_from_csv_when_the_mapping_says_so() {
    // A sheet's date cells and bare serial numbers in a date column (the workbook's S2
    // `Recorded` is 45939), and a CSV whose mapping says date_format = "excel".
    let work = Workdir::new();
    let dir = flat_export(&work, "flat", FLAT_LOG);
    fs::write(
        dir.join("contracts.csv"),
        "supervisee_id,supervisor_id,agreed_on,review_due_on\nDSL1,HT1,45901,46266\n",
    )
    .unwrap();
    let mapping = FLAT_MAPPING.replace(
        "[files.contracts]\npath = \"contracts.csv\"",
        "[files.contracts]\npath = \"contracts.csv\"\ndate_format = \"excel\"",
    );
    fs::write(work.path().join("flat.toml"), mapping).unwrap();
    workbook_export(&work, "book");
    work.run(&["ingest", "--store", "csv", "--mapping", "flat.toml", "flat"])
        .ok();
    work.run(&["ingest", "--store", "sheet", "book"]).ok();
    work.bundle("canonical", &[]);
    work.run(&["ingest", "--store", "canonical-store", "canonical"])
        .ok();
    let file = |store: &str, table: &str| {
        parquet_files(&work.path().join(store))
            .remove(&PathBuf::from(format!("{table}/trust_id=TR001")))
            .unwrap()
    };
    assert!(
        file("csv", "contracts") == file("canonical-store", "contracts"),
        "45901 and 46266 are 2025-09-01 and 2026-09-01"
    );
    assert!(
        file("sheet", "sessions") == file("canonical-store", "sessions"),
        "45939 is 2025-10-09"
    );
}

#[test]
fn free_text_columns_of_an_export_never_reach_the_store() {
    let work = Workdir::new();
    flat_export(&work, "flat", FLAT_LOG);
    workbook_export(&work, "book");
    let run = work.run(&[
        "ingest",
        "--store",
        "store",
        "--mapping",
        "flat.toml",
        "flat",
    ]);
    run.ok();
    let book = work.run(&["ingest", "--store", "store", "book"]);
    book.ok();
    let out = run.stdout();
    let dropped = "  flat/Supervision Log.csv: Session notes, Action notes";
    assert_eq!(
        out.matches(dropped).count(),
        1,
        "named once for the file, not once per table:\n{out}"
    );
    assert!(
        book.stdout().contains("[Sessions]: Notes"),
        "{}",
        book.stdout()
    );
    assert!(
        book.stdout().contains("[Cases]: Summary"),
        "{}",
        book.stdout()
    );
    for (path, bytes) in snapshot(&work.path().join("store")) {
        for secret in RAW_CASE_IDS.iter().chain(&[
            "SECRET-SESSION-NOTE",
            "SECRET-ACTION-NOTE",
            "SECRET-CASE-SUMMARY",
        ]) {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} in {}",
                path.display()
            );
        }
    }
}

#[test]
fn an_export_value_the_mapping_does_not_translate_is_quarantined_with_a_hint() {
    let work = Workdir::new();
    let log = FLAT_LOG.replace(";Group;", ";Walk and talk;");
    flat_export(&work, "flat", &log);
    let run = work.run(&["validate", "--mapping", "flat.toml", "flat"]);
    // Exit 3: rows would be quarantined (issue #19).
    run.expect_code(3);
    let out = run.stdout();
    assert!(
        out.contains(
            "line 4, column kind (\"Type\"): unknown session kind \"Walk and talk\": expected one of"
        ),
        "{out}"
    );
    assert!(
        out.contains("(map the export value under [files.sessions.values.kind])"),
        "{out}"
    );
}

/// One mistake in a mapping and the message it must give.
struct Mistake {
    name: &'static str,
    /// `(text in the good mapping, its replacement)`.
    edit: (&'static str, &'static str),
    says: &'static str,
}

const MISTAKES: &[Mistake] = &[
    Mistake {
        name: "unknown canonical table",
        edit: ("[files.contracts]\n", "[files.contract]\n"),
        says: "mapping flat.toml: [files.contract]: no canonical table \"contract\" (did you mean \"contracts\"?) (the tables are schools, staff, contracts, sessions, attendees, cases, discussions, actions)",
    },
    Mistake {
        name: "unknown canonical column",
        edit: ("held_on = \"Date\"", "held_date = \"Date\""),
        says: "mapping flat.toml: [files.sessions.columns] held_date: no canonical column \"held_date\" in sessions (did you mean \"held_on\"?)",
    },
    Mistake {
        name: "a mapped column absent from the header",
        edit: ("supervisor_id = \"Led by\"", "supervisor_id = \"Lead by\""),
        says: "[files.sessions.columns] supervisor_id = \"Lead by\": flat/Supervision Log.csv has no column \"Lead by\"; the closest is \"Led by\"; its header is \"Session\", \"School URN\", \"Date\", \"Led by\"",
    },
    Mistake {
        name: "a required column neither mapped nor found",
        edit: ("planned = \"Planned?\"\n", ""),
        says: "[files.sessions.columns]: required column planned is not mapped, and flat/Supervision Log.csv has no column of that name: add planned = \"<export header>\" (or a constant); the closest is \"Planned?\"",
    },
    Mistake {
        name: "a misspelt key",
        edit: ("[files.sessions.columns]", "[files.sessions.colums]"),
        says: "unknown field `colums`",
    },
    Mistake {
        name: "a value map to a value the contract does not have",
        edit: ("\"1:1\" = \"one_to_one\"", "\"1:1\" = \"one2one\""),
        says: "mapping flat.toml: [files.sessions.values.kind] \"1:1\" = \"one2one\": not a session kind \"one2one\": expected one of one_to_one, group, peer, multi_agency, clinical, informal",
    },
    Mistake {
        name: "a date format without a year",
        edit: (
            "date_format = \"%d/%m/%Y\"\n[files.sessions.columns]",
            "date_format = \"%d/%m\"\n[files.sessions.columns]",
        ),
        says: "mapping flat.toml: [files.sessions] date_format = \"%d/%m\": not a date format",
    },
    Mistake {
        name: "a file that is not there",
        edit: ("path = \"cases.csv\"", "path = \"case.csv\""),
        says: "[files.cases] path = \"case.csv\": no such file in flat (did you mean \"cases.csv\"?)",
    },
    Mistake {
        name: "a constant the contract would reject",
        edit: (
            "[files.schools]\npath = \"schools.csv\"",
            "[files.schools]\npath = \"schools.csv\"\n[files.schools.constants]\ntrust_id = \"TR 1\"",
        ),
        says: "mapping flat.toml: [files.schools.constants] trust_id = \"TR 1\": unsafe trust id \"TR 1\"",
    },
    Mistake {
        name: "a column both mapped and constant",
        edit: (
            "[files.sessions.values.kind]",
            "[files.sessions.constants]\nkind = \"group\"\n[files.sessions.values.kind]",
        ),
        says: "mapping flat.toml: [files.sessions.constants] kind: kind is also mapped under [files.sessions.columns]: give it one source",
    },
    Mistake {
        name: "an unsupported encoding",
        edit: (
            "[files.cases]\npath = \"cases.csv\"",
            "[files.cases]\npath = \"cases.csv\"\nencoding = \"utf-16\"",
        ),
        says: "mapping flat.toml: [files.cases]: encoding = \"utf-16\" is not supported (use \"utf-8\" or \"windows-1252\"; leave it out to detect)",
    },
    Mistake {
        name: "a workbook without its sheet",
        edit: ("path = \"cases.csv\"", "path = \"cases.xlsx\""),
        says: "mapping flat.toml: [files.cases]: path = \"cases.xlsx\" is a workbook: name its sheet with sheet = \"...\"",
    },
];

#[test]
fn each_kind_of_mapping_mistake_is_a_clear_error() {
    // The issue: "Validate the mapping itself with clear errors (unknown canonical column,
    // a mapped column absent from the file's header: name the header it did find and
    // the closest match)."
    for mistake in MISTAKES {
        let work = Workdir::new();
        flat_export(&work, "flat", FLAT_LOG);
        assert!(
            FLAT_MAPPING.contains(mistake.edit.0),
            "{}: the edit applies",
            mistake.name
        );
        fs::write(
            work.path().join("flat.toml"),
            FLAT_MAPPING.replacen(mistake.edit.0, mistake.edit.1, 1),
        )
        .unwrap();
        for command in ["validate", "ingest"] {
            let mut args = vec![command, "--mapping", "flat.toml", "flat"];
            if command == "ingest" {
                args.extend(["--store", "store"]);
            }
            let run = work.run(&args);
            run.expect_code(1);
            let err = run.stderr();
            assert!(
                err.contains(mistake.says),
                "{}: {err:?} should say {:?}",
                mistake.name,
                mistake.says
            );
            assert!(!err.contains("panicked"), "{err}");
            assert_eq!(err.lines().count(), 1, "one message: {err}");
        }
        assert!(!work.path().join("store/sessions").exists());
    }
}

#[test]
fn a_missing_sheet_names_the_sheets_there_are() {
    let work = Workdir::new();
    let dir = workbook_export(&work, "book");
    let mapping = fs::read_to_string(dir.join("mapping.toml")).unwrap();
    fs::write(
        dir.join("mapping.toml"),
        mapping.replace("sheet = \"Sessions\"", "sheet = \"Sesions\""),
    )
    .unwrap();
    let run = work.run(&["validate", "book"]);
    run.expect_code(1);
    assert!(
        run.stderr().contains(
            "[files.sessions] sheet = \"Sesions\": book/Export.xlsx has no sheet \"Sesions\" (did you mean \"Sessions\"?); its sheets are \"School\", \"Staff\""
        ),
        "{}",
        run.stderr()
    );
}

#[test]
fn validate_reports_each_file_with_the_rule_behind_each_column() {
    // The issue: "`oversight validate` prints a readable report per file: rows,
    // quarantined by reason with the first examples, columns dropped, and which mapping
    // rule produced each canonical column." Over the sample's flat export.
    let work = Workdir::new();
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data/bundles");
    let safelog = sample.join("harbour-safelog");
    let run = work.run(&[
        "validate",
        "--mapping",
        safelog.join("mapping.toml").to_str().unwrap(),
        safelog.to_str().unwrap(),
    ]);
    // Exit 3: rows would be quarantined (issue #19).
    run.expect_code(3);
    let out = run.stdout();
    for expected in [
        "Supervision Log.csv (sessions)\n  read as      CSV, Windows-1252, ';'-separated, through ",
        "  dropped      Establishment, Supervisor, Supervisee(s), Session Notes, Discussion Notes, Action Notes (never read past the header)",
        "  quarantined  2 x column session_id (\"Session No\"): repeated session with different values\n    line 20: repeated session with different values: lines 20, 21 give the same session_id but differ in duration_minutes",
        "    school_urn         = \"150001\" (constant)",
        "    held_on            <- \"Session Date\", dates %d/%m/%Y",
        "    kind               <- \"Type\", values \"1:1\" -> one_to_one, \"Group\" -> group",
        "    staff_id    <- \"Supervisee Ref(s)\", one row per \",\"-separated item",
        "    case_id       <- \"Pupil Ref\", pseudonymised to case_ref",
        "Supervision Log.csv (sessions): 69 lines stored as 26 rows",
        "Staff List.csv (staff)\n  read as      CSV, Windows-1252, ';'-separated",
        "Case Register.csv (cases)\n  read as      CSV, UTF-8 with BOM, ','-separated",
    ] {
        assert!(out.contains(expected), "{expected:?} in\n{out}");
    }
    // The workbook's error cell, with its sheet row.
    let carewatch = work.run(&[
        "validate",
        sample.join("harbour-carewatch").to_str().unwrap(),
    ]);
    carewatch.expect_code(3);
    assert!(
        carewatch.stdout().contains(
            "CareWatch export.xlsx [Case discussions] (discussions) line 5, column safety_score (\"Score\"): the spreadsheet cell holds the error #N/A"
        ),
        "{}",
        carewatch.stdout()
    );
}
