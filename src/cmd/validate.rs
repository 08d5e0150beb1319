//! `oversight validate [--mapping FILE] [--key-file FILE] BUNDLE...`
//!
//! A dry run of ingest: the same checks and the same report, nothing written, then a
//! section per file: its rows, its quarantined rows grouped by reason with the first
//! examples, the columns dropped and, for an export read through a mapping, how it was
//! decoded and which mapping rule produced each canonical column. It is the tool for
//! writing a mapping file. References are checked within the bundles given (there is no
//! store to look in). Exits 3 when any row would be quarantined, as `ingest --strict`.

use std::process::ExitCode;

use super::{EXIT_QUARANTINED, examples, ingest::find_bundles_with, today};
use crate::cli::{Output, ValidateArgs};
use crate::ingest::{self, PseudonymKey};

pub fn validate(args: ValidateArgs, output: Output) -> anyhow::Result<ExitCode> {
    let bundles = find_bundles_with(&args.bundles, args.mapping.as_deref())?;
    let key = PseudonymKey::resolve_or_ephemeral(args.key_file.as_deref())?;
    key.warn();
    let report = ingest::validate(&bundles, &key, today())?;
    if !output.quiet {
        out!("{}", report.display(examples(output)));
        let per_reason = if output.verbose { usize::MAX } else { 3 };
        out!("{}", report.details(per_reason));
    }
    // As `ingest --strict` (issue #19): a script can tell a clean export from one whose
    // ingest would quarantine rows.
    if report.rows_quarantined() > 0 {
        errln!(
            "oversight: {} rows would be quarantined",
            report.rows_quarantined()
        );
        return Ok(ExitCode::from(EXIT_QUARANTINED));
    }
    Ok(ExitCode::SUCCESS)
}
