-- Who is due supervision, per period of the report year and on the as-of date.
-- Spec 02, "Who is due supervision": "A staff member is in scope for a period when their
-- role is in the school's in_scope_roles ... and they were employed for the whole period:
-- started_on <= starts_on and (left_on empty or left_on >= ends_on)." And: "Where the
-- school's policy sets in_scope_case_owners = true (Lode Heath, Temple: staff 'working
-- with' children on plans, 'case holders'), a staff member is also in scope for a period
-- when they are the owner_id of a case of category CP, CIN, CLA or EH that was open on
-- any day of it (opened_on <= d and closed_on empty or after d; exports hold only the
-- current owner, so the current owner counts), and were employed for the whole period,
-- whatever their role. Wherever this spec says 'in scope on the as-of date', the same
-- holds with the as-of date as the one day."
-- The owner's own school's policy decides whether holding a case brings them into scope.
-- Periods are the report year's started ones (every granularity), as frequency.sql
-- judges them.
--
-- Grain: one row per person in scope and period (period_id set), and one row per person
-- in scope on the as-of date (period_id null).
with periods as (
    select cp.period_id, cp.starts_on, cp.ends_on
    from calendar_periods as cp
    cross join report_params as p
    where cp.academic_year = p.report_year and cp.starts_on <= p.as_of
),

by_role as (
    select st.trust_id, st.staff_id
    from stg_staff as st
    join policy_roles as r on r.school_urn = st.school_urn and r.role = st.role
),

held_cases as (
    select c.trust_id, c.owner_id as staff_id, c.opened_on, c.closed_on, c.is_open
    from stg_cases as c
    join stg_staff as st on st.trust_id = c.trust_id and st.staff_id = c.owner_id
    join policy_schools as ps on ps.school_urn = st.school_urn
    where ps.in_scope_case_owners and c.category in ('CP', 'CIN', 'CLA', 'EH')
),

-- Open on some day d of the period: opened_on <= d < closed_on for a d between
-- starts_on and ends_on (a case closed on the day it opened was never open).
held_in_period as (
    select h.trust_id, h.staff_id, pe.period_id
    from held_cases as h
    cross join periods as pe
    where h.opened_on <= pe.ends_on
        and (h.closed_on is null or (h.closed_on > pe.starts_on and h.closed_on > h.opened_on))
),

candidates_in_period as (
    select b.trust_id, b.staff_id, pe.period_id
    from by_role as b
    cross join periods as pe
    union all
    select trust_id, staff_id, period_id from held_in_period
),

in_period as (
    select distinct st.trust_id, st.school_urn, st.staff_id, c.period_id
    from candidates_in_period as c
    join stg_staff as st on st.trust_id = c.trust_id and st.staff_id = c.staff_id
    join periods as pe on pe.period_id = c.period_id
    where st.started_on <= pe.starts_on and (st.left_on is null or st.left_on >= pe.ends_on)
),

candidates_on_as_of as (
    select trust_id, staff_id from by_role
    union all
    select trust_id, staff_id from held_cases where is_open
),

on_as_of as (
    select distinct st.trust_id, st.school_urn, st.staff_id
    from candidates_on_as_of as c
    join stg_staff as st on st.trust_id = c.trust_id and st.staff_id = c.staff_id
    where st.employed_on_as_of
)

select trust_id, school_urn, staff_id, period_id from in_period
union all
select trust_id, school_urn, staff_id, cast(null as varchar) as period_id from on_as_of
