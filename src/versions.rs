//! Earlier versions of each saved plan, over the same key-value [`Store`]
//! as the library.
//!
//! A version is one entry, `headroom.versions.<plan id>.<sequence>`: the plan
//! as it was, when, an optional name ("Q1 review") and a one-line summary of
//! what changed since the version before it. The app records one when an
//! editing session ends (the page is hidden or closed, another plan opens, or
//! ten minutes pass after the last edit) and when the user names one.
//!
//! Unnamed versions thin out ([`thin`]): all of the last day, the newest of
//! each day for a month, the newest of each calendar month after that; and a
//! plan's history stays within [`HISTORY_BUDGET_CHARS`], oldest unnamed first.
//! Named versions are kept. When storage is full, the oldest unnamed
//! versions (this plan's, then any plan's) make room, and the caller is told
//! how many; the plans themselves are never touched. An entry that does not
//! read is listed with the reason and never overwritten or removed.

use crate::engine::diff::{plan_changes, summary};
use crate::engine::model::document::{load_plan, save_plan};
use crate::engine::model::validate::ValidPlan;
use crate::library::{OpenError, Store, StoreError};
use serde_json::{json, Value};

/// Entries of the history start with this.
pub const VERSION_PREFIX: &str = "headroom.versions.";
/// The most characters one plan's history may take in storage (local
/// storage holds about 5 million per site).
pub const HISTORY_BUDGET_CHARS: usize = 500_000;
/// The longest name a version may have.
pub const MAX_VERSION_NAME_CHARS: usize = 100;

const DAY_MS: f64 = 86_400_000.0;

/// One version, as the history lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub key: String,
    pub sequence: u64,
    /// Milliseconds since 1970.
    pub saved_at: f64,
    pub name: Option<String>,
    /// What changed since the version before: `growth 25% → 30%, added
    /// component Search`.
    pub summary: String,
    /// Characters it takes in storage.
    pub size: usize,
    /// Why it cannot be opened, if it cannot.
    pub problem: Option<String>,
}

/// What recording did.
#[derive(Debug, Clone, PartialEq)]
pub enum Recorded {
    /// Saved under `key`; `made_room` older unnamed versions were removed
    /// because storage was full.
    Saved { key: String, made_room: usize },
    /// The plan is the same as the latest version (and no name was given).
    Unchanged,
}

fn prefix_of(plan_id: &str) -> String {
    format!("{VERSION_PREFIX}{plan_id}.")
}

pub fn version_key(plan_id: &str, sequence: u64) -> String {
    format!("{}{sequence:08}", prefix_of(plan_id))
}

/// The versions of plan `plan_id`, newest first; unreadable ones included,
/// with the reason.
pub fn list_versions(store: &impl Store, plan_id: &str) -> Result<Vec<Version>, StoreError> {
    let prefix = prefix_of(plan_id);
    let mut versions = Vec::new();
    for key in store.keys()? {
        let Some(sequence) = key.strip_prefix(&prefix) else {
            continue;
        };
        // Another plan whose id continues this one's (`p1` and `p1.x`).
        let Ok(sequence) = sequence.parse::<u64>() else {
            continue;
        };
        let Some(text) = store.get(&key)? else {
            continue;
        };
        versions.push(read_version(key, sequence, &text));
    }
    versions.sort_by_key(|v| std::cmp::Reverse(v.sequence));
    Ok(versions)
}

fn read_version(key: String, sequence: u64, text: &str) -> Version {
    let broken = |key: String, reason: String| Version {
        key,
        sequence,
        saved_at: 0.0,
        name: None,
        summary: String::new(),
        size: text.len(),
        problem: Some(reason),
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            return broken(
                key,
                format!("it is not a saved version (not JSON: {error})"),
            )
        }
    };
    let Some(saved_at) = value["saved_at"].as_f64().filter(|t| t.is_finite()) else {
        return broken(key, "it is not a saved version (no save time)".into());
    };
    let problem = match value.get("plan") {
        None => Some("it holds no plan".to_string()),
        Some(plan) => load_plan(&plan.to_string()).err().map(|e| e.to_string()),
    };
    Version {
        key,
        sequence,
        saved_at,
        name: value["name"]
            .as_str()
            .map(|n| n.chars().take(MAX_VERSION_NAME_CHARS).collect()),
        summary: value["summary"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect(),
        size: text.len(),
        problem,
    }
}

/// Opens one version's plan.
pub fn open_version(store: &impl Store, key: &str) -> Result<ValidPlan, OpenError> {
    let text = store
        .get(key)
        .map_err(OpenError::Store)?
        .ok_or(OpenError::Missing)?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|error| OpenError::Unreadable(format!("not JSON: {error}")))?;
    let plan = value
        .get("plan")
        .ok_or_else(|| OpenError::Unreadable("no plan".into()))?;
    load_plan(&plan.to_string()).map_err(OpenError::Plan)
}

/// The newest version that opens, with its plan.
fn latest_readable(store: &impl Store, versions: &[Version]) -> Option<ValidPlan> {
    versions
        .iter()
        .filter(|v| v.problem.is_none())
        .find_map(|v| open_version(store, &v.key).ok())
}

/// Records `plan` as a version of plan `plan_id` at `now`, named or not,
/// then thins the history. An unnamed version identical to the latest is
/// not recorded.
pub fn record(
    store: &mut impl Store,
    plan_id: &str,
    plan: &ValidPlan,
    name: Option<&str>,
    now: f64,
) -> Result<Recorded, StoreError> {
    let versions = list_versions(store, plan_id)?;
    let latest = latest_readable(store, &versions);
    let name = name
        .map(|n| {
            n.trim()
                .chars()
                .take(MAX_VERSION_NAME_CHARS)
                .collect::<String>()
        })
        .filter(|n| !n.is_empty());
    if name.is_none() && latest.as_ref().is_some_and(|l| l.plan() == plan.plan()) {
        return Ok(Recorded::Unchanged);
    }
    let summary = match &latest {
        Some(latest) => summary(&plan_changes(latest.plan(), plan.plan())),
        None => "first version".into(),
    };
    // After every entry there is, readable or not: nothing is written over.
    let sequence = versions
        .iter()
        .map(|v| v.sequence)
        .max()
        .map_or(1, |s| s + 1);
    let key = version_key(plan_id, sequence);
    let plan_json: Value = serde_json::from_str(&save_plan(plan)).unwrap_or(Value::Null);
    let text = json!({
        "plan_id": plan_id,
        "saved_at": now,
        "name": name,
        "summary": summary,
        "plan": plan_json,
    })
    .to_string();
    let mut made_room = 0;
    loop {
        match store.set(&key, &text) {
            Ok(()) => break,
            Err(StoreError::Full) => {
                if !remove_oldest_unnamed(store, plan_id, &key)? {
                    return Err(StoreError::Full);
                }
                made_room += 1;
            }
            Err(other) => return Err(other),
        }
    }
    // The listing read above, with the new version first: no second read
    // (making room changed it, so it is read again only then).
    let mut listed = if made_room > 0 {
        list_versions(store, plan_id)?
    } else {
        let mut listed = versions;
        listed.insert(0, read_version(key.clone(), sequence, &text));
        listed
    };
    thin_listed(store, &mut listed, now)?;
    Ok(Recorded::Saved { key, made_room })
}

/// Whether plan `plan_id` has any version (without reading them).
pub fn has_versions(store: &impl Store, plan_id: &str) -> Result<bool, StoreError> {
    let prefix = prefix_of(plan_id);
    Ok(store.keys()?.iter().any(|key| {
        key.strip_prefix(&prefix)
            .is_some_and(|sequence| sequence.parse::<u64>().is_ok())
    }))
}

/// Removes the oldest unnamed, readable version: this plan's if it has one
/// (never `keep`), else any plan's. Whether there was one.
fn remove_oldest_unnamed(
    store: &mut impl Store,
    plan_id: &str,
    keep: &str,
) -> Result<bool, StoreError> {
    let mine = list_versions(store, plan_id)?;
    let candidate = |versions: &[Version]| {
        versions
            .iter()
            .rev()
            .find(|v| v.name.is_none() && v.problem.is_none() && v.key != keep)
            .map(|v| v.key.clone())
    };
    let key = match candidate(&mine) {
        Some(key) => Some(key),
        None => {
            let mut others: Vec<Version> = Vec::new();
            for key in store.keys()? {
                if let Some(rest) = key.strip_prefix(VERSION_PREFIX) {
                    if let Some((id, sequence)) = rest.rsplit_once('.') {
                        if id != plan_id {
                            if let (Ok(sequence), Some(text)) =
                                (sequence.parse::<u64>(), store.get(&key)?)
                            {
                                others.push(read_version(key, sequence, &text));
                            }
                        }
                    }
                }
            }
            others.sort_by(|a, b| b.saved_at.total_cmp(&a.saved_at));
            candidate(&others)
        }
    };
    match key {
        Some(key) => {
            store.remove(&key)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Thins plan `plan_id`'s unnamed versions as of `now` and keeps its history
/// within the budget. Returns how many were removed.
pub fn thin(store: &mut impl Store, plan_id: &str, now: f64) -> Result<usize, StoreError> {
    let mut versions = list_versions(store, plan_id)?;
    thin_listed(store, &mut versions, now)
}

/// [`thin`] over a listing already read (newest first), which is kept up to
/// date as entries go.
fn thin_listed(
    store: &mut impl Store,
    versions: &mut Vec<Version>,
    now: f64,
) -> Result<usize, StoreError> {
    let mut kept_buckets = std::collections::BTreeSet::new();
    let mut remove = Vec::new();
    // Newest first: the first version seen in a bucket is the one kept.
    for (index, version) in versions.iter().enumerate() {
        if index == 0 || version.name.is_some() || version.problem.is_some() {
            continue;
        }
        let age = now - version.saved_at;
        let day = (version.saved_at / DAY_MS).floor() as i64;
        let bucket = if age < DAY_MS {
            continue;
        } else if age < 30.0 * DAY_MS {
            (0, day)
        } else {
            (1, month_of_day(day))
        };
        if !kept_buckets.insert(bucket) {
            remove.push(version.key.clone());
        }
    }
    for key in &remove {
        store.remove(key)?;
    }
    versions.retain(|v| !remove.contains(&v.key));
    // The budget: oldest unnamed first, never the newest.
    let mut total: usize = versions.iter().map(|v| v.size).sum();
    let mut removed = remove.len();
    while total > HISTORY_BUDGET_CHARS {
        let Some(position) = versions
            .iter()
            .enumerate()
            .rev()
            .find(|(index, v)| *index > 0 && v.name.is_none() && v.problem.is_none())
            .map(|(index, _)| index)
        else {
            break;
        };
        let version = versions.remove(position);
        store.remove(&version.key)?;
        total -= version.size;
        removed += 1;
    }
    Ok(removed)
}

/// Days since 1970 as a month count (year × 12 + month).
fn month_of_day(days: i64) -> i64 {
    let (year, month, _) = crate::library::civil_from_days(days);
    year * 12 + month - 1
}

/// Characters plan `plan_id`'s history takes in storage.
pub fn total_size(store: &impl Store, plan_id: &str) -> Result<usize, StoreError> {
    Ok(list_versions(store, plan_id)?.iter().map(|v| v.size).sum())
}
