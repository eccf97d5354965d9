//! The bounds every plan is held to: one place, so the checks, the editor's
//! hints and docs/plan-format.md read the same numbers.

pub const MAX_HORIZON_MONTHS: u32 = 120;
/// Far above any real product, low enough that ten years of the fastest
/// allowed growth stay finite.
pub const MAX_USERS: f64 = 1e12;
pub const MAX_MONTHLY_GROWTH: f64 = 10.0;
/// The most month-to-month volatility a scenario may state: log users
/// swinging by 100% a month.
pub const MAX_VOLATILITY: f64 = 1.0;
/// The largest seasonal factor, as typed (they are normalised to a mean of 1).
pub const MAX_SEASONAL_FACTOR: f64 = 100.0;
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
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_TEXT_CHARS: usize = 5_000;
pub const MAX_ITEMS: usize = 200;
/// The shortest service time: a microsecond.
pub const MIN_SERVICE_TIME_MS: f64 = 0.001;
/// The longest service time or response-time target: an hour.
pub const MAX_LATENCY_MS: f64 = 3_600_000.0;
/// The most requests one unit serves at once.
pub const MAX_CONCURRENCY_PER_UNIT: u32 = 1_000;
