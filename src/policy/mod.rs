//! Each school's supervision policy, as data (spec 04-policy.md), and the school
//! calendar (spec 02-metrics.md "Calendar").
//!
//! A TOML policy file gives the calendar, the bank holidays, `suppress_below`, a
//! trust-wide `[defaults]` table and per-school overrides `[schools."URN"]`:
//!
//! ```toml
//! calendar = "calendar.csv"            # relative to this file
//! bank_holidays = "bank-holidays.csv"  # date,name
//! suppress_below = 3
//!
//! [defaults]
//! in_scope_roles = ["DSL", "DDSL", "PASTORAL_LEAD"]
//! [[defaults.rules]]
//! name = "half-termly"
//! kinds = ["one_to_one", "group"]
//! per = "half_term"
//! min = 1
//!
//! [schools."140001"]
//! preset = "presets/lode-heath.toml"   # relative to this file
//! record_within_working_days = 3
//! ```
//!
//! # Settings
//! `[defaults]`, each `[schools."URN"]` and each preset file (at its top level) may give
//! any of the settings declared, once each, in `keys.rs` ([`SETTING_KEYS`]; its type,
//! default, range and columns: the table of docs/policy.md, made from it by
//! [`settings_doc`]); every table rejects unknown keys. A rule (`rules` is an array of
//! tables) has `name`, `kinds`, `per` = half_term|term|academic_year, `min`,
//! `max_gap_working_days`, `planned_only`, `min_minutes`. `[defaults]` and school tables
//! may also name a `preset`; a preset may not name another. A `[source]` table quotes
//! the policy's sentence behind each setting the same table makes (keys: setting names,
//! `rules.<name>`, `rules.<name>.<field>`).
//!
//! # Resolution
//! A school's settings are built up key by key, each layer's key replacing the earlier
//! value **whole** (a list, a rule set, a map):
//!
//! 1. the spec's defaults ([`Settings::default`]: 04-policy.md's example `[defaults]`);
//! 2. the policy file's `[defaults]`;
//! 3. the preset named by the school's table, or, when the school names none, the preset
//!    named by `[defaults]` (so a preset's keys beat `[defaults]`' own keys);
//! 4. the school's own keys.
//!
//! Inside `drift` and `workload` each sub-key (`drift.overdue_days`, `workload.weights`)
//! is a key of its own: a school giving only `drift.overdue_days` keeps the other drift
//! settings of the earlier layers. A school with no `[schools."URN"]` table gets layers
//! 1–3. Each resolved setting records its layer and quote ([`Origin`]), so the packs can
//! quote the school's own rules and label the rest "trust default"
//! ([`Policy::rules_in_words`]). `suppress_below` is trust-wide (top level only, default 3).
//!
//! # Checks
//! Errors ([`PolicyError`]) name the file, the key (or CSV line) and what was expected:
//! unknown keys and wrong types (toml's message, with line and column and the key path),
//! unknown roles, kinds, categories and functions (case-insensitive, as in
//! [`crate::model`]), a rule with neither `per`+`min` nor `max_gap_working_days` or with
//! only one of `per` and `min`, duplicate rule names, empty `kinds` or `in_scope_roles`,
//! numbers out of range, URN keys that are not 6–7 digits, missing preset or calendar
//! files, and bad calendar or bank-holiday rows.
//!
//! Number ranges: each setting's is declared with it (`keys.rs`); a rule's `min` and
//! `max_gap_working_days` 1–10000, `min_minutes` 1–600; `suppress_below` 2–10000.

mod calendar;
mod check;
mod columns;
mod declare;
mod describe;
mod error;
mod file;
mod keys;
mod kinds;
mod resolve;
mod settings;
pub mod tables;
mod urns;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

pub use calendar::{AcademicYear, Calendar, Granularity, HalfTerm, Period, Term};
pub use describe::{Provenance, RuleStatement};
pub use error::{PolicyError, UnknownSchool};
pub use keys::{
    DriftSettings, SETTING_KEYS, Settings, TargetSettings, WorkloadSettings, settings_doc,
};
pub use settings::{Origin, Rule, SettingLayer};
pub use tables::{CALENDAR_DAYS_MARGIN, PolicyTables};

use check::{Checker, MAX_WHOLE};
use error::key_segment;
use file::{RawPolicyFile, is_urn};
use keys::{Layer, RawSettings};

/// The default `suppress_below` (spec 02: "default 3: so 1 and 2").
pub const DEFAULT_SUPPRESS_BELOW: u32 = 3;

/// A loaded, checked and resolved policy file with its calendar.
///
/// Serialises (for `manifest.json`) as `{calendar, bank_holidays, suppress_below,
/// defaults, schools}`: the file paths as written, the settings a school without its own
/// table gets, and the resolved settings of every school the file names.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    /// The calendar path as written in the policy file.
    calendar: String,
    /// The bank-holidays path as written in the policy file.
    bank_holidays: String,
    /// Case counts from 1 to `suppress_below - 1` are suppressed for governors.
    suppress_below: u32,
    /// Resolved settings for a school without a table of its own.
    defaults: Settings,
    /// Resolved settings for each school with a table, by URN.
    schools: BTreeMap<String, Settings>,
    #[serde(skip)]
    calendar_data: Calendar,
    /// The SHA-256 of the policy file's bytes as read, for `manifest.json` and the packs.
    #[serde(skip)]
    sha256: String,
}

impl Policy {
    /// Loads the policy file at `path`, its presets, calendar and bank holidays (paths in
    /// it are relative to its folder), checks everything and resolves every school.
    pub fn load(path: impl AsRef<Path>) -> Result<Policy, PolicyError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let text =
            crate::input_file::read_regular_text(path, crate::input_file::MAX_SETTINGS_BYTES)
                .map_err(|source| PolicyError::Read {
                    file: file.clone(),
                    source,
                })?;
        let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(text.as_bytes()));
        let raw: RawPolicyFile =
            toml::from_str(&text).map_err(|e| PolicyError::from_toml(&file, &text, &e))?;
        let dir = path.parent().unwrap_or(Path::new(""));

        let suppress_below = match raw.suppress_below {
            None => DEFAULT_SUPPRESS_BELOW,
            // Spec 02: "`suppress_below` must be at least 2" (1 would suppress nothing).
            Some(v) if (2..=MAX_WHOLE).contains(&v) => v as u32,
            Some(v) => {
                return Err(PolicyError::invalid(
                    &file,
                    "suppress_below",
                    format!("a whole number from 2 to {MAX_WHOLE}"),
                    v.to_string(),
                ));
            }
        };

        let checker = |prefix: String| Checker {
            file: &file,
            prefix,
        };
        let (defaults_layer, defaults_preset) = match raw.defaults {
            Some(d) => checker("defaults".to_string()).layer(d)?,
            None => (Layer::default(), None),
        };
        let mut presets: BTreeMap<String, Layer> = BTreeMap::new();
        if let Some(p) = &defaults_preset {
            load_preset(&file, dir, p, "defaults.preset", &mut presets)?;
        }
        let mut school_layers = Vec::new();
        for (urn, raw_school) in raw.schools {
            let prefix = format!("schools.{}", key_segment(&urn));
            if !is_urn(&urn) {
                return Err(PolicyError::invalid(
                    &file,
                    prefix,
                    "a school URN of 6 or 7 digits",
                    format!("{urn:?}"),
                ));
            }
            let (layer, preset) = checker(prefix.clone()).layer(raw_school)?;
            if let Some(p) = &preset {
                load_preset(&file, dir, p, &format!("{prefix}.preset"), &mut presets)?;
            }
            school_layers.push((urn, layer, preset));
        }

        let resolve = |school: Option<(&Layer, &Option<String>)>| {
            let mut s = Settings::default();
            defaults_layer.apply(&mut s, SettingLayer::TrustDefaults, None);
            let (preset, preset_layer) = match school.and_then(|(_, p)| p.as_ref()) {
                Some(p) => (Some(p), SettingLayer::SchoolPreset),
                None => (defaults_preset.as_ref(), SettingLayer::TrustPreset),
            };
            if let Some(p) = preset {
                presets[p].apply(&mut s, preset_layer, Some(p));
                s.preset = Some(p.clone());
            }
            if let Some((layer, _)) = school {
                layer.apply(&mut s, SettingLayer::School, None);
            }
            s
        };
        let defaults = resolve(None);
        let schools = school_layers
            .iter()
            .map(|(urn, layer, preset)| (urn.clone(), resolve(Some((layer, preset)))))
            .collect();

        let read = |written: &str, key: &str, what: &'static str| {
            let target = dir.join(written);
            // Only a regular file, and a bounded read: a calendar path naming /dev/zero
            // or a FIFO is refused before it is read (issue #18).
            crate::input_file::read_regular(&target, crate::input_file::MAX_SETTINGS_BYTES)
                .map(|bytes| (target.display().to_string(), bytes))
                .map_err(|source| PolicyError::MissingFile {
                    file: file.clone(),
                    key: key.to_string(),
                    what,
                    target: target.display().to_string(),
                    source,
                })
        };
        let (calendar_name, calendar_bytes) = read(&raw.calendar, "calendar", "calendar")?;
        let (holidays_name, holidays_bytes) =
            read(&raw.bank_holidays, "bank_holidays", "bank holidays")?;
        let calendar_data = Calendar::from_csv(
            &calendar_name,
            &calendar_bytes,
            &holidays_name,
            &holidays_bytes,
        )?;

        Ok(Policy {
            calendar: raw.calendar,
            bank_holidays: raw.bank_holidays,
            suppress_below,
            defaults,
            schools,
            calendar_data,
            sha256,
        })
    }

    /// The SHA-256 of the policy file's bytes, as read by [`Policy::load`].
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The resolved settings of a school: its own table's, or the defaults' when the
    /// policy has no `[schools."URN"]` for it.
    pub fn settings(&self, school_urn: &str) -> &Settings {
        self.schools.get(school_urn).unwrap_or(&self.defaults)
    }

    /// The settings a school without a table of its own gets.
    pub fn defaults(&self) -> &Settings {
        &self.defaults
    }

    /// The schools with a `[schools."URN"]` table, by URN, resolved.
    pub fn schools(&self) -> &BTreeMap<String, Settings> {
        &self.schools
    }

    /// The trust-wide suppression threshold: case counts 1..suppress_below-1 become `c`.
    pub fn suppress_below(&self) -> u32 {
        self.suppress_below
    }

    /// The calendar (half-terms and bank holidays).
    pub fn calendar(&self) -> &Calendar {
        &self.calendar_data
    }

    /// The school's rules in plain English, one statement a line, each with where it
    /// came from (spec 03, "Provenance of every rule"): the school's own words, or a
    /// trust default. E.g. "At least 1 one-to-one or group session each half-term (rule
    /// "half-termly")", "Records completed within 5 working days".
    pub fn rules_in_words(&self, school_urn: &str) -> Vec<RuleStatement> {
        describe::rules_in_words(self.settings(school_urn))
    }

    /// When the school's own policy was last reviewed and is next due, as the policy
    /// file gives them (`policy_reviewed_on`, `policy_review_due_on`).
    pub fn review(&self, school_urn: &str) -> PolicyReview {
        let s = self.settings(school_urn);
        PolicyReview {
            reviewed_on: s.policy_reviewed_on,
            due_on: s.policy_review_due_on,
        }
    }

    /// The resolved policy as JSON, for `manifest.json` (see [`Policy`]'s serialisation).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("the policy serialises to JSON")
    }
}

/// The review dates of a school's own policy (spec 04: "shown in the packs").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyReview {
    /// When the policy was last reviewed.
    pub reviewed_on: Option<NaiveDate>,
    /// When its next review is due.
    pub due_on: Option<NaiveDate>,
}

impl PolicyReview {
    /// Whether the review was due before `as_of` (spec 03: the pack "flags an overdue
    /// review"). A policy due on the as-of date itself is not yet overdue.
    pub fn is_overdue(&self, as_of: NaiveDate) -> bool {
        self.due_on.is_some_and(|due| due < as_of)
    }
}

/// Loads, parses and checks a preset file once (cached by the path as written).
fn load_preset(
    policy_file: &str,
    dir: &Path,
    written: &str,
    key: &str,
    presets: &mut BTreeMap<String, Layer>,
) -> Result<(), PolicyError> {
    if presets.contains_key(written) {
        return Ok(());
    }
    let target = dir.join(written);
    let name = target.display().to_string();
    let text = crate::input_file::read_regular_text(&target, crate::input_file::MAX_SETTINGS_BYTES)
        .map_err(|source| PolicyError::MissingFile {
            file: policy_file.to_string(),
            key: key.to_string(),
            what: "preset",
            target: name.clone(),
            source,
        })?;
    let raw: RawSettings =
        toml::from_str(&text).map_err(|e| PolicyError::from_toml(&name, &text, &e))?;
    let (layer, nested) = Checker {
        file: &name,
        prefix: String::new(),
    }
    .layer(raw)?;
    if let Some(nested) = nested {
        return Err(PolicyError::invalid(
            &name,
            "preset",
            "no `preset` key (a preset cannot name another preset)",
            format!("{nested:?}"),
        ));
    }
    presets.insert(written.to_string(), layer);
    Ok(())
}

#[cfg(test)]
mod seed_keys_tests;
#[cfg(test)]
mod tests;
