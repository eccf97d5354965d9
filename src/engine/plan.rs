//! The plan: one JSON document that fully determines every output.
//!
//! A [`Plan`] is raw input: it may come from a form, a file or local storage and
//! is trusted for nothing. [`Plan::validate`] is the only way to a
//! [`ValidPlan`], and the projection only accepts a `ValidPlan`, so nothing after
//! validation ever sees an unchecked number.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The version of the plan format this build writes. Documents carry it in
/// `schema`; older ones are migrated on load, newer ones refused.
pub const CURRENT_SCHEMA: u32 = 1;

/// Longest horizon a plan may project, in months (ten years).
pub const MAX_HORIZON_MONTHS: u32 = 120;

/// The largest user count a plan may start from; far above any real product,
/// low enough that 120 months of the fastest allowed growth stays finite.
pub const MAX_BASELINE_USERS: f64 = 1e12;

/// The fastest monthly growth a plan may state (1,000% a month).
pub const MAX_MONTHLY_GROWTH: f64 = 10.0;

/// A capacity plan, as typed or loaded. Field meanings follow seed 000's
/// `projectCapacity`: compound growth per scenario, requests, database and cache
/// per user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub schema: u32,
    pub name: String,
    /// Users at month 0.
    pub baseline_users: f64,
    /// Months projected after month 0 (1..=120).
    pub horizon_months: u32,
    /// Database megabytes stored per user (seed 000: 100 MB).
    pub db_mb_per_user: f64,
    /// Cache (Redis) megabytes held per user (seed 000: 10 MB).
    pub cache_mb_per_user: f64,
    pub scenarios: Vec<Scenario>,
}

/// One growth story: compound monthly growth less churn, and how hard each user
/// uses the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    /// New users per month as a share of last month's users (0.25 = 25%).
    pub monthly_growth: f64,
    /// Users lost per month as a share of last month's users.
    pub churn_rate: f64,
    /// API requests per user per month.
    pub requests_per_user_month: f64,
}

impl Plan {
    /// Seed 000's worked example: 100 starting users, 100 MB of database and
    /// 10 MB of cache per user, and its three scenarios exactly as its
    /// `projectCapacity` code defines them.
    pub fn worked_example() -> Plan {
        let scenario = |name: &str, growth, churn, requests| Scenario {
            name: name.to_string(),
            monthly_growth: growth,
            churn_rate: churn,
            requests_per_user_month: requests,
        };
        Plan {
            schema: CURRENT_SCHEMA,
            name: "Managed SaaS — 12-month capacity plan".to_string(),
            baseline_users: 100.0,
            horizon_months: 12,
            db_mb_per_user: 100.0,
            cache_mb_per_user: 10.0,
            scenarios: vec![
                scenario("Conservative", 0.10, 0.05, 100.0),
                scenario("Moderate", 0.25, 0.08, 150.0),
                scenario("Aggressive", 0.50, 0.10, 200.0),
            ],
        }
    }

    /// Checks every field, collecting all problems rather than stopping at the first.
    pub fn validate(&self) -> Result<ValidPlan, Vec<PlanError>> {
        let mut errors = Vec::new();
        let mut check = |path: String, problem: Option<String>| {
            if let Some(message) = problem {
                errors.push(PlanError { path, message });
            }
        };
        if self.schema != CURRENT_SCHEMA {
            check(
                "schema".into(),
                Some(format!(
                    "schema {} is not supported (this version reads schema {CURRENT_SCHEMA})",
                    self.schema
                )),
            );
        }
        check("name".into(), check_name(&self.name));
        check(
            "baseline_users".into(),
            check_range(self.baseline_users, 0.0, MAX_BASELINE_USERS, "users"),
        );
        if !(1..=MAX_HORIZON_MONTHS).contains(&self.horizon_months) {
            check(
                "horizon_months".into(),
                Some(format!(
                    "the horizon must be 1 to {MAX_HORIZON_MONTHS} months, not {}",
                    self.horizon_months
                )),
            );
        }
        check(
            "db_mb_per_user".into(),
            check_range(self.db_mb_per_user, 0.0, 1e9, "MB per user"),
        );
        check(
            "cache_mb_per_user".into(),
            check_range(self.cache_mb_per_user, 0.0, 1e9, "MB per user"),
        );
        if self.scenarios.is_empty() {
            check(
                "scenarios".into(),
                Some("a plan needs at least one scenario".into()),
            );
        }
        for (index, scenario) in self.scenarios.iter().enumerate() {
            let at = |field: &str| format!("scenarios[{index}].{field}");
            check(at("name"), check_name(&scenario.name));
            if self.scenarios[..index]
                .iter()
                .any(|earlier| earlier.name.trim() == scenario.name.trim())
            {
                check(
                    at("name"),
                    Some(format!(
                        "another scenario is already called \"{}\"",
                        scenario.name
                    )),
                );
            }
            check(
                at("monthly_growth"),
                check_rate(scenario.monthly_growth, 0.0, MAX_MONTHLY_GROWTH, "growth"),
            );
            check(
                at("churn_rate"),
                check_rate(scenario.churn_rate, 0.0, 1.0, "churn"),
            );
            check(
                at("requests_per_user_month"),
                check_range(scenario.requests_per_user_month, 0.0, 1e9, "requests"),
            );
        }
        if errors.is_empty() {
            Ok(ValidPlan(self.clone()))
        } else {
            Err(errors)
        }
    }
}

const MAX_NAME_CHARS: usize = 200;

fn check_name(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        Some("a name is required".into())
    } else if name.chars().count() > MAX_NAME_CHARS {
        Some(format!("names are at most {MAX_NAME_CHARS} characters"))
    } else if name.chars().any(char::is_control) {
        Some("names cannot contain control characters".into())
    } else {
        None
    }
}

fn check_range(value: f64, low: f64, high: f64, what: &str) -> Option<String> {
    check_bounds(value, low, high, what, super::number::format_compact)
}

/// Like [`check_range`] for a share (0.25 = 25%), whose bounds read in percent.
fn check_rate(value: f64, low: f64, high: f64, what: &str) -> Option<String> {
    check_bounds(value, low, high, what, super::number::format_percent)
}

fn check_bounds(
    value: f64,
    low: f64,
    high: f64,
    what: &str,
    show: fn(f64) -> String,
) -> Option<String> {
    if !value.is_finite() {
        Some(format!("{what} must be a finite number"))
    } else if value < low {
        Some(format!("{what} cannot be below {}", show(low)))
    } else if value > high {
        Some(format!("{what} cannot be above {}", show(high)))
    } else {
        None
    }
}

/// A problem with one field of a plan, located by its path in the document
/// (`scenarios[1].churn_rate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// A plan that passed [`Plan::validate`]. Only validation can make one.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidPlan(Plan);

impl ValidPlan {
    pub fn plan(&self) -> &Plan {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(plan: &Plan) -> Vec<String> {
        plan.validate()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|error| error.path)
            .collect()
    }

    #[test]
    fn the_worked_example_is_valid() {
        assert!(Plan::worked_example().validate().is_ok());
    }

    #[test]
    fn every_bad_field_is_reported_with_its_path() {
        let mut plan = Plan::worked_example();
        plan.baseline_users = -5.0;
        plan.horizon_months = 0;
        plan.scenarios[1].churn_rate = 1.5;
        plan.scenarios[2].monthly_growth = f64::NAN;
        assert_eq!(
            paths(&plan),
            [
                "baseline_users",
                "horizon_months",
                "scenarios[1].churn_rate",
                "scenarios[2].monthly_growth"
            ]
        );
    }

    #[test]
    fn messages_say_what_is_wrong() {
        let mut plan = Plan::worked_example();
        plan.scenarios[0].churn_rate = 1.2;
        plan.horizon_months = 10_000;
        let errors = plan.validate().unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "horizon_months: the horizon must be 1 to 120 months, not 10000",
                "scenarios[0].churn_rate: churn cannot be above 100%",
            ]
        );
    }

    #[test]
    fn names_must_be_present_unique_and_printable() {
        let mut plan = Plan::worked_example();
        plan.name = "  ".into();
        plan.scenarios[1].name = "Conservative".into();
        plan.scenarios[2].name = "bad\u{0}name".into();
        assert_eq!(
            paths(&plan),
            ["name", "scenarios[1].name", "scenarios[2].name"]
        );
        plan.scenarios.clear();
        plan.name = "ok".into();
        assert_eq!(paths(&plan), ["scenarios"]);
    }

    #[test]
    fn infinities_never_pass() {
        let mut plan = Plan::worked_example();
        plan.baseline_users = f64::INFINITY;
        plan.db_mb_per_user = f64::NEG_INFINITY;
        assert_eq!(paths(&plan), ["baseline_users", "db_mb_per_user"]);
    }
}
