//! Reading a workbook sheet within bounds (issue #11): a workbook is a zip of XML parts,
//! and its own numbers (a sheet's dimension, a shared-strings count, a part's size) are
//! input like any cell. Trusted, a sparse sheet with cells only at `A1` and `XFD1048576`
//! asks for 17 billion cells, and a shared-strings count of a billion reserves memory
//! for a billion strings before one is read: the process aborts.
//!
//! So, before the workbook is handed to calamine, its shared strings are measured
//! ([`check_package`]); and an `.xlsx` or `.xlsb` sheet is read cell by cell, each row
//! only as wide as its own last cell, with the number of cells bounded
//! ([`read_sheet`]). Every limit is an error naming the sheet, row and column. (Older
//! `.xls` files have a format limit of 65,536 × 256 cells; `.ods` sheets are read
//! whole by calamine, which bounds them itself.)

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, Reader, Sheets};

/// The most cells a sheet may hold, counting each row up to its last cell:
/// 16,777,216 (a thousand columns for sixteen thousand rows, or 16 columns for a
/// million).
pub const MAX_SHEET_CELLS: usize = 1 << 24;

/// The largest shared-strings part read, uncompressed: 256 MiB.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 256 << 20;

/// The most shared strings a workbook may declare.
pub const MAX_SHARED_STRINGS: u64 = 1 << 24;

/// A sheet's rows from its first non-empty row on, each cell at its sheet column.
pub struct SheetRows {
    /// The sheet row index (0-based) of the first row.
    pub first_row: u32,
    pub rows: Vec<Vec<Data>>,
    /// One past the last column of any row.
    pub width: usize,
}

/// Checks the shared strings of a zipped workbook (`.xlsx`, `.xlsm`, `.xlsb`) before
/// calamine reads them: their declared count, and their size once uncompressed. Other
/// files pass unchecked (calamine says what is wrong with them).
pub fn check_package(bytes: &[u8]) -> Result<(), String> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    for index in 0..archive.len() {
        let Ok(mut part) = archive.by_index(index) else {
            continue;
        };
        let Ok(name) = part.name().map(|n| n.into_owned()) else {
            continue;
        };
        let lower = name.to_ascii_lowercase();
        if !lower.ends_with("sharedstrings.xml") && !lower.ends_with("sharedstrings.bin") {
            continue;
        }
        // Read it through once, counting, never holding more than the first bytes.
        let mut head = Vec::new();
        let mut buffer = vec![0u8; 64 << 10];
        let mut total: u64 = 0;
        loop {
            let read = match part.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => read,
                // A broken part: calamine reports it.
                Err(_) => break,
            };
            if head.len() < 4096 {
                head.extend_from_slice(&buffer[..read.min(4096 - head.len())]);
            }
            total += read as u64;
            if total > MAX_SHARED_STRINGS_BYTES {
                return Err(format!(
                    "its shared strings ({name}) are more than {} MiB uncompressed: not read",
                    MAX_SHARED_STRINGS_BYTES >> 20
                ));
            }
        }
        if let Some(count) = declared_count(&head)
            && count > MAX_SHARED_STRINGS
        {
            return Err(format!(
                "its shared strings ({name}) declare {count} strings; at most {MAX_SHARED_STRINGS} are read"
            ));
        }
    }
    Ok(())
}

/// The larger of `count` and `uniqueCount` on the `<sst>` element, if written.
fn declared_count(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let element = &text[text.find("<sst")?..];
    let element = &element[..element.find('>').unwrap_or(element.len())];
    ["count=\"", "uniqueCount=\""]
        .iter()
        .filter_map(|attribute| {
            let at = element.find(attribute)? + attribute.len();
            let digits: String = element[at..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            // More digits than a u64 holds is certainly too many.
            Some(digits.parse::<u64>().unwrap_or(u64::MAX))
        })
        .max()
}

/// Reads a sheet cell by cell into `cells` (an xlsx or xlsb workbook's cell reader).
macro_rules! read_cells {
    ($workbook:ident, $name:ident, $cells:ident) => {{
        let mut reader = $workbook
            .worksheet_cells_reader($name)
            .map_err(|e| format!("sheet {:?}: {e}", $name))?;
        while let Some(cell) = reader
            .next_cell()
            .map_err(|e| format!("sheet {:?}: {e}", $name))?
        {
            $cells.add(
                $name,
                cell.get_position(),
                Data::from(cell.get_value().clone()),
            )?;
        }
    }};
}

/// Reads sheet `name` within [`MAX_SHEET_CELLS`].
pub fn read_sheet<RS: Read + std::io::Seek>(
    workbook: &mut Sheets<RS>,
    name: &str,
) -> Result<SheetRows, String> {
    let mut cells = Cells::default();
    match workbook {
        // The two formats' cell readers are different types with the same methods.
        Sheets::Xlsx(xlsx) => read_cells!(xlsx, name, cells),
        Sheets::Xlsb(xlsb) => read_cells!(xlsb, name, cells),
        other => {
            let range = other
                .worksheet_range(name)
                .map_err(|e| format!("sheet {name:?}: {e}"))?;
            for (row, column, value) in range.used_cells() {
                let (first_row, first_column) = range.start().unwrap_or((0, 0));
                let position = (first_row + row as u32, first_column + column as u32);
                cells.add(name, position, value.clone())?;
            }
        }
    }
    Ok(cells.into_rows())
}

/// The non-empty cells of a sheet, by row, as they are read.
#[derive(Default)]
struct Cells {
    rows: BTreeMap<u32, Vec<(u32, Data)>>,
    /// Cells held so far, counting each row up to its last cell.
    size: usize,
    widths: BTreeMap<u32, usize>,
}

impl Cells {
    fn add(&mut self, sheet: &str, (row, column): (u32, u32), value: Data) -> Result<(), String> {
        if matches!(value, Data::Empty) {
            return Ok(());
        }
        let width = self.widths.entry(row).or_default();
        let wider = (column as usize + 1).saturating_sub(*width);
        if wider > 0 {
            self.size += wider;
            *width += wider;
            if self.size > MAX_SHEET_CELLS {
                return Err(format!(
                    "sheet {sheet:?} row {}, column {}: the sheet spans more than {MAX_SHEET_CELLS} cells; not read",
                    row + 1,
                    column + 1
                ));
            }
        }
        self.rows.entry(row).or_default().push((column, value));
        Ok(())
    }

    fn into_rows(self) -> SheetRows {
        let first_row = self.rows.keys().next().copied().unwrap_or(0);
        let last_row = self.rows.keys().next_back().copied().unwrap_or(0);
        let width = self.widths.values().copied().max().unwrap_or(0);
        let mut rows: Vec<Vec<Data>> = Vec::new();
        if !self.rows.is_empty() {
            rows.resize_with((last_row - first_row) as usize + 1, Vec::new);
        }
        for (row, cells) in self.rows {
            let dense = &mut rows[(row - first_row) as usize];
            dense.resize(self.widths[&row], Data::Empty);
            for (column, value) in cells {
                dense[column as usize] = value;
            }
        }
        SheetRows {
            first_row,
            rows,
            width,
        }
    }
}
