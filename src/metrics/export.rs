//! The queries' inputs written out for another engine (`report --export-inputs DIR`,
//! issue #13): users who outgrow one machine run `queries/` on DuckDB, Spark or
//! DataFusion over the same Hive-partitioned store, and those engines need the two
//! inputs that live only inside oversight: the resolved policy tables and
//! `report_params`.
//!
//! Each is written as `<table>.parquet`, exactly the frame a metrics pass registers (for
//! every trust of the run at once), with `manifest.json` beside them: the run (as-of
//! date, report year, trusts), the store tables and their column types, the exported
//! tables, and every query in the order it runs with its layer. A runner reads the order
//! from there, so it is written down once, in [`QUERIES`].

use std::fs;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::Serialize;

use super::{Layer, MetricsError, QUERIES};
use crate::context::ReportRun;
use crate::contract::Table;

/// The manifest's file name in the export folder.
pub const MANIFEST: &str = "manifest.json";

/// An export that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Metrics(#[from] MetricsError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Parquet { path: PathBuf, source: PolarsError },
}

/// What `manifest.json` says.
#[derive(Debug, Serialize)]
struct Manifest {
    /// The oversight version that wrote the export (and whose `queries/` it fits).
    oversight_version: &'static str,
    /// The store the inputs were resolved from, as an absolute path where it resolves.
    store: String,
    /// The store version they were resolved at: its tables are the files listed below.
    store_version: u64,
    as_of: String,
    report_year: String,
    /// The trusts of the run, sorted: the store tables are read for these only.
    trusts: Vec<String>,
    /// The store's tables at that version: each the files listed (relative to the
    /// store, `<name>/trust_id=<id>/<file>.parquet`; a version reads exactly these),
    /// `trust_id` from the folder name (text, never a number), then the stored columns.
    store_tables: Vec<Described>,
    /// The tables written here, each as `<name>.parquet`.
    tables: Vec<Described>,
    /// Every query in the order it runs; each result is a table named `name`.
    queries: Vec<QueryEntry>,
}

/// A table with its columns and their SQL types.
#[derive(Debug, Serialize)]
struct Described {
    name: &'static str,
    /// Rows written (the exported tables only).
    #[serde(skip_serializing_if = "Option::is_none")]
    rows: Option<usize>,
    /// A store table's files at the version, for the run's trusts.
    #[serde(skip_serializing_if = "Option::is_none")]
    files: Option<Vec<String>>,
    /// Its columns as SQL column definitions (`trust_id VARCHAR, held_on DATE, ...`),
    /// ready for a `CREATE TABLE` in DuckDB, Spark or DataFusion.
    columns: String,
}

#[derive(Debug, Serialize)]
struct QueryEntry {
    name: &'static str,
    /// Its path under `queries/`.
    file: &'static str,
    /// `staging`, `restricted` (a `restricted/` CSV) or `governors` (a `governors/` CSV,
    /// after disclosure control).
    layer: &'static str,
}

/// Writes the policy tables and `report_params` of `run` into `dir` (created when
/// missing) as Parquet, and `manifest.json`; returns the files written.
pub fn export_inputs(run: &ReportRun, dir: &Path) -> Result<Vec<PathBuf>, ExportError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ExportError::Io { path, source }
    };
    fs::create_dir_all(dir).map_err(io(dir))?;
    let mut written = Vec::new();
    let mut tables = Vec::new();
    for (name, mut frame) in super::side_tables(run)? {
        let path = dir.join(format!("{name}.parquet"));
        let file = fs::File::create(&path).map_err(io(&path))?;
        ParquetWriter::new(file)
            .finish(&mut frame)
            .map_err(|source| ExportError::Parquet {
                path: path.clone(),
                source,
            })?;
        tables.push(Described {
            name,
            rows: Some(frame.height()),
            files: None,
            columns: columns(frame.schema()),
        });
        written.push(path);
    }
    let store_tables = Table::ALL
        .iter()
        .map(|&table| {
            let mut schema = crate::store::frame::schema(table);
            schema
                .insert_at_index(0, "trust_id".into(), DataType::String)
                .expect("index 0 exists");
            let files = run
                .store
                .snapshot()
                .files
                .iter()
                .filter(|((t, trust), _)| *t == table && run.trusts.contains(trust))
                .map(|(_, file)| file.relative().to_string_lossy().into_owned())
                .collect();
            Described {
                name: table.name(),
                rows: None,
                files: Some(files),
                columns: columns(&schema),
            }
        })
        .collect();
    let store = run.store.root();
    let manifest = Manifest {
        oversight_version: env!("CARGO_PKG_VERSION"),
        store: fs::canonicalize(store)
            .unwrap_or_else(|_| store.to_path_buf())
            .display()
            .to_string(),
        store_version: run.store.version(),
        as_of: run.params.as_of.to_string(),
        report_year: run.params.report_year.to_string(),
        trusts: run.trusts.clone(),
        store_tables,
        tables,
        queries: QUERIES
            .iter()
            .map(|q| QueryEntry {
                name: q.name,
                file: q.file,
                layer: match q.layer {
                    Layer::Staging => "staging",
                    Layer::Restricted => "restricted",
                    Layer::Governors => "governors",
                },
            })
            .collect(),
    };
    let path = dir.join(MANIFEST);
    let mut text = serde_json::to_string_pretty(&manifest).expect("the manifest serialises");
    text.push('\n');
    fs::write(&path, text).map_err(io(&path))?;
    written.push(path);
    Ok(written)
}

/// Each column's name and SQL type (types DuckDB, Spark and DataFusion all name so).
fn columns(schema: &Schema) -> String {
    schema
        .iter()
        .map(|(name, dtype)| format!("{name} {}", sql_type(dtype)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn sql_type(dtype: &DataType) -> String {
    match dtype {
        DataType::String => "VARCHAR".into(),
        DataType::Date => "DATE".into(),
        DataType::Boolean => "BOOLEAN".into(),
        DataType::Int32 => "INTEGER".into(),
        DataType::Int64 => "BIGINT".into(),
        DataType::Float64 => "DOUBLE".into(),
        // The store and the policy tables hold no other type (store::frame,
        // policy::tables); were one added, the manifest would name it as polars does.
        other => other.to_string(),
    }
}
