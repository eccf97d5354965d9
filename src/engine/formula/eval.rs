//! Evaluating a [`Chain`] month by month: over a whole column of paths at
//! once (for Monte Carlo), or for one path. Both run the same instructions in
//! the same order, so they give bit-identical results.
//!
//! Arithmetic follows IEEE rules while running (both branches of `if` are
//! computed, as columns must be); after each metric, any non-finite value is
//! an error, located by re-walking the formula lazily for that path.

use super::compile::{apply_binary, Chain, CompiledMetric, Instr, Src, UnaryFn};
use super::error::{ErrorKind, FormulaError};
use super::parser::{BinaryOp, Expr, Function};

/// Working memory for evaluating a chain over `paths` paths. Reused month
/// after month: evaluation allocates nothing once it exists.
#[derive(Debug, Clone)]
pub struct ColumnState {
    paths: usize,
    /// This month's value of each metric, by metric index.
    values: Vec<Vec<f64>>,
    /// Last month's value of each metric.
    previous: Vec<Vec<f64>>,
    /// Last month's inputs (one value for all paths, or one each), kept
    /// only for inputs some formula reads through `prev`; this month's are
    /// read where the caller holds them.
    previous_inputs: Vec<Vec<f64>>,
    read_through_prev: Vec<bool>,
    stack: Vec<Vec<f64>>,
    evaluated: bool,
    /// Whether each metric's values are the same on every path this month
    /// (then worked out once, on one path, and copied), and last month.
    uniform: Vec<bool>,
    previous_uniform: Vec<bool>,
    /// One path's worth of values, for evaluating a uniform metric.
    probe: ScalarState,
}

impl ColumnState {
    pub fn paths(&self) -> usize {
        self.paths
    }

    /// This month's values of metric `index` (see [`Chain::metric_index`]), one per path.
    pub fn metric(&self, index: usize) -> &[f64] {
        &self.values[index]
    }

    /// Whether each metric (by index) was the same on every path this month:
    /// worked out once and copied, so its column holds one value throughout.
    pub fn uniform_metrics(&self) -> &[bool] {
        &self.uniform
    }
}

/// Working memory for evaluating a chain for one path.
#[derive(Debug, Clone)]
pub struct ScalarState {
    values: Vec<f64>,
    previous: Vec<f64>,
    inputs: Vec<f64>,
    previous_inputs: Vec<f64>,
    stack: Vec<f64>,
    evaluated: bool,
}

impl ScalarState {
    pub fn metric(&self, index: usize) -> f64 {
        self.values[index]
    }

    /// Every metric's value this month, by metric index.
    pub fn metrics(&self) -> &[f64] {
        &self.values
    }
}

/// A value read by one instruction: the same for every path, or one per path.
#[derive(Clone, Copy)]
enum Column<'a> {
    Scalar(f64),
    Slice(&'a [f64]),
}

impl Chain {
    pub fn column_state(&self, paths: usize) -> ColumnState {
        let metrics = self.metric_names.len();
        let inputs = self.inputs.len();
        ColumnState {
            paths,
            values: vec![vec![0.0; paths]; metrics],
            previous: vec![vec![0.0; paths]; metrics],
            previous_inputs: vec![vec![0.0; paths]; inputs],
            read_through_prev: (0..inputs)
                .map(|input| {
                    let wanted = Instr::PrevOr(Src::PrevInput(input));
                    self.metrics
                        .iter()
                        .any(|metric| metric.code.contains(&wanted))
                })
                .collect(),
            stack: vec![vec![0.0; paths]; self.max_stack],
            evaluated: false,
            uniform: vec![false; metrics],
            // Before the first month every metric is 0 on every path.
            previous_uniform: vec![true; metrics],
            probe: self.scalar_state(),
        }
    }

    pub fn scalar_state(&self) -> ScalarState {
        ScalarState {
            values: vec![0.0; self.metric_names.len()],
            previous: vec![0.0; self.metric_names.len()],
            inputs: vec![0.0; self.inputs.len()],
            previous_inputs: vec![0.0; self.inputs.len()],
            stack: Vec::with_capacity(self.max_stack),
            evaluated: false,
        }
    }

    /// Evaluates every metric for `month`, for all paths. `inputs[i]` holds
    /// input `i` for each path, or a single value shared by all paths.
    /// Months must be evaluated in order; `prev` reads the month evaluated before.
    pub fn evaluate_columns(
        &self,
        state: &mut ColumnState,
        month: u32,
        inputs: &[&[f64]],
    ) -> Result<(), FormulaError> {
        assert_eq!(inputs.len(), self.inputs.len(), "one column per input");
        let paths = state.paths;
        if state.evaluated {
            std::mem::swap(&mut state.values, &mut state.previous);
            std::mem::swap(&mut state.uniform, &mut state.previous_uniform);
        }
        // A single value stays single: instructions read it as a scalar.
        assert!(
            inputs
                .iter()
                .all(|given| given.len() == 1 || given.len() == paths),
            "an input column has one value, or one per path"
        );
        state.evaluated = true;
        for metric in &self.metrics {
            let uniform = paths > 0 && reads_only_uniform(metric, state, inputs);
            state.uniform[metric.slot] = uniform;
            let checked = if uniform {
                Some(run_uniform(metric, state, month, inputs))
            } else {
                run_columns(metric, state, month, inputs)
            };
            let result = &state.values[metric.slot];
            // Checked by the formula's last operation, else by a branch-free
            // scan (it vectorises); the slow search runs only on failure.
            let all_finite = checked
                .unwrap_or_else(|| result.iter().fold(true, |ok, value| ok & value.is_finite()));
            if !all_finite {
                let path = result
                    .iter()
                    .position(|value| !value.is_finite())
                    .unwrap_or(0);
                let value = result[path];
                return Err(self.diagnose_column(metric, state, month, inputs, path, value));
            }
        }
        let kept = state.previous_inputs.iter_mut().zip(inputs);
        for ((stored, given), wanted) in kept.zip(&state.read_through_prev) {
            if *wanted {
                stored.clear();
                stored.extend_from_slice(given);
            }
        }
        Ok(())
    }

    /// Evaluates every metric for `month` for a single path.
    pub fn evaluate_scalar(
        &self,
        state: &mut ScalarState,
        month: u32,
        inputs: &[f64],
    ) -> Result<(), FormulaError> {
        assert_eq!(inputs.len(), self.inputs.len(), "one value per input");
        if state.evaluated {
            std::mem::swap(&mut state.values, &mut state.previous);
            std::mem::swap(&mut state.inputs, &mut state.previous_inputs);
        }
        state.inputs.copy_from_slice(inputs);
        state.evaluated = true;
        for metric in &self.metrics {
            let value = run_scalar(metric, state, month);
            state.values[metric.slot] = value;
            if !value.is_finite() {
                let lookup = Lookup {
                    month,
                    inputs: &state.inputs,
                    previous_inputs: &state.previous_inputs,
                    values: &state.values,
                    previous: &state.previous,
                    chain: self,
                };
                return Err(diagnose(metric, &lookup, value));
            }
        }
        Ok(())
    }

    fn diagnose_column(
        &self,
        metric: &CompiledMetric,
        state: &ColumnState,
        month: u32,
        inputs: &[&[f64]],
        path: usize,
        value: f64,
    ) -> FormulaError {
        let pick = |columns: &[Vec<f64>]| {
            let mut picked = Vec::new();
            values_at(&mut picked, columns, path);
            picked
        };
        let mut given = Vec::new();
        values_at(&mut given, inputs, path);
        let lookup = Lookup {
            month,
            inputs: &given,
            previous_inputs: &pick(&state.previous_inputs),
            values: &pick(&state.values),
            previous: &pick(&state.previous),
            chain: self,
        };
        diagnose(metric, &lookup, value)
    }
}

/// `$f::<true>(…)` if `$last` (the call checks its results), else `$f::<false>(…)`.
macro_rules! checking_if {
    ($last:expr, $f:ident($($arg:expr),*)) => {
        if $last {
            $f::<true>($($arg),*)
        } else {
            $f::<false>($($arg),*)
        }
    };
}

/// Whether everything `metric` reads is the same on every path: constants,
/// the month, single-valued inputs and uniform metrics. Its values then are
/// too (each path runs the same operations on the same numbers).
fn reads_only_uniform(metric: &CompiledMetric, state: &ColumnState, inputs: &[&[f64]]) -> bool {
    let uniform = |src: Src| match src {
        Src::Const(_) | Src::Month | Src::PrevMonth | Src::Stack => true,
        Src::Input(index) => inputs[index].len() == 1,
        Src::PrevInput(index) => state.previous_inputs[index].len() == 1,
        Src::Metric(slot) => state.uniform[slot],
        Src::PrevMetric(slot) => state.previous_uniform[slot],
    };
    metric.code.iter().all(|instr| match *instr {
        Instr::Push(src) | Instr::Unary(_, src) | Instr::PrevOr(src) => uniform(src),
        Instr::Binary(_, a, b) => uniform(a) && uniform(b),
        Instr::Min(_) | Instr::Max(_) | Instr::Select => true,
    })
}

/// Runs a metric that [`reads_only_uniform`] on one path (the single-path
/// evaluator, which gives the columns' bits) and gives every path its
/// value; whether that value is finite.
fn run_uniform(
    metric: &CompiledMetric,
    state: &mut ColumnState,
    month: u32,
    inputs: &[&[f64]],
) -> bool {
    let probe = &mut state.probe;
    values_at(&mut probe.inputs, inputs, 0);
    values_at(&mut probe.previous_inputs, &state.previous_inputs, 0);
    values_at(&mut probe.values, &state.values, 0);
    values_at(&mut probe.previous, &state.previous, 0);
    let value = run_scalar(metric, probe, month);
    let values = &mut state.values[metric.slot];
    values.clear();
    values.resize(state.paths, value);
    value.is_finite()
}

/// Runs `metric` over every path. When its last operation was an
/// arithmetic one, whether all its values are finite (checked in that
/// operation's pass); else `None`.
fn run_columns(
    metric: &CompiledMetric,
    state: &mut ColumnState,
    month: u32,
    inputs: &[&[f64]],
) -> Option<bool> {
    let ColumnState {
        paths,
        values,
        previous,
        previous_inputs,
        stack,
        uniform,
        previous_uniform,
        ..
    } = state;
    let paths = *paths;
    let mut top = 0usize;
    let read = |src: Src| -> Column<'_> {
        match src {
            Src::Const(value) => Column::Scalar(value),
            Src::Month => Column::Scalar(f64::from(month)),
            Src::PrevMonth => Column::Scalar(f64::from(month) - 1.0),
            Src::Input(index) => column_of(inputs[index]),
            Src::Metric(slot) => metric_column(values, uniform, slot),
            Src::PrevInput(index) => column_of(&previous_inputs[index]),
            Src::PrevMetric(slot) => metric_column(previous, previous_uniform, slot),
            Src::Stack => unreachable!("stack operands are handled by the caller"),
        }
    };
    let mut checked = None;
    for (index, instr) in metric.code.iter().enumerate() {
        match *instr {
            Instr::Push(src) => {
                let out = &mut stack[top];
                fill(out, read(src), paths, |x| x);
                top += 1;
            }
            Instr::Unary(function, src) => {
                if src != Src::Stack {
                    fill(&mut stack[top], read(src), paths, |x| x);
                    top += 1;
                }
                unary_in_place(function, &mut stack[top - 1]);
            }
            Instr::Binary(op, a, b) => {
                // The formula's last operation checks its results as it goes.
                let last = index + 1 == metric.code.len();
                let finite;
                (top, finite) = run_binary(op, (a, b), stack, top, &read, paths, last);
                if last {
                    checked = Some(finite);
                }
            }
            Instr::Min(count) | Instr::Max(count) => {
                let is_min = matches!(instr, Instr::Min(_));
                let first = top - count;
                let (low, high) = stack.split_at_mut(first + 1);
                let out = &mut low[first];
                for other in &high[..count - 1] {
                    let pairs = out.iter_mut().zip(other);
                    if is_min {
                        pairs.for_each(|(x, y)| *x = x.min(*y));
                    } else {
                        pairs.for_each(|(x, y)| *x = x.max(*y));
                    }
                }
                top = first + 1;
            }
            Instr::Select => {
                let (low, high) = stack.split_at_mut(top - 2);
                let condition = &mut low[top - 3];
                for ((c, then), otherwise) in condition.iter_mut().zip(&high[0]).zip(&high[1]) {
                    *c = if *c != 0.0 { *then } else { *otherwise };
                }
                top -= 2;
            }
            Instr::PrevOr(src) => {
                if month > 0 {
                    fill(&mut stack[top - 1], read(src), paths, |x| x);
                }
            }
        }
    }
    debug_assert_eq!(top, 1, "a formula leaves one value");
    std::mem::swap(&mut values[metric.slot], &mut stack[0]);
    checked
}

/// One arithmetic instruction over every path, on the stack up to `top`:
/// the new top, and when `last` (checking its results), whether they are
/// all finite.
#[inline(always)]
fn run_binary<'a>(
    op: BinaryOp,
    (a, b): (Src, Src),
    stack: &mut [Vec<f64>],
    top: usize,
    read: &impl Fn(Src) -> Column<'a>,
    paths: usize,
    last: bool,
) -> (usize, bool) {
    match (a == Src::Stack, b == Src::Stack) {
        (true, true) => {
            let (low, high) = stack.split_at_mut(top - 1);
            let (out, right) = (&mut low[top - 2], Column::Slice(&high[0]));
            let finite = checking_if!(last, binary_in_place_left(op, out, right));
            (top - 1, finite)
        }
        (true, false) => {
            let out = &mut stack[top - 1];
            (
                top,
                checking_if!(last, binary_in_place_left(op, out, read(b))),
            )
        }
        (false, true) => {
            let out = &mut stack[top - 1];
            (
                top,
                checking_if!(last, binary_in_place_right(op, read(a), out)),
            )
        }
        (false, false) => {
            let out = &mut stack[top];
            let finite = checking_if!(last, binary_into(op, out, read(a), read(b), paths));
            (top + 1, finite)
        }
    }
}

#[inline(always)]
fn fill(out: &mut Vec<f64>, column: Column<'_>, paths: usize, f: impl Fn(f64) -> f64) {
    out.clear();
    match column {
        Column::Scalar(value) => out.resize(paths, f(value)),
        Column::Slice(values) => out.extend(values.iter().map(|x| f(*x))),
    }
}

/// Expands `$body` once per operator, with `$f` bound to that operator's
/// function, so each loop is monomorphic and can be vectorised.
macro_rules! for_each_operator {
    ($op:expr, $f:ident => $body:expr) => {
        match $op {
            BinaryOp::Add => {
                let $f = |x: f64, y: f64| x + y;
                $body
            }
            BinaryOp::Sub => {
                let $f = |x: f64, y: f64| x - y;
                $body
            }
            BinaryOp::Mul => {
                let $f = |x: f64, y: f64| x * y;
                $body
            }
            BinaryOp::Div => {
                let $f = |x: f64, y: f64| x / y;
                $body
            }
            other => {
                // Powers and comparisons: rarer, through the shared definition.
                let $f = |x: f64, y: f64| apply_binary(other, x, y);
                $body
            }
        }
    };
}

/// `value`, noting in `finite` (with `CHECKED`) whether it is finite: a
/// formula's last operation checks its results in its own pass, not in a
/// scan of their own.
#[inline(always)]
fn noted<const CHECKED: bool>(value: f64, finite: &mut bool) -> f64 {
    if CHECKED {
        *finite &= value.is_finite();
    }
    value
}

/// `out[i] = a[i] op b[i]`, in one pass: one loop shape per operator, no
/// per-element dispatch. With `CHECKED`, whether every result is finite
/// (else `true`).
fn binary_into<const CHECKED: bool>(
    op: BinaryOp,
    out: &mut Vec<f64>,
    a: Column<'_>,
    b: Column<'_>,
    paths: usize,
) -> bool {
    let mut finite = true;
    let mut note = |value: f64| noted::<CHECKED>(value, &mut finite);
    out.clear();
    for_each_operator!(op, f => match (a, b) {
        (Column::Scalar(x), Column::Scalar(y)) => out.resize(paths, note(f(x, y))),
        (Column::Slice(xs), Column::Scalar(y)) => out.extend(xs.iter().map(|x| note(f(*x, y)))),
        (Column::Scalar(x), Column::Slice(ys)) => out.extend(ys.iter().map(|y| note(f(x, *y)))),
        (Column::Slice(xs), Column::Slice(ys)) => {
            out.extend(xs.iter().zip(ys).map(|(x, y)| note(f(*x, *y))))
        }
    });
    finite || out.is_empty()
}

/// `out[i] = out[i] op b[i]`; with `CHECKED`, whether every result is finite.
fn binary_in_place_left<const CHECKED: bool>(op: BinaryOp, out: &mut [f64], b: Column<'_>) -> bool {
    let mut finite = true;
    for_each_operator!(op, f => match b {
        Column::Scalar(y) => out
            .iter_mut()
            .for_each(|x| *x = noted::<CHECKED>(f(*x, y), &mut finite)),
        Column::Slice(ys) => out
            .iter_mut()
            .zip(ys)
            .for_each(|(x, y)| *x = noted::<CHECKED>(f(*x, *y), &mut finite)),
    });
    finite
}

/// `out[i] = a[i] op out[i]`; with `CHECKED`, whether every result is finite.
fn binary_in_place_right<const CHECKED: bool>(
    op: BinaryOp,
    a: Column<'_>,
    out: &mut [f64],
) -> bool {
    let mut finite = true;
    for_each_operator!(op, f => match a {
        Column::Scalar(x) => out
            .iter_mut()
            .for_each(|y| *y = noted::<CHECKED>(f(x, *y), &mut finite)),
        Column::Slice(xs) => out
            .iter_mut()
            .zip(xs)
            .for_each(|(y, x)| *y = noted::<CHECKED>(f(*x, *y), &mut finite)),
    });
    finite
}

fn unary_in_place(function: UnaryFn, out: &mut [f64]) {
    macro_rules! each {
        ($f:expr) => {
            out.iter_mut().for_each(|x| *x = $f(*x))
        };
    }
    match function {
        UnaryFn::Negate => each!(|x: f64| -x),
        UnaryFn::Ceil => each!(f64::ceil),
        UnaryFn::Floor => each!(f64::floor),
        UnaryFn::Round => each!(f64::round),
        UnaryFn::Abs => each!(f64::abs),
        UnaryFn::Sqrt => each!(f64::sqrt),
        UnaryFn::Ln => each!(libm::log),
        UnaryFn::Exp => each!(libm::exp),
    }
}

/// Each column's value on path `path` into `into` (a single value is every
/// path's; NaN for an empty column).
fn values_at<C: AsRef<[f64]>>(
    into: &mut Vec<f64>,
    columns: impl IntoIterator<Item = C>,
    path: usize,
) {
    into.clear();
    into.extend(columns.into_iter().map(|column| {
        let column = column.as_ref();
        let at = if column.len() == 1 { 0 } else { path };
        column.get(at).copied().unwrap_or(f64::NAN)
    }));
}

/// A stored metric: a uniform one is read as its one value (the same bits
/// on every path).
fn metric_column<'c>(columns: &'c [Vec<f64>], uniform: &[bool], slot: usize) -> Column<'c> {
    match columns[slot].first() {
        Some(value) if uniform[slot] => Column::Scalar(*value),
        _ => Column::Slice(&columns[slot]),
    }
}

/// One stored input: a single value is shared by every path.
fn column_of(values: &[f64]) -> Column<'_> {
    if values.len() == 1 {
        Column::Scalar(values[0])
    } else {
        Column::Slice(values)
    }
}

fn run_scalar(metric: &CompiledMetric, state: &mut ScalarState, month: u32) -> f64 {
    let ScalarState {
        values,
        previous,
        inputs,
        previous_inputs,
        stack,
        ..
    } = state;
    stack.clear();
    let read = |src: Src, stack: &mut Vec<f64>| -> f64 {
        match src {
            Src::Const(value) => value,
            Src::Month => f64::from(month),
            Src::PrevMonth => f64::from(month) - 1.0,
            Src::Input(index) => inputs[index],
            Src::Metric(slot) => values[slot],
            Src::PrevInput(index) => previous_inputs[index],
            Src::PrevMetric(slot) => previous[slot],
            Src::Stack => stack.pop().unwrap_or(f64::NAN),
        }
    };
    for instr in &metric.code {
        let value = match *instr {
            Instr::Push(src) => read(src, stack),
            Instr::Unary(function, src) => function.apply(read(src, stack)),
            Instr::Binary(op, a, b) => {
                // The right operand is on top when both are on the stack.
                let y = read(b, stack);
                let x = read(a, stack);
                apply_binary(op, x, y)
            }
            Instr::Min(count) | Instr::Max(count) => {
                let first = stack.len() - count;
                let mut folded = stack[first];
                for y in &stack[first + 1..] {
                    folded = if matches!(instr, Instr::Min(_)) {
                        folded.min(*y)
                    } else {
                        folded.max(*y)
                    };
                }
                stack.truncate(first);
                folded
            }
            Instr::Select => {
                let otherwise = stack.pop().unwrap_or(f64::NAN);
                let then = stack.pop().unwrap_or(f64::NAN);
                let condition = stack.pop().unwrap_or(f64::NAN);
                if condition != 0.0 {
                    then
                } else {
                    otherwise
                }
            }
            Instr::PrevOr(src) => {
                let initial = stack.pop().unwrap_or(f64::NAN);
                if month > 0 {
                    read(src, stack)
                } else {
                    initial
                }
            }
        };
        stack.push(value);
    }
    stack.pop().unwrap_or(f64::NAN)
}

/// Everything one path can read, for locating an error.
struct Lookup<'a> {
    month: u32,
    inputs: &'a [f64],
    previous_inputs: &'a [f64],
    values: &'a [f64],
    previous: &'a [f64],
    chain: &'a Chain,
}

impl Lookup<'_> {
    fn name(&self, name: &str, previous: bool) -> f64 {
        if name == "month" {
            return f64::from(self.month) - if previous { 1.0 } else { 0.0 };
        }
        if let Some(index) = self.chain.inputs.iter().position(|input| input == name) {
            return if previous {
                self.previous_inputs[index]
            } else {
                self.inputs[index]
            };
        }
        match self.chain.metric_index(name) {
            Some(slot) if previous => self.previous[slot],
            Some(slot) => self.values[slot],
            None => f64::NAN,
        }
    }
}

/// Why `metric` gave a non-finite `value` for this path: the first division
/// by zero on the way (taking only the branch of each `if` that was chosen),
/// else a plain non-finite result.
fn diagnose(metric: &CompiledMetric, lookup: &Lookup<'_>, value: f64) -> FormulaError {
    let month = lookup.month;
    match walk(&metric.expr, lookup) {
        Err(column) => FormulaError::at(column, ErrorKind::DivisionByZero { month }),
        Ok(_) => FormulaError::new(ErrorKind::NonFinite { month, value }),
    }
    .in_metric(&metric.name)
}

/// Evaluates lazily; `Err(column)` at the first division by zero.
fn walk(expr: &Expr, lookup: &Lookup<'_>) -> Result<f64, usize> {
    Ok(match expr {
        Expr::Number(value) => *value,
        Expr::Name { name, .. } => lookup.name(name, false),
        Expr::Negate(operand) => -walk(operand, lookup)?,
        Expr::Binary {
            op,
            left,
            right,
            column,
        } => {
            let x = walk(left, lookup)?;
            let y = walk(right, lookup)?;
            if *op == BinaryOp::Div && y == 0.0 {
                return Err(*column);
            }
            apply_binary(*op, x, y)
        }
        Expr::Call {
            function: Function::If,
            args,
            ..
        } => {
            if walk(&args[0], lookup)? != 0.0 {
                walk(&args[1], lookup)?
            } else {
                walk(&args[2], lookup)?
            }
        }
        Expr::Call { args, .. } => {
            for arg in args {
                walk(arg, lookup)?;
            }
            f64::NAN
        }
        Expr::Prev { name, initial, .. } => {
            if lookup.month == 0 {
                match initial {
                    Some(initial) => walk(initial, lookup)?,
                    None => 0.0,
                }
            } else {
                lookup.name(name, true)
            }
        }
    })
}
