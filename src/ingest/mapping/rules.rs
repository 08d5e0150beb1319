//! A table's mapping applied to one export: which header feeds each canonical column,
//! and what text each line gives every canonical column once the mapping's value maps
//! and date format are applied.
//!
//! The output is canonical text, exactly what a canonical file would hold, so the typed
//! parsing and every check after it are the ones canonical bundles go through. A mapped
//! column missing from the export's header is an error here, naming the header found and
//! its closest match: the export cannot be read as the mapping says.

use chrono::NaiveDate;

use super::flat;
use super::model::{ColumnRule, DateFormat, TableMapping, closest};
use crate::contract::{Kind, excerpt, excerpt_list};
use crate::ingest::decode::source::{BadCell, Record, too_long_reason};

/// How many of an export's header names an error message lists.
const HEADER_NAMES_SHOWN: usize = 30;
use crate::ingest::read::{TextCell, TextRow};

/// Where a canonical column's text comes from in a decoded record.
#[derive(Debug, Clone)]
enum Feed {
    /// The record's cell at this index of the cells asked for.
    Cell(usize),
    Constant(String),
    /// An optional column the export does not have: empty.
    Absent,
}

/// A table's mapping resolved against its source's header.
pub struct Resolved<'m> {
    pub mapping: &'m TableMapping,
    feeds: Vec<Feed>,
    /// The source is a sheet: a plain number in a date column is an Excel serial day.
    sheet: bool,
    /// Lines without the table's own id give no row (the source is a flat export).
    flat: bool,
    header_width: usize,
}

/// Resolves `mapping` against `header` (of the file called `source_name`), adding the
/// header positions it reads to `wanted` (shared by every table read from the source).
/// On error: where in the mapping, and what is wrong.
pub fn resolve<'m>(
    mapping: &'m TableMapping,
    header: &[String],
    source_name: &str,
    sheet: bool,
    flat: bool,
    wanted: &mut Vec<usize>,
) -> Result<Resolved<'m>, (String, String)> {
    let table = mapping.table;
    let header_list = || excerpt_list(header.iter().map(String::as_str), HEADER_NAMES_SHOWN);
    let nearest = |name: &str| {
        let names: Vec<&str> = header.iter().map(String::as_str).collect();
        closest(name, &names).map_or(String::new(), |(near, _)| {
            format!("the closest is {}; ", excerpt(near))
        })
    };
    let mut feeds = Vec::with_capacity(mapping.rules.len());
    for (column, rule) in table.columns().iter().zip(&mapping.rules) {
        let feed = match rule {
            ColumnRule::Constant(value) => Feed::Constant(value.clone()),
            ColumnRule::Header {
                header: name,
                named,
            } => {
                let found: Vec<usize> = header
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| h.trim().eq_ignore_ascii_case(name.trim()))
                    .map(|(at, _)| at)
                    .collect();
                match (found.as_slice(), named) {
                    ([at], _) => {
                        let index = match wanted.iter().position(|w| w == at) {
                            Some(index) => index,
                            None => {
                                wanted.push(*at);
                                wanted.len() - 1
                            }
                        };
                        Feed::Cell(index)
                    }
                    ([], true) => {
                        return Err((
                            format!(
                                "[files.{}.columns] {} = {name:?}",
                                table.name(),
                                column.name
                            ),
                            format!(
                                "{source_name} has no column {name:?}; {}its header is {}",
                                nearest(name),
                                header_list()
                            ),
                        ));
                    }
                    ([], false) if column.required => {
                        return Err((
                            format!("[files.{}.columns]", table.name()),
                            format!(
                                "required column {} is not mapped, and {source_name} has no column of that name: add {} = \"<export header>\" (or a constant); {}its header is {}",
                                column.name,
                                column.name,
                                nearest(column.name),
                                header_list()
                            ),
                        ));
                    }
                    ([], false) => Feed::Absent,
                    (_, _) => {
                        return Err((
                            format!("[files.{}.columns] {}", table.name(), column.name),
                            format!(
                                "{source_name} has {} columns called {name:?}: the mapping cannot tell which to read",
                                found.len()
                            ),
                        ));
                    }
                }
            }
        };
        feeds.push(feed);
    }
    Ok(Resolved {
        mapping,
        feeds,
        sheet,
        flat,
        header_width: header.len(),
    })
}

impl Resolved<'_> {
    /// The rows of the table one decoded line gives: none when a flat export's line has
    /// no row of this table, several when a cell is split into rows.
    pub fn text_rows(&self, record: &Record) -> Vec<TextRow> {
        if let Some(fields) = record.fields
            && fields != self.header_width
        {
            return vec![TextRow {
                line: record.line,
                cells: Err((
                    "",
                    format!(
                        "wrong number of fields: {fields} where the header has {}",
                        self.header_width
                    ),
                )),
            }];
        }
        let raw = |feed| raw_text(record, feed);
        if self.flat {
            let own = &self.feeds[flat::own_column(self.mapping.table)];
            if raw(own).is_ok_and(|text| text.trim().is_empty()) {
                return Vec::new();
            }
        }
        let split = self
            .mapping
            .split_rows
            .iter()
            .enumerate()
            .find_map(|(at, separator)| separator.as_ref().map(|s| (at, s.as_str())));
        let items: Vec<Option<String>> = match split {
            Some((at, separator)) => match raw(&self.feeds[at]) {
                Ok(text) => {
                    let items: Vec<Option<String>> = text
                        .split(separator)
                        .map(str::trim)
                        .filter(|item| !item.is_empty())
                        .map(|item| Some(item.to_string()))
                        .collect();
                    if items.is_empty() { vec![None] } else { items }
                }
                Err(_) => vec![None],
            },
            None => vec![None],
        };
        items
            .into_iter()
            .map(|item| {
                let cells = self
                    .feeds
                    .iter()
                    .enumerate()
                    .map(|(at, feed)| {
                        let text = match (&item, split) {
                            (Some(item), Some((split_at, _))) if split_at == at => {
                                Ok(item.as_str())
                            }
                            _ => raw(feed),
                        };
                        match text {
                            Ok(text) => self.translate(at, text),
                            Err(bad) => Err(bad_cell_reason(bad)),
                        }
                    })
                    .collect();
                TextRow {
                    line: record.line,
                    cells: Ok(cells),
                }
            })
            .collect()
    }

    /// One cell's export text as the contract's text: value maps, then dates.
    fn translate(&self, at: usize, text: &str) -> TextCell {
        let text = text.trim();
        if text.is_empty() {
            return Ok(String::new());
        }
        let map = &self.mapping.values[at];
        let mapped = |value: &str| -> String {
            map.get(&value.to_lowercase())
                .map(|(_, canonical)| canonical.clone())
                .unwrap_or_else(|| value.to_string())
        };
        match self.mapping.table.columns()[at].kind {
            // The contract separates list items with `;`; exports often use `,`.
            Kind::List { .. } => Ok(text
                .split([';', ','])
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(mapped)
                .collect::<Vec<_>>()
                .join(";")),
            Kind::Date => self.date(&mapped(text)),
            _ => Ok(mapped(text)),
        }
    }

    /// A date cell as `YYYY-MM-DD`, read with the mapping's date format; dates already
    /// in that form (what a sheet's date cells decode to) are taken as they are.
    fn date(&self, text: &str) -> TextCell {
        let iso = || NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        match &self.mapping.date_format {
            Some(DateFormat::ExcelSerial) => excel_serial(text)
                .or_else(iso)
                .map(|d| d.to_string())
                .ok_or_else(|| {
                    format!("wrong type: {} is not a date (the mapping says Excel serial day numbers)", excerpt(text))
                }),
            _ if self.sheet && excel_serial(text).is_some() => {
                Ok(excel_serial(text).map(|d| d.to_string()).unwrap_or_default())
            }
            Some(DateFormat::Pattern(pattern)) => NaiveDate::parse_from_str(text, pattern)
                .ok()
                .or_else(iso)
                .map(|d| d.to_string())
                .ok_or_else(|| {
                    format!("wrong type: {} is not a date written {pattern} (the mapping's date_format)", excerpt(text))
                }),
            None => Ok(text.to_string()),
        }
    }

    /// The export header a canonical column is read from (`None` for a constant or an
    /// absent column).
    pub fn header_of(&self, column: &str) -> Option<String> {
        let at = self
            .mapping
            .table
            .columns()
            .iter()
            .position(|c| c.name == column)?;
        match (&self.feeds[at], &self.mapping.rules[at]) {
            (Feed::Cell(_), ColumnRule::Header { header, .. }) => Some(header.clone()),
            _ => None,
        }
    }

    /// Per canonical column: the rule that produces it, in words, for the report.
    pub fn describe(&self) -> Vec<(String, String)> {
        let mapping = self.mapping;
        mapping
            .table
            .columns()
            .iter()
            .enumerate()
            .map(|(at, column)| {
                let mut rule = match (&mapping.rules[at], &self.feeds[at]) {
                    (ColumnRule::Constant(value), _) => format!("= {value:?} (constant)"),
                    (_, Feed::Absent) => "not in the export (optional: left empty)".to_string(),
                    (ColumnRule::Header { header, named }, _) => {
                        let mut text = format!("<- {header:?}");
                        if !named {
                            text.push_str(" (same name)");
                        }
                        text
                    }
                };
                if matches!(mapping.rules[at], ColumnRule::Header { .. })
                    && !matches!(self.feeds[at], Feed::Absent)
                {
                    if let Some(separator) = &mapping.split_rows[at] {
                        rule.push_str(&format!(", one row per {separator:?}-separated item"));
                    }
                    if !mapping.values[at].is_empty() {
                        let pairs: Vec<String> = mapping.values[at]
                            .values()
                            .map(|(from, to)| format!("{from:?} -> {to}"))
                            .collect();
                        rule.push_str(&format!(", values {}", pairs.join(", ")));
                    }
                    if column.kind == Kind::Date {
                        match &mapping.date_format {
                            Some(DateFormat::Pattern(p)) => rule.push_str(&format!(", dates {p}")),
                            Some(DateFormat::ExcelSerial) => rule.push_str(", Excel serial days"),
                            None if self.sheet => rule.push_str(", sheet dates"),
                            None => {}
                        }
                    }
                    if column.kind == Kind::CaseId {
                        rule.push_str(", pseudonymised to case_ref");
                    }
                }
                (column.name.to_string(), rule)
            })
            .collect()
    }
}

/// The export text a feed gives on one record, before any translation.
fn raw_text<'r>(record: &'r Record, feed: &'r Feed) -> Result<&'r str, &'r BadCell> {
    match feed {
        Feed::Cell(index) => record.cells[*index].as_ref().map(String::as_str),
        Feed::Constant(value) => Ok(value),
        Feed::Absent => Ok(""),
    }
}

/// Why a cell gave no text, as a quarantine reason.
pub fn bad_cell_reason(bad: &BadCell) -> String {
    match bad {
        BadCell::NotUtf8 => {
            "not UTF-8 text: export the file as UTF-8, or leave encoding out of the mapping to detect Windows-1252".to_string()
        }
        BadCell::SheetError(error) => format!("the spreadsheet cell holds the error {error}"),
        BadCell::TooLong(chars) => too_long_reason(*chars),
    }
}

/// An Excel serial day number (1900 date system) as a date: 46022 is 2025-12-31. A
/// fraction (the time of day) is dropped.
pub fn excel_serial(text: &str) -> Option<NaiveDate> {
    if !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let value: f64 = text.parse().ok()?;
    if !(1.0..2_958_466.0).contains(&value) {
        return None;
    }
    // Day 0 is 1899-12-30: Excel counts a 29 February 1900 that never was.
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(value as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serial_days_are_counted_from_1899_12_30() {
        assert_eq!(excel_serial("46022"), NaiveDate::from_ymd_opt(2025, 12, 31));
        assert_eq!(excel_serial("45658.5"), NaiveDate::from_ymd_opt(2025, 1, 1));
        assert_eq!(excel_serial("-3"), None);
        assert_eq!(excel_serial("2025-01-01"), None);
        assert_eq!(excel_serial("1e5"), None);
    }
}
