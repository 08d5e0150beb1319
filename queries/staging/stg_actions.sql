-- Actions agreed in sessions held on or before the as-of date, classed at the as-of date.
-- Spec 02 §3: "Actions not cancelled whose session has status held and held_on on or
-- before the as-of date, classed at the as-of date:
--   done_on_time: completed_on <= as-of and completed_on <= due_on
--   done_late:    completed_on <= as-of and completed_on > due_on
--   overdue:      not completed by the as-of date, and due_on < as-of
--   not_yet_due:  not completed by the as-of date, and due_on >= as-of"
-- and "days_overdue = as-of - due_on (calendar days), for overdue only". A completion
-- after the as-of date is not there yet (spec 02, "Readings settled"). Calendar days
-- between two dates are the difference of their midnights' epoch seconds over 86400, a
-- form other engines accept too (README, "Running the queries on another engine").
-- The sessions are read as stored and cut at the as-of date here, not taken from the
-- staged sessions: those also say which sessions fall in the report year, which nothing
-- here needs, and reading them would make this table differ from year to year (the
-- trend's earlier years share it with the report year; issue #20).
-- Grain: one row per action of a held session, cancelled ones included (class null).
with cut as (
    select
        a.trust_id,
        a.action_id,
        a.session_id,
        a.case_ref,
        a.owner_id,
        a.due_on,
        case when a.completed_on <= p.as_of then a.completed_on end as completed_on,
        a.status,
        s.held_on as session_held_on,
        p.as_of
    from actions as a
    join sessions as s on s.trust_id = a.trust_id and s.session_id = a.session_id
    cross join report_params as p
    where s.status = 'held' and s.held_on <= p.as_of
)
select
    c.trust_id,
    c.action_id,
    c.session_id,
    c.case_ref,
    c.owner_id,
    c.due_on,
    c.completed_on,
    c.status,
    c.session_held_on,
    case
        when c.status = 'cancelled' then null
        when c.completed_on is not null and c.completed_on <= c.due_on then 'done_on_time'
        when c.completed_on is not null then 'done_late'
        when c.due_on < c.as_of then 'overdue'
        else 'not_yet_due'
    end as class,
    case
        when c.status <> 'cancelled' and c.completed_on is null and c.due_on < c.as_of
            then cast((
                extract(epoch from cast(c.as_of as timestamp)) - extract(epoch from cast(c.due_on as timestamp))
            ) / 86400 as integer)
    end as days_overdue,
    d.reporting_half_term as period_id
from cut as c
left join calendar_days as d on d.date = c.due_on
