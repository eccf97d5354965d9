//! The actuals grid's logic: which months and series it shows, what a typed
//! cell does to the plan, and the series a user can add a column for.

use super::Edited;
pub use crate::engine::actuals::all_series;
use crate::engine::actuals::import::parse_value;
use crate::engine::model::plan::month_name;
use crate::engine::model::plan::{Actuals, Series};
use crate::engine::model::validate::{validate, ValidPlan, MAX_ACTUAL_MONTHS};
use crate::engine::project::months::cost_line_names;

/// The grid: one row per plan month (history negative), one column per series.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub months: Vec<i32>,
    pub series: Vec<Series>,
}

/// The rows and columns to show: every month from the first actual (or
/// month 0) to the month after the last (or month 0), so the next month can
/// be typed; the series with actuals, then `extra` columns the user added.
pub fn grid(valid: &ValidPlan, extra: &[Series]) -> Grid {
    let mut series = valid.actual_series();
    for added in extra {
        if !series.contains(added) && is_series_of(valid, added) {
            series.push(added.clone());
        }
    }
    let months: Vec<i32> = series
        .iter()
        .flat_map(|s| valid.actuals_of(s).into_iter().map(|(month, _)| month))
        .collect();
    let first = months.iter().copied().min().unwrap_or(0);
    let last = months.iter().copied().max().map_or(0, |m| m + 1);
    let last = last.min(first + MAX_ACTUAL_MONTHS as i32 - 1);
    Grid {
        months: (first..=last).collect(),
        series,
    }
}

/// Whether `series` names something in this plan.
fn is_series_of(valid: &ValidPlan, series: &Series) -> bool {
    let plan = valid.plan();
    match series {
        Series::Users | Series::TotalCost => true,
        Series::Metric(name) => plan.metrics.iter().any(|m| &m.name == name),
        Series::Cost(name) => cost_line_names(plan).contains(&name.as_str()),
    }
}

/// A cell of the grid as text: empty when the month has no value.
pub fn cell_text(valid: &ValidPlan, series: &Series, month: i32) -> String {
    valid
        .actual(series, month)
        .map(|value| {
            // Plain digits the cell reads back exactly.
            let text = format!("{value}");
            text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
        })
        .unwrap_or_default()
}

/// The plan with one actual typed (`1,250`, `$3.4k`) or, when `text` is
/// empty, cleared. The message says what is wrong, for beside the cell.
pub fn set_actual(valid: &ValidPlan, series: &Series, month: i32, text: &str) -> Edited {
    let value = parse_value(text, series, false)?;
    let calendar = valid.start_count() + month;
    let current = valid.plan().actuals.clone().unwrap_or_default();
    let mut plan = valid.plan().clone();
    plan.actuals = current.with_value(series, calendar, value);
    validate(&plan).map_err(|errors| {
        let error = errors
            .first()
            .map_or_else(String::new, |e| e.message.clone());
        format!(
            "{} in {}: {error}",
            series.label(),
            month_name(&valid.calendar_label_of(month))
        )
    })
}

/// The plan without any actuals.
pub fn clear_actuals(valid: &ValidPlan) -> Edited {
    let mut plan = valid.plan().clone();
    plan.actuals = None;
    validate(&plan).map_err(|errors| errors.first().map_or_else(String::new, ToString::to_string))
}

/// The plan without the actuals of one series.
pub fn clear_series(valid: &ValidPlan, series: &Series) -> Edited {
    let mut plan = valid.plan().clone();
    plan.actuals = plan.actuals.take().and_then(|mut actuals: Actuals| {
        actuals.set_values(series, Vec::new());
        actuals.tidied()
    });
    validate(&plan).map_err(|errors| errors.first().map_or_else(String::new, ToString::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::templates;

    fn example() -> ValidPlan {
        templates::worked_example().expect("loads")
    }

    #[test]
    fn typing_sets_fixes_and_clears_a_value() {
        let plan = example();
        let typed = set_actual(&plan, &Series::Users, 2, "1,250").expect("valid");
        assert_eq!(typed.actual(&Series::Users, 2), Some(1250.0));
        assert_eq!(cell_text(&typed, &Series::Users, 2), "1250");
        let fixed = set_actual(&typed, &Series::Users, 2, "1.3k").expect("valid");
        assert_eq!(fixed.actual(&Series::Users, 2), Some(1300.0));
        let money = set_actual(&fixed, &Series::TotalCost, -1, "$3,400.50").expect("valid");
        assert_eq!(money.actual(&Series::TotalCost, -1), Some(3400.5));
        let cleared = set_actual(&money, &Series::Users, 2, " ").expect("valid");
        assert_eq!(cleared.actual(&Series::Users, 2), None);
        let empty = set_actual(&cleared, &Series::TotalCost, -1, "").expect("valid");
        assert_eq!(empty.plan().actuals, None);
    }

    #[test]
    fn a_bad_cell_says_what_and_where() {
        let plan = example();
        assert_eq!(
            set_actual(&plan, &Series::Users, 0, "lots").expect_err("refused"),
            "'lots' is not a number (expected a figure such as 1,250 or $3,400.50)"
        );
        assert_eq!(
            set_actual(&plan, &Series::Users, 0, "-5").expect_err("refused"),
            "users cannot be below 0"
        );
        assert_eq!(
            set_actual(&plan, &Series::Users, 3, "2e12").expect_err("refused"),
            "users in Apr 2026: cannot be above 1T"
        );
    }

    #[test]
    fn the_grid_runs_from_the_first_actual_to_the_month_after_the_last() {
        let plan = example();
        let empty = grid(&plan, &[]);
        assert_eq!((empty.months, empty.series), (vec![0], vec![]));
        let added = grid(&plan, &[Series::TotalCost, Series::Metric("nope".into())]);
        assert_eq!(added.series, vec![Series::TotalCost]);
        let typed = set_actual(&plan, &Series::Users, -2, "80").expect("valid");
        let typed = set_actual(&typed, &Series::Users, 1, "110").expect("valid");
        let shown = grid(&typed, &[]);
        assert_eq!(shown.months, vec![-2, -1, 0, 1, 2]);
        assert_eq!(shown.series, vec![Series::Users]);
        assert_eq!(all_series(&plan).len(), 1 + 7 + 7 + 1);
    }

    #[test]
    fn a_metric_with_actuals_renames_with_them_and_is_not_deleted_under_them() {
        use crate::editor::{Action, Field};
        let plan = set_actual(&example(), &Series::Metric("s3_gb".into()), 0, "90").expect("valid");
        let index = plan
            .plan()
            .metrics
            .iter()
            .position(|m| m.name == "s3_gb")
            .expect("s3_gb");
        let renamed = Field::MetricName(index)
            .apply(plan.plan(), "storage_gb")
            .expect("renamed");
        assert_eq!(
            renamed.actual(&Series::Metric("storage_gb".into()), 0),
            Some(90.0)
        );
        let refused = Action::DeleteMetric(index)
            .apply(renamed.plan())
            .expect_err("in use");
        assert!(
            refused.contains("its actuals (clear them under Actuals)"),
            "{refused}"
        );
        let cleared = clear_series(&renamed, &Series::Metric("storage_gb".into())).expect("valid");
        assert_eq!(cleared.plan().actuals, None);
    }
}
