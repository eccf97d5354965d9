//! Arbitrary text as a CSV file of actuals for the worked example: the import
//! must never panic; whatever it accepts must be a valid plan that saves,
//! reads back identically (no NaN or infinity can slip in), and projects with
//! a comparison against the actuals.
#![no_main]

use headroom::engine::actuals::compare::{calibrate, compare};
use headroom::engine::actuals::import::read_actuals_csv;
use headroom::engine::model::document::{load_plan, save_plan};
use headroom::engine::analyse::scenario::project;
use headroom::engine::model::templates;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static PLAN: OnceLock<headroom::engine::model::validate::ValidPlan> = OnceLock::new();
    let plan = PLAN.get_or_init(|| templates::worked_example().expect("the template loads"));
    let text = String::from_utf8_lossy(data);
    match read_actuals_csv(&text, plan) {
        Ok(preview) => {
            let saved = save_plan(&preview.plan);
            let again = load_plan(&saved).expect("an imported plan saves and reads back");
            assert_eq!(again.plan(), preview.plan.plan());
            let projection = project(&preview.plan);
            for scenario in &projection.scenarios {
                let points = compare(&preview.plan, scenario, None);
                assert!(points.iter().all(|p| p.actual.is_finite() && p.variance.absolute.is_finite()));
                let _ = calibrate(&points);
            }
        }
        Err(errors) => assert!(!errors.is_empty()),
    }
});
