-- id: financing_amount
-- name_zh: 融资金额
-- name_en: Financing arranged
-- domain: 资金
-- unit: 亿元
-- aggregation: sum
-- direction: up
-- description: 通过政银企对接为民营企业落实的融资金额，贷款、债券、股权、上市等各种方式合计，按对接日期计入月份。
-- owner: 市地方金融监管局
-- description_en: Financing arranged for private firms through bank–government–enterprise matching, all channels (loans, bonds, equity, listings) together, counted in the month of the match.
-- owner_en: Municipal Local Financial Supervision Bureau
SELECT
    date AS day,
    district,
    sum(amount_wan) / 10000 AS value  -- 万元 → 亿元
FROM financing
GROUP BY ALL
