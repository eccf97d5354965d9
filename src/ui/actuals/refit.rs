//! Refitting and re-forecasting: fit a growth model to the user actuals and
//! offer it as a new scenario (added only when the user says so), and move
//! month 0 to the last month with a user actual, keeping the plan as it was
//! as a saved copy.

use crate::chart::hindsight::hindsight_chart;
use crate::engine::actuals::choose::Choice;
use crate::engine::actuals::hindsight::Hindsight;
use crate::engine::actuals::refit::{
    method_named, refit, reforecast, user_observations, KeepHorizon, Method, Refit,
};
use crate::engine::model::number::{format_compact, format_count, format_percent};
use crate::engine::model::plan::{month_label, month_name};
use crate::ui::chart_canvas::{ChartCanvas, Drawing};
use crate::ui::library::Library;
use crate::ui::state::PlanState;
use leptos::prelude::*;

const MODELS: [(&str, &str); 6] = [
    ("auto", "Recommended (the one that predicts best)"),
    ("damped", "Damped (growth that fades)"),
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
    let model = RwSignal::new("auto".to_string());
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
        let Some(chosen) = method_named(&name, &parsed) else {
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
                0 => "Fits every growth model to the user actuals (at least 3 months), tests each on months it did not see, and offers the one that predicts best as a new scenario based on the one shown.".to_string(),
                n => format!(
                    "Fits every growth model to the {n} month{} of user actuals (at least 3), tests each on months it did not see, and offers the one that predicts best as a new scenario based on the one shown.",
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

/// A fit's recommendation and record, its seasonal profile, parameters and
/// fitted drivers with their ranges, and the choice to add its scenario or
/// discard it.
#[component]
fn FitResult(result: Refit, on_add: Callback<()>, on_discard: Callback<()>) -> impl IntoView {
    let scenario = result.plan.plan().scenarios.last().cloned();
    let parameters = scenario
        .iter()
        .flat_map(|s| s.growth.parameters())
        .map(|(name, value, _, _)| {
            let (low, high) = match value {
                crate::engine::model::plan::Value::Range(r) => (r.low, r.high),
                crate::engine::model::plan::Value::Fixed(v) => (v, v),
            };
            view! {
                <tr>
                    <th scope="row">{parameter_label(&name)}</th>
                    <td>
                        {shown(&name, value.median())}
                        <span class="cell-note">{if low < high { format!("{} – {}", shown(&name, low), shown(&name, high)) } else { "fixed".to_string() }}</span>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let damping = scenario.as_ref().and_then(|s| match &s.growth {
        crate::engine::model::plan::Growth::Compound { damping: Some(phi), .. } => Some(view! {
            <tr><th scope="row">"damping"<span class="cell-note">"the growth fades by this a month"</span></th><td>{format!("{phi}")}</td></tr>
        }),
        _ => None,
    });
    let volatility = result.forecast.volatility;
    let profile = result.forecast.profile.clone();
    let heading = match &result.method {
        Method::Piecewise { .. } => "Piecewise fit".to_string(),
        _ => format!(
            "{}{}",
            crate::editor::capitalise(result.forecast.trend.describe()),
            if profile.is_some() {
                " with seasonality"
            } else {
                ""
            }
        ),
    };
    let reason = result.choice.as_ref().map(Choice::reason);
    let hindsight = result.hindsight.clone();
    let start_count = result.plan.start_count();
    let record = result
        .choice
        .clone()
        .map(|choice| view! { <FitRecord choice=choice chosen=result.forecast.trend /> });
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
    view! {
        <div class="fit-result" role="region" aria-label="Fitted growth" data-test="fit-result">
            <p>
                <strong>{heading}</strong>
                {reason.map(|reason| format!(" — {}.", reason.split_once(": ").map_or(reason.as_str(), |(_, why)| why)))}
            </p>
            <p class="section-note">{format!(
                "Users swing about {} a month around it (the scenario's volatility), so its bands widen with the horizon.",
                format_percent((volatility * 1000.0).round() / 1000.0)
            )}</p>
            {record}
            {profile.map(|profile| view! { <SeasonalProfile factors=profile.factors explained=profile.explained /> })}
            {hindsight.map(|seen| view! { <HowItWouldHaveDone seen start_count /> })}
            <div class="table-scroll">
                <table>
                    <thead><tr><th scope="col">"Fitted"</th><th scope="col">"Value" <span class="cell-note">"90% range"</span></th></tr></thead>
                    <tbody>{parameters}{damping}{drivers}</tbody>
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

/// The chosen trend fitted to the history before its last months, its
/// forecast and 90% band against what happened: a chart, a sentence and
/// the months in numbers (the chart is never the only way to read it).
#[component]
fn HowItWouldHaveDone(seen: Hindsight, start_count: i32) -> impl IntoView {
    let when = move |month: i32| month_name(&month_label(start_count + month));
    let count = seen.held_out.len();
    let inside = seen.inside();
    let first = seen
        .held_out
        .first()
        .map(|m| when(m.month))
        .unwrap_or_default();
    let summary = format!(
        "Fitted the same way to the history before {first}, it would have forecast the {count} months since within {:.1}% on average, and {inside} of {count} actuals fell inside its 90% band{}.",
        seen.error() * 100.0,
        if inside * 2 > count { "" } else { ": fewer than expected, so treat its bands with care" }
    );
    let spec = hindsight_chart(&seen, start_count);
    let rows = seen
        .held_out
        .iter()
        .map(|m| {
            view! {
                <tr>
                    <th scope="row">{when(m.month)}</th>
                    <td>{format_count(m.actual)}</td>
                    <td>{format_count(m.median)}</td>
                    <td>{format!("{} – {}", format_count(m.low), format_count(m.high))}</td>
                    <td>{if m.inside() { "inside" } else { "outside" }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="hindsight" aria-label="How this would have done" data-test="hindsight">
            <h4>"How this would have done"</h4>
            <p data-test="hindsight-summary">{summary}</p>
            <ChartCanvas drawing=Signal::stored(Drawing::Lines(spec)) name="hindsight-chart" height=220.0 />
            <details>
                <summary>"The held-out months in numbers"</summary>
                <div class="table-scroll">
                    <table data-test="hindsight-table">
                        <thead>
                            <tr>
                                <th scope="col">"Month"</th>
                                <th scope="col">"What happened"</th>
                                <th scope="col">"Forecast"</th>
                                <th scope="col">"90% band"</th>
                                <th scope="col">"In the band?"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}

/// Every model's error on the months held out of the history, the chosen
/// one marked.
#[component]
fn FitRecord(choice: Choice, chosen: crate::engine::actuals::choose::Trend) -> impl IntoView {
    let percent =
        |error: Option<f64>| error.map_or("–".to_string(), |e| format!("{:.1}%", e * 100.0));
    let rows = choice
        .candidates
        .iter()
        .map(|(trend, scored)| {
            let name = crate::editor::capitalise(trend.describe());
            let mark = if *trend == chosen { " (chosen)" } else { "" };
            match scored {
                Ok(scored) => view! {
                    <tr>
                        <th scope="row">{format!("{name}{mark}")}</th>
                        <td>{percent(scored.error)}</td>
                        <td>{percent(scored.last_months_error)}</td>
                    </tr>
                }.into_any(),
                Err(error) => view! {
                    <tr><th scope="row">{name}</th><td colspan="2">{format!("not fitted: {error}")}</td></tr>
                }.into_any(),
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table data-test="fit-record">
                <caption>"How each model predicted months it did not see"</caption>
                <thead><tr><th scope="col">"Model"</th><th scope="col">"Error, held-out months"</th><th scope="col">"Error, last 6 months"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The twelve seasonal factors as bars above and below the year's mean,
/// each labelled with its month and percentage (never the bar alone).
#[component]
fn SeasonalProfile(factors: [f64; 12], explained: f64) -> impl IntoView {
    let largest = factors.iter().map(|f| (f - 1.0).abs()).fold(0.01, f64::max);
    let bars = crate::engine::model::plan::MONTH_NAMES
        .iter()
        .zip(factors)
        .map(|(month, factor)| {
            let change = factor - 1.0;
            // Drawn in SVG units (the page's Content-Security-Policy allows
            // no inline styles): 0–100 tall, the year's mean at 50.
            let height = (change.abs() / largest * 48.0).max(1.0);
            let (class, y) = if change >= 0.0 {
                ("above", 50.0 - height)
            } else {
                ("below", 50.0)
            };
            let percent = (change * 100.0).round();
            let shown = if percent == 0.0 {
                "0".to_string()
            } else {
                format!("{percent:+}")
            };
            let label = format!("{month}: {shown}%");
            view! {
                <li class="season-month" aria-label=label>
                    <svg class="season-bar-area" viewBox="0 0 10 100" preserveAspectRatio="none" aria-hidden="true">
                        <line x1="0" x2="10" y1="50" y2="50" class="season-mean"></line>
                        <rect x="1.5" width="7" y=format!("{y:.1}") height=format!("{height:.1}") class=class></rect>
                    </svg>
                    <span class="season-label" aria-hidden="true">{*month}<br/>{shown}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <figure class="season-profile" data-test="season-profile">
            <figcaption>{format!("Seasonal profile: each calendar month, % above or below the year's mean (it explains {:.0}% of what the trend leaves)", explained * 100.0)}</figcaption>
            <ul>{bars}</ul>
        </figure>
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
