//! The plan document (schema 5): one JSON document that fully determines
//! every output. These types are raw input: they may come from a form, a
//! file, a link or local storage, and are trusted for nothing until
//! [`crate::engine::model::validate`] turns them into a [`crate::engine::model::validate::ValidPlan`].
//!
//! Field by field documentation: `docs/plan-format.md`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version of the plan format this build writes. Older documents are
/// migrated on load (see `document.rs`); newer ones are refused.
pub const CURRENT_SCHEMA: u32 = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub schema: u32,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// ISO 4217 code, for formatting only.
    #[serde(default = "default_currency")]
    pub currency: String,
    /// The calendar month of month 0, `YYYY-MM`.
    #[serde(default = "default_start_month")]
    pub start_month: String,
    /// Months projected after month 0 (1..=120).
    pub horizon_months: u32,
    /// Users at month 0.
    pub baseline_users: f64,
    #[serde(default)]
    pub drivers: Vec<Driver>,
    #[serde(default)]
    pub metrics: Vec<Metric>,
    #[serde(default)]
    pub components: Vec<Component>,
    #[serde(default)]
    pub costs: Vec<CostLine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue: Option<Revenue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<Budget>,
    /// A metric giving requests per month, for the cost per 1,000 requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_metric: Option<String>,
    /// How many Monte Carlo paths to sample, and the seed that makes them reproducible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<Uncertainty>,
    pub scenarios: Vec<Scenario>,
    /// How sure the plan must be that a change is live before it is needed
    /// (0.5 to 0.999; 0.9 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// The commitment the recommendation sizes: its term (12 or 36 months;
    /// 12 when absent) and the month it starts (0 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment_term: Option<CommitmentTerm>,
    /// Rank correlations between uncertain inputs (schema 4).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub correlations: Vec<Correlation>,
    /// What really happened, month by month (schema 3). Last, so a share
    /// link can pack it after the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actuals: Option<Actuals>,
}

/// Two uncertain inputs that move together: `rank` is their Spearman rank
/// correlation (−0.95 to 0.95). An input is a driver's name (its value in
/// every scenario), `SCENARIO/driver` (that scenario's own value) or
/// `SCENARIO/growth.PARAMETER` (a growth parameter, named as validation
/// paths name it: `growth.churn`, `growth.segments[1].growth`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correlation {
    pub inputs: [String; 2],
    pub rank: f64,
}

/// The confidence act-by dates are computed at when the plan names none.
pub const DEFAULT_CONFIDENCE: f64 = 0.9;

/// The term and start month commitment recommendations are sized for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentTerm {
    #[serde(default = "default_term")]
    pub term_months: u32,
    #[serde(default)]
    pub start_month: u32,
}

impl Default for CommitmentTerm {
    fn default() -> Self {
        CommitmentTerm {
            term_months: default_term(),
            start_month: 0,
        }
    }
}

fn default_term() -> u32 {
    12
}

impl Plan {
    /// The plan's confidence, or the default.
    pub fn confidence(&self) -> f64 {
        self.confidence.unwrap_or(DEFAULT_CONFIDENCE)
    }
}

impl Plan {
    /// A driver's value in a scenario: the scenario's own, or the plan's.
    pub fn driver_value(&self, scenario: usize, driver: usize) -> Value {
        let base = &self.drivers[driver];
        self.scenarios
            .get(scenario)
            .and_then(|s| s.drivers.get(&base.name))
            .copied()
            .unwrap_or(base.value)
    }

    /// The scenario a person meant by `name`: the one called exactly that,
    /// else the only one whose name matches ignoring case (scripts, like
    /// seed 004's, write names in lower case). Otherwise a message naming the
    /// scenarios there are, or the ones `name` could mean.
    pub fn scenario_named(&self, name: &str) -> Result<&Scenario, String> {
        if let Some(exact) = self.scenarios.iter().find(|s| s.name == name) {
            return Ok(exact);
        }
        let folded = name.to_lowercase();
        let matches: Vec<&Scenario> = self
            .scenarios
            .iter()
            .filter(|s| s.name.to_lowercase() == folded)
            .collect();
        let quoted = |scenarios: &[&Scenario]| {
            scenarios
                .iter()
                .map(|s| format!("'{}'", s.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match matches.as_slice() {
            [only] => Ok(only),
            [] => {
                // A likely typo, compared without case: "moderat" → 'Moderate'.
                let folded_names: Vec<String> = self
                    .scenarios
                    .iter()
                    .map(|s| s.name.to_lowercase())
                    .collect();
                let guess = crate::engine::formula::closest(
                    &folded,
                    folded_names.iter().map(String::as_str),
                )
                .and_then(|close| folded_names.iter().position(|n| *n == close))
                .map(|index| format!("did you mean '{}'? ", self.scenarios[index].name))
                .unwrap_or_default();
                Err(format!(
                    "no scenario called '{name}' ({guess}scenarios: {})",
                    quoted(&self.scenarios.iter().collect::<Vec<_>>())
                ))
            }
            several => Err(format!(
                "'{name}' could be any of {}: give the name exactly",
                quoted(several)
            )),
        }
    }
}

pub fn default_currency() -> String {
    "USD".into()
}

pub fn default_start_month() -> String {
    "2026-01".into()
}

/// A named numeric input of the demand chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Driver {
    pub name: String,
    pub value: Value,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A named formula over `users`, `month`, drivers and other metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    pub name: String,
    pub formula: String,
    /// How values read: `count` (default), `mb`, `gb`, `rps`, `ratio`, `currency` or free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
}

/// One growth story with its own drivers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub growth: Growth,
    /// Driver values that differ in this scenario.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub drivers: BTreeMap<String, Value>,
    /// Twelve calendar-month factors, January first, that users follow
    /// through the year (1.45 in December: 45% above the year's mean, once
    /// normalised to a mean of 1). Month 0 is the baseline as stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seasonality: Option<Vec<f64>>,
    /// The month-to-month standard deviation of log users (0.04: users
    /// swing about ±4% a month around the growth model). Under uncertainty
    /// each path takes its own monthly shocks; the projection is the median
    /// path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volatility: Option<f64>,
}

impl Scenario {
    /// A scenario with no seasonality and no volatility.
    pub fn new(name: String, growth: Growth) -> Scenario {
        Scenario {
            name,
            growth,
            drivers: BTreeMap::new(),
            seasonality: None,
            volatility: None,
        }
    }

    /// Its volatility, 0 when it states none.
    pub fn volatility(&self) -> f64 {
        self.volatility.unwrap_or(0.0)
    }
}

/// How users grow, month by month (month 0 = baseline).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
pub enum Growth {
    /// `users[t] = users[t-1] × (1 + growth − churn)` (seed 000); with a
    /// `damping` φ, the net rate fades: `× (1 + (growth − churn) × φ^t)`.
    Compound {
        growth: Value,
        churn: Value,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        damping: Option<f64>,
    },
    /// Compound with rates changing by period (seed 004).
    Piecewise { segments: Vec<Segment> },
    /// Target users at given months, geometric interpolation between them,
    /// the last rate continued after the last one (seeds 001, 002).
    Milestones { points: Vec<Milestone> },
    /// `users[t] = users[t-1] × (1 − churn) + new_users_per_month` (seed 003).
    Linear {
        new_users_per_month: Value,
        churn: Value,
    },
    /// S-curve towards `market_size`:
    /// `users[t] = u + growth × u × (1 − u / market_size) − churn × u`.
    Logistic {
        growth: Value,
        churn: Value,
        market_size: Value,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// Last month (inclusive) these rates apply to; the last segment continues.
    pub until_month: u32,
    pub growth: Value,
    pub churn: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    pub month: u32,
    pub users: Value,
}

/// Utilization bands: green below `yellow`, yellow up to `red`, red above.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub yellow: f64,
    pub red: f64,
}

impl Default for Thresholds {
    /// Seed 000's decision matrix for memory: green < 60%, red > 80%.
    fn default() -> Self {
        Thresholds {
            yellow: 0.6,
            red: 0.8,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Component {
    Horizontal(Horizontal),
    Tiered(Tiered),
}

impl Component {
    pub fn lead_time_months(&self) -> u32 {
        match self {
            Component::Horizontal(h) => h.lead_time_months,
            Component::Tiered(t) => t.lead_time_months,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Component::Horizontal(h) => &h.name,
            Component::Tiered(t) => &t.name,
        }
    }
}

/// Instances, pods, workers or nodes, each holding `capacity_per_unit` of one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Horizontal {
    pub name: String,
    /// The metric (or `users`) this component carries.
    pub metric: String,
    /// What one unit carries. Absent only beside a latency target: the
    /// component is then sized by its response time alone (see
    /// [`Horizontal::capacity`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_per_unit: Option<f64>,
    /// Plan to run units at this share of their capacity (0 < target ≤ 1).
    #[serde(default = "default_target")]
    pub target_utilization: f64,
    #[serde(default = "default_min_units")]
    pub min_units: u32,
    pub max_units: u32,
    /// Extra units for redundancy (N+1), on top of what the load needs.
    #[serde(default)]
    pub spare_units: u32,
    pub unit_cost: f64,
    /// Share of units bought reserved or committed, and its discount.
    #[serde(default)]
    pub reserved_share: f64,
    #[serde(default)]
    pub reserved_discount: f64,
    #[serde(default)]
    pub thresholds: Thresholds,
    /// Units in place today, for today's headroom and when it runs out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_units: Option<u32>,
    /// Months it takes to make the next change live (provisioning, a
    /// re-architecture): act-by dates start this much earlier.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lead_time_months: u32,
    /// Units committed for a term at `reserved_discount`, paid whether used
    /// or not: the alternative to a reserved share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment: Option<Commitment>,
    /// Size for a response-time target as well as the utilization target
    /// (schema 4): the load is then requests per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<Latency>,
}

impl Horizontal {
    /// Sized by a response-time target alone: no `capacity_per_unit`.
    pub fn sized_by_latency_alone(&self) -> bool {
        self.capacity_per_unit.is_none() && self.latency.is_some()
    }

    /// What one unit carries: `capacity_per_unit`, or for a component sized
    /// by latency alone the rate that keeps its servers always busy
    /// (`concurrency_per_unit ÷ service time`), so utilization is the share
    /// of time they are busy. Validation leaves no other case; should one
    /// arise it carries without limit.
    pub fn capacity(&self) -> f64 {
        match (self.capacity_per_unit, self.latency) {
            (Some(capacity), _) => capacity,
            (None, Some(latency)) => latency.unit_saturation(),
            (None, None) => f64::INFINITY,
        }
    }

    /// The share of capacity the utilization count aims for: 1 (a stable
    /// queue; the target then adds units) when sized by latency alone.
    pub fn utilization_target(&self) -> f64 {
        if self.sized_by_latency_alone() {
            1.0
        } else {
            self.target_utilization
        }
    }

    /// The utilization bands; none (never yellow or red by utilization) when
    /// sized by latency alone, whose status is its target's.
    pub fn utilization_thresholds(&self) -> Thresholds {
        if self.sized_by_latency_alone() {
            Thresholds {
                yellow: f64::INFINITY,
                red: f64::INFINITY,
            }
        } else {
            self.thresholds
        }
    }
}

/// A response-time target, met under an M/M/c queue (`engine::project::queueing`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Latency {
    /// The mean time one request takes to serve, in milliseconds.
    pub service_time_ms: f64,
    /// Requests one unit serves at once (cores or workers per unit).
    pub concurrency_per_unit: u32,
    /// The percentile the target is for (0.5 to 0.999; 0.95 is p95).
    pub percentile: f64,
    /// The response time at that percentile not to exceed, in milliseconds.
    pub target_ms: f64,
}

impl Latency {
    /// The most requests per second one unit can take at all: its
    /// concurrency over the service time (`c / s`, the saturation of
    /// [`crate::engine::project::queueing::Queue::for_latency`] with one unit).
    pub fn unit_saturation(&self) -> f64 {
        f64::from(self.concurrency_per_unit) / (self.service_time_ms / 1000.0)
    }

    /// `p95`, `p99.9`.
    pub fn percentile_label(&self) -> String {
        let hundredths = (self.percentile * 1000.0).round() / 10.0;
        format!("p{hundredths}")
    }
}

/// Units bought for a term (reserved instances, a savings plan).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    pub units: u32,
    /// 12 or 36.
    pub term_months: u32,
    /// The plan month the term starts.
    #[serde(default)]
    pub start_month: u32,
}

impl Commitment {
    /// Whether plan month `month` lies in the term.
    pub fn covers(&self, month: u32) -> bool {
        month >= self.start_month && month - self.start_month < self.term_months
    }
}

fn is_zero(value: &u32) -> bool {
    *value == 0
}

/// A ladder of plans or sizes; the cheapest tier whose every limit holds the load is chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tiered {
    pub name: String,
    /// The metrics (or `users`) this component carries; each tier has a limit for each.
    pub metrics: Vec<String>,
    pub tiers: Vec<Tier>,
    #[serde(default = "default_target")]
    pub target_utilization: f64,
    #[serde(default)]
    pub thresholds: Thresholds,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_tier: Option<String>,
    /// Months it takes to move to another tier.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lead_time_months: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub name: String,
    pub price: f64,
    pub limits: BTreeMap<String, f64>,
}

fn default_target() -> f64 {
    0.8
}

fn default_min_units() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CostLine {
    /// The same amount every month.
    Fixed { name: String, amount: f64 },
    /// Priced per unit of a metric's monthly value.
    Usage {
        name: String,
        metric: String,
        price: f64,
        /// Units free each month before charging.
        #[serde(default)]
        free: f64,
        /// Graduated volume pricing: units above `above` cost `price`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        volume_tiers: Vec<VolumeTier>,
    },
    /// A single cost in one month (a migration).
    OneOff {
        name: String,
        month: u32,
        amount: f64,
    },
    /// A share of other lines (support = 10% of infrastructure).
    Percentage {
        name: String,
        share: f64,
        /// The lines it is a share of; empty means every non-percentage line.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        of: Vec<String>,
    },
}

impl CostLine {
    pub fn name(&self) -> &str {
        match self {
            CostLine::Fixed { name, .. }
            | CostLine::Usage { name, .. }
            | CostLine::OneOff { name, .. }
            | CostLine::Percentage { name, .. } => name,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeTier {
    pub above: f64,
    pub price: f64,
}

/// Paying share of users × price per month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revenue {
    pub paying_share: f64,
    pub price_per_month: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_cap: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_user_cap: Option<f64>,
}

/// A number, or an uncertain range of numbers. In JSON a plain number, or
/// `{"low": 100, "high": 200}` (a 90% interval: log-normal when both bounds
/// are positive, normal otherwise), `{"distribution": "uniform", "low", "high"}`
/// or `{"distribution": "triangular", "low", "mode", "high"}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Fixed(f64),
    Range(Range),
}

impl From<f64> for Value {
    fn from(value: f64) -> Self {
        Value::Fixed(value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    #[serde(default, skip_serializing_if = "Distribution::is_interval")]
    pub distribution: Distribution,
    pub low: f64,
    pub high: f64,
    /// The most likely value, for a triangular distribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Distribution {
    /// `low` and `high` are the 5th and 95th percentiles.
    #[default]
    Interval,
    Uniform,
    Triangular,
}

impl Distribution {
    fn is_interval(&self) -> bool {
        *self == Distribution::Interval
    }
}

/// z for the 95th percentile of a standard normal: a 90% interval spans ±z σ.
pub const Z_95: f64 = 1.644_853_626_951_472_2;

impl Value {
    /// A 90% interval from `low` to `high`.
    pub fn interval(low: f64, high: f64) -> Value {
        Value::Range(Range {
            distribution: Distribution::Interval,
            low,
            high,
            mode: None,
        })
    }

    pub fn is_uncertain(&self) -> bool {
        matches!(self, Value::Range(range) if range.low != range.high)
    }

    /// The lowest and highest values it may take (equal for a fixed value).
    pub fn bounds(&self) -> (f64, f64) {
        match self {
            Value::Fixed(value) => (*value, *value),
            Value::Range(range) => (range.low, range.high),
        }
    }

    /// The median: the value used by the deterministic projection, and for
    /// the other inputs when one input is varied in the sensitivity analysis.
    /// A zero-width range is exactly its bound.
    pub fn median(&self) -> f64 {
        match self {
            Value::Fixed(value) => *value,
            Value::Range(range) if range.low == range.high => range.low,
            Value::Range(range) => match range.distribution {
                Distribution::Interval if range.low > 0.0 => libm::sqrt(range.low * range.high),
                Distribution::Interval | Distribution::Uniform => (range.low + range.high) / 2.0,
                Distribution::Triangular => {
                    let mode = range.mode.unwrap_or((range.low + range.high) / 2.0);
                    let width = range.high - range.low;
                    if mode - range.low >= width / 2.0 {
                        range.low + libm::sqrt(width * (mode - range.low) / 2.0)
                    } else {
                        range.high - libm::sqrt(width * (range.high - mode) / 2.0)
                    }
                }
            },
        }
    }
}

/// Monte Carlo settings: how many paths, and the seed that makes them reproducible.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Uncertainty {
    #[serde(default = "default_samples")]
    pub samples: u32,
    #[serde(default = "default_seed")]
    pub seed: u64,
}

impl Default for Uncertainty {
    fn default() -> Self {
        Uncertainty {
            samples: default_samples(),
            seed: default_seed(),
        }
    }
}

pub fn default_samples() -> u32 {
    2_000
}

pub fn default_seed() -> u64 {
    1
}

impl Growth {
    /// The parameter at `index` of [`Growth::parameters`], to edit it.
    pub fn parameter_mut(&mut self, index: usize) -> Option<&mut Value> {
        match self {
            Growth::Compound { growth, churn, .. } => [growth, churn].into_iter().nth(index),
            Growth::Piecewise { segments } => {
                let segment = segments.get_mut(index / 2)?;
                Some(if index.is_multiple_of(2) {
                    &mut segment.growth
                } else {
                    &mut segment.churn
                })
            }
            Growth::Milestones { points } => points.get_mut(index).map(|point| &mut point.users),
            Growth::Linear {
                new_users_per_month,
                churn,
            } => [new_users_per_month, churn].into_iter().nth(index),
            Growth::Logistic {
                growth,
                churn,
                market_size,
            } => [growth, churn, market_size].into_iter().nth(index),
        }
    }

    /// The model's numeric parameters in a fixed order, each with a label and
    /// the bounds its samples are kept within: compound `[growth, churn]`;
    /// piecewise `[growth, churn]` per segment; milestones the users of each
    /// point; linear `[new users, churn]`; logistic `[growth, churn, market size]`.
    pub fn parameters(&self) -> Vec<(String, Value, f64, f64)> {
        const GROWTH: f64 = 10.0;
        const USERS: f64 = 1e12;
        match self {
            Growth::Compound { growth, churn, .. } => {
                vec![
                    ("growth".into(), *growth, 0.0, GROWTH),
                    ("churn".into(), *churn, 0.0, 1.0),
                ]
            }
            Growth::Piecewise { segments } => segments
                .iter()
                .enumerate()
                .flat_map(|(index, segment)| {
                    [
                        (
                            format!("segments[{index}].growth"),
                            segment.growth,
                            0.0,
                            GROWTH,
                        ),
                        (format!("segments[{index}].churn"), segment.churn, 0.0, 1.0),
                    ]
                })
                .collect(),
            Growth::Milestones { points } => points
                .iter()
                .enumerate()
                .map(|(index, point)| {
                    (
                        format!("points[{index}].users"),
                        point.users,
                        f64::MIN_POSITIVE,
                        USERS,
                    )
                })
                .collect(),
            Growth::Linear {
                new_users_per_month,
                churn,
            } => vec![
                (
                    "new_users_per_month".into(),
                    *new_users_per_month,
                    0.0,
                    USERS / 1000.0,
                ),
                ("churn".into(), *churn, 0.0, 1.0),
            ],
            Growth::Logistic {
                growth,
                churn,
                market_size,
            } => vec![
                ("growth".into(), *growth, 0.0, 1.0),
                ("churn".into(), *churn, 0.0, 1.0),
                ("market_size".into(), *market_size, f64::MIN_POSITIVE, USERS),
            ],
        }
    }
}

/// Observed monthly values: the plan's record of what really happened.
///
/// Stored by series, one list per series starting at the calendar month
/// `from` (the list's first entry), `null` where a month has no value. The
/// lists are short and regular, so a share link stays small.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actuals {
    /// The calendar month of every list's first entry, `YYYY-MM`; may be
    /// before `start_month` (history).
    pub from: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<Option<f64>>,
    /// By metric name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metrics: BTreeMap<String, Vec<Option<f64>>>,
    /// A component's or cost line's monthly cost, by its name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub costs: BTreeMap<String, Vec<Option<f64>>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub total_cost: Vec<Option<f64>>,
}

/// One kind of actual: what a value in [`Actuals`] is an observation of.
/// (Never part of a plan document, which keeps actuals by list: serde is
/// for the bands the Monte Carlo workers send, `uncertainty::wire`.)
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Series {
    Users,
    Metric(String),
    /// A component's or cost line's monthly cost.
    Cost(String),
    TotalCost,
}

impl Series {
    /// How tables, charts and outputs name the series: `users`, the metric's
    /// or line's own name, `total_cost`.
    pub fn name(&self) -> &str {
        match self {
            Series::Users => "users",
            Series::Metric(name) | Series::Cost(name) => name,
            Series::TotalCost => "total_cost",
        }
    }

    /// The name for people: a cost line reads "Database cost".
    pub fn label(&self) -> String {
        match self {
            Series::TotalCost => "total cost".into(),
            other => other.key(),
        }
    }

    /// The key outputs use (JSON objects, CSV columns): `users`, the
    /// metric's name, `<line> cost`, `total_cost`. Distinct for distinct
    /// series, since metric names have no spaces.
    pub fn key(&self) -> String {
        match self {
            Series::Users => "users".into(),
            Series::Metric(name) => name.clone(),
            Series::Cost(name) => format!("{name} cost"),
            Series::TotalCost => "total_cost".into(),
        }
    }

    pub fn is_money(&self) -> bool {
        matches!(self, Series::Cost(_) | Series::TotalCost)
    }
}

impl Actuals {
    /// Every series with its list, in a fixed order: users, metrics and
    /// cost lines by name, total cost.
    pub fn series(&self) -> Vec<(Series, &[Option<f64>])> {
        let mut all: Vec<(Series, &[Option<f64>])> = Vec::new();
        if !self.users.is_empty() {
            all.push((Series::Users, &self.users));
        }
        all.extend(
            self.metrics
                .iter()
                .map(|(name, values)| (Series::Metric(name.clone()), values.as_slice())),
        );
        all.extend(
            self.costs
                .iter()
                .map(|(name, values)| (Series::Cost(name.clone()), values.as_slice())),
        );
        if !self.total_cost.is_empty() {
            all.push((Series::TotalCost, &self.total_cost));
        }
        all
    }

    /// The list of one series, if it has one.
    pub fn values(&self, series: &Series) -> Option<&[Option<f64>]> {
        let values = match series {
            Series::Users => &self.users,
            Series::Metric(name) => self.metrics.get(name)?,
            Series::Cost(name) => self.costs.get(name)?,
            Series::TotalCost => &self.total_cost,
        };
        (!values.is_empty()).then_some(values.as_slice())
    }

    fn values_mut(&mut self, series: &Series) -> &mut Vec<Option<f64>> {
        match series {
            Series::Users => &mut self.users,
            Series::Metric(name) => self.metrics.entry(name.clone()).or_default(),
            Series::Cost(name) => self.costs.entry(name.clone()).or_default(),
            Series::TotalCost => &mut self.total_cost,
        }
    }

    /// The value of `series` at list index `index`.
    pub fn get(&self, series: &Series, index: usize) -> Option<f64> {
        self.values(series)?.get(index).copied().flatten()
    }

    /// How many months the lists span (the longest list).
    pub fn len(&self) -> usize {
        self.series()
            .iter()
            .map(|(_, values)| values.len())
            .max()
            .unwrap_or(0)
    }

    /// Whether no month has a value.
    pub fn is_empty(&self) -> bool {
        self.series()
            .iter()
            .all(|(_, values)| values.iter().all(Option::is_none))
    }

    /// The actuals with one value set (or, with `None`, cleared) at the
    /// calendar month `month` (a month count, see [`month_count`]); the lists
    /// start earlier when it lies before `from`. Tidied: `None` when no value
    /// is left.
    pub fn with_value(
        mut self,
        series: &Series,
        month: i32,
        value: Option<f64>,
    ) -> Option<Actuals> {
        let from = parse_month_count(&self.from).unwrap_or(month);
        if month < from {
            let shift = (from - month) as usize;
            for key in self.keys() {
                let values = self.values_mut(&key);
                values.splice(0..0, std::iter::repeat_n(None, shift));
            }
        }
        let from = from.min(month);
        self.from = month_label(from);
        let index = (month - from) as usize;
        let values = self.values_mut(series);
        if values.len() <= index {
            values.resize(index + 1, None);
        }
        values[index] = value;
        self.tidied()
    }

    /// Replaces the list of one series.
    pub fn set_values(&mut self, series: &Series, values: Vec<Option<f64>>) {
        *self.values_mut(series) = values;
    }

    /// These actuals with every value of `newer` laid over them (a value of
    /// `newer` replaces this one's for the same series and month), tidied.
    pub fn merged(&self, newer: &Actuals) -> Actuals {
        let (Some(mine), Some(theirs)) = (
            parse_month_count(&self.from),
            parse_month_count(&newer.from),
        ) else {
            return newer.clone();
        };
        let from = mine.min(theirs);
        let end = (mine + self.len() as i32).max(theirs + newer.len() as i32);
        let mut merged = Actuals {
            from: month_label(from),
            ..Actuals::default()
        };
        let mut keys = self.keys();
        keys.extend(newer.keys());
        keys.sort();
        keys.dedup();
        for key in keys {
            let values = (from..end)
                .map(|month| {
                    let at = |actuals: &Actuals, start: i32| {
                        usize::try_from(month - start)
                            .ok()
                            .and_then(|index| actuals.get(&key, index))
                    };
                    at(newer, theirs).or_else(|| at(self, mine))
                })
                .collect();
            merged.set_values(&key, values);
        }
        merged.tidied().unwrap_or_else(|| newer.clone())
    }

    fn keys(&self) -> Vec<Series> {
        self.series()
            .into_iter()
            .map(|(series, _)| series)
            .collect()
    }

    /// Without empty lists or months without any value at either end:
    /// `None` when no value is left (or `from` is not a month).
    pub fn tidied(mut self) -> Option<Actuals> {
        let from = parse_month_count(&self.from)?;
        self.metrics
            .retain(|_, values| values.iter().any(Option::is_some));
        self.costs
            .retain(|_, values| values.iter().any(Option::is_some));
        let keys = self.keys();
        let first = keys
            .iter()
            .filter_map(|key| self.values(key)?.iter().position(Option::is_some))
            .min()?;
        for key in &keys {
            let values = self.values_mut(key);
            values.drain(..first.min(values.len()));
            while values.last() == Some(&None) {
                values.pop();
            }
        }
        self.from = month_label(from + first as i32);
        Some(self)
    }
}

/// A calendar month as a count of months since year 0 (`2026-01` is
/// 2026 × 12), so months subtract.
pub fn month_count(year: i32, month: u32) -> i32 {
    year * 12 + month as i32 - 1
}

/// `YYYY-MM` as a month count, if it is one (years 1900 to 2200).
pub fn parse_month_count(text: &str) -> Option<i32> {
    let (year, month) = text.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let month: u32 = month.parse().ok()?;
    ((1900..=2200).contains(&year) && (1..=12).contains(&month)).then(|| month_count(year, month))
}

/// A month count as `YYYY-MM`.
pub fn month_label(months: i32) -> String {
    format!("{}-{:02}", months.div_euclid(12), months.rem_euclid(12) + 1)
}

/// Months' full names in lower case, for reading what people type.
pub const FULL_MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Months as people abbreviate them.
pub const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `2026-03` as `Mar 2026` (anything else as it is).
pub fn month_name(label: &str) -> String {
    match parse_month_count(label) {
        Some(months) => format!(
            "{} {}",
            MONTH_NAMES[months.rem_euclid(12) as usize],
            months.div_euclid(12)
        ),
        None => label.to_string(),
    }
}
