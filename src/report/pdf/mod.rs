//! PDF packs written by oversight itself (spec 03, "Charts and packs", "(added) PDF";
//! issue #19): no browser or other program on the user's machine.
//!
//! Typst, a typesetting engine used as a library, lays out a template of
//! `templates/*.typ` (compiled into the binary) fed one document's data as JSON: the
//! same page model the HTML pack is rendered from ([`pack`](super::pack) passes its
//! `Page`), so the two show the same words and figures. The data is read by the template
//! as the virtual file `page.json`; charts come inside it as their SVG, which Typst draws
//! as vectors with its text kept as text.
//!
//! What the files promise, and how:
//! - A4, set by the templates;
//! - fonts embedded: the only fonts Typst knows are DejaVu Sans and DejaVu Sans Bold from
//!   `assets/fonts/` (no system font is looked up), subset into the PDF;
//! - text extractable: Typst writes each font's Unicode map, and a tagged PDF;
//! - the same bytes for the same inputs: no creation date (the templates set the
//!   document's date to none and no timestamp is passed), and the document's identifier
//!   is made from a fixed name given by the caller, not from the clock or a random
//!   number.
//!
//! Any error in a template, or a warning, fails the report with Typst's message and the
//! template line: a template that Typst warns about is a bug of ours, not a reader's.

mod world;

use anyhow::bail;
use serde::Serialize;
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::Smart;
use typst::{World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

pub use world::Typesetter;

/// A document's template: the file `templates/<name>` its layout is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// The governors' pack (`templates/pack.typ`).
    GovernorsPack,
    /// One school's evidence pack (`templates/evidence.typ`).
    EvidencePack,
    /// The lead's to-do list (`templates/todo.typ`).
    TodoList,
}

impl Template {
    fn file(self) -> &'static str {
        match self {
            Template::GovernorsPack => "pack.typ",
            Template::EvidencePack => "evidence.typ",
            Template::TodoList => "todo.typ",
        }
    }
}

impl Typesetter {
    /// The PDF of `template` laid out with `data`. `ident` names the document for good
    /// (its output path): the PDF's identifier is made from it, so a second render of
    /// the same data gives the same bytes. `creator` is written as the PDF's creator.
    pub fn pdf(
        &self,
        template: Template,
        data: &impl Serialize,
        ident: &str,
        creator: &str,
    ) -> anyhow::Result<Vec<u8>> {
        let json = serde_json::to_vec(data)?;
        let world = self.world(template.file(), json)?;
        let warned = typst::compile::<PagedDocument>(&world);
        let document = warned
            .output
            .map_err(|errors| diagnostics(&world, template, &errors))?;
        if !warned.warnings.is_empty() {
            return Err(diagnostics(&world, template, &warned.warnings));
        }
        let options = PdfOptions {
            ident: Smart::Custom(ident.to_string()),
            creator: Smart::Custom(Some(creator.to_string())),
            timestamp: None,
            ..PdfOptions::default()
        };
        let bytes = typst_pdf::pdf(&document, &options)
            .map_err(|errors| diagnostics(&world, template, &errors))?;
        if document.pages().is_empty() {
            bail!("templates/{}: no page", template.file());
        }
        // What Typst remembered of this document and no other is let go, so memory
        // does not grow with the number of documents a report writes (a 40-trust
        // report's 201 PDFs peaked at 2.3 GB otherwise, 1.4 GB so).
        typst::comemo::evict(2);
        Ok(bytes)
    }
}

/// Each typesetting thread's stack. Typst lays out by recursion, and in a build whose
/// dependencies are unoptimised (the test and demo builds) a large pack needs more than
/// the 2 MiB a thread gets by default: a 40-trust report overflowed it.
const STACK: usize = 64 << 20;

/// Runs `work` on a pool of the machine's cores whose threads have [`STACK`] each: the
/// packs and to-do list are typeset there, each document on a thread of its own.
pub fn on_typesetting_threads<T: Send>(
    work: impl FnOnce() -> anyhow::Result<T> + Send,
) -> anyhow::Result<T> {
    rayon::ThreadPoolBuilder::new()
        .stack_size(STACK)
        .thread_name(|i| format!("typeset-{i}"))
        .build()?
        .install(work)
}

/// Frees what Typst remembered between documents (its memoised layouts and parsed
/// SVGs): called once the report's PDFs are written.
pub fn forget() {
    typst::comemo::evict(2);
}

/// Typst's messages as one error, each with its template and line.
fn diagnostics(
    world: &dyn World,
    template: Template,
    diagnostics: &[SourceDiagnostic],
) -> anyhow::Error {
    let lines: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let place = d
                .span
                .id()
                .and_then(|id| {
                    let source = world.source(id).ok()?;
                    let line = source.lines().byte_to_line(world.range(d.span)?.start)?;
                    Some(format!(
                        "templates/{}:{}",
                        id.vpath().get_without_slash(),
                        line + 1
                    ))
                })
                .unwrap_or_else(|| format!("templates/{}", template.file()));
            let hints: String = d
                .hints
                .iter()
                .map(|h| format!(" (hint: {})", h.v))
                .collect();
            format!("{place}: {severity}: {}{hints}", d.message)
        })
        .collect();
    anyhow::anyhow!("typesetting the PDF:\n{}", lines.join("\n"))
}
