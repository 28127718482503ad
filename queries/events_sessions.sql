-- id: events_sessions
-- name_zh: 活动场次
-- name_en: Events held
-- domain: 活动培训
-- unit: 场
-- aggregation: sum
-- direction: up
-- description: 举办的企业家讲堂、培训讲座、政策解读沙龙、座谈会等活动场次，按活动日期计入。只计讲堂的是“企业家讲堂期数”，只计培训讲座的是“培训讲座场次”。
-- owner: 市工商联宣教部
-- description_en: Events held (entrepreneur lectures, training, policy salons, forums), counted on the day of the event. Lectures alone are “Entrepreneur lectures”, training alone “Training sessions”.
-- owner_en: Publicity and Education Department, Municipal Federation of Industry and Commerce
SELECT
    date AS day,
    district,
    count(*) AS value
FROM events
GROUP BY ALL
