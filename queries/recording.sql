-- Recording quality  [Captain Cook: records and supervisor training renewed every two
-- years, "for a period of two hours"; Temple: contracts reviewed yearly, records signed
-- by both, "approximately one hour"; Ashbury Meadow: supervision agreements, "for 1
-- hour"; Cornerstone: records kept]
--
-- Spec 02 §6: "For each held session in the report year up to the as-of date:
--   recorded_on_time: recorded_on present and working_days(held_on, recorded_on) <=
--     record_within_working_days (5); empty (not yet judged) when recorded_on is not
--     there by the as-of date and working_days(held_on, as-of) <= that limit: the window
--     is still open.
--   signed_both: signed_supervisor and signed_supervisee.
--   contract_in_date (only where the school's policy sets contracts_required = true -
--     Temple, Ashbury Meadow, Captain Cook - and only one_to_one sessions; empty
--     otherwise): every attendee has a contract with the session's supervisor with
--     agreed_on <= held_on <= review_due_on and review_due_on <= agreed_on +
--     contract_review_months (12) months (Temple: 'reviewed annually').
--   long_enough: empty unless the school has a rule with min_minutes covering the
--     session's kind; then duration_minutes >= the largest such min_minutes.
--   supervisor_trained: supervisor_trained_on present and held_on <= that date +
--     training_valid_months (24) months."
-- A recorded_on or training date after the as-of date is not there yet (staging). The
-- session's school's policy applies. Adding months clamps to the month's last day
-- (31 January + 1 month = 28/29 February), which is what the month comparisons below do:
-- a <= b + n months exactly when a's month is before b's month + n, or is that month and
-- a's day is not after b's.
--
-- Grain: one row per held session in the report year up to the as-of date.
with held as (
    select
        s.*, ps.record_within_working_days, ps.training_valid_months,
        ps.contracts_required, ps.contract_review_months
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
        join contracts as c
            on c.trust_id = a.trust_id and c.supervisee_id = a.staff_id and c.supervisor_id = h.supervisor_id
        where c.agreed_on <= h.held_on and h.held_on <= c.review_due_on
            and (
                (extract(year from c.review_due_on) * 12 + extract(month from c.review_due_on))
                    < (extract(year from c.agreed_on) * 12 + extract(month from c.agreed_on) + h.contract_review_months)
                or (
                    (extract(year from c.review_due_on) * 12 + extract(month from c.review_due_on))
                        = (extract(year from c.agreed_on) * 12 + extract(month from c.agreed_on) + h.contract_review_months)
                    and extract(day from c.review_due_on) <= extract(day from c.agreed_on)
                )
            )
    ) as pairs
    group by trust_id, session_id
),

-- The longest min_minutes of the school's rules, per session kind they cover.
min_minutes as (
    select r.school_urn, k.kind, max(r.min_minutes) as min_minutes
    from policy_rules as r
    join policy_rule_kinds as k on k.school_urn = r.school_urn and k.rule = r.rule
    where r.min_minutes is not null
    group by r.school_urn, k.kind
),

final as (
    select
        h.trust_id,
        h.school_urn,
        h.session_id,
        h.held_on,
        h.kind,
        case
            when h.recorded_on is not null
                then coalesce(r.working_day_index - h.held_on_index <= h.record_within_working_days, false)
            when ao.working_day_index - h.held_on_index <= h.record_within_working_days then null
            else false
        end as recorded_on_time,
        (h.signed_supervisor and h.signed_supervisee) as signed_both,
        case
            when h.kind = 'one_to_one' and h.contracts_required
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
        case when m.min_minutes is not null then coalesce(h.duration_minutes >= m.min_minutes, false) end as long_enough,
        h.period_id
    from held as h
    left join calendar_days as r on r.date = h.recorded_on
    left join attendance as a on a.trust_id = h.trust_id and a.session_id = h.session_id
    left join covered as c on c.trust_id = h.trust_id and c.session_id = h.session_id
    left join stg_staff as st on st.trust_id = h.trust_id and st.staff_id = h.supervisor_id
    left join min_minutes as m on m.school_urn = h.school_urn and m.kind = h.kind
    cross join report_params as p
    left join calendar_days as ao on ao.date = p.as_of
)

select * from final
order by trust_id, school_urn, session_id
