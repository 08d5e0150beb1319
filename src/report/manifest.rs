//! `manifest.json`: what a report was made from (spec 03): the tool version, the as-of
//! date and report year, the store version read, the policy file's SHA-256 and the
//! resolved policy, each input file's SHA-256 and row counts (from the store's log, up
//! to that version), what disclosure control
//! suppressed and that its audit pinned no cell (spec 02, "Disclosure control"), and
//! each output file's SHA-256. An auditor can tell exactly what a pack was made from.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Written;
use super::published::DisclosureRecord;
use crate::context::ReportRun;
use crate::store::Store;

/// The manifest's file name in the output folder.
pub const FILE: &str = "manifest.json";

#[derive(Debug, Serialize)]
pub struct Manifest {
    pub tool: &'static str,
    pub version: &'static str,
    pub as_of: String,
    pub report_year: String,
    /// The store version the report read: `report --store-version N` rebuilds it.
    pub store: StoreRecord,
    pub policy: PolicyRecord,
    pub inputs: Vec<InputRecord>,
    /// Disclosure control over the published set, and its audit.
    pub disclosure: DisclosureRecord,
    pub outputs: Vec<OutputRecord>,
}

/// The store version a report read (its number only: the same store content and
/// version give the same manifest, however long ago it was committed).
#[derive(Debug, Serialize)]
pub struct StoreRecord {
    pub version: u64,
}

#[derive(Debug, Serialize)]
pub struct PolicyRecord {
    pub file: String,
    pub sha256: String,
    pub resolved: serde_json::Value,
}

/// One ingested file, as the store's ingest log last recorded it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct InputRecord {
    pub file: String,
    pub table: String,
    pub sha256: String,
    pub rows_read: u64,
    pub rows_stored: u64,
    pub rows_quarantined: u64,
    /// The trusts its stored rows belong to, `;`-separated (empty when none was stored:
    /// such a file is listed for every trust, since its rows may have been meant for any).
    #[serde(default)]
    pub trust_ids: String,
}

impl InputRecord {
    /// Whether the file fed trust `trust_id`'s figures, or may have.
    pub fn feeds(&self, trust_id: &str) -> bool {
        self.feeds_where(|t| t == trust_id)
    }

    /// Whether the file fed (or may have fed) any of `trust_ids`' figures.
    pub fn feeds_any(&self, trust_ids: &std::collections::HashSet<&str>) -> bool {
        self.feeds_where(|t| trust_ids.contains(t))
    }

    /// A file that records no trusts may have fed any.
    fn feeds_where(&self, fed: impl Fn(&str) -> bool) -> bool {
        self.trust_ids.is_empty() || self.trust_ids.split(';').any(fed)
    }
}

#[derive(Debug, Serialize)]
pub struct OutputRecord {
    pub file: String,
    pub sha256: String,
    pub rows: usize,
}

impl Manifest {
    /// The manifest of `run`, with what disclosure control did; its outputs are set
    /// once every file is written ([`Manifest::set_outputs`]).
    pub fn new(run: &ReportRun, disclosure: &DisclosureRecord) -> anyhow::Result<Manifest> {
        Ok(Manifest {
            tool: "oversight",
            version: env!("CARGO_PKG_VERSION"),
            as_of: run.params.as_of.to_string(),
            report_year: run.params.report_year.to_string(),
            store: StoreRecord {
                version: run.store.version(),
            },
            policy: PolicyRecord {
                file: run.policy_source.path.display().to_string(),
                sha256: run.policy_source.sha256.clone(),
                resolved: run.policy.to_json(),
            },
            inputs: {
                // A set: a national report has 2,500 trusts and 20,000 inputs.
                let reported: std::collections::HashSet<&str> =
                    run.trusts.iter().map(String::as_str).collect();
                inputs(&run.store)
                    .into_iter()
                    .filter(|input| input.feeds_any(&reported))
                    .collect()
            },
            disclosure: disclosure.clone(),
            outputs: Vec::new(),
        })
    }

    /// Replaces the outputs listed. The report makes the manifest before the packs, which
    /// quote its inputs and policy, and lists every output once all are written.
    pub fn set_outputs(&mut self, written: &[Written]) {
        self.outputs = output_records(written);
    }

    pub fn to_json_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest serialises");
        bytes.push(b'\n');
        bytes
    }
}

fn output_records(written: &[Written]) -> Vec<OutputRecord> {
    written
        .iter()
        .map(|w| OutputRecord {
            file: w.path.clone(),
            sha256: w.sha256.clone(),
            rows: w.rows,
        })
        .collect()
}

/// Every distinct input file (by path and content) and table the store's versions up to
/// the one reported on record, with the counts of its latest ingest, sorted by path.
fn inputs(store: &Store) -> Vec<InputRecord> {
    // Keyed by table too: a flat export is one file that several tables are read from.
    let mut latest: BTreeMap<(String, String, String), InputRecord> = BTreeMap::new();
    for commit in store
        .history()
        .commits
        .iter()
        .take(store.version() as usize)
    {
        for input in &commit.inputs {
            latest.insert(
                (
                    input.file.clone(),
                    input.sha256.clone(),
                    input.table.clone(),
                ),
                InputRecord {
                    file: input.file.clone(),
                    table: input.table.clone(),
                    sha256: input.sha256.clone(),
                    rows_read: input.rows_read,
                    rows_stored: input.rows_stored,
                    rows_quarantined: input.rows_quarantined,
                    trust_ids: input.trust_ids.join(";"),
                },
            );
        }
    }
    latest.into_values().collect()
}
