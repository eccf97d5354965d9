//! The page: the toolbar, the plan editor on the left and the results on the
//! right (results first on a phone).

use super::charts::{ScenarioCharts, UsersChart};
use super::cost_breakdown::CostBreakdown;
use super::editor::PlanEditor;
use super::events_timeline::EventsTimeline;
use super::headline::Headline;
use super::month_table::MonthTable;
use super::risks::Risks;
use super::scenario_comparison::ScenarioComparison;
use super::scenario_tabs::ScenarioTabs;
use super::sizing_table::SizingTables;
use super::state::PlanState;
use super::storage::{self, Loaded};
use super::toolbar::Toolbar;
use super::{BandsState, ProjectionMemo, ShowAllMonths};
use crate::engine::projection::{project, Projection};
use crate::engine::templates;
use crate::engine::uncertainty::{has_uncertainty, simulate_plan};
use leptos::prelude::*;
use std::time::Duration;

/// The scenario the worked example opens on (Moderate, seed 000's headline case).
const DEFAULT_SCENARIO: usize = 1;

/// How long after the last edit the Monte Carlo bands are recomputed.
const BANDS_DELAY: Duration = Duration::from_millis(250);

#[component]
pub fn App() -> impl IntoView {
    let loaded = storage::load();
    // If a stored entry could not be kept aside, never write over it.
    let may_save = RwSignal::new(!matches!(loaded, Loaded::Unreadable { kept_as: None, .. }));
    let (initial, notice) = match loaded {
        Loaded::Plan(plan) => (Some(*plan), None),
        Loaded::Nothing => (None, None),
        Loaded::Unreadable { error, kept_as } => (
            None,
            Some(match kept_as {
                Some(key) => format!(
                    "Your saved plan could not be opened ({error}). It is kept unchanged under \"{key}\", and the worked example is open instead."
                ),
                None => format!(
                    "Your saved plan could not be opened ({error}). It was left as it is and will not be saved over; the worked example is open instead."
                ),
            }),
        ),
        Loaded::Unavailable => (None, Some(storage::unavailable_message())),
    };
    let Some(initial) = initial.or_else(|| templates::worked_example().ok()) else {
        return view! { <p class="notice">"The worked example failed to load."</p> }.into_any();
    };
    let state = PlanState::new(initial, DEFAULT_SCENARIO);
    provide_context(state);
    let plan = state.plan;
    let notice = RwSignal::new(notice);

    // Save every accepted change. Only valid plans reach here.
    let first_run = StoredValue::new(true);
    Effect::new(move |_| {
        let current = plan.get();
        if first_run.get_value() {
            first_run.set_value(false);
            return;
        }
        if !may_save.get_untracked() {
            return;
        }
        if let Err(message) = storage::save(&current) {
            notice.set(Some(message));
        }
    });

    let projection: Memo<Projection> = Memo::new(move |_| plan.with(project));
    provide_context(ProjectionMemo(projection));
    provide_context(ShowAllMonths(RwSignal::new(false)));
    let bands = BandsState {
        bands: RwSignal::new(None),
        stale: RwSignal::new(false),
    };
    provide_context(bands);

    // The bands follow the plan a moment after the last edit, so typing is
    // never held up by the simulation.
    let pending = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let uncertain = plan.with(|p| has_uncertainty(p.plan()));
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        if !uncertain {
            bands.bands.set(None);
            bands.stale.set(false);
            return;
        }
        bands.stale.set(true);
        let handle = set_timeout_with_handle(
            move || {
                let simulated = plan
                    .with_untracked(|p| simulate_plan(p, p.plan().uncertainty.unwrap_or_default()));
                bands.bands.set(Some(simulated));
                bands.stale.set(false);
            },
            BANDS_DELAY,
        )
        .ok();
        pending.set_value(handle);
    });
    on_cleanup(move || {
        if let Some(handle) = pending.try_get_value().flatten() {
            handle.clear();
        }
    });

    let scenario_names = Signal::derive(move || {
        plan.with(|p| {
            p.plan()
                .scenarios
                .iter()
                .map(|s| s.name.clone())
                .collect::<Vec<_>>()
        })
    });

    view! {
        <header class="app-header">
            <div class="brand">
                <svg class="logo" viewBox="0 0 32 32" aria-hidden="true">
                    <rect width="32" height="32" rx="7" fill="#0b2e47"></rect>
                    <path
                        d="M6 24 L13 17 L18 20 L26 9"
                        fill="none"
                        stroke="#7dd3fc"
                        stroke-width="3"
                        stroke-linecap="round"
                        stroke-linejoin="round"
                    ></path>
                    <path d="M6 8 H26" stroke="#fbbf24" stroke-width="2" stroke-dasharray="3 2"></path>
                </svg>
                <div>
                    <p class="product">"Headroom"</p>
                    <p class="tagline">"Capacity & cost planner"</p>
                </div>
            </div>
            <h1 class="plan-name">{move || plan.with(|p| p.plan().name.clone())}</h1>
            <Toolbar />
        </header>
        {move || {
            notice
                .get()
                .map(|text| {
                    view! {
                        <div class="notice" role="status">
                            <p>{text}</p>
                            <button type="button" class="link-button" on:click=move |_| notice.set(None)>
                                "Dismiss"
                            </button>
                        </div>
                    }
                })
        }}
        <main class="layout">
            <PlanEditor />
            <section class="results" aria-label="Results">
                <div class="panel">
                    <div class="panel-head">
                        <p class="panel-kicker">"Scenario"</p>
                        <ScenarioTabs names=scenario_names selected=state.selected />
                    </div>
                    <Headline />
                </div>
                <div class="panel">
                    <h2>"Users by scenario"</h2>
                    <UsersChart />
                    <ScenarioComparison />
                </div>
                <div class="panel">
                    <h2>{move || projection.with(|p| format!("Charts: {} scenario", p.scenarios.get(state.selected.get()).map(|s| s.name.as_str()).unwrap_or_default()))}</h2>
                    <ScenarioCharts />
                </div>
                <div class="panel">
                    <h2>"Sizing by component"</h2>
                    <SizingTables />
                </div>
                <div class="panel">
                    <h2>"Monthly cost breakdown"</h2>
                    <CostBreakdown />
                </div>
                <div class="panel">
                    <h2>"What happens when"</h2>
                    <EventsTimeline />
                </div>
                <div class="panel">
                    <h2>"How sure is this?"</h2>
                    <Risks />
                </div>
                <div class="panel">
                    <MonthTable />
                </div>
            </section>
        </main>
        <footer class="app-footer">
            <p>"Runs entirely in your browser. Your plan is saved on this device only."</p>
        </footer>
    }
    .into_any()
}
