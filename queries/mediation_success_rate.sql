-- id: mediation_success_rate
-- name_zh: 调解成功率
-- name_en: Mediation success rate
-- domain: 法律服务
-- unit: %
-- aggregation: rate
-- direction: up
-- description: 调解成功的案件占受理调解案件的比例，按受理日期计入月份；尚在办理中的案件计入分母。
-- owner: 市工商联法律服务中心
-- description_en: Share of mediation cases accepted that were mediated successfully, by month accepted; cases still open count in the denominator.
-- owner_en: Legal Service Centre, Municipal Federation of Industry and Commerce
SELECT
    date_trunc('month', date) AS month,
    district,
    count(*) FILTER (WHERE status = '调解成功') AS numerator,
    count(*) AS denominator
FROM mediation
WHERE kind = '调解'
GROUP BY ALL
