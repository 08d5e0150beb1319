//! Drifting cases by flag (spec 02 §4): how many open cases drift, and for which reason.
//!
//! A case may carry several flags, so the flags are drawn side by side, never stacked:
//! for a trust as small multiples (a panel per reason, a row per school), for a school as
//! a bar per reason. These are counts of children's cases: 1 and 2 are suppressed
//! (spec 02), and a suppressed count is drawn as `c` where its bar would start.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::bars::{Bar, BarChart, Group, Value, suppressed_legend};
use super::style::{
    self, DrawResult, Fill, GRID, INK, MARGIN, MUTED, Rect, SERIES, Swatch, anchored, bold, font,
};
use super::{Chart, ChartKind, Drawing, Scope};
use crate::model::DriftFlag;
use crate::report::figures::{Figures, join_names};
use crate::report::published::{DriftBySchool, Figure};
use crate::report::words::{date, fig, name, policy};

/// What the first bar counts: drifting cases, whatever the reason.
const DRIFTING: &str = "drifting (any reason)";

/// The names of the counts drawn, in the order of [`counts`]: drifting, then each flag
/// as [`DriftFlag::label`] words it.
fn names() -> impl Iterator<Item = &'static str> {
    std::iter::once(DRIFTING).chain(DriftFlag::ALL.iter().map(|f| f.label()))
}

/// The seventh bar's fill (nobody holds the case): a grey hatch, apart from the six
/// series fills in black and white too.
const NOBODY: Fill = Fill::hatched(RGBColor(0x80, 0x80, 0x80));

/// A school's drifting count and flag counts (`drift_by_school.csv`), in [`names`] order.
fn counts(row: &DriftBySchool) -> impl Iterator<Item = Figure<u64>> + '_ {
    std::iter::once(row.drifting).chain(DriftFlag::ALL.iter().map(|&f| row.flag(f)))
}

fn values(row: Option<&DriftBySchool>) -> Vec<Value> {
    match row {
        Some(row) => counts(row)
            .map(|figure| Value::of(figure, "none"))
            .collect(),
        None => names().map(|_| Value::count(0)).collect(),
    }
}

/// A count of cases as words: the number, or what `c` stands for.
pub fn count_words(figure: Figure<u64>, figures: &Figures) -> String {
    match figure {
        Figure::Suppressed => policy(figures.suppressed_range()),
        other => fig(other),
    }
}

/// Builds the chart for `scope`: for a trust, a panel per reason with a row per school
/// (small multiples: each panel names its reason, so no value has to be matched to a
/// legend); for a school, a bar per reason.
pub fn build(figures: &Figures, scope: Scope) -> Chart {
    let title = format!("Drifting cases: {}", scope.name());
    let subtitle = format!(
        "Children's cases open on {} that show drift or delay, by reason; a case can have more than one reason.",
        figures.as_of_text()
    );
    let drawing = match scope {
        Scope::Trust(trust) => Drawing::Panels(DriftPanels {
            title,
            subtitle,
            reasons: names().map(str::to_string).collect(),
            rows: trust
                .schools
                .iter()
                .map(|school| {
                    let row = school.drift.as_ref();
                    PanelRow {
                        label: school.name.clone(),
                        detail: format!(
                            "open cases: {}",
                            row.map_or_else(
                                || "0".to_string(),
                                |r| crate::report::table::cell::Text::text(&r.open_cases)
                            )
                        ),
                        values: values(row),
                    }
                })
                .collect(),
            legend: vec![suppressed_legend(figures)],
        }),
        Scope::School(_, school) => Drawing::Bars(BarChart {
            title,
            subtitle,
            value_axis: "Number of open cases".to_string(),
            category_axis: "Reason".to_string(),
            percent: false,
            stacked: false,
            series: names()
                .zip(SERIES.into_iter().chain([NOBODY]))
                .map(|(name, fill)| (name.to_string(), fill))
                .collect(),
            series_legend: false,
            extra_legend: vec![suppressed_legend(figures)],
            groups: names()
                .zip(values(school.drift.as_ref()))
                .enumerate()
                .map(|(series, (name, value))| Group {
                    label: name.to_string(),
                    detail: None,
                    bars: vec![Bar::single(value, series)],
                })
                .collect(),
            empty_message: String::new(),
        }),
    };
    Chart {
        kind: ChartKind::DriftByFlag,
        reading: reading(figures, scope),
        drawing,
    }
}

/// One school's row of the panels.
#[derive(Debug, Clone)]
struct PanelRow {
    label: String,
    detail: String,
    values: Vec<Value>,
}

/// Drifting cases by reason for a trust: a panel per reason, a row per school, one
/// scale shared by every panel.
#[derive(Debug, Clone)]
pub struct DriftPanels {
    pub title: String,
    subtitle: String,
    reasons: Vec<String>,
    rows: Vec<PanelRow>,
    legend: Vec<(String, Swatch)>,
}

/// The chart width.
const WIDTH: i32 = 1000;
const LABEL_WIDTH: i32 = 230;
const ROW_HEIGHT: i32 = 44;
const HEADER_HEIGHT: i32 = 46;

impl DriftPanels {
    fn plot_top(&self) -> i32 {
        let top = style::title_height(&self.subtitle, WIDTH);
        let (_, below) = style::legend_layout(&self.legend, MARGIN, top, WIDTH - 2 * MARGIN);
        below + 6
    }

    /// Width and height in pixels.
    pub fn size(&self) -> (u32, u32) {
        let rows = self.rows.len().max(1) as i32;
        (
            WIDTH as u32,
            (self.plot_top() + HEADER_HEIGHT + rows * ROW_HEIGHT + 56) as u32,
        )
    }

    /// Draws the panels.
    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        style::heading(area, &self.title, &self.subtitle, &self.legend)?;
        let top = self.plot_top();
        if self.rows.is_empty() {
            return style::nothing_to_show(area, top, "No school to show.");
        }
        let left = MARGIN + 28 + LABEL_WIDTH + 10;
        let panel_width = (WIDTH - MARGIN - left) / self.reasons.len() as i32;
        let rows_top = top + HEADER_HEIGHT;
        let rows_bottom = rows_top + ROW_HEIGHT * self.rows.len() as i32;
        let largest = self
            .rows
            .iter()
            .flat_map(|r| &r.values)
            .filter_map(|v| match v {
                Value::Shown(n, _) => Some(*n),
                _ => None,
            })
            .fold(1.0, f64::max);
        let bar_room = f64::from(panel_width - 44);

        for (p, reason) in self.reasons.iter().enumerate() {
            let panel_left = left + panel_width * p as i32;
            let header_style = bold(13.0);
            let lines = style::wrap(reason, &header_style, panel_width - 8, 2);
            let mut y = top + if lines.len() == 1 { 18 } else { 10 };
            for line in lines {
                area.draw_text(
                    &line,
                    &anchored(header_style.clone(), HPos::Center, VPos::Center),
                    (panel_left + panel_width / 2, y),
                )?;
                y += 17;
            }
            area.draw(&PathElement::new(
                vec![(panel_left, rows_top), (panel_left, rows_bottom)],
                INK.stroke_width(1),
            ))?;
            let fill = if p == 0 { SERIES[0] } else { SERIES[1] };
            for (r, row) in self.rows.iter().enumerate() {
                let mid = rows_top + ROW_HEIGHT * r as i32 + ROW_HEIGHT / 2;
                let start = panel_left + 1;
                match &row.values[p] {
                    Value::Shown(n, text) => {
                        let end = start + ((n / largest) * bar_room).round() as i32;
                        style::paint(
                            area,
                            Rect {
                                left: start,
                                top: mid - 10,
                                right: end,
                                bottom: mid + 10,
                            },
                            fill,
                        )?;
                        area.draw_text(
                            text,
                            &anchored(font(15.0), HPos::Left, VPos::Center),
                            (end + 5, mid),
                        )?;
                    }
                    Value::Suppressed => style::suppressed_mark(area, (start + 5, mid), 17.0)?,
                    Value::Missing(words) => area.draw_text(
                        words,
                        &anchored(font(13.0), HPos::Left, VPos::Center),
                        (start + 5, mid),
                    )?,
                }
            }
        }
        let label_style = font(16.0);
        let detail_style = font(13.0).color(&MUTED);
        for (r, row) in self.rows.iter().enumerate() {
            let row_top = rows_top + ROW_HEIGHT * r as i32;
            let mid = row_top + ROW_HEIGHT / 2;
            area.draw(&PathElement::new(
                vec![(left - 4, row_top), (WIDTH - MARGIN, row_top)],
                GRID.stroke_width(1),
            ))?;
            area.draw_text(
                &style::fit(&row.label, &label_style, LABEL_WIDTH),
                &anchored(label_style.clone(), HPos::Right, VPos::Center),
                (left - 10, mid - 8),
            )?;
            area.draw_text(
                &style::fit(&row.detail, &detail_style, LABEL_WIDTH),
                &anchored(detail_style.clone(), HPos::Right, VPos::Center),
                (left - 10, mid + 11),
            )?;
        }
        area.draw(&PathElement::new(
            vec![(left, rows_bottom), (WIDTH - MARGIN, rows_bottom)],
            INK.stroke_width(1),
        ))?;
        area.draw_text(
            "Number of open cases, by reason",
            &anchored(bold(16.0), HPos::Center, VPos::Top),
            ((left + WIDTH - MARGIN) / 2, rows_bottom + 12),
        )?;
        style::rotated_title(area, "School", (MARGIN, (rows_top + rows_bottom) / 2))
    }
}

/// The names with the largest count above zero and the count: "A (9)", "A and B (3
/// each)"; `None` when every shown count is zero.
fn most_named(counts: &[(String, u64)]) -> Option<String> {
    let most = counts.iter().map(|(_, n)| *n).max().filter(|n| *n > 0)?;
    let names: Vec<&str> = counts
        .iter()
        .filter(|(_, n)| *n == most)
        .map(|(name, _)| name.as_str())
        .collect();
    let each = if names.len() > 1 { " each" } else { "" };
    Some(format!("{} ({}{each})", join_names(&names), fig(most)))
}

fn reading(figures: &Figures, scope: Scope) -> Vec<String> {
    let (summary, place) = match scope {
        Scope::Trust(trust) => (&trust.total, " across the trust"),
        Scope::School(_, school) => (&school.summary, ""),
    };
    let open_words = count_words(summary.open_cases, figures);
    let on = date(figures.as_of_text());
    let mut sentences = vec![match summary.drifting_cases {
        Figure::Value(0) => {
            format!("None of the {open_words} open cases{place} was drifting on {on}.")
        }
        Figure::Suppressed => format!(
            "{} of the {open_words} open cases{place} were drifting on {on} (shown as c so that no child can be identified).",
            policy(crate::report::figures::capitalised(
                &figures.suppressed_range()
            ))
        ),
        other => format!(
            "{} of the {open_words} open cases{place} were drifting on {on}.",
            count_words(other, figures)
        ),
    }];
    match scope {
        Scope::Trust(trust) => {
            let counts: Vec<(String, u64)> = trust
                .schools
                .iter()
                .filter_map(|s| Some((name(&s.name), s.drift.as_ref()?.drifting.value()?)))
                .collect();
            if let Some(most) = most_named(&counts) {
                sentences.push(format!("The most were at {most}."));
            }
        }
        Scope::School(_, school) => {
            let counts: Vec<(String, u64)> = school.drift.as_ref().map_or(Vec::new(), |row| {
                DriftFlag::ALL
                    .iter()
                    .filter_map(|&f| Some((f.label().to_string(), row.flag(f).value()?)))
                    .collect()
            });
            if let Some(most) = most_named(&counts) {
                sentences.push(format!("The most common reason: {most}."));
            }
        }
    }
    sentences
}
