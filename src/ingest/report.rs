//! The ingest report: per file, rows read, stored and quarantined, then the quarantined
//! rows themselves and the columns that were dropped. `validate` adds a section per file
//! ([`IngestReport::details`]): its quarantined rows grouped by reason, and for a mapped
//! export how it was decoded and which mapping rule produced each canonical column.

use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;

use super::{FileOutcome, KeySource, Quarantined};
use crate::contract::excerpt;
use crate::store::{IngestMode, WriteSummary};

/// What an ingest (or a dry run) did, ready to print.
#[derive(Debug, Clone)]
pub struct IngestReport {
    /// What became of each file.
    pub files: Vec<FileOutcome>,
    /// Files the bundles hold that nothing read.
    pub ignored: Vec<PathBuf>,
    pub key_source: KeySource,
    /// The store written, or `None` for a dry run.
    pub store: Option<PathBuf>,
    pub written: Option<WriteSummary>,
    /// How rows the bundles no longer have were treated.
    pub mode: IngestMode,
    /// Versions another writer committed while this ingest ran, each time it started
    /// again on the new version.
    pub lost_to: Vec<u64>,
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

    /// `8 files`; `23 tables from 12 files` when a file gave several tables (a flat
    /// export, or a workbook's sheets).
    fn what(&self) -> String {
        let files: BTreeSet<&std::path::Path> =
            self.files.iter().map(|o| o.source.path.as_path()).collect();
        if files.len() == self.files.len() {
            format!("{} files", files.len())
        } else {
            format!("{} tables from {} files", self.files.len(), files.len())
        }
    }

    /// The report, listing at most `examples` quarantined rows.
    pub fn display(&self, examples: usize) -> ReportDisplay<'_> {
        ReportDisplay {
            report: self,
            examples,
        }
    }

    /// A section per file, with at most `examples` quarantined rows per reason.
    pub fn details(&self, examples: usize) -> DetailsDisplay<'_> {
        DetailsDisplay {
            report: self,
            examples,
        }
    }
}

/// Export header names for the report: each escaped and cut like any input value
/// ([`excerpt`], without its quotes: these are names, shown as a list), at most 30.
fn header_names(names: &[String]) -> String {
    let mut shown: Vec<String> = names
        .iter()
        .take(30)
        .map(|name| {
            let quoted = excerpt(name);
            match quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
                Some(bare) if !bare.contains('"') => bare.to_string(),
                _ => quoted,
            }
        })
        .collect();
    if names.len() > 30 {
        shown.push(format!("and {} more", names.len() - 30));
    }
    shown.join(", ")
}

/// How a quarantined row names its column: the canonical column, and for a mapped
/// export the export header it was read from.
fn column_text(outcome: &FileOutcome, q: &Quarantined) -> String {
    if q.column.is_empty() {
        return String::new();
    }
    match outcome.mapped.as_ref().and_then(|m| m.header_of(&q.column)) {
        Some(header) => format!(", column {} ({})", q.column, excerpt(header)),
        None => format!(", column {}", q.column),
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
            Some(store) => writeln!(f, "Ingested {} into {}", r.what(), store.display())?,
            None => writeln!(f, "Checked {} (dry run: nothing written)", r.what())?,
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
            .map(|o| o.label().chars().count())
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
                o.label(),
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
        let folded: Vec<_> = r
            .files
            .iter()
            .filter(|o| o.mapped.as_ref().is_some_and(|m| m.folded > 0))
            .collect();
        if !folded.is_empty() {
            writeln!(
                f,
                "Flat exports repeat a row on several lines; each line counts, stored as one row:"
            )?;
            for o in folded {
                writeln!(
                    f,
                    "  {}: {} lines stored as {}",
                    o.label(),
                    o.rows_stored,
                    rows(o.distinct_stored)
                )?;
            }
        }
        if !r.ignored.is_empty() {
            writeln!(
                f,
                "Files ignored (named after no table and no mapping entry; not read):"
            )?;
            for path in &r.ignored {
                writeln!(f, "  {}", shown_path(path))?;
            }
        }
        let saved_from_excel: Vec<_> = r
            .files
            .iter()
            .filter_map(|o| Some((o, o.source.read_as.as_ref()?)))
            .collect();
        if !saved_from_excel.is_empty() {
            writeln!(
                f,
                "Read as Excel saves CSV (a canonical file should be UTF-8 with commas):"
            )?;
            for (o, read_as) in saved_from_excel {
                writeln!(f, "  {}: {read_as}", shown_path(&o.source.path))?;
            }
        }
        for version in &r.lost_to {
            writeln!(
                f,
                "Another ingest committed store version {version} meanwhile: this one started again on it."
            )?;
        }
        if let Some(written) = &r.written {
            write_changes(f, written, r.mode)?;
        }
        let quarantined: Vec<_> = r
            .files
            .iter()
            .flat_map(|o| o.quarantined.iter().map(move |q| (o, q)))
            .collect();
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
            for (o, q) in quarantined.iter().take(self.examples) {
                // A flat export's rows are named with their table, as in the table above.
                let file = match &o.mapped {
                    Some(_) => o.label(),
                    None => q.file.clone(),
                };
                let column = column_text(o, q);
                writeln!(f, "  {file} line {}{column}: {}", q.line, q.reason)?;
            }
            if quarantined.len() > self.examples {
                writeln!(f, "  ... and {} more", quarantined.len() - self.examples)?;
            }
        }
        // A flat export's dropped columns are the same for each of its tables: once.
        let mut seen = BTreeSet::new();
        let dropped: Vec<_> = r
            .files
            .iter()
            .filter(|o| !o.dropped_columns.is_empty())
            .filter(|o| seen.insert(o.source.display_name()))
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
                    o.source.display_name(),
                    header_names(&o.dropped_columns)
                )?;
            }
        }
        Ok(())
    }
}

/// The per-file sections of an [`IngestReport`].
pub struct DetailsDisplay<'a> {
    report: &'a IngestReport,
    examples: usize,
}

impl fmt::Display for DetailsDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for o in &self.report.files {
            writeln!(f)?;
            writeln!(f, "{}", o.label())?;
            if let Some(mapped) = &o.mapped {
                writeln!(
                    f,
                    "  read as      {}, through {}",
                    mapped.read_as,
                    mapped.mapping.display()
                )?;
            } else if let Some(read_as) = &o.source.read_as {
                writeln!(
                    f,
                    "  read as      {read_as} (a canonical file should be UTF-8 with commas: saved from Excel?)"
                )?;
            }
            let mut rows = format!(
                "{} read, {} stored, {} quarantined",
                o.rows_read,
                o.rows_stored,
                o.quarantined.len()
            );
            if o.distinct_stored != o.rows_stored {
                rows.push_str(&format!(
                    " ({} lines stored as {}: a flat export repeats rows)",
                    o.rows_stored,
                    self::rows(o.distinct_stored)
                ));
            }
            writeln!(f, "  rows         {rows}")?;
            let dropped = if o.dropped_columns.is_empty() {
                "none".to_string()
            } else {
                format!(
                    "{} (never read past the header)",
                    header_names(&o.dropped_columns)
                )
            };
            writeln!(f, "  dropped      {dropped}")?;
            // Quarantined rows by column and kind of reason, in order of first line.
            let mut groups: Vec<(String, Vec<&Quarantined>)> = Vec::new();
            for q in &o.quarantined {
                let key = format!("{}{}", column_text(o, q), reason_kind(&q.reason));
                match groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, rows)) => rows.push(q),
                    None => groups.push((key, vec![q])),
                }
            }
            for (_, rows) in &groups {
                let first = rows[0];
                let column = column_text(o, first);
                let column = column.trim_start_matches(", ");
                let place = if column.is_empty() {
                    "whole line".to_string()
                } else {
                    column.to_string()
                };
                writeln!(
                    f,
                    "  quarantined  {} x {place}: {}",
                    rows.len(),
                    reason_kind(&first.reason)
                )?;
                for q in rows.iter().take(self.examples) {
                    writeln!(f, "    line {}: {}", q.line, q.reason)?;
                }
                if rows.len() > self.examples {
                    writeln!(f, "    ... and {} more", rows.len() - self.examples)?;
                }
            }
            match &o.mapped {
                Some(mapped) => {
                    writeln!(f, "  columns")?;
                    let width = mapped
                        .columns
                        .iter()
                        .map(|c| c.column.len())
                        .max()
                        .unwrap_or(0);
                    for c in &mapped.columns {
                        writeln!(f, "    {:<width$}  {}", c.column, c.rule)?;
                    }
                }
                None => writeln!(f, "  columns      canonical: each read by its own name")?,
            }
        }
        Ok(())
    }
}

/// A path for one line of the report: as it is, or quoted with its control characters
/// escaped when it has any (a file name may hold a line break or a terminal escape).
fn shown_path(path: &std::path::Path) -> String {
    let text = path.display().to_string();
    if text.chars().any(char::is_control) {
        format!("{text:?}")
    } else {
        text
    }
}

/// `1 row`, `26 rows`.
fn rows(count: u64) -> String {
    if count == 1 {
        "1 row".to_string()
    } else {
        format!("{count} rows")
    }
}

/// The kind of a quarantine reason: its words up to the first colon outside quotes,
/// without the quoted values (`unknown session kind "1:1": ...` → `unknown session
/// kind`), so rows quarantined for the same kind of problem group together.
fn reason_kind(reason: &str) -> String {
    let mut kind = String::new();
    let mut quoted = false;
    for c in reason.chars() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => break,
            _ if !quoted => kind.push(c),
            _ => {}
        }
    }
    kind.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What the ingest changed in the store: the version it committed, rows added, updated,
/// removed and kept per table, and schools moved between trusts.
fn write_changes(
    f: &mut fmt::Formatter<'_>,
    written: &WriteSummary,
    mode: IngestMode,
) -> fmt::Result {
    match written.version {
        None => writeln!(
            f,
            "Store: nothing changed ({} partitions already up to date); no new version.",
            written.partitions_unchanged
        )?,
        Some(version) => writeln!(
            f,
            "Store: version {version} committed ({mode}): {} partitions written, {} already up to date.",
            written.partitions_written, written.partitions_unchanged
        )?,
    }
    for (table, counts) in &written.rows {
        if counts.added + counts.updated + counts.removed + counts.kept == 0 {
            continue;
        }
        write!(
            f,
            "  {table}: {} added, {} updated, {} removed",
            counts.added, counts.updated, counts.removed
        )?;
        if counts.kept > 0 {
            write!(f, ", {} kept: newer copy quarantined", counts.kept)?;
        }
        writeln!(f)?;
    }
    for window in &written.windows {
        writeln!(f, "  window {window} (only rows dated inside it replaced)")?;
    }
    for moved in &written.moved {
        writeln!(
            f,
            "  {} {}: moved from {} to {}",
            moved.school_urn,
            excerpt(&moved.school_name),
            moved.from,
            moved.to
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_group_by_their_words_before_the_colon() {
        assert_eq!(
            reason_kind("unknown session kind \"1:1\": expected one of one_to_one"),
            "unknown session kind"
        );
        assert_eq!(
            reason_kind("dangling reference: case_id (case ref C1) is not in cases"),
            "dangling reference"
        );
        assert_eq!(
            reason_kind("missing required value"),
            "missing required value"
        );
    }
}
