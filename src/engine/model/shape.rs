//! Reading a parsed JSON document into the plan's types, with a refusal that
//! says where and speaks plainly: `components[0].max_units: expected a whole
//! number, found the text "ten"` rather than serde's `invalid type: string
//! "ten", expected u32`.
//!
//! The path comes from `serde_path_to_error`; the words from [`plain`], which
//! rewrites the few message forms serde and serde_json produce (and keeps any
//! other message as it is, so nothing is hidden).
//!
//! The page's first module is built without the `app` feature and so without
//! the path: it paints only plans that read, and leaves every refusal to the
//! app, which reads the same text again and says where.

use serde::de::DeserializeOwned;
#[cfg(feature = "app")]
use serde_path_to_error::Segment;
use std::fmt;

/// A document whose JSON does not fit the plan's types, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    /// `components[0].max_units`; empty for the document as a whole.
    pub path: String,
    /// For people: `expected a whole number, found the text "ten"`.
    pub message: String,
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Reads `value` as a `T`, rewording any refusal (the first module: no path).
#[cfg(not(feature = "app"))]
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ShapeError> {
    serde_json::from_value(value).map_err(|error| ShapeError {
        path: String::new(),
        message: error.to_string(),
    })
}

/// Reads `value` as a `T`, locating and rewording any refusal.
#[cfg(feature = "app")]
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ShapeError> {
    // Kept to locate a refusal inside a tagged object (below); a plan
    // document is small, and this runs once per read.
    let document = value.clone();
    serde_path_to_error::deserialize(value).map_err(|error| {
        let raw = error.inner().to_string();
        let mut path = path_text(error.path());
        if let Some(inner) = located_inside(&document, error.path(), &raw) {
            path.push_str(&inner);
        }
        // An unknown field is named in the path, wherever serde stopped.
        if let Some(field) = unknown_field(&raw) {
            if !path.ends_with(field) {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(field);
            }
        }
        ShapeError {
            path,
            message: plain(&raw),
        }
    })
}

#[cfg(feature = "app")]
/// serde reads an object tagged by a field (`"kind": "horizontal"`) as a
/// whole, so a wrong value inside it is reported at the object. When the
/// value serde names (`string "ten"`, `integer `-1``) occurs exactly once
/// inside that object, this is its path from there (`.max_units`).
fn located_inside(
    document: &serde_json::Value,
    path: &serde_path_to_error::Path,
    raw: &str,
) -> Option<String> {
    let mut node = document;
    for segment in path.iter() {
        node = match segment {
            Segment::Seq { index } => node.get(*index)?,
            Segment::Map { key } => node.get(key.as_str())?,
            Segment::Enum { .. } | Segment::Unknown => return None,
        };
    }
    if !node.is_object() {
        return None;
    }
    let found = raw
        .strip_prefix("invalid type: ")
        .or_else(|| raw.strip_prefix("invalid value: "))
        .and_then(expected_found)?
        .0;
    let wanted = found_value(found)?;
    let mut places = Vec::new();
    find_leaves(node, &wanted, String::new(), &mut places);
    match places.as_slice() {
        [only] => Some(only.clone()),
        _ => None,
    }
}

#[cfg(feature = "app")]
/// The JSON value serde's "found" text describes, for the scalar forms.
fn found_value(found: &str) -> Option<serde_json::Value> {
    if let Some(text) = found.strip_prefix("string ") {
        return serde_json::from_str::<String>(text)
            .ok()
            .map(serde_json::Value::String);
    }
    for prefix in ["integer ", "floating point "] {
        if let Some(number) = found.strip_prefix(prefix) {
            return serde_json::from_str(unquote(number)).ok();
        }
    }
    match found {
        "null" | "unit value" => Some(serde_json::Value::Null),
        "boolean `true`" => Some(serde_json::Value::Bool(true)),
        "boolean `false`" => Some(serde_json::Value::Bool(false)),
        _ => None,
    }
}

#[cfg(feature = "app")]
/// Every path under `node` whose value equals `wanted` (numbers compared as
/// numbers).
fn find_leaves(
    node: &serde_json::Value,
    wanted: &serde_json::Value,
    here: String,
    places: &mut Vec<String>,
) {
    match node {
        serde_json::Value::Object(fields) => {
            for (key, value) in fields {
                find_leaves(value, wanted, format!("{here}.{key}"), places);
            }
        }
        serde_json::Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                find_leaves(value, wanted, format!("{here}[{index}]"), places);
            }
        }
        serde_json::Value::Number(number) => {
            if wanted.as_f64().is_some_and(|w| number.as_f64() == Some(w)) {
                places.push(here);
            }
        }
        leaf => {
            if leaf == wanted {
                places.push(here);
            }
        }
    }
}

#[cfg(feature = "app")]
/// The path as the plan format and validation write it: `a.b[2].c`.
fn path_text(path: &serde_path_to_error::Path) -> String {
    let mut text = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => text.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            // Variants are named by the document's own tag field, not in the path.
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    text
}

/// The field serde's "unknown field `x`, …" names.
#[cfg(feature = "app")]
fn unknown_field(raw: &str) -> Option<&str> {
    let rest = raw.strip_prefix("unknown field ")?;
    Some(unquote(
        rest.split_once(", ").map_or(rest, |(field, _)| field),
    ))
}

#[cfg(feature = "app")]
/// `found, expected thing` split in two.
fn expected_found(rest: &str) -> Option<(&str, &str)> {
    rest.split_once(", expected ")
}

#[cfg(feature = "app")]
/// serde's message in plain words. Forms not recognised are kept as they are.
pub fn plain(message: &str) -> String {
    if let Some((found, expected)) = message
        .strip_prefix("invalid type: ")
        .and_then(expected_found)
    {
        return format!(
            "expected {}, found {}",
            expected_words(expected),
            found_words(found)
        );
    }
    if let Some((found, expected)) = message
        .strip_prefix("invalid value: ")
        .and_then(expected_found)
    {
        return invalid_value(found, expected);
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!(
            "'{}' is not one of the choices ({})",
            unquote(found),
            choices(expected)
        );
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        let known = choices(expected);
        return if known.is_empty() {
            "is not a field here".into()
        } else {
            format!("is not a field here (the fields are {known})")
        };
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("needs the field '{}'", unquote(rest));
    }
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        return format!("has the field '{}' twice", unquote(rest));
    }
    if let Some(rest) = message.strip_prefix("invalid length ") {
        if let Some((found, expected)) = expected_found(rest) {
            return format!("has {found} items; expected {expected}");
        }
    }
    if message.starts_with("data did not match any variant of untagged enum Value") {
        return "expected a number, or a range such as {\"low\": 1, \"high\": 2}".into();
    }
    message.to_string()
}

#[cfg(feature = "app")]
fn invalid_value(found: &str, expected: &str) -> String {
    let unsigned = matches!(expected, "u8" | "u16" | "u32" | "u64" | "usize");
    if unsigned && found.starts_with("integer `-") {
        return "cannot be negative".into();
    }
    if unsigned && found.starts_with("integer `") {
        let most = match expected {
            "u8" => u64::from(u8::MAX),
            "u16" => u64::from(u16::MAX),
            "u32" => u64::from(u32::MAX),
            _ => u64::MAX,
        };
        return format!("is too large for a whole number here (at most {most})");
    }
    format!(
        "expected {}, found {}",
        expected_words(expected),
        found_words(found)
    )
}

#[cfg(feature = "app")]
/// What serde expected, in words.
fn expected_words(expected: &str) -> String {
    match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number".into(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".into(),
        "f32" | "f64" => "a number".into(),
        "a string" | "a borrowed string" | "string" => "text".into(),
        "a sequence" | "a tuple" => "a list".into(),
        "a boolean" | "bool" => "true or false".into(),
        "a map" | "map" => "an object".into(),
        other if other.starts_with("struct ") || other.contains("enum ") => "an object".into(),
        other if other.starts_with("a sequence") || other.starts_with("an array") => {
            "a list".into()
        }
        other => other.into(),
    }
}

#[cfg(feature = "app")]
/// What the document held, in words.
fn found_words(found: &str) -> String {
    if let Some(text) = found.strip_prefix("string ") {
        return format!("the text {text}");
    }
    for prefix in ["integer ", "floating point "] {
        if let Some(number) = found.strip_prefix(prefix) {
            return format!("the number {}", unquote(number));
        }
    }
    match found {
        "map" => "an object".into(),
        "sequence" => "a list".into(),
        "null" | "unit value" => "null (nothing)".into(),
        "boolean `true`" => "true".into(),
        "boolean `false`" => "false".into(),
        other => other.into(),
    }
}

#[cfg(feature = "app")]
/// `` `name` `` → `name`.
fn unquote(text: &str) -> &str {
    text.trim().trim_matches('`')
}

#[cfg(feature = "app")]
/// serde's "one of `a`, `b`" or "`a` or `b`" as "a, b".
fn choices(expected: &str) -> String {
    let list = expected
        .strip_prefix("one of ")
        .unwrap_or(expected)
        .replace(" or ", ", ");
    list.split(", ")
        .map(unquote)
        .filter(|name| !name.is_empty() && *name != "there are no fields")
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(all(test, feature = "app"))]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
    #[allow(dead_code)]
    enum Item {
        Small { count: u32 },
        Large { size: f64 },
    }

    fn refusal(json: &str) -> String {
        let value: serde_json::Value = serde_json::from_str(json).expect("JSON");
        from_value::<Doc>(value).expect_err("refused").to_string()
    }

    #[test]
    fn each_kind_of_shape_error_is_located_and_plain() {
        assert_eq!(
            refusal(
                r#"{"items": [{"kind": "small", "count": 1}, {"kind": "small", "count": "ten"}]}"#
            ),
            "items[1].count: expected a whole number, found the text \"ten\""
        );
        assert_eq!(
            refusal(r#"{"items": [{"kind": "small", "count": -1}]}"#),
            "items[0].count: cannot be negative"
        );
        assert_eq!(
            refusal(r#"{"items": [{"kind": "medium"}]}"#),
            "items[0].kind: 'medium' is not one of the choices (small, large)"
        );
        assert_eq!(
            refusal(r#"{"items": {"kind": "small"}}"#),
            "items: expected a list, found an object"
        );
        assert_eq!(
            refusal(r#"{"items": [{"kind": "large", "size": null}]}"#),
            "items[0].size: expected a number, found null (nothing)"
        );
        assert_eq!(
            refusal(r#"{"items": [], "extra": 1}"#),
            "extra: is not a field here (the fields are items)"
        );
        assert_eq!(refusal(r#"{}"#), "needs the field 'items'");
        assert_eq!(
            refusal(r#"{"items": [{"kind": "large", "size": 1, "colour": 2}]}"#),
            "items[0].colour: is not a field here (the fields are size)"
        );
        assert_eq!(
            refusal(r#"{"items": [{"kind": "small", "count": 1.5}]}"#),
            "items[0].count: expected a whole number, found the number 1.5"
        );
        assert_eq!(
            refusal(r#"{"items": [{"kind": "small", "count": 99999999999}]}"#),
            "items[0].count: is too large for a whole number here (at most 4294967295)"
        );
    }

    #[test]
    fn an_unrecognised_message_is_kept_whole() {
        assert_eq!(plain("something new"), "something new");
    }
}
