//! An actual beside the plan's figure: "actual 326 ▼ 85 (21%)", coloured by
//! direction and marked with an arrow, so it never reads by colour alone.

use crate::engine::actuals::compare::{format_difference, percent_text, Variance};
use crate::engine::model::plan::Series;
use crate::engine::model::validate::ValidPlan;
use leptos::prelude::*;

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
