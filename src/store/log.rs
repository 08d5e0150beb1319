//! The ingest log and the quarantine files: plain CSV a person can open.
//!
//! `ingest-log.csv` gets one row per file per ingest: when, which file, its SHA-256 and
//! size, how many rows were read, stored and quarantined, and the trusts (`;`-separated)
//! its stored rows belong to. It is the audit trail that
//! a report's manifest points back to. Quarantine files hold one row per rejected line.

use serde::Serialize;

use crate::contract::Quarantined;

/// The ingest log's file name in the store.
pub const LOG_FILE: &str = "ingest-log.csv";

/// One file of one ingest.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub ingested_at: String,
    pub file: String,
    pub table: String,
    pub sha256: String,
    pub bytes: u64,
    pub rows_read: u64,
    pub rows_stored: u64,
    pub rows_quarantined: u64,
    pub trust_ids: String,
}

/// The log rows of `entries`, after a header when the log is `new`: appended to the
/// log, never rewriting what it holds.
pub fn rows(new: bool, entries: &[LogEntry]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(new)
        .from_writer(Vec::new());
    for entry in entries {
        writer
            .serialize(entry)
            .expect("writing CSV to memory cannot fail");
    }
    writer
        .into_inner()
        .expect("writing CSV to memory cannot fail")
}

/// The quarantine file for one source file's rejected rows.
pub fn quarantine_csv(rows: &[Quarantined]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(["table", "file", "line", "column", "reason"])
        .expect("writing CSV to memory cannot fail");
    for row in rows {
        writer
            .write_record([
                row.table.name(),
                &row.file,
                &row.line.to_string(),
                &row.column,
                &row.reason,
            ])
            .expect("writing CSV to memory cannot fail");
    }
    writer
        .into_inner()
        .expect("writing CSV to memory cannot fail")
}
