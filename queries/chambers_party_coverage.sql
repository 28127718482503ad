-- id: chambers_party_coverage
-- name_zh: 商会党组织覆盖率
-- name_en: Party organisation coverage of chambers
-- domain: 商会建设
-- unit: %
-- aggregation: latest
-- direction: up
-- description: 月末在册商会中已建立党组织的比例（存量指标，取截至日期所在月的水平）。在册指状态为“正常”且已成立的商会；已清理的商会没有清理日期，不计入任何月份。
-- owner: 市工商联会员部
-- description_en: Share of registered chambers with a Party organisation at month end (a level: the value of the as-of month). Registered means status 正常 (active) and already founded; dissolved chambers have no dissolution date and count in no month.
-- owner_en: Membership Department, Municipal Federation of Industry and Commerce
WITH months AS (
    -- every month from the first chamber to this month, so each month has its level
    SELECT unnest(generate_series(
        date_trunc('month', min(founded_date)),
        date_trunc('month', greatest(max(founded_date), current_date)),
        INTERVAL 1 MONTH
    )) AS month
    FROM chambers
),
active AS (
    SELECT district, date_trunc('month', founded_date) AS founded_month, party_org
    FROM chambers
    WHERE status = '正常'
)
SELECT
    months.month,
    active.district,
    count(*) FILTER (WHERE active.party_org) AS numerator,
    count(*) AS denominator
FROM months
JOIN active ON active.founded_month <= months.month
GROUP BY ALL
