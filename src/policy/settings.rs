//! The parts of a school's resolved settings that are not one value each: a supervision
//! [`Rule`], and where a setting came from ([`Origin`], [`SettingLayer`]). The settings
//! themselves are declared in `keys.rs`.

use std::collections::BTreeMap;
use std::fmt::Display;

use chrono::NaiveDate;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::calendar::Granularity;
use crate::model::SessionKind;

/// A supervision rule: at least `min` sessions of the `kinds` per period, a longest gap
/// between sessions, or both.
///
/// `per` and `min` are both set or both absent; at least one of `per` and
/// `max_gap_working_days` is set (the policy loader enforces it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// The rule's name, unique within a school (`half-termly`).
    pub name: String,
    /// The session kinds that count, distinct, in canonical order.
    #[serde(serialize_with = "ser_list")]
    pub kinds: Vec<SessionKind>,
    /// The period the `min` is counted over.
    pub per: Option<Granularity>,
    /// The least number of sessions per period.
    pub min: Option<u32>,
    /// The most working days allowed between qualifying sessions.
    pub max_gap_working_days: Option<u32>,
    /// Only planned sessions count (Lode Heath: ad-hoc sessions "should not replace
    /// planned, formal, recorded, one to one sessions").
    pub planned_only: bool,
    /// Only sessions of at least this many minutes count (Captain Cook: "for a period of
    /// two hours").
    pub min_minutes: Option<u32>,
}

/// The layer a resolved setting was taken from (04-policy.md, "Resolution").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingLayer {
    /// Nobody set it: the spec's default.
    BuiltIn,
    /// The policy file's `[defaults]`.
    TrustDefaults,
    /// The preset named by `[defaults]` (a trust-wide preset).
    TrustPreset,
    /// The preset named by the school's own table: the school's own policy.
    SchoolPreset,
    /// The school's own `[schools."URN"]` table.
    School,
}

/// Where one resolved setting came from, with the policy's own words when the layer
/// quoted them (a preset's `[source]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub layer: SettingLayer,
    /// The preset's path as written, for the two preset layers.
    pub preset: Option<String>,
    /// The sentence of the school's (or trust's) policy behind the setting.
    pub quote: Option<String>,
}

impl Origin {
    pub(super) const BUILT_IN: Origin = Origin {
        layer: SettingLayer::BuiltIn,
        preset: None,
        quote: None,
    };
}

pub(super) fn ser_date<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(d) => s.serialize_str(&d.to_string()),
        None => s.serialize_none(),
    }
}

pub(super) fn ser_list<S: Serializer, T: Display>(items: &[T], s: S) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(items.len()))?;
    for item in items {
        seq.serialize_element(&item.to_string())?;
    }
    seq.end()
}

pub(super) fn ser_map<S: Serializer, K: Display, V: Serialize>(
    map: &BTreeMap<K, V>,
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut out = s.serialize_map(Some(map.len()))?;
    for (k, v) in map {
        out.serialize_entry(&k.to_string(), v)?;
    }
    out.end()
}
