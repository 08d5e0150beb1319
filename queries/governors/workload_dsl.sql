-- Workload of the designated safeguarding leads and their deputies (spec 02 §5), for
-- governors. Spec 03, governors/workload_dsl.csv: "trust_id, school_urn, display_name,
-- role, open_cases, weighted_caseload, over_caseload, open_actions, overdue_actions,
-- sessions_received, sessions_given, hours_given, cases_per_hour, rushed,
-- dsl_training_due_on, dsl_training_current; DSLs and deputies only" (display_name is
-- shown for DSL/DDSL, spec 01).
-- Spec 02, "Disclosure control": "workload_dsl.csv shows, per DSL and deputy,
-- open_cases (all categories together), weighted_caseload, over_caseload ... it has no
-- per-category counts (those stay in restricted/). So a DSL over the threshold always
-- shows their caseload; weighted_caseload is c exactly when open_cases is." open_cases
-- is a count of children, protected when the report is published; weighted_caseload
-- follows it. cases_per_hour counts discussions, not children.
-- "Rows are keyed and sorted by trust_id, school_urn, role, display_name" (then staff_id,
-- so two people of one name keep a fixed order).
-- Grain: one row per DSL or DDSL listed in workload.csv.
select
    trust_id,
    school_urn,
    display_name,
    role,
    open_cp + open_cin + open_cla + open_eh + open_concern + open_step_down as open_cases,
    weighted_caseload,
    over_caseload,
    open_actions,
    overdue_actions,
    sessions_received,
    sessions_given,
    hours_given,
    cases_per_hour,
    rushed,
    dsl_training_due_on,
    dsl_training_current
from workload
where role in ('DSL', 'DDSL')
order by trust_id, school_urn, role, display_name, staff_id
