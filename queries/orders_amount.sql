-- id: orders_amount
-- name_zh: 订单金额
-- name_en: Orders matched
-- domain: 订单
-- unit: 亿元
-- aggregation: sum
-- direction: up
-- description: 通过展会、平台和政府采购等渠道为民营企业对接达成的订单金额，按对接日期计入月份。
-- owner: 市工信局
-- description_en: Orders matched for private firms through fairs, platforms and government procurement, counted in the month of the match.
-- owner_en: Municipal Bureau of Industry and Information Technology
SELECT
    date AS day,
    district,
    sum(amount_wan) / 10000 AS value  -- 万元 → 亿元
FROM orders
GROUP BY ALL
