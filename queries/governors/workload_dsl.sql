-- Workload of the designated safeguarding leads (spec 02 §5) for governors.
-- Spec 03, governors/: "workload.csv's columns less staff_id, for roles DSL and DDSL,
-- case counts suppressed" (the open_* case counts are suppressed when the file is
-- written; display_name is shown for DSL/DDSL, spec 01).
-- Grain: one row per DSL or DDSL listed in workload.csv.
select
    trust_id,
    school_urn,
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
    over_caseload,
    rushed
from workload
where role in ('DSL', 'DDSL')
order by trust_id, school_urn, display_name
