//! The deterministic projection's speed: every template over 120 months,
//! all scenarios. Run with `cargo bench --bench engine`.

use criterion::{criterion_group, criterion_main, Criterion};
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

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = forecasts
}
criterion_main!(benches);
