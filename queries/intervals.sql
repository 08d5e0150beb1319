-- Longest gap between sessions  [Lode Heath: "minimum every 3 months" (60 working
-- days); Captain Cook: "every four weeks" (20); Ashbury Meadow: group "once every 6
-- weeks" (30)]
--
-- Spec 02 §1: "Rules with max_gap_working_days ... are judged once per person in scope
-- on the as-of date (role in scope or a case owner as above, employed on that date): take the report year's first
-- working day (or the person's started_on, if later), every qualifying session date up
-- to the as-of date, and the as-of date itself, in order; longest_gap is the largest
-- working_days between neighbours; met = longest_gap <= max_gap_working_days."
-- "The same filters [planned_only, min_minutes] decide which sessions enter a gap rule's
-- list." Who is in scope on the as-of date: staging/stg_in_scope.sql (period_id null).
-- working_days(a, b) counts the working days d with a < d <= b: the difference of
-- calendar_days.working_day_index.
--
-- Grain: one row per person in scope on the as-of date, per gap rule of their school.
with gap_rules as (
    select school_urn, rule, max_gap_working_days, planned_only, min_minutes
    from policy_rules
    where max_gap_working_days is not null
),

first_working_day as (
    select min(d.date) as first_on
    from calendar_days as d
    cross join report_params as p
    where d.academic_year = p.report_year and d.is_working_day
),

people as (
    select
        st.trust_id, st.school_urn, st.staff_id, g.rule, g.max_gap_working_days,
        g.planned_only, g.min_minutes,
        case when st.started_on > f.first_on then st.started_on else f.first_on end as start_on
    from stg_in_scope as i
    join stg_staff as st on st.trust_id = i.trust_id and st.staff_id = i.staff_id
    join gap_rules as g on g.school_urn = st.school_urn
    cross join first_working_day as f
    where i.period_id is null
),

qualifying_sessions as (
    select distinct pe.trust_id, pe.staff_id, pe.rule, a.held_on as point_on
    from people as pe
    join stg_attendance as a on a.trust_id = pe.trust_id and a.staff_id = pe.staff_id
    join policy_rule_kinds as k on k.school_urn = pe.school_urn and k.rule = pe.rule and k.kind = a.kind
    where a.status = 'held' and a.held_on >= pe.start_on
        and (not pe.planned_only or a.planned)
        and (pe.min_minutes is null or a.duration_minutes >= pe.min_minutes)
),

points as (
    select trust_id, staff_id, rule, start_on as point_on from people
    union all
    select trust_id, staff_id, rule, point_on from qualifying_sessions
    union all
    select pe.trust_id, pe.staff_id, pe.rule, p.as_of as point_on
    from people as pe
    cross join report_params as p
),

indexed as (
    select pt.trust_id, pt.staff_id, pt.rule, pt.point_on, d.working_day_index
    from points as pt
    left join calendar_days as d on d.date = pt.point_on
),

gaps as (
    select
        trust_id, staff_id, rule,
        working_day_index - lag(working_day_index) over (
            partition by trust_id, staff_id, rule order by point_on
        ) as gap
    from indexed
),

longest as (
    select trust_id, staff_id, rule, max(gap) as longest_gap
    from gaps
    group by trust_id, staff_id, rule
),

last_session as (
    select trust_id, staff_id, rule, max(point_on) as last_session_on
    from qualifying_sessions
    group by trust_id, staff_id, rule
),

final as (
    select
        pe.trust_id,
        pe.school_urn,
        pe.staff_id,
        pe.rule,
        s.last_session_on,
        l.longest_gap,
        l.longest_gap <= pe.max_gap_working_days as met
    from people as pe
    join longest as l on l.trust_id = pe.trust_id and l.staff_id = pe.staff_id and l.rule = pe.rule
    left join last_session as s on s.trust_id = pe.trust_id and s.staff_id = pe.staff_id and s.rule = pe.rule
)

select * from final
order by trust_id, school_urn, staff_id, rule
