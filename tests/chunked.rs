//! Large files read in chunks (issue #13, "Memory bounded within a bundle"): a canonical
//! file of more than `OVERSIGHT_INGEST_CHUNK` rows is read, checked and written a chunk
//! at a time. Nothing may depend on the chunk size: the same store byte for byte, the
//! same quarantine (lines, columns, reasons), the same rows read, stored and
//! quarantined per file, as when every file is read whole (spec 01, "Validation: nothing
//! is lost"; spec 03, "Store"). Chunk sizes are forced small through the environment.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use polars::prelude::{ParquetReader, SerReader};

use crate::util::{TEST_KEY, Workdir, ingest_log, parquet_files, quarantine, snapshot};

/// Chunk sizes every comparison runs with: one row, a few rows, and the default (which
/// reads every file here whole).
const CHUNKS: [&str; 3] = ["1", "7", "65536"];

fn ingest(work: &Workdir, store: &str, bundles: &[&Path], env: &[(&str, &str)]) {
    let mut args = vec!["ingest", "--store", store];
    args.extend(bundles.iter().map(|b| b.to_str().unwrap()));
    let mut env = env.to_vec();
    env.push(("OVERSIGHT_KEY", TEST_KEY));
    work.run_with(&args, &env).ok();
}

/// Files by relative path, with their bytes.
type Files = BTreeMap<PathBuf, Vec<u8>>;

/// Everything an ingest leaves that must not depend on how it read: the Parquet files,
/// the quarantine files (by name, byte for byte) and the ingest log's figures.
fn outcome(store: &Path) -> (Files, Files, Vec<Vec<String>>) {
    let quarantine = store.join("quarantine");
    let quarantine = if quarantine.is_dir() {
        snapshot(&quarantine)
    } else {
        BTreeMap::new()
    };
    (parquet_files(store), quarantine, ingest_log(store))
}

/// Every file's rows read equal its rows stored plus quarantined, in the log.
fn assert_accounted(store: &Path) {
    for row in ingest_log(store) {
        // file, table, sha256, bytes, rows_read, rows_stored, rows_quarantined, trusts
        let n = |i: usize| row[i].parse::<u64>().unwrap();
        assert_eq!(n(4), n(5) + n(6), "{row:?}");
    }
}

#[test]
fn sample_data_read_in_chunks_gives_the_store_of_every_file_read_whole() {
    let work = Workdir::new();
    let bundles = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data/bundles");
    let mut outcomes = Vec::new();
    for chunk in CHUNKS {
        let store = format!("chunks-of-{chunk}");
        ingest(
            &work,
            &store,
            &[&bundles],
            // The spill file compacted whenever more of it is dead than live.
            &[
                ("OVERSIGHT_INGEST_CHUNK", chunk),
                ("OVERSIGHT_SPILL_COMPACT_FROM", "1"),
            ],
        );
        assert_accounted(&work.path().join(&store));
        outcomes.push(outcome(&work.path().join(&store)));
    }
    let whole = &outcomes[2];
    assert_eq!(whole.0.len(), 16, "two trusts, eight tables");
    assert!(!whole.1.is_empty(), "sample-data has quarantined rows");
    for (chunk, chunked) in CHUNKS.iter().zip(&outcomes) {
        assert!(
            chunked == whole,
            "chunks of {chunk} differ from whole files"
        );
    }
}

#[test]
fn a_generated_single_folder_gives_the_store_of_its_per_trust_folders() {
    // `generate --one-bundle` holds the same rows as the per-trust layout, so both
    // ingest to the same Parquet files, however the one folder is read: whole, or in
    // chunks of 7 rows with windows of two bundles.
    let work = Workdir::new();
    let generate = |out: &str, one: bool| {
        let mut args = vec![
            "generate",
            "--out",
            out,
            "--trusts",
            "5",
            "--schools",
            "6",
            "--years",
            "1",
            "--seed",
            "13",
            "--today",
            "2026-11-23",
        ];
        if one {
            args.push("--one-bundle");
        }
        work.run(&args).ok();
    };
    generate("per-trust", false);
    generate("one", true);
    let one = work.path().join("one");
    let names: Vec<String> = fs::read_dir(&one)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 8, "only the eight canonical files: {names:?}");
    ingest(
        &work,
        "from-per-trust",
        &[&work.path().join("per-trust")],
        &[],
    );
    let per_trust = parquet_files(&work.path().join("from-per-trust"));
    assert_eq!(per_trust.len(), 40, "five trusts, eight tables");
    for chunk in ["7", "65536"] {
        let store = format!("one-in-chunks-of-{chunk}");
        ingest(
            &work,
            &store,
            &[&one],
            &[
                ("OVERSIGHT_INGEST_CHUNK", chunk),
                ("OVERSIGHT_INGEST_WINDOW", "2"),
                ("OVERSIGHT_SPILL_COMPACT_FROM", "1"),
            ],
        );
        assert_accounted(&work.path().join(&store));
        assert!(
            parquet_files(&work.path().join(&store)) == per_trust,
            "one folder in chunks of {chunk} differs from per-trust folders"
        );
    }
}

#[test]
fn an_id_repeated_across_chunks_quarantines_both_copies_as_when_read_whole() {
    // Spec 01: "an id that repeats inside one file". Session S1 is on line 2 and again on
    // line 9; with chunks of 3 rows (lines 2-4, 5-7, 8-9) the two copies are read in
    // different chunks, yet both are quarantined with the reason naming both lines, and
    // the rows that name S1 say where it went: exactly as the file read whole.
    let work = Workdir::new();
    let held = |id: &str, day: u32| {
        format!("{id},100001,2025-11-{day:02},HT1,one_to_one,true,held,60,,true,true,")
    };
    let mut extra: Vec<(&str, String)> = (3..=7)
        .map(|n| ("sessions.csv", held(&format!("S{n}"), n)))
        .collect();
    extra.push(("sessions.csv", held("S1", 20)));
    let extra: Vec<(&str, &str)> = extra.iter().map(|(f, l)| (*f, l.as_str())).collect();
    let bundle = work.bundle("bundle", &extra);
    let sessions = fs::read_to_string(bundle.join("sessions.csv")).unwrap();
    let lines: Vec<&str> = sessions.lines().collect();
    assert!(
        lines[1].starts_with("S1,") && lines[8].starts_with("S1,"),
        "{lines:?}"
    );
    assert_eq!(lines.len(), 9);

    ingest(&work, "whole", &[&bundle], &[]);
    ingest(
        &work,
        "chunked",
        &[&bundle],
        &[("OVERSIGHT_INGEST_CHUNK", "3")],
    );
    let chunked = quarantine(&work.path().join("chunked"));
    assert_eq!(chunked, quarantine(&work.path().join("whole")));
    let repeated = "repeated id: the same session_id appears on lines 2, 9 of this file; \
                    each must be unique, so none of them is stored";
    let in_sessions: Vec<_> = chunked
        .iter()
        .filter(|q| q.0 == "sessions.csv")
        .map(|q| (q.1, q.2.as_str(), q.3.as_str()))
        .collect();
    assert_eq!(
        in_sessions,
        vec![(2, "session_id", repeated), (9, "session_id", repeated)]
    );
    // S1's attendee, discussion and two actions go with it, each saying where it went.
    let dependents: Vec<_> = chunked.iter().filter(|q| q.0 != "sessions.csv").collect();
    assert_eq!(dependents.len(), 4, "{dependents:?}");
    for q in dependents {
        assert!(
            q.3.contains("session_id \"S1\" was quarantined")
                && q.3.contains("sessions.csv line 2"),
            "{q:?}"
        );
    }
    assert_accounted(&work.path().join("chunked"));
    assert_eq!(
        outcome(&work.path().join("chunked")),
        outcome(&work.path().join("whole"))
    );
}

#[test]
fn a_sessions_attendees_split_across_chunks_replace_the_stored_ones_once() {
    // Attendees describe a session as a whole (spec 03: a newer export's attendees of a
    // session replace every stored attendee of it). Here the store holds S1: DSL1 and
    // S2: DDSL1; a newer attendees file names S2 on lines 2 and 4 and S1 on line 3. Read
    // one row at a time, line 4 must add to line 2's S2, not replace it again: S1 ends
    // with DDSL1 only and S2 with DDSL1 and HT1, as when the file is read whole.
    let work = Workdir::new();
    let base = work.bundle("base", &[]);
    let newer = work.path().join("newer");
    fs::create_dir_all(&newer).unwrap();
    fs::write(
        newer.join("attendees.csv"),
        "session_id,staff_id\nS2,HT1\nS1,DDSL1\nS2,DDSL1\n",
    )
    .unwrap();
    let mut stores = Vec::new();
    for chunk in CHUNKS {
        let store = format!("chunks-of-{chunk}");
        let env = [("OVERSIGHT_INGEST_CHUNK", chunk)];
        ingest(&work, &store, &[&base], &env);
        ingest(&work, &store, &[&newer], &env);
        // And the two bundles in one ingest: the newer one merged into the staged copy.
        let both = format!("both-in-chunks-of-{chunk}");
        ingest(&work, &both, &[&base, &newer], &env);
        stores.push((parquet_files(&work.path().join(&store)), store, both));
    }
    let attendees = |store: &str| -> Vec<(String, String)> {
        let path = crate::util::partition_file(&work.path().join(store), "attendees", "TR001");
        let file = fs::File::open(path).unwrap();
        let frame = ParquetReader::new(file).finish().unwrap();
        let column = |name: &str| -> Vec<String> {
            let texts = frame.column(name).unwrap().str().unwrap();
            texts.iter().map(|t| t.unwrap().to_string()).collect()
        };
        column("session_id")
            .into_iter()
            .zip(column("staff_id"))
            .collect()
    };
    let pair = |s: &str, p: &str| (s.to_string(), p.to_string());
    let expected = vec![pair("S1", "DDSL1"), pair("S2", "DDSL1"), pair("S2", "HT1")];
    let whole = &stores[2].0;
    for (files, store, both) in &stores {
        assert_eq!(attendees(store), expected, "{store}");
        assert_eq!(attendees(both), expected, "{both}");
        assert!(files == whole, "{store} differs from files read whole");
        assert!(parquet_files(&work.path().join(both)) == *whole, "{both}");
    }
}

#[test]
fn reingesting_a_file_read_in_chunks_rewrites_no_partition() {
    // Spec 01: "Ingesting the same bundle twice changes nothing." Read one row at a
    // time, S1's two attendees (lines 2 and 4) come in different chunks: after the
    // first, the partition differs from the store's (S1 has one attendee), after the
    // second it is the same again, so nothing is rewritten.
    let work = Workdir::new();
    let bundle = work.bundle("bundle", &[("attendees.csv", "S1,DDSL1")]);
    let env = [("OVERSIGHT_INGEST_CHUNK", "1")];
    ingest(&work, "store", &[&bundle], &env);
    let before = parquet_files(&work.path().join("store"));
    let mut args = vec!["ingest", "--store", "store", bundle.to_str().unwrap()];
    let second = work.run_with(&args, &[env[0], ("OVERSIGHT_KEY", TEST_KEY)]);
    second.ok();
    assert!(
        second
            .stdout()
            .contains("nothing changed (8 partitions already up to date)"),
        "{}",
        second.stdout()
    );
    assert!(parquet_files(&work.path().join("store")) == before);
    // A real change read in chunks is still written.
    fs::write(
        bundle.join("attendees.csv"),
        "session_id,staff_id\nS1,DSL1\nS2,DDSL1\n",
    )
    .unwrap();
    args.truncate(4);
    let third = work.run_with(&args, &[env[0], ("OVERSIGHT_KEY", TEST_KEY)]);
    assert!(
        third
            .stdout()
            .contains("1 partitions written, 7 already up to date"),
        "{}",
        third.stdout()
    );
}
