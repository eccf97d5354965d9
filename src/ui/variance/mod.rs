//! An actual beside the plan's figure: "actual 326 ▼ 85 (21%)", coloured by
//! direction and marked with an arrow, so it never reads by colour alone.

use crate::engine::actuals::compare::{format_difference, percent_text, Variance};
use crate::engine::model::plan::Series;
use crate::engine::model::validate::ValidPlan;
use leptos::prelude::*;

/// A table cell's figure as shown, with an actual for that month when there
/// is one: the series, the actual and the plan's figure.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NotedFigure {
    pub text: String,
    pub note: Option<(Series, f64, f64)>,
}

impl NotedFigure {
    /// `text`, with the actual of `series` at `month` (if any) against `planned`.
    pub fn new(
        valid: &ValidPlan,
        text: String,
        series: Option<Series>,
        month: u32,
        planned: impl FnOnce(&Series) -> Option<f64>,
    ) -> NotedFigure {
        let note = series.and_then(|series| {
            let actual = valid.actual(&series, month as i32)?;
            let planned = planned(&series)?;
            Some((series, actual, planned))
        });
        NotedFigure { text, note }
    }
}

/// A `<td>` that follows `figure` as it changes: its text rewritten, its
/// note rebuilt only when there is one.
pub fn noted_cell(
    figure: impl Fn() -> Option<NotedFigure> + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let plan = expect_context::<super::state::PlanState>().plan;
    let text = move || figure().map(|f| f.text).unwrap_or_default();
    let note = move || {
        figure()
            .and_then(|f| f.note)
            .map(|(series, actual, planned)| {
                plan.with(|p| variance_note(p, &series, actual, planned))
            })
    };
    view! { <td>{text}{note}</td> }
}

/// The note for one actual against its plan figure.
pub fn variance_note(valid: &ValidPlan, series: &Series, actual: f64, plan: f64) -> impl IntoView {
    let variance = Variance::of(actual, plan);
    let (arrow, direction) = if variance.absolute > 0.0 {
        ("▲", "above")
    } else if variance.absolute < 0.0 {
        ("▼", "below")
    } else {
        ("", "on-plan")
    };
    let difference = format_difference(valid, series, variance.absolute);
    let percent = variance
        .percent
        .map(|p| format!(" ({})", percent_text(p.abs())))
        .unwrap_or_default();
    let shown = crate::engine::actuals::compare::format_value(valid, series, actual);
    let described = format!(
        "actual {shown}, {} plan",
        if direction == "on-plan" {
            "on".to_string()
        } else {
            format!("{difference}{percent} {direction}")
        }
    );
    view! {
        <span class="actual-note" title=described.clone()>
            <span class="actual-value">{format!("actual {shown}")}</span>
            <span class=format!("variance {direction}")>
                <span aria-hidden="true">{arrow}</span>
                {if direction == "on-plan" {
                    "on plan".to_string()
                } else {
                    format!(" {}{percent}", difference.trim_start_matches(['+', '−']))
                }}
            </span>
        </span>
    }
}
