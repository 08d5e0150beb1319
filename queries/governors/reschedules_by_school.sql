-- Rescheduled in time, by school and half-term (spec 02 §2)  [Cornerstone: cancelled
-- sessions "rescheduled within 5 working days"]
--
-- Spec 02 §2: "For governors (reschedules_by_school.csv, every school, whatever its
-- policy): per school and reporting half-term of the cancelled date, judged = rows with
-- rescheduled not empty, rescheduled / not_rescheduled = those true / false,
-- rescheduled_pct = rescheduled / judged; a school and half-term with nothing judged
-- has no row." Spec 03: "trust_id, school_urn, school_name, period_id, judged,
-- rescheduled, not_rescheduled, rescheduled_pct". Counts of supervisees' sessions, not
-- of children: not suppressed.
--
-- Grain: one row per school and half-term with a judged cancelled or missed session.
with judged as (
    select r.trust_id, r.school_urn, s.period_id, r.rescheduled
    from reschedules as r
    join stg_sessions as s on s.trust_id = r.trust_id and s.session_id = r.session_id
    where r.rescheduled is not null
),

counts as (
    select
        trust_id,
        school_urn,
        period_id,
        count(*) as judged,
        sum(case when rescheduled then 1 else 0 end) as rescheduled,
        sum(case when rescheduled then 0 else 1 end) as not_rescheduled
    from judged
    group by trust_id, school_urn, period_id
)

select
    c.trust_id,
    c.school_urn,
    s.school_name,
    c.period_id,
    c.judged,
    c.rescheduled,
    c.not_rescheduled,
    100.0 * c.rescheduled / c.judged as rescheduled_pct
from counts as c
join schools as s on s.trust_id = c.trust_id and s.school_urn = c.school_urn
order by c.trust_id, c.school_urn, c.period_id
