-- id: events_trainees
-- name_zh: 参训人次
-- name_en: Training participants
-- domain: 活动培训
-- unit: 人次
-- aggregation: sum
-- direction: up
-- description: 参加企业家讲堂和培训讲座的人次合计，按活动日期计入；政策解读沙龙、座谈会等其他活动不计（见“活动参与人次”）。
-- owner: 市工商联宣教部
-- description_en: Attendances at entrepreneur lectures and training sessions, counted on the day of the event; salons, forums and other events do not count (see “Event attendances”).
-- owner_en: Publicity and Education Department, Municipal Federation of Industry and Commerce
SELECT
    date AS day,
    district,
    sum(participants) AS value
FROM events
WHERE type IN ('企业家讲堂', '培训讲座')
GROUP BY ALL
