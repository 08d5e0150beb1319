//! Hostile and unusual exports, real-world identifiers, and a store that cannot be
//! corrupted (issue #11). Each test names the item of the issue it checks.

use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{TEST_KEY, Workdir, quarantine, snapshot};

/// A second key, as long as keys must be.
const OTHER_KEY: &str = "another-key-of-enough-length";

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

fn report_args(store: &str) -> Vec<&str> {
    vec![
        "report",
        "--store",
        store,
        "--policy",
        "policy.toml",
        "--out",
        "out",
        "--as-of",
        "2026-01-20",
        "--tables-only",
    ]
}

/// The base bundle with every `TR001` replaced by `trust` and the school's URN by `urn`.
fn bundle_of_trust(work: &Workdir, name: &str, trust: &str, urn: &str) -> PathBuf {
    let dir = work.bundle(name, &[]);
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replace("TR001", trust).replace("100001", urn)).unwrap();
    }
    dir
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

// Item 1 ---------------------------------------------------------------------------

#[test]
fn one_bundle_of_300_trusts_ingests_in_the_default_stack() {
    // Issue #11 item 1: a single bundle holding hundreds of trusts overflowed the stack
    // (nested waiting between our thread pool and polars'). 300 trusts of one school,
    // concatenated into one bundle folder, ingest with the default stack size.
    let work = Workdir::new();
    work.run(&[
        "generate",
        "--out",
        "generated",
        "--trusts",
        "300",
        "--schools",
        "300",
        "--seed",
        "11",
        "--today",
        "2026-01-20",
    ])
    .ok();
    let big = work.path().join("big");
    fs::create_dir_all(&big).unwrap();
    let mut folders: Vec<PathBuf> = fs::read_dir(work.path().join("generated"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    assert_eq!(folders.len(), 300);
    for table in oversight::contract::Table::ALL {
        let mut joined = String::new();
        for (at, folder) in folders.iter().enumerate() {
            let text = fs::read_to_string(folder.join(table.file_name())).unwrap();
            let mut lines = text.lines();
            let header = lines.next().unwrap();
            if at == 0 {
                joined.push_str(header);
                joined.push('\n');
            }
            for line in lines {
                joined.push_str(line);
                joined.push('\n');
            }
        }
        fs::write(big.join(table.file_name()), joined).unwrap();
    }
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_oversight"));
    command
        .args(["--quiet", "ingest", "--store", "store", "big"])
        .current_dir(work.path())
        .env("OVERSIGHT_KEY", TEST_KEY)
        .env_remove("RUST_MIN_STACK")
        .env("XDG_CONFIG_HOME", work.path().join("config"));
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{:?}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let store = oversight::store::Store::open(&work.path().join("store")).unwrap();
    assert_eq!(store.all_trusts().len(), 300);
}

#[test]
fn report_on_a_missing_or_empty_store_is_an_error_naming_it() {
    // Issue #11 item 1: "`report` on a store that does not exist or holds no rows is an
    // error (exit 1) naming the store."
    let work = Workdir::new();
    policy(&work);
    let missing = work.run(&report_args("nowhere"));
    missing.expect_code(1);
    assert!(missing.stderr().contains("nowhere"), "{}", missing.stderr());
    fs::create_dir_all(work.path().join("empty")).unwrap();
    let empty = work.run(&report_args("empty"));
    empty.expect_code(1);
    assert!(
        empty.stderr().contains("empty") && empty.stderr().contains("holds no rows"),
        "{}",
        empty.stderr()
    );
    assert!(!work.path().join("out").exists(), "nothing written");
}

// Item 2 ---------------------------------------------------------------------------

#[test]
fn a_mapping_cannot_read_outside_its_export_folder() {
    // Issue #11 item 2: `path = "../secret.txt"` (or an absolute path) was opened and its
    // first line printed as "its header is ...".
    let work = Workdir::new();
    let secret = work.path().join("secret.txt");
    fs::write(&secret, "TOP-SECRET-FIRST-LINE\nmore\n").unwrap();
    for path in ["../secret.txt".to_string(), secret.display().to_string()] {
        let export = work.path().join("export");
        fs::create_dir_all(&export).unwrap();
        fs::write(
            export.join("mapping.toml"),
            format!("[files.schools]\npath = {path:?}\n"),
        )
        .unwrap();
        let run = work.run(&["validate", "export"]);
        run.expect_code(1);
        let said = format!("{}{}", run.stdout(), run.stderr());
        assert!(!said.contains("TOP-SECRET"), "{said}");
        assert!(
            said.contains("[files.schools] path =") && said.contains("outside the export folder"),
            "{said}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_bundle_file_linked_from_outside_the_bundle_is_refused() {
    // Issue #11 item 2: files in a bundle are confined to its folder after resolving
    // symlinks.
    let work = Workdir::new();
    let bundle = work.bundle("bundle", &[]);
    let outside = work.path().join("elsewhere.csv");
    fs::rename(bundle.join("staff.csv"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, bundle.join("staff.csv")).unwrap();
    let run = work.run(&["ingest", "--store", "store", "bundle"]);
    run.expect_code(1);
    assert!(
        run.stderr().contains("staff.csv") && run.stderr().contains("outside"),
        "{}",
        run.stderr()
    );
    assert!(!work.path().join("store/staff").exists());
}

#[test]
fn messages_show_a_short_escaped_prefix_of_a_cell() {
    // Issue #11 item 2: quarantine reasons quoted the offending cell in full, escape
    // sequences included.
    let work = Workdir::new();
    let kind = format!("\u{1b}]0;pwned\u{7}{}", "A".repeat(5000));
    work.bundle(
        "bundle",
        &[(
            "sessions.csv",
            &format!("S9,100001,2025-10-03,HT1,{kind},true,held,60,,true,true,"),
        )],
    );
    let run = work.run(&["--verbose", "ingest", "--store", "store", "bundle"]);
    run.ok();
    assert!(!run.stdout().contains('\u{1b}'), "{}", run.stdout());
    let rows = quarantine(&work.path().join("store"));
    let (_, _, column, reason) = rows
        .iter()
        .find(|(file, line, ..)| file == "sessions.csv" && *line == 4)
        .expect("the row is quarantined");
    assert_eq!(column, "kind");
    assert!(
        reason.starts_with("unknown session kind \"\\u{1b}]0;pwned\\u{7}AAA")
            && reason.contains("(5010 characters)")
            && reason.len() < 300,
        "{reason}"
    );
}

#[test]
fn a_header_that_is_a_data_row_is_shown_short() {
    // Issue #11 item 2: a headerless file printed its first data row as "the header".
    let work = Workdir::new();
    let bundle = work.bundle("bundle", &[]);
    let long_name = format!("CHILD NAME \u{1b}[2J {}", "x".repeat(500));
    fs::write(
        bundle.join("staff.csv"),
        format!("DSL1,100001,{long_name},DSL,2020-09-01,2021-07-31,2025-01-10\n"),
    )
    .unwrap();
    let run = work.run(&["ingest", "--store", "store", "bundle"]);
    run.expect_code(1);
    assert!(!run.stderr().contains('\u{1b}'), "{}", run.stderr());
    assert!(!run.stderr().contains(&"x".repeat(100)), "{}", run.stderr());
    assert!(run.stderr().contains("characters)"), "{}", run.stderr());
}

// Item 3 ---------------------------------------------------------------------------

#[test]
fn a_store_refuses_a_key_other_than_the_one_it_was_made_with() {
    // Issue #11 item 3: ingesting again with another key stored every case twice.
    let work = Workdir::new();
    work.bundle("bundle", &[]);
    policy(&work);
    work.run(&["ingest", "--store", "store", "bundle"]).ok();
    // The key's fingerprint is in the store's committed log (spec 03, "Store"); the key
    // itself never is.
    let record = fs::read_to_string(
        work.path()
            .join("store/_versions/00000000000000000001.json"),
    )
    .unwrap();
    assert!(!record.contains(TEST_KEY), "the key itself is never stored");
    assert!(
        record.contains("OVERSIGHT_KEY") && record.contains("fingerprint"),
        "{record}"
    );
    let before = snapshot(&work.path().join("store"));

    let again = work.run_with(
        &["ingest", "--store", "store", "bundle"],
        &[("OVERSIGHT_KEY", OTHER_KEY)],
    );
    again.expect_code(1);
    assert!(
        again.stderr().contains("another pseudonymisation key")
            && again.stderr().contains("OVERSIGHT_KEY"),
        "{}",
        again.stderr()
    );
    let mut after = snapshot(&work.path().join("store"));
    after.remove(Path::new(".lock"));
    let mut before = before;
    before.remove(Path::new(".lock"));
    assert_eq!(after, before, "the store is untouched");

    let report = work.run_with(&report_args("store"), &[("OVERSIGHT_KEY", OTHER_KEY)]);
    report.expect_code(1);
    assert!(
        report.stderr().contains("another pseudonymisation key"),
        "{}",
        report.stderr()
    );
    let no_key = work.run_with(&report_args("store"), &[]);
    no_key.expect_code(1);
    assert!(
        no_key.stderr().contains("no pseudonymisation key")
            && no_key.stderr().contains("OVERSIGHT_KEY"),
        "{}",
        no_key.stderr()
    );
    work.run(&report_args("store")).ok();
}

#[test]
fn short_keys_are_refused_and_shared_key_files_warned_about() {
    // Issue #11 item 3: "Keys shorter than 16 bytes are refused; a key file readable by
    // others gets a warning."
    let work = Workdir::new();
    work.bundle("bundle", &[]);
    let weak = work.run_with(
        &["ingest", "--store", "store", "bundle"],
        &[("OVERSIGHT_KEY", "a")],
    );
    weak.expect_code(1);
    assert!(
        weak.stderr().contains("at least 16 bytes"),
        "{}",
        weak.stderr()
    );
    assert!(!work.path().join("store/cases").exists());

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key_file = work.path().join("shared.key");
        fs::write(&key_file, format!("{OTHER_KEY}\n")).unwrap();
        fs::set_permissions(&key_file, fs::Permissions::from_mode(0o644)).unwrap();
        let run = work.run_with(
            &[
                "ingest",
                "--store",
                "store",
                "--key-file",
                "shared.key",
                "bundle",
            ],
            &[],
        );
        run.ok();
        assert!(
            run.stderr().contains("warning") && run.stderr().contains("other users"),
            "{}",
            run.stderr()
        );
    }
}

// Item 4 ---------------------------------------------------------------------------

#[test]
fn numeric_trust_ids_and_leading_zeros_work_end_to_end() {
    // Issue #11 item 4: a trust id such as 1001 was read back as an integer partition
    // and every report failed; 007 must stay 007.
    let work = Workdir::new();
    policy(&work);
    bundle_of_trust(&work, "first", "1001", "100001");
    bundle_of_trust(&work, "second", "007", "100002");
    work.run(&["ingest", "--store", "store", "first", "second"])
        .ok();
    work.run(&report_args("store")).ok();
    let summary = fs::read_to_string(work.path().join("out/governors/summary.csv")).unwrap();
    let trusts: std::collections::BTreeSet<&str> = summary
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').next())
        .collect();
    assert_eq!(
        trusts.into_iter().collect::<Vec<_>>(),
        vec!["007", "1001"],
        "{summary}"
    );
}

// Item 5 ---------------------------------------------------------------------------

#[test]
fn one_ingest_at_a_time_while_reports_read_freely() {
    // Issue #11 item 5, as spec 03 "Store" (rewritten) now has it: an ingest holds the
    // writer's lock (a second ingest is told at once), reports take no lock since a
    // committed version's files never change, and no writer touches another's staging.
    let work = Workdir::new();
    policy(&work);
    work.bundle("bundle", &[]);
    work.run(&["ingest", "--store", "store", "bundle"]).ok();
    let store_dir = work.path().join("store");
    // A staging folder of another writer, in progress.
    fs::create_dir_all(store_dir.join("_staging/in-progress")).unwrap();
    fs::write(store_dir.join("_staging/in-progress/x"), b"staged").unwrap();
    let writer = oversight::store::Store::open(&store_dir).unwrap();
    let ingest = work.run(&["ingest", "--store", "store", "bundle"]);
    ingest.expect_code(1);
    assert!(
        ingest
            .stderr()
            .contains("in use by another oversight process"),
        "{}",
        ingest.stderr()
    );
    work.run(&report_args("store")).ok();
    drop(writer);
    work.run(&["ingest", "--store", "store", "bundle"]).ok();
    assert_eq!(
        fs::read(store_dir.join("_staging/in-progress/x")).unwrap(),
        b"staged",
        "another writer's staging is never deleted"
    );
}

// Item 6 ---------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn restricted_outputs_the_store_and_the_key_are_private() {
    // Issue #11 item 6: restricted CSVs, Parquet and quarantine files were created
    // world-readable.
    let work = Workdir::new();
    policy(&work);
    work.bundle(
        "bundle",
        &[(
            "sessions.csv",
            "S9,100001,2025-10-03,HT1,bad,true,held,60,,true,true,",
        )],
    );
    // No OVERSIGHT_KEY: the per-user key is created.
    work.run_with(&["ingest", "--store", "store", "bundle"], &[])
        .ok();
    work.run_with(&report_args("store"), &[]).ok();
    let key = work.path().join("config/oversight/key");
    assert_eq!(mode(&key), 0o600);
    assert_eq!(mode(key.parent().unwrap()), 0o700);
    let store = work.path().join("store");
    assert_eq!(mode(&store), 0o700);
    for (path, _) in snapshot(&store) {
        assert_eq!(mode(&store.join(&path)) & 0o077, 0, "{}", path.display());
    }
    assert!(snapshot(&store).keys().any(|p| p.starts_with("quarantine")));
    let restricted = work.path().join("out/restricted");
    assert_eq!(mode(&restricted), 0o700);
    for (path, _) in snapshot(&restricted) {
        assert_eq!(mode(&restricted.join(&path)), 0o600, "{}", path.display());
    }
    // Governors' files keep the permissions any new file gets.
    let probe = work.path().join("out/probe");
    fs::write(&probe, b"").unwrap();
    let governors = work.path().join("out/governors");
    for (path, _) in snapshot(&governors) {
        assert_eq!(
            mode(&governors.join(&path)),
            mode(&probe),
            "{}",
            path.display()
        );
    }
}

// Item 7 ---------------------------------------------------------------------------

#[test]
fn a_header_too_wide_is_an_error_and_checking_it_is_linear() {
    // Issue #11 item 7: a header with a million columns made the duplicate-header check
    // quadratic.
    let work = Workdir::new();
    let bundle = work.bundle("bundle", &[]);
    let mut header = String::from("staff_id,school_urn,display_name,role,started_on");
    for at in 0..200_000 {
        header.push_str(&format!(",extra{at}"));
    }
    fs::write(bundle.join("staff.csv"), format!("{header}\n")).unwrap();
    let started = std::time::Instant::now();
    let run = work.run(&["ingest", "--store", "store", "bundle"]);
    run.expect_code(1);
    assert!(
        run.stderr().contains("staff.csv: line 1: column 16385")
            && run.stderr().contains("at most 16384"),
        "{}",
        run.stderr()
    );
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}

#[test]
fn a_cell_too_long_is_quarantined_with_its_length() {
    // Issue #11 item 7: cell length is bounded; the row is quarantined naming the column.
    let work = Workdir::new();
    let huge = "y".repeat(40_000);
    work.bundle(
        "bundle",
        &[(
            "sessions.csv",
            &format!("S9,100001,2025-10-03,HT1,one_to_one,true,held,60,,true,true,{huge}"),
        )],
    );
    work.run(&["ingest", "--store", "store", "bundle"]).ok();
    let rows = quarantine(&work.path().join("store"));
    let (_, _, column, reason) = rows
        .iter()
        .find(|(file, line, ..)| file == "sessions.csv" && *line == 4)
        .expect("the row is quarantined");
    assert_eq!(column, "functions");
    assert!(reason.contains("40000 characters long"), "{reason}");
}

#[test]
fn a_sparse_sheet_spanning_the_whole_grid_is_read_without_aborting() {
    // Issue #11 item 7: a sheet with cells only at A1 and XFD1048576 asked for 17
    // billion cells and aborted.
    let work = Workdir::new();
    let export = work.path().join("export");
    fs::create_dir_all(&export).unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("School").unwrap();
    sheet.write_string(0, 0, "URN").unwrap();
    sheet.write_string(1_048_575, 16_383, "far away").unwrap();
    book.save(export.join("Export.xlsx")).unwrap();
    fs::write(
        export.join("mapping.toml"),
        "[files.schools]\npath = \"Export.xlsx\"\nsheet = \"School\"\n",
    )
    .unwrap();
    let run = work.run(&["validate", "export"]);
    assert_eq!(
        run.code(),
        Some(1),
        "a clear error, not an abort: {}",
        run.stderr()
    );
    assert!(run.stderr().contains("has no column"), "{}", run.stderr());
}

#[test]
fn a_sheet_of_too_many_cells_is_an_error_naming_row_and_column() {
    // Issue #11 item 7: workbook dimensions are bounded, with an error naming the file,
    // row and column.
    let work = Workdir::new();
    let export = work.path().join("export");
    fs::create_dir_all(&export).unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("School").unwrap();
    // Every row reaching the last column: 1,100 rows of 16,384 columns is more than
    // 16,777,216 cells.
    for row in 0..1_100 {
        sheet.write_number(row, 16_383, 1.0).unwrap();
    }
    book.save(export.join("Export.xlsx")).unwrap();
    fs::write(
        export.join("mapping.toml"),
        "[files.schools]\npath = \"Export.xlsx\"\nsheet = \"School\"\n",
    )
    .unwrap();
    let run = work.run(&["validate", "export"]);
    run.expect_code(1);
    assert!(
        run.stderr().contains("Export.xlsx")
            && run.stderr().contains("row 1025, column 16384")
            && run.stderr().contains("more than 16777216 cells"),
        "{}",
        run.stderr()
    );
}
