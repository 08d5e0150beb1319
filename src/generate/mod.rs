//! `generate`: deterministic synthetic canonical bundles, the source of the benchmark
//! data and of large test data.
//!
//! [`generate`] writes one canonical bundle folder per invented trust (`OUT/TR0001/`,
//! ...; [`generate_one_bundle`] joins them into one folder), each with the eight files of the data contract (spec 01) in exactly its
//! columns and spellings, so the output ingests with no mapping file. The output is a
//! pure function of [`GenerateOptions`]: same options, same bytes, on any machine and
//! with any number of threads.
//!
//! It never writes real-looking child names: children exist only as case ids
//! (`K<urn>-<n>`). Staff are invented adults (a random first name and surname);
//! trusts and schools get invented place names.
//!
//! # How its shape was chosen
//! The figures follow what English schools and the five seed policies (spec 04) look
//! like, so that every metric of spec 02 meets real-looking cases and every policy rule
//! is both met and missed somewhere:
//! - **Trusts** have Pareto-distributed sizes: most hold 1–5 schools, a few 20–60, as
//!   academy trusts do. Phases are mostly primary, about a fifth secondary, a few
//!   special, alternative provision and all-through.
//! - **Staff** scale with phase (primary 20–35, secondary 60–120), with a headteacher,
//!   a DSL, 1–3 deputies, pastoral leads, year heads, SENCO and family support, some
//!   joining and leaving during the year, and supervision training that has lapsed for
//!   about a quarter of those trained.
//! - **Supervision** follows each school's traits: a compliance propensity (most
//!   schools good, some middling, a few poor), a pattern (half-termly 1:1s; monthly
//!   1:1s; group sessions with 1:1s for the DSL team), and whether it supervises only
//!   the DSL team and pastoral leads or also year heads, SENCO and family support. Some
//!   people are missed altogether. About 8% of planned sessions are cancelled or missed
//!   and then usually, not always, rescheduled within a week. Records are mostly
//!   written within a few days, sometimes late or not at all; a few go unsigned.
//!   Supervision contracts cover most supervisees, renewed yearly, some late or never.
//! - **Cases** number 2–6% of pupils (more in special schools and alternative
//!   provision), mostly concerns and early help, fewer CIN and CP, a few CLA and
//!   step-down; owned mostly by the DSL and deputies, with some DSLs carrying far more
//!   than a weighted caseload of 40. Safety scores mostly rise over time, some stay
//!   flat or fall; about 3% of discussions escalate. Actions are done on time, late,
//!   or left open and overdue.
//! - **Defects**: about one row in 5,000 carries a planted defect (an unknown enum
//!   value, a held session without its duration, a `done` action without
//!   `completed_on`, a discussion of an unknown case) so ingest's quarantine is
//!   exercised. No id ever repeats.
//!
//! Records span [`GenerateOptions::years`] academic years ending with the one that
//! contains [`GenerateOptions::today`]; nothing is dated after `today` except actions'
//! `due_on` and contracts' `review_due_on`.
//!
//! # Speed
//! Each trust is drawn from its own random stream (the seed mixed with the trust's
//! index), so trusts are written independently by one worker thread per core, and rows
//! are formatted on the stack: a national run (10,000 schools, several million rows)
//! takes seconds in a release build.

mod calendar;
mod names;
mod one_bundle;
mod plan;
mod rng;
mod school;
mod writer;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use chrono::{Datelike, NaiveDate};

use crate::contract::Table;

/// The number of trusts `oversight generate` writes by default.
pub const DEFAULT_TRUSTS: usize = 3;
/// The number of schools, over all trusts, written by default.
pub const DEFAULT_SCHOOLS: usize = 20;
/// The number of academic years of records written by default.
pub const DEFAULT_YEARS: u32 = 1;
/// The default seed.
pub const DEFAULT_SEED: u64 = 42;

/// The most years of records one run can span.
const MAX_YEARS: u32 = 30;

/// The chance that one row of a defect-carrying kind gets a planted defect. Those
/// kinds make up most rows, so about one row in 5,000 overall carries one.
const DEFECT_RATE: f64 = 1.0 / 4000.0;

/// What to generate. Every field matters: the output is a pure function of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Trusts, one bundle folder each (at least 1).
    pub trusts: usize,
    /// Schools over all trusts (at least `trusts`, at most 900,000: URNs are six digits).
    pub schools: usize,
    /// Academic years of records, ending with the one containing `today` (1–30).
    pub years: u32,
    /// The seed of every random choice.
    pub seed: u64,
    /// The generator's "now": records stop here. Pin it for reproducible output.
    pub today: NaiveDate,
}

impl Default for GenerateOptions {
    /// The command-line defaults, with `today` the real local date.
    fn default() -> Self {
        GenerateOptions {
            trusts: DEFAULT_TRUSTS,
            schools: DEFAULT_SCHOOLS,
            years: DEFAULT_YEARS,
            seed: DEFAULT_SEED,
            today: chrono::Local::now().date_naive(),
        }
    }
}

/// What a run wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateSummary {
    /// Bundle folders written (one per trust).
    pub bundles: usize,
    /// Data rows (headers excluded) per table over all bundles, keyed by file stem:
    /// `schools`, `staff`, `contracts`, `sessions`, `attendees`, `cases`,
    /// `discussions`, `actions`.
    pub rows: BTreeMap<&'static str, u64>,
    /// Bytes written over all files.
    pub bytes: u64,
    /// Rows that carry a planted defect: ingest should quarantine these (and rows that
    /// depend on a quarantined row, depending on how ingest treats those).
    pub defects: u64,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// A folder or file could not be created or written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The options cannot be satisfied (for example fewer schools than trusts).
    #[error("invalid generate options: {0}")]
    Options(String),
}

/// Everything a trust's generation reads, resolved once from the options.
#[derive(Debug)]
struct Ctx {
    seed: u64,
    today: NaiveDate,
    years: u32,
    /// 1 September of the first academic year of records.
    period_start: NaiveDate,
    /// The half-terms of the records' years that have started by `today`.
    half_terms: Vec<calendar::HalfTerm>,
    defect_rate: f64,
}

impl Ctx {
    fn new(options: &GenerateOptions, defect_rate: f64) -> Ctx {
        let current = calendar::academic_year_of(options.today);
        let first = current - (options.years as i32 - 1);
        let half_terms = (first..=current)
            .flat_map(calendar::half_terms)
            .filter(|ht| ht.start <= options.today)
            .collect();
        Ctx {
            seed: options.seed,
            today: options.today,
            years: options.years,
            period_start: calendar::year_start(first),
            half_terms,
            defect_rate,
        }
    }
}

fn validate(options: &GenerateOptions) -> Result<(), GenerateError> {
    let fail = |msg: String| Err(GenerateError::Options(msg));
    if options.trusts == 0 {
        return fail("--trusts must be at least 1".into());
    }
    if options.schools < options.trusts {
        return fail(format!(
            "--schools ({}) must be at least --trusts ({}): every trust has a school",
            options.schools, options.trusts
        ));
    }
    if options.schools as u64 > plan::URN_SPACE {
        return fail(format!(
            "--schools ({}) is more than the {} six-digit URNs",
            options.schools,
            plan::URN_SPACE
        ));
    }
    if !(1..=MAX_YEARS).contains(&options.years) {
        return fail(format!(
            "--years ({}) must be from 1 to {MAX_YEARS}",
            options.years
        ));
    }
    let first = calendar::academic_year_of(options.today) - (options.years as i32 - 1);
    if first < 2000 || options.today.year() > 9000 {
        return fail(format!(
            "today ({}) with --years {} puts the records before 2000/01 or after 9000",
            options.today, options.years
        ));
    }
    Ok(())
}

/// Writes one canonical bundle per trust into `out` (`out/TR0001/schools.csv`, ...),
/// creating folders as needed and overwriting files of the same name (folders of
/// trusts beyond `options.trusts` from an earlier run are left alone).
///
/// Trusts are written in parallel, one worker per available core; the bytes written
/// do not depend on the number of workers.
pub fn generate(out: &Path, options: &GenerateOptions) -> Result<GenerateSummary, GenerateError> {
    generate_with(out, options, DEFECT_RATE)
}

/// Writes every trust into ONE canonical bundle folder `out` (`out/schools.csv`, ...)
/// with the same rows as [`generate`]'s per-trust bundles, in trust order: one folder
/// holding a national or local-authority extract (`generate --one-bundle`).
pub fn generate_one_bundle(
    out: &Path,
    options: &GenerateOptions,
) -> Result<GenerateSummary, GenerateError> {
    one_bundle::generate_one_bundle(out, options, DEFECT_RATE)
}

fn generate_with(
    out: &Path,
    options: &GenerateOptions,
    defect_rate: f64,
) -> Result<GenerateSummary, GenerateError> {
    validate(options)?;
    std::fs::create_dir_all(out).map_err(writer::io_error(out))?;
    let ctx = Ctx::new(options, defect_rate);
    let plan = plan::Plan::new(options.seed, options.trusts, options.schools);
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(options.trusts);

    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let work = || -> Result<([u64; 8], u64, u64), GenerateError> {
        let (mut rows, mut bytes, mut defects) = ([0u64; 8], 0, 0);
        loop {
            let t = next.fetch_add(1, Ordering::Relaxed);
            if t >= options.trusts || failed.load(Ordering::Relaxed) {
                break;
            }
            let first = plan.first_school[t];
            let urns: Vec<u32> = (first..first + plan.sizes[t])
                .map(|i| plan.urn(i))
                .collect();
            let dir = out.join(school::trust_id(t));
            match school::write_trust(&dir, &ctx, t, &urns) {
                Ok((written, planted)) => {
                    for (total, n) in rows.iter_mut().zip(written.rows) {
                        *total += n;
                    }
                    bytes += written.bytes;
                    defects += planted;
                }
                Err(e) => {
                    failed.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
        }
        Ok((rows, bytes, defects))
    };
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers).map(|_| s.spawn(work)).collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });

    let mut summary = GenerateSummary {
        bundles: options.trusts,
        rows: Table::ALL.iter().map(|t| (t.name(), 0)).collect(),
        bytes: 0,
        defects: 0,
    };
    for result in results {
        let (rows, bytes, defects) = result?;
        for (table, n) in Table::ALL.iter().zip(rows) {
            *summary
                .rows
                .get_mut(table.name())
                .expect("every table is keyed") += n;
        }
        summary.bytes += bytes;
        summary.defects += defects;
    }
    Ok(summary)
}
