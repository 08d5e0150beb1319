-- Drifting cases by school and flag (spec 02 §4), counts of children: protected when
-- the report is published (spec 02, "Disclosure control").
-- Spec 03, governors/: "trust_id, school_urn, school_name, open_cases, drifting,
-- overdue_action, not_reviewed, no_progress, escalated_stale, carried_over, no_owner"
-- (no_owner: open cases nobody employed holds, Lode Heath and Temple: handover when
-- staff change).
-- Every school is listed, with 0 when it has no open case.
-- Grain: one row per school.
with counts as (
    select
        trust_id,
        school_urn,
        count(*) as open_cases,
        sum(case when drifting then 1 else 0 end) as drifting,
        sum(case when overdue_action then 1 else 0 end) as overdue_action,
        sum(case when not_reviewed then 1 else 0 end) as not_reviewed,
        sum(case when no_progress then 1 else 0 end) as no_progress,
        sum(case when escalated_stale then 1 else 0 end) as escalated_stale,
        sum(case when carried_over then 1 else 0 end) as carried_over,
        sum(case when no_owner then 1 else 0 end) as no_owner
    from drift_cases
    group by trust_id, school_urn
)

select
    s.trust_id,
    s.school_urn,
    s.school_name,
    coalesce(c.open_cases, 0) as open_cases,
    coalesce(c.drifting, 0) as drifting,
    coalesce(c.overdue_action, 0) as overdue_action,
    coalesce(c.not_reviewed, 0) as not_reviewed,
    coalesce(c.no_progress, 0) as no_progress,
    coalesce(c.escalated_stale, 0) as escalated_stale,
    coalesce(c.carried_over, 0) as carried_over,
    coalesce(c.no_owner, 0) as no_owner
from schools as s
left join counts as c on c.trust_id = s.trust_id and c.school_urn = s.school_urn
order by s.trust_id, s.school_urn
