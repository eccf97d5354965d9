//! Arbitrary text as a scenario's typed seasonality (`Nov +20%, Dec +45%`):
//! reading must never panic; whatever it accepts is twelve factors above 0
//! and at most 100, and what they show as reads back within the tenth of a
//! percent it shows.
#![no_main]

use headroom::engine::model::seasons::{format_seasonality, parse_seasonality};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(Some(factors)) = parse_seasonality(&text) {
        assert_eq!(factors.len(), 12);
        assert!(factors.iter().all(|f| f.is_finite() && *f > 0.0 && *f <= 100.0));
        let shown = format_seasonality(&factors);
        let again = parse_seasonality(&shown)
            .expect("shown seasonality reads")
            .unwrap_or_else(|| vec![1.0; 12]);
        for (typed, back) in factors.iter().zip(again) {
            assert!((typed - back).abs() <= 0.0005 + 1e-9, "{typed} {shown} {back}");
        }
    }
});
