//! The Monte Carlo worker's module (issue 29): the engine alone, run in Web
//! Workers so the page never waits on the simulation. `scripts/post_build.py`
//! writes the worker's script, which starts this module and answers each
//! message `{ run, scenario, document }` with the scenario's bands as bytes
//! (`engine::uncertainty::wire`); `src/ui/montecarlo/` starts the workers
//! and shares the scenarios among them.

#[cfg(target_arch = "wasm32")]
mod worker {
    use headroom::engine::model::document::load_plan;
    use headroom::engine::model::validate::ValidPlan;
    use headroom::engine::uncertainty::simulate_one_scenario;
    use headroom::engine::uncertainty::wire::encode_scenario_bands;
    use std::cell::RefCell;

    thread_local! {
        /// The last plan read: a worker given two scenarios of one run reads
        /// the document once.
        static LAST: RefCell<Option<(String, ValidPlan)>> = const { RefCell::new(None) };
    }

    /// One scenario of a plan document, simulated with the plan's own
    /// settings: its bands as bytes, or a sentence saying why not.
    #[wasm_bindgen::prelude::wasm_bindgen(js_name = simulateScenario)]
    pub fn simulate_scenario(document: &str, scenario: usize) -> Result<Vec<u8>, String> {
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            if last.as_ref().is_none_or(|(read, _)| read != document) {
                let valid = load_plan(document)
                    .map_err(|error| format!("the plan cannot be read: {error}"))?;
                *last = Some((document.to_string(), valid));
            }
            let Some((_, valid)) = last.as_ref() else {
                return Err("the plan cannot be read".into());
            };
            let settings = valid.plan().uncertainty.unwrap_or_default();
            let bands = simulate_one_scenario(valid, scenario, settings)
                .ok_or_else(|| format!("the plan has no scenario {scenario}"))?;
            encode_scenario_bands(&bands)
        })
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("headroom-montecarlo is the browser's Monte Carlo worker: the command line simulates with `headroom forecast`");
    std::process::exit(2);
}
