//! The deterministic projection's speed: every template over 120 months,
//! all scenarios; and fitting every growth model to 120 months of user
//! actuals; importing a file of 120 months × 30 columns of actuals. Run with
//! `cargo bench --bench engine`.

use criterion::{criterion_group, criterion_main, Criterion};
use headroom::engine::actuals::import::read_actuals_csv;
use headroom::engine::actuals::sample::{every_model, saturating_users, synthetic_csv};
use headroom::engine::fit::fit;
use headroom::engine::projection::project;
use headroom::engine::templates::{self, TEMPLATES};
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

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = forecasts, fitting, importing
}
criterion_main!(benches);
