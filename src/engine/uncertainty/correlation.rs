//! Inputs that move together, imposed on Monte Carlo samples without
//! changing any input's own distribution.
//!
//! The pairs in force come from [`crate::engine::model::correlations`]
//! (validation has already refused a set that cannot hold). [`impose`]
//! reorders each input's independent samples with the Iman–Conover method:
//! normal scores drawn from seeded streams, corrected to be exactly
//! uncorrelated and given exactly the wanted correlation (two Cholesky
//! factors), and each input's samples placed in the rank order of its
//! scores. The samples themselves are never changed, only which path gets
//! which, so every percentile of every input is as before; with no pair in
//! force nothing is touched at all.

use super::sample::stream;
use crate::engine::model::correlations::{cholesky, matrix, InForce};
use crate::engine::model::inputs::{Input, Target};

/// Reorders the sampled columns of `inputs` (one per input, as
/// [`crate::engine::uncertainty::Columns`] samples them) so the pairs in
/// force hold. Inputs with one value (fixed) take no part; with fewer than
/// two varying inputs in a pair, or too few paths to correct the scores,
/// nothing changes.
pub fn impose(
    inputs: &[Input],
    columns: &mut [Vec<f64>],
    pairs: &[InForce],
    paths: usize,
    seed: u64,
) {
    let varying = |target: Target| {
        inputs
            .iter()
            .position(|input| input.target == target)
            .filter(|index| columns[*index].len() == paths && paths > 1)
    };
    let active: Vec<InForce> = pairs
        .iter()
        .filter(|pair| varying(pair.targets[0]).is_some() && varying(pair.targets[1]).is_some())
        .cloned()
        .collect();
    if active.is_empty() {
        return;
    }
    let (targets, wanted) = matrix(&active);
    let size = targets.len();
    if paths <= size + 1 {
        return;
    }
    let Some(wanted_factor) = cholesky(&wanted) else {
        return;
    };
    let owners: Vec<usize> = targets.iter().filter_map(|t| varying(*t)).collect();
    // Normal scores, one seeded stream per input, path-major rows.
    let mut scores = vec![0.0; paths * size];
    for (j, owner) in owners.iter().enumerate() {
        let mut rng = stream(seed, &format!("rank:{}", inputs[*owner].key));
        let mut column = Vec::with_capacity(paths);
        super::sample::standard_normals(&mut column, paths, &mut rng);
        for (path, z) in column.into_iter().enumerate() {
            scores[path * size + j] = z;
        }
    }
    // Their own sample correlation, corrected away: scores × (Q⁻¹)ᵀ × Pᵀ.
    let Some(sample_factor) = cholesky(&sample_correlation(&scores, size, paths)) else {
        return;
    };
    let mut row = vec![0.0; size];
    for path in 0..paths {
        let x = &mut scores[path * size..(path + 1) * size];
        // y = Q⁻¹ x by forward substitution.
        for i in 0..size {
            let sum: f64 = (0..i).map(|k| sample_factor[i][k] * row[k]).sum();
            row[i] = (x[i] - sum) / sample_factor[i][i];
        }
        // t = P y.
        for (i, out) in x.iter_mut().enumerate() {
            *out = (0..=i).map(|k| wanted_factor[i][k] * row[k]).sum();
        }
    }
    for (j, owner) in owners.iter().enumerate() {
        let column = &mut columns[*owner];
        let mut sorted = column.clone();
        sorted.sort_by(f64::total_cmp);
        let mut order: Vec<usize> = (0..paths).collect();
        order.sort_by(|a, b| {
            scores[a * size + j]
                .total_cmp(&scores[b * size + j])
                .then(a.cmp(b))
        });
        for (rank, path) in order.into_iter().enumerate() {
            column[path] = sorted[rank];
        }
    }
}

/// The Pearson correlation matrix of `size` columns stored path-major.
fn sample_correlation(scores: &[f64], size: usize, paths: usize) -> Vec<Vec<f64>> {
    let n = paths as f64;
    let means: Vec<f64> = (0..size)
        .map(|j| (0..paths).map(|p| scores[p * size + j]).sum::<f64>() / n)
        .collect();
    let mut m = vec![vec![0.0; size]; size];
    for i in 0..size {
        for j in 0..=i {
            let covariance: f64 = (0..paths)
                .map(|p| (scores[p * size + i] - means[i]) * (scores[p * size + j] - means[j]))
                .sum();
            m[i][j] = covariance;
            m[j][i] = covariance;
        }
    }
    let spread: Vec<f64> = (0..size).map(|i| m[i][i].sqrt()).collect();
    for i in 0..size {
        for j in 0..size {
            m[i][j] /= spread[i] * spread[j];
        }
    }
    m
}

/// Spearman's rank correlation of two equally long samples (ties broken by
/// position; for tests and the app's read-out).
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let ranks = |values: &[f64]| {
        let mut order: Vec<usize> = (0..values.len()).collect();
        order.sort_by(|x, y| values[*x].total_cmp(&values[*y]).then(x.cmp(y)));
        let mut ranks = vec![0.0; values.len()];
        for (rank, index) in order.into_iter().enumerate() {
            ranks[index] = rank as f64;
        }
        ranks
    };
    let (ra, rb) = (ranks(a), ranks(b));
    let n = a.len() as f64;
    let mean = (n - 1.0) / 2.0;
    let (mut covariance, mut va, mut vb) = (0.0, 0.0, 0.0);
    for (x, y) in ra.iter().zip(&rb) {
        covariance += (x - mean) * (y - mean);
        va += (x - mean) * (x - mean);
        vb += (y - mean) * (y - mean);
    }
    covariance / (va * vb).sqrt()
}
