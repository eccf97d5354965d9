//! The first look: the page's header, the chosen scenario's headline and the
//! users chart, in the app's own classes so the app replaces it in place.

use super::dom::{add, add_svg, document, mark, now, set, sized_backend};
use crate::chart::{draw_chart, spec, ChartStyle};
use crate::engine::analyse::scenario::project;
use crate::engine::model::validate::ValidPlan;
use crate::headline::{
    calendar, callouts, headline_months, middle_scenario, FigureLength, FIGURES,
};
use plotters::prelude::IntoDrawingArea;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// The element the app removes when it mounts.
pub const FIRST_LOOK_ID: &str = "first-look";

/// Paints the first look of `plan` in place of the loading notice and
/// returns the status line where the app's loading is reported.
pub fn paint_first_look(plan: &ValidPlan, shared: bool) -> Option<Element> {
    let document = document()?;
    let body = document.body()?;
    let root = document.create_element("div").ok()?;
    root.set_id(FIRST_LOOK_ID);
    header(&root, plan)?;
    let status = add(&root, "p", "first-look-status", super::loader::LOADING)?;
    set(&status, &[("role", "status")]);
    let layout = add(
        &root,
        "main",
        if shared { "layout read-only" } else { "layout" },
        "",
    )?;
    if !shared {
        // Where the editor will be, so the results do not jump when it comes.
        let editor = add(&layout, "aside", "panel first-look-editor", "")?;
        set(&editor, &[("aria-label", "Plan editor")]);
        add(&editor, "h2", "", "Plan")?;
        add(
            &editor,
            "p",
            "first-look-note",
            "The editor opens here once it has loaded.",
        )?;
    }
    let results = add(&layout, "section", "results", "")?;
    set(&results, &[("aria-label", "Results")]);
    let projection = project(plan);
    let chosen = middle_scenario(plan);
    headline(&results, plan, &projection, chosen)?;
    let chart_panel = add(&results, "div", "panel", "")?;
    add(&chart_panel, "h2", "", "Users by scenario")?;
    let figure = add(&chart_panel, "figure", "chart-figure", "")?;
    let canvas = add(&figure, "canvas", "chart height-300", "")?
        .dyn_into::<web_sys::HtmlCanvasElement>()
        .ok()?;
    let users = spec::users_chart(plan, &projection, None, chosen, false);
    set(&canvas, &[("role", "img"), ("aria-label", &users.title)]);
    match document.get_element_by_id("loading") {
        Some(loading) => loading.replace_with_with_node_1(&root).ok()?,
        None => body.append_child(&root).map(|_| ()).ok()?,
    }
    // Laid out now: size the canvas as the app does, and draw.
    if let Some((backend, scale)) = sized_backend(canvas, 300.0, None, None) {
        let _ = draw_chart(&backend.into_drawing_area(), &users, ChartStyle { scale });
    }
    // When the headline and chart were first on screen, for the measurement.
    mark("__headroomFirstLook", now());
    Some(status)
}

fn header(root: &Element, plan: &ValidPlan) -> Option<()> {
    let header = add(root, "header", "app-header", "")?;
    let brand = add(&header, "div", "brand", "")?;
    let logo = add_svg(
        &brand,
        "svg",
        &[
            ("class", "logo"),
            ("viewBox", "0 0 32 32"),
            ("aria-hidden", "true"),
        ],
    )?;
    add_svg(
        &logo,
        "rect",
        &[
            ("width", "32"),
            ("height", "32"),
            ("rx", "7"),
            ("fill", "#0b2e47"),
        ],
    )?;
    add_svg(
        &logo,
        "path",
        &[
            ("d", "M6 24 L13 17 L18 20 L26 9"),
            ("fill", "none"),
            ("stroke", "#7dd3fc"),
            ("stroke-width", "3"),
            ("stroke-linecap", "round"),
            ("stroke-linejoin", "round"),
        ],
    )?;
    add_svg(
        &logo,
        "path",
        &[
            ("d", "M6 8 H26"),
            ("stroke", "#fbbf24"),
            ("stroke-width", "2"),
            ("stroke-dasharray", "3 2"),
        ],
    )?;
    let words = add(&brand, "div", "", "")?;
    add(&words, "p", "product", "Headroom")?;
    add(&words, "p", "tagline", "Capacity & cost planner")?;
    let name = add(&header, "h1", "plan-name", &plan.plan().name)?;
    set(&name, &[("title", &plan.plan().name)]);
    Some(())
}

fn headline(
    results: &Element,
    plan: &ValidPlan,
    projection: &crate::engine::analyse::scenario::Projection,
    chosen: usize,
) -> Option<()> {
    let scenario = projection.scenarios.get(chosen)?;
    let panel = add(results, "div", "panel", "")?;
    let head = add(&panel, "div", "panel-head", "")?;
    add(&head, "p", "panel-kicker", "Scenario")?;
    let section = add(&panel, "section", "headlines", "")?;
    set(&section, &[("aria-labelledby", "first-look-title")]);
    let title = add(&section, "h2", "", &format!("{} scenario", scenario.name))?;
    title.set_id("first-look-title");
    let currency = &plan.plan().currency;
    for month in headline_months(plan.plan().horizon_months) {
        let row = add(&section, "div", "headline-row", "")?;
        add(
            &row,
            "p",
            "headline-month",
            &format!("Month {month} · {}", calendar(plan, month)),
        )?;
        let grid = add(&row, "div", "headline-grid", "")?;
        for figure in &FIGURES {
            let card = add(&grid, "div", "headline-card", "")?;
            add(&card, "p", "headline-label", figure.label)?;
            let value = figure.text(scenario.at(month), currency);
            add(&card, "p", FigureLength::of(&value).classes(), &value)?;
        }
    }
    let list = add(&section, "div", "callouts", "")?;
    for callout in callouts(plan, scenario, None) {
        let card = add(&list, "div", &format!("callout {}", callout.tone), "")?;
        add(&card, "p", "callout-title", callout.title)?;
        add(&card, "p", "callout-when", &callout.when)?;
        add(&card, "p", "callout-what", &callout.what)?;
    }
    Some(())
}
