-- Frequency met  [all five seed policies]
--
-- Spec 02 §1: "For each in-scope person, each rule of their school with a `per`, each
-- complete period of that granularity in the report year:
--   delivered = distinct sessions with status held, kind in the rule's kinds, held_on
--               within the period, the person an attendee.
--   required = the rule's min; met = delivered >= required.
--   Where the rule sets planned_only = true only sessions with planned true count (Lode
--   Heath: group and ad-hoc sessions 'should not replace planned, formal, recorded, one
--   to one sessions'), and where it sets min_minutes only sessions with
--   duration_minutes >= min_minutes count (Captain Cook: 'for a period of two hours';
--   Temple: 'approximately one hour'; Ashbury Meadow: 'for 1 hour')."
-- In scope for the period (role, or case holder where the policy says so, and employed
-- throughout): staging/stg_in_scope.sql. Periods of the report year that have started
-- but not ended are listed too, with met empty (spec 02, "Readings settled"); later ones
-- have no row. Seeds: Lode Heath termly; Captain Cook, Cornerstone, Temple, Ashbury
-- Meadow half-termly.
--
-- Grain: one row per in-scope person, per-rule, per started period of the report year.
with periods as (
    select cp.period_id, cp.granularity, cp.starts_on, cp.ends_on, (cp.ends_on < p.as_of) as is_complete
    from calendar_periods as cp
    cross join report_params as p
    where cp.academic_year = p.report_year and cp.starts_on <= p.as_of
),

due as (
    select
        s.trust_id, s.school_urn, s.staff_id, r.rule, r.min as required,
        r.planned_only, r.min_minutes,
        pe.period_id, pe.starts_on, pe.ends_on, pe.is_complete
    from stg_in_scope as s
    join policy_rules as r on r.school_urn = s.school_urn
    join periods as pe on pe.period_id = s.period_id and pe.granularity = r.per
),

qualifying_attendance as (
    select d.trust_id, d.staff_id, d.rule, d.period_id, a.session_id
    from due as d
    join stg_attendance as a on a.trust_id = d.trust_id and a.staff_id = d.staff_id
    join policy_rule_kinds as k on k.school_urn = d.school_urn and k.rule = d.rule and k.kind = a.kind
    where a.status = 'held' and a.held_on >= d.starts_on and a.held_on <= d.ends_on
        and (not d.planned_only or a.planned)
        and (d.min_minutes is null or a.duration_minutes >= d.min_minutes)
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
    from due as d
    left join delivered as v
        on v.trust_id = d.trust_id and v.staff_id = d.staff_id and v.rule = d.rule and v.period_id = d.period_id
)

select * from final
order by trust_id, school_urn, staff_id, rule, period_id
