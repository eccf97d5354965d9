//! Inputs that move together: the plan's rank correlations, each with its
//! strength in words and as a number, and a form to add one from two
//! uncertain inputs and a strength.

use super::super::action_button::ActionButton;
use super::super::plan_field::PlanField;
use super::super::state::PlanState;
use crate::editor::moves_together::{input_choices, input_label, STRENGTHS};
use crate::editor::{Action, Field};
use crate::engine::model::correlations::strength_words;
use leptos::prelude::*;

#[component]
pub fn Correlations() -> impl IntoView {
    let state = expect_context::<PlanState>();
    // Re-rendered when a correlation is added or removed, not while a rank
    // is typed into.
    let pairs = Memo::new(move |_| {
        state.plan.with(|p| {
            p.plan()
                .correlations
                .iter()
                .map(|c| c.inputs.clone())
                .collect::<Vec<_>>()
        })
    });
    let choices = Memo::new(move |_| state.plan.with(|p| input_choices(p.plan())));
    view! {
        <p class="section-note">
            "Uncertain inputs are sampled independently unless you say they move together: faster growth often comes with more use per user. The strength is a rank correlation, −0.95 to 0.95; each input keeps its own range."
        </p>
        <ul class="correlations" data-test="correlations">
            {move || {
                pairs
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(index, [a, b])| view! { <CorrelationRow index a b /> })
                    .collect_view()
            }}
        </ul>
        {move || {
            if choices.with(Vec::len) < 2 {
                view! {
                    <p class="empty">"Make at least two inputs ranges (type 80 – 120 in a driver or growth field) to say how they move together."</p>
                }
                .into_any()
            } else {
                view! { <AddCorrelation choices /> }.into_any()
            }
        }}
    }
}

#[component]
fn CorrelationRow(index: usize, a: String, b: String) -> impl IntoView {
    let state = expect_context::<PlanState>();
    let words = move || {
        state.plan.with(|p| {
            p.plan()
                .correlations
                .get(index)
                .map(|c| strength_words(c.rank).to_string())
                .unwrap_or_default()
        })
    };
    let (left, right) = (input_label(&a), input_label(&b));
    let describe = format!("Remove the correlation of {left} with {right}");
    view! {
        <li class="correlation">
            <p class="pair"><strong>{left.clone()}</strong>" and "<strong>{right.clone()}</strong>" "<span class="words">{words}</span></p>
            <PlanField field=Field::CorrelationRank(index) />
            <ActionButton action=Action::DeleteCorrelation(index) label="Remove" describe=describe tone="danger" />
        </li>
    }
}

#[component]
fn AddCorrelation(choices: Memo<Vec<(String, String)>>) -> impl IntoView {
    let state = expect_context::<PlanState>();
    let first = RwSignal::new(String::new());
    let second = RwSignal::new(String::new());
    let strength = RwSignal::new(STRENGTHS[0].to_string());
    let error = RwSignal::new(None::<String>);
    // Default to the first two choices until the user picks.
    let pick = move |signal: RwSignal<String>, fallback: usize| {
        let chosen = signal.get();
        if chosen.is_empty() {
            choices.with(|c| {
                c.get(fallback)
                    .map(|(name, _)| name.clone())
                    .unwrap_or_default()
            })
        } else {
            chosen
        }
    };
    let add = move |_| {
        let rank = strength.get().parse::<f64>().unwrap_or(0.0);
        let action = Action::AddCorrelation {
            inputs: [pick(first, 0), pick(second, 1)],
            rank,
        };
        error.set(state.act(&action).err());
    };
    let options = move |signal: RwSignal<String>, fallback: usize| {
        let selected = pick(signal, fallback);
        choices
            .get()
            .into_iter()
            .map(|(name, label)| {
                let chosen = name == selected;
                view! { <option value=name selected=chosen>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <div class="add-correlation" data-test="add-correlation">
            <div class="field">
                <label for="correlation-first">"This input"</label>
                <select id="correlation-first" on:change=move |e| first.set(event_target_value(&e))>{move || options(first, 0)}</select>
            </div>
            <div class="field">
                <label for="correlation-strength">"moves"</label>
                <select id="correlation-strength" on:change=move |e| strength.set(event_target_value(&e))>
                    {STRENGTHS
                        .iter()
                        .map(|rank| {
                            let value = rank.to_string();
                            let chosen = move || strength.get() == value;
                            view! { <option value=rank.to_string() selected=chosen>{format!("{} ({rank})", strength_words(*rank).trim_start_matches("move "))}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="correlation-second">"with this one"</label>
                <select id="correlation-second" on:change=move |e| second.set(event_target_value(&e))>{move || options(second, 1)}</select>
            </div>
            <button type="button" class="action add" on:click=add>"Add"</button>
            <p class="field-error" role="alert">{move || error.get().unwrap_or_default()}</p>
        </div>
    }
}
