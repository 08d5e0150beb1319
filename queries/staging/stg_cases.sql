-- The caseload register as it stood on the as-of date.
-- Spec 02 §4: a case is open when "opened_on <= as-of, closed_on empty or after it"; a
-- case opened later does not exist for the run. owner_id may be empty: nobody holds the
-- case (spec 01, cases.owner_id; drift flag no_owner).
-- Grain: one row per case opened on or before the as-of date.
select
    c.trust_id,
    c.case_ref,
    c.school_urn,
    c.category,
    c.owner_id,
    c.opened_on,
    case when c.closed_on <= p.as_of then c.closed_on end as closed_on,
    (c.closed_on is null or c.closed_on > p.as_of) as is_open
from cases as c
cross join report_params as p
where c.opened_on <= p.as_of
