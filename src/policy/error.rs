//! [`PolicyError`]: everything that can be wrong with a policy file, a preset, a calendar or
//! a bank-holiday list, each message naming the file, the key (or line) and what was
//! expected.

use std::io;
use std::ops::Range;

use chrono::NaiveDate;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// An error in the policy, its presets or its calendar files.
///
/// Every variant's message starts with the file it is about and names the key (TOML) or
/// the line (CSV), then says what was expected, e.g.
/// `sample-data/policy.toml: schools."140001".rules[0].per: expected one of half_term,
/// term, academic_year, found "weekly"`.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The policy file itself could not be read.
    #[error("{file}: cannot read the file: {source}")]
    Read {
        /// The file, as given.
        file: String,
        /// Why it could not be read.
        #[source]
        source: io::Error,
    },

    /// A file named by a key (a preset, the calendar, the bank holidays) could not be read.
    #[error("{file}: {key}: expected a readable {what} file at {target}, but: {source}")]
    MissingFile {
        /// The file holding the key.
        file: String,
        /// The key naming the missing file (`calendar`, `schools."140001".preset`).
        key: String,
        /// What the file should be (`preset`, `calendar`, `bank holidays`).
        what: &'static str,
        /// The path that was tried (relative to the policy file's folder).
        target: String,
        /// Why it could not be read.
        #[source]
        source: io::Error,
    },

    /// TOML syntax errors and the structural errors found by serde: unknown keys, wrong
    /// types, missing required keys. `line` and `column` are 1-based; `key` is the dotted
    /// key path at the error's position when it could be found.
    #[error("{file}: {}{message}", toml_location(*.line, *.column, .key.as_deref()))]
    Toml {
        /// The TOML file.
        file: String,
        /// 1-based line of the error, when known.
        line: Option<usize>,
        /// 1-based column of the error, when known.
        column: Option<usize>,
        /// The key path at the error (`defaults.drift.overdue_days`), when known.
        key: Option<String>,
        /// toml's own description of the problem.
        message: String,
    },

    /// A value that parsed but is not allowed: an unknown role, kind, category or
    /// function, a bad number, a rule without `per`+`min` or a gap, a bad URN, a bad
    /// calendar or bank-holiday row, half-terms out of order or missing.
    #[error("{file}: {at}: expected {expected}, found {found}")]
    Invalid {
        /// The file holding the value.
        file: String,
        /// Where in the file: a key path (`schools."140001".rules[0].per`) or a line
        /// (`line 4: starts_on`).
        at: String,
        /// What was expected.
        expected: String,
        /// What was found (strings quoted).
        found: String,
    },

    /// A CSV file that the `csv` crate could not read (e.g. invalid UTF-8).
    #[error("{file}: {message}")]
    Csv {
        /// The CSV file.
        file: String,
        /// The `csv` crate's message (it names the record and line).
        message: String,
    },

    /// A date outside the calendar (before the first half-term, or after the summer of
    /// the last academic year).
    #[error("{date} is outside the calendar: expected a date from {first} to {last}")]
    OutsideCalendar {
        /// The date asked about.
        date: NaiveDate,
        /// The first date the calendar covers.
        first: NaiveDate,
        /// The last date the calendar covers.
        last: NaiveDate,
    },

    /// An academic year written wrongly (`--year 2025-26`).
    #[error("expected an academic year like 2025/26, found {found:?}")]
    AcademicYear {
        /// The text given.
        found: String,
    },

    /// `[schools."URN"]` tables naming no school the store holds (spec 04, added; issue
    /// #19): a typo must never quietly hand the school it meant the trust defaults.
    #[error(
        "{file}: {}; a table for a school the store does not hold would leave the school \
         it meant on the trust defaults: correct its URN",
        unknown_schools_text(.unknown, .trusts)
    )]
    UnknownSchools {
        /// The policy file.
        file: String,
        /// The trusts reported on.
        trusts: Vec<String>,
        /// Each URN with no school, with the reported schools nearest to it.
        unknown: Vec<UnknownSchool>,
    },
}

/// A `[schools."URN"]` table's URN that names no school the store holds, with the
/// reported schools nearest to it (URN and name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSchool {
    pub urn: String,
    pub near: Vec<(String, String)>,
}

/// The error's message after the file: each URN, the trusts and the schools near it.
fn unknown_schools_text(unknown: &[UnknownSchool], trusts: &[String]) -> String {
    let trusts = crate::contract::excerpt_list(trusts.iter().map(String::as_str), 5);
    unknown
        .iter()
        .map(|school| {
            let near = school
                .near
                .iter()
                .map(|(urn, name)| format!("{urn} {}", crate::contract::excerpt(name)))
                .collect::<Vec<_>>();
            let mut text = format!(
                "[schools.\"{}\"] names no school of the store (trusts reported: {trusts})",
                school.urn
            );
            if !near.is_empty() {
                text.push_str(&format!("; did you mean {}?", near.join(" or ")));
            }
            text
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn toml_location(line: Option<usize>, column: Option<usize>, key: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(line) = line {
        out.push_str(&format!("line {line}"));
        if let Some(column) = column {
            out.push_str(&format!(", column {column}"));
        }
        out.push_str(": ");
    }
    if let Some(key) = key {
        out.push_str(key);
        out.push_str(": ");
    }
    out
}

impl PolicyError {
    /// An [`PolicyError::Invalid`] error.
    pub(crate) fn invalid(
        file: &str,
        at: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        PolicyError::Invalid {
            file: file.to_string(),
            at: at.into(),
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// Turns toml's error into a [`PolicyError::Toml`], adding the line, column and key
    /// path at its position.
    pub(crate) fn from_toml(file: &str, text: &str, err: &toml::de::Error) -> Self {
        // The document's own span (0..0, a missing top-level key) locates nothing.
        let span = err.span().filter(|s| *s != (0..0));
        let (line, column) = match &span {
            Some(span) => {
                let (l, c) = line_col(text, span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        let key = span.and_then(|s| key_path_at(text, s));
        PolicyError::Toml {
            file: file.to_string(),
            line,
            column,
            key,
            message: plain_serde_message(err.message()),
        }
    }
}

/// serde's type names in plain words ("expected i64" → "expected a whole number"), on
/// one line.
fn plain_serde_message(message: &str) -> String {
    let mut out = message.trim().replace('\n', "; ");
    for (serde, plain) in [
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected an array"),
        ("expected a map", "expected a table"),
        ("expected struct RawRule", "expected a rule table"),
        ("expected struct RawDrift", "expected a table"),
        ("expected struct RawWorkload", "expected a table"),
        ("expected struct RawSettings", "expected a table"),
    ] {
        out = out.replace(serde, plain);
    }
    out
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let pos = pos.min(text.len());
    let before = &text[..floor_char_boundary(text, pos)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut pos: usize) -> usize {
    while pos > 0 && !text.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

/// One segment of a key path.
#[derive(Clone)]
enum Segment {
    Key(String),
    Index(usize),
}

/// Formats a TOML key for a path: bare when it can be, quoted when it is all digits (URNs
/// read better quoted: `schools."140001"`) or holds other characters.
pub(crate) fn key_segment(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.chars().all(|c| c.is_ascii_digit());
    if bare {
        key.to_string()
    } else {
        format!("{key:?}")
    }
}

fn format_path(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&key_segment(k));
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The deepest key path whose key or value span holds all of `pos` (the error's span),
/// from a spanned re-parse.
fn key_path_at(text: &str, pos: Range<usize>) -> Option<String> {
    let doc = DeTable::parse(text).ok()?;
    let mut best: Option<Vec<Segment>> = None;
    walk_table(doc.get_ref(), &pos, &mut Vec::new(), &mut best);
    best.filter(|p| !p.is_empty()).map(|p| format_path(&p))
}

fn consider(path: &[Segment], best: &mut Option<Vec<Segment>>) {
    if best.as_ref().is_none_or(|b| path.len() >= b.len()) {
        *best = Some(path.to_vec());
    }
}

fn holds(span: Range<usize>, pos: &Range<usize>) -> bool {
    span.start <= pos.start && pos.end <= span.end
}

fn walk_table(
    table: &DeTable<'_>,
    pos: &Range<usize>,
    path: &mut Vec<Segment>,
    best: &mut Option<Vec<Segment>>,
) {
    for (key, value) in table.iter() {
        path.push(Segment::Key(key.get_ref().to_string()));
        if holds(key.span(), pos) || holds(value.span(), pos) {
            consider(path, best);
        }
        walk_value(value, pos, path, best);
        path.pop();
    }
}

fn walk_value(
    value: &Spanned<DeValue<'_>>,
    pos: &Range<usize>,
    path: &mut Vec<Segment>,
    best: &mut Option<Vec<Segment>>,
) {
    match value.get_ref() {
        DeValue::Table(table) => walk_table(table, pos, path, best),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Segment::Index(i));
                if holds(item.span(), pos) {
                    consider(path, best);
                }
                walk_value(item, pos, path, best);
                path.pop();
            }
        }
        _ => {}
    }
}
