//! A chart on a canvas: drawn from its spec whenever the spec or the canvas
//! size changes, sharp on high-density screens, with a read-out of the exact
//! values at the month under the pointer (or chosen with the arrow keys) and
//! a "Save as PNG" button.

use super::calendar;
use super::on_screen::{watch_element, watch_on_screen, watch_printing, CHART_MARGIN};
use super::state::PlanState;
use crate::chart::{draw_chart, draw_tornado, ChartSpec, ChartStyle, PlotGeometry, TornadoSpec};
use crate::start::chart_backend::KnownFont;
use crate::start::dom::sized_backend;
use leptos::html;
use leptos::prelude::*;
use plotters::prelude::DrawingArea;
use wasm_bindgen::JsCast;

/// What a canvas shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Drawing {
    Lines(ChartSpec),
    Tornado(TornadoSpec),
}

impl Drawing {
    fn title(&self) -> &str {
        match self {
            Drawing::Lines(spec) => &spec.title,
            Drawing::Tornado(spec) => &spec.title,
        }
    }
}

/// How many times the charts have been drawn and how long the last full
/// redraw took, for the browser measurement.
#[component]
pub fn ChartCanvas(
    #[prop(into)] drawing: Signal<Drawing>,
    /// `data-test` of the canvas and the stem of the saved file's name.
    #[prop(into)]
    name: String,
    /// Height in CSS pixels; the width follows the container.
    height: f64,
) -> impl IntoView {
    let state = expect_context::<PlanState>();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let width = watch_width(canvas_ref);
    let geometry = StoredValue::new(None::<(PlotGeometry, f64)>);
    // The font the canvas was last given, so a redraw need not set it again
    // (see `ChartBackend`).
    let font = StoredValue::new(None::<KnownFont>);
    let hovered = RwSignal::new(None::<u32>);
    let on_screen = watch_on_screen(canvas_ref, CHART_MARGIN);
    let printing = watch_printing();

    // Drawn when its drawing or size changes, but only while it is on screen
    // (or near it, or printing): a keystroke redraws the charts a person can
    // see, and one scrolled to is drawn as it arrives.
    Effect::new(move |_| {
        let width = width.get();
        drawing.track();
        if !on_screen.get() && !printing.get() {
            return;
        }
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        // Sized in device pixels so lines and text stay sharp.
        let Some((backend, scale)) = sized_backend(canvas, height, width, font.get_value()) else {
            return;
        };
        // Kept, to read the font it leaves the canvas with.
        let backend = std::rc::Rc::new(std::cell::RefCell::new(backend));
        let area = DrawingArea::from(&backend);
        let style = ChartStyle { scale };
        drawing.with(|drawing| match drawing {
            Drawing::Lines(spec) => match draw_chart(&area, spec, style) {
                Ok(drawn) => geometry.set_value(Some((drawn, scale))),
                Err(error) => leptos::logging::warn!("{}: {error}", spec.title),
            },
            Drawing::Tornado(spec) => {
                geometry.set_value(None);
                if let Err(error) = draw_tornado(&area, spec, style) {
                    leptos::logging::warn!("{}: {error}", spec.title);
                }
            }
        });
        font.set_value(backend.borrow().known_font());
    });

    let point_at = move |event: leptos::ev::MouseEvent| {
        let month = geometry
            .get_value()
            .and_then(|(geometry, scale)| geometry.month_at(f64::from(event.offset_x()) * scale));
        if hovered.get_untracked() != month {
            hovered.set(month);
        }
    };
    let step = move |event: leptos::ev::KeyboardEvent| {
        let Some((geometry, _)) = geometry.get_value() else {
            return;
        };
        let current = hovered.get_untracked();
        let next = match event.key().as_str() {
            "ArrowRight" => Some(current.map_or(0, |m| (m + 1).min(geometry.horizon))),
            "ArrowLeft" => Some(current.map_or(geometry.horizon, |m| m.saturating_sub(1))),
            "Escape" => None,
            _ => return,
        };
        event.prevent_default();
        hovered.set(next);
    };
    let readout = move || {
        let month = hovered.get()?;
        let (rows, own_label) = drawing.with(|d| match d {
            Drawing::Lines(spec) => (
                spec.values_at(month),
                spec.month_label(month).map(str::to_string),
            ),
            Drawing::Tornado(_) => (Vec::new(), None),
        });
        // A chart in calendar months of its own (the fit's hindsight) says
        // its month; the others are in the plan's months.
        let when = own_label.unwrap_or_else(|| {
            let calendar = state.plan.with(|p| calendar(p, month));
            format!("Month {month} · {calendar}")
        });
        Some(view! {
            <p class="readout-month">{when}</p>
            <ul class="readout-values">
                {rows
                    .into_iter()
                    .map(|(name, value)| view! { <li><span>{name}</span><strong>{value}</strong></li> })
                    .collect_view()}
            </ul>
        })
    };
    let file_name = name.clone();
    let save = move |_| {
        let Some(canvas) = canvas_ref.get_untracked() else {
            return;
        };
        let Ok(url) = canvas.to_data_url() else {
            return;
        };
        let link = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("a").ok())
            .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
        if let Some(link) = link {
            link.set_href(&url);
            link.set_download(&format!("headroom-{file_name}.png"));
            link.click();
        }
    };
    // The pointer or focus left: the read-out gives way to the hint, once
    // (setting `None` again would rebuild the hint for nothing).
    let let_go = move || {
        if hovered.get_untracked().is_some() {
            hovered.set(None);
        }
    };
    // Memos: every keystroke makes a new drawing, and what follows these
    // (the hint, the canvas's label) would otherwise be rebuilt with it.
    let is_lines = Memo::new(move |_| drawing.with(|d| matches!(d, Drawing::Lines(_))));
    let label = Memo::new(move |_| {
        drawing.with(|d| format!("{} (arrow keys read the values month by month)", d.title()))
    });
    view! {
        <figure class="chart-figure">
            <canvas
                node_ref=canvas_ref
                data-test=name
                class=format!("chart height-{}", height as u32)
                role="img"
                tabindex="0"
                aria-label=label
                on:mousemove=point_at
                on:mouseleave=move |_| let_go()
                on:keydown=step
                on:blur=move |_| let_go()
            ></canvas>
            <div class="chart-foot">
                <div class="readout" aria-live="polite">
                    {move || {
                        readout()
                            .map(IntoAny::into_any)
                            .unwrap_or_else(|| {
                                is_lines
                                    .get()
                                    .then(|| view! { <p class="readout-hint">"Point at the chart to read a month's values."</p> })
                                    .into_any()
                            })
                    }}
                </div>
                <button type="button" class="secondary save-png" on:click=save>"Save as PNG"</button>
            </div>
        </figure>
    }
}

/// The canvas's width in CSS pixels, as a ResizeObserver reports it after
/// each layout that changes it: a redraw never asks for the width, which
/// would make the browser lay the page out again in the middle of a
/// keystroke's updates (once per chart). `None` until it has reported, and
/// where the browser has no observer: the drawing then reads the width.
fn watch_width(canvas_ref: NodeRef<html::Canvas>) -> RwSignal<Option<f64>> {
    use web_sys::{ResizeObserver, ResizeObserverEntry};
    watch_element(
        canvas_ref,
        None,
        |entry| {
            let entry = entry.dyn_into::<ResizeObserverEntry>().ok()?;
            Some(Some(entry.content_rect().width()).filter(|w| w.is_finite() && *w > 0.0))
        },
        |callback, canvas| {
            let observer = ResizeObserver::new(callback).ok()?;
            observer.observe(canvas);
            Some(Box::new(move || observer.disconnect()))
        },
    )
}
