//! Inputs that move together: rank correlations between uncertain inputs,
//! imposed on Monte Carlo samples without changing any input's own
//! distribution.
//!
//! A plan states pairs (`correlations`), each naming two inputs: a driver
//! (its value in every scenario), `SCENARIO/driver` (its value in that
//! scenario) or `SCENARIO/growth.PARAMETER`. Validation resolves the names
//! and refuses a set of pairs that cannot hold together in some scenario
//! (the matrix is not positive definite), naming the fewest pairs that
//! conflict. Sampling ([`impose`]) then reorders each input's independent
//! samples with the Iman–Conover method: normal scores drawn from seeded
//! streams, corrected to be exactly uncorrelated and given exactly the
//! wanted correlation (two Cholesky factors), and each input's samples
//! placed in the rank order of its scores. The samples themselves are never
//! changed, only which path gets which, so every percentile of every input
//! is as before; with no pair in force nothing is touched at all.
//!
//! Scores are normal, and the rank (Spearman) correlation of two normals of
//! Pearson correlation `r` is `(6/π)·asin(r/2)`; so a stated rank `ρ` is
//! imposed as `r = 2·sin(πρ/6)`, and that is the matrix checked.

use super::plan::{Correlation, Plan};
use super::uncertainty::sample::stream;
use super::uncertainty::{scenario_inputs, Input, Target};

/// The most correlations a plan may state.
pub const MAX_CORRELATIONS: usize = 50;
/// The strongest rank correlation a pair may have, either way.
pub const MAX_RANK: f64 = 0.95;

/// What one side of a pair names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputName {
    /// A driver's value in every scenario.
    Driver(usize),
    /// A driver's value in one scenario.
    ScenarioDriver { scenario: usize, driver: usize },
    /// A growth parameter of one scenario, by its label (`churn`,
    /// `segments[1].growth`).
    Growth { scenario: usize, parameter: String },
}

impl InputName {
    /// Reads `name`, or says why it names nothing.
    pub fn parse(plan: &Plan, name: &str) -> Result<InputName, String> {
        let driver = |text: &str| plan.drivers.iter().position(|d| d.name == text);
        // Scenario names may hold '/', driver names may not: the longest
        // scenario name followed by '/' is the one meant.
        let scoped = plan
            .scenarios
            .iter()
            .enumerate()
            .filter_map(|(index, s)| {
                name.strip_prefix(s.name.as_str())
                    .and_then(|rest| rest.strip_prefix('/'))
                    .map(|rest| (index, s.name.len(), rest))
            })
            .max_by_key(|(_, length, _)| *length);
        match scoped {
            None if name.contains('/') => Err(format!(
                "no scenario is called '{}'",
                name.split('/').next().unwrap_or_default()
            )),
            None => driver(name)
                .map(InputName::Driver)
                .ok_or_else(|| format!("no driver is called '{name}'")),
            Some((scenario, _, rest)) => {
                if let Some(parameter) = rest.strip_prefix("growth.") {
                    let labels: Vec<String> = plan.scenarios[scenario]
                        .growth
                        .parameters()
                        .into_iter()
                        .map(|(label, ..)| label)
                        .collect();
                    if labels.iter().any(|label| label == parameter) {
                        Ok(InputName::Growth {
                            scenario,
                            parameter: parameter.to_string(),
                        })
                    } else {
                        Err(format!(
                            "{}'s growth has no parameter '{parameter}' (it has {})",
                            plan.scenarios[scenario].name,
                            labels.join(", ")
                        ))
                    }
                } else {
                    driver(rest)
                        .map(|driver| InputName::ScenarioDriver { scenario, driver })
                        .ok_or_else(|| format!("no driver is called '{rest}'"))
                }
            }
        }
    }

    /// Where it lands in scenario `scenario`, if it applies there.
    fn target_in(&self, plan: &Plan, scenario: usize) -> Option<Target> {
        match self {
            InputName::Driver(driver) => Some(Target::Driver(*driver)),
            InputName::ScenarioDriver {
                scenario: s,
                driver,
            } => (*s == scenario).then_some(Target::Driver(*driver)),
            InputName::Growth {
                scenario: s,
                parameter,
            } => (*s == scenario)
                .then(|| {
                    plan.scenarios[scenario]
                        .growth
                        .parameters()
                        .iter()
                        .position(|(label, ..)| label == parameter)
                        .map(Target::Growth)
                })
                .flatten(),
        }
    }
}

/// A correlation that applies in one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct InForce {
    /// Its place in the plan's list.
    pub index: usize,
    pub targets: [Target; 2],
    pub rank: f64,
}

/// The correlations that apply in `scenario` (names that do not resolve are
/// skipped: validation has refused them already).
pub fn in_scenario(plan: &Plan, scenario: usize) -> Vec<InForce> {
    plan.correlations
        .iter()
        .enumerate()
        .filter_map(|(index, correlation)| {
            let [a, b] = &correlation.inputs;
            let a = InputName::parse(plan, a).ok()?.target_in(plan, scenario)?;
            let b = InputName::parse(plan, b).ok()?.target_in(plan, scenario)?;
            Some(InForce {
                index,
                targets: [a, b],
                rank: correlation.rank,
            })
        })
        .collect()
}

/// Every problem with the plan's correlations, as (path, message).
pub fn check(plan: &Plan) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    if plan.correlations.len() > MAX_CORRELATIONS {
        problems.push((
            "correlations".to_string(),
            format!("a plan may state at most {MAX_CORRELATIONS} correlations"),
        ));
        return problems;
    }
    // Whether every name resolves and every rank is in range: only then is
    // each scenario's matrix worth checking.
    let mut names_resolve = true;
    for (index, Correlation { inputs, rank }) in plan.correlations.iter().enumerate() {
        let at = |field: &str| format!("correlations[{index}].{field}");
        if !(rank.is_finite() && rank.abs() <= MAX_RANK) {
            names_resolve = false;
            problems.push((
                at("rank"),
                format!("must be between −{MAX_RANK} and {MAX_RANK}"),
            ));
        }
        for (side, name) in inputs.iter().enumerate() {
            if let Err(message) = InputName::parse(plan, name) {
                names_resolve = false;
                problems.push((format!("correlations[{index}].inputs[{side}]"), message));
            }
        }
    }
    if !names_resolve {
        return problems;
    }
    for scenario in 0..plan.scenarios.len() {
        problems.extend(check_scenario(plan, scenario));
    }
    problems.sort();
    problems.dedup();
    problems
}

/// One scenario's pairs: no input with itself, no pair stated twice, and
/// the matrix possible.
fn check_scenario(plan: &Plan, scenario: usize) -> Vec<(String, String)> {
    let inputs = scenario_inputs(plan, scenario);
    let label = |target: Target| {
        inputs
            .iter()
            .find(|input| input.target == target)
            .map_or_else(String::new, |input| input.label.clone())
    };
    let name = &plan.scenarios[scenario].name;
    let mut problems = Vec::new();
    let pairs = in_scenario(plan, scenario);
    for (position, pair) in pairs.iter().enumerate() {
        let at = format!("correlations[{}]", pair.index);
        let [a, b] = pair.targets;
        if a == b {
            problems.push((
                at,
                format!(
                    "in {name} both names are {}: an input moves with itself",
                    label(a)
                ),
            ));
            continue;
        }
        let earlier = pairs[..position]
            .iter()
            .find(|other| other.targets == [a, b] || other.targets == [b, a]);
        if let Some(earlier) = earlier {
            problems.push((
                at,
                format!(
                    "in {name}, {} and {} are already correlated by correlations[{}]",
                    label(a),
                    label(b),
                    earlier.index
                ),
            ));
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    if let Some(conflict) = conflicting_pairs(&pairs) {
        let listed: Vec<String> = conflict
            .iter()
            .map(|pair| {
                format!(
                    "correlations[{}] ({} with {}, {})",
                    pair.index,
                    label(pair.targets[0]),
                    label(pair.targets[1]),
                    super::number::format_compact(pair.rank)
                )
            })
            .collect();
        let last = conflict.last().map_or(0, |pair| pair.index);
        problems.push((
            format!("correlations[{last}].rank"),
            format!(
                "in {name} these cannot all hold at once (pairs not stated move independently): {}; weaken one of them",
                listed.join(", ")
            ),
        ));
    }
    problems
}

/// The Pearson correlation of normal scores that gives rank correlation `rank`.
fn pearson_of_rank(rank: f64) -> f64 {
    2.0 * libm::sin(std::f64::consts::PI * rank / 6.0)
}

/// The inputs the pairs involve, in first-seen order, and the matrix of
/// normal-score correlations among them.
fn matrix(pairs: &[InForce]) -> (Vec<Target>, Vec<Vec<f64>>) {
    let mut targets: Vec<Target> = Vec::new();
    for pair in pairs {
        for target in pair.targets {
            if !targets.contains(&target) {
                targets.push(target);
            }
        }
    }
    let size = targets.len();
    let mut m = vec![vec![0.0; size]; size];
    for (i, row) in m.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    let position = |target: Target| targets.iter().position(|t| *t == target).unwrap_or(0);
    for pair in pairs {
        let (i, j) = (position(pair.targets[0]), position(pair.targets[1]));
        m[i][j] = pearson_of_rank(pair.rank);
        m[j][i] = m[i][j];
    }
    (targets, m)
}

/// The lower Cholesky factor of a symmetric matrix, or `None` when it is not
/// positive definite (a pivot at or below 1e-9: a matrix that close to
/// singular would make the reordering numerically meaningless).
fn cholesky(m: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let size = m.len();
    let mut l = vec![vec![0.0; size]; size];
    for i in 0..size {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let pivot = m[i][i] - sum;
                if pivot.is_nan() || pivot <= 1e-9 {
                    return None;
                }
                l[i][i] = pivot.sqrt();
            } else {
                l[i][j] = (m[i][j] - sum) / l[j][j];
            }
        }
    }
    Some(l)
}

/// `None` when the pairs can hold together; otherwise the fewest of them
/// that cannot (each one needed for the conflict): pairs are dropped one at
/// a time, in order, whenever the rest still conflict.
fn conflicting_pairs(pairs: &[InForce]) -> Option<Vec<InForce>> {
    let possible = |set: &[InForce]| cholesky(&matrix(set).1).is_some();
    if possible(pairs) {
        return None;
    }
    let mut kept: Vec<InForce> = pairs.to_vec();
    let mut index = 0;
    while index < kept.len() {
        let mut without = kept.clone();
        without.remove(index);
        if possible(&without) {
            index += 1;
        } else {
            kept = without;
        }
    }
    Some(kept)
}

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
        super::uncertainty::sample::standard_normals(&mut column, paths, &mut rng);
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

/// A rank correlation in words, as the app says it.
pub fn strength_words(rank: f64) -> &'static str {
    let strength = rank.abs();
    match (rank >= 0.0, strength) {
        (_, s) if s < 0.05 => "hardly move together",
        (true, s) if s < 0.4 => "move together a little",
        (true, s) if s < 0.7 => "move together",
        (true, _) => "move together strongly",
        (false, s) if s < 0.4 => "move a little opposite",
        (false, s) if s < 0.7 => "move opposite",
        (false, _) => "move strongly opposite",
    }
}
