//! Plain-text renderings of a projection, for the command line.

use super::number::{format_count, format_megabytes};
use super::plan::Plan;
use super::projection::{project, Projection};
use std::fmt::Write;

/// One table per scenario: users, daily requests, database and cache size per
/// month, laid out like seed 000's "12-Month Projection".
pub fn projection_table(projection: &Projection) -> String {
    let mut out = String::new();
    for scenario in &projection.scenarios {
        let _ = writeln!(out, "{}", scenario.name);
        let _ = writeln!(
            out,
            "{:>5}  {:>14}  {:>14}  {:>10}  {:>10}",
            "Month", "Users", "Daily requests", "DB size", "Cache"
        );
        for figures in &scenario.months {
            let _ = writeln!(
                out,
                "{:>5}  {:>14}  {:>14}  {:>10}  {:>10}",
                figures.month,
                format_count(figures.users),
                format_count(figures.daily_requests),
                format_megabytes(figures.db_size_mb),
                format_megabytes(figures.cache_mb),
            );
        }
        out.push('\n');
    }
    out
}

/// The worked example's projection as a table.
pub fn worked_example_table() -> String {
    match Plan::worked_example().validate() {
        Ok(plan) => projection_table(&project(&plan)),
        Err(errors) => format!("the worked example is invalid: {errors:?}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_shows_moderate_month_12_as_658_users() {
        let table = worked_example_table();
        let moderate = table
            .split("\n\n")
            .find(|block| block.starts_with("Moderate"))
            .expect("a Moderate block");
        let month_12 = moderate
            .lines()
            .find(|line| line.trim_start().starts_with("12 "))
            .expect("a month 12 row");
        // 658.03 users × 150 / 30 = 3,290 daily requests; × 100 MB = 65.8 GB.
        let cells: Vec<&str> = month_12.split_whitespace().collect();
        assert_eq!(cells, ["12", "658", "3,290", "65.8", "GB", "6.6", "GB"]);
    }
}
