-- Actions by class, by school and reporting half-term of due_on (spec 02 §3).
-- Spec 03, governors/: "trust_id, school_urn, school_name, period_id, done_on_time,
-- done_late, overdue, not_yet_due, on_time_pct"; spec 02 §3: "on_time_pct =
-- done_on_time / (done_on_time + done_late + overdue)", empty when nothing is due yet.
-- Grain: one row per school and period with actions.
with counts as (
    select
        a.trust_id,
        a.school_urn,
        a.period_id,
        sum(case when a.class = 'done_on_time' then 1 else 0 end) as done_on_time,
        sum(case when a.class = 'done_late' then 1 else 0 end) as done_late,
        sum(case when a.class = 'overdue' then 1 else 0 end) as overdue,
        sum(case when a.class = 'not_yet_due' then 1 else 0 end) as not_yet_due
    from actions as a
    group by a.trust_id, a.school_urn, a.period_id
)

select
    c.trust_id,
    c.school_urn,
    s.school_name,
    c.period_id,
    c.done_on_time,
    c.done_late,
    c.overdue,
    c.not_yet_due,
    case
        when c.done_on_time + c.done_late + c.overdue > 0
            then 100.0 * c.done_on_time / (c.done_on_time + c.done_late + c.overdue)
    end as on_time_pct
from counts as c
join schools as s on s.trust_id = c.trust_id and s.school_urn = c.school_urn
order by c.trust_id, c.school_urn, c.period_id
