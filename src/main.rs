//! The `oversight` command: parse, dispatch, and report an error once.

use std::process::ExitCode;

use clap::Parser;
use oversight::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match oversight::cmd::dispatch(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("oversight: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
