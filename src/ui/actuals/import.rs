//! Importing actuals: paste CSV text or open a file, see what was found (and
//! which columns were ignored, and why) or every problem located by row and
//! column, then add them. Nothing changes before "Add these actuals".

use crate::engine::actuals::import::{read_actuals_csv, ImportPreview, MAX_CSV_BYTES};
use crate::ui::files::read_chosen_file;
use crate::ui::state::PlanState;
use leptos::prelude::*;

/// What the last "Preview" found.
#[derive(Clone)]
enum Outcome {
    Found(Box<ImportPreview>),
    Refused(Vec<String>),
}

#[component]
pub fn ImportActuals() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let text = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let message = RwSignal::new(None::<String>);
    // The text previewed, read again against the plan as it is when added.
    let previewed = StoredValue::new(String::new());
    let preview = move |csv: String| {
        message.set(None);
        let result = state.plan.with_untracked(|p| read_actuals_csv(&csv, p));
        previewed.set_value(csv);
        outcome.set(Some(match result {
            Ok(found) => Outcome::Found(Box::new(found)),
            Err(errors) => Outcome::Refused(errors.iter().map(ToString::to_string).collect()),
        }));
    };
    let accept = move || {
        let csv = previewed.get_value();
        match state.plan.with_untracked(|p| read_actuals_csv(&csv, p)) {
            Ok(found) => {
                let summary = found.summary();
                state.replace(found.plan);
                outcome.set(None);
                text.set(String::new());
                message.set(Some(format!("Added {summary}. Undo takes them out again.")));
            }
            Err(errors) => outcome.set(Some(Outcome::Refused(
                errors.iter().map(ToString::to_string).collect(),
            ))),
        }
    };
    let open_file = move |event: leptos::ev::Event| {
        read_chosen_file(&event, MAX_CSV_BYTES, move |read| match read {
            Ok((_, csv)) => {
                text.try_set(csv.clone());
                preview(csv);
            }
            Err(problem) => {
                outcome.try_set(Some(Outcome::Refused(vec![problem])));
            }
        });
    };
    view! {
        <div class="actuals-import">
            <h3>"Import"</h3>
            <div class="field">
                <label for="actuals-csv">
                    "Paste CSV"
                    <span class="hint">"a month column, then one column per series"</span>
                </label>
                <textarea
                    id="actuals-csv"
                    class="csv-input"
                    rows="4"
                    spellcheck="false"
                    placeholder="month,users,total cost\n2026-01,1200,\"$3,400\""
                    prop:value=move || text.get()
                    on:input=move |event| text.set(event_target_value(&event))
                ></textarea>
            </div>
            <div class="menu-row">
                <button
                    type="button"
                    class="secondary"
                    data-test="preview-actuals"
                    on:click=move |_| preview(text.get_untracked())
                >
                    "Preview"
                </button>
                <label class="file-label" for="actuals-file">"or open a CSV file"</label>
                <input id="actuals-file" type="file" accept=".csv,text/csv,text/plain" on:change=open_file />
            </div>
            {move || outcome.get().map(|shown| match shown {
                Outcome::Found(found) => view! {
                    <PreviewBox
                        found=*found
                        on_accept=Callback::new(move |()| accept())
                        on_cancel=Callback::new(move |()| outcome.set(None))
                    />
                }.into_any(),
                Outcome::Refused(errors) => view! {
                    <div class="import-errors" role="alert" data-test="import-errors">
                        <p>
                            <strong>{format!("{} problem{} in the file.", errors.len(), if errors.len() == 1 { "" } else { "s" })}</strong>
                            " Nothing was changed."
                        </p>
                        <ul>{errors.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                    </div>
                }.into_any(),
            })}
            <p class="menu-message" role="status">{move || message.get().unwrap_or_default()}</p>
        </div>
    }
}

/// What a file holds, before anything changes: months and series found,
/// each column and what it was read as, the columns ignored and why.
#[component]
fn PreviewBox(
    found: ImportPreview,
    on_accept: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let read = found
        .series
        .iter()
        .map(|(series, header, count)| {
            view! {
                <tr>
                    <th scope="row" class="text">{header.clone()}</th>
                    <td class="text">{series.label()}</td>
                    <td>{*count}</td>
                </tr>
            }
        })
        .collect_view();
    let ignored = found
        .ignored
        .iter()
        .map(|column| {
            let header = if column.header.trim().is_empty() {
                format!(
                    "column {}",
                    crate::engine::actuals::import::column_letter(column.column)
                )
            } else {
                format!("“{}”", column.header)
            };
            view! { <li><strong>{header}</strong>{format!(": {}", column.reason)}</li> }
        })
        .collect_view();
    let has_ignored = !found.ignored.is_empty();
    view! {
        <div class="import-preview" role="region" aria-label="Preview of the actuals" data-test="import-preview">
            <p class="preview-summary"><strong>{found.summary()}</strong></p>
            <div class="table-scroll">
                <table class="preview-table">
                    <thead>
                        <tr>
                            <th scope="col">"Column"</th>
                            <th scope="col" class="text">"Read as"</th>
                            <th scope="col">"Values"</th>
                        </tr>
                    </thead>
                    <tbody>{read}</tbody>
                </table>
            </div>
            {has_ignored.then(|| view! {
                <div class="ignored">
                    <p>"Ignored:"</p>
                    <ul>{ignored}</ul>
                </div>
            })}
            <p class="section-note">"Values in the file replace the plan's for the same month and series; everything else stays as it is."</p>
            <div class="menu-row">
                <button type="button" class="primary" data-test="accept-actuals" on:click=move |_| on_accept.run(())>
                    "Add these actuals"
                </button>
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </div>
    }
}
