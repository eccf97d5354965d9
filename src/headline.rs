//! The figures a reader wants first, for one scenario, as plain data: users
//! and cost at month 12 and at the horizon, the first change to start, where
//! the actuals stand, what runs out first, break-even and the budget.
//!
//! Two views draw them: the app's headline (with the Monte Carlo ranges) and
//! the first look a page paints before the app has loaded (`start`), so a
//! reader sees the same words in both.

use crate::editor::capitalise;
use crate::engine::actuals::compare::{compare, standing};
use crate::engine::analyse::decisions::{months_text, percent, ActBy};
use crate::engine::analyse::events::EventKind;
use crate::engine::analyse::scenario::ScenarioProjection;
use crate::engine::model::number::{format_count, format_money};
use crate::engine::model::plan::month_name;
use crate::engine::model::validate::ValidPlan;
use crate::engine::output::{break_even_month, decisions, first_limit};
use crate::engine::project::months::MonthResult;
use crate::engine::uncertainty::Bands;

/// A month as a calendar month: `Jan 2027`.
pub fn calendar(plan: &ValidPlan, month: u32) -> String {
    month_name(&plan.calendar_label(month))
}

/// The scenario a plan opens on: the middle one (Moderate of three).
pub fn middle_scenario(plan: &ValidPlan) -> usize {
    plan.plan().scenarios.len() / 2
}

/// The months the headline shows: 12 and the horizon, or just the horizon
/// when it is a year or less.
pub fn headline_months(horizon: u32) -> Vec<u32> {
    if horizon > 12 {
        vec![12, horizon]
    } else {
        vec![horizon]
    }
}

/// A headline figure: its label, its quantity in the bands, how it reads.
pub struct Figure {
    pub label: &'static str,
    pub quantity: &'static str,
    pub test_id: &'static str,
    pub value: fn(&MonthResult) -> Option<f64>,
    pub money: bool,
}

impl Figure {
    /// A value of this figure as the headline prints it.
    pub fn show(&self, value: f64, currency: &str) -> String {
        if self.money {
            format_money(value, currency)
        } else {
            format_count(value)
        }
    }

    /// This figure at a month of a scenario, or `—` where there is none.
    pub fn text(&self, month: Option<&MonthResult>, currency: &str) -> String {
        month
            .and_then(self.value)
            .map_or_else(|| "—".to_string(), |value| self.show(value, currency))
    }
}

/// How long a headline figure reads, for its card to set it small enough
/// to fit (`.headline-value.long`, `.longer`): up to eight characters as is,
/// nine or ten long ("$1,436,344"), more longer ("4,923,200,210", ten years
/// of growth).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureLength {
    Short,
    Long,
    Longer,
}

impl FigureLength {
    pub fn of(text: &str) -> FigureLength {
        match text.chars().count() {
            0..=8 => FigureLength::Short,
            9..=10 => FigureLength::Long,
            _ => FigureLength::Longer,
        }
    }

    /// The figure's classes.
    pub fn classes(self) -> &'static str {
        match self {
            FigureLength::Short => "headline-value",
            FigureLength::Long => "headline-value long",
            FigureLength::Longer => "headline-value longer",
        }
    }
}

pub const FIGURES: [Figure; 4] = [
    Figure {
        label: "Users",
        quantity: "users",
        test_id: "users",
        value: |m| Some(m.users),
        money: false,
    },
    Figure {
        label: "Monthly cost",
        quantity: "total_cost",
        test_id: "cost",
        value: |m| Some(m.total_cost),
        money: true,
    },
    Figure {
        label: "Cumulative cost",
        quantity: "cumulative_cost",
        test_id: "cumulative",
        value: |m| Some(m.cumulative_cost),
        money: true,
    },
    Figure {
        label: "Cost per user",
        quantity: "cost_per_user",
        test_id: "per-user",
        value: |m| m.cost_per_user,
        money: true,
    },
];

/// A call-out under the figures: "First to run out · month 7 · Aug 2026 ·
/// Redis runs out of memory", with a tone for its colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Callout {
    pub title: &'static str,
    /// `data-test` in the app.
    pub test_id: &'static str,
    pub when: String,
    pub what: String,
    /// `ok`, `warn` or `neutral`.
    pub tone: &'static str,
}

impl Callout {
    fn new(title: &'static str, test_id: &'static str, said: Said) -> Callout {
        let (when, what, tone) = said;
        Callout {
            title,
            test_id,
            when,
            what,
            tone,
        }
    }
}

/// When, what and the tone of a call-out.
type Said = (String, String, &'static str);

fn said(when: &str, what: &str, tone: &'static str) -> Said {
    (when.to_string(), what.to_string(), tone)
}

/// The call-outs of a scenario, in the order the headline shows them. The
/// act-by entries come from the bands when there are any (the app's, once
/// simulated), else from the projection.
pub fn callouts(
    valid: &ValidPlan,
    scenario: &ScenarioProjection,
    bands: Option<&Bands>,
) -> Vec<Callout> {
    let plan = valid.plan();
    let when = |month: u32| format!("month {month} · {}", calendar(valid, month));
    let limit = match first_limit(&scenario.events) {
        Some(event) => (when(event.month), capitalise(&event.message), "warn"),
        None if !plan.components.is_empty() => said(
            "Nothing runs out",
            "Every component holds its load through the horizon.",
            "ok",
        ),
        None => said(
            "No components yet",
            "Add components to see when each must scale.",
            "neutral",
        ),
    };
    let break_even = match (plan.revenue.is_some(), break_even_month(&scenario.events)) {
        (false, _) => said(
            "No revenue modelled",
            "Add revenue under Revenue and budget to see break-even.",
            "neutral",
        ),
        (true, Some(month)) => (
            when(month),
            "Revenue covers the monthly cost from then on.".to_string(),
            "ok",
        ),
        (true, None) => said(
            "Not within the horizon",
            "Revenue stays below the monthly cost.",
            "warn",
        ),
    };
    let budget = plan.budget.is_some().then(|| {
        scenario
            .events
            .iter()
            .find(|e| {
                matches!(
                    e.kind,
                    EventKind::BudgetBroken | EventKind::CostPerUserBroken
                )
            })
            .map_or_else(
                || said("Within budget", "Costs stay under every cap.", "ok"),
                |event| (when(event.month), capitalise(&event.message), "warn"),
            )
    });
    let first_to_start = first_to_start(valid, &decisions(scenario, bands).0);
    [
        first_to_start.map(|s| Callout::new("Act by", "act-by", s)),
        against_actuals(valid, scenario)
            .map(|s| Callout::new("Against actuals", "against-actuals", s)),
        Some(Callout::new("First to run out", "first-limit", limit)),
        Some(Callout::new("Break-even", "break-even", break_even)),
        budget.map(|s| Callout::new("Budget", "budget", s)),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The first change to start: by when, and how sure that is in time.
pub fn first_to_start(valid: &ValidPlan, act_by: &[&ActBy]) -> Option<Said> {
    let first = act_by.iter().find(|a| a.act_by_month.is_some())?;
    let sure = if first.confidence < 1.0 {
        format!(" — {} sure that is in time", percent(first.confidence))
    } else {
        String::new()
    };
    let what = format!("{}: {}", first.component, first.label);
    Some(match first.late_by() {
        Some(late) => (
            "Start now".to_string(),
            format!(
                "{what}: late by {} (needed at month {}, lead time {}){sure}",
                months_text(late),
                first.needed_month.unwrap_or(0),
                months_text(first.lead_time_months)
            ),
            "warn",
        ),
        None => {
            let month = first.act_by_month.unwrap_or(0).max(0) as u32;
            (
                format!("by {} · month {month}", calendar(valid, month)),
                format!(
                    "{what}{sure} ({}).",
                    match first.lead_time_months {
                        0 => "no lead time".to_string(),
                        n => format!("lead time {}", months_text(n)),
                    }
                ),
                if month <= 3 { "warn" } else { "ok" },
            )
        }
    })
}

/// Where the last month with a user or cost actual stands against the plan:
/// its month, "Users 21% below plan, cost 49% below plan", and a warning
/// tone when either is 10% or more off.
fn against_actuals(valid: &ValidPlan, scenario: &ScenarioProjection) -> Option<Said> {
    let standing = standing(&compare(valid, scenario, None), &valid.plan().currency)?;
    let tone = if standing.largest_percent >= 10.0 {
        "warn"
    } else {
        "ok"
    };
    Some((
        format!(
            "{} · month {}",
            calendar(valid, standing.month),
            standing.month
        ),
        capitalise(&standing.text),
        tone,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::engine::analyse::scenario::project;
    use crate::engine::model::templates;

    #[test]
    fn figures_are_set_smaller_as_they_grow_longer() {
        assert_eq!(FigureLength::of("$214,954"), FigureLength::Short);
        assert_eq!(FigureLength::of("$1,436,344"), FigureLength::Long);
        assert_eq!(FigureLength::of("$22,362,009"), FigureLength::Longer);
        assert_eq!(FigureLength::of("4,923,200,210"), FigureLength::Longer);
        // Characters, not bytes: "€" is three bytes.
        assert_eq!(FigureLength::of("€214,954"), FigureLength::Short);
        assert_eq!(FigureLength::Longer.classes(), "headline-value longer");
    }

    #[test]
    fn the_headline_shows_month_12_and_the_horizon_or_only_a_horizon_within_a_year() {
        assert_eq!(headline_months(12), [12]);
        assert_eq!(headline_months(6), [6]);
        assert_eq!(headline_months(36), [12, 36]);
    }

    #[test]
    fn figures_read_as_counts_and_money_and_a_missing_month_as_a_dash() {
        let plan = templates::worked_example().expect("the worked example");
        let projection = project(&plan);
        let moderate = &projection.scenarios[middle_scenario(&plan)];
        assert_eq!(moderate.name, "Moderate");
        // 100 × 1.17¹² = 658.01 users (seed 000's compound growth, 25% − 8%),
        // costing $1,737.28 a month: fixed $90, OpenAI 658.01 × √(25 × 100) ×
        // $0.02 = $658.01, S3 658.01 × √(1 × 4) × $0.023 = $30.27, Supabase
        // Team $599 (329 GB of transfer is past Pro+'s 250 GB) and Redis's
        // 16 GB cluster $360 (6,580 MB is 82% of 8 GB, past its 80% target);
        // $1,737.28 / 658.01 = $2.64 a user.
        let texts: Vec<String> = FIGURES
            .iter()
            .map(|figure| figure.text(moderate.at(12), "USD"))
            .collect();
        assert_eq!(texts[0], "658");
        assert_eq!(texts[1], "$1,737");
        assert_eq!(texts[3], "$2.64");
        assert_eq!(FIGURES[0].text(moderate.at(99), "USD"), "—");
    }

    /// The worked example's Moderate scenario: today's 2 GB Redis runs out at
    /// month 3 (the engine's golden events), nothing earns revenue, and the
    /// cost-per-user cap of $3.00 is broken at month 0: 100 users cost the
    /// fixed $90 (Vercel, Cloudflare, monitoring), Supabase Pro+ $125, Redis
    /// $10, OpenAI 100 × √(25 × 100) × $0.02 = $100 and S3 100 × √(1 × 4) ×
    /// $0.023 = $4.60 (ranges at their medians), $329.60 or $3.30 a user.
    #[test]
    fn call_outs_come_in_the_headline_order_with_their_months() {
        let plan = templates::worked_example().expect("the worked example");
        let projection = project(&plan);
        let said = callouts(&plan, &projection.scenarios[1], None);
        let titles: Vec<&str> = said.iter().map(|c| c.title).collect();
        assert_eq!(
            titles,
            ["Act by", "First to run out", "Break-even", "Budget"]
        );
        let first_limit = &said[1];
        assert_eq!(first_limit.when, "month 3 · Apr 2026");
        assert!(
            first_limit.what.starts_with("Today's Redis"),
            "{first_limit:?}"
        );
        assert_eq!(first_limit.tone, "warn");
        assert_eq!(said[2].when, "No revenue modelled");
        assert_eq!(said[2].tone, "neutral");
        assert_eq!(said[3].when, "month 0 · Jan 2026");
        assert!(said[3].what.contains("$3.30"), "{:?}", said[3]);
        assert_eq!(said[0].when, "by Apr 2026 · month 3");
    }
}
