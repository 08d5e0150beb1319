-- Recording quality  [Captain Cook: records and supervisor training renewed every two
-- years; Temple: contracts reviewed yearly, records signed by both; Ashbury Meadow:
-- supervision agreements; Cornerstone: records kept]
--
-- Spec 02 §6: "For each held session in the report year up to the as-of date:
--   recorded_on_time: recorded_on present and working_days(held_on, recorded_on) <=
--     record_within_working_days (5).
--   signed_both: signed_supervisor and signed_supervisee.
--   contract_in_date (one_to_one sessions only; empty otherwise): every attendee has a
--     contract with agreed_on <= held_on <= review_due_on.
--   supervisor_trained: supervisor_trained_on present and held_on <= that date +
--     training_valid_months (24) months."
-- A recorded_on or training date after the as-of date is not there yet (staging). The
-- session's school's policy applies. Adding months clamps to the month's last day
-- (31 January + 1 month = 28/29 February), which is what the month comparison below does.
--
-- Grain: one row per held session in the report year up to the as-of date.
with held as (
    select s.*, ps.record_within_working_days, ps.training_valid_months
    from stg_sessions as s
    join policy_schools as ps on ps.school_urn = s.school_urn
    where s.status = 'held' and s.in_report_year
),

attendance as (
    select a.trust_id, a.session_id, count(*) as attendees
    from stg_attendance as a
    join held as h on h.trust_id = a.trust_id and h.session_id = a.session_id
    group by a.trust_id, a.session_id
),

covered as (
    select trust_id, session_id, count(*) as attendees_with_contract
    from (
        select distinct a.trust_id, a.session_id, a.staff_id
        from stg_attendance as a
        join held as h on h.trust_id = a.trust_id and h.session_id = a.session_id
        join contracts as c on c.trust_id = a.trust_id and c.supervisee_id = a.staff_id
        where c.agreed_on <= h.held_on and h.held_on <= c.review_due_on
    ) as pairs
    group by trust_id, session_id
),

final as (
    select
        h.trust_id,
        h.school_urn,
        h.session_id,
        h.held_on,
        h.kind,
        coalesce(r.working_day_index - h.held_on_index <= h.record_within_working_days, false) as recorded_on_time,
        (h.signed_supervisor and h.signed_supervisee) as signed_both,
        case
            when h.kind = 'one_to_one'
                then coalesce(a.attendees > 0 and coalesce(c.attendees_with_contract, 0) = a.attendees, false)
        end as contract_in_date,
        coalesce(
            (extract(year from h.held_on) * 12 + extract(month from h.held_on))
                < (extract(year from st.supervisor_trained_on) * 12 + extract(month from st.supervisor_trained_on) + h.training_valid_months)
            or (
                (extract(year from h.held_on) * 12 + extract(month from h.held_on))
                    = (extract(year from st.supervisor_trained_on) * 12 + extract(month from st.supervisor_trained_on) + h.training_valid_months)
                and extract(day from h.held_on) <= extract(day from st.supervisor_trained_on)
            ),
            false
        ) as supervisor_trained,
        h.period_id
    from held as h
    left join calendar_days as r on r.date = h.recorded_on
    left join attendance as a on a.trust_id = h.trust_id and a.session_id = h.session_id
    left join covered as c on c.trust_id = h.trust_id and c.session_id = h.session_id
    left join stg_staff as st on st.trust_id = h.trust_id and st.staff_id = h.supervisor_id
)

select * from final
order by trust_id, school_urn, session_id
