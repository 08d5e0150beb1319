//! `oversight validate [--key-file FILE] BUNDLE...`
//!
//! A dry run of ingest: the same checks and the same report, nothing written. References
//! are checked within the bundles given (there is no store to look in).

use std::process::ExitCode;

use super::{examples, ingest::find_bundles, today};
use crate::cli::{Output, ValidateArgs};
use crate::ingest::{self, PseudonymKey};

pub fn validate(args: ValidateArgs, output: Output) -> anyhow::Result<ExitCode> {
    let bundles = find_bundles(&args.bundles)?;
    let key = PseudonymKey::resolve_or_ephemeral(args.key_file.as_deref())?;
    let report = ingest::validate(&bundles, &key, today())?;
    if !output.quiet {
        print!("{}", report.display(examples(output)));
    }
    Ok(ExitCode::SUCCESS)
}
