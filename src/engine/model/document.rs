//! Plans as text: the JSON written to storage and files, and read back.
//!
//! Reading is defensive: the text may be empty, huge, not JSON, nested
//! thousands deep, the wrong shape, from an older schema (migrated) or a newer
//! one (refused). Each case is a distinct, human [`LoadError`], and nothing
//! that fails validation is returned.

use crate::engine::model::plan::{Driver, Growth, Metric, Plan, Scenario, CURRENT_SCHEMA};
#[cfg(feature = "app")]
use crate::engine::model::rename::rename_built_in_names;
use crate::engine::model::shape::{from_value, ShapeError};
use crate::engine::model::validate::{validate, PlanError, ValidPlan};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// Largest plan document accepted, in bytes. A rich plan is a few kilobytes.
pub const MAX_DOCUMENT_BYTES: usize = 1_000_000;

#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    Empty,
    TooLarge {
        bytes: usize,
    },
    NotJson(String),
    NoSchema,
    FutureSchema {
        schema: u64,
    },
    /// The JSON does not fit the plan's types: where, in plain words.
    WrongShape(ShapeError),
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
            LoadError::WrongShape(error) => write!(f, "the plan has 1 problem; {error}"),
            LoadError::Invalid(errors) => {
                write!(f, "the plan has {} problem", errors.len())?;
                if errors.len() != 1 {
                    write!(f, "s")?;
                }
                for error in errors.iter().take(3) {
                    write!(f, "; {error}")?;
                }
                if errors.len() > 3 {
                    write!(f, "; …")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LoadError {}

impl From<ShapeError> for LoadError {
    fn from(error: ShapeError) -> LoadError {
        LoadError::WrongShape(error)
    }
}

/// Reads, migrates and validates a plan document.
pub fn load_plan(text: &str) -> Result<ValidPlan, LoadError> {
    let plan = read_plan(text)?;
    validate(&plan).map_err(LoadError::Invalid)
}

/// Reads and migrates a plan document without validating it.
pub fn read_plan(text: &str) -> Result<Plan, LoadError> {
    if text.trim().is_empty() {
        return Err(LoadError::Empty);
    }
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(LoadError::TooLarge { bytes: text.len() });
    }
    // First a generic value, to tell "not JSON" from "a newer schema" from
    // "the wrong shape"; serde_json limits nesting to 128 levels, so a deeply
    // nested document is an error, not a stack overflow.
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|error| LoadError::NotJson(error.to_string()))?;
    read_plan_value(value)
}

/// Reads and validates a plan document already parsed as JSON (a share
/// link's, after its packed actuals are unpacked), with [`load_plan`]'s rules.
pub fn load_plan_value(value: serde_json::Value) -> Result<ValidPlan, LoadError> {
    let plan = read_plan_value(value)?;
    validate(&plan).map_err(LoadError::Invalid)
}

/// Migrates a parsed plan document; the text's size and nesting were
/// checked when it was parsed.
fn read_plan_value(value: serde_json::Value) -> Result<Plan, LoadError> {
    let schema = value
        .get("schema")
        .and_then(serde_json::Value::as_u64)
        .ok_or(LoadError::NoSchema)?;
    #[cfg_attr(not(feature = "app"), allow(unused_mut))]
    let mut plan = match schema {
        1 => from_value::<PlanV1>(value).map(PlanV1::migrate)?,
        // Schema 2 is schema 3 without actuals; schema 3 is schema 4 without
        // correlations and latency targets; schema 4 is schema 5 without
        // seasonality, volatility and damped growth.
        2..=4 => {
            if let Some(refusal) = newer_field(&value, schema) {
                return Err(LoadError::WrongShape(refusal));
            }
            Plan {
                schema: CURRENT_SCHEMA,
                ..from_value::<Plan>(value)?
            }
        }
        s if s == u64::from(CURRENT_SCHEMA) => from_value::<Plan>(value)?,
        s if s > u64::from(CURRENT_SCHEMA) => return Err(LoadError::FutureSchema { schema: s }),
        _ => return Err(LoadError::NoSchema),
    };
    // The first module (no `app`) leaves such a plan to the app: validation
    // refuses the name there, and the app opens it renamed.
    #[cfg(feature = "app")]
    rename_built_in_names(&mut plan);
    Ok(plan)
}

/// A field a schema 2, 3 or 4 document cannot hold, as its refusal: it came
/// with a later schema, so the document is damaged or hand-made.
fn newer_field(value: &serde_json::Value, schema: u64) -> Option<ShapeError> {
    let unknown = |path: String, came_with: u32| ShapeError {
        path,
        message: format!("is not part of schema {schema} (it came with schema {came_with})"),
    };
    if schema < 3 && value.get("actuals").is_some() {
        return Some(unknown("actuals".into(), 3));
    }
    if schema < 4 {
        if value.get("correlations").is_some() {
            return Some(unknown("correlations".into(), 4));
        }
        let components = value
            .get("components")
            .and_then(serde_json::Value::as_array);
        let latency = components.and_then(|c| c.iter().position(|c| c.get("latency").is_some()));
        if let Some(index) = latency {
            return Some(unknown(format!("components[{index}].latency"), 4));
        }
    }
    let scenarios = value
        .get("scenarios")
        .and_then(serde_json::Value::as_array)?;
    scenarios.iter().enumerate().find_map(|(index, scenario)| {
        let at = |field: &str| Some(unknown(format!("scenarios[{index}].{field}"), 5));
        if scenario.get("seasonality").is_some() {
            at("seasonality")
        } else if scenario.get("volatility").is_some() {
            at("volatility")
        } else if scenario
            .get("growth")
            .and_then(|g| g.get("damping"))
            .is_some()
        {
            at("growth.damping")
        } else {
            None
        }
    })
}

/// Writes a validated plan as pretty JSON. Validation guarantees every number
/// is finite, so the text always reads back (serde_json would otherwise write
/// NaN as `null`).
pub fn save_plan(plan: &ValidPlan) -> String {
    // Plain structs of strings and finite numbers always serialise.
    serde_json::to_string_pretty(plan.plan()).unwrap_or_default()
}

/// Schema 1, the first release's format: compound growth only, with seed
/// 000's three per-user quantities built in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanV1 {
    #[allow(dead_code)]
    schema: u32,
    name: String,
    baseline_users: f64,
    horizon_months: u32,
    db_mb_per_user: f64,
    cache_mb_per_user: f64,
    scenarios: Vec<ScenarioV1>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioV1 {
    name: String,
    monthly_growth: f64,
    churn_rate: f64,
    requests_per_user_month: f64,
}

impl PlanV1 {
    /// The same model in the current schema: the built-in quantities become drivers
    /// and metrics with the formulas schema 1 applied.
    fn migrate(self) -> Plan {
        let driver = |name: &str, value: f64, unit: &str| Driver {
            name: name.into(),
            value: value.into(),
            unit: unit.into(),
            description: String::new(),
        };
        let metric = |name: &str, formula: &str, unit: &str| Metric {
            name: name.into(),
            formula: formula.into(),
            unit: unit.into(),
        };
        let first_requests = self
            .scenarios
            .first()
            .map_or(0.0, |s| s.requests_per_user_month);
        Plan {
            schema: CURRENT_SCHEMA,
            name: self.name,
            description: String::new(),
            currency: crate::engine::model::plan::default_currency(),
            start_month: crate::engine::model::plan::default_start_month(),
            horizon_months: self.horizon_months,
            baseline_users: self.baseline_users,
            drivers: vec![
                driver("requests_per_user_month", first_requests, "requests"),
                driver("db_mb_per_user", self.db_mb_per_user, "MB"),
                driver("redis_mb_per_user", self.cache_mb_per_user, "MB"),
            ],
            metrics: vec![
                metric(
                    "daily_requests",
                    "users * requests_per_user_month / 30",
                    "requests/day",
                ),
                metric("db_size_mb", "users * db_mb_per_user", "MB"),
                metric("redis_mb", "users * redis_mb_per_user", "MB"),
            ],
            components: Vec::new(),
            costs: Vec::new(),
            revenue: None,
            budget: None,
            requests_metric: None,
            uncertainty: None,
            confidence: None,
            commitment_term: None,
            correlations: Vec::new(),
            actuals: None,
            scenarios: self
                .scenarios
                .into_iter()
                .map(|s| Scenario {
                    name: s.name,
                    growth: Growth::Compound {
                        growth: s.monthly_growth.into(),
                        churn: s.churn_rate.into(),
                        damping: None,
                    },
                    drivers: BTreeMap::from([(
                        "requests_per_user_month".to_string(),
                        s.requests_per_user_month.into(),
                    )]),
                    seasonality: None,
                    volatility: None,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::templates;

    fn example() -> ValidPlan {
        templates::worked_example().expect("template loads")
    }

    /// The microservices template's JSON with `edit` applied to its value.
    fn microservices_with(edit: impl FnOnce(&mut serde_json::Value)) -> String {
        let text = templates::load("microservices-aws")
            .expect("known")
            .map(|plan| save_plan(&plan))
            .expect("loads");
        let mut value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        edit(&mut value);
        value.to_string()
    }

    fn refusal(text: &str) -> String {
        load_plan(text).expect_err("refused").to_string()
    }

    #[test]
    fn shape_errors_name_the_field_and_speak_plainly() {
        let wrong_type = microservices_with(|v| v["components"][0]["max_units"] = "ten".into());
        assert_eq!(
            refusal(&wrong_type),
            "the plan has 1 problem; components[0].max_units: expected a whole number, found the text \"ten\""
        );
        let negative = microservices_with(|v| v["components"][2]["lead_time_months"] = (-1).into());
        assert_eq!(
            refusal(&negative),
            "the plan has 1 problem; components[2].lead_time_months: cannot be negative"
        );
        let variant = microservices_with(|v| v["costs"][1]["kind"] = "monthly".into());
        assert_eq!(
            refusal(&variant),
            "the plan has 1 problem; costs[1].kind: 'monthly' is not one of the choices (fixed, usage, one_off, percentage)"
        );
        let container = microservices_with(|v| v["scenarios"] = serde_json::json!({"name": "A"}));
        assert_eq!(
            refusal(&container),
            "the plan has 1 problem; scenarios: expected a list, found an object"
        );
        let top = microservices_with(|v| v["horizon_months"] = "twelve".into());
        assert_eq!(
            refusal(&top),
            "the plan has 1 problem; horizon_months: expected a whole number, found the text \"twelve\""
        );
        let later = r#"{"schema": 3, "name": "x", "correlations": []}"#;
        assert_eq!(
            refusal(later),
            "the plan has 1 problem; correlations: is not part of schema 3 (it came with schema 4)"
        );
    }

    /// A metric named like a built-in series is refused when typed, and a
    /// stored plan holding one opens with it renamed and nothing lost.
    #[test]
    fn a_metric_named_total_cost_is_renamed_on_reading_and_refused_when_new() {
        let first = templates::load("microservices-aws")
            .expect("known")
            .expect("loads")
            .plan()
            .metrics[0]
            .name
            .clone();
        // Its first metric, and every use of it, named `total_cost`.
        let stored = microservices_with(|v| {
            v["actuals"] = serde_json::json!({
                "from": "2026-01", "metrics": {first.clone(): [5.0]}, "total_cost": [7.0]
            });
        })
        .replace(&format!("\"{first}\""), "\"total_cost\"")
        .replace(&format!("{first} "), "total_cost ");
        assert!(stored.contains("\"formula\":\"total_cost "), "{stored}");
        let opened = load_plan(&stored).unwrap_or_else(|error| panic!("{error}"));
        let plan = opened.plan();
        assert_eq!(plan.metrics[0].name, "total_cost_metric");
        assert!(plan.metrics[1].formula.starts_with("total_cost_metric "));
        let actuals = plan.actuals.as_ref().expect("kept");
        assert_eq!(actuals.metrics["total_cost_metric"], vec![Some(5.0)]);
        assert_eq!(actuals.total_cost, vec![Some(7.0)]);
        // Typed into a plan directly (the editor), the name is refused.
        let mut typed = plan.clone();
        typed.metrics[0].name = "cumulative_cost".into();
        let errors = validate(&typed).expect_err("refused");
        assert_eq!(
            errors[0].to_string(),
            "metrics[0].name: 'cumulative_cost' names a series every projection has: choose another name"
        );
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
            "this plan was made by a newer version of Headroom (schema 7; this version reads up to 5)"
        );
        assert_eq!(
            load_plan(r#"{"schema": 2, "name": 5}"#)
                .unwrap_err()
                .to_string(),
            "the plan has 1 problem; name: expected text, found the number 5"
        );
        let huge = format!(
            "{{\"schema\":2,\"name\":\"{}\"}}",
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
        let text = save_plan(&example()).replacen("\"churn\": 0.08", "\"churn\": 3.0", 1);
        assert_eq!(
            load_plan(&text).unwrap_err().to_string(),
            "the plan has 1 problem; scenarios[1].growth.churn: cannot be above 100%"
        );
    }

    #[test]
    fn null_where_a_number_belongs_is_the_wrong_shape() {
        // What serde_json writes for NaN: it must never load as a plan.
        let text =
            save_plan(&example()).replace("\"baseline_users\": 100.0", "\"baseline_users\": null");
        assert!(matches!(load_plan(&text), Err(LoadError::WrongShape(_))));
    }

    /// A plan saved by the first release (schema 1) opens as the same model.
    #[test]
    fn schema_1_plans_are_migrated() {
        let v1 = include_str!("../../../tests/fixtures/plan-schema-1.json");
        let plan = load_plan(v1).expect("a schema 1 plan migrates");
        assert_eq!(plan.plan().schema, CURRENT_SCHEMA);
        let projection = crate::engine::analyse::scenario::project(&plan);
        let moderate = projection.scenario("Moderate").unwrap();
        // 100 × 1.17¹² = 658.01 users; × 150 / 30 = 3,290.03 daily requests.
        let month_12 = moderate.at(12).unwrap();
        assert_eq!(month_12.users.round(), 658.0);
        assert_eq!(month_12.metrics[0].round(), 3290.0);
        assert_eq!(month_12.metrics[1].round(), 65_801.0);
    }
}
