//! The trend: three rates half-term by half-term across the years shown, for a trust or
//! one school, so a committee sees whether things are getting better:
//!
//! - supervisees who met their school's standard (spec 02 §1), at the half-term their
//!   period ended (a term is judged when its second half ends);
//! - actions done on time, of those due in the half-term (spec 02 §3);
//! - sessions recorded on time, of those held in the half-term (spec 02 §6).
//!
//! Every rate is a cell of `trend.csv` (the trust's from its `TOTAL` rows, worked out in
//! SQL from the schools' summed counts, never averaged); the chart counts nothing. Each series has its own dash and marker shape so the
//! lines stay apart in black and white; points of a half-term still in progress are
//! drawn hollow, as provisional.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{
    self, DrawResult, Fill, LINES, LineLook, MARGIN, MUTED, PENDING, Rect, Scale, Swatch, anchored,
    bold, font,
};
use super::{Chart, ChartKind, Drawing, Scope};
use crate::report::figures::{Figures, half_term_label};
use crate::report::published::{Figure, Percent, Trend};
use crate::report::words::{fig, period};

/// One point: a rate and whether it is provisional (its half-term is in progress).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Point {
    percent: Percent,
    provisional: bool,
}

#[derive(Debug, Clone)]
struct Series {
    name: String,
    look: LineLook,
    points: Vec<Option<Point>>,
}

/// The trend line chart.
#[derive(Debug, Clone)]
pub struct TrendChart {
    pub title: String,
    subtitle: String,
    columns: Vec<(String, String)>,
    in_progress: Vec<bool>,
    series: Vec<Series>,
}

const PLOT_HEIGHT: i32 = 270;
/// The hatching of a half-term in progress: lighter than the lines drawn over it.
const BAND_HATCH: RGBColor = RGBColor(0xb0, 0xb0, 0xb0);
const COLUMN_WIDTH: i32 = 70;

/// Builds the trend for `scope`.
pub fn build(figures: &Figures, scope: Scope) -> Chart {
    let columns = &figures.half_terms;
    let rows: &[Trend] = match scope {
        Scope::Trust(trust) => &trust.trend,
        Scope::School(_, school) => &school.trend,
    };
    let points =
        |rate: fn(&Trend) -> Figure<Percent>, provisional_allowed: bool| -> Vec<Option<Point>> {
            columns
                .iter()
                .map(|column| {
                    let row = rows
                        .iter()
                        .find(|t| t.period_id.as_ref().is_some_and(|p| p.id == column.id))?;
                    rate(row)
                        .value()
                        .filter(|_| provisional_allowed || !column.in_progress)
                        .map(|percent| Point {
                            percent,
                            provisional: column.in_progress,
                        })
                })
                .collect()
        };
    let frequency = points(|t| t.frequency_met_pct, false);
    let actions = points(|t| t.actions_on_time_pct, true);
    let recording = points(|t| t.recorded_on_time_pct, true);
    let series = vec![
        Series {
            name: "Supervisees who met their standard".to_string(),
            look: LINES[0],
            points: frequency,
        },
        Series {
            name: "Actions done on time".to_string(),
            look: LINES[1],
            points: actions,
        },
        Series {
            name: "Sessions recorded on time".to_string(),
            look: LINES[2],
            points: recording,
        },
    ];
    let reading = reading(figures, &series);
    let chart = TrendChart {
        title: format!("Trend by half-term: {}", scope.name()),
        subtitle: format!(
            "Shares of what was due or held each half-term, as of {}; hollow points are provisional.",
            figures.as_of_text()
        ),
        columns: columns.iter().map(|h| half_term_label(&h.id)).collect(),
        in_progress: columns.iter().map(|h| h.in_progress).collect(),
        series,
    };
    Chart {
        kind: ChartKind::Trend,
        reading,
        drawing: Drawing::Trend(chart),
    }
}

/// The latest settled figure of each series, against the one before it.
fn reading(figures: &Figures, series: &[Series]) -> Vec<String> {
    let phrases = [
        "of supervisees met their standard in the periods ending",
        "of actions due in",
        "of sessions held in",
    ];
    let endings = ["", " were done on time", " were recorded on time"];
    let mut sentences = Vec::new();
    for ((series, phrase), ending) in series.iter().zip(phrases).zip(endings) {
        let settled: Vec<(usize, Percent)> = series
            .points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.filter(|p| !p.provisional).map(|p| (i, p.percent)))
            .collect();
        let name = |i: usize| period(&figures.half_terms[i].id);
        match settled.as_slice() {
            [] => {}
            [(last, percent)] => sentences.push(format!(
                "{}% {phrase} {}{ending}.",
                fig(*percent),
                name(*last)
            )),
            [.., (before, before_percent), (last, percent)] => sentences.push(format!(
                "{}% {phrase} {}{ending}, against {}% in {}.",
                fig(*percent),
                name(*last),
                fig(*before_percent),
                name(*before)
            )),
        }
    }
    if sentences.is_empty() {
        sentences
            .push("No half-term shown has ended yet, so there is no trend to read.".to_string());
    }
    sentences
}

impl TrendChart {
    fn legend_entries(&self) -> Vec<(String, Swatch)> {
        let mut entries: Vec<(String, Swatch)> = self
            .series
            .iter()
            .map(|s| (s.name.clone(), Swatch::Line(s.look)))
            .collect();
        if self.in_progress.iter().any(|p| *p) {
            entries.push((
                "half-term in progress".to_string(),
                Swatch::Fill(Fill::hatched(PENDING)),
            ));
        }
        entries
    }

    fn width(&self) -> i32 {
        (2 * MARGIN + 80 + self.columns.len() as i32 * COLUMN_WIDTH).max(1000)
    }

    fn plot_top(&self) -> i32 {
        let width = self.width();
        let top = style::title_height(&self.subtitle, width);
        let (_, below) =
            style::legend_layout(&self.legend_entries(), MARGIN, top, width - 2 * MARGIN);
        below + 14
    }

    /// Width and height in pixels.
    pub fn size(&self) -> (u32, u32) {
        (
            self.width() as u32,
            (self.plot_top() + PLOT_HEIGHT + 100) as u32,
        )
    }

    /// Draws the chart.
    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        style::heading(area, &self.title, &self.subtitle, &self.legend_entries())?;
        let width = self.width();
        let top = self.plot_top();
        if self.columns.is_empty() {
            return style::nothing_to_show(area, top, "No half-term has started yet.");
        }
        let plot = Rect {
            left: MARGIN + 80,
            top,
            right: width - MARGIN,
            bottom: top + PLOT_HEIGHT,
        };
        let column_width = plot.width() / self.columns.len() as i32;
        let x_of = |i: usize| plot.left + column_width * i as i32 + column_width / 2;
        let y_of = |v: f64| plot.bottom - ((v / 100.0) * f64::from(plot.height())).round() as i32;

        for (i, in_progress) in self.in_progress.iter().enumerate() {
            if *in_progress {
                let band = Rect {
                    left: plot.left + column_width * i as i32,
                    top: plot.top,
                    right: plot.left + column_width * (i as i32 + 1),
                    bottom: plot.bottom,
                };
                area.draw(&Rectangle::new(
                    [(band.left, band.top), (band.right, band.bottom)],
                    PENDING.filled(),
                ))?;
                style::hatch(area, band, BAND_HATCH)?;
            }
        }
        style::value_axis_left(area, plot, Scale::percent(), true, "Per cent")?;
        for (i, (name, year)) in self.columns.iter().enumerate() {
            area.draw_text(
                name,
                &anchored(font(14.0), HPos::Center, VPos::Top),
                (x_of(i), plot.bottom + 8),
            )?;
            area.draw_text(
                year,
                &anchored(font(12.0).color(&MUTED), HPos::Center, VPos::Top),
                (x_of(i), plot.bottom + 27),
            )?;
        }
        area.draw_text(
            "Half-term",
            &anchored(bold(16.0), HPos::Center, VPos::Top),
            ((plot.left + plot.right) / 2, plot.bottom + 52),
        )?;
        for series in &self.series {
            // A line joins each point to the next one drawn: a termly rule is judged every
            // other half-term, and a half-term with nothing due has no point.
            let drawn: Vec<(usize, Point)> = series
                .points
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.map(|p| (i, p)))
                .collect();
            for pair in drawn.windows(2) {
                let [(i, a), (j, b)] = pair else { continue };
                style::line(
                    area,
                    (x_of(*i), y_of(a.percent.0)),
                    (x_of(*j), y_of(b.percent.0)),
                    series.look,
                )?;
            }
            for (i, point) in series.points.iter().enumerate() {
                if let Some(point) = point {
                    style::marker(
                        area,
                        (x_of(i), y_of(point.percent.0)),
                        series.look,
                        point.provisional,
                    )?;
                }
            }
        }
        Ok(())
    }
}
