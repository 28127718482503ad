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
    "kpi.col.gap": {"zh": "差距(百分点)", "en": "Gap (pp)"},
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
    "kpi.unit.%": {"zh": "%", "en": "%"},
    "kpi.cli.broken": {
        "zh": "{count} 个指标查询有错误，未计算：",
        "en": "{count} KPI queries are broken and were not computed:",
    },
    "kpi.cli.problem": {"zh": "  {where}  {message}", "en": "  {where}  {message}"},
    "kpi.cli.warning": {"zh": "注意 {where}  {message}", "en": "note {where}  {message}"},
    "kpi.cli.usage_error": {"zh": "参数错误：{message}", "en": "usage error: {message}"},
    "kpi.cli.no_data_dir": {
        "zh": "找不到数据文件夹 {path}",
        "en": "data folder {path} not found",
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
}
