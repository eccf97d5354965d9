//! Two plans compared, as Markdown for a pull request, JSON for scripts and
//! a table for the terminal: the summary line per scenario first, then what
//! changed in the assumptions, then the results side by side.

use super::markdown::escape;
use crate::engine::diff::results::{
    describe_timing, show, show_delta, summary_line, Comparison, Figure, Row, ScenarioComparison,
};
use serde_json::{json, Value};
use std::fmt::Write;

fn selected<'a>(comparison: &'a Comparison, only: Option<&str>) -> Vec<&'a ScenarioComparison> {
    comparison
        .scenarios
        .iter()
        .filter(|s| only.is_none_or(|name| s.name.eq_ignore_ascii_case(name)))
        .collect()
}

fn figure_text(figure: Option<Figure>, row: &Row, currency: &str) -> String {
    match figure {
        None => "—".into(),
        Some(f) => match f.range {
            Some((low, high)) => format!(
                "{} ({} – {})",
                show(f.value, row.measure, currency),
                show(low, row.measure, currency),
                show(high, row.measure, currency)
            ),
            None => show(f.value, row.measure, currency),
        },
    }
}

fn timing_text(value: &Option<(String, i64)>) -> String {
    value.as_ref().map_or_else(
        || "—".into(),
        |(what, month)| format!("{what}, month {month}"),
    )
}

/// The comparison as Markdown, `title_old`/`title_new` naming the sides.
pub fn comparison_markdown(
    comparison: &Comparison,
    title_old: &str,
    title_new: &str,
    only: Option<&str>,
) -> String {
    let currency = &comparison.currency;
    let mut out = String::new();
    for scenario in selected(comparison, only) {
        let _ = writeln!(out, "**{}**  ", escape(&summary_line(scenario, currency)));
    }
    let _ = writeln!(
        out,
        "\n### What changed ({} → {})\n",
        escape(title_old),
        escape(title_new)
    );
    if comparison.changes.is_empty() {
        out.push_str("No change in the assumptions.\n");
    }
    for change in &comparison.changes {
        let _ = writeln!(out, "- {}", escape(&change.to_string()));
    }
    for name in &comparison.only_old {
        let _ = writeln!(out, "\nScenario {} is only in the old plan.", escape(name));
    }
    for name in &comparison.only_new {
        let _ = writeln!(out, "\nScenario {} is only in the new plan.", escape(name));
    }
    for scenario in selected(comparison, only) {
        let _ = writeln!(out, "\n### {}\n", escape(&scenario.name));
        out.push_str("| | Old | New | Change |\n|---|---:|---:|---:|\n");
        for row in &scenario.rows {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                escape(&row.label),
                figure_text(row.old, row, currency),
                figure_text(row.new, row, currency),
                show_delta(row, currency).unwrap_or_else(|| "—".into())
            );
        }
        for timing in &scenario.timings {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                escape(&timing.label),
                escape(&timing_text(&timing.old)),
                escape(&timing_text(&timing.new)),
                escape(&describe_timing(timing).unwrap_or_else(|| "same".into()))
            );
        }
    }
    out
}

/// The comparison as JSON.
pub fn comparison_json(comparison: &Comparison, only: Option<&str>) -> Value {
    let currency = &comparison.currency;
    let figure = |f: Option<Figure>| {
        f.map(|f| {
            json!({
                "value": f.value,
                "p5": f.range.map(|r| r.0),
                "p95": f.range.map(|r| r.1),
            })
        })
    };
    let scenarios: Vec<Value> = selected(comparison, only)
        .into_iter()
        .map(|s| {
            json!({
                "name": s.name,
                "old_name": s.old_name,
                "summary": summary_line(s, currency),
                "rows": s.rows.iter().map(|r| json!({
                    "label": r.label,
                    "old": figure(r.old),
                    "new": figure(r.new),
                    "delta": r.delta(),
                    "relative": r.relative(),
                })).collect::<Vec<_>>(),
                "timings": s.timings.iter().map(|t| json!({
                    "label": t.label,
                    "old": t.old.as_ref().map(|(what, month)| json!({"what": what, "month": month})),
                    "new": t.new.as_ref().map(|(what, month)| json!({"what": what, "month": month})),
                    "delta_months": t.delta(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "changes": comparison.changes.iter().map(|c| json!({
            "area": c.area(),
            "change": c.to_string(),
        })).collect::<Vec<_>>(),
        "only_in_old": comparison.only_old,
        "only_in_new": comparison.only_new,
        "scenarios": scenarios,
    })
}

/// The comparison as a terminal table.
pub fn comparison_table(comparison: &Comparison, only: Option<&str>) -> String {
    let currency = &comparison.currency;
    let mut out = String::new();
    for scenario in selected(comparison, only) {
        let _ = writeln!(out, "{}", summary_line(scenario, currency));
    }
    out.push_str("\nWhat changed:\n");
    if comparison.changes.is_empty() {
        out.push_str("  nothing\n");
    }
    for change in &comparison.changes {
        let _ = writeln!(out, "  - {change}");
    }
    for scenario in selected(comparison, only) {
        let _ = writeln!(out, "\n{}", scenario.name);
        let mut rows: Vec<[String; 4]> =
            vec![["".into(), "Old".into(), "New".into(), "Change".into()]];
        for row in &scenario.rows {
            rows.push([
                row.label.clone(),
                figure_text(row.old, row, currency),
                figure_text(row.new, row, currency),
                show_delta(row, currency).unwrap_or_else(|| "—".into()),
            ]);
        }
        for timing in &scenario.timings {
            rows.push([
                timing.label.clone(),
                timing_text(&timing.old),
                timing_text(&timing.new),
                describe_timing(timing).unwrap_or_else(|| "same".into()),
            ]);
        }
        let widths: Vec<usize> = (0..4)
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        for row in rows {
            let line: Vec<String> = row
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(c, (cell, width))| {
                    if c == 0 {
                        format!("{cell:<width$}")
                    } else {
                        format!("{cell:>width$}")
                    }
                })
                .collect();
            let _ = writeln!(out, "  {}", line.join("  "));
        }
    }
    out
}

/// "What changed since" a version or another plan, for the end of a report:
/// a Markdown section, or indented lines for the terminal.
pub fn changes_since(
    label: &str,
    changes: &[crate::engine::diff::Change],
    markdown: bool,
) -> String {
    let mut text = if markdown {
        format!("\n## What changed since {}\n\n", escape(label))
    } else {
        format!("\nWhat changed since {label}:\n")
    };
    if changes.is_empty() {
        text.push_str(if markdown {
            "Nothing.\n"
        } else {
            "  nothing\n"
        });
    }
    for change in changes {
        if markdown {
            let _ = writeln!(text, "- {}", escape(&change.to_string()));
        } else {
            let _ = writeln!(text, "  - {change}");
        }
    }
    text
}
