-- id: events_participants
-- name_zh: 参训人次
-- name_en: Training participants
-- domain: 活动培训
-- unit: 人次
-- aggregation: sum
-- direction: up
-- description: 参加各类活动和培训的人次合计，按活动日期计入月份。
-- owner: 市工商联宣教部
-- description_en: Attendances at events and training sessions, counted in the month of the event.
-- owner_en: Publicity and Education Department, Municipal Federation of Industry and Commerce
SELECT
    date AS day,
    district,
    sum(participants) AS value
FROM events
GROUP BY ALL
