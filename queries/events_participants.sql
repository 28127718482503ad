-- id: events_participants
-- name_zh: 活动参与人次
-- name_en: Event attendances
-- domain: 活动培训
-- unit: 人次
-- aggregation: sum
-- direction: up
-- description: 参加各类活动（企业家讲堂、培训讲座、政策解读沙龙、座谈会等）的人次合计，按活动日期计入。只计讲堂和培训的是“参训人次”。
-- owner: 市工商联宣教部
-- description_en: Attendances at every kind of event (entrepreneur lectures, training, policy salons, forums), counted on the day of the event. Lectures and training alone are “Training participants”.
-- owner_en: Publicity and Education Department, Municipal Federation of Industry and Commerce
SELECT
    date AS day,
    district,
    sum(participants) AS value
FROM events
GROUP BY ALL
