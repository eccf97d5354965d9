//! Exact percentiles from all samples, by bucket selection rather than a sort.

/// The five percentiles Headroom reports.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Percentiles {
    pub p5: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
}

impl Percentiles {
    /// All five at one value: every path has it.
    pub fn same(value: f64) -> Percentiles {
        Percentiles {
            p5: value,
            p10: value,
            p50: value,
            p90: value,
            p95: value,
        }
    }

    /// Each of the five through `f`: the percentiles of `f(x)` when `f` never
    /// reverses an order.
    pub fn map(self, f: impl Fn(f64) -> f64) -> Percentiles {
        Percentiles {
            p5: f(self.p5),
            p10: f(self.p10),
            p50: f(self.p50),
            p90: f(self.p90),
            p95: f(self.p95),
        }
    }
}

/// Histogram resolution for bucket selection: 2¹¹ buckets. Fixed-size
/// tables indexed with a mask need no bounds checks in the hot loops.
const BUCKET_BITS: u32 = 11;
const BUCKETS: usize = 1 << BUCKET_BITS;
const MASK: usize = BUCKETS - 1;

/// Computes exact percentiles, reusing its buffers from call to call.
#[derive(Debug)]
pub struct Selector {
    keys: Vec<u64>,
    counts: Box<[u32; BUCKETS]>,
    slot_of: Box<[u8; BUCKETS]>,
    /// The keys (and their paths) in the buckets holding the five ranks.
    buckets: [Vec<(u64, u32)>; 5],
}

impl Default for Selector {
    fn default() -> Self {
        Selector {
            keys: Vec::new(),
            counts: Box::new([0; BUCKETS]),
            slot_of: Box::new([u8::MAX; BUCKETS]),
            buckets: Default::default(),
        }
    }
}

impl Selector {
    /// Nearest-rank percentiles of `values`: the q-th percentile is the value
    /// of rank ⌈q·n⌉. `None` for no values.
    ///
    /// Exact, by bucket selection: each value becomes an integer key that
    /// sorts like the number (a float's bits, sign-adjusted); one pass counts
    /// keys into 2,048 buckets spanning the keys' range, a second gathers only
    /// the buckets holding the five ranks, and those few are selected exactly.
    /// A float's bits grow roughly with its logarithm, so even log-normal
    /// samples spread over many buckets; a crowded bucket only costs time.
    pub fn percentiles(&mut self, values: impl IntoIterator<Item = f64>) -> Option<Percentiles> {
        self.percentiles_and_paths(values)
            .map(|(percentiles, _)| percentiles)
    }

    /// [`Selector::percentiles`], and for each of the five the index of a
    /// value holding it (ties: the lowest index among equal values in its bucket
    /// order), so quantities that follow this one can read theirs off the same paths.
    pub fn percentiles_and_paths(
        &mut self,
        values: impl IntoIterator<Item = f64>,
    ) -> Option<(Percentiles, [u32; 5])> {
        self.keys.clear();
        // The keys' range is found as they are made, in the same pass.
        let (mut low, mut high) = (u64::MAX, 0u64);
        self.keys.extend(values.into_iter().map(|value| {
            let key = ordered(value.to_bits());
            low = low.min(key);
            high = high.max(key);
            key
        }));
        let n = self.keys.len();
        if n == 0 {
            return None;
        }
        let value = |key: u64| f64::from_bits(unordered(key));
        if low == high {
            return Some((Percentiles::same(value(low)), [0; 5]));
        }
        let ranks = nearest_ranks(n);
        let span = high - low;
        let shift = (64 - span.leading_zeros()).saturating_sub(BUCKET_BITS);
        let bucket_count = (span >> shift) as usize + 1;
        let bucket = |key: u64| ((key - low) >> shift) as usize & MASK;
        self.counts[..bucket_count].fill(0);
        for key in &self.keys {
            self.counts[bucket(*key)] += 1;
        }
        // The bucket of each rank, and the rank's position within it.
        let mut targets = [(0usize, 0usize); 5];
        let (mut before, mut next) = (0usize, 0usize);
        for (index, count) in self.counts[..bucket_count].iter().enumerate() {
            let count = *count as usize;
            while next < 5 && ranks[next] < before + count {
                targets[next] = (index, ranks[next] - before);
                next += 1;
            }
            before += count;
            if next == 5 {
                break;
            }
        }
        self.slot_of[..bucket_count].fill(u8::MAX);
        let mut slots = 0u8;
        for (index, _) in targets {
            if self.slot_of[index] == u8::MAX {
                self.slot_of[index] = slots;
                self.buckets[slots as usize].clear();
                slots += 1;
            }
        }
        for (path, key) in self.keys.iter().enumerate() {
            let slot = self.slot_of[bucket(*key)];
            if slot != u8::MAX {
                self.buckets[slot as usize].push((*key, path as u32));
            }
        }
        let mut pick = |(index, within): (usize, usize)| {
            let bucket = &mut self.buckets[self.slot_of[index] as usize];
            // Whole-number quantities (units, connections) pile thousands of
            // paths into one bucket as one repeated value: nothing to select.
            let (first, path) = bucket[0];
            if bucket.iter().all(|(key, _)| *key == first) {
                return (value(first), path);
            }
            let (key, path) = *bucket.select_nth_unstable(within).1;
            (value(key), path)
        };
        let picked = targets.map(&mut pick);
        let percentiles = Percentiles {
            p5: picked[0].0,
            p10: picked[1].0,
            p50: picked[2].0,
            p90: picked[3].0,
            p95: picked[4].0,
        };
        Some((percentiles, picked.map(|(_, path)| path)))
    }

    /// [`Selector::percentiles_and_paths`] of `values`, trying first the
    /// paths in `guide` (where this quantity's five were last month) and
    /// leaving there the paths that hold them now.
    ///
    /// Most quantities keep their paths' order from month to month (a path
    /// that samples a high request rate stays high), so the values on those
    /// paths are usually the percentiles again. A pass checks it exactly (a
    /// second only where ties may hold a rank, see `hold_their_ranks`): a
    /// value `v` is the one of rank `r` when fewer than `r + 1` values sort
    /// below it and more than `r` sort at or below it. Only when a guess
    /// fails is the full selection run. Any path holding the value serves:
    /// equal values have equal bits, so what follows them reads the same.
    pub fn percentiles_guided(
        &mut self,
        values: &[f64],
        guide: &mut Option<[u32; 5]>,
    ) -> Option<(Percentiles, [u32; 5])> {
        if let Some(paths) = *guide {
            let candidates = paths.map(|path| values.get(path as usize).copied());
            if let [Some(p5), Some(p10), Some(p50), Some(p90), Some(p95)] = candidates {
                let held = [p5, p10, p50, p90, p95];
                if hold_their_ranks(values, held, nearest_ranks(values.len())) {
                    let percentiles = Percentiles {
                        p5,
                        p10,
                        p50,
                        p90,
                        p95,
                    };
                    return Some((percentiles, paths));
                }
            }
        }
        let found = self.percentiles_and_paths(values.iter().copied());
        *guide = found.map(|(_, paths)| paths);
        found
    }
}

/// Whether each of `held` is the value of its rank in `ranks` among
/// `values`, in the order `f64::total_cmp` gives (as the selection's keys).
/// `held` are values taken from `values`.
///
/// Compared as numbers, which vectorises on every target: for a `held`
/// that is neither zero nor NaN, `<` and `<=` order every value but NaN as
/// `total_cmp` does (only −0 and +0, and NaNs, differ), so a zero or a NaN
/// held, or any NaN among the values, says no and the full selection runs.
///
/// Rank `r`'s value is `v` when fewer than `r + 1` values sort below it and
/// more than `r` at or below it. Each `held` is itself one of the values,
/// so more than `below` sort at or below it: exactly `r` below settles it
/// without the second count. One pass counts only what sorts below; the
/// second, counting what sorts at or below, runs only when ties may hold a
/// rank (fewer than `r` below), as for whole-number quantities.
fn hold_their_ranks(values: &[f64], held: [f64; 5], ranks: [usize; 5]) -> bool {
    if held.iter().any(|value| *value == 0.0 || value.is_nan()) {
        return false;
    }
    // Percentiles never fall as the rank rises: values out of order cannot
    // hold the five ranks, and no pass is needed to say so.
    if held.windows(2).any(|pair| pair[0] > pair[1]) {
        return false;
    }
    // Counts as i64, the values' width, so the comparisons vectorise.
    let mut below = [0i64; 5];
    let mut not_numbers = 0i64;
    for value in values {
        for k in 0..5 {
            below[k] += i64::from(*value < held[k]);
        }
        not_numbers += i64::from(value.is_nan());
    }
    if not_numbers != 0 || (0..5).any(|k| below[k] as usize > ranks[k]) {
        return false;
    }
    if (0..5).all(|k| below[k] as usize == ranks[k]) {
        return true;
    }
    let mut at_or_below = [0i64; 5];
    for value in values {
        for k in 0..5 {
            at_or_below[k] += i64::from(*value <= held[k]);
        }
    }
    (0..5).all(|k| ranks[k] < at_or_below[k] as usize)
}

/// The 0-based ranks of the five percentiles among `n` values (n ≥ 1):
/// the q-th percentile is the value of rank ⌈q·n⌉.
pub(super) fn nearest_ranks(n: usize) -> [usize; 5] {
    let rank = |q: f64| ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
    [rank(0.05), rank(0.10), rank(0.50), rank(0.90), rank(0.95)]
}

/// Percentiles of a slice, with a fresh [`Selector`].
pub fn percentiles(values: &[f64]) -> Option<Percentiles> {
    Selector::default().percentiles(values.iter().copied())
}

/// A float's bits as an integer that sorts like the float (as `total_cmp`).
pub(super) fn ordered(bits: u64) -> u64 {
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

pub(super) fn unordered(key: u64) -> u64 {
    if key >> 63 == 1 {
        key & !(1 << 63)
    } else {
        !key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nearest_rank(values: &[f64]) -> Percentiles {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = values.len() as f64;
        let at = |q: f64| sorted[((q * n).ceil() as usize).max(1) - 1];
        Percentiles {
            p5: at(0.05),
            p10: at(0.10),
            p50: at(0.5),
            p90: at(0.9),
            p95: at(0.95),
        }
    }

    #[test]
    fn nearest_rank_on_one_to_a_hundred() {
        // Ranks ⌈0.05 × 100⌉ = 5, 10, 50, 90, 95 of 1..=100 are those numbers.
        let values: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        let p = percentiles(&values).unwrap();
        assert_eq!(
            (p.p5, p.p10, p.p50, p.p90, p.p95),
            (5.0, 10.0, 50.0, 90.0, 95.0)
        );
    }

    #[test]
    fn matches_a_full_sort() {
        let values: Vec<f64> = (0..1001)
            .map(|i| ((i * 7919) % 1001) as f64 * 0.5)
            .collect();
        assert_eq!(percentiles(&values).unwrap(), nearest_rank(&values));
        let spread: Vec<f64> = (1..20_000)
            .map(|i| (f64::from(i) * 0.37).exp().min(1e300))
            .collect();
        assert_eq!(percentiles(&spread).unwrap(), nearest_rank(&spread));
    }

    #[test]
    fn negative_and_mixed_values_order_like_numbers() {
        let values = [-3.5, 2.0, -0.0, 0.0, -1e300, 1e300, 7.25, -2.0, 4.0, 1.0];
        assert_eq!(percentiles(&values).unwrap(), nearest_rank(&values));
        for bits in [0u64, 1, 1 << 63, u64::MAX, 0x4000_0000_0000_0000] {
            assert_eq!(unordered(ordered(bits)), bits);
        }
    }

    /// Clustered data with far outliers, where most values share a bucket:
    /// still exact.
    #[test]
    fn skewed_data_with_outliers_is_exact() {
        let mut values: Vec<f64> = (0..5000)
            .map(|i| 1000.0 + f64::from(i % 97) * 1e-9)
            .collect();
        values.extend([1e300, -1e300, 0.0, 5e-324]);
        assert_eq!(percentiles(&values).unwrap(), nearest_rank(&values));
    }

    /// Whole numbers repeated thousands of times (unit counts), where a
    /// bucket holds one repeated value, beside buckets that do not.
    #[test]
    fn repeated_whole_numbers_are_exact() {
        let mut values: Vec<f64> = (0..10_000).map(|i| f64::from(i % 7 / 2 + 1)).collect();
        assert_eq!(percentiles(&values).unwrap(), nearest_rank(&values));
        values.extend((0..700).map(|i| 2.0 + f64::from(i) * 1e-6));
        assert_eq!(percentiles(&values).unwrap(), nearest_rank(&values));
    }

    #[test]
    fn a_selector_reused_gives_the_same_answers() {
        let mut selector = Selector::default();
        let a: Vec<f64> = (0..3000).map(|i| f64::from(i).sin()).collect();
        let b: Vec<f64> = (0..500).map(|i| f64::from(i) * 3.0).collect();
        assert_eq!(
            selector.percentiles(a.iter().copied()).unwrap(),
            nearest_rank(&a)
        );
        assert_eq!(
            selector.percentiles(b.iter().copied()).unwrap(),
            nearest_rank(&b)
        );
        assert_eq!(
            selector.percentiles(a.iter().copied()).unwrap(),
            nearest_rank(&a)
        );
    }

    #[test]
    fn small_and_constant_inputs() {
        assert_eq!(percentiles(&[]), None);
        let p = percentiles(&[7.0]).unwrap();
        assert_eq!((p.p5, p.p95), (7.0, 7.0));
        let p = percentiles(&[3.0; 10]).unwrap();
        assert_eq!((p.p5, p.p50, p.p95), (3.0, 3.0, 3.0));
        let p = percentiles(&[2.0, 1.0]).unwrap();
        assert_eq!((p.p5, p.p50, p.p95), (1.0, 1.0, 2.0));
    }
    /// Whatever paths a guide names (right, wrong, out of range, on a zero
    /// or beside a NaN), the guided percentiles are the full selection's,
    /// bit for bit, and the guide left names paths holding them.
    #[test]
    fn a_guide_never_changes_the_percentiles() {
        let bits = |p: Percentiles| [p.p5, p.p10, p.p50, p.p90, p.p95].map(f64::to_bits);
        let columns: Vec<Vec<f64>> = vec![
            (0..1000)
                .map(|i| f64::from((i * 7919) % 1000) - 300.0)
                .collect(),
            (0..1000).map(|i| f64::from(i % 5)).collect(),
            (0..400)
                .map(|i| if i % 2 == 0 { -0.0 } else { 0.0 })
                .collect(),
            (0..400)
                .map(|i| if i == 17 { f64::NAN } else { f64::from(i) })
                .collect(),
            (0..400)
                .map(|i| if i == 3 { -f64::NAN } else { f64::from(i) })
                .collect(),
            (0..400)
                .map(|i| (f64::from(i) * 0.37).exp().min(1e300) - 1e3)
                .collect(),
        ];
        let mut selector = Selector::default();
        for values in &columns {
            let (exact, paths) = selector
                .percentiles_and_paths(values.iter().copied())
                .expect("values");
            let n = values.len() as u32;
            let guides = [
                None,
                Some(paths),
                Some([0, 1, 2, 3, 4]),
                Some([n - 1; 5]),
                Some([n, 0, 0, 0, 0]),
                Some([17, 3, 0, 1, n / 2]),
            ];
            for guide in guides {
                let mut kept = guide;
                let (found, held) = selector
                    .percentiles_guided(values, &mut kept)
                    .expect("values");
                assert_eq!(bits(found), bits(exact), "{guide:?}");
                let on_paths = held.map(|path| values[path as usize].to_bits());
                assert_eq!(on_paths, bits(exact), "{guide:?}");
                // A guide holding them is kept for the next month.
                let again = selector
                    .percentiles_guided(values, &mut kept)
                    .expect("values");
                assert_eq!(bits(again.0), bits(exact));
                assert_eq!(
                    kept.map(|k| k.map(|p| values[p as usize].to_bits())),
                    Some(bits(exact))
                );
            }
        }
        assert_eq!(selector.percentiles_guided(&[], &mut Some([0; 5])), None);
    }

    /// A right guide is taken without a selection: the paths it names come
    /// back, where a selection would name the lowest of equal values'.
    #[test]
    fn a_right_guide_is_kept() {
        let values: Vec<f64> = (0..100).map(|i| f64::from(i / 2 + 1)).collect();
        let mut selector = Selector::default();
        let ranks = nearest_ranks(values.len()).map(|rank| rank as u32);
        // Every value is there twice: rank r's value also sits at r ^ 1.
        let other = ranks.map(|rank| rank ^ 1);
        let mut guide = Some(other);
        let (percentiles, held) = selector
            .percentiles_guided(&values, &mut guide)
            .expect("values");
        assert_eq!(held, other);
        assert_eq!(guide, Some(other));
        assert_eq!(percentiles, nearest_rank(&values));
    }
}
