//! From a valid plan to month-by-month figures: one plan in, one projection out.

use super::plan::{Scenario, ValidPlan};
use serde::Serialize;

/// Days per month in seed 000's daily-request formula (`users × requests / 30`).
pub const DAYS_PER_MONTH: f64 = 30.0;

/// Every scenario of a plan, projected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Projection {
    pub scenarios: Vec<ScenarioProjection>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioProjection {
    pub name: String,
    /// Months 0 (the baseline) to the horizon, in order.
    pub months: Vec<MonthFigures>,
}

/// The demand one scenario puts on the system in one month. Values are exact;
/// rounding is for display only.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MonthFigures {
    pub month: u32,
    pub users: f64,
    pub daily_requests: f64,
    pub db_size_mb: f64,
    pub cache_mb: f64,
}

impl ScenarioProjection {
    /// The figures of month `month`, if it is within the horizon.
    pub fn at(&self, month: u32) -> Option<&MonthFigures> {
        self.months.get(month as usize)
    }
}

impl Projection {
    pub fn scenario(&self, name: &str) -> Option<&ScenarioProjection> {
        self.scenarios.iter().find(|scenario| scenario.name == name)
    }
}

/// Projects every scenario of the plan over its horizon.
///
/// Growth is seed 000's `projectCapacity`: `users[t] = users[t-1] × (1 + growth − churn)`.
/// Validation bounds baseline, growth and horizon so every value stays finite.
pub fn project(plan: &ValidPlan) -> Projection {
    let plan = plan.plan();
    Projection {
        scenarios: plan
            .scenarios
            .iter()
            .map(|scenario| ScenarioProjection {
                name: scenario.name.clone(),
                months: project_scenario(
                    scenario,
                    plan.baseline_users,
                    plan.horizon_months,
                    plan.db_mb_per_user,
                    plan.cache_mb_per_user,
                ),
            })
            .collect(),
    }
}

fn project_scenario(
    scenario: &Scenario,
    baseline_users: f64,
    horizon_months: u32,
    db_mb_per_user: f64,
    cache_mb_per_user: f64,
) -> Vec<MonthFigures> {
    let factor = 1.0 + scenario.monthly_growth - scenario.churn_rate;
    let mut users = baseline_users;
    (0..=horizon_months)
        .map(|month| {
            if month > 0 {
                users *= factor;
            }
            MonthFigures {
                month,
                users,
                daily_requests: users * scenario.requests_per_user_month / DAYS_PER_MONTH,
                db_size_mb: users * db_mb_per_user,
                cache_mb: users * cache_mb_per_user,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::plan::Plan;

    fn worked_example() -> Projection {
        project(&Plan::worked_example().validate().expect("example is valid"))
    }

    fn rounded_users(projection: &Projection, scenario: &str) -> Vec<f64> {
        projection
            .scenario(scenario)
            .expect("scenario exists")
            .months
            .iter()
            .map(|figures| figures.users.round())
            .collect()
    }

    /// Seed 000, Moderate: growth 25%, churn 8%, so each month multiplies users
    /// by 1.17 from 100. By hand: 100 × 1.17 = 117; × 1.17 = 136.89 → 137;
    /// 160.16 → 160; 187.39 → 187; 219.24 → 219; 256.52 → 257; 300.12 → 300;
    /// 351.15 → 351; 410.84 → 411; 480.68 → 481; 562.40 → 562; 658.01 → 658.
    /// The seed's own table prints 188, 413 and 664 at months 4, 9 and 12; its
    /// formula gives the numbers here.
    #[test]
    fn moderate_users_follow_seed_000_formula_not_its_table() {
        assert_eq!(
            rounded_users(&worked_example(), "Moderate"),
            [100., 117., 137., 160., 187., 219., 257., 300., 351., 411., 481., 562., 658.]
        );
    }

    /// Conservative: × (1 + 0.10 − 0.05) = × 1.05 a month; 100 × 1.05¹² = 179.59.
    /// Aggressive: × 1.40 a month; 100 × 1.4¹² = 5,669.39.
    #[test]
    fn other_scenarios_compound_at_their_own_rates() {
        let projection = worked_example();
        let month_12 = |name| projection.scenario(name).unwrap().at(12).unwrap().users;
        assert!((month_12("Conservative") - 179.585_632_602_1).abs() < 1e-9);
        assert!((month_12("Aggressive") - 5_669.391_237_529_6).abs() < 1e-6);
    }

    /// Month 1 of Moderate: 117 users × 150 requests / 30 days = 585 daily
    /// requests (the seed's table agrees); 117 × 100 MB = 11,700 MB (11.7 GB);
    /// 117 × 10 MB = 1,170 MB.
    #[test]
    fn demand_follows_users() {
        let projection = worked_example();
        let month_1 = projection.scenario("Moderate").unwrap().at(1).unwrap();
        assert!((month_1.daily_requests - 585.0).abs() < 1e-9);
        assert!((month_1.db_size_mb - 11_700.0).abs() < 1e-9);
        assert!((month_1.cache_mb - 1_170.0).abs() < 1e-9);
    }

    #[test]
    fn month_zero_is_the_baseline_and_the_horizon_is_inclusive() {
        let projection = worked_example();
        for scenario in &projection.scenarios {
            assert_eq!(scenario.months.len(), 13);
            assert_eq!(scenario.months[0].users, 100.0);
            assert_eq!(scenario.months[12].month, 12);
        }
    }

    #[test]
    fn the_fastest_allowed_growth_stays_finite_for_ten_years() {
        let mut plan = Plan::worked_example();
        plan.baseline_users = crate::engine::plan::MAX_BASELINE_USERS;
        plan.horizon_months = crate::engine::plan::MAX_HORIZON_MONTHS;
        plan.scenarios[0].monthly_growth = crate::engine::plan::MAX_MONTHLY_GROWTH;
        plan.scenarios[0].churn_rate = 0.0;
        plan.scenarios[0].requests_per_user_month = 1e9;
        let projection = project(&plan.validate().unwrap());
        let last = projection.scenarios[0].months.last().unwrap();
        assert!(last.users.is_finite() && last.daily_requests.is_finite());
    }
}
