//! Files: export the plan (JSON), the projection (CSV), a capacity-plan
//! report (Markdown) and finance's Excel workbook (its writer loaded on
//! demand: [`workbook`]); print; import a plan file, read and validated
//! exactly as a share link is.

mod workbook;

use super::library::Library;
use super::state::PlanState;
use super::BandsState;
use crate::engine::analyse::scenario::project;
use crate::engine::model::document::{load_plan, save_plan};
use crate::engine::output::{changes_since, projection_csv, projection_markdown};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Offers `text` as a file to save.
pub fn download(file_name: &str, mime: &str, text: &str) {
    let encoded = web_sys::js_sys::encode_uri_component(text);
    offer(file_name, &format!("data:{mime};charset=utf-8,{encoded}"));
}

/// Offers `bytes` as a file to save (a data URL, like every export: no
/// object URL to revoke, and nothing the page's policy must allow).
pub fn download_bytes(file_name: &str, mime: &str, bytes: &[u8]) {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    offer(file_name, &format!("data:{mime};base64,{encoded}"));
}

fn offer(file_name: &str, href: &str) {
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(link) = link {
        link.set_href(href);
        link.set_download(file_name);
        link.click();
    }
}

/// A file name from a plan's name: `Managed SaaS — 12 months` → `managed-saas-12-months`.
pub fn file_stem(name: &str) -> String {
    let mut stem = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            stem.push(c);
        } else if !stem.ends_with('-') && !stem.is_empty() {
            stem.push('-');
        }
    }
    let stem = stem
        .trim_end_matches('-')
        .chars()
        .take(60)
        .collect::<String>();
    if stem.is_empty() {
        "headroom-plan".into()
    } else {
        stem
    }
}

/// Reads the file chosen in the file input that fired `event` as text, at
/// most `limit` bytes, then calls `done` with its name and text, or with
/// what went wrong, in a sentence. The input is cleared, so choosing the
/// same file again reads it again.
pub fn read_chosen_file(
    event: &leptos::ev::Event,
    limit: usize,
    done: impl FnOnce(Result<(String, String), String>) + 'static,
) {
    let Some(input) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    input.set_value("");
    let name = file.name();
    if file.size() > limit as f64 {
        done(Err(format!(
            "{name} is {} bytes, more than the {limit} bytes this takes; nothing was changed.",
            file.size()
        )));
        return;
    }
    leptos::task::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|value| value.as_string());
        done(
            text.map(|text| (name.clone(), text))
                .ok_or(format!("{name} could not be read.")),
        );
    });
}

#[component]
pub fn FilePanel() -> impl IntoView {
    let state = expect_context::<PlanState>();
    let library = expect_context::<Library>();
    let bands = expect_context::<BandsState>();
    let message = RwSignal::new(None::<String>);
    let stem = move || state.plan.with_untracked(|p| file_stem(&p.plan().name));
    let export_plan = move |_| {
        let text = state.plan.with_untracked(save_plan);
        download(&format!("{}.json", stem()), "application/json", &text);
    };
    let export_csv = move |_| {
        let text = state.plan.with_untracked(|p| {
            bands
                .bands
                .with_untracked(|b| projection_csv(p, &project(p), b.as_ref(), None))
        });
        download(&format!("{}.csv", stem()), "text/csv", &text);
    };
    let export_report = move |_| {
        let mut text = bands.bands.with_untracked(|bands| {
            state
                .plan
                .with_untracked(|p| projection_markdown(p, &project(p), bands.as_ref(), None))
        });
        // What changed since the newest named version, when there is one.
        library.refresh_versions();
        let named = library
            .versions
            .get_untracked()
            .into_iter()
            .find(|v| v.name.is_some() && v.problem.is_none());
        if let Some(version) = named {
            let since = super::storage::BrowserStore::open()
                .ok()
                .and_then(|store| crate::versions::open_version(&store, &version.key).ok());
            if let Some(since) = since {
                let changes = state
                    .plan
                    .with_untracked(|p| crate::engine::diff::plan_changes(since.plan(), p.plan()));
                let label = format!(
                    "“{}” ({})",
                    version.name.unwrap_or_default(),
                    crate::library::describe_age(version.saved_at, super::storage::now())
                );
                text.push_str(&changes_since(&label, &changes, true));
            }
        }
        download(&format!("{}.md", stem()), "text/markdown", &text);
    };
    let preparing = RwSignal::new(false);
    let export_workbook = move |_| {
        let document = state.plan.with_untracked(save_plan);
        preparing.set(true);
        message.set(Some("Preparing the Excel workbook…".into()));
        leptos::task::spawn_local(async move {
            let said = match workbook::write(&document).await {
                Ok((name, bytes)) => {
                    download_bytes(&name, workbook::MIME, &bytes);
                    format!("Saved {name}: a summary, the assumptions and a sheet per scenario, with live totals.")
                }
                Err(error) => error.message(),
            };
            preparing.try_set(false);
            message.try_set(Some(said));
        });
    };
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    let import = move |event: leptos::ev::Event| {
        read_chosen_file(
            &event,
            crate::engine::model::document::MAX_DOCUMENT_BYTES,
            move |read| {
                let said = match read {
                    Err(problem) => problem,
                    Ok((name, text)) => match load_plan(&text) {
                        Ok(plan) => {
                            library.add(plan);
                            format!("Imported {name} as a new plan.")
                        }
                        Err(error) => {
                            format!("{name} cannot be opened: {error}. Nothing was changed.")
                        }
                    },
                };
                message.try_set(Some(said));
            },
        );
    };
    view! {
        <div class="panel-menu" role="group" aria-label="Export and import">
            <div class="menu-row">
                <button type="button" class="secondary" on:click=export_plan>"Export plan (JSON)"</button>
                <button type="button" class="secondary" on:click=export_csv>"Export projection (CSV)"</button>
                <button type="button" class="secondary" on:click=export_report>"Export report (Markdown)"</button>
                <button type="button" class="secondary" on:click=export_workbook disabled=move || preparing.get()>
                    "Export Excel workbook (.xlsx)"
                </button>
                <button type="button" class="secondary" on:click=print>"Print or save as PDF"</button>
            </div>
            <div class="menu-row">
                <label class="file-label" for="import-file">"Import a plan (JSON)"</label>
                <input id="import-file" type="file" accept="application/json,.json" on:change=import />
            </div>
            <p class="menu-message" role="status">{move || message.get().unwrap_or_default()}</p>
        </div>
    }
}
