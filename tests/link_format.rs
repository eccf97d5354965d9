//! The share-link format is pinned: a template's link must encode to exactly
//! the committed text, so the format cannot drift without a new version
//! prefix. (If an intended change alters it, bump `LINK_VERSION`, keep
//! reading the old one, and commit the new fixture.)
#![cfg(not(target_arch = "wasm32"))]

use headroom::engine::link::{decode_link, encode_link, LINK_VERSION};
use headroom::engine::templates;

const PINNED: &str = include_str!("fixtures/managed-saas.link");
/// The same template's link as earlier releases (plan schemas 2 and 3) wrote it.
const SCHEMA_2: &str = include_str!("fixtures/managed-saas-schema-2.link");
const SCHEMA_3: &str = include_str!("fixtures/managed-saas-schema-3.link");

#[test]
fn the_worked_example_encodes_to_the_pinned_link() {
    let plan = templates::worked_example().expect("valid");
    assert!(PINNED.starts_with(LINK_VERSION));
    assert_eq!(encode_link(plan.plan()), PINNED.trim());
}

#[test]
fn the_pinned_link_opens_the_worked_example() {
    let plan = templates::worked_example().expect("valid");
    assert_eq!(decode_link(PINNED).expect("opens").plan(), plan.plan());
}

#[test]
fn a_link_from_the_previous_release_still_opens_migrated() {
    let plan = templates::worked_example().expect("valid");
    assert!(SCHEMA_2.starts_with(LINK_VERSION));
    assert_ne!(SCHEMA_2.trim(), PINNED.trim());
    assert_eq!(decode_link(SCHEMA_2).expect("opens").plan(), plan.plan());
    assert_ne!(SCHEMA_3.trim(), PINNED.trim());
    assert_eq!(decode_link(SCHEMA_3).expect("opens").plan(), plan.plan());
}

/// Issue 15's budget: the worked example with 24 months of actuals on four
/// series (users and a metric as whole numbers, two costs in cents, as
/// exports give them) stays a link of at most 2,000 characters.
#[test]
fn a_plan_with_24_months_of_actuals_on_4_series_links_in_2000_characters() {
    use headroom::engine::plan::Actuals;
    use std::collections::BTreeMap;
    let mut plan = templates::worked_example().expect("valid").plan().clone();
    // Users growing 9% a month from 60 with a wobble; the rest follow them.
    let users: Vec<f64> = (0..24)
        .map(|m| (60.0 * 1.09f64.powi(m) * (1.0 + 0.03 * f64::from(m % 5) - 0.06)).round())
        .collect();
    let cents = |v: f64| (v * 100.0).round() / 100.0;
    let column = |f: &dyn Fn(usize, f64) -> f64| -> Vec<Option<f64>> {
        users
            .iter()
            .enumerate()
            .map(|(i, u)| Some(f(i, *u)))
            .collect()
    };
    plan.actuals = Some(Actuals {
        from: "2024-11".into(),
        users: column(&|_, u| u),
        metrics: BTreeMap::from([(
            "db_size_mb".to_string(),
            column(&|i, u| (u * (95.0 + (i % 7) as f64)).round()),
        )]),
        costs: BTreeMap::from([(
            "OpenAI API".to_string(),
            column(&|i, u| cents(u * (1.07 + 0.013 * (i % 3) as f64))),
        )]),
        total_cost: column(&|i, u| cents(250.0 + u * (0.83 + 0.011 * (i % 4) as f64))),
    });
    let valid = headroom::engine::validate::validate(&plan).expect("valid");
    let link = encode_link(valid.plan());
    println!(
        "link with 24 months × 4 series of actuals: {} characters",
        link.len() + 1
    );
    assert!(link.len() < 2_000, "{} characters", link.len());
    assert_eq!(decode_link(&link).expect("opens").plan(), valid.plan());
}
