//! The command line (spec 03, "Commands"), as clap types. Parsing only: each command's
//! work is in `cmd/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Is safeguarding supervision really happening, and where are children's cases
/// drifting? oversight reads safeguarding-system exports from every school of a trust
/// into a Parquet store and reports compliance against each school's own policy.
#[derive(Debug, Parser)]
#[command(name = "oversight", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub output: Output,
    #[command(subcommand)]
    pub command: Command,
}

/// How much to say.
#[derive(Debug, Clone, Copy, Args)]
pub struct Output {
    /// Say only what went wrong.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say more: every quarantined row, timings.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The demo: ingest sample-data/ into out/store (never deleting a store; one that
    /// holds other trusts' data is refused) and report on it.
    Run,
    /// Read export bundles into the store: validate, pseudonymise, upsert.
    Ingest(IngestArgs),
    /// Check export bundles and print the ingest report; nothing is written. Exits 3
    /// when any row would be quarantined.
    Validate(ValidateArgs),
    /// Compute every metric from the store and write the CSV reports and manifest (or,
    /// with --export-inputs, the queries' inputs for another engine).
    Report(ReportArgs),
    /// Write synthetic canonical bundles (for benchmarks and large test data).
    Generate(GenerateArgs),
    /// Look after a store: its versions, a check of every file, retention.
    #[command(subcommand)]
    Store(StoreCommand),
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// List the store's versions: when, which bundle files, rows added, updated and
    /// removed, schools moved.
    History(StoreDir),
    /// Check every committed file (size and SHA-256) and every Delta log entry, and list
    /// files no version lists. Exits 1 when a committed file is damaged.
    Check(StoreDir),
    /// Delete files that no version committed within --keep needs (nor the newest), and
    /// leftovers of killed writers.
    Vacuum(VacuumArgs),
    /// Carry a store written by an oversight from before versioned stores over as it is:
    /// its files become version 1 (nothing is rewritten).
    Upgrade(StoreDir),
}

#[derive(Debug, Args)]
pub struct StoreDir {
    /// The store folder.
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
}

#[derive(Debug, Args)]
pub struct VacuumArgs {
    /// The store folder.
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
    /// How long versions stay reportable: 90d, 26w, 7y. Files that only older versions
    /// need are deleted (the trust's retention schedule says how long).
    #[arg(long, value_name = "DURATION", value_parser = crate::store::maintain::parse_keep)]
    pub keep: std::time::Duration,
}

/// `FROM..TO`, two dates.
fn parse_window(text: &str) -> Result<crate::store::DateWindow, String> {
    crate::ingest::values::parse_window(text)
}

/// A date in either form the data files take (spec 01): `2026-12-07` or `07/12/2026`
/// (English order: 7 December).
fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    crate::ingest::values::parse_date(text).map_err(|_| {
        "expected a date as YYYY-MM-DD or DD/MM/YYYY (07/12/2026 is 7 December 2026)".to_string()
    })
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// The store folder (created when missing).
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
    /// A mapping file that reads every BUNDLE (an export in another layout); without it a
    /// bundle folder's own mapping.toml is used when it has one.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// A file holding the pseudonymisation key (used when OVERSIGHT_KEY is not set).
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// Exit with status 3 when any row was quarantined.
    #[arg(long)]
    pub strict: bool,
    /// The bundles export only these dates (FROM..TO, both included): only rows of their
    /// schools dated inside the window are replaced; rows outside it are kept. Default:
    /// each bundle is a full export of its schools, and rows it no longer has are removed.
    #[arg(long, value_name = "FROM..TO", value_parser = parse_window, conflicts_with = "append")]
    pub window: Option<crate::store::DateWindow>,
    /// Add and update rows, never remove any (for deliberately partial exports).
    #[arg(long)]
    pub append: bool,
    /// Bundle folders (or folders of bundles, like `generate`'s output).
    #[arg(required = true, value_name = "BUNDLE")]
    pub bundles: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// A mapping file that reads every BUNDLE (an export in another layout); without it a
    /// bundle folder's own mapping.toml is used when it has one.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// A file holding the pseudonymisation key; case refs in messages use it.
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// Bundle folders (or folders of bundles).
    #[arg(required = true, value_name = "BUNDLE")]
    pub bundles: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Where to write one bundle folder per trust.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// How many trusts the schools are spread over.
    #[arg(long, default_value_t = 3)]
    pub trusts: usize,
    /// How many schools in all.
    #[arg(long, default_value_t = 20)]
    pub schools: usize,
    /// How many academic years of records, ending with the current one.
    #[arg(long, default_value_t = 1)]
    pub years: u32,
    /// The random seed: the same seed (and date) gives the same bytes.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Generate as if today were this date (YYYY-MM-DD or DD/MM/YYYY), for reproducible
    /// data.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<chrono::NaiveDate>,
    /// Write every trust into ONE bundle folder (DIR itself), as a national or local
    /// authority extract arrives, instead of one folder per trust; the rows are the same.
    #[arg(long)]
    pub one_bundle: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The store folder written by `ingest`.
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
    /// The trust's policy file (TOML).
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// Where to write the report.
    #[arg(long, value_name = "DIR", required_unless_present = "export_inputs")]
    pub out: Option<PathBuf>,
    /// Compute as of this date (YYYY-MM-DD or DD/MM/YYYY); nothing after it is seen.
    /// Default: today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
    /// The report year (2025/26); default: the academic year of the as-of date.
    #[arg(long, value_name = "YEAR")]
    pub year: Option<crate::policy::AcademicYear>,
    /// Report on this trust only (repeat for several): only its partitions are read, so
    /// one trust's report from a national store takes as long as from its own.
    /// Default: every trust in the store.
    #[arg(long = "trust", value_name = "TRUST_ID")]
    pub trusts: Vec<String>,
    /// Write the CSV files and the manifest only, no charts or packs: for a national
    /// run, whose trusts' charts and packs are drawn one trust at a time with --trust.
    #[arg(long)]
    pub tables_only: bool,
    /// A file holding the pseudonymisation key the store was made with (used when
    /// OVERSIGHT_KEY is not set); the store refuses another key.
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// Report on store version N (`oversight store history` lists them), to rebuild a
    /// past report. Default: the newest.
    #[arg(long, value_name = "N", conflicts_with = "store_as_of")]
    pub store_version: Option<u64>,
    /// Report on the store version that was current at the end of DATE (UTC;
    /// YYYY-MM-DD or DD/MM/YYYY).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub store_as_of: Option<chrono::NaiveDate>,
    /// Instead of a report, write the queries' inputs besides the store into DIR, for
    /// running queries/ on another engine (README, "Running the queries on another
    /// engine"): the policy tables for every school of the trusts in scope and
    /// report_params, as `<table>.parquet`, and manifest.json listing them, the store's
    /// tables and the queries in order. No report is written.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["out", "tables_only"])]
    pub export_inputs: Option<PathBuf>,
    /// Show beside each headline figure the figure of the earlier report in
    /// PREVIOUS_OUT (its files checked against its manifest), with the direction in
    /// words, in governors/since.csv and the packs; and write restricted/changes.csv:
    /// cases that started or stopped drifting, actions closed, people who met their
    /// standard then and not now (and the reverse).
    #[arg(long, value_name = "PREVIOUS_OUT", conflicts_with = "export_inputs")]
    pub since: Option<PathBuf>,
}
