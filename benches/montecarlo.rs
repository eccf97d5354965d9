//! Monte Carlo speed: 10,000 paths × 120 months on the richest template
//! (microservices-aws: 8 metrics, 4 components, a stock metric, milestone
//! growth). The mark: a comparable model takes Squiggle about 2.8 s for
//! 10,000 samples on Node; the goal is at least 50× faster (≤ 56 ms).
//! Run with `cargo bench --bench montecarlo`.

use criterion::{criterion_group, criterion_main, Criterion};
use headroom::engine::model::inputs::scenario_inputs;
use headroom::engine::model::plan::{Component, Latency, Uncertainty};
use headroom::engine::model::templates;
use headroom::engine::uncertainty::select::{self, Tally};
use headroom::engine::uncertainty::{simulate, simulate_plan, split, Columns};
use std::hint::black_box;

fn montecarlo(c: &mut Criterion) {
    let plan = templates::load("microservices-aws")
        .expect("listed")
        .expect("valid")
        .with_overrides(Some(120), None)
        .expect("120 months is valid");
    let settings = Uncertainty {
        samples: 10_000,
        seed: 1,
    };
    let mut one_scenario = plan.plan().clone();
    one_scenario.scenarios.truncate(1);
    let one_scenario = headroom::engine::model::validate::validate(&one_scenario).expect("valid");

    c.bench_function(
        "microservices-aws, 1 scenario: 10,000 paths × 120 months, bands + sensitivity",
        |b| b.iter(|| black_box(simulate_plan(&one_scenario, settings))),
    );
    // Issue 18's measures, on the same scenario: without any latency target
    // (as before the issue), with one on every horizontal component, and
    // with correlations between its uncertain inputs.
    let variant = |latency: bool, correlated: bool| {
        let mut plan = one_scenario.plan().clone();
        // The gateway keeps the template's target (seed 001's load test);
        // the service pods get one too: 40 ms a request, 32 at once, p95
        // within 300 ms.
        for component in &mut plan.components {
            if let Component::Horizontal(h) = component {
                h.latency = if latency {
                    h.latency.or(Some(Latency {
                        service_time_ms: 40.0,
                        concurrency_per_unit: 32,
                        percentile: 0.95,
                        target_ms: 300.0,
                    }))
                } else {
                    None
                };
            }
        }
        if correlated {
            let scenario = plan.scenarios[0].name.clone();
            plan.correlations = headroom::engine::actuals::sample::richest_correlations(&scenario);
        }
        headroom::engine::model::validate::validate(&plan).expect("valid")
    };
    for (label, latency, correlated) in [
        ("no latency targets", false, false),
        ("latency on every horizontal component", true, false),
        ("two correlations", false, true),
    ] {
        let plan = variant(latency, correlated);
        c.bench_function(
            &format!("microservices-aws, 1 scenario, {label}: 10,000 paths × 120 months"),
            |b| b.iter(|| black_box(simulate_plan(&plan, settings))),
        );
    }
    // Issue 27: the same scenario with seasonality (twelve factors) and a
    // 4% monthly swing, each path drawing its own shocks. Goal: within 15%
    // of the first measure above.
    let seasonal =
        headroom::engine::actuals::sample::with_seasons_and_swings(&one_scenario).expect("valid");
    c.bench_function(
        "microservices-aws, 1 scenario, seasonality and a 4% swing: 10,000 paths × 120 months",
        |b| b.iter(|| black_box(simulate_plan(&seasonal, settings))),
    );
    c.bench_function(
        "microservices-aws, 2 scenarios: 10,000 paths × 120 months, bands + sensitivity",
        |b| b.iter(|| black_box(simulate_plan(&plan, settings))),
    );
    // Its 12-month plan run to 120 months outgrows every component within a
    // few years, and sizing a path over capacity is cheap. The other side: a
    // plan that stays within its components for all 120 months, with its
    // growth sampled too (users differ between paths) and a tiered component
    // carrying two metrics (lean-mvp's Steady scenario).
    let mut within = templates::load("lean-mvp")
        .expect("listed")
        .expect("valid")
        .with_overrides(Some(120), None)
        .expect("120 months is valid")
        .plan()
        .clone();
    within
        .scenarios
        .retain(|scenario| scenario.name == "Steady");
    let within = headroom::engine::model::validate::validate(&within).expect("valid");
    c.bench_function(
        "lean-mvp, Steady (never over capacity): 10,000 paths × 120 months, bands + sensitivity",
        |b| b.iter(|| black_box(simulate_plan(&within, settings))),
    );
    // Issue 29: the same scenario as four workers share it, each step timed
    // alone: a quarter of the paths (every share samples all inputs and
    // draws all shocks), a share's two rounds of exact percentiles (counts
    // per bucket, keys in the target buckets), and the page's part (joining
    // spreads and counts, selecting, assembling the bands). The critical
    // path with four workers is a share, its rounds and the page's part.
    let shares: Vec<_> = (0..4)
        .map(|share| split::simulate_share(&one_scenario, 0, settings, share, 4).expect("a share"))
        .collect();
    c.bench_function(
        "microservices-aws, 1 scenario: share 2 of 4 of the paths",
        |b| {
            // As a worker runs it: the last run's buffer kept for the values.
            let mut buffer = Vec::new();
            b.iter(|| {
                let taken = std::mem::take(&mut buffer);
                let share = split::simulate_share_into(&one_scenario, 0, settings, (1, 4), taken)
                    .expect("a share");
                buffer = black_box(share).kept.into_keys();
            })
        },
    );
    let buckets = split::shares_buckets(&shares);
    let counts: Vec<Vec<u32>> = shares
        .iter()
        .map(|share| select::histograms(&share.kept, &buckets).expect("counted"))
        .collect();
    let counts: Vec<&[u32]> = counts.iter().map(Vec::as_slice).collect();
    let targets = select::targets(&buckets, &counts).expect("targets");
    c.bench_function(
        "microservices-aws, 1 scenario: a share's two rounds (of 4)",
        |b| {
            b.iter(|| {
                black_box(select::histograms(&shares[1].kept, &buckets).expect("counted"));
                black_box(select::gather(&shares[1].kept, &buckets, &targets).expect("gathered"))
            })
        },
    );
    let gathered: Vec<Vec<Tally>> = shares
        .iter()
        .map(|share| select::gather(&share.kept, &buckets, &targets).expect("gathered"))
        .collect();
    let gathered: Vec<&[Tally]> = gathered.iter().map(Vec::as_slice).collect();
    c.bench_function(
        "microservices-aws, 1 scenario: the page's part of 4 shares",
        |b| {
            b.iter(|| {
                let buckets = split::shares_buckets(&shares);
                let targets = select::targets(&buckets, &counts).expect("targets");
                black_box(split::assemble_scenario(
                    &one_scenario,
                    0,
                    settings,
                    &shares,
                    (&buckets, &targets),
                    &gathered,
                ))
            })
        },
    );
    // The simulation alone, without percentiles: where the time goes.
    let inputs = scenario_inputs(one_scenario.plan(), 0);
    let columns = Columns::sampled(&inputs, 10_000, 1);
    c.bench_function("microservices-aws, 1 scenario: simulation only", |b| {
        b.iter(|| {
            black_box(simulate(&one_scenario, 0, &columns, 10_000, |view| {
                black_box(view.total_cost[0]);
            }))
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = montecarlo
}
criterion_main!(benches);
