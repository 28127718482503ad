-- id: events_sessions
-- name_zh: 活动场次
-- name_en: Events held
-- domain: 活动培训
-- unit: 场
-- aggregation: sum
-- direction: up
-- description: 举办的企业家讲堂、培训讲座、政策解读沙龙、座谈会等活动场次，按活动日期计入月份。
-- owner: 市工商联宣教部
-- description_en: Events held (entrepreneur lectures, training, policy salons, forums), counted in the month of the event.
-- owner_en: Publicity and Education Department, Municipal Federation of Industry and Commerce
SELECT
    date AS day,
    district,
    count(*) AS value
FROM events
GROUP BY ALL
