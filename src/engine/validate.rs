//! One validation pass from a raw [`Plan`] to a [`ValidPlan`], or every
//! problem found, each located by its path in the document
//! (`scenarios[1].growth.churn`) with a message. Nothing after validation sees
//! an unchecked number or an unresolved name.

use super::formula::{is_reserved, Chain};
use super::number::{
    format_compact, format_milliseconds, format_milliseconds_pair, format_percent,
};
use super::plan::*;
use super::rename::BUILT_IN_SERIES;
use std::collections::{BTreeSet, HashMap};
use std::fmt;

pub const MAX_HORIZON_MONTHS: u32 = 120;
/// Far above any real product, low enough that ten years of the fastest
/// allowed growth stay finite.
pub const MAX_USERS: f64 = 1e12;
pub const MAX_MONTHLY_GROWTH: f64 = 10.0;
/// Largest magnitude of any other number in a plan (money, capacities, drivers).
pub const MAX_VALUE: f64 = 1e15;
/// Most metrics one tiered component may carry (a ladder limits a few).
pub const MAX_TIER_METRICS: usize = 8;
/// Bounds on Monte Carlo paths.
pub const MIN_SAMPLES: u32 = 10;
pub const MAX_SAMPLES: u32 = 100_000;
/// Longest lead time a component may state, in months.
pub const MAX_LEAD_TIME_MONTHS: u32 = 60;
/// Bounds on the plan's confidence.
pub const MIN_CONFIDENCE: f64 = 0.5;
pub const MAX_CONFIDENCE: f64 = 0.999;
/// The terms a commitment may run for, in months.
pub const COMMITMENT_TERMS: [u32; 2] = [12, 36];
/// Longest list of actuals: ten years of history and ten of tracking.
pub const MAX_ACTUAL_MONTHS: usize = 240;
const MAX_NAME_CHARS: usize = 100;
const MAX_TEXT_CHARS: usize = 5_000;
const MAX_ITEMS: usize = 200;

/// A problem with one field of a plan.
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

/// What a component or cost line reads each month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    Users,
    Metric(usize),
}

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

/// Names resolved once, so the projection's inner loops never look a name up.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// Per component, the quantity of each metric it carries.
    pub component_loads: Vec<Vec<Quantity>>,
    /// Per cost line, the quantity a usage line is priced on.
    pub line_quantity: Vec<Option<Quantity>>,
    /// Per cost line, for a percentage line, the indices (in the cost
    /// breakdown: components first) of the lines it is a share of.
    pub percentage_of: Vec<Vec<usize>>,
    /// The requests metric, for the cost per 1,000 requests.
    pub requests: Option<Quantity>,
    /// Per component, its tiers as a table (empty for horizontal components).
    pub tier_tables: Vec<TierTable>,
}

/// A tiered component's tiers, ready for sizing: each tier's limits in the
/// order of the component's metrics, and the tiers in order of price (then
/// plan order), so the first that fits is the cheapest.
#[derive(Debug, Clone, Default)]
pub struct TierTable {
    /// `limits[tier][metric]`, tiers in plan order.
    pub limits: Vec<Vec<f64>>,
    /// Tier indices, cheapest first.
    pub by_price: Vec<usize>,
    /// For a component carrying one metric, the tier chosen for each load.
    pub staircase: Option<Staircase>,
}

/// A one-metric tiered component's choice as steps: the cheapest tier that
/// holds a load at the target is the first tier in price order whose
/// `limit × target` reaches it, which is always one that holds more than
/// every cheaper tier. Only those tiers are steps; counting the steps below
/// a load finds its tier without branching on it.
#[derive(Debug, Clone, Default)]
pub struct Staircase {
    /// The load each step holds at the target, rising.
    pub holds: Vec<f64>,
    /// Per step, and one more for loads no step holds (the last tier in plan
    /// order): the tier's index, its limit and its price.
    pub tiers: Vec<usize>,
    pub limits: Vec<f64>,
    pub prices: Vec<f64>,
}

impl Staircase {
    fn new(t: &Tiered, limits: &[Vec<f64>], by_price: &[usize]) -> Staircase {
        let mut staircase = Staircase::default();
        let step = |staircase: &mut Staircase, tier: usize| {
            staircase.tiers.push(tier);
            staircase.limits.push(limits[tier][0]);
            staircase.prices.push(t.tiers[tier].price);
        };
        for tier in by_price {
            let holds = limits[*tier][0] * t.target_utilization;
            if staircase
                .holds
                .last()
                .is_none_or(|highest| holds > *highest)
            {
                staircase.holds.push(holds);
                step(&mut staircase, *tier);
            }
        }
        step(&mut staircase, t.tiers.len() - 1);
        staircase
    }

    /// The step for `load` (a number; formulas never yield NaN): how many
    /// steps do not hold it.
    #[inline(always)]
    pub fn step(&self, load: f64) -> usize {
        self.holds.iter().filter(|holds| **holds < load).count()
    }
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

struct Checker {
    errors: Vec<PlanError>,
}

impl Checker {
    fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(PlanError {
            path: path.into(),
            message: message.into(),
        });
    }

    fn range(&mut self, path: impl Into<String>, value: f64, low: f64, high: f64) {
        self.bounds(path, value, low, high, format_compact)
    }

    fn rate(&mut self, path: impl Into<String>, value: f64, low: f64, high: f64) {
        self.bounds(path, value, low, high, format_percent)
    }

    fn bounds(
        &mut self,
        path: impl Into<String>,
        value: f64,
        low: f64,
        high: f64,
        show: fn(f64) -> String,
    ) {
        if !value.is_finite() {
            self.fail(path, "must be a finite number");
        } else if value < low {
            self.fail(path, format!("cannot be below {}", show(low)));
        } else if value > high {
            self.fail(path, format!("cannot be above {}", show(high)));
        }
    }

    /// A fixed value within the bounds, or a range whose both bounds are,
    /// in order, with a mode inside them when it is triangular.
    fn value(
        &mut self,
        path: impl Into<String>,
        value: &Value,
        low: f64,
        high: f64,
        show: fn(f64) -> String,
    ) {
        let path = path.into();
        let bound = |check: &mut Checker, path: String, v: f64| {
            if low == f64::MIN_POSITIVE && v.is_finite() && v <= 0.0 {
                check.fail(path, "must be more than 0");
            } else {
                check.bounds(path, v, low, high, show);
            }
        };
        match value {
            Value::Fixed(v) => bound(self, path, *v),
            Value::Range(range) => {
                bound(self, format!("{path}.low"), range.low);
                bound(self, format!("{path}.high"), range.high);
                if range.low > range.high {
                    self.fail(format!("{path}.low"), "must not be above high");
                }
                match (range.distribution, range.mode) {
                    (Distribution::Triangular, None) => self.fail(
                        format!("{path}.mode"),
                        "a triangular distribution needs a mode",
                    ),
                    (Distribution::Triangular, Some(mode)) => {
                        if !(mode.is_finite() && range.low <= mode && mode <= range.high) {
                            self.fail(format!("{path}.mode"), "must be between low and high");
                        }
                    }
                    (_, Some(_)) => self.fail(
                        format!("{path}.mode"),
                        "only a triangular distribution has a mode",
                    ),
                    (_, None) => {}
                }
            }
        }
    }

    fn positive(&mut self, path: impl Into<String>, value: f64) {
        let path = path.into();
        if value.is_finite() && value <= 0.0 {
            self.fail(path, "must be more than 0");
        } else {
            self.range(path, value, 0.0, MAX_VALUE);
        }
    }

    fn text(&mut self, path: impl Into<String>, text: &str, required: bool, max: usize) {
        let path = path.into();
        if required && text.trim().is_empty() {
            self.fail(path, "is required");
        } else if text.chars().count() > max {
            self.fail(path, format!("is longer than {max} characters"));
        } else if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            self.fail(path, "contains control characters");
        }
    }

    fn count(&mut self, path: &str, len: usize, min: usize, what: &str) {
        if len < min {
            self.fail(path, format!("needs at least {min} {what}"));
        } else if len > MAX_ITEMS {
            self.fail(path, format!("has more than {MAX_ITEMS} {what}"));
        }
    }

    /// Names used in formulas: letters, digits and `_`, starting with a letter or `_`.
    fn identifier(&mut self, path: String, name: &str) {
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && name.len() <= MAX_NAME_CHARS;
        if !valid {
            self.fail(
                path,
                format!(
                    "'{}' is not a usable name: use letters, digits and _, starting with a letter",
                    shorten(name)
                ),
            );
        } else if is_reserved(name) || name == "users" {
            self.fail(path, format!("'{name}' is a built-in name"));
        } else if BUILT_IN_SERIES.contains(&name) {
            self.fail(
                path,
                format!("'{name}' names a series every projection has: choose another name"),
            );
        }
    }

    fn unique<'a>(
        &mut self,
        path: impl Fn(usize) -> String,
        names: impl Iterator<Item = &'a str>,
        what: &str,
    ) {
        let mut seen = BTreeSet::new();
        for (index, name) in names.enumerate() {
            if !seen.insert(name.trim().to_string()) {
                self.fail(
                    path(index),
                    format!("another {what} is already called '{}'", shorten(name)),
                );
            }
        }
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text.to_string()
    }
}

/// Checks every field of `plan`.
pub fn validate(plan: &Plan) -> Result<ValidPlan, Vec<PlanError>> {
    let mut check = Checker { errors: Vec::new() };
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

    // Drivers and metrics: the demand chain.
    check.count("drivers", plan.drivers.len(), 0, "drivers");
    for (index, driver) in plan.drivers.iter().enumerate() {
        check.identifier(format!("drivers[{index}].name"), &driver.name);
        check.value(
            format!("drivers[{index}].value"),
            &driver.value,
            -MAX_VALUE,
            MAX_VALUE,
            format_compact,
        );
        check.text(
            format!("drivers[{index}].unit"),
            &driver.unit,
            false,
            MAX_NAME_CHARS,
        );
        check.text(
            format!("drivers[{index}].description"),
            &driver.description,
            false,
            MAX_TEXT_CHARS,
        );
    }
    check.unique(
        |i| format!("drivers[{i}].name"),
        plan.drivers.iter().map(|d| d.name.as_str()),
        "driver",
    );
    check.count("metrics", plan.metrics.len(), 0, "metrics");
    for (index, metric) in plan.metrics.iter().enumerate() {
        check.identifier(format!("metrics[{index}].name"), &metric.name);
        if plan.drivers.iter().any(|driver| driver.name == metric.name) {
            check.fail(
                format!("metrics[{index}].name"),
                format!("'{}' is already a driver's name", metric.name),
            );
        }
        check.text(
            format!("metrics[{index}].unit"),
            &metric.unit,
            false,
            MAX_NAME_CHARS,
        );
    }
    check.unique(
        |i| format!("metrics[{i}].name"),
        plan.metrics.iter().map(|m| m.name.as_str()),
        "metric",
    );
    let inputs: Vec<&str> = std::iter::once("users")
        .chain(plan.drivers.iter().map(|d| d.name.as_str()))
        .collect();
    let metrics: Vec<(&str, &str)> = plan
        .metrics
        .iter()
        .map(|m| (m.name.as_str(), m.formula.as_str()))
        .collect();
    let chain = match Chain::compile(&inputs, &metrics) {
        Ok(chain) => Some(chain),
        Err(errors) => {
            if check
                .errors
                .iter()
                .all(|e| !e.path.starts_with("metrics") && !e.path.starts_with("drivers"))
            {
                for error in errors {
                    let index = error
                        .metric
                        .as_ref()
                        .and_then(|m| plan.metrics.iter().position(|x| &x.name == m));
                    let path = match index {
                        Some(index) => format!("metrics[{index}].formula"),
                        None => "metrics".to_string(),
                    };
                    let mut message = error.kind.to_string();
                    if let Some(column) = error.column {
                        message = format!("at column {column}: {message}");
                    }
                    check.fail(path, message);
                }
            }
            None
        }
    };

    let mut quantities: HashMap<String, Quantity> = HashMap::new();
    quantities.insert("users".into(), Quantity::Users);
    for (index, metric) in plan.metrics.iter().enumerate() {
        quantities.insert(metric.name.clone(), Quantity::Metric(index));
    }
    let quantity = |check: &mut Checker, path: String, name: &str| {
        if !quantities.contains_key(name) {
            let hint = if plan.drivers.iter().any(|d| d.name == name) {
                " (it is a driver: add a metric equal to it)"
            } else {
                ""
            };
            check.fail(
                path,
                format!("'{}' is not a metric of this plan{hint}", shorten(name)),
            );
        }
    };

    // Scenarios.
    check.count("scenarios", plan.scenarios.len(), 1, "scenario");
    check.unique(
        |i| format!("scenarios[{i}].name"),
        plan.scenarios.iter().map(|s| s.name.as_str()),
        "scenario",
    );
    for (index, scenario) in plan.scenarios.iter().enumerate() {
        let at = |field: &str| format!("scenarios[{index}].{field}");
        check.text(at("name"), &scenario.name, true, MAX_NAME_CHARS);
        check_growth(
            &mut check,
            &at("growth"),
            &scenario.growth,
            plan.baseline_users,
        );
        for (name, value) in &scenario.drivers {
            let path = format!("scenarios[{index}].drivers.{name}");
            if !plan.drivers.iter().any(|driver| &driver.name == name) {
                check.fail(
                    path,
                    format!("'{}' is not a driver of this plan", shorten(name)),
                );
            } else {
                check.value(path, value, -MAX_VALUE, MAX_VALUE, format_compact);
            }
        }
    }

    // Components.
    check.count("components", plan.components.len(), 0, "components");
    check.unique(
        |i| format!("components[{i}].name"),
        plan.components.iter().map(Component::name),
        "component",
    );
    for (index, component) in plan.components.iter().enumerate() {
        let at = |field: &str| format!("components[{index}].{field}");
        check.text(at("name"), component.name(), true, MAX_NAME_CHARS);
        match component {
            Component::Horizontal(h) => {
                quantity(&mut check, at("metric"), &h.metric);
                match h.capacity_per_unit {
                    Some(capacity) => check.positive(at("capacity_per_unit"), capacity),
                    None if h.latency.is_none() => check.fail(
                        at("capacity_per_unit"),
                        "enter what one unit carries (it may be left out only beside a response-time target, to size the component by latency alone)",
                    ),
                    None => {}
                }
                check_target(&mut check, at("target_utilization"), h.target_utilization);
                if h.min_units > h.max_units {
                    check.fail(
                        at("min_units"),
                        format!("{} is more than max_units ({})", h.min_units, h.max_units),
                    );
                }
                if h.max_units == 0 || h.max_units > 1_000_000 {
                    check.fail(at("max_units"), "must be 1 to 1,000,000");
                }
                if h.spare_units > 1_000 {
                    check.fail(at("spare_units"), "cannot be above 1,000");
                }
                check.range(at("unit_cost"), h.unit_cost, 0.0, MAX_VALUE);
                check.rate(at("reserved_share"), h.reserved_share, 0.0, 1.0);
                check.rate(at("reserved_discount"), h.reserved_discount, 0.0, 1.0);
                check_thresholds(&mut check, &at("thresholds"), h.thresholds);
                if h.current_units.is_some_and(|units| units > 1_000_000) {
                    check.fail(at("current_units"), "cannot be above 1,000,000");
                }
                check_lead_time(&mut check, at("lead_time_months"), h.lead_time_months);
                if let Some(commitment) = &h.commitment {
                    check_commitment(&mut check, &at("commitment"), commitment, h);
                }
                if let Some(latency) = &h.latency {
                    check_latency(&mut check, &at("latency"), latency);
                }
            }
            Component::Tiered(t) => {
                check.count(&at("metrics"), t.metrics.len(), 1, "metric");
                if t.metrics.len() > MAX_TIER_METRICS {
                    check.fail(
                        at("metrics"),
                        format!("a tiered component carries at most {MAX_TIER_METRICS} metrics"),
                    );
                }
                for (m, name) in t.metrics.iter().enumerate() {
                    quantity(
                        &mut check,
                        format!("components[{index}].metrics[{m}]"),
                        name,
                    );
                }
                check.count(&at("tiers"), t.tiers.len(), 1, "tier");
                check.unique(
                    |i| format!("components[{index}].tiers[{i}].name"),
                    t.tiers.iter().map(|tier| tier.name.as_str()),
                    "tier",
                );
                for (ti, tier) in t.tiers.iter().enumerate() {
                    let tat = |field: &str| format!("components[{index}].tiers[{ti}].{field}");
                    check.text(tat("name"), &tier.name, true, MAX_NAME_CHARS);
                    check.range(tat("price"), tier.price, 0.0, MAX_VALUE);
                    for name in &t.metrics {
                        match tier.limits.get(name) {
                            Some(limit) => check.positive(
                                format!("components[{index}].tiers[{ti}].limits.{name}"),
                                *limit,
                            ),
                            None => check.fail(
                                tat("limits"),
                                format!("has no limit for '{}'", shorten(name)),
                            ),
                        }
                    }
                    for name in tier.limits.keys() {
                        if !t.metrics.contains(name) {
                            check.fail(
                                format!("components[{index}].tiers[{ti}].limits.{}", shorten(name)),
                                "is not one of the component's metrics",
                            );
                        }
                    }
                }
                check_target(&mut check, at("target_utilization"), t.target_utilization);
                check_thresholds(&mut check, &at("thresholds"), t.thresholds);
                check_lead_time(&mut check, at("lead_time_months"), t.lead_time_months);
                if let Some(current) = &t.current_tier {
                    if !t.tiers.iter().any(|tier| &tier.name == current) {
                        check.fail(
                            at("current_tier"),
                            format!("'{}' is not one of its tiers", shorten(current)),
                        );
                    }
                }
            }
        }
    }

    // Cost lines share one namespace with components: both are lines of the cost breakdown.
    check.count("costs", plan.costs.len(), 0, "cost lines");
    check.unique(
        |i| {
            if i < plan.components.len() {
                format!("components[{i}].name")
            } else {
                format!("costs[{}].name", i - plan.components.len())
            }
        },
        plan.components
            .iter()
            .map(Component::name)
            .chain(plan.costs.iter().map(CostLine::name)),
        "cost line or component",
    );
    for (index, line) in plan.costs.iter().enumerate() {
        let at = |field: &str| format!("costs[{index}].{field}");
        check.text(at("name"), line.name(), true, MAX_NAME_CHARS);
        match line {
            CostLine::Fixed { amount, .. } => check.range(at("amount"), *amount, 0.0, MAX_VALUE),
            CostLine::Usage {
                metric,
                price,
                free,
                volume_tiers,
                ..
            } => {
                quantity(&mut check, at("metric"), metric);
                check.range(at("price"), *price, 0.0, MAX_VALUE);
                check.range(at("free"), *free, 0.0, MAX_VALUE);
                let mut previous = 0.0;
                for (ti, tier) in volume_tiers.iter().enumerate() {
                    check.range(
                        format!("costs[{index}].volume_tiers[{ti}].above"),
                        tier.above,
                        0.0,
                        MAX_VALUE,
                    );
                    check.range(
                        format!("costs[{index}].volume_tiers[{ti}].price"),
                        tier.price,
                        0.0,
                        MAX_VALUE,
                    );
                    if tier.above <= previous && ti > 0 {
                        check.fail(
                            format!("costs[{index}].volume_tiers[{ti}].above"),
                            "tiers must start at increasing volumes",
                        );
                    }
                    previous = tier.above;
                }
            }
            CostLine::OneOff { month, amount, .. } => {
                if *month > MAX_HORIZON_MONTHS {
                    check.fail(at("month"), format!("must be 0 to {MAX_HORIZON_MONTHS}"));
                }
                check.range(at("amount"), *amount, 0.0, MAX_VALUE);
            }
            CostLine::Percentage { share, of, .. } => {
                check.rate(at("share"), *share, 0.0, 10.0);
                for (oi, target) in of.iter().enumerate() {
                    let known_line = plan.components.iter().any(|c| c.name() == target)
                        || plan.costs.iter().any(|c| {
                            c.name() == target && !matches!(c, CostLine::Percentage { .. })
                        });
                    if !known_line {
                        check.fail(
                            format!("costs[{index}].of[{oi}]"),
                            format!(
                                "'{}' is not a component or a non-percentage cost line",
                                shorten(target)
                            ),
                        );
                    }
                }
            }
        }
    }

    if let Some(revenue) = &plan.revenue {
        check.rate("revenue.paying_share", revenue.paying_share, 0.0, 1.0);
        check.range(
            "revenue.price_per_month",
            revenue.price_per_month,
            0.0,
            MAX_VALUE,
        );
    }
    if let Some(budget) = &plan.budget {
        if let Some(cap) = budget.monthly_cap {
            check.positive("budget.monthly_cap", cap);
        }
        if let Some(cap) = budget.cost_per_user_cap {
            check.positive("budget.cost_per_user_cap", cap);
        }
    }
    if let Some(uncertainty) = &plan.uncertainty {
        if !(MIN_SAMPLES..=MAX_SAMPLES).contains(&uncertainty.samples) {
            check.fail(
                "uncertainty.samples",
                format!(
                    "must be {MIN_SAMPLES} to {MAX_SAMPLES}, not {}",
                    uncertainty.samples
                ),
            );
        }
    }
    if let Some(requests) = &plan.requests_metric {
        if !plan.metrics.iter().any(|m| &m.name == requests) {
            check.fail(
                "requests_metric",
                format!("'{}' is not a metric of this plan", shorten(requests)),
            );
        }
    }

    if let Some(actuals) = &plan.actuals {
        check_actuals(&mut check, plan, actuals);
    }
    if let Some(confidence) = plan.confidence {
        check.rate("confidence", confidence, MIN_CONFIDENCE, MAX_CONFIDENCE);
    }
    if let Some(term) = &plan.commitment_term {
        check_term(
            &mut check,
            "commitment_term",
            term.term_months,
            term.start_month,
        );
    }

    for (path, message) in super::correlation::check(plan) {
        check.fail(path, message);
    }

    match (check.errors.is_empty(), chain, start) {
        (true, Some(chain), Some(start)) => {
            let resolved = resolve(plan, &quantities);
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

/// Lead times: whole months, 0 to [`MAX_LEAD_TIME_MONTHS`].
/// The shortest service time: a microsecond.
pub const MIN_SERVICE_TIME_MS: f64 = 0.001;
/// The longest service time or response-time target: an hour.
pub const MAX_LATENCY_MS: f64 = 3_600_000.0;
/// The most requests one unit serves at once.
pub const MAX_CONCURRENCY_PER_UNIT: u32 = 1_000;

fn check_latency(check: &mut Checker, path: &str, latency: &Latency) {
    let at = |field: &str| format!("{path}.{field}");
    // From a microsecond: below that the queue's rates overflow.
    if !(latency.service_time_ms.is_finite()
        && (MIN_SERVICE_TIME_MS..=MAX_LATENCY_MS).contains(&latency.service_time_ms))
    {
        check.fail(
            at("service_time_ms"),
            "must be 0.001 to 3,600,000 ms (a microsecond to an hour)",
        );
    }
    check.positive(at("target_ms"), latency.target_ms);
    if latency.target_ms > MAX_LATENCY_MS {
        check.fail(at("target_ms"), "cannot be above 3,600,000 ms (an hour)");
    }
    if !(1..=MAX_CONCURRENCY_PER_UNIT).contains(&latency.concurrency_per_unit) {
        check.fail(
            at("concurrency_per_unit"),
            format!("must be 1 to {MAX_CONCURRENCY_PER_UNIT} requests at once"),
        );
    }
    if !(latency.percentile.is_finite() && (0.5..=0.999).contains(&latency.percentile)) {
        check.fail(at("percentile"), "must be 0.5 to 0.999 (p50 to p99.9)");
        return;
    }
    // With no waiting at all the response time is the service time alone,
    // exponential: its percentile p is −ln(1 − p) service times.
    let fastest = latency.service_time_ms * -libm::log(1.0 - latency.percentile);
    if latency.service_time_ms >= MIN_SERVICE_TIME_MS
        && latency.target_ms > 0.0
        && latency.target_ms <= fastest
    {
        let label = latency.percentile_label();
        let (target, fastest) = format_milliseconds_pair(latency.target_ms, fastest);
        check.fail(
            at("target_ms"),
            format!(
                "a {label} of {target} ms cannot be met when a request takes {} ms on average: even with no waiting, {label} is {fastest} ms",
                format_milliseconds(latency.service_time_ms),
            ),
        );
    }
}

fn check_lead_time(check: &mut Checker, path: String, months: u32) {
    if months > MAX_LEAD_TIME_MONTHS {
        check.fail(
            path,
            format!("must be 0 to {MAX_LEAD_TIME_MONTHS} months, not {months}"),
        );
    }
}

/// A term of 12 or 36 months, starting at a month 0 to 120.
fn check_term(check: &mut Checker, path: &str, term_months: u32, start_month: u32) {
    if !COMMITMENT_TERMS.contains(&term_months) {
        check.fail(
            format!("{path}.term_months"),
            format!("terms are 12 or 36 months, not {term_months}"),
        );
    }
    if start_month > MAX_HORIZON_MONTHS {
        check.fail(
            format!("{path}.start_month"),
            format!("must be 0 to {MAX_HORIZON_MONTHS}, not {start_month}"),
        );
    }
}

/// Committed units: at least 1 and at most `max_units`, a valid term, and
/// not alongside a reserved share (they are two ways to say the same thing).
fn check_commitment(check: &mut Checker, path: &str, commitment: &Commitment, h: &Horizontal) {
    check_term(check, path, commitment.term_months, commitment.start_month);
    if commitment.units == 0 || commitment.units > h.max_units {
        check.fail(
            format!("{path}.units"),
            format!(
                "must be 1 to max_units ({}), not {}",
                h.max_units, commitment.units
            ),
        );
    }
    if h.reserved_share > 0.0 {
        check.fail(
            format!("{path}.units"),
            "a component has a reserved share or committed units, not both: set reserved_share to 0",
        );
    }
}

/// Actuals: a month to start from, lists of at most [`MAX_ACTUAL_MONTHS`],
/// names of this plan's metrics and cost lines, values in range.
fn check_actuals(check: &mut Checker, plan: &Plan, actuals: &Actuals) {
    if parse_month_count(&actuals.from).is_none() {
        check.fail(
            "actuals.from",
            format!(
                "'{}' is not a month written YYYY-MM",
                shorten(&actuals.from)
            ),
        );
    }
    check.count("actuals.metrics", actuals.metrics.len(), 0, "series");
    check.count("actuals.costs", actuals.costs.len(), 0, "series");
    let lines: Vec<&str> = plan
        .components
        .iter()
        .map(Component::name)
        .chain(plan.costs.iter().map(CostLine::name))
        .collect();
    for (series, values) in actuals.series() {
        let path = match &series {
            Series::Users => "actuals.users".to_string(),
            Series::Metric(name) => format!("actuals.metrics.{}", shorten(name)),
            Series::Cost(name) => format!("actuals.costs.{}", shorten(name)),
            Series::TotalCost => "actuals.total_cost".to_string(),
        };
        match &series {
            Series::Metric(name) if !plan.metrics.iter().any(|m| &m.name == name) => {
                check.fail(
                    &path,
                    format!("'{}' is not a metric of this plan", shorten(name)),
                );
            }
            Series::Cost(name) if !lines.contains(&name.as_str()) => check.fail(
                &path,
                format!(
                    "'{}' is not a component or cost line of this plan",
                    shorten(name)
                ),
            ),
            _ => {}
        }
        if values.len() > MAX_ACTUAL_MONTHS {
            check.fail(
                &path,
                format!(
                    "has {} months; actuals cover at most {MAX_ACTUAL_MONTHS}",
                    values.len()
                ),
            );
            continue;
        }
        let (low, high) = match series {
            Series::Users => (0.0, MAX_USERS),
            Series::Metric(_) => (-MAX_VALUE, MAX_VALUE),
            Series::Cost(_) | Series::TotalCost => (0.0, MAX_VALUE),
        };
        for (index, value) in values.iter().enumerate() {
            if let Some(value) = value {
                check.range(format!("{path}[{index}]"), *value, low, high);
            }
        }
    }
}

/// Resolves every name the projection reads; only called on a valid plan.
fn resolve(plan: &Plan, quantities: &HashMap<String, Quantity>) -> Resolved {
    let quantity = |name: &str| quantities.get(name).copied().unwrap_or(Quantity::Users);
    let line_names: Vec<&str> = plan
        .components
        .iter()
        .map(Component::name)
        .chain(plan.costs.iter().map(CostLine::name))
        .collect();
    let offset = plan.components.len();
    let is_percentage = |index: usize| {
        index >= offset && matches!(plan.costs[index - offset], CostLine::Percentage { .. })
    };
    Resolved {
        component_loads: plan
            .components
            .iter()
            .map(|component| match component {
                Component::Horizontal(h) => vec![quantity(&h.metric)],
                Component::Tiered(t) => t.metrics.iter().map(|m| quantity(m)).collect(),
            })
            .collect(),
        line_quantity: plan
            .costs
            .iter()
            .map(|line| match line {
                CostLine::Usage { metric, .. } => Some(quantity(metric)),
                _ => None,
            })
            .collect(),
        percentage_of: plan
            .costs
            .iter()
            .map(|line| match line {
                CostLine::Percentage { of, .. } => (0..line_names.len())
                    .filter(|index| {
                        !is_percentage(*index)
                            && (of.is_empty() || of.iter().any(|name| name == line_names[*index]))
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect(),
        requests: plan.requests_metric.as_deref().map(quantity),
        tier_tables: plan
            .components
            .iter()
            .map(|component| match component {
                Component::Horizontal(_) => TierTable::default(),
                Component::Tiered(t) => {
                    let limits: Vec<Vec<f64>> = t
                        .tiers
                        .iter()
                        .map(|tier| {
                            t.metrics
                                .iter()
                                .map(|m| tier.limits.get(m).copied().unwrap_or(f64::INFINITY))
                                .collect()
                        })
                        .collect();
                    let mut by_price: Vec<usize> = (0..t.tiers.len()).collect();
                    by_price.sort_by(|a, b| {
                        t.tiers[*a]
                            .price
                            .total_cmp(&t.tiers[*b].price)
                            .then(a.cmp(b))
                    });
                    let staircase =
                        (t.metrics.len() == 1).then(|| Staircase::new(t, &limits, &by_price));
                    TierTable {
                        limits,
                        by_price,
                        staircase,
                    }
                }
            })
            .collect(),
    }
}

fn check_target(check: &mut Checker, path: String, target: f64) {
    if target.is_finite() && target <= 0.0 {
        check.fail(path, "must be more than 0%");
    } else {
        check.rate(path, target, 0.0, 1.0);
    }
}

fn check_thresholds(check: &mut Checker, path: &str, thresholds: Thresholds) {
    check.rate(format!("{path}.yellow"), thresholds.yellow, 0.0, 10.0);
    check.rate(format!("{path}.red"), thresholds.red, 0.0, 10.0);
    if thresholds.yellow.is_finite()
        && thresholds.red.is_finite()
        && thresholds.yellow > thresholds.red
    {
        check.fail(
            format!("{path}.yellow"),
            "must not be above the red threshold",
        );
    }
}

fn check_growth(check: &mut Checker, path: &str, growth: &Growth, baseline: f64) {
    // Every number of the model: a share (growth, churn) reads in percent.
    for (label, value, low, high) in growth.parameters() {
        let show = if label.ends_with("growth") || label.ends_with("churn") {
            format_percent
        } else {
            format_compact
        };
        check.value(format!("{path}.{label}"), &value, low, high, show);
    }
    let at = |field: &str| format!("{path}.{field}");
    match growth {
        Growth::Piecewise { segments } => {
            check.count(&at("segments"), segments.len(), 1, "segment");
            let mut previous = 0;
            for (index, segment) in segments.iter().enumerate() {
                if segment.until_month <= previous || segment.until_month > 10 * MAX_HORIZON_MONTHS
                {
                    check.fail(
                        format!("{path}.segments[{index}].until_month"),
                        "segments must end at increasing months, from 1",
                    );
                }
                previous = segment.until_month;
            }
        }
        Growth::Milestones { points } => {
            check.count(&at("points"), points.len(), 1, "milestone");
            if baseline.is_finite() && baseline <= 0.0 {
                check.fail(
                    "baseline_users",
                    "must be more than 0 for milestone growth (it grows geometrically)",
                );
            }
            let mut previous = 0;
            for (index, point) in points.iter().enumerate() {
                if point.month <= previous || point.month > 10 * MAX_HORIZON_MONTHS {
                    check.fail(
                        format!("{path}.points[{index}].month"),
                        "milestones must be at increasing months, from 1",
                    );
                }
                previous = point.month;
            }
            // Continuing the last rate for ten years must stay finite, even at
            // the extremes of uncertain milestones.
            if let (Some(last), true) = (points.last(), baseline > 0.0) {
                let (from_month, from_users) = match points.len() {
                    1 => (0, baseline),
                    n => (points[n - 2].month, points[n - 2].users.bounds().0),
                };
                let to_users = last.users.bounds().1;
                if to_users > 0.0 && from_users > 0.0 && last.month > from_month {
                    let rate = libm::pow(
                        to_users / from_users,
                        1.0 / f64::from(last.month - from_month),
                    );
                    if rate > 1.0 + MAX_MONTHLY_GROWTH {
                        check.fail(
                            at("points"),
                            "these milestones imply more than 1,000% growth a month",
                        );
                    }
                }
            }
        }
        Growth::Compound { .. } | Growth::Linear { .. } | Growth::Logistic { .. } => {}
    }
}

/// `YYYY-MM` to (year, month).
pub fn parse_year_month(text: &str) -> Option<(i32, u32)> {
    parse_month_count(text).map(|months| (months.div_euclid(12), months.rem_euclid(12) as u32 + 1))
}
