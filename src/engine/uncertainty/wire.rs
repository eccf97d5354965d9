//! A scenario's bands as bytes, for the app's Monte Carlo workers: a worker
//! runs one scenario of a plan ([`super::simulate_one_scenario`]) and hands
//! the page its [`ScenarioBands`] this way.
//!
//! postcard, not JSON: every number crosses bit for bit (a NaN too, which JSON
//! cannot carry), so bands assembled from workers are exactly the bands the
//! page would have computed itself. The bytes start with a format tag, so a
//! worker of another build (a page updated while its worker was cached) is
//! refused with a message, never read as wrong numbers.

use super::bands::ScenarioBands;

/// The first byte of every message; bumped whenever [`ScenarioBands`] changes.
const FORMAT: u8 = 1;

/// The bytes of a scenario's bands.
pub fn encode_scenario_bands(bands: &ScenarioBands) -> Result<Vec<u8>, String> {
    let mut bytes = vec![FORMAT];
    let body = postcard::to_allocvec(bands)
        .map_err(|error| format!("the bands could not be written: {error}"))?;
    bytes.extend_from_slice(&body);
    Ok(bytes)
}

/// A scenario's bands from [`encode_scenario_bands`]'s bytes.
pub fn decode_scenario_bands(bytes: &[u8]) -> Result<ScenarioBands, String> {
    match bytes.split_first() {
        Some((&FORMAT, body)) => postcard::from_bytes(body)
            .map_err(|error| format!("the bands could not be read: {error}")),
        Some((other, _)) => Err(format!(
            "the bands came in format {other}, this page reads format {FORMAT}"
        )),
        None => Err("the bands came empty".into()),
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
        assert!(decode_scenario_bands(&[9, 1, 2])
            .unwrap_err()
            .contains("format 9"));
        assert!(decode_scenario_bands(&[FORMAT, 200, 1])
            .unwrap_err()
            .contains("could not be read"));
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
