-- id: talent_high_skill
-- name_zh: 引进高技能人才
-- name_en: High-skill talent recruited
-- domain: 人才
-- unit: 人
-- aggregation: sum
-- direction: up
-- description: 通过招聘会、校企对接等活动为民营企业引进的高技能人才人数（人才类别为“高技能人才”）。
-- owner: 市人社局
-- description_en: High-skill talent (category 高技能人才) recruited for private firms through job fairs and school–enterprise matching.
-- owner_en: Municipal Human Resources and Social Security Bureau
SELECT
    date AS day,
    district,
    sum(hires) AS value
FROM talent
WHERE category = '高技能人才'
GROUP BY ALL
