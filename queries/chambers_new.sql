-- id: chambers_new
-- name_zh: 新成立商会
-- name_en: New chambers of commerce
-- domain: 商会建设
-- unit: 家
-- aggregation: sum
-- direction: up
-- description: 新成立的商会组织数，按成立日期计入月份。
-- owner: 市工商联会员部
-- description_en: Chambers of commerce newly founded, counted in the month of founding.
-- owner_en: Membership Department, Municipal Federation of Industry and Commerce
SELECT
    founded_date AS day,
    district,
    count(*) AS value
FROM chambers
GROUP BY ALL
