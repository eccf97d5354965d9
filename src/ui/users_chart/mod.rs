//! The users chart on a canvas, redrawn whenever the projection, the chosen
//! scenario or the canvas size changes.

use crate::chart::{draw_users_chart, ChartStyle};
use crate::engine::projection::Projection;
use leptos::html;
use leptos::prelude::*;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;

/// Chart height in CSS pixels; the width follows the container.
const HEIGHT: f64 = 300.0;

#[component]
pub fn UsersChart(
    #[prop(into)] projection: Signal<Projection>,
    #[prop(into)] highlighted: Signal<usize>,
) -> impl IntoView {
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let resized = RwSignal::new(0u32);
    let _ = window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n += 1));

    Effect::new(move |_| {
        resized.track();
        let projection = projection.get();
        let highlighted = highlighted.get();
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        // Size the canvas in device pixels so lines and text stay sharp.
        let scale = web_sys::window()
            .map(|window| window.device_pixel_ratio())
            .filter(|ratio| ratio.is_finite() && *ratio > 0.0)
            .unwrap_or(1.0);
        let css_width = f64::from(canvas.client_width()).max(280.0);
        canvas.set_width((css_width * scale).round() as u32);
        canvas.set_height((HEIGHT * scale).round() as u32);
        let Some(backend) = CanvasBackend::with_canvas_object(canvas) else {
            return;
        };
        let area = backend.into_drawing_area();
        if let Err(error) = draw_users_chart(&area, &projection, highlighted, ChartStyle { scale })
        {
            leptos::logging::warn!("users chart: {error}");
        }
    });

    view! {
        <canvas
            node_ref=canvas_ref
            class="chart"
            data-test="users-chart"
            style=format!("height: {HEIGHT}px")
            role="img"
            aria-label="Line chart of users per month for each scenario"
        ></canvas>
    }
}
