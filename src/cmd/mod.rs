//! One file per command; each takes its parsed arguments and returns the exit status.
//!
//! Errors travel as `anyhow::Error` with context and are printed once, by `main`.

mod generate;
mod ingest;
mod report;
mod run;
mod store;
mod validate;

use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{Cli, Command, Output};

/// Exit status when `ingest --strict` quarantined rows (spec 03).
pub const EXIT_QUARANTINED: u8 = 3;

/// Runs the parsed command line.
pub fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run => run::run(cli.output),
        Command::Ingest(args) => ingest::ingest(args, cli.output),
        Command::Validate(args) => validate::validate(args, cli.output),
        Command::Report(args) => report::report(args, cli.output),
        Command::Generate(args) => generate::generate(args, cli.output),
        Command::Store(command) => store::store(command, cli.output),
    }
}

/// The date an ingest runs on: bounds dates ("more than a year after the ingest").
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// A spinner for long steps: drawn on a terminal only (indicatif hides it otherwise),
/// and never with `--quiet`.
pub fn spinner(output: Output, message: &str) -> ProgressBar {
    if output.quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("a valid template"),
    );
    bar.set_message(message.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// How many quarantined rows a report lists: all with `--verbose`.
pub fn examples(output: Output) -> usize {
    if output.verbose { usize::MAX } else { 20 }
}
