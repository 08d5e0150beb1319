//! `[schools."URN"]` tables checked against the schools a store holds (spec 04, added;
//! issue #19): a policy table for `140006`, a typo for `140005`, is an error naming it
//! and the school probably meant, never a school quietly left on the trust defaults.
//!
//! The policy knows nothing of stores: the caller gives the schools (URN and name) of
//! the trusts reported, and decides which URNs count as known.

use super::{Policy, PolicyError, UnknownSchool};
use crate::contract::nearest;

/// At most this many near schools are named for one URN.
const MOST_NEAR: usize = 3;

impl Policy {
    /// The URNs of the policy's `[schools."URN"]` tables that are none of `known`, sorted.
    pub fn school_urns_not_in(&self, known: &[&str]) -> Vec<&str> {
        self.schools
            .keys()
            .map(String::as_str)
            .filter(|urn| !known.contains(urn))
            .collect()
    }
}

impl PolicyError {
    /// The error for the school tables of `file` whose URNs (`unknown`) name no school
    /// the store holds: each with the schools of `reported` (URN and name; the schools of
    /// the trusts reported on, `trusts`) nearest to it.
    pub fn unknown_schools(
        file: &str,
        trusts: &[String],
        unknown: &[&str],
        reported: &[(&str, &str)],
    ) -> PolicyError {
        PolicyError::UnknownSchools {
            file: file.to_string(),
            trusts: trusts.to_vec(),
            unknown: unknown
                .iter()
                .map(|urn| UnknownSchool {
                    urn: urn.to_string(),
                    near: near_schools(urn, reported),
                })
                .collect(),
        }
    }
}

/// The schools of `reported` whose URNs are nearest to `urn`: fewest one-digit edits,
/// then nearest in number (`140006` is one edit from `140001` and from `140005`; the
/// slip of a finger makes `140005` the likelier).
fn near_schools(urn: &str, reported: &[(&str, &str)]) -> Vec<(String, String)> {
    let urns: Vec<&str> = reported.iter().map(|(urn, _)| *urn).collect();
    let apart = |other: &str| match (urn.parse::<u64>(), other.parse::<u64>()) {
        (Ok(a), Ok(b)) => a.abs_diff(b),
        _ => u64::MAX,
    };
    let mut near: Vec<&str> = nearest(urn, &urns).into_iter().map(|(u, _)| u).collect();
    let least = near.iter().map(|other| apart(other)).min();
    near.retain(|other| Some(apart(other)) == least);
    near.truncate(MOST_NEAR);
    near.iter()
        .filter_map(|near| reported.iter().find(|(urn, _)| urn == near))
        .map(|(urn, name)| (urn.to_string(), name.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_school_is_the_fewest_edits_then_the_nearest_number() {
        // Spec 04: "did you mean 140005 Larkspur Meadow Centre?" for 140006.
        let reported = [
            ("140001", "Brackenfield School"),
            ("140004", "Chapel Row School"),
            ("140005", "Larkspur Meadow Centre"),
            ("150005", "Far Away"),
        ];
        assert_eq!(
            near_schools("140006", &reported),
            [("140005".to_string(), "Larkspur Meadow Centre".to_string())]
        );
        // Two as near both named.
        let reported = [("140005", "A"), ("140007", "B"), ("140001", "C")];
        assert_eq!(near_schools("140006", &reported).len(), 2);
        assert!(near_schools("140006", &[]).is_empty());
    }

    #[test]
    fn the_message_names_the_urn_the_trusts_and_the_school_meant() {
        let error = PolicyError::unknown_schools(
            "policy.toml",
            &["TR001".to_string()],
            &["140006"],
            &[("140005", "Larkspur Meadow Centre")],
        );
        assert_eq!(
            error.to_string(),
            "policy.toml: [schools.\"140006\"] names no school of the store (trusts \
             reported: \"TR001\"); did you mean 140005 \"Larkspur Meadow Centre\"?; a table \
             for a school the store does not hold would leave the school it meant on the \
             trust defaults: correct its URN"
        );
    }
}
