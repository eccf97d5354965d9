//! A scenario's seasonality as people write it: `Nov +20%, Dec +45%`.
//!
//! Each named month is that much above (or below) an ordinary month; months
//! not named are ordinary (a factor of 1). The twelve factors are stored as
//! typed, January first; the projection rescales them so a year's mean is
//! unchanged (docs/plan-format.md, "Seasonality"), so the text never has to
//! balance by hand. The same text is what the editor, the command line and
//! the fit panel show.

use super::number::{parse_number, shorten, trim_decimals};
use super::plan::{FULL_MONTH_NAMES, MONTH_NAMES};
use super::validate::limits::MAX_SEASONAL_FACTOR;

/// Twelve factors as text: the months that differ from an ordinary month,
/// in calendar order, each as a signed percentage with at most one decimal
/// (`Jan -6.9%, Nov +20%, Dec +45%`), or below a factor of 0.01 as the
/// factor itself (`Jul ×0.0004`). Twelve ordinary months read as empty
/// text, as does a list that is not twelve long (validation names that).
pub fn format_seasonality(factors: &[f64]) -> String {
    if factors.len() != 12 {
        return String::new();
    }
    MONTH_NAMES
        .iter()
        .zip(factors)
        .filter_map(|(month, factor)| {
            // Near 0 a tenth of a percent would round to -100%, which is no
            // users at all: such a month is written as its factor.
            if *factor < 0.01 {
                return Some(format!("{month} \u{d7}{factor}"));
            }
            let percent = trim_decimals((factor - 1.0) * 100.0, 1);
            if percent == "0" {
                return None;
            }
            let sign = if percent.starts_with('-') { "" } else { "+" };
            Some(format!("{month} {sign}{percent}%"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads seasonality typed as `Nov +20%, Dec +45%` (parts separated by
/// commas, semicolons or new lines; full month names, `-`, `−`, and `×1.45`
/// for a factor also read). Empty text or `none` is no seasonality. Every
/// message names the part it is about.
pub fn parse_seasonality(text: &str) -> Result<Option<Vec<f64>>, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let mut factors: [Option<f64>; 12] = [None; 12];
    for part in trimmed
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        let (month, factor) = read_part(part)?;
        if factors[month].replace(factor).is_some() {
            return Err(format!(
                "{} is given twice: say each month once",
                MONTH_NAMES[month]
            ));
        }
    }
    Ok(Some(factors.iter().map(|f| f.unwrap_or(1.0)).collect()))
}

/// One part, `Dec +45%`: its calendar month (0 is January) and factor.
fn read_part(part: &str) -> Result<(usize, f64), String> {
    let word_end = part
        .find(|c: char| !c.is_alphabetic() && c != '.')
        .unwrap_or(part.len());
    let (word, amount) = part.split_at(word_end);
    let month = month_of(word).ok_or_else(|| {
        format!(
            "\u{201c}{}\u{201d}: start each part with a month (Jan to Dec), like Nov +20%, Dec +45%",
            shorten(part)
        )
    })?;
    let name = MONTH_NAMES[month];
    let amount = amount.trim();
    if amount.is_empty() {
        return Err(format!(
            "Say how far {name} is above or below an ordinary month, like {name} +20% or {name} -10%"
        ));
    }
    let factor = read_factor(amount).ok_or_else(|| {
        format!(
            "{name}: \u{201c}{}\u{201d} is not a change like +20%, -10% or \u{d7}1.2",
            shorten(amount)
        )
    })?;
    if factor <= 0.0 {
        return Err(format!(
            "{name} {amount} would leave no users in {name}: a month can be less than 100% below an ordinary one"
        ));
    }
    if factor > MAX_SEASONAL_FACTOR {
        return Err(format!(
            "{name} {amount} is more than {} times an ordinary month",
            MAX_SEASONAL_FACTOR
        ));
    }
    Ok((month, factor))
}

/// `+45%`, `45%`, `45` (percent), `-10%`, `−10%` or a factor `×1.45`.
fn read_factor(amount: &str) -> Option<f64> {
    let amount = amount.replace('\u{2212}', "-");
    if let Some(factor) = amount
        .strip_prefix(['\u{d7}', 'x', 'X', '*'])
        .and_then(|rest| parse_number(rest).ok())
    {
        return Some(factor);
    }
    let number = amount.trim_end().trim_end_matches('%');
    let percent = parse_number(number).ok()?;
    Some(1.0 + percent / 100.0)
}

/// The calendar month a word names: three letters or more of its name
/// (`Dec`, `Dece`, `December`, `Sept`, `dec.`), in any case.
fn month_of(word: &str) -> Option<usize> {
    let word = word.trim_end_matches('.').to_lowercase();
    if word.chars().count() < 3 {
        return None;
    }
    let word = if word == "sept" {
        "sep".to_string()
    } else {
        word
    };
    FULL_MONTH_NAMES
        .iter()
        .position(|name| name.starts_with(word.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_months_become_twelve_factors() {
        let factors = parse_seasonality("Nov +20%, Dec +45%")
            .expect("reads")
            .expect("some");
        let mut expected = vec![1.0; 12];
        expected[10] = 1.2;
        expected[11] = 1.45;
        assert_eq!(factors, expected);
        assert_eq!(format_seasonality(&factors), "Nov +20%, Dec +45%");
        let other = parse_seasonality("january −10%; AUGUST 5\nsept. \u{d7}1.5")
            .expect("reads")
            .expect("some");
        assert!((other[0] - 0.9).abs() < 1e-12);
        assert!((other[7] - 1.05).abs() < 1e-12);
        assert_eq!(other[8], 1.5);
        assert_eq!(parse_seasonality("  "), Ok(None));
        assert_eq!(parse_seasonality("None"), Ok(None));
    }

    #[test]
    fn each_mistake_names_its_part() {
        let message = |text: &str| parse_seasonality(text).expect_err(text);
        assert!(message("Foo +20%").starts_with("\u{201c}Foo +20%\u{201d}: start each part"));
        assert!(message("Ma +20%").contains("start each part with a month"));
        assert!(message("Dec").starts_with("Say how far Dec is above"));
        assert!(message("Dec lots").starts_with("Dec: \u{201c}lots\u{201d} is not a change"));
        assert_eq!(
            message("Dec +5%, dec +6%"),
            "Dec is given twice: say each month once"
        );
        assert!(message("Feb -100%").contains("would leave no users in Feb"));
        assert!(message("Feb \u{d7}0").contains("would leave no users"));
        assert!(message("Jul +20000%").contains("more than 100 times"));
        assert!(message("Jul NaN%").contains("is not a change"));
    }

    #[test]
    fn fitted_factors_show_to_a_tenth_of_a_percent() {
        let mut factors = [1.0; 12];
        factors[0] = 0.93123;
        factors[5] = 1.00004;
        factors[11] = 1.2;
        assert_eq!(format_seasonality(&factors), "Jan -6.9%, Dec +20%");
        assert_eq!(format_seasonality(&[1.0; 11]), "");
        factors[6] = 0.0004;
        let shown = format_seasonality(&factors);
        assert_eq!(shown, "Jan -6.9%, Jul \u{d7}0.0004, Dec +20%");
        let read = parse_seasonality(&shown).expect("reads").expect("some");
        assert_eq!(read[6], 0.0004);
    }
}
