//! The canonical vocabulary of the data contract (spec 01): the enums a safeguarding
//! export is mapped onto, with their exact stored spellings.
//!
//! Every enum parses case-insensitively (`"dsl"`, `"Dsl"`) and is stored as written in
//! the spec (`"DSL"`, `"one_to_one"`). Keeping the spellings here, once, means ingest,
//! policy validation and the generator can never disagree about them.

use std::fmt;

/// Declares a closed set of canonical values with case-insensitive parsing.
macro_rules! canonical_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order the spec lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stored spellings, in the same order as [`Self::ALL`].
            pub const NAMES: &'static [&'static str] = &[$($text),+];
            /// What the values are called in messages ("role", "session kind").
            pub const WHAT: &'static str = $what;

            /// The stored spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses a value case-insensitively; `None` when it is not one of ours.
            pub fn parse(text: &str) -> Option<Self> {
                let text = text.trim();
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(text))
            }

            /// The accepted values, for error messages: `DSL, DDSL, ...`.
            pub fn expected() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

canonical_enum!(
    /// A school's phase of education.
    Phase, "phase" {
        Primary => "primary",
        Secondary => "secondary",
        AllThrough => "all_through",
        Special => "special",
        AlternativeProvision => "alternative_provision",
        Other => "other",
    }
);

canonical_enum!(
    /// A staff member's role; the policy's `in_scope_roles` picks who is due supervision.
    Role, "role" {
        Dsl => "DSL",
        Ddsl => "DDSL",
        Headteacher => "HEADTEACHER",
        PastoralLead => "PASTORAL_LEAD",
        YearHead => "YEAR_HEAD",
        Senco => "SENCO",
        Teacher => "TEACHER",
        TeachingAssistant => "TEACHING_ASSISTANT",
        FamilySupport => "FAMILY_SUPPORT",
        External => "EXTERNAL",
        Other => "OTHER",
    }
);

canonical_enum!(
    /// The kind of a supervision session.
    SessionKind, "session kind" {
        OneToOne => "one_to_one",
        Group => "group",
        Peer => "peer",
        MultiAgency => "multi_agency",
        Clinical => "clinical",
        Informal => "informal",
    }
);

canonical_enum!(
    /// Whether a session took place.
    SessionStatus, "session status" {
        Held => "held",
        Cancelled => "cancelled",
        Missed => "missed",
    }
);

canonical_enum!(
    /// A function of supervision covered in a session (Morrison's four, plus the
    /// multi-agency and voice-of-the-child functions of Lode Heath's policy).
    Function, "supervision function" {
        Managerial => "managerial",
        Developmental => "developmental",
        Supportive => "supportive",
        Mediation => "mediation",
        MultiAgency => "multi_agency",
        VoiceOfChild => "voice_of_child",
    }
);

canonical_enum!(
    /// The category of a child's case on the caseload register.
    CaseCategory, "case category" {
        Cp => "CP",
        Cin => "CIN",
        Cla => "CLA",
        Eh => "EH",
        Concern => "CONCERN",
        StepDown => "STEP_DOWN",
    }
);

canonical_enum!(
    /// The state of an action agreed in a session.
    ActionStatus, "action status" {
        Open => "open",
        Done => "done",
        Cancelled => "cancelled",
    }
);

canonical_enum!(
    /// A sign of drift or delay on an open case (spec 02 §4), as `drift_cases.csv`'s
    /// `flags` and the columns of `drift_by_school.csv` spell it. A case may carry
    /// several; every drifting case carries at least one.
    DriftFlag, "drift flag" {
        OverdueAction => "overdue_action",
        NotReviewed => "not_reviewed",
        NoProgress => "no_progress",
        EscalatedStale => "escalated_stale",
        CarriedOver => "carried_over",
        NoOwner => "no_owner",
    }
);

impl Role {
    /// The role in plain English, as packs and sentences word it ("deputy DSL", not
    /// "DDSL").
    pub fn label(self) -> &'static str {
        match self {
            Role::Dsl => "DSL",
            Role::Ddsl => "deputy DSL",
            Role::Headteacher => "headteacher",
            Role::PastoralLead => "pastoral lead",
            Role::YearHead => "head of year",
            Role::Senco => "SENCO",
            Role::Teacher => "teacher",
            Role::TeachingAssistant => "teaching assistant",
            Role::FamilySupport => "family support worker",
            Role::External => "external staff",
            Role::Other => "other staff",
        }
    }
}

impl CaseCategory {
    /// The category as packs word it: the acronyms safeguarding leads use, and
    /// "concern" and "step-down" rather than their stored spellings.
    pub fn label(self) -> &'static str {
        match self {
            CaseCategory::Cp => "CP",
            CaseCategory::Cin => "CIN",
            CaseCategory::Cla => "CLA",
            CaseCategory::Eh => "EH",
            CaseCategory::Concern => "concern",
            CaseCategory::StepDown => "step-down",
        }
    }
}

impl DriftFlag {
    /// The flag in plain English, as every chart, table and pack sentence words it.
    pub fn label(self) -> &'static str {
        match self {
            DriftFlag::OverdueAction => "action long overdue",
            DriftFlag::NotReviewed => "not reviewed in time",
            DriftFlag::NoProgress => "no progress in safety",
            DriftFlag::EscalatedStale => "escalation not followed up",
            DriftFlag::CarriedOver => "action carried over",
            DriftFlag::NoOwner => "nobody holds the case",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_parse_case_insensitively_and_store_the_spec_spelling() {
        assert_eq!(Role::parse(" dsl "), Some(Role::Dsl));
        assert_eq!(
            Role::parse("Pastoral_Lead").unwrap().as_str(),
            "PASTORAL_LEAD"
        );
        assert_eq!(
            SessionKind::parse("ONE_TO_ONE"),
            Some(SessionKind::OneToOne)
        );
        assert_eq!(SessionKind::parse("1:1"), None);
        assert_eq!(ActionStatus::expected(), "open, done, cancelled");
    }
}
