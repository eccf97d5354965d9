//! The metric formula language: a small, safe, fast expression language for
//! the demand chain.
//!
//! Formulas are numbers (`1500`, `1.5k`, `2M`, `3G`, `25%`, `1e6`), names,
//! `+ - * / ^`, comparisons (`< <= > >= == !=`, giving 1 or 0), parentheses
//! and the functions `min max ceil floor round abs sqrt ln exp if prev`.
//!
//! A plan's metrics compile once into a [`Chain`], evaluated month after
//! month either over a column of Monte Carlo paths
//! ([`Chain::evaluate_columns`]) or for one path ([`Chain::evaluate_scalar`]),
//! with identical results. Every failure is a located [`FormulaError`], never
//! a panic and never a silent NaN.
//!
//! The bottom layer of the engine: it uses no other.

mod compile;
mod error;
mod eval;
mod lexer;
mod parser;

pub use compile::{Chain, Source, Spread};
pub use error::{ErrorKind, FormulaError};
pub use eval::{ColumnState, ScalarState};
pub use parser::{parse, BinaryOp, Expr, Function};

/// Longest formula accepted, in characters.
pub const MAX_FORMULA_CHARS: usize = 1_000;

/// Deepest nesting of parentheses, signs and powers accepted.
pub const MAX_NESTING: usize = 64;

/// Names a metric cannot take: functions and built-in values.
pub fn is_reserved(name: &str) -> bool {
    name == "prev"
        || name == "month"
        || Function::ALL.iter().any(|function| function.name() == name)
}

/// The candidate closest to a mistyped `name`, if one is close enough to be a
/// likely typo.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .map(|candidate| (strsim::damerau_levenshtein(name, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, candidate)| candidate.to_string())
}

#[cfg(test)]
mod tests;

/// The names a formula refers to, in order of appearance (empty when it does
/// not tokenize).
pub fn names_in(formula: &str) -> Vec<String> {
    lexer::tokenize(formula)
        .map(|tokens| {
            tokens
                .into_iter()
                .filter_map(|spanned| match spanned.token {
                    lexer::Token::Name(name) => Some(name),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `formula` with every use of the name `from` replaced by `to`, leaving the
/// rest of the text (spacing, number spelling) exactly as written. A formula
/// that does not tokenize is returned unchanged.
pub fn rename_in(formula: &str, from: &str, to: &str) -> String {
    let Ok(tokens) = lexer::tokenize(formula) else {
        return formula.to_string();
    };
    let chars: Vec<char> = formula.chars().collect();
    let mut renamed = String::with_capacity(formula.len());
    let mut next = 0;
    for spanned in tokens {
        if matches!(&spanned.token, lexer::Token::Name(name) if name == from) {
            let start = spanned.column - 1;
            renamed.extend(&chars[next..start]);
            renamed.push_str(to);
            next = start + from.chars().count();
        }
    }
    renamed.extend(&chars[next..]);
    renamed
}
