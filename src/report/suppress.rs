//! Small-number suppression for governors and school packs (spec 02, "Suppression in
//! outputs for governors and inspectors").
//!
//! "Counts of cases (children) from 1 to suppress_below - 1 (default 3: so 1 and 2) are
//! written as `c` ... Zero is shown as 0. ... In a trust total row, a case-count column
//! is `c` when exactly one school's cell in it is `c` (the total would give it away), or
//! when the total itself is 1 or 2. Counts of staff, sessions and actions are not
//! suppressed."
//!
//! It works on the formatted cells, just before they are written, so every path to a
//! governors' file goes through it.

/// The mark for a suppressed cell.
pub const SUPPRESSED: &str = "c";

/// Whether a count must be suppressed.
pub fn is_small(count: u64, suppress_below: u32) -> bool {
    count >= 1 && count < u64::from(suppress_below)
}

/// Suppresses the case-count columns `case_columns` (positions) of `rows`. A row whose
/// `school_urn` cell (at `urn_column`) is `TOTAL` is a trust total: its cells follow the
/// total rule, counting the suppressed school cells of the same trust (`trust_column`).
pub fn suppress(
    rows: &mut [Vec<String>],
    case_columns: &[usize],
    suppress_below: u32,
    trust_column: usize,
    urn_column: Option<usize>,
) {
    let is_total = |row: &Vec<String>| urn_column.is_some_and(|at| row[at] == "TOTAL");
    // Schools first: the totals depend on which school cells were suppressed.
    let mut suppressed_per_trust: std::collections::HashMap<(String, usize), usize> =
        Default::default();
    for row in rows.iter_mut().filter(|r| !is_total(r)) {
        for &at in case_columns {
            if row[at]
                .parse::<u64>()
                .is_ok_and(|n| is_small(n, suppress_below))
            {
                row[at] = SUPPRESSED.to_string();
                *suppressed_per_trust
                    .entry((row[trust_column].clone(), at))
                    .or_default() += 1;
            }
        }
    }
    for row in rows.iter_mut().filter(|r| is_total(r)) {
        for &at in case_columns {
            let hidden_schools = suppressed_per_trust
                .get(&(row[trust_column].clone(), at))
                .copied()
                .unwrap_or(0);
            let small_total = row[at]
                .parse::<u64>()
                .is_ok_and(|n| is_small(n, suppress_below));
            if hidden_schools == 1 || small_total {
                row[at] = SUPPRESSED.to_string();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(cells: &[[&str; 3]]) -> Vec<Vec<String>> {
        cells
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn one_and_two_are_suppressed_zero_and_three_are_not() {
        // Spec 02: "Counts ... from 1 to suppress_below - 1 (default 3: so 1 and 2) are
        // written as c ... Zero is shown as 0."
        let mut table = rows(&[
            ["T1", "100001", "0"],
            ["T1", "100002", "1"],
            ["T1", "100003", "2"],
            ["T1", "100004", "3"],
        ]);
        suppress(&mut table, &[2], 3, 0, Some(1));
        let shown: Vec<&str> = table.iter().map(|r| r[2].as_str()).collect();
        assert_eq!(shown, ["0", "c", "c", "3"]);
    }

    #[test]
    fn a_total_with_exactly_one_suppressed_school_is_suppressed() {
        // Spec 02: "a case-count column is c when exactly one school's cell in it is c".
        // 1 + 5 = 6: showing 6 beside the 5 would give the 1 away.
        let mut table = rows(&[
            ["T1", "100001", "1"],
            ["T1", "100002", "5"],
            ["T1", "TOTAL", "6"],
        ]);
        suppress(&mut table, &[2], 3, 0, Some(1));
        assert_eq!(table[2][2], "c");
    }

    #[test]
    fn a_total_with_two_suppressed_schools_is_shown() {
        // 1 + 2 + 5 = 8: the two hidden cells cannot be told apart from the total.
        let mut table = rows(&[
            ["T1", "100001", "1"],
            ["T1", "100002", "2"],
            ["T1", "100003", "5"],
            ["T1", "TOTAL", "8"],
        ]);
        suppress(&mut table, &[2], 3, 0, Some(1));
        assert_eq!(table[3][2], "8");
    }

    #[test]
    fn a_small_total_is_suppressed_and_trusts_are_separate() {
        // Spec 02: "or when the total itself is 1 or 2". T2's suppressed school does not
        // count towards T1's total.
        let mut table = rows(&[
            ["T1", "100001", "0"],
            ["T1", "100002", "2"],
            ["T1", "TOTAL", "2"],
            ["T2", "200001", "1"],
            ["T2", "200002", "1"],
            ["T2", "200003", "4"],
            ["T2", "TOTAL", "6"],
        ]);
        suppress(&mut table, &[2], 3, 0, Some(1));
        assert_eq!(table[2][2], "c", "T1 total is 2");
        assert_eq!(table[6][2], "6", "T2 has two suppressed schools");
    }

    #[test]
    fn the_threshold_is_the_policy_setting() {
        let mut table = rows(&[["T1", "100001", "4"], ["T1", "100002", "5"]]);
        suppress(&mut table, &[2], 5, 0, Some(1));
        assert_eq!(table[0][2], "c");
        assert_eq!(table[1][2], "5");
    }
}
