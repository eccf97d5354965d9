//! What is on screen (issue 29): a keystroke updates only what a person can
//! see. Charts redraw only near the screen ([`watch_on_screen`]), and the
//! results panels below them follow edits only near it ([`LazyPanel`]):
//! at 120 months the panels off screen were more than half of a
//! keystroke's work (script, style and layout), for figures nobody was
//! looking at.

use super::state::PlanState;
use super::{BandsState, ShowAllMonths};
use leptos::html::{self, ElementType};
use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// How far beyond the screen a chart counts as on it.
pub const CHART_MARGIN: &str = "400px 0px";

/// How far beyond the screen a panel follows edits: wider than a chart's,
/// so a panel is following again before any chart in it is on screen.
const PANEL_MARGIN: &str = "800px 0px";

/// How long after the last change a panel off screen catches up: once
/// someone pauses, every figure on the page is the plan's again (for a
/// screen reader, find in page, printing or a copy of the page).
const CATCH_UP_AFTER: Duration = Duration::from_millis(400);

type Disconnect = Box<dyn Fn()>;

/// Whether the element is on screen or within `margin` of it (a CSS
/// margin, as IntersectionObserver's `rootMargin`), as an
/// IntersectionObserver reports; on screen until it has said (and where the
/// browser has no observer).
pub fn watch_on_screen<E>(element_ref: NodeRef<E>, margin: &'static str) -> RwSignal<bool>
where
    E: ElementType,
    E::Output: JsCast + Clone + 'static,
{
    use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};
    watch_element(
        element_ref,
        true,
        |entry| {
            let entry = entry.dyn_into::<IntersectionObserverEntry>().ok()?;
            Some(entry.is_intersecting())
        },
        move |callback, element| {
            let options = IntersectionObserverInit::new();
            options.set_root_margin(margin);
            let observer = IntersectionObserver::new_with_options(callback, &options).ok()?;
            observer.observe(element);
            Some(Box::new(move || observer.disconnect()))
        },
    )
}

/// A signal following what an observer of the element reports: `initial`
/// until its first report, then what `read` makes of its newest entry.
/// `observe` starts the observer on the element with the callback, returning
/// how to stop it (when the element's owner is dropped).
pub fn watch_element<E, T>(
    element_ref: NodeRef<E>,
    initial: T,
    read: fn(wasm_bindgen::JsValue) -> Option<T>,
    observe: impl Fn(&web_sys::js_sys::Function, &web_sys::Element) -> Option<Disconnect> + 'static,
) -> RwSignal<T>
where
    E: ElementType,
    E::Output: JsCast + Clone + 'static,
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let value = RwSignal::new(initial);
    type Callback = wasm_bindgen::closure::Closure<dyn FnMut(web_sys::js_sys::Array)>;
    let watching = StoredValue::new_local(None::<(Disconnect, Callback)>);
    Effect::new(move |_| {
        let Some(element) = element_ref.get() else {
            return;
        };
        if watching.with_value(Option::is_some) {
            return;
        }
        let callback = Callback::new(move |entries: web_sys::js_sys::Array| {
            // The newest entry is the element's state now.
            if let Some(now) = entries.iter().last().and_then(read) {
                if value.try_get_untracked().as_ref() != Some(&now) {
                    value.try_set(now);
                }
            }
        });
        if let Some(disconnect) =
            observe(callback.as_ref().unchecked_ref(), element.unchecked_ref())
        {
            watching.set_value(Some((disconnect, callback)));
        }
    });
    on_cleanup(move || {
        if let Some((disconnect, _)) = watching.try_update_value(Option::take).flatten() {
            disconnect();
        }
    });
    value
}

/// Whether the page is being printed (between `beforeprint` and `afterprint`).
pub fn watch_printing() -> RwSignal<bool> {
    let printing = RwSignal::new(false);
    let listeners = [("beforeprint", true), ("afterprint", false)].map(|(name, on)| {
        window_event_listener_untyped(name, move |_| {
            printing.try_set(on);
        })
    });
    on_cleanup(move || listeners.into_iter().for_each(|l| l.remove()));
    printing
}

/// A results panel (`<div class="panel">`) whose contents follow edits only
/// while it is on screen or near it, or printed.
///
/// Off screen, its contents' reactive owner is paused: edits do not touch
/// its DOM. What it missed meanwhile (the plan, the scenario shown, the
/// bands, all months or not, the window's size) it catches up in one
/// fresh build, as it comes near the screen or [`CATCH_UP_AFTER`] the
/// last change, whichever is first; then, still off screen, it pauses
/// again. A paused owner drops the notifications it gets (`Owner::pause`),
/// so a new build, not a resume alone, is what brings the figures up to
/// date; contents that missed a change stop following altogether (their
/// reactive parts are cleaned up) until that build replaces them.
#[component]
pub fn LazyPanel(children: ChildrenFn) -> impl IntoView {
    let state = expect_context::<PlanState>();
    let bands = expect_context::<BandsState>();
    let all_months = expect_context::<ShowAllMonths>().0;
    let holder = NodeRef::<html::Div>::new();
    let near = watch_on_screen(holder, PANEL_MARGIN);
    let printing = watch_printing();
    let shown = Signal::derive(move || near.get() || printing.get());
    // The owner of the contents' newest build, and whether an input
    // changed while it was paused (and how many times, so that only the
    // newest change's timer catches up).
    let contents = StoredValue::new(None::<Owner>);
    let missed = RwSignal::new(None::<u64>);
    let rebuilds = RwSignal::new(0u64);
    let resized = window_event_listener(leptos::ev::resize, move |_| {
        missed_change(contents, missed);
    });
    on_cleanup(move || resized.remove());
    Effect::new(move |first: Option<()>| {
        state.plan.track();
        state.selected.track();
        bands.bands.track();
        bands.stale.track();
        all_months.track();
        if first.is_some() {
            missed_change(contents, missed);
        }
    });
    // Near the screen, printed, or a while after the last change: catch up.
    Effect::new(move |_| {
        let change = missed.get();
        if shown.get() {
            catch_up(holder, contents, missed, rebuilds);
        } else if let Some(change) = change {
            leptos::task::spawn_local(async move {
                super::next_task_after(CATCH_UP_AFTER).await;
                if missed.try_get_untracked() == Some(Some(change)) {
                    catch_up(holder, contents, missed, rebuilds);
                }
            });
        } else {
            pause_after_this_task(holder, contents, shown);
        }
    });
    // `data-following` says whether the contents follow edits now (for tests
    // and developers; written only as that changes).
    view! {
        <div class="panel" node_ref=holder data-following="true">
            // Keyed by the build: a catch-up makes the contents afresh, as
            // on the first render, rather than patching the old elements
            // (which would remove and re-add every attribute).
            <For
                each=move || [rebuilds.get()]
                key=|build| *build
                children=move |build| {
                    contents.set_value(Owner::current());
                    // By build number, not a clone of the owner: its own
                    // cleanup holding it would keep it alive.
                    on_cleanup(move || say_stopped(holder, rebuilds, build, missed));
                    children()
                }
            />
        </div>
    }
}

/// An input changed: a paused panel has missed it.
fn missed_change(contents: StoredValue<Option<Owner>>, missed: RwSignal<Option<u64>>) {
    let paused = contents.with_value(|owner| owner.as_ref().is_some_and(Owner::paused));
    if !paused {
        return;
    }
    if missed.get_untracked().is_none() {
        stop_following_after_this_task(contents, missed);
    }
    missed.update(|count| *count = Some(count.map_or(1, |n| n.wrapping_add(1))));
}

/// Paused contents that missed a change: only a fresh build brings them up
/// to date, so their memos and effects stop following. Paused, they were
/// still woken by every keystroke to do nothing (issue 29: about 1,800 in
/// the month table, the cost breakdown and the events timeline of the
/// richest plan, against about 220 for everything else). Their elements
/// stay on the page until that build replaces them. In a task of its own,
/// so that dropping them is not part of the keystroke that caused it.
fn stop_following_after_this_task(
    contents: StoredValue<Option<Owner>>,
    missed: RwSignal<Option<u64>>,
) {
    let Some(stale) = contents.get_value() else {
        return;
    };
    leptos::task::spawn_local(async move {
        super::next_task_after(Duration::ZERO).await;
        // Unless a build has replaced them meanwhile, or they caught up.
        let still = contents.try_with_value(|now| now.as_ref() == Some(&stale)) == Some(true);
        if still && stale.paused() && missed.try_get_untracked().flatten().is_some() {
            stale.cleanup();
        }
    });
}

/// Follows edits again, rebuilding the contents if they missed any.
fn catch_up(
    holder: NodeRef<html::Div>,
    contents: StoredValue<Option<Owner>>,
    missed: RwSignal<Option<u64>>,
    rebuilds: RwSignal<u64>,
) {
    say_following(holder, "true");
    if missed.get_untracked().is_some() {
        // The old contents stay paused (their reactive parts are gone) until
        // the new build replaces them.
        missed.set(None);
        rebuilds.update(|n| *n = n.wrapping_add(1));
    } else {
        contents.with_value(|owner| owner.as_ref().map(Owner::resume));
    }
}

/// Pauses the contents once this task is over (their effects' first runs,
/// which a paused owner would skip, are done by then), unless the panel is
/// shown again by then.
fn pause_after_this_task(
    holder: NodeRef<html::Div>,
    contents: StoredValue<Option<Owner>>,
    shown: Signal<bool>,
) {
    leptos::task::spawn_local(async move {
        super::next_task_after(Duration::ZERO).await;
        if shown.try_get_untracked() == Some(false) {
            contents.with_value(|owner| owner.as_ref().map(Owner::pause));
            say_following(holder, "false");
        }
    });
}

/// `data-following="stopped"`: contents cleaned up in place (not replaced
/// by a build) because they missed a change while paused.
fn say_stopped(
    holder: NodeRef<html::Div>,
    rebuilds: RwSignal<u64>,
    cleaned: u64,
    missed: RwSignal<Option<u64>>,
) {
    let in_place = rebuilds.try_get_untracked() == Some(cleaned);
    if in_place && missed.try_get_untracked().flatten().is_some() {
        say_following(holder, "stopped");
    }
}

/// `data-following`: `true`, `false` or `stopped`, written only as it
/// changes (also from a cleanup, when the holder may be gone).
fn say_following(holder: NodeRef<html::Div>, value: &str) {
    if let Some(holder) = holder.try_get_untracked().flatten() {
        if holder.get_attribute("data-following").as_deref() != Some(value) {
            let _ = holder.set_attribute("data-following", value);
        }
    }
}
