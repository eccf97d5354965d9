//! Arbitrary bytes as a plan file: reading must never panic, and whatever it
//! accepts must save and read back to the same plan, and project.
#![no_main]

use headroom::engine::model::document::{load_plan, save_plan};
use headroom::engine::analyse::scenario::project;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(plan) = load_plan(&text) {
        let again = load_plan(&save_plan(&plan)).expect("a saved plan reads back");
        assert_eq!(again.plan(), plan.plan());
        let _ = project(&plan);
    }
});
