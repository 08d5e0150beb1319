//! Reading one table into typed rows, in three steps kept apart:
//!
//! 1. **decode** the source into a header and records of text cells
//!    ([`source`](super::decode::source): CSV or a workbook sheet);
//! 2. **map** each record onto the table's canonical columns as text: for a canonical
//!    file the header names are the canonical names ([`read_file`]); a mapping file says
//!    otherwise ([`mapping`](super::mapping));
//! 3. **parse** that canonical text ([`parse_rows`], here): every cell is trimmed and
//!    parsed by its column's kind, and a row with any bad cell is quarantined with the
//!    first problem found (file, line, column, reason).
//!
//! So each data line ends either in `rows` or in `quarantined`, however the export was
//! laid out. Columns the contract does not know are never read past the header: they
//! may hold free text or children's names.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::IngestError;
use super::decode::source;
use super::decode::stream::CsvStream;
use super::values;
pub use crate::contract::Cell;
use crate::contract::{Column, Kind, Quarantined, Table, excerpt, excerpt_list};

/// A data line that passed its own checks, with its line number in the file.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    /// One cell per canonical column of the table, in [`Table::columns`] order.
    pub cells: Vec<Cell>,
    /// The lines of a flat export that gave this same row again, folded into it: they
    /// are stored or quarantined with it. Always empty for a canonical file.
    pub repeats: Vec<u64>,
}

/// An input file as the ingest log records it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub table: Table,
    pub path: PathBuf,
    /// The sheet read, when the file is a workbook.
    pub sheet: Option<String>,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    pub bytes: u64,
    /// How a canonical file was read when it is not UTF-8 with commas (`CSV,
    /// Windows-1252, ';'-separated`), as a file saved from Excel may be.
    pub read_as: Option<String>,
}

impl SourceFile {
    /// How messages name the source: its path, and its sheet (`book.xlsx [Staff]`).
    pub fn display_name(&self) -> String {
        match &self.sheet {
            Some(sheet) => format!("{} [{sheet}]", self.path.display()),
            None => self.path.display().to_string(),
        }
    }
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
    /// How a mapping file produced the table; `None` for a canonical file.
    pub mapped: Option<MappedRead>,
}

/// Where one canonical column came from, for the report.
#[derive(Debug, Clone)]
pub struct ColumnSource {
    pub column: &'static str,
    /// The export header it was read from (`None` for a constant or an absent column).
    pub header: Option<String>,
    /// The rule in words: `<- "Session Date", dates %d/%m/%Y`.
    pub rule: String,
}

/// How a mapping produced one table.
#[derive(Debug, Clone)]
pub struct MappedRead {
    /// The mapping file.
    pub mapping: PathBuf,
    /// How the source was decoded: `CSV, Windows-1252, ';'-separated`.
    pub read_as: String,
    /// Every canonical column, in [`Table::columns`] order.
    pub columns: Vec<ColumnSource>,
    /// Other tables are read from the same source: it is a flat export.
    pub flat: bool,
    /// Rows that repeated an earlier line's row exactly and were folded into it.
    pub folded: u64,
}

impl MappedRead {
    /// The export header a canonical column was read from.
    pub fn header_of(&self, column: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|c| c.column == column)
            .and_then(|c| c.header.as_deref())
    }
}

/// A cell of canonical text (empty for null), or why the line has no text for it.
pub type TextCell = Result<String, String>;

/// A data line mapped onto a table's canonical columns, still as text.
#[derive(Debug, Clone)]
pub struct TextRow {
    pub line: u64,
    /// One cell per canonical column ([`Table::columns`] order), or the problem that
    /// stops the whole line (the column, empty when it is the line's fault, and why).
    pub cells: Result<Vec<TextCell>, (&'static str, String)>,
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

/// Reads `path` as the canonical file of `table`, whole.
pub fn read_file(table: Table, path: &Path, bounds: DateBounds) -> Result<ReadFile, IngestError> {
    Chunks::open(table, path, bounds)?.read_all()
}

/// Reads `bytes` as the canonical file of `table` (named `path` in messages): what
/// [`read_file`] does with the file's bytes.
pub fn read_bytes(
    table: Table,
    path: &Path,
    bytes: Vec<u8>,
    bounds: DateBounds,
) -> Result<ReadFile, IngestError> {
    Chunks::from_reader(table, path, std::io::Cursor::new(bytes), bounds)?.read_all()
}

/// What the first look at a canonical file found.
pub enum Head {
    /// The file holds at most the rows asked for: here it is, read whole.
    Whole(Box<ReadFile>),
    /// The file holds more: it is to be read in chunks.
    Large,
}

/// Reads the canonical file `path` of `table` whole when it holds at most `rows` data
/// lines, else says it is [`Head::Large`] (and keeps nothing of it).
pub fn read_head(
    table: Table,
    path: &Path,
    bounds: DateBounds,
    rows: usize,
) -> Result<Head, IngestError> {
    let mut chunks = Chunks::open(table, path, bounds)?;
    let first = chunks.next_chunk(rows)?.unwrap_or_default();
    if chunks.next_chunk(1)?.is_some() {
        return Ok(Head::Large);
    }
    let (source, dropped_columns) = chunks.finish()?;
    Ok(Head::Whole(Box::new(ReadFile {
        source,
        rows: first.rows,
        quarantined: first.quarantined,
        rows_read: first.rows_read,
        dropped_columns,
        mapped: None,
    })))
}

/// Some consecutive data lines of a file: the good rows and the quarantined ones.
#[derive(Debug, Default)]
pub struct Chunk {
    pub rows: Vec<Row>,
    pub quarantined: Vec<Quarantined>,
    pub rows_read: u64,
}

/// A canonical file read a chunk of lines at a time (issue #13): its header is checked
/// on opening, and each chunk is parsed and checked row by row as [`read_file`] does,
/// so a file read in chunks gives the same rows, quarantined rows and line numbers as
/// one read whole, holding only a chunk at a time.
pub struct Chunks<R: std::io::Read> {
    stream: CsvStream<R>,
    layout: Layout,
    wanted: Vec<usize>,
    /// The positions of the key's columns, in [`Table::key`] order.
    key_wanted: Vec<usize>,
    parsed: Parsed,
    table: Table,
    path: PathBuf,
}

impl Chunks<std::fs::File> {
    /// Opens the canonical file `path` of `table` and checks its header.
    pub fn open(table: Table, path: &Path, bounds: DateBounds) -> Result<Self, IngestError> {
        // A FIFO or a device is refused here too, without waiting on it, whatever the
        // folder held when the bundle was found.
        let file = crate::input_file::open_regular(path).map_err(|source| IngestError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_reader(table, path, file, bounds)
    }
}

impl<R: std::io::Read + std::io::Seek> Chunks<R> {
    /// Reads `reader` as the canonical file `path` of `table`.
    pub fn from_reader(
        table: Table,
        path: &Path,
        reader: R,
        bounds: DateBounds,
    ) -> Result<Self, IngestError> {
        let stream = CsvStream::open(path, reader)?;
        let layout = Layout::of(table, &stream.header, path)?;
        let wanted = layout.positions.iter().flatten().copied().collect();
        let key_wanted = table
            .key()
            .iter()
            .filter_map(|&at| layout.positions[at])
            .collect();
        Ok(Chunks {
            stream,
            layout,
            wanted,
            key_wanted,
            parsed: Parsed::new(table, path.display().to_string(), bounds),
            table,
            path: path.to_owned(),
        })
    }

    /// The key cells of the next data line (in [`Table::key`] order), decoding only
    /// the key's columns: `Some(None)` when the line or a key cell is bad (the line is
    /// quarantined whatever its key), `None` at the end of the file. A line that parses
    /// whole has exactly these key cells, as [`key_cells`] finds them.
    pub fn next_key(&mut self) -> Result<Option<Option<Vec<Cell>>>, IngestError> {
        let Some(record) = self.stream.next_record(&self.key_wanted)? else {
            return Ok(None);
        };
        if record.fields != Some(self.layout.width) {
            return Ok(Some(None));
        }
        let mut cells = record.cells.into_iter();
        let key = self
            .table
            .key()
            .iter()
            .map(|&at| {
                let column = &self.table.columns()[at];
                let text = match self.layout.positions[at] {
                    None => String::new(),
                    Some(_) => cells.next()?.ok()?,
                };
                let text = text.trim();
                if text.is_empty() {
                    return (!column.required).then_some(Cell::Null);
                }
                parse_cell(column, text, self.parsed.bounds).ok()
            })
            .collect();
        Ok(Some(key))
    }

    /// The next data line as canonical text, or `None` at the end of the file.
    pub fn next_text_row(&mut self) -> Result<Option<TextRow>, IngestError> {
        Ok(self
            .stream
            .next_record(&self.wanted)?
            .map(|record| self.layout.text_row(record)))
    }

    /// The next at most `rows` data lines, parsed; `None` at the end of the file.
    pub fn next_chunk(&mut self, rows: usize) -> Result<Option<Chunk>, IngestError> {
        for _ in 0..rows.max(1) {
            match self.next_text_row()? {
                Some(row) => self.parsed.push(row),
                None => break,
            }
        }
        if self.parsed.rows_read == 0 {
            return Ok(None);
        }
        Ok(Some(Chunk {
            rows: std::mem::take(&mut self.parsed.rows),
            quarantined: std::mem::take(&mut self.parsed.quarantined),
            rows_read: std::mem::take(&mut self.parsed.rows_read),
        }))
    }

    /// Reads what is left: the file as the ingest log records it, and the headers the
    /// contract does not know.
    pub fn finish(self) -> Result<(SourceFile, Vec<String>), IngestError> {
        let read_as = self.stream.sniffed.read_as();
        let (sha256, bytes) = self.stream.finish()?;
        let source = SourceFile {
            table: self.table,
            path: self.path,
            sheet: None,
            sha256,
            bytes,
            read_as,
        };
        Ok((source, self.layout.dropped))
    }

    /// Reads every remaining line into one [`ReadFile`].
    pub fn read_all(mut self) -> Result<ReadFile, IngestError> {
        let mut all = Chunk::default();
        while let Some(chunk) = self.next_chunk(usize::MAX)? {
            all.rows.extend(chunk.rows);
            all.quarantined.extend(chunk.quarantined);
            all.rows_read += chunk.rows_read;
        }
        let (source, dropped_columns) = self.finish()?;
        Ok(ReadFile {
            source,
            rows: all.rows,
            quarantined: all.quarantined,
            rows_read: all.rows_read,
            dropped_columns,
            mapped: None,
        })
    }
}

/// Typed rows and quarantined rows, built one text row at a time.
pub struct Parsed {
    table: Table,
    file: String,
    bounds: DateBounds,
    pub rows: Vec<Row>,
    pub quarantined: Vec<Quarantined>,
    pub rows_read: u64,
}

impl Parsed {
    /// Nothing parsed yet; `file` is how quarantined rows name the source.
    pub fn new(table: Table, file: String, bounds: DateBounds) -> Self {
        Parsed {
            table,
            file,
            bounds,
            rows: Vec::new(),
            quarantined: Vec::new(),
            rows_read: 0,
        }
    }

    /// Parses one text row into a typed row, or quarantines it.
    pub fn push(&mut self, row: TextRow) {
        self.rows_read += 1;
        let id = match &row.cells {
            Ok(cells) => crate::contract::RowId::of(self.table, |at| {
                cells.get(at).and_then(|c| c.as_deref().ok())
            }),
            Err(_) => None,
        };
        let parsed = row
            .cells
            .and_then(|cells| parse_text_row(self.table, &cells, self.bounds));
        match parsed {
            Ok(cells) => self.rows.push(Row {
                line: row.line,
                cells,
                repeats: Vec::new(),
            }),
            Err((column, reason)) => self.quarantined.push(Quarantined {
                table: self.table,
                file: self.file.clone(),
                line: row.line,
                column: column.to_string(),
                reason,
                id,
            }),
        }
    }
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
        // Linear in the header's width, however wide a hostile file makes it.
        let mut seen = std::collections::HashSet::with_capacity(header.len());
        for name in header {
            if !seen.insert(name.to_ascii_lowercase()) {
                return Err(IngestError::Header {
                    path: path.to_owned(),
                    message: format!("column {} appears twice in the header", excerpt(name)),
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
                        excerpt_list(header.iter().map(String::as_str), 30)
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

    /// A decoded record (holding the cells at the present positions, in column order)
    /// as canonical text.
    fn text_row(&self, record: source::Record) -> TextRow {
        if record.fields != Some(self.width) {
            return TextRow {
                line: record.line,
                cells: Err((
                    "",
                    format!(
                        "wrong number of fields: {} where the header has {}",
                        record.fields.unwrap_or_default(),
                        self.width
                    ),
                )),
            };
        }
        let mut cells = record.cells.into_iter();
        let text = self
            .positions
            .iter()
            .map(|position| match position {
                None => Ok(String::new()),
                Some(_) => cells
                    .next()
                    .unwrap_or(Ok(String::new()))
                    .map_err(|bad| match bad {
                        source::BadCell::TooLong(chars) => source::too_long_reason(chars),
                        _ => "not UTF-8 text: export the file as UTF-8".to_string(),
                    }),
            })
            .collect();
        TextRow {
            line: record.line,
            cells: Ok(text),
        }
    }
}

/// The cells of the key of `row` (in [`Table::key`] order), parsed as
/// [`parse_text_row`] parses them; `None` when the line or a key cell is bad. A row that
/// parses whole has exactly these key cells.
pub fn key_cells(table: Table, row: &TextRow, bounds: DateBounds) -> Option<Vec<Cell>> {
    let cells = row.cells.as_ref().ok()?;
    table
        .key()
        .iter()
        .map(|&at| {
            let column = &table.columns()[at];
            let text = cells.get(at)?.as_ref().ok()?.trim();
            if text.is_empty() {
                return (!column.required).then_some(Cell::Null);
            }
            parse_cell(column, text, bounds).ok()
        })
        .collect()
}

/// Parses one row of canonical text; on failure returns the column and the reason.
fn parse_text_row(
    table: Table,
    cells: &[TextCell],
    bounds: DateBounds,
) -> Result<Vec<Cell>, (&'static str, String)> {
    let mut parsed = Vec::with_capacity(cells.len());
    for (column, text) in table.columns().iter().zip(cells) {
        let text = text
            .as_ref()
            .map_err(|reason| (column.name, reason.clone()))?
            .trim();
        let cell = if text.is_empty() {
            if column.required {
                return Err((column.name, "missing required value".to_string()));
            }
            Cell::Null
        } else {
            parse_cell(column, text, bounds).map_err(|reason| (column.name, reason))?
        };
        parsed.push(cell);
    }
    Ok(parsed)
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
