-- id: legal_consultations
-- name_zh: 法律咨询
-- name_en: Legal consultations
-- domain: 法律服务
-- unit: 人次
-- aggregation: sum
-- direction: up
-- description: 为民营企业和企业家提供法律咨询的人次，按受理日期计入月份。
-- owner: 市工商联法律服务中心
-- description_en: Legal consultations given to private firms and entrepreneurs, counted in the month received.
-- owner_en: Legal Service Centre, Municipal Federation of Industry and Commerce
SELECT
    date AS day,
    district,
    count(*) AS value
FROM mediation
WHERE kind = '法律咨询'
GROUP BY ALL
