-- id: mediation_cases
-- name_zh: 受理调解案件
-- name_en: Mediation cases accepted
-- domain: 法律服务
-- unit: 件
-- aggregation: sum
-- direction: up
-- description: 商会人民调解组织受理的涉企矛盾纠纷调解案件数，按受理日期计入月份，不论是否办结。
-- owner: 市工商联法律服务中心
-- description_en: Business dispute cases accepted by chambers' people's mediation committees, counted in the month accepted, closed or not.
-- owner_en: Legal Service Centre, Municipal Federation of Industry and Commerce
SELECT
    date AS day,
    district,
    count(*) AS value
FROM mediation
WHERE kind = '调解'
GROUP BY ALL
