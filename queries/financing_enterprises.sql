-- id: financing_enterprises
-- name_zh: 融资服务企业
-- name_en: Enterprises financed
-- domain: 资金
-- unit: 家
-- aggregation: count_distinct
-- direction: up
-- description: 获得融资服务的民营企业户数；同一企业在统计期内多次融资或在多个区市融资只计一次。
-- owner: 市地方金融监管局
-- description_en: Private firms that received financing services; a firm financed several times in the period, or in several districts, counts once.
-- owner_en: Municipal Local Financial Supervision Bureau
SELECT
    date AS day,
    district,
    coalesce(firm_key, enterprise) AS entity
FROM financing
-- one row per record is fine: the engine counts each enterprise once per period;
-- firm_key is the 统一社会信用代码 when given, else the name with full-width forms,
-- brackets and spaces folded (written by the build; see campaign/contracts.py)
