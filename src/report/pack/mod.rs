//! The HTML packs (spec 03, "Charts and packs"): `governors/<trust>/pack.html` (and
//! `governors/index.html` linking them) for the
//! governors' committee and `schools/<trust>/<urn>/evidence.html` for an inspection.
//!
//! Each is one self-contained file: CSS and SVG charts inline, no script, no address of
//! anything outside it, so it opens and prints the same anywhere, offline, years later.
//! The pages come from minijinja templates in `templates/` (compiled into the binary)
//! with HTML auto-escaping switched on for every template, whatever its name: every
//! school, staff and trust name from an export is escaped where it lands. The only
//! unescaped text is the charts' SVG, which plotters escapes itself. The `marked` filter
//! escapes a text and turns its marks ([`words`](crate::report::words)) into elements,
//! so every figure of a pack is a `<span class="fig">` a test can trace to its CSV.
//!
//! Each pack is written as PDF too, beside its HTML (`governors/<trust>/pack.pdf`,
//! `schools/<trust>/<urn>/evidence.pdf`), by `report::pdf` from the very `Page` the
//! HTML is rendered from: one page model, two layouts, and a test that reads both and
//! finds the same words and figures.

mod model;

use std::path::Path;

use anyhow::Context;
use minijinja::{AutoEscape, Environment};
use rayon::prelude::*;

use super::charts::ChartSet;
use super::figures::{Figures, SchoolFigures, TrustFigures};
use super::manifest::Manifest;
use super::pdf::{self, Template, Typesetter};
use super::words::{self, date, name, year};
use super::{Written, sha256, write_file};
use model::{ChartView, Page, Sources, TrustView};

pub use model::evidence_path;

/// The index of the governors' packs, relative to the output folder: what `run` prints.
pub const GOVERNORS_INDEX: &str = "governors/index.html";

/// A trust's governors' pack, relative to the output folder.
pub fn governors_pack(trust_id: &str) -> String {
    format!(
        "governors/{}/pack.html",
        super::charts::path_segment(trust_id)
    )
}

/// A page's PDF, beside its HTML: the same path ending `.pdf`.
pub fn pdf_twin(html: &str) -> String {
    let stem = html.strip_suffix(".html").unwrap_or(html);
    format!("{stem}.pdf")
}

/// The templates, by name.
const TEMPLATES: [(&str, &str); 6] = [
    (
        "base.html.j2",
        include_str!("../../../templates/base.html.j2"),
    ),
    (
        "macros.html.j2",
        include_str!("../../../templates/macros.html.j2"),
    ),
    (
        "pack.html.j2",
        include_str!("../../../templates/pack.html.j2"),
    ),
    (
        "evidence.html.j2",
        include_str!("../../../templates/evidence.html.j2"),
    ),
    (
        "todo.html.j2",
        include_str!("../../../templates/todo.html.j2"),
    ),
    (
        "index.html.j2",
        include_str!("../../../templates/index.html.j2"),
    ),
];

/// Every template, HTML-escaped whatever its name, with the `safe`, `length` and
/// `marked` filters.
pub(super) fn environment() -> anyhow::Result<Environment<'static>> {
    let mut env = Environment::empty();
    // Escape everything, whatever a template is called.
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    // `safe` marks the charts' SVG, the one text that is markup already.
    env.add_filter("safe", minijinja::filters::safe);
    env.add_filter("length", minijinja::filters::length);
    env.add_filter("marked", marked);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .with_context(|| format!("templates/{name}"))?;
    }
    Ok(env)
}

/// A text for HTML: escaped, with each mark an element of its class.
fn marked(text: &str) -> minijinja::Value {
    let mut html = String::with_capacity(text.len());
    for (mark, piece) in words::pieces(text) {
        let escaped = minijinja::HtmlEscape(piece).to_string();
        match mark {
            None => html.push_str(&escaped),
            Some(mark) => {
                html.push_str(&format!(
                    r#"<span class="{}">{escaped}</span>"#,
                    mark.class()
                ));
            }
        }
    }
    minijinja::Value::from_safe_string(html)
}

/// Renders `template` with `page` as its context.
pub(super) fn render(
    env: &Environment,
    template: &str,
    page: &impl serde::Serialize,
) -> anyhow::Result<Vec<u8>> {
    let text = env
        .get_template(template)
        .and_then(|t| t.render(minijinja::Value::from_serialize(page)))
        .with_context(|| format!("rendering templates/{template}"))?;
    Ok(text.into_bytes())
}

/// Writes `bytes` to `path` under `out`, and says so.
fn write_output(out: &Path, path: String, bytes: &[u8]) -> anyhow::Result<Written> {
    write_file(&out.join(&path), bytes)?;
    Ok(Written {
        path,
        sha256: sha256(bytes),
        rows: 0,
    })
}

/// Writes `page` as HTML (from `html`) and as PDF (from `pdf`) at `path` and beside it.
fn write_both(
    out: &Path,
    env: &Environment,
    typesetter: &Typesetter,
    (html, pdf): (&str, Template),
    path: String,
    page: &Page,
) -> anyhow::Result<[Written; 2]> {
    let html = write_output(out, path, &render(env, html, page)?)?;
    let pdf_path = pdf_twin(&html.path);
    let bytes = typesetter.pdf(pdf, page, &pdf_path, &page.tool)?;
    Ok([html, write_output(out, pdf_path, &bytes)?])
}

/// Writes each trust's governors' pack, the index linking them, and each school's
/// evidence pack, each pack as HTML and PDF; `manifest` gives the inputs and policy the
/// evidence packs quote, and `csv_files` the governors' files (with their SHA-256) the
/// figures are printed from.
pub fn write(
    out: &Path,
    figures: &Figures,
    charts: &ChartSet,
    manifest: &Manifest,
    csv_files: &[Written],
) -> anyhow::Result<Vec<Written>> {
    let env = environment()?;
    let typesetter = Typesetter::new()?;
    let tool = format!("oversight {}", manifest.version);
    let notes = model::notes(figures, &manifest.inputs);
    let as_of = date(figures.as_of_text());
    let school_charts = |trust: &str, urn: &str| {
        charts
            .schools
            .get(&(trust.to_string(), urn.to_string()))
            .map_or(&[][..], Vec::as_slice)
    };

    // One pack per trust (spec 03: "A national store never yields one file holding
    // every trust"), and the index linking them.
    let governors_pack_of = |trust: &TrustFigures| -> anyhow::Result<[Written; 2]> {
        let page = Page {
            title: format!(
                "Safeguarding supervision {}: {}: governors' pack",
                figures.report_year, trust.name
            ),
            heading: format!("Safeguarding supervision: {}", name(&trust.name)),
            subtitle: format!(
                "Governors' pack for {}, figures as of {as_of}",
                year(figures.report_year)
            ),
            notes: notes.clone(),
            trusts: vec![TrustView {
                name: trust.name.clone(),
                id: trust.id.clone(),
                headlines: model::headlines(figures, trust),
                summary: model::summary_table(trust),
                attention: model::attention(figures, trust),
                charts: charts
                    .trusts
                    .get(&trust.id)
                    .into_iter()
                    .flatten()
                    .map(ChartView::new)
                    .collect(),
            }],
            schools: trust
                .schools
                .iter()
                .map(|school| {
                    model::school_view(
                        figures,
                        trust,
                        school,
                        school_charts(&trust.id, &school.urn),
                        false,
                    )
                })
                .collect(),
            sources: None,
            tool: tool.clone(),
        };
        write_both(
            out,
            &env,
            &typesetter,
            ("pack.html.j2", Template::GovernorsPack),
            governors_pack(&trust.id),
            &page,
        )
    };

    let link = |path: String| path.trim_start_matches("governors/").to_string();
    let index = model::IndexPage {
        title: format!(
            "Safeguarding supervision {}: governors' packs",
            figures.report_year
        ),
        heading: "Safeguarding supervision: governors' packs".to_string(),
        subtitle: format!(
            "One pack per trust for {}, figures as of {as_of}",
            year(figures.report_year)
        ),
        notes: notes.clone(),
        trusts: figures
            .trusts
            .iter()
            .map(|trust| model::IndexEntry {
                name: trust.name.clone(),
                id: trust.id.clone(),
                pack: link(governors_pack(&trust.id)),
                pack_pdf: link(pdf_twin(&governors_pack(&trust.id))),
                schools: trust
                    .schools
                    .iter()
                    .map(|school| {
                        let evidence = format!("../{}", evidence_path(&trust.id, &school.urn));
                        (school.name.clone(), evidence.clone(), pdf_twin(&evidence))
                    })
                    .collect(),
            })
            .collect(),
        tool: tool.clone(),
    };
    let index = write_output(
        out,
        GOVERNORS_INDEX.to_string(),
        &render(&env, "index.html.j2", &index)?,
    )?;

    let governors_files: Vec<(String, String)> = csv_files
        .iter()
        .filter(|w| w.path.starts_with("governors/"))
        .map(|w| (w.path.clone(), w.sha256.clone()))
        .collect();
    // Each school's evidence pack is rendered and written on its own.
    let evidence_pack_of =
        |trust: &TrustFigures, school: &SchoolFigures| -> anyhow::Result<[Written; 2]> {
            let page = Page {
                title: format!(
                    "Safeguarding supervision evidence: {} ({})",
                    school.name, figures.report_year
                ),
                heading: format!("Safeguarding supervision evidence: {}", name(&school.name)),
                subtitle: format!(
                    "URN {}, {}. Report year {}, figures as of {as_of}",
                    name(&school.urn),
                    name(&trust.name),
                    year(figures.report_year)
                ),
                notes: notes.clone(),
                trusts: Vec::new(),
                schools: vec![model::school_view(
                    figures,
                    trust,
                    school,
                    school_charts(&trust.id, &school.urn),
                    true,
                )],
                sources: Some(Sources {
                    version: manifest.version.to_string(),
                    as_of: manifest.as_of.clone(),
                    report_year: manifest.report_year.clone(),
                    policy_file: manifest.policy.file.clone(),
                    policy_sha256: manifest.policy.sha256.clone(),
                    inputs: manifest
                        .inputs
                        .iter()
                        .filter(|input| input.feeds(&trust.id))
                        .cloned()
                        .collect(),
                    files: governors_files.clone(),
                }),
                tool: tool.clone(),
            };
            write_both(
                out,
                &env,
                &typesetter,
                ("evidence.html.j2", Template::EvidencePack),
                evidence_path(&trust.id, &school.urn),
                &page,
            )
        };

    // Every pack, governors' and evidence, is one job; the jobs are shared out over the
    // machine's cores together (a trust's governors' pack takes as long as several
    // evidence packs: run one after the other, one core waited for it) and listed in
    // order: the governors' packs in trust order, the index, then the evidence packs in
    // school order, each HTML before its PDF.
    let jobs: Vec<(&TrustFigures, Option<&SchoolFigures>)> = figures
        .trusts
        .iter()
        .map(|trust| (trust, None))
        .chain(figures.trusts.iter().flat_map(|trust| {
            trust
                .schools
                .iter()
                .map(move |school| (trust, Some(school)))
        }))
        .collect();
    let packs = jobs
        .par_iter()
        .map(|(trust, school)| match school {
            None => governors_pack_of(trust),
            Some(school) => evidence_pack_of(trust, school),
        })
        .collect::<anyhow::Result<Vec<[Written; 2]>>>()?;
    pdf::forget();
    let (governors, evidence) = packs.split_at(figures.trusts.len());
    let mut written: Vec<Written> = governors.iter().flatten().cloned().collect();
    written.push(index);
    written.extend(evidence.iter().flatten().cloned());
    Ok(written)
}
