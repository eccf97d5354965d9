//! Share links: the whole plan in a URL fragment, so a link carries a plan
//! with no server. `h2.` (the format's version) then, in base64url, the
//! plan's compact JSON compressed with raw deflate and followed by the
//! JSON's Adler-32 checksum (4 bytes, big-endian): a character changed in
//! transit (a chat app, a mail client, hand-copying) makes a different
//! stream whose text no longer matches its checksum, so a damaged link is
//! refused rather than opened as a different plan. `h1.` links (no
//! checksum), already shared, are still read.
//!
//! Decoding trusts nothing: the text's length is capped before anything is
//! decoded, the inflated size is capped while inflating (no decompression
//! bombs), and the plan then goes through the same reading and validation as
//! an imported file.

use crate::engine::model::document::{load_plan_value, LoadError};
use crate::engine::model::plan::Plan;
use crate::engine::model::validate::ValidPlan;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::fmt;

/// The link format this build writes: deflate, then the text's Adler-32.
pub const LINK_VERSION: &str = "h2.";

/// The earlier format, without a checksum: still read.
pub const LINK_VERSION_UNCHECKED: &str = "h1.";

/// Bytes of the checksum at the end of an `h2.` link's data.
const CHECKSUM_BYTES: usize = 4;

/// Longest link text accepted. A rich plan's link is under 2,000 characters.
pub const MAX_LINK_CHARS: usize = 32_000;

/// Largest plan a link may inflate to.
pub const MAX_INFLATED_BYTES: usize = 256_000;

#[derive(Debug, Clone, PartialEq)]
pub enum LinkError {
    Empty,
    TooLong {
        chars: usize,
    },
    /// A version prefix this build does not know: a newer Headroom made it.
    UnknownVersion(String),
    /// Not base64, or not a deflate stream, cut short, or (`h2.`) its text
    /// does not match its checksum.
    Damaged,
    TooLarge,
    /// It decoded, but the plan inside did not read or validate.
    Plan(LoadError),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const ASK: &str = "ask for the link again, and make sure all of it is copied";
        match self {
            LinkError::Empty => write!(f, "the link holds no plan"),
            LinkError::TooLong { chars } => write!(
                f,
                "the link is {chars} characters long, more than a plan link can be ({MAX_LINK_CHARS}); {ASK}"
            ),
            LinkError::UnknownVersion(prefix) => write!(
                f,
                "the link was made by a newer version of Headroom (format '{prefix}'); open it there, or ask for the plan as a file"
            ),
            LinkError::Damaged => write!(f, "the link is damaged: part of it is missing or changed; {ASK}"),
            LinkError::TooLarge => write!(
                f,
                "the link holds more than a plan can be ({MAX_INFLATED_BYTES} bytes); {ASK}"
            ),
            LinkError::Plan(error) => write!(f, "the link's plan cannot be opened: {error}"),
        }
    }
}

impl std::error::Error for LinkError {}

/// The link fragment for a plan (without the `#`).
pub fn encode_link(plan: &Plan) -> String {
    // The plan as its own compact JSON (fields in the document's order),
    // with its actuals, the last field, packed (see `pack_actuals`).
    let mut bare = plan.clone();
    let actuals = bare.actuals.take();
    // Plain structs of strings and finite numbers always serialise.
    let mut json = serde_json::to_string(&bare).unwrap_or_default();
    if let Some(actuals) = actuals {
        let mut value = serde_json::to_value(actuals).unwrap_or_default();
        pack_actuals(&mut value);
        whole_numbers_as_integers(&mut value);
        json.pop();
        json.push_str(",\"actuals\":");
        json.push_str(&value.to_string());
        json.push('}');
    }
    let mut packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 10);
    packed.extend_from_slice(&adler2::adler32_slice(json.as_bytes()).to_be_bytes());
    format!("{LINK_VERSION}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Where a share link starts in `text` (a URL, `#h2.…` or `h2.…`, of any
/// version this build reads), if it holds one.
pub fn link_start(text: &str) -> Option<usize> {
    [LINK_VERSION, LINK_VERSION_UNCHECKED]
        .iter()
        .filter_map(|version| text.find(version))
        .filter(|at| *at == 0 || text[..*at].ends_with('#'))
        .min()
}

/// Writes `100.0` as `100`: the same number when read back into the plan's
/// `f64`s, two characters fewer for every whole figure (actuals that do not
/// pack are often whole numbers).
fn whole_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    /// Integers up to 2^53 are exact in an `f64`.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match value {
        Value::Number(number) => {
            if let Some(float) = number
                .as_f64()
                .filter(|f| number.is_f64() && f.fract() == 0.0 && f.abs() <= EXACT)
            {
                // `-0.0` stays a float: as an integer it would read back as `0.0`.
                if float != 0.0 || float.is_sign_positive() {
                    *number = serde_json::Number::from(float as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(map) => map.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// Reads a plan from a share link: a whole URL, `#h1.…`, or `h1.…`.
pub fn decode_link(text: &str) -> Result<ValidPlan, LinkError> {
    let text = text.trim();
    if text.chars().count() > MAX_LINK_CHARS {
        return Err(LinkError::TooLong {
            chars: text.chars().count(),
        });
    }
    let fragment = text.rsplit_once('#').map_or(text, |(_, after)| after);
    if fragment.is_empty() {
        return Err(LinkError::Empty);
    }
    let (data, checked) = if let Some(data) = fragment.strip_prefix(LINK_VERSION) {
        (data, true)
    } else if let Some(data) = fragment.strip_prefix(LINK_VERSION_UNCHECKED) {
        (data, false)
    } else {
        let prefix: String = fragment.chars().take_while(|c| *c != '.').take(8).collect();
        return Err(if fragment.contains('.') && prefix.starts_with('h') {
            LinkError::UnknownVersion(format!("{prefix}."))
        } else {
            LinkError::Damaged
        });
    };
    let mut packed = URL_SAFE_NO_PAD
        .decode(data.as_bytes())
        .map_err(|_| LinkError::Damaged)?;
    let checksum = if checked {
        let at = packed
            .len()
            .checked_sub(CHECKSUM_BYTES)
            .ok_or(LinkError::Damaged)?;
        let tail: [u8; CHECKSUM_BYTES] = packed[at..].try_into().map_err(|_| LinkError::Damaged)?;
        packed.truncate(at);
        Some(u32::from_be_bytes(tail))
    } else {
        None
    };
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED_BYTES)
        .map_err(|error| match error.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => LinkError::TooLarge,
            _ => LinkError::Damaged,
        })?;
    if checksum.is_some_and(|sum| sum != adler2::adler32_slice(&json)) {
        return Err(LinkError::Damaged);
    }
    let json = String::from_utf8(json).map_err(|_| LinkError::Damaged)?;
    let mut value: serde_json::Value = serde_json::from_str(&json)
        .map_err(|error| LinkError::Plan(LoadError::NotJson(error.to_string())))?;
    if let Some(actuals) = value.get_mut("actuals") {
        unpack_actuals(actuals)?;
    }
    // The inflated text is within MAX_INFLATED_BYTES, under the plan size cap.
    load_plan_value(value).map_err(LinkError::Plan)
}

/// Most decimals a packed list may have.
const MAX_PACKED_DECIMALS: u32 = 6;

/// In a link, each list of actuals whose values all have at most a few
/// decimals is written `{"d": decimals, "v": [first, change, change, …]}`:
/// whole numbers of 10^−d, each the change from the previous value (`null`
/// stays `null`). Month-to-month changes are shorter than the figures, so a
/// link with two years of actuals stays short. Lists that do not pack
/// exactly stay lists.
fn pack_actuals(actuals: &mut serde_json::Value) {
    let Some(map) = actuals.as_object_mut() else {
        return;
    };
    for (key, list) in map.iter_mut() {
        match key.as_str() {
            "users" | "total_cost" => pack_list(list),
            "metrics" | "costs" => {
                if let Some(lists) = list.as_object_mut() {
                    lists.values_mut().for_each(pack_list);
                }
            }
            _ => {}
        }
    }
}

fn pack_list(list: &mut serde_json::Value) {
    let Some(items) = list.as_array() else {
        return;
    };
    let values: Vec<Option<f64>> = items.iter().map(serde_json::Value::as_f64).collect();
    let exact = |decimals: u32| -> Option<Vec<Option<i64>>> {
        let scale = 10f64.powi(decimals as i32);
        values
            .iter()
            .map(|value| match value {
                None => Some(None),
                Some(v) => {
                    let scaled = (v * scale).round();
                    (scaled.abs() < 9e15
                        && scaled / scale == *v
                        && (*v != 0.0 || v.is_sign_positive()))
                    .then_some(Some(scaled as i64))
                }
            })
            .collect()
    };
    let Some((decimals, whole)) = (0..=MAX_PACKED_DECIMALS).find_map(|d| exact(d).map(|w| (d, w)))
    else {
        return;
    };
    let mut previous = 0i64;
    let changes: Vec<serde_json::Value> = whole
        .into_iter()
        .map(|value| match value {
            None => serde_json::Value::Null,
            Some(v) => {
                let change = v - previous;
                previous = v;
                serde_json::Value::from(change)
            }
        })
        .collect();
    *list = serde_json::json!({ "d": decimals, "v": changes });
}

/// The inverse of [`pack_actuals`], on untrusted text: a packed list that
/// is not exactly that shape, or whose sums overflow, is a damaged link.
fn unpack_actuals(actuals: &mut serde_json::Value) -> Result<(), LinkError> {
    let Some(map) = actuals.as_object_mut() else {
        return Ok(());
    };
    for (key, list) in map.iter_mut() {
        match key.as_str() {
            "users" | "total_cost" => unpack_list(list)?,
            "metrics" | "costs" => {
                if let Some(lists) = list.as_object_mut() {
                    for list in lists.values_mut() {
                        unpack_list(list)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn unpack_list(list: &mut serde_json::Value) -> Result<(), LinkError> {
    let Some(packed) = list.as_object() else {
        return Ok(());
    };
    let decimals = packed
        .get("d")
        .and_then(serde_json::Value::as_u64)
        .filter(|d| *d <= u64::from(MAX_PACKED_DECIMALS) && packed.len() == 2)
        .ok_or(LinkError::Damaged)?;
    let changes = packed
        .get("v")
        .and_then(serde_json::Value::as_array)
        .ok_or(LinkError::Damaged)?;
    let scale = 10f64.powi(decimals as i32);
    let mut previous = 0i64;
    let mut values = Vec::with_capacity(changes.len());
    for change in changes {
        if change.is_null() {
            values.push(serde_json::Value::Null);
            continue;
        }
        let change = change.as_i64().ok_or(LinkError::Damaged)?;
        previous = previous.checked_add(change).ok_or(LinkError::Damaged)?;
        values.push(serde_json::Value::from(previous as f64 / scale));
    }
    *list = serde_json::Value::Array(values);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::templates::{self, TEMPLATES};

    /// An `h2.` link of any text, as [`encode_link`] writes one.
    fn link_of(text: &[u8]) -> String {
        let mut packed = miniz_oxide::deflate::compress_to_vec(text, 6);
        packed.extend_from_slice(&adler2::adler32_slice(text).to_be_bytes());
        format!("{LINK_VERSION}{}", URL_SAFE_NO_PAD.encode(packed))
    }

    /// A link's plan of the wrong shape says where and what, as a file does.
    #[test]
    fn a_link_of_the_wrong_shape_names_the_field() {
        let mut value = serde_json::to_value(templates::worked_example().unwrap().plan()).unwrap();
        value["components"][0]["target_utilization"] = "high".into();
        let error = decode_link(&link_of(value.to_string().as_bytes())).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the link's plan cannot be opened: the plan has 1 problem; components[0].target_utilization: expected a number, found the text \"high\""
        );
    }

    #[test]
    fn every_template_round_trips_within_2000_characters() {
        for template in TEMPLATES {
            let plan = templates::load(template.id).unwrap().unwrap();
            let link = encode_link(plan.plan());
            assert!(
                link.len() <= 2_000,
                "{}: {} characters",
                template.id,
                link.len()
            );
            let back = decode_link(&format!("https://example.org/headroom/#{link}")).unwrap();
            assert_eq!(back.plan(), plan.plan(), "{}", template.id);
        }
    }

    #[test]
    fn damaged_links_say_so() {
        let plan = templates::worked_example().unwrap();
        let link = encode_link(plan.plan());
        // Cut short, as a chat app might.
        assert_eq!(
            decode_link(&link[..link.len() / 2]),
            Err(LinkError::Damaged)
        );
        // A character changed.
        let mut tampered = link.clone().into_bytes();
        tampered[40] = if tampered[40] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert_eq!(decode_link(&tampered), Err(LinkError::Damaged));
        assert_eq!(decode_link("h1.not base64!"), Err(LinkError::Damaged));
        assert_eq!(decode_link("#"), Err(LinkError::Empty));
        assert_eq!(
            decode_link("h9.AAAA"),
            Err(LinkError::UnknownVersion("h9.".into()))
        );
        assert_eq!(decode_link("hello"), Err(LinkError::Damaged));
        let huge = "h1.".to_string() + &"A".repeat(MAX_LINK_CHARS);
        assert!(matches!(decode_link(&huge), Err(LinkError::TooLong { .. })));
    }

    #[test]
    fn a_decompression_bomb_is_refused() {
        // 10 MB of spaces deflates to about 10 KB: well under the length cap.
        let link = link_of(&vec![b' '; 10_000_000]);
        assert!(link.len() < MAX_LINK_CHARS, "{}", link.len());
        assert_eq!(decode_link(&link), Err(LinkError::TooLarge));
    }

    #[test]
    fn a_link_to_an_invalid_plan_is_refused_like_a_file() {
        let mut plan = templates::worked_example().unwrap().plan().clone();
        plan.baseline_users = -1.0;
        let link = encode_link(&plan);
        assert!(matches!(
            decode_link(&link),
            Err(LinkError::Plan(LoadError::Invalid(_)))
        ));
    }

    /// A link whose packed actuals are not exactly the packed shape, or
    /// overflow when summed, is damaged, never a panic or a wrong number.
    #[test]
    fn damaged_packed_actuals_are_refused() {
        let plan = templates::worked_example().unwrap();
        let with = |actuals: &str| {
            let mut value = serde_json::to_value(plan.plan()).unwrap();
            value["actuals"] = serde_json::from_str(actuals).unwrap();
            decode_link(&link_of(value.to_string().as_bytes()))
        };
        let good = with(r#"{"from": "2026-01", "users": {"d": 1, "v": [1005, 15, null, -20]}}"#)
            .expect("opens");
        let users = &good.plan().actuals.as_ref().unwrap().users;
        assert_eq!(users, &vec![Some(100.5), Some(102.0), None, Some(100.0)]);
        for bad in [
            r#"{"from": "2026-01", "users": {"d": 7, "v": [1]}}"#,
            r#"{"from": "2026-01", "users": {"d": 0}}"#,
            r#"{"from": "2026-01", "users": {"d": 0, "v": [1], "x": 1}}"#,
            r#"{"from": "2026-01", "users": {"d": 0, "v": [1.5]}}"#,
            r#"{"from": "2026-01", "users": {"d": 0, "v": [9223372036854775807, 1]}}"#,
        ] {
            assert_eq!(with(bad).map(|_| ()), Err(LinkError::Damaged), "{bad}");
        }
    }
}
