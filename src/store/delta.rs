//! The Delta Lake transaction log of each store table, written strictly to the open
//! protocol (<https://github.com/delta-io/delta/blob/master/PROTOCOL.md>, reader version
//! 1, writer version 2), so that any Delta reader (delta-rs and its Python package
//! `deltalake`, Spark, DuckDB's delta extension) reads every table at every version.
//!
//! ```text
//! sessions/_delta_log/00000000000000000000.json   the table created: protocol, metaData
//! sessions/_delta_log/00000000000000000001.json   store version 1: commitInfo, add, remove
//! sessions/trust_id=TR001/v00000000000000000001-<writer>.parquet
//! ```
//!
//! Table version N is store version N (table version 0 is the empty table, written with
//! store version 1). Each table gets a commit at every store version, holding only a
//! `commitInfo` when the version did not change it, so the numbers stay aligned. The
//! entries are a projection of the store's own log ([`super::history`]): their bytes
//! follow from it, so they can be written again after a kill and checked byte for byte
//! (`oversight store check`). A log entry is named as the store's own version file is
//! ([`history::file_name`](super::history::file_name)): twenty digits, as the protocol
//! says.

use serde_json::{Value, json};

use super::history::{FileAction, StoreCommit};
use crate::contract::{Kind, Table};

/// The folder of a table's log, inside the table's folder.
pub const LOG_DIR: &str = "_delta_log";

/// The Delta schema of a table: its stored columns, then the partition column.
fn schema_string(table: Table) -> String {
    let mut fields: Vec<Value> = table
        .columns()
        .iter()
        .filter(|c| Table::is_stored(c))
        .map(|c| {
            let kind = match c.kind {
                Kind::Date => "date",
                Kind::Bool => "boolean",
                Kind::Int { .. } => "integer",
                _ => "string",
            };
            json!({"name": Table::stored_name(c), "type": kind, "nullable": true, "metadata": {}})
        })
        .collect();
    fields.push(json!({"name": "trust_id", "type": "string", "nullable": true, "metadata": {}}));
    json!({"type": "struct", "fields": fields}).to_string()
}

/// One JSON line of a log entry.
fn line(out: &mut Vec<u8>, action: Value) {
    out.extend_from_slice(action.to_string().as_bytes());
    out.push(b'\n');
}

/// Table version 0: the empty table, created at the store's first version.
pub fn creation_entry(table: Table, first: &StoreCommit) -> Vec<u8> {
    let mut out = Vec::new();
    line(
        &mut out,
        json!({"commitInfo": {
            "timestamp": first.committed_at_ms,
            "operation": "CREATE TABLE",
            "operationParameters": {"partitionBy": "[\"trust_id\"]"},
            "engineInfo": first.tool,
        }}),
    );
    line(
        &mut out,
        json!({"protocol": {"minReaderVersion": 1, "minWriterVersion": 2}}),
    );
    line(
        &mut out,
        json!({"metaData": {
            // A table's id is fixed by the store's first version: the same store always
            // projects the same bytes.
            "id": table_id(table, &first.store_id),
            "name": table.name(),
            "format": {"provider": "parquet", "options": {}},
            "schemaString": schema_string(table),
            "partitionColumns": ["trust_id"],
            "configuration": {
                "oversight.keyFingerprint": first.key.fingerprint,
            },
            "createdTime": first.committed_at_ms,
        }}),
    );
    out
}

/// A UUID-shaped id for `table` of the store `store_id` (32 hex digits).
fn table_id(table: Table, store_id: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = hex::encode(Sha256::digest(format!("{store_id}:{}", table.name())));
    format!(
        "{}-{}-{}-{}-{}",
        &digest[0..8],
        &digest[8..12],
        &digest[12..16],
        &digest[16..20],
        &digest[20..32]
    )
}

/// Table version `commit.version`: what the store version did to `table`.
pub fn version_entry(table: Table, commit: &StoreCommit) -> Vec<u8> {
    let mut out = Vec::new();
    let rows = commit.rows.get(table.name()).copied().unwrap_or_default();
    line(
        &mut out,
        json!({"commitInfo": {
            "timestamp": commit.committed_at_ms,
            "operation": "WRITE",
            "operationParameters": {"mode": commit.mode.delta_mode()},
            "engineInfo": commit.tool,
            "oversightStoreVersion": commit.version,
            "operationMetrics": {
                "numAddedRows": rows.added.to_string(),
                "numUpdatedRows": rows.updated.to_string(),
                "numRemovedRows": rows.removed.to_string(),
            },
        }}),
    );
    for file in commit.files.iter().filter(|f| f.table == table) {
        let partition = json!({"trust_id": file.trust_id});
        let action = match file.action {
            FileAction::Remove => json!({"remove": {
                "path": file.path,
                "deletionTimestamp": commit.committed_at_ms,
                "dataChange": true,
                "extendedFileMetadata": true,
                "partitionValues": partition,
                "size": file.size,
            }}),
            FileAction::Add => json!({"add": {
                "path": file.path,
                "partitionValues": partition,
                "size": file.size,
                "modificationTime": commit.committed_at_ms,
                "dataChange": true,
                "stats": json!({"numRecords": file.rows}).to_string(),
                "tags": {"sha256": file.sha256},
            }}),
        };
        line(&mut out, action);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_lists_stored_columns_then_the_partition_column() {
        let schema: Value = serde_json::from_str(&schema_string(Table::Sessions)).unwrap();
        let fields = schema["fields"].as_array().unwrap();
        assert_eq!(fields[0]["name"], "session_id");
        assert_eq!(fields[2]["type"], "date");
        assert_eq!(fields.last().unwrap()["name"], "trust_id");
        let cases: Value = serde_json::from_str(&schema_string(Table::Cases)).unwrap();
        assert!(
            cases["fields"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["name"] == "case_ref")
        );
    }
}
