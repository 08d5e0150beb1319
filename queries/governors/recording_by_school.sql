-- Recording quality by school and reporting half-term of held_on (spec 02 §6).
-- Spec 03, governors/: "trust_id, school_urn, school_name, period_id, sessions_held,
-- recorded_on_time_pct, signed_both_pct, contract_in_date_pct, supervisor_trained_pct,
-- long_enough_pct" (long_enough: only where the school has a rule with min_minutes
-- covering the session's kind; contract_in_date only where contracts_required).
-- Each rate is over the rows where its check is not empty (spec 02 §6): recorded_on_time
-- is empty while the recording window is still open, contract_in_date for sessions it
-- does not apply to; a rate with no such row is empty.
-- Grain: one row per school and half-term with held sessions.
with counts as (
    select
        trust_id,
        school_urn,
        period_id,
        count(*) as sessions_held,
        sum(case when recorded_on_time is not null then 1 else 0 end) as recording_judged,
        sum(case when recorded_on_time then 1 else 0 end) as recorded_on_time,
        sum(case when signed_both then 1 else 0 end) as signed_both,
        sum(case when contract_in_date is not null then 1 else 0 end) as one_to_one,
        sum(case when contract_in_date then 1 else 0 end) as contract_in_date,
        sum(case when supervisor_trained then 1 else 0 end) as supervisor_trained,
        sum(case when long_enough is not null then 1 else 0 end) as length_judged,
        sum(case when long_enough then 1 else 0 end) as long_enough
    from recording
    group by trust_id, school_urn, period_id
)

select
    c.trust_id,
    c.school_urn,
    s.school_name,
    c.period_id,
    c.sessions_held,
    case when c.recording_judged > 0 then 100.0 * c.recorded_on_time / c.recording_judged end as recorded_on_time_pct,
    100.0 * c.signed_both / c.sessions_held as signed_both_pct,
    case when c.one_to_one > 0 then 100.0 * c.contract_in_date / c.one_to_one end as contract_in_date_pct,
    100.0 * c.supervisor_trained / c.sessions_held as supervisor_trained_pct,
    case when c.length_judged > 0 then 100.0 * c.long_enough / c.length_judged end as long_enough_pct
from counts as c
join schools as s on s.trust_id = c.trust_id and s.school_urn = c.school_urn
order by c.trust_id, c.school_urn, c.period_id
