-- The trend, half-term by half-term (spec 03, "Charts and packs": "the trust's trend
-- across half-terms and years"), for every school and for each trust as a whole
-- (school_urn = 'TOTAL'). It is the one source of every figure the trend chart and the
-- frequency heatmap's trust reading show, so they count nothing themselves.
--   frequency_due, frequency_met, frequency_met_pct: person-periods judged under the
--     per-period rules (spec 02 §1) whose period ends with this half-term: a term or
--     year rule's figure sits at its last half-term, where it is judged;
--   actions_judged, actions_on_time, actions_on_time_pct: actions due in this half-term
--     (their reporting half-term, spec 02 §3) done on time, late or overdue, and those
--     done on time; on_time_pct = done_on_time / (done_on_time + done_late + overdue);
--   sessions_held, recording_judged, recorded_on_time, recorded_on_time_pct: sessions
--     held in this half-term (spec 02 §6), those whose recording is judged (not still
--     within the recording window), and those recorded on time.
-- Rates are worked out from the counts of the row (the trust's from the summed counts,
-- never averaged across schools) and are empty when nothing is counted.
-- The report's earlier years run this query as of the same date, one year each, so the
-- half-terms are those of report_params' year that had started by the as-of date.
-- Grain: one row per school (and trust TOTAL) per started half-term of the report year.
with half_terms as (
    select cp.period_id, cp.starts_on, cp.ends_on
    from calendar_periods as cp
    cross join report_params as p
    where cp.granularity = 'half_term' and cp.academic_year = p.report_year and cp.starts_on <= p.as_of
),

school_half_terms as (
    select s.trust_id, s.school_urn, s.school_name, s.trust_name, h.period_id, h.starts_on
    from schools as s
    cross join half_terms as h
),

frequency_counts as (
    select
        f.trust_id,
        f.school_urn,
        h.period_id,
        count(*) as frequency_due,
        sum(case when f.met then 1 else 0 end) as frequency_met
    from frequency as f
    join calendar_periods as judged on judged.period_id = f.period_id
    join half_terms as h on h.ends_on = judged.ends_on
    where f.met is not null
    group by f.trust_id, f.school_urn, h.period_id
),

action_counts as (
    select
        trust_id,
        school_urn,
        period_id,
        sum(case when class in ('done_on_time', 'done_late', 'overdue') then 1 else 0 end) as actions_judged,
        sum(case when class = 'done_on_time' then 1 else 0 end) as actions_on_time
    from actions
    group by trust_id, school_urn, period_id
),

recording_counts as (
    select
        trust_id,
        school_urn,
        period_id,
        count(*) as sessions_held,
        sum(case when recorded_on_time is not null then 1 else 0 end) as recording_judged,
        sum(case when recorded_on_time then 1 else 0 end) as recorded_on_time
    from recording
    group by trust_id, school_urn, period_id
),

per_school as (
    select
        sh.trust_id,
        sh.school_urn,
        sh.school_name,
        sh.trust_name,
        sh.period_id,
        sh.starts_on,
        coalesce(f.frequency_due, 0) as frequency_due,
        coalesce(f.frequency_met, 0) as frequency_met,
        coalesce(a.actions_judged, 0) as actions_judged,
        coalesce(a.actions_on_time, 0) as actions_on_time,
        coalesce(r.sessions_held, 0) as sessions_held,
        coalesce(r.recording_judged, 0) as recording_judged,
        coalesce(r.recorded_on_time, 0) as recorded_on_time
    from school_half_terms as sh
    left join frequency_counts as f
        on f.trust_id = sh.trust_id and f.school_urn = sh.school_urn and f.period_id = sh.period_id
    left join action_counts as a
        on a.trust_id = sh.trust_id and a.school_urn = sh.school_urn and a.period_id = sh.period_id
    left join recording_counts as r
        on r.trust_id = sh.trust_id and r.school_urn = sh.school_urn and r.period_id = sh.period_id
),

per_trust as (
    select
        trust_id,
        'TOTAL' as school_urn,
        min(trust_name) as school_name,
        min(trust_name) as trust_name,
        period_id,
        min(starts_on) as starts_on,
        sum(frequency_due) as frequency_due,
        sum(frequency_met) as frequency_met,
        sum(actions_judged) as actions_judged,
        sum(actions_on_time) as actions_on_time,
        sum(sessions_held) as sessions_held,
        sum(recording_judged) as recording_judged,
        sum(recorded_on_time) as recorded_on_time
    from per_school
    group by trust_id, period_id
),

both_levels as (
    select * from per_school
    union all
    select * from per_trust
)

select
    trust_id,
    school_urn,
    school_name,
    period_id,
    frequency_due,
    frequency_met,
    case when frequency_due > 0 then 100.0 * frequency_met / frequency_due end as frequency_met_pct,
    actions_judged,
    actions_on_time,
    case when actions_judged > 0 then 100.0 * actions_on_time / actions_judged end as actions_on_time_pct,
    sessions_held,
    recording_judged,
    recorded_on_time,
    case when recording_judged > 0 then 100.0 * recorded_on_time / recording_judged end as recorded_on_time_pct
from both_levels
order by trust_id, school_urn, starts_on
