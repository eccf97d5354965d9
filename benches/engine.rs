//! The deterministic projection's speed: every template over 120 months,
//! all scenarios; and fitting every growth model to 120 months of user
//! actuals; importing a file of 120 months × 30 columns of actuals. Run with
//! `cargo bench --bench engine`.

use criterion::{criterion_group, criterion_main, Criterion};
use headroom::engine::actuals::fit::fit;
use headroom::engine::actuals::import::read_actuals_csv;
use headroom::engine::actuals::sample::{every_model, saturating_users, synthetic_csv};
use headroom::engine::analyse::scenario::project;
use headroom::engine::model::templates::{self, TEMPLATES};
use std::hint::black_box;

fn forecasts(c: &mut Criterion) {
    for template in &TEMPLATES {
        let plan = templates::load(template.id)
            .expect("listed")
            .expect("valid")
            .with_overrides(Some(120), None)
            .expect("120 months is valid");
        c.bench_function(
            &format!("{} × 120 months, all scenarios", template.id),
            |b| b.iter(|| black_box(project(black_box(&plan)))),
        );
    }
}

/// 120 months of a saturating series with a little deterministic wobble,
/// fitted by all four models (the piecewise with a break at month 60).
fn fitting(c: &mut Criterion) {
    let points = saturating_users(120);
    let models = every_model();
    c.bench_function("fit all four growth models to 120 months", |b| {
        b.iter(|| {
            for model in &models {
                let _ = black_box(fit(black_box(&points), model));
            }
        })
    });
}

/// Issue 27: every trend fitted to 120 months with a season, each
/// cross-validated on rolling origins and widened by its held-out errors,
/// and the chosen one's hindsight (the last 6 months forecast from before
/// them): what the fit panel computes. Goal: 20 ms in Chromium.
fn choosing(c: &mut Criterion) {
    use headroom::engine::actuals::choose::{choose, Trend};
    use headroom::engine::actuals::hindsight::hindsight;
    use headroom::engine::actuals::sample::seasonal_users;
    let points = seasonal_users(120);
    c.bench_function(
        "choose among every trend with cross-validation, 120 months",
        |b| b.iter(|| black_box(choose(black_box(&points), 0))),
    );
    c.bench_function("hindsight of the damped trend, 120 months", |b| {
        b.iter(|| black_box(hindsight(black_box(&points), 0, Trend::Damped)))
    });
}

/// A file of 120 months × 30 columns read, checked and merged into the
/// richest template (which validates the whole plan again).
fn importing(c: &mut Criterion) {
    let plan = templates::load("microservices-aws")
        .expect("listed")
        .expect("valid");
    let csv = synthetic_csv(&plan, 120, 30);
    assert!(read_actuals_csv(&csv, &plan).is_ok());
    c.bench_function("import 120 months × 30 columns of actuals", |b| {
        b.iter(|| black_box(read_actuals_csv(black_box(&csv), &plan).is_ok()))
    });
}

/// Issue 19's measure: the richest template against a changed copy (growth,
/// a driver, a renamed component, a new component): what changed, both
/// projections and the results compared; and the same with both plans'
/// bands (2,000 paths each, as the app runs them).
fn comparing(c: &mut Criterion) {
    use headroom::engine::diff::results::{compare_results, Side};
    use headroom::engine::model::plan::{Component, Horizontal, Uncertainty};
    use headroom::engine::uncertainty::simulate_plan;
    let old = templates::load("microservices-aws")
        .expect("listed")
        .expect("valid");
    let mut changed = old.plan().clone();
    changed.baseline_users *= 1.2;
    changed.drivers[3].value = 1.5.into();
    if let Component::Tiered(redis) = &mut changed.components[3] {
        redis.name = "Cache".into();
    }
    changed.components.push(Component::Horizontal(Horizontal {
        name: "Search".into(),
        metric: "peak_rps".into(),
        capacity_per_unit: Some(500.0),
        target_utilization: 0.7,
        min_units: 1,
        max_units: 40,
        spare_units: 0,
        unit_cost: 90.0,
        reserved_share: 0.0,
        reserved_discount: 0.0,
        thresholds: Default::default(),
        current_units: None,
        lead_time_months: 0,
        commitment: None,
        latency: None,
    }));
    let new = headroom::engine::model::validate::validate(&changed).expect("valid");
    c.bench_function(
        "compare microservices-aws with a changed copy: projections",
        |b| {
            b.iter(|| {
                let (p, q) = (project(&old), project(&new));
                black_box(compare_results(
                    Side {
                        plan: &old,
                        projection: &p,
                        bands: None,
                    },
                    Side {
                        plan: &new,
                        projection: &q,
                        bands: None,
                    },
                ))
            })
        },
    );
    let settings = Uncertainty {
        samples: 2_000,
        seed: 1,
    };
    c.bench_function(
        "compare microservices-aws with a changed copy: projections and 2,000-path bands",
        |b| {
            b.iter(|| {
                let (p, q) = (project(&old), project(&new));
                let (x, y) = (simulate_plan(&old, settings), simulate_plan(&new, settings));
                black_box(compare_results(
                    Side {
                        plan: &old,
                        projection: &p,
                        bands: Some(&x),
                    },
                    Side {
                        plan: &new,
                        projection: &q,
                        bands: Some(&y),
                    },
                ))
            })
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = forecasts, fitting, choosing, importing, comparing
}
criterion_main!(benches);
