-- id: events_lectures
-- name_zh: 企业家讲堂期数
-- name_en: Entrepreneur lectures
-- domain: 活动培训
-- unit: 期
-- aggregation: sum
-- direction: up
-- description: 举办的企业家讲堂期数（活动类型为“企业家讲堂”），按活动日期计入。
-- owner: 市工商联宣教部
-- description_en: Entrepreneur lectures held (event type “entrepreneur lecture”), counted on the day of the lecture.
-- owner_en: Publicity and Education Department, Municipal Federation of Industry and Commerce
SELECT
    date AS day,
    district,
    count(*) AS value
FROM events
WHERE type IN ('企业家讲堂')
GROUP BY ALL
