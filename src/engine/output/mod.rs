//! A projection rendered for people and programs: JSON, a readable table,
//! CSV and a Markdown report. Shared by the command line and the app's exports.

mod csv;
mod json;
mod markdown;
mod table;

pub use self::csv::projection_csv;
pub use json::projection_json;
pub use markdown::projection_markdown;
pub use table::projection_table;

use super::plan::{Component, Plan};
use super::projection::{ScenarioProjection, Sizing};

/// The seeds' milestone months within a horizon: 1, 3, 6, 9, 12, 18, 24, then yearly.
pub fn milestone_months(horizon: u32) -> Vec<u32> {
    let mut months: Vec<u32> = [0, 1, 3, 6, 9, 12, 18]
        .into_iter()
        .chain((24..=120).step_by(12))
        .filter(|month| *month <= horizon)
        .collect();
    if months.last() != Some(&horizon) {
        months.push(horizon);
    }
    months
}

/// How a component's size reads: `3 units` or the tier's name.
pub fn describe_size(component: &Component, sizing: &Sizing) -> String {
    match (component, sizing.tier) {
        (Component::Tiered(t), Some(tier)) => t
            .tiers
            .get(tier)
            .map_or_else(String::new, |t| t.name.clone()),
        _ => {
            let units = sizing.units.unwrap_or(0);
            format!("{units} unit{}", if units == 1 { "" } else { "s" })
        }
    }
}

/// The scenarios to show: all, or the one named.
pub fn selected<'a>(
    scenarios: &'a [ScenarioProjection],
    only: Option<&str>,
) -> Vec<&'a ScenarioProjection> {
    scenarios
        .iter()
        .filter(|scenario| only.is_none_or(|name| scenario.name == name))
        .collect()
}

/// `2026-03` for plan month 2 of a plan starting 2026-01.
pub fn calendar_label(plan: &Plan, month: u32) -> String {
    let (year, start) = super::validate::parse_year_month(&plan.start_month).unwrap_or((2026, 1));
    let months = year * 12 + start as i32 - 1 + month as i32;
    format!("{}-{:02}", months.div_euclid(12), months.rem_euclid(12) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milestone_months_follow_the_seeds() {
        assert_eq!(milestone_months(12), [0, 1, 3, 6, 9, 12]);
        assert_eq!(milestone_months(24), [0, 1, 3, 6, 9, 12, 18, 24]);
        assert_eq!(milestone_months(30), [0, 1, 3, 6, 9, 12, 18, 24, 30]);
        assert_eq!(milestone_months(2), [0, 1, 2]);
    }
}
