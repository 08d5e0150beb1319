//! What a reference can point at: rows accepted from the bundle being checked, rows
//! accepted from earlier bundles of the same ingest, and rows already in the store.
//!
//! Ids are unique within one bundle (spec 01), so inside a bundle an id alone finds its
//! row and, through it, the trust. Across bundles and in the store the same id may exist
//! in several trusts, so those lookups are by `(trust, id)`, and finding a trust from an
//! id alone only works when exactly one trust holds it.

use std::collections::HashMap;

use crate::contract::Table;
pub use crate::contract::{Entry, Stored};

/// An empty store.
pub struct NothingStored;

impl Stored for NothingStored {
    fn school_trust(&mut self, _urn: &str) -> anyhow::Result<Option<String>> {
        Ok(None)
    }
    fn find(&mut self, _: Table, _: &str, _: &str) -> anyhow::Result<Option<Entry>> {
        Ok(None)
    }
    fn trusts_holding(&mut self, _: Table, _: &str) -> anyhow::Result<Vec<String>> {
        Ok(Vec::new())
    }
    fn trust_ids(&mut self) -> anyhow::Result<Vec<String>> {
        Ok(Vec::new())
    }
}

/// The trust ids an ingest knows: stored ones (read once, on the first schools row) and
/// those of schools rows accepted so far, so a trust id that differs from a known one
/// only by case is told from a new trust (spec 01, "A school that changes trust").
#[derive(Default)]
pub struct TrustIds {
    /// Stored trust ids by their lower-case form; `None` until first needed.
    stored: Option<HashMap<String, String>>,
    /// Trust ids of accepted schools rows by their lower-case form, as first written.
    accepted: HashMap<String, String>,
}

/// A known trust id that a new one differs from only by case.
pub enum SameTrust {
    Stored(String),
    Accepted(String),
}

impl TrustIds {
    /// The known trust id that `trust_id` differs from only by case, if it is not
    /// itself known as written. Trust ids are compared after trimming (cells are
    /// trimmed when read, so surrounding spaces never make a new trust either).
    pub fn differing_by_case(
        &mut self,
        stored: &mut dyn Stored,
        trust_id: &str,
    ) -> anyhow::Result<Option<SameTrust>> {
        let trust_id = trust_id.trim();
        let lower = trust_id.to_lowercase();
        if self.stored.is_none() {
            let ids = stored.trust_ids()?;
            self.stored = Some(ids.into_iter().map(|id| (id.to_lowercase(), id)).collect());
        }
        let stored = self.stored.as_ref().and_then(|ids| ids.get(&lower));
        let accepted = self.accepted.get(&lower);
        if stored.is_some_and(|id| id == trust_id) || accepted.is_some_and(|id| id == trust_id) {
            return Ok(None);
        }
        Ok(match (stored, accepted) {
            (Some(id), _) => Some(SameTrust::Stored(id.clone())),
            (None, Some(id)) => Some(SameTrust::Accepted(id.clone())),
            (None, None) => None,
        })
    }

    /// Records the trust id of an accepted schools row.
    pub fn accept(&mut self, trust_id: &str) {
        self.accepted
            .entry(trust_id.trim().to_lowercase())
            .or_insert_with(|| trust_id.trim().to_string());
    }
}

/// Rows accepted so far by this ingest, by table and id.
///
/// Looked up for nearly every row read, so hashed with foldhash (seeded at random per
/// process, as polars hashes the same ids) rather than SipHash: the lookups were a
/// quarter of a one-folder ingest's checking thread (issue #20).
#[derive(Default)]
pub struct Accepted {
    rows: FastMap<Table, FastMap<String, Vec<Entry>>>,
}

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

impl Accepted {
    pub fn insert(&mut self, table: Table, id: String, entry: Entry) {
        let holders = self.rows.entry(table).or_default().entry(id).or_default();
        holders.retain(|held| held.trust_id != entry.trust_id);
        holders.push(entry);
    }

    fn holders(&self, table: Table, id: &str) -> &[Entry] {
        self.rows
            .get(&table)
            .and_then(|ids| ids.get(id))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether `trust_id` holds row `id` of `table`.
    fn holds(&self, table: Table, trust_id: &str, id: &str) -> bool {
        self.holders(table, id)
            .iter()
            .any(|e| e.trust_id == trust_id)
    }
}

/// Where a reference was found.
pub enum Found {
    Yes(Entry),
    /// Not found anywhere.
    No,
    /// Held by several trusts: it must come in the same bundle as the row that names it.
    Ambiguous(Vec<String>),
}

/// The lookups of one bundle's check: its own rows first, then this ingest's earlier
/// bundles, then the store.
pub struct Known<'a> {
    pub bundle: Accepted,
    pub earlier: &'a mut Accepted,
    pub stored: &'a mut dyn Stored,
    /// The trust ids of the store and of this ingest's accepted schools rows.
    pub trusts: &'a mut TrustIds,
}

impl Known<'_> {
    /// Records a row accepted from this bundle.
    pub fn accept(&mut self, table: Table, id: String, entry: Entry) {
        if table == Table::Schools {
            self.trusts.accept(&entry.trust_id);
        }
        self.bundle.insert(table, id, entry);
    }

    /// The known trust id that `trust_id` differs from only by case, if any.
    pub fn trust_differing_by_case(&mut self, trust_id: &str) -> anyhow::Result<Option<SameTrust>> {
        self.trusts.differing_by_case(&mut *self.stored, trust_id)
    }

    /// The trust of school `urn`.
    pub fn school_trust(&mut self, urn: &str) -> anyhow::Result<Option<String>> {
        if let Some(entry) = self.bundle.holders(Table::Schools, urn).first() {
            return Ok(Some(entry.trust_id.clone()));
        }
        if let Some(entry) = self.earlier.holders(Table::Schools, urn).last() {
            return Ok(Some(entry.trust_id.clone()));
        }
        self.stored.school_trust(urn)
    }

    /// Finds row `id` of `table` when its trust is not yet known (the row that names it
    /// has no school of its own, like an attendee naming a session).
    pub fn find_any_trust(&mut self, table: Table, id: &str) -> anyhow::Result<Found> {
        if let Some(entry) = self.bundle.holders(table, id).first() {
            return Ok(Found::Yes(entry.clone()));
        }
        let mut trusts: Vec<String> = self
            .earlier
            .holders(table, id)
            .iter()
            .map(|e| e.trust_id.clone())
            .collect();
        for trust in self.stored.trusts_holding(table, id)? {
            if !trusts.contains(&trust) {
                trusts.push(trust);
            }
        }
        match trusts.len() {
            0 => Ok(Found::No),
            1 => {
                let trust = trusts.remove(0);
                Ok(self
                    .find_in_trust(table, &trust, id)?
                    .map_or(Found::No, Found::Yes))
            }
            _ => {
                trusts.sort();
                Ok(Found::Ambiguous(trusts))
            }
        }
    }

    /// Finds row `id` of `table` within `trust_id`.
    pub fn find_in_trust(
        &mut self,
        table: Table,
        trust_id: &str,
        id: &str,
    ) -> anyhow::Result<Option<Entry>> {
        let in_memory = |accepted: &Accepted| {
            accepted
                .holders(table, id)
                .iter()
                .find(|e| e.trust_id == trust_id)
                .cloned()
        };
        if let Some(entry) = in_memory(&self.bundle).or_else(|| in_memory(self.earlier)) {
            return Ok(Some(entry));
        }
        self.stored.find(table, trust_id, id)
    }

    /// Whether row `id` of `table` is known within `trust_id` (as [`find_in_trust`],
    /// without copying what it finds).
    ///
    /// [`find_in_trust`]: Known::find_in_trust
    pub fn holds_in_trust(
        &mut self,
        table: Table,
        trust_id: &str,
        id: &str,
    ) -> anyhow::Result<bool> {
        if self.bundle.holds(table, trust_id, id) || self.earlier.holds(table, trust_id, id) {
            return Ok(true);
        }
        Ok(self.stored.find(table, trust_id, id)?.is_some())
    }

    /// Hands this bundle's accepted rows on to the bundles after it.
    pub fn finish(self) {
        // The first bundle's rows are all there is: they are handed on whole.
        if self.earlier.rows.is_empty() {
            *self.earlier = self.bundle;
            return;
        }
        for (table, ids) in self.bundle.rows {
            for (id, entries) in ids {
                for entry in entries {
                    self.earlier.insert(table, id.clone(), entry);
                }
            }
        }
    }
}
