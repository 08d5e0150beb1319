//! Test helpers: a fresh work folder per test, a small hand-made canonical bundle, and a
//! runner for the real `oversight` binary that prints everything when a check fails.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The key every test ingests with, unless it is testing keys.
pub const TEST_KEY: &str = "test-key-not-secret";

/// The children's case ids in the base bundle. They must never reach the store.
pub const RAW_CASE_IDS: [&str; 2] = ["CHILD-SECRET-0001", "CHILD-SECRET-0002"];

/// A small, valid bundle: one trust, one school, three staff, two held sessions, two
/// cases, two discussions, two actions. Each test adds the rows it is about.
pub const BASE_BUNDLE: [(&str, &str); 8] = [
    (
        "schools.csv",
        "trust_id,trust_name,school_urn,school_name,phase,local_authority\n\
         TR001,Test Trust,100001,Alpha Primary,primary,Testshire\n",
    ),
    (
        "staff.csv",
        "staff_id,school_urn,display_name,role,started_on,left_on,supervisor_trained_on\n\
         DSL1,100001,Ann Able,DSL,2020-09-01,,2025-01-10\n\
         DDSL1,100001,Ben Bell,DDSL,2021-09-01,,\n\
         HT1,100001,Cat Cole,HEADTEACHER,2015-09-01,,2024-06-01\n",
    ),
    (
        "contracts.csv",
        "supervisee_id,supervisor_id,agreed_on,review_due_on\n\
         DSL1,HT1,2025-09-01,2026-09-01\n",
    ),
    (
        "sessions.csv",
        "session_id,school_urn,held_on,supervisor_id,kind,planned,status,duration_minutes,recorded_on,signed_supervisor,signed_supervisee,functions\n\
         S1,100001,2025-10-01,HT1,one_to_one,true,held,60,2025-10-02,true,true,managerial;supportive\n\
         S2,100001,08/10/2025,DSL1,Group,yes,held,90,2025-10-09,yes,Y,developmental\n",
    ),
    ("attendees.csv", "session_id,staff_id\nS1,DSL1\nS2,DDSL1\n"),
    (
        "cases.csv",
        "case_id,school_urn,category,owner_id,opened_on,closed_on\n\
         CHILD-SECRET-0001,100001,CP,DSL1,2025-09-15,\n\
         CHILD-SECRET-0002,100001,eh,DDSL1,2025-09-20,\n",
    ),
    (
        "discussions.csv",
        "session_id,case_id,safety_score,escalated\n\
         S1,CHILD-SECRET-0001,4,false\n\
         S2,CHILD-SECRET-0002,,no\n",
    ),
    (
        "actions.csv",
        "action_id,session_id,case_id,owner_id,due_on,completed_on,status\n\
         A1,S1,CHILD-SECRET-0001,DSL1,2025-10-15,2025-10-14,done\n\
         A2,S1,,DSL1,2025-11-01,,open\n",
    ),
];

/// A temporary folder for one test, removed when dropped.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Self {
        Workdir {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    /// A folder under the target folder's `tmp/` (emptied by `cargo clean`), for one
    /// that lives as long as the test run and is never dropped.
    pub fn for_the_whole_run() -> Self {
        Workdir {
            dir: tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a temporary folder"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `oversight generate --out data` with `options` (`--trusts`, `--schools`, ...,
    /// as of 23 November 2026 unless they say `--today`), then `ingest --store store
    /// data`: a generated store in `store/`.
    pub fn generated_store(&self, options: &[&str]) {
        let mut args = vec!["generate", "-q", "--out", "data"];
        args.extend_from_slice(options);
        if !options.contains(&"--today") {
            args.extend(["--today", "2026-11-23"]);
        }
        self.run(&args).ok();
        self.run(&["ingest", "-q", "--store", "store", "data"]).ok();
    }

    /// Writes the base bundle into `name/`, with `extra` lines appended to some files
    /// (`("sessions.csv", "S3,...")`), and returns its folder.
    pub fn bundle(&self, name: &str, extra: &[(&str, &str)]) -> PathBuf {
        let dir = self.path().join(name);
        fs::create_dir_all(&dir).unwrap();
        for (file, text) in BASE_BUNDLE {
            let mut text = text.to_string();
            for (extra_file, line) in extra {
                if *extra_file == file {
                    text.push_str(line);
                    text.push('\n');
                }
            }
            fs::write(dir.join(file), text).unwrap();
        }
        dir
    }

    /// Runs `oversight` with `args` in this folder, with the test key.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[("OVERSIGHT_KEY", TEST_KEY)])
    }

    /// Runs `oversight` with `args` and extra environment variables. The user's config
    /// folder is redirected into the work folder so no test touches the real one.
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_oversight"));
        command
            .args(args)
            .current_dir(self.path())
            .env_remove("OVERSIGHT_KEY")
            .env_remove("OVERSIGHT_CRASH_AT")
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env("HOME", self.path());
        for (name, value) in env {
            command.env(name, value);
        }
        let output = command.output().expect("the oversight binary runs");
        Run {
            args: args.iter().map(|a| a.to_string()).collect(),
            output,
        }
    }
}

/// A finished run of the binary.
pub struct Run {
    args: Vec<String>,
    pub output: Output,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    /// Asserts the exit code, printing the whole run when it differs.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code(),
            Some(code),
            "oversight {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.args,
            self.stdout(),
            self.stderr()
        );
        self
    }

    pub fn ok(&self) -> &Self {
        self.expect_code(0)
    }
}

/// Whether `python3` can import `module` (an independent engine a test checks against).
/// Without it the test is skipped, saying so, except on CI (`CI=true`), where `.ci/run`
/// installs `pin` and a missing module fails the test.
pub fn python_module(test: &str, module: &str, pin: &str) -> bool {
    use std::io::Write;
    let found = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return true;
    }
    let why = format!("python3 cannot import {module} (python3 -m pip install --user {pin})");
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test}: {why}; on CI it must be installed"
    );
    // Written to stderr directly: the harness hides `eprintln!` of a passing test.
    let _ = writeln!(std::io::stderr(), "SKIPPED: {test}: {why}");
    false
}

/// Every file under `dir` with its bytes, by relative path.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    fs::read(&path).unwrap(),
                );
            }
        }
    }
    files
}

/// The data files of a store's newest version, each by its partition
/// (`sessions/trust_id=TR001`): what a report reads. File names carry the writer's id, so
/// two stores of the same content are compared by partition, not by name. Empty for a
/// store with no version.
pub fn parquet_files(store: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    use oversight::store::{Store, StoreError, VersionChoice};
    let store = match Store::open_to_read(store, VersionChoice::Newest) {
        Ok(store) => store,
        Err(StoreError::Empty { .. } | StoreError::Missing { .. }) => return BTreeMap::new(),
        Err(e) => panic!("{e}"),
    };
    store
        .snapshot()
        .files
        .iter()
        .map(|((table, trust), file)| {
            let bytes = fs::read(store.root().join(file.relative())).unwrap();
            (
                Path::new(table.name()).join(format!("trust_id={trust}")),
                bytes,
            )
        })
        .collect()
}

/// The bundle files every version of a store read, oldest first: file, table, SHA-256,
/// bytes, rows read, stored and quarantined, and its trusts (`;`-separated).
pub fn ingest_log(store: &Path) -> Vec<Vec<String>> {
    let history = oversight::store::maintain::history(store).unwrap();
    history
        .commits
        .iter()
        .flat_map(|c| c.inputs.iter())
        .map(|i| {
            vec![
                i.file.clone(),
                i.table.clone(),
                i.sha256.clone(),
                i.bytes.to_string(),
                i.rows_read.to_string(),
                i.rows_stored.to_string(),
                i.rows_quarantined.to_string(),
                i.trust_ids.join(";"),
            ]
        })
        .collect()
}

/// The committed data file of one partition of a store's newest version.
pub fn partition_file(store: &Path, table: &str, trust: &str) -> PathBuf {
    use oversight::store::{Store, VersionChoice};
    let opened = Store::open_to_read(store, VersionChoice::Newest).unwrap();
    let table = oversight::contract::Table::from_name(table).unwrap();
    let file = &opened.snapshot().files[&(table, trust.to_string())];
    store.join(file.relative())
}

/// The quarantine rows of a store as `(file name, line, column, reason)`.
pub fn quarantine(store: &Path) -> Vec<(String, u64, String, String)> {
    let mut rows = Vec::new();
    let dir = store.join("quarantine");
    if !dir.is_dir() {
        return rows;
    }
    for (_, bytes) in snapshot(&dir) {
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        for record in reader.records() {
            let record = record.unwrap();
            let file = Path::new(&record[1])
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            rows.push((
                file,
                record[2].parse().unwrap(),
                record[3].to_string(),
                record[4].to_string(),
            ));
        }
    }
    rows.sort();
    rows
}

/// The rows of a CSV file, by column name.
pub fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            headers
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}
