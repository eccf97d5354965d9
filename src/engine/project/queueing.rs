//! Response times under an M/M/c queue, for sizing a component to a latency
//! target.
//!
//! A component's units each serve `concurrency` requests at once, so `n`
//! units are `c = n × concurrency` servers. Requests arrive at `λ` per
//! second (the component's load); each takes an exponentially distributed
//! time with mean `s`. The offered load is `a = λ·s` erlangs and each
//! server is busy `ρ = a / c` of the time; the queue is stable only for
//! `ρ < 1`.
//!
//! A request waits with the Erlang C probability `C(c, a)`, and then for an
//! exponential time of rate `θ = (c − a) / s`; its response time is that wait
//! plus its own service (rate `μ = 1 / s`). So
//! `P(T > t) = (1 − C)·e^(−μt) + C·H(t)`, where `H` is the tail of the sum of
//! the two exponentials (a hypoexponential):
//! `H(t) = (θ·e^(−μt) − μ·e^(−θt)) / (θ − μ)`, or `e^(−μt)(1 + μt)` when
//! `θ = μ`.
//!
//! The numerical traps are handled here, once: Erlang C comes from the
//! Erlang B recurrence (never factorials or powers), started a little below
//! `a` when `a` is large (the terms before it cannot matter) and stopped
//! once the probability is negligible; `H` is evaluated without cancelling
//! when `θ` is near `μ` and without overflowing when the target is many
//! service times long.

use crate::engine::model::plan::Latency;

/// Erlang B, `B(c, a)`: the blocking probability of `c` servers offered `a`
/// erlangs, by the recurrence `B(k) = a·B(k−1) / (k + a·B(k−1))`, `B(0) = 1`.
///
/// For large `a` the recurrence starts at `k₀ = a − 10√a − 10`, from the
/// fluid value `1 − k₀/a`: each step past `k₀` shrinks an error in the
/// starting value by about `k/a`, so by `k = a` it is below `e^(−50)`. It
/// stops early once `B` falls below `1e−20` past `a` (it only falls further;
/// what it feeds is compared with probabilities of at least `0.001`).
pub fn erlang_b(servers: f64, offered: f64) -> f64 {
    if offered <= 0.0 {
        return 0.0;
    }
    let start = (offered - 10.0 * offered.sqrt() - 10.0).floor().max(0.0);
    let mut blocking = if start > 0.0 {
        1.0 - start / offered
    } else {
        1.0
    };
    let mut k = start + 1.0;
    while k <= servers {
        blocking = offered * blocking / (k + offered * blocking);
        if k > offered && blocking < 1e-20 {
            break;
        }
        k += 1.0;
    }
    blocking
}

/// Erlang C, `C(c, a)`: the probability that a request waits, for `ρ = a/c < 1`
/// (1 when the queue is not stable): `C = B / (1 − ρ(1 − B))`.
pub fn erlang_c(servers: f64, offered: f64) -> f64 {
    if offered <= 0.0 {
        return 0.0;
    }
    if offered >= servers {
        return 1.0;
    }
    let blocking = erlang_b(servers, offered);
    let busy = offered / servers;
    blocking / (1.0 - busy * (1.0 - blocking))
}

/// One M/M/c queue: `servers` servers, each request taking `service_s`
/// seconds on average.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Queue {
    pub servers: f64,
    pub service_s: f64,
}

impl Queue {
    /// The queue `units` units of a component with this response-time
    /// target make: `units × concurrency` servers of its service time.
    pub fn for_latency(latency: &Latency, units: f64) -> Queue {
        Queue {
            servers: units * f64::from(latency.concurrency_per_unit),
            service_s: latency.service_time_ms / 1000.0,
        }
    }

    /// The most requests per second it can take at all (`c / s`).
    pub fn saturation(&self) -> f64 {
        self.servers / self.service_s
    }

    /// `P(T > t)` for arrivals of `rate` per second: the probability a
    /// response takes longer than `t` seconds (1 when not stable).
    pub fn tail(&self, rate: f64, t: f64) -> f64 {
        match self.waiting(rate) {
            Some(waiting) => waiting.tail(t),
            None => 1.0,
        }
    }

    /// What arrivals of `rate` per second make of the queue, `None` when it
    /// is not stable. Erlang C depends on the rate only, so a search over
    /// response times works it out once.
    fn waiting(&self, rate: f64) -> Option<Waiting> {
        let offered = rate.max(0.0) * self.service_s;
        (offered < self.servers).then(|| Waiting {
            mu: 1.0 / self.service_s,
            theta: (self.servers - offered) / self.service_s,
            waits: erlang_c(self.servers, offered),
        })
    }

    /// The response time (seconds) at percentile `p` (0.5 to 0.999) for
    /// arrivals of `rate` per second; infinite when not stable. The tail
    /// falls as `t` grows: bracketed from the service alone's percentile
    /// upwards, then narrowed to 10⁻¹⁰ of the time by [`crossing`].
    pub fn response_time(&self, rate: f64, p: f64) -> f64 {
        let Some(waiting) = self.waiting(rate) else {
            return f64::INFINITY;
        };
        let beyond = 1.0 - p;
        let excess = |t: f64| waiting.tail(t) - beyond;
        // Waiting only adds to the service time, so the answer is at least
        // the service alone's percentile, `−ln(1 − p)·s`: the bracket starts
        // there and grows by half until the tail is within it.
        let low = -libm::log(beyond) * self.service_s;
        let f_low = excess(low);
        if f_low <= 0.0 {
            return low;
        }
        let mut high = low * 1.5;
        let mut f_high = excess(high);
        while f_high > 0.0 {
            high *= 1.5;
            if !high.is_finite() {
                return f64::INFINITY;
            }
            f_high = excess(high);
        }
        crossing(excess, high, f_high, low, f_low, 1e-10)
    }

    /// The most requests per second it takes with the response time at
    /// percentile `p` within `target` seconds: 0 when even an idle queue
    /// misses it (service alone too slow); otherwise the crossing between
    /// no load and saturation, narrowed by [`crossing`] to 10⁻¹² of the
    /// rate, on the side that meets the target.
    pub fn max_rate_within(&self, p: f64, target: f64) -> f64 {
        let beyond = 1.0 - p;
        let excess = |rate: f64| self.tail(rate, target) - beyond;
        let f_none = excess(0.0);
        if f_none > 0.0 {
            return 0.0;
        }
        // At saturation every request waits forever: the tail is 1.
        crossing(excess, 0.0, f_none, self.saturation(), 1.0 - beyond, 1e-12)
    }
}

/// Where `f` crosses zero between `ok` (`f(ok) ≤ 0`) and `over`
/// (`f(over) > 0`): regula falsi with the Illinois modification — the secant
/// point (the midpoint when the secant falls outside) replaces the end of
/// its sign, and an end kept twice running has its value halved — until the
/// two ends are within `tolerance` of the larger one (at most 200 steps).
/// Returns the end where `f ≤ 0`.
fn crossing(
    f: impl Fn(f64) -> f64,
    mut ok: f64,
    mut f_ok: f64,
    mut over: f64,
    mut f_over: f64,
    tolerance: f64,
) -> f64 {
    let mut kept = 0i8;
    for _ in 0..200 {
        if (over - ok).abs() <= tolerance * ok.abs().max(over.abs()) {
            break;
        }
        let secant = (ok * f_over - over * f_ok) / (f_over - f_ok);
        let (low, high) = if ok < over { (ok, over) } else { (over, ok) };
        let next = if secant > low && secant < high {
            secant
        } else {
            0.5 * (ok + over)
        };
        let f_next = f(next);
        if f_next > 0.0 {
            over = next;
            f_over = f_next;
            if kept == -1 {
                f_ok *= 0.5;
            }
            kept = -1;
        } else {
            ok = next;
            f_ok = f_next;
            if kept == 1 {
                f_over *= 0.5;
            }
            kept = 1;
        }
    }
    ok
}

/// A stable queue under one arrival rate.
struct Waiting {
    mu: f64,
    theta: f64,
    /// Erlang C: the probability of waiting at all.
    waits: f64,
}

impl Waiting {
    /// `P(T > t) = (1 − C)·e^(−μt) + C·H(t)`.
    fn tail(&self, t: f64) -> f64 {
        let service_only = libm::exp(-self.mu * t);
        (1.0 - self.waits) * service_only
            + self.waits * hypoexponential_tail(self.mu, self.theta, t)
    }
}

/// The tail of the sum of two exponentials of rates `mu` and `theta`:
/// `H(t) = e^(−μt) + μ(e^(−μt) − e^(−θt)) / (θ − μ)`. Near `θ = μ` the
/// difference is written as `e^(−μt)·t·φ((θ−μ)t)` with
/// `φ(x) = (1 − e^(−x)) / x` (by `expm1`, no cancellation); far from it the
/// two exponentials are taken as they are (each at most 1, so nothing
/// overflows however long `t` is).
fn hypoexponential_tail(mu: f64, theta: f64, t: f64) -> f64 {
    let service_only = libm::exp(-mu * t);
    let x = (theta - mu) * t;
    if x.abs() <= 1.0 {
        let phi = if x == 0.0 { 1.0 } else { -libm::expm1(-x) / x };
        service_only * (1.0 + mu * t * phi)
    } else {
        (theta * service_only - mu * libm::exp(-theta * t)) / (theta - mu)
    }
}

/// The mean service time (seconds) that makes a queue of `servers` servers
/// answer `throughput` requests per second in `latency` seconds at
/// percentile `p`: what a load test says about one request. `None` when no
/// service time does (the latency is shorter than any queue that busy could
/// give: at `s → 0` the response time vanishes, and it grows with `s` up to
/// saturation at `s = c / throughput`).
pub fn service_time_from_load_test(
    throughput: f64,
    latency: f64,
    p: f64,
    servers: f64,
) -> Option<f64> {
    if !(throughput > 0.0 && latency > 0.0 && servers > 0.0) {
        return None;
    }
    // With no queueing at all the percentile is −ln(1 − p)·s, so s is at
    // most that; and it must leave the queue stable.
    let alone = latency / -libm::log(1.0 - p);
    let (mut low, mut high) = (0.0, alone.min(servers / throughput));
    for _ in 0..64 {
        let mid = 0.5 * (low + high);
        let queue = Queue {
            servers,
            service_s: mid,
        };
        if queue.response_time(throughput, p) > latency {
            high = mid;
        } else {
            low = mid;
        }
    }
    (low > 0.0).then_some(low)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Erlang C by its textbook formula, summing terms `aᵏ/k!` built by
    /// multiplication: fine for the small cases it checks.
    fn erlang_c_by_sum(c: u32, a: f64) -> f64 {
        let mut term = 1.0;
        let mut sum = 0.0;
        for k in 0..c {
            sum += term;
            term *= a / f64::from(k + 1);
        }
        // term is now a^c / c!
        let top = term * f64::from(c) / (f64::from(c) - a);
        top / (sum + top)
    }

    #[test]
    fn erlang_c_agrees_with_its_textbook_formula() {
        for (c, a) in [
            (1, 0.5),
            (2, 1.0),
            (5, 4.0),
            (10, 8.0),
            (30, 25.0),
            (100, 95.0),
        ] {
            let fast = erlang_c(f64::from(c), a);
            let slow = erlang_c_by_sum(c, a);
            assert!(
                (fast - slow).abs() < 1e-12,
                "c {c}, a {a}: {fast} vs {slow}"
            );
        }
    }

    /// Published values. `ErlangC[3, 2] = 4/9` is the worked example of the
    /// Wolfram Language's `ErlangC`; for two servers Kleinrock (Queueing
    /// Systems, vol. 1, §3.5) gives `C = 2ρ²/(1 + ρ)`, 1/3 at ρ = ½; call
    /// centre tables (e.g. the Erlang C tables of Cooper, Introduction to
    /// Queueing Theory) give 0.682 for 10 erlangs on 11 agents. The
    /// technical-support example (30 calls an hour of 5 minutes, a = 2.5,
    /// at most 10% delayed) needs 6 agents: C(5, 2.5) = 0.1304,
    /// C(6, 2.5) = 0.0474, worked by hand through the B recurrence
    /// (B₅ = 0.069732, B₆ = 0.028235).
    #[test]
    fn erlang_c_matches_published_values() {
        let close = |x: f64, y: f64, tolerance: f64| (x - y).abs() < tolerance;
        assert!(close(erlang_c(3.0, 2.0), 4.0 / 9.0, 1e-15));
        assert!(close(erlang_c(2.0, 1.0), 1.0 / 3.0, 1e-15));
        assert!(close(erlang_c(11.0, 10.0), 0.682, 5e-4));
        assert!(close(erlang_c(5.0, 2.5), 0.1304, 5e-5));
        assert!(close(erlang_c(6.0, 2.5), 0.0474, 5e-5));
    }

    #[test]
    fn one_server_is_an_m_m_1_queue() {
        // M/M/1: P(wait) = ρ, and the response time is exponential with
        // rate μ − λ, so its p95 is ln(20) / (μ − λ).
        let queue = Queue {
            servers: 1.0,
            service_s: 0.1,
        };
        assert!((erlang_c(1.0, 0.6) - 0.6).abs() < 1e-15);
        let p95 = queue.response_time(6.0, 0.95);
        let exact = libm::log(20.0) / (10.0 - 6.0);
        assert!((p95 - exact).abs() < 1e-9, "{p95} vs {exact}");
    }

    #[test]
    fn large_queues_neither_overflow_nor_lose_precision() {
        // 100,000 servers at 99.9% busy: the early start and the early stop
        // give the full recurrence's answer.
        let full = {
            let (c, a) = (100_000.0, 99_900.0);
            let mut b = 1.0;
            let mut k = 1.0;
            while k <= c {
                b = a * b / (k + a * b);
                k += 1.0;
            }
            b
        };
        let fast = erlang_b(100_000.0, 99_900.0);
        assert!((fast - full).abs() / full < 1e-10, "{fast} vs {full}");
        // Lightly loaded, huge: no waiting, and no trouble.
        assert!(erlang_c(1e7, 10.0) < 1e-19);
        // Near saturation: finite, long, and longer as it nears 1.
        let queue = Queue {
            servers: 1000.0,
            service_s: 0.05,
        };
        let near = queue.response_time(19_990.0, 0.99);
        let nearer = queue.response_time(19_999.0, 0.99);
        assert!(near.is_finite() && nearer.is_finite() && nearer > near && near > 0.05);
        assert_eq!(queue.response_time(20_000.0, 0.99), f64::INFINITY);
        // A target thousands of service times long: no overflow.
        assert!(queue.tail(100.0, 500.0) >= 0.0);
        assert!(queue.max_rate_within(0.95, 500.0) > 19_990.0);
    }

    #[test]
    fn theta_near_mu_is_continuous() {
        // θ = μ exactly, and a hair either side.
        let mu = 10.0;
        let t = 0.3;
        let at = hypoexponential_tail(mu, mu, t);
        let exact = libm::exp(-mu * t) * (1.0 + mu * t);
        assert!((at - exact).abs() < 1e-15);
        for theta in [mu * (1.0 + 1e-12), mu * (1.0 - 1e-12), mu + 1e-3] {
            assert!((hypoexponential_tail(mu, theta, t) - exact).abs() < 1e-4);
        }
    }

    #[test]
    fn max_rate_is_where_the_percentile_meets_the_target() {
        let queue = Queue {
            servers: 8.0,
            service_s: 0.05,
        };
        let rate = queue.max_rate_within(0.95, 0.2);
        assert!(queue.response_time(rate, 0.95) <= 0.2 + 1e-12);
        assert!(queue.response_time(rate * 1.001, 0.95) > 0.2);
        // Service alone too slow: p95 of 100 ms service alone is ~300 ms.
        let slow = Queue {
            servers: 8.0,
            service_s: 0.1,
        };
        assert_eq!(slow.max_rate_within(0.95, 0.2), 0.0);
    }

    #[test]
    fn a_load_test_gives_back_its_service_time() {
        let queue = Queue {
            servers: 4.0,
            service_s: 0.0072,
        };
        let p95 = queue.response_time(525.0, 0.95);
        let derived = service_time_from_load_test(525.0, p95, 0.95, 4.0).expect("one");
        assert!((derived - 0.0072).abs() < 1e-9, "{derived}");
        assert_eq!(service_time_from_load_test(0.0, 0.3, 0.95, 4.0), None);
    }
}
