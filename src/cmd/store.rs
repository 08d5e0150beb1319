//! `oversight store history|check|vacuum --store DIR`: a store looked after over years
//! (spec 03, "History and retention").

use std::process::ExitCode;

use crate::cli::{Output, StoreCommand};
use crate::store::maintain;

pub fn store(command: StoreCommand, output: Output) -> anyhow::Result<ExitCode> {
    match command {
        StoreCommand::History(args) => {
            let history = maintain::history(&args.store)?;
            if history.commits.is_empty() {
                outln!("{}: no versions yet", args.store.display());
            }
            for commit in &history.commits {
                outln!(
                    "version {}  {}  {}  key {}",
                    commit.version,
                    commit.committed_at,
                    commit.mode,
                    commit.key.short()
                );
                if output.quiet {
                    continue;
                }
                for input in &commit.inputs {
                    outln!(
                        "  read {} ({}): sha256 {}, {} rows read, {} stored, {} quarantined",
                        input.file,
                        input.table,
                        &input.sha256[..input.sha256.len().min(16)],
                        input.rows_read,
                        input.rows_stored,
                        input.rows_quarantined
                    );
                }
                for (table, rows) in &commit.rows {
                    if rows.added + rows.updated + rows.removed + rows.kept > 0 {
                        outln!(
                            "  {table}: {} added, {} updated, {} removed, {} kept (newer copy quarantined)",
                            rows.added,
                            rows.updated,
                            rows.removed,
                            rows.kept
                        );
                    }
                }
                for window in &commit.windows {
                    outln!("  window {window}");
                }
                for moved in &commit.moved {
                    outln!(
                        "  {} {}: moved from {} to {}",
                        moved.school_urn,
                        crate::contract::excerpt(&moved.school_name),
                        moved.from,
                        moved.to
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        StoreCommand::Check(args) => {
            let report = maintain::check(&args.store)?;
            outln!(
                "{}: version {}, {} committed data files checked (size and SHA-256)",
                args.store.display(),
                report.head,
                report.files_checked
            );
            for (path, problem) in &report.damaged {
                outln!("DAMAGED  {}: {problem}", path.display());
            }
            for path in &report.vacuumed {
                outln!(
                    "vacuumed {} (its older versions can no longer be reported on)",
                    path.display()
                );
            }
            for path in &report.delta_missing {
                outln!(
                    "missing  {} (a Delta log entry; the next ingest writes it again)",
                    path.display()
                );
            }
            for path in &report.strays {
                outln!(
                    "stray    {} (no version lists it: never read)",
                    path.display()
                );
            }
            if report.is_sound() {
                outln!("The store is sound: every file its versions need is as committed.");
                Ok(ExitCode::SUCCESS)
            } else {
                outln!(
                    "{} damaged: restore the store folder from a backup taken before the damage.",
                    report.damaged.len()
                );
                Ok(ExitCode::FAILURE)
            }
        }
        StoreCommand::Upgrade(args) => {
            let files = maintain::upgrade(&args.store)?;
            outln!(
                "{}: {files} data files committed as they are as version 1.",
                args.store.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        StoreCommand::Vacuum(args) => {
            let report = maintain::vacuum(&args.store, args.keep)?;
            for path in &report.removed {
                if output.verbose {
                    outln!("removed {}", path.display());
                }
            }
            outln!(
                "Removed {} files and folders ({} bytes). Versions {} to {} can be reported on.",
                report.removed.len(),
                report.bytes,
                report.oldest_kept,
                report.head
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
