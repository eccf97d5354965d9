//! Draws a [`ChartSpec`] or a [`TornadoSpec`] on any plotters backend.

use super::spec::{ChartSpec, TornadoSpec};
use super::{ChartStyle, GRID, INK};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Height of the area under a chart for its month labels and the axis title
/// below them, in CSS pixels: room for both at 12 px with a clear gap in
/// every engine (at 34 px WebKit's taller sans-serif ran the title into the
/// labels at phone width).
const X_LABEL_AREA: f64 = 42.0;

/// Where the months sit on the drawing, in backend pixels: the read-out
/// maps the pointer to a month with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlotGeometry {
    /// Pixel x of month 0 and of the last month.
    pub left: i32,
    pub right: i32,
    pub horizon: u32,
}

impl PlotGeometry {
    /// The month nearest to pixel `x`, if `x` is over the plot.
    pub fn month_at(&self, x: f64) -> Option<u32> {
        let width = f64::from(self.right - self.left);
        if width <= 0.0 {
            return None;
        }
        let share = (x - f64::from(self.left)) / width;
        (-0.02..=1.02)
            .contains(&share)
            .then(|| (share.clamp(0.0, 1.0) * f64::from(self.horizon)).round() as u32)
    }
}

/// How a legend entry is marked.
#[derive(Clone, Copy)]
enum Swatch {
    Fill(RGBColor, f64),
    Line(RGBColor, u32),
    Dashed(RGBColor),
    Dot(RGBColor),
    /// An actual: a diamond, outlined in white.
    Diamond(RGBColor),
}

/// The legend's entries, in drawing order.
fn legend_entries(spec: &ChartSpec, style: ChartStyle) -> Vec<(String, Swatch)> {
    let mut entries: Vec<(String, Swatch)> = spec
        .lines
        .iter()
        .map(|s| {
            let swatch = if s.dashed {
                Swatch::Dashed(s.colour)
            } else {
                Swatch::Line(s.colour, style.px(if s.bold { 3.0 } else { 2.0 }))
            };
            (s.name.clone(), swatch)
        })
        .collect();
    entries.extend(
        spec.stacked
            .iter()
            .map(|s| (s.name.clone(), Swatch::Fill(s.colour, 0.75))),
    );
    entries.extend(
        spec.bands
            .iter()
            .map(|b| (b.name.clone(), Swatch::Fill(b.colour, b.opacity + 0.1))),
    );
    entries.extend(
        spec.rules
            .iter()
            .map(|r| (r.name.clone(), Swatch::Dashed(r.colour))),
    );
    if spec.markers.iter().any(|m| m.label.is_none()) {
        entries.push(("where a component scales".into(), Swatch::Dot(INK)));
    }
    entries.extend(
        spec.observed
            .iter()
            .map(|o| (o.name.clone(), Swatch::Diamond(o.colour))),
    );
    entries
}

/// Lays the legend out in rows across `width` pixels: each entry's position.
/// Text width is estimated from its length (measuring text on a canvas is
/// slow), generously, so entries never overlap.
fn legend_layout(
    entries: &[(String, Swatch)],
    width: i32,
    style: ChartStyle,
) -> (Vec<(i32, i32)>, i32) {
    let row_height = style.px(18.0) as i32;
    let gap = style.px(14.0) as i32;
    let swatch = style.px(22.0) as i32;
    let char_width = f64::from(style.px(12.0)) * 0.58;
    let (mut x, mut y) = (style.px(12.0) as i32, style.px(4.0) as i32);
    let mut places = Vec::with_capacity(entries.len());
    for (name, _) in entries {
        let entry = swatch + (name.chars().count() as f64 * char_width).ceil() as i32;
        if x + entry > width && x > style.px(12.0) as i32 {
            x = style.px(12.0) as i32;
            y += row_height;
        }
        places.push((x, y));
        x += entry + gap;
    }
    let height = if entries.is_empty() {
        0
    } else {
        y + row_height + style.px(4.0) as i32
    };
    (places, height)
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, Swatch)],
    places: &[(i32, i32)],
    style: ChartStyle,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let font = ("sans-serif", style.px(12.0)).into_font().color(&INK);
    let half = style.px(6.0) as i32;
    let length = style.px(18.0) as i32;
    for ((name, swatch), (x, y)) in entries.iter().zip(places) {
        let middle = y + half + 1;
        match *swatch {
            Swatch::Fill(colour, opacity) => area.draw(&Rectangle::new(
                [(*x, middle - half + 1), (x + length, middle + half - 1)],
                colour.mix(opacity.min(1.0)).filled(),
            ))?,
            Swatch::Line(colour, width) => area.draw(&PathElement::new(
                vec![(*x, middle), (x + length, middle)],
                colour.stroke_width(width),
            ))?,
            Swatch::Dashed(colour) => {
                for start in [*x, x + length / 2 + 2] {
                    area.draw(&PathElement::new(
                        vec![(start, middle), (start + length / 2 - 2, middle)],
                        colour.stroke_width(style.px(2.0)),
                    ))?;
                }
            }
            Swatch::Dot(colour) => area.draw(&Circle::new(
                (x + length / 2, middle),
                style.px(4.0) as i32,
                colour.filled(),
            ))?,
            Swatch::Diamond(colour) => {
                let radius = style.px(5.0) as i32;
                area.draw(&diamond((x + length / 2, middle), radius, colour))?;
            }
        }
        area.draw(&Text::new(
            name.clone(),
            (x + length + style.px(4.0) as i32, *y),
            font.clone(),
        ))?;
    }
    Ok(())
}

/// Draws a line-and-area chart, its legend in rows above the plot; returns
/// where its months are.
pub fn draw_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    style: ChartStyle,
) -> Result<PlotGeometry, DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&WHITE)?;
    let entries = legend_entries(spec, style);
    let (width, _) = area.dim_in_pixel();
    let (places, legend_height) = legend_layout(&entries, width as i32, style);
    let (legend, plot) = area.split_vertically(legend_height);
    draw_legend(&legend, &entries, &places, style)?;

    let horizon = spec.horizon.max(1);
    let peak = spec.peak();
    // On a log axis values are drawn as their base-10 logarithm, between
    // whole decades around the data.
    let smallest = spec
        .lines
        .iter()
        .flat_map(|s| s.points.iter().map(|(_, v)| *v))
        .chain(
            spec.bands
                .iter()
                .flat_map(|b| b.points.iter().map(|(_, low, _)| *low)),
        )
        .chain(
            spec.observed
                .iter()
                .flat_map(|o| o.points.iter().map(|(_, v)| *v)),
        )
        .filter(|v| *v > 0.0 && v.is_finite())
        .fold(f64::INFINITY, f64::min);
    let log = spec.log_y && smallest.is_finite() && peak > 0.0;
    let (y_low, y_high) = if log {
        let low = smallest.log10().floor();
        (low, peak.log10().ceil().max(low + 1.0))
    } else if !spec.zero_based && smallest.is_finite() && peak > smallest {
        let margin = (peak - smallest) * 0.1;
        ((smallest - margin).max(0.0), peak + margin)
    } else if peak > 0.0 {
        (0.0, peak * 1.08)
    } else {
        (0.0, 1.0)
    };
    let y = move |value: f64| {
        if log {
            value.max(10f64.powf(y_low)).log10()
        } else {
            value
        }
    };

    let font = ("sans-serif", style.px(12.0)).into_font().color(&INK);
    // At most 13 month labels, and no closer than 48 CSS pixels apart, so
    // they never run into each other on a phone.
    let x_label_count = (horizon as usize + 1)
        .min(13)
        .min((width / style.px(48.0)).max(2) as usize);
    let mut chart = ChartBuilder::on(&plot)
        .margin(style.px(10.0))
        .x_label_area_size(style.px(X_LABEL_AREA))
        .y_label_area_size(style.px(62.0))
        .build_cartesian_2d(0u32..horizon, y_low..y_high)?;
    let format = spec.format.clone();
    let x_title = match (spec.month_labels.first(), spec.month_labels.last()) {
        (Some(first), Some(last)) => format!("{first} – {last}"),
        _ => "Month".to_string(),
    };
    let y_labels = if log {
        (y_high - y_low) as usize + 1
    } else {
        6
    };
    chart
        .configure_mesh()
        .light_line_style(GRID.mix(0.0))
        .bold_line_style(GRID)
        .axis_style(INK.mix(0.6))
        .x_labels(x_label_count)
        .y_labels(y_labels)
        .label_style(font.clone())
        .axis_desc_style(font)
        .x_desc(x_title.as_str())
        .y_desc(spec.y_label.as_str())
        .x_label_formatter(&|month| match spec.month_label(*month) {
            // `Mar 2026` on the axis as `Mar`; the title gives the years.
            Some(label) => label.split(' ').next().unwrap_or(label).to_string(),
            None => month.to_string(),
        })
        .y_label_formatter(&|value| format.axis(if log { 10f64.powf(*value) } else { *value }))
        .draw()?;

    for band in &spec.bands {
        let outline: Vec<(u32, f64)> = band
            .points
            .iter()
            .map(|(m, _, high)| (*m, y(*high)))
            .chain(band.points.iter().rev().map(|(m, low, _)| (*m, y(*low))))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(
            outline,
            band.colour.mix(band.opacity).filled(),
        )))?;
    }

    // Stacked areas: each layer between the running total below it and above it.
    let mut base = vec![0.0; horizon as usize + 1];
    for layer in &spec.stacked {
        let mut top = base.clone();
        for (month, value) in &layer.points {
            if let Some(slot) = top.get_mut(*month as usize) {
                *slot += value.max(0.0);
            }
        }
        let outline: Vec<(u32, f64)> = (0..=horizon)
            .map(|m| (m, y(top[m as usize])))
            .chain((0..=horizon).rev().map(|m| (m, y(base[m as usize]))))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(
            outline,
            layer.colour.mix(0.75).filled(),
        )))?;
        base = top;
    }

    for rule in &spec.rules {
        chart.draw_series(DashedLineSeries::new(
            [(0, y(rule.value)), (horizon, y(rule.value))],
            style.px(6.0),
            style.px(4.0),
            rule.colour.stroke_width(style.px(1.5)),
        ))?;
    }

    for series in &spec.lines {
        let width = style.px(if series.bold { 3.0 } else { 1.5 });
        let points: Vec<(u32, f64)> = series
            .points
            .iter()
            .filter(|(_, v)| v.is_finite())
            .map(|(m, v)| (*m, y(*v)))
            .collect();
        if series.dashed {
            // Dashed: the other plan of a comparison, told apart without colour.
            let width = style.px(2.0);
            chart.draw_series(DashedLineSeries::new(
                points,
                style.px(7.0),
                style.px(4.0),
                series.colour.stroke_width(width),
            ))?;
        } else {
            chart.draw_series(LineSeries::new(points, series.colour.stroke_width(width)))?;
        }
    }

    // Labelled markers say what happened there (break-even, a cap crossed);
    // unlabelled ones are where a component scales, which the legend says once.
    let radius = style.px(4.0) as i32;
    let marker_font = ("sans-serif", style.px(11.0)).into_font().color(&INK);
    for marker in &spec.markers {
        let at = (marker.month, y(marker.value));
        chart.draw_series(std::iter::once(Circle::new(
            at,
            radius,
            marker.colour.filled(),
        )))?;
        chart.draw_series(std::iter::once(Circle::new(
            at,
            radius,
            WHITE.stroke_width(1),
        )))?;
        if let Some(label) = &marker.label {
            // Above and to the right of its dot: clear of the dot, of the
            // y axis when the dot sits on it, and of a line that falls away.
            let gap = radius + style.px(3.0) as i32;
            let above = gap + style.px(11.0) as i32;
            chart.draw_series(std::iter::once(
                EmptyElement::at(at) + Text::new(label.clone(), (gap, -above), marker_font.clone()),
            ))?;
        }
    }

    // Actuals last, on top of everything: diamonds with a white edge so
    // they stand out from lines, bands and the round scaling markers.
    let radius = style.px(5.0) as i32;
    for observed in &spec.observed {
        for (month, value) in &observed.points {
            if !value.is_finite() || (spec.log_y && *value <= 0.0) {
                continue;
            }
            let at = (*month, y(*value));
            chart.draw_series(std::iter::once(
                EmptyElement::at(at)
                    + diamond((0, 0), radius + style.px(1.5) as i32, WHITE)
                    + diamond((0, 0), radius, observed.colour),
            ))?;
        }
    }

    let (x_range, _) = chart.plotting_area().get_pixel_range();
    area.present()?;
    Ok(PlotGeometry {
        left: x_range.start,
        right: x_range.end,
        horizon,
    })
}

/// Draws the sensitivity tornado: one bar per input from the outcome at its
/// low bound to the outcome at its high bound, around the median outcome.
pub fn draw_tornado<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &TornadoSpec,
    style: ChartStyle,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&WHITE)?;
    let font = ("sans-serif", style.px(12.0)).into_font().color(&INK);
    if spec.bars.is_empty() {
        area.draw(&Text::new(
            "Every input is a single number. Type a range (80 – 120) to see what matters most.",
            (style.px(16.0) as i32, style.px(24.0) as i32),
            font,
        ))?;
        return area.present();
    }
    let lower = RGBColor(0, 114, 178);
    let higher = RGBColor(213, 94, 0);
    let entries = [
        (
            "input at its low bound".to_string(),
            Swatch::Fill(lower, 0.85),
        ),
        (
            "input at its high bound".to_string(),
            Swatch::Fill(higher, 0.85),
        ),
        ("every input at its median".to_string(), Swatch::Dashed(INK)),
    ];
    let (width, _) = area.dim_in_pixel();
    let (places, legend_height) = legend_layout(&entries, width as i32, style);
    let (legend, area) = area.split_vertically(legend_height);
    draw_legend(&legend, &entries, &places, style)?;
    let (low, high) = spec
        .bars
        .iter()
        .flat_map(|b| [b.at_low, b.at_high])
        .chain(std::iter::once(spec.baseline))
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    let pad = ((high - low) * 0.08).max(1.0);
    let rows = spec.bars.len() as f64;
    let mut chart = ChartBuilder::on(&area)
        .margin(style.px(10.0))
        .x_label_area_size(style.px(X_LABEL_AREA))
        .y_label_area_size(style.px(8.0))
        .build_cartesian_2d((low - pad)..(high + pad), 0.0..rows)?;
    let format = spec.format.clone();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .light_line_style(GRID.mix(0.0))
        .bold_line_style(GRID)
        .axis_style(INK.mix(0.6))
        .x_labels(6)
        .label_style(font.clone())
        .axis_desc_style(font.clone())
        .x_desc(spec.title.as_str())
        .x_label_formatter(&|value| format.axis(*value))
        .draw()?;
    for (index, bar) in spec.bars.iter().enumerate() {
        // The largest swing on top.
        let row = rows - 1.0 - index as f64;
        let (bottom, top) = (row + 0.12, row + 0.55);
        for (value, colour) in [(bar.at_low, lower), (bar.at_high, higher)] {
            let (from, to) = if value < spec.baseline {
                (value, spec.baseline)
            } else {
                (spec.baseline, value)
            };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(from, bottom), (to, top)],
                colour.mix(0.85).filled(),
            )))?;
        }
        let label = format!(
            "{}: {} → {}",
            bar.input,
            spec.format.axis(bar.at_low),
            spec.format.axis(bar.at_high)
        );
        chart.draw_series(std::iter::once(Text::new(
            label,
            (low - pad * 0.9, row + 0.93),
            font.clone(),
        )))?;
    }
    chart.draw_series(DashedLineSeries::new(
        [(spec.baseline, 0.0), (spec.baseline, rows)],
        style.px(4.0),
        style.px(3.0),
        INK.stroke_width(style.px(1.0)),
    ))?;
    area.present()
}

/// A filled diamond centred on `at` (pixels).
fn diamond(at: (i32, i32), radius: i32, colour: RGBColor) -> Polygon<(i32, i32)> {
    let (x, y) = at;
    Polygon::new(
        vec![
            (x, y - radius),
            (x + radius, y),
            (x, y + radius),
            (x - radius, y),
        ],
        colour.filled(),
    )
}
