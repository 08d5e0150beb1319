//! The look every chart shares: the bundled font, fills that stay apart when printed in
//! black and white, the `c` of a suppressed value, titles, legends and value axes.
//!
//! Charts are printed by governors on office printers, often in greyscale, so no fill
//! relies on hue alone: the series fills step through clearly different lightness, and
//! the fills that would sit close in grey carry a hatch. Every value is also written as
//! text beside or inside its mark.
//!
//! Text is drawn with DejaVu Sans, shipped in `assets/fonts/` and registered with
//! plotters' own text rendering (ab_glyph), so a PNG looks the same on a fresh machine
//! with no fonts installed; an SVG names DejaVu Sans with fallbacks every viewer has.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, FontTransform, register_font};

use crate::report::published::SUPPRESSED;

/// The result of drawing on a backend.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// The family the bundled font is registered under. An SVG names it as its font, so a
/// browser draws DejaVu Sans where it has it, else Verdana (the same design, so the same
/// widths the layout was measured with), else its own sans-serif.
const FAMILY: &str = "DejaVu Sans, Verdana, sans-serif";
const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the bundled font with plotters (once per process).
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for (style, bytes) in [(FontStyle::Normal, REGULAR), (FontStyle::Bold, BOLD)] {
            if register_font(FAMILY, style, bytes).is_err() {
                panic!("assets/fonts holds a valid TrueType font");
            }
        }
    });
}

/// Text and lines.
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Secondary text.
pub const MUTED: RGBColor = RGBColor(0x59, 0x59, 0x59);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(0xd9, 0xd9, 0xd9);
/// Shading for periods in progress.
pub const PENDING: RGBColor = RGBColor(0xee, 0xee, 0xee);

/// How a bar, cell or swatch is painted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fill {
    pub colour: RGBColor,
    /// Diagonal hatching over the colour.
    pub hatch: bool,
}

impl Fill {
    pub const fn solid(colour: RGBColor) -> Fill {
        Fill {
            colour,
            hatch: false,
        }
    }

    pub const fn hatched(colour: RGBColor) -> Fill {
        Fill {
            colour,
            hatch: true,
        }
    }

    /// Text drawn on this fill: white on dark fills, ink on light ones.
    pub fn text_colour(self) -> RGBColor {
        if luminance(self.colour) < 0.45 && !self.hatch {
            WHITE
        } else {
            INK
        }
    }
}

/// Relative luminance, 0 (black) to 1 (white), as a greyscale printer sees it.
pub fn luminance(colour: RGBColor) -> f64 {
    let RGBColor(r, g, b) = colour;
    (0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b)) / 255.0
}

/// The fills of up to six series, each a clearly different grey when printed: dark,
/// mid and light solids, then hatched light, hatched white and plain white.
pub const SERIES: [Fill; 6] = [
    Fill::solid(RGBColor(0x1f, 0x3b, 0x5c)),
    Fill::solid(RGBColor(0x5b, 0x8f, 0xc7)),
    Fill::solid(RGBColor(0xee, 0xc5, 0x7a)),
    Fill::hatched(RGBColor(0xc9, 0xd8, 0xe8)),
    Fill::hatched(WHITE),
    Fill::solid(WHITE),
];

/// A pixel rectangle: left, top, right, bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
}

impl Rect {
    pub fn width(self) -> i32 {
        self.right - self.left
    }

    pub fn height(self) -> i32 {
        self.bottom - self.top
    }

    pub fn centre(self) -> (i32, i32) {
        ((self.left + self.right) / 2, (self.top + self.bottom) / 2)
    }
}

/// A text style of the bundled font.
pub fn font(size: f64) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&INK)
}

/// The bold text style.
pub fn bold(size: f64) -> TextStyle<'static> {
    (FAMILY, size)
        .into_font()
        .style(FontStyle::Bold)
        .color(&INK)
}

/// `style` in `colour`.
pub fn coloured(mut style: TextStyle<'static>, colour: RGBColor) -> TextStyle<'static> {
    style.color = colour.to_backend_color();
    style
}

/// `style` anchored at (`h`, `v`).
pub fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// Text width in pixels, as the bundled font lays it out.
pub fn text_width(text: &str, style: &TextStyle) -> i32 {
    register_fonts();
    style.font.box_size(text).map_or(0, |(w, _)| w as i32)
}

/// Labels are cut to this many characters before they are measured: no chart is wide
/// enough to show more, and a name from an export may be any length (issue #11: a
/// 200,000-character school name).
pub const MAX_LABEL_CHARS: usize = 400;

/// `text` cut with "…" to at most `width` pixels. The longest prefix that fits is found
/// by bisection, so a label costs a few measurements of at most [`MAX_LABEL_CHARS`]
/// characters, whatever its length.
pub fn fit(text: &str, style: &TextStyle, width: i32) -> String {
    let chars: Vec<char> = text.chars().take(MAX_LABEL_CHARS + 1).collect();
    if chars.len() <= MAX_LABEL_CHARS {
        let whole: String = chars.iter().collect();
        if text_width(&whole, style) <= width {
            return whole;
        }
    }
    let cut = |n: usize| format!("{}…", chars[..n].iter().collect::<String>().trim_end());
    let fits = |n: usize| text_width(&cut(n), style) <= width;
    if !fits(0) {
        return String::new();
    }
    // The longest prefix (at most all but one character) whose cut fits.
    let (mut lo, mut hi) = (0, chars.len().saturating_sub(1).min(MAX_LABEL_CHARS));
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    cut(lo)
}

/// `text` broken into at most `lines` lines of at most `width` pixels, at spaces; the
/// last line cut with "…" when the text does not fit.
pub fn wrap(text: &str, style: &TextStyle, width: i32, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut words = text.split_whitespace().peekable();
    while let Some(word) = words.next() {
        if out.len() == lines {
            break;
        }
        let mut line = word.to_string();
        while let Some(next) = words.peek() {
            let longer = format!("{line} {next}");
            if text_width(&longer, style) > width {
                break;
            }
            line = longer;
            words.next();
        }
        if out.len() + 1 == lines && words.peek().is_some() {
            let rest: Vec<&str> = words.by_ref().collect();
            line = fit(&format!("{line} {}", rest.join(" ")), style, width);
        } else {
            line = fit(&line, style, width);
        }
        out.push(line);
    }
    out
}

/// Paints a rectangle with `fill` and a thin outline.
pub fn paint<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rect: Rect,
    fill: Fill,
) -> DrawResult<DB> {
    if rect.width() <= 0 || rect.height() <= 0 {
        return Ok(());
    }
    area.draw(&Rectangle::new(
        [(rect.left, rect.top), (rect.right, rect.bottom)],
        fill.colour.filled(),
    ))?;
    if fill.hatch {
        hatch(area, rect, INK)?;
    }
    area.draw(&Rectangle::new(
        [(rect.left, rect.top), (rect.right, rect.bottom)],
        INK.stroke_width(1),
    ))
}

/// Diagonal lines ("/") across `rect`, 7 pixels apart.
pub fn hatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rect: Rect,
    colour: RGBColor,
) -> DrawResult<DB> {
    const SPACING: i32 = 7;
    let mut sum = rect.left + rect.top + SPACING;
    while sum < rect.right + rect.bottom {
        // The line x + y = sum, clipped to the rectangle.
        let start_x = rect.left.max(sum - rect.bottom);
        let end_x = rect.right.min(sum - rect.top);
        if start_x < end_x {
            area.draw(&PathElement::new(
                vec![(start_x, sum - start_x), (end_x, sum - end_x)],
                colour.mix(0.8).stroke_width(1),
            ))?;
        }
        sum += SPACING;
    }
    Ok(())
}

/// A dashed straight line.
pub fn dashed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: (i32, i32),
    to: (i32, i32),
    style: ShapeStyle,
) -> DrawResult<DB> {
    area.draw(&DashedPathElement::new(vec![from, to], 6, 4, style))
}

/// The `c` of a suppressed value, drawn where its bar would start.
pub fn suppressed_mark<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    size: f64,
) -> DrawResult<DB> {
    area.draw_text(
        SUPPRESSED,
        &anchored(bold(size), HPos::Left, VPos::Center),
        at,
    )
}

/// The y below a title and its subtitle in a chart `width` pixels wide.
pub fn title_height(subtitle: &str, width: i32) -> i32 {
    let lines = wrap(subtitle, &font(16.0), width - 2 * MARGIN, 2).len() as i32;
    54 + lines * 21 + 6
}

/// The title (bold) and a subtitle of up to two lines under it; returns the y below them.
pub fn title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let (width, _) = area.dim_in_pixel();
    let max = width as i32 - 2 * MARGIN;
    let title_style = bold(26.0);
    area.draw_text(
        &fit(title, &title_style, max),
        &anchored(title_style.clone(), HPos::Left, VPos::Top),
        (MARGIN, 16),
    )?;
    let sub_style = font(16.0).color(&MUTED);
    let mut y = 54;
    for line in wrap(subtitle, &sub_style, max, 2) {
        area.draw_text(
            &line,
            &anchored(sub_style.clone(), HPos::Left, VPos::Top),
            (MARGIN, y),
        )?;
        y += 21;
    }
    Ok(y + 6)
}

/// The margin around a chart.
pub const MARGIN: i32 = 20;

/// One legend entry: its swatch and its text.
#[derive(Debug, Clone)]
pub enum Swatch {
    Fill(Fill),
    /// A line with a marker, for line charts.
    Line(LineLook),
    /// A dashed vertical tick, for a threshold.
    Threshold,
    /// The letter `c`.
    Suppressed,
}

/// How one series of a line chart is drawn: fills alone would not survive greyscale, so
/// each series has its own dash and marker shape too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineLook {
    pub colour: RGBColor,
    pub dash: Option<(u32, u32)>,
    pub marker: Marker,
}

/// A point marker shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Triangle,
    Square,
}

/// The looks of up to three line series.
pub const LINES: [LineLook; 3] = [
    LineLook {
        colour: RGBColor(0x1f, 0x3b, 0x5c),
        dash: None,
        marker: Marker::Circle,
    },
    LineLook {
        colour: RGBColor(0x3a, 0x7c, 0xc0),
        dash: Some((10, 5)),
        marker: Marker::Triangle,
    },
    LineLook {
        colour: RGBColor(0xb8, 0x5c, 0x1a),
        dash: Some((3, 4)),
        marker: Marker::Square,
    },
];

/// Draws a marker centred on `at`; hollow markers (white inside) for provisional points.
pub fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    look: LineLook,
    hollow: bool,
) -> DrawResult<DB> {
    let (x, y) = at;
    let points = match look.marker {
        Marker::Circle => None,
        Marker::Triangle => Some(vec![(x, y - 7), (x + 7, y + 5), (x - 7, y + 5)]),
        Marker::Square => Some(vec![
            (x - 5, y - 5),
            (x + 5, y - 5),
            (x + 5, y + 5),
            (x - 5, y + 5),
        ]),
    };
    let inside = if hollow { WHITE } else { look.colour };
    match points {
        None => {
            area.draw(&Circle::new((x, y), 6, inside.filled()))?;
            area.draw(&Circle::new((x, y), 6, look.colour.stroke_width(2)))
        }
        Some(points) => {
            area.draw(&Polygon::new(points.clone(), inside.filled()))?;
            let mut closed = points.clone();
            closed.push(points[0]);
            area.draw(&PathElement::new(closed, look.colour.stroke_width(2)))
        }
    }
}

/// A line between two points in a series' look.
pub fn line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: (i32, i32),
    to: (i32, i32),
    look: LineLook,
) -> DrawResult<DB> {
    let style = look.colour.stroke_width(3);
    match look.dash {
        None => area.draw(&PathElement::new(vec![from, to], style)),
        Some((dash, gap)) => area.draw(&DashedPathElement::new(vec![from, to], dash, gap, style)),
    }
}

fn legend_style() -> TextStyle<'static> {
    font(15.0)
}

/// Where each legend entry goes when laid out in rows from (`x`, `y`) within `width`
/// pixels, and the y below the legend.
pub fn legend_layout(
    entries: &[(String, Swatch)],
    x: i32,
    y: i32,
    width: i32,
) -> (Vec<(i32, i32)>, i32) {
    let style = legend_style();
    let (mut cx, mut cy) = (x, y);
    let mut at = Vec::new();
    for (text, swatch) in entries {
        let entry = swatch_width(swatch) + 8 + text_width(text, &style) + 22;
        if cx > x && cx + entry > x + width {
            cx = x;
            cy += 26;
        }
        at.push((cx, cy));
        cx += entry;
    }
    let below = if entries.is_empty() { y } else { cy + 30 };
    (at, below)
}

fn swatch_width(swatch: &Swatch) -> i32 {
    if matches!(swatch, Swatch::Line(_)) {
        40
    } else {
        18
    }
}

/// A chart's heading: a white page, the title and subtitle, and the legend across the
/// chart's width below them.
pub fn heading<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title_text: &str,
    subtitle: &str,
    entries: &[(String, Swatch)],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&WHITE)?;
    let (width, _) = area.dim_in_pixel();
    let below_title = title(area, title_text, subtitle)?;
    legend(
        area,
        entries,
        MARGIN,
        below_title,
        width as i32 - 2 * MARGIN,
    )?;
    Ok(())
}

/// Draws the legend entries in rows from (`x`, `y`) within `width` pixels; returns the y
/// below it.
pub fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, Swatch)],
    x: i32,
    y: i32,
    width: i32,
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let (at, below) = legend_layout(entries, x, y, width);
    for ((text, swatch), (cx, cy)) in entries.iter().zip(at) {
        let mid = cy + 9;
        match swatch {
            Swatch::Fill(fill) => paint(
                area,
                Rect {
                    left: cx,
                    top: cy,
                    right: cx + 18,
                    bottom: cy + 18,
                },
                *fill,
            )?,
            Swatch::Line(look) => {
                line(area, (cx, mid), (cx + 40, mid), *look)?;
                marker(area, (cx + 20, mid), *look, false)?;
            }
            Swatch::Threshold => dashed(
                area,
                (cx + 9, cy - 2),
                (cx + 9, cy + 20),
                INK.stroke_width(2),
            )?,
            Swatch::Suppressed => suppressed_mark(area, (cx + 4, mid), 17.0)?,
        }
        area.draw_text(
            text,
            &anchored(legend_style(), HPos::Left, VPos::Center),
            (cx + swatch_width(swatch) + 8, mid),
        )?;
    }
    Ok(below)
}

/// A value axis from 0 to `max` with about five steps of 1, 2 or 5 times a power of ten.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub max: f64,
    pub step: f64,
}

impl Scale {
    /// The scale for values up to `largest` (at least one step).
    pub fn to_fit(largest: f64) -> Scale {
        let largest = largest.max(1.0);
        let mut magnitude = 10f64.powf(largest.log10().floor() - 1.0).max(1.0);
        loop {
            for factor in [1.0, 2.0, 5.0] {
                let step = factor * magnitude;
                if largest / step <= 6.0 {
                    return Scale {
                        max: (largest / step).ceil() * step,
                        step,
                    };
                }
            }
            magnitude *= 10.0;
        }
    }

    /// Percentages: 0 to 100 in steps of 20.
    pub fn percent() -> Scale {
        Scale {
            max: 100.0,
            step: 20.0,
        }
    }

    /// The ticks from 0 to the maximum.
    pub fn ticks(self) -> Vec<f64> {
        let steps = (self.max / self.step).round() as usize;
        (0..=steps).map(|i| i as f64 * self.step).collect()
    }
}

/// Writes a tick value: whole numbers without decimals.
pub fn tick_text(value: f64, percent: bool) -> String {
    let number = if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    };
    if percent {
        format!("{number}%")
    } else {
        number
    }
}

/// A horizontal value axis under `plot`: grid lines, tick labels and its title.
pub fn value_axis_below<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: Rect,
    scale: Scale,
    percent: bool,
    axis_title: &str,
) -> DrawResult<DB> {
    let x_of = |v: f64| plot.left + ((v / scale.max) * f64::from(plot.width())).round() as i32;
    for tick in scale.ticks() {
        let x = x_of(tick);
        area.draw(&PathElement::new(
            vec![(x, plot.top), (x, plot.bottom)],
            GRID.stroke_width(1),
        ))?;
        area.draw_text(
            &tick_text(tick, percent),
            &anchored(font(15.0), HPos::Center, VPos::Top),
            (x, plot.bottom + 8),
        )?;
    }
    axis_lines(area, plot)?;
    area.draw_text(
        axis_title,
        &anchored(bold(16.0), HPos::Center, VPos::Top),
        ((plot.left + plot.right) / 2, plot.bottom + 32),
    )
}

/// The two axis lines of `plot`: along its bottom and up its left side.
fn axis_lines<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, plot: Rect) -> DrawResult<DB> {
    area.draw(&PathElement::new(
        vec![(plot.left, plot.bottom), (plot.right, plot.bottom)],
        INK.stroke_width(1),
    ))?;
    area.draw(&PathElement::new(
        vec![(plot.left, plot.top), (plot.left, plot.bottom)],
        INK.stroke_width(1),
    ))
}

/// A vertical value axis left of `plot`: grid lines, tick labels and its title (turned
/// to read upwards).
pub fn value_axis_left<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: Rect,
    scale: Scale,
    percent: bool,
    axis_title: &str,
) -> DrawResult<DB> {
    let y_of = |v: f64| plot.bottom - ((v / scale.max) * f64::from(plot.height())).round() as i32;
    for tick in scale.ticks() {
        let y = y_of(tick);
        area.draw(&PathElement::new(
            vec![(plot.left, y), (plot.right, y)],
            GRID.stroke_width(1),
        ))?;
        area.draw_text(
            &tick_text(tick, percent),
            &anchored(font(15.0), HPos::Right, VPos::Center),
            (plot.left - 8, y),
        )?;
    }
    axis_lines(area, plot)?;
    rotated_title(area, axis_title, (MARGIN, (plot.top + plot.bottom) / 2))
}

/// An axis title turned to read upwards, centred on `at`.
pub fn rotated_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    at: (i32, i32),
) -> DrawResult<DB> {
    let style = bold(16.0).transform(FontTransform::Rotate270);
    area.draw_text(text, &anchored(style, HPos::Center, VPos::Top), at)
}

/// A message in place of a chart with nothing to draw.
pub fn nothing_to_show<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    top: i32,
    message: &str,
) -> DrawResult<DB> {
    let (width, height) = area.dim_in_pixel();
    area.draw_text(
        message,
        &anchored(font(18.0).color(&MUTED), HPos::Center, VPos::Center),
        (width as i32 / 2, (top + height as i32) / 2),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_of_any_length_is_cut_to_fit_in_few_measurements() {
        // Issue #11: "a 200,000-character school name makes chart label fitting
        // quadratic". Cut one character at a time, this would measure 200,000 strings
        // of up to 200,000 characters; by bisection over at most MAX_LABEL_CHARS it is
        // a dozen short measurements.
        register_fonts();
        let style = font(14.0);
        let name = "Saint Aldhelm's ".repeat(12_500);
        assert_eq!(name.chars().count(), 200_000);
        let label = fit(&name, &style, 290);
        assert!(label.ends_with('…'), "{label}");
        assert!(text_width(&label, &style) <= 290);
        assert!(name.starts_with(label.trim_end_matches('…')));
        // The longest prefix that fits: one more character would not.
        let shown = label.trim_end_matches('…').chars().count();
        let longer: String = name.chars().take(shown + 1).collect();
        assert!(
            text_width(&format!("{}…", longer.trim_end()), &style) > 290 || longer.ends_with(' ')
        );
        let lines = wrap(&name, &style, 290, 2);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines.iter().all(|l| text_width(l, &style) <= 290));
        assert_eq!(fit("Short", &style, 290), "Short");
    }

    #[test]
    fn scales_step_by_one_two_or_five() {
        assert_eq!(
            Scale::to_fit(0.0),
            Scale {
                max: 1.0,
                step: 1.0
            }
        );
        assert_eq!(
            Scale::to_fit(9.0),
            Scale {
                max: 10.0,
                step: 2.0
            }
        );
        assert_eq!(
            Scale::to_fit(41.5),
            Scale {
                max: 50.0,
                step: 10.0
            }
        );
        assert_eq!(
            Scale::to_fit(130.0),
            Scale {
                max: 150.0,
                step: 50.0
            }
        );
        assert_eq!(Scale::percent().ticks().len(), 6);
    }

    #[test]
    fn series_fills_differ_in_grey() {
        // Solid fills at least 0.2 apart in luminance; the rest are told apart by hatching
        // or by being plain white.
        let solids: Vec<f64> = SERIES[..3].iter().map(|f| luminance(f.colour)).collect();
        assert!(solids.windows(2).all(|w| w[1] - w[0] >= 0.2), "{solids:?}");
        assert!(SERIES[3].hatch && SERIES[4].hatch && !SERIES[5].hatch);
    }

    #[test]
    fn the_bundled_font_registers() {
        register_fonts();
        let style = font(20.0);
        let size = style
            .font
            .box_size("Half-term")
            .expect("the font lays text out");
        assert!(size.0 > 50, "{size:?}");
    }
}
