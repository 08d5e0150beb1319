//! The `oversight` command: parse, dispatch, and report an error once.

use std::process::ExitCode;

use clap::Parser;
use oversight::cli::Cli;

/// mimalloc, the allocator polars recommends: with glibc's, `malloc` and `free` were 40%
/// of a national ingest's profile (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match oversight::cmd::dispatch(cli) {
        Ok(code) => code,
        Err(error) => {
            oversight::cmd::print_error(&error);
            ExitCode::FAILURE
        }
    }
}
