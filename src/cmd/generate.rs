//! `oversight generate --out DIR [--trusts N] [--schools N] [--years N] [--seed N]
//! [--one-bundle]`
//!
//! Writes one canonical bundle per synthetic trust (or, with `--one-bundle`, one bundle
//! holding them all): the source of benchmark data and of
//! large test data. The same options (and `--today`) always give the same bytes.

use std::process::ExitCode;

use super::{spinner, today};
use crate::cli::{GenerateArgs, Output};
use crate::generate::{self, GenerateOptions};

pub fn generate(args: GenerateArgs, output: Output) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.schools >= 1, "--schools must be at least 1");
    anyhow::ensure!(
        (1..=args.schools).contains(&args.trusts),
        "--trusts must be between 1 and the number of schools ({})",
        args.schools
    );
    anyhow::ensure!(args.years >= 1, "--years must be at least 1");
    let options = GenerateOptions {
        trusts: args.trusts,
        schools: args.schools,
        years: args.years,
        seed: args.seed,
        today: args.today.unwrap_or_else(today),
    };
    let progress = spinner(output, &format!("generating {} schools", args.schools));
    let summary = if args.one_bundle {
        generate::generate_one_bundle(&args.out, &options)?
    } else {
        generate::generate(&args.out, &options)?
    };
    progress.finish_and_clear();
    if !output.quiet {
        outln!(
            "Wrote {} bundle{} ({} bytes) to {}",
            summary.bundles,
            if summary.bundles == 1 { "" } else { "s" },
            summary.bytes,
            args.out.display()
        );
        for (table, rows) in &summary.rows {
            outln!("  {table:<12} {rows:>10} rows");
        }
    }
    Ok(ExitCode::SUCCESS)
}
