//! Mapping files: onboarding a real export without code (spec 03, "Mapping files").
//!
//! Trusts do not have canonical CSVs; they have whatever their safeguarding system
//! exports. A mapping file says, per canonical table, which file (or workbook sheet)
//! holds it, which export column feeds each canonical column, how enum and boolean
//! values and dates are written, which columns are constants, and how a flat file that
//! repeats session columns per case is split. Reading a mapped export is then three
//! separate steps, one module each:
//!
//! - [`source`](crate::ingest::decode::source): decode the file into a header and text
//!   records (CSV in UTF-8 or Windows-1252, any usual delimiter; or a workbook sheet),
//!   as every read does ([`decode`](crate::ingest::decode));
//! - [`rules`]: map each record onto the canonical columns as canonical text;
//! - [`flat`]: split a file shared by several tables without duplicating rows;
//!
//! after which the canonical text goes through the same typed parsing
//! ([`Parsed`](crate::ingest::read::Parsed)) and cross-table checks as a canonical
//! bundle. [`model`] holds the TOML form and the checks made before any export is
//! opened. The format is documented in `docs/mapping.md`.

pub mod flat;
pub mod model;
pub mod rules;

use std::path::Path;

pub use model::{MAPPING_FILE, Mapping, MappingError, TableMapping};

use super::IngestError;
use super::decode::source;
use super::read::{ColumnSource, DateBounds, MappedRead, Parsed, ReadFile, SourceFile};
use crate::contract::{Kind, Table};

/// Reads every table `mapping` names from the export folder `dir`, in table order.
pub fn read_bundle(
    mapping: &Mapping,
    dir: &Path,
    bounds: DateBounds,
) -> Result<Vec<ReadFile>, IngestError> {
    // Tables read from one source (a file, or one sheet of a workbook) are read together,
    // from a single pass over it.
    let mut groups: Vec<Vec<&TableMapping>> = Vec::new();
    for table in &mapping.tables {
        match groups
            .iter_mut()
            .find(|g| g[0].file == table.file && g[0].sheet == table.sheet)
        {
            Some(group) => group.push(table),
            None => groups.push(vec![table]),
        }
    }
    let mut files = Vec::new();
    for group in groups {
        files.extend(read_source(mapping, dir, &group, bounds)?);
    }
    files.sort_by_key(|f| f.source.table);
    Ok(files)
}

/// Reads the tables of `group`, which all come from one source.
fn read_source(
    mapping: &Mapping,
    dir: &Path,
    group: &[&TableMapping],
    bounds: DateBounds,
) -> Result<Vec<ReadFile>, IngestError> {
    let first = group[0];
    let rule_error = |at: String, message: String| MappingError::Rule {
        path: mapping.path.clone(),
        at,
        message,
    };
    let spec = first.source(dir);
    if !spec.path.is_file() {
        return Err(rule_error(
            format!("{} path = {:?}", first.at(), first.file),
            format!(
                "no such file in {}{}",
                dir.display(),
                nearest_file(dir, &first.file)
            ),
        )
        .into());
    }
    if let Err(message) = super::confine::inside(dir, &spec.path) {
        return Err(rule_error(
            format!(
                "{} path = {}",
                first.at(),
                crate::contract::excerpt(&first.file)
            ),
            message,
        )
        .into());
    }
    let opened = source::open(&spec).map_err(|e| match e {
        IngestError::NoSheet {
            path,
            sheet,
            sheets,
        } => {
            let names: Vec<&str> = sheets.iter().map(String::as_str).collect();
            rule_error(
                format!("{} sheet = {sheet:?}", first.at()),
                format!(
                    "{} has no sheet {sheet:?}{}; its sheets are {}",
                    path.display(),
                    model::did_you_mean(&sheet, &names),
                    crate::contract::excerpt_list(names.iter().copied(), 30)
                ),
            )
            .into()
        }
        other => other,
    })?;
    let sheet = spec.sheet().map(str::to_string);
    let display = match &sheet {
        Some(name) => format!("{} [{name}]", spec.path.display()),
        None => spec.path.display().to_string(),
    };
    let flat = group.len() > 1;
    let mut wanted = Vec::new();
    let resolved = group
        .iter()
        .map(|table| {
            rules::resolve(
                table,
                &opened.header,
                &display,
                sheet.is_some(),
                flat,
                &mut wanted,
            )
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|(at, message)| rule_error(at, message))?;
    let dropped: Vec<String> = opened
        .header
        .iter()
        .enumerate()
        .filter(|(at, _)| !wanted.contains(at))
        .map(|(at, name)| {
            if name.is_empty() {
                format!("(column {}, no header)", at + 1)
            } else {
                name.clone()
            }
        })
        .collect();
    let read_as = opened.read_as.clone();
    let source_file = |table: Table| SourceFile {
        table,
        path: spec.path.clone(),
        sheet: sheet.clone(),
        sha256: opened.sha256.clone(),
        bytes: opened.bytes,
        // The mapping's own `read_as` says how it was read.
        read_as: None,
    };
    let sources: Vec<SourceFile> = group.iter().map(|t| source_file(t.table)).collect();
    let mut parsed: Vec<Parsed> = group
        .iter()
        .map(|t| Parsed::new(t.table, display.clone(), bounds))
        .collect();
    opened.records(&wanted, &mut |record| {
        for (table, into) in resolved.iter().zip(parsed.iter_mut()) {
            for row in table.text_rows(&record) {
                into.push(row);
            }
        }
    })?;

    let mut files = Vec::with_capacity(group.len());
    for ((table, parsed), source) in resolved.iter().zip(parsed).zip(sources) {
        let (rows, folded) = if flat {
            flat::fold_repeats(parsed.rows)
        } else {
            (parsed.rows, 0)
        };
        let mut quarantined = parsed.quarantined;
        for q in &mut quarantined {
            if let Some(hint) = value_map_hint(table.mapping, &q.column, &q.reason) {
                q.reason.push_str(&hint);
            }
        }
        let columns = table
            .describe()
            .into_iter()
            .zip(table.mapping.table.columns())
            .map(|((_, rule), column)| ColumnSource {
                column: column.name,
                header: table.header_of(column.name),
                rule,
            })
            .collect();
        files.push(ReadFile {
            source,
            rows,
            quarantined,
            rows_read: parsed.rows_read,
            dropped_columns: dropped.clone(),
            mapped: Some(MappedRead {
                mapping: mapping.path.clone(),
                read_as: read_as.clone(),
                columns,
                flat,
                folded,
            }),
        });
    }
    Ok(files)
}

/// For an export value the contract does not know, where in the mapping to translate it.
fn value_map_hint(table: &TableMapping, column: &str, reason: &str) -> Option<String> {
    let kind = table
        .table
        .columns()
        .iter()
        .find(|c| c.name == column)?
        .kind;
    let unmapped = match kind {
        Kind::Enum { .. } | Kind::List { .. } => reason.starts_with("unknown "),
        Kind::Bool => reason.contains("is not a boolean"),
        _ => false,
    };
    unmapped.then(|| {
        format!(
            " (map the export value under [files.{}.values.{column}])",
            table.table.name()
        )
    })
}

/// ` (did you mean "Staff List.csv"?)` when a file in `dir` has a close name.
fn nearest_file(dir: &Path, file: &str) -> String {
    let names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    model::did_you_mean(file, &names)
}
