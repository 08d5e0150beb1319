//! The shape of the whole run, fixed before any trust is written: how many schools each
//! trust has and which URN each school gets. Everything else is drawn per trust, from
//! the trust's own random stream.

use super::rng::Rng;

/// The largest trusts hold about this many schools (England's biggest hold 50–80).
const LARGE_TRUST: usize = 60;

/// The Pareto shape of trust sizes: most trusts small, a few large.
const SIZE_SHAPE: f64 = 1.1;

/// Six-digit URNs: 100000..=999999.
const URN_BASE: u64 = 100_000;
pub(super) const URN_SPACE: u64 = 900_000;

/// Trust sizes and URNs for a run.
#[derive(Debug)]
pub(super) struct Plan {
    /// Schools per trust; each at least 1, summing to the requested schools.
    pub sizes: Vec<usize>,
    /// The global index of each trust's first school.
    pub first_school: Vec<usize>,
    urn_start: u64,
    urn_step: u64,
}

impl Plan {
    pub fn new(seed: u64, trusts: usize, schools: usize) -> Plan {
        // Stream u64::MAX is reserved for the plan; trusts use streams 0, 1, 2, ...
        let mut rng = Rng::stream(seed, u64::MAX);
        let sizes = trust_sizes(&mut rng, trusts, schools);
        let mut first_school = Vec::with_capacity(trusts);
        let mut next = 0;
        for &size in &sizes {
            first_school.push(next);
            next += size;
        }
        // URNs walk the six-digit space with a step coprime to its size, so the first
        // URN_SPACE schools all get distinct URNs without remembering which are taken.
        let urn_start = rng.below(URN_SPACE);
        let mut urn_step = 1 + rng.below(URN_SPACE - 1);
        while [2, 3, 5].iter().any(|&p| urn_step.is_multiple_of(p)) {
            urn_step = 1 + rng.below(URN_SPACE - 1);
        }
        Plan {
            sizes,
            first_school,
            urn_start,
            urn_step,
        }
    }

    /// The URN of the school with this global index (< URN_SPACE).
    pub fn urn(&self, school: usize) -> u32 {
        let offset = (self.urn_start + school as u64 * self.urn_step) % URN_SPACE;
        (URN_BASE + offset) as u32
    }
}

/// Splits `schools` over `trusts` (schools >= trusts >= 1): every trust gets one, the
/// rest go in proportion to Pareto-distributed weights, capped at LARGE_TRUST (or twice
/// the mean when the mean is larger), with what the cap holds back handed on to the
/// others in proportion again.
fn trust_sizes(rng: &mut Rng, trusts: usize, schools: usize) -> Vec<usize> {
    let weights: Vec<f64> = (0..trusts)
        .map(|_| (1.0 - rng.f64()).powf(-1.0 / SIZE_SHAPE))
        .collect();
    let cap = LARGE_TRUST.max(2 * schools.div_ceil(trusts));
    let mut sizes = vec![1usize; trusts];
    let mut left = schools - trusts;
    while left > 0 {
        let open: Vec<usize> = (0..trusts).filter(|&i| sizes[i] < cap).collect();
        let total: f64 = open.iter().map(|&i| weights[i]).sum();
        let mut given = 0;
        for &i in &open {
            let share = (left as f64 * weights[i] / total).floor() as usize;
            let share = share.min(cap - sizes[i]).min(left - given);
            sizes[i] += share;
            given += share;
        }
        if given == 0 {
            // What is left is smaller than any proportional share: one each to the
            // heaviest trusts that still have room.
            let mut order = open;
            order.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]).then(a.cmp(&b)));
            for &i in order.iter().cycle() {
                if left == 0 {
                    break;
                }
                if sizes[i] < cap {
                    sizes[i] += 1;
                    left -= 1;
                }
            }
        } else {
            left -= given;
        }
    }
    sizes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_sum_to_the_request_and_are_uneven() {
        for (trusts, schools) in [(1, 1), (3, 20), (5, 5), (7, 500), (2500, 10_000)] {
            let plan = Plan::new(42, trusts, schools);
            assert_eq!(plan.sizes.len(), trusts);
            assert_eq!(plan.sizes.iter().sum::<usize>(), schools);
            assert!(plan.sizes.iter().all(|&s| s >= 1));
        }
        let plan = Plan::new(42, 2500, 10_000);
        let small = plan.sizes.iter().filter(|&&s| s <= 5).count();
        let large = plan.sizes.iter().filter(|&&s| s >= 20).count();
        assert!(small > 2000, "most trusts are small: {small}");
        assert!(large >= 10, "a few trusts are large: {large}");
        assert!(plan.sizes.iter().all(|&s| s <= LARGE_TRUST));
    }

    #[test]
    fn urns_are_unique_six_digit_numbers() {
        let plan = Plan::new(7, 10, 50_000);
        let mut urns: Vec<u32> = (0..50_000).map(|i| plan.urn(i)).collect();
        assert!(urns.iter().all(|&u| (100_000..=999_999).contains(&u)));
        urns.sort_unstable();
        urns.dedup();
        assert_eq!(urns.len(), 50_000);
    }
}
