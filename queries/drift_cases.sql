-- Drift and delay  [Captain Cook, Ashbury Meadow: "no drift or delay"; Lode Heath:
-- escalation through dispute resolution "due to concerns about case progress"]
--
-- Spec 02 §4: "For each case open on the as-of date (opened_on <= as-of, closed_on empty
-- or after it). Discussions count only in held sessions on or before the as-of date;
-- last_discussed_on is the latest such session's held_on. Flags:
--   overdue_action: an action of the case is overdue with days_overdue > overdue_days (28).
--   not_reviewed: the category has a review_days entry (CP 42, CIN 42, CLA 42, EH 84) and
--     as-of - (last_discussed_on, or opened_on if never discussed) > that many days.
--   no_progress: the case has at least no_progress_discussions (3) discussions with a
--     safety_score; of the last that many, by date (then session_id), the latest score
--     is not above the earliest.
--   escalated_stale: the latest discussion has escalated true and as-of - its held_on >
--     escalation_days (14).
--   carried_over: an action of the case, not cancelled and not done by the as-of date,
--     has had at least carried_sessions (3) later discussions of the case (held after
--     the action's session, on or before the as-of date) without being completed.
--   no_owner: the case's owner_id is empty, or names a staff member not employed on the
--     as-of date (left, or not yet started; employed at any school counts as holding
--     it). [Lode Heath, Temple: handover when staff change]
-- drifting = any flag. flags lists the set flags in the order above, ;-separated."
-- The case's own school's policy gives the thresholds. Calendar days between two dates
-- are the difference of their midnights' epoch seconds over 86400 (as in
-- staging/stg_actions.sql).
--
-- Grain: one row per case open on the as-of date.
with open_cases as (
    select c.*, ps.overdue_days, ps.no_progress_discussions, ps.escalation_days, ps.carried_sessions
    from stg_cases as c
    join policy_schools as ps on ps.school_urn = c.school_urn
    where c.is_open
),

-- Only open cases are judged: their discussions are all the windows below rank.
open_discussions as (
    select d.trust_id, d.case_ref, d.session_id, d.held_on, d.escalated, d.safety_score
    from stg_discussions as d
    join open_cases as c on c.trust_id = d.trust_id and c.case_ref = d.case_ref
),

-- The latest discussion of each case: its latest date, then on that date its last
-- session_id (a case is discussed at most once per session: discussions are keyed by
-- session and case). Found by grouping, which cost a third of what ranking every
-- discussion did (issue #20).
latest_day as (
    select trust_id, case_ref, max(held_on) as held_on
    from open_discussions
    group by trust_id, case_ref
),

latest_session as (
    select d.trust_id, d.case_ref, max(d.session_id) as session_id
    from open_discussions as d
    join latest_day as l on l.trust_id = d.trust_id and l.case_ref = d.case_ref and l.held_on = d.held_on
    group by d.trust_id, d.case_ref
),

latest_discussion as (
    select d.trust_id, d.case_ref, d.held_on as last_discussed_on, d.escalated
    from open_discussions as d
    join latest_session as l
        on l.trust_id = d.trust_id and l.case_ref = d.case_ref and l.session_id = d.session_id
),

-- Each scored discussion's recency (1 = the case's latest): its place in one ordering of
-- every scored discussion, case by case and latest first within a case, less the place
-- of its case's first. Numbering each case's discussions on their own (row_number over a
-- partition) sorted every case apart and cost four times as much (issue #20). The
-- ordering is all descending only because polars' OVER cannot mix directions; within a
-- case it is latest first either way.
scored_in_order as (
    select
        trust_id, case_ref, safety_score,
        row_number() over (order by trust_id desc, case_ref desc, held_on desc, session_id desc) as place
    from open_discussions
    where safety_score is not null
),

first_places as (
    select trust_id, case_ref, min(place) as first_place
    from scored_in_order
    group by trust_id, case_ref
),

scored as (
    select s.trust_id, s.case_ref, s.safety_score, s.place - f.first_place + 1 as recency
    from scored_in_order as s
    join first_places as f on f.trust_id = s.trust_id and f.case_ref = s.case_ref
),

progress as (
    select
        c.trust_id, c.case_ref,
        count(*) as scored_discussions,
        max(case when s.recency = 1 then s.safety_score end) as latest_score,
        max(case when s.recency = c.no_progress_discussions then s.safety_score end) as earliest_score
    from open_cases as c
    join scored as s on s.trust_id = c.trust_id and s.case_ref = c.case_ref
    group by c.trust_id, c.case_ref
),

overdue as (
    select trust_id, case_ref, max(days_overdue) as most_days_overdue
    from stg_actions
    where class = 'overdue' and case_ref is not null
    group by trust_id, case_ref
),

unfinished_actions as (
    select trust_id, case_ref, action_id, session_id, session_held_on
    from stg_actions
    where status <> 'cancelled' and completed_on is null and case_ref is not null
),

later_discussions as (
    select a.trust_id, a.case_ref, a.action_id, count(distinct d.session_id) as later_sessions
    from unfinished_actions as a
    join stg_discussions as d on d.trust_id = a.trust_id and d.case_ref = a.case_ref
    where d.held_on > a.session_held_on
    group by a.trust_id, a.case_ref, a.action_id
),

carried as (
    select l.trust_id, l.case_ref, max(l.later_sessions) as most_later_sessions
    from later_discussions as l
    group by l.trust_id, l.case_ref
),

flagged as (
    select
        c.trust_id,
        c.school_urn,
        c.case_ref,
        c.category,
        c.owner_id,
        c.opened_on,
        l.last_discussed_on,
        coalesce(o.most_days_overdue > c.overdue_days, false) as overdue_action,
        coalesce(
            cast((
                extract(epoch from cast(p.as_of as timestamp))
                    - extract(epoch from cast(coalesce(l.last_discussed_on, c.opened_on) as timestamp))
            ) / 86400 as integer) > rd.review_days,
            false
        ) as not_reviewed,
        coalesce(
            g.scored_discussions >= c.no_progress_discussions and g.latest_score <= g.earliest_score,
            false
        ) as no_progress,
        coalesce(
            l.escalated
                and cast((
                    extract(epoch from cast(p.as_of as timestamp))
                        - extract(epoch from cast(l.last_discussed_on as timestamp))
                ) / 86400 as integer) > c.escalation_days,
            false
        ) as escalated_stale,
        coalesce(k.most_later_sessions >= c.carried_sessions, false) as carried_over,
        (c.owner_id is null or not coalesce(st.employed_on_as_of, false)) as no_owner
    from open_cases as c
    cross join report_params as p
    left join latest_discussion as l on l.trust_id = c.trust_id and l.case_ref = c.case_ref
    left join policy_review_days as rd on rd.school_urn = c.school_urn and rd.category = c.category
    left join progress as g on g.trust_id = c.trust_id and g.case_ref = c.case_ref
    left join overdue as o on o.trust_id = c.trust_id and o.case_ref = c.case_ref
    left join carried as k on k.trust_id = c.trust_id and k.case_ref = c.case_ref
    left join stg_staff as st on st.trust_id = c.trust_id and st.staff_id = c.owner_id
),

final as (
    select
        trust_id,
        school_urn,
        case_ref,
        category,
        owner_id,
        opened_on,
        last_discussed_on,
        concat_ws(
            ';',
            case when overdue_action then 'overdue_action' end,
            case when not_reviewed then 'not_reviewed' end,
            case when no_progress then 'no_progress' end,
            case when escalated_stale then 'escalated_stale' end,
            case when carried_over then 'carried_over' end,
            case when no_owner then 'no_owner' end
        ) as flags,
        (overdue_action or not_reviewed or no_progress or escalated_stale or carried_over or no_owner) as drifting,
        overdue_action,
        not_reviewed,
        no_progress,
        escalated_stale,
        carried_over,
        no_owner
    from flagged
)

select * from final
order by trust_id, school_urn, case_ref
