-- What changed since an earlier report, for the trust's safeguarding lead (spec 03,
-- "Direction of travel", added): "cases that started or stopped drifting, actions
-- closed since, people who met their standard then and not now (and the reverse)".
-- `report --since PREVIOUS_OUT` reads that report's restricted/drift_cases.csv,
-- actions.csv and frequency.csv (checked against its manifest) as `previous_drift_cases`,
-- `previous_actions` and `previous_frequency`, every cell as text as it was written.
-- Case refs are pseudonyms made with the store's key, so the same case has the same ref
-- in both reports.
--   started_drifting: a case drifting now that was not drifting (or not open) then;
--     detail: its flags now;
--   stopped_drifting: a case drifting then that is not drifting now; detail: "no longer
--     open" when it is not open now, else "flags cleared";
--   action_closed: an action open then (no completed_on) that is completed now; detail:
--     its class now (done_on_time, done_late);
--   stopped_meeting / started_meeting: a person and rule whose latest judged period
--     (`met` not empty) was met then and is not now, or the reverse; detail: the two
--     periods ("2026/27 AU1 then, 2026/27 AU2 now").
-- Grain: one row per change; sorted by trust, school, change, then the row's ids.
with now_drifting as (
    select trust_id, school_urn, case_ref, flags from drift_cases where drifting
),

then_drifting as (
    select trust_id, school_urn, case_ref from previous_drift_cases where drifting = 'true'
),

started as (
    select n.trust_id, n.school_urn, 'started_drifting' as change, n.case_ref,
        '' as action_id, '' as staff_id, '' as rule, n.flags as detail
    from now_drifting as n
    left join then_drifting as t on t.trust_id = n.trust_id and t.case_ref = n.case_ref
    where t.case_ref is null
),

stopped as (
    select t.trust_id, t.school_urn, 'stopped_drifting' as change, t.case_ref,
        '' as action_id, '' as staff_id, '' as rule,
        case when o.case_ref is null then 'no longer open' else 'flags cleared' end as detail
    from then_drifting as t
    left join now_drifting as n on n.trust_id = t.trust_id and n.case_ref = t.case_ref
    left join drift_cases as o on o.trust_id = t.trust_id and o.case_ref = t.case_ref
    where n.case_ref is null
),

closed as (
    select a.trust_id, a.school_urn, 'action_closed' as change, a.case_ref,
        a.action_id, a.owner_id as staff_id, '' as rule, a.class as detail
    from actions as a
    join previous_actions as p on p.trust_id = a.trust_id and p.action_id = a.action_id
    where a.completed_on is not null and coalesce(p.completed_on, '') = ''
),

now_latest as (
    select trust_id, school_urn, staff_id, rule, max(period_id) as period_id
    from frequency where met is not null
    group by trust_id, school_urn, staff_id, rule
),

now_judged as (
    select f.trust_id, f.school_urn, f.staff_id, f.rule, f.period_id, f.met
    from frequency as f
    join now_latest as l on l.trust_id = f.trust_id and l.school_urn = f.school_urn
        and l.staff_id = f.staff_id and l.rule = f.rule and l.period_id = f.period_id
),

then_latest as (
    select trust_id, school_urn, staff_id, rule, max(period_id) as period_id
    from previous_frequency where met in ('true', 'false')
    group by trust_id, school_urn, staff_id, rule
),

then_judged as (
    select f.trust_id, f.school_urn, f.staff_id, f.rule, f.period_id, f.met = 'true' as met
    from previous_frequency as f
    join then_latest as l on l.trust_id = f.trust_id and l.school_urn = f.school_urn
        and l.staff_id = f.staff_id and l.rule = f.rule and l.period_id = f.period_id
),

meeting as (
    select n.trust_id, n.school_urn,
        case when t.met then 'stopped_meeting' else 'started_meeting' end as change,
        '' as case_ref, '' as action_id, n.staff_id, n.rule,
        concat(t.period_id, ' then, ', n.period_id, ' now') as detail
    from now_judged as n
    join then_judged as t on t.trust_id = n.trust_id and t.school_urn = n.school_urn
        and t.staff_id = n.staff_id and t.rule = n.rule
    where t.met <> n.met
),

every_change as (
    select * from started
    union all select * from stopped
    union all select * from closed
    union all select * from meeting
)

select trust_id, school_urn, change, case_ref, action_id, staff_id, rule, detail
from every_change
order by trust_id, school_urn, change, case_ref, action_id, staff_id, rule
