-- Who attended what: each attendee of each session up to the as-of date.
-- Spec 02, "Who is due supervision": "A session counts for a person when they are among
-- its attendees (its supervisees)."
-- Grain: one row per session and attendee.
select
    s.trust_id,
    a.staff_id,
    s.session_id,
    s.school_urn,
    s.held_on,
    s.held_on_index,
    s.kind,
    s.planned,
    s.duration_minutes,
    s.status,
    s.functions,
    s.in_report_year
from attendees as a
join stg_sessions as s on s.trust_id = a.trust_id and s.session_id = a.session_id
