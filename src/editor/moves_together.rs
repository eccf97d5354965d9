//! The choices and read-outs of the "inputs that move together" editor and
//! the load-test calibration of a latency target, in plain Rust so they are
//! tested natively.

use crate::engine::model::correlations::{in_scenario, strength_words};
use crate::engine::model::inputs::scenario_inputs;
use crate::engine::model::number::format_milliseconds;
use crate::engine::model::plan::Plan;
use crate::engine::project::queueing::service_time_from_load_test;

use super::label::readable;
use super::value_text::{read_number, trim_number};

/// The strengths offered, strongest together first.
pub const STRENGTHS: [f64; 6] = [0.8, 0.5, 0.2, -0.2, -0.5, -0.8];

/// The inputs a correlation can name: each driver that is a range somewhere
/// (by its name: every scenario), then per scenario its own ranged driver
/// values and ranged growth parameters. `(name in the plan, how it reads)`.
pub fn input_choices(plan: &Plan) -> Vec<(String, String)> {
    let mut choices = Vec::new();
    for (index, driver) in plan.drivers.iter().enumerate() {
        let uncertain = (0..plan.scenarios.len().max(1))
            .any(|scenario| plan.driver_value(scenario, index).is_uncertain());
        if uncertain {
            choices.push((
                driver.name.clone(),
                format!("{} (every scenario)", readable(&driver.name)),
            ));
        }
    }
    for scenario in &plan.scenarios {
        for (name, value) in &scenario.drivers {
            if value.is_uncertain() {
                choices.push((
                    format!("{}/{name}", scenario.name),
                    format!("{}: {}", scenario.name, readable(name)),
                ));
            }
        }
        for (label, value, ..) in scenario.growth.parameters() {
            if value.is_uncertain() {
                choices.push((
                    format!("{}/growth.{label}", scenario.name),
                    format!("{}: growth {}", scenario.name, readable(&label)),
                ));
            }
        }
    }
    choices
}

/// How a correlation's input reads: `requests per user`, `Base: growth churn`.
pub fn input_label(name: &str) -> String {
    match name.rsplit_once('/') {
        Some((scenario, rest)) => match rest.strip_prefix("growth.") {
            Some(parameter) => format!("{scenario}: growth {}", readable(parameter)),
            None => format!("{scenario}: {}", readable(rest)),
        },
        None => readable(name),
    }
}

/// One line per correlation in force in `scenario`, for "How sure is this?":
/// `requests per user and Base: growth move together strongly (0.8)`.
pub fn in_force_sentences(plan: &Plan, scenario: usize) -> Vec<String> {
    let inputs = scenario_inputs(plan, scenario);
    let uncertain = |target| {
        inputs
            .iter()
            .any(|input| input.target == target && input.value.is_uncertain())
    };
    in_scenario(plan, scenario)
        .into_iter()
        .filter(|pair| pair.targets.iter().all(|t| uncertain(*t)))
        .map(|pair| {
            let [a, b] = &plan.correlations[pair.index].inputs;
            format!(
                "{} and {} {} ({})",
                input_label(a),
                input_label(b),
                strength_words(pair.rank),
                crate::engine::model::number::format_compact(pair.rank)
            )
        })
        .collect()
}

/// A latency target's service time worked out from a load test.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    pub service_time_ms: f64,
    /// The service time as the field takes it (`7.48`).
    pub text: String,
    /// How it was worked out, in words.
    pub derivation: String,
}

/// The service time a load test implies: `throughput` requests a second
/// measured at `latency_ms` for the percentile `percentile`, on `units`
/// units serving `concurrency` requests each at once. The texts are as
/// typed; each problem says which.
pub fn calibrate(
    throughput: &str,
    latency_ms: &str,
    units: &str,
    concurrency: u32,
    percentile: f64,
) -> Result<Calibration, String> {
    let positive = |text: &str, what: &str| match read_number(text, false) {
        Ok(value) if value > 0.0 && value.is_finite() => Ok(value),
        _ => Err(format!("Enter the {what} as a number above 0")),
    };
    let throughput = positive(throughput, "requests a second")?;
    let latency = positive(latency_ms, "measured response time")?;
    let units = positive(units, "units in the test")?.round();
    let servers = units * f64::from(concurrency);
    let label = format!("p{}", (percentile * 1000.0).round() / 10.0);
    let seconds = service_time_from_load_test(throughput, latency / 1000.0, percentile, servers)
        .ok_or_else(|| {
            format!(
                "No service time gives a {label} of {} ms at that load",
                format_milliseconds(latency)
            )
        })?;
    // Three significant figures are what a load test can say.
    let ms = seconds * 1000.0;
    let digits = (2 - ms.log10().floor() as i32).max(0);
    let factor = 10f64.powi(digits);
    let rounded = (ms * factor).round() / factor;
    let busy = throughput * rounded / 1000.0 / servers;
    Ok(Calibration {
        service_time_ms: rounded,
        text: rounded.to_string(),
        derivation: format!(
            "{} requests a second on {} unit{} × {} at once = {} servers. A mean service time of {} ms makes the queue's {label} {} ms: each server is busy {}% of the time (offered load {} × {} s = {:.2} erlangs of {}).",
            crate::engine::model::number::format_count(throughput),
            units,
            if units == 1.0 { "" } else { "s" },
            concurrency,
            servers,
            rounded,
            format_milliseconds(latency),
            (busy * 1000.0).round() / 10.0,
            crate::engine::model::number::format_count(throughput),
            trim_number(rounded / 1000.0),
            throughput * rounded / 1000.0,
            servers
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::templates;

    #[test]
    fn the_choices_are_the_uncertain_inputs() {
        let plan = templates::load("realtime-platform")
            .expect("listed")
            .expect("valid");
        let choices: Vec<String> = input_choices(plan.plan())
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert!(
            choices.contains(&"concurrent_ratio".to_string()),
            "{choices:?}"
        );
        assert!(
            !choices.contains(&"api_requests_per_minute".to_string()),
            "fixed"
        );
        assert_eq!(
            input_label("Moderate/growth.segments[0].growth"),
            "Moderate: growth segments[0].growth"
        );
        assert_eq!(input_label("concurrent_ratio"), "concurrent ratio");
    }

    /// Seed 001: 525 requests a second at a p95 of 315 ms on 2 pods × 2
    /// cores: 7.48 ms, each core busy 98.2%.
    #[test]
    fn a_load_test_calibrates_the_service_time() {
        let calibration = calibrate("525", "315", "2", 2, 0.95).expect("one");
        assert_eq!(calibration.text, "7.48");
        assert!(calibration.derivation.starts_with("525 requests a second on 2 units × 2 at once = 4 servers. A mean service time of 7.48 ms makes the queue's p95 315 ms: each server is busy 98.2% of the time (offered load 525 × 0.00748 s = 3.93 erlangs of 4)."), "{}", calibration.derivation);
        assert_eq!(
            calibrate("525", "abc", "2", 2, 0.95),
            Err("Enter the measured response time as a number above 0".into())
        );
        assert_eq!(
            calibrate("0", "315", "2", 2, 0.95),
            Err("Enter the requests a second as a number above 0".into())
        );
    }
}
