//! One group of linked suppressed cells as a small integer system, with sound
//! bound propagation and a greedy search for witness solutions.
//!
//! Shown cells are constants, so a relation that holds at least one suppressed
//! cell becomes a row over the group's unknowns. Propagation only ever removes
//! values no solution can take (it is sound, never exact on its own); a witness
//! is a full integer solution checked row by row, so a value seen in a witness
//! is feasible for certain. Whatever these two cannot settle goes to the exact
//! solver in `exact.rs`.

use super::model::{PublishedSet, Row};

/// Stands for "no upper bound"; far above any value (`MAX_VALUE` is 2^40).
pub(crate) const INF: i64 = i64::MAX / 4;

/// The rows of one group, over local indices `0..cells.len()`.
#[derive(Clone, Debug)]
pub(crate) struct System {
    /// Global cell index of each unknown.
    pub cells: Vec<usize>,
    pub rows: Vec<Row>,
    /// For each unknown, the rows it appears in.
    pub var_rows: Vec<Vec<usize>>,
    /// The published (true) values: always a solution of the rows.
    pub truth: Vec<i64>,
}

/// Lower and upper bound of each unknown (`hi == INF`: unbounded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Domains {
    pub lo: Vec<i64>,
    pub hi: Vec<i64>,
}

/// What propagation established.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Propagation {
    /// Bounds are tightened and no row is violated by them.
    Consistent,
    /// No integer solution exists within the starting bounds (a proof).
    Empty,
    /// The step limit was hit; bounds are still sound, just not tightened further.
    GaveUp,
}

/// What a witness search found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Search {
    Found(Vec<i64>),
    /// Propagation proved that no solution takes the requested value.
    Infeasible,
    /// The greedy search failed; the exact solver must decide.
    Unknown,
}

/// Which end of its domain the greedy search tries first for each unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Prefer {
    Truth,
    Low,
    High,
}

impl System {
    /// The system of the suppressed `cells` (one group), shown cells folded in.
    pub fn build(set: &PublishedSet, suppressed: &[bool], cells: Vec<usize>) -> System {
        let index: foldhash::HashMap<usize, usize> =
            cells.iter().enumerate().map(|(i, &c)| (c, i)).collect();
        let local = |cell: usize| index.get(&cell).copied();
        let mut row_ids: Vec<usize> = cells
            .iter()
            .flat_map(|&c| set.rows_of(c).iter().copied())
            .collect();
        row_ids.sort_unstable();
        row_ids.dedup();
        let mut rows = Vec::with_capacity(row_ids.len());
        let mut var_rows = vec![Vec::new(); cells.len()];
        for id in row_ids {
            let row = &set.rows()[id];
            let mut terms = Vec::new();
            let mut rhs = row.rhs;
            for &(cell, coef) in &row.terms {
                if suppressed[cell] {
                    // Every suppressed cell of a row is in the same group.
                    if let Some(var) = local(cell) {
                        terms.push((var, coef));
                    }
                } else {
                    rhs -= coef * set.cells()[cell].value as i64;
                }
            }
            for &(var, _) in &terms {
                var_rows[var].push(rows.len());
            }
            rows.push(Row {
                terms,
                rhs,
                equality: row.equality,
            });
        }
        let truth = cells.iter().map(|&c| set.cells()[c].value as i64).collect();
        System {
            cells,
            rows,
            var_rows,
            truth,
        }
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether `x` satisfies every row (domains are checked by the caller).
    pub fn satisfied(&self, x: &[i64]) -> bool {
        x.iter().all(|&v| v >= 0) && self.rows.iter().all(|row| row.holds(|var| x[var]))
    }

    /// The recession cone: the same rows with right-hand sides 0. An integer
    /// point of it with `r_j >= 1` proves cell `j` unbounded above.
    pub fn homogeneous(&self) -> System {
        let mut cone = self.clone();
        for row in &mut cone.rows {
            row.rhs = 0;
        }
        cone.truth = vec![0; cone.len()];
        cone
    }

    /// Tightens `dom` until no row changes it (or the step limit is hit).
    pub fn propagate(&self, dom: &mut Domains) -> Propagation {
        if dom.lo.iter().zip(&dom.hi).any(|(lo, hi)| lo > hi) {
            return Propagation::Empty;
        }
        let mut queue: std::collections::VecDeque<usize> = (0..self.rows.len()).collect();
        let mut queued = vec![true; self.rows.len()];
        self.run_queue(dom, &mut queue, &mut queued)
    }

    /// Propagates after the domains of `changed` unknowns were narrowed.
    pub fn propagate_from(&self, dom: &mut Domains, changed: usize) -> Propagation {
        if dom.lo[changed] > dom.hi[changed] {
            return Propagation::Empty;
        }
        let mut queue: std::collections::VecDeque<usize> =
            self.var_rows[changed].iter().copied().collect();
        let mut queued = vec![false; self.rows.len()];
        for &r in &queue {
            queued[r] = true;
        }
        self.run_queue(dom, &mut queue, &mut queued)
    }

    fn run_queue(
        &self,
        dom: &mut Domains,
        queue: &mut std::collections::VecDeque<usize>,
        queued: &mut [bool],
    ) -> Propagation {
        let limit = 64 * (self.rows.len() + 1) * (self.len() + 1);
        let mut steps = 0usize;
        let mut changed = Vec::new();
        while let Some(r) = queue.pop_front() {
            queued[r] = false;
            steps += 1;
            if steps > limit {
                return Propagation::GaveUp;
            }
            let row = &self.rows[r];
            changed.clear();
            if !tighten(&row.terms, row.rhs, 1, dom, &mut changed) {
                return Propagation::Empty;
            }
            if row.equality && !tighten(&row.terms, row.rhs, -1, dom, &mut changed) {
                return Propagation::Empty;
            }
            for &var in &changed {
                for &other in &self.var_rows[var] {
                    if !queued[other] {
                        queued[other] = true;
                        queue.push_back(other);
                    }
                }
            }
        }
        Propagation::Consistent
    }

    /// Looks for an integer solution within `base` that gives unknown `fix.0`
    /// the value `fix.1` (or any solution when `fix` is `None`), leaning to
    /// the low or high end of each domain, or to the published values.
    pub fn greedy(&self, base: &Domains, fix: Option<(usize, i64)>, prefer: Prefer) -> Search {
        let target: Vec<Option<i64>> = (0..self.len())
            .map(|var| match prefer {
                Prefer::Truth => None,
                Prefer::Low => Some(base.lo[var]),
                Prefer::High if base.hi[var] < INF => Some(base.hi[var]),
                Prefer::High => None,
            })
            .collect();
        self.greedy_towards(base, fix, &target)
    }

    /// A witness that differs from the published values only on `var` and
    /// the unknowns sharing a row with it (a swap within a sum, say): the
    /// others are held at their published values. A failure proves nothing.
    pub fn local_witness(&self, base: &Domains, var: usize, value: i64) -> Option<Vec<i64>> {
        let mut free = vec![false; self.len()];
        free[var] = true;
        for &r in &self.var_rows[var] {
            for &(k, _) in &self.rows[r].terms {
                free[k] = true;
            }
        }
        let mut dom = base.clone();
        for (k, &is_free) in free.iter().enumerate() {
            if !is_free {
                dom.lo[k] = self.truth[k];
                dom.hi[k] = self.truth[k];
            }
        }
        match self.greedy_towards(&dom, Some((var, value)), &vec![None; self.len()]) {
            Search::Found(w) => Some(w),
            _ => None,
        }
    }

    /// The greedy search: fixes the unknowns one by one (those with a target
    /// first, each to its target if it can, else near its published value,
    /// else an end of its domain), propagating after each; no backtracking.
    pub fn greedy_towards(
        &self,
        base: &Domains,
        fix: Option<(usize, i64)>,
        target: &[Option<i64>],
    ) -> Search {
        let mut dom = base.clone();
        if let Some((var, value)) = fix {
            if value < dom.lo[var] || value > dom.hi[var] {
                return Search::Infeasible;
            }
            dom.lo[var] = value;
            dom.hi[var] = value;
            match self.propagate_from(&mut dom, var) {
                Propagation::Empty => return Search::Infeasible,
                Propagation::GaveUp => return Search::Unknown,
                Propagation::Consistent => {}
            }
        }
        let order = (0..self.len())
            .filter(|&v| target[v].is_some())
            .chain((0..self.len()).filter(|&v| target[v].is_none()));
        for var in order {
            if dom.lo[var] == dom.hi[var] {
                continue;
            }
            let (lo, hi) = (dom.lo[var], dom.hi[var]);
            let near_truth = self.truth[var].clamp(lo, hi);
            let wanted = target[var].map_or(near_truth, |t| t.clamp(lo, hi));
            let choices = [wanted, near_truth, lo, if hi < INF { hi } else { lo }];
            let mut placed = false;
            for (i, &value) in choices.iter().enumerate() {
                if choices[..i].contains(&value) {
                    continue;
                }
                let mut trial = dom.clone();
                trial.lo[var] = value;
                trial.hi[var] = value;
                if self.propagate_from(&mut trial, var) == Propagation::Consistent {
                    dom = trial;
                    placed = true;
                    break;
                }
            }
            if !placed {
                return Search::Unknown;
            }
        }
        if self.satisfied(&dom.lo) {
            Search::Found(dom.lo)
        } else {
            Search::Unknown
        }
    }
}

/// Floor of `p / q` for `q > 0`. Almost every coefficient is 1 (sums and part-whole
/// relations): that case skips the 128-bit division, which profiled at a tenth of the
/// engine's time.
fn div_floor(p: i128, q: i128) -> i128 {
    if q == 1 { p } else { p.div_euclid(q) }
}

/// Bounds consistency for `sign · Σ coef·x <= sign · rhs`; records narrowed
/// unknowns in `changed`; `false` when the row cannot hold.
fn tighten(
    terms: &[(usize, i64)],
    rhs: i64,
    sign: i64,
    dom: &mut Domains,
    changed: &mut Vec<usize>,
) -> bool {
    // The least value each term can take, or None for minus infinity.
    let least = |var: usize, coef: i128, dom: &Domains| -> Option<i128> {
        if coef > 0 {
            Some(coef * i128::from(dom.lo[var]))
        } else if dom.hi[var] >= INF {
            None
        } else {
            Some(coef * i128::from(dom.hi[var]))
        }
    };
    let rhs = i128::from(sign) * i128::from(rhs);
    let mut finite = 0i128;
    let mut unbounded = 0usize;
    for &(var, coef) in terms {
        match least(var, i128::from(sign * coef), dom) {
            Some(v) => finite += v,
            // With two terms unbounded below, the row can neither fail nor bound any
            // term (each has another unbounded term beside it): nothing to do. Most
            // rows of a large group are like this while its search runs (issue #20).
            None if unbounded == 1 => return true,
            None => unbounded += 1,
        }
    }
    if unbounded == 0 && finite > rhs {
        return false;
    }
    for &(var, coef) in terms {
        let coef = i128::from(sign * coef);
        let own = least(var, coef, dom);
        let others_unbounded = unbounded - usize::from(own.is_none());
        if others_unbounded > 0 {
            continue;
        }
        // coef·x_var <= slack.
        let slack = rhs - (finite - own.unwrap_or(0));
        if coef > 0 {
            let new_hi = div_floor(slack, coef);
            if new_hi < i128::from(dom.hi[var]) {
                if new_hi < i128::from(dom.lo[var]) {
                    return false;
                }
                dom.hi[var] = new_hi as i64;
                changed.push(var);
            }
        } else {
            // x_var >= slack / coef with coef < 0, rounded up.
            let new_lo = -div_floor(slack, -coef);
            if new_lo > i128::from(dom.lo[var]) {
                if new_lo > i128::from(dom.hi[var]) {
                    return false;
                }
                dom.lo[var] = new_lo as i64;
                changed.push(var);
            }
        }
    }
    true
}
