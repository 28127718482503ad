-- id: events_trainings
-- name_zh: 培训讲座场次
-- name_en: Training sessions
-- domain: 活动培训
-- unit: 场
-- aggregation: sum
-- direction: up
-- description: 举办的培训讲座场次（活动类型为“培训讲座”），按活动日期计入。
-- owner: 市工商联宣教部
-- description_en: Training sessions held (event type “training”), counted on the day of the session.
-- owner_en: Publicity and Education Department, Municipal Federation of Industry and Commerce
SELECT
    date AS day,
    district,
    count(*) AS value
FROM events
WHERE type IN ('培训讲座')
GROUP BY ALL
