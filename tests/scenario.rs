//! Hand-made metric scenarios: a tiny bundle, the sample calendar (English half-terms
//! 2024/25-2026/27 and England and Wales bank holidays) and a policy, ingested and
//! reported by the real binary as of a chosen date.
//!
//! A test states only the rows it is about; `Scenario::new()` starts from one trust
//! (`TR1`) with one school (`100001`) and no staff, sessions or cases.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use crate::util::Workdir;

/// The default policy of spec 04 (the trust `[defaults]`), without school overrides.
pub const DEFAULT_POLICY: &str = r#"calendar = "calendar.csv"
bank_holidays = "bank-holidays.csv"
suppress_below = 3

[defaults]
in_scope_roles = ["DSL", "DDSL", "PASTORAL_LEAD"]
reschedule_within_working_days = 5
record_within_working_days = 5
training_valid_months = 24
required_functions = ["managerial", "developmental", "supportive"]

[[defaults.rules]]
name = "half-termly"
kinds = ["one_to_one", "group"]
per = "half_term"
min = 1

[defaults.drift]
overdue_days = 28
review_days = { CP = 42, CIN = 42, CLA = 42, EH = 84 }
no_progress_discussions = 3
escalation_days = 14
carried_sessions = 3

[defaults.workload]
weights = { CP = 3.0, CLA = 2.0, CIN = 2.0, EH = 1.0, CONCERN = 0.5, STEP_DOWN = 0.5 }
max_weighted_caseload = 40
max_cases_per_hour = 12
"#;

const HEADERS: [(&str, &str); 8] = [
    (
        "schools",
        "trust_id,trust_name,school_urn,school_name,phase,local_authority",
    ),
    (
        "staff",
        "staff_id,school_urn,display_name,role,started_on,left_on,supervisor_trained_on",
    ),
    (
        "contracts",
        "supervisee_id,supervisor_id,agreed_on,review_due_on",
    ),
    (
        "sessions",
        "session_id,school_urn,held_on,supervisor_id,kind,planned,status,duration_minutes,recorded_on,signed_supervisor,signed_supervisee,functions",
    ),
    ("attendees", "session_id,staff_id"),
    (
        "cases",
        "case_id,school_urn,category,owner_id,opened_on,closed_on",
    ),
    ("discussions", "session_id,case_id,safety_score,escalated"),
    (
        "actions",
        "action_id,session_id,case_id,owner_id,due_on,completed_on,status",
    ),
];

/// A bundle and policy under construction.
pub struct Scenario {
    rows: BTreeMap<&'static str, Vec<String>>,
    policy: String,
    headers: BTreeMap<&'static str, String>,
}

impl Default for Scenario {
    fn default() -> Self {
        Self::new()
    }
}

impl Scenario {
    /// One trust `TR1` with one school `100001`, the default policy.
    pub fn new() -> Self {
        let mut scenario = Scenario {
            rows: BTreeMap::new(),
            policy: DEFAULT_POLICY.to_string(),
            headers: BTreeMap::new(),
        };
        scenario.add(
            "schools",
            "TR1,Trust One,100001,School One,primary,Testshire",
        );
        scenario
    }

    /// Adds CSV `lines` (one row each, columns as in the data contract) to `table`.
    pub fn add(&mut self, table: &'static str, lines: &str) -> &mut Self {
        let rows = self.rows.entry(table).or_default();
        rows.extend(
            lines
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        );
        self
    }

    /// Writes `table`'s file with this header instead of the usual one (e.g. staff.csv
    /// with the optional `dsl_trained_on` column).
    pub fn header(&mut self, table: &'static str, header: &str) -> &mut Self {
        self.headers.insert(table, header.to_string());
        self
    }

    /// Appends TOML to the policy (e.g. a `[schools."100001"]` table).
    pub fn policy(&mut self, toml: &str) -> &mut Self {
        self.policy.push('\n');
        self.policy.push_str(toml);
        self
    }

    /// Replaces the whole policy text.
    pub fn replace_policy(&mut self, toml: &str) -> &mut Self {
        self.policy = toml.to_string();
        self
    }

    /// Ingests the bundle and reports as of `as_of` (`YYYY-MM-DD`), with `extra` report
    /// arguments (e.g. `["--year", "2025/26"]`).
    pub fn report(&self, as_of: &str, extra: &[&str]) -> Report {
        let work = Workdir::new();
        let bundle = work.path().join("bundle");
        fs::create_dir_all(&bundle).unwrap();
        for (table, header) in HEADERS {
            let header = self.headers.get(table).map_or(header, String::as_str);
            let mut text = format!("{header}\n");
            for row in self.rows.get(table).into_iter().flatten() {
                text.push_str(row);
                text.push('\n');
            }
            fs::write(bundle.join(format!("{table}.csv")), text).unwrap();
        }
        let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data");
        fs::copy(
            sample.join("calendar.csv"),
            work.path().join("calendar.csv"),
        )
        .unwrap();
        fs::copy(
            sample.join("bank-holidays.csv"),
            work.path().join("bank-holidays.csv"),
        )
        .unwrap();
        fs::write(work.path().join("policy.toml"), &self.policy).unwrap();

        let ingest = work.run(&["ingest", "--strict", "--store", "store", "bundle"]);
        ingest.ok();
        let mut args = vec![
            "report",
            "--store",
            "store",
            "--policy",
            "policy.toml",
            "--out",
            "out",
            "--as-of",
            as_of,
        ];
        args.extend_from_slice(extra);
        work.run(&args).ok();
        Report { work }
    }

    /// As [`report`](Self::report), with `--tables-only`: the CSV files and manifest, no
    /// charts or packs. For the metric tests, which read CSV files only; drawing and
    /// typesetting every scenario's charts and PDFs would double their time, and the
    /// packs are tested on the sample and generated stores (tests/packs.rs).
    pub fn tables(&self, as_of: &str, extra: &[&str]) -> Report {
        let mut args = extra.to_vec();
        args.push("--tables-only");
        self.report(as_of, &args)
    }
}

/// A finished report: read its CSV files.
pub struct Report {
    pub work: Workdir,
}

/// One CSV row by column name.
pub type Row = BTreeMap<String, String>;

impl Report {
    /// The rows of `restricted/<name>.csv` or `governors/<name>.csv` (`path` like
    /// `"restricted/frequency"`).
    pub fn rows(&self, path: &str) -> Vec<Row> {
        let file = self.work.path().join("out").join(format!("{path}.csv"));
        let mut reader =
            csv::Reader::from_path(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let headers = reader.headers().unwrap().clone();
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                headers
                    .iter()
                    .zip(r.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect()
            })
            .collect()
    }

    /// The rows of `path` whose `key` column equals `value`.
    pub fn rows_where(&self, path: &str, key: &str, value: &str) -> Vec<Row> {
        self.rows(path)
            .into_iter()
            .filter(|r| r[key] == value)
            .collect()
    }

    /// The single row of `path` whose `key` column equals `value`.
    pub fn row(&self, path: &str, key: &str, value: &str) -> Row {
        let mut rows = self.rows_where(path, key, value);
        assert_eq!(
            rows.len(),
            1,
            "exactly one row of {path} with {key} = {value}: {rows:?}"
        );
        rows.remove(0)
    }

    /// The bytes of an output file.
    pub fn bytes(&self, relative: &str) -> Vec<u8> {
        fs::read(self.work.path().join("out").join(relative)).unwrap()
    }

    /// An output JSON file (`manifest.json`), parsed.
    pub fn json(&self, relative: &str) -> serde_json::Value {
        serde_json::from_slice(&self.bytes(relative)).unwrap()
    }
}

/// The chosen `columns` of each row, `|`-joined, in file order.
pub fn table(rows: &[Row], columns: &[&str]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            columns
                .iter()
                .map(|c| r[*c].as_str())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}
