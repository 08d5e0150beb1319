//! The pipeline benchmark: `oversight generate` data at three sizes, then the real
//! `oversight ingest` and `oversight report` binaries, timed as separate processes so
//! each step's wall time and peak resident memory are its own.
//!
//! ```text
//! cargo bench --bench pipeline                         # all three sizes, then end to end
//! cargo bench --bench pipeline -- trust national-1y    # some of them
//! cargo bench --bench pipeline -- one-folder-500x3     # the end-to-end comparison alone
//! cargo bench --bench pipeline -- --write BENCHMARKS.md
//! ```
//! Sizes: `trust` (1 trust, 10 schools, 1 year), `national-1y` (2,500 trusts, 10,000
//! schools, 1 year), `national-5y` (the same over 5 years). Each size also measures an
//! incremental re-ingest: one trust's bundle changed and ingested again into the full
//! store. Data is generated as of a fixed date so runs are comparable.
//!
//! End to end (issue #20), `one-folder-500x3`: 500 trusts, 2,000 schools, 3 years
//! generated as one bundle folder, then `oversight ingest` into an empty store and
//! `oversight report --tables-only`, against one DuckDB session going from the same CSVs
//! to the same tables (`tools/duckdb/end_to_end_peer.py`), in the same run.
//!
//! Absolute times on a shared machine move by 2x from day to day, so every size also
//! times peers in the same run (issue #13), and the budgets are read as ratios:
//! - DuckDB copying the same CSVs to Parquet partitioned by trust
//!   (`tools/duckdb/csv_to_parquet.py`), the practical floor for writing the store;
//! - DuckDB computing the same tables from the same store as a DuckDB user would
//!   (`tools/duckdb/report_peer.py`, issue #20: all cores, each store table read once
//!   into memory, `queries/` run once over the whole store, the trend's earlier years
//!   too; on the inputs `report --export-inputs` writes);
//! - for the national sizes, the same data generated as one folder (`generate
//!   --one-bundle`) and ingested as one bundle, against the folder per trust;
//! - end to end, DuckDB reading the CSVs into memory and computing the report's tables
//!   in one session (`tools/duckdb/end_to_end_peer.py`: no validation, quarantine,
//!   pseudonyms, store or disclosure control; its docstring says what else it skips).
//!
//! The peers need `python3` with the `duckdb` wheel (`.ci/run` installs the pinned one).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Every figure is "as of" this date, and the data is generated as if it were today.
const AS_OF: &str = "2026-11-23";
const KEY: &str = "benchmark-key-not-secret";

struct Size {
    name: &'static str,
    trusts: usize,
    schools: usize,
    years: u32,
}

const SIZES: [Size; 3] = [
    Size {
        name: "trust",
        trusts: 1,
        schools: 10,
        years: 1,
    },
    Size {
        name: "national-1y",
        trusts: 2_500,
        schools: 10_000,
        years: 1,
    },
    Size {
        name: "national-5y",
        trusts: 2_500,
        schools: 10_000,
        years: 5,
    },
];

/// The end-to-end comparisons (issue #20): each generated as one bundle folder, ingested
/// and reported on, against DuckDB from the same CSVs to the same tables. Run after the
/// sizes above by default, or by name.
const END_TO_END: [Size; 1] = [Size {
    name: "one-folder-500x3",
    trusts: 500,
    schools: 2_000,
    years: 3,
}];

/// One process's cost.
#[derive(Clone, Copy)]
struct Cost {
    wall: Duration,
    peak_rss_bytes: u64,
}

struct Outcome {
    size: &'static str,
    trusts: usize,
    input_rows: u64,
    input_bytes: u64,
    generate: Cost,
    ingest: Cost,
    report: Cost,
    /// What `report` wrote: everything, or the tables only.
    report_outputs: &'static str,
    incremental: Cost,
    /// Partition files the incremental re-ingest rewrote, and how many of them belong to
    /// another trust than the one re-ingested (should be none).
    rewritten: usize,
    rewritten_elsewhere: usize,
    single_trust: Cost,
    /// `report --trust` on the first trust, from the full store.
    trust_report: Cost,
    /// DuckDB copying the same CSVs to Parquet partitioned by trust.
    ingest_floor: Cost,
    /// `report --tables-only`, what the DuckDB peer does.
    report_tables: Cost,
    /// DuckDB computing the same tables from the same store.
    report_peer: Cost,
    /// The same data as one folder: its ingest, and DuckDB's copy of it.
    one_folder: Option<(Cost, Cost)>,
}

/// One end-to-end comparison: from one folder of CSVs to the report's tables.
struct EndToEnd {
    size: &'static str,
    trusts: usize,
    years: u32,
    input_rows: u64,
    input_bytes: u64,
    /// `oversight ingest` into an empty store.
    ingest: Cost,
    /// `oversight report --tables-only` from that store.
    report: Cost,
    /// `tools/duckdb/end_to_end_peer.py` from the same CSVs.
    peer: Cost,
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let write_to = args
        .iter()
        .position(|a| a == "--write")
        .map(|at| PathBuf::from(&args[at + 1]));
    let wanted: Vec<&str> = args
        .iter()
        .enumerate()
        .filter(|(at, a)| {
            let is_write_path = *at > 0 && args[at - 1] == "--write";
            !a.starts_with("--") && !is_write_path
        })
        .map(|(_, a)| a.as_str())
        .collect();
    let work = std::env::var("OVERSIGHT_BENCH_DIR").map_or_else(
        |_| std::env::temp_dir().join("oversight-bench"),
        PathBuf::from,
    );
    for name in &wanted {
        assert!(
            SIZES.iter().chain(&END_TO_END).any(|s| s.name == *name),
            "no size {name:?}: one of {:?}",
            SIZES
                .iter()
                .chain(&END_TO_END)
                .map(|s| s.name)
                .collect::<Vec<_>>()
        );
    }
    let chosen = |size: &&Size| wanted.is_empty() || wanted.contains(&size.name);
    let mut outcomes = Vec::new();
    for size in SIZES.iter().filter(chosen) {
        eprintln!(
            "== {} ({} trusts, {} schools, {} years)",
            size.name, size.trusts, size.schools, size.years
        );
        outcomes.push(bench(size, &work.join(size.name)));
    }
    let mut ends = Vec::new();
    for size in END_TO_END.iter().filter(chosen) {
        eprintln!(
            "== {} (end to end, one folder: {} trusts, {} schools, {} years)",
            size.name, size.trusts, size.schools, size.years
        );
        ends.push(end_to_end(size, &work.join(size.name)));
    }
    let table = table(&outcomes, &ends);
    println!("{table}");
    if let Some(path) = write_to {
        write_results(&path, &table);
        eprintln!("results written to {}", path.display());
    }
}

fn bench(size: &Size, dir: &Path) -> Outcome {
    if dir.exists() {
        fs::remove_dir_all(dir).expect("clear the benchmark folder");
    }
    fs::create_dir_all(dir).expect("make the benchmark folder");
    let data = dir.join("data");
    let store = dir.join("store");
    let generate = generate(size, &data, &[]);
    let policy = write_policy(dir, size.years);
    let (input_rows, input_bytes) = count_input(&data);
    let ingest = run(&["ingest", "--store", path(&store), path(&data)]);
    let ingest_floor = duckdb_copy(&data, &dir.join("duckdb-copy"));
    // One trust's report draws its charts and packs. A national report writes the
    // tables for every trust (`--tables-only`); each trust's charts and packs are drawn
    // with `--trust`, timed below.
    let extra: &[&str] = if size.trusts > 1 {
        &["--tables-only"]
    } else {
        &[]
    };
    let report = run_report(&store, &policy, &dir.join("out"), extra);
    // The peer computes and writes the tables: against it, the report writes the tables
    // too (for one trust, a second run with `--tables-only`).
    let report_tables = if size.trusts > 1 {
        report
    } else {
        run_report(&store, &policy, &dir.join("out-tables"), &["--tables-only"])
    };
    let report_peer = duckdb_queries(&store, &policy, dir);
    let one_folder = (size.trusts > 1).then(|| one_folder(size, dir));
    // Incremental: the first trust's sessions change (one more late record), and only
    // that bundle is ingested again into the full store.
    let first_trust = first_bundle(&data);
    let trust_id = first_trust
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    touch_one_session(&first_trust);
    let before = partition_times(&store);
    let incremental = run(&["ingest", "--store", path(&store), path(&first_trust)]);
    let changed: Vec<PathBuf> = partition_times(&store)
        .into_iter()
        .filter(|(file, time)| before.get(file) != Some(time))
        .map(|(file, _)| file)
        .collect();
    let own = format!("trust_id={trust_id}");
    let rewritten_elsewhere = changed
        .iter()
        .filter(|file| !file.iter().any(|part| part == own.as_str()))
        .count();
    let trust_report = run_report(
        &store,
        &policy,
        &dir.join("out-one-trust"),
        &["--trust", &trust_id],
    );
    let single_trust = run(&[
        "ingest",
        "--store",
        path(&dir.join("single-store")),
        path(&first_trust),
    ]);
    Outcome {
        size: size.name,
        trusts: size.trusts,
        input_rows,
        input_bytes,
        generate,
        ingest,
        report,
        report_outputs: if size.trusts > 1 { "tables" } else { "all" },
        incremental,
        rewritten: changed.len(),
        rewritten_elsewhere,
        single_trust,
        trust_report,
        ingest_floor,
        report_tables,
        report_peer,
        one_folder,
    }
}

/// The same data as [`bench`] generates for `size`, written as one bundle folder for
/// every trust, then ingested into an empty store, and copied by DuckDB.
fn one_folder(size: &Size, dir: &Path) -> (Cost, Cost) {
    let data = dir.join("data-one-folder");
    generate(size, &data, &["--one-bundle"]);
    let ingest = run(&[
        "ingest",
        "--store",
        path(&dir.join("store-one-folder")),
        path(&data),
    ]);
    let floor = duckdb_copy(&data, &dir.join("duckdb-copy-one-folder"));
    (ingest, floor)
}

/// Issue #20's end-to-end comparison: `size`'s data generated as one bundle folder, then
/// `oversight ingest` into an empty store and `oversight report --tables-only`, each
/// timed as its own process, against `tools/duckdb/end_to_end_peer.py`, one DuckDB
/// session from the same CSVs to the same tables, on the inputs `report
/// --export-inputs` writes from that store (not timed, as for [`duckdb_queries`]).
fn end_to_end(size: &Size, dir: &Path) -> EndToEnd {
    if dir.exists() {
        fs::remove_dir_all(dir).expect("clear the benchmark folder");
    }
    fs::create_dir_all(dir).expect("make the benchmark folder");
    let data = dir.join("data");
    let store = dir.join("store");
    generate(size, &data, &["--one-bundle"]);
    let policy = write_policy(dir, size.years);
    let (input_rows, input_bytes) = count_input(&data);
    let ingest = run(&["ingest", "--store", path(&store), path(&data)]);
    let report = run_report(&store, &policy, &dir.join("out"), &["--tables-only"]);
    let inputs = dir.join("duckdb-inputs");
    export_inputs(&store, &policy, &inputs);
    let script = repository().join("tools/duckdb/end_to_end_peer.py");
    let peer = measure(
        Command::new("python3")
            .arg(script)
            .args(["--data", path(&data), "--inputs", path(&inputs)])
            .args(["--out", path(&dir.join("duckdb-out"))])
            .stdout(std::process::Stdio::null()),
    );
    EndToEnd {
        size: size.name,
        trusts: size.trusts,
        years: size.years,
        input_rows,
        input_bytes,
        ingest,
        report,
        peer,
    }
}

/// `oversight generate` of `size`'s data into `data`, with `extra` options.
fn generate(size: &Size, data: &Path, extra: &[&str]) -> Cost {
    let (trusts, schools, years) = (
        size.trusts.to_string(),
        size.schools.to_string(),
        size.years.to_string(),
    );
    let mut args = vec![
        "generate",
        "--out",
        path(data),
        "--trusts",
        &trusts,
        "--schools",
        &schools,
        "--years",
        &years,
        "--today",
        AS_OF,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// DuckDB's copy of the bundles under `data` to Parquet partitioned by trust, in `out`.
fn duckdb_copy(data: &Path, out: &Path) -> Cost {
    let script = repository().join("tools/duckdb/csv_to_parquet.py");
    measure(
        Command::new("python3")
            .arg(script)
            .args(["--data", path(data), "--out", path(out)])
            .stdout(std::process::Stdio::null()),
    )
}

/// DuckDB computing every table of `report --tables-only` from `store` as of [`AS_OF`]
/// (`tools/duckdb/report_peer.py`: the whole store read once into memory on all cores,
/// `queries/` run once, the trend's earlier years too), on the inputs `report
/// --export-inputs` writes (not timed: the policy and calendar, resolved in
/// milliseconds), writing every restricted and governors' table as CSV.
fn duckdb_queries(store: &Path, policy: &Path, dir: &Path) -> Cost {
    let inputs = dir.join("duckdb-inputs");
    export_inputs(store, policy, &inputs);
    let script = repository().join("tools/duckdb/report_peer.py");
    measure(
        Command::new("python3")
            .arg(script)
            .args(["--inputs", path(&inputs), "--store", path(store)])
            .args(["--out", path(&dir.join("duckdb-out"))])
            .stdout(std::process::Stdio::null()),
    )
}

/// `oversight report --export-inputs` of `store` as of [`AS_OF`] into `inputs`: the
/// policy tables and `report_params` for the DuckDB peers.
fn export_inputs(store: &Path, policy: &Path, inputs: &Path) {
    run(&[
        "report",
        "--store",
        path(store),
        "--policy",
        path(policy),
        "--as-of",
        AS_OF,
        "--export-inputs",
        path(inputs),
    ]);
}

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `oversight report` on `store` as of [`AS_OF`] into `out`, with `extra` options.
fn run_report(store: &Path, policy: &Path, out: &Path, extra: &[&str]) -> Cost {
    let mut args = vec![
        "report",
        "--store",
        path(store),
        "--policy",
        path(policy),
        "--out",
        path(out),
        "--as-of",
        AS_OF,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// Every Parquet file of a store with its modification time.
fn partition_times(store: &Path) -> std::collections::BTreeMap<PathBuf, std::time::SystemTime> {
    let mut times = std::collections::BTreeMap::new();
    let mut stack = vec![store.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap().map(|e| e.unwrap()) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "parquet") {
                times.insert(path, entry.metadata().unwrap().modified().unwrap());
            }
        }
    }
    times
}

/// Writes the trust policy of spec 04 (its defaults for every school) with a calendar
/// of half-terms covering the generated years, and returns the policy's path. The
/// generator schedules inside fixed half-term windows that these half-terms contain.
fn write_policy(dir: &Path, years: u32) -> PathBuf {
    let policy_dir = dir.join("policy");
    fs::create_dir_all(&policy_dir).unwrap();
    let last_year: i32 = AS_OF[..4].parse::<i32>().unwrap() - i32::from(&AS_OF[5..7] < "09");
    let mut calendar = String::from("academic_year,term,half,starts_on,ends_on\n");
    for year in last_year + 1 - years as i32..=last_year {
        let next = year + 1;
        let label = format!("{year}/{:02}", next % 100);
        for (term, half, starts, ends) in [
            (
                "autumn",
                1,
                format!("{year}-09-01"),
                format!("{year}-10-24"),
            ),
            (
                "autumn",
                2,
                format!("{year}-11-03"),
                format!("{year}-12-19"),
            ),
            (
                "spring",
                1,
                format!("{next}-01-05"),
                format!("{next}-02-13"),
            ),
            (
                "spring",
                2,
                format!("{next}-02-23"),
                format!("{next}-03-31"),
            ),
            (
                "summer",
                1,
                format!("{next}-04-13"),
                format!("{next}-05-22"),
            ),
            (
                "summer",
                2,
                format!("{next}-06-01"),
                format!("{next}-07-22"),
            ),
        ] {
            calendar.push_str(&format!("{label},{term},{half},{starts},{ends}\n"));
        }
    }
    fs::write(policy_dir.join("calendar.csv"), calendar).unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    fs::copy(
        sample.join("bank-holidays.csv"),
        policy_dir.join("bank-holidays.csv"),
    )
    .unwrap();
    let trust_policy = fs::read_to_string(sample.join("policy.toml")).unwrap();
    // The trust defaults only: generated schools have no presets of their own.
    let defaults = &trust_policy[..trust_policy
        .find("\n[schools.")
        .unwrap_or(trust_policy.len())];
    let policy = policy_dir.join("policy.toml");
    fs::write(&policy, defaults).unwrap();
    policy
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// Runs the release `oversight` binary and measures it.
fn run(args: &[&str]) -> Cost {
    measure(
        Command::new(env!("CARGO_BIN_EXE_oversight"))
            .arg("-q")
            .args(args)
            .env("OVERSIGHT_KEY", KEY),
    )
}

/// Runs `command` to its end and measures it: wall time, and peak resident memory from
/// the kernel's accounting of that child alone.
fn measure(command: &mut Command) -> Cost {
    let started = Instant::now();
    // Waited for below with wait4, which also returns the child's resource usage.
    #[allow(clippy::zombie_processes)]
    let child = command
        .spawn()
        .unwrap_or_else(|e| panic!("{command:?} does not start: {e}"));
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; wait4 fills `status` and
    // `usage`, which outlive the call.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert_eq!(waited, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{command:?} failed ({status}); the DuckDB peers need `python3 -m pip install duckdb==2.0.1`"
    );
    // On Linux ru_maxrss is in kilobytes.
    Cost {
        wall,
        peak_rss_bytes: usage.ru_maxrss as u64 * 1024,
    }
}

/// Data rows (lines less headers) and bytes of every CSV of the bundles under `dir`
/// (its bundle folders, or `dir` itself as one bundle).
fn count_input(dir: &Path) -> (u64, u64) {
    let (mut rows, mut bytes) = (0, 0);
    let folders = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir());
    for bundle in std::iter::once(dir.to_path_buf()).chain(folders) {
        for file in fs::read_dir(&bundle).unwrap().map(|e| e.unwrap().path()) {
            if file.extension().is_some_and(|e| e == "csv") {
                let content = fs::read(&file).unwrap();
                bytes += content.len() as u64;
                rows += content.iter().filter(|&&b| b == b'\n').count() as u64 - 1;
            }
        }
    }
    (rows, bytes)
}

fn first_bundle(data: &Path) -> PathBuf {
    let mut bundles: Vec<PathBuf> = fs::read_dir(data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    bundles.sort();
    bundles.remove(0)
}

/// Marks the first held session of a bundle as recorded a day later.
fn touch_one_session(bundle: &Path) {
    let file = bundle.join("sessions.csv");
    let text = fs::read_to_string(&file).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let recorded = headers.iter().position(|h| h == "recorded_on").unwrap();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&headers).unwrap();
    let mut touched = false;
    for record in reader.records() {
        let mut record: Vec<String> = record.unwrap().iter().map(str::to_string).collect();
        if !touched && !record[recorded].is_empty() {
            let day = chrono::NaiveDate::parse_from_str(&record[recorded], "%Y-%m-%d").unwrap();
            record[recorded] = (day + chrono::Days::new(1))
                .min(chrono::NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").unwrap())
                .to_string();
            touched = true;
        }
        writer.write_record(&record).unwrap();
    }
    fs::write(&file, writer.into_inner().unwrap()).unwrap();
}

fn table(outcomes: &[Outcome], ends: &[EndToEnd]) -> String {
    let mut text = sizes(outcomes);
    if !ends.is_empty() {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&end_to_end_table(ends));
    }
    text
}

/// The sizes' own table, then their peers' (nothing when no size ran).
fn sizes(outcomes: &[Outcome]) -> String {
    if outcomes.is_empty() {
        return String::new();
    }
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    let secs = |c: Cost| c.wall.as_secs_f64();
    let mut text = String::from(
        "| size | input rows | input MiB | generate s | ingest s | ingest rows/s | ingest MiB/s | ingest peak MiB | report s | report writes | report peak MiB | re-ingest 1 trust s | partitions rewritten (other trusts) | 1 trust alone s | report --trust s |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|\n",
    );
    for o in outcomes {
        text.push_str(&format!(
            "| {} | {} | {:.1} | {:.2} | {:.2} | {:.0} | {:.1} | {:.0} | {:.2} | {} | {:.0} | {:.2} | {} ({}) | {:.2} | {:.2} |\n",
            o.size,
            o.input_rows,
            mib(o.input_bytes),
            secs(o.generate),
            secs(o.ingest),
            o.input_rows as f64 / secs(o.ingest),
            mib(o.input_bytes) / secs(o.ingest),
            mib(o.ingest.peak_rss_bytes),
            secs(o.report),
            o.report_outputs,
            mib(o.report.peak_rss_bytes),
            secs(o.incremental),
            o.rewritten,
            o.rewritten_elsewhere,
            secs(o.single_trust),
            secs(o.trust_report),
        ));
    }
    text.push_str(&peers(outcomes));
    text
}

/// The ratios to the peers timed in the same run (issue #13): a ratio below 1 is faster
/// than the peer; for memory, below 1 is less.
fn peers(outcomes: &[Outcome]) -> String {
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    let secs = |c: Cost| c.wall.as_secs_f64();
    let ratio = |a: Cost, b: Cost| secs(a) / secs(b);
    let memory = |a: Cost, b: Cost| a.peak_rss_bytes as f64 / b.peak_rss_bytes as f64;
    let mut text = String::from(
        "\n| size | ingest s | DuckDB CSV to Parquet s | ingest / DuckDB | report --tables-only s | DuckDB report peer s | report / DuckDB | report peak MiB | DuckDB peak MiB |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for o in outcomes {
        text.push_str(&format!(
            "| {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} | {:.0} |\n",
            o.size,
            secs(o.ingest),
            secs(o.ingest_floor),
            ratio(o.ingest, o.ingest_floor),
            secs(o.report_tables),
            secs(o.report_peer),
            ratio(o.report_tables, o.report_peer),
            mib(o.report_tables.peak_rss_bytes),
            mib(o.report_peer.peak_rss_bytes),
        ));
    }
    let folders: Vec<_> = outcomes
        .iter()
        .filter_map(|o| o.one_folder.map(|f| (o, f)))
        .collect();
    if !folders.is_empty() {
        text.push_str(
            "\n| size | bundles | one-folder ingest s | folder-per-trust ingest s | time ratio | one-folder peak MiB | folder-per-trust peak MiB | memory ratio | one-folder ingest / DuckDB |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        );
        for (o, (ingest, floor)) in folders {
            text.push_str(&format!(
                "| {} | 1 vs {} | {:.2} | {:.2} | {:.2} | {:.0} | {:.0} | {:.2} | {:.2} |\n",
                o.size,
                o.trusts,
                secs(ingest),
                secs(o.ingest),
                ratio(ingest, o.ingest),
                mib(ingest.peak_rss_bytes),
                mib(o.ingest.peak_rss_bytes),
                memory(ingest, o.ingest),
                ratio(ingest, floor),
            ));
        }
    }
    text
}

/// The end-to-end comparisons (issue #20): ours is ingest and report, each its own
/// process, the peer one process; a ratio below 1 is faster than the peer. Our peak is
/// the larger of the two steps' (they run one after the other).
fn end_to_end_table(ends: &[EndToEnd]) -> String {
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    let secs = |c: Cost| c.wall.as_secs_f64();
    let mut text = String::from(
        "| end to end, one folder | trusts x years | input rows | input MiB | ingest s | report --tables-only s | ingest + report s | DuckDB end-to-end peer s | (ingest + report) / DuckDB | ingest peak MiB | report peak MiB | DuckDB peak MiB |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for e in ends {
        let ours = secs(e.ingest) + secs(e.report);
        text.push_str(&format!(
            "| {} | {} x {} | {} | {:.1} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} | {:.0} | {:.0} |\n",
            e.size,
            e.trusts,
            e.years,
            e.input_rows,
            mib(e.input_bytes),
            secs(e.ingest),
            secs(e.report),
            ours,
            secs(e.peer),
            ours / secs(e.peer),
            mib(e.ingest.peak_rss_bytes),
            mib(e.report.peak_rss_bytes),
            mib(e.peer.peak_rss_bytes),
        ));
    }
    text
}

/// Replaces the text between the result markers of `path` (or appends them).
fn write_results(path: &Path, table: &str) {
    const START: &str = "<!-- bench:start -->";
    const END: &str = "<!-- bench:end -->";
    let old = fs::read_to_string(path).unwrap_or_default();
    let block = format!("{START}\n{table}{END}");
    let new = match (old.find(START), old.find(END)) {
        (Some(a), Some(b)) if a < b => format!("{}{block}{}", &old[..a], &old[b + END.len()..]),
        _ => format!("{old}\n{block}\n"),
    };
    fs::write(path, new).expect("write the results");
}
