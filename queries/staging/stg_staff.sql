-- Staff as they stood on the as-of date.
-- Spec 02, "Readings settled": "Every date is cut at the as-of date: a recorded_on,
-- completed_on, left_on or training date after it counts as not (yet) there." Someone
-- who starts after the as-of date is not staff yet.
-- Grain: one row per staff member employed by then (or since left).
select
    s.trust_id,
    s.staff_id,
    s.school_urn,
    s.display_name,
    s.role,
    s.started_on,
    case when s.left_on <= p.as_of then s.left_on end as left_on,
    case when s.supervisor_trained_on <= p.as_of then s.supervisor_trained_on end as supervisor_trained_on,
    case when s.dsl_trained_on <= p.as_of then s.dsl_trained_on end as dsl_trained_on,
    (s.left_on is null or s.left_on >= p.as_of) as employed_on_as_of
from staff as s
cross join report_params as p
where s.started_on <= p.as_of
