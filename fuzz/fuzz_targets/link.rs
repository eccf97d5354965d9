//! Arbitrary text as a share link: decoding must never panic, never inflate
//! past its cap, and whatever it accepts must be a valid plan that encodes
//! and decodes back to itself.
#![no_main]

use headroom::engine::model::link::{decode_link, encode_link};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(plan) = decode_link(text) {
        let again = decode_link(&encode_link(plan.plan())).expect("a re-encoded plan decodes");
        assert_eq!(again.plan(), plan.plan());
    }
});
