//! Issue #19: mistakes that change or lose figures silently, and papercuts. Each test
//! quotes the item of the issue (or the spec text) it checks.

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::sample_report::{AS_OF, report_args};
use crate::util::{TEST_KEY, Workdir, snapshot};

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data")
}

fn sample_policy() -> String {
    sample().join("policy.toml").display().to_string()
}

/// Ingests sample-data's bundles into `store` in `work`.
fn ingest_sample(work: &Workdir) {
    let bundles = sample().join("bundles");
    work.run(&["ingest", "--store", "store", bundles.to_str().unwrap()])
        .ok();
}

/// `oversight args` in `work` with the test key, as `Workdir::run` runs it, for a test
/// that needs the child process itself.
fn oversight(work: &Workdir, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_oversight"));
    command
        .args(args)
        .current_dir(work.path())
        .env("OVERSIGHT_KEY", TEST_KEY)
        .env("XDG_CONFIG_HOME", work.path().join("config"))
        .env("HOME", work.path());
    command
}

/// Runs `oversight args` in `work` with its stdout a pipe whose reader is already gone,
/// as in `oversight report ... | head` once `head` has read its lines.
fn run_into_closed_pipe(work: &Workdir, args: &[&str]) -> std::process::Output {
    let mut child = oversight(work, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_report_piped_into_head_finishes_without_a_panic() {
    // Issue #19: "`report … | head` panics (broken pipe, exit 101)".
    let work = Workdir::new();
    ingest_sample(&work);
    let policy = sample_policy();
    let output = run_into_closed_pipe(&work, &report_args(&policy, "out"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    // The report was still written whole: its manifest is there.
    assert!(work.path().join("out/manifest.json").is_file());
    let history = run_into_closed_pipe(&work, &["store", "history", "--store", "store"]);
    assert_eq!(
        history.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&history.stderr)
    );
}

#[test]
fn an_error_says_its_cause_once() {
    // Issue #19: "No such file or directory (os error 2): No such file or directory (os
    // error 2)".
    let work = Workdir::new();
    let bundle = work.bundle("bundle", &[]);
    work.run(&["ingest", "--store", "store", bundle.to_str().unwrap()])
        .ok();
    for args in [
        vec![
            "report",
            "--store",
            "store",
            "--policy",
            "nope.toml",
            "--out",
            "out",
        ],
        vec!["validate", "no-such-bundle"],
        vec![
            "ingest",
            "--store",
            "store",
            "--mapping",
            "nope.toml",
            "bundle",
        ],
    ] {
        let run = work.run(&args);
        run.expect_code(1);
        let stderr = run.stderr();
        let line = stderr.trim();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        // Each part of the message once: no "X: X" where a cause repeats itself.
        let parts: Vec<&str> = line.split(": ").collect();
        for pair in parts.windows(2) {
            assert_ne!(pair[0], pair[1], "{line}");
        }
        assert!(line.matches("(os error 2)").count() <= 1, "{line}");
    }
}

#[test]
fn dates_on_the_command_line_take_the_forms_data_files_take() {
    // Issue #19: "`--as-of 07/12/2026` says "invalid characters" though data files
    // accept that form" (spec 01: dates are YYYY-MM-DD or DD/MM/YYYY).
    let work = Workdir::new();
    ingest_sample(&work);
    let policy = sample_policy();
    let english = work.run(&[
        "report",
        "--store",
        "store",
        "--policy",
        &policy,
        "--out",
        "english",
        "--as-of",
        "23/11/2026",
        "--tables-only",
    ]);
    english.ok();
    let iso = work.run(&[
        "report",
        "--store",
        "store",
        "--policy",
        &policy,
        "--out",
        "iso",
        "--as-of",
        AS_OF,
        "--tables-only",
    ]);
    iso.ok();
    assert_eq!(
        snapshot(&work.path().join("english")),
        snapshot(&work.path().join("iso"))
    );
    // A date in neither form is a usage error that says which forms are meant.
    let wrong = work.run(&[
        "report",
        "--store",
        "store",
        "--policy",
        &policy,
        "--out",
        "x",
        "--as-of",
        "2026.11.23",
    ]);
    wrong.expect_code(2);
    assert!(wrong.stderr().contains("DD/MM/YYYY"), "{}", wrong.stderr());
    for args in [
        vec![
            "generate",
            "--out",
            "g",
            "--schools",
            "2",
            "--trusts",
            "1",
            "--today",
            "23/11/2026",
        ],
        vec![
            "report",
            "--store",
            "store",
            "--policy",
            &policy,
            "--out",
            "v",
            "--as-of",
            AS_OF,
            "--store-as-of",
            "31/12/2099",
            "--tables-only",
        ],
    ] {
        work.run(&args).ok();
    }
}

#[test]
fn an_unknown_trust_is_answered_with_the_closest_ones() {
    // Issue #19: "`--trust TR01` does not list the trusts there are".
    let work = Workdir::new();
    ingest_sample(&work);
    let policy = sample_policy();
    let mut args = report_args(&policy, "out");
    args.extend(["--trust", "TR01"]);
    let run = work.run(&args);
    run.expect_code(1);
    let stderr = run.stderr();
    assert!(stderr.contains("no trust \"TR01\""), "{stderr}");
    assert!(stderr.contains("\"TR001\", \"TR002\""), "{stderr}");
    assert!(stderr.contains("did you mean \"TR001\""), "{stderr}");
    // Trust ids are matched exactly, but a difference of case is pointed out.
    let mut args = report_args(&policy, "out");
    args.extend(["--trust", "tr002"]);
    let run = work.run(&args);
    run.expect_code(1);
    assert!(
        run.stderr().contains("did you mean \"TR002\""),
        "{}",
        run.stderr()
    );
}

#[test]
fn validate_exits_3_when_rows_would_be_quarantined() {
    // Issue #19: "`validate` exits 0 [when rows would be quarantined]"; item 5:
    // "`validate` exits 3 when rows would be quarantined, as `ingest --strict` does".
    let work = Workdir::new();
    let clean = work.bundle("clean", &[]);
    work.run(&["validate", clean.to_str().unwrap()]).ok();
    let dirty = work.bundle(
        "dirty",
        &[(
            "sessions.csv",
            "S3,100001,2025-10-05,HT1,walk_and_talk,true,held,30,,,,",
        )],
    );
    let run = work.run(&["validate", dirty.to_str().unwrap()]);
    run.expect_code(3);
    assert!(run.stdout().contains("walk_and_talk"), "{}", run.stdout());
    // Nothing was written, as before.
    assert!(!work.path().join("store").exists());
}

/// sample-data's policy file, its presets, calendar and bank holidays copied into
/// `work/policy/`, with `edit` applied to the policy's text; returns the policy's path.
fn edited_sample_policy(work: &Workdir, edit: impl Fn(String) -> String) -> String {
    let dir = work.path().join("policy");
    fs::create_dir_all(dir.join("presets")).unwrap();
    for file in ["calendar.csv", "bank-holidays.csv"] {
        fs::copy(sample().join(file), dir.join(file)).unwrap();
    }
    for entry in fs::read_dir(sample().join("presets")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, dir.join("presets").join(path.file_name().unwrap())).unwrap();
    }
    let text = fs::read_to_string(sample().join("policy.toml")).unwrap();
    fs::write(dir.join("policy.toml"), edit(text)).unwrap();
    dir.join("policy.toml").display().to_string()
}

#[test]
fn a_policy_table_for_a_school_the_store_lacks_is_an_error_with_the_school_meant() {
    // Issue #19: "a policy table `[schools."140006"]` (a typo for 140005) is accepted
    // and Larkspur's frequency met falls from 100.0 to 66.7 on trust defaults"; spec 04:
    // "an error that names it and the closest URNs the store has ("did you mean 140005
    // Larkspur Meadow Centre?")".
    let work = Workdir::new();
    ingest_sample(&work);
    let typo = edited_sample_policy(&work, |text| {
        text.replace("[schools.\"140005\"]", "[schools.\"140006\"]")
    });
    let run = work.run(&report_args(&typo, "out"));
    run.expect_code(1);
    let stderr = run.stderr();
    assert!(
        stderr.contains("[schools.\"140006\"] names no school of the store"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean 140005 \"Larkspur Meadow Centre\"?"),
        "{stderr}"
    );
    assert!(stderr.contains("policy/policy.toml"), "{stderr}");
    assert!(!work.path().join("out").exists(), "nothing is written");
    // --export-inputs resolves the same run: the same check.
    let mut args = report_args(&typo, "out");
    args.truncate(5);
    args.extend(["--as-of", AS_OF, "--export-inputs", "inputs"]);
    work.run(&args).expect_code(1);

    // The sample's own policy names only North Star's schools: reporting Harbour alone
    // with it is no typo, and its schools are named as on the trust defaults, once.
    let policy = sample_policy();
    let mut args = report_args(&policy, "harbour");
    args.extend(["--trust", "TR002", "--tables-only"]);
    let run = work.run(&args);
    run.ok();
    let stdout = run.stdout();
    let note = "On the trust defaults only (no [schools.\"URN\"] table in ";
    assert_eq!(stdout.matches(note).count(), 1, "{stdout}");
    assert!(
        stdout.contains(
            "policy.toml): 150001 \"Anchorage Primary School\", 150002 \"Breakwater Academy\"\n"
        ),
        "{stdout}"
    );
    // Every North Star school has its table: no note.
    let mut args = report_args(&policy, "north");
    args.extend(["--trust", "TR001", "--tables-only"]);
    let run = work.run(&args);
    run.ok();
    assert!(!run.stdout().contains(note), "{}", run.stdout());
}

/// Every file under `out` that its manifest does not list, besides the manifest.
fn unlisted(out: &std::path::Path) -> Vec<PathBuf> {
    let files = snapshot(out);
    let manifest: serde_json::Value =
        serde_json::from_slice(&files[&PathBuf::from("manifest.json")]).unwrap();
    let listed: Vec<PathBuf> = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| PathBuf::from(o["file"].as_str().unwrap()))
        .collect();
    files
        .into_keys()
        .filter(|path| path != &PathBuf::from("manifest.json") && !listed.contains(path))
        .collect()
}

#[test]
fn a_report_over_an_earlier_one_leaves_only_its_own_files() {
    // Issue #19: "a report into a folder that held another run leaves that run's
    // other-trust packs beside the new ones, unlisted in the manifest"; spec 03: "a
    // finished one leaves only its own files (a previous run's files that this run did
    // not write, such as another trust's pack after `--trust`, are gone)".
    let work = Workdir::new();
    ingest_sample(&work);
    let policy = sample_policy();
    work.run(&report_args(&policy, "out")).ok();
    assert!(work.path().join("out/schools/TR001").is_dir());
    let mut harbour = report_args(&policy, "out");
    harbour.extend(["--trust", "TR002"]);
    work.run(&harbour).ok();
    let out = work.path().join("out");
    assert_eq!(unlisted(&out), Vec::<PathBuf>::new());
    assert!(!out.join("schools/TR001").exists());
    assert!(!out.join("charts/TR001").exists());
    // The same files as a report into a new folder, byte for byte.
    let mut fresh = report_args(&policy, "fresh");
    fresh.extend(["--trust", "TR002"]);
    work.run(&fresh).ok();
    assert_eq!(snapshot(&out), snapshot(&work.path().join("fresh")));
    // --tables-only after a full report: the charts and packs it did not draw are gone.
    let mut tables = report_args(&policy, "out");
    tables.push("--tables-only");
    work.run(&tables).ok();
    assert_eq!(unlisted(&out), Vec::<PathBuf>::new());
    assert!(!out.join("charts").exists() && !out.join("schools").exists());
    // Nothing is left beside --out.
    let beside: Vec<String> = fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("oversight"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

/// Runs `oversight args` in `work` unable to write a file larger than `limit` bytes, as
/// when the disk fills: the write fails with "File too large" (SIGXFSZ ignored).
#[cfg(unix)]
fn run_with_file_size_limit(work: &Workdir, args: &[&str], limit: u64) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    let mut command = oversight(work, args);
    // SAFETY: between fork and exec only async-signal-safe calls (signal, setrlimit).
    unsafe {
        command.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let rlimit = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &rlimit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    command.output().unwrap()
}

#[cfg(unix)]
#[test]
fn a_report_that_fails_or_is_killed_leaves_the_earlier_one_as_it_was() {
    // Issue #19: "a disk filling during a report leaves old and new files mixed"; spec
    // 03: "a failed or killed report leaves the previous outputs as they were".
    let work = Workdir::new();
    ingest_sample(&work);
    let policy = sample_policy();
    work.run(&report_args(&policy, "out")).ok();
    let before = snapshot(&work.path().join("out"));
    // A week later the figures differ; the disk fills once the CSV files are written
    // (each under 32 KiB) and the first chart or pack is not.
    let mut later = report_args(&policy, "out");
    later[8] = "2026-11-30";
    let full = run_with_file_size_limit(&work, &later, 32 * 1024);
    let stderr = String::from_utf8_lossy(&full.stderr);
    assert_eq!(full.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("File too large"), "{stderr}");
    assert!(snapshot(&work.path().join("out")) == before, "out changed");
    // Killed with every file written, just before the swap.
    let killed = work.run_with(
        &later,
        &[
            ("OVERSIGHT_KEY", TEST_KEY),
            ("OVERSIGHT_CRASH_AT", "report-staged"),
        ],
    );
    assert_ne!(killed.code(), Some(0), "{}", killed.stderr());
    assert!(snapshot(&work.path().join("out")) == before, "out changed");
    // The next report replaces it whole.
    work.run(&later).ok();
    assert!(snapshot(&work.path().join("out")) != before);
    assert_eq!(unlisted(&work.path().join("out")), Vec::<PathBuf>::new());
}

#[test]
fn a_folder_that_is_not_an_earlier_report_is_refused_never_cleaned() {
    // Spec 03: "A non-empty `--out` that is not an earlier oversight output is refused,
    // never cleaned."
    let work = Workdir::new();
    ingest_sample(&work);
    let policy = sample_policy();
    let documents = work.path().join("documents");
    fs::create_dir_all(documents.join("minutes")).unwrap();
    fs::write(documents.join("budget.xlsx"), "not ours").unwrap();
    let before = snapshot(&documents);
    let run = work.run(&report_args(&policy, "documents"));
    run.expect_code(1);
    assert!(
        run.stderr()
            .contains("not empty and not an earlier oversight report"),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("\"budget.xlsx\""), "{}", run.stderr());
    assert!(snapshot(&documents) == before);
    assert!(documents.join("minutes").is_dir());
    // A file is no folder to write into.
    fs::write(work.path().join("a-file"), "x").unwrap();
    work.run(&report_args(&policy, "a-file")).expect_code(1);
    // An empty folder is fine.
    fs::create_dir(work.path().join("empty")).unwrap();
    work.run(&report_args(&policy, "empty")).ok();
}

#[test]
fn a_store_inside_out_is_kept_through_every_report() {
    // README's onboarding ingests into `out/store` and reports into `out/`; the store is
    // not a report output and the swap never touches it, nor another folder kept beside
    // an earlier report (README: `--export-inputs out/inputs`).
    let work = Workdir::new();
    let bundles = sample().join("bundles");
    work.run(&["ingest", "--store", "out/store", bundles.to_str().unwrap()])
        .ok();
    let store = snapshot(&work.path().join("out/store"));
    let policy = sample_policy();
    let report = |extra: &[&str]| {
        let mut args = vec![
            "report",
            "--store",
            "out/store",
            "--policy",
            &policy,
            "--out",
            "out",
            "--as-of",
            AS_OF,
        ];
        args.extend_from_slice(extra);
        work.run(&args).ok();
    };
    report(&[]);
    fs::create_dir(work.path().join("out/inputs")).unwrap();
    fs::write(work.path().join("out/inputs/notes.txt"), "kept").unwrap();
    report(&["--trust", "TR002"]);
    report(&["--tables-only"]);
    assert!(snapshot(&work.path().join("out/store")) == store);
    assert!(work.path().join("out/inputs/notes.txt").is_file());
    assert!(work.path().join("out/manifest.json").is_file());
}

#[test]
fn run_never_deletes_a_store_and_refuses_one_that_is_not_the_samples() {
    // Issue #19: "`oversight run` deletes `out/store` without a word, the very store
    // README's onboarding steps ingest real exports into (`ingest --store out/store
    // ...`)"; spec 03: "it never deletes or replaces a store ... and stops with an error
    // if that store holds trusts that are not the sample's".
    let work = Workdir::new();
    let bundle = work.bundle("oakfield", &[]);
    for entry in fs::read_dir(&bundle).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replace("TR001", "TR900")).unwrap();
    }
    work.run(&["ingest", "--store", "out/store", "oakfield"])
        .ok();
    let store = snapshot(&work.path().join("out/store"));
    let run = work.run(&["run"]);
    run.expect_code(1);
    let stderr = run.stderr();
    assert!(stderr.contains("out/store"), "{stderr}");
    assert!(stderr.contains("\"TR900\""), "{stderr}");
    assert!(
        stderr.contains("oversight report --store out/store"),
        "{stderr}"
    );
    assert!(
        snapshot(&work.path().join("out/store")) == store,
        "store changed"
    );
    assert!(!work.path().join("out/manifest.json").exists());

    // A store holding the sample's trust ids but a school the sample does not have is
    // not the demo's either: the sample is never mixed into it.
    let work = Workdir::new();
    let bundle = work.bundle("oakfield", &[]);
    work.run(&["ingest", "--store", "out/store", bundle.to_str().unwrap()])
        .ok();
    let store = snapshot(&work.path().join("out/store"));
    let run = work.run(&["run"]);
    run.expect_code(1);
    assert!(run.stderr().contains("100001"), "{}", run.stderr());
    assert!(
        snapshot(&work.path().join("out/store")) == store,
        "store changed"
    );
}

#[test]
fn run_ingests_into_its_own_store_as_a_new_version_and_keeps_it() {
    // Spec 03: `run` "ingests the sample into `out/store` as any ingest would": the
    // same bundles again add nothing, and the store and its history stay.
    let work = Workdir::new();
    work.run(&["run"]).ok();
    let versions = work.path().join("out/store/_versions");
    let count = || fs::read_dir(&versions).unwrap().count();
    assert_eq!(count(), 1);
    let store = snapshot(&work.path().join("out/store"));
    let again = work.run(&["run"]);
    again.ok();
    assert!(
        again.stdout().contains("nothing changed"),
        "{}",
        again.stdout()
    );
    assert_eq!(count(), 1);
    let parquet = |files: &std::collections::BTreeMap<PathBuf, Vec<u8>>| {
        files
            .iter()
            .filter(|(path, _)| path.extension().is_some_and(|e| e == "parquet"))
            .map(|(path, bytes)| (path.clone(), bytes.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        parquet(&snapshot(&work.path().join("out/store"))),
        parquet(&store)
    );
    // Beside the report's own files, the store only.
    let mut others = unlisted(&work.path().join("out"));
    others.retain(|path| !path.starts_with("store"));
    assert_eq!(others, Vec::<PathBuf>::new());
}

#[test]
fn an_earlier_store_version_is_reported_with_a_policy_naming_a_school_added_since() {
    // `report --store-version N` rebuilds a past report (spec 03); a school that joined
    // the trust after version N has its table in today's policy, and that table is no
    // typo: the URN check (spec 04) knows the store's newest schools too.
    let work = Workdir::new();
    let first = work.bundle("first", &[]);
    work.run(&["ingest", "--store", "store", first.to_str().unwrap()])
        .ok();
    let second = work.path().join("second");
    fs::create_dir_all(&second).unwrap();
    fs::write(
        second.join("schools.csv"),
        "trust_id,trust_name,school_urn,school_name,phase,local_authority\n\
         TR001,Test Trust,100002,Beta Primary,primary,Testshire\n",
    )
    .unwrap();
    work.run(&["ingest", "--store", "store", second.to_str().unwrap()])
        .ok();
    for file in ["calendar.csv", "bank-holidays.csv"] {
        fs::copy(sample().join(file), work.path().join(file)).unwrap();
    }
    let policy = format!(
        "{}\n[schools.\"100002\"]\nrecord_within_working_days = 3\n",
        crate::scenario::DEFAULT_POLICY
    );
    fs::write(work.path().join("policy.toml"), policy).unwrap();
    let report = |version: &str, out: &str| {
        work.run(&[
            "report",
            "--store",
            "store",
            "--policy",
            "policy.toml",
            "--out",
            out,
            "--as-of",
            "2026-01-20",
            "--tables-only",
            "--store-version",
            version,
        ])
    };
    report("1", "then").ok();
    report("2", "now").ok();
    // A typo is still a typo at any version.
    fs::write(
        work.path().join("policy.toml"),
        format!(
            "{}\n[schools.\"100003\"]\nrecord_within_working_days = 3\n",
            crate::scenario::DEFAULT_POLICY
        ),
    )
    .unwrap();
    let typo = report("1", "typo");
    typo.expect_code(1);
    assert!(
        typo.stderr()
            .contains("did you mean 100001 \"Alpha Primary\"?"),
        "{}",
        typo.stderr()
    );
}
