//! What each chart shows, as plain data built from a projection: series,
//! bands, stacked areas, reference lines and markers. One renderer draws any
//! of them ([`super::draw_chart`]), and the page's read-out reads the exact
//! values under the pointer from the same data.

use super::series_colour;
use crate::engine::analyse::events::EventKind;
use crate::engine::analyse::scenario::{Projection, ScenarioProjection};
use crate::engine::model::number::{
    currency_affixes, format_compact, format_in_unit, format_money, format_percent,
};
use crate::engine::model::plan::{Component, Series as ActualSeries};
use crate::engine::model::validate::ValidPlan;
use crate::engine::output::break_even_month;
use crate::engine::project::months::cost_line_names;
use crate::engine::uncertainty::Bands;
use plotters::style::RGBColor;

/// How the values on the vertical axis read.
#[derive(Debug, Clone, PartialEq)]
pub enum Format {
    Count,
    /// Money in the plan's currency, compact on the axis: `$12k`.
    Money(String),
    Percent,
    /// A metric's unit: `MB` and `GB` read as sizes.
    Unit(String),
}

impl Format {
    /// An axis label: compact.
    pub fn axis(&self, value: f64) -> String {
        match self {
            Format::Count => format_compact(value),
            Format::Money(currency) if value.abs() >= 1000.0 => {
                let (prefix, suffix) = currency_affixes(currency);
                if suffix.is_empty() {
                    format!("{prefix}{}", format_compact(value))
                } else {
                    format!("{suffix} {}", format_compact(value))
                }
            }
            Format::Money(currency) => format_money(value, currency),
            Format::Percent => format_percent((value * 100.0).round() / 100.0),
            Format::Unit(unit) => format_in_unit(value, unit),
        }
    }

    /// A read-out value: exact enough to check.
    pub fn exact(&self, value: f64) -> String {
        match self {
            Format::Count => crate::engine::model::number::format_count(value),
            Format::Money(currency) => format_money(value, currency),
            Format::Percent => format_percent((value * 1000.0).round() / 1000.0),
            Format::Unit(unit) => format_in_unit(value, unit),
        }
    }
}

/// A named line of values by month.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub colour: RGBColor,
    pub points: Vec<(u32, f64)>,
    /// Drawn thicker (the chosen scenario).
    pub bold: bool,
    pub dashed: bool,
}

/// A shaded range between two lines (a percentile band).
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub name: String,
    pub colour: RGBColor,
    /// How strongly it is shaded, 0..1.
    pub opacity: f64,
    /// `(month, low, high)`.
    pub points: Vec<(u32, f64, f64)>,
}

/// A horizontal reference line: a threshold, a cap.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub name: String,
    pub value: f64,
    pub colour: RGBColor,
}

/// A point worth pointing at: a component scaling (no label: the legend
/// explains those), break-even, a cap crossed.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub month: u32,
    pub value: f64,
    pub label: Option<String>,
    pub colour: RGBColor,
}

/// What really happened, drawn as distinct marks (a diamond) on top of the
/// plan's lines and bands.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    pub name: String,
    pub colour: RGBColor,
    pub points: Vec<(u32, f64)>,
}

/// One line-and-area chart over months.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    /// What the chart shows, for its accessible name and file name.
    pub title: String,
    pub y_label: String,
    pub format: Format,
    /// Plot the values on a logarithmic axis.
    pub log_y: bool,
    /// Start a linear axis at 0 (most charts); `false` fits the axis to the
    /// values, for a chart about small differences (the fit's hindsight).
    pub zero_based: bool,
    pub horizon: u32,
    pub bands: Vec<Band>,
    /// Stacked areas, bottom first; their points are each line's own value.
    pub stacked: Vec<Series>,
    pub lines: Vec<Series>,
    pub rules: Vec<Rule>,
    pub markers: Vec<Marker>,
    /// Actuals, on top of everything.
    pub observed: Vec<Observed>,
    /// Calendar labels (`Mar 2026`) for months 0 to `horizon` of a chart
    /// that is not in plan months (the fit panel's hindsight); empty: the
    /// plan's months.
    pub month_labels: Vec<String>,
}

impl ChartSpec {
    /// A chart with nothing on it yet.
    pub fn empty(title: &str) -> Self {
        ChartSpec::new(title, "", Format::Count, 1)
    }

    pub(crate) fn new(title: &str, y_label: &str, format: Format, horizon: u32) -> Self {
        ChartSpec {
            title: title.into(),
            y_label: y_label.into(),
            format,
            log_y: false,
            zero_based: true,
            horizon,
            bands: Vec::new(),
            stacked: Vec::new(),
            lines: Vec::new(),
            rules: Vec::new(),
            markers: Vec::new(),
            observed: Vec::new(),
            month_labels: Vec::new(),
        }
    }

    /// The calendar label of `month` when the chart carries its own.
    pub fn month_label(&self, month: u32) -> Option<&str> {
        self.month_labels.get(month as usize).map(String::as_str)
    }

    /// Every value at `month`, as the read-out lists them: `(name, value)`.
    pub fn values_at(&self, month: u32) -> Vec<(String, String)> {
        let at = |points: &[(u32, f64)]| points.iter().find(|(m, _)| *m == month).map(|(_, v)| *v);
        let mut rows = Vec::new();
        for series in self.lines.iter().chain(self.stacked.iter().rev()) {
            if let Some(value) = at(&series.points) {
                rows.push((series.name.clone(), self.format.exact(value)));
            }
        }
        for band in &self.bands {
            if let Some((_, low, high)) = band.points.iter().find(|(m, ..)| *m == month) {
                let range = format!("{} – {}", self.format.exact(*low), self.format.exact(*high));
                rows.push((band.name.clone(), range));
            }
        }
        if !self.stacked.is_empty() {
            let total: f64 = self.stacked.iter().filter_map(|s| at(&s.points)).sum();
            rows.push(("Total".into(), self.format.exact(total)));
        }
        for observed in &self.observed {
            if let Some(value) = at(&observed.points) {
                rows.push((observed.name.clone(), self.format.exact(value)));
            }
        }
        rows
    }

    /// The largest value drawn, for the axis.
    pub fn peak(&self) -> f64 {
        let stack_total = (0..=self.horizon)
            .map(|month| {
                self.stacked
                    .iter()
                    .filter_map(|s| {
                        s.points
                            .iter()
                            .find(|(m, _)| *m == month)
                            .map(|(_, v)| v.max(0.0))
                    })
                    .sum::<f64>()
            })
            .fold(0.0, f64::max);
        self.lines
            .iter()
            .flat_map(|s| s.points.iter().map(|(_, v)| *v))
            .chain(
                self.bands
                    .iter()
                    .flat_map(|b| b.points.iter().map(|(_, _, high)| *high)),
            )
            .chain(self.rules.iter().map(|r| r.value))
            .chain(self.markers.iter().map(|m| m.value))
            .chain(
                self.observed
                    .iter()
                    .flat_map(|o| o.points.iter().map(|(_, v)| *v)),
            )
            .filter(|v| v.is_finite())
            .fold(stack_total, f64::max)
    }
}

/// Actuals: near-black, so they read against every series colour.
pub const ACTUAL: RGBColor = RGBColor(20, 20, 20);

/// The actuals of `series` in the projected months, as chart points.
fn observed(
    valid: &ValidPlan,
    series: &ActualSeries,
    name: &str,
    colour: RGBColor,
    horizon: u32,
) -> Option<Observed> {
    let points: Vec<(u32, f64)> = valid
        .actuals_of(series)
        .into_iter()
        .filter_map(|(month, value)| {
            let month = u32::try_from(month).ok().filter(|m| *m <= horizon)?;
            Some((month, value))
        })
        .collect();
    (!points.is_empty()).then(|| Observed {
        name: name.to_string(),
        colour,
        points,
    })
}

pub const YELLOW: RGBColor = RGBColor(170, 130, 0);
pub const RED: RGBColor = RGBColor(200, 30, 30);
const REVENUE: RGBColor = RGBColor(0, 158, 115);
const COST: RGBColor = RGBColor(0, 114, 178);

/// 1. Users per scenario; the chosen one bold, with its P10–P90 and P5–P95 bands.
pub fn users_chart(
    valid: &ValidPlan,
    projection: &Projection,
    bands: Option<&Bands>,
    chosen: usize,
    log_y: bool,
) -> ChartSpec {
    let horizon = horizon_of(projection);
    let mut spec = ChartSpec::new("Users by scenario", "Users", Format::Count, horizon);
    spec.log_y = log_y;
    for (index, scenario) in projection.scenarios.iter().enumerate() {
        spec.lines.push(Series {
            name: scenario.name.clone(),
            colour: series_colour(index),
            points: scenario.months.iter().map(|m| (m.month, m.users)).collect(),
            bold: index == chosen,
            dashed: false,
        });
    }
    // The chosen scenario on top, so it reads as the one the tables show.
    if chosen < spec.lines.len() {
        let chosen_line = spec.lines.remove(chosen);
        spec.lines.push(chosen_line);
    }
    if let Some(scenario) = bands.and_then(|b| b.scenarios.get(chosen)) {
        let users = bands.and_then(|b| b.quantities.iter().position(|q| q == "users"));
        if let Some(users) = users {
            let colour = series_colour(chosen);
            let band =
                |name: &str,
                 opacity: f64,
                 pick: fn(&crate::engine::uncertainty::Percentiles) -> (f64, f64)| {
                    Band {
                        name: format!("{} {name}", scenario.name),
                        colour,
                        opacity,
                        points: scenario
                            .months
                            .iter()
                            .filter_map(|m| {
                                let p = m.percentiles.get(users).copied().flatten()?;
                                let (low, high) = pick(&p);
                                Some((m.month, low, high))
                            })
                            .collect(),
                    }
                };
            spec.bands.push(band("P5–P95", 0.12, |p| (p.p5, p.p95)));
            spec.bands.push(band("P10–P90", 0.22, |p| (p.p10, p.p90)));
        }
    }
    spec.observed.extend(observed(
        valid,
        &ActualSeries::Users,
        "Actual users",
        ACTUAL,
        horizon,
    ));
    spec
}

/// 2. The chosen scenario's monthly cost, stacked by cost line.
pub fn cost_chart(valid: &ValidPlan, scenario: &ScenarioProjection) -> ChartSpec {
    let plan = valid.plan();
    let mut spec = ChartSpec::new(
        &format!("Monthly cost by line, {}", scenario.name),
        "Monthly cost",
        Format::Money(plan.currency.clone()),
        horizon_of_scenario(scenario),
    );
    for (index, name) in cost_line_names(plan).into_iter().enumerate() {
        spec.stacked.push(Series {
            name: name.to_string(),
            colour: series_colour(index),
            points: scenario
                .months
                .iter()
                .map(|m| (m.month, m.costs[index]))
                .collect(),
            bold: false,
            dashed: false,
        });
    }
    let horizon = spec.horizon;
    spec.observed.extend(observed(
        valid,
        &ActualSeries::TotalCost,
        "Actual total cost",
        ACTUAL,
        horizon,
    ));
    spec
}

/// 3. Each component's utilization, its thresholds, and where it scales.
pub fn utilization_chart(valid: &ValidPlan, scenario: &ScenarioProjection) -> ChartSpec {
    let plan = valid.plan();
    let mut spec = ChartSpec::new(
        &format!("Utilization by component, {}", scenario.name),
        "Utilization",
        Format::Percent,
        horizon_of_scenario(scenario),
    );
    for (index, component) in plan.components.iter().enumerate() {
        let colour = series_colour(index);
        spec.lines.push(Series {
            name: component.name().to_string(),
            colour,
            points: scenario
                .months
                .iter()
                .map(|m| (m.month, m.components[index].utilization))
                .collect(),
            bold: false,
            dashed: false,
        });
        for pair in scenario.months.windows(2) {
            let (before, after) = (&pair[0].components[index], &pair[1].components[index]);
            if before.units != after.units || before.tier != after.tier {
                spec.markers.push(Marker {
                    month: pair[1].month,
                    value: after.utilization,
                    label: None,
                    colour,
                });
            }
        }
    }
    // Utilization as the actuals put it, in each component's colour.
    let actual = crate::engine::actuals::compare::actual_utilization(valid, scenario);
    for (index, component) in plan.components.iter().enumerate() {
        let points: Vec<(u32, f64)> = actual
            .iter()
            .filter(|(c, ..)| *c == index)
            .map(|(_, month, utilization)| (*month, *utilization))
            .collect();
        if !points.is_empty() {
            spec.observed.push(Observed {
                name: format!("{} actual", component.name()),
                colour: series_colour(index),
                points,
            });
        }
    }
    // Each distinct threshold once (none for a component sized by latency
    // alone, whose status is its target's).
    for component in &plan.components {
        let thresholds = match component {
            Component::Horizontal(h) => h.utilization_thresholds(),
            Component::Tiered(t) => t.thresholds,
        };
        for (name, value, colour) in [
            ("yellow", thresholds.yellow, YELLOW),
            ("red", thresholds.red, RED),
        ] {
            if value.is_finite()
                && !spec
                    .rules
                    .iter()
                    .any(|r| r.value == value && r.colour == colour)
            {
                spec.rules.push(Rule {
                    name: format!("{name} from {}", format_percent(value)),
                    value,
                    colour,
                });
            }
        }
    }
    spec
}

/// 4. Cumulative cost against cumulative revenue, break-even marked.
pub fn cumulative_chart(valid: &ValidPlan, scenario: &ScenarioProjection) -> ChartSpec {
    let plan = valid.plan();
    let mut spec = ChartSpec::new(
        &format!("Cumulative cost and revenue, {}", scenario.name),
        "Cumulative",
        Format::Money(plan.currency.clone()),
        horizon_of_scenario(scenario),
    );
    spec.lines.push(Series {
        name: "Cumulative cost".into(),
        colour: COST,
        points: scenario
            .months
            .iter()
            .map(|m| (m.month, m.cumulative_cost))
            .collect(),
        bold: true,
        dashed: false,
    });
    if plan.revenue.is_some() {
        spec.lines.push(Series {
            name: "Cumulative revenue".into(),
            colour: REVENUE,
            points: scenario
                .months
                .iter()
                .filter_map(|m| Some((m.month, m.cumulative_revenue?)))
                .collect(),
            bold: true,
            dashed: false,
        });
        if let Some(month) = break_even_month(&scenario.events) {
            let value = scenario.at(month).map_or(0.0, |m| m.cumulative_cost);
            spec.markers.push(Marker {
                month,
                value,
                label: Some(format!("break-even, month {month}")),
                colour: REVENUE,
            });
        }
    }
    spec
}

/// 5. Cost per user, with the budget's cap.
pub fn cost_per_user_chart(valid: &ValidPlan, scenario: &ScenarioProjection) -> ChartSpec {
    let plan = valid.plan();
    let mut spec = ChartSpec::new(
        &format!("Cost per user, {}", scenario.name),
        "Cost per user",
        Format::Money(plan.currency.clone()),
        horizon_of_scenario(scenario),
    );
    spec.lines.push(Series {
        name: "Cost per user".into(),
        colour: COST,
        points: scenario
            .months
            .iter()
            .filter_map(|m| Some((m.month, m.cost_per_user?)))
            .collect(),
        bold: true,
        dashed: false,
    });
    if let Some(cap) = plan.budget.as_ref().and_then(|b| b.cost_per_user_cap) {
        spec.rules.push(Rule {
            name: format!("cap {}", format_money(cap, &plan.currency)),
            value: cap,
            colour: RED,
        });
    }
    if let Some(event) = scenario
        .events
        .iter()
        .find(|e| e.kind == EventKind::CostPerUserBroken)
    {
        if let Some(value) = scenario.at(event.month).and_then(|m| m.cost_per_user) {
            spec.markers.push(Marker {
                month: event.month,
                value,
                label: Some("over the cap".into()),
                colour: RED,
            });
        }
    }
    spec
}

/// One bar of the tornado: an input and the outcome at its low and high bound.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoBar {
    pub input: String,
    pub at_low: f64,
    pub at_high: f64,
}

/// 6. The sensitivity tornado: what moves the cumulative cost most.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoSpec {
    pub title: String,
    pub format: Format,
    /// The outcome with every input at its median.
    pub baseline: f64,
    /// Largest swing first.
    pub bars: Vec<TornadoBar>,
}

pub fn tornado_chart(
    valid: &ValidPlan,
    scenario: &ScenarioProjection,
    bands: Option<&Bands>,
    chosen: usize,
) -> TornadoSpec {
    let plan = valid.plan();
    let horizon = horizon_of_scenario(scenario);
    TornadoSpec {
        title: format!("Cumulative cost at month {horizon}, {}", scenario.name),
        format: Format::Money(plan.currency.clone()),
        baseline: scenario.last().map_or(0.0, |m| m.cumulative_cost),
        bars: bands
            .and_then(|b| b.scenarios.get(chosen))
            .map(|s| {
                s.sensitivity
                    .iter()
                    .take(8)
                    .map(|s| TornadoBar {
                        input: s.display_name(),
                        at_low: s.cumulative_cost.0,
                        at_high: s.cumulative_cost.1,
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn horizon_of(projection: &Projection) -> u32 {
    projection
        .scenarios
        .iter()
        .map(horizon_of_scenario)
        .max()
        .unwrap_or(1)
}

fn horizon_of_scenario(scenario: &ScenarioProjection) -> u32 {
    scenario.months.last().map_or(1, |m| m.month).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::analyse::scenario::project;
    use crate::engine::model::templates;

    #[test]
    fn the_cost_chart_stacks_every_line_and_reads_out_the_total() {
        let plan = templates::worked_example().unwrap();
        let projection = project(&plan);
        let spec = cost_chart(&plan, &projection.scenarios[1]);
        let names: Vec<&str> = spec.stacked.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Supabase",
                "Redis",
                "Vercel",
                "OpenAI API",
                "AWS S3",
                "Cloudflare",
                "Monitoring"
            ]
        );
        // Moderate, month 12: $1,737 in all (the CLI's table), Supabase on Team at $599.
        let readout = spec.values_at(12);
        assert!(
            readout.contains(&("Total".to_string(), "$1,737".to_string())),
            "{readout:?}"
        );
        assert!(readout.contains(&("Supabase".to_string(), "$599".to_string())));
    }

    #[test]
    fn utilization_marks_each_scaling_and_each_threshold_once() {
        let plan = templates::worked_example().unwrap();
        let projection = project(&plan);
        let spec = utilization_chart(&plan, &projection.scenarios[1]);
        // Moderate: Redis moves tier at months 3, 8 and 12; Supabase at 9 (the events list).
        let mut months: Vec<u32> = spec.markers.iter().map(|m| m.month).collect();
        months.sort_unstable();
        assert_eq!(months, [3, 8, 9, 12]);
        // Both components use 60% / 80%: two rules, not four.
        assert_eq!(spec.rules.len(), 2);
        assert_eq!(spec.rules[0].name, "yellow from 60%");
    }

    #[test]
    fn break_even_is_marked_on_the_cumulative_chart() {
        let lean = templates::load("lean-mvp").unwrap().unwrap();
        let projection = project(&lean);
        let spec = cumulative_chart(&lean, &projection.scenarios[1]);
        assert_eq!(spec.lines.len(), 2, "cost and revenue");
        assert_eq!(spec.markers.len(), 1);
        assert_eq!(
            spec.markers[0].label.as_deref(),
            Some("break-even, month 0")
        );
    }

    #[test]
    fn axis_labels_read_in_the_plan_units() {
        assert_eq!(Format::Money("USD".into()).axis(12_000.0), "$12k");
        assert_eq!(Format::Money("CHF".into()).axis(12_000.0), "CHF 12k");
        assert_eq!(Format::Money("USD".into()).axis(500.0), "$500");
        assert_eq!(Format::Unit("GB".into()).axis(1500.0), "1.5 TB");
        assert_eq!(Format::Count.axis(3_400_000.0), "3.4M");
        assert_eq!(Format::Percent.axis(0.6), "60%");
    }
}

/// What a comparison overlays: a scenario's users or monthly cost in this
/// plan (solid) and in the plan compared with (dashed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Users,
    MonthlyCost,
}

/// One scenario in two plans on one chart: this plan solid, the other
/// dashed, so the change reads at a glance (and without colour: the dash).
pub fn comparison_chart(
    overlay: Overlay,
    current: &ScenarioProjection,
    current_label: &str,
    other: &ScenarioProjection,
    other_label: &str,
    currency: &str,
) -> ChartSpec {
    let (title, y_label, format) = match overlay {
        Overlay::Users => (
            "Users: this plan and the one compared",
            "Users",
            Format::Count,
        ),
        Overlay::MonthlyCost => (
            "Monthly cost: this plan and the one compared",
            "Monthly cost",
            Format::Money(currency.to_string()),
        ),
    };
    let value = |m: &crate::engine::project::months::MonthResult| match overlay {
        Overlay::Users => m.users,
        Overlay::MonthlyCost => m.total_cost,
    };
    let horizon = current
        .last()
        .map_or(0, |m| m.month)
        .max(other.last().map_or(0, |m| m.month))
        .max(1);
    let mut spec = ChartSpec::new(title, y_label, format, horizon);
    spec.lines.push(Series {
        name: format!("{} ({other_label})", other.name),
        colour: series_colour(1),
        points: other.months.iter().map(|m| (m.month, value(m))).collect(),
        bold: false,
        dashed: true,
    });
    spec.lines.push(Series {
        name: format!("{} ({current_label})", current.name),
        colour: series_colour(0),
        points: current.months.iter().map(|m| (m.month, value(m))).collect(),
        bold: true,
        dashed: false,
    });
    spec
}
