//! A school's supervision, half-term by half-term: planned 1:1s and groups, crisis and
//! other extras, cancellations and reschedules, and each held session's record, case
//! discussions and actions.

use super::*;

impl School<'_> {
    // ---- sessions ----------------------------------------------------------------------

    pub(super) fn sessions(&mut self) -> Result<(), GenerateError> {
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

    /// Writes one sessions row and its attendees, numbering the session: the meeting's
    /// own fields, then what was recorded of it (`record`).
    fn session_row(&mut self, m: &Meeting, record: SessionRecord) -> Result<Small, GenerateError> {
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
                record.status.as_str().as_bytes(),
                record.duration,
                record.recorded,
                boolean(record.signed_supervisor),
                boolean(record.signed_supervisee),
                record.functions,
            ],
        )?;
        for &a in m.attendees {
            let id = self.staff_id(a);
            self.out
                .row(Table::Attendees, [sid.as_bytes(), id.as_bytes()])?;
        }
        Ok(sid)
    }

    /// A cancelled or missed session: nothing recorded, nothing signed.
    fn not_held(&mut self, m: Meeting, status: SessionStatus) -> Result<(), GenerateError> {
        let record = SessionRecord {
            status,
            duration: b"",
            recorded: b"",
            signed_supervisor: false,
            signed_supervisee: false,
            functions: b"",
        };
        self.session_row(&m, record).map(drop)
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
        let record = SessionRecord {
            status: SessionStatus::Held,
            duration: duration.as_bytes(),
            recorded: opt(&recorded),
            signed_supervisor,
            signed_supervisee,
            functions: functions.as_bytes(),
        };
        let sid = self.session_row(&m, record)?;

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

/// What a sessions row records of a meeting beyond its date, people, kind and planning.
struct SessionRecord<'a> {
    status: SessionStatus,
    duration: &'a [u8],
    recorded: &'a [u8],
    signed_supervisor: bool,
    signed_supervisee: bool,
    functions: &'a [u8],
}
