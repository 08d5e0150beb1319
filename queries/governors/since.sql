-- Direction of travel (spec 03, "Direction of travel", added): beside each headline
-- figure of summary.csv, the figure governors were shown in an earlier report ("66.7 %,
-- was 75.0 % on 20 July 2026") and the direction in words. `report --since
-- PREVIOUS_OUT` reads that report's governors/summary.csv (checked against its
-- manifest) as `previous_summary`, every cell as it was printed (text: a number, `c` or
-- empty), and its as-of date as `previous_report`.
--   <figure>: this report's figure, as in summary.csv;
--   <figure>_was: the earlier report's cell for the same trust and school, as printed
--     then (`c` stays `c`; empty when the school was not in that report);
--   <direction>: up, down or same, when both figures are numbers; a percentage within
--     half a unit of its rounding (0.05) is the same. Spec 02, relation 7: "a figure shown
--     beside the same figure of an earlier report is linked to it": the direction is
--     empty when the earlier cell was `c`, and `c` when this report suppresses the
--     figure (declared in src/report/published/marts.rs, so the direction never tells
--     more than the two figures shown).
-- Grain: one row per summary.csv row (each school and each trust's TOTAL).
select
    s.trust_id,
    s.school_urn,
    s.school_name,
    r.as_of as was_as_of,
    s.frequency_met_pct,
    p.frequency_met_pct as frequency_met_pct_was,
    case
        when s.frequency_met_pct is null or try_cast(p.frequency_met_pct as double) is null then null
        when s.frequency_met_pct - try_cast(p.frequency_met_pct as double) > 0.05 then 'up'
        when try_cast(p.frequency_met_pct as double) - s.frequency_met_pct > 0.05 then 'down'
        else 'same'
    end as frequency_met_direction,
    s.actions_on_time_pct,
    p.actions_on_time_pct as actions_on_time_pct_was,
    case
        when s.actions_on_time_pct is null or try_cast(p.actions_on_time_pct as double) is null then null
        when s.actions_on_time_pct - try_cast(p.actions_on_time_pct as double) > 0.05 then 'up'
        when try_cast(p.actions_on_time_pct as double) - s.actions_on_time_pct > 0.05 then 'down'
        else 'same'
    end as actions_on_time_direction,
    s.recorded_on_time_pct,
    p.recorded_on_time_pct as recorded_on_time_pct_was,
    case
        when s.recorded_on_time_pct is null or try_cast(p.recorded_on_time_pct as double) is null then null
        when s.recorded_on_time_pct - try_cast(p.recorded_on_time_pct as double) > 0.05 then 'up'
        when try_cast(p.recorded_on_time_pct as double) - s.recorded_on_time_pct > 0.05 then 'down'
        else 'same'
    end as recorded_on_time_direction,
    s.functions_balanced_pct,
    p.functions_balanced_pct as functions_balanced_pct_was,
    case
        when s.functions_balanced_pct is null or try_cast(p.functions_balanced_pct as double) is null then null
        when s.functions_balanced_pct - try_cast(p.functions_balanced_pct as double) > 0.05 then 'up'
        when try_cast(p.functions_balanced_pct as double) - s.functions_balanced_pct > 0.05 then 'down'
        else 'same'
    end as functions_balanced_direction,
    s.open_cases,
    p.open_cases as open_cases_was,
    case
        when s.open_cases is null or try_cast(p.open_cases as double) is null then null
        when s.open_cases - try_cast(p.open_cases as double) > 0 then 'up'
        when try_cast(p.open_cases as double) - s.open_cases > 0 then 'down'
        else 'same'
    end as open_cases_direction,
    s.drifting_cases,
    p.drifting_cases as drifting_cases_was,
    case
        when s.drifting_cases is null or try_cast(p.drifting_cases as double) is null then null
        when s.drifting_cases - try_cast(p.drifting_cases as double) > 0 then 'up'
        when try_cast(p.drifting_cases as double) - s.drifting_cases > 0 then 'down'
        else 'same'
    end as drifting_cases_direction,
    s.overdue_actions,
    p.overdue_actions as overdue_actions_was,
    case
        when s.overdue_actions is null or try_cast(p.overdue_actions as double) is null then null
        when s.overdue_actions - try_cast(p.overdue_actions as double) > 0 then 'up'
        when try_cast(p.overdue_actions as double) - s.overdue_actions > 0 then 'down'
        else 'same'
    end as overdue_actions_direction,
    s.dsls_over_caseload,
    p.dsls_over_caseload as dsls_over_caseload_was,
    case
        when s.dsls_over_caseload is null or try_cast(p.dsls_over_caseload as double) is null then null
        when s.dsls_over_caseload - try_cast(p.dsls_over_caseload as double) > 0 then 'up'
        when try_cast(p.dsls_over_caseload as double) - s.dsls_over_caseload > 0 then 'down'
        else 'same'
    end as dsls_over_caseload_direction
from summary as s
cross join previous_report as r
left join previous_summary as p on p.trust_id = s.trust_id and p.school_urn = s.school_urn
order by s.trust_id, s.school_urn
