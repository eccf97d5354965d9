//! Charts drawn with plotters against any [`DrawingBackend`]: the browser
//! draws them on a canvas, native tests render the very same code to SVG.

mod draw;
pub mod hindsight;
pub mod spec;

pub use draw::{draw_chart, draw_tornado, PlotGeometry};
pub use spec::{ChartSpec, Format, TornadoSpec};

use plotters::style::RGBColor;

/// How a chart is drawn, independent of what it shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartStyle {
    /// Device pixels per CSS pixel, so text and lines keep their size on
    /// high-density screens.
    pub scale: f64,
}

impl Default for ChartStyle {
    fn default() -> Self {
        ChartStyle { scale: 1.0 }
    }
}

impl ChartStyle {
    /// `pixels` CSS pixels in device pixels, at least 1.
    pub fn px(&self, pixels: f64) -> u32 {
        (pixels * self.scale).round().max(1.0) as u32
    }
}

/// Series colours, distinct for common colour-vision deficiencies (Okabe–Ito,
/// with a grey for an eighth series).
pub const SERIES_COLOURS: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(110, 110, 110),
];

/// The colour of the `index`th series, cycling when there are more series than colours.
pub fn series_colour(index: usize) -> RGBColor {
    SERIES_COLOURS[index % SERIES_COLOURS.len()]
}

pub(crate) const INK: RGBColor = RGBColor(31, 41, 55);
pub(crate) const GRID: RGBColor = RGBColor(229, 231, 235);

#[cfg(test)]
mod tests {
    /// The page colours swatches with CSS classes (no inline styles under the
    /// Content-Security-Policy): they must match the charts' series colours.
    #[test]
    fn the_stylesheet_swatches_match_the_series_colours() {
        let css = concat!(
            include_str!("../../public/style.css"),
            include_str!("../../public/app.css")
        );
        for (index, colour) in super::SERIES_COLOURS.iter().enumerate() {
            let rule = format!(
                ".series-{index} {{ background: rgb({}, {}, {}); }}",
                colour.0, colour.1, colour.2
            );
            assert!(css.contains(&rule), "missing {rule}");
        }
    }
}
