//! The audit: for each suppressed cell, the exact set of values a reader can
//! still give it, from the published cells and every relation.
//!
//! Two readers are checked (see `docs/decisions.md`):
//! - the reader of spec 02's rule, who knows every `c` is some non-negative
//!   integer but not which `c` is primary: a suppressed cell is *pinned* when
//!   exactly one value of `1..suppress_below-1` is left to it;
//! - a reader who also knows which `c` are primary (as the North Star
//!   reading does: "both hidden cells must be 2"): a primary cell must keep two
//!   values of `1..suppress_below-1`. `protect` removes these pins wherever one
//!   more complement can; the audit reports any that are left.
//!
//! Suppressed cells are split into groups linked by relations (shown cells are
//! constants, so groups are independent). A group of one cell is settled by its
//! own rows. A larger group is settled by sound propagation (outer bounds) and
//! witnesses (full integer solutions, starting with the published values): a
//! bound met by a witness is exact. What is left goes to the exact solver.

use super::error::DisclosureError;
use super::exact::{Integer, Stop, integer_optimum};
use super::model::{CellId, PublishedSet};
use super::system::{Domains, INF, Prefer, Propagation, Search, System};

/// What a reader can still tell about one suppressed cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellBounds {
    pub cell: CellId,
    /// The cell's own value is in `1..suppress_below-1`.
    pub primary: bool,
    /// Exact least value a reader who does not know which `c` is primary can give it.
    pub lo: u64,
    /// Exact greatest such value; `None`: unbounded.
    pub hi: Option<u64>,
    /// The values of the protection range (`1..suppress_below-1`, but `1..2`
    /// when `suppress_below` is 2) that reader can still give it.
    pub feasible_small: Vec<u64>,
    /// For a primary cell and `suppress_below >= 3`, the values of
    /// `1..suppress_below-1` left to a reader who knows which cells are
    /// primary; `None` otherwise (such a reader knows a complement is not
    /// small, and with `suppress_below == 2` knows every primary is 1).
    pub feasible_small_if_primaries_known: Option<Vec<u64>>,
}

impl CellBounds {
    /// Spec 02's rule: exactly one value of `1..s-1` left (a complement known
    /// to be 0 or at least `s` discloses no small count and is not pinned).
    pub fn is_pinned(&self) -> bool {
        self.feasible_small.len() == 1
    }

    /// A primary cell narrowed to one value by a reader who knows which `c` are primary.
    pub fn is_pinned_if_primaries_known(&self) -> bool {
        self.feasible_small_if_primaries_known
            .as_ref()
            .is_some_and(|values| values.len() < 2)
    }
}

/// The audit of one published set under one suppression pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Audit {
    pub suppress_below: u32,
    /// One entry per suppressed cell, in cell order.
    pub cells: Vec<CellBounds>,
    /// Cells pinned under spec 02's rule: a published set must have none.
    pub pinned: Vec<CellId>,
    /// Primary cells a reader who knows which `c` are primary could pin.
    pub pinned_if_primaries_known: Vec<CellId>,
    /// Groups of linked suppressed cells, and the largest group's size.
    pub groups: usize,
    pub largest_group: usize,
    /// How often propagation and witnesses did not settle a question and the
    /// exact branch-and-bound solver was asked.
    pub exact_solver_calls: usize,
}

impl Audit {
    pub fn suppressed(&self) -> usize {
        self.cells.len()
    }

    pub fn bounds(&self, cell: CellId) -> Option<&CellBounds> {
        self.cells
            .binary_search_by_key(&cell, |b| b.cell)
            .ok()
            .map(|i| &self.cells[i])
    }
}

/// How the audit answers a question: with witnesses first (the default), or
/// with the exact solver only (tests cross-check the two).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) enum Mode {
    Fast,
    ExactOnly,
}

/// Audits `suppressed` (one flag per cell of `set`) against every relation.
pub fn audit(
    set: &PublishedSet,
    suppressed: &[bool],
    suppress_below: u32,
) -> Result<Audit, DisclosureError> {
    audit_with(set, suppressed, suppress_below, Mode::Fast)
}

pub(crate) fn check_threshold(suppress_below: u32) -> Result<(), DisclosureError> {
    if suppress_below < 2 {
        return Err(DisclosureError::ThresholdTooLow(suppress_below));
    }
    Ok(())
}

pub(crate) fn audit_with(
    set: &PublishedSet,
    suppressed: &[bool],
    suppress_below: u32,
    mode: Mode,
) -> Result<Audit, DisclosureError> {
    check_threshold(suppress_below)?;
    if suppressed.len() != set.len() {
        return Err(DisclosureError::MaskLength {
            got: suppressed.len(),
            cells: set.len(),
        });
    }
    let mut seen = vec![false; set.len()];
    let mut cells = Vec::new();
    let (mut groups, mut largest, mut exact_calls) = (0, 0, 0);
    for seed in 0..set.len() {
        if !suppressed[seed] || seen[seed] {
            continue;
        }
        let group = group_of(set, suppressed, seed);
        for &c in &group {
            seen[c] = true;
        }
        groups += 1;
        largest = largest.max(group.len());
        let (bounds, calls) = audit_group(set, suppressed, group, suppress_below, mode)?;
        exact_calls += calls;
        cells.extend(bounds);
    }
    cells.sort_by_key(|b| b.cell);
    let pinned = cells
        .iter()
        .filter(|b| b.is_pinned())
        .map(|b| b.cell)
        .collect();
    let pinned_if_primaries_known = cells
        .iter()
        .filter(|b| b.is_pinned_if_primaries_known())
        .map(|b| b.cell)
        .collect();
    Ok(Audit {
        suppress_below,
        cells,
        pinned,
        pinned_if_primaries_known,
        groups,
        largest_group: largest,
        exact_solver_calls: exact_calls,
    })
}

/// The suppressed cells linked to `seed` through relations (sorted).
pub(crate) fn group_of(set: &PublishedSet, suppressed: &[bool], seed: usize) -> Vec<usize> {
    // A set of the group's cells, not a flag per cell of the set: a group is a few
    // cells of one trust, the set a whole country's, and this runs for every trial.
    let mut in_group: foldhash::HashSet<usize> = [seed].into_iter().collect();
    let mut stack = vec![seed];
    let mut group = Vec::new();
    while let Some(cell) = stack.pop() {
        group.push(cell);
        for &r in set.rows_of(cell) {
            for &(other, _) in &set.rows()[r].terms {
                if suppressed[other] && in_group.insert(other) {
                    stack.push(other);
                }
            }
        }
    }
    group.sort_unstable();
    group
}

/// The top of the protection range: `suppress_below - 1`, except that with
/// `suppress_below == 2` ("two of 1..1" cannot be met) a hidden 1 must also
/// be possibly 2.
pub(crate) fn protection_top(suppress_below: u32) -> i64 {
    (i64::from(suppress_below) - 1).max(2)
}

/// Is `value` in `1..suppress_below-1`?
pub(crate) fn is_small(value: u64, suppress_below: u32) -> bool {
    value >= 1 && value < u64::from(suppress_below)
}

/// Audits one group; returns its cells' bounds and the exact solver calls made.
pub(crate) fn audit_group(
    set: &PublishedSet,
    suppressed: &[bool],
    group: Vec<usize>,
    suppress_below: u32,
    mode: Mode,
) -> Result<(Vec<CellBounds>, usize), DisclosureError> {
    audit_some(set, suppressed, group, suppress_below, mode, None)
}

/// Like `audit_group`, but when `only` is given, settles only the feasible
/// small values of those cells (no `lo`/`hi`: theirs are propagation's outer
/// bounds) and returns only them: `protect` uses it to re-check the few cells
/// whose status a new complement can change.
pub(crate) fn audit_some(
    set: &PublishedSet,
    suppressed: &[bool],
    group: Vec<usize>,
    suppress_below: u32,
    mode: Mode,
    only: Option<&[usize]>,
) -> Result<(Vec<CellBounds>, usize), DisclosureError> {
    let sys = System::build(set, suppressed, group);
    let n = sys.len();
    let small_top = protection_top(suppress_below);
    let primary: Vec<bool> = sys
        .truth
        .iter()
        .map(|&v| is_small(v as u64, suppress_below))
        .collect();
    let mut solver = Analysis {
        sys: &sys,
        mode,
        exact_calls: 0,
        start: Domains {
            lo: Vec::new(),
            hi: Vec::new(),
        },
        rays: Vec::new(),
    };

    let unaware = Domains {
        lo: vec![0; n],
        hi: vec![INF; n],
    };
    let selected: Vec<bool> = match only {
        None => vec![true; n],
        Some(cells) => {
            let wanted: foldhash::HashSet<usize> = cells.iter().copied().collect();
            sys.cells.iter().map(|c| wanted.contains(c)).collect()
        }
    };
    let bounds_for: Vec<bool> = selected.iter().map(|&s| s && only.is_none()).collect();
    let a = solver.analyse(&unaware, &bounds_for, &selected, small_top)?;

    let knows_primaries =
        suppress_below >= 3 && primary.iter().zip(&selected).any(|(&p, &s)| p && s);
    let b = if knows_primaries {
        let knows = Domains {
            lo: primary.iter().map(|&p| if p { 1 } else { 0 }).collect(),
            hi: primary
                .iter()
                .map(|&p| if p { small_top } else { INF })
                .collect(),
        };
        let none = vec![false; n];
        let wanted: Vec<bool> = primary
            .iter()
            .zip(&selected)
            .map(|(&p, &s)| p && s)
            .collect();
        solver.analyse(&knows, &none, &wanted, small_top)?
    } else {
        vec![VarResult::default(); n]
    };

    let bounds = (0..n)
        .filter(|&var| selected[var])
        .map(|var| CellBounds {
            cell: CellId(sys.cells[var]),
            primary: primary[var],
            lo: a[var].lo as u64,
            hi: a[var].hi.map(|h| h as u64),
            feasible_small: a[var].small.clone(),
            feasible_small_if_primaries_known: (knows_primaries && primary[var])
                .then(|| b[var].small.clone()),
        })
        .collect();
    Ok((bounds, solver.exact_calls))
}

#[derive(Clone, Debug, Default)]
struct VarResult {
    lo: i64,
    hi: Option<i64>,
    small: Vec<u64>,
}

struct Analysis<'a> {
    sys: &'a System,
    mode: Mode,
    exact_calls: usize,
    /// The reader's own domains (not the propagated ones), for the exact solver.
    start: Domains,
    /// Checked rays of the current analysis (see `highest`).
    rays: Vec<Vec<i64>>,
}

/// Domains for rays: a cell bounded in the reader's domains cannot move.
fn cone_domains(start: &Domains) -> Domains {
    Domains {
        lo: vec![0; start.lo.len()],
        hi: start
            .hi
            .iter()
            .map(|&h| if h < INF { 0 } else { INF })
            .collect(),
    }
}

/// Runs the greedy search towards `wanted` values until a round answers no
/// new question, adding each witness to the pool; on a failed round, retries
/// with half the targets.
fn cover(sys: &System, dom: &Domains, pool: &mut Pool, mut wanted: Vec<Option<i64>>) {
    let mut failures = 0;
    for _ in 0..8 {
        for (var, w) in wanted.iter_mut().enumerate() {
            if w.is_some_and(|value| pool.has(var, value)) {
                *w = None;
            }
        }
        let open: Vec<usize> = (0..wanted.len()).filter(|&v| wanted[v].is_some()).collect();
        if open.is_empty() {
            return;
        }
        match sys.greedy_towards(dom, None, &wanted) {
            Search::Found(w) => {
                let answered = open.iter().any(|&v| Some(w[v]) == wanted[v]);
                pool.0.push(w);
                if !answered {
                    return;
                }
            }
            _ => {
                failures += 1;
                if failures > 2 {
                    return;
                }
                for &v in &open[open.len().div_ceil(2)..] {
                    wanted[v] = None;
                }
            }
        }
    }
}

impl Analysis<'_> {
    fn stop(&self, stop: Stop) -> DisclosureError {
        match stop {
            Stop::Overflow => DisclosureError::Overflow {
                cells: self.sys.len(),
            },
            Stop::NodeLimit(nodes) => DisclosureError::SolverLimit {
                cells: self.sys.len(),
                nodes,
            },
        }
    }

    /// The exact solver over the reader's domains, with `fix` pinning one unknown.
    fn exact(
        &mut self,
        fix: Option<(usize, i64)>,
        objective: &[i64],
    ) -> Result<Integer, DisclosureError> {
        self.exact_calls += 1;
        let mut dom = self.start.clone();
        if let Some((var, value)) = fix {
            dom.lo[var] = value;
            dom.hi[var] = value;
        }
        integer_optimum(self.sys, &dom, objective).map_err(|s| self.stop(s))
    }

    /// The greatest (`up`) or least value of `var` by bisection between the
    /// best witnessed value and propagation's bound: a half is dropped only
    /// when propagation proves it empty, a value is kept only when a witness
    /// takes it, so the answer is exact; `None` when neither settles a step.
    fn bisect(&self, dom: &Domains, pool: &mut Pool, var: usize, up: bool) -> Option<i64> {
        let sys = self.sys;
        let witnessed = pool.0.iter().map(|w| w[var]);
        let (mut seen, mut bound) = if up {
            (witnessed.max()?, dom.hi[var])
        } else {
            (witnessed.min()?, dom.lo[var])
        };
        let mut target = vec![None; sys.len()];
        while seen != bound {
            // Is any value strictly beyond `seen`, halfway towards `bound`, feasible?
            let mid = if up {
                seen + (bound - seen + 1) / 2
            } else {
                seen - (seen - bound + 1) / 2
            };
            let mut half = dom.clone();
            if up {
                half.lo[var] = mid;
                half.hi[var] = bound;
            } else {
                half.lo[var] = bound;
                half.hi[var] = mid;
            }
            match sys.propagate_from(&mut half, var) {
                Propagation::Empty => {
                    bound = if up { mid - 1 } else { mid + 1 };
                    continue;
                }
                Propagation::GaveUp => return None,
                Propagation::Consistent => {}
            }
            target[var] = Some(if up { half.hi[var] } else { half.lo[var] });
            let Search::Found(w) = sys.greedy_towards(&half, None, &target) else {
                return None;
            };
            // Every solution beyond `mid` lies within `half`.
            bound = if up { half.hi[var] } else { half.lo[var] };
            seen = w[var];
            pool.0.push(w);
        }
        Some(seen)
    }

    /// The greedy search with each preference in turn.
    fn witness(&self, dom: &Domains, fix: (usize, i64), first: Prefer) -> Search {
        if let Some(w) = self.sys.local_witness(dom, fix.0, fix.1) {
            return Search::Found(w);
        }
        let mut order = vec![first];
        for p in [Prefer::Truth, Prefer::Low, Prefer::High] {
            if p != first {
                order.push(p);
            }
        }
        for prefer in order {
            match self.sys.greedy(dom, Some(fix), prefer) {
                Search::Unknown => continue,
                found_or_infeasible => return found_or_infeasible,
            }
        }
        Search::Unknown
    }

    /// Exact bounds (for `bounds_for`) and feasible values in `1..=small_top`
    /// (for `small_for`) of each unknown within the `start` domains, which
    /// the published values always satisfy.
    fn analyse(
        &mut self,
        start: &Domains,
        bounds_for: &[bool],
        small_for: &[bool],
        small_top: i64,
    ) -> Result<Vec<VarResult>, DisclosureError> {
        let sys = self.sys;
        let n = sys.len();
        self.start = start.clone();
        self.rays.clear();
        let mut dom = start.clone();
        match sys.propagate(&mut dom) {
            Propagation::Consistent => {}
            Propagation::GaveUp => dom = start.clone(),
            Propagation::Empty => {
                return Err(DisclosureError::Internal(
                    "propagation ruled out the published values".into(),
                ));
            }
        }
        let mut out = vec![VarResult::default(); n];
        if n == 1 && self.mode == Mode::Fast {
            // One unknown: every row is an interval for it and propagation
            // intersected them all, so [lo, hi] is exactly its feasible set.
            let (lo, hi) = (dom.lo[0], dom.hi[0]);
            out[0] = VarResult {
                lo,
                hi: (hi < INF).then_some(hi),
                small: (1..=small_top)
                    .filter(|&v| small_for[0] && v >= lo && v <= hi)
                    .map(|v| v as u64)
                    .collect(),
            };
            return Ok(out);
        }
        let mut pool = Pool(vec![sys.truth.clone()]);
        // With few cells asked about (protect's trials), per-cell searches are cheaper.
        let asked = small_for.iter().filter(|&&f| f).count();
        if self.mode == Mode::Fast && asked * 4 > n {
            // Witnesses that answer many questions at once: one leaning to
            // every cell's least value, one to every greatest, one per small
            // value; each question they leave open is asked on its own below.
            let wanted = |f: &dyn Fn(usize) -> Option<i64>| (0..n).map(f).collect::<Vec<_>>();
            cover(
                sys,
                &dom,
                &mut pool,
                wanted(&|v| bounds_for[v].then_some(dom.lo[v])),
            );
            cover(
                sys,
                &dom,
                &mut pool,
                wanted(&|v| (bounds_for[v] && dom.hi[v] < INF).then_some(dom.hi[v])),
            );
            for value in 1..=small_top {
                cover(
                    sys,
                    &dom,
                    &mut pool,
                    wanted(&|v| {
                        (small_for[v] && dom.lo[v] <= value && value <= dom.hi[v]).then_some(value)
                    }),
                );
            }
            // Rays for every cell with no upper bound from propagation.
            let cone = sys.homogeneous();
            let cone_dom = cone_domains(start);
            let mut targets = wanted(&|v| {
                (bounds_for[v] && dom.hi[v] >= INF && cone_dom.hi[v] >= INF).then_some(1)
            });
            for _ in 0..4 {
                if targets.iter().all(Option::is_none) {
                    break;
                }
                let Search::Found(r) = cone.greedy_towards(&cone_dom, None, &targets) else {
                    break;
                };
                if !(cone.satisfied(&r) && r.iter().zip(&cone_dom.hi).all(|(&v, &h)| v <= h)) {
                    break;
                }
                let before = targets.iter().filter(|t| t.is_some()).count();
                for (t, &rv) in targets.iter_mut().zip(&r) {
                    if rv >= 1 {
                        *t = None;
                    }
                }
                let progress = targets.iter().filter(|t| t.is_some()).count() < before;
                self.rays.push(r);
                if !progress {
                    break;
                }
            }
        }
        for var in 0..n {
            let (lo, hi) = if bounds_for[var] {
                (
                    self.lowest(&dom, &mut pool, var)?,
                    self.highest(start, &dom, &mut pool, var)?,
                )
            } else {
                (dom.lo[var], (dom.hi[var] < INF).then_some(dom.hi[var]))
            };
            let mut small = Vec::new();
            if small_for[var] {
                for v in 1..=small_top {
                    if v >= lo
                        && hi.is_none_or(|h| v <= h)
                        && self.feasible(&dom, &mut pool, var, v)?
                    {
                        small.push(v as u64);
                    }
                }
            }
            out[var] = VarResult { lo, hi, small };
        }
        Ok(out)
    }

    fn lowest(
        &mut self,
        dom: &Domains,
        pool: &mut Pool,
        var: usize,
    ) -> Result<i64, DisclosureError> {
        if self.mode == Mode::Fast {
            let candidate = dom.lo[var];
            if pool.has(var, candidate) {
                return Ok(candidate);
            }
            if let Search::Found(w) = self.witness(dom, (var, candidate), Prefer::Low) {
                pool.0.push(w);
                return Ok(candidate);
            }
            if let Some(lo) = self.bisect(dom, pool, var, false) {
                return Ok(lo);
            }
        }
        let mut objective = vec![0; self.sys.len()];
        objective[var] = -1;
        match self.exact(None, &objective)? {
            Integer::Optimal(z, point) => {
                pool.0.push(point);
                Ok(-z)
            }
            other => Err(DisclosureError::Internal(format!(
                "least value of a suppressed cell: {other:?}"
            ))),
        }
    }

    fn highest(
        &mut self,
        start: &Domains,
        dom: &Domains,
        pool: &mut Pool,
        var: usize,
    ) -> Result<Option<i64>, DisclosureError> {
        let sys = self.sys;
        if self.mode == Mode::Fast {
            if dom.hi[var] < INF {
                let candidate = dom.hi[var];
                if pool.has(var, candidate) {
                    return Ok(Some(candidate));
                }
                if let Search::Found(w) = self.witness(dom, (var, candidate), Prefer::High) {
                    pool.0.push(w);
                    return Ok(Some(candidate));
                }
                if let Some(hi) = self.bisect(dom, pool, var, true) {
                    return Ok(Some(hi));
                }
            } else {
                // A ray r >= 0 of the rows with r_var >= 1 (cells bounded in
                // `start` cannot move along it): published values + k·r is a
                // solution for every k, so the cell is unbounded above.
                if self.rays.iter().any(|r| r[var] >= 1) {
                    return Ok(None);
                }
                let cone = sys.homogeneous();
                let cone_dom = cone_domains(start);
                if let Search::Found(r) = cone.greedy(&cone_dom, Some((var, 1)), Prefer::Low)
                    && cone.satisfied(&r)
                    && r.iter().zip(&cone_dom.hi).all(|(&v, &h)| v <= h)
                {
                    return Ok(None);
                }
            }
        }
        let mut objective = vec![0; sys.len()];
        objective[var] = 1;
        match self.exact(None, &objective)? {
            Integer::Optimal(z, point) => {
                pool.0.push(point);
                Ok(Some(z))
            }
            Integer::Unbounded => Ok(None),
            Integer::Infeasible => Err(DisclosureError::Internal(
                "greatest value of a suppressed cell: no solution".into(),
            )),
        }
    }

    fn feasible(
        &mut self,
        dom: &Domains,
        pool: &mut Pool,
        var: usize,
        value: i64,
    ) -> Result<bool, DisclosureError> {
        if value < dom.lo[var] || value > dom.hi[var] {
            return Ok(false);
        }
        if self.mode == Mode::Fast {
            if pool.has(var, value) {
                return Ok(true);
            }
            match self.witness(dom, (var, value), Prefer::Truth) {
                Search::Found(w) => {
                    pool.0.push(w);
                    return Ok(true);
                }
                Search::Infeasible => return Ok(false),
                Search::Unknown => {}
            }
        }
        match self.exact(Some((var, value)), &vec![0; self.sys.len()])? {
            Integer::Optimal(_, point) => {
                pool.0.push(point);
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

/// Integer solutions found so far: each proves its values feasible.
struct Pool(Vec<Vec<i64>>);

impl Pool {
    fn has(&self, var: usize, value: i64) -> bool {
        self.0.iter().any(|w| w[var] == value)
    }
}
