-- Actions closed  [Temple, Cornerstone: review of agreed actions]
--
-- Spec 02 §3: "Actions not cancelled whose session has status held and held_on on or
-- before the as-of date, classed at the as-of date" (the classes are worked out in
-- staging/stg_actions.sql). "An action belongs to the reporting half-term of its
-- due_on." Actions are not limited to the report year (spec 02, "Readings settled").
--
-- Each action's school is its session's (every session of stg_actions is held by the
-- as-of date, so the stored sessions serve, as in staging/stg_actions.sql).
--
-- Grain: one row per action that is not cancelled.
with final as (
    select
        a.trust_id,
        s.school_urn,
        a.action_id,
        a.session_id,
        a.case_ref,
        a.owner_id,
        a.due_on,
        a.completed_on,
        a.class,
        a.days_overdue,
        a.period_id
    from stg_actions as a
    join sessions as s on s.trust_id = a.trust_id and s.session_id = a.session_id
    where a.status <> 'cancelled'
)

select * from final
order by trust_id, school_urn, action_id
