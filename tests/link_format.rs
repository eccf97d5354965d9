//! The share-link format is pinned: a template's link must encode to exactly
//! the committed text, so the format cannot drift without a new version
//! prefix. (If an intended change alters it, bump `LINK_VERSION`, keep
//! reading the old one, and commit the new fixture.)
#![cfg(not(target_arch = "wasm32"))]

use headroom::engine::model::link::{
    decode_link, encode_link, link_start, LinkError, LINK_VERSION, LINK_VERSION_UNCHECKED,
};
use headroom::engine::model::templates;
use proptest::prelude::*;

const PINNED: &str = include_str!("fixtures/managed-saas.link");
/// The same template's link as the release before seasonality wrote it
/// (`h2.`, plan schema 4).
const SCHEMA_4: &str = include_str!("fixtures/managed-saas-schema-4.link");
/// The same template's link as the release before checksums wrote it
/// (`h1.`, plan schema 4).
const UNCHECKED: &str = include_str!("fixtures/managed-saas-h1.link");
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
fn a_schema_4_link_still_opens_migrated() {
    let plan = templates::worked_example().expect("valid");
    assert!(SCHEMA_4.starts_with(LINK_VERSION));
    assert_ne!(SCHEMA_4.trim(), PINNED.trim());
    assert_eq!(decode_link(SCHEMA_4).expect("opens").plan(), plan.plan());
}

#[test]
fn a_link_from_the_previous_release_still_opens_migrated() {
    let plan = templates::worked_example().expect("valid");
    assert!(UNCHECKED.starts_with(LINK_VERSION_UNCHECKED));
    assert_eq!(decode_link(UNCHECKED).expect("opens").plan(), plan.plan());
    assert!(SCHEMA_2.starts_with(LINK_VERSION_UNCHECKED));
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
    use headroom::engine::model::plan::Actuals;
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
    let valid = headroom::engine::model::validate::validate(&plan).expect("valid");
    let link = encode_link(valid.plan());
    println!(
        "link with 24 months × 4 series of actuals: {} characters",
        link.len() + 1
    );
    assert!(link.len() < 2_000, "{} characters", link.len());
    assert_eq!(decode_link(&link).expect("opens").plan(), valid.plan());
}

/// The templates' links, with and without 24 months of users actuals
/// (made once for every case).
fn template_links() -> &'static [(String, headroom::engine::model::plan::Plan)] {
    static LINKS: std::sync::OnceLock<Vec<(String, headroom::engine::model::plan::Plan)>> =
        std::sync::OnceLock::new();
    LINKS.get_or_init(make_template_links)
}

fn make_template_links() -> Vec<(String, headroom::engine::model::plan::Plan)> {
    let mut links = Vec::new();
    for template in templates::TEMPLATES {
        let plan = templates::load(template.id)
            .expect("listed")
            .expect("valid")
            .plan()
            .clone();
        let mut with_actuals = plan.clone();
        let users: Vec<Option<f64>> = (0..24)
            .map(|m| Some((120.0 * 1.07f64.powi(m) + f64::from(m % 3) * 4.5).round()))
            .collect();
        with_actuals.actuals = Some(headroom::engine::model::plan::Actuals {
            from: "2024-01".into(),
            users,
            ..Default::default()
        });
        let with_actuals = headroom::engine::model::validate::validate(&with_actuals)
            .expect("valid")
            .plan()
            .clone();
        for plan in [plan, with_actuals] {
            links.push((encode_link(&plan), plan));
        }
    }
    links
}

/// One character of damage: changed, inserted, repeated or cut.
fn damaged(link: &str, kind: u8, at: usize, with: char) -> String {
    let chars: Vec<char> = link.chars().collect();
    let at = at % chars.len();
    let mut out: Vec<char> = chars.clone();
    match kind % 4 {
        0 => out[at] = with,
        1 => out.insert(at, with),
        2 => out.insert(at, chars[at]),
        _ => {
            out.remove(at);
        }
    }
    out.into_iter().collect()
}

const LINK_ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.#%";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Issue 31: a damaged link is refused, or opens exactly the plan it was
    /// made from (a change that leaves the same stream, such as a padding
    /// bit); never a different plan.
    #[test]
    fn a_damaged_link_is_refused_or_opens_the_same_plan(
        which in 0usize..10,
        kind in 0u8..4,
        at in 0usize..4000,
        pick in 0usize..LINK_ALPHABET.len(),
    ) {
        let links = template_links();
        let (link, plan) = &links[which % links.len()];
        let with = LINK_ALPHABET.chars().nth(pick).unwrap_or('A');
        let broken = damaged(link, kind, at, with);
        if let Ok(opened) = decode_link(&broken) {
            prop_assert_eq!(opened.plan(), plan, "{}", broken);
        }
    }
}

/// Every single character of one link changed to its neighbour in the
/// alphabet, and every cut: refused or the same plan, exhaustively.
#[test]
fn every_one_character_change_of_a_link_is_caught() {
    let links = template_links();
    let (link, plan) = &links[1];
    let alphabet: Vec<char> = LINK_ALPHABET.chars().take(64).collect();
    let mut refused = 0;
    for at in LINK_VERSION.len()..link.len() {
        let here = link.as_bytes()[at] as char;
        let next = alphabet[(alphabet.iter().position(|c| *c == here).unwrap_or(0) + 1) % 64];
        for broken in [damaged(link, 0, at, next), damaged(link, 3, at, 'A')] {
            match decode_link(&broken) {
                Ok(opened) => assert_eq!(opened.plan(), plan, "{broken}"),
                Err(_) => refused += 1,
            }
        }
    }
    assert!(
        refused > link.len(),
        "{refused} of {} refused",
        2 * link.len()
    );
}

#[test]
fn a_checksum_that_does_not_match_is_the_damaged_link_message() {
    let link = PINNED.trim();
    // The last character carries the checksum's last bits: change it.
    let mut broken = link.to_string();
    let last = broken.pop().expect("not empty");
    broken.push(if last == 'A' { 'B' } else { 'A' });
    let error = decode_link(&broken).expect_err("refused");
    assert_eq!(error, LinkError::Damaged);
    assert!(error.to_string().starts_with("the link is damaged"));
    // Too short to hold a checksum at all.
    assert_eq!(decode_link("h2.AAA"), Err(LinkError::Damaged));
}

#[test]
fn links_are_found_in_urls_of_either_version() {
    assert_eq!(link_start("https://example.com/#h2.abc"), Some(21));
    assert_eq!(link_start("#h1.abc"), Some(1));
    assert_eq!(link_start("h2.abc"), Some(0));
    assert_eq!(link_start("plans/h2.json"), None);
}
