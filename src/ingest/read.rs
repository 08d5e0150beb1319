//! Reading one canonical CSV file into typed rows.
//!
//! Every cell is trimmed and parsed by its column's kind; a row with any bad cell is
//! quarantined with the first problem found (file, line, column, reason), so each data
//! line ends either in `rows` or in `quarantined`. Columns the contract does not know
//! are never read past the header: they may hold free text or children's names.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::values;
use super::{IngestError, Quarantined};
use crate::contract::{Column, Kind, Table};

/// A typed cell. Enum values hold their canonical spelling.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Text(String),
    Date(NaiveDate),
    Bool(bool),
    Int(i64),
}

impl Cell {
    /// The text of a text, enum or id cell; `""` for null.
    pub fn text(&self) -> &str {
        match self {
            Cell::Text(text) => text,
            _ => "",
        }
    }

    /// The date of a date cell.
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Cell::Date(date) => Some(*date),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Cell::Null)
    }
}

/// A data line that passed its own checks, with its line number in the file.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    /// One cell per canonical column of the table, in [`Table::columns`] order.
    pub cells: Vec<Cell>,
}

/// An input file as the ingest log records it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub table: Table,
    pub path: PathBuf,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    pub bytes: u64,
}

/// One file read: its good rows, its quarantined rows and what was dropped.
#[derive(Debug)]
pub struct ReadFile {
    pub source: SourceFile,
    pub rows: Vec<Row>,
    pub quarantined: Vec<Quarantined>,
    pub rows_read: u64,
    /// Headers the contract does not know, dropped unread.
    pub dropped_columns: Vec<String>,
}

/// The bounds every date must fall within (spec 01: "a date before 1990 or more than a
/// year after the ingest").
#[derive(Debug, Clone, Copy)]
pub struct DateBounds {
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
}

impl DateBounds {
    /// 1 January 1990 to a year after `today`.
    pub fn for_ingest_on(today: NaiveDate) -> Self {
        DateBounds {
            earliest: NaiveDate::from_ymd_opt(1990, 1, 1).expect("a valid date"),
            latest: today + chrono::Months::new(12),
        }
    }
}

/// Reads `path` as the canonical file of `table`.
pub fn read_file(table: Table, path: &Path, bounds: DateBounds) -> Result<ReadFile, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Read {
        path: path.to_owned(),
        source,
    })?;
    let source = SourceFile {
        table,
        path: path.to_owned(),
        sha256: hex::encode(Sha256::digest(&bytes)),
        bytes: bytes.len() as u64,
    };
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(text);
    let display = path.display().to_string();

    let header = reader
        .byte_headers()
        .map_err(|e| IngestError::Csv {
            path: path.to_owned(),
            line: 1,
            message: e.to_string(),
        })?
        .clone();
    let header: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_string())
        .collect();
    let layout = Layout::of(table, &header, path)?;

    let mut file = ReadFile {
        source,
        rows: Vec::new(),
        quarantined: Vec::new(),
        rows_read: 0,
        dropped_columns: layout.dropped.clone(),
    };
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(IngestError::Csv {
                    path: path.to_owned(),
                    line,
                    message: e.to_string(),
                });
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        file.rows_read += 1;
        match parse_row(table, &layout, &record, bounds) {
            Ok(cells) => file.rows.push(Row { line, cells }),
            Err((column, reason)) => file.quarantined.push(Quarantined {
                table,
                file: display.clone(),
                line,
                column: column.to_string(),
                reason,
            }),
        }
    }
    Ok(file)
}

/// Where each canonical column sits in a file's header.
struct Layout {
    /// For each canonical column, its position in the file (None: optional and absent).
    positions: Vec<Option<usize>>,
    width: usize,
    dropped: Vec<String>,
}

impl Layout {
    fn of(table: Table, header: &[String], path: &Path) -> Result<Layout, IngestError> {
        for (i, name) in header.iter().enumerate() {
            if header[..i]
                .iter()
                .any(|earlier| earlier.eq_ignore_ascii_case(name))
            {
                return Err(IngestError::Header {
                    path: path.to_owned(),
                    message: format!("column {name:?} appears twice in the header"),
                });
            }
        }
        let find = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
        let mut positions = Vec::new();
        for column in table.columns() {
            let at = find(column.name);
            if at.is_none() && column.required {
                return Err(IngestError::Header {
                    path: path.to_owned(),
                    message: format!(
                        "missing required column {:?} (the header has: {})",
                        column.name,
                        header.join(", ")
                    ),
                });
            }
            positions.push(at);
        }
        let dropped = header
            .iter()
            .filter(|h| {
                !table
                    .columns()
                    .iter()
                    .any(|c| c.name.eq_ignore_ascii_case(h))
            })
            .cloned()
            .collect();
        Ok(Layout {
            positions,
            width: header.len(),
            dropped,
        })
    }
}

/// Parses one record; on failure returns the column and the reason.
fn parse_row(
    table: Table,
    layout: &Layout,
    record: &csv::ByteRecord,
    bounds: DateBounds,
) -> Result<Vec<Cell>, (&'static str, String)> {
    if record.len() != layout.width {
        return Err((
            "",
            format!(
                "wrong number of fields: {} where the header has {}",
                record.len(),
                layout.width
            ),
        ));
    }
    let mut cells = Vec::with_capacity(layout.positions.len());
    for (column, position) in table.columns().iter().zip(&layout.positions) {
        let raw = position.map_or(&b""[..], |at| &record[at]);
        let text = std::str::from_utf8(raw)
            .map_err(|_| {
                (
                    column.name,
                    "not UTF-8 text: export the file as UTF-8".to_string(),
                )
            })?
            .trim();
        let cell = if text.is_empty() {
            if column.required {
                return Err((column.name, "missing required value".to_string()));
            }
            Cell::Null
        } else {
            parse_cell(column, text, bounds).map_err(|reason| (column.name, reason))?
        };
        cells.push(cell);
    }
    Ok(cells)
}

fn parse_cell(column: &Column, text: &str, bounds: DateBounds) -> Result<Cell, String> {
    Ok(match column.kind {
        Kind::Text | Kind::CaseId => Cell::Text(text.to_string()),
        Kind::TrustId => {
            values::check_trust_id(text)?;
            Cell::Text(text.to_string())
        }
        Kind::Urn => {
            values::check_urn(text)?;
            Cell::Text(text.to_string())
        }
        Kind::Date => {
            let date = values::parse_date(text)?;
            if date < bounds.earliest {
                return Err(format!("out of range: {date} is before 1990"));
            }
            if date > bounds.latest {
                return Err(format!(
                    "out of range: {date} is more than a year after the ingest"
                ));
            }
            Cell::Date(date)
        }
        Kind::Bool => Cell::Bool(values::parse_bool(text)?),
        Kind::Int { min, max } => Cell::Int(values::parse_int(text, min, max)?),
        Kind::Enum { what, names } => {
            Cell::Text(values::parse_enum(text, what, names)?.to_string())
        }
        Kind::List { what, names } => Cell::Text(values::parse_enum_list(text, what, names)?),
    })
}
