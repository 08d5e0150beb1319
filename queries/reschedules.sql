-- Rescheduled in time  [Cornerstone: cancelled sessions "rescheduled within 5 working
-- days"]
--
-- Spec 02 §2: "For each session with status cancelled or missed, held_on in the report
-- year and before the as-of date, and each of its attendees: the window ends on the date
-- that is reschedule_within_working_days (5) working days after held_on. Judged only
-- when that date is before the as-of date. rescheduled = the attendee has a held session
-- of the same kind with held_on after the cancelled date and on or before the window
-- end." Rows not yet judged are listed with rescheduled empty (spec 02, "Readings
-- settled"); the session's own school's policy applies.
--
-- Grain: one row per cancelled or missed session per attendee.
with called_off as (
    select
        a.trust_id, a.school_urn, a.session_id, a.staff_id, a.kind, a.held_on,
        a.held_on_index + ps.reschedule_within_working_days as window_end_index
    from stg_attendance as a
    join policy_schools as ps on ps.school_urn = a.school_urn
    cross join report_params as p
    where a.status in ('cancelled', 'missed') and a.in_report_year and a.held_on < p.as_of
),

working_days as (
    select working_day_index, min(date) as working_day
    from calendar_days
    where is_working_day
    group by working_day_index
),

windows as (
    select c.*, w.working_day as window_ends_on
    from called_off as c
    left join working_days as w on w.working_day_index = c.window_end_index
),

rebooked as (
    select distinct w.trust_id, w.session_id, w.staff_id
    from windows as w
    join stg_attendance as a on a.trust_id = w.trust_id and a.staff_id = w.staff_id and a.kind = w.kind
    where a.status = 'held' and a.held_on > w.held_on and a.held_on <= w.window_ends_on
),

final as (
    select
        w.trust_id,
        w.school_urn,
        w.session_id,
        w.staff_id,
        w.window_ends_on,
        case when w.window_ends_on < p.as_of then r.session_id is not null end as rescheduled
    from windows as w
    cross join report_params as p
    left join rebooked as r on r.trust_id = w.trust_id and r.session_id = w.session_id and r.staff_id = w.staff_id
)

select * from final
order by trust_id, school_urn, session_id, staff_id
