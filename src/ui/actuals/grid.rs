//! The actuals grid: one row per month (from the first actual to the month
//! after the last, so the next month can be typed), one column per series.
//! A cell commits when it loses focus or Enter is pressed; an empty cell has
//! no value. A refused value stays in its cell, marked, with its message.

use crate::editor::actuals::{all_series, cell_text, clear_actuals, grid, set_actual};
use crate::engine::model::plan::month_name;
use crate::engine::model::plan::Series;
use crate::ui::state::PlanState;
use leptos::prelude::*;

/// The refused cell and its message, shared by the cells and the grid.
#[derive(Clone, Copy)]
struct CellError(RwSignal<Option<(Series, i32, String)>>);

#[component]
pub fn ActualsGrid() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let plan = state.plan;
    // Columns the user added that have no value yet.
    let added = RwSignal::new(Vec::<Series>::new());
    let error = CellError(RwSignal::new(None));
    provide_context(error);
    let shape = Memo::new(move |_| plan.with(|p| grid(p, &added.get())));
    let series = Memo::new(move |_| shape.with(|g| g.series.clone()));
    let months = Memo::new(move |_| shape.with(|g| g.months.clone()));
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
            .map(|series| view! { <ActualCell series=series month=month /> })
            .collect_view();
        view! {
            <tr>
                <th scope="row">{name}<span class="cell-note">{note}</span></th>
                {cells}
            </tr>
        }
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
        <p class="field-error" role="alert">{move || error.0.get().map(|(_, _, message)| message).unwrap_or_default()}</p>
        <ColumnControls shown=series added=added />
    }
}

/// One value of the grid: shows the plan's actual, commits what is typed.
#[component]
fn ActualCell(series: Series, month: i32) -> impl IntoView {
    let state = expect_context::<PlanState>();
    let error = expect_context::<CellError>().0;
    let plan = state.plan;
    let label = plan.with_untracked(|p| {
        format!(
            "{} in {}",
            series.label(),
            month_name(&p.calendar_label_of(month))
        )
    });
    let here = series.clone();
    let is_here = move |e: &Option<(Series, i32, String)>| {
        e.as_ref()
            .is_some_and(|(s, m, _)| *s == here && *m == month)
    };
    let commit = {
        let series = series.clone();
        let is_here = is_here.clone();
        move |text: String| {
            let unchanged = plan.with_untracked(|p| cell_text(p, &series, month) == text.trim());
            if unchanged {
                if error.with_untracked(&is_here) {
                    error.set(None);
                }
                return;
            }
            match plan.with_untracked(|p| set_actual(p, &series, month, &text)) {
                Ok(edited) => {
                    error.set(None);
                    state.replace(edited);
                }
                Err(message) => error.set(Some((series.clone(), month, message))),
            }
        }
    };
    let key = format!("{}@{month}", series.key());
    view! {
        <td class:invalid=move || error.with(&is_here)>
            <input
                type="text"
                inputmode="decimal"
                autocomplete="off"
                aria-label=label
                data-actual=key
                prop:value=move || plan.with(|p| cell_text(p, &series, month))
                on:change=move |event| commit(event_target_value(&event))
            />
        </td>
    }
}

/// Adding a column for another series, and clearing every actual.
#[component]
fn ColumnControls(shown: Memo<Vec<Series>>, added: RwSignal<Vec<Series>>) -> impl IntoView {
    let state = expect_context::<PlanState>();
    let plan = state.plan;
    // A memo: the list is rebuilt only when the series change, not on every
    // keystroke elsewhere in the plan (issue 29).
    let addable = Memo::new(move |_| {
        let shown = shown.get();
        plan.with(|p| {
            all_series(p)
                .into_iter()
                .filter(|s| !shown.contains(s))
                .collect::<Vec<_>>()
        })
    });
    let chosen = RwSignal::new(String::new());
    let add_column = move |_| {
        let key = chosen.get_untracked();
        let found =
            addable.with_untracked(|series| series.iter().find(|s| s.key() == key).cloned());
        if let Some(found) = found {
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
        <div class="menu-row actuals-actions">
            <label class="visually-hidden" for="actuals-add-series">"Series to add"</label>
            <select
                id="actuals-add-series"
                class="compact-select"
                on:change=move |event| chosen.set(event_target_value(&event))
            >
                <option value="">"Add a column…"</option>
                {move || addable
                    .get()
                    .into_iter()
                    .map(|s| view! { <option value=s.key()>{s.label()}</option> })
                    .collect_view()}
            </select>
            <button type="button" class="secondary" on:click=add_column>"Add column"</button>
            {move || (!shown.get().is_empty()).then(|| view! {
                <button type="button" class="action danger" on:click=clear_all>"Clear all actuals"</button>
            })}
        </div>
        <p class="field-error" role="alert">{move || clear_error.get().unwrap_or_default()}</p>
    }
}
