//! Which pseudonymisation key a store's case refs were made with (issue #11).
//!
//! A case ref is an HMAC of the case id under the key, so the same case ingested with
//! another key gets another ref and would be stored twice (every open and drifting count
//! doubled). The store therefore records, at its first ingest, a fingerprint of the key
//! (an HMAC of a fixed label under the key: it says nothing of the key itself) and where
//! that key came from, and every later ingest and report must bring the same key.
//! `STORE/key-fingerprint.json`:
//!
//! ```json
//! { "fingerprint": "<64 hex>", "key_from": "/home/you/.config/oversight/key" }
//! ```

use serde::{Deserialize, Serialize};

/// The file that holds the record, in the store.
pub const KEY_FILE: &str = "key-fingerprint.json";

/// The key a store expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRecord {
    /// Lower-case hex HMAC-SHA256 of a fixed label under the key.
    pub fingerprint: String,
    /// Where the key came from at the first ingest, to tell a person where to find it.
    pub key_from: String,
}

impl KeyRecord {
    /// The first 12 hex digits: enough to tell keys apart in a message.
    pub fn short(&self) -> &str {
        &self.fingerprint[..self.fingerprint.len().min(12)]
    }
}
