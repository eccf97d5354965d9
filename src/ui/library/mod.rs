//! The saved plans: which one is open, saving it (a moment after each edit,
//! and at once when the page is hidden or closed), the list, and changes
//! made in other tabs. The rules live in [`crate::library`]; this is the
//! page's side of them.

use super::state::PlanState;
use super::storage::{now, BrowserStore};
use crate::engine::model::link::{decode_link, LinkError};
use crate::engine::model::plan::Plan;
use crate::engine::model::templates;
use crate::engine::model::validate::ValidPlan;
use crate::library::{self as saved, entry_key, Entry, SaveError, Store, OPEN_KEY};
use crate::versions::{self, Recorded, Version};
use leptos::prelude::*;
use std::time::Duration;

/// How long after the last edit the plan is saved.
const SAVE_DELAY: Duration = Duration::from_millis(400);
/// How long after the last edit an editing session ends (a version is kept).
const SESSION_IDLE: Duration = Duration::from_secs(600);

/// A version of a saved plan shown read-only.
#[derive(Clone, Debug, PartialEq)]
pub struct Viewing {
    /// The saved plan it is a version of.
    pub plan_id: String,
    pub key: String,
    /// `Q1 review, 2026-11-02` or `2026-11-02 14:10`.
    pub label: String,
}

pub use crate::headline::middle_scenario;

/// What the page opens on.
pub struct Boot {
    pub plan: ValidPlan,
    pub id: Option<String>,
    pub revision: u64,
    pub read_only: bool,
    pub notice: Option<String>,
    /// The library as read while booting, so start-up lists it once.
    pub entries: Option<Vec<Entry>>,
}

/// Decides what to open: a shared plan from the link, else the plan open
/// last, else the newest saved plan, else the worked example (saved as a new
/// plan). Storage problems and damaged links become the notice.
pub fn boot() -> Option<Boot> {
    let mut notices = Vec::new();
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    if hash.len() > 1 {
        match decode_link(&hash) {
            Ok(plan) => {
                return Some(Boot {
                    plan,
                    id: None,
                    revision: 0,
                    read_only: true,
                    notice: None,
                    entries: None,
                })
            }
            Err(error) => {
                // A link that decoded says its plan's own problem, once
                // ("…cannot be opened: the plan has 1 problem; …").
                let problem = match &error {
                    LinkError::Plan(plan) => plan.to_string(),
                    other => other.to_string(),
                };
                notices.push(format!(
                    "This share link cannot be opened: {problem}. Your own plans are open instead."
                ))
            }
        }
    }
    // Built-in plans, checked by native tests.
    let example = || {
        templates::worked_example()
            .ok()
            .or_else(|| templates::blank().ok())
    };
    let mut store = match BrowserStore::open() {
        Ok(store) => store,
        Err(error) => {
            notices.push(capital(&error.to_string()));
            return Some(Boot {
                plan: example()?,
                id: None,
                revision: 0,
                read_only: false,
                notice: Some(notices.join(" ")),
                entries: None,
            });
        }
    };
    let _ = saved::migrate_legacy(&mut store, now());
    let entries = saved::list(&store).unwrap_or_default();
    let unreadable = entries.iter().filter(|e| e.problem.is_some()).count();
    if unreadable > 0 {
        notices.push(format!(
            "{unreadable} saved entr{} cannot be opened. {} kept exactly as found; open Plans to export {}.",
            if unreadable == 1 { "y" } else { "ies" },
            if unreadable == 1 { "It is" } else { "They are" },
            if unreadable == 1 { "it" } else { "them" },
        ));
    }
    let last_open = store.get(OPEN_KEY).ok().flatten();
    let candidates: Vec<String> = last_open
        .into_iter()
        .chain(
            entries
                .iter()
                .filter(|e| e.problem.is_none())
                .map(|e| e.id.clone()),
        )
        .collect();
    for id in candidates {
        if let Ok(found) = saved::open(&store, &id) {
            let _ = store.set(OPEN_KEY, &id);
            return Some(Boot {
                plan: found.plan,
                id: Some(id),
                revision: found.revision,
                read_only: false,
                notice: (!notices.is_empty()).then(|| notices.join(" ")),
                entries: Some(entries),
            });
        }
    }
    let plan = example()?;
    let id = match saved::create(&mut store, &plan, now()) {
        Ok(id) => {
            let _ = store.set(OPEN_KEY, &id);
            Some(id)
        }
        Err(error) => {
            notices.push(capital(&error.to_string()));
            None
        }
    };
    Some(Boot {
        plan,
        revision: u64::from(id.is_some()),
        id,
        read_only: false,
        notice: (!notices.is_empty()).then(|| notices.join(" ")),
        // A plan was just created: the list read above is out of date.
        entries: None,
    })
}

fn capital(text: &str) -> String {
    crate::editor::capitalise(text)
}

/// The open plan's place in the library, shared as context.
#[derive(Clone, Copy)]
pub struct Library {
    state: PlanState,
    /// The open plan's id; `None` when it is not saved (a shared plan being
    /// viewed, or storage unavailable).
    pub open_id: RwSignal<Option<String>>,
    /// The revision of the open plan this tab last saved or read.
    known: StoredValue<u64>,
    /// The plan as last saved or read, so opening a plan never saves it back.
    last_saved: StoredValue<Option<Plan>>,
    pending: StoredValue<Option<TimeoutHandle>>,
    pub entries: RwSignal<Vec<Entry>>,
    /// A shared plan, shown read-only until a copy is saved.
    pub read_only: RwSignal<bool>,
    /// One line on how saving is going: `Saved`, or why not.
    pub status: RwSignal<String>,
    pub notice: RwSignal<Option<String>>,
    /// The open plan's earlier versions, newest first.
    pub versions: RwSignal<Vec<Version>>,
    /// A version being looked at, read-only.
    pub viewing: RwSignal<Option<Viewing>>,
    /// The open plan changed since its last version.
    dirty: StoredValue<bool>,
    idle: StoredValue<Option<TimeoutHandle>>,
    /// The plan as it was before an editing session's first change, waiting
    /// to be kept as its first version with the next save.
    first_version: StoredValue<Option<BeforeEdits>>,
}

/// A saved plan as it was before its first edit, and when that edit came.
struct BeforeEdits {
    plan_id: String,
    plan: Plan,
    at: f64,
}

impl Library {
    pub fn new(state: PlanState, boot: &Boot, notice: RwSignal<Option<String>>) -> Library {
        let library = Library {
            state,
            open_id: RwSignal::new(boot.id.clone()),
            known: StoredValue::new(boot.revision),
            last_saved: StoredValue::new(Some(boot.plan.plan().clone())),
            pending: StoredValue::new(None),
            entries: RwSignal::new(boot.entries.clone().unwrap_or_default()),
            read_only: RwSignal::new(boot.read_only),
            status: RwSignal::new(if boot.id.is_some() {
                "Saved".into()
            } else {
                String::new()
            }),
            notice,
            versions: RwSignal::new(Vec::new()),
            viewing: RwSignal::new(None),
            dirty: StoredValue::new(false),
            idle: StoredValue::new(None),
            first_version: StoredValue::new(None),
        };
        if boot.entries.is_none() {
            library.refresh();
        }
        // The versions are read when History or Compare opens, not at start.
        library
    }

    /// Reads the open plan's versions again.
    pub fn refresh_versions(&self) {
        let versions = match self.open_id.try_get_untracked().flatten() {
            Some(id) => BrowserStore::open()
                .and_then(|store| versions::list_versions(&store, &id))
                .unwrap_or_default(),
            None => Vec::new(),
        };
        self.versions.try_set(versions);
    }

    /// Ends the editing session: saves what is waiting and, if the plan
    /// changed since its last version, keeps a version of it.
    pub fn end_session(&self) {
        self.flush();
        if let Some(Some(handle)) = self.idle.try_get_value() {
            handle.clear();
            self.idle.try_set_value(None);
        }
        if self.dirty.try_get_value() == Some(true) {
            self.keep_version(None);
        }
    }

    /// Keeps a version of the open plan (named or not); the message to show
    /// if it could not be kept.
    pub fn keep_version(&self, name: Option<&str>) -> Option<String> {
        self.keep_first_version();
        let (Some(Some(id)), Some(plan)) = (
            self.open_id.try_get_untracked(),
            self.state.plan.try_get_untracked(),
        ) else {
            return Some("Only a saved plan has versions: save a copy first.".into());
        };
        let result = BrowserStore::open()
            .and_then(|mut store| versions::record(&mut store, &id, &plan, name, now()));
        self.dirty.try_set_value(false);
        self.refresh_versions();
        match result {
            Ok(Recorded::Saved { made_room, .. }) if made_room > 0 => {
                self.notice.set(Some(format!(
                    "Browser storage was full: the {made_room} oldest unnamed version{} of your plans {} removed to keep this one. Your plans themselves are untouched.",
                    if made_room == 1 { "" } else { "s" },
                    if made_room == 1 { "was" } else { "were" }
                )));
                None
            }
            Ok(_) => None,
            Err(error) => Some(capital(&format!("the version was not kept: {error}"))),
        }
    }

    /// Shows a version of the open plan, read-only.
    pub fn view_version(&self, key: &str, label: String) -> Result<(), String> {
        let Some(plan_id) = self
            .viewing
            .get_untracked()
            .map(|v| v.plan_id)
            .or_else(|| self.open_id.get_untracked())
        else {
            return Err("Only a saved plan has versions.".into());
        };
        self.end_session();
        let store = BrowserStore::open().map_err(|e| capital(&e.to_string()))?;
        let plan = versions::open_version(&store, key).map_err(|e| capital(&e.to_string()))?;
        self.viewing.set(Some(Viewing {
            plan_id,
            key: key.to_string(),
            label,
        }));
        self.open_id.set(None);
        self.read_only.set(true);
        self.status.set(String::new());
        let middle = middle_scenario(&plan);
        self.last_saved.set_value(Some(plan.plan().clone()));
        self.state.open(plan, Some(middle));
        Ok(())
    }

    /// Leaves a version being viewed for the plan as it is now.
    pub fn back_to_current(&self) -> Result<(), String> {
        let Some(viewing) = self.viewing.get_untracked() else {
            return Ok(());
        };
        self.viewing.set(None);
        self.open(&viewing.plan_id)
    }

    /// Makes a version the current plan: the plan as it was is kept as a
    /// version first, and the restored plan becomes a new version; nothing
    /// is deleted. One undo step.
    pub fn restore_version(&self, key: &str) -> Result<(), String> {
        if self.viewing.get_untracked().is_some() {
            self.back_to_current()?;
        }
        self.end_session();
        let store = BrowserStore::open().map_err(|e| capital(&e.to_string()))?;
        let plan = versions::open_version(&store, key).map_err(|e| capital(&e.to_string()))?;
        self.state.replace(plan);
        self.plan_changed();
        self.flush();
        self.dirty.set_value(true);
        match self.keep_version(None) {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    /// Reads the list again.
    pub fn refresh(&self) {
        let entries = BrowserStore::open()
            .and_then(|store| saved::list(&store))
            .unwrap_or_default();
        self.entries.try_set(entries);
    }

    /// Called after every change of the open plan: saves it a moment later,
    /// and ends the editing session ten minutes after the last change.
    pub fn plan_changed(&self) {
        let unchanged = self.state.plan.with_untracked(|p| {
            self.last_saved
                .with_value(|last| last.as_ref() == Some(p.plan()))
        });
        if unchanged || self.read_only.get_untracked() {
            return;
        }
        // The first change of a session: the plan as it was is kept with the
        // next save (if it has no history yet), not in this keystroke's task.
        if !self.dirty.get_value() {
            if let (Some(plan_id), Some(plan)) =
                (self.open_id.get_untracked(), self.last_saved.get_value())
            {
                self.first_version.set_value(Some(BeforeEdits {
                    plan_id,
                    plan,
                    at: now(),
                }));
            }
        }
        self.dirty.set_value(true);
        if let Some(handle) = self.idle.get_value() {
            handle.clear();
        }
        let library = *self;
        let idle = set_timeout_with_handle(move || library.end_session(), SESSION_IDLE).ok();
        self.idle.set_value(idle);
        if self.open_id.get_untracked().is_none() {
            self.status.set("Not saved".into());
            return;
        }
        self.status.set("Saving…".into());
        if let Some(handle) = self.pending.get_value() {
            handle.clear();
        }
        let library = *self;
        let handle = set_timeout_with_handle(move || library.save_now(), SAVE_DELAY).ok();
        self.pending.set_value(handle);
    }

    /// Saves a change that is waiting, now (the page is being hidden or closed).
    pub fn flush(&self) {
        if let Some(Some(handle)) = self.pending.try_get_value() {
            handle.clear();
            self.save_now();
        }
    }

    /// Keeps the plan as it was before the session's first change, if that
    /// plan has no history yet, so the history starts before the edits.
    /// Runs before any other version is kept, so the order stays true.
    fn keep_first_version(&self) {
        let Some(before) = self.first_version.try_update_value(Option::take).flatten() else {
            return;
        };
        let Ok(mut store) = BrowserStore::open() else {
            return;
        };
        let first = versions::has_versions(&store, &before.plan_id).is_ok_and(|has| !has);
        if let (true, Ok(plan)) = (
            first,
            crate::engine::model::validate::validate(&before.plan),
        ) {
            let _ = versions::record(&mut store, &before.plan_id, &plan, None, before.at);
            self.refresh_versions();
        }
    }

    fn save_now(&self) {
        self.pending.try_set_value(None);
        self.keep_first_version();
        let (Some(Some(id)), Some(plan)) = (
            self.open_id.try_get_untracked(),
            self.state.plan.try_get_untracked(),
        ) else {
            return;
        };
        let saved_at = now();
        let result = BrowserStore::open()
            .map_err(SaveError::Store)
            .and_then(|mut store| {
                saved::save(&mut store, &id, &plan, self.known.get_value(), saved_at)
            });
        match result {
            Ok(revision) => {
                self.known.set_value(revision);
                self.last_saved.set_value(Some(plan.plan().clone()));
                self.status.set("Saved".into());
                // The list follows this entry alone: reading the library
                // again would parse and check every saved plan after every
                // pause in typing.
                let updated = self
                    .entries
                    .with_untracked(|entries| saved::with_saved(entries, &id, &plan, saved_at));
                match updated {
                    Some(entries) => self.entries.set(entries),
                    None => self.refresh(),
                }
            }
            Err(SaveError::Newer { .. }) => {
                self.adopt_stored(&id);
                self.notice.set(Some(
                    "This plan was changed in another tab or window; its newer version is open here now.".into(),
                ));
            }
            Err(error) => {
                self.status.set("Not saved".into());
                self.notice.set(Some(capital(&error.to_string())));
            }
        }
    }

    /// Shows the stored version of the open plan if it is newer than ours.
    fn adopt_stored(&self, id: &str) {
        let Ok(store) = BrowserStore::open() else {
            return;
        };
        if let Ok(found) = saved::open(&store, id) {
            if found.revision > self.known.get_value() {
                self.known.set_value(found.revision);
                self.last_saved.set_value(Some(found.plan.plan().clone()));
                self.state.open(found.plan, None);
                self.status.set("Updated from another tab".into());
            }
        }
    }

    /// Another tab changed storage: refresh the list, and follow the open plan.
    pub fn storage_changed(&self, key: Option<String>) {
        self.refresh();
        let Some(Some(id)) = self.open_id.try_get_untracked() else {
            return;
        };
        if key.is_none() || key.as_deref() == Some(entry_key(&id).as_str()) {
            self.adopt_stored(&id);
        }
    }

    /// Opens a saved plan.
    pub fn open(&self, id: &str) -> Result<(), String> {
        self.end_session();
        self.viewing.set(None);
        let mut store = BrowserStore::open().map_err(|e| capital(&e.to_string()))?;
        let found = saved::open(&store, id).map_err(|e| capital(&e.to_string()))?;
        let _ = store.set(OPEN_KEY, id);
        self.show(found.plan, Some(id.to_string()), found.revision);
        Ok(())
    }

    /// Saves `plan` as a new plan in the library and opens it. If storage
    /// cannot be used it still opens, unsaved, and says so.
    pub fn add(&self, plan: ValidPlan) {
        self.end_session();
        self.viewing.set(None);
        let created = BrowserStore::open().and_then(|mut store| {
            let id = saved::create(&mut store, &plan, now())?;
            let _ = store.set(OPEN_KEY, &id);
            Ok(id)
        });
        match created {
            Ok(id) => self.show(plan, Some(id), 1),
            Err(error) => {
                self.show(plan, None, 0);
                self.status.set("Not saved".into());
                self.notice.set(Some(capital(&error.to_string())));
            }
        }
        self.refresh();
    }

    /// Saves `plan` as a new plan in the library without opening it (the
    /// plan as it was before a re-forecast, to compare with).
    pub fn keep_copy(&self, plan: &ValidPlan) -> Result<(), String> {
        self.flush();
        let mut store = BrowserStore::open().map_err(|e| capital(&e.to_string()))?;
        saved::create(&mut store, plan, now()).map_err(|e| capital(&e.to_string()))?;
        self.refresh();
        Ok(())
    }

    fn show(&self, plan: ValidPlan, id: Option<String>, revision: u64) {
        if self.read_only.get_untracked() {
            // Leaving a shared plan: a reload should open the user's own plans.
            super::share::clear_link();
        }
        self.known.set_value(revision);
        self.last_saved.set_value(Some(plan.plan().clone()));
        self.open_id.set(id.clone());
        self.read_only.set(false);
        self.status.set(if id.is_some() {
            "Saved".into()
        } else {
            String::new()
        });
        let middle = middle_scenario(&plan);
        self.state.open(plan, Some(middle));
        self.dirty.set_value(false);
        self.refresh_versions();
    }

    /// Renames a saved plan (the open one through its own field, so undo covers it).
    pub fn rename(&self, id: &str, name: &str) -> Result<(), String> {
        if self.open_id.get_untracked().as_deref() == Some(id) {
            return self
                .state
                .edit(crate::editor::Field::PlanName, name)
                .map(|_| self.plan_changed());
        }
        let mut store = BrowserStore::open().map_err(|e| capital(&e.to_string()))?;
        let found = saved::open(&store, id).map_err(|e| capital(&e.to_string()))?;
        let renamed = crate::editor::Field::PlanName.apply(found.plan.plan(), name)?;
        saved::save(&mut store, id, &renamed, found.revision, now())
            .map_err(|e| capital(&e.to_string()))?;
        self.refresh();
        Ok(())
    }

    /// Saves a copy of a saved plan, named `… copy`, and opens it.
    pub fn duplicate(&self, id: &str) -> Result<(), String> {
        self.flush();
        let store = BrowserStore::open().map_err(|e| capital(&e.to_string()))?;
        let found = saved::open(&store, id).map_err(|e| capital(&e.to_string()))?;
        let name = format!("{} copy", found.plan.plan().name);
        let copy = crate::editor::Field::PlanName.apply(found.plan.plan(), &name)?;
        self.add(copy);
        Ok(())
    }

    /// Deletes an entry; returns what Undo needs to put it back.
    pub fn delete(&self, key: &str) -> Result<(String, String), String> {
        self.flush();
        let mut store = BrowserStore::open().map_err(|e| capital(&e.to_string()))?;
        let text = saved::delete(&mut store, key)
            .map_err(|e| capital(&e.to_string()))?
            .unwrap_or_default();
        self.refresh();
        let was_open = self
            .open_id
            .get_untracked()
            .is_some_and(|id| entry_key(&id) == key);
        if was_open {
            // Keep working on it in memory, unsaved, until something else opens.
            self.open_id.set(None);
            self.status.set("Not saved (deleted)".into());
        }
        Ok((key.to_string(), text))
    }

    /// Puts a deleted entry back.
    pub fn undo_delete(&self, key: &str, text: &str) -> Result<(), String> {
        let mut store = BrowserStore::open().map_err(|e| capital(&e.to_string()))?;
        saved::restore(&mut store, key, text).map_err(|e| capital(&e.to_string()))?;
        if self.open_id.get_untracked().is_none() && !self.read_only.get_untracked() {
            if let Some(id) = key.strip_prefix(saved::ENTRY_PREFIX) {
                let _ = self.open(id);
            }
        }
        self.refresh();
        Ok(())
    }

    /// The raw text of an entry, to export an unreadable one as it is.
    pub fn raw(&self, key: &str) -> Option<String> {
        BrowserStore::open().ok()?.get(key).ok().flatten()
    }
}
