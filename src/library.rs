//! The library of saved plans, over any key-value store (the browser's local
//! storage in the app, a map in the tests).
//!
//! Each plan is one entry, `headroom.plans.<id>`, holding an envelope: the
//! plan (with its own schema number, migrated on read), when it was saved and
//! a revision that grows by one per save. Nothing here trusts the store:
//! an entry that does not read is listed as unreadable and never written
//! over, an entry from a newer Headroom is refused and left alone, and a save
//! never replaces a newer revision (saved meanwhile by another tab) with an
//! older plan.

use crate::engine::model::document::{load_plan, save_plan, LoadError};
use crate::engine::model::validate::ValidPlan;
use serde_json::{json, Value};
use std::fmt;

/// Entries of the library start with this.
pub const ENTRY_PREFIX: &str = "headroom.plans.";
/// The id of the plan open last.
pub const OPEN_KEY: &str = "headroom.open";
/// Where the first release kept its one plan; moved into the library on start.
pub const LEGACY_KEY: &str = "headroom.plan";

/// Why the store refused.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreError {
    /// The browser's storage quota is used up.
    Full,
    /// Storage is blocked or absent (private mode, settings, a sandbox).
    Blocked,
    Other(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Full => write!(
                f,
                "browser storage is full, so changes are not being saved; export the plan to keep it, or free space (other sites' data, old plans)"
            ),
            StoreError::Blocked => write!(
                f,
                "this browser blocks local storage, so plans are not saved; they stay while this page is open, and export still works"
            ),
            StoreError::Other(detail) => write!(f, "the plan could not be saved ({detail})"),
        }
    }
}

/// A key-value store of text, as local storage is.
pub trait Store {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreError>;
    fn remove(&mut self, key: &str) -> Result<(), StoreError>;
    fn keys(&self) -> Result<Vec<String>, StoreError>;
}

/// One entry of the library, as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub id: String,
    pub name: String,
    /// Milliseconds since 1970, when it was last saved.
    pub saved_at: f64,
    /// Why it cannot be opened, if it cannot.
    pub problem: Option<String>,
}

/// A saved plan, read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub plan: ValidPlan,
    pub revision: u64,
    pub saved_at: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SaveError {
    Store(StoreError),
    /// Another tab saved a newer revision; it was left as it is.
    Newer {
        revision: u64,
    },
    /// The stored entry does not read; it was left as it is.
    Unreadable,
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaveError::Store(error) => error.fmt(f),
            SaveError::Newer { .. } => write!(f, "this plan was changed in another tab or window"),
            SaveError::Unreadable => write!(
                f,
                "the saved copy of this plan cannot be read, so it is left as it is and not saved over"
            ),
        }
    }
}

impl From<StoreError> for SaveError {
    fn from(error: StoreError) -> Self {
        SaveError::Store(error)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum OpenError {
    Store(StoreError),
    Missing,
    Unreadable(String),
    Plan(LoadError),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Store(error) => error.fmt(f),
            OpenError::Missing => write!(f, "that plan is no longer saved"),
            OpenError::Unreadable(detail) => write!(f, "the saved plan cannot be read ({detail})"),
            OpenError::Plan(error) => write!(f, "the saved plan cannot be opened: {error}"),
        }
    }
}

pub fn entry_key(id: &str) -> String {
    format!("{ENTRY_PREFIX}{id}")
}

/// The envelope's parts, or why it does not read.
fn unpack(text: &str) -> Result<(String, f64, u64, String), String> {
    let value: Value = serde_json::from_str(text).map_err(|error| format!("not JSON: {error}"))?;
    let id = value["id"].as_str().ok_or("no id")?.to_string();
    let saved_at = value["saved_at"]
        .as_f64()
        .filter(|t| t.is_finite())
        .ok_or("no save time")?;
    let revision = value["revision"].as_u64().ok_or("no revision")?;
    let plan = value.get("plan").ok_or("no plan")?;
    Ok((id, saved_at, revision, plan.to_string()))
}

fn pack(id: &str, plan: &ValidPlan, saved_at: f64, revision: u64) -> String {
    let plan: Value = serde_json::from_str(&save_plan(plan)).unwrap_or(Value::Null);
    json!({ "id": id, "saved_at": saved_at, "revision": revision, "plan": plan }).to_string()
}

/// Every entry of the library, newest first, including those that cannot be
/// opened (with the reason), and the first release's plan if it is still there.
pub fn list(store: &impl Store) -> Result<Vec<Entry>, StoreError> {
    let mut entries = Vec::new();
    for key in store.keys()? {
        let legacy = key == LEGACY_KEY || key.starts_with(&format!("{LEGACY_KEY}.unreadable."));
        if !key.starts_with(ENTRY_PREFIX) && !legacy {
            continue;
        }
        let Some(text) = store.get(&key)? else {
            continue;
        };
        let id = key.strip_prefix(ENTRY_PREFIX).unwrap_or(&key).to_string();
        let entry = match unpack(&text) {
            Ok((_, saved_at, _, plan)) => match load_plan(&plan) {
                Ok(plan) => Entry {
                    key,
                    id,
                    name: plan.plan().name.clone(),
                    saved_at,
                    problem: None,
                },
                Err(error) => Entry {
                    name: plan_name(&plan).unwrap_or_else(|| "Unnamed plan".into()),
                    key,
                    id,
                    saved_at,
                    problem: Some(error.to_string()),
                },
            },
            Err(detail) => Entry {
                name: plan_name(&text).unwrap_or_else(|| "Unreadable entry".into()),
                key,
                id,
                saved_at: 0.0,
                problem: Some(format!("it is not a saved plan ({detail})")),
            },
        };
        entries.push(entry);
    }
    newest_first(&mut entries);
    Ok(entries)
}

/// [`list`]'s order: the newest save first, then by key.
fn newest_first(entries: &mut [Entry]) {
    entries.sort_by(|a, b| b.saved_at.total_cmp(&a.saved_at).then(a.key.cmp(&b.key)));
}

/// The library's entries once plan `plan` has been saved as entry `id` at
/// `saved_at`: what [`list`] would read back, without reading every other
/// entry again (each a whole plan to parse and check, which grew with the
/// library after every pause in typing). `None` when `entries` do not hold
/// `id` (a new entry: [`list`] the library instead).
pub fn with_saved(
    entries: &[Entry],
    id: &str,
    plan: &ValidPlan,
    saved_at: f64,
) -> Option<Vec<Entry>> {
    let key = entry_key(id);
    let index = entries.iter().position(|entry| entry.key == key)?;
    let mut updated = entries.to_vec();
    updated[index] = Entry {
        key,
        id: id.to_string(),
        name: plan.plan().name.clone(),
        saved_at,
        problem: None,
    };
    newest_first(&mut updated);
    Some(updated)
}

/// A plan's name from text that may not be a valid plan, for the list.
fn plan_name(text: &str) -> Option<String> {
    let value: Value = serde_json::from_str(text).ok()?;
    let name = value
        .get("name")
        .or_else(|| value.get("plan")?.get("name"))?;
    name.as_str().map(|n| n.chars().take(80).collect())
}

/// Opens a saved plan.
pub fn open(store: &impl Store, id: &str) -> Result<Saved, OpenError> {
    let text = store
        .get(&entry_key(id))
        .map_err(OpenError::Store)?
        .ok_or(OpenError::Missing)?;
    let (_, saved_at, revision, plan) = unpack(&text).map_err(OpenError::Unreadable)?;
    let plan = load_plan(&plan).map_err(OpenError::Plan)?;
    Ok(Saved {
        plan,
        revision,
        saved_at,
    })
}

/// Saves a new plan under a fresh id; returns the id.
pub fn create(store: &mut impl Store, plan: &ValidPlan, now: f64) -> Result<String, StoreError> {
    let taken = store.keys()?;
    let stem = format!("p{}", (now.max(0.0) as u64));
    let id = (0..)
        .map(|n| {
            if n == 0 {
                stem.clone()
            } else {
                format!("{stem}-{n}")
            }
        })
        .find(|id| !taken.contains(&entry_key(id)))
        .unwrap_or(stem);
    store.set(&entry_key(&id), &pack(&id, plan, now, 1))?;
    Ok(id)
}

/// Saves `plan` over entry `id`, which this tab last knew at revision
/// `known`. Refuses, leaving the entry as it is, if the entry has moved on
/// since (another tab saved) or no longer reads. Returns the new revision.
pub fn save(
    store: &mut impl Store,
    id: &str,
    plan: &ValidPlan,
    known: u64,
    now: f64,
) -> Result<u64, SaveError> {
    let key = entry_key(id);
    let stored = match store.get(&key)? {
        None => 0,
        Some(text) => unpack(&text).map_err(|_| SaveError::Unreadable)?.2,
    };
    if stored > known {
        return Err(SaveError::Newer { revision: stored });
    }
    let revision = stored + 1;
    store.set(&key, &pack(id, plan, now, revision))?;
    Ok(revision)
}

/// Removes an entry; returns its text, so the deletion can be undone.
pub fn delete(store: &mut impl Store, key: &str) -> Result<Option<String>, StoreError> {
    let text = store.get(key)?;
    store.remove(key)?;
    Ok(text)
}

/// Puts back an entry removed by [`delete`].
pub fn restore(store: &mut impl Store, key: &str, text: &str) -> Result<(), StoreError> {
    store.set(key, text)
}

/// Moves the first release's single plan into the library (the old entry is
/// removed only once the new one is written). An unreadable old entry is
/// left where it is, and listed.
pub fn migrate_legacy(store: &mut impl Store, now: f64) -> Result<Option<String>, StoreError> {
    let Some(text) = store.get(LEGACY_KEY)? else {
        return Ok(None);
    };
    let Ok(plan) = load_plan(&text) else {
        return Ok(None);
    };
    let id = create(store, &plan, now)?;
    store.remove(LEGACY_KEY)?;
    Ok(Some(id))
}

/// How long ago a save was, for the list: `just now`, `5 min ago`,
/// `3 h ago`, then the date, `2026-11-22`.
pub fn describe_age(saved_at: f64, now: f64) -> String {
    let seconds = ((now - saved_at) / 1000.0).max(0.0);
    if saved_at <= 0.0 || !seconds.is_finite() {
        "unknown".into()
    } else if seconds < 60.0 {
        "just now".into()
    } else if seconds < 3600.0 {
        format!("{} min ago", (seconds / 60.0) as u64)
    } else if seconds < 86_400.0 {
        format!("{} h ago", (seconds / 3600.0) as u64)
    } else {
        civil_date((saved_at / 86_400_000.0).floor() as i64)
    }
}

/// Days since 1970-01-01 as `YYYY-MM-DD`.
fn civil_date(days: i64) -> String {
    let (year, month, day) = civil_from_days(days);
    format!("{year}-{month:02}-{day:02}")
}

/// Days since 1970-01-01 as (year, month 1–12, day 1–31): Howard Hinnant's
/// civil-from-days.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::templates;
    use std::collections::BTreeMap;

    /// Local storage in memory; `full` makes every write fail as a full quota does.
    #[derive(Default)]
    struct Memory {
        items: BTreeMap<String, String>,
        full: bool,
    }

    impl Store for Memory {
        fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
            Ok(self.items.get(key).cloned())
        }
        fn set(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
            if self.full {
                return Err(StoreError::Full);
            }
            self.items.insert(key.into(), value.into());
            Ok(())
        }
        fn remove(&mut self, key: &str) -> Result<(), StoreError> {
            self.items.remove(key);
            Ok(())
        }
        fn keys(&self) -> Result<Vec<String>, StoreError> {
            Ok(self.items.keys().cloned().collect())
        }
    }

    fn example() -> ValidPlan {
        templates::worked_example().unwrap()
    }

    /// After a save, the entries updated in place are what the whole
    /// library reads back: for every entry saved, renamed or moved to the
    /// top, beside an entry that cannot be opened; an id not listed is left
    /// to a full listing.
    #[test]
    fn a_save_updates_the_list_as_reading_the_library_again_does() {
        let mut store = Memory::default();
        let plans: Vec<ValidPlan> = templates::TEMPLATES
            .iter()
            .filter_map(|template| templates::load(template.id).and_then(Result::ok))
            .collect();
        let ids: Vec<String> = plans
            .iter()
            .enumerate()
            .map(|(n, plan)| create(&mut store, plan, 1_000.0 * (n as f64 + 1.0)).unwrap())
            .collect();
        store
            .items
            .insert(entry_key("broken"), "{\"id\": \"broken\"".into());
        let mut revisions = vec![1u64; ids.len()];
        let mut time = 10_000.0;
        for round in 0..3 {
            for (n, id) in ids.iter().enumerate() {
                let before = list(&store).unwrap();
                // Each entry gets another template's plan, so its name changes.
                let plan = &plans[(n + round + 1) % plans.len()];
                time += if n % 2 == 0 { 1_000.0 } else { -3.0 };
                revisions[n] = save(&mut store, id, plan, revisions[n], time).unwrap();
                assert_eq!(
                    with_saved(&before, id, plan, time),
                    Some(list(&store).unwrap()),
                    "round {round}, entry {id}"
                );
            }
        }
        let listed = list(&store).unwrap();
        assert_eq!(with_saved(&listed, "not-there", &plans[0], time), None);
    }

    #[test]
    fn plans_are_created_listed_saved_and_opened() {
        let mut store = Memory::default();
        let id = create(&mut store, &example(), 1_000.0).unwrap();
        let lean = templates::load("lean-mvp").unwrap().unwrap();
        let other = create(&mut store, &lean, 2_000.0).unwrap();
        assert_ne!(id, other);
        let names: Vec<String> = list(&store).unwrap().into_iter().map(|e| e.name).collect();
        assert_eq!(
            names,
            [lean.plan().name.clone(), example().plan().name.clone()],
            "newest first"
        );
        let revision = save(&mut store, &id, &lean, 1, 3_000.0).unwrap();
        assert_eq!(revision, 2);
        let saved = open(&store, &id).unwrap();
        assert_eq!(
            (saved.plan, saved.revision, saved.saved_at),
            (lean, 2, 3_000.0)
        );
    }

    #[test]
    fn an_older_tab_never_overwrites_a_newer_save() {
        let mut store = Memory::default();
        let id = create(&mut store, &example(), 1.0).unwrap();
        // Tab A saves revision 2; tab B still knows revision 1.
        save(&mut store, &id, &example(), 1, 2.0).unwrap();
        let lean = templates::load("lean-mvp").unwrap().unwrap();
        assert_eq!(
            save(&mut store, &id, &lean, 1, 3.0),
            Err(SaveError::Newer { revision: 2 })
        );
        assert_eq!(open(&store, &id).unwrap().plan, example());
    }

    #[test]
    fn unreadable_and_newer_entries_are_listed_and_never_written_over() {
        let mut store = Memory::default();
        store.items.insert(entry_key("broken"), "{not json".into());
        let future = json!({"id": "future", "saved_at": 5.0, "revision": 1, "plan": {"schema": 99, "name": "From the future"}});
        store.items.insert(entry_key("future"), future.to_string());
        let entries = list(&store).unwrap();
        let future_entry = entries.iter().find(|e| e.id == "future").unwrap();
        assert_eq!(future_entry.name, "From the future");
        assert!(future_entry
            .problem
            .as_deref()
            .unwrap()
            .contains("newer version of Headroom"));
        let broken = entries.iter().find(|e| e.id == "broken").unwrap();
        assert!(broken
            .problem
            .as_deref()
            .unwrap()
            .starts_with("it is not a saved plan"));
        assert_eq!(
            save(&mut store, "broken", &example(), 0, 9.0),
            Err(SaveError::Unreadable)
        );
        assert_eq!(store.items[&entry_key("broken")], "{not json");
        assert!(matches!(
            open(&store, "future"),
            Err(OpenError::Plan(LoadError::FutureSchema { schema: 99 }))
        ));
    }

    /// A stored plan of the wrong shape is listed with where and what, and
    /// kept as it was.
    #[test]
    fn a_wrongly_typed_stored_plan_says_which_field() {
        let mut store = Memory::default();
        let mut plan: serde_json::Value =
            serde_json::from_str(&crate::engine::model::document::save_plan(&example())).unwrap();
        plan["components"][1]["lead_time_months"] = json!(-1);
        let stored = json!({"id": "typed", "saved_at": 5.0, "revision": 1, "plan": plan});
        store.items.insert(entry_key("typed"), stored.to_string());
        let entries = list(&store).unwrap();
        let entry = entries.iter().find(|e| e.id == "typed").unwrap();
        assert_eq!(
            entry.problem.as_deref(),
            Some("the plan has 1 problem; components[1].lead_time_months: cannot be negative")
        );
        assert_eq!(
            open(&store, "typed").unwrap_err().to_string(),
            "the saved plan cannot be opened: the plan has 1 problem; components[1].lead_time_months: cannot be negative"
        );
        assert_eq!(store.items[&entry_key("typed")], stored.to_string());
    }

    #[test]
    fn a_full_store_says_so_and_keeps_what_it_had() {
        let mut store = Memory::default();
        let id = create(&mut store, &example(), 1.0).unwrap();
        store.full = true;
        let lean = templates::load("lean-mvp").unwrap().unwrap();
        assert_eq!(
            save(&mut store, &id, &lean, 1, 2.0),
            Err(SaveError::Store(StoreError::Full))
        );
        assert_eq!(open(&store, &id).unwrap().plan, example());
        assert!(SaveError::Store(StoreError::Full)
            .to_string()
            .contains("export the plan"));
    }

    #[test]
    fn ages_read_like_a_file_list() {
        let now = 1_795_000_000_000.0; // 2026-11-18
        assert_eq!(describe_age(now - 20_000.0, now), "just now");
        assert_eq!(describe_age(now - 300_000.0, now), "5 min ago");
        assert_eq!(describe_age(now - 3.0 * 3_600_000.0, now), "3 h ago");
        assert_eq!(describe_age(now - 2.0 * 86_400_000.0, now), "2026-11-16");
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(-1), "1969-12-31");
        assert_eq!(describe_age(0.0, now), "unknown");
    }

    #[test]
    fn a_deletion_can_be_undone() {
        let mut store = Memory::default();
        let id = create(&mut store, &example(), 1.0).unwrap();
        let text = delete(&mut store, &entry_key(&id)).unwrap().unwrap();
        assert!(list(&store).unwrap().is_empty());
        restore(&mut store, &entry_key(&id), &text).unwrap();
        assert_eq!(open(&store, &id).unwrap().plan, example());
    }

    #[test]
    fn the_first_releases_plan_moves_into_the_library() {
        let mut store = Memory::default();
        store.items.insert(LEGACY_KEY.into(), save_plan(&example()));
        let id = migrate_legacy(&mut store, 7.0).unwrap().unwrap();
        assert_eq!(open(&store, &id).unwrap().plan, example());
        assert!(!store.items.contains_key(LEGACY_KEY));
        // An unreadable one stays where it is, listed.
        store.items.insert(LEGACY_KEY.into(), "{broken".into());
        assert_eq!(migrate_legacy(&mut store, 8.0).unwrap(), None);
        assert_eq!(store.items[LEGACY_KEY], "{broken");
        assert!(list(&store)
            .unwrap()
            .iter()
            .any(|e| e.key == LEGACY_KEY && e.problem.is_some()));
    }

    #[test]
    fn a_schema_1_plan_in_an_entry_is_migrated_on_open() {
        let mut store = Memory::default();
        let old = include_str!("../tests/fixtures/plan-schema-1.json");
        let old: Value = serde_json::from_str(old).unwrap();
        let envelope = json!({"id": "old", "saved_at": 1.0, "revision": 3, "plan": old});
        store.items.insert(entry_key("old"), envelope.to_string());
        let saved = open(&store, "old").unwrap();
        assert_eq!(
            saved.plan.plan().schema,
            crate::engine::model::plan::CURRENT_SCHEMA
        );
        assert_eq!(saved.revision, 3);
    }
}
