//! Exports over time (spec 01, "Exports over time"): bundle file names, keys, and
//! trust ids re-typed in another case; and bounded reads of workbooks and policy files
//! (issue #18). Each test quotes the rule it checks.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{TEST_KEY, Workdir};

/// How long a run that must not wait on a FIFO or read a device may take before the
/// test fails (instead of hanging the suite).
const NO_HANG: Duration = Duration::from_secs(120);

/// A finished run of the binary that was given at most [`NO_HANG`].
struct Bounded {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Bounded {
    fn said(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs `oversight` with `args` in `work` as `Workdir::run_with` does, killing it and
/// failing the test when it takes longer than [`NO_HANG`].
fn run_bounded(work: &Workdir, args: &[&str], env: &[(&str, &str)]) -> Bounded {
    let mut command = Command::new(env!("CARGO_BIN_EXE_oversight"));
    command
        .args(args)
        .current_dir(work.path())
        .env_remove("OVERSIGHT_KEY")
        .env_remove("OVERSIGHT_CRASH_AT")
        .env("XDG_CONFIG_HOME", work.path().join("config"))
        .env("HOME", work.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("the oversight binary runs");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("waiting on oversight").is_some() {
            break;
        }
        if started.elapsed() > NO_HANG {
            child.kill().ok();
            child.wait().ok();
            panic!("oversight {args:?} still running after {NO_HANG:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("oversight's output");
    Bounded {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

// File names -------------------------------------------------------------------------

#[test]
fn table_files_are_matched_without_regard_to_case_and_other_files_are_named_ignored() {
    // Spec 01, "File names": "A canonical bundle's files are matched by table name
    // without regard to case (`Sessions.csv` is `sessions.csv`); a file in the folder
    // that matches no table, and no mapping entry, is named in the ingest report as
    // ignored." A folder of bundle folders is still read whole.
    let work = Workdir::new();
    let bundle = work.bundle("exports/north", &[]);
    fs::rename(bundle.join("sessions.csv"), bundle.join("Sessions.csv")).unwrap();
    fs::rename(bundle.join("attendees.csv"), bundle.join("ATTENDEES.CSV")).unwrap();
    fs::write(bundle.join("notes.txt"), "not a table\n").unwrap();
    fs::write(bundle.join("sessions (1).csv"), "session_id\nS9\n").unwrap();

    let run = work.run(&["ingest", "--store", "store", "exports"]);
    run.ok();
    let stdout = run.stdout();
    let row = |file: &str| {
        stdout
            .lines()
            .find(|l| l.contains(file) && !l.starts_with("  "))
            .unwrap_or_else(|| panic!("no row for {file}:\n{stdout}"))
            .split_whitespace()
            .rev()
            .take(3)
            .collect::<Vec<_>>()
    };
    // rows read, stored, quarantined (reversed): both sessions stored, both attendees.
    assert_eq!(row("Sessions.csv"), ["0", "2", "2"], "{stdout}");
    assert_eq!(row("ATTENDEES.CSV"), ["0", "2", "2"], "{stdout}");
    let ignored: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("Files ignored"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert_eq!(
        ignored,
        [
            format!("  {}", Path::new("exports/north/notes.txt").display()),
            format!(
                "  {}",
                Path::new("exports/north/sessions (1).csv").display()
            ),
        ],
        "{stdout}"
    );
    let store = oversight::store::Store::open(&work.path().join("store")).unwrap();
    let sessions = store
        .read_partition(oversight::contract::Table::Sessions, "TR001")
        .unwrap()
        .expect("sessions stored from Sessions.csv");
    assert_eq!(sessions.height(), 2);

    // validate names them too.
    let checked = work.run(&["validate", "exports/north"]);
    checked.ok();
    assert!(
        checked.stdout().contains("Files ignored")
            && checked.stdout().contains("notes.txt")
            && checked.stdout().contains("sessions (1).csv"),
        "{}",
        checked.stdout()
    );
}

#[test]
fn a_mapped_export_names_only_the_files_its_mapping_does_not_read_as_ignored() {
    // Spec 01, "File names": a file "that matches no table, and no mapping entry, is
    // named in the ingest report as ignored"; the mapping file itself and the files it
    // reads are not.
    let work = Workdir::new();
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data/bundles");
    let export = work.path().join("safelog");
    fs::create_dir_all(&export).unwrap();
    for entry in fs::read_dir(sample.join("harbour-safelog")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, export.join(path.file_name().unwrap())).unwrap();
    }
    fs::write(export.join("Export readme.txt"), "exported by SafeLog\n").unwrap();
    let run = work.run(&["validate", "safelog"]);
    run.ok();
    let stdout = run.stdout();
    let ignored: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("Files ignored"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert_eq!(
        ignored,
        [format!(
            "  {}",
            Path::new("safelog/Export readme.txt").display()
        )],
        "{stdout}"
    );
}

#[cfg(unix)]
#[test]
fn a_table_file_that_is_not_a_regular_file_inside_the_folder_is_an_error_naming_it() {
    // Spec 01, "File names": "a table file that is not a regular file inside the folder
    // (a FIFO, a device, a link outside) is an error, not a skip." The FIFO must not be
    // opened for reading (that would wait for a writer forever).
    let work = Workdir::new();
    // What the table file is, and how to make it.
    type Case = (&'static str, fn(&Path));
    let cases: [Case; 3] = [
        ("a FIFO (named pipe)", |file| mkfifo(file)),
        ("a folder", |file| fs::create_dir(file).unwrap()),
        ("outside", |file| {
            std::os::unix::fs::symlink("/dev/zero", file).unwrap()
        }),
    ];
    for (at, (what, make)) in cases.into_iter().enumerate() {
        let name = format!("bundle{at}");
        let bundle = work.bundle(&name, &[]);
        let file = bundle.join("Sessions.csv");
        fs::remove_file(bundle.join("sessions.csv")).unwrap();
        make(&file);
        for command in ["ingest", "validate"] {
            let args: Vec<&str> = match command {
                "ingest" => vec!["ingest", "--store", "store", &name],
                _ => vec!["validate", &name],
            };
            let run = run_bounded(&work, &args, &[("OVERSIGHT_KEY", TEST_KEY)]);
            assert_eq!(run.code, Some(1), "{what}, {command}: {}", run.said());
            assert!(
                run.stderr.contains(&format!("{name}/Sessions.csv")) && run.stderr.contains(what),
                "{what}, {command}: {}",
                run.stderr
            );
        }
        assert!(
            !work.path().join("store").exists(),
            "{what}: nothing stored"
        );
    }
}

#[cfg(unix)]
#[test]
fn two_files_for_one_table_are_an_error_naming_both() {
    // Spec 01, "File names": files are matched "by table name without regard to case",
    // so `sessions.csv` and `Sessions.csv` side by side (a case-sensitive file system)
    // are two files for one table: which one is the export cannot be known.
    let work = Workdir::new();
    let bundle = work.bundle("bundle", &[]);
    fs::copy(bundle.join("sessions.csv"), bundle.join("Sessions.csv")).unwrap();
    let run = work.run(&["ingest", "--store", "store", "bundle"]);
    run.expect_code(1);
    let stderr = run.stderr();
    assert!(
        stderr.contains("bundle/Sessions.csv")
            && stderr.contains("bundle/sessions.csv")
            && stderr.contains("sessions table"),
        "{stderr}"
    );
    assert!(!work.path().join("store").exists());
}

// Keys -------------------------------------------------------------------------------

/// Writes the sample calendar, bank holidays and the default policy into `work`.
fn policy(work: &Workdir) {
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    for file in ["calendar.csv", "bank-holidays.csv"] {
        fs::copy(sample.join(file), work.path().join(file)).unwrap();
    }
    fs::write(
        work.path().join("policy.toml"),
        crate::scenario::DEFAULT_POLICY,
    )
    .unwrap();
}

const REPORT: [&str; 10] = [
    "report",
    "--store",
    "store",
    "--policy",
    "policy.toml",
    "--out",
    "out",
    "--as-of",
    "2026-01-20",
    "--tables-only",
];

#[test]
fn an_empty_oversight_key_is_an_error_not_a_fall_back_to_the_key_file() {
    // Spec 01, "Keys": "`OVERSIGHT_KEY` set but empty is an error, not a fall-back to
    // the per-user key file." Checked wherever a key is loaded: ingest, validate and
    // report.
    let work = Workdir::new();
    work.bundle("bundle", &[]);
    policy(&work);
    // A per-user key exists (made by a first ingest without OVERSIGHT_KEY).
    work.run_with(&["ingest", "--store", "store", "bundle"], &[])
        .ok();
    assert!(work.path().join("config/oversight/key").is_file());
    let before = crate::util::snapshot(&work.path().join("store"));
    let ingest: &[&str] = &["ingest", "--store", "store", "bundle"];
    let validate: &[&str] = &["validate", "bundle"];
    for args in [ingest, validate, &REPORT[..]] {
        let run = work.run_with(args, &[("OVERSIGHT_KEY", "")]);
        run.expect_code(1);
        assert!(
            run.stderr().contains("OVERSIGHT_KEY is set but empty"),
            "{args:?}: {}",
            run.stderr()
        );
    }
    assert_eq!(crate::util::snapshot(&work.path().join("store")), before);
    assert!(!work.path().join("out").exists());
}

#[test]
fn a_key_of_fewer_than_8_different_bytes_is_refused_from_the_environment_or_a_file() {
    // Spec 01, "Keys": "A key must have at least 16 bytes and at least 8 distinct byte
    // values (a row of one repeated character or spaces is refused)." The message says
    // why and never prints the key.
    let work = Workdir::new();
    work.bundle("bundle", &[]);
    policy(&work);
    let spaces = " ".repeat(20);
    let seven = "abcdefgabcdefgabcdefg";
    for weak in ["x".repeat(40).as_str(), spaces.as_str(), seven] {
        let run = work.run_with(
            &["ingest", "--store", "store", "bundle"],
            &[("OVERSIGHT_KEY", weak)],
        );
        run.expect_code(1);
        let stderr = run.stderr();
        assert!(
            stderr.contains("different byte") && stderr.contains("at least 8"),
            "{stderr}"
        );
        assert!(!stderr.contains(weak), "the key is shown: {stderr}");
    }
    fs::write(work.path().join("weak.key"), format!("{seven}\n")).unwrap();
    let from_file = work.run_with(
        &[
            "ingest",
            "--store",
            "store",
            "--key-file",
            "weak.key",
            "bundle",
        ],
        &[],
    );
    from_file.expect_code(1);
    assert!(
        from_file.stderr().contains("weak.key") && from_file.stderr().contains("at least 8"),
        "{}",
        from_file.stderr()
    );
    assert!(
        !from_file.stderr().contains(seven),
        "{}",
        from_file.stderr()
    );
    assert!(!work.path().join("store").exists(), "nothing written");

    // report's --key-file is checked the same way against a store that has a key.
    work.run(&["ingest", "--store", "store", "bundle"]).ok();
    let mut report = REPORT.to_vec();
    report.extend(["--key-file", "weak.key"]);
    let run = work.run_with(&report, &[]);
    run.expect_code(1);
    assert!(run.stderr().contains("at least 8"), "{}", run.stderr());
    assert!(!run.stderr().contains(seven), "{}", run.stderr());

    // Eight different bytes are enough.
    work.run_with(
        &["validate", "bundle"],
        &[("OVERSIGHT_KEY", "abcdefghabcdefgh")],
    )
    .ok();
}

#[cfg(unix)]
#[test]
fn a_key_file_that_is_a_fifo_is_refused_without_waiting_on_it() {
    // Spec 01, "Keys": the key is "the trimmed content of the key file given by
    // `--key-file`": a FIFO is no such file; opening it would wait for a writer.
    let work = Workdir::new();
    work.bundle("bundle", &[]);
    mkfifo(&work.path().join("pipe.key"));
    let run = run_bounded(
        &work,
        &[
            "ingest",
            "--store",
            "store",
            "--key-file",
            "pipe.key",
            "bundle",
        ],
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.said());
    assert!(
        run.stderr.contains("pipe.key") && run.stderr.contains("FIFO"),
        "{}",
        run.stderr
    );
}
