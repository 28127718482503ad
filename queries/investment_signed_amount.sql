-- id: investment_signed_amount
-- name_zh: 签约投资额
-- name_en: Investment signed
-- domain: 双招双引
-- unit: 亿元
-- aggregation: sum
-- direction: up
-- description: 签约项目（阶段为签约或已落地）的计划投资额合计，按签约日期计入月份。
-- owner: 市投资促进局
-- description_en: Planned investment of projects signed (stage signed or landed), counted in the month of signing.
-- owner_en: Municipal Investment Promotion Bureau
SELECT
    signed_date AS day,
    district,
    sum(amount_wan) / 10000 AS value  -- 万元 → 亿元
FROM investment
WHERE stage IN ('签约', '落地')
  AND signed_date IS NOT NULL
GROUP BY ALL
