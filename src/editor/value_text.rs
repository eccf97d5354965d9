//! Numbers and ranges as people type them into a form: `1,500`, `1.5k`,
//! `25%`, and ranges `80 – 120` (a 90% interval) or `80 – 100 – 120`
//! (low, most likely, high: triangular).

use crate::engine::model::number::{format_percent, parse_number};
use crate::engine::model::plan::{Distribution, Range, Value};

/// Reads a plain number. A percentage field takes `25%`, and a bare `25` as
/// 25%, since the field is labelled in percent.
pub fn read_number(text: &str, percent: bool) -> Result<f64, String> {
    let value = parse_number(text).map_err(|error| capitalise(&error.to_string()))?;
    if percent && !text.trim_end().ends_with('%') {
        Ok(value / 100.0)
    } else {
        Ok(value)
    }
}

/// Reads a number or a range. `previous` keeps the distribution a range
/// already had (uniform stays uniform when its bounds are retyped).
pub fn read_value(text: &str, percent: bool, previous: Option<&Value>) -> Result<Value, String> {
    let parts = split_range(text);
    let numbers = parts
        .iter()
        .map(|part| read_number(part, percent))
        .collect::<Result<Vec<f64>, String>>()?;
    let kept = match previous {
        Some(Value::Range(range)) => range.distribution,
        _ => Distribution::Interval,
    };
    match numbers[..] {
        [value] => Ok(Value::Fixed(value)),
        [low, high] => {
            let distribution = if kept == Distribution::Triangular {
                Distribution::Interval
            } else {
                kept
            };
            Ok(Value::Range(Range {
                distribution,
                low,
                high,
                mode: None,
            }))
        }
        [low, mode, high] => Ok(Value::Range(Range {
            distribution: Distribution::Triangular,
            low,
            high,
            mode: Some(mode),
        })),
        _ => Err("Type one number, a range like 80 – 120, or low – likely – high".into()),
    }
}

/// A value as the field shows it: `25%`, `80 – 120`, `80 – 100 – 120`.
pub fn show_value(value: &Value, percent: bool) -> String {
    let show = |number: f64| show_number(number, percent);
    match value {
        Value::Fixed(number) => show(*number),
        Value::Range(range) => match (range.distribution, range.mode) {
            (Distribution::Triangular, Some(mode)) => {
                format!(
                    "{} – {} – {}",
                    show(range.low),
                    show(mode),
                    show(range.high)
                )
            }
            _ => format!("{} – {}", show(range.low), show(range.high)),
        },
    }
}

pub fn show_number(number: f64, percent: bool) -> String {
    if percent {
        format_percent(number)
    } else {
        trim_number(number)
    }
}

/// Splits `a – b` (en or em dash, `to`, `..`, or a hyphen between two
/// numbers) into its parts; a single number stays whole. A leading minus and
/// an exponent's minus (`1e-3`) are part of their number.
fn split_range(text: &str) -> Vec<String> {
    let normalised = text
        .replace(['–', '—'], "|")
        .replace("..", "|")
        .replace(" to ", "|");
    let mut parts = Vec::new();
    let mut current = String::new();
    for c in normalised.chars() {
        let previous = current.trim_end().chars().last();
        let separates = c == '|'
            || (c == '-'
                && previous.is_some_and(|p| {
                    p.is_ascii_digit() || matches!(p, '%' | 'k' | 'K' | 'M' | 'G')
                }));
        if separates {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts
}

/// A message with its first letter in upper case, for the start of a
/// sentence. Only an ASCII letter is changed: a message starting with a name
/// such as `état` keeps it as typed, and the page's first module does not
/// carry Unicode's case tables (about 3 KB of its download) for that.
pub fn capitalise(message: &str) -> String {
    let mut text = message.to_string();
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}

/// A number as a person would type it: no trailing zeros, no exponent for
/// everyday magnitudes.
pub fn trim_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.6}");
        let trimmed = text.trim_end_matches('0').trim_end_matches('.');
        if trimmed == "0" || trimmed == "-0" {
            // Too small for six decimals: keep its digits.
            format!("{value:e}")
        } else {
            trimmed.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalise_raises_an_ascii_first_letter_and_leaves_other_names_as_typed() {
        assert_eq!(
            super::capitalise("redis runs out at month 7"),
            "Redis runs out at month 7"
        );
        assert_eq!(super::capitalise("état runs out"), "état runs out");
        assert_eq!(super::capitalise("7 units"), "7 units");
        assert_eq!(super::capitalise(""), "");
    }

    fn range(low: f64, high: f64) -> Value {
        Value::interval(low, high)
    }

    #[test]
    fn ranges_read_with_any_dash() {
        for text in [
            "80 – 120",
            "80-120",
            "80 to 120",
            "80..120",
            "80—120",
            " 80 -120 ",
        ] {
            assert_eq!(
                read_value(text, false, None),
                Ok(range(80.0, 120.0)),
                "{text}"
            );
        }
        assert_eq!(read_value("-5 – 5", false, None), Ok(range(-5.0, 5.0)));
        assert_eq!(read_value("1e-3", false, None), Ok(Value::Fixed(0.001)));
        assert_eq!(
            read_value("1.5k-2k", false, None),
            Ok(range(1500.0, 2000.0))
        );
        assert_eq!(read_value("20% – 30%", true, None), Ok(range(0.2, 0.3)));
        assert_eq!(read_value("20 – 30", true, None), Ok(range(0.2, 0.3)));
    }

    #[test]
    fn three_numbers_make_a_triangle_and_distributions_are_kept() {
        let triangle = read_value("80 – 100 – 120", false, None).unwrap();
        assert_eq!(
            triangle,
            Value::Range(Range {
                distribution: Distribution::Triangular,
                low: 80.0,
                high: 120.0,
                mode: Some(100.0)
            })
        );
        assert_eq!(show_value(&triangle, false), "80 – 100 – 120");
        let uniform = Value::Range(Range {
            distribution: Distribution::Uniform,
            low: 1.0,
            high: 2.0,
            mode: None,
        });
        assert_eq!(
            read_value("3 – 4", false, Some(&uniform)),
            Ok(Value::Range(Range {
                distribution: Distribution::Uniform,
                low: 3.0,
                high: 4.0,
                mode: None
            }))
        );
        assert_eq!(
            read_value("1 – 2 – 3 – 4", false, None),
            Err("Type one number, a range like 80 – 120, or low – likely – high".into())
        );
        assert!(read_value("80 – ", false, None).is_err());
    }

    #[test]
    fn values_show_as_typed() {
        assert_eq!(show_value(&range(0.2, 0.3), true), "20% – 30%");
        assert_eq!(show_value(&Value::Fixed(1500.0), false), "1500");
        assert_eq!(show_number(0.02, false), "0.02");
        assert_eq!(show_number(0.000_000_1, false), "1e-7");
    }
}
