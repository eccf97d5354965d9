//! The checker each part of validation writes its problems to, and the
//! checks every part shares (a number in range, a name, a count, unique
//! names), with messages in the plan's own words.

use super::limits::{MAX_ITEMS, MAX_NAME_CHARS, MAX_VALUE};
use crate::engine::formula::is_reserved;
use crate::engine::model::number::{format_compact, format_percent};
use crate::engine::model::plan::{Distribution, Plan, Value};
use crate::engine::model::rename::BUILT_IN_SERIES;
use std::collections::BTreeSet;
use std::fmt;

/// A problem with one field of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

pub(super) struct Checker {
    pub(super) errors: Vec<PlanError>,
}

impl Checker {
    pub(super) fn new() -> Checker {
        Checker { errors: Vec::new() }
    }

    /// `name` is `users` or one of the plan's metrics: what a component or a
    /// usage line may read.
    pub(super) fn quantity(&mut self, path: String, plan: &Plan, name: &str) {
        if name != "users" && !plan.metrics.iter().any(|metric| metric.name == name) {
            let hint = if plan.drivers.iter().any(|d| d.name == name) {
                " (it is a driver: add a metric equal to it)"
            } else {
                ""
            };
            self.fail(
                path,
                format!("'{}' is not a metric of this plan{hint}", shorten(name)),
            );
        }
    }

    pub(super) fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(PlanError {
            path: path.into(),
            message: message.into(),
        });
    }

    pub(super) fn range(&mut self, path: impl Into<String>, value: f64, low: f64, high: f64) {
        self.bounds(path, value, low, high, format_compact)
    }

    pub(super) fn rate(&mut self, path: impl Into<String>, value: f64, low: f64, high: f64) {
        self.bounds(path, value, low, high, format_percent)
    }

    pub(super) fn bounds(
        &mut self,
        path: impl Into<String>,
        value: f64,
        low: f64,
        high: f64,
        show: fn(f64) -> String,
    ) {
        if !value.is_finite() {
            self.fail(path, "must be a finite number");
        } else if value < low {
            self.fail(path, format!("cannot be below {}", show(low)));
        } else if value > high {
            self.fail(path, format!("cannot be above {}", show(high)));
        }
    }

    /// A fixed value within the bounds, or a range whose both bounds are,
    /// in order, with a mode inside them when it is triangular.
    pub(super) fn value(
        &mut self,
        path: impl Into<String>,
        value: &Value,
        low: f64,
        high: f64,
        show: fn(f64) -> String,
    ) {
        let path = path.into();
        let bound = |check: &mut Checker, path: String, v: f64| {
            if low == f64::MIN_POSITIVE && v.is_finite() && v <= 0.0 {
                check.fail(path, "must be more than 0");
            } else {
                check.bounds(path, v, low, high, show);
            }
        };
        match value {
            Value::Fixed(v) => bound(self, path, *v),
            Value::Range(range) => {
                bound(self, format!("{path}.low"), range.low);
                bound(self, format!("{path}.high"), range.high);
                if range.low > range.high {
                    self.fail(format!("{path}.low"), "must not be above high");
                }
                match (range.distribution, range.mode) {
                    (Distribution::Triangular, None) => self.fail(
                        format!("{path}.mode"),
                        "a triangular distribution needs a mode",
                    ),
                    (Distribution::Triangular, Some(mode)) => {
                        if !(mode.is_finite() && range.low <= mode && mode <= range.high) {
                            self.fail(format!("{path}.mode"), "must be between low and high");
                        }
                    }
                    (_, Some(_)) => self.fail(
                        format!("{path}.mode"),
                        "only a triangular distribution has a mode",
                    ),
                    (_, None) => {}
                }
            }
        }
    }

    pub(super) fn positive(&mut self, path: impl Into<String>, value: f64) {
        let path = path.into();
        if value.is_finite() && value <= 0.0 {
            self.fail(path, "must be more than 0");
        } else {
            self.range(path, value, 0.0, MAX_VALUE);
        }
    }

    pub(super) fn text(&mut self, path: impl Into<String>, text: &str, required: bool, max: usize) {
        let path = path.into();
        if required && text.trim().is_empty() {
            self.fail(path, "is required");
        } else if text.chars().count() > max {
            self.fail(path, format!("is longer than {max} characters"));
        } else if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            self.fail(path, "contains control characters");
        }
    }

    pub(super) fn count(&mut self, path: &str, len: usize, min: usize, what: &str) {
        if len < min {
            self.fail(path, format!("needs at least {min} {what}"));
        } else if len > MAX_ITEMS {
            self.fail(path, format!("has more than {MAX_ITEMS} {what}"));
        }
    }

    /// Names used in formulas: letters, digits and `_`, starting with a letter or `_`.
    pub(super) fn identifier(&mut self, path: String, name: &str) {
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && name.len() <= MAX_NAME_CHARS;
        if !valid {
            self.fail(
                path,
                format!(
                    "'{}' is not a usable name: use letters, digits and _, starting with a letter",
                    shorten(name)
                ),
            );
        } else if is_reserved(name) || name == "users" {
            self.fail(path, format!("'{name}' is a built-in name"));
        } else if BUILT_IN_SERIES.contains(&name) {
            self.fail(
                path,
                format!("'{name}' names a series every projection has: choose another name"),
            );
        }
    }

    pub(super) fn unique<'a>(
        &mut self,
        path: impl Fn(usize) -> String,
        names: impl Iterator<Item = &'a str>,
        what: &str,
    ) {
        let mut seen = BTreeSet::new();
        for (index, name) in names.enumerate() {
            if !seen.insert(name.trim().to_string()) {
                self.fail(
                    path(index),
                    format!("another {what} is already called '{}'", shorten(name)),
                );
            }
        }
    }
}

pub(super) fn shorten(text: &str) -> String {
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text.to_string()
    }
}
