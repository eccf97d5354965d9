//! Splits a formula into tokens, each with its 1-based column.

use super::error::{ErrorKind, FormulaError};

#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Number(f64),
    Name(String),
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    EqualEqual,
    NotEqual,
    LeftParen,
    RightParen,
    Comma,
}

impl Token {
    /// How the token reads in an error message.
    pub fn describe(&self) -> String {
        match self {
            Token::Number(value) => format!("number {value}"),
            Token::Name(name) => format!("name '{name}'"),
            other => format!("'{}'", other.symbol()),
        }
    }

    fn symbol(&self) -> &'static str {
        match self {
            Token::Plus => "+",
            Token::Minus => "-",
            Token::Star => "*",
            Token::Slash => "/",
            Token::Caret => "^",
            Token::Less => "<",
            Token::LessEqual => "<=",
            Token::Greater => ">",
            Token::GreaterEqual => ">=",
            Token::EqualEqual => "==",
            Token::NotEqual => "!=",
            Token::LeftParen => "(",
            Token::RightParen => ")",
            Token::Comma => ",",
            Token::Number(_) | Token::Name(_) => "",
        }
    }
}

/// A token and the column where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    pub token: Token,
    pub column: usize,
}

pub fn tokenize(source: &str) -> Result<Vec<Spanned>, FormulaError> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        let column = index + 1;
        if c.is_whitespace() {
            index += 1;
            continue;
        }
        if c.is_ascii_digit()
            || (c == '.' && chars.get(index + 1).is_some_and(char::is_ascii_digit))
        {
            let (value, next) = number(&chars, index)?;
            tokens.push(Spanned {
                token: Token::Number(value),
                column,
            });
            index = next;
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = index;
            while index < chars.len()
                && (chars[index].is_ascii_alphanumeric() || chars[index] == '_')
            {
                index += 1;
            }
            let name: String = chars[start..index].iter().collect();
            tokens.push(Spanned {
                token: Token::Name(name),
                column,
            });
            continue;
        }
        let next = chars.get(index + 1).copied();
        let (token, width) = match (c, next) {
            ('<', Some('=')) => (Token::LessEqual, 2),
            ('>', Some('=')) => (Token::GreaterEqual, 2),
            ('=', Some('=')) => (Token::EqualEqual, 2),
            ('!', Some('=')) => (Token::NotEqual, 2),
            ('<', _) => (Token::Less, 1),
            ('>', _) => (Token::Greater, 1),
            ('+', _) => (Token::Plus, 1),
            ('-', _) => (Token::Minus, 1),
            ('*', _) => (Token::Star, 1),
            ('/', _) => (Token::Slash, 1),
            ('^', _) => (Token::Caret, 1),
            ('(', _) => (Token::LeftParen, 1),
            (')', _) => (Token::RightParen, 1),
            (',', _) => (Token::Comma, 1),
            _ => return Err(FormulaError::at(column, ErrorKind::UnexpectedCharacter(c))),
        };
        tokens.push(Spanned { token, column });
        index += width;
    }
    Ok(tokens)
}

/// Reads a number at `start`: digits, an optional fraction and exponent, then
/// an optional suffix `k`, `M`, `G` or `%`. Returns the value and the index after it.
fn number(chars: &[char], start: usize) -> Result<(f64, usize), FormulaError> {
    let mut index = start;
    let digits = |index: &mut usize| {
        while *index < chars.len() && chars[*index].is_ascii_digit() {
            *index += 1;
        }
    };
    digits(&mut index);
    if chars.get(index) == Some(&'.') {
        index += 1;
        digits(&mut index);
    }
    if matches!(chars.get(index), Some('e' | 'E')) {
        let mut after = index + 1;
        if matches!(chars.get(after), Some('+' | '-')) {
            after += 1;
        }
        if chars.get(after).is_some_and(char::is_ascii_digit) {
            index = after;
            digits(&mut index);
        }
    }
    let text: String = chars[start..index].iter().collect();
    let bad = |end: usize| {
        let shown: String = chars[start..end.min(chars.len())].iter().collect();
        FormulaError::at(start + 1, ErrorKind::BadNumber(shown))
    };
    let mut value: f64 = text.parse().map_err(|_| bad(index))?;
    let scale = match chars.get(index) {
        Some('k') => Some(1e3),
        Some('M') => Some(1e6),
        Some('G') => Some(1e9),
        Some('%') => Some(0.01),
        _ => None,
    };
    if let Some(scale) = scale {
        value *= scale;
        index += 1;
    }
    // "2kb" or "3x": letters glued to a number are a typo, not a multiplication.
    if chars
        .get(index)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
    {
        let mut end = index;
        while end < chars.len()
            && (chars[end].is_ascii_alphanumeric() || chars[end] == '_' || chars[end] == '.')
        {
            end += 1;
        }
        return Err(bad(end));
    }
    if !value.is_finite() {
        return Err(bad(index));
    }
    Ok((value, index))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(source: &str) -> Vec<Token> {
        tokenize(source)
            .unwrap()
            .into_iter()
            .map(|s| s.token)
            .collect()
    }

    #[test]
    fn numbers_take_suffixes_and_exponents() {
        assert_eq!(values("1500"), [Token::Number(1500.0)]);
        assert_eq!(values("1.5k"), [Token::Number(1500.0)]);
        assert_eq!(values("2M"), [Token::Number(2e6)]);
        assert_eq!(values("3G"), [Token::Number(3e9)]);
        assert_eq!(values("25%"), [Token::Number(0.25)]);
        assert_eq!(values("1e6"), [Token::Number(1e6)]);
        assert_eq!(values("2.5e-3"), [Token::Number(0.0025)]);
        assert_eq!(values(".5"), [Token::Number(0.5)]);
    }

    #[test]
    fn tokens_carry_their_columns() {
        let tokens = tokenize("a <= 10").unwrap();
        let columns: Vec<usize> = tokens.iter().map(|t| t.column).collect();
        assert_eq!(columns, [1, 3, 6]);
        assert_eq!(tokens[1].token, Token::LessEqual);
    }

    #[test]
    fn bad_characters_and_numbers_are_located() {
        let error = tokenize("users # 2").unwrap_err();
        assert_eq!(error.to_string(), "at column 7: unexpected character '#'");
        let error = tokenize("2kb * users").unwrap_err();
        assert_eq!(
            error.to_string(),
            "at column 1: '2kb' is not a number this formula can use"
        );
        let error = tokenize("1e999").unwrap_err();
        assert_eq!(
            error.to_string(),
            "at column 1: '1e999' is not a number this formula can use"
        );
        let error = tokenize("1.2.3").unwrap_err();
        assert_eq!(error.column, Some(1));
    }
}
