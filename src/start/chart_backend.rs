//! plotters-canvas's backend with the canvas's state set only when it
//! changes.
//!
//! plotters-canvas sets the font, alignment, baseline and colour before every
//! label, and the colour and width before every line. Setting a canvas's font
//! makes Chromium bring the page's style (and the layout that container-query
//! units need) up to date first, in the middle of a keystroke's updates: once
//! per chart, each time a keystroke has changed a class anywhere (issue 29).
//! Only `font` does that: drawing text with the font the context already has
//! needs no style. So this backend remembers the font it last gave each
//! canvas ([`KnownFont`], kept by the caller between drawings) and sets it
//! again only when it differs or the canvas has lost it (resizing a canvas
//! resets its state). The colours, widths, alignment and baseline are set
//! only when they change within a drawing: each setting crosses from
//! WebAssembly to the page, and a colour is a string made for it. The shapes
//! are drawn as plotters-canvas draws them, and the pixels are the same (a
//! component test compares them).

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontTransform,
};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// The font a canvas was last given, as set and as the canvas reads it back
/// (its serialisation, which may differ): the canvas still has it when it
/// reads the same back.
#[derive(Debug, Clone)]
pub struct KnownFont {
    set: String,
    read_back: String,
}

/// A chart's drawing backend over one canvas; see the module's notes.
pub struct ChartBackend {
    inner: CanvasBackend,
    context: CanvasRenderingContext2d,
    /// The font the context has, when known.
    font: Option<KnownFont>,
    /// What this drawing last set: text alignment and baseline, the fill
    /// and stroke colours (alpha and red, green, blue) and the line width.
    align: Option<&'static str>,
    baseline: Option<&'static str>,
    fill: Option<(f64, (u8, u8, u8))>,
    stroke: Option<(f64, (u8, u8, u8))>,
    line_width: Option<u32>,
}

impl ChartBackend {
    /// Draws on `canvas`, which was last given `font` (`None` when not known).
    pub fn new(canvas: HtmlCanvasElement, font: Option<KnownFont>) -> Option<Self> {
        let context: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        // A canvas resized since then has its default font again.
        let font = font.filter(|known| context.font() == known.read_back);
        let inner = CanvasBackend::with_canvas_object(canvas)?;
        Some(ChartBackend {
            inner,
            context,
            font,
            align: None,
            baseline: None,
            fill: None,
            stroke: None,
            line_width: None,
        })
    }

    /// The font the canvas has now, for the next drawing.
    pub fn known_font(&self) -> Option<KnownFont> {
        self.font.clone()
    }

    fn set_font(&mut self, font: String) {
        if self.font.as_ref().is_some_and(|known| known.set == font) {
            return;
        }
        self.context.set_font(&font);
        let read_back = self.context.font();
        self.font = Some(KnownFont {
            set: font,
            read_back,
        });
    }

    fn set_text_state<S: BackendTextStyle>(&mut self, style: &S) {
        let baseline = match style.anchor().v_pos {
            VPos::Top => "top",
            VPos::Center => "middle",
            VPos::Bottom => "bottom",
        };
        if self.baseline != Some(baseline) {
            self.context.set_text_baseline(baseline);
            self.baseline = Some(baseline);
        }
        let align = match style.anchor().h_pos {
            HPos::Left => "start",
            HPos::Right => "end",
            HPos::Center => "center",
        };
        if self.align != Some(align) {
            self.context.set_text_align(align);
            self.align = Some(align);
        }
        self.fill_with(style.color());
        self.set_font(format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str(),
        ));
    }

    fn fill_with(&mut self, color: BackendColor) {
        if self.fill != Some((color.alpha, color.rgb)) {
            self.context.set_fill_style_str(&canvas_color(color));
            self.fill = Some((color.alpha, color.rgb));
        }
    }

    fn stroke_with<S: BackendStyle>(&mut self, style: &S) {
        let color = style.color();
        if self.stroke != Some((color.alpha, color.rgb)) {
            self.context.set_stroke_style_str(&canvas_color(color));
            self.stroke = Some((color.alpha, color.rgb));
        }
        let width = style.stroke_width();
        if self.line_width != Some(width) {
            self.context.set_line_width(f64::from(width));
            self.line_width = Some(width);
        }
    }

    /// Traces a path of points (none: an empty path).
    fn trace(&self, points: impl IntoIterator<Item = BackendCoord>) -> bool {
        let mut points = points.into_iter();
        self.context.begin_path();
        let Some((x, y)) = points.next() else {
            return false;
        };
        self.context.move_to(f64::from(x), f64::from(y));
        for (x, y) in points {
            self.context.line_to(f64::from(x), f64::from(y));
        }
        true
    }
}

/// A horizontal or vertical line's ends moved half a pixel, onto the
/// pixels' centres, so a one-pixel line is one pixel wide and not two half
/// pixels (as plotters-canvas draws them).
fn crisp(from: BackendCoord, to: BackendCoord) -> ((f64, f64), (f64, f64)) {
    let (mut from, mut to) = (
        (f64::from(from.0), f64::from(from.1)),
        (f64::from(to.0), f64::from(to.1)),
    );
    if from.0 == to.0 {
        from.0 -= 0.5;
        to.0 -= 0.5;
    }
    if from.1 == to.1 {
        from.1 -= 0.5;
        to.1 -= 0.5;
    }
    (from, to)
}

/// A colour as the canvas reads it, as plotters-canvas writes it.
fn canvas_color(color: BackendColor) -> String {
    let (r, g, b) = color.rgb;
    format!("rgba({},{},{},{})", r, g, b, color.alpha)
}

/// What the canvas refused, in words (plotters-canvas's own error cannot be
/// made outside it).
#[derive(Debug)]
pub struct ChartError(String);

impl std::fmt::Display for ChartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ChartError {}

fn canvas_error(error: wasm_bindgen::JsValue) -> DrawingErrorKind<ChartError> {
    DrawingErrorKind::DrawingError(ChartError(format!("{error:?}")))
}

fn chart_error<E: std::error::Error + Send + Sync>(
    error: DrawingErrorKind<E>,
) -> DrawingErrorKind<ChartError> {
    match error {
        DrawingErrorKind::DrawingError(error) => {
            DrawingErrorKind::DrawingError(ChartError(error.to_string()))
        }
        DrawingErrorKind::FontError(error) => DrawingErrorKind::FontError(error),
    }
}

type Drawn = Result<(), DrawingErrorKind<ChartError>>;

impl DrawingBackend for ChartBackend {
    type ErrorType = ChartError;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Drawn {
        self.inner.ensure_prepared().map_err(chart_error)
    }

    fn present(&mut self) -> Drawn {
        self.inner.present().map_err(chart_error)
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn {
        // plotters-canvas's own, which sets the fill itself.
        self.fill = None;
        self.inner.draw_pixel(point, color).map_err(chart_error)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Drawn {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let ((x0, y0), (x1, y1)) = crisp(from, to);
        self.stroke_with(style);
        self.context.begin_path();
        self.context.move_to(x0, y0);
        self.context.line_to(x1, y1);
        self.context.stroke();
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Drawn {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let (x, y) = (f64::from(upper_left.0), f64::from(upper_left.1));
        let (width, height) = (
            f64::from(bottom_right.0 - upper_left.0),
            f64::from(bottom_right.1 - upper_left.1),
        );
        if fill {
            self.fill_with(style.color());
            self.context.fill_rect(x, y, width, height);
        } else {
            self.stroke_with(style);
            self.context.stroke_rect(x, y, width, height);
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Drawn {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        if self.trace(path) {
            self.stroke_with(style);
        }
        self.context.stroke();
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Drawn {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        if self.trace(vert) {
            self.fill_with(style.color());
            self.context.close_path();
        }
        self.context.fill();
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Drawn {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        if fill {
            self.fill_with(style.color());
        } else {
            self.stroke_with(style);
        }
        self.context.begin_path();
        self.context
            .arc(
                f64::from(center.0),
                f64::from(center.1),
                f64::from(radius),
                0.0,
                std::f64::consts::TAU,
            )
            .map_err(canvas_error)?;
        if fill {
            self.context.fill();
        } else {
            self.context.stroke();
        }
        Ok(())
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<ChartError>> {
        self.inner
            .estimate_text_size(text, style)
            .map_err(chart_error)
    }

    /// As plotters-canvas draws text, with the state set first (and kept, so
    /// a rotated label's `restore` leaves it as set).
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Drawn {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        self.set_text_state(style);
        let degrees = match style.transform() {
            FontTransform::None => 0.0,
            FontTransform::Rotate90 => 90.0,
            FontTransform::Rotate180 => 180.0,
            FontTransform::Rotate270 => 270.0,
        };
        let (x, y) = (f64::from(pos.0), f64::from(pos.1));
        if degrees == 0.0 {
            return self.context.fill_text(text, x, y).map_err(canvas_error);
        }
        self.context.save();
        let drawn = self
            .context
            .translate(x, y)
            .and_then(|()| self.context.rotate(degrees / 180.0 * std::f64::consts::PI))
            .and_then(|()| self.context.fill_text(text, 0.0, 0.0));
        self.context.restore();
        drawn.map_err(canvas_error)
    }
}
