//! Decoding one export source into a header and records of text cells, each with the
//! line a person finds it on: a CSV file (UTF-8 with or without a BOM, or Windows-1252;
//! `,`, `;`, tab or `|` between fields) or a sheet of a workbook, where a record's line
//! is its sheet row number.
//!
//! Decoding knows nothing of the data contract. It is opened in two steps so that the
//! caller, having seen the header, says which columns it wants: only those cells are
//! ever turned into text, and every other column (free text, children's names) is never
//! read past the header.
//!
//! Input is bounded before anything grows with it (issue #11): a header of at most
//! [`MAX_COLUMNS`] columns, cells of at most [`MAX_CELL_CHARS`] characters (a longer
//! cell is a bad cell, its row quarantined), and workbooks checked by [`workbook`]
//! before and while they are decoded. Each limit is an error naming the file, line and
//! column.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use sha2::{Digest, Sha256};

use super::workbook;
use crate::contract::excerpt;
use crate::ingest::IngestError;

/// The widest header read: 16,384 columns, the most a spreadsheet has (`XFD`).
pub const MAX_COLUMNS: usize = 16_384;

/// The longest cell read: 32,767 characters, the most a spreadsheet cell holds.
pub const MAX_CELL_CHARS: usize = 32_767;

/// How a CSV file's bytes become text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 when the bytes are valid UTF-8 (or start with a BOM), else Windows-1252:
    /// what Excel on Windows writes when it saves "CSV".
    Detect,
    /// UTF-8 only: a cell that is not valid UTF-8 is reported as such (canonical bundles).
    Utf8,
    Windows1252,
}

/// What separates the fields of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    /// The most frequent of `,` `;` tab `|` in the header line (`,` when none is).
    Detect,
    Fixed(u8),
}

/// Where a table's records come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    Csv {
        encoding: Encoding,
        delimiter: Delimiter,
    },
    /// One sheet of a workbook (`.xlsx`; calamine also reads `.xlsm`, `.xlsb`, `.xls`
    /// and `.ods`).
    Sheet { name: String },
}

/// One source to decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpec {
    pub path: PathBuf,
    pub format: Format,
}

impl SourceSpec {
    /// A canonical bundle's CSV: UTF-8 (a BOM is allowed), comma-separated (spec 01).
    pub fn canonical(path: &Path) -> Self {
        SourceSpec {
            path: path.to_owned(),
            format: Format::Csv {
                encoding: Encoding::Utf8,
                delimiter: Delimiter::Fixed(b','),
            },
        }
    }

    /// The sheet read, if the source is a workbook sheet.
    pub fn sheet(&self) -> Option<&str> {
        match &self.format {
            Format::Sheet { name } => Some(name),
            Format::Csv { .. } => None,
        }
    }
}

/// Whether `path` names a workbook (by its extension) rather than a CSV file.
pub fn is_workbook(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["xlsx", "xlsm", "xlsb", "xls", "ods"]
            .iter()
            .any(|w| w.eq_ignore_ascii_case(e))
    })
}

/// Why a cell gave no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadCell {
    /// Bytes that are not UTF-8, in a file read as UTF-8 only.
    NotUtf8,
    /// A spreadsheet error value such as `#N/A` or `#DIV/0!`.
    SheetError(String),
    /// A cell longer than [`MAX_CELL_CHARS`] characters (it holds this many).
    TooLong(usize),
}

/// Why a cell longer than [`MAX_CELL_CHARS`] is not read, as a quarantine reason.
pub fn too_long_reason(chars: usize) -> String {
    format!(
        "the cell is {chars} characters long; at most {MAX_CELL_CHARS} are read (the most a spreadsheet cell holds)"
    )
}

/// One data line: the wanted cells only, in the order they were asked for.
#[derive(Debug, Clone)]
pub struct Record {
    /// The line of a CSV file (where the record starts; the header is line 1), or the
    /// row number of a sheet.
    pub line: u64,
    /// How many fields the CSV line has (a sheet row has no count of its own: `None`).
    pub fields: Option<usize>,
    /// Each wanted cell's text, untrimmed.
    pub cells: Vec<Result<String, BadCell>>,
}

/// A source opened and its header read; the records are read by [`Opened::records`].
pub struct Opened {
    /// The header, each name trimmed.
    pub header: Vec<String>,
    /// How it was read, for the report: `CSV, Windows-1252, ';'-separated`.
    pub read_as: String,
    /// Lower-case hex SHA-256 of the file's bytes (the whole workbook for a sheet).
    pub sha256: String,
    pub bytes: u64,
    body: Body,
}

enum Body {
    Csv {
        /// UTF-8 bytes (Windows-1252 is converted up front), without a BOM.
        text: Vec<u8>,
        delimiter: u8,
        path: PathBuf,
    },
    Sheet {
        /// The sheet's rows from the header row on; cells are positioned as in the header.
        rows: Vec<Vec<Data>>,
        /// The sheet row number of the header.
        header_row: u64,
    },
}

/// Opens `spec` and reads its header.
pub fn open(spec: &SourceSpec) -> Result<Opened, IngestError> {
    let bytes = std::fs::read(&spec.path).map_err(|source| IngestError::Read {
        path: spec.path.clone(),
        source,
    })?;
    open_bytes(spec, bytes)
}

/// Decodes `bytes` as the source `spec` names (its path only names it in messages).
pub fn open_bytes(spec: &SourceSpec, bytes: Vec<u8>) -> Result<Opened, IngestError> {
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let size = bytes.len() as u64;
    match &spec.format {
        Format::Csv {
            encoding,
            delimiter,
        } => open_csv(&spec.path, bytes, *encoding, *delimiter, sha256, size),
        Format::Sheet { name } => open_sheet(&spec.path, &bytes, name, sha256, size),
    }
}

fn open_csv(
    path: &Path,
    bytes: Vec<u8>,
    encoding: Encoding,
    delimiter: Delimiter,
    sha256: String,
    size: u64,
) -> Result<Opened, IngestError> {
    let (text, encoding_name) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest.to_vec(), "UTF-8 with BOM"),
        None => match encoding {
            Encoding::Utf8 => (bytes, "UTF-8"),
            Encoding::Detect if std::str::from_utf8(&bytes).is_ok() => (bytes, "UTF-8"),
            Encoding::Detect | Encoding::Windows1252 => {
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
                (text.into_owned().into_bytes(), "Windows-1252")
            }
        },
    };
    let delimiter = match delimiter {
        Delimiter::Fixed(byte) => byte,
        Delimiter::Detect => detect_delimiter(&text),
    };
    let mut reader = csv_reader(&text, delimiter);
    let header: Vec<String> = reader
        .byte_headers()
        .map_err(|e| IngestError::Csv {
            path: path.to_owned(),
            line: 1,
            message: e.to_string(),
        })?
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_string())
        .collect();
    check_header(path, &header, 1)?;
    Ok(Opened {
        header,
        read_as: format!("CSV, {encoding_name}, {}", delimiter_name(delimiter)),
        sha256,
        bytes: size,
        body: Body::Csv {
            text,
            delimiter,
            path: path.to_owned(),
        },
    })
}

fn csv_reader(text: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .delimiter(delimiter)
        .from_reader(text)
}

/// The most frequent candidate delimiter outside quotes in the first line.
pub(super) fn detect_delimiter(text: &[u8]) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for &byte in text.iter().take_while(|&&b| b != b'\n') {
        if byte == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(at) = CANDIDATES.iter().position(|&c| c == byte) {
            counts[at] += 1;
        }
    }
    let best = (0..CANDIDATES.len())
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        CANDIDATES[best]
    }
}

pub(super) fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab-separated".to_string(),
        other => format!("'{}'-separated", other as char),
    }
}

fn open_sheet(
    path: &Path,
    bytes: &[u8],
    name: &str,
    sha256: String,
    size: u64,
) -> Result<Opened, IngestError> {
    let workbook_error = |message: String| IngestError::Workbook {
        path: path.to_owned(),
        message,
    };
    workbook::check_package(bytes).map_err(workbook_error)?;
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| workbook_error(format!("not a readable workbook: {e}")))?;
    let names = workbook.sheet_names();
    if !names.iter().any(|n| n == name) {
        return Err(IngestError::NoSheet {
            path: path.to_owned(),
            sheet: name.to_string(),
            sheets: names,
        });
    }
    // Cells are placed by their sheet column, so the header and each record line up
    // whatever column the sheet's data starts in.
    let sheet = workbook::read_sheet(&mut workbook, name).map_err(workbook_error)?;
    let (first_row, mut rows) = (sheet.first_row, sheet.rows);
    let header: Vec<String> = match rows.first() {
        Some(row) => {
            let mut names: Vec<String> = row
                .iter()
                .map(|cell| sheet_text(cell).unwrap_or_default().trim().to_string())
                .collect();
            names.resize(sheet.width.max(names.len()), String::new());
            names
        }
        None => Vec::new(),
    };
    check_header(path, &header, u64::from(first_row) + 1)?;
    if !rows.is_empty() {
        rows.remove(0);
    }
    Ok(Opened {
        header,
        read_as: format!("sheet {name:?} of a workbook"),
        sha256,
        bytes: size,
        body: Body::Sheet {
            rows,
            header_row: u64::from(first_row) + 1,
        },
    })
}

impl Opened {
    /// Reads every data line, in order, handing each to `each` with the cells at header
    /// positions `wanted` (in that order). Blank lines and wholly empty sheet rows are
    /// skipped; a line with a different number of fields than the header is handed on
    /// with its count, for the caller to judge.
    pub fn records(
        self,
        wanted: &[usize],
        each: &mut dyn FnMut(Record),
    ) -> Result<(), IngestError> {
        match self.body {
            Body::Csv {
                text,
                delimiter,
                path,
            } => {
                let mut reader = csv_reader(&text, delimiter);
                let mut record = csv::ByteRecord::new();
                let mut lines = LineCounter::default();
                loop {
                    match reader.read_byte_record(&mut record) {
                        Ok(false) => break,
                        Ok(true) => {}
                        Err(e) => {
                            return Err(IngestError::Csv {
                                path,
                                line: e.position().map_or(0, |p| lines.line_at(&text, p.byte())),
                                message: e.to_string(),
                            });
                        }
                    }
                    let cells = wanted
                        .iter()
                        .map(|&at| match record.get(at) {
                            None => Ok(String::new()),
                            Some(raw) => std::str::from_utf8(raw)
                                .map_err(|_| BadCell::NotUtf8)
                                .and_then(bounded),
                        })
                        .collect();
                    let start = record.position().map_or(0, |p| p.byte());
                    each(Record {
                        line: lines.line_at(&text, start),
                        fields: Some(record.len()),
                        cells,
                    });
                }
            }
            Body::Sheet { rows, header_row } => {
                for (i, row) in rows.iter().enumerate() {
                    if row.iter().all(is_blank) {
                        continue;
                    }
                    each(Record {
                        line: header_row + 1 + i as u64,
                        fields: None,
                        cells: wanted
                            .iter()
                            .map(|&at| row.get(at).map_or(Ok(String::new()), sheet_text))
                            .collect(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// Line numbers from byte offsets. The csv reader's own line count is one short for
/// records after a `\r\n` line end (it counts the `\n` only when it reads on), so the
/// line is worked out from where the record starts, counting forward from the last one.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    /// Newlines before `offset`.
    newlines: u64,
}

impl LineCounter {
    /// The line of a record that starts at byte `start` (or at the line end just before
    /// it, as the reader reports a record after `\r\n`).
    fn line_at(&mut self, text: &[u8], start: u64) -> u64 {
        let mut start = usize::try_from(start).unwrap_or(usize::MAX).min(text.len());
        while start < text.len() && matches!(text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start >= self.offset {
            self.newlines += text[self.offset..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.offset = start;
        }
        self.newlines + 1
    }
}

fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(text) => text.trim().is_empty(),
        _ => false,
    }
}

/// Refuses a header wider than [`MAX_COLUMNS`] or with a name longer than
/// [`MAX_CELL_CHARS`]; `line` is the header's line (or sheet row).
pub(crate) fn check_header(path: &Path, header: &[String], line: u64) -> Result<(), IngestError> {
    let fail = |message: String| IngestError::Csv {
        path: path.to_owned(),
        line,
        message,
    };
    if header.len() > MAX_COLUMNS {
        return Err(fail(format!(
            "column {}: the header has {} columns; at most {MAX_COLUMNS} are read (the most a spreadsheet has)",
            MAX_COLUMNS + 1,
            header.len()
        )));
    }
    for (at, name) in header.iter().enumerate() {
        let chars = name.chars().count();
        if chars > MAX_CELL_CHARS {
            return Err(fail(format!(
                "column {}: the header name {} is longer than the {MAX_CELL_CHARS} characters a cell may hold",
                at + 1,
                excerpt(name)
            )));
        }
    }
    Ok(())
}

/// A cell's text, or [`BadCell::TooLong`] past [`MAX_CELL_CHARS`] characters.
pub(crate) fn bounded(text: &str) -> Result<String, BadCell> {
    if text.len() > MAX_CELL_CHARS {
        let chars = text.chars().count();
        if chars > MAX_CELL_CHARS {
            return Err(BadCell::TooLong(chars));
        }
    }
    Ok(text.to_string())
}

/// A sheet cell as text. A date cell becomes `YYYY-MM-DD` (its time of day, if any, is
/// dropped: every date of the contract is a day); a whole number has no `.0`.
fn sheet_text(cell: &Data) -> Result<String, BadCell> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(text) => bounded(text)?,
        Data::Int(n) => n.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(value) if value.is_datetime() && value.as_f64() >= 1.0 => {
            let (year, month, day, ..) = value.to_ymd_hms_milli();
            format!("{year:04}-{month:02}-{day:02}")
        }
        Data::DateTime(value) => {
            // A time of day or a duration: hours and minutes.
            let minutes = (value.as_f64() * 24.0 * 60.0).round() as i64;
            format!("{}:{:02}", minutes / 60, minutes % 60)
        }
        Data::DateTimeIso(text) => text.split('T').next().unwrap_or_default().to_string(),
        Data::DurationIso(text) => text.clone(),
        Data::Error(error) => return Err(BadCell::SheetError(error.to_string())),
    })
}

/// A number as a person would type it: `140001`, not `140001.0`.
fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_line_decides_the_delimiter() {
        assert_eq!(detect_delimiter(b"a;b;c\n1,5;2;3\n"), b';');
        assert_eq!(detect_delimiter(b"a,b,c\n"), b',');
        assert_eq!(detect_delimiter(b"\"x;y\",b,c\n"), b',', "quoted ; is text");
        assert_eq!(detect_delimiter(b"a\tb\n"), b'\t');
        assert_eq!(detect_delimiter(b"single\n"), b',');
    }

    #[test]
    fn records_are_numbered_by_the_line_they_start_on_whatever_the_line_ends() {
        for text in [
            &b"a,b\n1,2\n\n3,\"x\ny\"\n4,5\n"[..],
            &b"a,b\r\n1,2\r\n\r\n3,\"x\r\ny\"\r\n4,5\r\n"[..],
        ] {
            let opened = open_csv(
                Path::new("t.csv"),
                text.to_vec(),
                Encoding::Utf8,
                Delimiter::Detect,
                String::new(),
                0,
            )
            .unwrap();
            let mut lines = Vec::new();
            opened
                .records(&[0], &mut |record| lines.push(record.line))
                .unwrap();
            assert_eq!(lines, vec![2, 4, 6], "{:?}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn sheet_numbers_read_as_typed() {
        assert_eq!(number_text(140001.0), "140001");
        assert_eq!(number_text(7.5), "7.5");
        assert_eq!(sheet_text(&Data::Bool(true)), Ok("true".to_string()));
        assert_eq!(
            sheet_text(&Data::Error(calamine::CellErrorType::NA)),
            Err(BadCell::SheetError("#N/A".to_string()))
        );
    }

    #[test]
    fn sheet_dates_become_iso_days() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        // 46022 is 2025-12-31 in Excel's 1900 date system; .75 is 18:00.
        let date = ExcelDateTime::new(46022.75, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            sheet_text(&Data::DateTime(date)),
            Ok("2025-12-31".to_string())
        );
        let hour = ExcelDateTime::new(1.0 / 24.0, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(sheet_text(&Data::DateTime(hour)), Ok("1:00".to_string()));
    }
}
