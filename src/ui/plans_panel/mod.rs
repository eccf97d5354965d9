//! The library of saved plans: open, rename, duplicate, delete (with undo);
//! entries that cannot be opened are listed with the reason and can be
//! exported exactly as stored.

use super::files::{download, file_stem};
use super::library::Library;
use super::storage::now;
use crate::library::{describe_age, Entry};
use leptos::prelude::*;

#[component]
pub fn PlansPanel() -> impl IntoView {
    let library = expect_context::<Library>();
    let message = RwSignal::new(None::<String>);
    let undo = RwSignal::new(None::<(String, String, String)>);
    let renaming = RwSignal::new(None::<String>);
    let row = move |entry: Entry| {
        let is_open = library.open_id.get().as_deref() == Some(entry.id.as_str());
        let age = describe_age(entry.saved_at, now());
        let id = entry.id.clone();
        let key = entry.key.clone();
        let name = entry.name.clone();
        if let Some(problem) = entry.problem.clone() {
            let export = move |_| {
                if let Some(text) = library.raw(&key) {
                    download(
                        &format!("{}-as-stored.json", file_stem(&name)),
                        "application/json",
                        &text,
                    );
                }
            };
            return view! {
                <li class="plan-row unreadable">
                    <div>
                        <p class="plan-name-row">{entry.name.clone()}</p>
                        <p class="plan-meta">{format!("Cannot be opened: {problem}. Kept exactly as found.")}</p>
                    </div>
                    <div class="menu-row">
                        <button type="button" class="secondary" on:click=export>"Export as stored"</button>
                    </div>
                </li>
            }
            .into_any();
        }
        let open_id = id.clone();
        let open = move |_| message.set(library.open(&open_id).err());
        let duplicate_id = id.clone();
        let duplicate = move |_| message.set(library.duplicate(&duplicate_id).err());
        let delete_key = key.clone();
        let delete_name = name.clone();
        let delete = move |_| match library.delete(&delete_key) {
            Ok((key, text)) => undo.set(Some((key, text, delete_name.clone()))),
            Err(error) => message.set(Some(error)),
        };
        let rename_id = id.clone();
        let editing = {
            let id = id.clone();
            move || renaming.get().as_deref() == Some(id.as_str())
        };
        let start_rename = {
            let id = id.clone();
            move |_| renaming.set(Some(id.clone()))
        };
        let commit = move |text: String| match library.rename(&rename_id, &text) {
            Ok(()) => renaming.set(None),
            Err(error) => message.set(Some(error)),
        };
        let label = format!("New name for {name}");
        view! {
            <li class="plan-row" class:current=is_open data-test="plan-row">
                <div>
                    {move || {
                        if editing() {
                            let commit = commit.clone();
                            let commit_blur = commit.clone();
                            view! {
                                <input
                                    class="rename"
                                    type="text"
                                    aria-label=label.clone()
                                    prop:value=name.clone()
                                    on:keydown=move |e| {
                                        if e.key() == "Enter" {
                                            commit(event_target_value(&e));
                                        } else if e.key() == "Escape" {
                                            renaming.set(None);
                                        }
                                    }
                                    on:blur=move |e| commit_blur(event_target_value(&e))
                                />
                            }
                            .into_any()
                        } else {
                            view! { <p class="plan-name-row">{name.clone()}</p> }.into_any()
                        }
                    }}
                    <p class="plan-meta">
                        {format!("Last change {age}")}
                        {is_open.then(|| view! { <span class="badge">"Open now"</span> })}
                    </p>
                </div>
                <div class="menu-row">
                    {(!is_open).then(|| view! { <button type="button" class="primary" on:click=open.clone()>"Open"</button> })}
                    <button type="button" class="secondary" on:click=start_rename>"Rename"</button>
                    <button type="button" class="secondary" on:click=duplicate>"Duplicate"</button>
                    <button type="button" class="secondary danger-text" on:click=delete>"Delete"</button>
                </div>
            </li>
        }
        .into_any()
    };
    view! {
        <div class="panel-menu" role="group" aria-label="Saved plans">
            {move || {
                undo.get()
                    .map(|(key, text, name)| {
                        view! {
                            <p class="menu-message" role="status">
                                {format!("Deleted \u{201c}{name}\u{201d}. ")}
                                <button type="button" class="link-button" on:click=move |_| {
                                    message.set(library.undo_delete(&key, &text).err());
                                    undo.set(None);
                                }>"Undo"</button>
                            </p>
                        }
                    })
            }}
            <ul class="plan-list">
                {move || {
                    let entries = library.entries.get();
                    if entries.is_empty() {
                        view! { <li class="plan-meta">"No saved plans yet (storage may be unavailable)."</li> }.into_any()
                    } else {
                        entries.into_iter().map(row).collect_view().into_any()
                    }
                }}
            </ul>
            <p class="menu-message" role="alert">{move || message.get().unwrap_or_default()}</p>
        </div>
    }
}
