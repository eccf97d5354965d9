//! The page: the toolbar, the plan editor on the left and the results on the
//! right (results first on a phone).

use super::charts::{ScenarioCharts, UsersChart};
use super::compare::{ComparePanel, CompareWith};
use super::cost_breakdown::CostBreakdown;
use super::editor::PlanEditor;
use super::events_timeline::EventsTimeline;
use super::files::FilePanel;
use super::headline::Headline;
use super::history::{HistoryPanel, VersionBanner};
use super::library::{self, Library};
use super::montecarlo::Simulator;
use super::month_table::MonthTable;
use super::on_screen::LazyPanel;
use super::plans_panel::PlansPanel;
use super::risks::Risks;
use super::scenario_comparison::ScenarioComparison;
use super::scenario_tabs::ScenarioTabs;
use super::share::{SharePanel, SharedBanner};
use super::sizing_table::SizingTables;
use super::state::PlanState;
use super::toolbar::Toolbar;
use super::{BandsState, Menu, OpenMenu, ProjectionMemo, ShowAllMonths};
use crate::engine::analyse::scenario::{project, Projection};
use crate::engine::uncertainty::{bands_digest, has_uncertainty};
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let Some(boot) = library::boot() else {
        return view! { <p class="notice">"The worked example failed to load."</p> }.into_any();
    };
    let state = PlanState::new(boot.plan.clone(), library::middle_scenario(&boot.plan));
    provide_context(state);
    let plan = state.plan;
    let notice = RwSignal::new(boot.notice.clone());
    let library = Library::new(state, &boot, notice);
    provide_context(library);
    let menu = RwSignal::new(None::<Menu>);
    provide_context(OpenMenu(menu));
    provide_context(CompareWith(RwSignal::new(None)));

    // Save every accepted change a moment later; only valid plans reach here.
    let first_run = StoredValue::new(true);
    Effect::new(move |_| {
        plan.track();
        if first_run.get_value() {
            first_run.set_value(false);
            return;
        }
        library.plan_changed();
    });
    // Save at once when the page is hidden or closed; follow other tabs.
    let listeners = [
        window_event_listener(leptos::ev::pagehide, move |_| library.end_session()),
        window_event_listener_untyped("visibilitychange", move |_| {
            let hidden = web_sys::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.hidden());
            // Hidden or closed: the editing session ends.
            if hidden {
                library.end_session();
            }
        }),
        window_event_listener(leptos::ev::storage, move |event| {
            library.storage_changed(event.key())
        }),
        // A share link pasted into this tab changes only the fragment, which
        // loads nothing: load the page again so it opens the link (the plan
        // open now is saved on the way out, as on any page hide).
        window_event_listener(leptos::ev::hashchange, move |_| {
            let location = web_sys::window().map(|w| w.location());
            if let Some(location) = location {
                if location.hash().is_ok_and(|hash| hash.len() > 1) {
                    let _ = location.reload();
                }
            }
        }),
    ];
    on_cleanup(move || listeners.into_iter().for_each(|l| l.remove()));

    let projection: Memo<Projection> = Memo::new(move |_| plan.with(project));
    provide_context(ProjectionMemo(projection));
    provide_context(ShowAllMonths(RwSignal::new(false)));
    let bands = BandsState {
        bands: RwSignal::new(None),
        stale: RwSignal::new(false),
    };
    provide_context(bands);

    // The bands follow the plan: workers simulate it off the page's thread
    // (on the page, a moment after the last edit, where workers cannot run),
    // and a newer edit's bands always win.
    let simulator = Simulator::new(move |simulated| {
        bands.bands.try_set(Some(simulated));
        bands.stale.try_set(false);
    });
    Effect::new(move |_| {
        let uncertain = plan.with(|p| has_uncertainty(p.plan()));
        if !uncertain {
            simulator.cancel();
            bands.bands.set(None);
            bands.stale.set(false);
            return;
        }
        bands.stale.set(true);
        plan.with(|p| simulator.run(p));
    });
    // The bands' fingerprint on the page, for tests comparing them with the
    // command line's (`engine::uncertainty::bands_digest`).
    Effect::new(move |_| {
        let digest = bands
            .bands
            .with(|b| b.as_ref().map(|b| format!("{:#018x}", bands_digest(b))));
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element());
        if let Some(root) = root {
            let _ = match digest {
                Some(digest) => root.set_attribute("data-bands-digest", &digest),
                None => root.remove_attribute("data-bands-digest"),
            };
        }
    });

    // A memo, so the tabs are rebuilt only when a name changes, not on every
    // keystroke (issue 29).
    let scenario_names = Memo::new(move |_| {
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
            <h1 class="plan-name" title=move || plan.with(|p| p.plan().name.clone())>
                {move || plan.with(|p| p.plan().name.clone())}
            </h1>
            <Toolbar />
        </header>
        {move || {
            menu.get()
                .map(|open| {
                    let body = match open {
                        Menu::Plans => view! { <PlansPanel /> }.into_any(),
                        Menu::History => view! { <HistoryPanel /> }.into_any(),
                        Menu::Compare => view! { <ComparePanel /> }.into_any(),
                        Menu::Share => view! { <SharePanel /> }.into_any(),
                        Menu::Files => view! { <FilePanel /> }.into_any(),
                    };
                    // A named region, so everything in it is inside a landmark.
                    let label = match open {
                        Menu::Plans => "Saved plans",
                        Menu::History => "History of this plan",
                        Menu::Compare => "Compare plans",
                        Menu::Share => "Share this plan",
                        Menu::Files => "Export and import",
                    };
                    view! {
                        <section class="menu-panel" aria-label=label>
                            <div class="menu-panel-inner">
                                {body}
                                <button type="button" class="link-button menu-close" on:click=move |_| menu.set(None)>"Close"</button>
                            </div>
                        </section>
                    }
                })
        }}
        {move || {
            library.read_only.get().then(|| {
                if library.viewing.get().is_some() {
                    view! { <VersionBanner /> }.into_any()
                } else {
                    view! { <SharedBanner /> }.into_any()
                }
            })
        }}
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
        <main class="layout" class:read-only=move || library.read_only.get()>
            {move || (!library.read_only.get()).then(|| view! { <PlanEditor /> })}
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
                <LazyPanel>
                    <h2>"Sizing by component"</h2>
                    <SizingTables />
                </LazyPanel>
                <LazyPanel>
                    <h2>"Monthly cost breakdown"</h2>
                    <CostBreakdown />
                </LazyPanel>
                <LazyPanel>
                    <h2>"What happens when"</h2>
                    <EventsTimeline />
                </LazyPanel>
                <LazyPanel>
                    <h2>"How sure is this?"</h2>
                    <Risks />
                </LazyPanel>
                <LazyPanel>
                    <MonthTable />
                </LazyPanel>
            </section>
        </main>
        <footer class="app-footer">
            <p>
                "Runs entirely in your browser. Plans are saved on this device only. "
                <span class="save-status" role="status">{move || library.status.get()}</span>
            </p>
        </footer>
    }
    .into_any()
}
