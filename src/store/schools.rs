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
    /// report reads.
    pub fn schools(&self, trusts: &[String]) -> Result<Vec<StoredSchool>, StoreError> {
        let mut schools = Vec::new();
        for trust in trusts {
            let Some(frame) = self.read_partition(Table::Schools, trust)? else {
                continue;
            };
            let fail = |source| StoreError::Parquet {
                path: self.root().join(Table::Schools.name()),
                source,
            };
            let urns = frame
                .column("school_urn")
                .and_then(|c| c.str().cloned())
                .map_err(fail)?;
            let names = frame
                .column("school_name")
                .and_then(|c| c.str().cloned())
                .map_err(fail)?;
            for (urn, name) in urns.iter().zip(names.iter()) {
                if let Some(urn) = urn {
                    schools.push(StoredSchool {
                        trust_id: trust.clone(),
                        urn: urn.to_string(),
                        name: name.unwrap_or_default().to_string(),
                    });
                }
            }
        }
        schools.sort();
        Ok(schools)
    }
}
