//! Refitting and re-forecasting: fit a growth model to the user actuals and
//! offer it as a new scenario (added only when the user says so), and move
//! month 0 to the last month with a user actual, keeping the plan as it was
//! as a saved copy.

use crate::engine::actuals::refit::{
    model_name, model_named, refit, reforecast, user_observations, KeepHorizon, Refit,
};
use crate::engine::model::number::{format_compact, format_percent};
use crate::engine::model::plan::month_name;
use crate::ui::library::Library;
use crate::ui::state::PlanState;
use leptos::prelude::*;

const MODELS: [(&str, &str); 4] = [
    ("compound", "Compound (a steady % a month)"),
    ("linear", "Linear (new users a month, minus churn)"),
    ("logistic", "Logistic (an S-curve to a market size)"),
    ("piecewise", "Piecewise (a % a month per period)"),
];

/// A fitted parameter as it reads: rates as percentages.
fn shown(name: &str, value: f64) -> String {
    if name.ends_with("growth") || name.ends_with("churn") {
        format_percent((value * 10_000.0).round() / 10_000.0)
    } else {
        format_compact(value)
    }
}

/// A parameter's name as the editor says it.
fn parameter_label(name: &str) -> String {
    match name.split_once("].") {
        Some((segment, field)) => {
            let number = segment
                .trim_start_matches("segments[")
                .parse::<usize>()
                .map_or(0, |n| n + 1);
            format!("{}, period {number}", field.replace('_', " "))
        }
        None => match name {
            "growth" => "growth a month".into(),
            "new_users_per_month" => "new users a month".into(),
            other => other.replace('_', " "),
        },
    }
}

#[component]
pub fn FitActuals() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let plan = state.plan;
    let model = RwSignal::new("compound".to_string());
    let ends = RwSignal::new(String::new());
    let fitted = RwSignal::new(None::<Box<Refit>>);
    let error = RwSignal::new(None::<String>);
    let months = Memo::new(move |_| plan.with(|p| user_observations(p).len()));
    let fit = move |_| {
        fitted.set(None);
        let ends_text = ends.get_untracked();
        let parsed: Result<Vec<i32>, _> = ends_text
            .split(',')
            .filter(|part| !part.trim().is_empty())
            .map(|part| part.trim().parse::<i32>())
            .collect();
        let Ok(parsed) = parsed else {
            error.set(Some(format!(
                "'{ends_text}' is not a list of months: type the months periods end at, such as 3, 9"
            )));
            return;
        };
        let name = model.get_untracked();
        let Some(chosen) = model_named(&name, &parsed) else {
            return;
        };
        if name == "piecewise" && parsed.is_empty() {
            error.set(Some(
                "Type the months the periods end at (such as 3, 9) to fit a piecewise model."
                    .into(),
            ));
            return;
        }
        let base = state.selected.get_untracked();
        match plan.with_untracked(|p| refit(p, base, &chosen)) {
            Ok(result) => {
                error.set(None);
                fitted.set(Some(Box::new(result)));
            }
            Err(reason) => error.set(Some(format!("Cannot fit: {reason}."))),
        }
    };
    let add = move |()| {
        if let Some(result) = fitted.get_untracked() {
            let last = result.plan.plan().scenarios.len() - 1;
            state.replace(result.plan);
            state.selected.set(last);
            fitted.set(None);
        }
    };
    view! {
        <h3>"Fit to actuals"</h3>
        <p class="section-note">
            {move || match months.get() {
                0 => "Estimates the growth from the user actuals (at least 3 months), with a 90% range for each rate, as a new scenario based on the one shown.".to_string(),
                n => format!(
                    "Estimates the growth from the {n} month{} of user actuals (at least 3), with a 90% range for each rate, as a new scenario based on the one shown.",
                    if n == 1 { "" } else { "s" }
                ),
            }}
        </p>
        <div class="fit-controls">
            <div class="field">
                <label for="fit-model">"Growth model"</label>
                <select id="fit-model" on:change=move |event| model.set(event_target_value(&event))>
                    {MODELS
                        .iter()
                        .map(|(value, label)| view! { <option value=*value selected=move || model.get() == *value>{*label}</option> })
                        .collect_view()}
                </select>
            </div>
            {move || (model.get() == "piecewise").then(|| view! {
                <div class="field">
                    <label for="fit-ends">"Periods end at months" <span class="hint">"e.g. 3, 9"</span></label>
                    <input id="fit-ends" type="text" autocomplete="off" prop:value=move || ends.get() on:input=move |e| ends.set(event_target_value(&e)) />
                </div>
            })}
            <button type="button" class="secondary" data-test="fit-actuals" on:click=fit>"Fit to actuals"</button>
        </div>
        <p class="field-error" role="alert">{move || error.get().unwrap_or_default()}</p>
        {move || fitted.get().map(|result| view! {
            <FitResult result=*result on_add=Callback::new(add) on_discard=Callback::new(move |()| fitted.set(None)) />
        })}
    }
}

/// A fit's parameters and fitted drivers with their ranges, and the choice
/// to add its scenario or discard it.
#[component]
fn FitResult(result: Refit, on_add: Callback<()>, on_discard: Callback<()>) -> impl IntoView {
    let parameters = result
        .fit
        .parameters
        .iter()
        .map(|p| view! {
            <tr>
                <th scope="row">{parameter_label(&p.name)}</th>
                <td>
                    {shown(&p.name, p.value)}
                    <span class="cell-note">{format!("{} – {}", shown(&p.name, p.low), shown(&p.name, p.high))}</span>
                </td>
            </tr>
        })
        .collect_view();
    let drivers = result
        .drivers
        .iter()
        .map(|d| view! {
            <tr>
                <th scope="row">{d.driver.replace('_', " ")}<span class="cell-note">{format!("{} ÷ users, {} months", d.metric, d.months)}</span></th>
                <td>
                    {format_compact(d.value)}
                    <span class="cell-note">{format!("{} – {}", format_compact(d.low), format_compact(d.high))}</span>
                </td>
            </tr>
        })
        .collect_view();
    let typical = {
        let n = result.fit.residuals.len().max(1) as f64;
        (result.fit.residuals.iter().map(|r| r * r).sum::<f64>() / n).sqrt()
    };
    view! {
        <div class="fit-result" role="region" aria-label="Fitted growth" data-test="fit-result">
            <p>
                <strong>{format!("{} fit", crate::editor::capitalise(model_name(&result.model)))}</strong>
                {format!(
                    ": R² {:.3}; the fit misses a month's users by {} on average, and users swing about {} a month around it (the scenario's volatility, which widens its bands with the horizon).",
                    result.fit.r_squared,
                    format_compact(typical),
                    crate::engine::model::number::format_percent((result.fit.volatility * 1000.0).round() / 1000.0)
                )}
            </p>
            <div class="table-scroll">
                <table>
                    <thead><tr><th scope="col">"Fitted"</th><th scope="col">"Value" <span class="cell-note">"90% range"</span></th></tr></thead>
                    <tbody>{parameters}{drivers}</tbody>
                </table>
            </div>
            <p class="section-note">{format!("“{}” carries these ranges into the bands. Nothing changes until you add it.", result.scenario)}</p>
            <div class="menu-row">
                <button type="button" class="primary" data-test="add-fitted" on:click=move |_| on_add.run(())>{format!("Add scenario “{}”", result.scenario)}</button>
                <button type="button" class="secondary" on:click=move |_| on_discard.run(())>"Discard"</button>
            </div>
        </div>
    }
}

#[component]
pub fn Reforecast() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let library = expect_context::<Library>();
    let plan = state.plan;
    let keep_end = RwSignal::new(true);
    let message = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let last = Memo::new(move |_| {
        plan.with(|p| {
            user_observations(p)
                .last()
                .map(|o| (o.month, month_name(&p.calendar_label_of(o.month))))
        })
    });
    let end_label = move || plan.with(|p| month_name(&p.calendar_label(p.plan().horizon_months)));
    let run = move |_| {
        message.set(None);
        let keep = if keep_end.get_untracked() {
            KeepHorizon::End
        } else {
            KeepHorizon::Length
        };
        let current = plan.get_untracked();
        let done = match reforecast(&current, keep) {
            Ok(done) => done,
            Err(reason) => {
                error.set(Some(format!("{}.", crate::editor::capitalise(&reason))));
                return;
            }
        };
        // Keep the plan as it was, to compare with; without that copy, nothing changes.
        let mut before = current.plan().clone();
        let suffix = format!(
            " (before re-forecast from {})",
            month_name(&done.plan.plan().start_month)
        );
        before.name = before
            .name
            .chars()
            .take(200 - suffix.chars().count())
            .collect::<String>()
            + &suffix;
        let copy = crate::engine::model::validate::validate(&before)
            .map_err(|errors| errors.first().map_or_else(String::new, ToString::to_string))
            .and_then(|valid| library.keep_copy(&valid));
        if let Err(reason) = copy {
            error.set(Some(format!(
                "The plan as it was could not be saved ({reason}); nothing was changed."
            )));
            return;
        }
        error.set(None);
        let mut said = format!(
            "Month 0 is now {} with {} users. The plan as it was is saved in Plans as “{}”.",
            month_name(&done.plan.plan().start_month),
            crate::engine::model::number::format_count(done.plan.plan().baseline_users),
            before.name
        );
        if !done.stocks.is_empty() {
            said.push_str(&format!(
                " Starting from their actuals: {}.",
                done.stocks.join(", ")
            ));
        }
        if !done.dropped.is_empty() {
            said.push_str(&format!(" Dropped: {}.", done.dropped.join("; ")));
        }
        state.replace(done.plan);
        message.set(Some(said));
    };
    view! {
        <h3>"Re-forecast"</h3>
        {move || match last.get() {
            None => view! { <p class="section-note">"Re-forecasting starts the plan from the last month with a user actual; there is none yet."</p> }.into_any(),
            Some((_, name)) => view! {
                <p class="section-note">{format!("Start the plan from {name}: its users become month 0, and the growth runs on from there.")}</p>
                <fieldset class="checks">
                    <legend>"The horizon"</legend>
                    <label class="check">
                        <input type="radio" name="reforecast-horizon" prop:checked=move || keep_end.get() on:change=move |_| keep_end.set(true) />
                        {move || format!("keeps its end ({})", end_label())}
                    </label>
                    <label class="check">
                        <input type="radio" name="reforecast-horizon" prop:checked=move || !keep_end.get() on:change=move |_| keep_end.set(false) />
                        {move || format!("keeps its length ({} months)", plan.with(|p| p.plan().horizon_months))}
                    </label>
                </fieldset>
                <button type="button" class="secondary" data-test="reforecast" on:click=run>{format!("Re-forecast from {name}")}</button>
            }.into_any(),
        }}
        <p class="field-error" role="alert">{move || error.get().unwrap_or_default()}</p>
        <p class="menu-message" role="status">{move || message.get().unwrap_or_default()}</p>
    }
}
