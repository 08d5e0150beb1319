//! One trust's bundle, school by school: staff, caseload, supervision contracts, then
//! the sessions of every half-term with their attendees, case discussions and actions.
//!
//! Each school draws a few traits first (its compliance propensity, how often it
//! supervises, whom, who holds its cases) and every row after follows from them, so
//! schools differ the way real ones do: some meet every rule, some drift.
//!
//! This file holds the school's traits and its people as types; `roster` writes its
//! staff, caseload and contracts, and `sessions` its supervision, half-term by half-term.

mod roster;
mod sessions;

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
}

fn opt(d: &Option<[u8; 10]>) -> &[u8] {
    d.as_ref().map_or(b"".as_slice(), |d| d.as_slice())
}
