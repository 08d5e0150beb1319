//! `oversight report --store DIR --policy FILE --out DIR [--as-of YYYY-MM-DD] [--year 2025/26]
//! [--trust TRUST_ID]... [--tables-only]`, or `--export-inputs DIR` instead of `--out`
//!
//! Computes every metric as of a date for one report year and writes the restricted and
//! governors' CSV files, the charts, the governors' and schools' packs and
//! `manifest.json`. With `--export-inputs DIR` it writes instead the queries' inputs
//! besides the store (the policy tables and `report_params`) for another engine.

use std::process::ExitCode;

use anyhow::Context;

use super::{spinner, today};
use crate::cli::{Output, ReportArgs};
use crate::context::{Draw, ReportRequest, ReportRun};
use crate::metrics;
use crate::report::published::{Published, Summary};
use crate::report::table::cell::Text;
use crate::report::{self, Written};
use crate::store::VersionChoice;

pub fn report(args: ReportArgs, output: Output) -> anyhow::Result<ExitCode> {
    // clap asks for exactly one of --out and --export-inputs.
    let (out, export) = match (&args.out, &args.export_inputs) {
        (_, Some(dir)) => (dir, true),
        (Some(out), None) => (out, false),
        (None, None) => anyhow::bail!("report needs --out DIR (or --export-inputs DIR)"),
    };
    let mut run = ReportRun::resolve(ReportRequest {
        store: &args.store,
        policy: &args.policy,
        out,
        as_of: args.as_of.unwrap_or_else(today),
        year: args.year,
        trusts: &args.trusts,
        draw: if args.tables_only {
            Draw::TablesOnly
        } else {
            Draw::Everything
        },
        key_file: args.key_file.as_deref(),
        version: match (args.store_version, args.store_as_of) {
            (Some(version), _) => VersionChoice::Version(version),
            (None, Some(date)) => VersionChoice::AsOf(date),
            (None, None) => VersionChoice::Newest,
        },
    })?;
    run.since = args.since.clone();
    if export {
        return export_inputs(&run, output);
    }
    let outcome = make_report(&run, output)?;
    if !output.quiet {
        out!("{}", outcome.summary(&run));
        if let Some(note) = run.on_defaults_note()? {
            outln!("{note}\n");
        }
        outln!(
            "{} files written to {}",
            outcome.written.len(),
            run.out.display()
        );
        if run.draw == Draw::Everything {
            outln!(
                "Governors' packs: {}",
                run.out.join(report::GOVERNORS_INDEX).display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the policy tables and `report_params` of `run` into its output folder, for
/// running `queries/` on another engine (`metrics::export`).
fn export_inputs(run: &ReportRun, output: Output) -> anyhow::Result<ExitCode> {
    let written = metrics::export::export_inputs(run, &run.out)
        .with_context(|| format!("exporting the queries' inputs into {}", run.out.display()))?;
    if !output.quiet {
        let trusts = match run.trusts.len() {
            1 => "1 trust".to_string(),
            n => format!("{n} trusts"),
        };
        outln!(
            "Report year {} as of {}, {trusts}: {} files written to {}",
            run.params.report_year,
            run.params.as_of,
            written.len(),
            run.out.display(),
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A finished report: the published figures and the files written.
pub struct ReportOutcome {
    pub published: Published,
    pub written: Vec<Written>,
}

/// Computes the metrics of `run` and writes every output.
pub fn make_report(run: &ReportRun, output: Output) -> anyhow::Result<ReportOutcome> {
    // A folder the report may not replace is refused before the metrics are computed.
    report::check_out(&run.out)?;
    let progress = spinner(output, "computing metrics");
    let started = std::time::Instant::now();
    let before = match &run.since {
        Some(dir) => Some(
            report::since::read(dir)
                .with_context(|| format!("reading the earlier report in {}", dir.display()))?,
        ),
        None => None,
    };
    // With the earlier years of `trend.csv`, in the same pass over the store (only the
    // queries behind it run for them): the same file whether or not the charts are drawn.
    let (mut metrics, earlier) = metrics::compute_with_earlier(
        run,
        report::EARLIER_YEARS,
        &report::published::EARLIER_YEAR_QUERIES,
    )?;
    if let Some(before) = before {
        metrics::since(&mut metrics, before.tables)?;
    }
    progress.finish_and_clear();
    let computed = started.elapsed();
    if output.verbose {
        for (query, took) in &metrics.timings {
            errln!("  {query:<22} {:>8.1} ms", took.as_secs_f64() * 1000.0);
        }
        errln!(
            "  {:<22} {:>8.1} ms ({} trusts; with {} earlier years for the trend)",
            "metrics in all",
            computed.as_secs_f64() * 1000.0,
            run.trusts.len(),
            earlier.len()
        );
    }
    let progress = spinner(output, "writing the report");
    let started = std::time::Instant::now();
    let (published, written) = report::write(run, &metrics, &earlier)
        .with_context(|| format!("writing the report into {}", run.out.display()))?;
    progress.finish_and_clear();
    if output.verbose {
        errln!(
            "  {:<22} {:>8.1} ms ({} files)",
            "files written",
            started.elapsed().as_secs_f64() * 1000.0,
            written.len()
        );
    }
    Ok(ReportOutcome { published, written })
}

impl ReportOutcome {
    /// Per school: frequency met %, actions on time %, drifting cases, DSLs over
    /// caseload, as `summary.csv` shows them.
    pub fn summary(&self, run: &ReportRun) -> String {
        summary_text(&self.published.summary, run)
    }
}

fn summary_text(rows: &[Summary], run: &ReportRun) -> String {
    let mut text = format!(
        "Report year {} as of {}\n\n{:<8} {:<7} {:<36} {:>10} {:>10} {:>9} {:>10}\n",
        run.params.report_year,
        run.params.as_of,
        "trust",
        "school",
        "name",
        "freq met %",
        "actions %",
        "drifting",
        "DSLs over"
    );
    for row in rows {
        let name: String = row.school_name.chars().take(36).collect();
        text.push_str(&format!(
            "{:<8} {:<7} {:<36} {:>10} {:>10} {:>9} {:>10}\n",
            row.trust_id,
            row.school_urn,
            name,
            row.frequency_met_pct.text(),
            row.actions_on_time_pct.text(),
            row.drifting_cases.text(),
            row.dsls_over_caseload,
        ));
    }
    text.push('\n');
    text
}
