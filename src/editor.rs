//! The form's logic, kept out of the UI so it is tested natively: which plan
//! field an input edits, how its text is read, and what it shows.
//!
//! An edit never touches the plan unless the whole edited plan validates, so
//! an invalid field leaves the last good plan (and its results) in place.

use crate::engine::number::{format_percent, parse_number};
use crate::engine::plan::{Growth, Plan, Value};
use crate::engine::validate::{validate, ValidPlan};

/// A number field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    BaselineUsers,
    HorizonMonths,
    /// Monthly growth of a compound scenario.
    Growth {
        scenario: usize,
    },
    /// Monthly churn of a compound scenario.
    Churn {
        scenario: usize,
    },
    /// A driver's value in one scenario (its override, or the plan's value).
    Driver {
        scenario: usize,
        driver: usize,
    },
}

impl Field {
    /// The field's path in the plan document, as validation errors name it.
    pub fn path(self, plan: &Plan) -> String {
        match self {
            Field::BaselineUsers => "baseline_users".into(),
            Field::HorizonMonths => "horizon_months".into(),
            Field::Growth { scenario } => format!("scenarios[{scenario}].growth.growth"),
            Field::Churn { scenario } => format!("scenarios[{scenario}].growth.churn"),
            Field::Driver { scenario, driver } => {
                let name = plan.drivers.get(driver).map_or("", |d| d.name.as_str());
                format!("scenarios[{scenario}].drivers.{name}")
            }
        }
    }

    fn is_percent(self, plan: &Plan) -> bool {
        match self {
            Field::Growth { .. } | Field::Churn { .. } => true,
            Field::Driver { driver, .. } => {
                plan.drivers.get(driver).is_some_and(|d| d.unit == "share")
            }
            _ => false,
        }
    }

    /// The field's current value in the plan, as the field shows it.
    /// An uncertain value shows as its range, `100 – 200`; typing a number
    /// makes it fixed.
    pub fn display(self, plan: &Plan) -> String {
        let show = |value: f64| {
            if self.is_percent(plan) {
                format_percent(value)
            } else {
                trim_number(value)
            }
        };
        match self.value(plan) {
            Some(Value::Fixed(value)) => show(value),
            Some(Value::Range(range)) => format!("{} – {}", show(range.low), show(range.high)),
            None => String::new(),
        }
    }

    fn value(self, plan: &Plan) -> Option<Value> {
        match self {
            Field::BaselineUsers => Some(plan.baseline_users.into()),
            Field::HorizonMonths => Some(f64::from(plan.horizon_months).into()),
            Field::Growth { scenario } => match plan.scenarios.get(scenario)?.growth {
                Growth::Compound { growth, .. } => Some(growth),
                _ => None,
            },
            Field::Churn { scenario } => match plan.scenarios.get(scenario)?.growth {
                Growth::Compound { churn, .. } => Some(churn),
                _ => None,
            },
            Field::Driver { scenario, driver } => {
                let driver = plan.drivers.get(driver)?;
                let overrides = &plan.scenarios.get(scenario)?.drivers;
                Some(overrides.get(&driver.name).copied().unwrap_or(driver.value))
            }
        }
    }

    /// Reads `text` typed into this field. Percentage fields take `25%`, and
    /// also a bare `25` as 25%, since the field is labelled in percent.
    pub fn read(self, plan: &Plan, text: &str) -> Result<f64, String> {
        let value = parse_number(text).map_err(|error| capitalise(&error.to_string()))?;
        if self.is_percent(plan) && !text.trim_end().ends_with('%') {
            Ok(value / 100.0)
        } else {
            Ok(value)
        }
    }

    /// The plan with this field set from `text`, validated; or the message to
    /// show next to the field.
    pub fn apply(self, plan: &Plan, text: &str) -> Result<ValidPlan, String> {
        let value = self.read(plan, text)?;
        let mut edited = plan.clone();
        let missing = || "That scenario no longer exists".to_string();
        match self {
            Field::BaselineUsers => edited.baseline_users = value,
            Field::HorizonMonths => {
                if value.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&value) {
                    return Err("The horizon is a whole number of months".into());
                }
                edited.horizon_months = value as u32;
            }
            Field::Growth { scenario } | Field::Churn { scenario } => {
                match &mut edited
                    .scenarios
                    .get_mut(scenario)
                    .ok_or_else(missing)?
                    .growth
                {
                    Growth::Compound { growth, churn } => {
                        if matches!(self, Field::Growth { .. }) {
                            *growth = value.into();
                        } else {
                            *churn = value.into();
                        }
                    }
                    _ => return Err("This scenario does not use compound growth".into()),
                }
            }
            Field::Driver { scenario, driver } => {
                let name = plan
                    .drivers
                    .get(driver)
                    .ok_or("That driver no longer exists")?
                    .name
                    .clone();
                edited
                    .scenarios
                    .get_mut(scenario)
                    .ok_or_else(missing)?
                    .drivers
                    .insert(name, value.into());
            }
        }
        validate(&edited).map_err(|errors| {
            let path = self.path(plan);
            errors
                .iter()
                .find(|error| error.path == path)
                .or(errors.first())
                .map(|error| capitalise(&error.message))
                .unwrap_or_default()
        })
    }
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
    use crate::engine::templates;

    const MODERATE: usize = 1;

    fn example() -> Plan {
        templates::load("managed-saas")
            .unwrap()
            .unwrap()
            .plan()
            .clone()
    }

    #[test]
    fn fields_show_the_plan_as_people_write_it() {
        let plan = example();
        assert_eq!(Field::BaselineUsers.display(&plan), "100");
        assert_eq!(Field::HorizonMonths.display(&plan), "12");
        assert_eq!(Field::Growth { scenario: MODERATE }.display(&plan), "25%");
        assert_eq!(Field::Churn { scenario: MODERATE }.display(&plan), "8%");
        // requests_per_user_month: the Moderate override, 150.
        assert_eq!(
            Field::Driver {
                scenario: MODERATE,
                driver: 0
            }
            .display(&plan),
            "150"
        );
        assert_eq!(
            Field::Driver {
                scenario: 0,
                driver: 0
            }
            .display(&plan),
            "100"
        );
        // db_mb_per_user: no override, the plan's value.
        assert_eq!(
            Field::Driver {
                scenario: MODERATE,
                driver: 1
            }
            .display(&plan),
            "100"
        );
    }

    #[test]
    fn percentage_fields_accept_with_or_without_the_sign() {
        let plan = example();
        let growth = Field::Growth { scenario: MODERATE };
        assert_eq!(growth.read(&plan, "30%"), Ok(0.30));
        assert_eq!(growth.read(&plan, "30"), Ok(0.30));
        assert_eq!(growth.read(&plan, "12.5 %"), Ok(0.125));
        assert_eq!(Field::BaselineUsers.read(&plan, "1.5k"), Ok(1500.0));
        assert_eq!(Field::BaselineUsers.read(&plan, "1,500"), Ok(1500.0));
    }

    #[test]
    fn a_valid_edit_changes_only_its_field() {
        let plan = example();
        let edited = Field::Growth { scenario: MODERATE }
            .apply(&plan, "30%")
            .unwrap();
        let mut expected = plan.clone();
        expected.scenarios[MODERATE].growth = Growth::Compound {
            growth: 0.30.into(),
            churn: 0.08.into(),
        };
        assert_eq!(edited.plan(), &expected);
        let edited = Field::Driver {
            scenario: MODERATE,
            driver: 1,
        }
        .apply(&plan, "120")
        .unwrap();
        assert_eq!(
            edited.plan().scenarios[MODERATE].drivers["db_mb_per_user"],
            Value::Fixed(120.0)
        );
        assert_eq!(
            edited.plan().drivers[1].value,
            Value::Fixed(100.0),
            "the plan's own value stays"
        );
    }

    #[test]
    fn an_invalid_edit_reports_its_own_field() {
        let plan = example();
        let churn = Field::Churn { scenario: MODERATE };
        assert_eq!(
            churn.apply(&plan, "150%"),
            Err("Cannot be above 100%".into())
        );
        assert_eq!(
            Field::BaselineUsers.apply(&plan, "-5"),
            Err("Cannot be below 0".into())
        );
        assert_eq!(
            Field::HorizonMonths.apply(&plan, "2.5"),
            Err("The horizon is a whole number of months".into())
        );
        assert_eq!(
            Field::HorizonMonths.apply(&plan, "10000"),
            Err("Must be 1 to 120 months, not 10000".into())
        );
        assert_eq!(
            Field::BaselineUsers.apply(&plan, "lots"),
            Err("\"lots\" is not a number (try 1500, 1,500, 1.5k or 25%)".into())
        );
        assert_eq!(
            Field::Churn { scenario: 9 }.apply(&plan, "5%"),
            Err("That scenario no longer exists".into())
        );
    }
}
