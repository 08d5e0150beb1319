//! How a message shows a value read from an input file: a cell, a header, a sheet name.
//!
//! Input files are hostile as often as they are wrong: a cell may hold 50 MB, a child's
//! name typed into the wrong column, or a terminal escape sequence; a "header" may be the
//! first line of a secret. So no message (terminal, report or quarantine file) ever
//! echoes such a value whole: it shows a short prefix, quoted, with control characters
//! escaped, and says how long the value was when it was cut. Every message that quotes
//! input goes through [`excerpt`].

/// At most this many characters of a value are shown.
pub const EXCERPT_CHARS: usize = 48;

/// `value` for a message: quoted, control characters escaped (`\n`, `\u{1b}`), cut after
/// [`EXCERPT_CHARS`] characters with its full length (`"Lorem ipsum…" (50000 characters)`).
pub fn excerpt(value: &str) -> String {
    let mut chars = value.char_indices();
    match chars.nth(EXCERPT_CHARS) {
        None => format!("{value:?}"),
        Some((cut, _)) => {
            let shown = format!("{:?}", &value[..cut]);
            format!(
                "{}…\" ({} characters)",
                &shown[..shown.len() - 1],
                value.chars().count()
            )
        }
    }
}

/// A list of values for a message (a header, a list of sheets): each an [`excerpt`],
/// and at most `most` of them, then how many more there are.
pub fn excerpt_list<'a>(values: impl IntoIterator<Item = &'a str>, most: usize) -> String {
    let mut shown = Vec::new();
    let mut more = 0usize;
    for value in values {
        if shown.len() < most {
            shown.push(excerpt(value));
        } else {
            more += 1;
        }
    }
    let mut text = shown.join(", ");
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

/// The name nearest to `word` (ignoring case) and its edit distance, for a "did you
/// mean" in a message.
pub fn closest<'a>(word: &str, names: &[&'a str]) -> Option<(&'a str, usize)> {
    nearest(word, names).into_iter().next()
}

/// Every name as near to `word` (ignoring case) as the nearest, with that edit distance,
/// in the order given: `140006` is as near to `140001` as to `140005` and `140016`.
pub fn nearest<'a>(word: &str, names: &[&'a str]) -> Vec<(&'a str, usize)> {
    let word = word.to_lowercase();
    let distances: Vec<(&str, usize)> = names
        .iter()
        .map(|name| (*name, edit_distance(&word, &name.to_lowercase())))
        .collect();
    let least = distances.iter().map(|(_, d)| *d).min();
    distances
        .into_iter()
        .filter(|(_, d)| Some(*d) == least)
        .collect()
}

/// Levenshtein distance: how many one-character edits turn `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("held_on", "held_on"), 0);
        assert_eq!(edit_distance("held_date", "held_on"), 4);
        assert_eq!(edit_distance("sesions", "sessions"), 1);
        assert_eq!(
            closest("Sesion Date", &["Session Date", "Notes"]),
            Some(("Session Date", 1))
        );
        assert_eq!(closest("x", &[]), None);
    }

    #[test]
    fn nearest_gives_every_name_at_the_least_distance() {
        assert_eq!(
            nearest("140006", &["140001", "140005", "140016", "150005"]),
            [("140001", 1), ("140005", 1), ("140016", 1)]
        );
    }

    #[test]
    fn short_values_are_quoted_whole() {
        assert_eq!(excerpt("1:1"), "\"1:1\"");
        assert_eq!(excerpt(""), "\"\"");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(excerpt("a\u{1b}[31mb\n"), "\"a\\u{1b}[31mb\\n\"");
    }

    #[test]
    fn long_values_are_cut_with_their_length() {
        let long = "x".repeat(50_000);
        let shown = excerpt(&long);
        assert_eq!(
            shown,
            format!("\"{}…\" (50000 characters)", "x".repeat(EXCERPT_CHARS))
        );
        // Cut on a character boundary, counted in characters.
        let accented = "é".repeat(100);
        assert!(excerpt(&accented).ends_with("(100 characters)"));
    }

    #[test]
    fn long_lists_say_how_many_more() {
        let names = ["a", "b", "c"];
        assert_eq!(excerpt_list(names, 2), "\"a\", \"b\" and 1 more");
        assert_eq!(excerpt_list(names, 5), "\"a\", \"b\", \"c\"");
    }
}
