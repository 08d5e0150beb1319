//! The schools a store version holds, by trust: what a policy's `[schools."URN"]` tables
//! are checked against (spec 04, issue #19) and what `oversight run` compares with the
//! sample's schools before it ingests into an existing store.

use super::{Store, StoreError};
use crate::contract::Table;

/// One school of the store: its trust, URN and name (the name as the export gave it:
/// a message shows it through [`crate::contract::excerpt`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StoredSchool {
    pub trust_id: String,
    pub urn: String,
    pub name: String,
}

impl Store {
    /// The schools of `trusts` at the version this store was opened at, sorted by trust
    /// and URN. Each partition is read checked against its commit, like every file a
    /// report reads, all of them at once ([`Store::read_trusts`]: one by one, a national
    /// store's 2,500 were a tenth of its report; issue #20).
    pub fn schools(&self, trusts: &[String]) -> Result<Vec<StoredSchool>, StoreError> {
        let Some(frame) = self.read_trusts(Table::Schools, trusts)? else {
            return Ok(Vec::new());
        };
        let fail = |source| StoreError::Parquet {
            path: self.root().join(Table::Schools.name()),
            source,
        };
        let text = |name: &str| {
            frame
                .column(name)
                .and_then(|c| c.str().cloned())
                .map_err(fail)
        };
        let (trust_ids, urns, names) =
            (text("trust_id")?, text("school_urn")?, text("school_name")?);
        let mut schools: Vec<StoredSchool> = trust_ids
            .iter()
            .zip(urns.iter())
            .zip(names.iter())
            .filter_map(|((trust_id, urn), name)| {
                Some(StoredSchool {
                    trust_id: trust_id?.to_string(),
                    urn: urn?.to_string(),
                    name: name.unwrap_or_default().to_string(),
                })
            })
            .collect();
        schools.sort();
        Ok(schools)
    }
}
