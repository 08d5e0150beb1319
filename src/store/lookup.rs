//! What ingest needs to know of stored rows to check references: read on demand, one
//! partition at a time, and only the id columns.
//!
//! A full bundle names only its own rows, so a national ingest rarely reads the store
//! at all; a bundle that adds sessions to staff ingested last term reads just that
//! trust's staff ids.

use std::collections::{HashMap, HashSet};

use super::{Store, StoreError};
use crate::contract::{Entry, Stored, Table};

/// Stored ids, loaded lazily and kept for the rest of the ingest.
pub struct StoredRows<'s> {
    store: &'s Store,
    schools: Option<HashMap<String, String>>,
    /// `(table, trust)` → id → the session's supervisor (for sessions only).
    partitions: HashMap<(Table, String), HashMap<String, Option<String>>>,
    /// Tables whose every partition has been loaded.
    complete: HashSet<Table>,
}

impl<'s> StoredRows<'s> {
    pub fn new(store: &'s Store) -> Self {
        StoredRows {
            store,
            schools: None,
            partitions: HashMap::new(),
            complete: HashSet::new(),
        }
    }

    fn partition(
        &mut self,
        table: Table,
        trust_id: &str,
    ) -> Result<&HashMap<String, Option<String>>, StoreError> {
        let key = (table, trust_id.to_string());
        if !self.partitions.contains_key(&key) {
            let ids = self.read_ids(table, trust_id)?;
            self.partitions.insert(key.clone(), ids);
        }
        Ok(&self.partitions[&key])
    }

    fn read_ids(
        &self,
        table: Table,
        trust_id: &str,
    ) -> Result<HashMap<String, Option<String>>, StoreError> {
        let Some(frame) = self.store.read_partition(table, trust_id)? else {
            return Ok(HashMap::new());
        };
        let path = self.store.root().join(table.name());
        let fail = |source| StoreError::Parquet {
            path: path.clone(),
            source,
        };
        let id_name = super::frame::key_names(table).remove(0);
        let ids = frame
            .column(&id_name)
            .and_then(|c| c.str().cloned())
            .map_err(fail)?;
        let supervisors = match table {
            Table::Sessions => Some(
                frame
                    .column("supervisor_id")
                    .and_then(|c| c.str().cloned())
                    .map_err(fail)?,
            ),
            _ => None,
        };
        let mut map = HashMap::with_capacity(ids.len());
        for (at, id) in ids.iter().enumerate() {
            let supervisor = supervisors
                .as_ref()
                .and_then(|s| s.get(at))
                .map(str::to_string);
            if let Some(id) = id {
                map.insert(id.to_string(), supervisor);
            }
        }
        Ok(map)
    }
}

impl Stored for StoredRows<'_> {
    fn school_trust(&mut self, urn: &str) -> anyhow::Result<Option<String>> {
        if self.schools.is_none() {
            let mut schools = HashMap::new();
            for trust in self.store.trusts(Table::Schools) {
                for urn in self.read_ids(Table::Schools, &trust)?.into_keys() {
                    schools.insert(urn, trust.clone());
                }
            }
            self.schools = Some(schools);
        }
        Ok(self.schools.as_ref().and_then(|s| s.get(urn)).cloned())
    }

    fn find(&mut self, table: Table, trust_id: &str, id: &str) -> anyhow::Result<Option<Entry>> {
        Ok(self
            .partition(table, trust_id)?
            .get(id)
            .map(|supervisor_id| Entry {
                trust_id: trust_id.to_string(),
                supervisor_id: supervisor_id.clone(),
            }))
    }

    fn trusts_holding(&mut self, table: Table, id: &str) -> anyhow::Result<Vec<String>> {
        let trusts = self.store.trusts(table);
        if self.complete.insert(table) {
            for trust in &trusts {
                self.partition(table, trust)?;
            }
        }
        Ok(trusts
            .into_iter()
            .filter(|trust| {
                self.partitions
                    .get(&(table, trust.clone()))
                    .is_some_and(|ids| ids.contains_key(id))
            })
            .collect())
    }

    fn trust_ids(&mut self) -> anyhow::Result<Vec<String>> {
        Ok(self.store.all_trusts())
    }
}
