//! What the app's Monte Carlo workers hand the page, as bytes: a scenario's
//! bands ([`super::simulate_one_scenario`]), a share of its paths and the
//! rounds of exact percentiles over the shares ([`super::split`]).
//!
//! postcard, not JSON: every number crosses bit for bit (a NaN too, which JSON
//! cannot carry), so bands assembled from workers are exactly the bands the
//! page would have computed itself. The bytes start with a format tag, so a
//! worker of another build (a page updated while its worker was cached) is
//! refused with a message, never read as wrong numbers.

use super::bands::ScenarioBands;
use serde::{de::DeserializeOwned, Serialize};

/// The first byte of every message; bumped whenever what crosses changes.
const FORMAT: u8 = 2;

/// The bytes of a scenario's bands.
pub fn encode_scenario_bands(bands: &ScenarioBands) -> Result<Vec<u8>, String> {
    encode(bands, "bands")
}

/// A scenario's bands from [`encode_scenario_bands`]'s bytes.
pub fn decode_scenario_bands(bytes: &[u8]) -> Result<ScenarioBands, String> {
    decode(bytes, "bands")
}

/// The bytes of anything the workers and the page exchange (`what` names
/// it in messages).
pub fn encode<T: Serialize>(value: &T, what: &str) -> Result<Vec<u8>, String> {
    let mut bytes = vec![FORMAT];
    let body = postcard::to_allocvec(value)
        .map_err(|error| format!("the {what} could not be written: {error}"))?;
    bytes.extend_from_slice(&body);
    Ok(bytes)
}

/// What [`encode`] wrote, or why it cannot be read.
pub fn decode<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, String> {
    match bytes.split_first() {
        Some((&FORMAT, body)) => postcard::from_bytes(body)
            .map_err(|error| format!("the {what} could not be read: {error}")),
        Some((other, _)) => Err(format!(
            "the {what} came in format {other}, this page reads format {FORMAT}"
        )),
        None => Err(format!("the {what} came empty")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::templates;
    use crate::engine::uncertainty::{bands_digest, simulate_plan, Bands};

    /// Every template's bands survive the bytes exactly (the digest reads
    /// every number's bits), and a tag or body that is not ours is refused.
    #[test]
    fn bands_cross_as_bytes_bit_for_bit() {
        for template in templates::TEMPLATES {
            let valid = templates::load(template.id)
                .and_then(Result::ok)
                .expect("a valid template");
            let settings = valid.plan().uncertainty.unwrap_or_default();
            let bands = simulate_plan(&valid, settings);
            let crossed: Vec<ScenarioBands> = bands
                .scenarios
                .iter()
                .map(|s| {
                    let bytes = encode_scenario_bands(s).expect("written");
                    decode_scenario_bands(&bytes).expect("read")
                })
                .collect();
            let again = Bands::assemble(valid.plan(), settings, crossed);
            assert_eq!(again, bands, "{}", template.id);
            assert_eq!(bands_digest(&again), bands_digest(&bands));
        }
        assert!(decode_scenario_bands(&[]).unwrap_err().contains("empty"));
        assert!(
            decode::<super::super::split::PathShare>(&[FORMAT, 1], "share")
                .unwrap_err()
                .contains("share")
        );
        assert!(decode_scenario_bands(&[9, 1, 2])
            .unwrap_err()
            .contains("format 9"));
        assert!(decode_scenario_bands(&[FORMAT, 200, 1])
            .unwrap_err()
            .contains("could not be read"));
    }

    /// A share crosses whole (its kept keys stay where it ran).
    #[test]
    fn shares_cross_as_bytes() {
        use crate::engine::uncertainty::split::{simulate_share, PathShare};
        let valid = templates::load("microservices-aws")
            .and_then(Result::ok)
            .expect("a valid template");
        let settings = valid.plan().uncertainty.unwrap_or_default();
        let mut share = simulate_share(&valid, 0, settings, 0, 1).expect("a share");
        share.kept = Default::default();
        let crossed: PathShare =
            decode(&encode(&share, "share").expect("written"), "share").expect("read");
        assert_eq!(crossed, share);
        assert!(!crossed.sensitivity.is_empty() && !crossed.spreads.is_empty());
    }

    /// A NaN, which JSON would refuse, crosses with its bits.
    #[test]
    fn a_nan_crosses_too() {
        let valid = templates::load("managed-saas")
            .and_then(Result::ok)
            .expect("a valid template");
        let settings = valid.plan().uncertainty.unwrap_or_default();
        let mut bands = simulate_plan(&valid, settings).scenarios.remove(0);
        bands.never_red = f64::NAN;
        let crossed =
            decode_scenario_bands(&encode_scenario_bands(&bands).expect("written")).expect("read");
        assert_eq!(crossed.never_red.to_bits(), f64::NAN.to_bits());
    }
}
