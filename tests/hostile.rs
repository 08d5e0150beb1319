//! Hostile inputs for every reader, made by generators, and the readers driven on them
//! (issue #11, item 8). Shared by the CI property tests (`tests/fuzz.rs`, a few thousand
//! cases) and the long campaign (`examples/fuzz.rs`, a million or more).
//!
//! A generator mixes what real exports hold (valid dates, enums, ids, numbers) with what
//! hostile ones do: control characters and escape sequences, quotes and delimiters in
//! the wrong places, invalid UTF-8, byte-order marks, very long cells and headers,
//! duplicate or missing columns, broken workbooks and sheets with far-away cells. A case
//! passes when the reader returns (a value or an error) without panicking, and, when it
//! returns rows, every line read is stored or quarantined.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use proptest::prelude::*;

use oversight::contract::Table;
use oversight::ingest::decode::source::{Format, SourceSpec};
use oversight::ingest::read::{DateBounds, ReadFile};

/// The readers under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    CanonicalCsv,
    FlatExport,
    Workbook,
    MappingToml,
    PolicyToml,
    CalendarCsv,
}

impl Reader {
    pub const ALL: [Reader; 6] = [
        Reader::CanonicalCsv,
        Reader::FlatExport,
        Reader::Workbook,
        Reader::MappingToml,
        Reader::PolicyToml,
        Reader::CalendarCsv,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Reader::CanonicalCsv => "canonical CSV",
            Reader::FlatExport => "flat export through a mapping",
            Reader::Workbook => "xlsx workbook",
            Reader::MappingToml => "mapping TOML",
            Reader::PolicyToml => "policy TOML",
            Reader::CalendarCsv => "calendar CSV",
        }
    }
}

/// Values a cell may hold: real ones, edge cases and hostile ones.
pub fn cell() -> impl Strategy<Value = String> {
    let real = prop::sample::select(vec![
        "2025-10-01",
        "01/10/2025",
        "1989-12-31",
        "9999-12-31",
        "2025-02-30",
        "true",
        "Yes",
        "n",
        "0",
        "60",
        "-1",
        "99999999999999999999",
        "one_to_one",
        "GROUP",
        "held",
        "CP",
        "eh",
        "managerial;supportive",
        ";;",
        "TR001",
        "007",
        "1001",
        "100001",
        "S1",
        "DSL1",
        "HT1",
        "CHILD-SECRET-0001",
        "done",
        "open",
        "#N/A",
        "=cmd|' /C calc'!A0",
        "",
        " ",
    ]);
    prop_oneof![
        6 => real.prop_map(str::to_string),
        3 => any::<String>(),
        2 => "[\\x00-\\x1f\\x7f\"',;\\t|\\r\\n\\\\]{0,12}",
        1 => "(\\x1b\\[[0-9;]{0,6}[A-Za-z]|\\x1b\\]0;[a-z]{0,8}\\x07|\u{202e}|\u{feff}|\x00){1,4}",
    ]
}

/// A cell, now and then a very long one (up to 40,000 characters: past the 32,767 a
/// cell may hold).
fn long_or_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        40 => cell(),
        1 => (0usize..40_000, prop::sample::select(vec!['x', 'é', '"', ','])).prop_map(|(n, c)| c.to_string().repeat(n)),
    ]
}

/// A CSV text from `header` names and rows of cells, written the way a broken exporter
/// might: any delimiter, quoted or not, either line end, with or without a BOM, and
/// sometimes with raw bytes spliced in.
fn csv_bytes(names: Vec<&'static str>) -> impl Strategy<Value = Vec<u8>> {
    let header = prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(names).prop_map(str::to_string),
            1 => long_or_cell(),
        ],
        0..16,
    );
    let rows = prop::collection::vec(prop::collection::vec(long_or_cell(), 0..16), 0..8);
    let layout = (
        prop::sample::select(vec![b',', b';', b'\t', b'|']),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    );
    let splice = prop::option::weighted(
        0.2,
        (
            any::<prop::sample::Index>(),
            prop::collection::vec(any::<u8>(), 1..12),
        ),
    );
    (header, rows, layout, splice).prop_map(
        |(header, rows, (delimiter, quoted, crlf, bom), splice)| {
            let mut out = Vec::new();
            if bom {
                out.extend_from_slice(b"\xEF\xBB\xBF");
            }
            for line in std::iter::once(&header).chain(rows.iter()) {
                let fields: Vec<Vec<u8>> = line
                    .iter()
                    .map(|field| {
                        if quoted {
                            format!("\"{}\"", field.replace('"', "\"\"")).into_bytes()
                        } else {
                            field.clone().into_bytes()
                        }
                    })
                    .collect();
                out.extend(fields.join(&delimiter));
                out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            }
            if let Some((at, bytes)) = splice {
                let at = at.index(out.len() + 1);
                out.splice(at..at, bytes);
            }
            out
        },
    )
}

/// Input for `reader`.
#[derive(Debug, Clone)]
pub enum Input {
    Csv {
        table: Table,
        bytes: Vec<u8>,
    },
    Flat(Vec<u8>),
    Workbook(Vec<u8>),
    Mapping(String),
    Policy(String),
    Calendar {
        calendar: Vec<u8>,
        holidays: Vec<u8>,
    },
}

/// The headers of the flat export read through [`FLAT_MAPPING`].
const FLAT_HEADERS: [&str; 14] = [
    "Session",
    "School",
    "Date",
    "Led by",
    "Supervisees",
    "Type",
    "Outcome",
    "Minutes",
    "Child",
    "Score",
    "Action",
    "Due",
    "Done",
    "Action status",
];

/// A mapping reading four tables from one flat log.
const FLAT_MAPPING: &str = r#"
[files.sessions]
path = "log.csv"
date_format = "%d/%m/%Y"
[files.sessions.columns]
session_id = "Session"
school_urn = "School"
held_on = "Date"
supervisor_id = "Led by"
kind = "Type"
status = "Outcome"
duration_minutes = "Minutes"
[files.sessions.constants]
planned = "true"
[files.sessions.values.kind]
"1:1" = "one_to_one"

[files.attendees]
path = "log.csv"
[files.attendees.columns]
session_id = "Session"
staff_id = "Supervisees"
[files.attendees.split_rows]
staff_id = ","

[files.discussions]
path = "log.csv"
[files.discussions.columns]
session_id = "Session"
case_id = "Child"
safety_score = "Score"

[files.actions]
path = "log.csv"
date_format = "%d/%m/%Y"
[files.actions.columns]
action_id = "Action"
session_id = "Session"
case_id = "Child"
owner_id = "Led by"
due_on = "Due"
completed_on = "Done"
status = "Action status"
"#;

/// Pieces of mapping files: real keys and values, and hostile ones.
fn toml_text(
    keys: Vec<&'static str>,
    sections: Vec<&'static str>,
) -> impl Strategy<Value = String> {
    let value = prop_oneof![
        3 => cell().prop_map(|c| format!("{c:?}")),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => prop::sample::select(vec!["0", "1", "2", "3", "10001", "-5", "1.5", "true", "[]", "[\"DSL\"]", "{ CP = 3.0 }", "{ CP = -1 }", "[\"one_to_one\", \"bogus\"]"]).prop_map(str::to_string),
    ];
    let line = prop_oneof![
        6 => (prop::sample::select(keys), value).prop_map(|(k, v)| format!("{k} = {v}")),
        2 => prop::sample::select(sections).prop_map(str::to_string),
        1 => cell().prop_map(|c| format!("{c} = {c:?}")),
        1 => cell(),
    ];
    prop::collection::vec(line, 0..24).prop_map(|lines| lines.join("\n"))
}

fn mapping_text() -> impl Strategy<Value = String> {
    let keys = vec![
        "path",
        "sheet",
        "encoding",
        "delimiter",
        "date_format",
        "session_id",
        "school_urn",
        "held_on",
        "kind",
        "staff_id",
        "trust_id",
        "\"1:1\"",
        "\"Took place\"",
        "case_id",
    ];
    let sections = vec![
        "[files.sessions]",
        "[files.sessions.columns]",
        "[files.sessions.values.kind]",
        "[files.sessions.constants]",
        "[files.attendees]",
        "[files.attendees.split_rows]",
        "[files.schools]",
        "[files.bogus]",
        "[files]",
        "[[files.sessions]]",
    ];
    prop_oneof![
        4 => toml_text(keys, sections),
        1 => (any::<prop::sample::Index>(), cell()).prop_map(|(at, c)| {
            let at = at.index(FLAT_MAPPING.len());
            let at = (0..=at).rev().find(|&i| FLAT_MAPPING.is_char_boundary(i)).unwrap_or(0);
            format!("{}{c}{}", &FLAT_MAPPING[..at], &FLAT_MAPPING[at..])
        }),
    ]
}

fn policy_text() -> impl Strategy<Value = String> {
    let keys = vec![
        "calendar",
        "bank_holidays",
        "suppress_below",
        "in_scope_roles",
        "reschedule_within_working_days",
        "record_within_working_days",
        "training_valid_months",
        "required_functions",
        "name",
        "kinds",
        "per",
        "min",
        "max_gap_working_days",
        "overdue_days",
        "review_days",
        "no_progress_discussions",
        "escalation_days",
        "carried_sessions",
        "weights",
        "max_weighted_caseload",
        "max_cases_per_hour",
        "preset",
    ];
    let sections = vec![
        "[defaults]",
        "[[defaults.rules]]",
        "[defaults.drift]",
        "[defaults.workload]",
        "[schools.\"100001\"]",
        "[schools.\"x\"]",
        "[[schools.\"100001\".rules]]",
    ];
    let base = "calendar = \"calendar.csv\"\nbank_holidays = \"bank-holidays.csv\"\n";
    prop_oneof![
        3 => toml_text(keys.clone(), sections.clone()).prop_map(move |t| format!("{base}{t}")),
        1 => toml_text(keys, sections),
    ]
}

fn calendar_bytes() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    let calendar = csv_bytes(vec![
        "academic_year",
        "term",
        "half",
        "starts_on",
        "ends_on",
        "2025/26",
        "autumn",
        "spring",
        "summer",
        "1",
        "2",
        "2025-09-01",
        "2025-10-24",
    ]);
    let holidays = csv_bytes(vec!["date", "name", "2025-12-25", "Christmas Day"]);
    (calendar, holidays)
}

/// Input for `reader`, made by its generator.
pub fn input(reader: Reader) -> BoxedStrategy<Input> {
    match reader {
        Reader::CanonicalCsv => prop::sample::select(Table::ALL.to_vec())
            .prop_flat_map(|table| {
                let names: Vec<&'static str> = table.columns().iter().map(|c| c.name).collect();
                csv_bytes(names).prop_map(move |bytes| Input::Csv { table, bytes })
            })
            .boxed(),
        Reader::FlatExport => csv_bytes(FLAT_HEADERS.to_vec())
            .prop_map(Input::Flat)
            .boxed(),
        Reader::Workbook => workbook_bytes().prop_map(Input::Workbook).boxed(),
        Reader::MappingToml => mapping_text().prop_map(Input::Mapping).boxed(),
        Reader::PolicyToml => policy_text().prop_map(Input::Policy).boxed(),
        Reader::CalendarCsv => calendar_bytes()
            .prop_map(|(calendar, holidays)| Input::Calendar { calendar, holidays })
            .boxed(),
    }
}

/// A workbook: one of a pool of small valid workbooks with hostile cells at random
/// places (made once: writing a workbook costs far more than reading one), then broken
/// by byte mutations (flips, cuts, insertions) or left whole.
fn workbook_bytes() -> impl Strategy<Value = Vec<u8>> {
    let mutations =
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 0..4);
    (any::<prop::sample::Index>(), mutations).prop_map(|(pick, mutations)| {
        let pool = workbook_pool();
        let mut bytes = pool[pick.index(pool.len())].clone();
        for (at, byte, how) in mutations {
            if bytes.is_empty() {
                break;
            }
            let at = at.index(bytes.len());
            match how {
                0 => bytes[at] ^= byte | 1,
                1 => bytes.truncate(at),
                _ => bytes.insert(at, byte),
            }
        }
        bytes
    })
}

/// The pool of base workbooks, made once from a fixed seed.
fn workbook_pool() -> &'static [Vec<u8>] {
    static POOL: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        (0..256)
            .map(|_| {
                fresh_workbook()
                    .new_tree(&mut runner)
                    .expect("a workbook")
                    .current()
            })
            .collect()
    })
}

/// A small workbook written afresh: header names, hostile cells, maybe a far cell.
fn fresh_workbook() -> impl Strategy<Value = Vec<u8>> {
    let cells = prop::collection::vec((0u32..6, 0u16..8, long_or_cell(), any::<bool>()), 0..12);
    let far = prop::option::weighted(0.2, (0u32..1_048_576, 0u16..16_384));
    let names = prop::collection::vec(prop::sample::select(FLAT_HEADERS.to_vec()), 0..10);
    (names, cells, far).prop_map(|(names, cells, far)| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("Log").expect("a valid sheet name");
        for (column, name) in names.iter().enumerate() {
            let _ = sheet.write_string(0, column as u16, *name);
        }
        for (row, column, text, number) in cells {
            let result = if number {
                sheet
                    .write_number(row + 1, column, text.len() as f64 * 1.5)
                    .map(|_| ())
            } else {
                // Text the format cannot hold (over 32,767 characters) is refused by the
                // writer: such a cell is simply not written.
                sheet.write_string(row + 1, column, &text).map(|_| ())
            };
            let _ = result;
        }
        if let Some((row, column)) = far {
            let _ = sheet.write_string(row, column, "far away");
        }
        book.save_to_buffer().expect("a workbook in memory")
    })
}

/// What the readers need around them: a folder with the flat mapping, and the sample
/// calendar for policies.
pub struct Harness {
    dir: tempfile::TempDir,
    flat_mapping: oversight::ingest::Mapping,
    bounds: DateBounds,
}

impl Default for Harness {
    fn default() -> Self {
        Self::new()
    }
}

impl Harness {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data");
        for file in ["calendar.csv", "bank-holidays.csv"] {
            fs::copy(sample.join(file), dir.path().join(file)).expect("sample calendar");
        }
        fs::create_dir_all(dir.path().join("flat")).expect("a folder");
        fs::create_dir_all(dir.path().join("calendar")).expect("a folder");
        let flat_mapping =
            oversight::ingest::Mapping::parse(FLAT_MAPPING, Path::new("mapping.toml"))
                .expect("the flat mapping is valid");
        let today = NaiveDate::from_ymd_opt(2026, 1, 20).expect("a date");
        Harness {
            dir,
            flat_mapping,
            bounds: DateBounds::for_ingest_on(today),
        }
    }

    /// Runs the reader on `input`; `Err` when a promise was broken (a panic is left to
    /// unwind: the runner catches it).
    pub fn run(&self, input: &Input) -> Result<(), String> {
        match input {
            Input::Csv { table, bytes } => {
                let read = oversight::ingest::read::read_bytes(
                    *table,
                    Path::new("hostile.csv"),
                    bytes.clone(),
                    self.bounds,
                );
                if let Ok(file) = read {
                    accounted(&file)?;
                }
            }
            Input::Flat(bytes) => {
                let dir = self.dir.path().join("flat");
                fs::write(dir.join("log.csv"), bytes).map_err(|e| e.to_string())?;
                let read =
                    oversight::ingest::mapping::read_bundle(&self.flat_mapping, &dir, self.bounds);
                if let Ok(files) = read {
                    for file in &files {
                        accounted_flat(file)?;
                    }
                }
            }
            Input::Workbook(bytes) => {
                let spec = SourceSpec {
                    path: PathBuf::from("hostile.xlsx"),
                    format: Format::Sheet {
                        name: "Log".to_string(),
                    },
                };
                if let Ok(opened) =
                    oversight::ingest::decode::source::open_bytes(&spec, bytes.clone())
                {
                    let wanted: Vec<usize> = (0..opened.header.len().min(20)).collect();
                    let _ = opened.records(&wanted, &mut |_| {});
                }
            }
            Input::Mapping(text) => {
                let _ = oversight::ingest::Mapping::parse(text, Path::new("mapping.toml"));
            }
            Input::Policy(text) => {
                let path = self.dir.path().join("policy.toml");
                fs::write(&path, text).map_err(|e| e.to_string())?;
                let _ = oversight::policy::Policy::load(&path);
            }
            Input::Calendar { calendar, holidays } => {
                let dir = self.dir.path().join("calendar");
                fs::write(dir.join("calendar.csv"), calendar).map_err(|e| e.to_string())?;
                fs::write(dir.join("bank-holidays.csv"), holidays).map_err(|e| e.to_string())?;
                fs::write(
                    dir.join("policy.toml"),
                    "calendar = \"calendar.csv\"\nbank_holidays = \"bank-holidays.csv\"\n",
                )
                .map_err(|e| e.to_string())?;
                let _ = oversight::policy::Policy::load(dir.join("policy.toml"));
            }
        }
        Ok(())
    }
}

/// Nothing lost: every data line read is a stored row or a quarantined one.
fn accounted(file: &ReadFile) -> Result<(), String> {
    let ended = file.rows.len() as u64 + file.quarantined.len() as u64;
    if file.rows_read != ended {
        return Err(format!(
            "{} lines read but {} rows and {} quarantined",
            file.rows_read,
            file.rows.len(),
            file.quarantined.len()
        ));
    }
    Ok(())
}

/// As [`accounted`], counting the lines folded into a flat export's rows.
fn accounted_flat(file: &ReadFile) -> Result<(), String> {
    let folded: u64 = file.rows.iter().map(|r| r.repeats.len() as u64).sum();
    let ended = file.rows.len() as u64 + folded + file.quarantined.len() as u64;
    if file.rows_read != ended {
        return Err(format!(
            "{}: {} lines read but {} rows ({} folded) and {} quarantined",
            file.source.table.name(),
            file.rows_read,
            file.rows.len(),
            folded,
            file.quarantined.len()
        ));
    }
    Ok(())
}
