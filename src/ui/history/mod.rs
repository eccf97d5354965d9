//! A saved plan's history: keep a named version, and for each earlier
//! version — when, its name, what changed — view it read-only, compare it
//! with the plan now, or restore it (a new current version; nothing is
//! deleted).

use super::compare::{CompareWith, Other};
use super::library::Library;
use super::storage::now;
use super::{Menu, OpenMenu};
use crate::library::describe_age;
use crate::versions::Version;
use leptos::prelude::*;

#[component]
pub fn HistoryPanel() -> impl IntoView {
    let library = expect_context::<Library>();
    library.refresh_versions();
    let menu = expect_context::<OpenMenu>().0;
    let compare_with = expect_context::<CompareWith>().0;
    let name = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = name.get_untracked();
        if typed.trim().is_empty() {
            message.set(Some("Give the version a name, such as “Q1 review”.".into()));
            return;
        }
        library.flush();
        match library.keep_version(Some(&typed)) {
            None => {
                message.set(Some(format!("Kept “{}”.", typed.trim())));
                name.set(String::new());
            }
            Some(problem) => message.set(Some(problem)),
        }
    };
    let row = move |version: Version| {
        let when = describe_age(version.saved_at, now());
        let title = version.name.clone().unwrap_or_else(|| "Autosaved".into());
        if let Some(problem) = version.problem.clone() {
            return view! {
                <li class="version-row unreadable">
                    <p class="plan-name-row">{title}</p>
                    <p class="plan-meta">{format!("Cannot be opened: {problem}. Kept exactly as found.")}</p>
                </li>
            }
            .into_any();
        }
        let label = match &version.name {
            Some(name) => format!("“{name}”, {when}"),
            None => format!("the version from {when}"),
        };
        let (view_key, view_label) = (version.key.clone(), label.clone());
        let view_it = move |_| {
            message.set(library.view_version(&view_key, view_label.clone()).err());
            if message.get_untracked().is_none() {
                menu.set(None);
            }
        };
        let (compare_key, compare_label) = (version.key.clone(), label.clone());
        let compare = move |_| match Other::from_version(&compare_key, compare_label.clone()) {
            Ok(other) => {
                compare_with.set(Some(other));
                menu.set(Some(Menu::Compare));
            }
            Err(problem) => message.set(Some(problem)),
        };
        let restore_key = version.key.clone();
        let restore_label = label.clone();
        let restore = move |_| match library.restore_version(&restore_key) {
            Ok(()) => message.set(Some(format!(
                "Restored {restore_label}; the plan as it was is kept in this history."
            ))),
            Err(problem) => message.set(Some(problem)),
        };
        let summary = if version.summary.is_empty() {
            "no summary".to_string()
        } else {
            version.summary.clone()
        };
        view! {
            <li class="version-row" data-test="version">
                <div>
                    <p class="plan-name-row">
                        <strong>{title}</strong>
                        <span class="plan-meta">{format!(" · {when}")}</span>
                    </p>
                    <p class="plan-meta">{summary}</p>
                </div>
                <div class="menu-row">
                    <button type="button" class="secondary" aria-label=format!("View {label}") on:click=view_it>"View"</button>
                    <button type="button" class="secondary" aria-label=format!("Compare {label} with the plan now") on:click=compare>"Compare"</button>
                    <button type="button" class="secondary" aria-label=format!("Restore {label}") on:click=restore>"Restore"</button>
                </div>
            </li>
        }
        .into_any()
    };
    view! {
        <h2>"History"</h2>
        {move || {
            (library.open_id.get().is_none() && library.viewing.get().is_none()).then(|| {
                view! { <p class="empty">"Only saved plans keep a history: save a copy of this plan first."</p> }
            })
        }}
        <p class="section-note">
            "A version is kept each time you stop editing (the page is hidden or closed, another plan opens, or ten minutes pass). Old ones thin out to one a day, then one a month; named versions are always kept."
        </p>
        <form class="version-form" on:submit=save>
            <div class="field">
                <label for="version-name">"Keep this version as"</label>
                <input id="version-name" type="text" maxlength="100" placeholder="Q1 review"
                    prop:value=move || name.get()
                    on:input=move |e| name.set(event_target_value(&e)) />
            </div>
            <button type="submit" class="primary">"Keep version"</button>
        </form>
        <p class="plan-meta" role="status">{move || message.get().unwrap_or_default()}</p>
        <ul class="version-list" data-test="versions">
            {move || {
                let versions = library.versions.get();
                if versions.is_empty() {
                    view! { <li class="empty">"No earlier versions yet."</li> }.into_any()
                } else {
                    versions.into_iter().map(row).collect_view().into_any()
                }
            }}
        </ul>
    }
}

/// Shown above a version being viewed: what it is, restore it, or go back.
#[component]
pub fn VersionBanner() -> impl IntoView {
    let library = expect_context::<Library>();
    let message = RwSignal::new(None::<String>);
    let label = move || library.viewing.get().map(|v| v.label).unwrap_or_default();
    let restore = move |_| {
        if let Some(viewing) = library.viewing.get_untracked() {
            message.set(library.restore_version(&viewing.key).err());
        }
    };
    let back = move |_| message.set(library.back_to_current().err());
    view! {
        <div class="shared-banner" role="region" aria-label="Earlier version" data-test="version-banner">
            <p>
                <strong>{move || format!("Viewing {}, read-only. ", label())}</strong>
                "Nothing changes until you restore it; restoring keeps the plan as it is now in the history."
            </p>
            <div class="menu-row">
                <button type="button" class="primary" on:click=restore>"Restore this version"</button>
                <button type="button" class="secondary" on:click=back>"Back to the plan now"</button>
            </div>
            <p class="plan-meta" role="status">{move || message.get().unwrap_or_default()}</p>
        </div>
    }
}
