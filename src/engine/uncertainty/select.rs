//! Exact percentiles of values held in several places (the shares of a
//! scenario's paths, each in its own worker), without bringing the values
//! together: the same bucket selection as [`super::Selector`], in rounds.
//!
//! 1. Each place reports, per column (a month's quantity), how many values
//!    it holds and its least and greatest key ([`Spread`], keys sort like
//!    the numbers: [`super::percentile`]).
//! 2. From the joined spreads, each column's range is cut into at most 256
//!    buckets ([`Buckets`]); each place counts its keys per bucket
//!    ([`histograms`]).
//! 3. From the summed counts, the bucket holding each of the five ranks
//!    and the rank's place in it ([`targets`]); each place sends only the
//!    keys in those buckets, tallied ([`gather`]), and the five are
//!    selected from them ([`select`]).
//!
//! The result is the nearest-rank percentile of all the values, the very
//! key a single selection over them finds: bit for bit.

use super::percentile::{nearest_ranks, unordered, Percentiles};
use serde::{Deserialize, Serialize};

/// Buckets a column's range is cut into, at most (2⁸).
const BUCKET_BITS: u32 = 8;

/// Columns of keys in one buffer, one after another: the values a place
/// keeps between the rounds (one allocation, reused from run to run).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyColumns {
    keys: Vec<u64>,
    /// Where each column ends in `keys`.
    ends: Vec<usize>,
}

impl KeyColumns {
    /// Empty columns reusing `keys`' allocation, with room for `room` keys.
    pub fn reusing(mut keys: Vec<u64>, room: usize) -> KeyColumns {
        keys.clear();
        keys.reserve(room);
        KeyColumns {
            keys,
            ends: Vec::new(),
        }
    }

    /// Adds a column.
    pub fn push(&mut self, keys: impl IntoIterator<Item = u64>) {
        self.keys.extend(keys);
        self.ends.push(self.keys.len());
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn column(&self, index: usize) -> &[u64] {
        let start = index.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.keys[start..self.ends[index]]
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u64]> {
        (0..self.len()).map(|index| self.column(index))
    }

    /// The buffer, for the next run.
    pub fn into_keys(self) -> Vec<u64> {
        self.keys
    }
}

/// One column's values in one place: how many, the least and greatest key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spread {
    pub count: u32,
    pub low: u64,
    pub high: u64,
}

impl Spread {
    pub const EMPTY: Spread = Spread {
        count: 0,
        low: u64::MAX,
        high: 0,
    };

    /// The spread of `keys`.
    pub fn of(keys: &[u64]) -> Spread {
        keys.iter().fold(Spread::EMPTY, |spread, key| Spread {
            count: spread.count.saturating_add(1),
            low: spread.low.min(*key),
            high: spread.high.max(*key),
        })
    }

    pub fn join(self, other: Spread) -> Spread {
        Spread {
            count: self.count.saturating_add(other.count),
            low: self.low.min(other.low),
            high: self.high.max(other.high),
        }
    }

    /// Every value the same (or none).
    pub fn single(&self) -> bool {
        self.count == 0 || self.low == self.high
    }
}

/// How a column's keys are bucketed: `(key − low) >> shift`, `count` buckets;
/// none for a column with no values or a single one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buckets {
    pub spread: Spread,
    pub shift: u32,
    pub count: u32,
}

impl Buckets {
    /// Each column's buckets from every place's spreads of it (`spreads[p][c]`).
    pub fn for_columns(spreads: &[&[Spread]]) -> Vec<Buckets> {
        let columns = spreads.first().map_or(0, |first| first.len());
        (0..columns)
            .map(|column| {
                let spread = spreads
                    .iter()
                    .filter_map(|place| place.get(column))
                    .fold(Spread::EMPTY, |all, one| all.join(*one));
                if spread.single() {
                    return Buckets {
                        spread,
                        shift: 0,
                        count: 0,
                    };
                }
                let span = spread.high - spread.low;
                let shift = (64 - span.leading_zeros()).saturating_sub(BUCKET_BITS);
                Buckets {
                    spread,
                    shift,
                    count: (span >> shift) as u32 + 1,
                }
            })
            .collect()
    }

    /// The bucket of `key`: past the last for a key outside the range.
    #[inline]
    fn of(&self, key: u64) -> usize {
        match key.checked_sub(self.spread.low) {
            Some(offset) if key <= self.spread.high => (offset >> self.shift) as usize,
            _ => usize::MAX,
        }
    }
}

/// One place's counts per bucket, column after column (each column's
/// [`Buckets::count`] of them): `columns[c]` are its keys of column `c`.
pub fn histograms(columns: &KeyColumns, buckets: &[Buckets]) -> Result<Vec<u32>, String> {
    if columns.len() != buckets.len() {
        return Err(format!(
            "{} columns of values for {} columns of buckets",
            columns.len(),
            buckets.len()
        ));
    }
    let total: usize = buckets.iter().map(|b| b.count as usize).sum();
    let mut counts = Vec::with_capacity(total);
    // Fixed-size tables indexed with a mask (no bounds check in the loop),
    // four of them taking keys in turn: runs of keys in one bucket would
    // otherwise wait on each other's increments.
    const MASK: usize = (1 << BUCKET_BITS) - 1;
    let mut tables = [[0u32; 1 << BUCKET_BITS]; 4];
    for (keys, buckets) in columns.iter().zip(buckets) {
        let width = buckets.count as usize;
        if width == 0 {
            continue;
        }
        tables.iter_mut().for_each(|table| table.fill(0));
        let (low, high, shift) = (buckets.spread.low, buckets.spread.high, buckets.shift);
        let bucket = |key: u64| (key.wrapping_sub(low) >> shift) as usize & MASK;
        let mut outside = false;
        let mut fours = keys.chunks_exact(4);
        for four in &mut fours {
            for (table, key) in tables.iter_mut().zip(four) {
                outside |= *key < low || *key > high;
                table[bucket(*key)] += 1;
            }
        }
        for key in fours.remainder() {
            outside |= *key < low || *key > high;
            tables[0][bucket(*key)] += 1;
        }
        if outside {
            return Err("a value lies outside the range every place reported".into());
        }
        counts.extend((0..width).map(|b| tables.iter().map(|table| table[b]).sum::<u32>()));
    }
    Ok(counts)
}

/// Where each of a column's five ranks lies: its bucket and its place
/// among that bucket's keys; `None` for a column of one value or none.
pub type Targets = Option<[(u32, u32); 5]>;

/// Each column's targets from every place's [`histograms`], summed.
pub fn targets(buckets: &[Buckets], histograms: &[&[u32]]) -> Result<Vec<Targets>, String> {
    let total: usize = buckets.iter().map(|b| b.count as usize).sum();
    if histograms.iter().any(|h| h.len() != total) {
        return Err("a place counted other buckets".into());
    }
    let mut start = 0;
    let mut found = Vec::with_capacity(buckets.len());
    for column in buckets {
        let width = column.count as usize;
        let range = start..start + width;
        start += width;
        if width == 0 {
            found.push(None);
            continue;
        }
        let ranks = nearest_ranks(column.spread.count as usize);
        let mut targets = [(0u32, 0u32); 5];
        let (mut before, mut next) = (0usize, 0usize);
        for bucket in 0..width {
            let count: usize = histograms
                .iter()
                .map(|h| h[range.start + bucket] as usize)
                .sum();
            while next < 5 && ranks[next] < before + count {
                targets[next] = (bucket as u32, (ranks[next] - before) as u32);
                next += 1;
            }
            before += count;
            if next == 5 {
                break;
            }
        }
        if next < 5 {
            return Err("the places' counts do not add up to their values".into());
        }
        found.push(Some(targets));
    }
    Ok(found)
}

/// Keys and how many times each occurs, in key order: what a place sends
/// of a column's target buckets (costs and units repeat a few values many
/// times over, so they cross as a few pairs).
pub type Tally = Vec<(u64, u32)>;

/// One place's keys in each column's target buckets, tallied.
pub fn gather(
    columns: &KeyColumns,
    buckets: &[Buckets],
    targets: &[Targets],
) -> Result<Vec<Tally>, String> {
    if columns.len() != buckets.len() || targets.len() != buckets.len() {
        return Err("the buckets and targets are not this place's columns".into());
    }
    let mut wanted = [false; 1 << BUCKET_BITS];
    let mut keys = Vec::new();
    Ok(columns
        .iter()
        .zip(buckets.iter().zip(targets))
        .map(|(column, (buckets, targets))| {
            let Some(targets) = targets else {
                return Tally::new();
            };
            wanted.fill(false);
            for (bucket, _) in targets {
                if let Some(slot) = wanted.get_mut(*bucket as usize) {
                    *slot = true;
                }
            }
            keys.clear();
            let (low, shift) = (buckets.spread.low, buckets.shift);
            const MASK: usize = (1 << BUCKET_BITS) - 1;
            keys.extend(
                column
                    .iter()
                    .copied()
                    .filter(|key| wanted[(key.wrapping_sub(low) >> shift) as usize & MASK]),
            );
            keys.sort_unstable();
            tally(&keys)
        })
        .collect())
}

/// Sorted keys as (key, count) pairs.
fn tally(sorted: &[u64]) -> Tally {
    let mut pairs: Tally = Vec::new();
    for key in sorted {
        match pairs.last_mut() {
            Some((last, count)) if last == key => *count += 1,
            _ => pairs.push((*key, 1)),
        }
    }
    pairs
}

/// Each column's percentiles from every place's [`gather`]ed tallies:
/// `None` for a column with no values.
pub fn select(
    buckets: &[Buckets],
    targets: &[Targets],
    gathered: &[&[Tally]],
) -> Result<Vec<Option<Percentiles>>, String> {
    if gathered.iter().any(|g| g.len() != buckets.len()) || targets.len() != buckets.len() {
        return Err("a place gathered other columns".into());
    }
    let value = |key: u64| f64::from_bits(unordered(key));
    let mut pairs: Tally = Vec::new();
    (0..buckets.len())
        .map(|column| {
            let spread = buckets[column].spread;
            if spread.count == 0 {
                return Ok(None);
            }
            let Some(targets) = targets[column] else {
                return Ok(Some(Percentiles::same(value(spread.low))));
            };
            // Each place's tally is in key order: a stable sort merges the
            // runs in about one pass.
            pairs.clear();
            for place in gathered {
                pairs.extend_from_slice(&place[column]);
            }
            pairs.sort();
            let of = |key: u64| buckets[column].of(key);
            let mut picked = [0.0; 5];
            for (at, (bucket, within)) in targets.iter().enumerate() {
                // Buckets follow the keys' order: the bucket's keys are a run.
                let start = pairs.partition_point(|(key, _)| of(*key) < *bucket as usize);
                let mut before = 0usize;
                let key = pairs[start..]
                    .iter()
                    .take_while(|(key, _)| of(*key) == *bucket as usize)
                    .find(|(_, count)| {
                        before += *count as usize;
                        before > *within as usize
                    })
                    .map(|(key, _)| *key)
                    .ok_or("a place left out keys of a target bucket")?;
                picked[at] = value(key);
            }
            Ok(Some(Percentiles {
                p5: picked[0],
                p10: picked[1],
                p50: picked[2],
                p90: picked[3],
                p95: picked[4],
            }))
        })
        .collect()
}

// proptest is a native dev-dependency only.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::percentile::ordered;
    use super::*;
    use crate::engine::uncertainty::percentiles;
    use proptest::prelude::*;

    /// The rounds over `places`, each a list of columns of values.
    fn in_rounds(places: &[Vec<Vec<f64>>]) -> Vec<Option<Percentiles>> {
        let keys: Vec<KeyColumns> = places
            .iter()
            .map(|columns| {
                let mut kept = KeyColumns::reusing(Vec::new(), 0);
                for values in columns {
                    kept.push(values.iter().map(|v| ordered(v.to_bits())));
                }
                kept
            })
            .collect();
        let spreads: Vec<Vec<Spread>> = keys
            .iter()
            .map(|columns| columns.iter().map(Spread::of).collect())
            .collect();
        let spreads: Vec<&[Spread]> = spreads.iter().map(Vec::as_slice).collect();
        let buckets = Buckets::for_columns(&spreads);
        let counts: Vec<Vec<u32>> = keys
            .iter()
            .map(|columns| histograms(columns, &buckets).expect("counted"))
            .collect();
        let counts: Vec<&[u32]> = counts.iter().map(Vec::as_slice).collect();
        let targets = targets(&buckets, &counts).expect("targets");
        let gathered: Vec<Vec<Tally>> = keys
            .iter()
            .map(|columns| gather(columns, &buckets, &targets).expect("gathered"))
            .collect();
        let gathered: Vec<&[Tally]> = gathered.iter().map(Vec::as_slice).collect();
        select(&buckets, &targets, &gathered).expect("selected")
    }

    fn bits(p: Option<Percentiles>) -> Option<[u64; 5]> {
        p.map(|p| [p.p5, p.p10, p.p50, p.p90, p.p95].map(f64::to_bits))
    }

    proptest! {
        /// However values are cut into places, the percentiles are a single
        /// selection's over all of them, bit for bit: skewed, negative,
        /// repeated, constant and empty columns alike.
        #[test]
        fn places_give_a_single_selections_percentiles(
            columns in proptest::collection::vec(
                proptest::collection::vec(
                    prop_oneof![
                        -1e6f64..1e6,
                        (0.0f64..20.0).prop_map(f64::exp),
                        (0u32..4).prop_map(f64::from),
                    ],
                    0..300,
                ),
                1..6,
            ),
            cuts in proptest::collection::vec(0usize..300, 0..4),
        ) {
            let mut places: Vec<Vec<Vec<f64>>> = Vec::new();
            let mut bounds: Vec<usize> = cuts;
            bounds.sort_unstable();
            let mut start = 0;
            for end in bounds.into_iter().chain([usize::MAX]) {
                places.push(
                    columns
                        .iter()
                        .map(|values| {
                            let end = end.min(values.len());
                            values.get(start.min(end)..end).unwrap_or_default().to_vec()
                        })
                        .collect(),
                );
                start = end;
            }
            let together = in_rounds(&places);
            for (column, got) in columns.iter().zip(together) {
                prop_assert_eq!(bits(got), bits(percentiles(column)));
            }
        }
    }

    /// A place whose values fall outside the range everyone reported, or
    /// that leaves keys out, is refused rather than trusted.
    #[test]
    fn inconsistent_places_are_refused() {
        let keys =
            |values: &[f64]| -> Vec<u64> { values.iter().map(|v| ordered(v.to_bits())).collect() };
        let columns = |values: &[f64]| {
            let mut kept = KeyColumns::reusing(Vec::new(), 0);
            kept.push(keys(values));
            kept
        };
        let place = columns(&[1.0, 2.0, 3.0, 4.0]);
        let spreads = [Spread::of(place.column(0))];
        let buckets = Buckets::for_columns(&[&spreads]);
        assert!(histograms(&columns(&[9.0]), &buckets).is_err());
        assert!(histograms(&KeyColumns::default(), &buckets).is_err());
        let counts = histograms(&place, &buckets).expect("counted");
        let targets = targets(&buckets, &[&counts]).expect("targets");
        assert!(select(&buckets, &targets, &[&[Vec::new()]]).is_err());
        let short = &counts[1..];
        assert!(super::targets(&buckets, &[short]).is_err());
    }
}
