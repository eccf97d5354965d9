//! Parses tokens into an expression tree, with the usual precedence:
//! comparisons < `+ -` < `* /` < unary minus < `^` (right-associative), so
//! `-2^2` is −4 and `2^3^2` is 2^9.

use super::error::{ErrorKind, FormulaError};
use super::lexer::{tokenize, Spanned, Token};
use super::{MAX_FORMULA_CHARS, MAX_NESTING};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Equal,
    NotEqual,
}

impl BinaryOp {
    fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Pow => "^",
            BinaryOp::Less => "<",
            BinaryOp::LessEqual => "<=",
            BinaryOp::Greater => ">",
            BinaryOp::GreaterEqual => ">=",
            BinaryOp::Equal => "==",
            BinaryOp::NotEqual => "!=",
        }
    }
}

/// The built-in functions other than `prev`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    Min,
    Max,
    Ceil,
    Floor,
    Round,
    Abs,
    Sqrt,
    Ln,
    Exp,
    If,
}

impl Function {
    pub const ALL: [Function; 10] = [
        Function::Min,
        Function::Max,
        Function::Ceil,
        Function::Floor,
        Function::Round,
        Function::Abs,
        Function::Sqrt,
        Function::Ln,
        Function::Exp,
        Function::If,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Function::Min => "min",
            Function::Max => "max",
            Function::Ceil => "ceil",
            Function::Floor => "floor",
            Function::Round => "round",
            Function::Abs => "abs",
            Function::Sqrt => "sqrt",
            Function::Ln => "ln",
            Function::Exp => "exp",
            Function::If => "if",
        }
    }

    fn from_name(name: &str) -> Option<Function> {
        Function::ALL
            .into_iter()
            .find(|function| function.name() == name)
    }

    /// Checks the argument count; the message says what the function takes.
    fn check_arity(self, got: usize) -> Result<(), ErrorKind> {
        let (ok, expected) = match self {
            Function::Min | Function::Max => (got >= 1, "one or more arguments"),
            Function::If => (
                got == 3,
                "3 arguments (condition, value if true, value if false)",
            ),
            _ => (got == 1, "1 argument"),
        };
        if ok {
            Ok(())
        } else {
            Err(ErrorKind::WrongArgumentCount {
                function: self.name(),
                expected,
                got,
            })
        }
    }
}

/// A parsed formula. Columns are 1-based character positions in the source.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(f64),
    Name {
        name: String,
        column: usize,
    },
    Negate(Box<Expr>),
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
        column: usize,
    },
    Call {
        function: Function,
        args: Vec<Expr>,
        column: usize,
    },
    /// `prev(name)` or `prev(name, initial)`: last month's value of `name`;
    /// at month 0, `initial` (or 0).
    Prev {
        name: String,
        column: usize,
        initial: Option<Box<Expr>>,
    },
}

/// Parses one formula.
pub fn parse(source: &str) -> Result<Expr, FormulaError> {
    let chars = source.chars().count();
    if chars > MAX_FORMULA_CHARS {
        return Err(FormulaError::new(ErrorKind::TooLong { chars }));
    }
    let tokens = tokenize(source)?;
    if tokens.is_empty() {
        return Err(FormulaError::new(ErrorKind::Empty));
    }
    let mut parser = Parser {
        tokens,
        position: 0,
        depth: 0,
        end_column: chars + 1,
    };
    // The formula itself is level 0: only what nests inside it counts.
    let expr = parser.comparison_at_this_level()?;
    match parser.peek() {
        None => Ok(expr),
        Some(Spanned {
            token: Token::RightParen,
            column,
        }) => Err(FormulaError::at(*column, ErrorKind::UnmatchedCloseParen)),
        Some(spanned) => Err(FormulaError::at(
            spanned.column,
            ErrorKind::UnexpectedToken(spanned.token.describe()),
        )),
    }
}

struct Parser {
    tokens: Vec<Spanned>,
    position: usize,
    depth: usize,
    end_column: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Spanned> {
        self.tokens.get(self.position)
    }

    fn next(&mut self) -> Option<Spanned> {
        let token = self.tokens.get(self.position).cloned();
        self.position += 1;
        token
    }

    fn eat(&mut self, expected: &Token) -> bool {
        if self
            .peek()
            .is_some_and(|spanned| &spanned.token == expected)
        {
            self.position += 1;
            true
        } else {
            false
        }
    }

    /// Guards recursion: every nested level passes through here.
    fn descend(&mut self) -> Result<(), FormulaError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            let column = self.peek().map_or(self.end_column, |s| s.column);
            Err(FormulaError::at(column, ErrorKind::TooDeep))
        } else {
            Ok(())
        }
    }

    /// A comparison one level deeper: inside parentheses or a call's arguments.
    fn comparison(&mut self) -> Result<Expr, FormulaError> {
        self.descend()?;
        let expr = self.comparison_at_this_level()?;
        self.depth -= 1;
        Ok(expr)
    }

    /// Comparisons chain from the left: `3 > 2 > 1` is `(3 > 2) > 1`, which is 0.
    fn comparison_at_this_level(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.additive()?;
        while let Some(spanned) = self.peek() {
            let op = match spanned.token {
                Token::Less => BinaryOp::Less,
                Token::LessEqual => BinaryOp::LessEqual,
                Token::Greater => BinaryOp::Greater,
                Token::GreaterEqual => BinaryOp::GreaterEqual,
                Token::EqualEqual => BinaryOp::Equal,
                Token::NotEqual => BinaryOp::NotEqual,
                _ => break,
            };
            let column = spanned.column;
            self.position += 1;
            let right = self.additive()?;
            left = binary(op, left, right, column);
        }
        Ok(left)
    }

    fn additive(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.multiplicative()?;
        while let Some(spanned) = self.peek() {
            let op = match spanned.token {
                Token::Plus => BinaryOp::Add,
                Token::Minus => BinaryOp::Sub,
                _ => break,
            };
            let column = spanned.column;
            self.position += 1;
            let right = self.multiplicative()?;
            left = binary(op, left, right, column);
        }
        Ok(left)
    }

    fn multiplicative(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.unary()?;
        while let Some(spanned) = self.peek() {
            let op = match spanned.token {
                Token::Star => BinaryOp::Mul,
                Token::Slash => BinaryOp::Div,
                _ => break,
            };
            let column = spanned.column;
            self.position += 1;
            let right = self.unary()?;
            left = binary(op, left, right, column);
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, FormulaError> {
        if self.eat(&Token::Minus) {
            self.descend()?;
            let operand = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Negate(Box::new(operand)));
        }
        if self.eat(&Token::Plus) {
            self.descend()?;
            let operand = self.unary();
            self.depth -= 1;
            return operand;
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr, FormulaError> {
        let base = self.primary()?;
        if let Some(Spanned {
            token: Token::Caret,
            column,
        }) = self.peek().cloned()
        {
            self.position += 1;
            self.descend()?;
            // Right-associative, and the exponent may carry its own sign: 2^-1.
            let exponent = self.unary()?;
            self.depth -= 1;
            return Ok(binary(BinaryOp::Pow, base, exponent, column));
        }
        Ok(base)
    }

    fn primary(&mut self) -> Result<Expr, FormulaError> {
        let Some(Spanned { token, column }) = self.next() else {
            return Err(FormulaError::at(self.end_column, ErrorKind::UnexpectedEnd));
        };
        match token {
            Token::Number(value) => Ok(Expr::Number(value)),
            Token::LeftParen => {
                let inner = self.comparison()?;
                if self.eat(&Token::RightParen) {
                    Ok(inner)
                } else {
                    Err(FormulaError::at(column, ErrorKind::MissingCloseParen))
                }
            }
            Token::Name(name) => {
                if self.eat(&Token::LeftParen) {
                    self.call(name, column)
                } else {
                    Ok(Expr::Name { name, column })
                }
            }
            Token::RightParen => Err(FormulaError::at(column, ErrorKind::UnmatchedCloseParen)),
            other => Err(FormulaError::at(
                column,
                ErrorKind::UnexpectedToken(other.describe()),
            )),
        }
    }

    /// After `name(`: the arguments and the closing parenthesis.
    fn call(&mut self, name: String, column: usize) -> Result<Expr, FormulaError> {
        let mut args = Vec::new();
        if !self.eat(&Token::RightParen) {
            loop {
                args.push(self.comparison()?);
                if self.eat(&Token::Comma) {
                    continue;
                }
                if self.eat(&Token::RightParen) {
                    break;
                }
                return Err(match self.peek() {
                    None => FormulaError::at(
                        column + name.chars().count(),
                        ErrorKind::MissingCloseParen,
                    ),
                    Some(spanned) => FormulaError::at(
                        spanned.column,
                        ErrorKind::UnexpectedToken(spanned.token.describe()),
                    ),
                });
            }
        }
        if name == "prev" {
            return prev(args, column);
        }
        let Some(function) = Function::from_name(&name) else {
            let names = Function::ALL.iter().map(|f| f.name()).chain(["prev"]);
            let suggestion = super::closest(&name, names);
            return Err(FormulaError::at(
                column,
                ErrorKind::UnknownFunction { name, suggestion },
            ));
        };
        function
            .check_arity(args.len())
            .map_err(|kind| FormulaError::at(column, kind))?;
        Ok(Expr::Call {
            function,
            args,
            column,
        })
    }
}

fn prev(mut args: Vec<Expr>, column: usize) -> Result<Expr, FormulaError> {
    if args.is_empty() || args.len() > 2 {
        return Err(FormulaError::at(
            column,
            ErrorKind::WrongArgumentCount {
                function: "prev",
                expected: "a name, and optionally its value at month 0",
                got: args.len(),
            },
        ));
    }
    let initial = if args.len() == 2 {
        args.pop().map(Box::new)
    } else {
        None
    };
    match args.pop() {
        Some(Expr::Name { name, column }) => Ok(Expr::Prev {
            name,
            column,
            initial,
        }),
        _ => Err(FormulaError::at(column, ErrorKind::PrevNeedsName)),
    }
}

fn binary(op: BinaryOp, left: Expr, right: Expr, column: usize) -> Expr {
    Expr::Binary {
        op,
        left: Box::new(left),
        right: Box::new(right),
        column,
    }
}

/// Prints the expression fully parenthesised, so it parses back to the same tree.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Number(value) if *value < 0.0 => write!(f, "(-{:e})", -value),
            Expr::Number(value) => write!(f, "{value:e}"),
            Expr::Name { name, .. } => write!(f, "{name}"),
            Expr::Negate(operand) => write!(f, "(-{operand})"),
            Expr::Binary {
                op, left, right, ..
            } => write!(f, "({left} {} {right})", op.symbol()),
            Expr::Call { function, args, .. } => {
                write!(f, "{}(", function.name())?;
                for (index, arg) in args.iter().enumerate() {
                    if index > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{arg}")?;
                }
                write!(f, ")")
            }
            Expr::Prev { name, initial, .. } => match initial {
                Some(initial) => write!(f, "prev({name}, {initial})"),
                None => write!(f, "prev({name})"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(source: &str) -> String {
        parse(source).unwrap().to_string()
    }

    fn error(source: &str) -> String {
        parse(source).unwrap_err().to_string()
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(shape("1 + 2 * 3"), "(1e0 + (2e0 * 3e0))");
        assert_eq!(shape("(1 + 2) * 3"), "((1e0 + 2e0) * 3e0)");
        assert_eq!(shape("8 - 3 - 2"), "((8e0 - 3e0) - 2e0)");
        assert_eq!(shape("8 / 4 / 2"), "((8e0 / 4e0) / 2e0)");
        assert_eq!(shape("2 ^ 3 ^ 2"), "(2e0 ^ (3e0 ^ 2e0))");
        assert_eq!(shape("-2 ^ 2"), "(-(2e0 ^ 2e0))");
        assert_eq!(shape("2 ^ -1"), "(2e0 ^ (-1e0))");
        assert_eq!(shape("a < b + 1"), "(a < (b + 1e0))");
        assert_eq!(shape("a == b != c"), "((a == b) != c)");
        assert_eq!(shape("+a"), "a");
    }

    #[test]
    fn calls_and_prev() {
        assert_eq!(shape("max(1, users / 2)"), "max(1e0, (users / 2e0))");
        assert_eq!(shape("if(a >= 1, 2, 3)"), "if((a >= 1e0), 2e0, 3e0)");
        assert_eq!(shape("prev(storage)"), "prev(storage)");
        assert_eq!(shape("prev(storage, 10k)"), "prev(storage, 1e4)");
    }

    #[test]
    fn syntax_errors_are_located() {
        assert_eq!(error(""), "the formula is empty");
        assert_eq!(error("  "), "the formula is empty");
        assert_eq!(
            error("(users + 1"),
            "at column 1: missing ')' to close this '('"
        );
        assert_eq!(
            error("users + 1)"),
            "at column 10: ')' without a matching '('"
        );
        assert_eq!(error("users +"), "at column 8: the formula ends too early");
        assert_eq!(error("users 2"), "at column 7: unexpected number 2");
        assert_eq!(error("* users"), "at column 1: unexpected '*'");
        assert_eq!(
            error("max(1, 2"),
            "at column 4: missing ')' to close this '('"
        );
        assert_eq!(error("max(1 2)"), "at column 7: unexpected number 2");
    }

    #[test]
    fn function_errors_name_the_function() {
        assert_eq!(
            error("sqrt(1, 2)"),
            "at column 1: sqrt() takes 1 argument, but was given 2 arguments"
        );
        assert_eq!(
            error("if(1, 2)"),
            "at column 1: if() takes 3 arguments (condition, value if true, value if false), but was given 2 arguments"
        );
        assert_eq!(
            error("min()"),
            "at column 1: min() takes one or more arguments, but was given 0 arguments"
        );
        assert_eq!(
            error("prev()"),
            "at column 1: prev() takes a name, and optionally its value at month 0, but was given 0 arguments"
        );
        assert_eq!(
            error("prev(1 + 2)"),
            "at column 1: prev() takes the name of a metric or input as its first argument"
        );
        assert_eq!(
            error("sqr(4)"),
            "at column 1: unknown function 'sqr' (did you mean 'sqrt'?)"
        );
        assert_eq!(error("median(4)"), "at column 1: unknown function 'median'");
    }

    #[test]
    fn limits_are_errors_not_crashes() {
        let long = format!("1{}", " + 1".repeat(300));
        assert_eq!(
            error(&long),
            "the formula is 1201 characters long; formulas are at most 1000 characters"
        );
        // The limit is exact: 64 levels of parentheses (or call arguments,
        // signs, exponents) are accepted, 65 refused.
        let nested = |levels: usize| format!("{}1{}", "(".repeat(levels), ")".repeat(levels));
        assert!(parse(&nested(MAX_NESTING)).is_ok());
        assert!(
            error(&nested(MAX_NESTING + 1)).ends_with("the formula nests more than 64 levels deep")
        );
        let calls = |levels: usize| format!("{}1{}", "abs(".repeat(levels), ")".repeat(levels));
        assert!(parse(&calls(MAX_NESTING)).is_ok());
        assert!(parse(&calls(MAX_NESTING + 1)).is_err());
        let signs = |levels: usize| "-".repeat(levels) + "1";
        assert!(parse(&signs(MAX_NESTING)).is_ok());
        assert!(parse(&signs(MAX_NESTING + 1)).is_err());
        let powers = |levels: usize| "2^".repeat(levels) + "1";
        assert!(parse(&powers(MAX_NESTING)).is_ok());
        assert!(parse(&powers(MAX_NESTING + 1)).is_err());
        // Levels add up: a sign inside parentheses is two.
        let mixed = "(-".repeat(MAX_NESTING / 2) + "1" + &")".repeat(MAX_NESTING / 2);
        assert!(parse(&mixed).is_ok());
        let mixed = "(-".repeat(MAX_NESTING / 2) + "(1)" + &")".repeat(MAX_NESTING / 2);
        assert!(parse(&mixed).is_err());
        let negations = "-".repeat(500) + "1";
        assert!(error(&negations).ends_with("nests more than 64 levels deep"));
        let powers = "2^".repeat(300) + "2";
        assert!(error(&powers).ends_with("nests more than 64 levels deep"));
    }
}
