//! Protection: primary suppression, then complementary cells until no
//! suppressed cell is pinned, then the audit as a guard.
//!
//! Complements are chosen greedily, one pinned cell at a time, in the manner
//! of tau-ARGUS's hypercube method and sdcTable's SIMPLEHEURISTIC: among the
//! shown cells that share a relation with the pinned cell's group, the
//! cheapest one whose suppression leaves that group unpinned (checked by the
//! exact audit of the merged group). The cost of a cell is
//! `(value + 1) × weight(cost class)`: hiding a small figure of a breakdown
//! loses less than hiding a large total. Ties go to a cell of a unit (school)
//! that already has a suppressed cell, then to the cheaper class, then to the
//! lower cell id, so the result is deterministic.

use std::collections::BTreeSet;

use foldhash::{HashMap, HashSet};

use super::audit::{CellBounds, Mode, audit, audit_some, check_threshold, group_of, is_small};
use super::error::DisclosureError;
use super::model::{CellId, PublishedSet};

/// The suppression pattern for a published set, and its audit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Protection {
    /// One flag per cell: `true` is written `c`.
    pub suppressed: Vec<bool>,
    /// Cells suppressed because their own value is in `1..suppress_below-1`.
    pub primary: usize,
    /// Cells suppressed to protect others.
    pub complements: usize,
    /// The independent audit of `suppressed`: `audit.pinned` is empty.
    pub audit: super::audit::Audit,
}

impl Protection {
    pub fn is_suppressed(&self, cell: CellId) -> bool {
        self.suppressed[cell.0]
    }
}

/// Suppresses every primary cell and the complements that protect them.
///
/// Errors when a pinned cell has no shown cell left that may be suppressed
/// (every candidate has `may_complement == false`), and, as a guard, when the
/// final audit still finds a pinned cell.
pub fn protect(set: &PublishedSet, suppress_below: u32) -> Result<Protection, DisclosureError> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    protect_on(set, suppress_below, workers, workers * SHARES_PER_WORKER)
}

/// [`protect`] on `workers` threads, the set cut into up to `count` shares: the result
/// does not depend on either.
pub(crate) fn protect_on(
    set: &PublishedSet,
    suppress_below: u32,
    workers: usize,
    count: usize,
) -> Result<Protection, DisclosureError> {
    check_threshold(suppress_below)?;
    let cells = set.cells();
    let primaries: Vec<bool> = cells
        .iter()
        .map(|c| is_small(c.value, suppress_below))
        .collect();
    let primary = primaries.iter().filter(|&&s| s).count();
    // Cells that share no relation and no unit never weigh on each other's choices (a
    // group, its candidates and a trial stay within the cells a relation links; the
    // preference for a unit with a suppressed cell stays within the unit): the set is
    // cut into such parts, dealt out to the cores, and each worker runs the same steps
    // over its parts as over the whole, in the same order within each part.
    // More shares than workers, each taken by whichever worker is free: parts differ in
    // cost, not only in size, and one fixed share per worker left a core idle while the
    // other finished (issue #20). The masks are taken in share order, so the first
    // error is the same however the shares were run.
    let shares = shares(set, count);
    let run = |share: &Vec<usize>| complements(set, suppress_below, &primaries, share);
    let masks: Vec<Result<Vec<bool>, DisclosureError>> = if workers > 1 && shares.len() > 1 {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut done: Vec<(usize, Result<Vec<bool>, DisclosureError>)> =
            std::thread::scope(|scope| {
                let running: Vec<_> = (0..workers.min(shares.len()))
                    .map(|_| {
                        scope.spawn(|| {
                            let mut done = Vec::new();
                            loop {
                                let at = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                let Some(share) = shares.get(at) else {
                                    return done;
                                };
                                done.push((at, run(share)));
                            }
                        })
                    })
                    .collect();
                running
                    .into_iter()
                    .flat_map(|worker| worker.join().expect("a disclosure worker panicked"))
                    .collect()
            });
        done.sort_by_key(|(at, _)| *at);
        done.into_iter().map(|(_, mask)| mask).collect()
    } else {
        shares.iter().map(run).collect()
    };
    let mut suppressed = primaries;
    for mask in masks {
        for (cell, hidden) in mask?.into_iter().enumerate() {
            suppressed[cell] |= hidden;
        }
    }
    let audit = audit(set, &suppressed, suppress_below)?;
    if let Some(first) = audit.pinned.first() {
        return Err(DisclosureError::StillPinned {
            count: audit.pinned.len(),
            label: cells[first.0].label.clone(),
        });
    }
    let total = suppressed.iter().filter(|&&s| s).count();
    Ok(Protection {
        suppressed,
        primary,
        complements: total - primary,
        audit,
    })
}

/// How many shares of the set each worker has on average (see [`protect`]).
const SHARES_PER_WORKER: usize = 8;

/// The cells of `set` dealt out to up to `count` shares, each a union of whole parts
/// (cells linked by relations or a unit, transitively), by part size, largest first,
/// each to the smallest share so far; every share's cells in cell order.
fn shares(set: &PublishedSet, count: usize) -> Vec<Vec<usize>> {
    let n = set.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut c: usize) -> usize {
        while parent[c] != c {
            parent[c] = parent[parent[c]];
            c = parent[c];
        }
        c
    }
    let mut join = |a: usize, b: usize| {
        let (a, b) = (root(&mut parent, a), root(&mut parent, b));
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    };
    for row in set.rows() {
        if let Some(&(first, _)) = row.terms.first() {
            for &(other, _) in &row.terms[1..] {
                join(first, other);
            }
        }
    }
    let mut unit_cell: HashMap<usize, usize> = HashMap::default();
    for (cell, spec) in set.cells().iter().enumerate() {
        if let Some(unit) = spec.unit {
            let first = *unit_cell.entry(unit).or_insert(cell);
            join(first, cell);
        }
    }
    let mut parts: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for cell in 0..n {
        let r = root(&mut parent, cell);
        parts.entry(r).or_default().push(cell);
    }
    let mut parts: Vec<Vec<usize>> = parts.into_values().collect();
    parts.sort_by_key(|part| std::cmp::Reverse(part.len()));
    let mut shares: Vec<Vec<usize>> = vec![Vec::new(); count.clamp(1, parts.len().max(1))];
    for part in parts {
        let smallest = (0..shares.len())
            .min_by_key(|&i| shares[i].len())
            .expect("at least one share");
        shares[smallest].extend(part);
    }
    for share in &mut shares {
        share.sort_unstable();
    }
    shares
}

/// The complements that protect the primaries of `share` (whole parts of the set):
/// the suppression mask of the whole set, in which only cells of `share` are added.
fn complements(
    set: &PublishedSet,
    suppress_below: u32,
    primaries: &[bool],
    share: &[usize],
) -> Result<Vec<bool>, DisclosureError> {
    let cells = set.cells();
    let mut suppressed = primaries.to_vec();
    let mut state = State {
        set,
        suppress_below,
        bounds: vec![None; cells.len()],
        // Primary cells a reader who knows them could pin and no single
        // complement frees: accepted (see `docs/decisions.md`).
        given_up: vec![false; cells.len()],
        hard: BTreeSet::new(),
        soft: BTreeSet::new(),
    };
    // The units (schools) with a suppressed cell, kept as cells are suppressed: a
    // national set has a hundred thousand cells, too many to look at for each pin.
    let mut units: HashSet<usize> = cells
        .iter()
        .zip(&suppressed)
        .filter(|&(_, &s)| s)
        .filter_map(|(c, _)| c.unit)
        .collect();
    let mut seen = vec![false; cells.len()];
    for &seed in share {
        if suppressed[seed] && !seen[seed] {
            for c in state.refresh(&suppressed, seed)? {
                seen[c] = true;
            }
        }
    }
    while let Some((target, hard)) = state.next_pinned() {
        let group = group_of(set, &suppressed, target);
        let candidates = candidates(set, &suppressed, &units, &group, target);
        if candidates.is_empty() {
            if hard {
                return Err(DisclosureError::CannotProtect {
                    label: cells[target].label.clone(),
                });
            }
            state.give_up(target, &suppressed);
            continue;
        }
        // The first (cheapest) candidate that frees the target without
        // pinning another cell (one primary at a time, as tau-ARGUS's
        // hypercube method does); failing that, for a hard pin, the first
        // that frees the target at all, else the cheapest, and go on; a soft
        // pin no single candidate frees is given up. (Suppressing a cell never
        // takes a value away from any reader, so a target that hiding every
        // candidate at once leaves pinned is one no single candidate frees: a
        // reader who knows the primaries can pin it whatever we do next to it,
        // e.g. c + c = c with values 1 + 1 = 2. Auditing that merged group first
        // to skip the single trials cost far more than they do: a sixth of a
        // national report, for no change in the pattern; issue #20.)
        let mut frees_target = None;
        let mut chosen = None;
        for &cand in candidates.iter().take(MAX_TRIALS) {
            let bounds = state.trial(&mut suppressed, cand, target)?;
            let target_free = bounds
                .iter()
                .find(|b| b.cell.0 == target)
                .is_some_and(|b| !b.is_pinned() && !b.is_pinned_if_primaries_known());
            if !target_free {
                continue;
            }
            let newly_pinned = bounds.iter().any(|b| {
                let before = state.bounds[b.cell.0].as_ref();
                (b.is_pinned() && before.is_none_or(|p| !p.is_pinned()))
                    || (b.is_pinned_if_primaries_known()
                        && before.is_none_or(|p| !p.is_pinned_if_primaries_known()))
            });
            if !newly_pinned {
                chosen = Some((cand, bounds));
                break;
            }
            if frees_target.is_none() && (hard || bounds.iter().all(|b| !b.is_pinned())) {
                frees_target = Some((cand, bounds));
            }
        }
        let chosen = match (chosen, frees_target) {
            (Some(c), _) | (None, Some(c)) => Some(c),
            (None, None) if hard => Some((
                candidates[0],
                state.trial(&mut suppressed, candidates[0], target)?,
            )),
            (None, None) => None,
        };
        match chosen {
            Some((cand, bounds)) => {
                suppressed[cand] = true;
                if let Some(unit) = cells[cand].unit {
                    units.insert(unit);
                }
                state.update(cand, &suppressed);
                for b in bounds {
                    state.set_bounds(b, &suppressed);
                }
            }
            None => state.give_up(target, &suppressed),
        }
    }
    Ok(suppressed)
}

struct State<'a> {
    set: &'a PublishedSet,
    suppress_below: u32,
    bounds: Vec<Option<CellBounds>>,
    given_up: Vec<bool>,
    /// The suppressed cells pinned under spec 02's rule, in cell order.
    hard: BTreeSet<usize>,
    /// The suppressed primaries a reader who knows the primaries could pin, not given
    /// up, in cell order.
    soft: BTreeSet<usize>,
}

impl State<'_> {
    /// Puts `cell` in [`State::hard`] and [`State::soft`] or takes it out, from its
    /// suppression, bounds and whether it was given up.
    fn update(&mut self, cell: usize, suppressed: &[bool]) {
        let bounds = self.bounds[cell].as_ref().filter(|_| suppressed[cell]);
        if bounds.is_some_and(|b| b.is_pinned()) {
            self.hard.insert(cell);
        } else {
            self.hard.remove(&cell);
        }
        if bounds.is_some_and(|b| b.is_pinned_if_primaries_known()) && !self.given_up[cell] {
            self.soft.insert(cell);
        } else {
            self.soft.remove(&cell);
        }
    }

    fn set_bounds(&mut self, bounds: CellBounds, suppressed: &[bool]) {
        let cell = bounds.cell.0;
        self.bounds[cell] = Some(bounds);
        self.update(cell, suppressed);
    }

    fn give_up(&mut self, cell: usize, suppressed: &[bool]) {
        self.given_up[cell] = true;
        self.update(cell, suppressed);
    }

    /// Re-audits the group of `seed`; returns its cells.
    fn refresh(&mut self, suppressed: &[bool], seed: usize) -> Result<Vec<usize>, DisclosureError> {
        let group = group_of(self.set, suppressed, seed);
        // Pinned status only: the exact bounds come from the final audit.
        let (bounds, _) = audit_some(
            self.set,
            suppressed,
            group.clone(),
            self.suppress_below,
            Mode::Fast,
            Some(&group),
        )?;
        for b in bounds {
            self.set_bounds(b, suppressed);
        }
        Ok(group)
    }

    /// Suppresses `cand` for a trial and re-checks the cells whose status that
    /// can change; `suppressed` is as it was on return. Suppressing one more cell keeps every
    /// solution a reader had (the new unknown takes its published value), so
    /// no cell loses a feasible value: only the target, the candidate, the
    /// cells pinned now and those with no small value at all (a complement
    /// known to be 0 or large, which could gain exactly one) need a look.
    fn trial(
        &self,
        suppressed: &mut [bool],
        cand: usize,
        target: usize,
    ) -> Result<Vec<CellBounds>, DisclosureError> {
        // Set in `suppressed` for the audit and shown again after it (a copy of a
        // national mask for each trial would cost more than the audit).
        debug_assert!(!suppressed[cand]);
        suppressed[cand] = true;
        let audited = self.audit_trial(suppressed, cand, target);
        suppressed[cand] = false;
        audited
    }

    fn audit_trial(
        &self,
        trial: &[bool],
        cand: usize,
        target: usize,
    ) -> Result<Vec<CellBounds>, DisclosureError> {
        let merged = group_of(self.set, trial, target);
        let check: Vec<usize> = merged
            .iter()
            .copied()
            .filter(|&c| {
                c == cand
                    || c == target
                    || self.bounds[c].as_ref().is_none_or(|b| {
                        b.is_pinned()
                            || b.feasible_small.is_empty()
                            || (b.is_pinned_if_primaries_known() && !self.given_up[c])
                    })
            })
            .collect();
        let (bounds, _) = audit_some(
            self.set,
            trial,
            merged,
            self.suppress_below,
            Mode::Fast,
            Some(&check),
        )?;
        Ok(bounds)
    }

    /// The first cell pinned under spec 02's rule (`hard`), else the first
    /// primary a reader who knows the primaries could pin and not yet given up.
    fn next_pinned(&self) -> Option<(usize, bool)> {
        let hard = self.hard.first().map(|&c| (c, true));
        hard.or_else(|| self.soft.first().map(|&c| (c, false)))
    }
}

/// Candidates tried per pinned cell before settling for the best partial one:
/// a bound on the work for a cell no single complement can free.
const MAX_TRIALS: usize = 8;

/// Shown cells that may be suppressed and share a relation with `group`:
/// those sharing a relation with `target` itself first, each part cheapest first.
/// `units` are those with a suppressed cell.
fn candidates(
    set: &PublishedSet,
    suppressed: &[bool],
    units: &HashSet<usize>,
    group: &[usize],
    target: usize,
) -> Vec<usize> {
    let cells = set.cells();
    let mut out: Vec<usize> = group
        .iter()
        .flat_map(|&g| set.rows_of(g).iter())
        .flat_map(|&r| set.rows()[r].terms.iter().map(|&(c, _)| c))
        .filter(|&c| !suppressed[c] && cells[c].may_complement)
        .collect();
    out.sort_unstable();
    out.dedup();
    let unit_has_suppressed = |unit: Option<usize>| unit.is_some_and(|u| units.contains(&u));
    let near: Vec<usize> = set
        .rows_of(target)
        .iter()
        .flat_map(|&r| set.rows()[r].terms.iter().map(|&(c, _)| c))
        .collect();
    out.sort_by_key(|&c| {
        let spec = &cells[c];
        (
            !near.contains(&c),
            cost(spec.value, spec.cost_class),
            !unit_has_suppressed(spec.unit),
            spec.cost_class,
            c,
        )
    });
    out
}

/// The information lost by suppressing a cell: `(value + 1) × class weight`.
pub fn cost(value: u64, class: super::model::CostClass) -> u64 {
    value.saturating_add(1).saturating_mul(class.weight())
}
