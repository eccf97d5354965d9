//! The deterministic projection's speed: every template over 120 months,
//! all scenarios; and fitting every growth model to 120 months of user
//! actuals. Run with `cargo bench --bench engine`.

use criterion::{criterion_group, criterion_main, Criterion};
use headroom::engine::fit::{fit, Model, Observation};
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
    let points: Vec<Observation> = (0..120)
        .map(|month| {
            let t = f64::from(month);
            let wobble = 1.0 + 0.01 * (t * 1.7).sin();
            Observation {
                month: month - 119,
                users: 50_000.0 / (1.0 + 99.0 * (-0.08 * t).exp()) * wobble,
            }
        })
        .collect();
    let models = [
        Model::Compound,
        Model::Linear,
        Model::Logistic,
        Model::Piecewise { ends: vec![-60] },
    ];
    c.bench_function("fit all four growth models to 120 months", |b| {
        b.iter(|| {
            for model in &models {
                let _ = black_box(fit(black_box(&points), model));
            }
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = forecasts, fitting
}
criterion_main!(benches);
