-- id: investment_signed_projects
-- name_zh: 签约项目
-- name_en: Projects signed
-- domain: 双招双引
-- unit: 个
-- aggregation: sum
-- direction: up
-- description: 商会参与招商引资签约的项目个数（阶段为签约或已落地），按签约日期计入月份；在谈项目不计。
-- owner: 市投资促进局
-- description_en: Investment projects signed with chambers' help (stage signed or landed), counted in the month of signing; projects under negotiation do not count.
-- owner_en: Municipal Investment Promotion Bureau
SELECT
    signed_date AS day,
    district,
    count(*) AS value
FROM investment
WHERE stage IN ('签约', '落地')
  AND signed_date IS NOT NULL
GROUP BY ALL
