//! Formula errors: values, located and written for the person who typed the formula.

use std::fmt;

/// What went wrong with a formula, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct FormulaError {
    /// The metric whose formula it is, once known.
    pub metric: Option<String>,
    /// 1-based character column in the formula, where one applies.
    pub column: Option<usize>,
    pub kind: ErrorKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    Empty,
    TooLong {
        chars: usize,
    },
    TooDeep,
    UnexpectedCharacter(char),
    BadNumber(String),
    UnexpectedEnd,
    UnexpectedToken(String),
    MissingCloseParen,
    UnmatchedCloseParen,
    UnknownName {
        name: String,
        suggestion: Option<String>,
    },
    UnknownFunction {
        name: String,
        suggestion: Option<String>,
    },
    NotAFunction(String),
    WrongArgumentCount {
        function: &'static str,
        expected: &'static str,
        got: usize,
    },
    PrevNeedsName,
    DuplicateMetric(String),
    InvalidMetricName(String),
    Cycle(Vec<String>),
    DivisionByZero {
        month: u32,
    },
    NonFinite {
        month: u32,
        value: f64,
    },
}

impl FormulaError {
    pub fn new(kind: ErrorKind) -> FormulaError {
        FormulaError {
            metric: None,
            column: None,
            kind,
        }
    }

    pub fn at(column: usize, kind: ErrorKind) -> FormulaError {
        FormulaError {
            metric: None,
            column: Some(column),
            kind,
        }
    }

    pub fn in_metric(mut self, metric: &str) -> FormulaError {
        self.metric = Some(metric.to_string());
        self
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        match self {
            Empty => write!(f, "the formula is empty"),
            TooLong { chars } => write!(
                f,
                "the formula is {chars} characters long; formulas are at most {} characters",
                super::MAX_FORMULA_CHARS
            ),
            TooDeep => write!(
                f,
                "the formula nests more than {} levels deep",
                super::MAX_NESTING
            ),
            UnexpectedCharacter(c) => write!(f, "unexpected character '{c}'"),
            BadNumber(text) => write!(f, "'{text}' is not a number this formula can use"),
            UnexpectedEnd => write!(f, "the formula ends too early"),
            UnexpectedToken(token) => write!(f, "unexpected {token}"),
            MissingCloseParen => write!(f, "missing ')' to close this '('"),
            UnmatchedCloseParen => write!(f, "')' without a matching '('"),
            UnknownName { name, suggestion } => {
                write!(f, "unknown name '{name}'")?;
                if let Some(suggestion) = suggestion {
                    write!(f, " (did you mean '{suggestion}'?)")?;
                }
                Ok(())
            }
            UnknownFunction { name, suggestion } => {
                write!(f, "unknown function '{name}'")?;
                if let Some(suggestion) = suggestion {
                    write!(f, " (did you mean '{suggestion}'?)")?;
                }
                Ok(())
            }
            NotAFunction(name) => write!(f, "'{name}' is a value, not a function"),
            WrongArgumentCount { function, expected, got } => {
                let plural = if *got == 1 { "" } else { "s" };
                write!(f, "{function}() takes {expected}, but was given {got} argument{plural}")
            }
            PrevNeedsName => write!(f, "prev() takes the name of a metric or input as its first argument"),
            DuplicateMetric(name) => write!(f, "there are two metrics named '{name}'"),
            InvalidMetricName(name) => write!(
                f,
                "'{name}' cannot be a metric name: use letters, digits and _, starting with a letter, and not a built-in name"
            ),
            Cycle(path) => write!(
                f,
                "these metrics depend on each other in a cycle: {} (use prev() to refer to last month)",
                path.join(" → ")
            ),
            DivisionByZero { month } => write!(f, "division by zero at month {month}"),
            NonFinite { month, value } => {
                let what = if value.is_nan() { "not a number" } else { "infinite" };
                write!(f, "the result is {what} at month {month}")
            }
        }
    }
}

impl fmt::Display for FormulaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(metric) = &self.metric {
            write!(f, "in metric '{metric}'")?;
            if self.column.is_some() {
                write!(f, ", ")?;
            } else {
                write!(f, ": ")?;
            }
        }
        if let Some(column) = self.column {
            write!(f, "at column {column}: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for FormulaError {}
