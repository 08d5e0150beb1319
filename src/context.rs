//! A report run, resolved once (the `Run` context of `../shared/style/EXAMPLES.md`).
//!
//! `report` and `run` turn their command line into one [`ReportRun`]: the store opened,
//! the policy loaded with its bytes' SHA-256, the as-of date and the report year as
//! types, the trusts reported on, the output folder and what to draw. Every stage after
//! that (metrics, publication, CSV files, charts, packs, manifest) takes this context and
//! reads no file or flag again.

mod params;

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::NaiveDate;

pub use params::{ParamsError, ReportParams};

use crate::ingest::PseudonymKey;
use crate::policy::{AcademicYear, Policy, PolicyError};
use crate::store::{Store, StoreError, StoredSchool, VersionChoice};

/// What a report draws besides its CSV files and manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Draw {
    /// The CSV files and the manifest only (`report --tables-only`).
    TablesOnly,
    /// The charts and the packs too.
    Everything,
}

/// The policy file of a run: where it is, and the SHA-256 of the bytes that were read.
#[derive(Debug, Clone)]
pub struct PolicySource {
    /// As given on the command line.
    pub path: PathBuf,
    pub sha256: String,
}

/// Everything a report is made from, resolved once.
pub struct ReportRun {
    pub store: Store,
    pub policy: Policy,
    pub policy_source: PolicySource,
    /// The as-of date and the report year (spec 02).
    pub params: ReportParams,
    /// The trusts reported on, sorted.
    pub trusts: Vec<String>,
    /// The output folder.
    pub out: PathBuf,
    pub draw: Draw,
    /// An earlier report's folder to compare with (`report --since`).
    pub since: Option<PathBuf>,
}

/// What a command asks of a report, before anything is read.
#[derive(Debug, Clone)]
pub struct ReportRequest<'a> {
    pub store: &'a Path,
    pub policy: &'a Path,
    pub out: &'a Path,
    pub as_of: NaiveDate,
    /// The report year; by default the academic year of the as-of date.
    pub year: Option<AcademicYear>,
    /// The trusts to report on; empty for every trust in the store.
    pub trusts: &'a [String],
    pub draw: Draw,
    /// The key file given with `--key-file`, if any: the store's key fingerprint must
    /// match the key in use (issue #11).
    pub key_file: Option<&'a Path>,
    /// Which store version to report on.
    pub version: VersionChoice,
}

impl ReportRun {
    /// Opens the store for reading (refusing a missing or empty one, and a key other
    /// than the one it was made with), loads the policy and resolves the report year
    /// and the trusts.
    pub fn resolve(request: ReportRequest) -> anyhow::Result<ReportRun> {
        let mut store = Store::open_to_read(request.store, request.version)?;
        PseudonymKey::for_store(&store, request.key_file)?;
        let policy = Policy::load(request.policy)?;
        let policy_source = PolicySource {
            path: request.policy.to_path_buf(),
            sha256: policy.sha256().to_string(),
        };
        let params = ReportParams::resolve(&policy, request.as_of, request.year)
            .with_context(|| format!("the report year of {}", request.as_of))?;
        let trusts = store.trusts_in_scope(request.trusts)?;
        let schools = store.schools(&trusts)?;
        check_school_tables(&policy, request.policy, &store, &trusts, &schools)?;
        // Every file the report will read, checked against its commit first.
        store.verify_trusts(&trusts)?;
        Ok(ReportRun {
            store,
            policy,
            policy_source,
            params,
            trusts,
            out: request.out.to_path_buf(),
            draw: request.draw,
            since: None,
        })
    }

    /// The trust-wide suppression threshold of the policy.
    pub fn suppress_below(&self) -> u32 {
        self.policy.suppress_below()
    }

    /// One line naming the schools of the trusts reported that have no
    /// `[schools."URN"]` table and so use the policy's `[defaults]` only (spec 04: "The
    /// report names, once, the schools that use `[defaults]` only"); `None` when every
    /// school has a table of its own.
    pub fn on_defaults_note(&self) -> Result<Option<String>, StoreError> {
        let on_defaults: Vec<StoredSchool> = self
            .store
            .schools(&self.trusts)?
            .into_iter()
            .filter(|school| !self.policy.schools().contains_key(&school.urn))
            .collect();
        if on_defaults.is_empty() {
            return Ok(None);
        }
        let named: Vec<String> = on_defaults
            .iter()
            .map(|school| format!("{} {}", school.urn, crate::contract::excerpt(&school.name)))
            .collect();
        Ok(Some(format!(
            "On the trust defaults only (no [schools.\"URN\"] table in {}): {}",
            self.policy_source.path.display(),
            list_at_most(&named, 20)
        )))
    }
}

/// `items` joined with commas, at most `most` of them, then how many more there are.
fn list_at_most(items: &[String], most: usize) -> String {
    let mut text = items[..items.len().min(most)].join(", ");
    if items.len() > most {
        text.push_str(&format!(" and {} more", items.len() - most));
    }
    text
}

/// Refuses a policy whose `[schools."URN"]` table names no school the store holds (spec
/// 04, added; issue #19): a typo would quietly hand the school it meant the trust
/// defaults. A school of a trust the store holds but this report does not cover is
/// accepted: one policy file may serve several trusts (sample-data's does), and `--trust`
/// reports one of them; so is a school of the store's newest version when an earlier one
/// is reported (docs/decisions.md).
fn check_school_tables(
    policy: &Policy,
    file: &Path,
    store: &Store,
    trusts: &[String],
    reported: &[StoredSchool],
) -> anyhow::Result<()> {
    let known: Vec<&str> = reported.iter().map(|s| s.urn.as_str()).collect();
    let mut unknown = policy.school_urns_not_in(&known);
    if unknown.is_empty() {
        return Ok(());
    }
    let others: Vec<String> = store
        .all_trusts()
        .into_iter()
        .filter(|trust| !trusts.contains(trust))
        .collect();
    let elsewhere = store.schools(&others)?;
    unknown.retain(|urn| !elsewhere.iter().any(|school| school.urn == *urn));
    if !unknown.is_empty() && store.version() < store.history().head() {
        // An earlier version reported (`--store-version`): a school that joined since has
        // its table in today's policy.
        let newest = Store::open_to_read(store.root(), VersionChoice::Newest)?;
        let since = newest.schools(&newest.all_trusts())?;
        unknown.retain(|urn| !since.iter().any(|school| school.urn == *urn));
    }
    if unknown.is_empty() {
        return Ok(());
    }
    let reported: Vec<(&str, &str)> = reported
        .iter()
        .map(|s| (s.urn.as_str(), s.name.as_str()))
        .collect();
    Err(
        PolicyError::unknown_schools(&file.display().to_string(), trusts, &unknown, &reported)
            .into(),
    )
}
