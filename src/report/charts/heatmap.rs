//! The frequency heatmap: for each school and rule counted per period, the share of the
//! people due supervision who met the rule, half-term by half-term (spec 02 §1).
//!
//! A term or year rule is judged once for its whole period, so its cell spans the
//! half-terms of that period. Each cell is shaded from light (all met) to dark (none
//! met), so the cells that need a committee's eye are the darkest (issue #19), and
//! carries its figures as text ("66.7%", "2 of 3"), so it reads the same in black
//! and white. Periods still in progress are hatched and say so: they are not judged yet.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{
    self, DrawResult, Fill, INK, MARGIN, MUTED, PENDING, Rect, anchored, bold, font,
};
use super::{Chart, ChartKind, Drawing, Scope};
use crate::policy::{Granularity, Rule};
use crate::report::figures::{Figures, SchoolFigures, half_term_label};
use crate::report::published::{Figure, Percent, Trend};
use crate::report::table::cell::Text;
use crate::report::words::{fig, name, period, period_opening};

/// One cell's state.
#[derive(Debug, Clone, Copy, PartialEq)]
enum CellState {
    /// A complete period: `met` of `due` people met the rule, `share` of them
    /// (`frequency_by_school.csv`'s `met`, `due` and `met_pct`).
    Judged {
        met: u64,
        due: u64,
        share: Figure<Percent>,
    },
    /// A complete period in which no one was due supervision under the rule.
    NoneDue,
    /// Started, not ended: not judged yet.
    InProgress,
}

#[derive(Debug, Clone)]
struct HeatCell {
    columns: Range<usize>,
    state: CellState,
}

#[derive(Debug, Clone)]
struct HeatRow {
    label: String,
    detail: String,
    cells: Vec<HeatCell>,
}

/// The heatmap of frequency met, school (and rule) by half-term.
#[derive(Debug, Clone)]
pub struct FrequencyHeatmap {
    pub title: String,
    subtitle: String,
    /// Column labels (two lines each).
    columns: Vec<(String, String)>,
    rows: Vec<HeatRow>,
    /// The width of the row-label column.
    label_width: i32,
    row_axis: String,
}

const ROW_HEIGHT: i32 = 56;
const HEADER_HEIGHT: i32 = 70;
const LEGEND_HEIGHT: i32 = 84;

/// How a rule is counted, in a few words: "at least 1 per half-term".
fn rule_detail(rule: &Rule) -> String {
    let period = match rule.per {
        Some(Granularity::HalfTerm) => "half-term",
        Some(Granularity::Term) => "term",
        Some(Granularity::AcademicYear) => "year",
        None => "period",
    };
    format!("at least {} per {period}", rule.min.unwrap_or(1))
}

/// The rules a school counts per period (gap rules are judged once a year instead).
fn period_rules(school: &SchoolFigures) -> impl Iterator<Item = (&Rule, Granularity)> {
    school
        .settings
        .rules
        .iter()
        .filter_map(|rule| rule.per.map(|per| (rule, per)))
}

/// The cells of one school's rule across the shown half-terms.
fn cells(
    figures: &Figures,
    school: &SchoolFigures,
    rule: &Rule,
    per: Granularity,
) -> Vec<HeatCell> {
    figures
        .periods_of(per)
        .map(|period| {
            let state = if !period.complete {
                CellState::InProgress
            } else {
                school
                    .frequency
                    .iter()
                    .find(|r| {
                        r.rule == rule.name
                            && r.period_id.as_ref().is_some_and(|p| p.id == period.id)
                    })
                    .map_or(CellState::NoneDue, |r| CellState::Judged {
                        met: r.met,
                        due: r.due,
                        share: r.met_pct,
                    })
            };
            HeatCell {
                columns: period.columns.clone(),
                state,
            }
        })
        .collect()
}

/// Builds the heatmap for `scope`.
pub fn build(figures: &Figures, scope: Scope) -> Chart {
    let mut rows = Vec::new();
    for school in scope.schools() {
        for (rule, per) in period_rules(school) {
            let (label, detail) = if scope.is_trust() {
                (
                    school.name.clone(),
                    format!("rule \u{201c}{}\u{201d}: {}", rule.name, rule_detail(rule)),
                )
            } else {
                (
                    format!("Rule \u{201c}{}\u{201d}", rule.name),
                    rule_detail(rule),
                )
            };
            rows.push(HeatRow {
                label,
                detail,
                cells: cells(figures, school, rule, per),
            });
        }
    }
    let heatmap = FrequencyHeatmap {
        title: format!("Supervision frequency met: {}", scope.name()),
        subtitle: format!(
            "Staff due supervision who had the sessions their school's policy requires, as of {}.",
            figures.as_of_text()
        ),
        columns: figures
            .year_half_terms()
            .iter()
            .map(|h| half_term_label(&h.id))
            .collect(),
        rows,
        label_width: if scope.is_trust() { 300 } else { 220 },
        row_axis: if scope.is_trust() {
            "School and rule".to_string()
        } else {
            "Rule".to_string()
        },
    };
    Chart {
        kind: ChartKind::FrequencyHeatmap,
        reading: reading(figures, scope),
        drawing: Drawing::Heatmap(heatmap),
    }
}

/// "2 of 3 supervisees met the half-termly standard in Autumn 1 2026/27". Every figure
/// is a cell of `frequency_by_school.csv` (a school) or `trend.csv` (the trust).
fn reading(figures: &Figures, scope: Scope) -> Vec<String> {
    let mut sentences = Vec::new();
    match scope {
        Scope::School(_, school) => {
            if period_rules(school).next().is_none() {
                return vec![
                    "None of the school's rules is counted per period: its gaps between sessions are judged once for the year (see its figures)."
                        .to_string(),
                ];
            }
            for (rule, per) in period_rules(school) {
                let cells = cells(figures, school, rule, per);
                let judged: Vec<(&str, u64, u64)> = figures
                    .periods_of(per)
                    .zip(&cells)
                    .filter_map(|(p, cell)| match cell.state {
                        CellState::Judged { met, due, .. } => Some((p.id.as_str(), met, due)),
                        _ => None,
                    })
                    .collect();
                let standard = format!("the {} standard", name(&rule.name));
                match judged.as_slice() {
                    [] if cells.iter().any(|c| c.state == CellState::NoneDue) => sentences.push(
                        format!("No one was due supervision under {standard} in the periods judged so far."),
                    ),
                    [] => sentences.push(format!(
                        "No period of {standard} has ended yet, so it has not been judged."
                    )),
                    [.., before, (last, met, due)] => sentences.push(format!(
                        "{} of {} supervisees met {standard} in {}, against {} of {} in {}.",
                        fig(*met),
                        fig(*due),
                        period(last),
                        fig(before.1),
                        fig(before.2),
                        period(before.0)
                    )),
                    [(last, met, due)] => sentences.push(format!(
                        "{} of {} supervisees met {standard} in {}.",
                        fig(*met),
                        fig(*due),
                        period(last)
                    )),
                }
            }
        }
        Scope::Trust(trust) => {
            // The latest half-term of the report year in which any period was judged.
            let judged_at = |rows: &[Trend], half_term: &str| -> Option<Trend> {
                rows.iter()
                    .find(|t| t.period_id.as_ref().is_some_and(|p| p.id == half_term))
                    .filter(|t| t.frequency_due > 0)
                    .cloned()
            };
            let latest = figures
                .year_half_terms()
                .iter()
                .rev()
                .find_map(|h| judged_at(&trust.trend, &h.id).map(|t| (h, t)));
            match latest {
                None => sentences.push(
                    "No period of any school's rules has ended yet, so nothing has been judged."
                        .to_string(),
                ),
                Some((half_term, total)) => {
                    sentences.push(format!(
                        "In the periods ending {}, {} of {} supervisees across the trust met their school's standard ({}%).",
                        period(&half_term.id),
                        fig(total.frequency_met),
                        fig(total.frequency_due),
                        fig(total.frequency_met_pct)
                    ));
                    let shares: Vec<(&SchoolFigures, Trend)> = trust
                        .schools
                        .iter()
                        .filter_map(|s| judged_at(&s.trend, &half_term.id).map(|t| (s, t)))
                        .collect();
                    let share = |t: &Trend| t.frequency_met_pct.value().map_or(f64::MAX, |p| p.0);
                    let lowest = shares
                        .iter()
                        .min_by(|a, b| share(&a.1).total_cmp(&share(&b.1)))
                        .filter(|(_, t)| t.frequency_met < t.frequency_due);
                    if let Some((_, low)) = lowest {
                        let names: Vec<String> = shares
                            .iter()
                            .filter(|(_, t)| {
                                t.frequency_met_pct.text() == low.frequency_met_pct.text()
                            })
                            .map(|(s, _)| name(&s.name))
                            .collect();
                        let names: Vec<&str> = names.iter().map(String::as_str).collect();
                        sentences.push(match names.as_slice() {
                            [one] => format!(
                                "The lowest was {one} ({} of {}).",
                                fig(low.frequency_met),
                                fig(low.frequency_due)
                            ),
                            many => format!(
                                "The lowest share, {}%, was at {}.",
                                fig(low.frequency_met_pct),
                                crate::report::figures::join_names(many)
                            ),
                        });
                    }
                }
            }
        }
    }
    // The period in progress, as long as the school's rule counts it (a term, say).
    let granularity = match scope {
        Scope::School(_, school) => period_rules(school).next().map(|(_, per)| per),
        Scope::Trust(_) => None,
    };
    let current = figures
        .periods_of(granularity.unwrap_or(Granularity::HalfTerm))
        .find(|p| !p.complete);
    if let Some(current) = current {
        sentences.push(format!(
            "{} is still in progress and is judged when it ends.",
            period_opening(&current.id)
        ));
    }
    sentences
}

/// The shade of a share met: the worst darkest, light for all met. The share is squared
/// first, so the shares a committee tells apart most (two thirds, three quarters, all)
/// are further apart in grey than a straight scale would put them.
fn shade(share: f64) -> Fill {
    const LOW: (f64, f64, f64) = (241.0, 245.0, 251.0);
    const HIGH: (f64, f64, f64) = (8.0, 48.0, 107.0);
    let t = 1.0 - share.clamp(0.0, 1.0).powi(2);
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    Fill::solid(RGBColor(
        mix(LOW.0, HIGH.0),
        mix(LOW.1, HIGH.1),
        mix(LOW.2, HIGH.2),
    ))
}

impl FrequencyHeatmap {
    fn fixed_width(&self) -> i32 {
        2 * MARGIN + 28 + self.label_width + 12
    }

    fn cell_width(&self) -> i32 {
        let n = self.columns.len().max(1) as i32;
        ((1000 - self.fixed_width()) / n).clamp(70, 130)
    }

    /// Width and height in pixels: wider with more half-terms, taller with more rows.
    pub fn size(&self) -> (u32, u32) {
        let width = (self.fixed_width() + self.columns.len() as i32 * self.cell_width()).max(1000);
        let top = style::title_height(&self.subtitle, width);
        let rows = (self.rows.len() as i32).max(1);
        (
            width as u32,
            (top + HEADER_HEIGHT + rows * ROW_HEIGHT + LEGEND_HEIGHT) as u32,
        )
    }

    /// Draws the heatmap.
    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        area.fill(&WHITE)?;
        let top = style::title(area, &self.title, &self.subtitle)?;
        if self.rows.is_empty() || self.columns.is_empty() {
            return style::nothing_to_show(
                area,
                top,
                "No rule is counted per period, or no half-term has started yet.",
            );
        }
        let left = MARGIN + 28 + self.label_width + 12;
        let cell_width = self.cell_width();
        let grid_top = top + HEADER_HEIGHT;
        let grid = Rect {
            left,
            top: grid_top,
            right: left + cell_width * self.columns.len() as i32,
            bottom: grid_top + ROW_HEIGHT * self.rows.len() as i32,
        };

        // Column axis: its title above the half-term labels.
        area.draw_text(
            "Half-term",
            &anchored(bold(16.0), HPos::Center, VPos::Top),
            ((grid.left + grid.right) / 2, top),
        )?;
        for (i, (name, year)) in self.columns.iter().enumerate() {
            let x = left + cell_width * i as i32 + cell_width / 2;
            area.draw_text(
                name,
                &anchored(bold(15.0), HPos::Center, VPos::Top),
                (x, top + 26),
            )?;
            area.draw_text(
                year,
                &anchored(font(13.0).color(&MUTED), HPos::Center, VPos::Top),
                (x, top + 46),
            )?;
        }
        style::rotated_title(area, &self.row_axis, (MARGIN, (grid.top + grid.bottom) / 2))?;

        let label_style = font(16.0);
        let detail_style = font(13.0).color(&MUTED);
        for (r, row) in self.rows.iter().enumerate() {
            let row_top = grid_top + ROW_HEIGHT * r as i32;
            let mid = row_top + ROW_HEIGHT / 2;
            let label = style::fit(&row.label, &label_style, self.label_width);
            area.draw_text(
                &label,
                &anchored(label_style.clone(), HPos::Right, VPos::Center),
                (left - 12, mid - 9),
            )?;
            let detail = style::fit(&row.detail, &detail_style, self.label_width);
            area.draw_text(
                &detail,
                &anchored(detail_style.clone(), HPos::Right, VPos::Center),
                (left - 12, mid + 11),
            )?;
            for cell in &row.cells {
                let rect = Rect {
                    left: left + cell_width * cell.columns.start as i32,
                    top: row_top,
                    right: left + cell_width * cell.columns.end as i32,
                    bottom: row_top + ROW_HEIGHT,
                };
                self.draw_cell(area, rect, cell.state)?;
            }
        }
        self.draw_legend(area, grid.bottom + 22)
    }

    fn draw_cell<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        rect: Rect,
        state: CellState,
    ) -> DrawResult<DB> {
        let (x, y) = rect.centre();
        match state {
            CellState::Judged { met, due, share } => {
                let fill = shade(share.value().map_or(0.0, |p| p.0 / 100.0));
                style::paint(area, rect, fill)?;
                let colour = fill.text_colour();
                area.draw_text(
                    &format!("{}%", share.text()),
                    &anchored(
                        style::coloured(bold(16.0), colour),
                        HPos::Center,
                        VPos::Center,
                    ),
                    (x, y - 9),
                )?;
                area.draw_text(
                    &format!("{met} of {due}"),
                    &anchored(
                        style::coloured(font(13.0), colour),
                        HPos::Center,
                        VPos::Center,
                    ),
                    (x, y + 11),
                )
            }
            CellState::NoneDue => {
                style::paint(area, rect, Fill::solid(WHITE))?;
                area.draw_text(
                    "none due",
                    &anchored(font(13.0).color(&MUTED), HPos::Center, VPos::Center),
                    (x, y),
                )
            }
            CellState::InProgress => {
                style::paint(area, rect, Fill::hatched(PENDING))?;
                let label_style = bold(13.0);
                for (line, dy) in [("in", -9), ("progress", 9)] {
                    let width = style::text_width(line, &label_style) + 6;
                    area.draw(&Rectangle::new(
                        [(x - width / 2, y + dy - 9), (x + width / 2, y + dy + 8)],
                        WHITE.filled(),
                    ))?;
                    area.draw_text(
                        line,
                        &anchored(label_style.clone(), HPos::Center, VPos::Center),
                        (x, y + dy),
                    )?;
                }
                Ok(())
            }
        }
    }

    /// The shading key and what the other cells mean.
    fn draw_legend<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        top: i32,
    ) -> DrawResult<DB> {
        let caption = "Share who met the rule:";
        area.draw_text(
            caption,
            &anchored(bold(15.0), HPos::Left, VPos::Center),
            (MARGIN, top + 12),
        )?;
        let mut x = MARGIN + style::text_width(caption, &bold(15.0)) + 12;
        for percent in [0, 25, 50, 75, 100] {
            let fill = shade(f64::from(percent) / 100.0);
            let rect = Rect {
                left: x,
                top,
                right: x + 56,
                bottom: top + 24,
            };
            style::paint(area, rect, fill)?;
            area.draw_text(
                &format!("{percent}%"),
                &anchored(
                    style::coloured(font(13.0), fill.text_colour()),
                    HPos::Center,
                    VPos::Center,
                ),
                rect.centre(),
            )?;
            x += 56;
        }
        let second = top + 40;
        let pending = Rect {
            left: MARGIN,
            top: second,
            right: MARGIN + 24,
            bottom: second + 20,
        };
        style::paint(area, pending, Fill::hatched(PENDING))?;
        let text = "in progress: not judged until the period ends";
        area.draw_text(
            text,
            &anchored(font(15.0), HPos::Left, VPos::Center),
            (MARGIN + 32, second + 10),
        )?;
        let x = MARGIN + 32 + style::text_width(text, &font(15.0)) + 28;
        area.draw(&Rectangle::new(
            [(x, second), (x + 24, second + 20)],
            INK.stroke_width(1),
        ))?;
        area.draw_text(
            "none due: no one in scope for the whole period",
            &anchored(font(15.0), HPos::Left, VPos::Center),
            (x + 32, second + 10),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::style::luminance;

    #[test]
    fn the_worst_cells_are_darkest_and_the_top_shares_apart_in_grey() {
        // Issue #19: "the heatmap shades the lowest scores lightest, so the worst cells
        // look calmest"; spec 03: "The heatmap shades the worst cells darkest."
        let grey = |share: f64| luminance(shade(share).colour);
        let greys: Vec<f64> = [0.0, 0.25, 0.5, 2.0 / 3.0, 0.75, 1.0]
            .iter()
            .map(|s| grey(*s))
            .collect();
        assert!(greys.windows(2).all(|w| w[0] < w[1]), "{greys:?}");
        // Two thirds and three quarters, the shares a small school's cells show most,
        // are a printer's grey step apart.
        assert!(grey(0.75) - grey(2.0 / 3.0) > 0.08, "{greys:?}");
    }
}
