//! `oversight report --store DIR --policy FILE --out DIR [--as-of YYYY-MM-DD] [--year 2025/26]
//! [--trust TRUST_ID]... [--tables-only]`
//!
//! Computes every metric as of a date for one report year and writes the restricted and
//! governors' CSV files, the charts, the governors' and schools' packs and
//! `manifest.json`.

use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;

use super::{spinner, today};
use crate::cli::{Output, ReportArgs};
use crate::metrics::{self, Metrics, ReportParams};
use crate::policy::Policy;
use crate::report::{self, Written};
use crate::store::Store;

pub fn report(args: ReportArgs, output: Output) -> anyhow::Result<ExitCode> {
    let outcome = make_report(&args, output)?;
    if !output.quiet {
        print!("{}", outcome.summary());
        println!(
            "{} files written to {}",
            outcome.files(),
            args.out.display()
        );
        if !args.tables_only {
            println!(
                "Governors' pack: {}",
                args.out.join(report::GOVERNORS_PACK).display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A finished report: the figures and the files written.
pub struct ReportOutcome {
    pub metrics: Metrics,
    pub written: Vec<Written>,
    /// The policy's suppression threshold, for the printed summary.
    pub suppress_below: u32,
}

impl ReportOutcome {
    /// How many files were written.
    pub fn files(&self) -> usize {
        self.written.len()
    }
}

/// Loads the policy, computes the metrics over the store (over the trusts `--trust`
/// names, or every trust) and writes every output.
pub fn make_report(args: &ReportArgs, output: Output) -> anyhow::Result<ReportOutcome> {
    let (store_dir, policy_path, out) = (&args.store, &args.policy, &args.out);
    let as_of: NaiveDate = args.as_of.unwrap_or_else(today);
    let store = Store::open_to_read(store_dir)?;
    super::check_report_key(&store, args.key_file.as_deref())?;
    let policy = Policy::load(policy_path)?;
    let params = ReportParams::resolve(&policy, as_of, args.year.as_deref())?;
    let progress = spinner(output, "computing metrics");
    let started = std::time::Instant::now();
    let trusts = store.trusts_in_scope(&args.trusts)?;
    let metrics = metrics::compute(&store, &policy, &params, &trusts)?;
    // The earlier years are for the trend chart only.
    let earlier = if args.tables_only {
        Vec::new()
    } else {
        metrics::earlier_years(
            &store,
            &policy,
            &params,
            &trusts,
            report::EARLIER_YEARS,
            &report::EARLIER_YEAR_FILES,
        )?
    };
    progress.finish_and_clear();
    let computed = started.elapsed();
    if output.verbose {
        for (query, took) in &metrics.timings {
            eprintln!("  {query:<22} {:>8.1} ms", took.as_secs_f64() * 1000.0);
        }
        eprintln!(
            "  {:<22} {:>8.1} ms ({} trusts; with {} earlier years for the trend)",
            "metrics in all",
            computed.as_secs_f64() * 1000.0,
            trusts.len(),
            earlier.len()
        );
    }
    let progress = spinner(output, "writing the report");
    let started = std::time::Instant::now();
    let extent = if args.tables_only {
        report::Extent::TablesOnly
    } else {
        report::Extent::Everything { earlier: &earlier }
    };
    let written = report::write(out, &metrics, extent, &policy, policy_path, &store, &trusts)
        .with_context(|| format!("writing the report into {}", out.display()))?;
    progress.finish_and_clear();
    if output.verbose {
        eprintln!(
            "  {:<22} {:>8.1} ms ({} files)",
            "files written",
            started.elapsed().as_secs_f64() * 1000.0,
            written.len()
        );
    }
    Ok(ReportOutcome {
        metrics,
        written,
        suppress_below: policy.suppress_below(),
    })
}

impl ReportOutcome {
    /// Per school: frequency met %, actions on time %, drifting cases, DSLs over caseload.
    pub fn summary(&self) -> String {
        summary_text(&self.metrics, self.suppress_below)
    }
}

fn summary_text(metrics: &Metrics, suppress_below: u32) -> String {
    let file = report::OUTPUT_FILES
        .iter()
        .find(|f| f.name == "summary")
        .expect("summary is an output");
    let rows = report::render(file, metrics, suppress_below).unwrap_or_default();
    let at = |name: &str| {
        file.columns
            .iter()
            .position(|c| *c == name)
            .expect("a summary column")
    };
    let mut text = format!(
        "Report year {} as of {}\n\n{:<8} {:<7} {:<36} {:>10} {:>10} {:>9} {:>10}\n",
        metrics.params.report_year,
        metrics.params.as_of,
        "trust",
        "school",
        "name",
        "freq met %",
        "actions %",
        "drifting",
        "DSLs over"
    );
    for row in rows {
        let name: String = row[at("school_name")].chars().take(36).collect();
        text.push_str(&format!(
            "{:<8} {:<7} {:<36} {:>10} {:>10} {:>9} {:>10}\n",
            row[at("trust_id")],
            row[at("school_urn")],
            name,
            row[at("frequency_met_pct")],
            row[at("actions_on_time_pct")],
            row[at("drifting_cases")],
            row[at("dsls_over_caseload")],
        ));
    }
    text.push('\n');
    text
}
