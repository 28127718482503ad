-- id: mediation_success_rate
-- name_zh: 调解成功率
-- name_en: Mediation success rate
-- domain: 法律服务
-- unit: %
-- aggregation: rate
-- direction: up
-- description: 调解成功的案件占受理调解案件的比例，按受理日期计入；尚在办理中的案件计入分母。案件在办结日期（closed_date）之后才计为成功：截至日期的成功率只计截至当日已办结的成功案件，去年同期同样只计去年同日已办结的，同比口径一致。
-- owner: 市工商联法律服务中心
-- description_en: Share of mediation cases accepted that were mediated successfully, by date accepted; cases still open count in the denominator. A case counts as successful from its closing date (closed_date): the rate at the as-of date counts only successes closed by that day, and last year's only those closed by the same day a year earlier, so the year-on-year change compares like with like.
-- owner_en: Legal Service Centre, Municipal Federation of Industry and Commerce
SELECT
    date AS day,
    district,
    CASE WHEN status = '调解成功' THEN 1 ELSE 0 END AS numerator,
    1 AS denominator,
    -- a success counts from the day it was closed (without a closing date: when accepted)
    CASE WHEN status = '调解成功' THEN coalesce(closed_date, date) END AS numerator_date
FROM mediation
WHERE kind = '调解'
