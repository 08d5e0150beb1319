-- The headline figures of the report year, one row per school and a TOTAL row per trust
-- (spec 03, governors/summary.csv). The columns are oversight's choice, and every
-- headline card, "schools at a glance" cell and chart reading of the packs is one of
-- them (the packs count nothing themselves):
--   frequency_due, frequency_met, frequency_met_pct: person-periods judged under the
--     per-period rules, and met (spec 02 §1);
--   gap_checks, gap_met: people judged under gap rules, and met (spec 02 §1);
--   actions_done_on_time, actions_done_late, actions_overdue, actions_not_yet_due: the
--     actions due in the report year by class (spec 02 §3); actions_judged = the first
--     three; actions_on_time_pct = actions_done_on_time / actions_judged;
--     overdue_actions: actions overdue on the as-of date, due in any year;
--   open_cases, drifting_cases: children's cases open on the as-of date, and those with
--     a drift flag (spec 02 §4): case counts, protected as spec 02 "Disclosure control"
--     says when the report is published;
--   dsls_listed, dsls_over_caseload: DSLs and deputies in workload_dsl.csv, and those
--     over their weighted caseload threshold (spec 02 §5);
--   sessions_held, recorded_on_time_pct, signed_both_pct: held sessions of the report
--     year so far (spec 02 §6); recorded_on_time_pct is over the sessions whose
--     recording is judged;
--   people_in_scope, functions_balanced, functions_balanced_pct: people in scope on the
--     as-of date, and those whose sessions covered every required function (spec 02 §6);
--   no_owner_cases: open cases nobody employed holds (spec 02 §4, a count of children,
--     protected like open_cases);
--   dsls_trained: DSLs and deputies whose own DSL training is current (spec 02 §5), of
--     dsls_listed;
--   reschedules_judged, rescheduled, rescheduled_pct: cancelled or missed sessions of the
--     report year (per supervisee) whose rescheduling window has closed, and those
--     rescheduled in time (spec 02 §2, Cornerstone).
--   drifting_cases_per_100_open: drifting_cases per 100 open_cases (empty with none
--     open; `c` when either count is, spec 02's primary rule);
--   frequency_met_rating, actions_on_time_rating, recorded_on_time_rating,
--     drifting_rating, dsls_over_caseload_rating: green, amber or red against the
--     school's [targets] (spec 04), empty for a TOTAL row or an empty figure, `c` when
--     the figure is.
-- Rates are worked out from the summed counts, never averaged across schools.
-- Grain: one row per school, plus one TOTAL row per trust (school_urn = 'TOTAL').
with frequency_counts as (
    select trust_id, school_urn, count(*) as frequency_due, sum(case when met then 1 else 0 end) as frequency_met
    from frequency
    where met is not null
    group by trust_id, school_urn
),

gap_counts as (
    select trust_id, school_urn, count(*) as gap_checks, sum(case when met then 1 else 0 end) as gap_met
    from intervals
    group by trust_id, school_urn
),

actions_in_year as (
    select a.trust_id, a.school_urn, a.class, (due.academic_year = p.report_year) as in_report_year
    from actions as a
    cross join report_params as p
    left join calendar_periods as due on due.period_id = a.period_id
),

action_counts as (
    select
        trust_id,
        school_urn,
        sum(case when in_report_year and class = 'done_on_time' then 1 else 0 end) as actions_done_on_time,
        sum(case when in_report_year and class = 'done_late' then 1 else 0 end) as actions_done_late,
        sum(case when in_report_year and class = 'overdue' then 1 else 0 end) as actions_overdue,
        sum(case when in_report_year and class = 'not_yet_due' then 1 else 0 end) as actions_not_yet_due,
        sum(case when class = 'overdue' then 1 else 0 end) as overdue_actions
    from actions_in_year
    group by trust_id, school_urn
),

drift_counts as (
    select
        trust_id,
        school_urn,
        count(*) as open_cases,
        sum(case when drifting then 1 else 0 end) as drifting_cases,
        sum(case when no_owner then 1 else 0 end) as no_owner_cases
    from drift_cases
    group by trust_id, school_urn
),

caseload_counts as (
    select
        trust_id,
        school_urn,
        count(*) as dsls_listed,
        sum(case when over_caseload then 1 else 0 end) as dsls_over_caseload,
        sum(case when dsl_training_current then 1 else 0 end) as dsls_trained
    from workload
    where role in ('DSL', 'DDSL')
    group by trust_id, school_urn
),

recording_counts as (
    select
        trust_id,
        school_urn,
        count(*) as sessions_held,
        sum(case when recorded_on_time is not null then 1 else 0 end) as recording_judged,
        sum(case when recorded_on_time then 1 else 0 end) as recorded_on_time,
        sum(case when signed_both then 1 else 0 end) as signed_both
    from recording
    group by trust_id, school_urn
),

reschedule_counts as (
    select
        trust_id,
        school_urn,
        sum(case when rescheduled is not null then 1 else 0 end) as reschedules_judged,
        sum(case when rescheduled then 1 else 0 end) as rescheduled
    from reschedules
    group by trust_id, school_urn
),

function_counts as (
    select trust_id, school_urn, count(*) as people_in_scope, sum(case when balanced then 1 else 0 end) as balanced
    from functions
    group by trust_id, school_urn
),

per_school as (
    select
        s.trust_id,
        s.school_urn,
        s.school_name,
        s.trust_name,
        coalesce(f.frequency_due, 0) as frequency_due,
        coalesce(f.frequency_met, 0) as frequency_met,
        coalesce(g.gap_checks, 0) as gap_checks,
        coalesce(g.gap_met, 0) as gap_met,
        coalesce(a.actions_done_on_time, 0) as actions_done_on_time,
        coalesce(a.actions_done_late, 0) as actions_done_late,
        coalesce(a.actions_overdue, 0) as actions_overdue,
        coalesce(a.actions_not_yet_due, 0) as actions_not_yet_due,
        coalesce(a.overdue_actions, 0) as overdue_actions,
        coalesce(d.open_cases, 0) as open_cases,
        coalesce(d.drifting_cases, 0) as drifting_cases,
        coalesce(d.no_owner_cases, 0) as no_owner_cases,
        coalesce(w.dsls_listed, 0) as dsls_listed,
        coalesce(w.dsls_over_caseload, 0) as dsls_over_caseload,
        coalesce(w.dsls_trained, 0) as dsls_trained,
        coalesce(rs.reschedules_judged, 0) as reschedules_judged,
        coalesce(rs.rescheduled, 0) as rescheduled,
        coalesce(r.sessions_held, 0) as sessions_held,
        coalesce(r.recording_judged, 0) as recording_judged,
        coalesce(r.recorded_on_time, 0) as recorded_on_time,
        coalesce(r.signed_both, 0) as signed_both,
        coalesce(fn.people_in_scope, 0) as people_in_scope,
        coalesce(fn.balanced, 0) as balanced
    from schools as s
    left join frequency_counts as f on f.trust_id = s.trust_id and f.school_urn = s.school_urn
    left join gap_counts as g on g.trust_id = s.trust_id and g.school_urn = s.school_urn
    left join action_counts as a on a.trust_id = s.trust_id and a.school_urn = s.school_urn
    left join drift_counts as d on d.trust_id = s.trust_id and d.school_urn = s.school_urn
    left join caseload_counts as w on w.trust_id = s.trust_id and w.school_urn = s.school_urn
    left join recording_counts as r on r.trust_id = s.trust_id and r.school_urn = s.school_urn
    left join reschedule_counts as rs on rs.trust_id = s.trust_id and rs.school_urn = s.school_urn
    left join function_counts as fn on fn.trust_id = s.trust_id and fn.school_urn = s.school_urn
),

per_trust as (
    select
        trust_id,
        'TOTAL' as school_urn,
        min(trust_name) as school_name,
        min(trust_name) as trust_name,
        sum(frequency_due) as frequency_due,
        sum(frequency_met) as frequency_met,
        sum(gap_checks) as gap_checks,
        sum(gap_met) as gap_met,
        sum(actions_done_on_time) as actions_done_on_time,
        sum(actions_done_late) as actions_done_late,
        sum(actions_overdue) as actions_overdue,
        sum(actions_not_yet_due) as actions_not_yet_due,
        sum(overdue_actions) as overdue_actions,
        sum(open_cases) as open_cases,
        sum(drifting_cases) as drifting_cases,
        sum(no_owner_cases) as no_owner_cases,
        sum(dsls_listed) as dsls_listed,
        sum(dsls_over_caseload) as dsls_over_caseload,
        sum(dsls_trained) as dsls_trained,
        sum(reschedules_judged) as reschedules_judged,
        sum(rescheduled) as rescheduled,
        sum(sessions_held) as sessions_held,
        sum(recording_judged) as recording_judged,
        sum(recorded_on_time) as recorded_on_time,
        sum(signed_both) as signed_both,
        sum(people_in_scope) as people_in_scope,
        sum(balanced) as balanced
    from per_school
    group by trust_id
),

both_levels as (
    select * from per_school
    union all
    select * from per_trust
),

figures as (
    select
        trust_id,
        school_urn,
        school_name,
        frequency_due,
        frequency_met,
        case when frequency_due > 0 then 100.0 * frequency_met / frequency_due end as frequency_met_pct,
        gap_checks,
        gap_met,
        actions_done_on_time,
        actions_done_late,
        actions_overdue,
        actions_not_yet_due,
        actions_done_on_time + actions_done_late + actions_overdue as actions_judged,
        case
            when actions_done_on_time + actions_done_late + actions_overdue > 0
                then 100.0 * actions_done_on_time / (actions_done_on_time + actions_done_late + actions_overdue)
        end as actions_on_time_pct,
        overdue_actions,
        open_cases,
        drifting_cases,
        no_owner_cases,
        dsls_listed,
        dsls_over_caseload,
        dsls_trained,
        reschedules_judged,
        rescheduled,
        case when reschedules_judged > 0 then 100.0 * rescheduled / reschedules_judged end as rescheduled_pct,
        sessions_held,
        case when recording_judged > 0 then 100.0 * recorded_on_time / recording_judged end as recorded_on_time_pct,
        case when sessions_held > 0 then 100.0 * signed_both / sessions_held end as signed_both_pct,
        people_in_scope,
        balanced as functions_balanced,
        case when people_in_scope > 0 then 100.0 * balanced / people_in_scope end as functions_balanced_pct,
        case when open_cases > 0 then 100.0 * drifting_cases / open_cases end as drifting_cases_per_100_open
    from both_levels
),

-- Each school's headline figures judged against its policy's [targets] (spec 04: green
-- at or beyond `green`, amber at or beyond `amber`, else red; a rate as printed, to one
-- decimal). A TOTAL row is not judged (the targets are each school's), and neither is an
-- empty figure (no school's URN is TOTAL, so a TOTAL row joins no target).
rated as (
    select
        f.*,
        case
            when f.frequency_met_pct is null or ps.school_urn is null then null
            when round(f.frequency_met_pct, 1) >= ps.target_frequency_met_pct_green then 'green'
            when round(f.frequency_met_pct, 1) >= ps.target_frequency_met_pct_amber then 'amber'
            else 'red'
        end as frequency_met_rating,
        case
            when f.actions_on_time_pct is null or ps.school_urn is null then null
            when round(f.actions_on_time_pct, 1) >= ps.target_actions_on_time_pct_green then 'green'
            when round(f.actions_on_time_pct, 1) >= ps.target_actions_on_time_pct_amber then 'amber'
            else 'red'
        end as actions_on_time_rating,
        case
            when f.recorded_on_time_pct is null or ps.school_urn is null then null
            when round(f.recorded_on_time_pct, 1) >= ps.target_recorded_on_time_pct_green then 'green'
            when round(f.recorded_on_time_pct, 1) >= ps.target_recorded_on_time_pct_amber then 'amber'
            else 'red'
        end as recorded_on_time_rating,
        case
            when f.drifting_cases_per_100_open is null or ps.school_urn is null then null
            when round(f.drifting_cases_per_100_open, 1) <= ps.target_drifting_cases_per_100_open_green then 'green'
            when round(f.drifting_cases_per_100_open, 1) <= ps.target_drifting_cases_per_100_open_amber then 'amber'
            else 'red'
        end as drifting_rating,
        case
            when ps.school_urn is null then null
            when f.dsls_over_caseload <= ps.target_dsls_over_caseload_green then 'green'
            when f.dsls_over_caseload <= ps.target_dsls_over_caseload_amber then 'amber'
            else 'red'
        end as dsls_over_caseload_rating
    from figures as f
    left join policy_schools as ps on ps.school_urn = f.school_urn
)

select * from rated
order by trust_id, school_urn
