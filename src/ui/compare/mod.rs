//! Two plans side by side: the plan now against one of its versions,
//! another saved plan, a share link or a file — what changed in the
//! assumptions, what that does to each scenario's results (with the delta,
//! its sign in words and colour), and the chosen scenario's users and cost
//! with the other plan dashed.

use super::chart_canvas::{ChartCanvas, Drawing};
use super::files::read_chosen_file;
use super::library::Library;
use super::state::PlanState;
use super::storage::BrowserStore;
use super::{BandsState, ProjectionMemo};
use crate::chart::spec::{comparison_chart, Overlay};
use crate::engine::analyse::scenario::{project, Projection};
use crate::engine::diff::results::{
    compare_results, describe_timing, show, show_delta, summary_line, Comparison, Figure, Row, Side,
};
use crate::engine::model::document::{load_plan, MAX_DOCUMENT_BYTES};
use crate::engine::model::link::{decode_link, link_start};
use crate::engine::model::validate::ValidPlan;
use crate::engine::uncertainty::{has_uncertainty, simulate_plan, Bands};
use crate::library as saved;
use leptos::prelude::*;

/// The plan compared with, its projection and (when uncertain) its bands,
/// worked out once when it is chosen.
#[derive(Clone, PartialEq)]
pub struct Other {
    /// `the version from 2 h ago`, `plan “Budget 2027”`, `the shared link`.
    pub label: String,
    pub plan: ValidPlan,
    pub projection: Projection,
    pub bands: Option<Bands>,
}

impl Other {
    pub fn new(label: String, plan: ValidPlan) -> Other {
        let projection = project(&plan);
        let bands = has_uncertainty(plan.plan())
            .then(|| simulate_plan(&plan, plan.plan().uncertainty.unwrap_or_default()));
        Other {
            label,
            plan,
            projection,
            bands,
        }
    }

    pub fn from_version(key: &str, label: String) -> Result<Other, String> {
        let store = BrowserStore::open().map_err(|e| crate::editor::capitalise(&e.to_string()))?;
        let plan = crate::versions::open_version(&store, key)
            .map_err(|e| crate::editor::capitalise(&e.to_string()))?;
        Ok(Other::new(label, plan))
    }
}

/// The plan the Compare panel compares with, shared as context.
#[derive(Clone, Copy)]
pub struct CompareWith(pub RwSignal<Option<Other>>);

#[component]
pub fn ComparePanel() -> impl IntoView {
    expect_context::<Library>().refresh_versions();
    let compare_with = expect_context::<CompareWith>().0;
    // The side drawn solid: the plan now unless another is chosen.
    let base = RwSignal::new(None::<Other>);
    view! {
        <h2>"Compare"</h2>
        <BaseChooser base />
        <Chooser />
        {move || {
            let base = base.get();
            compare_with
                .get()
                .map(|other| view! { <ComparisonView other base /> }.into_any())
                .unwrap_or_else(|| view! { <p class="empty">"Choose what to compare the plan with."</p> }.into_any())
        }}
    }
}

/// An earlier version or a saved plan, from a chooser's value
/// (`version:KEY`, `plan:ID`); `None` for anything else.
fn chosen_plan(library: Library, value: &str) -> Option<Result<Other, String>> {
    if let Some(key) = value.strip_prefix("version:") {
        let label = library
            .versions
            .get_untracked()
            .into_iter()
            .find(|v| v.key == key)
            .map(|v| match v.name {
                Some(name) => format!("“{name}”"),
                None => format!(
                    "the version from {}",
                    saved::describe_age(v.saved_at, super::storage::now())
                ),
            })
            .unwrap_or_else(|| "an earlier version".into());
        Some(Other::from_version(key, label))
    } else {
        let id = value.strip_prefix("plan:")?;
        Some(
            BrowserStore::open()
                .map_err(|e| e.to_string())
                .and_then(|store| saved::open(&store, id).map_err(|e| e.to_string()))
                .map(|found| {
                    let label = format!("plan “{}”", found.plan.plan().name);
                    Other::new(label, found.plan)
                })
                .map_err(|e| crate::editor::capitalise(&e)),
        )
    }
}

/// Puts a chosen plan on a side, or its problem in `message`.
fn put(
    side: RwSignal<Option<Other>>,
    message: RwSignal<Option<String>>,
    chosen: Result<Other, String>,
) {
    match chosen {
        Ok(other) => {
            message.set(None);
            side.set(Some(other));
        }
        Err(problem) => message.set(Some(problem)),
    }
}

/// The options both choosers offer: the open plan's versions, then the
/// other saved plans.
fn plan_options(library: Library) -> impl IntoView {
    let open_id = move || library.open_id.get();
    view! {
        <optgroup label="Its earlier versions">
            {move || library.versions.get().into_iter().filter(|v| v.problem.is_none()).map(|v| {
                let text = format!(
                    "{} · {}",
                    v.name.clone().unwrap_or_else(|| "Autosaved".into()),
                    saved::describe_age(v.saved_at, super::storage::now())
                );
                view! { <option value=format!("version:{}", v.key)>{text}</option> }
            }).collect_view()}
        </optgroup>
        <optgroup label="Other saved plans">
            {move || library.entries.get().into_iter().filter(|e| e.problem.is_none() && Some(e.id.clone()) != open_id()).map(|e| {
                view! { <option value=format!("plan:{}", e.id)>{e.name.clone()}</option> }
            }).collect_view()}
        </optgroup>
    }
}

/// Which plan is drawn solid: the plan now, or any version or saved plan.
#[component]
fn BaseChooser(base: RwSignal<Option<Other>>) -> impl IntoView {
    let library = expect_context::<Library>();
    let message = RwSignal::new(None::<String>);
    let choose = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        match chosen_plan(library, &value) {
            None => base.set(None),
            Some(chosen) => put(base, message, chosen),
        }
    };
    view! {
        <div class="field compare-base">
            <label for="compare-base">"Compare"</label>
            <select id="compare-base" data-test="compare-base" on:change=choose>
                <option value="" selected=true>"The plan now"</option>
                {plan_options(library)}
            </select>
        </div>
        <p class="field-error" role="alert">{move || message.get().unwrap_or_default()}</p>
    }
}

/// Where the other plan comes from.
#[component]
fn Chooser() -> impl IntoView {
    let library = expect_context::<Library>();
    let compare_with = expect_context::<CompareWith>().0;
    let message = RwSignal::new(None::<String>);
    let link = RwSignal::new(String::new());
    let choose = move |event: leptos::ev::Event| {
        if let Some(chosen) = chosen_plan(library, &event_target_value(&event)) {
            put(compare_with, message, chosen);
        }
    };
    let use_link = move |_| {
        let text = link.get_untracked();
        let at = link_start(&text).unwrap_or(0);
        let chosen = decode_link(&text[at..])
            .map(|plan| Other::new("the shared link".into(), plan))
            .map_err(|error| format!("That link cannot be compared: {error}"));
        put(compare_with, message, chosen);
    };
    let use_file = move |event: leptos::ev::Event| {
        read_chosen_file(&event, MAX_DOCUMENT_BYTES, move |read| {
            let chosen = read.and_then(|(name, text)| {
                load_plan(&text)
                    .map(|plan| Other::new(format!("the file {name}"), plan))
                    .map_err(|error| format!("{name} cannot be compared: {error}"))
            });
            put(compare_with, message, chosen);
        });
    };
    view! {
        <div class="compare-chooser">
            <div class="field">
                <label for="compare-with">"with"</label>
                <select id="compare-with" data-test="compare-with" on:change=choose>
                    <option value="" selected=true>"Choose…"</option>
                    {plan_options(library)}
                </select>
            </div>
            <div class="field">
                <label for="compare-link">"or a share link"</label>
                <input id="compare-link" type="text" placeholder="https://…#h2.…" data-test="compare-link"
                    prop:value=move || link.get() on:input=move |e| link.set(event_target_value(&e)) />
            </div>
            <button type="button" class="secondary" on:click=use_link>"Compare with the link"</button>
            <div class="field">
                <label for="compare-file">"or a plan file"</label>
                <input id="compare-file" type="file" accept=".json,application/json" on:change=use_file />
            </div>
        </div>
        <p class="field-error" role="alert">{move || message.get().unwrap_or_default()}</p>
    }
}

#[component]
fn ComparisonView(other: Other, base: Option<Other>) -> impl IntoView {
    let state = expect_context::<PlanState>();
    let projection = expect_context::<ProjectionMemo>().0;
    let bands = expect_context::<BandsState>();
    let label = other.label.clone();
    let base_label = base.as_ref().map_or_else(
        || "This plan now".to_string(),
        |b| crate::editor::capitalise(&b.label),
    );
    let other = StoredValue::new(other);
    let base = StoredValue::new(base);
    // The solid side: the chosen plan, else the plan now (with its bands).
    let comparison = Memo::new(move |_| {
        state.plan.with(|plan| {
            projection.with(|current| {
                bands.bands.with(|current_bands| {
                    other.with_value(|other| {
                        base.with_value(|base| {
                            let (plan, projection, solid_bands) = match base {
                                Some(b) => (&b.plan, &b.projection, b.bands.as_ref()),
                                None => (plan, current, current_bands.as_ref()),
                            };
                            // Bands on both sides or neither, so figures compare alike.
                            let both = solid_bands.is_some() && other.bands.is_some();
                            compare_results(
                                Side {
                                    plan: &other.plan,
                                    projection: &other.projection,
                                    bands: other.bands.as_ref().filter(|_| both),
                                },
                                Side {
                                    plan,
                                    projection,
                                    bands: solid_bands.filter(|_| both),
                                },
                            )
                        })
                    })
                })
            })
        })
    });
    let chart = move |overlay: Overlay| {
        Memo::new(move |_| {
            let chosen = state.selected.get();
            let chosen_name = state
                .plan
                .with(|p| p.plan().scenarios.get(chosen).map(|s| s.name.clone()));
            projection.with(|current| {
                base.with_value(|base| {
                    other.with_value(|o| {
                        let solid = base.as_ref().map_or(current, |b| &b.projection);
                        let solid_label = base.as_ref().map_or("this plan", |b| b.label.as_str());
                        let currency = o.plan.plan().currency.clone();
                        let find = |p: &'_ Projection| {
                            chosen_name
                                .as_ref()
                                .and_then(|name| {
                                    p.scenarios.iter().find(|s| &s.name == name).cloned()
                                })
                                .or_else(|| p.scenarios.get(chosen).cloned())
                                .or_else(|| p.scenarios.first().cloned())
                        };
                        match (find(solid), find(&o.projection)) {
                            (Some(mine), Some(theirs)) => Drawing::Lines(comparison_chart(
                                overlay,
                                &mine,
                                solid_label,
                                &theirs,
                                &o.label,
                                &currency,
                            )),
                            _ => Drawing::Lines(crate::chart::spec::ChartSpec::empty("")),
                        }
                    })
                })
            })
        })
    };
    let users = chart(Overlay::Users);
    let cost = chart(Overlay::MonthlyCost);
    view! {
        <div class="comparison" data-test="comparison">
            <p class="plan-meta">{format!("{base_label} against {label} (dashed).")}</p>
            {move || comparison.with(summaries)}
            <h3>"What changed"</h3>
            {move || comparison.with(changes_list)}
            {move || {
                let chosen = state.selected.get();
                let name = state.plan.with(|p| p.plan().scenarios.get(chosen).map(|s| s.name.clone()));
                comparison.with(|c| results_table(c, name.as_deref(), (&label, &base_label)))
            }}
            <div class="comparison-charts">
                <ChartCanvas drawing=users name="compare-users-chart" height=240.0 />
                <ChartCanvas drawing=cost name="compare-cost-chart" height=240.0 />
            </div>
        </div>
    }
}

fn summaries(comparison: &Comparison) -> impl IntoView {
    let lines: Vec<String> = comparison
        .scenarios
        .iter()
        .map(|s| summary_line(s, &comparison.currency))
        .collect();
    view! {
        <ul class="facts comparison-summary" data-test="comparison-summary">
            {lines.into_iter().map(|l| view! { <li><strong>{l}</strong></li> }).collect_view()}
        </ul>
    }
}

fn changes_list(comparison: &Comparison) -> AnyView {
    if comparison.changes.is_empty() {
        return view! { <p class="empty">"No change in the assumptions."</p> }.into_any();
    }
    let mut only = Vec::new();
    only.extend(
        comparison
            .only_old
            .iter()
            .map(|n| format!("scenario {n} is only in the other plan")),
    );
    only.extend(
        comparison
            .only_new
            .iter()
            .map(|n| format!("scenario {n} is only in this plan")),
    );
    view! {
        <ul class="facts" data-test="comparison-changes">
            {comparison.changes.iter().map(|c| view! { <li><span class="change-area">{format!("{}: ", c.area())}</span>{c.to_string()}</li> }).collect_view()}
            {only.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// A figure, its 90% range beneath it.
fn figure_cell(figure: Option<Figure>, row: &Row, currency: &str) -> AnyView {
    match figure {
        None => "—".into_any(),
        Some(f) => {
            let range = f.range.map(|(low, high)| {
                format!(
                    "90%: {} – {}",
                    show(low, row.measure, currency),
                    show(high, row.measure, currency)
                )
            });
            view! {
                {show(f.value, row.measure, currency)}
                {range.map(|r| view! { <span class="cell-note">{r}</span> })}
            }
            .into_any()
        }
    }
}

fn results_table(
    comparison: &Comparison,
    chosen: Option<&str>,
    (old_title, new_title): (&str, &str),
) -> AnyView {
    let Some(scenario) = comparison
        .scenarios
        .iter()
        .find(|s| Some(s.name.as_str()) == chosen)
        .or_else(|| comparison.scenarios.first())
    else {
        return view! { <p class="empty">"The two plans have no scenario in common."</p> }
            .into_any();
    };
    let currency = comparison.currency.clone();
    let rows = scenario
        .rows
        .iter()
        .map(|row| {
            let delta = row.delta().unwrap_or(0.0);
            let class = if delta > 0.0 {
                "delta up"
            } else if delta < 0.0 {
                "delta down"
            } else {
                "delta"
            };
            let arrow = if delta > 0.0 { "▲ " } else if delta < 0.0 { "▼ " } else { "" };
            view! {
                <tr>
                    <th scope="row">{row.label.clone()}</th>
                    <td>{figure_cell(row.old, row, &currency)}</td>
                    <td>{figure_cell(row.new, row, &currency)}</td>
                    <td class=class>{format!("{arrow}{}", show_delta(row, &currency).unwrap_or_else(|| "—".into()))}</td>
                </tr>
            }
        })
        .collect_view();
    let timing_text = |value: &Option<(String, i64)>| {
        value.as_ref().map_or_else(
            || "—".to_string(),
            |(what, month)| format!("{what}, month {month}"),
        )
    };
    let timings = scenario
        .timings
        .iter()
        .map(|t| {
            view! {
                <tr>
                    <th scope="row">{t.label.clone()}</th>
                    <td>{timing_text(&t.old)}</td>
                    <td>{timing_text(&t.new)}</td>
                    <td>{describe_timing(t).unwrap_or_else(|| "same".into())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>{format!("Results: {}", scenario.name)}</h3>
        <div class="table-scroll" tabindex="0" role="region" aria-label="Results compared">
            <table class="comparison-table" data-test="comparison-results">
                <thead>
                    <tr>
                        <th scope="col"><span class="visually-hidden">"Figure"</span></th>
                        <th scope="col">{crate::editor::capitalise(old_title)}</th>
                        <th scope="col">{new_title.to_string()}</th>
                        <th scope="col">"Change"</th>
                    </tr>
                </thead>
                <tbody>{rows}{timings}</tbody>
            </table>
        </div>
    }
    .into_any()
}
