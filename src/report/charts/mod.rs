//! Charts for governors and inspectors (spec 03, "Charts and packs"), drawn with
//! plotters as SVG (for the packs and for print) and PNG (for slides and e-mail).
//!
//! Six charts, each drawn for a whole trust (`charts/<trust>/<chart>.svg|png`: schools
//! side by side) and for each school (`charts/<trust>/<urn>/<chart>.svg|png`: the
//! school's detail):
//!
//! | chart | file stem | from |
//! |---|---|---|
//! | [`FrequencyHeatmap`](heatmap) | `frequency-heatmap` | `frequency_by_school.csv` |
//! | [trend](trend) | `trend` | frequency, actions and recording by half-term |
//! | [actions by class](actions) | `actions-by-class` | `actions_by_school.csv` |
//! | [drift by flag](drift) | `drift-by-flag` | `drift_by_school.csv` |
//! | [caseload](caseload) | `caseload` | `workload_dsl.csv` |
//! | [recording quality](recording) | `recording-quality` | `recording_by_school.csv`, `summary.csv` |
//!
//! Every chart reads the governors' cells ([`Figures`]), so suppressed counts are drawn
//! as `c`; each comes with a plain-English reading of what it shows, for the packs.
//! The same drawing code runs on both backends, so the SVG and the PNG always agree.

mod actions;
mod bars;
mod caseload;
mod drift;
mod heatmap;
mod recording;
pub mod style;
mod trend;

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::figures::{Figures, SchoolFigures, TrustFigures};
use super::{Written, sha256, write_file};
use style::DrawResult;

/// The six charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChartKind {
    FrequencyHeatmap,
    Trend,
    ActionsByClass,
    DriftByFlag,
    Caseload,
    RecordingQuality,
}

impl ChartKind {
    /// Every chart, in the order the packs show them.
    pub const ALL: [ChartKind; 6] = [
        ChartKind::FrequencyHeatmap,
        ChartKind::Trend,
        ChartKind::ActionsByClass,
        ChartKind::DriftByFlag,
        ChartKind::Caseload,
        ChartKind::RecordingQuality,
    ];

    /// The file stem.
    pub fn stem(self) -> &'static str {
        match self {
            ChartKind::FrequencyHeatmap => "frequency-heatmap",
            ChartKind::Trend => "trend",
            ChartKind::ActionsByClass => "actions-by-class",
            ChartKind::DriftByFlag => "drift-by-flag",
            ChartKind::Caseload => "caseload",
            ChartKind::RecordingQuality => "recording-quality",
        }
    }
}

/// What a chart is drawn for.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// A whole trust: its schools side by side.
    Trust(&'a TrustFigures),
    /// One school of a trust.
    School(&'a TrustFigures, &'a SchoolFigures),
}

impl<'a> Scope<'a> {
    /// The schools the chart covers.
    pub fn schools(self) -> &'a [SchoolFigures] {
        match self {
            Scope::Trust(trust) => &trust.schools,
            Scope::School(_, school) => std::slice::from_ref(school),
        }
    }

    /// The trust's or the school's name, for titles.
    pub fn name(self) -> &'a str {
        match self {
            Scope::Trust(trust) => &trust.name,
            Scope::School(_, school) => &school.name,
        }
    }

    pub fn is_trust(self) -> bool {
        matches!(self, Scope::Trust(_))
    }
}

/// A chart's drawing, one of four shapes.
#[derive(Debug, Clone)]
pub enum Drawing {
    Bars(bars::BarChart),
    Panels(drift::DriftPanels),
    Heatmap(heatmap::FrequencyHeatmap),
    Trend(trend::TrendChart),
}

impl Drawing {
    fn title(&self) -> &str {
        match self {
            Drawing::Bars(chart) => &chart.title,
            Drawing::Panels(chart) => &chart.title,
            Drawing::Heatmap(chart) => &chart.title,
            Drawing::Trend(chart) => &chart.title,
        }
    }

    fn size(&self) -> (u32, u32) {
        match self {
            Drawing::Bars(chart) => chart.size(),
            Drawing::Panels(chart) => chart.size(),
            Drawing::Heatmap(chart) => chart.size(),
            Drawing::Trend(chart) => chart.size(),
        }
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        match self {
            Drawing::Bars(chart) => chart.draw(area),
            Drawing::Panels(chart) => chart.draw(area),
            Drawing::Heatmap(chart) => chart.draw(area),
            Drawing::Trend(chart) => chart.draw(area),
        }
    }
}

/// A chart ready to draw, with its plain-English reading.
#[derive(Debug, Clone)]
pub struct Chart {
    pub kind: ChartKind,
    pub drawing: Drawing,
    /// One or two sentences saying what the chart shows.
    pub reading: Vec<String>,
}

impl Chart {
    /// Builds chart `kind` for `scope`.
    pub fn build(kind: ChartKind, figures: &Figures, scope: Scope) -> Chart {
        match kind {
            ChartKind::FrequencyHeatmap => heatmap::build(figures, scope),
            ChartKind::Trend => trend::build(figures, scope),
            ChartKind::ActionsByClass => actions::build(figures, scope),
            ChartKind::DriftByFlag => drift::build(figures, scope),
            ChartKind::Caseload => caseload::build(figures, scope),
            ChartKind::RecordingQuality => recording::build(figures, scope),
        }
    }

    /// The chart's title.
    pub fn title(&self) -> &str {
        self.drawing.title()
    }

    /// The chart as an SVG document.
    pub fn svg(&self) -> anyhow::Result<String> {
        style::register_fonts();
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, self.drawing.size()).into_drawing_area();
            self.drawing
                .draw(&root)
                .map_err(|e| anyhow::anyhow!("drawing {}: {e}", self.kind.stem()))?;
            root.present()
                .map_err(|e| anyhow::anyhow!("drawing {}: {e}", self.kind.stem()))?;
        }
        Ok(svg)
    }

    /// Draws the chart as a PNG file at `path` and returns its bytes.
    pub fn png(&self, path: &Path) -> anyhow::Result<Vec<u8>> {
        style::register_fonts();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        {
            let root = BitMapBackend::new(path, self.drawing.size()).into_drawing_area();
            self.drawing
                .draw(&root)
                .map_err(|e| anyhow::anyhow!("drawing {}: {e}", path.display()))?;
            root.present()
                .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
        }
        std::fs::read(path).with_context(|| format!("cannot read back {}", path.display()))
    }
}

/// A chart as drawn: its title, reading and SVG, for the packs.
#[derive(Debug, Clone)]
pub struct RenderedChart {
    pub kind: ChartKind,
    pub title: String,
    pub reading: Vec<String>,
    pub svg: String,
}

/// Every chart drawn for a report: by trust, and by school.
#[derive(Debug, Default)]
pub struct ChartSet {
    /// Trust-wide charts, by trust id.
    pub trusts: std::collections::BTreeMap<String, Vec<RenderedChart>>,
    /// A school's charts, by (trust id, URN).
    pub schools: std::collections::BTreeMap<(String, String), Vec<RenderedChart>>,
}

/// Draws every chart of every trust and school under `out/charts/`; returns the charts
/// for the packs and the files written, in a fixed order.
///
/// Each trust's and school's charts are one job; the jobs are shared out over the
/// machine's cores (a trust of many schools has hundreds of charts) and their results
/// put back in job order, so the output does not depend on which thread drew what.
pub fn write(out: &Path, figures: &Figures) -> anyhow::Result<(ChartSet, Vec<Written>)> {
    let mut jobs: Vec<(String, Scope)> = Vec::new();
    for trust in &figures.trusts {
        let folder = format!("charts/{}", path_segment(&trust.id));
        jobs.push((folder.clone(), Scope::Trust(trust)));
        for school in &trust.schools {
            let school_folder = format!("{folder}/{}", path_segment(&school.urn));
            jobs.push((school_folder, Scope::School(trust, school)));
        }
    }
    let results: Vec<Mutex<Option<anyhow::Result<Drawn>>>> =
        jobs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len())
        .max(1);
    std::thread::scope(|threads_scope| {
        for _ in 0..threads {
            threads_scope.spawn(|| {
                loop {
                    let at = next.fetch_add(1, Ordering::Relaxed);
                    let Some((folder, scope)) = jobs.get(at) else {
                        break;
                    };
                    let drawn = draw_all(out, folder, figures, *scope);
                    *results[at].lock().expect("no thread panicked") = Some(drawn);
                }
            });
        }
    });

    let mut set = ChartSet::default();
    let mut written = Vec::new();
    for ((_, scope), result) in jobs.iter().zip(results) {
        let (charts, files) = result
            .into_inner()
            .expect("no thread panicked")
            .expect("every job ran")?;
        written.extend(files);
        match scope {
            Scope::Trust(trust) => {
                set.trusts.insert(trust.id.clone(), charts);
            }
            Scope::School(trust, school) => {
                set.schools
                    .insert((trust.id.clone(), school.urn.clone()), charts);
            }
        }
    }
    Ok((set, written))
}

/// One trust's or school's charts, and the files they were written to.
type Drawn = (Vec<RenderedChart>, Vec<Written>);

fn draw_all(out: &Path, folder: &str, figures: &Figures, scope: Scope) -> anyhow::Result<Drawn> {
    let mut rendered = Vec::new();
    let mut written = Vec::new();
    for kind in ChartKind::ALL {
        let chart = Chart::build(kind, figures, scope);
        let svg_path = format!("{folder}/{}.svg", kind.stem());
        let png_path = format!("{folder}/{}.png", kind.stem());
        let svg = chart.svg()?;
        write_file(&out.join(&svg_path), svg.as_bytes())?;
        let png = chart.png(&out.join(&png_path))?;
        for (path, bytes) in [(svg_path, svg.as_bytes()), (png_path, png.as_slice())] {
            written.push(Written {
                path,
                sha256: sha256(bytes),
                rows: 0,
            });
        }
        rendered.push(RenderedChart {
            kind,
            title: chart.title().to_string(),
            reading: chart.reading,
            svg,
        });
    }
    Ok((rendered, written))
}

/// An id as a safe folder name: letters, digits, `-` and `_` kept, anything else `_`.
pub fn path_segment(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
