//! One file per command; each takes its parsed arguments and returns the exit status.
//!
//! Errors travel as `anyhow::Error` with context and are printed once, by `main`
//! ([`print_error`]).
//!
//! Commands print with [`out!`] and [`outln!`] (and [`errln!`] on stderr), never with
//! `print!`: those panic once the reader of a pipe has gone (`oversight report | head`),
//! where these drop the rest of the text and let the work finish.

/// `print!` that never panics: text stdout no longer takes (a closed pipe) is dropped.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cmd::write_to(&mut ::std::io::stdout(), &format!($($arg)*))
    };
}

/// `println!` that never panics (see [`out!`]).
macro_rules! outln {
    () => {
        out!("\n")
    };
    ($($arg:tt)*) => {
        out!("{}\n", format_args!($($arg)*))
    };
}

/// `eprintln!` that never panics (see [`out!`]).
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cmd::write_to(&mut ::std::io::stderr(), &format!("{}\n", format_args!($($arg)*)))
    };
}

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

/// Writes `text` to `stream`, ignoring a failure: a reader that has gone (`| head`) or a
/// full disk behind a redirection must not stop the work the text was about.
pub fn write_to(stream: &mut impl std::io::Write, text: &str) {
    let _ = stream
        .write_all(text.as_bytes())
        .and_then(|()| stream.flush());
}

/// Prints `error` once, as one line on stderr: what went wrong, then each cause the
/// message does not already give. (An error that quotes its source in its own message
/// would otherwise be followed by the same words again: "No such file or directory (os
/// error 2): No such file or directory (os error 2)".)
pub fn print_error(error: &anyhow::Error) {
    errln!("oversight: error: {}", error_text(error));
}

/// `error` and its causes, each cause left out when the text so far already holds it.
pub fn error_text(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

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
