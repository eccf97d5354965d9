//! Plans as text: the JSON written to local storage and files, and read back.
//!
//! Reading is defensive: the text may be empty, huge, not JSON, the wrong
//! shape, or from a newer version of Headroom. Each case is a distinct,
//! human [`LoadError`], and nothing that fails validation is returned.

use super::plan::{Plan, PlanError, ValidPlan, CURRENT_SCHEMA};
use std::fmt;

/// Largest plan document accepted, in bytes. A real plan is a few kilobytes.
pub const MAX_DOCUMENT_BYTES: usize = 1_000_000;

#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    Empty,
    TooLarge { bytes: usize },
    NotJson(String),
    NoSchema,
    FutureSchema { schema: u64 },
    WrongShape(String),
    Invalid(Vec<PlanError>),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Empty => write!(f, "the plan is empty"),
            LoadError::TooLarge { bytes } => write!(
                f,
                "the plan is {bytes} bytes; plans are at most {MAX_DOCUMENT_BYTES} bytes"
            ),
            LoadError::NotJson(detail) => write!(f, "the plan is not valid JSON ({detail})"),
            LoadError::NoSchema => write!(f, "this is not a Headroom plan (it has no schema number)"),
            LoadError::FutureSchema { schema } => write!(
                f,
                "this plan was made by a newer version of Headroom (schema {schema}; this version reads up to {CURRENT_SCHEMA})"
            ),
            LoadError::WrongShape(detail) => write!(f, "the plan has the wrong shape: {detail}"),
            LoadError::Invalid(errors) => {
                write!(f, "the plan has {} problem", errors.len())?;
                if errors.len() != 1 {
                    write!(f, "s")?;
                }
                for error in errors.iter().take(3) {
                    write!(f, "; {error}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// Reads and validates a plan document.
pub fn load_plan(text: &str) -> Result<ValidPlan, LoadError> {
    if text.trim().is_empty() {
        return Err(LoadError::Empty);
    }
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(LoadError::TooLarge { bytes: text.len() });
    }
    // Two steps: first a generic value, to tell "not JSON" from "a newer
    // schema" from "the wrong shape"; serde_json bounds nesting depth (128)
    // so a deeply nested document is an error, not a stack overflow.
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|error| LoadError::NotJson(error.to_string()))?;
    let schema = value
        .get("schema")
        .and_then(serde_json::Value::as_u64)
        .ok_or(LoadError::NoSchema)?;
    if schema > u64::from(CURRENT_SCHEMA) {
        return Err(LoadError::FutureSchema { schema });
    }
    let plan: Plan =
        serde_json::from_value(value).map_err(|error| LoadError::WrongShape(error.to_string()))?;
    plan.validate().map_err(LoadError::Invalid)
}

/// Writes a validated plan as pretty JSON. Validation guarantees every number
/// is finite, so the text always reads back (serde_json would otherwise write
/// NaN as `null`).
pub fn save_plan(plan: &ValidPlan) -> String {
    // Serialising plain structs of strings and finite numbers cannot fail.
    serde_json::to_string_pretty(plan.plan()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> ValidPlan {
        Plan::worked_example().validate().unwrap()
    }

    #[test]
    fn a_saved_plan_reads_back_identically() {
        let text = save_plan(&example());
        assert_eq!(load_plan(&text), Ok(example()));
    }

    #[test]
    fn each_kind_of_bad_text_gets_its_own_message() {
        assert_eq!(
            load_plan("  ").unwrap_err().to_string(),
            "the plan is empty"
        );
        assert!(matches!(load_plan("{not json"), Err(LoadError::NotJson(_))));
        assert_eq!(
            load_plan("[1, 2]").unwrap_err().to_string(),
            "this is not a Headroom plan (it has no schema number)"
        );
        assert_eq!(
            load_plan(r#"{"schema": 7}"#).unwrap_err().to_string(),
            "this plan was made by a newer version of Headroom (schema 7; this version reads up to 1)"
        );
        let shape = load_plan(r#"{"schema": 1, "name": 5}"#).unwrap_err();
        assert!(matches!(shape, LoadError::WrongShape(_)), "{shape:?}");
        let huge = format!(
            "{{\"schema\":1,\"name\":\"{}\"}}",
            "x".repeat(MAX_DOCUMENT_BYTES)
        );
        assert!(matches!(load_plan(&huge), Err(LoadError::TooLarge { .. })));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(load_plan(&deep), Err(LoadError::NotJson(_))));
    }

    #[test]
    fn out_of_range_values_are_refused_with_their_path() {
        let text = save_plan(&example()).replace("\"churn_rate\": 0.08", "\"churn_rate\": 3.0");
        let error = load_plan(&text).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the plan has 1 problem; scenarios[1].churn_rate: churn cannot be above 100%"
        );
    }

    #[test]
    fn null_where_a_number_belongs_is_the_wrong_shape() {
        // What serde_json writes for NaN: it must never load as a plan.
        let text =
            save_plan(&example()).replace("\"baseline_users\": 100.0", "\"baseline_users\": null");
        assert!(matches!(load_plan(&text), Err(LoadError::WrongShape(_))));
    }
}
