//! Correlations a plan states between its uncertain inputs: what each name
//! means, which pairs are in force in a scenario, and whether a scenario's
//! pairs can hold together at once.
//!
//! A plan states pairs (`correlations`), each naming two inputs: a driver
//! (its value in every scenario), `SCENARIO/driver` (its value in that
//! scenario) or `SCENARIO/growth.PARAMETER`. Validation resolves the names
//! and refuses a set of pairs that cannot hold together in some scenario
//! (the matrix is not positive definite), naming the fewest pairs that
//! conflict. Imposing them on Monte Carlo samples is
//! [`crate::engine::uncertainty::correlation`]'s.
//!
//! Scores are normal, and the rank (Spearman) correlation of two normals of
//! Pearson correlation `r` is `(6/π)·asin(r/2)`; so a stated rank `ρ` is
//! imposed as `r = 2·sin(πρ/6)`, and that is the matrix checked.

use crate::engine::model::inputs::{scenario_inputs, Target};
use crate::engine::model::plan::{Correlation, Plan};

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
    pub fn target_in(&self, plan: &Plan, scenario: usize) -> Option<Target> {
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
                    crate::engine::model::number::format_compact(pair.rank)
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
pub fn matrix(pairs: &[InForce]) -> (Vec<Target>, Vec<Vec<f64>>) {
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
pub fn cholesky(m: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
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
