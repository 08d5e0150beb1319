//! A school's roster: its staff (roles, joining and leaving, training), its caseload
//! (who holds each case) and its supervision contracts.

use super::*;

impl School<'_> {
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

    pub(super) fn staff(&mut self) -> Result<(), GenerateError> {
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
            // A DSL's or deputy's own DSL training (spec 01 `dsl_trained_on`): most have
            // a date, about a quarter of them older than the two years it lasts.
            let dsl_trained = (matches!(m.role, Role::Dsl | Role::Ddsl) && self.rng.chance(0.9))
                .then(|| {
                    let oldest = 700 + (500.0 * (1.0 - self.quality)) as i64;
                    add_days(self.ctx.today, -self.rng.range(10, oldest))
                });
            let mut role = m.role.as_str();
            if matches!(m.role, Role::Teacher | Role::TeachingAssistant) && self.defect() {
                role = "SUPPLY TEACHER"; // Planted: an unknown role.
            }
            let id = self.staff_id(i);
            let started = date(m.started);
            let left = m.left.map(date);
            let trained = trained.map(date);
            let dsl_trained = dsl_trained.map(date);
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
                    opt(&dsl_trained),
                ],
            )?;
        }
        Ok(())
    }

    // ---- cases ---------------------------------------------------------------------

    pub(super) fn cases(&mut self) -> Result<(), GenerateError> {
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
        // Staff who have left: a few cases stay with them when nobody hands them over
        // (drift flag `no_owner`, spec 02 §4).
        let leavers: Vec<usize> = (0..self.staff.len())
            .filter(|&i| self.staff[i].left.is_some())
            .collect();

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
            // Now and then nobody holds a case: the register leaves the owner empty, or
            // still names someone who has left.
            let handover = self.rng.f64();
            let owner = if handover < 0.01 {
                Small::EMPTY
            } else if handover < 0.03 && !leavers.is_empty() {
                let leaver = *self.rng.pick(&leavers);
                self.staff_id(leaver)
            } else {
                self.staff_id(owner)
            };
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

    pub(super) fn contracts(&mut self) -> Result<(), GenerateError> {
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
                // Now and then an agreement is signed with someone other than the
                // usual supervisor (the head, for a deputy), so it does not cover the
                // sessions (spec 02 §6: "with the session's supervisor").
                let with = if sv.supervisor != self.head && self.rng.chance(0.05) {
                    self.head
                } else {
                    sv.supervisor
                };
                let (a, b) = (self.staff_id(sv.staff), self.staff_id(with));
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
}
