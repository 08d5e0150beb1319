-- Case discussions that count: spec 02 §4, "Discussions count only in held sessions on
-- or before the as-of date".
-- Grain: one row per case discussed in a held session.
select
    d.trust_id,
    d.session_id,
    d.case_ref,
    d.safety_score,
    d.escalated,
    s.held_on,
    s.supervisor_id,
    s.in_report_year
from discussions as d
join stg_sessions as s on s.trust_id = d.trust_id and s.session_id = d.session_id
where s.status = 'held'
