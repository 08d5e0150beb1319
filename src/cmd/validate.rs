//! `oversight validate [--mapping FILE] [--key-file FILE] BUNDLE...`
//!
//! A dry run of ingest: the same checks and the same report, nothing written, then a
//! section per file: its rows, its quarantined rows grouped by reason with the first
//! examples, the columns dropped and, for an export read through a mapping, how it was
//! decoded and which mapping rule produced each canonical column. It is the tool for
//! writing a mapping file. References are checked within the bundles given (there is no
//! store to look in).

use std::process::ExitCode;

use super::{examples, ingest::find_bundles_with, today};
use crate::cli::{Output, ValidateArgs};
use crate::ingest::{self, PseudonymKey};

pub fn validate(args: ValidateArgs, output: Output) -> anyhow::Result<ExitCode> {
    let bundles = find_bundles_with(&args.bundles, args.mapping.as_deref())?;
    let key = PseudonymKey::resolve_or_ephemeral(args.key_file.as_deref())?;
    key.warn();
    let report = ingest::validate(&bundles, &key, today())?;
    if !output.quiet {
        print!("{}", report.display(examples(output)));
        let per_reason = if output.verbose { usize::MAX } else { 3 };
        print!("{}", report.details(per_reason));
    }
    Ok(ExitCode::SUCCESS)
}
