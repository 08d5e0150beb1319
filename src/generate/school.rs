//! One trust's bundle, school by school: staff, caseload, supervision contracts, then
//! the sessions of every half-term with their attendees, case discussions and actions.
//!
//! Each school draws a few traits first (its compliance propensity, how often it
//! supervises, whom, who holds its cases) and every row after follows from them, so
//! schools differ the way real ones do: some meet every rule, some drift.

use std::path::Path;
use std::sync::OnceLock;

use chrono::{Months, NaiveDate};

use super::calendar::{
    academic_year_of, add_days, add_working_days, date_between, days_between, weekday_between,
    year_start,
};
use super::names;
use super::rng::Rng;
use super::writer::{Bundle, Small, Written, boolean, date};
use super::{Ctx, GenerateError};
use crate::contract::Table;
use crate::model::{ActionStatus, CaseCategory, Function, Phase, Role, SessionKind, SessionStatus};

/// Nobody in a generated bundle started before this (ingest rejects dates before 1990).
fn earliest_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(1995, 9, 1).expect("a valid date")
}

/// The at-most-25 cases one session gets through (Captain Cook: ~20 in two hours).
const MAX_CASES_PER_SESSION: usize = 25;

/// The roles that receive supervision in some school's policy (spec 04's presets).
const SUPERVISEE_ROLES: [Role; 6] = [
    Role::Dsl,
    Role::Ddsl,
    Role::PastoralLead,
    Role::YearHead,
    Role::Senco,
    Role::FamilySupport,
];

/// Writes the bundle of trust `index` (0-based) with the given school URNs into `dir`.
/// Returns what was written and how many rows carry a planted defect.
pub(super) fn write_trust(
    dir: &Path,
    ctx: &Ctx,
    index: usize,
    urns: &[u32],
) -> Result<(Written, u64), GenerateError> {
    std::fs::create_dir_all(dir).map_err(super::writer::io_error(dir))?;
    let mut bundle = Bundle::create(dir)?;
    let mut rng = Rng::stream(ctx.seed, index as u64);
    let trust_id = trust_id(index);
    let trust_name = names::trust_name(&mut rng);
    // A trust works in one area, a large one in a few.
    let areas = 1 + rng.count(0, (urns.len() / 10).min(4));
    let las: Vec<&str> = (0..areas)
        .map(|_| *rng.pick(names::LOCAL_AUTHORITIES))
        .collect();
    let mut defects = 0;
    for &urn in urns {
        let phase = Phase::ALL[rng.weighted(&PHASE_WEIGHTS)];
        let school_name = names::school_name(&mut rng, phase);
        let la = *rng.pick(&las);
        let urn_text = Small::num(u64::from(urn));
        bundle.row(
            Table::Schools,
            [
                trust_id.as_bytes(),
                trust_name.as_bytes(),
                urn_text.as_bytes(),
                school_name.as_bytes(),
                phase.as_str().as_bytes(),
                la.as_bytes(),
            ],
        )?;
        let school = School::new(ctx, &mut bundle, &mut rng, urn, phase);
        defects += school.run()?;
    }
    Ok((bundle.finish()?, defects))
}

/// `TR0001` for index 0.
pub(super) fn trust_id(index: usize) -> String {
    format!("TR{:04}", index + 1)
}

/// Weights over `Phase::ALL`: primary, secondary, all_through, special,
/// alternative_provision, other.
const PHASE_WEIGHTS: [u32; 6] = [70, 19, 2, 5, 3, 1];

/// Weights over `CaseCategory::ALL`: CP, CIN, CLA, EH, CONCERN, STEP_DOWN.
const CATEGORY_WEIGHTS: [u32; 6] = [10, 14, 5, 22, 44, 5];

/// How often a school supervises.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pattern {
    /// One 1:1 per person per half-term (the common policy).
    HalfTermly,
    /// About every four weeks: two 1:1s per half-term.
    Monthly,
    /// Group supervision `per_half_term` times a half-term, 1:1s for the DSL(s).
    Group { per_half_term: u32 },
}

#[derive(Debug, Clone, Copy)]
struct Member {
    role: Role,
    started: NaiveDate,
    left: Option<NaiveDate>,
}

impl Member {
    fn employed_on(&self, d: NaiveDate) -> bool {
        self.started <= d && self.left.is_none_or(|l| l >= d)
    }
    /// Employed from before the records start to today.
    fn throughout(&self, ctx: &Ctx) -> bool {
        self.started <= ctx.period_start && self.left.is_none()
    }
}

#[derive(Debug, Clone, Copy)]
struct Supervisee {
    staff: usize,
    /// Chance the school includes this person in a half-term's supervision at all.
    practice: f64,
    /// Chance a due session is actually arranged.
    propensity: f64,
    /// Their usual supervisor (never themselves).
    supervisor: usize,
}

#[derive(Debug, Clone, Copy)]
struct Case {
    owner: usize,
    opened: NaiveDate,
    closed: Option<NaiveDate>,
    /// Safety score when opened, and its drift per 30 days.
    start_score: f32,
    slope: f32,
}

impl Case {
    fn open_on(&self, d: NaiveDate) -> bool {
        self.opened <= d && self.closed.is_none_or(|c| c > d)
    }
}

/// A session about to be written.
#[derive(Clone, Copy)]
struct Meeting<'a> {
    date: NaiveDate,
    supervisor: usize,
    attendees: &'a [usize],
    kind: SessionKind,
    planned: bool,
}

struct School<'a> {
    ctx: &'a Ctx,
    out: &'a mut Bundle,
    rng: &'a mut Rng,
    urn: u32,
    urn_text: Small,
    phase: Phase,
    /// 0..1: how reliably this school does what its policy says.
    quality: f64,
    pattern: Pattern,
    /// Supervises year heads, SENCO and family support too (Lode Heath), not only the
    /// DSL team and pastoral leads.
    wide: bool,
    staff: Vec<Member>,
    head: usize,
    dsl: usize,
    external: Option<usize>,
    supervisees: Vec<Supervisee>,
    cases: Vec<Case>,
    sessions: u32,
    actions: u32,
    defects: u64,
    picked: Vec<usize>,
    others: Vec<usize>,
    name: String,
}

impl<'a> School<'a> {
    fn new(ctx: &'a Ctx, out: &'a mut Bundle, rng: &'a mut Rng, urn: u32, phase: Phase) -> Self {
        let quality = match rng.weighted(&[55, 30, 15]) {
            0 => rng.uniform(0.9, 1.0),
            1 => rng.uniform(0.7, 0.9),
            _ => rng.uniform(0.35, 0.7),
        };
        let pattern = match rng.weighted(&[65, 15, 20]) {
            0 => Pattern::HalfTermly,
            1 => Pattern::Monthly,
            _ => Pattern::Group {
                per_half_term: 1 + rng.below(2) as u32,
            },
        };
        let wide = rng.chance(0.4);
        School {
            ctx,
            out,
            rng,
            urn,
            urn_text: Small::num(u64::from(urn)),
            phase,
            quality,
            pattern,
            wide,
            staff: Vec::new(),
            head: 0,
            dsl: 0,
            external: None,
            supervisees: Vec::new(),
            cases: Vec::new(),
            sessions: 0,
            actions: 0,
            defects: 0,
            picked: Vec::new(),
            others: Vec::new(),
            name: String::new(),
        }
    }

    fn run(mut self) -> Result<u64, GenerateError> {
        self.staff()?;
        self.cases()?;
        self.contracts()?;
        self.sessions()?;
        Ok(self.defects)
    }

    /// Whether this row gets a planted defect (and counts it).
    fn defect(&mut self) -> bool {
        let hit = self.rng.chance(self.ctx.defect_rate);
        self.defects += u64::from(hit);
        hit
    }

    fn staff_id(&self, i: usize) -> Small {
        Small::id("ST", self.urn, i as u32 + 1)
    }

    fn case_id(&self, i: usize) -> Small {
        Small::id("K", self.urn, i as u32 + 1)
    }

    // ---- staff -------------------------------------------------------------------

    /// Adds a member; `mobility` is the chance of joining, and separately of leaving,
    /// during the records' span.
    fn add(&mut self, role: Role, mobility: f64) -> usize {
        let ctx = self.ctx;
        let started = if self.rng.chance(mobility) {
            weekday_between(self.rng, ctx.period_start, ctx.today)
        } else {
            let d = add_days(ctx.period_start, -self.rng.range(1, 5000));
            let d = if self.rng.chance(0.5) {
                year_start(academic_year_of(d))
            } else {
                d
            };
            d.max(earliest_start())
        };
        let left = if self.rng.chance(mobility) {
            let from = add_days(started, 30).max(ctx.period_start);
            (from < ctx.today).then(|| date_between(self.rng, from, ctx.today))
        } else {
            None
        };
        self.staff.push(Member {
            role,
            started,
            left,
        });
        self.staff.len() - 1
    }

    fn staff(&mut self) -> Result<(), GenerateError> {
        const FIXED: f64 = 0.0;
        const KEY: f64 = 0.05;
        const OTHERS: f64 = 0.10;
        let rng = &mut *self.rng;
        let (total, ddsl, pastoral, year_heads, senco, family) = match self.phase {
            Phase::Primary => (
                rng.count(20, 35),
                rng.count(1, 2),
                rng.count(0, 1),
                0,
                1,
                usize::from(rng.chance(0.6)),
            ),
            Phase::Secondary => (
                rng.count(60, 120),
                rng.count(2, 3),
                rng.count(1, 3),
                rng.count(5, 7),
                rng.count(1, 2),
                rng.count(0, 2),
            ),
            Phase::AllThrough => (
                rng.count(90, 140),
                rng.count(2, 3),
                rng.count(2, 3),
                rng.count(7, 10),
                2,
                rng.count(1, 2),
            ),
            Phase::Special => (rng.count(30, 60), rng.count(1, 3), rng.count(1, 2), 0, 1, 1),
            Phase::AlternativeProvision => {
                (rng.count(15, 30), rng.count(1, 2), rng.count(1, 2), 0, 1, 1)
            }
            Phase::Other => (rng.count(20, 40), rng.count(1, 2), rng.count(0, 1), 0, 1, 0),
        };
        self.head = self.add(Role::Headteacher, FIXED);
        self.dsl = self.add(Role::Dsl, FIXED);
        for (role, n) in [
            (Role::Ddsl, ddsl),
            (Role::PastoralLead, pastoral),
            (Role::YearHead, year_heads),
            (Role::Senco, senco),
            (Role::FamilySupport, family),
        ] {
            for _ in 0..n {
                self.add(role, KEY);
            }
        }
        if self.rng.chance(0.35) {
            self.external = Some(self.add(Role::External, FIXED));
        }
        let mix: [u32; 3] = match self.phase {
            Phase::Primary => [45, 42, 13],
            Phase::Special | Phase::AlternativeProvision => [35, 50, 15],
            _ => [60, 22, 18],
        };
        while self.staff.len() < total {
            let role =
                [Role::Teacher, Role::TeachingAssistant, Role::Other][self.rng.weighted(&mix)];
            self.add(role, OTHERS);
        }

        // Who supervises whom.
        let dsl_supervisor = match self.external {
            Some(ext) if self.rng.chance(0.6) => ext,
            _ => self.head,
        };
        for i in 0..self.staff.len() {
            let role = self.staff[i].role;
            if !SUPERVISEE_ROLES.contains(&role) {
                continue;
            }
            let core = matches!(role, Role::Dsl | Role::Ddsl | Role::PastoralLead);
            let practice = if core || self.wide { 1.0 } else { 0.25 };
            let neglected = self.rng.chance(0.05);
            let propensity = self.quality * if neglected { 0.3 } else { 1.0 };
            let supervisor = if role == Role::Dsl {
                dsl_supervisor
            } else {
                self.dsl
            };
            self.supervisees.push(Supervisee {
                staff: i,
                practice,
                propensity,
                supervisor,
            });
        }

        for i in 0..self.staff.len() {
            let m = self.staff[i];
            let title = if m.role == Role::External && self.rng.chance(0.3) {
                "Dr "
            } else {
                ""
            };
            names::person_name(self.rng, title, &mut self.name);
            let trained_p = match m.role {
                Role::Dsl | Role::Ddsl | Role::Headteacher | Role::External => 0.9,
                Role::PastoralLead | Role::FamilySupport | Role::YearHead | Role::Senco => 0.4,
                _ => 0.03,
            };
            // About a quarter of training dates are older than the two years it lasts.
            let trained = self.rng.chance(trained_p).then(|| {
                let oldest = 800 + (600.0 * (1.0 - self.quality)) as i64;
                add_days(self.ctx.today, -self.rng.range(20, oldest))
            });
            let mut role = m.role.as_str();
            if matches!(m.role, Role::Teacher | Role::TeachingAssistant) && self.defect() {
                role = "SUPPLY TEACHER"; // Planted: an unknown role.
            }
            let id = self.staff_id(i);
            let started = date(m.started);
            let left = m.left.map(date);
            let trained = trained.map(date);
            self.out.row(
                Table::Staff,
                [
                    id.as_bytes(),
                    self.urn_text.as_bytes(),
                    self.name.as_bytes(),
                    role.as_bytes(),
                    &started,
                    opt(&left),
                    opt(&trained),
                ],
            )?;
        }
        Ok(())
    }

    // ---- cases ---------------------------------------------------------------------

    fn cases(&mut self) -> Result<(), GenerateError> {
        let ctx = self.ctx;
        let (lo, hi, factor) = match self.phase {
            Phase::Primary => (120, 480, 1.0),
            Phase::Secondary => (600, 1700, 1.0),
            Phase::AllThrough => (1000, 2000, 1.0),
            Phase::Special => (60, 220, 2.5),
            Phase::AlternativeProvision => (30, 120, 2.5),
            Phase::Other => (100, 400, 1.0),
        };
        let pupils = self.rng.count(lo, hi) as f64;
        let rate = self.rng.uniform(0.02, 0.06) * factor;
        let initial = (pupils * rate).round().max(1.0) as usize;
        let new =
            (initial as f64 * self.rng.uniform(0.3, 0.8) * f64::from(ctx.years)).round() as usize;

        // Owners: mostly the DSL and deputies; some schools load nearly all on the DSL.
        let steady = |role: Role, s: &Self| -> Vec<usize> {
            (0..s.staff.len())
                .filter(|&i| s.staff[i].role == role && s.staff[i].throughout(ctx))
                .collect()
        };
        let ddsls = steady(Role::Ddsl, self);
        let mut others = steady(Role::PastoralLead, self);
        others.extend(steady(Role::FamilySupport, self));
        others.extend(steady(Role::Senco, self));
        let dsl_share = if self.rng.chance(0.15) {
            0.85
        } else {
            self.rng.uniform(0.35, 0.6)
        };
        let closing = (0.35 * f64::from(ctx.years)).min(0.85);

        for k in 0..initial + new {
            let category = CaseCategory::ALL[self.rng.weighted(&CATEGORY_WEIGHTS)];
            let carried = k < initial;
            let opened = if carried {
                add_days(ctx.period_start, -self.rng.range(1, 700))
            } else {
                date_between(self.rng, ctx.period_start, ctx.today)
            };
            let from = add_days(opened, 14).max(ctx.period_start);
            let p_close = if carried { closing } else { 0.25 };
            let closed = (from <= ctx.today && self.rng.chance(p_close))
                .then(|| date_between(self.rng, from, ctx.today));
            let u = self.rng.f64();
            let owner = if u < dsl_share || (ddsls.is_empty() && others.is_empty()) {
                self.dsl
            } else if (u < dsl_share + (1.0 - dsl_share) * 0.7 && !ddsls.is_empty())
                || others.is_empty()
            {
                *self.rng.pick(&ddsls)
            } else {
                *self.rng.pick(&others)
            };
            let (lo, hi) = match category {
                CaseCategory::Cp => (1.0, 3.5),
                CaseCategory::Cin => (2.0, 5.0),
                CaseCategory::Cla => (3.0, 5.5),
                CaseCategory::Eh => (4.0, 6.5),
                CaseCategory::Concern => (5.0, 7.5),
                CaseCategory::StepDown => (6.0, 8.0),
            };
            let start_score = self.rng.uniform(lo, hi) as f32;
            // Most cases improve; some stay put, a few get worse.
            let slope = match self.rng.weighted(&[70, 20, 10]) {
                0 => self.rng.uniform(0.15, 0.6),
                1 => self.rng.uniform(-0.05, 0.05),
                _ => -self.rng.uniform(0.15, 0.4),
            } as f32;
            self.cases.push(Case {
                owner,
                opened,
                closed,
                start_score,
                slope,
            });
            let id = self.case_id(k);
            let owner = self.staff_id(owner);
            let opened = date(opened);
            let closed = closed.map(date);
            self.out.row(
                Table::Cases,
                [
                    id.as_bytes(),
                    self.urn_text.as_bytes(),
                    category.as_str().as_bytes(),
                    owner.as_bytes(),
                    &opened,
                    opt(&closed),
                ],
            )?;
        }
        Ok(())
    }

    // ---- contracts -------------------------------------------------------------------

    fn contracts(&mut self) -> Result<(), GenerateError> {
        let ctx = self.ctx;
        let coverage = 0.6 + 0.35 * self.quality;
        let renew_on_time = 0.65 + 0.25 * self.quality;
        for s in 0..self.supervisees.len() {
            let sv = self.supervisees[s];
            let p = if sv.practice >= 1.0 {
                coverage
            } else {
                coverage * 0.3
            };
            if !self.rng.chance(p) {
                continue;
            }
            let m = self.staff[sv.staff];
            let mut agreed = if m.started > ctx.period_start {
                add_days(m.started, self.rng.range(5, 40))
            } else {
                add_days(ctx.period_start, -self.rng.range(0, 420)).max(m.started)
            };
            loop {
                if agreed > ctx.today || m.left.is_some_and(|l| agreed > l) {
                    break;
                }
                let due = agreed
                    .checked_add_months(Months::new(12))
                    .expect("dates stay in range");
                let (a, b) = (self.staff_id(sv.staff), self.staff_id(sv.supervisor));
                self.out.row(
                    Table::Contracts,
                    [a.as_bytes(), b.as_bytes(), &date(agreed), &date(due)],
                )?;
                if due >= ctx.today {
                    break;
                }
                let u = self.rng.f64();
                agreed = if u < renew_on_time {
                    add_days(due, -self.rng.range(0, 14))
                } else if u < 0.95 {
                    add_days(due, self.rng.range(10, 90))
                } else {
                    break; // Never renewed: out of date from here on.
                };
            }
        }
        Ok(())
    }

    // ---- sessions ----------------------------------------------------------------------

    fn sessions(&mut self) -> Result<(), GenerateError> {
        let ctx = self.ctx;
        let groups = self.groups();
        for ht in &ctx.half_terms {
            match self.pattern {
                Pattern::HalfTermly => {
                    for s in 0..self.supervisees.len() {
                        if self.due(s) {
                            let d = weekday_between(self.rng, ht.start, ht.end);
                            self.one_to_one(s, d)?;
                        }
                    }
                }
                Pattern::Monthly => {
                    let mid = add_days(ht.start, days_between(ht.start, ht.end) / 2);
                    for s in 0..self.supervisees.len() {
                        for (lo, hi) in [(ht.start, mid), (add_days(mid, 1), ht.end)] {
                            if self.due(s) {
                                let d = weekday_between(self.rng, lo, hi);
                                self.one_to_one(s, d)?;
                            }
                        }
                    }
                }
                Pattern::Group { per_half_term } => {
                    for s in 0..self.supervisees.len() {
                        let role = self.staff[self.supervisees[s].staff].role;
                        let p = match role {
                            Role::Dsl => 1.0,
                            Role::Ddsl => 0.6,
                            _ => continue,
                        };
                        if self.rng.chance(p) && self.due(s) {
                            let d = weekday_between(self.rng, ht.start, ht.end);
                            self.one_to_one(s, d)?;
                        }
                    }
                    let span = days_between(ht.start, ht.end);
                    let per = i64::from(per_half_term);
                    for group in &groups {
                        for k in 0..per {
                            if !self.rng.chance(self.quality) {
                                continue;
                            }
                            let lo = add_days(ht.start, span * k / per);
                            let hi = add_days(ht.start, span * (k + 1) / per);
                            let d = weekday_between(self.rng, lo, hi);
                            let present: Vec<usize> = group
                                .iter()
                                .copied()
                                .filter(|&i| self.staff[i].employed_on(d))
                                .collect();
                            let kind = if present.len() >= 2 {
                                SessionKind::Group
                            } else {
                                SessionKind::OneToOne
                            };
                            if !present.is_empty() && d <= ctx.today {
                                self.planned_session(Meeting {
                                    date: d,
                                    supervisor: self.dsl,
                                    attendees: &present,
                                    kind,
                                    planned: true,
                                })?;
                            }
                        }
                    }
                }
            }
            self.extras(ht.start, ht.end)?;
        }
        Ok(())
    }

    /// The fixed supervision groups of a group-pattern school: everyone it supervises
    /// but the DSL, in groups of 3–6.
    fn groups(&mut self) -> Vec<Vec<usize>> {
        if !matches!(self.pattern, Pattern::Group { .. }) {
            return Vec::new();
        }
        let mut pool: Vec<usize> = self
            .supervisees
            .iter()
            .filter(|s| s.practice >= 1.0 && s.staff != self.dsl)
            .map(|s| s.staff)
            .collect();
        self.rng.shuffle(&mut pool);
        let mut groups = Vec::new();
        while !pool.is_empty() {
            let n = self.rng.count(3, 6).min(pool.len());
            groups.push(pool.drain(..n).collect());
        }
        groups
    }

    /// Whether supervisee `s` is due, and gets, a session this time.
    fn due(&mut self, s: usize) -> bool {
        let sv = self.supervisees[s];
        self.rng.chance(sv.practice) && self.rng.chance(sv.propensity)
    }

    fn one_to_one(&mut self, s: usize, d: NaiveDate) -> Result<(), GenerateError> {
        let sv = self.supervisees[s];
        if d > self.ctx.today || !self.staff[sv.staff].employed_on(d) {
            return Ok(());
        }
        self.planned_session(Meeting {
            date: d,
            supervisor: sv.supervisor,
            attendees: &[sv.staff],
            kind: SessionKind::OneToOne,
            planned: true,
        })
    }

    /// Crisis sessions (formal but unplanned) and the odd peer, multi-agency, clinical
    /// or informal session.
    fn extras(&mut self, start: NaiveDate, end: NaiveDate) -> Result<(), GenerateError> {
        for s in 0..self.supervisees.len() {
            let sv = self.supervisees[s];
            if self.rng.chance(0.03) {
                let d = weekday_between(self.rng, start, end);
                if d <= self.ctx.today && self.staff[sv.staff].employed_on(d) {
                    self.held(Meeting {
                        date: d,
                        supervisor: sv.supervisor,
                        attendees: &[sv.staff],
                        kind: SessionKind::OneToOne,
                        planned: false,
                    })?;
                }
            }
            if self.rng.chance(0.04) {
                let d = weekday_between(self.rng, start, end);
                if d > self.ctx.today || !self.staff[sv.staff].employed_on(d) {
                    continue;
                }
                let kind = *self.rng.pick(&[
                    SessionKind::Peer,
                    SessionKind::MultiAgency,
                    SessionKind::Clinical,
                    SessionKind::Informal,
                ]);
                let supervisor = match kind {
                    SessionKind::Clinical => self.external.unwrap_or(self.head),
                    SessionKind::Peer => {
                        let peers: Vec<usize> = self
                            .supervisees
                            .iter()
                            .map(|p| p.staff)
                            .filter(|&p| p != sv.staff && self.staff[p].employed_on(d))
                            .collect();
                        if peers.is_empty() {
                            continue;
                        }
                        *self.rng.pick(&peers)
                    }
                    _ => sv.supervisor,
                };
                self.planned_session(Meeting {
                    date: d,
                    supervisor,
                    attendees: &[sv.staff],
                    kind,
                    planned: true,
                })?;
            }
        }
        Ok(())
    }

    /// A planned session: usually held; sometimes cancelled or missed, then often
    /// rescheduled within a week, sometimes later, sometimes never.
    fn planned_session(&mut self, m: Meeting) -> Result<(), GenerateError> {
        let q = self.quality;
        if !self.rng.chance(0.06 + 0.12 * (1.0 - q)) {
            return self.held(m);
        }
        let status = if self.rng.chance(0.6) {
            SessionStatus::Cancelled
        } else {
            SessionStatus::Missed
        };
        self.not_held(m, status)?;
        let within = 0.45 + 0.35 * q;
        let u = self.rng.f64();
        let delay = if u < within {
            self.rng.range(1, 5)
        } else if u < within + 0.6 * (1.0 - within) {
            self.rng.range(6, 15)
        } else {
            return Ok(());
        };
        let d = add_working_days(m.date, delay as u32);
        if d <= self.ctx.today && m.attendees.iter().all(|&a| self.staff[a].employed_on(d)) {
            self.held(Meeting { date: d, ..m })?;
        }
        Ok(())
    }

    fn next_session_id(&mut self) -> Small {
        self.sessions += 1;
        Small::id("SV", self.urn, self.sessions)
    }

    fn attendees(&mut self, sid: &Small, attendees: &[usize]) -> Result<(), GenerateError> {
        for &a in attendees {
            let id = self.staff_id(a);
            self.out
                .row(Table::Attendees, [sid.as_bytes(), id.as_bytes()])?;
        }
        Ok(())
    }

    fn not_held(&mut self, m: Meeting, status: SessionStatus) -> Result<(), GenerateError> {
        let sid = self.next_session_id();
        let supervisor = self.staff_id(m.supervisor);
        self.out.row(
            Table::Sessions,
            [
                sid.as_bytes(),
                self.urn_text.as_bytes(),
                &date(m.date),
                supervisor.as_bytes(),
                m.kind.as_str().as_bytes(),
                boolean(m.planned),
                status.as_str().as_bytes(),
                b"",
                b"",
                b"false",
                b"false",
                b"",
            ],
        )?;
        self.attendees(&sid, m.attendees)
    }

    /// Chooses the cases a held session discusses into `self.picked`: the attendees'
    /// own open cases first, then others of the school.
    fn pick_cases(&mut self, m: &Meeting) {
        self.picked.clear();
        self.others.clear();
        for (i, c) in self.cases.iter().enumerate() {
            if c.open_on(m.date) {
                if m.attendees.contains(&c.owner) {
                    self.picked.push(i);
                } else {
                    self.others.push(i);
                }
            }
        }
        let owned = self.picked.len();
        let open = owned + self.others.len();
        if open == 0 {
            return;
        }
        let k = match m.kind {
            SessionKind::Peer | SessionKind::Informal => self.rng.count(1, 3),
            _ if owned > 0 => {
                (owned as f64 * self.rng.uniform(0.5, 1.0)).ceil() as usize + self.rng.count(0, 2)
            }
            _ => self.rng.count(1, 4),
        }
        .clamp(1, MAX_CASES_PER_SESSION)
        .min(open);
        self.rng.shuffle(&mut self.picked);
        self.picked.truncate(k);
        if self.picked.len() < k {
            self.rng.shuffle(&mut self.others);
            let more = k - self.picked.len();
            self.picked.extend_from_slice(&self.others[..more]);
        }
    }

    fn held(&mut self, m: Meeting) -> Result<(), GenerateError> {
        let ctx = self.ctx;
        let q = self.quality;
        let sid = self.next_session_id();
        self.pick_cases(&m);
        let discussed = std::mem::take(&mut self.picked);

        // Longer sessions for more cases; a group needs an hour at least.
        let base = match m.kind {
            SessionKind::Group => 60.0,
            SessionKind::Informal | SessionKind::Peer => 25.0,
            _ => self.rng.uniform(35.0, 55.0),
        };
        let minutes = base + discussed.len() as f64 * self.rng.uniform(2.0, 5.0);
        let minutes = ((minutes / 5.0).round() * 5.0).clamp(30.0, 120.0) as u64;
        let duration = if self.defect() {
            Small::EMPTY // Planted: a held session without its duration.
        } else {
            Small::num(minutes)
        };
        let u = self.rng.f64();
        let missing = 0.03 + 0.1 * (1.0 - q);
        let late = 0.1 + 0.25 * (1.0 - q);
        let recorded = if u < missing {
            None
        } else if u < missing + late {
            Some(add_working_days(m.date, self.rng.range(6, 25) as u32))
        } else {
            Some(add_working_days(m.date, self.rng.range(0, 4) as u32))
        }
        .filter(|&r| r <= ctx.today)
        .map(date);
        let signed_supervisor = self.rng.chance(0.92 + 0.07 * q);
        let signed_supervisee = self.rng.chance(0.85 + 0.13 * q);
        let functions = self.functions();
        let supervisor = self.staff_id(m.supervisor);
        self.out.row(
            Table::Sessions,
            [
                sid.as_bytes(),
                self.urn_text.as_bytes(),
                &date(m.date),
                supervisor.as_bytes(),
                m.kind.as_str().as_bytes(),
                boolean(m.planned),
                SessionStatus::Held.as_str().as_bytes(),
                duration.as_bytes(),
                opt(&recorded),
                boolean(signed_supervisor),
                boolean(signed_supervisee),
                functions.as_bytes(),
            ],
        )?;
        self.attendees(&sid, m.attendees)?;

        for &c in &discussed {
            let case = self.cases[c];
            let id = if self.defect() {
                // Planted: a discussion of a case the register does not hold.
                // Numbered past the register by the defect count, so never repeated.
                self.case_id(self.cases.len() + self.defects as usize)
            } else {
                self.case_id(c)
            };
            let score = self.rng.chance(0.92).then(|| {
                let months = days_between(case.opened, m.date) as f32 / 30.0;
                let noise = self.rng.uniform(-0.7, 0.7) as f32;
                let s = (case.start_score + case.slope * months + noise).round();
                Small::num(s.clamp(0.0, 10.0) as u64)
            });
            let escalated = self.rng.chance(0.03);
            self.out.row(
                Table::Discussions,
                [
                    sid.as_bytes(),
                    id.as_bytes(),
                    score.as_ref().map_or(b"".as_slice(), Small::as_bytes),
                    boolean(escalated),
                ],
            )?;
            for _ in 0..self.rng.weighted(&[50, 32, 13, 5]) {
                let u = self.rng.f64();
                let owner = if u < 0.55 {
                    case.owner
                } else if u < 0.9 {
                    *self.rng.pick(m.attendees)
                } else {
                    m.supervisor
                };
                self.action(&sid, m.date, Some(c), owner)?;
            }
        }
        if self.rng.chance(0.1) {
            // An action not about a case: training, workload.
            let owner = *self.rng.pick(m.attendees);
            self.action(&sid, m.date, None, owner)?;
        }
        self.picked = discussed;
        Ok(())
    }

    /// The functions a session covered: a random set leaning to managerial and
    /// supportive; occasionally not recorded.
    fn functions(&mut self) -> &'static str {
        const P: [f64; 6] = [0.85, 0.55, 0.8, 0.2, 0.3, 0.35];
        if self.rng.chance(0.02) {
            return "";
        }
        let lean = 0.75 + 0.25 * self.quality;
        let mut mask = 0;
        for (bit, p) in P.iter().enumerate() {
            if self.rng.chance(p * lean) {
                mask |= 1 << bit;
            }
        }
        &function_sets()[mask]
    }

    fn action(
        &mut self,
        sid: &Small,
        held: NaiveDate,
        case: Option<usize>,
        owner: usize,
    ) -> Result<(), GenerateError> {
        let today = self.ctx.today;
        let q = self.quality;
        self.actions += 1;
        let aid = Small::id("AC", self.urn, self.actions);
        let due = add_days(held, self.rng.range(7, 42));
        let (status, completed) = if self.rng.chance(0.04) {
            (ActionStatus::Cancelled, None)
        } else {
            let on_time = 0.45 + 0.35 * q;
            let u = self.rng.f64();
            let done = if u < on_time {
                Some(date_between(self.rng, add_days(held, 1), due))
            } else if u < on_time + 0.25 {
                Some(add_days(due, self.rng.range(1, 45)))
            } else {
                None // Never done: open, overdue once due_on passes.
            };
            match done {
                Some(c) if c <= today => (ActionStatus::Done, Some(c)),
                _ => (ActionStatus::Open, None),
            }
        };
        let mut status = status.as_str();
        let mut completed = completed.map(date);
        if self.defect() {
            if self.rng.chance(0.5) {
                // Planted: `done` without completed_on.
                status = ActionStatus::Done.as_str();
                completed = None;
            } else {
                status = "complete"; // Planted: an unknown status.
            }
        }
        let case = case.map(|c| self.case_id(c));
        let owner = self.staff_id(owner);
        self.out.row(
            Table::Actions,
            [
                aid.as_bytes(),
                sid.as_bytes(),
                case.as_ref().map_or(b"".as_slice(), Small::as_bytes),
                owner.as_bytes(),
                &date(due),
                opt(&completed),
                status.as_bytes(),
            ],
        )
    }
}

fn opt(d: &Option<[u8; 10]>) -> &[u8] {
    d.as_ref().map_or(b"".as_slice(), |d| d.as_slice())
}

/// Every subset of `Function::ALL` by bit mask, `;`-joined in the spec's order.
fn function_sets() -> &'static [String] {
    static SETS: OnceLock<Vec<String>> = OnceLock::new();
    SETS.get_or_init(|| {
        (0..1usize << Function::ALL.len())
            .map(|mask| {
                Function::ALL
                    .iter()
                    .enumerate()
                    .filter(|(bit, _)| mask & (1 << bit) != 0)
                    .map(|(_, f)| f.as_str())
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .collect()
    })
}
