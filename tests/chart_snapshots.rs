//! Every chart of the app, rendered natively to SVG by the same drawing code
//! the page runs on its canvases, compared with the snapshots committed under
//! `tests/snapshots/`. After an intended change, refresh them with
//! `HEADROOM_UPDATE_SNAPSHOTS=1 cargo test --test chart_snapshots` and review
//! the diff.
#![cfg(not(target_arch = "wasm32"))]

use headroom::chart::spec::{
    cost_chart, cost_per_user_chart, cumulative_chart, tornado_chart, users_chart,
    utilization_chart,
};
use headroom::chart::{draw_chart, draw_tornado, ChartSpec, ChartStyle, TornadoSpec};
use headroom::engine::analyse::scenario::project;
use headroom::engine::model::plan::Uncertainty;
use headroom::engine::model::templates;
use headroom::engine::uncertainty::simulate_plan;
use plotters::prelude::*;
use std::path::PathBuf;

const SIZE: (u32, u32) = (720, 320);

fn render(spec: &ChartSpec) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw_chart(&root, spec, ChartStyle::default()).expect("draws");
    }
    svg
}

fn render_tornado(spec: &TornadoSpec) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw_tornado(&root, spec, ChartStyle::default()).expect("draws");
    }
    svg
}

/// Compares `svg` with the committed snapshot `name`, or rewrites it when asked.
fn check_snapshot(name: &str, svg: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.svg"));
    if std::env::var_os("HEADROOM_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create tests/snapshots");
        std::fs::write(&path, svg).expect("write the snapshot");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}: run HEADROOM_UPDATE_SNAPSHOTS=1 cargo test --test chart_snapshots",
            path.display()
        )
    });
    assert!(
        committed == svg,
        "{name} no longer matches {}; if the change is intended, refresh the snapshots \
         (HEADROOM_UPDATE_SNAPSHOTS=1) and review the diff",
        path.display()
    );
}

#[test]
fn every_chart_of_the_worked_example_matches_its_snapshot() {
    let plan = templates::worked_example().expect("valid");
    let projection = project(&plan);
    let bands = simulate_plan(
        &plan,
        Uncertainty {
            samples: 500,
            seed: 42,
        },
    );
    let moderate = &projection.scenarios[1];

    let users = render(&users_chart(&plan, &projection, Some(&bands), 1, false));
    for text in [
        "Conservative",
        "Moderate P10–P90",
        "Moderate P5–P95",
        "\n6k\n",
    ] {
        assert!(users.contains(text), "users chart lacks {text}");
    }
    check_snapshot("users", &users);

    let users_log = render(&users_chart(&plan, &projection, Some(&bands), 1, true));
    // Decades on a log axis: 100 users at month 0, 5,669 at most.
    for label in ["\n100\n", "\n1k\n", "\n10k\n"] {
        assert!(users_log.contains(label), "log axis lacks {label:?}");
    }
    check_snapshot("users-log", &users_log);

    let cost = render(&cost_chart(&plan, moderate));
    assert!(cost.contains("OpenAI API") && cost.contains("\n$1.5k\n"));
    check_snapshot("cost", &cost);

    let utilization = render(&utilization_chart(&plan, moderate));
    assert!(
        utilization.contains("red from 80%") && utilization.contains("where a component scales")
    );
    check_snapshot("utilization", &utilization);

    let cumulative = render(&cumulative_chart(&plan, moderate));
    check_snapshot("cumulative", &cumulative);

    let per_user = render(&cost_per_user_chart(&plan, moderate));
    assert!(per_user.contains("cap $3.00"));
    check_snapshot("cost-per-user", &per_user);

    let tornado = render_tornado(&tornado_chart(&plan, moderate, Some(&bands), 1));
    // Inputs named as the plan writes them, not "driver ai requests per user month".
    assert!(tornado.contains("ai_requests_per_user_month: "));
    assert!(!tornado.contains("driver "));
    check_snapshot("tornado", &tornado);
}

#[test]
fn break_even_shows_on_the_lean_mvp() {
    let lean = templates::load("lean-mvp").expect("listed").expect("valid");
    let projection = project(&lean);
    let cumulative = render(&cumulative_chart(&lean, &projection.scenarios[1]));
    assert!(
        cumulative.contains("Cumulative revenue") && cumulative.contains("break-even, month 0")
    );
    check_snapshot("cumulative-lean-mvp", &cumulative);
}

#[test]
fn a_changed_plan_draws_differently() {
    let plan = templates::worked_example().expect("valid");
    let edited = headroom::editor::Field::GrowthParameter {
        scenario: 1,
        index: 0,
    }
    .apply(plan.plan(), "30%")
    .expect("valid");
    let before = render(&users_chart(&plan, &project(&plan), None, 1, false));
    let after = render(&users_chart(&edited, &project(&edited), None, 1, false));
    assert_ne!(before, after);
}

/// Actuals draw as diamonds on top of the plan (issue 15): the example file's
/// users on the users chart, total cost on the cost chart, and the
/// utilization they put on each component.
#[test]
fn actuals_draw_as_marks_over_the_plan() {
    let plan = headroom::engine::actuals::import::read_actuals_csv(
        include_str!("../examples/actuals.csv"),
        &templates::worked_example().expect("valid"),
    )
    .expect("the example reads")
    .plan;
    let projection = project(&plan);
    let moderate = &projection.scenarios[1];
    let users = users_chart(&plan, &projection, None, 1, false);
    assert_eq!(users.observed.len(), 1);
    // Oct 2026 (month 9): 326 users, as the read-out lists it.
    assert!(users
        .values_at(9)
        .contains(&("Actual users".to_string(), "326".to_string())));
    check_snapshot("users-actuals", &render(&users));
    let cost = cost_chart(&plan, moderate);
    assert_eq!(cost.observed[0].points.len(), 10);
    check_snapshot("cost-actuals", &render(&cost));
    let utilization = utilization_chart(&plan, moderate);
    // Supabase carries db_size_mb, which has actuals; Redis's redis_mb has none.
    let names: Vec<&str> = utilization
        .observed
        .iter()
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(names, ["Supabase actual"]);
    check_snapshot("utilization-actuals", &render(&utilization));
}

/// A comparison: the worked example's Moderate now (growth 30%) solid, as
/// it was (25%) dashed, users and monthly cost.
#[test]
fn a_comparison_draws_the_other_plan_dashed() {
    use headroom::chart::spec::{comparison_chart, Overlay};
    let old = templates::worked_example().expect("valid");
    let mut plan = old.plan().clone();
    if let headroom::engine::model::plan::Growth::Compound { growth, .. } =
        &mut plan.scenarios[1].growth
    {
        *growth = 0.30.into();
    }
    let new = headroom::engine::model::validate::validate(&plan).expect("valid");
    let (before, after) = (project(&old), project(&new));
    for (overlay, name) in [
        (Overlay::Users, "compare-users"),
        (Overlay::MonthlyCost, "compare-cost"),
    ] {
        let spec = comparison_chart(
            overlay,
            &after.scenarios[1],
            "this plan",
            &before.scenarios[1],
            "the version from May",
            "USD",
        );
        assert!(spec.lines[0].dashed && !spec.lines[1].dashed);
        let svg = render(&spec);
        assert!(
            svg.contains("Moderate (the version from May)") && svg.contains("Moderate (this plan)")
        );
        // Dashes: the other plan's line is drawn as short segments, more
        // pieces than the same line drawn solid.
        let mut solid = spec.clone();
        solid.lines[0].dashed = false;
        let pieces = |svg: &str| svg.matches("<polyline").count() + svg.matches("<path").count();
        assert!(pieces(&svg) > pieces(&render(&solid)) + 5, "{name}");
        check_snapshot(name, &svg);
    }
}

/// The fit panel's hindsight (issue 27): the year before the last 6 months
/// as a line, the forecast from there with its 90% band, and what happened
/// as diamonds, labelled in calendar months and on an axis fitted to the
/// values (a band of a few percent would be a hairline on an axis from 0).
#[test]
fn the_hindsight_chart_draws_the_held_out_months_against_their_band() {
    use headroom::chart::hindsight::hindsight_chart;
    use headroom::engine::actuals::choose::Trend;
    use headroom::engine::actuals::fit::Observation;
    use headroom::engine::actuals::hindsight::hindsight;
    use headroom::engine::model::plan::month_count;
    // 36 months to Jan 2026 (plan month 0): 1.2% a month, busy Decembers.
    let season = [
        0.95, 0.92, 0.97, 1.0, 0.98, 0.9, 0.88, 0.93, 1.02, 1.06, 1.15, 1.24,
    ];
    let history: Vec<Observation> = (-35..=0)
        .map(|month: i32| Observation {
            month,
            users: 300.0
                * 1.012f64.powi(month)
                * season[month.rem_euclid(12) as usize]
                * (1.0 + 0.02 * (1.3 * f64::from(month)).sin()),
        })
        .collect();
    let seen = hindsight(&history, 0, Trend::Damped).expect("a year and more of history");
    let spec = hindsight_chart(&seen, month_count(2026, 1));
    assert_eq!(spec.bands[0].points.len(), 6);
    assert_eq!(spec.observed[0].points.len(), 6);
    // Aug 2024 to Jan 2026: the 12 months before the held-out 6, and them
    // (18 months: 0 to 17 on the axis).
    assert_eq!(spec.horizon, 17);
    assert_eq!(spec.month_label(0), Some("Aug 2024"));
    assert_eq!(spec.month_label(17), Some("Jan 2026"));
    assert!(!spec.zero_based);
    check_snapshot("hindsight", &render(&spec));
}
