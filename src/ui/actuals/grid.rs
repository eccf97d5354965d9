//! The actuals grid: one row per month (from the first actual to the month
//! after the last, so the next month can be typed), one column per series.
//! A cell commits when it loses focus or Enter is pressed; an empty cell has
//! no value. A refused value stays in its cell, marked, with its message.

use crate::editor::actuals::{all_series, cell_text, clear_actuals, grid, set_actual};
use crate::engine::actuals::import::month_name;
use crate::engine::plan::Series;
use crate::ui::state::PlanState;
use leptos::prelude::*;

#[component]
pub fn ActualsGrid() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let plan = state.plan;
    // Columns the user added that have no value yet.
    let added = RwSignal::new(Vec::<Series>::new());
    let error = RwSignal::new(None::<(Series, i32, String)>);
    let shape = Memo::new(move |_| plan.with(|p| grid(p, &added.get())));
    let series = Memo::new(move |_| shape.with(|g| g.series.clone()));
    let months = Memo::new(move |_| shape.with(|g| g.months.clone()));
    let commit = move |series: Series, month: i32, text: String| {
        let unchanged = plan.with_untracked(|p| cell_text(p, &series, month) == text.trim());
        if unchanged {
            error.update(|e| {
                if e.as_ref()
                    .is_some_and(|(s, m, _)| *s == series && *m == month)
                {
                    *e = None;
                }
            });
            return;
        }
        match plan.with_untracked(|p| set_actual(p, &series, month, &text)) {
            Ok(edited) => {
                error.set(None);
                state.replace(edited);
            }
            Err(message) => error.set(Some((series, month, message))),
        }
    };
    let cell = move |series: Series, month: i32| {
        let label = plan.with_untracked(|p| {
            format!(
                "{} in {}",
                series.label(),
                month_name(&p.calendar_label_of(month))
            )
        });
        let value = {
            let series = series.clone();
            move || plan.with(|p| cell_text(p, &series, month))
        };
        let invalid = {
            let series = series.clone();
            move || {
                error.with(|e| {
                    e.as_ref()
                        .is_some_and(|(s, m, _)| *s == series && *m == month)
                })
            }
        };
        let on_change = {
            let series = series.clone();
            move |event: leptos::ev::Event| {
                commit(series.clone(), month, event_target_value(&event))
            }
        };
        view! {
            <td class:invalid=invalid>
                <input
                    type="text"
                    inputmode="decimal"
                    autocomplete="off"
                    aria-label=label
                    data-actual=format!("{}@{month}", series.key())
                    prop:value=value
                    on:change=on_change
                />
            </td>
        }
    };
    let row = move |month: i32| {
        let (name, note) = plan.with_untracked(|p| {
            let horizon = p.plan().horizon_months as i32;
            let note = if month < 0 {
                "history".to_string()
            } else if month > horizon {
                "after the horizon".to_string()
            } else {
                format!("month {month}")
            };
            (month_name(&p.calendar_label_of(month)), note)
        });
        let cells = series
            .get_untracked()
            .into_iter()
            .map(|s| cell(s, month))
            .collect_view();
        view! {
            <tr>
                <th scope="row">{name}<span class="cell-note">{note}</span></th>
                {cells}
            </tr>
        }
    };
    let addable = move || {
        let shown = series.get();
        plan.with(|p| {
            all_series(p)
                .into_iter()
                .filter(|s| !shown.contains(s))
                .collect::<Vec<_>>()
        })
    };
    let chosen = RwSignal::new(String::new());
    let add_column = move |_| {
        let key = chosen.get_untracked();
        if let Some(found) = addable().into_iter().find(|s| s.key() == key) {
            added.update(|columns| columns.push(found));
        }
    };
    let clear_error = RwSignal::new(None::<String>);
    let clear_all = move |_| match plan.with_untracked(clear_actuals) {
        Ok(edited) => {
            added.set(Vec::new());
            state.replace(edited);
        }
        Err(message) => clear_error.set(Some(message)),
    };
    view! {
        <h3>"Month by month"</h3>
        {move || {
            let columns = series.get();
            if columns.is_empty() {
                return view! {
                    <p class="section-note">"No actuals yet: import a file above, or add a column below and type them in."</p>
                }
                .into_any();
            }
            let head = columns
                .iter()
                .map(|s| view! { <th scope="col" class="text">{s.label()}</th> })
                .collect_view();
            view! {
                <div class="table-scroll actuals-scroll" tabindex="0" role="region" aria-label="Actuals by month">
                    <table class="edit-table actuals-grid" data-test="actuals-grid">
                        <thead>
                            <tr>
                                <th scope="col">"Month"</th>
                                {head}
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || months.get() key=|month| *month children=row />
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        }}
        <p class="field-error" role="alert">{move || error.get().map(|(_, _, message)| message).unwrap_or_default()}</p>
        <div class="menu-row actuals-actions">
            <label class="visually-hidden" for="actuals-add-series">"Series to add"</label>
            <select
                id="actuals-add-series"
                class="compact-select"
                on:change=move |event| chosen.set(event_target_value(&event))
            >
                <option value="">"Add a column…"</option>
                {move || addable()
                    .into_iter()
                    .map(|s| view! { <option value=s.key()>{s.label()}</option> })
                    .collect_view()}
            </select>
            <button type="button" class="secondary" on:click=add_column>"Add column"</button>
            {move || (!series.get().is_empty()).then(|| view! {
                <button type="button" class="action danger" on:click=clear_all>"Clear all actuals"</button>
            })}
        </div>
        <p class="field-error" role="alert">{move || clear_error.get().unwrap_or_default()}</p>
    }
}
