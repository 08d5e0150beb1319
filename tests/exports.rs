//! Exports over time (spec 01, "Exports over time"): bundle file names, keys, and
//! trust ids re-typed in another case; and bounded reads of workbooks and policy files
//! (issue #18). Each test quotes the rule it checks.

use std::fs;
use std::path::{Path, PathBuf};
#[cfg(unix)]
use std::process::{Command, Stdio};
#[cfg(unix)]
use std::time::{Duration, Instant};

use crate::util::{TEST_KEY, Workdir};

#[cfg(unix)]
/// How long a run that must not wait on a FIFO or read a device may take before the
/// test fails (instead of hanging the suite).
const NO_HANG: Duration = Duration::from_secs(120);

/// A finished run of the binary that was given at most [`NO_HANG`].
#[cfg(unix)]
struct Bounded {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// The child's peak resident memory, from the kernel's accounting of it alone.
    peak_rss_bytes: u64,
}

#[cfg(unix)]
impl Bounded {
    fn said(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs `oversight` with `args` in `work` as `Workdir::run_with` does, killing it and
/// failing the test when it takes longer than [`NO_HANG`].
#[cfg(unix)]
fn run_bounded(work: &Workdir, args: &[&str], env: &[(&str, &str)]) -> Bounded {
    let out = tempfile::tempdir().unwrap();
    let (stdout, stderr) = (out.path().join("stdout"), out.path().join("stderr"));
    let mut command = Command::new(env!("CARGO_BIN_EXE_oversight"));
    command
        .args(args)
        .current_dir(work.path())
        .env_remove("OVERSIGHT_KEY")
        .env_remove("OVERSIGHT_CRASH_AT")
        .env("XDG_CONFIG_HOME", work.path().join("config"))
        .env("HOME", work.path())
        .stdin(Stdio::null())
        .stdout(fs::File::create(&stdout).unwrap())
        .stderr(fs::File::create(&stderr).unwrap());
    for (name, value) in env {
        command.env(name, value);
    }
    // Waited for below with wait4, which also gives the child's resource usage.
    #[allow(clippy::zombie_processes)]
    let child = command.spawn().expect("the oversight binary runs");
    let pid = child.id() as libc::pid_t;
    let started = Instant::now();
    let mut status = 0;
    // SAFETY: rusage is plain data, valid when zeroed.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own child, not yet reaped; wait4 fills `status` and
        // `usage`, which outlive the call.
        let waited = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if waited == pid {
            break;
        }
        assert_eq!(waited, 0, "wait4 failed");
        if started.elapsed() > NO_HANG {
            // SAFETY: as above; the child is killed, then reaped.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::wait4(pid, &mut status, 0, &mut usage);
            }
            panic!("oversight {args:?} still running after {NO_HANG:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Bounded {
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        stdout: fs::read_to_string(&stdout).unwrap_or_default(),
        stderr: fs::read_to_string(&stderr).unwrap_or_default(),
        // On Linux ru_maxrss is in kilobytes.
        peak_rss_bytes: usage.ru_maxrss as u64 * 1024,
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
    let ignored = ignored_files(&stdout);
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
    // Exit 3: the sample's SafeLog export has rows to quarantine (issue #19).
    run.expect_code(3);
    let stdout = run.stdout();
    let ignored = ignored_files(&stdout);
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

// Bounded reads ----------------------------------------------------------------------

/// Writes `export/Export.xlsx`, a workbook whose sheet "School" holds the schools
/// header and one cell of `cell_bytes` characters (a sheet XML of that size, deflated to a few hundred
/// kilobytes), with a mapping that reads it.
fn workbook_bomb(work: &Workdir, cell_bytes: usize) -> PathBuf {
    use std::io::{Read, Write};
    let export = work.path().join("export");
    fs::create_dir_all(&export).unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("School").unwrap();
    let header = [
        "trust_id",
        "trust_name",
        "school_urn",
        "school_name",
        "phase",
        "local_authority",
    ];
    for (column, name) in header.into_iter().enumerate() {
        sheet.write_string(0, column as u16, name).unwrap();
    }
    let small = book.save_to_buffer().unwrap();
    let mut source = zip::ZipArchive::new(std::io::Cursor::new(small)).unwrap();
    let path = export.join("Export.xlsx");
    let mut writer = zip::ZipWriter::new(fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for index in 0..source.len() {
        let mut part = source.by_index(index).unwrap();
        let name = part.name().unwrap().into_owned();
        let mut xml = String::new();
        part.read_to_string(&mut xml).unwrap();
        writer.start_file(name.as_str(), options).unwrap();
        if name != "xl/worksheets/sheet1.xml" {
            writer.write_all(xml.as_bytes()).unwrap();
            continue;
        }
        let end = xml.find("</sheetData>").expect("a sheetData element");
        writer.write_all(&xml.as_bytes()[..end]).unwrap();
        writer
            .write_all(b"<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>")
            .unwrap();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..cell_bytes / chunk.len() {
            writer.write_all(&chunk).unwrap();
        }
        writer.write_all(b"</t></is></c></row>").unwrap();
        writer.write_all(&xml.as_bytes()[end..]).unwrap();
    }
    writer.finish().unwrap();
    fs::write(
        export.join("mapping.toml"),
        "[files.schools]\npath = \"Export.xlsx\"\nsheet = \"School\"\n",
    )
    .unwrap();
    path
}

/// Sets the uncompressed size the zip at `path` records for `name` (its local header
/// and its central directory entry) to `size`.
fn lie_about_size(path: &Path, name: &[u8], size: u32) {
    let mut zip = fs::read(path).unwrap();
    let mut patched = 0;
    for at in 0..zip.len().saturating_sub(46) {
        let (size_at, name_at) = match &zip[at..at + 4] {
            [0x50, 0x4b, 0x03, 0x04] => (at + 22, at + 30),
            [0x50, 0x4b, 0x01, 0x02] => (at + 24, at + 46),
            _ => continue,
        };
        if zip.get(name_at..name_at + name.len()) == Some(name) {
            zip[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(
        patched, 2,
        "the local header and the central directory entry"
    );
    fs::write(path, zip).unwrap();
}

#[cfg(unix)]
#[test]
fn a_workbook_whose_sheet_expands_past_the_cap_is_an_error_in_bounded_memory() {
    // Issue #18, "Bounded reads": a 4 MB .xlsx whose sheet XML expanded to gigabytes
    // took 7.1 GB. A sheet is read only up to 256 MiB uncompressed, by what the zip
    // declares and by what it actually holds (a zip can lie); spec 01's "Validation:
    // nothing is lost" rule makes it an error naming the file, not a partial read.
    let work = Workdir::new();
    let book = workbook_bomb(&work, 300 << 20);
    assert!(
        fs::metadata(&book).unwrap().len() < 4 << 20,
        "small on disk"
    );
    let honest = run_bounded(
        &work,
        &["ingest", "--store", "store", "export"],
        &[("OVERSIGHT_KEY", TEST_KEY)],
    );
    assert_eq!(honest.code, Some(1), "{}", honest.said());
    assert!(
        honest.stderr.contains("Export.xlsx")
            && honest.stderr.contains("xl/worksheets/sheet1.xml")
            && honest.stderr.contains("more than 256 MiB uncompressed"),
        "{}",
        honest.stderr
    );
    assert!(
        honest.peak_rss_bytes < 512 << 20,
        "peak memory {} MiB",
        honest.peak_rss_bytes >> 20
    );
    assert!(
        !work.path().join("store/schools").exists(),
        "nothing stored"
    );

    // The same workbook declaring its sheet to be 1,000 bytes.
    lie_about_size(&book, b"xl/worksheets/sheet1.xml", 1000);
    let lying = run_bounded(
        &work,
        &["validate", "export"],
        &[("OVERSIGHT_KEY", TEST_KEY)],
    );
    assert_eq!(lying.code, Some(1), "{}", lying.said());
    assert!(
        lying.stderr.contains("Export.xlsx") && lying.stderr.contains("xl/worksheets/sheet1.xml"),
        "{}",
        lying.stderr
    );
    assert!(
        lying.peak_rss_bytes < 512 << 20,
        "peak memory {} MiB",
        lying.peak_rss_bytes >> 20
    );
}

#[cfg(unix)]
#[test]
fn a_calendar_that_is_a_device_a_fifo_or_too_large_is_refused_naming_it() {
    // Issue #18, "Bounded reads": a policy `calendar` naming /dev/zero took 24 GB before
    // the OOM killer. Spec 04's calendar is a CSV file: only a regular file is read, and
    // at most 16 MiB of it; the error names the policy key and the file.
    let work = Workdir::new();
    work.bundle("bundle", &[]);
    policy(&work);
    work.run(&["ingest", "--store", "store", "bundle"]).ok();
    mkfifo(&work.path().join("pipe.csv"));
    let mut large = fs::read(work.path().join("calendar.csv")).unwrap();
    let line = b"2099/00,autumn,1,2099-09-01,2099-10-20\n";
    while large.len() <= 16 << 20 {
        large.extend_from_slice(line);
    }
    fs::write(work.path().join("large.csv"), large).unwrap();
    for (calendar, what) in [
        ("/dev/zero", "a character device"),
        ("pipe.csv", "a FIFO (named pipe)"),
        ("large.csv", "larger than 16 MiB"),
    ] {
        fs::write(
            work.path().join("policy.toml"),
            crate::scenario::DEFAULT_POLICY.replacen(
                "calendar = \"calendar.csv\"",
                &format!("calendar = {calendar:?}"),
                1,
            ),
        )
        .unwrap();
        let run = run_bounded(&work, &REPORT, &[("OVERSIGHT_KEY", TEST_KEY)]);
        assert_eq!(run.code, Some(1), "{calendar}: {}", run.said());
        assert!(
            run.stderr.contains("policy.toml: calendar")
                && run.stderr.contains(calendar)
                && run.stderr.contains(what),
            "{calendar}: {}",
            run.stderr
        );
        assert!(
            run.peak_rss_bytes < 512 << 20,
            "{calendar}: peak memory {} MiB",
            run.peak_rss_bytes >> 20
        );
    }
}

// Trust ids ----------------------------------------------------------------------------

/// The base bundle in `name/` with its trust id written `trust` and its school `urn`.
fn bundle_of_trust(work: &Workdir, name: &str, trust: &str, urn: &str) -> PathBuf {
    let dir = work.bundle(name, &[]);
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replace("TR001", trust).replace("100001", urn)).unwrap();
    }
    dir
}

#[test]
fn a_trust_id_differing_from_a_stored_one_only_by_case_is_quarantined() {
    // Spec 01, "A school that changes trust": "A trust id that differs from a stored
    // one only by case or surrounding spaces is a quarantine reason ("TR001 is stored;
    // tr001 differs only by case"), not a new trust."
    let work = Workdir::new();
    bundle_of_trust(&work, "autumn", "TR001", "100001");
    work.run(&["ingest", "--store", "store", "autumn"]).ok();
    bundle_of_trust(&work, "spring", "tr001", "100001");
    let run = work.run(&["ingest", "--store", "store", "spring"]);
    run.ok();
    let reason = "\"TR001\" is stored; \"tr001\" differs only by case";
    let quarantined = crate::util::quarantine(&work.path().join("store"));
    let school = quarantined
        .iter()
        .find(|(file, ..)| file == "schools.csv")
        .unwrap_or_else(|| panic!("the school row is quarantined: {quarantined:?}"));
    assert_eq!((school.1, school.2.as_str()), (2, "trust_id"));
    assert!(school.3.contains(reason), "{}", school.3);
    assert!(run.stdout().contains(reason), "{}", run.stdout());
    let store = oversight::store::Store::open(&work.path().join("store")).unwrap();
    assert_eq!(store.all_trusts(), ["TR001"], "no second trust");
}

#[test]
fn a_trust_id_differing_from_one_earlier_in_the_ingest_only_by_case_is_quarantined() {
    // Spec 01, "A school that changes trust": the same rule against trust ids accepted
    // earlier in the same ingest (an earlier bundle, or an earlier row).
    let work = Workdir::new();
    bundle_of_trust(&work, "first", "TR001", "100001");
    let second = bundle_of_trust(&work, "second", "tr001", "100002");
    let mut schools = fs::read_to_string(second.join("schools.csv")).unwrap();
    schools.push_str("TR002,Other Trust,100003,Gamma School,primary,Testshire\n");
    schools.push_str("tr002,Other Trust,100004,Delta School,primary,Testshire\n");
    fs::write(second.join("schools.csv"), schools).unwrap();
    let run = work.run(&["validate", "first", "second"]);
    // Exit 3: rows would be quarantined (issue #19).
    run.expect_code(3);
    let stdout = run.stdout();
    assert!(
        stdout.contains(
            "second/schools.csv line 2, column trust_id: \"TR001\" is read earlier in this ingest; \"tr001\" differs only by case"
        ) && stdout.contains(
            "second/schools.csv line 4, column trust_id: \"TR002\" is read earlier in this ingest; \"tr002\" differs only by case"
        ),
        "{stdout}"
    );
    assert!(
        !stdout.contains("second/schools.csv line 3,"),
        "TR002 itself is a new trust: {stdout}"
    );
}

/// The lines an ingest or validate report lists under "Files ignored".
fn ignored_files(report: &str) -> Vec<&str> {
    report
        .lines()
        .skip_while(|l| !l.starts_with("Files ignored"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect()
}
