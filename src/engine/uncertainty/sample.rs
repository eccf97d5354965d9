//! Seeded, portable sampling of uncertain values.
//!
//! Each uncertain input draws from its own stream, seeded from the plan's
//! seed and the input's key (`driver:requests_per_user_month`,
//! `growth:churn`): adding an input never changes another's samples, and
//! scenarios sharing an input share its draws (common random numbers, so
//! scenarios differ by their assumptions, not by luck).
//!
//! Portability: normals come from Box–Muller with `libm` rather than
//! `rand_distr`'s ziggurat, because plotters enables `num-traits/std` and
//! with it std's `ln`/`exp`, whose last bits differ between platforms.
//! Uniform and triangular draws (`rand_distr`) use only exact operations.

use crate::engine::model::plan::{Distribution, Range, Value, Z_95};
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution as _, Triangular, Uniform};
use rand_pcg::Pcg64Mcg;

/// The generator of one input's stream.
pub fn stream(seed: u64, key: &str) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(splitmix64(seed ^ fnv1a(key)))
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A column of samples of `value`, kept within `[min, max]`: one value for a
/// fixed (or zero-width) value, else one per path.
pub fn sample_column(
    value: &Value,
    min: f64,
    max: f64,
    paths: usize,
    seed: u64,
    key: &str,
) -> Vec<f64> {
    let range = match value {
        Value::Range(range) if range.low != range.high => range,
        other => return vec![other.median()],
    };
    let mut rng = stream(seed, key);
    let mut column = Vec::with_capacity(paths);
    fill(&mut column, range, paths, &mut rng);
    for sample in &mut column {
        *sample = sample.clamp(min, max);
    }
    column
}

fn fill(column: &mut Vec<f64>, range: &Range, paths: usize, rng: &mut Pcg64Mcg) {
    match range.distribution {
        Distribution::Interval => {
            // low and high are the 5th and 95th percentiles.
            let log_normal = range.low > 0.0;
            let (centre, spread) = if log_normal {
                let (low, high) = (libm::log(range.low), libm::log(range.high));
                ((low + high) / 2.0, (high - low) / (2.0 * Z_95))
            } else {
                (
                    (range.low + range.high) / 2.0,
                    (range.high - range.low) / (2.0 * Z_95),
                )
            };
            standard_normals(column, paths, rng);
            for z in column.iter_mut() {
                let x = centre + spread * *z;
                *z = if log_normal { libm::exp(x) } else { x };
            }
        }
        Distribution::Uniform => match Uniform::new_inclusive(range.low, range.high) {
            Ok(uniform) => column.extend((0..paths).map(|_| uniform.sample(rng))),
            Err(_) => column.resize(paths, range.low),
        },
        Distribution::Triangular => {
            let mode = range.mode.unwrap_or((range.low + range.high) / 2.0);
            match Triangular::new(range.low, range.high, mode) {
                Ok(triangular) => column.extend((0..paths).map(|_| triangular.sample(rng))),
                Err(_) => column.resize(paths, mode),
            }
        }
    }
}

/// Fills `column` up to `paths` standard normals, two at a time.
pub fn standard_normals(column: &mut Vec<f64>, paths: usize, rng: &mut Pcg64Mcg) {
    while column.len() < paths {
        let (a, b) = standard_normal_pair(rng);
        column.push(a);
        if column.len() < paths {
            column.push(b);
        }
    }
}

/// `paths` standard normals by Marsaglia's polar method, two per accepted
/// pair: a logarithm, a square root and a division per pair, and no sine or
/// cosine, so about half Box–Muller's cost where millions are drawn (the
/// volatility shocks: a normal per path and month).
pub fn polar_normals(column: &mut Vec<f64>, paths: usize, rng: &mut Pcg64Mcg) {
    while column.len() < paths {
        let (a, b) = polar_pair(rng);
        column.push(a);
        if column.len() < paths {
            column.push(b);
        }
    }
}

/// [`polar_normals`] for `all` paths, keeping only paths `keep` (a share of
/// a scenario's paths, `engine::uncertainty::split`): the stream is drawn
/// exactly as for all of them, so each kept normal is bit for bit the one
/// [`polar_normals`] gives that path. Pairs wholly outside `keep` only
/// repeat the rejection test (two draws, a sum of squares), without the
/// logarithm and square root.
pub fn polar_normals_of(
    column: &mut Vec<f64>,
    all: usize,
    keep: std::ops::Range<usize>,
    rng: &mut Pcg64Mcg,
) {
    let mut at = 0;
    while at < all {
        if at + 2 <= keep.start || at >= keep.end {
            skip_polar_pair(rng);
        } else {
            let (a, b) = polar_pair(rng);
            if keep.contains(&at) {
                column.push(a);
            }
            if at + 1 < all && keep.contains(&(at + 1)) {
                column.push(b);
            }
        }
        at += 2;
    }
}

/// The point in the square [`polar_pair`] would accept, drawn and dropped.
fn skip_polar_pair(rng: &mut Pcg64Mcg) {
    loop {
        let (x, y) = square_point(rng);
        let s = x * x + y * y;
        if s > 0.0 && s < 1.0 {
            return;
        }
    }
}

/// A point drawn uniformly in the square (−1, 1)².
#[inline(always)]
fn square_point(rng: &mut Pcg64Mcg) -> (f64, f64) {
    let x = 2.0 * rng.random::<f64>() - 1.0;
    let y = 2.0 * rng.random::<f64>() - 1.0;
    (x, y)
}

/// Two independent standard normals: a point drawn uniformly in the square
/// (−1, 1)², kept when inside the unit circle (s = x² + y² in (0, 1)), scaled
/// by `sqrt(−2 ln s ÷ s)`. Exact operations and `libm`, so portable. The
/// square root is IEEE's correctly rounded one everywhere, so it is the
/// language's (an instruction in WebAssembly; `libm`'s is a software one).
fn polar_pair(rng: &mut Pcg64Mcg) -> (f64, f64) {
    loop {
        let (x, y) = square_point(rng);
        let s = x * x + y * y;
        if s > 0.0 && s < 1.0 {
            let scale = (-2.0 * libm::log(s) / s).sqrt();
            return (x * scale, y * scale);
        }
    }
}

/// Two independent standard normals (Box–Muller), computed with `libm`
/// (but the square root, correctly rounded everywhere).
fn standard_normal_pair(rng: &mut Pcg64Mcg) -> (f64, f64) {
    // 1 − u is in (0, 1], so the logarithm is finite.
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    let radius = (-2.0 * libm::log(u1)).sqrt();
    let angle = 2.0 * std::f64::consts::PI * u2;
    (radius * libm::cos(angle), radius * libm::sin(angle))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The polar method's normals: mean 0 and variance 1 within their
    /// standard errors over 200,000 draws (0.0022 and 0.0032; 4 of them
    /// allowed), 90% of them within ±1.6449, and the same draws every time.
    #[test]
    fn polar_normals_are_standard_normal_and_repeatable() {
        let draw = || {
            let mut column = Vec::new();
            polar_normals(&mut column, 200_000, &mut stream(7, "volatility"));
            column
        };
        let normals = draw();
        assert_eq!(normals, draw());
        let n = normals.len() as f64;
        let mean = normals.iter().sum::<f64>() / n;
        let variance = normals.iter().map(|z| (z - mean).powi(2)).sum::<f64>() / n;
        assert!(mean.abs() < 4.0 * 0.0022, "{mean}");
        assert!((variance - 1.0).abs() < 4.0 * 0.0032, "{variance}");
        let inside = normals.iter().filter(|z| z.abs() <= Z_95).count() as f64 / n;
        assert!((inside - 0.9).abs() < 0.003, "{inside}");
    }

    /// Any share of the paths draws, path for path, the normals of all of
    /// them, month after month (the stream goes on where the last month
    /// left it), odd and even path counts alike.
    #[test]
    fn a_share_of_the_paths_draws_their_own_normals() {
        for all in [1usize, 2, 7, 10, 301] {
            let mut whole_rng = stream(5, "volatility");
            let mut months = Vec::new();
            for _ in 0..3 {
                let mut month = Vec::new();
                polar_normals(&mut month, all, &mut whole_rng);
                months.push(month);
            }
            for keep in [
                0..all,
                0..all / 2,
                all / 2..all,
                all / 3..all / 3 + 1,
                1..all,
            ] {
                let mut rng = stream(5, "volatility");
                for month in &months {
                    let mut share = Vec::new();
                    polar_normals_of(&mut share, all, keep.clone(), &mut rng);
                    let wanted = month.get(keep.clone()).unwrap_or_default();
                    assert_eq!(share, wanted, "{all} paths, {keep:?}");
                }
            }
        }
    }

    fn range(low: f64, high: f64) -> Value {
        Value::interval(low, high)
    }

    #[test]
    fn fixed_and_zero_width_values_are_one_value() {
        assert_eq!(
            sample_column(&Value::Fixed(3.0), 0.0, 10.0, 100, 1, "x"),
            [3.0]
        );
        assert_eq!(
            sample_column(&range(4.0, 4.0), 0.0, 10.0, 100, 1, "x"),
            [4.0]
        );
    }

    #[test]
    fn streams_depend_on_seed_and_key_only() {
        let a = sample_column(&range(1.0, 2.0), 0.0, 10.0, 50, 7, "driver:a");
        assert_eq!(
            a,
            sample_column(&range(1.0, 2.0), 0.0, 10.0, 50, 7, "driver:a")
        );
        assert_ne!(
            a,
            sample_column(&range(1.0, 2.0), 0.0, 10.0, 50, 8, "driver:a")
        );
        assert_ne!(
            a,
            sample_column(&range(1.0, 2.0), 0.0, 10.0, 50, 7, "driver:b")
        );
    }

    #[test]
    fn samples_stay_within_the_fields_bounds() {
        // A churn of 0–20% as a normal 90% interval would go negative 5% of the time.
        let column = sample_column(&range(-0.1, 0.2), 0.0, 1.0, 10_000, 3, "churn");
        assert!(column.iter().all(|c| (0.0..=1.0).contains(c)));
        assert!(column.contains(&0.0), "some clipped at 0");
    }

    #[test]
    fn uniform_and_triangular_stay_in_range() {
        let uniform = Value::Range(Range {
            distribution: Distribution::Uniform,
            low: 2.0,
            high: 5.0,
            mode: None,
        });
        let column = sample_column(&uniform, -1e9, 1e9, 5_000, 1, "u");
        assert!(column.iter().all(|x| (2.0..=5.0).contains(x)));
        let mean = column.iter().sum::<f64>() / 5_000.0;
        assert!((mean - 3.5).abs() < 0.05, "{mean}");
        let triangular = Value::Range(Range {
            distribution: Distribution::Triangular,
            low: 0.0,
            high: 10.0,
            mode: Some(2.0),
        });
        let column = sample_column(&triangular, -1e9, 1e9, 5_000, 1, "t");
        assert!(column.iter().all(|x| (0.0..=10.0).contains(x)));
        // Mean of a triangular distribution: (0 + 10 + 2) / 3 = 4.
        let mean = column.iter().sum::<f64>() / 5_000.0;
        assert!((mean - 4.0).abs() < 0.1, "{mean}");
    }
}
