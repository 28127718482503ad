-- id: chambers_party_coverage
-- name_zh: 商会党组织覆盖率
-- name_en: Party organisation coverage of chambers
-- domain: 商会建设
-- unit: %
-- aggregation: latest
-- direction: up
-- description: 在册商会中已建立党组织的比例（存量指标，取截至日期当日的水平）。在册指状态为“正常”且截至当日已成立的商会；已清理的商会没有清理日期，不计入任何一天。
-- owner: 市工商联会员部
-- description_en: Share of registered chambers with a Party organisation (a level: the value on the as-of day). Registered means status 正常 (active) and founded by that day; dissolved chambers have no dissolution date and count on no day.
-- owner_en: Membership Department, Municipal Federation of Industry and Commerce
WITH active AS (
    SELECT district, CAST(founded_date AS DATE) AS founded, party_org
    FROM chambers
    WHERE status = '正常' AND founded_date IS NOT NULL
),
running AS (
    -- each district's registered chambers and those with a Party organisation, after
    -- every day a chamber was founded there
    SELECT
        district,
        founded,
        sum(count(*) FILTER (WHERE party_org)) OVER w AS numerator,
        sum(count(*)) OVER w AS denominator
    FROM active
    GROUP BY district, founded
    WINDOW w AS (PARTITION BY district ORDER BY founded)
),
days AS (
    -- every day from the first chamber to today, so each day has its level
    SELECT CAST(unnest(generate_series(
        min(founded), greatest(max(founded), current_date), INTERVAL 1 DAY
    )) AS DATE) AS day
    FROM active
),
districts AS (SELECT DISTINCT district FROM active)
SELECT
    days.day,
    districts.district,
    running.numerator,
    running.denominator
FROM days
CROSS JOIN districts
ASOF JOIN running
    ON districts.district = running.district AND days.day >= running.founded
