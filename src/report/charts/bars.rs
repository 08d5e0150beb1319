//! Horizontal bar charts, the shape of most charts (actions by class, caseloads,
//! recording quality, a school's drift reasons): one labelled group per school, DSL,
//! half-term or reason, each with stacked or side-by-side bars.
//!
//! Bars run left to right so long school and staff names sit on one line at the left,
//! however many rows there are; the chart grows downwards with its rows. Every bar has its
//! value written at its end, and a suppressed value is drawn as the letter `c` where its
//! bar would start, never as an empty (zero) bar.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{
    self, DrawResult, Fill, INK, MARGIN, MUTED, Rect, Scale, Swatch, anchored, bold, font,
};
use crate::report::figures::Figures;
use crate::report::published::Figure;
use crate::report::table::cell::{Magnitude, Text};

/// A bar's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A number and how it is written (as in the CSV).
    Shown(f64, String),
    /// A suppressed count, or a figure worked out from one: drawn as `c`.
    Suppressed,
    /// Nothing to show, with the words written instead (`no sessions`).
    Missing(String),
}

impl Value {
    /// A published figure: drawn to its value and labelled as its CSV cell is written,
    /// `c` when suppressed, or `missing` (the words shown instead) when empty.
    pub fn of<T: Magnitude + Text>(figure: Figure<T>, missing: &str) -> Value {
        match figure {
            Figure::Value(v) => Value::Shown(v.magnitude(), v.text()),
            Figure::Suppressed => Value::Suppressed,
            Figure::Empty => Value::Missing(missing.to_string()),
        }
    }

    /// A count that is never suppressed (actions, sessions).
    pub fn count(n: u64) -> Value {
        Value::Shown(n as f64, n.to_string())
    }
}

/// The legend entry saying what `c` stands for.
pub fn suppressed_legend(figures: &Figures) -> (String, Swatch) {
    (
        format!(
            "= {} cases, not shown so that no child can be identified",
            figures.suppressed_range()
        ),
        Swatch::Suppressed,
    )
}

/// One bar: its parts (one unless stacked), each with the series it belongs to.
#[derive(Debug, Clone)]
pub struct Bar {
    pub parts: Vec<(Value, usize)>,
    /// Written after the bar's value (`over the threshold`).
    pub note: Option<String>,
    /// A policy threshold drawn across this bar as a dashed tick.
    pub threshold: Option<f64>,
}

impl Bar {
    /// A bar of one value in series `series`.
    pub fn single(value: Value, series: usize) -> Bar {
        Bar {
            parts: vec![(value, series)],
            note: None,
            threshold: None,
        }
    }
}

/// A labelled row of the chart: a school, a DSL or a half-term.
#[derive(Debug, Clone)]
pub struct Group {
    pub label: String,
    /// A second, smaller line under the label (a DSL's school).
    pub detail: Option<String>,
    pub bars: Vec<Bar>,
}

/// A horizontal bar chart.
#[derive(Debug, Clone)]
pub struct BarChart {
    pub title: String,
    pub subtitle: String,
    /// The value axis title (below the bars).
    pub value_axis: String,
    /// The category axis title (at the left).
    pub category_axis: String,
    /// Values are percentages (0 to 100).
    pub percent: bool,
    /// Parts of a bar are stacked end to end, each labelled inside its part.
    pub stacked: bool,
    /// The series names and fills.
    pub series: Vec<(String, Fill)>,
    /// Whether the series are named in a legend (not when the row labels name them).
    pub series_legend: bool,
    /// Extra legend entries (the threshold, the `c`).
    pub extra_legend: Vec<(String, Swatch)>,
    pub groups: Vec<Group>,
    /// Shown when there are no groups.
    pub empty_message: String,
}

/// Chart width in pixels.
const WIDTH: u32 = 1000;
/// The label column's width.
const LABEL_WIDTH: i32 = 290;

impl BarChart {
    fn bar_height(&self) -> i32 {
        let most = self.groups.iter().map(|g| g.bars.len()).max().unwrap_or(1);
        match most {
            0 | 1 => 30,
            2 => 22,
            3 | 4 => 18,
            _ => 15,
        }
    }

    fn group_height(&self, group: &Group) -> i32 {
        let bars = group.bars.len().max(1) as i32;
        let label_lines = if group.detail.is_some() { 2 } else { 1 };
        (bars * self.bar_height() + (bars - 1) * 3).max(label_lines * 20) + 14
    }

    fn legend_entries(&self) -> Vec<(String, Swatch)> {
        let mut entries: Vec<(String, Swatch)> = if self.series_legend {
            self.series
                .iter()
                .map(|(name, fill)| (name.clone(), Swatch::Fill(*fill)))
                .collect()
        } else {
            Vec::new()
        };
        entries.extend(self.extra_legend.iter().cloned());
        entries
    }

    /// The y where the bars start: below the title and legend.
    fn plot_top(&self) -> i32 {
        let width = WIDTH as i32;
        let top = style::title_height(&self.subtitle, width);
        let (_, below) =
            style::legend_layout(&self.legend_entries(), MARGIN, top, width - 2 * MARGIN);
        below + 10
    }

    /// Width and height in pixels: the height grows with the rows.
    pub fn size(&self) -> (u32, u32) {
        let rows: i32 = self.groups.iter().map(|g| self.group_height(g)).sum();
        // Tall enough for the category axis title, which runs up the left side.
        let axis_title = style::text_width(&self.category_axis, &bold(16.0)) + 16;
        let body = if self.groups.is_empty() {
            120
        } else {
            rows.max(axis_title)
        };
        (WIDTH, (self.plot_top() + body + 70) as u32)
    }

    /// The largest end of a bar or threshold.
    fn largest(&self) -> f64 {
        let mut largest: f64 = 0.0;
        for bar in self.groups.iter().flat_map(|g| &g.bars) {
            let end: f64 = bar
                .parts
                .iter()
                .filter_map(|(v, _)| match v {
                    Value::Shown(n, _) => Some(*n),
                    _ => None,
                })
                .sum();
            largest = largest.max(end).max(bar.threshold.unwrap_or(0.0));
        }
        largest
    }

    /// Draws the chart.
    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        style::heading(area, &self.title, &self.subtitle, &self.legend_entries())?;
        let (width, height) = area.dim_in_pixel();
        let (width, height) = (width as i32, height as i32);
        let top = self.plot_top();
        if self.groups.is_empty() {
            return style::nothing_to_show(area, top, &self.empty_message);
        }
        let plot = Rect {
            left: MARGIN + 28 + LABEL_WIDTH,
            top,
            right: width - MARGIN - 120,
            bottom: height - 70,
        };
        let scale = if self.percent {
            Scale::percent()
        } else {
            Scale::to_fit(self.largest())
        };
        style::value_axis_below(area, plot, scale, self.percent, &self.value_axis)?;
        style::rotated_title(
            area,
            &self.category_axis,
            (MARGIN, (plot.top + plot.bottom) / 2),
        )?;
        let x_of = |v: f64| plot.left + ((v / scale.max) * f64::from(plot.width())).round() as i32;

        let label_style = font(16.0);
        let detail_style = font(13.0).color(&MUTED);
        let mut y = plot.top + 7;
        for group in &self.groups {
            let group_height = self.group_height(group) - 14;
            let mid = y + group_height / 2;
            let label_right = plot.left - 10;
            let label = style::fit(&group.label, &label_style, LABEL_WIDTH);
            match &group.detail {
                None => area.draw_text(
                    &label,
                    &anchored(label_style.clone(), HPos::Right, VPos::Center),
                    (label_right, mid),
                )?,
                Some(detail) => {
                    area.draw_text(
                        &label,
                        &anchored(label_style.clone(), HPos::Right, VPos::Center),
                        (label_right, mid - 9),
                    )?;
                    let detail = style::fit(detail, &detail_style, LABEL_WIDTH);
                    area.draw_text(
                        &detail,
                        &anchored(detail_style.clone(), HPos::Right, VPos::Center),
                        (label_right, mid + 10),
                    )?;
                }
            }
            let bars_height = group.bars.len() as i32 * (self.bar_height() + 3) - 3;
            let mut bar_top = mid - bars_height / 2;
            for bar in &group.bars {
                self.draw_bar(area, bar, bar_top, &x_of)?;
                bar_top += self.bar_height() + 3;
            }
            y += group_height + 14;
            area.draw(&PathElement::new(
                vec![(plot.left - 4, y - 7), (plot.left, y - 7)],
                INK.stroke_width(1),
            ))?;
        }
        Ok(())
    }

    fn draw_bar<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        bar: &Bar,
        top: i32,
        x_of: &impl Fn(f64) -> i32,
    ) -> DrawResult<DB> {
        let bottom = top + self.bar_height();
        let mid = (top + bottom) / 2;
        let value_size = if self.bar_height() >= 22 { 15.0 } else { 13.0 };
        let mut start = 0.0;
        let mut end_text: Vec<String> = Vec::new();
        let mut suppressed = false;
        for (value, series) in &bar.parts {
            let fill = self.series[*series].1;
            match value {
                Value::Shown(number, text) => {
                    let rect = Rect {
                        left: x_of(start),
                        top,
                        right: x_of(start + number),
                        bottom,
                    };
                    style::paint(area, rect, fill)?;
                    if self.stacked {
                        let label_style = style::coloured(bold(value_size), fill.text_colour());
                        let text_width = style::text_width(text, &label_style);
                        if *number > 0.0 && text_width + 8 <= rect.width() {
                            let (x, y) = rect.centre();
                            if fill.hatch {
                                // A white patch keeps the number clear of the hatching.
                                let half = text_width / 2 + 3;
                                area.draw(&Rectangle::new(
                                    [(x - half, y - 9), (x + half, y + 9)],
                                    WHITE.filled(),
                                ))?;
                            }
                            area.draw_text(
                                text,
                                &anchored(label_style, HPos::Center, VPos::Center),
                                (x, y),
                            )?;
                        }
                    } else {
                        end_text.push(if self.percent {
                            format!("{text}%")
                        } else {
                            text.clone()
                        });
                    }
                    start += number;
                }
                Value::Suppressed => suppressed = true,
                Value::Missing(words) => end_text.push(words.clone()),
            }
        }
        let mut x = x_of(start) + 6;
        if suppressed {
            style::suppressed_mark(area, (x, mid), value_size + 2.0)?;
            x += 14;
        }
        if let Some(note) = &bar.note {
            end_text.push(note.clone());
        }
        if !end_text.is_empty() {
            area.draw_text(
                &end_text.join(" "),
                &anchored(font(value_size), HPos::Left, VPos::Center),
                (x, mid),
            )?;
        }
        if let Some(threshold) = bar.threshold {
            let x = x_of(threshold);
            style::dashed(area, (x, top - 3), (x, bottom + 3), INK.stroke_width(2))?;
        }
        Ok(())
    }
}
