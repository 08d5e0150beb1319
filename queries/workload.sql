-- Workload per DSL  [Lode Heath: "review workloads"; Captain Cook: "about twenty cases
-- in two hours"]
--
-- Spec 02 §5: "One row per staff member employed on the as-of date who is in an in-scope
-- role, or owns an open case, or supervised a held session in the report year (up to
-- the as-of date):
--   open_cp ... open_step_down: open cases they own, by category.
--   weighted_caseload = sum of weight x count (weights CP 3, CLA 2, CIN 2, EH 1,
--     CONCERN 0.5, STEP_DOWN 0.5).
--   open_actions (owned, not cancelled, not done by the as-of date, session held by
--     then) and overdue_actions (class overdue).
--   sessions_received / sessions_given: held sessions in the report year up to the
--     as-of date as attendee / as supervisor; hours_given = their minutes / 60.
--   cases_per_hour = distinct (session, case) discussions in sessions given /
--     hours_given; empty when no hours.
--   over_caseload = weighted_caseload > max_weighted_caseload (40);
--   rushed = cases_per_hour > max_cases_per_hour (12).
--   dsl_training_due_on = dsl_trained_on + dsl_training_valid_months (24) months, for
--     roles DSL and DDSL (empty when no training date is held); dsl_training_current =
--     that date >= the as-of date (false when no date is held). Both are empty for every
--     other role."
-- "Employed on the as-of date" applies to all three; weights and thresholds are those of
-- the person's own school. In an in-scope role means in scope on the as-of date
-- (staging/stg_in_scope.sql: a case holder too, where the policy says so). Adding months
-- clamps to the month's last day (31 January + 1 month = 28/29 February), as in
-- recording.sql; a training date after the as-of date is not there yet (staging).
--
-- Grain: one row per staff member as above.
with employed as (
    select * from stg_staff where employed_on_as_of
),

open_cases as (
    select * from stg_cases where is_open
),

caseload as (
    select
        c.trust_id,
        c.owner_id as staff_id,
        sum(case when c.category = 'CP' then 1 else 0 end) as open_cp,
        sum(case when c.category = 'CIN' then 1 else 0 end) as open_cin,
        sum(case when c.category = 'CLA' then 1 else 0 end) as open_cla,
        sum(case when c.category = 'EH' then 1 else 0 end) as open_eh,
        sum(case when c.category = 'CONCERN' then 1 else 0 end) as open_concern,
        sum(case when c.category = 'STEP_DOWN' then 1 else 0 end) as open_step_down,
        sum(w.weight) as weighted_caseload
    from open_cases as c
    join stg_staff as s on s.trust_id = c.trust_id and s.staff_id = c.owner_id
    join policy_weights as w on w.school_urn = s.school_urn and w.category = c.category
    group by c.trust_id, c.owner_id
),

owned_actions as (
    select
        trust_id,
        owner_id as staff_id,
        sum(case when status <> 'cancelled' and completed_on is null then 1 else 0 end) as open_actions,
        sum(case when class = 'overdue' then 1 else 0 end) as overdue_actions
    from stg_actions
    group by trust_id, owner_id
),

received as (
    select trust_id, staff_id, count(distinct session_id) as sessions_received
    from stg_attendance
    where status = 'held' and in_report_year
    group by trust_id, staff_id
),

given as (
    select trust_id, supervisor_id as staff_id, count(*) as sessions_given, sum(duration_minutes) as minutes_given
    from stg_sessions
    where status = 'held' and in_report_year
    group by trust_id, supervisor_id
),

discussed as (
    select trust_id, supervisor_id as staff_id, count(*) as discussions_given
    from (
        select distinct trust_id, supervisor_id, session_id, case_ref
        from stg_discussions
        where in_report_year
    ) as pairs
    group by trust_id, supervisor_id
),

in_scope as (
    select distinct trust_id, staff_id
    from stg_in_scope
    where period_id is null
),

-- The month dsl_trained_on + N months falls in, counted from year 0 (month_index / 12 is
-- its year, month_index mod 12 + 1 its month), and the training day clamped to that
-- month's length. The year is (month_index - its remainder) / 12, cast back to a whole
-- number: exact, and the same whether an engine's / divides whole numbers or not.
dsl_training_month as (
    select
        e.trust_id,
        e.staff_id,
        cast(extract(day from e.dsl_trained_on) as bigint) as trained_day,
        cast(extract(year from e.dsl_trained_on) as bigint) * 12
            + cast(extract(month from e.dsl_trained_on) as bigint) - 1
            + ps.dsl_training_valid_months as month_index
    from employed as e
    join policy_schools as ps on ps.school_urn = e.school_urn
    where e.role in ('DSL', 'DDSL') and e.dsl_trained_on is not null
),

dsl_training_parts as (
    select
        trust_id,
        staff_id,
        cast((month_index - mod(month_index, 12)) / 12 as bigint) as due_year,
        mod(month_index, 12) + 1 as due_month,
        trained_day
    from dsl_training_month
),

dsl_training as (
    select
        trust_id,
        staff_id,
        date(concat(
            cast(due_year as varchar), '-',
            lpad(cast(due_month as varchar), 2, '0'), '-',
            lpad(cast(least(
                trained_day,
                case
                    when due_month in (4, 6, 9, 11) then 30
                    when due_month = 2 and ((mod(due_year, 4) = 0 and mod(due_year, 100) <> 0) or mod(due_year, 400) = 0) then 29
                    when due_month = 2 then 28
                    else 31
                end
            ) as varchar), 2, '0')
        )) as dsl_training_due_on
    from dsl_training_parts
),

figures as (
    select
        e.trust_id,
        e.school_urn,
        e.staff_id,
        e.display_name,
        e.role,
        coalesce(c.open_cp, 0) as open_cp,
        coalesce(c.open_cin, 0) as open_cin,
        coalesce(c.open_cla, 0) as open_cla,
        coalesce(c.open_eh, 0) as open_eh,
        coalesce(c.open_concern, 0) as open_concern,
        coalesce(c.open_step_down, 0) as open_step_down,
        coalesce(c.weighted_caseload, 0.0) as weighted_caseload,
        coalesce(a.open_actions, 0) as open_actions,
        coalesce(a.overdue_actions, 0) as overdue_actions,
        coalesce(r.sessions_received, 0) as sessions_received,
        coalesce(g.sessions_given, 0) as sessions_given,
        coalesce(g.minutes_given, 0) / 60.0 as hours_given,
        case when g.minutes_given > 0 then coalesce(d.discussions_given, 0) / (g.minutes_given / 60.0) end as cases_per_hour,
        ps.max_weighted_caseload,
        ps.max_cases_per_hour,
        (i.staff_id is not null or c.staff_id is not null or g.staff_id is not null) as is_listed,
        t.dsl_training_due_on,
        case when e.role in ('DSL', 'DDSL') then coalesce(t.dsl_training_due_on >= p.as_of, false) end as dsl_training_current
    from employed as e
    cross join report_params as p
    join policy_schools as ps on ps.school_urn = e.school_urn
    left join in_scope as i on i.trust_id = e.trust_id and i.staff_id = e.staff_id
    left join caseload as c on c.trust_id = e.trust_id and c.staff_id = e.staff_id
    left join owned_actions as a on a.trust_id = e.trust_id and a.staff_id = e.staff_id
    left join received as r on r.trust_id = e.trust_id and r.staff_id = e.staff_id
    left join given as g on g.trust_id = e.trust_id and g.staff_id = e.staff_id
    left join discussed as d on d.trust_id = e.trust_id and d.staff_id = e.staff_id
    left join dsl_training as t on t.trust_id = e.trust_id and t.staff_id = e.staff_id
),

final as (
    select
        trust_id,
        school_urn,
        staff_id,
        display_name,
        role,
        open_cp,
        open_cin,
        open_cla,
        open_eh,
        open_concern,
        open_step_down,
        weighted_caseload,
        open_actions,
        overdue_actions,
        sessions_received,
        sessions_given,
        hours_given,
        cases_per_hour,
        weighted_caseload > max_weighted_caseload as over_caseload,
        case when cases_per_hour is not null then cases_per_hour > max_cases_per_hour end as rushed,
        dsl_training_due_on,
        dsl_training_current
    from figures
    where is_listed
)

select * from final
order by trust_id, school_urn, staff_id
