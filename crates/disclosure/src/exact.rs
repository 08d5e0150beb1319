//! The exact fallback: integer optimisation over one group by branch and
//! bound on a simplex in exact rational arithmetic.
//!
//! It is only called for what propagation and witnesses leave open, so it is
//! written for clarity over speed: a dense tableau, Bland's rule (no cycling),
//! `i128` fractions with overflow checks. Every answer is exact: an optimum
//! is an integer point checked against the rows; "infeasible" comes from an
//! exact phase-one optimum below zero; "unbounded" from an exact ray of the
//! relaxation together with a known integer point (for rational data the
//! integer hull then has the same ray, Meyer 1974).

use super::system::{Domains, INF, System};

/// Arithmetic overflow of `i128`; the caller turns it into a `DisclosureError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overflow;

type Res<T> = Result<T, Overflow>;

/// A fraction `n / d` in lowest terms with `d > 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rat {
    n: i128,
    d: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Rat {
    const ZERO: Rat = Rat { n: 0, d: 1 };

    fn int(n: i64) -> Rat {
        Rat {
            n: i128::from(n),
            d: 1,
        }
    }

    fn new(n: i128, d: i128) -> Res<Rat> {
        if d == 0 {
            return Err(Overflow);
        }
        let g = gcd(n, d).max(1);
        let (n, d) = (n / g, d / g);
        if d < 0 {
            Ok(Rat {
                n: n.checked_neg().ok_or(Overflow)?,
                d: d.checked_neg().ok_or(Overflow)?,
            })
        } else {
            Ok(Rat { n, d })
        }
    }

    fn add(self, o: Rat) -> Res<Rat> {
        if self.d == 1 && o.d == 1 {
            return Ok(Rat {
                n: self.n.checked_add(o.n).ok_or(Overflow)?,
                d: 1,
            });
        }
        let g = gcd(self.d, o.d);
        let (a, b) = (self.d / g, o.d / g);
        let n = self
            .n
            .checked_mul(b)
            .and_then(|x| o.n.checked_mul(a).and_then(|y| x.checked_add(y)))
            .ok_or(Overflow)?;
        Rat::new(n, self.d.checked_mul(b).ok_or(Overflow)?)
    }

    fn neg(self) -> Rat {
        Rat {
            n: -self.n,
            d: self.d,
        }
    }

    fn sub(self, o: Rat) -> Res<Rat> {
        self.add(o.neg())
    }

    fn mul(self, o: Rat) -> Res<Rat> {
        if self.d == 1 && o.d == 1 {
            return Ok(Rat {
                n: self.n.checked_mul(o.n).ok_or(Overflow)?,
                d: 1,
            });
        }
        let g1 = gcd(self.n, o.d).max(1);
        let g2 = gcd(o.n, self.d).max(1);
        let n = (self.n / g1).checked_mul(o.n / g2).ok_or(Overflow)?;
        let d = (self.d / g2).checked_mul(o.d / g1).ok_or(Overflow)?;
        Rat::new(n, d)
    }

    fn div(self, o: Rat) -> Res<Rat> {
        if o.d == 1 && (o.n == 1 || o.n == -1) {
            return Ok(Rat {
                n: self.n * o.n,
                d: self.d,
            });
        }
        self.mul(Rat::new(o.d, o.n)?)
    }

    fn is_zero(self) -> bool {
        self.n == 0
    }

    fn positive(self) -> bool {
        self.n > 0
    }

    fn is_integer(self) -> bool {
        self.d == 1
    }

    fn floor(self) -> i128 {
        self.n.div_euclid(self.d)
    }

    fn cmp(self, o: Rat) -> std::cmp::Ordering {
        // Denominators are positive; products fit for the small values used here.
        (self.n * o.d).cmp(&(o.n * self.d))
    }
}

/// `Σ coef·x (<=, ==, >=) rhs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sense {
    Le,
    Eq,
    Ge,
}

#[derive(Clone, Debug)]
struct Con {
    terms: Vec<(usize, i64)>,
    rhs: i64,
    sense: Sense,
}

enum Lp {
    Infeasible,
    Unbounded,
    Optimal(Rat, Vec<Rat>),
}

/// Maximises `objective · x` over `x >= 0` and `cons` (two-phase simplex).
fn solve_lp(n: usize, cons: &[Con], objective: &[i64]) -> Res<Lp> {
    let m = cons.len();
    let slacks = cons.iter().filter(|c| c.sense != Sense::Eq).count();
    let mut ncols = n + slacks;
    let mut art_start = ncols;
    let mut tab = vec![vec![Rat::ZERO; 0]; m];
    let mut rhs = vec![Rat::ZERO; m];
    let mut basis = vec![0usize; m];
    let mut needs_art = Vec::new();
    let mut slack_col = n;
    for (i, con) in cons.iter().enumerate() {
        let flip = con.rhs < 0;
        let s: i64 = if flip { -1 } else { 1 };
        let sense = match (con.sense, flip) {
            (Sense::Le, true) => Sense::Ge,
            (Sense::Ge, true) => Sense::Le,
            (sense, _) => sense,
        };
        let mut row = vec![Rat::ZERO; ncols];
        for &(var, coef) in &con.terms {
            row[var] = row[var].add(Rat::int(s * coef))?;
        }
        rhs[i] = Rat::int(s * con.rhs);
        if con.sense != Sense::Eq {
            row[slack_col] = Rat::int(if sense == Sense::Le { 1 } else { -1 });
            if sense == Sense::Le {
                basis[i] = slack_col;
            } else {
                needs_art.push(i);
            }
            slack_col += 1;
        } else {
            needs_art.push(i);
        }
        tab[i] = row;
    }
    art_start = art_start.max(ncols);
    ncols += needs_art.len();
    for row in &mut tab {
        row.resize(ncols, Rat::ZERO);
    }
    for (k, &i) in needs_art.iter().enumerate() {
        tab[i][art_start + k] = Rat::int(1);
        basis[i] = art_start + k;
    }
    let mut lp = Tableau {
        tab,
        rhs,
        basis,
        allowed: vec![true; ncols],
    };
    if !needs_art.is_empty() {
        let cost: Vec<Rat> = (0..ncols)
            .map(|j| Rat::int(if j >= art_start { -1 } else { 0 }))
            .collect();
        // Phase one is bounded by 0, so it always ends optimal.
        lp.maximise(&cost)?;
        let mut value = Rat::ZERO;
        for i in 0..m {
            value = value.add(cost[lp.basis[i]].mul(lp.rhs[i])?)?;
        }
        if value.n < 0 {
            return Ok(Lp::Infeasible);
        }
        for i in 0..m {
            if lp.basis[i] >= art_start
                && let Some(j) = (0..art_start).find(|&j| !lp.tab[i][j].is_zero())
            {
                lp.pivot(i, j)?;
            }
        }
        for j in art_start..ncols {
            lp.allowed[j] = false;
        }
    }
    let cost: Vec<Rat> = (0..ncols)
        .map(|j| Rat::int(if j < n { objective[j] } else { 0 }))
        .collect();
    if !lp.maximise(&cost)? {
        return Ok(Lp::Unbounded);
    }
    let mut x = vec![Rat::ZERO; n];
    let mut value = Rat::ZERO;
    for i in 0..m {
        if lp.basis[i] < n {
            x[lp.basis[i]] = lp.rhs[i];
        }
        value = value.add(cost[lp.basis[i]].mul(lp.rhs[i])?)?;
    }
    Ok(Lp::Optimal(value, x))
}

struct Tableau {
    tab: Vec<Vec<Rat>>,
    rhs: Vec<Rat>,
    basis: Vec<usize>,
    allowed: Vec<bool>,
}

impl Tableau {
    /// Primal simplex with Bland's rule; `false` when unbounded.
    fn maximise(&mut self, cost: &[Rat]) -> Res<bool> {
        let ncols = cost.len();
        loop {
            let mut basic = vec![false; ncols];
            for &b in &self.basis {
                basic[b] = true;
            }
            // Only rows whose basic column has a cost contribute to reduced costs.
            let costed: Vec<usize> = (0..self.tab.len())
                .filter(|&i| !cost[self.basis[i]].is_zero())
                .collect();
            let mut entering = None;
            for j in 0..ncols {
                if basic[j] || !self.allowed[j] {
                    continue;
                }
                let mut reduced = cost[j];
                for &i in &costed {
                    if !self.tab[i][j].is_zero() {
                        reduced = reduced.sub(cost[self.basis[i]].mul(self.tab[i][j])?)?;
                    }
                }
                if reduced.positive() {
                    entering = Some(j);
                    break;
                }
            }
            let Some(j) = entering else {
                return Ok(true);
            };
            let mut leaving: Option<(usize, Rat)> = None;
            for i in 0..self.tab.len() {
                if self.tab[i][j].positive() {
                    let ratio = self.rhs[i].div(self.tab[i][j])?;
                    let better = match leaving {
                        None => true,
                        Some((l, best)) => match ratio.cmp(best) {
                            std::cmp::Ordering::Less => true,
                            std::cmp::Ordering::Equal => self.basis[i] < self.basis[l],
                            std::cmp::Ordering::Greater => false,
                        },
                    };
                    if better {
                        leaving = Some((i, ratio));
                    }
                }
            }
            let Some((i, _)) = leaving else {
                return Ok(false);
            };
            self.pivot(i, j)?;
        }
    }

    fn pivot(&mut self, i: usize, j: usize) -> Res<()> {
        let p = self.tab[i][j];
        for v in self.tab[i].iter_mut() {
            *v = v.div(p)?;
        }
        self.rhs[i] = self.rhs[i].div(p)?;
        let pivot_row = self.tab[i].clone();
        let pivot_rhs = self.rhs[i];
        for r in 0..self.tab.len() {
            if r == i || self.tab[r][j].is_zero() {
                continue;
            }
            let f = self.tab[r][j];
            for (v, &pv) in self.tab[r].iter_mut().zip(&pivot_row) {
                if !pv.is_zero() {
                    *v = v.sub(f.mul(pv)?)?;
                }
            }
            self.rhs[r] = self.rhs[r].sub(f.mul(pivot_rhs)?)?;
        }
        self.basis[i] = j;
        Ok(())
    }
}

/// The answer of an integer optimisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Integer {
    Infeasible,
    Unbounded,
    /// The optimum value and an integer point attaining it.
    Optimal(i64, Vec<i64>),
}

/// Why the exact solver stopped without an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    Overflow,
    NodeLimit(usize),
}

/// Branch-and-bound nodes per call; far above what these systems need
/// (their rows are totally unimodular in the shapes the report builds, so
/// the first relaxation is already integral).
const NODE_LIMIT: usize = 20_000;

/// Exact integer optimum of `objective · x` over the system within `dom`
/// (`objective` all zero: any integer point, i.e. a feasibility test).
pub(crate) fn integer_optimum(
    sys: &System,
    dom: &Domains,
    objective: &[i64],
) -> Result<Integer, Stop> {
    let n = sys.len();
    let mut base: Vec<Con> = sys
        .rows
        .iter()
        .map(|row| Con {
            terms: row.terms.clone(),
            rhs: row.rhs,
            sense: if row.equality { Sense::Eq } else { Sense::Le },
        })
        .collect();
    for var in 0..n {
        if dom.lo[var] == dom.hi[var] {
            base.push(Con {
                terms: vec![(var, 1)],
                rhs: dom.lo[var],
                sense: Sense::Eq,
            });
            continue;
        }
        if dom.lo[var] > 0 {
            base.push(Con {
                terms: vec![(var, 1)],
                rhs: dom.lo[var],
                sense: Sense::Ge,
            });
        }
        if dom.hi[var] < INF {
            base.push(Con {
                terms: vec![(var, 1)],
                rhs: dom.hi[var],
                sense: Sense::Le,
            });
        }
    }
    let feasibility = objective.iter().all(|&c| c == 0);
    let mut best: Option<(i64, Vec<i64>)> = None;
    let mut stack: Vec<Vec<Con>> = vec![Vec::new()];
    let mut nodes = 0usize;
    while let Some(extra) = stack.pop() {
        nodes += 1;
        if nodes > NODE_LIMIT {
            return Err(Stop::NodeLimit(nodes));
        }
        let mut cons = base.clone();
        cons.extend(extra.iter().cloned());
        let lp = solve_lp(n, &cons, objective).map_err(|_| Stop::Overflow)?;
        let (value, x) = match lp {
            Lp::Infeasible => continue,
            Lp::Unbounded => {
                if extra.is_empty() {
                    return Ok(Integer::Unbounded);
                }
                // A child of a bounded root is bounded; unreachable in practice.
                continue;
            }
            Lp::Optimal(value, x) => (value, x),
        };
        let bound = value.floor();
        if let Some((b, _)) = &best
            && bound <= i128::from(*b)
        {
            continue;
        }
        match x.iter().position(|v| !v.is_integer()) {
            None => {
                let point: Vec<i64> = x.iter().map(|v| v.n as i64).collect();
                let z: i128 = point
                    .iter()
                    .zip(objective)
                    .map(|(&p, &c)| i128::from(p) * i128::from(c))
                    .sum();
                best = Some((z as i64, point));
                if feasibility {
                    break;
                }
            }
            Some(k) => {
                let f = x[k].floor() as i64;
                let mut down = extra.clone();
                down.push(Con {
                    terms: vec![(k, 1)],
                    rhs: f,
                    sense: Sense::Le,
                });
                let mut up = extra;
                up.push(Con {
                    terms: vec![(k, 1)],
                    rhs: f + 1,
                    sense: Sense::Ge,
                });
                stack.push(down);
                stack.push(up);
            }
        }
    }
    Ok(match best {
        Some((z, point)) => Integer::Optimal(z, point),
        None => Integer::Infeasible,
    })
}
