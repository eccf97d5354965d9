//! One validation pass from a raw [`Plan`] to a [`ValidPlan`], or every
//! problem found, each located by its path in the document
//! (`scenarios[1].growth.churn`) with a message. Nothing after validation sees
//! an unchecked number or an unresolved name.
//!
//! Each part of the plan has its checks in a module of its own, called in
//! document order so the problems are listed the way the plan reads:
//! `demand` (drivers, metrics, formulas), `scenarios`, `components`,
//! `costs` (cost lines, revenue, budget and settings), `actuals`, then
//! the correlations ([`crate::engine::model::correlations`]). `resolve`
//! then resolves every name once for the projection; `limits` holds the
//! bounds.

mod actuals;
mod checker;
mod components;
mod costs;
mod demand;
pub mod limits;
mod resolve;
mod scenarios;

pub use checker::PlanError;
pub use limits::*;
pub use resolve::{Quantity, Resolved, Staircase, TierTable};

use crate::engine::formula::Chain;
use crate::engine::model::correlations;
use crate::engine::model::plan::*;
use checker::{shorten, Checker};
use std::collections::HashMap;

/// A plan that passed validation, with its metrics compiled. Only
/// [`validate`] can make one.
#[derive(Debug, Clone)]
pub struct ValidPlan {
    plan: Plan,
    chain: Chain,
    quantities: HashMap<String, Quantity>,
    start: (i32, u32),
    resolved: Resolved,
}

impl PartialEq for ValidPlan {
    fn eq(&self, other: &Self) -> bool {
        self.plan == other.plan
    }
}

impl ValidPlan {
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The compiled metrics; inputs are `users` then every driver in plan order.
    pub fn chain(&self) -> &Chain {
        &self.chain
    }

    pub fn resolved(&self) -> &Resolved {
        &self.resolved
    }

    /// What a validated name (`users` or a metric) refers to.
    pub fn quantity(&self, name: &str) -> Quantity {
        self.quantities
            .get(name)
            .copied()
            .unwrap_or(Quantity::Users)
    }

    /// The calendar month of plan month `month`, `YYYY-MM` (month 0 is `start_month`).
    pub fn calendar_label(&self, month: u32) -> String {
        self.calendar_label_of(month as i32)
    }

    /// The calendar month of a plan month that may lie before month 0.
    pub fn calendar_label_of(&self, month: i32) -> String {
        month_label(self.start_count() + month)
    }

    /// `start_month` as a month count ([`month_count`]).
    pub fn start_count(&self) -> i32 {
        month_count(self.start.0, self.start.1)
    }

    /// Every actual of `series` as (plan month, value), the plan month
    /// negative before month 0; in month order.
    pub fn actuals_of(&self, series: &Series) -> Vec<(i32, f64)> {
        let Some(actuals) = &self.plan.actuals else {
            return Vec::new();
        };
        let offset = parse_month_count(&actuals.from).unwrap_or(0) - self.start_count();
        actuals
            .values(series)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .filter_map(|(index, value)| value.map(|v| (offset + index as i32, v)))
            .collect()
    }

    /// The actual of `series` at plan month `month`, if there is one.
    pub fn actual(&self, series: &Series, month: i32) -> Option<f64> {
        let actuals = self.plan.actuals.as_ref()?;
        let offset = parse_month_count(&actuals.from)? - self.start_count();
        let index = usize::try_from(month - offset).ok()?;
        actuals.get(series, index)
    }

    /// The series that have actuals, in [`Actuals::series`] order.
    pub fn actual_series(&self) -> Vec<Series> {
        self.plan
            .actuals
            .as_ref()
            .map(|actuals| actuals.series().into_iter().map(|(s, _)| s).collect())
            .unwrap_or_default()
    }

    /// The plan with a new horizon and baseline (the command line's
    /// `--months` and `--initial-users`), validated again.
    pub fn with_overrides(
        &self,
        months: Option<u32>,
        users: Option<f64>,
    ) -> Result<ValidPlan, Vec<PlanError>> {
        let mut plan = self.plan.clone();
        if let Some(months) = months {
            plan.horizon_months = months;
        }
        if let Some(users) = users {
            plan.baseline_users = users;
        }
        validate(&plan)
    }
}

/// `YYYY-MM` to (year, month).
pub fn parse_year_month(text: &str) -> Option<(i32, u32)> {
    parse_month_count(text).map(|months| (months.div_euclid(12), months.rem_euclid(12) as u32 + 1))
}

/// Checks every field of `plan`.
pub fn validate(plan: &Plan) -> Result<ValidPlan, Vec<PlanError>> {
    let mut check = Checker::new();
    let start = check_header(&mut check, plan);
    let chain = demand::check_demand(&mut check, plan);
    scenarios::check_scenarios(&mut check, plan);
    components::check_components(&mut check, plan);
    costs::check_costs(&mut check, plan);
    costs::check_money_and_settings(&mut check, plan);
    if let Some(actuals) = &plan.actuals {
        actuals::check_actuals(&mut check, plan, actuals);
    }
    costs::check_confidence_and_term(&mut check, plan);
    for (path, message) in correlations::check(plan) {
        check.fail(path, message);
    }
    match (check.errors.is_empty(), chain, start) {
        (true, Some(chain), Some(start)) => {
            let quantities = quantities(plan);
            let resolved = resolve::resolve(plan, &quantities);
            Ok(ValidPlan {
                plan: plan.clone(),
                chain,
                quantities,
                start,
                resolved,
            })
        }
        _ => Err(check.errors),
    }
}

/// `users` and every metric, by name.
fn quantities(plan: &Plan) -> HashMap<String, Quantity> {
    let mut quantities: HashMap<String, Quantity> = HashMap::new();
    quantities.insert("users".into(), Quantity::Users);
    for (index, metric) in plan.metrics.iter().enumerate() {
        quantities.insert(metric.name.clone(), Quantity::Metric(index));
    }
    quantities
}

/// The schema, names, currency, start month, horizon and baseline: the
/// start month as (year, month) when it reads.
fn check_header(check: &mut Checker, plan: &Plan) -> Option<(i32, u32)> {
    if plan.schema != CURRENT_SCHEMA {
        check.fail(
            "schema",
            format!(
                "schema {} is not supported here (expected {CURRENT_SCHEMA})",
                plan.schema
            ),
        );
    }
    check.text("name", &plan.name, true, MAX_NAME_CHARS * 2);
    check.text("description", &plan.description, false, MAX_TEXT_CHARS);
    if !(plan.currency.len() == 3 && plan.currency.chars().all(|c| c.is_ascii_uppercase())) {
        check.fail(
            "currency",
            format!(
                "'{}' is not a currency code (three capital letters, such as USD)",
                shorten(&plan.currency)
            ),
        );
    }
    let start = parse_year_month(&plan.start_month);
    if start.is_none() {
        check.fail(
            "start_month",
            format!(
                "'{}' is not a month written YYYY-MM",
                shorten(&plan.start_month)
            ),
        );
    }
    if !(1..=MAX_HORIZON_MONTHS).contains(&plan.horizon_months) {
        check.fail(
            "horizon_months",
            format!(
                "must be 1 to {MAX_HORIZON_MONTHS} months, not {}",
                plan.horizon_months
            ),
        );
    }
    check.range("baseline_users", plan.baseline_users, 0.0, MAX_USERS);
    start
}
