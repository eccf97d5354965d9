//! The fit panel's "how this would have done" chart: the year before the
//! held-out months as a line, the forecast made from there with its 90%
//! band, and what happened as diamonds, in calendar months.

use super::series_colour;
use super::spec::{Band, ChartSpec, Format, Observed, Series, ACTUAL};
use crate::engine::actuals::hindsight::{Hindsight, HINDSIGHT_MONTHS};
use crate::engine::model::plan::{month_label, month_name};

/// The chart of `seen`; `start_count` is the plan's month 0 as a month
/// count (plan months are counted from it).
pub fn hindsight_chart(seen: &Hindsight, start_count: i32) -> ChartSpec {
    let first = seen
        .context
        .first()
        .map(|o| o.month)
        .or_else(|| seen.held_out.first().map(|m| m.month))
        .unwrap_or(0);
    let last = seen.held_out.last().map_or(first, |m| m.month);
    let x = |month: i32| u32::try_from(month - first).unwrap_or(0);
    let mut spec = ChartSpec::new(
        &format!(
            "How the {} trend would have forecast the last {HINDSIGHT_MONTHS} months",
            seen.trend.name()
        ),
        "Users",
        Format::Count,
        x(last).max(1),
    );
    spec.zero_based = false;
    spec.month_labels = (first..=last)
        .map(|month| month_name(&month_label(start_count + month)))
        .collect();
    let colour = series_colour(0);
    spec.bands.push(Band {
        name: "90% band".into(),
        colour,
        opacity: 0.22,
        points: seen
            .held_out
            .iter()
            .map(|m| (x(m.month), m.low, m.high))
            .collect(),
    });
    spec.lines.push(Series {
        name: "Users before".into(),
        colour,
        points: seen.context.iter().map(|o| (x(o.month), o.users)).collect(),
        bold: false,
        dashed: false,
    });
    spec.lines.push(Series {
        name: "Forecast from then".into(),
        colour,
        points: seen
            .held_out
            .iter()
            .map(|m| (x(m.month), m.median))
            .collect(),
        bold: false,
        dashed: true,
    });
    spec.observed.push(Observed {
        name: "What happened".into(),
        colour: ACTUAL,
        points: seen
            .held_out
            .iter()
            .map(|m| (x(m.month), m.actual))
            .collect(),
    });
    spec
}
