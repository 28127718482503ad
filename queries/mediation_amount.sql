-- id: mediation_amount
-- name_zh: 调解涉案金额
-- name_en: Amount in mediation
-- domain: 法律服务
-- unit: 亿元
-- aggregation: sum
-- direction: up
-- description: 受理调解案件的涉案金额合计，按受理日期计入月份；未填金额的案件不计金额。
-- owner: 市工商联法律服务中心
-- description_en: Amount in dispute of the mediation cases accepted, counted in the month accepted; cases without an amount add nothing.
-- owner_en: Legal Service Centre, Municipal Federation of Industry and Commerce
SELECT
    date AS day,
    district,
    sum(amount_wan) / 10000 AS value  -- 万元 → 亿元
FROM mediation
WHERE kind = '调解'
GROUP BY ALL
