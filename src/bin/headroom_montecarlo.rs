//! The Monte Carlo worker's module (issue 29): the engine alone, run in Web
//! Workers so the page never waits on the simulation. `scripts/post_build.py`
//! writes the worker's script, which starts this module and answers each job
//! (a scenario whole, a share of its paths or a block of its months,
//! `engine::uncertainty::split`) with bytes (`engine::uncertainty::wire`);
//! `src/ui/montecarlo/` starts the workers and shares the work among them.

#[cfg(target_arch = "wasm32")]
mod worker {
    use headroom::engine::model::document::load_plan;
    use headroom::engine::model::validate::ValidPlan;
    use headroom::engine::uncertainty::simulate_one_scenario;
    use headroom::engine::uncertainty::split::{
        simulate_share, summarise_months, values_from_bytes, values_to_bytes,
    };
    use headroom::engine::uncertainty::wire::{
        encode_months_summary, encode_path_share, encode_scenario_bands,
    };
    use std::cell::RefCell;
    use wasm_bindgen::JsCast;
    use web_sys::js_sys::{Array, Uint8Array};

    thread_local! {
        /// The last plan read: a worker given two jobs of one run reads
        /// the document once.
        static LAST: RefCell<Option<(String, ValidPlan)>> = const { RefCell::new(None) };
    }

    /// `work` on the plan of `document`, read once per document.
    fn with_plan<T>(
        document: &str,
        work: impl FnOnce(&ValidPlan) -> Result<T, String>,
    ) -> Result<T, String> {
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            if last.as_ref().is_none_or(|(read, _)| read != document) {
                let valid = load_plan(document)
                    .map_err(|error| format!("the plan cannot be read: {error}"))?;
                *last = Some((document.to_string(), valid));
            }
            match last.as_ref() {
                Some((_, valid)) => work(valid),
                None => Err("the plan cannot be read".into()),
            }
        })
    }

    /// One scenario of a plan document, simulated with the plan's own
    /// settings: its bands as bytes, or a sentence saying why not.
    #[wasm_bindgen::prelude::wasm_bindgen(js_name = simulateScenario)]
    pub fn simulate_scenario(document: &str, scenario: usize) -> Result<Vec<u8>, String> {
        with_plan(document, |valid| {
            let settings = valid.plan().uncertainty.unwrap_or_default();
            let bands = simulate_one_scenario(valid, scenario, settings)
                .ok_or_else(|| format!("the plan has no scenario {scenario}"))?;
            encode_scenario_bands(&bands)
        })
    }

    /// Share `share` of `of` of a scenario's paths: the share as bytes, then
    /// its `of` blocks of values, each its own buffer (they go on to
    /// different workers).
    #[wasm_bindgen::prelude::wasm_bindgen(js_name = simulatePaths)]
    pub fn simulate_paths(
        document: &str,
        scenario: usize,
        share: usize,
        of: usize,
    ) -> Result<Array, String> {
        with_plan(document, |valid| {
            let settings = valid.plan().uncertainty.unwrap_or_default();
            let mut found = simulate_share(valid, scenario, settings, share, of)
                .ok_or_else(|| format!("the plan has no scenario {scenario}, share {share}"))?;
            let values = std::mem::take(&mut found.values);
            let parts = Array::new();
            parts.push(&Uint8Array::from(encode_path_share(&found)?.as_slice()));
            for block in values {
                parts.push(&Uint8Array::from(values_to_bytes(&block).as_slice()));
            }
            Ok(parts)
        })
    }

    /// Block `block` of a scenario's months from that block of every share
    /// (`blocks`, in share order): its summary as bytes.
    #[wasm_bindgen::prelude::wasm_bindgen(js_name = summariseMonths)]
    pub fn summarise_block(
        document: &str,
        scenario: usize,
        block: usize,
        blocks: Array,
    ) -> Result<Vec<u8>, String> {
        let values: Vec<Vec<f64>> = blocks
            .iter()
            .map(|part| {
                let bytes = part
                    .dyn_into::<Uint8Array>()
                    .map_err(|_| "a block of values came as something else".to_string())?
                    .to_vec();
                values_from_bytes(&bytes)
                    .ok_or_else(|| "a block of values came cut short".to_string())
            })
            .collect::<Result<_, _>>()?;
        with_plan(document, |valid| {
            let settings = valid.plan().uncertainty.unwrap_or_default();
            let blocks: Vec<&[f64]> = values.iter().map(Vec::as_slice).collect();
            encode_months_summary(&summarise_months(
                valid, scenario, settings, block, &blocks,
            )?)
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
