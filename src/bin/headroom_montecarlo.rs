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
    use headroom::engine::uncertainty::select::{gather, histograms, Buckets, KeyColumns, Targets};
    use headroom::engine::uncertainty::simulate_one_scenario;
    use headroom::engine::uncertainty::split::simulate_share_into;
    use headroom::engine::uncertainty::wire::{decode, encode, encode_scenario_bands};
    use std::cell::RefCell;
    use std::collections::HashMap;

    /// The plan last read, and the values of the shares this worker ran of
    /// it (by scenario and share), kept for the rounds after them.
    struct Memory {
        document: String,
        plan: ValidPlan,
        kept: HashMap<(usize, usize), KeyColumns>,
    }

    thread_local! {
        static LAST: RefCell<Option<Memory>> = const { RefCell::new(None) };
        /// Buffers of shares let go, for the next share: tens of megabytes
        /// at 10,000 paths × 120 months, claimed once rather than every run.
        static SPARE: RefCell<Vec<Vec<u64>>> = const { RefCell::new(Vec::new()) };
    }

    /// A buffer for a share's values.
    fn spare() -> Vec<u64> {
        SPARE
            .with(|spare| spare.borrow_mut().pop())
            .unwrap_or_default()
    }

    /// Keeps a share's buffer for the next.
    fn let_go(kept: KeyColumns) {
        SPARE.with(|spare| spare.borrow_mut().push(kept.into_keys()));
    }

    /// `work` on the plan of `document`, read once per document (a newer
    /// document drops the values kept for the older).
    fn with_plan<T>(
        document: &str,
        work: impl FnOnce(&mut Memory) -> Result<T, String>,
    ) -> Result<T, String> {
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            if last
                .as_ref()
                .is_none_or(|memory| memory.document != document)
            {
                let plan = load_plan(document)
                    .map_err(|error| format!("the plan cannot be read: {error}"))?;
                if let Some(older) = last.take() {
                    older.kept.into_values().for_each(let_go);
                }
                *last = Some(Memory {
                    document: document.to_string(),
                    plan,
                    kept: HashMap::new(),
                });
            }
            match last.as_mut() {
                Some(memory) => work(memory),
                None => Err("the plan cannot be read".into()),
            }
        })
    }

    /// One scenario of a plan document, simulated with the plan's own
    /// settings: its bands as bytes, or a sentence saying why not.
    #[wasm_bindgen::prelude::wasm_bindgen(js_name = simulateScenario)]
    pub fn simulate_scenario(document: &str, scenario: usize) -> Result<Vec<u8>, String> {
        with_plan(document, |memory| {
            let valid = &memory.plan;
            let settings = valid.plan().uncertainty.unwrap_or_default();
            let bands = simulate_one_scenario(valid, scenario, settings)
                .ok_or_else(|| format!("the plan has no scenario {scenario}"))?;
            encode_scenario_bands(&bands)
        })
    }

    /// Share `share` of `of` of a scenario's paths, as bytes; its values
    /// stay here for [`count_buckets`] and [`gather_keys`].
    #[wasm_bindgen::prelude::wasm_bindgen(js_name = simulatePaths)]
    pub fn simulate_paths(
        document: &str,
        scenario: usize,
        share: usize,
        of: usize,
    ) -> Result<Vec<u8>, String> {
        with_plan(document, |memory| {
            let settings = memory.plan.plan().uncertainty.unwrap_or_default();
            let buffer = spare();
            let mut found =
                simulate_share_into(&memory.plan, scenario, settings, (share, of), buffer)
                    .ok_or_else(|| format!("the plan has no scenario {scenario}, share {share}"))?;
            let kept = std::mem::take(&mut found.kept);
            if let Some(older) = memory.kept.insert((scenario, share), kept) {
                let_go(older);
            }
            encode(&found, "share of the paths")
        })
    }

    /// The values a share kept here, or why they are not.
    fn kept(memory: &Memory, scenario: usize, share: usize) -> Result<&KeyColumns, String> {
        memory
            .kept
            .get(&(scenario, share))
            .ok_or_else(|| format!("share {share} of scenario {scenario} was not run here"))
    }

    /// A share's counts per bucket (`given`: every column's buckets), as bytes.
    #[wasm_bindgen::prelude::wasm_bindgen(js_name = countBuckets)]
    pub fn count_buckets(
        document: &str,
        scenario: usize,
        share: usize,
        given: &[u8],
    ) -> Result<Vec<u8>, String> {
        let buckets: Vec<Buckets> = decode(given, "buckets")?;
        with_plan(document, |memory| {
            let counts = histograms(kept(memory, scenario, share)?, &buckets)?;
            encode(&counts, "counts")
        })
    }

    /// A share's keys in the target buckets (`given`: every column's buckets
    /// and targets), as bytes; the share's values are let go.
    #[wasm_bindgen::prelude::wasm_bindgen(js_name = gatherKeys)]
    pub fn gather_keys(
        document: &str,
        scenario: usize,
        share: usize,
        given: &[u8],
    ) -> Result<Vec<u8>, String> {
        let (buckets, targets): (Vec<Buckets>, Vec<Targets>) = decode(given, "targets")?;
        with_plan(document, |memory| {
            let keys = gather(kept(memory, scenario, share)?, &buckets, &targets)?;
            if let Some(done) = memory.kept.remove(&(scenario, share)) {
                let_go(done);
            }
            encode(&keys, "keys")
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
