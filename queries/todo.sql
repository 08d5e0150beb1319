-- The lead's to-do list  [all five seed policies: supervision that happens, actions
-- followed up, "no drift or delay"; Temple, Ashbury Meadow, Captain Cook: agreements
-- reviewed; every seed: DSL training renewed; Cornerstone: "policy review was due
-- Summer 2022"]
--
-- Spec 03, "The lead's to-do list" (added): "per school, with names (staff
-- display_name), what needs doing now: people due or overdue supervision in the current
-- period and when they were last supervised; overdue actions with their owner and days
-- overdue; drifting cases (case ref, owner, flags); supervision agreements and DSL
-- training that lapse within 60 days; policy reviews due. Sorted so the most urgent comes
-- first."
-- Each row is one thing to do (`task`), most urgent first within a school (`urgency`,
-- 1 first; docs/decisions.md says why this order):
--   1 drifting_case: a case drifting now (drift_cases.sql): its owner and flags;
--   2 overdue_action: an action overdue now (actions.sql): its owner, days overdue;
--   3 supervision_missed: a person whose latest complete period under a per-period rule
--     was not met (frequency.sql), or whose longest gap under a gap rule is over the
--     limit (intervals.sql);
--   4 policy_review_due: the school's own policy review date has passed, or falls within
--     60 days (policy_review_due_on);
--   5 training_lapsing: a DSL's or deputy's own DSL training lapsed or lapsing within
--     60 days (workload.sql's dsl_training_due_on);
--   6 agreement_lapsing: a person's latest supervision agreement (contract) whose review
--     is due within 60 days or has passed, at a school whose policy requires agreements;
--   7 supervision_due: a person with fewer sessions than required so far in the period
--     in progress (frequency.sql, met empty), due by the period's end.
-- due_on: when the task fell or falls due (a drifting case: when it was last discussed,
-- or opened; a missed gap or training never recorded: the as-of date). For supervision
-- tasks, last_supervised_on is the person's latest held session attended, any kind.
-- Calendar days between two dates are the difference of their midnights' epoch seconds
-- over 86400 (as in staging/stg_actions.sql). Names are the staff's display_name.
-- Grain: one row per task; sorted by trust, school, urgency, due date, then ids (never
-- null, so every engine sorts them alike).
with params as (
    select as_of from report_params
),

last_supervised as (
    select a.trust_id, a.staff_id, max(a.held_on) as last_on
    from stg_attendance as a
    cross join params as p
    where a.status = 'held' and a.held_on <= p.as_of
    group by a.trust_id, a.staff_id
),

names as (
    select trust_id, staff_id, max(display_name) as display_name
    from stg_staff
    group by trust_id, staff_id
),

drifting as (
    select d.trust_id, d.school_urn, 1 as urgency, 'drifting_case' as task,
        coalesce(d.owner_id, '') as staff_id, d.case_ref, '' as action_id, '' as rule,
        coalesce(d.last_discussed_on, d.opened_on) as due_on, cast(null as integer) as days_overdue,
        d.flags as detail
    from drift_cases as d
    where d.drifting
),

overdue as (
    select a.trust_id, a.school_urn, 2 as urgency, 'overdue_action' as task,
        coalesce(a.owner_id, '') as staff_id, coalesce(a.case_ref, '') as case_ref, a.action_id, '' as rule,
        a.due_on, a.days_overdue, '' as detail
    from actions as a
    where a.class = 'overdue'
),

latest_judged as (
    select trust_id, school_urn, staff_id, rule, max(period_id) as period_id
    from frequency
    where met is not null
    group by trust_id, school_urn, staff_id, rule
),

missed_periods as (
    select f.trust_id, f.school_urn, 3 as urgency, 'supervision_missed' as task,
        f.staff_id, '' as case_ref, '' as action_id, f.rule,
        cp.ends_on as due_on, cast(null as integer) as days_overdue,
        concat(f.period_id, ': ', cast(f.delivered as varchar), ' of ', cast(f.required as varchar)) as detail
    from frequency as f
    join latest_judged as l on l.trust_id = f.trust_id and l.school_urn = f.school_urn
        and l.staff_id = f.staff_id and l.rule = f.rule and l.period_id = f.period_id
    join calendar_periods as cp on cp.period_id = f.period_id
    where not f.met
),

missed_gaps as (
    select i.trust_id, i.school_urn, 3 as urgency, 'supervision_missed' as task,
        i.staff_id, '' as case_ref, '' as action_id, i.rule,
        p.as_of as due_on, cast(null as integer) as days_overdue,
        concat('longest gap ', cast(i.longest_gap as varchar), ' working days') as detail
    from intervals as i
    cross join params as p
    where not i.met
),

reviews as (
    select s.trust_id, s.school_urn, 4 as urgency, 'policy_review_due' as task,
        '' as staff_id, '' as case_ref, '' as action_id, '' as rule,
        ps.policy_review_due_on as due_on, cast(null as integer) as days_overdue,
        '' as detail
    from schools as s
    join policy_schools as ps on ps.school_urn = s.school_urn
    cross join params as p
    where ps.policy_review_due_on is not null
        and (extract(epoch from cast(ps.policy_review_due_on as timestamp))
            - extract(epoch from cast(p.as_of as timestamp))) / 86400 <= 60
),

training as (
    select w.trust_id, w.school_urn, 5 as urgency, 'training_lapsing' as task,
        w.staff_id, '' as case_ref, '' as action_id, '' as rule,
        coalesce(w.dsl_training_due_on, p.as_of) as due_on, cast(null as integer) as days_overdue,
        case
            when w.dsl_training_due_on is null then 'none recorded'
            when w.dsl_training_current then 'current'
            else 'lapsed'
        end as detail
    from workload as w
    cross join params as p
    where w.role in ('DSL', 'DDSL')
        and (w.dsl_training_due_on is null
            or (extract(epoch from cast(w.dsl_training_due_on as timestamp))
                - extract(epoch from cast(p.as_of as timestamp))) / 86400 <= 60)
),

latest_agreement as (
    select c.trust_id, c.supervisee_id, max(c.agreed_on) as agreed_on
    from contracts as c
    cross join params as p
    where c.agreed_on <= p.as_of
    group by c.trust_id, c.supervisee_id
),

agreements as (
    select st.trust_id, st.school_urn, 6 as urgency, 'agreement_lapsing' as task,
        c.supervisee_id as staff_id, '' as case_ref, '' as action_id, '' as rule,
        c.review_due_on as due_on, cast(null as integer) as days_overdue,
        concat('agreed ', cast(c.agreed_on as varchar)) as detail
    from contracts as c
    join latest_agreement as l on l.trust_id = c.trust_id
        and l.supervisee_id = c.supervisee_id and l.agreed_on = c.agreed_on
    join stg_staff as st on st.trust_id = c.trust_id and st.staff_id = c.supervisee_id
    join policy_schools as ps on ps.school_urn = st.school_urn
    cross join params as p
    where ps.contracts_required and st.employed_on_as_of
        and (extract(epoch from cast(c.review_due_on as timestamp))
            - extract(epoch from cast(p.as_of as timestamp))) / 86400 <= 60
),

due_now as (
    select f.trust_id, f.school_urn, 7 as urgency, 'supervision_due' as task,
        f.staff_id, '' as case_ref, '' as action_id, f.rule,
        cp.ends_on as due_on, cast(null as integer) as days_overdue,
        concat(f.period_id, ': ', cast(f.delivered as varchar), ' of ', cast(f.required as varchar)) as detail
    from frequency as f
    join calendar_periods as cp on cp.period_id = f.period_id
    where f.met is null and f.delivered < f.required
),

every_task as (
    select * from drifting
    union all select * from overdue
    union all select * from missed_periods
    union all select * from missed_gaps
    union all select * from reviews
    union all select * from training
    union all select * from agreements
    union all select * from due_now
)

select
    t.trust_id,
    t.school_urn,
    s.school_name,
    t.urgency,
    t.task,
    coalesce(n.display_name, '') as display_name,
    t.staff_id,
    t.case_ref,
    t.action_id,
    t.rule,
    t.due_on,
    t.days_overdue,
    case when t.task in ('supervision_missed', 'supervision_due') then ls.last_on end as last_supervised_on,
    coalesce(t.detail, '') as detail
from every_task as t
join schools as s on s.trust_id = t.trust_id and s.school_urn = t.school_urn
left join names as n on n.trust_id = t.trust_id and n.staff_id = t.staff_id
left join last_supervised as ls on ls.trust_id = t.trust_id and ls.staff_id = t.staff_id
order by t.trust_id, t.school_urn, t.urgency, t.due_on, t.staff_id, t.case_ref, t.action_id, t.rule
