//! What changed between two plans, named the way the editor names things
//! ([`plan_changes`]), and what that does to their results
//! ([`results::compare_results`]).
//! Uses [`crate::engine::actuals`] and the layers below it.
//!
//! Parts are matched by name; a part that disappears while another appears
//! with exactly the same content under a new name is a rename, not a removal
//! and an addition. Values read as the editor shows them: shares as
//! percentages, ranges as `100 – 300`.

pub mod results;

use crate::engine::model::number::{format_compact, format_percent};
use crate::engine::model::plan::Plan;
use serde_json::{Map, Value};
use std::fmt;

/// One change to a plan's assumptions.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// `scenario`, `driver`, `metric`, `component`, `cost line`,
    /// `correlation`, or empty for settings, revenue, budget and actuals.
    pub kind: &'static str,
    /// The part's name (its new name when renamed); the area for settings.
    pub name: String,
    pub detail: Detail,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    Added,
    Removed,
    Renamed {
        from: String,
    },
    /// Said in words (`users: 3 months added`).
    Note(String),
    /// A value, as the editor shows it; `None` where it was not set.
    Field {
        label: String,
        old: Option<String>,
        new: Option<String>,
    },
}

impl fmt::Display for Change {
    /// `added component Search`, `renamed driver rpu → requests`,
    /// `Moderate growth 25% → 30%`, `horizon 24 → 36`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = |f: &mut fmt::Formatter<'_>| {
            if self.kind.is_empty() {
                write!(f, "{}", self.name)
            } else {
                write!(f, "{} {}", self.kind, self.name)
            }
        };
        match &self.detail {
            Detail::Added => {
                write!(f, "added ")?;
                what(f)
            }
            Detail::Removed => {
                write!(f, "removed ")?;
                what(f)
            }
            Detail::Renamed { from } => write!(f, "renamed {} {from} → {}", self.kind, self.name),
            Detail::Note(text) => write!(f, "{} {text}", self.name),
            Detail::Field { label, old, new } => {
                let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
                let subject =
                    if self.name.is_empty() || (self.kind.is_empty() && self.name == "settings") {
                        label.clone()
                    } else if label.is_empty() {
                        self.name.clone()
                    } else {
                        format!("{} {label}", self.name)
                    };
                write!(f, "{subject} {} → {}", shown(old), shown(new))
            }
        }
    }
}

impl Change {
    /// The part of the plan it is about, for grouping: `Scenario Moderate`,
    /// `Settings`.
    pub fn area(&self) -> String {
        let capital = |text: &str| {
            let mut chars = text.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        };
        if self.kind.is_empty() {
            capital(&self.name)
        } else {
            format!("{} {}", capital(self.kind), self.name)
        }
    }
}

/// One line for a list of versions: the first three changes and how many
/// more (`Moderate growth 25% → 30%, added component Search`), or
/// `no change`.
pub fn summary(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no change".into();
    }
    let mut parts: Vec<String> = changes.iter().take(3).map(ToString::to_string).collect();
    if changes.len() > 3 {
        parts.push(format!("{} more", changes.len() - 3));
    }
    parts.join(", ")
}

/// Every change from `old` to `new`, in the editor's order: settings,
/// scenarios, drivers, correlations, metrics, components, cost lines,
/// revenue and budget, actuals.
pub fn plan_changes(old: &Plan, new: &Plan) -> Vec<Change> {
    let (old_json, new_json) = (as_json(old), as_json(new));
    let mut changes = Vec::new();
    settings(&old_json, &new_json, &mut changes);
    for (kind, key) in [
        ("scenario", "scenarios"),
        ("driver", "drivers"),
        ("metric", "metrics"),
        ("component", "components"),
        ("cost line", "costs"),
    ] {
        named(
            kind,
            list(&old_json, key),
            list(&new_json, key),
            &mut changes,
        );
        if kind == "driver" {
            correlations(old, new, &mut changes);
        }
    }
    for (area, key) in [("revenue", "revenue"), ("budget", "budget")] {
        single(area, old_json.get(key), new_json.get(key), &mut changes);
    }
    actuals(old, new, &mut changes);
    changes
}

fn as_json(plan: &Plan) -> Value {
    serde_json::to_value(plan).unwrap_or(Value::Null)
}

fn list(plan: &Value, key: &str) -> Vec<(String, Value)> {
    plan.get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|item| {
                    let name = item["name"].as_str().unwrap_or_default().to_string();
                    (name, item.clone())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The top-level settings, each by its editor label.
fn settings(old: &Value, new: &Value, changes: &mut Vec<Change>) {
    for (key, label) in [
        ("name", "name"),
        ("description", "description"),
        ("currency", "currency"),
        ("start_month", "start month"),
        ("horizon_months", "horizon (months)"),
        ("baseline_users", "users at month 0"),
        ("requests_metric", "requests metric"),
        ("uncertainty", "uncertainty"),
        ("confidence", "confidence"),
        ("commitment_term", "commitment term"),
    ] {
        let (a, b) = (old.get(key), new.get(key));
        if a == b {
            continue;
        }
        if key == "description" {
            changes.push(field(
                "",
                "settings".into(),
                "description",
                Some("…".into()),
                Some("changed".into()),
            ));
            continue;
        }
        leaf_changes("", "settings", label, key, a, b, changes);
    }
}

fn field(
    kind: &'static str,
    name: String,
    label: &str,
    old: Option<String>,
    new: Option<String>,
) -> Change {
    Change {
        kind,
        name,
        detail: Detail::Field {
            label: label.to_string(),
            old,
            new,
        },
    }
}

/// Parts of one kind, matched by name, renames found by content.
fn named(
    kind: &'static str,
    old: Vec<(String, Value)>,
    new: Vec<(String, Value)>,
    changes: &mut Vec<Change>,
) {
    let in_new = |name: &str| new.iter().any(|(n, _)| n == name);
    let in_old = |name: &str| old.iter().any(|(n, _)| n == name);
    let mut removed: Vec<&(String, Value)> = old.iter().filter(|(n, _)| !in_new(n)).collect();
    let mut added: Vec<&(String, Value)> = new.iter().filter(|(n, _)| !in_old(n)).collect();
    // Renames: the same content under another name.
    let mut renamed = Vec::new();
    removed.retain(|(old_name, old_value)| {
        match added
            .iter()
            .position(|(_, new_value)| without_name(old_value) == without_name(new_value))
        {
            Some(index) => {
                let (new_name, _) = added.remove(index);
                renamed.push((old_name.clone(), new_name.clone()));
                false
            }
            None => true,
        }
    });
    for (from, to) in renamed {
        changes.push(Change {
            kind,
            name: to,
            detail: Detail::Renamed { from },
        });
    }
    for (name, old_value) in &old {
        if let Some((_, new_value)) = new.iter().find(|(n, _)| n == name) {
            if old_value != new_value {
                object_changes(kind, name, old_value, new_value, changes);
            }
        }
    }
    for (name, _) in removed {
        changes.push(Change {
            kind,
            name: name.clone(),
            detail: Detail::Removed,
        });
    }
    for (name, _) in added {
        changes.push(Change {
            kind,
            name: name.clone(),
            detail: Detail::Added,
        });
    }
}

fn without_name(value: &Value) -> Value {
    let mut copy = value.clone();
    if let Value::Object(map) = &mut copy {
        map.remove("name");
    }
    copy
}

/// The fields of one part that differ. Tiers are parts of their own; a
/// scenario's driver values read as overrides.
fn object_changes(
    kind: &'static str,
    name: &str,
    old: &Value,
    new: &Value,
    changes: &mut Vec<Change>,
) {
    let empty = Map::new();
    let (a, b) = (
        old.as_object().unwrap_or(&empty),
        new.as_object().unwrap_or(&empty),
    );
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    // The growth model first: a switch explains the parameters after it.
    keys.sort_by_key(|key| *key != "growth");
    for key in keys {
        if key == "name" || a.get(key) == b.get(key) {
            continue;
        }
        match (kind, key.as_str()) {
            ("component", "tiers") => tier_changes(name, a.get(key), b.get(key), changes),
            ("scenario", "drivers") => {
                scenario_driver_changes(name, a.get(key), b.get(key), changes)
            }
            _ => leaf_changes(
                kind,
                name,
                &readable(key),
                key,
                a.get(key),
                b.get(key),
                changes,
            ),
        }
    }
}

/// A component's tier ladder, tier by tier, re-expressed on the component:
/// `Redis tier Large price 400 → 450`.
fn tier_changes(name: &str, old: Option<&Value>, new: Option<&Value>, changes: &mut Vec<Change>) {
    let tiers = |v: Option<&Value>| {
        v.and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|t| {
                        (
                            t["name"].as_str().unwrap_or_default().to_string(),
                            t.clone(),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let mut inner = Vec::new();
    named("tier", tiers(old), tiers(new), &mut inner);
    for change in inner {
        changes.push(Change {
            kind: "component",
            name: format!("{name} tier"),
            detail: match change.detail {
                Detail::Field { label, old, new } => Detail::Field {
                    label: format!("{} {label}", change.name).trim().to_string(),
                    old,
                    new,
                },
                Detail::Added => Detail::Field {
                    label: format!("{} added", change.name),
                    old: None,
                    new: Some("in the ladder".into()),
                },
                Detail::Removed => Detail::Field {
                    label: format!("{} removed", change.name),
                    old: Some("in the ladder".into()),
                    new: None,
                },
                Detail::Renamed { from } => Detail::Field {
                    label: "renamed".into(),
                    old: Some(from),
                    new: Some(change.name),
                },
                note @ Detail::Note(_) => note,
            },
        });
    }
}

/// A scenario's own driver values, driver by driver.
fn scenario_driver_changes(
    name: &str,
    old: Option<&Value>,
    new: Option<&Value>,
    changes: &mut Vec<Change>,
) {
    let empty = Map::new();
    let overrides = |v: Option<&Value>| {
        v.and_then(Value::as_object)
            .cloned()
            .unwrap_or_else(|| empty.clone())
    };
    let (x, y) = (overrides(old), overrides(new));
    let mut drivers: Vec<&String> = x.keys().chain(y.keys()).collect();
    drivers.sort();
    drivers.dedup();
    for driver in drivers {
        if x.get(driver) != y.get(driver) {
            changes.push(field(
                "scenario",
                name.to_string(),
                &format!("{} (own value)", readable(driver)),
                x.get(driver).map(|v| show(driver, v)),
                y.get(driver).map(|v| show(driver, v)),
            ));
        }
    }
}

/// The changed leaves under `key`: a model switch as one change, objects
/// field by field, lists entry by entry when they are as long, else whole.
fn leaf_changes(
    kind: &'static str,
    name: &str,
    label: &str,
    key: &str,
    old: Option<&Value>,
    new: Option<&Value>,
    changes: &mut Vec<Change>,
) {
    match (old, new) {
        (Some(Value::Object(a)), Some(Value::Object(b))) if !is_range(a) && !is_range(b) => {
            if a.get("model") != b.get("model") {
                changes.push(field(
                    kind,
                    name.to_string(),
                    &format!("{label} model"),
                    a.get("model").map(|m| show("model", m)),
                    b.get("model").map(|m| show("model", m)),
                ));
                return;
            }
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for inner in keys {
                if inner == "model" || a.get(inner) == b.get(inner) {
                    continue;
                }
                // `growth growth` reads as `growth`.
                let inner_label = if inner == key {
                    label.to_string()
                } else {
                    format!("{label} {}", readable(inner))
                };
                leaf_changes(
                    kind,
                    name,
                    &inner_label,
                    inner,
                    a.get(inner),
                    b.get(inner),
                    changes,
                );
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                if x != y {
                    let inner = format!("{label} {}", index + 1);
                    leaf_changes(kind, name, &inner, key, Some(x), Some(y), changes);
                }
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => changes.push(field(
            kind,
            name.to_string(),
            label,
            Some(format!("{} entries", a.len())),
            Some(format!("{} entries", b.len())),
        )),
        _ => changes.push(field(
            kind,
            name.to_string(),
            label,
            old.filter(|v| !v.is_null()).map(|v| show(key, v)),
            new.filter(|v| !v.is_null()).map(|v| show(key, v)),
        )),
    }
}

fn is_range(map: &Map<String, Value>) -> bool {
    map.contains_key("low") && map.contains_key("high")
}

/// Keys whose values are shares, shown as percentages.
fn is_share(key: &str) -> bool {
    matches!(
        key,
        "growth"
            | "churn"
            | "target_utilization"
            | "reserved_share"
            | "reserved_discount"
            | "yellow"
            | "red"
            | "paying_share"
            | "share"
            | "confidence"
            | "percentile"
    )
}

/// A value as the editor shows it.
fn show(key: &str, value: &Value) -> String {
    let number = |x: f64| {
        if is_share(key) {
            format_percent((x * 10_000.0).round() / 10_000.0)
        } else if x.abs() >= 10_000.0 {
            format_compact(x)
        } else {
            format!("{x}")
        }
    };
    match value {
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), number),
        // Names and formulas as written; only kinds and models read as words.
        Value::String(text) if matches!(key, "model" | "kind" | "distribution") => {
            text.replace('_', " ")
        }
        Value::String(text) => text.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Object(map) if is_range(map) => {
            let bound = |k: &str| {
                map.get(k)
                    .and_then(Value::as_f64)
                    .map(number)
                    .unwrap_or_default()
            };
            let kind = match map.get("distribution").and_then(Value::as_str) {
                Some("uniform") => " (uniform)",
                Some("triangular") => " (triangular)",
                _ => "",
            };
            match map.get("mode").and_then(Value::as_f64) {
                Some(mode) => format!(
                    "{} – {} – {}{kind}",
                    bound("low"),
                    number(mode),
                    bound("high")
                ),
                None => format!("{} – {}{kind}", bound("low"), bound("high")),
            }
        }
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{} {}", readable(k), show(k, v)))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Array(items) => format!("{} entries", items.len()),
        Value::Null => "none".into(),
    }
}

fn readable(name: &str) -> String {
    name.replace('_', " ")
}

/// Revenue or budget: on, off, or its fields.
fn single(area: &'static str, old: Option<&Value>, new: Option<&Value>, changes: &mut Vec<Change>) {
    let (old, new) = (old.filter(|v| !v.is_null()), new.filter(|v| !v.is_null()));
    match (old, new) {
        (None, None) => {}
        (None, Some(_)) => changes.push(Change {
            kind: "",
            name: area.into(),
            detail: Detail::Added,
        }),
        (Some(_), None) => changes.push(Change {
            kind: "",
            name: area.into(),
            detail: Detail::Removed,
        }),
        (Some(a), Some(b)) if a != b => {
            let empty = Map::new();
            let (x, y) = (
                a.as_object().unwrap_or(&empty),
                b.as_object().unwrap_or(&empty),
            );
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                if x.get(key) != y.get(key) {
                    leaf_changes(
                        "",
                        area,
                        &readable(key),
                        key,
                        x.get(key),
                        y.get(key),
                        changes,
                    );
                }
            }
        }
        _ => {}
    }
}

/// Correlations, matched by their pair of names (either order).
fn correlations(old: &Plan, new: &Plan, changes: &mut Vec<Change>) {
    let key = |inputs: &[String; 2]| {
        let mut pair = inputs.clone();
        pair.sort();
        pair
    };
    let name = |inputs: &[String; 2]| format!("{} with {}", inputs[0], inputs[1]);
    for c in &old.correlations {
        match new
            .correlations
            .iter()
            .find(|n| key(&n.inputs) == key(&c.inputs))
        {
            Some(n) if n.rank != c.rank => changes.push(field(
                "correlation",
                name(&c.inputs),
                "rank",
                Some(format_compact(c.rank)),
                Some(format_compact(n.rank)),
            )),
            Some(_) => {}
            None => changes.push(Change {
                kind: "correlation",
                name: name(&c.inputs),
                detail: Detail::Removed,
            }),
        }
    }
    for n in &new.correlations {
        if !old
            .correlations
            .iter()
            .any(|c| key(&c.inputs) == key(&n.inputs))
        {
            changes.push(Change {
                kind: "correlation",
                name: name(&n.inputs),
                detail: Detail::Added,
            });
        }
    }
}

/// Actuals, per series: how many months gained, changed or lost a value.
fn actuals(old: &Plan, new: &Plan, changes: &mut Vec<Change>) {
    use crate::engine::model::plan::Series;
    let series_of = |plan: &Plan| -> Vec<(Series, Vec<(String, f64)>)> {
        let Some(actuals) = &plan.actuals else {
            return Vec::new();
        };
        let Some((year, month)) = crate::engine::model::validate::parse_year_month(&actuals.from)
        else {
            return Vec::new();
        };
        let dated = |values: &[Option<f64>]| -> Vec<(String, f64)> {
            values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let index = i64::from(year) * 12 + i64::from(month) - 1 + i as i64;
                    v.map(|v| {
                        (
                            format!(
                                "{:04}-{:02}",
                                index.div_euclid(12),
                                index.rem_euclid(12) + 1
                            ),
                            v,
                        )
                    })
                })
                .collect()
        };
        let mut all = vec![(Series::Users, dated(&actuals.users))];
        all.extend(
            actuals
                .metrics
                .iter()
                .map(|(n, v)| (Series::Metric(n.clone()), dated(v))),
        );
        all.extend(
            actuals
                .costs
                .iter()
                .map(|(n, v)| (Series::Cost(n.clone()), dated(v))),
        );
        all.push((Series::TotalCost, dated(&actuals.total_cost)));
        all.retain(|(_, values)| !values.is_empty());
        all
    };
    let (a, b) = (series_of(old), series_of(new));
    let mut names: Vec<Series> = a.iter().chain(&b).map(|(s, _)| s.clone()).collect();
    names.sort_by_key(|s| s.label());
    names.dedup();
    for series in names {
        let find = |list: &[(Series, Vec<(String, f64)>)]| {
            list.iter()
                .find(|(s, _)| *s == series)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let (x, y) = (find(&a), find(&b));
        let added = y
            .iter()
            .filter(|(m, _)| !x.iter().any(|(n, _)| n == m))
            .count();
        let removed = x
            .iter()
            .filter(|(m, _)| !y.iter().any(|(n, _)| n == m))
            .count();
        let changed = y
            .iter()
            .filter(|(m, v)| x.iter().any(|(n, w)| n == m && w != v))
            .count();
        let mut parts = Vec::new();
        for (count, what) in [(added, "added"), (changed, "changed"), (removed, "cleared")] {
            if count > 0 {
                parts.push(format!(
                    "{count} month{} {what}",
                    if count == 1 { "" } else { "s" }
                ));
            }
        }
        if !parts.is_empty() {
            changes.push(Change {
                kind: "",
                name: "actuals".into(),
                detail: Detail::Note(format!("{}: {}", series.label(), parts.join(", "))),
            });
        }
    }
}
