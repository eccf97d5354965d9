//! The share-link format is pinned: a template's link must encode to exactly
//! the committed text, so the format cannot drift without a new version
//! prefix. (If an intended change alters it, bump `LINK_VERSION`, keep
//! reading the old one, and commit the new fixture.)
#![cfg(not(target_arch = "wasm32"))]

use headroom::engine::link::{decode_link, encode_link, LINK_VERSION};
use headroom::engine::templates;

const PINNED: &str = include_str!("fixtures/managed-saas.link");

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
