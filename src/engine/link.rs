//! Share links: the whole plan in a URL fragment, so a link carries a plan
//! with no server. `h1.` (the format's version) then the plan's compact
//! JSON, compressed with raw deflate and written in base64url.
//!
//! Decoding trusts nothing: the text's length is capped before anything is
//! decoded, the inflated size is capped while inflating (no decompression
//! bombs), and the plan then goes through the same reading and validation as
//! an imported file.

use super::document::{load_plan, LoadError};
use super::plan::Plan;
use super::validate::ValidPlan;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::fmt;

/// The link format this build writes, and the only one it reads.
pub const LINK_VERSION: &str = "h1.";

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
    /// Not base64, or not a deflate stream, or cut short.
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
    // Plain structs of strings and finite numbers always serialise.
    let json = serde_json::to_string(plan).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 10);
    format!("{LINK_VERSION}{}", URL_SAFE_NO_PAD.encode(packed))
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
    let Some(data) = fragment.strip_prefix(LINK_VERSION) else {
        let prefix: String = fragment.chars().take_while(|c| *c != '.').take(8).collect();
        return Err(if fragment.contains('.') && prefix.starts_with('h') {
            LinkError::UnknownVersion(format!("{prefix}."))
        } else {
            LinkError::Damaged
        });
    };
    let packed = URL_SAFE_NO_PAD
        .decode(data.as_bytes())
        .map_err(|_| LinkError::Damaged)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED_BYTES)
        .map_err(|error| match error.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => LinkError::TooLarge,
            _ => LinkError::Damaged,
        })?;
    let json = String::from_utf8(json).map_err(|_| LinkError::Damaged)?;
    load_plan(&json).map_err(LinkError::Plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::templates::{self, TEMPLATES};

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
        assert!(matches!(
            decode_link(&tampered),
            Err(LinkError::Damaged | LinkError::Plan(_))
        ));
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
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 10_000_000], 10);
        let link = format!("{LINK_VERSION}{}", URL_SAFE_NO_PAD.encode(bomb));
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
}
