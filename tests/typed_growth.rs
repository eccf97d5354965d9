//! Property tests of what people type into a scenario's seasonality,
//! swing and damping fields (issue 27): whatever the text, the field either
//! refuses it with a message or makes a valid plan, and what a field shows
//! reads back to the same plan.
#![cfg(not(target_arch = "wasm32"))]

use headroom::editor::Field;
use headroom::engine::model::plan::{Growth, Plan};
use headroom::engine::model::seasons::{format_seasonality, parse_seasonality};
use headroom::engine::model::templates;
use headroom::engine::model::validate::MAX_SEASONAL_FACTOR;
use proptest::prelude::*;

fn example() -> Plan {
    templates::worked_example()
        .expect("the worked example is valid")
        .plan()
        .clone()
}

/// Text near what people type: month names, signs, percentages, factors,
/// separators, and stray characters.
fn seasonal_text() -> impl Strategy<Value = String> {
    let part = (
        prop::sample::select(vec![
            "Jan", "feb", "March", "Sept.", "Dec", "Dex", "Ma", "", "12",
        ]),
        prop::sample::select(vec![" +", " -", " \u{2212}", " ", " \u{d7}", " x", ""]),
        -150.0f64..20_000.0,
        prop::sample::select(vec!["%", "", "%%", "k"]),
    )
        .prop_map(|(month, sign, number, unit)| format!("{month}{sign}{number:.1}{unit}"));
    (
        prop::collection::vec(part, 0..14),
        prop::sample::select(vec![", ", "; ", "\n", ",,"]),
    )
        .prop_map(|(parts, separator)| parts.join(separator))
}

proptest! {
    /// What is shown reads back to the same factors, to the tenth of a
    /// percent it shows.
    #[test]
    fn shown_seasonality_reads_back(factors in prop::collection::vec(prop_oneof![1e-12f64..0.02, 0.01f64..100.0], 12)) {
        let shown = format_seasonality(&factors);
        let read = parse_seasonality(&shown).expect("its own text reads");
        let read = read.unwrap_or_else(|| vec![1.0; 12]);
        for (typed, back) in factors.iter().zip(read) {
            prop_assert!((typed - back).abs() <= 0.0005 + 1e-9, "{typed} → {shown} → {back}");
        }
    }

    /// Any text either reads to twelve valid factors or is refused with a
    /// message; nothing non-finite or non-positive gets through.
    #[test]
    fn any_seasonality_reads_or_is_refused(text in prop_oneof![seasonal_text(), "\\PC{0,60}"]) {
        match parse_seasonality(&text) {
            Ok(Some(factors)) => {
                prop_assert_eq!(factors.len(), 12);
                prop_assert!(factors.iter().all(|f| f.is_finite() && *f > 0.0 && *f <= MAX_SEASONAL_FACTOR));
            }
            Ok(None) => prop_assert!(text.trim().is_empty() || text.trim().eq_ignore_ascii_case("none")),
            Err(message) => prop_assert!(!message.is_empty()),
        }
    }

    /// The editor's three fields: a refused text leaves no trace (the
    /// caller keeps its plan); an accepted one makes a valid plan whose
    /// field shows text that reads back to the same plan.
    #[test]
    fn typed_seasons_swings_and_damping_make_valid_plans(
        text in prop_oneof![seasonal_text(), "[±+/-]{0,2}[0-9]{0,3}(\\.[0-9]{1,2})?%?( a month)?", "\\PC{0,20}"],
        which in 0usize..3,
    ) {
        let plan = example();
        let field = [Field::Seasonality(1), Field::Volatility(1), Field::Damping(1)][which];
        if let Ok(edited) = field.apply(&plan, &text) {
            let scenario = &edited.plan().scenarios[1];
            if let Some(volatility) = scenario.volatility {
                prop_assert!((0.0..=1.0).contains(&volatility));
            }
            if let Growth::Compound { damping: Some(phi), .. } = scenario.growth {
                prop_assert!(phi > 0.0 && phi <= 1.0);
            }
            let shown = field.display(edited.plan());
            let again = field.apply(edited.plan(), &shown).expect("what a field shows is accepted");
            prop_assert_eq!(field.display(again.plan()), shown);
        }
    }
}
