//! Exact percentiles from all samples, by selection rather than a full sort.

/// The five percentiles Headroom reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Percentiles {
    pub p5: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
}

/// Nearest-rank percentiles of `values` (reordered in place): the q-th
/// percentile is the value of rank ⌈q·n⌉. `None` for no values.
///
/// Selection is hierarchical: the median splits the data, then the 10th
/// and 90th are selected within each half, and the 5th and 95th within the
/// outer tenths: about 2.2n work instead of a sort's n log n. Values are
/// compared as integers whose order is the numbers' order (cheaper than
/// `total_cmp`), and a column whose values are all equal needs no selection.
pub fn percentiles(values: &mut [f64]) -> Option<Percentiles> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let first = values[0];
    if values.iter().all(|v| v.to_bits() == first.to_bits()) {
        return Some(Percentiles { p5: first, p10: first, p50: first, p90: first, p95: first });
    }
    // Reinterpret in place as ordered keys: same width, so no allocation.
    let keys: &mut [u64] = bytemuck_slice(values);
    for key in keys.iter_mut() {
        *key = ordered(*key);
    }
    let rank = |q: f64| ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
    let (r5, r10, r50, r90, r95) = (rank(0.05), rank(0.10), rank(0.50), rank(0.90), rank(0.95));
    let (lower, median, upper) = keys.select_nth_unstable(r50);
    let p50 = *median;
    let (p5, p10) = if r10 < r50 {
        let (low10, p10, _) = lower.select_nth_unstable(r10);
        let p10 = *p10;
        let p5 = if r5 < r10 { *low10.select_nth_unstable(r5).1 } else { p10 };
        (p5, p10)
    } else {
        (p50, p50)
    };
    let (p90, p95) = if r90 > r50 {
        let (_, p90, high90) = upper.select_nth_unstable(r90 - r50 - 1);
        let p90 = *p90;
        let p95 = if r95 > r90 { *high90.select_nth_unstable(r95 - r90 - 1).1 } else { p90 };
        (p90, p95)
    } else {
        (p50, p50)
    };
    let value = |key: u64| f64::from_bits(unordered(key));
    Some(Percentiles { p5: value(p5), p10: value(p10), p50: value(p50), p90: value(p90), p95: value(p95) })
}

/// A float's bits as an integer that sorts like the float (as `total_cmp`).
fn ordered(bits: u64) -> u64 {
    if bits >> 63 == 1 { !bits } else { bits | (1 << 63) }
}

fn unordered(key: u64) -> u64 {
    if key >> 63 == 1 { key & !(1 << 63) } else { !key }
}

/// Views a slice of f64 as u64 (same size and alignment; every bit pattern valid).
fn bytemuck_slice(values: &mut [f64]) -> &mut [u64] {
    // SAFETY: f64 and u64 have the same size and alignment, and every u64 bit
    // pattern is valid; the borrow is exclusive and lives as long as `values`.
    unsafe { std::slice::from_raw_parts_mut(values.as_mut_ptr().cast::<u64>(), values.len()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_on_one_to_a_hundred() {
        // Ranks ⌈0.05 × 100⌉ = 5, 10, 50, 90, 95 of 1..=100 are those numbers.
        let mut values: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        let p = percentiles(&mut values).unwrap();
        assert_eq!((p.p5, p.p10, p.p50, p.p90, p.p95), (5.0, 10.0, 50.0, 90.0, 95.0));
    }

    #[test]
    fn matches_a_full_sort() {
        let mut values: Vec<f64> = (0..1001).map(|i| ((i * 7919) % 1001) as f64 * 0.5).collect();
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let p = percentiles(&mut values).unwrap();
        let at = |q: f64| sorted[((q * 1001.0).ceil() as usize) - 1];
        assert_eq!(p, Percentiles { p5: at(0.05), p10: at(0.10), p50: at(0.5), p90: at(0.9), p95: at(0.95) });
    }

    #[test]
    fn negative_and_mixed_values_order_like_numbers() {
        let mut values = vec![-3.5, 2.0, -0.0, 0.0, -1e300, 1e300, 7.25, -2.0, 4.0, 1.0];
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let p = percentiles(&mut values).unwrap();
        // n = 10: ranks ⌈0.5⌉ = 1, ⌈1⌉ = 1, 5, 9, ⌈9.5⌉ = 10.
        assert_eq!((p.p5, p.p10, p.p50, p.p90, p.p95), (sorted[0], sorted[0], sorted[4], sorted[8], sorted[9]));
        for bits in [0u64, 1, 1 << 63, u64::MAX, 0x4000_0000_0000_0000] {
            assert_eq!(unordered(ordered(bits)), bits);
        }
    }

    #[test]
    fn small_and_constant_inputs() {
        assert_eq!(percentiles(&mut []), None);
        let p = percentiles(&mut [7.0]).unwrap();
        assert_eq!((p.p5, p.p95), (7.0, 7.0));
        let p = percentiles(&mut [3.0; 10]).unwrap();
        assert_eq!((p.p5, p.p50, p.p95), (3.0, 3.0, 3.0));
        let p = percentiles(&mut [2.0, 1.0]).unwrap();
        assert_eq!((p.p5, p.p50, p.p95), (1.0, 1.0, 2.0));
    }
}
