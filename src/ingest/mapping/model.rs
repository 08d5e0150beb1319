//! The mapping file: its TOML form (spec 03, "Mapping files") and every check that can
//! be made before an export is opened.
//!
//! A mapping is the only thing a person writes to onboard a new export layout, so each
//! mistake in it is an error that says where in the mapping it is, what is wrong and,
//! where a name was mistyped, the name it probably meant. The TOML is read with
//! `deny_unknown_fields`: a misspelt key is an error, never silently ignored. Checks that
//! need the export itself (a mapped column absent from the header) are in `rules`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use crate::contract::{Column, Kind, Table};
use crate::ingest::decode::source::{Delimiter, Encoding, Format, SourceSpec, is_workbook};
use crate::ingest::values;

/// The name of a mapping file inside an export folder, used when present.
pub const MAPPING_FILE: &str = "mapping.toml";

/// Why a mapping cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    #[error("mapping {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("mapping {}: {message}", path.display())]
    Toml { path: PathBuf, message: String },
    /// A rule of the mapping is wrong; `at` says where (`[files.sessions.columns] held_on`).
    #[error("mapping {}: {at}: {message}", path.display())]
    Rule {
        path: PathBuf,
        at: String,
        message: String,
    },
}

/// `[files.<table>]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    /// `FROM..TO`: the export covers only these dates (spec 01, "Exports over time").
    window: Option<String>,
    files: BTreeMap<String, RawFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    path: String,
    sheet: Option<String>,
    date_format: Option<String>,
    encoding: Option<String>,
    delimiter: Option<String>,
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    constants: BTreeMap<String, String>,
    #[serde(default)]
    split_rows: BTreeMap<String, String>,
}

/// How a table's dates are written in the export, when not as the contract reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateFormat {
    /// A chrono/strftime pattern such as `%d/%m/%Y` or `%d.%m.%y`.
    Pattern(String),
    /// Excel serial day numbers (46022 is 2025-12-31).
    ExcelSerial,
}

/// Where one canonical column comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnRule {
    /// The export column with this header (matched ignoring case and surrounding
    /// spaces). `named` is false when the mapping did not name it and the canonical
    /// name itself is used.
    Header { header: String, named: bool },
    /// The same value on every row.
    Constant(String),
}

/// One table of a mapping, checked against the data contract.
#[derive(Debug, Clone)]
pub struct TableMapping {
    pub table: Table,
    /// The export file as written in the mapping, relative to the export folder.
    pub file: String,
    pub sheet: Option<String>,
    pub encoding: Encoding,
    pub delimiter: Delimiter,
    pub date_format: Option<DateFormat>,
    /// Per canonical column (by position in [`Table::columns`]): where it comes from.
    pub rules: Vec<ColumnRule>,
    /// Per canonical column: export value (lower case, trimmed) → the export value as
    /// written in the mapping, and the canonical value.
    pub values: Vec<BTreeMap<String, (String, String)>>,
    /// Per canonical column: the separator of a cell that holds several rows' values.
    pub split_rows: Vec<Option<String>>,
}

impl TableMapping {
    /// The source to decode, inside the export folder `dir`.
    pub fn source(&self, dir: &Path) -> SourceSpec {
        let path = dir.join(&self.file);
        let format = match &self.sheet {
            Some(name) => Format::Sheet { name: name.clone() },
            None => Format::Csv {
                encoding: self.encoding,
                delimiter: self.delimiter,
            },
        };
        SourceSpec { path, format }
    }

    /// Where in the mapping this table is written: `[files.sessions]`.
    pub fn at(&self) -> String {
        format!("[files.{}]", self.table.name())
    }
}

/// A mapping file, checked: one [`TableMapping`] per table it names, in table order.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The mapping file, for messages.
    pub path: PathBuf,
    pub tables: Vec<TableMapping>,
    /// The dates the export covers, both included, when it covers only some: only its
    /// schools' rows dated inside them are replaced (as `ingest --window`).
    pub window: Option<crate::store::DateWindow>,
}

impl Mapping {
    /// Reads and checks the mapping file at `path`.
    pub fn load(path: &Path) -> Result<Mapping, MappingError> {
        let text =
            crate::input_file::read_regular_text(path, crate::input_file::MAX_SETTINGS_BYTES)
                .map_err(|source| MappingError::Read {
                    path: path.to_owned(),
                    source,
                })?;
        Self::parse(&text, path)
    }

    /// Checks mapping `text`; `path` is only for messages.
    pub fn parse(text: &str, path: &Path) -> Result<Mapping, MappingError> {
        let raw: RawMapping = toml::from_str(text).map_err(|e| MappingError::Toml {
            path: path.to_owned(),
            message: toml_message(text, &e),
        })?;
        let rule = |at: String, message: String| MappingError::Rule {
            path: path.to_owned(),
            at,
            message,
        };
        if raw.files.is_empty() {
            return Err(rule(
                "[files]".into(),
                "the mapping names no table: add a [files.<table>] section per table".into(),
            ));
        }
        let mut tables = Vec::new();
        for (name, file) in raw.files {
            let at = format!("[files.{name}]");
            let Some(table) = Table::from_name(&name) else {
                let names = Table::ALL.map(|t| t.name());
                return Err(rule(
                    at,
                    format!(
                        "no canonical table {name:?}{} (the tables are {})",
                        did_you_mean(&name, &names),
                        names.join(", ")
                    ),
                ));
            };
            tables.push(table_mapping(table, file).map_err(|(at, message)| rule(at, message))?);
        }
        tables.sort_by_key(|t| t.table);
        check_shared_sources(&tables).map_err(|(at, message)| rule(at, message))?;
        let window = raw
            .window
            .as_deref()
            .map(values::parse_window)
            .transpose()
            .map_err(|message| rule("window".to_string(), message))?;
        Ok(Mapping {
            path: path.to_owned(),
            tables,
            window,
        })
    }
}

/// A TOML error on one line: `line 22, column 17: unknown field `colums`, ...`.
fn toml_message(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim().replace('\n', " ");
    match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.chars().rev().take_while(|&c| c != '\n').count() + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

/// A problem and where it is in the mapping.
type Problem = (String, String);

fn table_mapping(table: Table, file: RawFile) -> Result<TableMapping, Problem> {
    let at = format!("[files.{}]", table.name());
    let columns = table.columns();
    let workbook = is_workbook(Path::new(&file.path));
    if file.path.trim().is_empty() {
        return Err((at, "path is empty: name the export file".into()));
    }
    match (&file.sheet, workbook) {
        (None, true) => {
            return Err((
                at,
                format!(
                    "path = {:?} is a workbook: name its sheet with sheet = \"...\"",
                    file.path
                ),
            ));
        }
        (Some(sheet), false) => {
            return Err((
                at,
                format!(
                    "sheet = {sheet:?} is only for workbooks (.xlsx), and path = {:?} is not one",
                    file.path
                ),
            ));
        }
        _ => {}
    }
    if workbook && (file.encoding.is_some() || file.delimiter.is_some()) {
        return Err((
            at,
            "encoding and delimiter are for CSV files, not workbooks".into(),
        ));
    }
    let encoding = match file.encoding.as_deref() {
        None => Encoding::Detect,
        Some(label) => parse_encoding(label).ok_or_else(|| {
            (
                at.clone(),
                format!(
                    "encoding = {label:?} is not supported (use \"utf-8\" or \"windows-1252\"; leave it out to detect)"
                ),
            )
        })?,
    };
    let delimiter = match file.delimiter.as_deref() {
        None => Delimiter::Detect,
        Some("," | "comma") => Delimiter::Fixed(b','),
        Some(";" | "semicolon") => Delimiter::Fixed(b';'),
        Some("\t" | "tab") => Delimiter::Fixed(b'\t'),
        Some("|" | "pipe") => Delimiter::Fixed(b'|'),
        Some(other) => {
            return Err((
                at,
                format!(
                    "delimiter = {other:?} is not supported (use \",\", \";\", \"tab\" or \"|\"; leave it out to detect)"
                ),
            ));
        }
    };
    let date_format = match file.date_format.as_deref() {
        None => None,
        Some(pattern) => Some(
            parse_date_format(pattern)
                .map_err(|message| (format!("{at} date_format = {pattern:?}"), message))?,
        ),
    };

    let position = |section: &str, name: &str| -> Result<usize, Problem> {
        columns.iter().position(|c| c.name == name).ok_or_else(|| {
            let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
            (
                format!("[files.{}.{section}] {name}", table.name()),
                format!(
                    "no canonical column {name:?} in {}{} ({} has {})",
                    table.name(),
                    did_you_mean(name, &names),
                    table.name(),
                    names.join(", ")
                ),
            )
        })
    };

    let mut rules: Vec<Option<ColumnRule>> = vec![None; columns.len()];
    for (name, header) in &file.columns {
        let at_column = position("columns", name)?;
        if header.trim().is_empty() {
            return Err((
                format!("[files.{}.columns] {name}", table.name()),
                "the export header is empty".into(),
            ));
        }
        rules[at_column] = Some(ColumnRule::Header {
            header: header.trim().to_string(),
            named: true,
        });
    }
    for (name, value) in &file.constants {
        let at_column = position("constants", name)?;
        let here = format!("[files.{}.constants] {name}", table.name());
        if rules[at_column].is_some() {
            return Err((
                here,
                format!(
                    "{name} is also mapped under [files.{}.columns]: give it one source",
                    table.name()
                ),
            ));
        }
        check_canonical_value(&columns[at_column], value.trim())
            .map_err(|message| (format!("{here} = {value:?}"), message))?;
        rules[at_column] = Some(ColumnRule::Constant(value.trim().to_string()));
    }
    let rules: Vec<ColumnRule> = rules
        .into_iter()
        .zip(columns)
        .map(|(rule, column)| {
            rule.unwrap_or_else(|| ColumnRule::Header {
                header: column.name.to_string(),
                named: false,
            })
        })
        .collect();

    let mut value_maps = vec![BTreeMap::new(); columns.len()];
    for (name, map) in &file.values {
        let at_column = position("values", name)?;
        let column = &columns[at_column];
        let here = format!("[files.{}.values.{name}]", table.name());
        if matches!(rules[at_column], ColumnRule::Constant(_)) {
            return Err((
                here,
                format!("{name} is a constant: its value needs no map"),
            ));
        }
        for (export, canonical) in map {
            let checked = match column.kind {
                // A list column's map translates one item at a time.
                Kind::List { what, names } => values::parse_enum(canonical.trim(), what, names)
                    .map(|_| ())
                    .map_err(|e| e.replacen("unknown", "not a", 1)),
                _ => check_canonical_value(column, canonical.trim()),
            };
            checked.map_err(|message| (format!("{here} {export:?} = {canonical:?}"), message))?;
            let key = export.trim().to_lowercase();
            if value_maps[at_column]
                .insert(
                    key,
                    (export.trim().to_string(), canonical.trim().to_string()),
                )
                .is_some()
            {
                return Err((
                    format!("{here} {export:?}"),
                    "this export value is mapped twice (values match ignoring case)".into(),
                ));
            }
        }
    }

    let mut split_rows = vec![None; columns.len()];
    for (name, separator) in &file.split_rows {
        let at_column = position("split_rows", name)?;
        let here = format!("[files.{}.split_rows] {name}", table.name());
        if separator.is_empty() {
            return Err((here, "the separator is empty".into()));
        }
        if !matches!(rules[at_column], ColumnRule::Header { .. }) {
            return Err((
                here,
                format!("{name} is a constant: only an export column can be split into rows"),
            ));
        }
        split_rows[at_column] = Some(separator.clone());
    }
    if split_rows.iter().flatten().count() > 1 {
        return Err((
            format!("[files.{}.split_rows]", table.name()),
            "only one column of a table can be split into rows".into(),
        ));
    }

    Ok(TableMapping {
        table,
        file: file.path,
        sheet: file.sheet,
        encoding,
        delimiter,
        date_format,
        rules,
        values: value_maps,
        split_rows,
    })
}

/// Tables read from one file must read it the same way.
fn check_shared_sources(tables: &[TableMapping]) -> Result<(), Problem> {
    for (i, a) in tables.iter().enumerate() {
        for b in &tables[..i] {
            if a.file == b.file
                && a.sheet == b.sheet
                && (a.encoding != b.encoding || a.delimiter != b.delimiter)
            {
                return Err((
                    a.at(),
                    format!(
                        "{:?} is also read for {} with another encoding or delimiter: give both the same",
                        a.file,
                        b.at()
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn parse_encoding(label: &str) -> Option<Encoding> {
    let encoding = encoding_rs::Encoding::for_label(label.trim().as_bytes())?;
    if encoding == encoding_rs::UTF_8 {
        Some(Encoding::Utf8)
    } else if encoding == encoding_rs::WINDOWS_1252 {
        Some(Encoding::Windows1252)
    } else {
        None
    }
}

/// Checks a date format: `excel`, or a pattern that writes and reads back a whole day.
fn parse_date_format(pattern: &str) -> Result<DateFormat, String> {
    if pattern.trim().eq_ignore_ascii_case("excel") {
        return Ok(DateFormat::ExcelSerial);
    }
    let invalid = || {
        "not a date format: use strftime fields such as %d/%m/%Y or %Y-%m-%d (with a day, a month and a year), or \"excel\" for serial day numbers".to_string()
    };
    if chrono::format::StrftimeItems::new(pattern).parse().is_err() {
        return Err(invalid());
    }
    // 3 April 2026: day and month differ, so a pattern that swaps them fails too.
    let sample: NaiveDateTime = NaiveDate::from_ymd_opt(2026, 4, 3)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("a valid date");
    let mut written = String::new();
    if write!(written, "{}", sample.format(pattern)).is_err() {
        return Err(invalid());
    }
    match NaiveDate::parse_from_str(&written, pattern) {
        Ok(date) if date == sample.date() => Ok(DateFormat::Pattern(pattern.to_string())),
        _ => Err(invalid()),
    }
}

/// A canonical value (a constant, or the target of a value map) must be what the
/// contract accepts for its column.
fn check_canonical_value(column: &Column, text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Err("empty: a constant or mapped value must say something".into());
    }
    let result = match column.kind {
        Kind::Text | Kind::CaseId => Ok(()),
        Kind::TrustId => values::check_trust_id(text),
        Kind::Urn => values::check_urn(text),
        Kind::Date => values::parse_date(text).map(|_| ()),
        Kind::Bool => values::parse_bool(text).map(|_| ()),
        Kind::Int { min, max } => values::parse_int(text, min, max).map(|_| ()),
        Kind::Enum { what, names } => values::parse_enum(text, what, names).map(|_| ()),
        Kind::List { what, names } => values::parse_enum_list(text, what, names).map(|_| ()),
    };
    result.map_err(|e| e.replacen("unknown", "not a", 1))
}

/// ` (did you mean "held_on"?)` when one name is close to `word`, else nothing.
pub fn did_you_mean(word: &str, names: &[&str]) -> String {
    match closest(word, names) {
        Some((name, distance)) if distance <= (word.chars().count() / 2).max(2) => {
            format!(" (did you mean {}?)", crate::contract::excerpt(name))
        }
        _ => String::new(),
    }
}

/// The name nearest to `word` (ignoring case) and its edit distance.
pub use crate::contract::closest;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Mapping, String> {
        Mapping::parse(text, Path::new("m.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn the_spec_example_parses() {
        let mapping = parse(
            r#"
            [files.sessions]
            path = "Supervision Sessions.csv"
            date_format = "%d/%m/%Y"
            [files.sessions.columns]
            session_id = "Supervision ID"
            held_on = "Date"
            [files.sessions.values.kind]
            "1:1" = "one_to_one"
            "Group Supervision" = "group"
            "#,
        )
        .unwrap();
        let sessions = &mapping.tables[0];
        assert_eq!(sessions.table, Table::Sessions);
        assert_eq!(
            sessions.rules[0],
            ColumnRule::Header {
                header: "Supervision ID".into(),
                named: true
            }
        );
        assert_eq!(
            sessions.rules[3],
            ColumnRule::Header {
                header: "supervisor_id".into(),
                named: false
            },
            "unmapped columns are looked up by their canonical name"
        );
        assert_eq!(
            sessions.values[4]
                .get("group supervision")
                .map(|(written, canonical)| (written.as_str(), canonical.as_str())),
            Some(("Group Supervision", "group"))
        );
        assert_eq!(
            sessions.date_format,
            Some(DateFormat::Pattern("%d/%m/%Y".into()))
        );
    }

    #[test]
    fn date_formats_must_hold_a_whole_day() {
        assert!(parse_date_format("%d/%m/%Y").is_ok());
        assert!(parse_date_format("%d.%m.%y").is_ok());
        assert!(parse_date_format("%d/%m/%Y %H:%M").is_ok());
        assert_eq!(parse_date_format("Excel"), Ok(DateFormat::ExcelSerial));
        assert!(parse_date_format("%d/%m").is_err(), "no year");
        assert!(parse_date_format("%Q").is_err(), "not a field");
    }
}
