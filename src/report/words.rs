//! The words of the packs' sentences, with every number in them marked for what it is.
//!
//! A pack sentence ("9 of 13 supervisees met the half-termly standard in Autumn 1
//! 2026/27") mixes published figures with names, period names, dates and policy
//! settings. Each is wrapped here in an invisible mark, and the pack templates turn the
//! marks into elements (`<span class="fig">9</span>`, `<span class="period">...`), so a
//! test can check that every figure a pack prints is a cell of its CSV files, and that
//! no number appears in a pack unmarked.

use std::fmt::Display;

use super::figures::{capitalised, period_name};
use super::published::Figure;
use super::table::cell::Text;

/// Starts a mark; the kind's letter follows, then [`BODY`], the text and [`END`].
const START: char = '\u{E000}';
const BODY: char = '\u{E001}';
const END: char = '\u{E002}';

/// What a marked piece of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A published figure: a cell of a governors' CSV file.
    Figure,
    /// A period's name ("Autumn 1 2026/27").
    Period,
    /// A date.
    Date,
    /// A setting of the policy (a threshold, a number of days).
    Policy,
    /// A name from an export (a school, a DSL).
    Name,
    /// A fact about the inputs, from the manifest (rows that could not be read).
    Source,
}

impl Mark {
    fn letter(self) -> char {
        match self {
            Mark::Figure => 'f',
            Mark::Period => 'p',
            Mark::Date => 'd',
            Mark::Policy => 'r',
            Mark::Name => 'n',
            Mark::Source => 's',
        }
    }

    fn of(letter: char) -> Option<Mark> {
        [
            Mark::Figure,
            Mark::Period,
            Mark::Date,
            Mark::Policy,
            Mark::Name,
            Mark::Source,
        ]
        .into_iter()
        .find(|m| m.letter() == letter)
    }

    /// The HTML class of the element a mark becomes.
    pub fn class(self) -> &'static str {
        match self {
            Mark::Figure => "fig",
            Mark::Period => "period",
            Mark::Date => "date",
            Mark::Policy => "policy",
            Mark::Name => "name",
            Mark::Source => "source",
        }
    }
}

/// `text` marked as `mark`. Mark characters inside `text` (it may come from an export)
/// are dropped, so no text can open or close a mark of its own.
pub fn marked(mark: Mark, text: impl Display) -> String {
    let text: String = text
        .to_string()
        .chars()
        .filter(|c| ![START, BODY, END].contains(c))
        .collect();
    format!("{START}{}{BODY}{text}{END}", mark.letter())
}

/// A published figure as its CSV cell is written (`12`, `66.7`, `c`).
pub fn fig<T: Text>(figure: T) -> String {
    marked(Mark::Figure, figure.text())
}

/// A published figure that counts things: "1 action" or "2 actions" (`c` counts as many).
pub fn fig_counted(figure: Figure<u64>, one: &str, many: &str) -> String {
    let noun = if figure == Figure::Value(1) {
        one
    } else {
        many
    };
    format!("{} {noun}", fig(figure))
}

/// A period id in words ("Autumn 1 2026/27").
pub fn period(id: &str) -> String {
    marked(Mark::Period, period_name(id))
}

/// A period id in words opening a sentence ("The autumn term 2026/27").
pub fn period_opening(id: &str) -> String {
    marked(Mark::Period, capitalised(&period_name(id)))
}

/// An academic year ("2026/27").
pub fn year(year: impl Display) -> String {
    marked(Mark::Period, year)
}

/// A policy setting.
pub fn policy(text: impl Display) -> String {
    marked(Mark::Policy, text)
}

/// A name from an export.
pub fn name(text: impl Display) -> String {
    marked(Mark::Name, text)
}

/// A date, as people write it.
pub fn date(text: impl Display) -> String {
    marked(Mark::Date, text)
}

/// A fact from the manifest.
pub fn source(text: impl Display) -> String {
    marked(Mark::Source, text)
}

/// The pieces of a marked text: plain runs and marked ones, in order.
pub fn pieces(text: &str) -> Vec<(Option<Mark>, &str)> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(START) {
        if at > 0 {
            pieces.push((None, &rest[..at]));
        }
        let after = &rest[at + START.len_utf8()..];
        let mut chars = after.chars();
        let letter = chars.next();
        let body_and_rest = chars.as_str();
        match (letter.and_then(Mark::of), body_and_rest.strip_prefix(BODY)) {
            (Some(mark), Some(body)) => {
                let end = body.find(END).unwrap_or(body.len());
                pieces.push((Some(mark), &body[..end]));
                rest = body.get(end + END.len_utf8()..).unwrap_or("");
            }
            // Not a mark this module made: left out.
            _ => rest = after,
        }
    }
    if !rest.is_empty() {
        pieces.push((None, rest));
    }
    pieces
}

/// The text without its marks (for places that are not HTML).
pub fn plain(text: &str) -> String {
    pieces(text).into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_round_trip_and_names_cannot_forge_them() {
        let text = format!(
            "{} of {} at {}",
            fig(Figure::Value(9u64)),
            fig(Figure::<u64>::Suppressed),
            name("Odd\u{E000}f\u{E001}99\u{E002} School")
        );
        assert_eq!(
            pieces(&text),
            vec![
                (Some(Mark::Figure), "9"),
                (None, " of "),
                (Some(Mark::Figure), "c"),
                (None, " at "),
                (Some(Mark::Name), "Oddf99 School"),
            ]
        );
        assert_eq!(plain(&text), "9 of c at Oddf99 School");
    }
}
