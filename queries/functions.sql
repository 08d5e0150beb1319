-- Balance of functions  [Lode Heath: "all five key functions"; Ashbury Meadow and
-- Morrison's four functions: managerial, developmental, supportive, mediation]
--
-- Spec 02 §6: "per person in scope on the as-of date, the union of functions over the
-- held sessions they attended in the report year so far; balanced = it contains all of
-- the school's required_functions (managerial, developmental, supportive)."
-- covered lists the union in the canonical order, ;-separated (the names are such that
-- none is part of another, so a text search per name is exact). In scope on the as-of
-- date: by role, or as a case holder where the school's policy says so (spec 02, "Who is
-- due supervision"; staging/stg_in_scope.sql, period_id null).
--
-- Grain: one row per person in scope on the as-of date.
with in_scope as (
    select trust_id, school_urn, staff_id
    from stg_in_scope
    where period_id is null
),

attended as (
    select
        trust_id,
        staff_id,
        max(case when strpos(functions, 'managerial') > 0 then 1 else 0 end) = 1 as has_managerial,
        max(case when strpos(functions, 'developmental') > 0 then 1 else 0 end) = 1 as has_developmental,
        max(case when strpos(functions, 'supportive') > 0 then 1 else 0 end) = 1 as has_supportive,
        max(case when strpos(functions, 'mediation') > 0 then 1 else 0 end) = 1 as has_mediation,
        max(case when strpos(functions, 'multi_agency') > 0 then 1 else 0 end) = 1 as has_multi_agency,
        max(case when strpos(functions, 'voice_of_child') > 0 then 1 else 0 end) = 1 as has_voice_of_child
    from stg_attendance
    where status = 'held' and in_report_year and functions is not null
    group by trust_id, staff_id
),

union_of_functions as (
    select
        i.trust_id,
        i.school_urn,
        i.staff_id,
        coalesce(a.has_managerial, false) as has_managerial,
        coalesce(a.has_developmental, false) as has_developmental,
        coalesce(a.has_supportive, false) as has_supportive,
        coalesce(a.has_mediation, false) as has_mediation,
        coalesce(a.has_multi_agency, false) as has_multi_agency,
        coalesce(a.has_voice_of_child, false) as has_voice_of_child
    from in_scope as i
    left join attended as a on a.trust_id = i.trust_id and a.staff_id = i.staff_id
),

final as (
    select
        u.trust_id,
        u.school_urn,
        u.staff_id,
        concat_ws(
            ';',
            case when u.has_managerial then 'managerial' end,
            case when u.has_developmental then 'developmental' end,
            case when u.has_supportive then 'supportive' end,
            case when u.has_mediation then 'mediation' end,
            case when u.has_multi_agency then 'multi_agency' end,
            case when u.has_voice_of_child then 'voice_of_child' end
        ) as covered,
        (u.has_managerial or not ps.requires_managerial)
            and (u.has_developmental or not ps.requires_developmental)
            and (u.has_supportive or not ps.requires_supportive)
            and (u.has_mediation or not ps.requires_mediation)
            and (u.has_multi_agency or not ps.requires_multi_agency)
            and (u.has_voice_of_child or not ps.requires_voice_of_child) as balanced
    from union_of_functions as u
    join policy_schools as ps on ps.school_urn = u.school_urn
)

select * from final
order by trust_id, school_urn, staff_id
