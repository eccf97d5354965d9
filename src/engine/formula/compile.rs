//! Compiles a plan's metrics into one [`Chain`]: names resolved to slots,
//! metrics put in dependency order (cycles refused unless broken by `prev`),
//! and each formula flattened into a short instruction list.

use super::error::{ErrorKind, FormulaError};
use super::parser::{parse, BinaryOp, Expr, Function};
use super::{closest, is_reserved};
use std::collections::HashMap;

/// Where an instruction reads a value from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Src {
    Const(f64),
    Month,
    /// Last month's month number (read only after month 0, through `PrevOr`).
    PrevMonth,
    Input(usize),
    Metric(usize),
    PrevInput(usize),
    PrevMetric(usize),
    /// The top of the evaluation stack (popped).
    Stack,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum UnaryFn {
    Negate,
    Ceil,
    Floor,
    Round,
    Abs,
    Sqrt,
    Ln,
    Exp,
}

impl UnaryFn {
    #[inline(always)]
    pub(crate) fn apply(self, x: f64) -> f64 {
        match self {
            UnaryFn::Negate => -x,
            UnaryFn::Ceil => x.ceil(),
            UnaryFn::Floor => x.floor(),
            UnaryFn::Round => x.round(),
            UnaryFn::Abs => x.abs(),
            UnaryFn::Sqrt => x.sqrt(),
            // libm, not std: the same bits natively and in WASM.
            UnaryFn::Ln => libm::log(x),
            UnaryFn::Exp => libm::exp(x),
        }
    }
}

#[inline(always)]
pub(crate) fn apply_binary(op: BinaryOp, a: f64, b: f64) -> f64 {
    let truth = |condition: bool| if condition { 1.0 } else { 0.0 };
    match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a * b,
        BinaryOp::Div => a / b,
        BinaryOp::Pow => libm::pow(a, b),
        BinaryOp::Less => truth(a < b),
        BinaryOp::LessEqual => truth(a <= b),
        BinaryOp::Greater => truth(a > b),
        BinaryOp::GreaterEqual => truth(a >= b),
        BinaryOp::Equal => truth(a == b),
        BinaryOp::NotEqual => truth(a != b),
    }
}

/// One step of a compiled formula. Each pushes exactly one value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Instr {
    Push(Src),
    Unary(UnaryFn, Src),
    Binary(BinaryOp, Src, Src),
    /// Folds the top `n` stack values into one.
    Min(usize),
    Max(usize),
    /// Pops else, then, condition; pushes `then` where condition ≠ 0.
    Select,
    /// Pops the value for month 0; pushes it at month 0, else the source.
    PrevOr(Src),
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledMetric {
    pub name: String,
    /// Index in the order the metrics were given.
    pub slot: usize,
    pub code: Vec<Instr>,
    /// The parsed formula, kept to locate runtime errors.
    pub expr: Expr,
    pub max_stack: usize,
}

/// A plan's metrics, compiled and ordered, ready to evaluate month by month.
#[derive(Debug, Clone)]
pub struct Chain {
    pub(crate) inputs: Vec<String>,
    pub(crate) metric_names: Vec<String>,
    /// In evaluation (dependency) order.
    pub(crate) metrics: Vec<CompiledMetric>,
    pub(crate) max_stack: usize,
}

impl Chain {
    /// Compiles `metrics` (name, formula) over the named `inputs` (such as
    /// `users` and the drivers). `month` is always available. Every problem is
    /// reported, each naming its metric.
    pub fn compile(inputs: &[&str], metrics: &[(&str, &str)]) -> Result<Chain, Vec<FormulaError>> {
        let mut errors = Vec::new();
        let mut names: HashMap<&str, Src> = HashMap::new();
        for (index, input) in inputs.iter().enumerate() {
            names.insert(input, Src::Input(index));
        }
        for (index, (name, _)) in metrics.iter().enumerate() {
            let valid = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !is_reserved(name);
            if !valid {
                errors.push(
                    FormulaError::new(ErrorKind::InvalidMetricName(name.to_string()))
                        .in_metric(name),
                );
            } else if names.insert(name, Src::Metric(index)).is_some() {
                errors.push(
                    FormulaError::new(ErrorKind::DuplicateMetric(name.to_string())).in_metric(name),
                );
            }
        }
        let known: Vec<&str> = names.keys().copied().chain(["month"]).collect();

        let mut compiled = Vec::new();
        let mut dependencies: Vec<Vec<usize>> = vec![Vec::new(); metrics.len()];
        for (slot, (name, formula)) in metrics.iter().enumerate() {
            let result = parse(formula).and_then(|expr| {
                let mut emitter = Emitter {
                    names: &names,
                    known: &known,
                    code: Vec::new(),
                    depth: 0,
                    max_depth: 0,
                    dependencies: Vec::new(),
                };
                let src = emitter.emit(&expr)?;
                if src != Src::Stack {
                    emitter.push(Instr::Push(src));
                }
                Ok((expr, emitter))
            });
            match result {
                Ok((expr, emitter)) => {
                    dependencies[slot] = emitter.dependencies;
                    compiled.push(CompiledMetric {
                        name: name.to_string(),
                        slot,
                        code: emitter.code,
                        expr,
                        max_stack: emitter.max_depth,
                    });
                }
                Err(error) => errors.push(error.in_metric(name)),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let order = dependency_order(metrics, &dependencies)?;
        let mut by_slot: Vec<Option<CompiledMetric>> = compiled.into_iter().map(Some).collect();
        let metrics_in_order: Vec<CompiledMetric> = order
            .into_iter()
            .filter_map(|slot| by_slot[slot].take())
            .collect();
        let max_stack = metrics_in_order
            .iter()
            .map(|m| m.max_stack)
            .max()
            .unwrap_or(0);
        Ok(Chain {
            inputs: inputs.iter().map(|s| s.to_string()).collect(),
            metric_names: metrics.iter().map(|(name, _)| name.to_string()).collect(),
            metrics: metrics_in_order,
            max_stack,
        })
    }

    /// Metric names, in the order they were given.
    pub fn metric_names(&self) -> &[String] {
        &self.metric_names
    }

    /// The position of a metric in [`Chain::metric_names`].
    pub fn metric_index(&self, name: &str) -> Option<usize> {
        self.metric_names.iter().position(|metric| metric == name)
    }

    /// Metric names in the order they are evaluated.
    pub fn evaluation_order(&self) -> Vec<&str> {
        self.metrics
            .iter()
            .map(|metric| metric.name.as_str())
            .collect()
    }
}

struct Emitter<'a> {
    names: &'a HashMap<&'a str, Src>,
    known: &'a [&'a str],
    code: Vec<Instr>,
    depth: usize,
    max_depth: usize,
    dependencies: Vec<usize>,
}

impl Emitter<'_> {
    fn push(&mut self, instr: Instr) {
        let popped = match instr {
            Instr::Push(_) => 0,
            Instr::Unary(_, src) => usize::from(src == Src::Stack),
            Instr::Binary(_, a, b) => usize::from(a == Src::Stack) + usize::from(b == Src::Stack),
            Instr::Min(n) | Instr::Max(n) => n,
            Instr::Select => 3,
            Instr::PrevOr(_) => 1,
        };
        self.depth = self.depth - popped + 1;
        self.max_depth = self.max_depth.max(self.depth);
        self.code.push(instr);
    }

    /// Emits code for `expr`; returns where its value is (a constant or a
    /// named value is not pushed, so the instruction using it reads it directly).
    fn emit(&mut self, expr: &Expr) -> Result<Src, FormulaError> {
        Ok(match expr {
            Expr::Number(value) => Src::Const(*value),
            Expr::Name { name, column } => {
                let src = self.resolve(name, *column)?;
                if let Src::Metric(slot) = src {
                    self.dependencies.push(slot);
                }
                src
            }
            Expr::Negate(operand) => {
                let src = self.emit(operand)?;
                self.unary(UnaryFn::Negate, src)
            }
            Expr::Binary {
                op, left, right, ..
            } => {
                let a = self.emit(left)?;
                let b = self.emit(right)?;
                match (a, b) {
                    (Src::Const(x), Src::Const(y)) => Src::Const(apply_binary(*op, x, y)),
                    _ => {
                        self.push(Instr::Binary(*op, a, b));
                        Src::Stack
                    }
                }
            }
            Expr::Call { function, args, .. } => self.call(*function, args)?,
            Expr::Prev {
                name,
                column,
                initial,
            } => {
                let source = match self.resolve(name, *column)? {
                    Src::Input(index) => Src::PrevInput(index),
                    Src::Metric(slot) => Src::PrevMetric(slot),
                    // Like every other name: month − 1 after month 0, and the
                    // initial value (0 by default) at month 0.
                    Src::Month => Src::PrevMonth,
                    other => other,
                };
                let initial = match initial {
                    Some(initial) => self.emit(initial)?,
                    None => Src::Const(0.0),
                };
                self.materialise(initial);
                self.push(Instr::PrevOr(source));
                Src::Stack
            }
        })
    }

    fn unary(&mut self, function: UnaryFn, src: Src) -> Src {
        if let Src::Const(value) = src {
            return Src::Const(function.apply(value));
        }
        self.push(Instr::Unary(function, src));
        Src::Stack
    }

    fn materialise(&mut self, src: Src) {
        if src != Src::Stack {
            self.push(Instr::Push(src));
        }
    }

    fn call(&mut self, function: Function, args: &[Expr]) -> Result<Src, FormulaError> {
        let single = |function| Some(function);
        let unary = match function {
            Function::Ceil => single(UnaryFn::Ceil),
            Function::Floor => single(UnaryFn::Floor),
            Function::Round => single(UnaryFn::Round),
            Function::Abs => single(UnaryFn::Abs),
            Function::Sqrt => single(UnaryFn::Sqrt),
            Function::Ln => single(UnaryFn::Ln),
            Function::Exp => single(UnaryFn::Exp),
            Function::Min | Function::Max | Function::If => None,
        };
        if let Some(unary) = unary {
            let src = self.emit(&args[0])?;
            return Ok(self.unary(unary, src));
        }
        for arg in args {
            let src = self.emit(arg)?;
            self.materialise(src);
        }
        self.push(match function {
            Function::Min => Instr::Min(args.len()),
            Function::Max => Instr::Max(args.len()),
            _ => Instr::Select,
        });
        Ok(Src::Stack)
    }

    fn resolve(&self, name: &str, column: usize) -> Result<Src, FormulaError> {
        if name == "month" {
            return Ok(Src::Month);
        }
        self.names.get(name).copied().ok_or_else(|| {
            FormulaError::at(
                column,
                ErrorKind::UnknownName {
                    name: name.to_string(),
                    suggestion: closest(name, self.known.iter().copied()),
                },
            )
        })
    }
}

/// Orders metrics so each comes after those it reads this month; a cycle is
/// an error naming it (`a → b → a`), reported in its first metric.
fn dependency_order(
    metrics: &[(&str, &str)],
    dependencies: &[Vec<usize>],
) -> Result<Vec<usize>, Vec<FormulaError>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Visiting,
        Done,
    }
    let mut marks = vec![Mark::New; metrics.len()];
    let mut order = Vec::with_capacity(metrics.len());
    for start in 0..metrics.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // Iterative depth-first search: (node, next dependency to visit).
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        marks[start] = Mark::Visiting;
        while let Some(top) = stack.len().checked_sub(1) {
            let (node, next) = stack[top];
            if let Some(&dependency) = dependencies[node].get(next) {
                stack[top].1 += 1;
                match marks[dependency] {
                    Mark::New => {
                        marks[dependency] = Mark::Visiting;
                        stack.push((dependency, 0));
                    }
                    Mark::Visiting => {
                        let from = stack
                            .iter()
                            .position(|(n, _)| *n == dependency)
                            .unwrap_or(0);
                        let mut cycle: Vec<String> = stack[from..]
                            .iter()
                            .map(|(n, _)| metrics[*n].0.to_string())
                            .collect();
                        cycle.push(metrics[dependency].0.to_string());
                        let error = FormulaError::new(ErrorKind::Cycle(cycle))
                            .in_metric(metrics[dependency].0);
                        return Err(vec![error]);
                    }
                    Mark::Done => {}
                }
            } else {
                marks[node] = Mark::Done;
                order.push(node);
                stack.pop();
            }
        }
    }
    Ok(order)
}

/// What a metric's per-path value moves with, for deriving its percentiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Nothing: the metric is the same on every path.
    Fixed,
    /// A chain input, by index (0 is users, then the drivers).
    Input(usize),
    /// A metric, by its slot.
    Metric(usize),
}

/// How one chain input differs between Monte Carlo paths.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spread {
    /// Each path has its own value.
    Varies,
    /// Every path has this value.
    Fixed(f64),
    /// Every path has the same value, never negative, but it changes from
    /// month to month (users when growth is certain).
    SameNonNegative,
}

/// How a formula behaves across paths.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    /// The same on every path: its value when known once for all months,
    /// and whether it is known never to be negative.
    Constant {
        value: Option<f64>,
        non_negative: bool,
    },
    /// A non-decreasing function of one quantity, as computed in floating
    /// point: so its order across paths is that quantity's order.
    Follows(Source),
    Other,
}

impl Shape {
    fn known(value: f64) -> Shape {
        Shape::Constant {
            value: Some(value),
            non_negative: value >= 0.0,
        }
    }

    fn non_negative(self) -> bool {
        matches!(
            self,
            Shape::Constant {
                non_negative: true,
                ..
            }
        )
    }
}

impl Chain {
    /// For each metric (by slot), the quantity it is a non-decreasing function
    /// of, if it depends on exactly one quantity that varies across paths and
    /// only through `+ − × ÷` by path-constant non-negative factors, `ceil`,
    /// `floor`, `round` or `sqrt` (operations whose rounded results never
    /// reverse an order). Its percentiles are then the values on the paths
    /// at the source's percentile ranks: exact, without another selection.
    /// A metric the same on every path every month is [`Source::Fixed`].
    /// `spread(i)` says how input `i` differs between paths.
    pub fn followed_sources(&self, spread: impl Fn(usize) -> Spread) -> Vec<Option<Source>> {
        // Which metrics are the same on every path, read through `prev`: a
        // fixed point from "all of them", dropping each metric that turns
        // out to differ between paths, until none does. What is left holds
        // month by month: at month 0 `prev` gives its initial value, and
        // after that last month's value, the same on every path.
        let mut same = vec![true; self.metric_names.len()];
        loop {
            let shapes = self.shapes(&spread, &same);
            let now: Vec<bool> = shapes
                .iter()
                .map(|shape| matches!(shape, Shape::Constant { .. }))
                .collect();
            if now == same {
                return shapes
                    .into_iter()
                    .map(|shape| match shape {
                        Shape::Constant { .. } => Some(Source::Fixed),
                        Shape::Follows(source) => Some(source),
                        Shape::Other => None,
                    })
                    .collect();
            }
            same = now;
        }
    }

    /// Every metric's shape (by slot), given which metrics are the same on
    /// every path when read through `prev`.
    fn shapes(&self, spread: &impl Fn(usize) -> Spread, same: &[bool]) -> Vec<Shape> {
        let mut shapes = vec![Shape::Other; self.metric_names.len()];
        for metric in &self.metrics {
            shapes[metric.slot] = self.shape(&metric.expr, spread, &shapes, same);
        }
        shapes
    }

    fn shape(
        &self,
        expr: &Expr,
        spread: &impl Fn(usize) -> Spread,
        shapes: &[Shape],
        same: &[bool],
    ) -> Shape {
        use Shape::Other;
        match expr {
            Expr::Number(value) => Shape::known(*value),
            Expr::Name { name, .. } => self.name_shape(name, spread, shapes),
            Expr::Binary {
                op, left, right, ..
            } => self.binary_shape(*op, left, right, spread, shapes, same),
            Expr::Call { function, args, .. } => {
                self.call_shape(*function, args, spread, shapes, same)
            }
            Expr::Prev { name, initial, .. } => {
                self.prev_shape(name, initial.as_deref(), spread, shapes, same)
            }
            Expr::Negate(_) => Other,
        }
    }

    /// A name: the month, an input (by how it spreads over the paths) or a
    /// metric (through what it follows).
    fn name_shape(&self, name: &str, spread: &impl Fn(usize) -> Spread, shapes: &[Shape]) -> Shape {
        use Shape::{Constant, Follows, Other};
        if name == "month" {
            // Months count up from 0.
            return Constant {
                value: None,
                non_negative: true,
            };
        }
        if let Some(input) = self.inputs.iter().position(|n| n == name) {
            return match spread(input) {
                Spread::Varies => Follows(Source::Input(input)),
                Spread::Fixed(value) => Shape::known(value),
                Spread::SameNonNegative => Constant {
                    value: None,
                    non_negative: true,
                },
            };
        }
        match self.metric_index(name).map(|slot| (slot, shapes[slot])) {
            // A metric that itself follows a quantity: follow that one.
            Some((_, shape @ (Constant { .. } | Follows(_)))) => shape,
            Some((slot, Other)) => Follows(Source::Metric(slot)),
            None => Other,
        }
    }

    /// Constants fold; a quantity plus, minus, or times a non-negative
    /// constant, or divided by a positive one, keeps following it.
    fn binary_shape(
        &self,
        op: BinaryOp,
        left: &Expr,
        right: &Expr,
        spread: &impl Fn(usize) -> Spread,
        shapes: &[Shape],
        same: &[bool],
    ) -> Shape {
        use Shape::{Constant, Follows, Other};
        let (a, b) = (
            self.shape(left, spread, shapes, same),
            self.shape(right, spread, shapes, same),
        );
        match (op, a, b) {
            (_, Constant { value: x, .. }, Constant { value: y, .. }) => match x.zip(y) {
                Some((x, y)) => Shape::known(apply_binary(op, x, y)),
                None => Constant {
                    value: None,
                    // Sums, products and quotients of numbers ≥ 0.
                    non_negative: matches!(op, BinaryOp::Add | BinaryOp::Mul | BinaryOp::Div)
                        && a.non_negative()
                        && b.non_negative(),
                },
            },
            (BinaryOp::Add, Follows(s), Constant { .. })
            | (BinaryOp::Add, Constant { .. }, Follows(s)) => Follows(s),
            // Two non-decreasing functions of one quantity: so is
            // their rounded sum.
            (BinaryOp::Add, Follows(s), Follows(t)) if s == t => Follows(s),
            (BinaryOp::Sub, Follows(s), Constant { .. }) => Follows(s),
            (BinaryOp::Mul, Follows(s), c) | (BinaryOp::Mul, c, Follows(s)) if c.non_negative() => {
                Follows(s)
            }
            // Only by a known positive number: a divisor that might be
            // zero could turn the order into infinities and NaN.
            (BinaryOp::Div, Follows(s), Constant { value: Some(c), .. }) if c > 0.0 => Follows(s),
            _ => Other,
        }
    }

    /// Rounding and square roots keep following a quantity; so do the min
    /// and max of path-constants and functions of one quantity.
    fn call_shape(
        &self,
        function: Function,
        args: &[Expr],
        spread: &impl Fn(usize) -> Spread,
        shapes: &[Shape],
        same: &[bool],
    ) -> Shape {
        use Shape::{Constant, Follows, Other};
        match (function, args) {
            (Function::Ceil | Function::Floor | Function::Round | Function::Sqrt, [arg]) => {
                match self.shape(arg, spread, shapes, same) {
                    Follows(s) => Follows(s),
                    _ => Other,
                }
            }
            // The larger or smaller of path-constants and non-decreasing
            // functions of one quantity is one too.
            (Function::Min | Function::Max, _) => {
                let mut followed = None;
                for arg in args {
                    match (self.shape(arg, spread, shapes, same), followed) {
                        (Constant { .. }, _) => {}
                        (Follows(s), None) => followed = Some(s),
                        (Follows(s), Some(t)) if s == t => {}
                        _ => return Other,
                    }
                }
                match followed {
                    Some(s) => Follows(s),
                    // Only path-constants (constant folding took known values).
                    None => Constant {
                        value: None,
                        non_negative: false,
                    },
                }
            }
            _ => Other,
        }
    }

    /// Last month's value is the same on every path when the name is and the
    /// first month's value is a path-constant.
    fn prev_shape(
        &self,
        name: &str,
        initial: Option<&Expr>,
        spread: &impl Fn(usize) -> Spread,
        shapes: &[Shape],
        same: &[bool],
    ) -> Shape {
        use Shape::{Constant, Other};
        let initial = match initial {
            Some(initial) => self.shape(initial, spread, shapes, same),
            None => Shape::known(0.0),
        };
        let last_month_same = name == "month"
            || match self.inputs.iter().position(|n| n == name) {
                Some(input) => spread(input) != Spread::Varies,
                None => self.metric_index(name).is_some_and(|slot| same[slot]),
            };
        if last_month_same && matches!(initial, Constant { .. }) {
            Constant {
                value: None,
                non_negative: false,
            }
        } else {
            Other
        }
    }
}
