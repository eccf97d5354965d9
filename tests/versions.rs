//! The history of each saved plan (issue 19), over an in-memory store: the
//! thinning policy over three months of daily editing, named versions kept,
//! a full store making room from old versions only, a corrupt entry listed
//! and never written over, and a library written by the previous release.
#![cfg(not(target_arch = "wasm32"))]

use headroom::editor::Field;
use headroom::engine::model::templates;
use headroom::engine::model::validate::ValidPlan;
use headroom::library::{self, Store, StoreError};
use headroom::versions::{
    list_versions, open_version, record, total_size, version_key, Recorded, HISTORY_BUDGET_CHARS,
};
use std::collections::BTreeMap;

/// Local storage in memory, holding at most `capacity` characters of keys
/// and values (as browsers count them), like a quota.
struct Memory {
    items: BTreeMap<String, String>,
    capacity: usize,
}

impl Memory {
    fn new(capacity: usize) -> Memory {
        Memory {
            items: BTreeMap::new(),
            capacity,
        }
    }
    fn used(&self) -> usize {
        self.items.iter().map(|(k, v)| k.len() + v.len()).sum()
    }
}

impl Store for Memory {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.items.get(key).cloned())
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        let old = self.items.get(key).map_or(0, |v| key.len() + v.len());
        if self.used() - old + key.len() + value.len() > self.capacity {
            return Err(StoreError::Full);
        }
        self.items.insert(key.to_string(), value.to_string());
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

const DAY: f64 = 86_400_000.0;
/// 2026-09-01, midnight UTC.
const START: f64 = 1_788_220_800_000.0;

fn richest() -> ValidPlan {
    templates::load("microservices-aws")
        .expect("listed")
        .expect("valid")
}

/// The plan with its baseline set to `users` (a small, real edit).
fn with_baseline(plan: &ValidPlan, users: u32) -> ValidPlan {
    Field::BaselineUsers
        .apply(plan.plan(), &users.to_string())
        .expect("a valid baseline")
}

/// Three months of editing: three sessions a day (9:00, 13:00, 17:00),
/// each changing the plan, each ending in a version; a named version at each
/// month's review.
#[test]
fn three_months_of_daily_edits_thin_out_and_stay_within_budget() {
    let mut store = Memory::new(5_000_000);
    let mut plan = richest();
    let id = library::create(&mut store, &plan, START).expect("created");
    let mut users = 50_000;
    let days = 91;
    for day in 0..days {
        for hour in [9.0, 13.0, 17.0] {
            users += 100;
            plan = with_baseline(&plan, users);
            let now = START + f64::from(day) * DAY + hour * 3_600_000.0;
            let revision = library::open(&store, &id).expect("opens").revision;
            library::save(&mut store, &id, &plan, revision, now).expect("saved");
            let name = (day % 30 == 29 && hour == 17.0).then(|| format!("Review {}", day / 30 + 1));
            let recorded = record(&mut store, &id, &plan, name.as_deref(), now).expect("recorded");
            assert!(
                matches!(recorded, Recorded::Saved { made_room: 0, .. }),
                "{recorded:?}"
            );
        }
    }
    let now = START + f64::from(days - 1) * DAY + 17.0 * 3_600_000.0;
    let versions = list_versions(&store, &id).expect("listed");
    let unnamed: Vec<_> = versions.iter().filter(|v| v.name.is_none()).collect();
    let named: Vec<_> = versions.iter().filter(|v| v.name.is_some()).collect();
    // The three named reviews are all kept.
    assert_eq!(named.len(), 3, "{named:?}");
    // The last day: all three sessions (the newest is kept whatever).
    let last_day = unnamed.iter().filter(|v| now - v.saved_at < DAY).count();
    assert_eq!(last_day, 3);
    // Days 1–29 back (each one's 17:00 session is exactly 1–29 days old,
    // its 9:00 and 13:00 ones a few hours more, all under 30 days): one a
    // day, 29 of them.
    let mut days_kept: Vec<i64> = unnamed
        .iter()
        .filter(|v| (DAY..30.0 * DAY).contains(&(now - v.saved_at)))
        .map(|v| (v.saved_at / DAY).floor() as i64)
        .collect();
    let count = days_kept.len();
    days_kept.dedup();
    assert_eq!(days_kept.len(), count, "one a day");
    assert!((28..=30).contains(&count), "{count}");
    // Older: at most one a calendar month (September, October).
    let older = unnamed
        .iter()
        .filter(|v| now - v.saved_at >= 30.0 * DAY)
        .count();
    assert!(older <= 2, "{older}");
    let size = total_size(&store, &id).expect("sized");
    assert!(size <= HISTORY_BUDGET_CHARS, "{size}");
    println!(
        "HISTORY 91 days × 3 sessions of microservices-aws: {} versions kept ({} named), {size} characters",
        versions.len(),
        named.len()
    );
    // Each summary says what changed since the version before it.
    assert!(
        versions[0].summary.starts_with("users at month 0 "),
        "{}",
        versions[0].summary
    );
    // And every version opens, with the plan as it was.
    let oldest = versions.last().expect("some");
    assert!(open_version(&store, &oldest.key).is_ok());
}

#[test]
fn a_full_store_makes_room_from_old_unnamed_versions_only() {
    let plan = richest();
    let size = serde_json::to_string(plan.plan()).expect("JSON").len();
    // Room for the plan and about four versions (both stored compact).
    let mut store = Memory::new(size * 5);
    let id = library::create(&mut store, &plan, START).expect("created");
    let mut current = plan.clone();
    let mut made_room = 0;
    for step in 1..=8u32 {
        current = with_baseline(&current, 50_000 + step);
        let name = (step == 2).then_some("Kept");
        match record(
            &mut store,
            &id,
            &current,
            name,
            START + f64::from(step) * 60_000.0,
        ) {
            Ok(Recorded::Saved { made_room: n, .. }) => made_room += n,
            other => panic!("step {step}: {other:?}"),
        }
    }
    assert!(made_room > 0, "the store filled up");
    let versions = list_versions(&store, &id).expect("listed");
    // The plan itself is untouched; the named version survived; the newest is the last recorded.
    assert!(library::open(&store, &id).is_ok());
    assert!(versions.iter().any(|v| v.name.as_deref() == Some("Kept")));
    assert_eq!(
        open_version(&store, &versions[0].key)
            .expect("opens")
            .plan(),
        current.plan()
    );
}

#[test]
fn a_corrupt_version_is_listed_never_written_over_and_the_rest_still_work() {
    let mut store = Memory::new(5_000_000);
    let plan = richest();
    let id = library::create(&mut store, &plan, START).expect("created");
    record(&mut store, &id, &plan, None, START).expect("first");
    let corrupt = version_key(&id, 2);
    store
        .set(&corrupt, "{\"saved_at\": 5, \"plan\": {\"schema\": 4}")
        .expect("written");
    let edited = with_baseline(&plan, 60_000);
    let Recorded::Saved { key, .. } =
        record(&mut store, &id, &edited, None, START + DAY * 40.0).expect("recorded")
    else {
        panic!("a change is recorded");
    };
    assert_eq!(
        key,
        version_key(&id, 3),
        "after the corrupt entry, not over it"
    );
    assert_eq!(
        store.get(&corrupt).expect("readable store").as_deref(),
        Some("{\"saved_at\": 5, \"plan\": {\"schema\": 4}"),
        "left exactly as it was"
    );
    let versions = list_versions(&store, &id).expect("listed");
    assert_eq!(versions.len(), 3);
    assert!(
        versions[1]
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("not JSON")),
        "{:?}",
        versions[1]
    );
    // The same plan again is not a new version; the summary of the last says what changed.
    assert_eq!(
        record(&mut store, &id, &edited, None, START + DAY * 41.0),
        Ok(Recorded::Unchanged)
    );
    assert_eq!(versions[0].summary, "users at month 0 50k → 60k");
}

/// The previous release's storage (schema 3 plans, no history) opens: the
/// plan is listed and opens migrated, it has no versions yet, and recording
/// one leaves its entry alone.
#[test]
fn a_library_written_by_the_previous_release_still_opens() {
    let fixture: BTreeMap<String, String> =
        serde_json::from_str(include_str!("fixtures/library-schema-3.json")).expect("a map");
    let mut store = Memory {
        items: fixture,
        capacity: 5_000_000,
    };
    let entries = library::list(&store).expect("listed");
    assert_eq!(entries.len(), 1);
    assert!(entries[0].problem.is_none(), "{:?}", entries[0].problem);
    let id = entries[0].id.clone();
    let saved = library::open(&store, &id).expect("opens");
    assert_eq!(saved.revision, 7);
    assert_eq!(
        saved.plan.plan(),
        templates::worked_example().expect("valid").plan()
    );
    assert!(list_versions(&store, &id).expect("listed").is_empty());
    let before = store.get(&library::entry_key(&id)).expect("readable");
    record(
        &mut store,
        &id,
        &saved.plan,
        Some("Before the upgrade"),
        START,
    )
    .expect("recorded");
    assert_eq!(
        store.get(&library::entry_key(&id)).expect("readable"),
        before
    );
    assert_eq!(
        library::list(&store).expect("listed").len(),
        1,
        "versions are not plans"
    );
}

mod untrusted {
    use super::*;
    use proptest::prelude::*;

    fn entry_text() -> impl Strategy<Value = String> {
        prop_oneof![
            ".{0,200}",
            Just("{}".to_string()),
            Just("{\"saved_at\": 1}".to_string()),
            Just("{\"saved_at\": \"soon\", \"plan\": {}}".to_string()),
            Just("{\"saved_at\": 1e400, \"plan\": {\"schema\": 4}}".to_string()),
            Just(
                "{\"saved_at\": 5, \"name\": 7, \"summary\": [], \"plan\": {\"schema\": 99}}"
                    .to_string()
            ),
            Just("[1, 2, 3]".to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever text sits under version keys (another program, a bad
        /// extension, a half-written entry): listing never panics and lists
        /// each one, a new version goes after them without touching them,
        /// and thinning leaves them alone.
        #[test]
        fn any_stored_text_is_listed_and_never_overwritten(
            texts in proptest::collection::vec(entry_text(), 1..5),
        ) {
            let mut store = Memory::new(5_000_000);
            let plan = templates::worked_example().expect("valid");
            let id = library::create(&mut store, &plan, START).expect("created");
            for (index, text) in texts.iter().enumerate() {
                store.set(&version_key(&id, index as u64 + 1), text).expect("written");
            }
            let listed = list_versions(&store, &id).expect("listed");
            prop_assert_eq!(listed.len(), texts.len());
            let recorded = record(&mut store, &id, &plan, None, START + 100.0 * DAY).expect("recorded");
            let Recorded::Saved { key, .. } = recorded else {
                return Err(TestCaseError::fail("nothing readable to match, so a version is kept"));
            };
            prop_assert_eq!(key, version_key(&id, texts.len() as u64 + 1));
            for (index, text) in texts.iter().enumerate() {
                let stored = store.get(&version_key(&id, index as u64 + 1)).expect("readable store");
                let unreadable = listed.iter().any(|v| v.sequence == index as u64 + 1 && v.problem.is_some());
                if unreadable {
                    prop_assert_eq!(stored.as_deref(), Some(text.as_str()));
                }
            }
        }
    }
}
