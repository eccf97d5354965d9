//! The formula engine's speed: a 15-metric demand chain (the seeds' formulas)
//! evaluated over 10,000 Monte Carlo paths × 120 months, by columns, and for
//! one path. Run with `cargo bench --bench formulas`.

use criterion::{criterion_group, criterion_main, Criterion};
use headroom::engine::formula::Chain;
use std::hint::black_box;

const PATHS: usize = 10_000;
const MONTHS: u32 = 120;

const INPUTS: [&str; 13] = [
    "users",
    "requests_per_user_month",
    "peak_factor",
    "concurrent_ratio",
    "db_mb_per_user",
    "cache_mb_per_user",
    "files_per_user",
    "file_mb",
    "efficiency",
    "avg_response_s",
    "pool_size",
    "workers",
    "connections_each",
];

const METRICS: [(&str, &str); 15] = [
    ("daily_requests", "users * requests_per_user_month / 30"),
    ("avg_rps", "daily_requests / 86400"),
    ("peak_rps", "avg_rps * peak_factor"),
    ("rps_per_vcpu", "efficiency / avg_response_s"),
    ("vcpus", "ceil(peak_rps / rps_per_vcpu)"),
    ("containers", "max(2, ceil(vcpus / 4))"),
    (
        "db_connections",
        "containers * pool_size + workers * connections_each",
    ),
    ("peak_concurrent", "users * concurrent_ratio"),
    ("required_capacity", "peak_concurrent * 1.2"),
    ("db_size_mb", "users * db_mb_per_user"),
    ("cache_mb", "users * cache_mb_per_user"),
    (
        "file_storage_mb",
        "prev(file_storage_mb, 0) + max(0, users - prev(users, users)) * files_per_user * file_mb",
    ),
    ("storage_mb", "file_storage_mb + db_size_mb"),
    ("transfer_gb", "daily_requests * 30 * 50 / 1M"),
    (
        "redis_nodes",
        "if(cache_mb > 6000, ceil(cache_mb / 6000), 1)",
    ),
];

/// Per-path monthly growth factors spread around 1.17 (seed 000's Moderate).
fn growth_factors() -> Vec<f64> {
    (0..PATHS)
        .map(|path| 1.10 + 0.14 * (path as f64 / PATHS as f64))
        .collect()
}

fn drivers() -> [f64; 12] {
    [
        150.0, 3.0, 0.15, 100.0, 10.0, 10.0, 2.0, 0.7, 0.2, 10.0, 5.0, 5.0,
    ]
}

fn columns(c: &mut Criterion) {
    let chain = Chain::compile(&INPUTS, &METRICS).expect("the benchmark chain compiles");
    let factors = growth_factors();
    let drivers = drivers();
    let mut state = chain.column_state(PATHS);
    let mut users = vec![100.0; PATHS];
    c.bench_function("15 metrics × 10,000 paths × 120 months (columns)", |b| {
        b.iter(|| {
            users.fill(100.0);
            for month in 0..=MONTHS {
                if month > 0 {
                    users.iter_mut().zip(&factors).for_each(|(u, f)| *u *= f);
                }
                let mut inputs: [&[f64]; 13] = [&[]; 13];
                inputs[0] = &users;
                for (slot, value) in inputs[1..].iter_mut().zip(&drivers) {
                    *slot = std::slice::from_ref(value);
                }
                chain
                    .evaluate_columns(&mut state, month, &inputs)
                    .expect("evaluates");
            }
            black_box(state.metric(14)[PATHS - 1])
        })
    });
}

fn single_path(c: &mut Criterion) {
    let chain = Chain::compile(&INPUTS, &METRICS).expect("the benchmark chain compiles");
    let drivers = drivers();
    let mut state = chain.scalar_state();
    c.bench_function("15 metrics × 1 path × 120 months (scalar)", |b| {
        b.iter(|| {
            let mut inputs = [0.0; 13];
            inputs[1..].copy_from_slice(&drivers);
            let mut users = 100.0;
            for month in 0..=MONTHS {
                if month > 0 {
                    users *= 1.17;
                }
                inputs[0] = users;
                chain
                    .evaluate_scalar(&mut state, month, &inputs)
                    .expect("evaluates");
            }
            black_box(state.metric(14))
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = columns, single_path
}
criterion_main!(benches);
