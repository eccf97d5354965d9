//! Decisions beside each component's sizing: the changes ahead with the
//! month each is needed and the month to act by, and the recommended
//! commitment with "Use this commitment". Under uncertainty both come from
//! the bands (at the plan's confidence); otherwise from the projection.

use super::action_button::ActionButton;
use super::state::PlanState;
use super::{calendar, BandsState, ProjectionMemo};
use crate::editor::Action;
use crate::engine::analyse::decisions::{months_text, percent, ActBy, Recommendation};
use crate::engine::model::number::format_money;
use crate::engine::model::number::units_text;
use crate::engine::model::plan::{Commitment, Component};
use crate::engine::model::validate::ValidPlan;
use leptos::prelude::*;

/// The chosen scenario's act-by entries (date order) and commitments for
/// the component named `component`.
fn component_decisions(
    state: PlanState,
    projection: ProjectionMemo,
    bands: BandsState,
    component: &str,
) -> (Vec<ActBy>, Vec<Recommendation>) {
    let index = state.selected.get();
    bands.bands.with(|bands| {
        projection.0.with(|p| {
            p.scenarios
                .get(index)
                .map(|scenario| {
                    let (act_by, commitments) =
                        crate::engine::output::decisions(scenario, bands.as_ref());
                    (
                        act_by
                            .into_iter()
                            .filter(|a| a.component == component)
                            .cloned()
                            .collect(),
                        commitments
                            .iter()
                            .filter(|r| r.component == component)
                            .cloned()
                            .collect(),
                    )
                })
                .unwrap_or_default()
        })
    })
}

/// When to act, in words for a table cell: "Jul 2026 (month 6)", "late by
/// 2 months — start now", "not needed within 24 months".
pub fn act_by_text(valid: &ValidPlan, act_by: &ActBy) -> String {
    match (act_by.late_by(), act_by.act_by_month) {
        (Some(late), _) => format!("late by {} — start now", months_text(late)),
        (None, Some(month)) => {
            let month = month.max(0) as u32;
            format!("{} (month {month})", calendar(valid, month))
        }
        (None, None) => act_by.not_needed(valid.plan().horizon_months),
    }
}

/// The changes ahead for one component and its recommended commitment.
#[component]
pub fn ComponentDecisions(component: usize) -> impl IntoView {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>();
    let bands = expect_context::<BandsState>();
    let plan = state.plan;
    // All the table and the box read, a memo: they are rebuilt when this
    // component's decisions or its definition change, not on every keystroke
    // (under uncertainty the decisions wait for the bands; issue 29).
    let inputs = Memo::new(move |_| {
        let definition = plan.with(|valid| valid.plan().components.get(component).cloned());
        let name = definition
            .as_ref()
            .map(|c| c.name().to_string())
            .unwrap_or_default();
        let (act_by, commitments) = component_decisions(state, projection, bands, &name);
        plan.with(|valid| {
            let p = valid.plan();
            (
                act_by,
                commitments,
                definition,
                p.currency.clone(),
                p.horizon_months,
                valid.calendar_label(0),
            )
        })
    });
    move || {
        let (act_by, commitments) =
            inputs.with(|(act_by, commitments, ..)| (act_by.clone(), commitments.clone()));
        plan.with_untracked(|valid| {
            let p = valid.plan();
            let component_plan = p.components.get(component)?;
            let name = component_plan.name().to_string();
            let rows: Vec<_> = act_by
                .iter()
                .map(|a| {
                    let needed = a.needed_month.map_or_else(
                        || "—".to_string(),
                        |m| format!("{} (month {m})", calendar(valid, m)),
                    );
                    let late = a.late_by().is_some();
                    view! {
                        <tr>
                            <th scope="row" class="text">{a.label.clone()}</th>
                            <td>{needed}</td>
                            <td class:late=late>{act_by_text(valid, a)}</td>
                        </tr>
                    }
                })
                .collect();
            let steps = (!rows.is_empty()).then(|| {
                let lead = match component_plan.lead_time_months() {
                    0 => "no lead time".to_string(),
                    n => format!("a lead time of {}", months_text(n)),
                };
                let sure = act_by.first().map_or(1.0, |a| a.confidence);
                let caption = if sure < 1.0 {
                    format!("Changes ahead: act by the month that keeps {} of the simulated futures in time, with {lead}", percent(sure))
                } else {
                    format!("Changes ahead, with {lead}")
                };
                view! {
                    <div class="table-scroll" tabindex="0" role="region" aria-label=format!("{name}: changes ahead")>
                        <table class="act-by-table" data-test="act-by-table">
                            <caption>{caption}</caption>
                            <thead>
                                <tr>
                                    <th scope="col" class="text">"Change"</th>
                                    <th scope="col">"Needed"</th>
                                    <th scope="col">"Act by"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            });
            let commitment = commitment_box(valid, component, &name, &commitments);
            Some(view! { {steps}{commitment} })
        })
    }
}

/// The recommended commitment for a horizontal component, with the action
/// that writes it into the plan, or the commitment the plan already has.
fn commitment_box(
    valid: &ValidPlan,
    component: usize,
    name: &str,
    commitments: &[Recommendation],
) -> Option<impl IntoView> {
    let plan = valid.plan();
    let Component::Horizontal(h) = plan.components.get(component)? else {
        return None;
    };
    let money = |value: f64| format_money(value, &plan.currency);
    let current = h.commitment.map(|c| {
        let remove = Action::Commit {
            component,
            commitment: None,
        };
        view! {
            <p>
                {format!(
                    "Committed: {} unit{} for {} months from month {} at {} off.",
                    c.units,
                    if c.units == 1 { "" } else { "s" },
                    c.term_months,
                    c.start_month,
                    percent(h.reserved_discount)
                )}
            </p>
            <ActionButton action=remove label="Remove the commitment" describe=format!("Remove the commitment of {name}") />
        }
    });
    let recommended = commitments.iter().find(|r| r.component == name).map(|r| {
        let already = h.commitment
            == Some(Commitment {
                units: r.units,
                term_months: r.term_months,
                start_month: r.start_month,
            });
        let apply = Action::Commit {
            component,
            commitment: Some(Commitment {
                units: r.units,
                term_months: r.term_months,
                start_month: r.start_month,
            }),
        };
        let idle = if r.idle_probability > 0.0 {
            format!(
                " About {} committed unit{} sit idle in an average month; {} of the futures have one idle at some point.",
                (r.expected_idle_units * 10.0).round() / 10.0,
                if (r.expected_idle_units - 1.0).abs() < 0.05 { "" } else { "s" },
                percent(r.idle_probability)
            )
        } else {
            " Every committed unit is in use every month.".to_string()
        };
        if r.units == 0 {
            // Too few months (or futures) need even one unit for a discount
            // this size to pay.
            return view! {
                <p data-test="commitment-recommendation">
                    {format!(
                        "No commitment pays at {} off for {} months from {}: committed units would sit idle too often.",
                        percent(h.reserved_discount),
                        r.term_months,
                        calendar(valid, r.start_month)
                    )}
                </p>
            }
            .into_any();
        }
        view! {
            <p data-test="commitment-recommendation">
                <strong>{format!("Commit {}", units_text(r.units))}</strong>
                {format!(
                    " for {} months from {} at {} off: an expected saving of {} against {} all on demand.{idle}",
                    r.term_months,
                    calendar(valid, r.start_month),
                    percent(h.reserved_discount),
                    money(r.expected_saving),
                    money(r.on_demand_cost)
                )}
            </p>
            {(!already).then(|| view! {
                <ActionButton action=apply label="Use this commitment" describe=format!("Use this commitment for {name}") />
            })}
        }
        .into_any()
    });
    if current.is_none() && recommended.is_none() {
        return None;
    }
    Some(view! {
        <div class="commitment" data-test="commitment">
            <p class="commitment-title">"Commitment"</p>
            {current}
            {recommended}
        </div>
    })
}
