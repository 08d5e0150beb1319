-- Sessions up to the as-of date, with their reporting half-term and academic year.
-- Spec 02: "Nothing after the as-of date is seen: a session held later ... does not
-- exist for that run"; a recorded_on after the as-of date "counts as not (yet) there".
-- A date's reporting half-term is "the latest half-term whose starts_on <= the date".
-- Grain: one row per session with held_on on or before the as-of date.
select
    s.trust_id,
    s.session_id,
    s.school_urn,
    s.held_on,
    s.supervisor_id,
    s.kind,
    s.planned,
    s.status,
    s.duration_minutes,
    case when s.recorded_on <= p.as_of then s.recorded_on end as recorded_on,
    s.signed_supervisor,
    s.signed_supervisee,
    s.functions,
    d.reporting_half_term as period_id,
    d.academic_year,
    d.working_day_index as held_on_index,
    coalesce(d.academic_year = p.report_year, false) as in_report_year
from sessions as s
cross join report_params as p
left join calendar_days as d on d.date = s.held_on
where s.held_on <= p.as_of
