"""Strings of the KPI commands (`kpis`, `rank`, `check`)."""

STRINGS: dict[str, dict[str, str]] = {
    # kpis
    "kpi.cli.title": {
        "zh": "{scope} · {year}年 · 截至 {as_of} · 序时进度 {expected}",
        "en": "{scope} · {year} · as of {as_of} · pro-rata progress {expected}",
    },
    "kpi.col.kpi": {"zh": "指标", "en": "KPI"},
    "kpi.col.unit": {"zh": "单位", "en": "Unit"},
    "kpi.col.actual": {"zh": "累计完成", "en": "Actual"},
    "kpi.col.target": {"zh": "年度目标", "en": "Target"},
    "kpi.col.completion": {"zh": "完成率", "en": "Done"},
    "kpi.col.expected": {"zh": "序时进度", "en": "Pace"},
    "kpi.col.gap": {"zh": "差距", "en": "Gap"},
    "kpi.col.status": {"zh": "状态", "en": "Status"},
    "kpi.col.last_year": {"zh": "去年同期", "en": "Last year"},
    "kpi.col.yoy": {"zh": "同比", "en": "YoY"},
    "kpi.col.projection": {"zh": "年末预计", "en": "Year-end pace"},
    "kpi.col.needed": {"zh": "月均尚需", "en": "Needed/month"},
    # Units in the English table: the figures stay in the KPI's own unit (亿元 = 100m CNY).
    "kpi.unit.亿元": {"zh": "亿元", "en": "100m CNY"},
    "kpi.unit.万元": {"zh": "万元", "en": "10k CNY"},
    "kpi.unit.家": {"zh": "家", "en": "firms"},
    "kpi.unit.人": {"zh": "人", "en": "people"},
    "kpi.unit.人次": {"zh": "人次", "en": "attendances"},
    "kpi.unit.件": {"zh": "件", "en": "cases"},
    "kpi.unit.个": {"zh": "个", "en": "projects"},
    "kpi.unit.场": {"zh": "场", "en": "events"},
    "kpi.unit.期": {"zh": "期", "en": "sessions"},
    "kpi.unit.%": {"zh": "%", "en": "%"},
    "kpi.cli.broken": {
        "zh": "{count} 个指标查询有错误，未计算：",
        "en": "{count} KPI queries are broken and were not computed:",
    },
    "kpi.cli.problem": {"zh": "  {where}  {message}", "en": "  {where}  {message}"},
    "kpi.cli.warning": {"zh": "注意 {where}  {message}", "en": "note {where}  {message}"},
    "kpi.cli.usage_error": {"zh": "参数错误：{message}", "en": "usage error: {message}"},
    "kpi.cli.no_data_dir": {
        "zh": "找不到数据文件夹 {path}：用 --data 文件夹 指定，或设置环境变量 CAMPAIGN_DATA"
        "（示例数据：campaign sample --out data）",
        "en": "data folder {path} not found: name one with --data DIR or set CAMPAIGN_DATA"
        " (sample data: campaign sample --out data)",
    },
    "kpi.cli.no_queries_dir": {
        "zh": "找不到指标查询文件夹 {path}",
        "en": "queries folder {path} not found",
    },
    # rank
    "kpi.rank.title": {
        "zh": "区市排名 · {year}年 · 截至 {as_of}（与上月末 {previous} 比较）",
        "en": "District ranking · {year} · as of {as_of} (compared with {previous})",
    },
    "kpi.rank.col.rank": {"zh": "名次", "en": "Rank"},
    "kpi.rank.col.district": {"zh": "区市", "en": "District"},
    "kpi.rank.col.score": {"zh": "综合得分", "en": "Score"},
    "kpi.rank.col.previous": {"zh": "上月名次", "en": "Last month"},
    "kpi.rank.col.movement": {"zh": "变化", "en": "Change"},
    "kpi.rank.col.counted": {"zh": "计分指标数", "en": "KPIs scored"},
    "kpi.rank.note": {
        "zh": "得分 = 各指标“完成率 ÷ 序时进度”（单项最高 {cap}）的加权平均 × 100；"
        "100 分即整体与序时进度持平。",
        "en": "Score = weighted mean of each KPI's completion ÷ pro-rata progress (at most "
        "{cap} per KPI) × 100; 100 means on pace overall.",
    },
    "kpi.rank.empty": {
        "zh": "没有可排名的区市（没有区市级目标）。",
        "en": "No district can be ranked (no district targets).",
    },
    "kpi.rank.empty_not_reported": {
        "zh": "没有可排名的区市：截至日期的数据尚未报送（见下方说明）。",
        "en": "No district can be ranked: the data is not reported to the as-of date (see "
        "the note below).",
    },
    "kpi.cli.notice": {"zh": "注意：{message}", "en": "Note: {message}"},
    "kpi.rank.not_ranked": {
        "zh": "{district} 不参加排名（不计入排名的单位，或没有区市级目标）。",
        "en": "{district} is not ranked (left out of the ranking, or no district targets).",
    },
    "kpi.rank.by_kpi": {"zh": "{district} 各指标名次：", "en": "{district} by KPI:"},
    "kpi.rank.kpi_line": {
        "zh": "  {name}：第 {rank} 名（完成率 {completion}，序时进度 {expected}）",
        "en": "  {name}: #{rank} (done {completion}, pace {expected})",
    },
    # check
    "kpi.check.ok": {
        "zh": "{count} 个指标查询全部通过检查。",
        "en": "All {count} KPI queries passed.",
    },
    "kpi.check.failed": {
        "zh": "{count} 个指标查询中有 {broken} 处问题：",
        "en": "{broken} problems in {count} KPI queries:",
    },
    "kpi.check.ok_tag": {"zh": "通过", "en": "ok"},
    "kpi.check.error_tag": {"zh": "错误", "en": "error"},
    "kpi.check.col.result": {"zh": "结果", "en": "Result"},
    "kpi.check.col.file": {"zh": "文件", "en": "File"},
    "kpi.check.col.kpi": {"zh": "指标", "en": "KPI"},
    "kpi.check.col.aggregation": {"zh": "汇总方式", "en": "Aggregation"},
    # KPI engine: problems in query files, the config and queries (KpiError)
    "kpi.error.unreadable_file": {
        "zh": "无法读取文件：{error}",
        "en": "cannot read the file: {error}",
    },
    "kpi.error.header_duplicate": {
        "zh": "表头项 {field} 重复（首次出现在第 {first_line} 行）",
        "en": "header key '{field}' given twice (first on line {first_line})",
    },
    "kpi.error.header_empty": {
        "zh": "表头项 {field} 为空",
        "en": "header key '{field}' is empty",
    },
    "kpi.error.header_missing": {
        "zh": "表头缺少 {field}{hint}",
        "en": "the header lacks '{field}'{hint}",
    },
    # Appended to kpi.error.header_missing when another header key looks like a misspelling.
    "kpi.error.header_misspelling_hint": {
        "zh": "（第 {line} 行的 {name} 是否拼错？）",
        "en": " (is '{name}' on line {line} a misspelling?)",
    },
    # {allowed} is joined with "、" in Chinese and ", " in English.
    "kpi.error.header_invalid_value": {
        "zh": "{field} 的值 “{value}” 无效，应为：{allowed}",
        "en": "unknown {field} '{value}'; expected one of: {allowed}",
    },
    "kpi.error.id_file_mismatch": {
        "zh": "id “{kpi_id}” 与文件名 {file_name} 不一致",
        "en": "id '{kpi_id}' does not match the file name {file_name}",
    },
    "kpi.error.id_invalid": {
        "zh": "id “{kpi_id}” 只能包含小写字母、数字和下划线",
        "en": "id '{kpi_id}' must be lower-case letters, digits and underscores",
    },
    "kpi.error.no_sql": {
        "zh": "表头之后没有 SQL 查询",
        "en": "no SQL query after the header",
    },
    "kpi.error.config_invalid": {
        "zh": "配置文件无效（已使用默认值）：{error}",
        "en": "the config is invalid (defaults used): {error}",
    },
    "kpi.error.query_timeout": {
        "zh": "查询超时，已中止：{message}",
        "en": "the query took too long and was stopped: {message}",
    },
    "kpi.error.query_failed": {
        "zh": "查询出错：{message}",
        "en": "the query failed: {message}",
    },
    "kpi.error.output_missing_columns": {
        "zh": "查询结果缺少列 {missing}（{aggregation} 指标需要：{wanted}；现有：{have}）",
        "en": "the query's output lacks {missing} ({aggregation} needs: {wanted}; found: {have})",
    },
    "kpi.error.output_column_type": {
        "zh": "列 {column} 的类型是 {actual}，应为 {expected}",
        "en": "column {column} is {actual}, expected {expected}",
    },
    # The {expected} of kpi.error.output_column_type for a measure column.
    "kpi.error.numeric_type": {"zh": "数值", "en": "numeric"},
    # KPI engine: problems in targets.csv and pacing.csv (KpiWarning)
    "kpi.warning.targets_missing": {
        "zh": "找不到目标表 {path}：所有指标都将显示「无目标」，没有完成率。"
        "请放回年度目标表（列：指标编号、年度、区市、目标值）。",
        "en": "no targets file {path}: every KPI shows 'no target' and no completion. "
        "Put the annual targets back (columns: kpi_id, year, district, target).",
    },
    "kpi.warning.targets_unreadable": {
        "zh": "无法读取目标表：{error}",
        "en": "cannot read the targets: {error}",
    },
    "kpi.warning.targets_missing_columns": {
        "zh": "目标表缺少列：{missing}（应为 指标编号、年度、区市、目标值）",
        "en": "the targets lack columns: {missing} (expected kpi_id, year, district, target)",
    },
    # {problem} is one of the kpi.warning.targets_row.* fragments.
    "kpi.warning.targets_row_ignored": {
        "zh": "{problem}，该行已忽略",
        "en": "{problem}; row ignored",
    },
    "kpi.warning.targets_row.no_kpi_id": {"zh": "缺少指标编号", "en": "no kpi_id"},
    "kpi.warning.targets_row.bad_year": {
        "zh": "年度 “{year}” 无效",
        "en": "invalid year '{year}'",
    },
    "kpi.warning.targets_row.bad_district": {
        "zh": "区市 “{district}” 无法识别",
        "en": "unknown district '{district}'",
    },
    "kpi.warning.targets_row.bad_target": {
        "zh": "目标值 “{target}” 不是数字",
        "en": "target '{target}' is not a number",
    },
    "kpi.warning.targets_duplicate": {
        "zh": "{kpi_id} {year} 年 {scope} 的目标重复（第 {first_line} 行），采用本行",
        "en": "{kpi_id} {year} {scope} given twice (line {first_line}); this row is used",
    },
    "kpi.warning.targets_unknown_kpi": {
        "zh": "目标表中的指标 {kpi_id} 没有对应的查询文件，已忽略",
        "en": "targets name KPI '{kpi_id}', which has no query file; ignored",
    },
    "kpi.warning.targets_city_mismatch": {
        "zh": "{kpi_id} {year} 年全市目标 {city:g} 与各区市目标之和 {district_sum:g} "
        "不一致，采用全市目标",
        "en": "{kpi_id} {year}: the city target {city:g} differs from the districts' sum "
        "{district_sum:g}; the city target is used",
    },
    "kpi.warning.pacing_unreadable": {
        "zh": "无法读取序时进度表：{error}",
        "en": "cannot read the pacing: {error}",
    },
    "kpi.warning.pacing_missing_columns": {
        "zh": "序时进度表缺少列：{missing}（应为 指标编号、月份、累计占比）",
        "en": "the pacing lacks columns: {missing} (expected kpi_id, month, cumulative_share)",
    },
    "kpi.warning.pacing_bad_month": {
        "zh": "月份 “{month}” 无效（应为 1–12），该行已忽略",
        "en": "invalid month '{month}' (expected 1–12); row ignored",
    },
    "kpi.warning.pacing_bad_share": {
        "zh": "累计占比 “{share}” 不是数字，该行已忽略",
        "en": "cumulative share '{share}' is not a number; row ignored",
    },
    # {problem} is one of the kpi.warning.pacing_plan.* fragments.
    "kpi.warning.pacing_plan_ignored": {
        "zh": "{kpi_id} 的序时进度计划{problem}，已忽略",
        "en": "the pacing plan of {kpi_id} {problem}; ignored",
    },
    "kpi.warning.pacing_plan.december": {
        "zh": "12 月累计占比不是 1",
        "en": "does not reach 1 in December",
    },
    "kpi.warning.pacing_plan.out_of_range": {
        "zh": "有超出 0–1 的占比",
        "en": "has a share outside 0–1",
    },
    "kpi.warning.pacing_plan.decreasing": {"zh": "累计占比出现下降", "en": "decreases"},
}
