//! Runs the Monte Carlo benchmark's workload once, for profilers
//! (`perf record cargo run --release --example profile_montecarlo -- RUNS TEMPLATE`):
//! 10,000 paths × 120 months of every scenario of a template (default
//! microservices-aws, the benchmark's).
use headroom::engine::model::plan::Uncertainty;
use headroom::engine::model::templates;
use headroom::engine::uncertainty::simulate_plan;

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let template = args
        .next()
        .unwrap_or_else(|| "microservices-aws".to_string());
    let plan = templates::load(&template)
        .and_then(Result::ok)
        .and_then(|p| p.with_overrides(Some(120), None).ok());
    let Some(plan) = plan else {
        eprintln!("no template {template}");
        std::process::exit(1);
    };
    let mut checksum = 0.0;
    for _ in 0..runs {
        let bands = simulate_plan(
            &plan,
            Uncertainty {
                samples: 10_000,
                seed: 1,
            },
        );
        checksum += bands.scenarios[0].months.len() as f64;
    }
    println!("{checksum}");
}
