//! What the resumable analyses share: the records they read (any holder of facts, read by
//! position, so that a job keeps no borrow between its steps), a budget of work per step, and a
//! stable sort by time that sorts a bounded number of records per step.
//!
//! The analysis of a capture of a million records takes seconds; a panel cannot block its main
//! thread that long. [`crate::findings::AnalysisJob`] does the same work as
//! [`crate::findings::diagnose`] (which runs it to completion) a bounded amount at a time.

use crate::facts::Facts;

/// Records as the analyses read them: `(frame index, facts)` by position. A job is given the same
/// records at every step.
pub trait FactsSource {
    fn count(&self) -> usize;
    fn at(&self, position: usize) -> (usize, &Facts);
}

impl FactsSource for [(usize, &Facts)] {
    fn count(&self) -> usize {
        self.len()
    }
    fn at(&self, position: usize) -> (usize, &Facts) {
        self[position]
    }
}

impl FactsSource for Vec<(usize, &Facts)> {
    fn count(&self) -> usize {
        self.len()
    }
    fn at(&self, position: usize) -> (usize, &Facts) {
        self[position]
    }
}

/// Work left in a step: one unit is about one record (or exchange, or request) looked at once.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    left: usize,
    used: usize,
}

impl Budget {
    pub fn new(units: usize) -> Budget {
        Budget {
            left: units.max(1),
            used: 0,
        }
    }

    /// Unbounded: run to completion.
    pub fn unlimited() -> Budget {
        Budget::new(usize::MAX)
    }

    pub fn is_spent(&self) -> bool {
        self.left == 0
    }

    /// How many of `wanted` units this step may still do (at least one: a job always moves on).
    pub fn take(&mut self, wanted: usize) -> usize {
        let granted = wanted.min(self.left.max(1));
        self.left = self.left.saturating_sub(granted);
        self.used = self.used.saturating_add(granted);
        granted
    }

    pub fn used(&self) -> usize {
        self.used
    }
}

/// `[at, at + n)` for the next chunk of a pass over `total` items.
pub fn chunk(at: usize, total: usize, budget: &mut Budget) -> std::ops::Range<usize> {
    let n = budget.take(total.saturating_sub(at).max(1));
    at..(at + n).min(total)
}

/// Large structures let go a bounded number of items per step: dropping a map of a million
/// entries at once frees millions of allocations in one go (hundreds of milliseconds).
#[derive(Default)]
pub struct Shredder {
    pieces: Vec<Box<dyn Iterator<Item = ()>>>,
}

impl std::fmt::Debug for Shredder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Shredder({} pieces)", self.pieces.len())
    }
}

impl Shredder {
    /// Lets `items` go, one item per unit, over the next steps.
    pub fn add<I>(&mut self, items: I)
    where
        I: IntoIterator + 'static,
    {
        self.pieces.push(Box::new(items.into_iter().map(drop)));
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// Lets items go within the budget; `true` once all are gone.
    pub fn step(&mut self, budget: &mut Budget) -> bool {
        while let Some(piece) = self.pieces.last_mut() {
            if budget.is_spent() {
                return false;
            }
            let wanted = piece.size_hint().0.max(1);
            let granted = budget.take(wanted);
            let mut ended = false;
            for _ in 0..granted {
                if piece.next().is_none() {
                    ended = true;
                    break;
                }
            }
            if ended || piece.size_hint().1 == Some(0) {
                self.pieces.pop();
            }
        }
        true
    }
}

/// Progress through a job's passes: pass `index` of `passes`, `at` of its `len` items, each pass
/// weighing `n` units (records in the job): `(done, total)`, never going back.
pub(crate) fn passes_progress(
    index: usize,
    at: usize,
    len: usize,
    n: usize,
    passes: usize,
) -> (usize, usize) {
    let within = if len == 0 {
        0
    } else {
        ((at as u128 * n as u128) / len as u128) as usize
    };
    (index * n + within.min(n), passes * n)
}

/// Items sorted per block before the merges.
const RUN: usize = 1024;

/// A stable sort of positions `0..n` by a time key (`f64::total_cmp`), a bounded number of items
/// per step: first a check (records usually come in time order: then nothing moves), else sorted
/// blocks merged pass by pass. The result is `sort_by(total_cmp)`'s, exactly.
#[derive(Debug, Default)]
pub(crate) struct TimeOrder {
    order: Vec<u32>,
    buffer: Vec<u32>,
    /// How far the check that the keys are in order went.
    checked: usize,
    stage: SortStage,
}

#[derive(Debug, Default)]
enum SortStage {
    #[default]
    Check,
    Runs {
        at: usize,
    },
    Merge {
        width: usize,
        lo: usize,
        i: usize,
        j: usize,
    },
    Done,
}

impl TimeOrder {
    pub(crate) fn new(n: usize) -> TimeOrder {
        TimeOrder {
            order: (0..n as u32).collect(),
            buffer: Vec::new(),
            checked: 1,
            stage: SortStage::Check,
        }
    }

    /// Sorts on within the budget; `true` once sorted.
    pub(crate) fn step(&mut self, key: impl Fn(u32) -> f64, budget: &mut Budget) -> bool {
        let n = self.order.len();
        loop {
            if budget.is_spent() && !matches!(self.stage, SortStage::Done) {
                return false;
            }
            match &mut self.stage {
                SortStage::Check => {
                    // The positions are still 0..n here.
                    let range = chunk(self.checked, n, budget);
                    let mut sorted = true;
                    for position in range.clone() {
                        if key(position as u32 - 1)
                            .total_cmp(&key(position as u32))
                            .is_gt()
                        {
                            sorted = false;
                            break;
                        }
                    }
                    if !sorted {
                        self.stage = SortStage::Runs { at: 0 };
                    } else if range.end >= n {
                        self.stage = SortStage::Done;
                    } else {
                        self.checked = range.end;
                    }
                }
                SortStage::Runs { at } => {
                    let start = *at;
                    let units = budget.take(n - start);
                    let end = (start + units.div_ceil(RUN) * RUN).min(n);
                    for block in self.order[start..end].chunks_mut(RUN) {
                        block.sort_by(|&a, &b| key(a).total_cmp(&key(b)));
                    }
                    *at = end;
                    if end >= n {
                        self.buffer = vec![0; n];
                        self.stage = if RUN >= n {
                            SortStage::Done
                        } else {
                            SortStage::Merge {
                                width: RUN,
                                lo: 0,
                                i: 0,
                                j: RUN.min(n),
                            }
                        };
                    }
                }
                SortStage::Merge { width, lo, i, j } => {
                    let (w, l) = (*width, *lo);
                    let mid = (l + w).min(n);
                    let hi = (l + 2 * w).min(n);
                    let mut left = budget.take(hi - l);
                    let (src, dst) = (&self.order, &mut self.buffer);
                    // Output position: what the pair wrote so far.
                    let mut k = l + (*i - l) + (*j - mid);
                    while left > 0 && k < hi {
                        let take_left = *j >= hi
                            || (*i < mid && !key(src[*i]).total_cmp(&key(src[*j])).is_gt());
                        if take_left {
                            dst[k] = src[*i];
                            *i += 1;
                        } else {
                            dst[k] = src[*j];
                            *j += 1;
                        }
                        k += 1;
                        left -= 1;
                    }
                    if k >= hi {
                        if hi >= n {
                            std::mem::swap(&mut self.order, &mut self.buffer);
                            let width = w * 2;
                            self.stage = if width >= n {
                                self.buffer = Vec::new();
                                SortStage::Done
                            } else {
                                SortStage::Merge {
                                    width,
                                    lo: 0,
                                    i: 0,
                                    j: width.min(n),
                                }
                            };
                        } else {
                            let next = hi;
                            self.stage = SortStage::Merge {
                                width: w,
                                lo: next,
                                i: next,
                                j: (next + w).min(n),
                            };
                        }
                    }
                }
                SortStage::Done => return true,
            }
        }
    }

    /// The positions in time order (once [`TimeOrder::step`] said so).
    pub(crate) fn order(&self) -> &[u32] {
        &self.order
    }

    pub(crate) fn into_order(self) -> Vec<u32> {
        self.order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stepped_sort_is_the_stable_sort_whatever_the_budget() {
        // Ties (stability), an unsorted capture, a sorted one, sizes around the block size.
        for n in [0usize, 1, 2, 5, RUN - 1, RUN, RUN + 1, 3 * RUN + 7, 10_000] {
            for shape in 0..3 {
                let keys: Vec<f64> = (0..n)
                    .map(|i| match shape {
                        0 => i as f64,
                        1 => ((i * 7919) % 1000) as f64,
                        _ => ((n - i) / 3) as f64,
                    })
                    .collect();
                let mut expected: Vec<u32> = (0..n as u32).collect();
                expected.sort_by(|&a, &b| keys[a as usize].total_cmp(&keys[b as usize]));
                for units in [1usize, 7, 1000, usize::MAX] {
                    let mut order = TimeOrder::new(n);
                    let mut steps = 0;
                    while !order.step(|p| keys[p as usize], &mut Budget::new(units)) {
                        steps += 1;
                        assert!(steps < 100 * (n + 10), "no progress");
                    }
                    assert_eq!(
                        order.order(),
                        expected,
                        "n {n}, shape {shape}, units {units}"
                    );
                }
            }
        }
    }
}
