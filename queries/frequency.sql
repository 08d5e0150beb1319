-- Frequency met  [all five seed policies]
--
-- Spec 02 §1: "For each in-scope person, each rule of their school with a `per`, each
-- complete period of that granularity in the report year:
--   delivered = distinct sessions with status held, kind in the rule's kinds, held_on
--               within the period, the person an attendee.
--   required = the rule's min; met = delivered >= required."
-- In scope (spec 02, "Who is due supervision"): role in the school's in_scope_roles and
-- "employed for the whole period: started_on <= starts_on and (left_on empty or
-- left_on >= ends_on)". Periods of the report year that have started but not ended are
-- listed too, with met empty (spec 02, "Readings settled"); later ones have no row.
-- Seeds: Lode Heath termly; Captain Cook, Cornerstone, Temple, Ashbury Meadow
-- half-termly.
--
-- Grain: one row per in-scope person, per-rule, per started period of the report year.
with periods as (
    select cp.period_id, cp.granularity, cp.starts_on, cp.ends_on, (cp.ends_on < p.as_of) as is_complete
    from calendar_periods as cp
    cross join report_params as p
    where cp.academic_year = p.report_year and cp.starts_on <= p.as_of
),

in_scope_staff as (
    select st.trust_id, st.school_urn, st.staff_id, st.started_on, st.left_on
    from stg_staff as st
    join policy_roles as r on r.school_urn = st.school_urn and r.role = st.role
),

due as (
    select
        s.trust_id, s.school_urn, s.staff_id, r.rule, r.min as required,
        pe.period_id, pe.starts_on, pe.ends_on, pe.is_complete,
        s.started_on, s.left_on
    from in_scope_staff as s
    join policy_rules as r on r.school_urn = s.school_urn
    join periods as pe on pe.granularity = r.per
),

employed_throughout as (
    select * from due
    where started_on <= starts_on and (left_on is null or left_on >= ends_on)
),

qualifying_attendance as (
    select d.trust_id, d.staff_id, d.rule, d.period_id, a.session_id
    from employed_throughout as d
    join stg_attendance as a on a.trust_id = d.trust_id and a.staff_id = d.staff_id
    join policy_rule_kinds as k on k.school_urn = d.school_urn and k.rule = d.rule and k.kind = a.kind
    where a.status = 'held' and a.held_on >= d.starts_on and a.held_on <= d.ends_on
),

delivered as (
    select trust_id, staff_id, rule, period_id, count(distinct session_id) as delivered
    from qualifying_attendance
    group by trust_id, staff_id, rule, period_id
),

final as (
    select
        d.trust_id,
        d.school_urn,
        d.staff_id,
        d.rule,
        d.period_id,
        d.required,
        coalesce(v.delivered, 0) as delivered,
        case when d.is_complete then coalesce(v.delivered, 0) >= d.required end as met
    from employed_throughout as d
    left join delivered as v
        on v.trust_id = d.trust_id and v.staff_id = d.staff_id and v.rule = d.rule and v.period_id = d.period_id
)

select * from final
order by trust_id, school_urn, staff_id, rule, period_id
