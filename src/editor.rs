//! The form's logic, kept out of the UI so it is tested natively: which plan
//! field an input edits, how its text is read, and what it shows.
//!
//! An edit never touches the plan unless the whole edited plan validates, so
//! an invalid field leaves the last good plan (and its results) in place.

use crate::engine::number::{format_percent, parse_number};
use crate::engine::plan::{Plan, ValidPlan};

/// A number field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    BaselineUsers,
    HorizonMonths,
    MonthlyGrowth { scenario: usize },
    ChurnRate { scenario: usize },
    RequestsPerUserMonth { scenario: usize },
}

impl Field {
    /// The field's path in the plan document, as validation errors name it.
    pub fn path(self) -> String {
        match self {
            Field::BaselineUsers => "baseline_users".into(),
            Field::HorizonMonths => "horizon_months".into(),
            Field::MonthlyGrowth { scenario } => format!("scenarios[{scenario}].monthly_growth"),
            Field::ChurnRate { scenario } => format!("scenarios[{scenario}].churn_rate"),
            Field::RequestsPerUserMonth { scenario } => {
                format!("scenarios[{scenario}].requests_per_user_month")
            }
        }
    }

    fn is_percent(self) -> bool {
        matches!(self, Field::MonthlyGrowth { .. } | Field::ChurnRate { .. })
    }

    /// The field's current value in the plan, as the field shows it.
    pub fn display(self, plan: &Plan) -> String {
        match self.value(plan) {
            Some(value) if self.is_percent() => format_percent(value),
            Some(value) => trim_number(value),
            None => String::new(),
        }
    }

    fn value(self, plan: &Plan) -> Option<f64> {
        Some(match self {
            Field::BaselineUsers => plan.baseline_users,
            Field::HorizonMonths => f64::from(plan.horizon_months),
            Field::MonthlyGrowth { scenario } => plan.scenarios.get(scenario)?.monthly_growth,
            Field::ChurnRate { scenario } => plan.scenarios.get(scenario)?.churn_rate,
            Field::RequestsPerUserMonth { scenario } => {
                plan.scenarios.get(scenario)?.requests_per_user_month
            }
        })
    }

    /// Reads `text` typed into this field. Percentage fields take `25%`, and
    /// also a bare `25` as 25%, since the field is labelled in percent.
    pub fn read(self, text: &str) -> Result<f64, String> {
        let value = parse_number(text).map_err(|error| error.to_string())?;
        if self.is_percent() && !text.trim_end().ends_with('%') {
            Ok(value / 100.0)
        } else {
            Ok(value)
        }
    }

    /// The plan with this field set from `text`, validated; or the message to
    /// show next to the field.
    pub fn apply(self, plan: &Plan, text: &str) -> Result<ValidPlan, String> {
        let value = self.read(text)?;
        let mut edited = plan.clone();
        match self {
            Field::BaselineUsers => edited.baseline_users = value,
            Field::HorizonMonths => {
                if value.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&value) {
                    return Err("The horizon is a whole number of months".into());
                }
                edited.horizon_months = value as u32;
            }
            Field::MonthlyGrowth { scenario } => {
                scenario_mut(&mut edited, scenario)?.monthly_growth = value
            }
            Field::ChurnRate { scenario } => {
                scenario_mut(&mut edited, scenario)?.churn_rate = value
            }
            Field::RequestsPerUserMonth { scenario } => {
                scenario_mut(&mut edited, scenario)?.requests_per_user_month = value
            }
        }
        edited.validate().map_err(|errors| {
            let path = self.path();
            errors
                .iter()
                .find(|error| error.path == path)
                .or(errors.first())
                .map(|error| capitalise(&error.message))
                .unwrap_or_default()
        })
    }
}

fn scenario_mut(
    plan: &mut Plan,
    index: usize,
) -> Result<&mut crate::engine::plan::Scenario, String> {
    plan.scenarios
        .get_mut(index)
        .ok_or_else(|| "that scenario no longer exists".to_string())
}

fn capitalise(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A number as a person would type it: no trailing zeros, no exponent for
/// everyday magnitudes.
fn trim_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.6}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODERATE: usize = 1;

    #[test]
    fn fields_show_the_plan_as_people_write_it() {
        let plan = Plan::worked_example();
        assert_eq!(Field::BaselineUsers.display(&plan), "100");
        assert_eq!(Field::HorizonMonths.display(&plan), "12");
        assert_eq!(
            Field::MonthlyGrowth { scenario: MODERATE }.display(&plan),
            "25%"
        );
        assert_eq!(Field::ChurnRate { scenario: MODERATE }.display(&plan), "8%");
        assert_eq!(
            Field::RequestsPerUserMonth { scenario: MODERATE }.display(&plan),
            "150"
        );
    }

    #[test]
    fn percentage_fields_accept_with_or_without_the_sign() {
        let growth = Field::MonthlyGrowth { scenario: MODERATE };
        assert_eq!(growth.read("30%"), Ok(0.30));
        assert_eq!(growth.read("30"), Ok(0.30));
        assert_eq!(growth.read("12.5 %"), Ok(0.125));
        assert_eq!(Field::BaselineUsers.read("1.5k"), Ok(1500.0));
        assert_eq!(Field::BaselineUsers.read("1,500"), Ok(1500.0));
    }

    #[test]
    fn a_valid_edit_changes_only_its_field() {
        let plan = Plan::worked_example();
        let edited = Field::MonthlyGrowth { scenario: MODERATE }
            .apply(&plan, "30%")
            .unwrap();
        let mut expected = plan.clone();
        expected.scenarios[MODERATE].monthly_growth = 0.30;
        assert_eq!(edited.plan(), &expected);
    }

    #[test]
    fn an_invalid_edit_reports_its_own_field() {
        let plan = Plan::worked_example();
        let churn = Field::ChurnRate { scenario: MODERATE };
        assert_eq!(
            churn.apply(&plan, "150%"),
            Err("Churn cannot be above 100%".into())
        );
        assert_eq!(
            Field::BaselineUsers.apply(&plan, "-5"),
            Err("Users cannot be below 0".into())
        );
        assert_eq!(
            Field::HorizonMonths.apply(&plan, "2.5"),
            Err("The horizon is a whole number of months".into())
        );
        assert_eq!(
            Field::HorizonMonths.apply(&plan, "10000"),
            Err("The horizon must be 1 to 120 months, not 10000".into())
        );
        assert_eq!(
            Field::BaselineUsers.apply(&plan, "lots"),
            Err("\"lots\" is not a number (try 1500, 1,500, 1.5k or 25%)".into())
        );
        assert_eq!(
            Field::ChurnRate { scenario: 9 }.apply(&plan, "5%"),
            Err("that scenario no longer exists".into())
        );
    }
}
