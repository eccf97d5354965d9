//! The complete example in docs/plan-format.md loads and projects, so the
//! documentation cannot drift from the code.
#![cfg(not(target_arch = "wasm32"))]

use headroom::engine::document::load_plan;
use headroom::engine::projection::project;

#[test]
fn the_documented_example_loads_and_projects() {
    let doc = include_str!("../docs/plan-format.md");
    let start = doc.find("```json\n").expect("a JSON example") + "```json\n".len();
    let end = start + doc[start..].find("```").expect("closed");
    let plan = load_plan(&doc[start..end]).unwrap_or_else(|error| panic!("{error}"));
    let projection = project(&plan);
    assert_eq!(projection.scenarios.len(), 5);
    for scenario in &projection.scenarios {
        assert_eq!(scenario.months.len(), 25, "{}", scenario.name);
        assert!(scenario.stopped.is_none());
    }
    // Month 6 carries the one-off migration and 10% support on API + Database only.
    let base = &projection.scenarios[0];
    assert!(base.months[6].costs[4] == 3000.0);
    let support = base.months[6].costs[5];
    let expected = 0.1 * (base.months[6].costs[0] + base.months[6].costs[1]);
    assert!((support - expected).abs() < 1e-9);
}
