//! Reading a workbook sheet within bounds (issue #11): a workbook is a zip of XML parts,
//! and its own numbers (a sheet's dimension, a shared-strings count, a part's size) are
//! input like any cell. Trusted, a sparse sheet with cells only at `A1` and `XFD1048576`
//! asks for 17 billion cells, and a shared-strings count of a billion reserves memory
//! for a billion strings before one is read: the process aborts.
//!
//! So, before the workbook is handed to calamine, every part of its zip is measured
//! ([`check_package`]): its size as the zip declares it, then as it actually
//! decompresses (a zip can declare one size and hold another: a 4 MB workbook whose
//! sheet expands to gigabytes took 7 GB of memory, issue #18), and its shared strings'
//! declared count; and an `.xlsx` or `.xlsb` sheet is read cell by cell, each row
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

/// The largest part of a zipped workbook read, uncompressed: a sheet's XML, its shared
/// strings, anything calamine may read (256 MiB). A sheet of [`MAX_SHEET_CELLS`] cells
/// of a few characters each fits in it.
pub const MAX_PART_BYTES: u64 = 256 << 20;

/// The largest shared-strings part read, uncompressed: one part, so [`MAX_PART_BYTES`].
pub const MAX_SHARED_STRINGS_BYTES: u64 = MAX_PART_BYTES;

/// The most all the parts of a zipped workbook may hold together, uncompressed: 1 GiB.
pub const MAX_PACKAGE_BYTES: u64 = 1 << 30;

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

/// Checks a zipped workbook (`.xlsx`, `.xlsm`, `.xlsb`, `.ods`) before calamine reads
/// it: every part within [`MAX_PART_BYTES`] and all of them within
/// [`MAX_PACKAGE_BYTES`] uncompressed, and its shared strings' declared count. Other
/// files pass unchecked (calamine says what is wrong with them).
pub fn check_package(bytes: &[u8]) -> Result<(), String> {
    check_package_within(bytes, MAX_PART_BYTES, MAX_PACKAGE_BYTES)
}

/// [`check_package`] with the caps as arguments.
fn check_package_within(bytes: &[u8], part_cap: u64, package_cap: u64) -> Result<(), String> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let too_large = |name: &str, cap: u64| {
        format!(
            "its part {} is more than {} uncompressed: not read",
            crate::contract::excerpt(name),
            crate::input_file::size_in_words(cap)
        )
    };
    let package_too_large = || {
        format!(
            "its parts hold more than {} uncompressed: not read",
            crate::input_file::size_in_words(package_cap)
        )
    };
    // What the zip declares costs nothing to check: a bomb that says what it is stops
    // here, before anything is decompressed.
    let mut declared: u64 = 0;
    for index in 0..archive.len() {
        let Ok(part) = archive.by_index_raw(index) else {
            continue;
        };
        if part.size() > part_cap {
            return Err(too_large(&part_name(&part), part_cap));
        }
        declared = declared.saturating_add(part.size());
        if declared > package_cap {
            return Err(package_too_large());
        }
    }
    // Then what it holds: each part decompressed once, counted and dropped, stopping at
    // the cap, since the declared sizes may lie. calamine then reads the same bytes.
    let mut buffer = vec![0u8; 64 << 10];
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let Ok(mut part) = archive.by_index(index) else {
            continue;
        };
        let name = part_name(&part);
        let lower = name.to_ascii_lowercase();
        let shared_strings =
            lower.ends_with("sharedstrings.xml") || lower.ends_with("sharedstrings.bin");
        let declared = part.size();
        let mut head = Vec::new();
        let mut size: u64 = 0;
        loop {
            let read = match part.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => read,
                // A broken part, or one that holds more than it declares (the zip
                // reader checks): calamine would read the same bytes, so not read.
                Err(e) => {
                    return Err(format!(
                        "its part {} cannot be decompressed: {e}",
                        crate::contract::excerpt(&name)
                    ));
                }
            };
            if shared_strings && head.len() < 4096 {
                head.extend_from_slice(&buffer[..read.min(4096 - head.len())]);
            }
            size += read as u64;
            total += read as u64;
            if size > part_cap {
                return Err(too_large(&name, part_cap));
            }
            if total > package_cap {
                return Err(package_too_large());
            }
        }
        // The zip reader refuses a part larger than it declares; should it not, the
        // count does.
        if size > declared {
            return Err(format!(
                "its part {} holds more than the {declared} bytes its zip entry declares: not read",
                crate::contract::excerpt(&name)
            ));
        }
        if shared_strings
            && let Some(count) = declared_count(&head)
            && count > MAX_SHARED_STRINGS
        {
            return Err(format!(
                "its shared strings ({}) declare {count} strings; at most {MAX_SHARED_STRINGS} are read",
                crate::contract::excerpt(&name)
            ));
        }
    }
    Ok(())
}

/// A part's name as the zip writes it (lossily, for a message).
fn part_name(part: &zip::read::ZipFile<'_, impl Read>) -> String {
    String::from_utf8_lossy(part.name_raw()).into_owned()
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A zip of `parts` (name, bytes), deflated.
    fn zip_of(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in parts {
            writer.start_file(*name, options).unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn each_part_and_the_whole_package_are_bounded() {
        // Issue #18 "Bounded reads": a sheet's uncompressed size is bounded, and so is
        // the package's.
        let book = zip_of(&[("a.xml", vec![b' '; 100]), ("b.xml", vec![b' '; 100])]);
        assert!(check_package_within(&book, 100, 200).is_ok());
        let part = check_package_within(&book, 99, 1000).unwrap_err();
        assert!(part.contains("\"a.xml\" is more than 99 bytes"), "{part}");
        let package = check_package_within(&book, 100, 199).unwrap_err();
        assert!(package.contains("more than 199 bytes"), "{package}");
    }

    #[test]
    fn a_part_that_holds_more_than_it_declares_is_bounded_by_what_it_holds() {
        // Issue #18: "a zip can lie". The declared size of b.xml (in its local header
        // and the central directory) is patched to 10 bytes; it still holds 5,000.
        let mut book = zip_of(&[("a.xml", vec![b'a'; 10]), ("b.xml", vec![b'b'; 5000])]);
        let patched = lie_about_sizes(&mut book, b"b.xml", 10);
        assert_eq!(patched, 2, "the local header and the central directory");
        let error = check_package_within(&book, 1000, 1 << 20).unwrap_err();
        assert!(
            error.contains("\"b.xml\"") && error.contains("larger than its declared"),
            "{error}"
        );
    }

    /// Sets the uncompressed size recorded for `name` in every header of `zip` to
    /// `size`; returns how many headers it patched.
    fn lie_about_sizes(zip: &mut [u8], name: &[u8], size: u32) -> usize {
        let mut patched = 0;
        for at in 0..zip.len().saturating_sub(46) {
            let (size_at, name_at) = match &zip[at..at + 4] {
                [0x50, 0x4b, 0x03, 0x04] => (at + 22, at + 30),
                [0x50, 0x4b, 0x01, 0x02] => (at + 24, at + 46),
                _ => continue,
            };
            if zip.get(name_at..name_at + name.len()) == Some(name) {
                zip[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
        patched
    }
}
