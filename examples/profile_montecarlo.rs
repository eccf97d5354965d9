//! Runs the Monte Carlo benchmark's workload once, for profilers
//! (`perf record cargo run --release --example profile_montecarlo`).
use headroom::engine::plan::Uncertainty;
use headroom::engine::templates;
use headroom::engine::uncertainty::simulate_plan;

fn main() {
    let plan = templates::load("microservices-aws")
        .and_then(Result::ok)
        .and_then(|p| p.with_overrides(Some(120), None).ok());
    let Some(plan) = plan else {
        eprintln!("the template failed to load");
        std::process::exit(1);
    };
    let mut checksum = 0.0;
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
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
