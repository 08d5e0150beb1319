-- Frequency met, by school: the governors' view of frequency.sql.
-- Spec 03, governors/: "trust_id, school_urn, school_name, rule, period_id, due, met,
-- met_pct". Only complete periods are judged (spec 02, "Calendar": "Only complete
-- periods are judged; the others are reported as in_progress and left out of rates").
-- due = people judged; met = people who met the rule; met_pct = met / due.
-- Grain: one row per school, rule and complete period.
select
    f.trust_id,
    f.school_urn,
    s.school_name,
    f.rule,
    f.period_id,
    count(*) as due,
    sum(case when f.met then 1 else 0 end) as met,
    100.0 * sum(case when f.met then 1 else 0 end) / count(*) as met_pct
from frequency as f
join schools as s on s.trust_id = f.trust_id and s.school_urn = f.school_urn
where f.met is not null
group by f.trust_id, f.school_urn, s.school_name, f.rule, f.period_id
order by f.trust_id, f.school_urn, f.rule, f.period_id
