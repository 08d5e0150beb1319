//! The ingest report: per file, rows read, stored and quarantined, then the quarantined
//! rows themselves and the columns that were dropped.

use std::fmt;
use std::path::PathBuf;

use super::{FileOutcome, KeySource};
use crate::store::WriteSummary;

/// What an ingest (or a dry run) did, ready to print.
#[derive(Debug, Clone)]
pub struct IngestReport {
    pub files: Vec<FileOutcome>,
    pub key_source: KeySource,
    /// The store written, or `None` for a dry run.
    pub store: Option<PathBuf>,
    pub written: Option<WriteSummary>,
}

impl IngestReport {
    pub fn rows_read(&self) -> u64 {
        self.files.iter().map(|f| f.rows_read).sum()
    }

    pub fn rows_stored(&self) -> u64 {
        self.files.iter().map(|f| f.rows_stored).sum()
    }

    pub fn rows_quarantined(&self) -> u64 {
        self.files.iter().map(|f| f.quarantined.len() as u64).sum()
    }

    /// The report, listing at most `examples` quarantined rows.
    pub fn display(&self, examples: usize) -> ReportDisplay<'_> {
        ReportDisplay {
            report: self,
            examples,
        }
    }
}

/// An [`IngestReport`] with how much detail to print.
pub struct ReportDisplay<'a> {
    report: &'a IngestReport,
    examples: usize,
}

impl fmt::Display for ReportDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.report;
        match &r.store {
            Some(store) => writeln!(
                f,
                "Ingested {} files into {}",
                r.files.len(),
                store.display()
            )?,
            None => writeln!(
                f,
                "Checked {} files (dry run: nothing written)",
                r.files.len()
            )?,
        }
        writeln!(
            f,
            "Case ids pseudonymised with the key from {}",
            r.key_source
        )?;
        writeln!(f)?;
        let width = r
            .files
            .iter()
            .map(|o| o.source.path.display().to_string().len())
            .max()
            .unwrap_or(0)
            .max(9);
        writeln!(
            f,
            "{:<width$}  {:>10}  {:>10}  {:>11}",
            "file", "rows read", "stored", "quarantined"
        )?;
        for o in &r.files {
            writeln!(
                f,
                "{:<width$}  {:>10}  {:>10}  {:>11}",
                o.source.path.display(),
                o.rows_read,
                o.rows_stored,
                o.quarantined.len()
            )?;
        }
        writeln!(
            f,
            "{:<width$}  {:>10}  {:>10}  {:>11}",
            "all files",
            r.rows_read(),
            r.rows_stored(),
            r.rows_quarantined()
        )?;
        writeln!(f)?;
        writeln!(
            f,
            "Every row accounted for: rows read = stored + quarantined, in every file."
        )?;
        if let Some(written) = &r.written {
            writeln!(
                f,
                "Store: {} partitions written, {} already up to date.",
                written.partitions_written, written.partitions_unchanged
            )?;
        }
        let quarantined: Vec<_> = r.files.iter().flat_map(|o| &o.quarantined).collect();
        if !quarantined.is_empty() {
            writeln!(f)?;
            let place = match &r.store {
                Some(store) => format!(
                    "; all of them are in {}",
                    store.join("quarantine").display()
                ),
                None => String::new(),
            };
            writeln!(f, "Quarantined rows ({}{place}):", quarantined.len())?;
            for q in quarantined.iter().take(self.examples) {
                let column = if q.column.is_empty() {
                    String::new()
                } else {
                    format!(", column {}", q.column)
                };
                writeln!(f, "  {} line {}{column}: {}", q.file, q.line, q.reason)?;
            }
            if quarantined.len() > self.examples {
                writeln!(f, "  ... and {} more", quarantined.len() - self.examples)?;
            }
        }
        let dropped: Vec<_> = r
            .files
            .iter()
            .filter(|o| !o.dropped_columns.is_empty())
            .collect();
        if !dropped.is_empty() {
            writeln!(f)?;
            writeln!(
                f,
                "Columns dropped unread (not in the data contract; never stored):"
            )?;
            for o in dropped {
                writeln!(
                    f,
                    "  {}: {}",
                    o.source.path.display(),
                    o.dropped_columns.join(", ")
                )?;
            }
        }
        Ok(())
    }
}
