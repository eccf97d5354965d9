//! Reading numbers the way people type them, and writing them back the way
//! people read them.
//!
//! Every number field of the app goes through [`parse_number`], so `1,500`,
//! `1.5k` and `25%` mean the same thing everywhere. The formatters are shared by
//! the table, the chart axes and the command line so a figure never reads
//! differently in two places.

use std::fmt;

/// Why a typed number was refused. The message is written for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    Empty,
    NotANumber(String),
    TooLarge,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumberError::Empty => write!(f, "enter a number"),
            NumberError::NotANumber(text) => {
                write!(
                    f,
                    "\"{text}\" is not a number (try 1500, 1,500, 1.5k or 25%)"
                )
            }
            NumberError::TooLarge => write!(f, "that number is too large"),
        }
    }
}

impl std::error::Error for NumberError {}

/// Longest text accepted as a number; anything longer is certainly a mistake.
const MAX_NUMBER_TEXT: usize = 64;

/// Parses a typed number: digits with optional `,` or `_` thousands separators,
/// an optional decimal part and exponent, and an optional suffix `k` (×1,000),
/// `M` (×1,000,000), `G` (×10⁹) or `%` (÷100). Surrounding spaces are ignored.
///
/// The result is always finite.
pub fn parse_number(text: &str) -> Result<f64, NumberError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(NumberError::Empty);
    }
    let not_a_number = || NumberError::NotANumber(shorten(trimmed));
    if trimmed.len() > MAX_NUMBER_TEXT {
        return Err(not_a_number());
    }
    let (digits, scale) = split_suffix(trimmed);
    let cleaned: String = digits
        .trim_end()
        .chars()
        .filter(|c| *c != ',' && *c != '_')
        .collect();
    // `f64::from_str` also accepts "inf", "NaN" and "infinity": only plain
    // decimal notation is a number here.
    let plain = !cleaned.is_empty()
        && cleaned
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && cleaned.chars().any(|c| c.is_ascii_digit());
    if !plain {
        return Err(not_a_number());
    }
    let value: f64 = cleaned.parse().map_err(|_| not_a_number())?;
    let scaled = value * scale;
    if scaled.is_finite() {
        Ok(scaled)
    } else {
        Err(NumberError::TooLarge)
    }
}

fn split_suffix(text: &str) -> (&str, f64) {
    const SUFFIXES: [(char, f64); 5] =
        [('%', 0.01), ('k', 1e3), ('K', 1e3), ('M', 1e6), ('G', 1e9)];
    for (suffix, scale) in SUFFIXES {
        if let Some(rest) = text.strip_suffix(suffix) {
            return (rest, scale);
        }
    }
    (text, 1.0)
}

pub(crate) fn shorten(text: &str) -> String {
    const SHOWN: usize = 24;
    if text.chars().count() <= SHOWN {
        text.to_string()
    } else {
        let head: String = text.chars().take(SHOWN).collect();
        format!("{head}…")
    }
}

/// A whole count with thousands separators: `1234567.4` → `1,234,567`.
///
/// Rounds half away from zero, as the seeds' `Math.round` does for positive values.
pub fn format_count(value: f64) -> String {
    if !value.is_finite() {
        return "overflow".to_string();
    }
    if value.abs() >= 1e15 {
        return format!("{value:.3e}");
    }
    // `+ 0.0`: a value that rounds to minus zero reads 0.
    group_thousands(&format!("{:.0}", value.round() + 0.0))
}

/// A number's text with its whole part grouped in thousands: `-1234567.5`
/// → `-1,234,567.5` (what [`parse_number`] reads back).
fn group_thousands(text: &str) -> String {
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = match unsigned.find('.') {
        Some(point) => unsigned.split_at(point),
        None => (unsigned, ""),
    };
    let mut grouped = String::with_capacity(text.len() + whole.len() / 3);
    grouped.push_str(sign);
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped.push_str(fraction);
    grouped
}

/// Milliseconds for reading: whole from 10 up, one decimal below
/// (`182`, `1,250`, `7.5`).
pub fn format_milliseconds(ms: f64) -> String {
    milliseconds_with(ms, if ms < 9.95 { 1 } else { 0 })
}

/// `ms` with `decimals` decimals, thousands grouped: `6,907.8`.
fn milliseconds_with(ms: f64, decimals: usize) -> String {
    if !ms.is_finite() {
        return "unbounded".into();
    }
    let text = format!("{:.*}", decimals, ms.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let sign = if ms < 0.0 && text.chars().any(|c| ('1'..='9').contains(&c)) {
        "-"
    } else {
        ""
    };
    let grouped = format_count(whole.parse::<f64>().unwrap_or(0.0));
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

/// Two millisecond figures read side by side (a response time and its
/// target, a target and the fastest possible): [`format_milliseconds`]'s
/// digits, and more (up to six decimals) while two different values would
/// read the same — "300.4 ms, over its 300 ms target", never "300 ms,
/// over its 300 ms target".
pub fn format_milliseconds_pair(a: f64, b: f64) -> (String, String) {
    let base = |ms: f64| if ms < 9.95 { 1 } else { 0 };
    let (mut first, mut second) = (format_milliseconds(a), format_milliseconds(b));
    let mut decimals = base(a).max(base(b));
    while a != b && first == second && decimals < 6 {
        decimals += 1;
        first = milliseconds_with(a, decimals);
        second = milliseconds_with(b, decimals);
    }
    (first, second)
}

/// A predicted response time for reading: `182 ms`, `7.5 ms`, `no traffic`
/// (none: no requests that month), or `unbounded (overloaded)` when
/// requests come faster than they can ever be served (an infinite time).
pub fn format_response_time(ms: Option<f64>) -> String {
    match ms {
        None => "no traffic".into(),
        Some(ms) if ms.is_finite() => format!("{} ms", format_milliseconds(ms)),
        Some(_) => "unbounded (overloaded)".into(),
    }
}

/// A compact figure for axes and headlines: `950`, `1.2k`, `3.4M`, `5.6G`.
pub fn format_compact(value: f64) -> String {
    if !value.is_finite() {
        return "overflow".to_string();
    }
    let magnitude = value.abs();
    let (scaled, suffix) = if magnitude >= 1e12 {
        (value / 1e12, "T")
    } else if magnitude >= 1e9 {
        (value / 1e9, "G")
    } else if magnitude >= 1e6 {
        (value / 1e6, "M")
    } else if magnitude >= 1e3 {
        (value / 1e3, "k")
    } else {
        return trim_decimals(value, if magnitude < 10.0 { 1 } else { 0 });
    };
    format!("{}{suffix}", trim_decimals(scaled, 1))
}

/// A size given in megabytes, in the largest unit that keeps it readable:
/// `500 MB`, `11.7 GB`, `1.5 TB` (decimal units, as the seeds use them).
pub fn format_megabytes(megabytes: f64) -> String {
    if !megabytes.is_finite() {
        return "overflow".to_string();
    }
    const UNITS: [&str; 5] = ["MB", "GB", "TB", "PB", "EB"];
    let mut value = megabytes;
    let mut unit = 0;
    while value.abs() >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{} {}", trim_decimals(value, 1), UNITS[unit])
}

/// A rate as a percentage: `0.25` → `25%`, `0.125` → `12.5%`, a load far
/// beyond its capacity `62829702.16` → `6,282,970,216%`.
pub fn format_percent(rate: f64) -> String {
    if !rate.is_finite() {
        return "overflow".to_string();
    }
    format!("{}%", group_thousands(&trim_decimals(rate * 100.0, 2)))
}

/// `value` with at most `decimals` decimals and no trailing zeros.
pub(crate) fn trim_decimals(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" {
        "0".to_string()
    } else {
        text
    }
}

/// `1 unit`, `3 units`.
pub fn units_text(units: u32) -> String {
    if units == 1 {
        "1 unit".into()
    } else {
        format!("{units} units")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_ways_people_type_numbers() {
        assert_eq!(parse_number("1500"), Ok(1500.0));
        assert_eq!(parse_number("1,500"), Ok(1500.0));
        assert_eq!(parse_number(" 1_500 "), Ok(1500.0));
        assert_eq!(parse_number("1.5k"), Ok(1500.0));
        assert_eq!(parse_number("2M"), Ok(2_000_000.0));
        assert_eq!(parse_number("3G"), Ok(3e9));
        assert_eq!(parse_number("25%"), Ok(0.25));
        assert_eq!(parse_number("12.5 %"), Ok(0.125));
        assert_eq!(parse_number("1e6"), Ok(1e6));
        assert_eq!(parse_number("-3"), Ok(-3.0));
    }

    #[test]
    fn refuses_what_is_not_a_plain_number() {
        assert_eq!(parse_number(""), Err(NumberError::Empty));
        assert_eq!(parse_number("   "), Err(NumberError::Empty));
        for bad in [
            "abc", "NaN", "inf", "infinity", "1.2.3", "%", "k", "--1", "1,5x",
        ] {
            assert!(
                matches!(parse_number(bad), Err(NumberError::NotANumber(_))),
                "{bad} should be refused"
            );
        }
        assert_eq!(parse_number("1e400"), Err(NumberError::TooLarge));
        assert_eq!(parse_number("1e308k"), Err(NumberError::TooLarge));
    }

    #[test]
    fn error_messages_name_the_text_and_suggest_forms() {
        let message = parse_number("twelve").unwrap_err().to_string();
        assert_eq!(
            message,
            "\"twelve\" is not a number (try 1500, 1,500, 1.5k or 25%)"
        );
        let long = "x".repeat(100);
        let message = parse_number(&long).unwrap_err().to_string();
        assert!(message.contains('…'), "long input is shortened: {message}");
        assert!(message.len() < 100);
    }

    #[test]
    fn counts_are_grouped_and_rounded() {
        assert_eq!(format_count(0.0), "0");
        assert_eq!(format_count(658.4), "658");
        assert_eq!(format_count(999.5), "1,000");
        assert_eq!(format_count(1_234_567.4), "1,234,567");
        assert_eq!(format_count(-1234.0), "-1,234");
        assert_eq!(format_count(f64::INFINITY), "overflow");
        assert_eq!(format_count(-0.4), "0", "never minus zero");
    }

    /// Percentages group their whole part as counts do (a utilization far
    /// beyond capacity once read `6282970216.2%`), and read back.
    #[test]
    fn percentages_are_grouped_and_read_back() {
        assert_eq!(format_percent(9.99), "999%");
        assert_eq!(format_percent(12.345), "1,234.5%");
        assert_eq!(format_percent(62_829_702.162), "6,282,970,216.2%");
        assert_eq!(format_percent(-12.345), "-1,234.5%");
        assert_eq!(format_percent(-0.00001), "0%");
        assert_eq!(format_percent(f64::NAN), "overflow");
        for rate in [0.0, 0.005, 0.25, 1.5, 12.345, 9_876.543_2, -3.21] {
            let read = parse_number(&format_percent(rate)).expect("a number");
            assert!(
                (read - rate).abs() <= 0.00005 * rate.abs().max(1.0),
                "{rate} read back as {read}"
            );
        }
    }

    #[test]
    fn compact_figures_read_like_axis_labels() {
        assert_eq!(format_compact(950.0), "950");
        assert_eq!(format_compact(1200.0), "1.2k");
        assert_eq!(format_compact(3_400_000.0), "3.4M");
        assert_eq!(format_compact(5.6e9), "5.6G");
        assert_eq!(format_compact(2.5), "2.5");
        assert_eq!(format_compact(10_000.0), "10k");
    }

    #[test]
    fn sizes_pick_a_readable_unit() {
        assert_eq!(format_megabytes(500.0), "500 MB");
        assert_eq!(format_megabytes(11_700.0), "11.7 GB");
        assert_eq!(format_megabytes(1_500_000.0), "1.5 TB");
        assert_eq!(format_percent(0.25), "25%");
        assert_eq!(format_percent(0.125), "12.5%");
    }
}

/// How a currency is written around an amount: a symbol before it (`$`),
/// or its code after a space (`CHF`).
pub fn currency_affixes(currency: &str) -> (&str, &str) {
    match currency {
        "USD" => ("$", ""),
        "EUR" => ("€", ""),
        "GBP" => ("£", ""),
        "JPY" => ("¥", ""),
        other => ("", other),
    }
}

/// A sum of money in the plan's currency: `$1,234`, `$12.50`, `€0.02`,
/// `CHF 1,234`. Whole units from 100 up; cents below; four decimals below one cent.
pub fn format_money(value: f64, currency: &str) -> String {
    if !value.is_finite() {
        return "overflow".to_string();
    }
    let (prefix, suffix) = currency_affixes(currency);
    let sign = if value < 0.0 { "-" } else { "" };
    let magnitude = value.abs();
    let amount = if magnitude >= 100.0 || magnitude == 0.0 {
        format_count(magnitude)
    } else if magnitude >= 0.01 {
        let cents = format!("{magnitude:.2}");
        let (whole, fraction) = cents.split_once('.').unwrap_or((&cents, "00"));
        format!(
            "{}.{fraction}",
            format_count(whole.parse::<f64>().unwrap_or(0.0))
        )
    } else {
        format!("{magnitude:.4}")
    };
    if suffix.is_empty() {
        format!("{sign}{prefix}{amount}")
    } else {
        format!("{sign}{suffix} {amount}")
    }
}

/// A value in the unit a metric declares: sizes in MB or GB read in the
/// largest readable unit, rates and counts compactly.
pub fn format_in_unit(value: f64, unit: &str) -> String {
    match unit {
        "MB" => format_megabytes(value),
        "GB" => format_megabytes(value * 1000.0),
        "share" | "ratio" => format_percent(value),
        _ => format_compact(value),
    }
}

#[cfg(test)]
mod money_tests {
    use super::*;

    #[test]
    fn money_reads_like_an_invoice() {
        assert_eq!(format_money(1234.4, "USD"), "$1,234");
        assert_eq!(format_money(12.5, "USD"), "$12.50");
        assert_eq!(format_money(0.02, "EUR"), "€0.02");
        assert_eq!(format_money(0.0025, "USD"), "$0.0025");
        assert_eq!(format_money(-50.0, "GBP"), "-£50.00");
        assert_eq!(format_money(1234.0, "CHF"), "CHF 1,234");
        assert_eq!(format_money(0.0, "USD"), "$0");
    }

    #[test]
    fn units_choose_their_format() {
        assert_eq!(format_in_unit(65_800.0, "MB"), "65.8 GB");
        assert_eq!(format_in_unit(1500.0, "GB"), "1.5 TB");
        assert_eq!(format_in_unit(0.15, "share"), "15%");
        assert_eq!(format_in_unit(3290.0, "requests/day"), "3.3k");
    }
}

/// A value for a table cell, exact enough to check by hand: sizes in a
/// readable unit, shares in percent, counts grouped (`3,290`), small values
/// with up to two decimals (`3.5`).
pub fn format_figure(value: f64, unit: &str) -> String {
    match unit {
        "MB" => format_megabytes(value),
        "GB" => format_megabytes(value * 1000.0),
        "share" | "ratio" => format_percent(value),
        _ if !value.is_finite() => "overflow".to_string(),
        _ if value.abs() >= 100.0 => format_count(value),
        _ => trim_decimals(value, 2),
    }
}

/// The unit to state in a column heading over [`format_figure`] cells: none
/// where the cells say it themselves (sizes read `10 GB`, shares `5%`), else
/// the metric's own unit, once.
pub fn heading_unit(unit: &str) -> Option<&str> {
    match unit {
        "" | "MB" | "GB" | "share" | "ratio" => None,
        other => Some(other),
    }
}

#[cfg(test)]
mod figure_tests {
    use super::*;

    #[test]
    fn table_figures_are_exact_enough() {
        assert_eq!(format_figure(3290.03, "requests/day"), "3,290");
        assert_eq!(format_figure(3.5, "rps"), "3.5");
        assert_eq!(format_figure(0.123, "rps"), "0.12");
        assert_eq!(format_figure(65_801.0, "MB"), "65.8 GB");
        assert_eq!(format_figure(0.05, "share"), "5%");
    }

    /// `db_size_mb` in MB reads "10 GB" in its cells: the heading says no
    /// unit rather than a wrong one; a count's unit is said once, above.
    #[test]
    fn headings_say_the_unit_only_where_cells_do_not() {
        assert_eq!(heading_unit("MB"), None);
        assert!(format_figure(10_000.0, "MB").ends_with("GB"));
        assert_eq!(heading_unit("GB"), None);
        assert_eq!(heading_unit("share"), None);
        assert_eq!(heading_unit(""), None);
        assert_eq!(heading_unit("rps"), Some("rps"));
        assert_eq!(format_figure(3.5, "rps"), "3.5");
    }
}

#[cfg(test)]
mod milliseconds_tests {
    use super::*;

    #[test]
    fn a_pair_of_times_reads_apart_when_they_differ() {
        let pair = |a: f64, b: f64| format_milliseconds_pair(a, b);
        assert_eq!(pair(150.3, 150.0), ("150.3".into(), "150.0".into()));
        assert_eq!(pair(6907.8, 6900.0), ("6,908".into(), "6,900".into()));
        assert_eq!(pair(299.57, 299.573), ("299.570".into(), "299.573".into()));
        assert_eq!(pair(412.0, 412.0), ("412".into(), "412".into()));
        assert_eq!(pair(7.5, 7.54), ("7.50".into(), "7.54".into()));
        assert_eq!(format_response_time(None), "no traffic");
        assert_eq!(
            format_response_time(Some(f64::INFINITY)),
            "unbounded (overloaded)"
        );
        assert_eq!(format_response_time(Some(1250.0)), "1,250 ms");
    }
}
