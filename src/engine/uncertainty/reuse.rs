//! Bands kept from one run for the next: an edit to one scenario runs that
//! scenario's Monte Carlo again, not the others'.
//!
//! A scenario's bands ([`super::simulate_one_scenario`]) read the plan and
//! that scenario, never another one: each input's sampling stream is keyed
//! by the seed and the input's name, the volatility shocks by the seed, and
//! correlations and events name scenarios rather than count them. So two
//! plans that are the same except in *other* scenarios give a scenario the
//! same bands bit for bit, wherever the scenario sits in the list. A
//! scenario's [`scenario_keys`] entry is exactly that: the plan's document
//! without its scenarios, and the scenario's own; equal keys, equal bands
//! (checked for every template below, by editing every other scenario).

use super::ScenarioBands;
use crate::engine::model::plan::Plan;

/// Per scenario of `plan`, in order, the text its bands depend on: its own
/// document and the rest of the plan's (every setting, uncertainty's seed
/// and paths included). `None` if the plan cannot be written (never for a
/// valid plan: it holds no NaN or infinity).
pub fn scenario_keys(plan: &Plan) -> Option<Vec<String>> {
    let mut rest = plan.clone();
    rest.scenarios.clear();
    let rest = serde_json::to_string(&rest).ok()?;
    plan.scenarios
        .iter()
        .map(|scenario| {
            let own = serde_json::to_string(scenario).ok()?;
            Some(format!("{own}\n{rest}"))
        })
        .collect()
}

/// The last complete run's bands, each under its scenario's key. Holds one
/// plan's scenarios at most: what the next edit can reuse.
#[derive(Debug, Default)]
pub struct KeptBands {
    kept: Vec<(String, ScenarioBands)>,
}

impl KeptBands {
    /// Per key, the bands kept under it, if any.
    pub fn known(&self, keys: &[String]) -> Vec<Option<ScenarioBands>> {
        keys.iter()
            .map(|key| {
                self.kept
                    .iter()
                    .find(|(kept, _)| kept == key)
                    .map(|(_, bands)| bands.clone())
            })
            .collect()
    }

    /// Keeps a complete run's bands under their keys, in place of any
    /// before; nothing when they do not pair up one to one.
    pub fn keep(&mut self, keys: &[String], bands: &[ScenarioBands]) {
        self.kept.clear();
        if keys.len() == bands.len() {
            self.kept
                .extend(keys.iter().cloned().zip(bands.iter().cloned()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::plan::{Growth, Uncertainty, Value};
    use crate::engine::model::templates;
    use crate::engine::model::validate::{validate, ValidPlan};
    use crate::engine::uncertainty::{bands_digest, simulate_one_scenario, Bands};

    /// A template over 24 months and 400 paths (quick in a debug build).
    fn template(name: &str) -> ValidPlan {
        let mut plan = templates::load(name)
            .expect("listed")
            .expect("valid")
            .plan()
            .clone();
        plan.horizon_months = 24;
        plan.uncertainty = Some(Uncertainty {
            samples: 400,
            seed: 7,
        });
        validate(&plan).expect("valid")
    }

    /// Scenario `edited` changed as a user might: its growth rate nudged,
    /// a driver given a range there, its volatility and its name changed.
    fn edit_scenario(plan: &mut Plan, edited: usize) {
        let driver = plan.drivers.first().map(|driver| driver.name.clone());
        let scenario = &mut plan.scenarios[edited];
        scenario.name.push_str(" (edited)");
        scenario.volatility = Some(scenario.volatility() + 0.03);
        scenario.growth = Growth::Compound {
            growth: Value::interval(0.05, 0.09),
            churn: Value::Fixed(0.011),
            damping: None,
        };
        if let Some(driver) = driver {
            scenario.drivers.insert(driver, Value::interval(1.0, 3.0));
        }
    }

    fn settings(plan: &Plan) -> Uncertainty {
        plan.uncertainty.unwrap_or_default()
    }

    fn digest(bands: ScenarioBands, plan: &Plan) -> u64 {
        bands_digest(&Bands::assemble(plan, settings(plan), vec![bands]))
    }

    #[test]
    fn editing_other_scenarios_keeps_a_scenarios_key_and_its_bands() {
        let mut checked = 0;
        for name in templates::TEMPLATES.iter().map(|template| template.id) {
            let valid = template(name);
            let plan = valid.plan();
            let keys = scenario_keys(plan).expect("written");
            assert_eq!(keys.len(), plan.scenarios.len());
            for (kept, key) in keys.iter().enumerate() {
                let before =
                    simulate_one_scenario(&valid, kept, settings(plan)).expect("a scenario");
                let mut edited = plan.clone();
                for other in (0..plan.scenarios.len()).filter(|other| *other != kept) {
                    edit_scenario(&mut edited, other);
                }
                // Another scenario at the front moves this one down the list.
                edited.scenarios.insert(0, edited.scenarios[kept].clone());
                edited.scenarios[0].name = "inserted".into();
                edit_scenario(&mut edited, 0);
                let edited = validate(&edited).expect("still valid");
                let moved = kept + 1;
                let edited_keys = scenario_keys(edited.plan()).expect("written");
                assert_eq!(&edited_keys[moved], key, "{name}, scenario {kept}");
                let after = simulate_one_scenario(&edited, moved, settings(edited.plan()))
                    .expect("a scenario");
                assert_eq!(
                    digest(before, plan),
                    digest(after, edited.plan()),
                    "{name}, scenario {kept}"
                );
                checked += 1;
            }
        }
        assert!(checked >= 10, "only {checked} scenarios checked");
    }

    #[test]
    fn editing_a_scenario_or_the_plan_changes_the_key() {
        let valid = template("microservices-aws");
        let plan = valid.plan();
        let keys = scenario_keys(plan).expect("written");
        let mut edited = plan.clone();
        edit_scenario(&mut edited, 0);
        let edited_keys = scenario_keys(&edited).expect("written");
        assert_ne!(edited_keys[0], keys[0]);
        assert_eq!(edited_keys[1..], keys[1..]);

        // Anything outside the scenarios is every scenario's.
        let mut reseeded = plan.clone();
        let mut settings = reseeded.uncertainty.unwrap_or_default();
        settings.seed += 1;
        reseeded.uncertainty = Some(settings);
        let mut rebased = plan.clone();
        rebased.baseline_users += 1.0;
        for changed in [reseeded, rebased] {
            let changed_keys = scenario_keys(&changed).expect("written");
            for (changed, key) in changed_keys.iter().zip(&keys) {
                assert_ne!(changed, key);
            }
        }
    }

    #[test]
    fn kept_bands_answer_only_their_own_keys() {
        let valid = template("managed-saas");
        let keys = scenario_keys(valid.plan()).expect("written");
        let bands: Vec<ScenarioBands> = (0..keys.len())
            .map(|scenario| {
                simulate_one_scenario(&valid, scenario, settings(valid.plan())).expect("a scenario")
            })
            .collect();
        let mut kept = KeptBands::default();
        assert!(kept.known(&keys).iter().all(Option::is_none));
        kept.keep(&keys, &bands);
        let known: Vec<ScenarioBands> = kept.known(&keys).into_iter().flatten().collect();
        assert_eq!(known, bands);

        // Reordered keys find their own bands; a new key finds none.
        let mut asked: Vec<String> = keys.iter().rev().cloned().collect();
        asked.push("a scenario never run".into());
        let found = kept.known(&asked);
        assert_eq!(found.last(), Some(&None));
        for (key, found) in asked.iter().zip(&found).take(keys.len()) {
            let place = keys.iter().position(|k| k == key).expect("asked");
            assert_eq!(found.as_ref(), Some(&bands[place]));
        }

        // Keys and bands that do not pair up keep nothing.
        kept.keep(&keys, &bands[..keys.len() - 1]);
        assert!(kept.known(&keys).iter().all(Option::is_none));
    }
}
