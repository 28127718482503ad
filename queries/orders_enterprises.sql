-- id: orders_enterprises
-- name_zh: 订单对接企业
-- name_en: Enterprises with orders matched
-- domain: 订单
-- unit: 家
-- aggregation: count_distinct
-- direction: up
-- description: 对接到订单的民营企业户数；同一企业在统计期内多次对接或在多个区市对接只计一次。
-- owner: 市工信局
-- description_en: Private firms with orders matched; a firm matched several times in the period, or in several districts, counts once.
-- owner_en: Municipal Bureau of Industry and Information Technology
SELECT
    date AS day,
    district,
    coalesce(firm_key, enterprise) AS entity
FROM orders
-- one row per record is fine: the engine counts each enterprise once per period;
-- firm_key is the 统一社会信用代码 when given, else the name with full-width forms,
-- brackets and spaces folded (written by the build; see campaign/contracts.py)
