"""Meeting pack (会议材料: PDF, Excel, PowerPoint), its command and the presentation mode."""

STRINGS: dict[str, dict[str, str]] = {
    # The pack's cover and running text
    "brief.title": {"zh": "攻势调度会 · 会议材料", "en": "Campaign review meeting · Pack"},
    "brief.subtitle": {
        "zh": "壮大民营经济攻势 · 年度目标进展",
        "en": "Private-economy campaign · progress against annual targets",
    },
    "brief.cover.scope": {"zh": "范围：{scope}", "en": "Scope: {scope}"},
    "brief.cover.as_of": {"zh": "数据截至 {date}", "en": "Data as of {date}"},
    "brief.cover.expected": {
        "zh": "序时进度 {value}",
        "en": "Pro-rata progress {value}",
    },
    "brief.cover.generated": {"zh": "生成于 {time}", "en": "Generated {time}"},
    "brief.cover.counts": {"zh": "{label} {n} 项", "en": "{label}: {n}"},
    "brief.cover.errors": {
        "zh": "{n} 个指标查询有错误，未列入本材料。",
        "en": "{n} KPI queries are broken and are not in this pack.",
    },
    "brief.footer": {
        "zh": "攻势看板 · {scope} · 数据截至 {date}",
        "en": "Campaign Dashboard · {scope} · data as of {date}",
    },
    "brief.page_of": {"zh": "第 {page} / {pages} 页", "en": "Page {page} of {pages}"},
    # Sections
    "brief.summary.title": {"zh": "指标总表", "en": "All KPIs"},
    "brief.summary.note": {
        "zh": "完成率 = 累计完成 ÷ 年度目标；差距 = 完成率 − 序时进度（百分点）。"
        "比率和存量类指标与年度目标水平比较。",
        "en": "Completion = year to date ÷ annual target; gap = completion − pro-rata "
        "progress (points). Rates and stocks are compared with their target level.",
    },
    "brief.domain.title": {"zh": "{domain}", "en": "{domain}"},
    "brief.domain.chart_cumulative": {"zh": "{kpi} · 累计进度", "en": "{kpi} · year to date"},
    "brief.domain.chart_level": {"zh": "{kpi} · 月末水平", "en": "{kpi} · month-end level"},
    "brief.domain.chart_monthly": {
        "zh": "{kpi} · 各月与去年同月",
        "en": "{kpi} · each month against last year",
    },
    "brief.domain.no_monthly": {
        "zh": "{kpi}：{scope}本年度尚无月度数据。",
        "en": "{kpi}: no monthly figures for {scope} this year.",
    },
    "brief.ranking.title": {"zh": "区市排名", "en": "District ranking"},
    "brief.ranking.compared": {
        "zh": "与上月末（{date}）名次比较",
        "en": "Compared with the ranking at {date}",
    },
    "brief.ranking.empty": {
        "zh": "没有可排名的区市（没有区市级目标）。",
        "en": "No district can be ranked (no district targets).",
    },
    "brief.lagging.title": {
        "zh": "滞后和严重滞后指标 · 督办说明",
        "en": "KPIs behind pace · follow-up notes",
    },
    "brief.lagging.none": {
        "zh": "{scope}没有滞后或严重滞后的指标。",
        "en": "No KPI of {scope} is behind pace.",
    },
    "brief.lagging.no_notes": {
        "zh": "尚无督办说明。",
        "en": "No follow-up note yet.",
    },
    "brief.lagging.owner": {"zh": "责任单位：{owner}", "en": "Responsible: {owner}"},
    "brief.lagging.line": {
        "zh": "完成率 {completion} · 序时进度 {expected} · 差距 {gap}",
        "en": "Completion {completion} · pro-rata {expected} · gap {gap}",
    },
    "brief.note.month": {"zh": "{month}说明", "en": "Note for {month}"},
    "brief.note.field": {"zh": "{label}：{value}", "en": "{label}: {value}"},
    "brief.note.due": {"zh": "（完成时限 {due}）", "en": " (due by {due})"},
    # Table columns
    "brief.col.domain": {"zh": "领域", "en": "Domain"},
    "brief.col.kpi": {"zh": "指标", "en": "KPI"},
    "brief.col.kpi_id": {"zh": "指标编号", "en": "KPI id"},
    "brief.col.unit": {"zh": "单位", "en": "Unit"},
    "brief.col.actual": {"zh": "累计完成", "en": "Year to date"},
    "brief.col.target": {"zh": "年度目标", "en": "Annual target"},
    "brief.col.completion": {"zh": "完成率", "en": "Completion"},
    "brief.col.expected": {"zh": "序时进度", "en": "Pro-rata"},
    "brief.col.gap": {"zh": "差距", "en": "Gap"},
    "brief.col.gap_pp": {"zh": "差距（百分点）", "en": "Gap (points)"},
    "brief.col.yoy": {"zh": "同比", "en": "YoY"},
    "brief.col.last_year": {"zh": "去年同期", "en": "Last year"},
    "brief.col.projection": {"zh": "年末预计", "en": "Year-end projection"},
    "brief.col.needed": {"zh": "月均尚需", "en": "Needed per month"},
    "brief.col.status": {"zh": "状态", "en": "Status"},
    "brief.col.actual_text": {"zh": "累计完成（显示）", "en": "Year to date (as shown)"},
    "brief.col.target_text": {"zh": "年度目标（显示）", "en": "Annual target (as shown)"},
    "brief.col.rank": {"zh": "名次", "en": "Rank"},
    "brief.col.district": {"zh": "区市", "en": "District"},
    "brief.col.score": {"zh": "综合得分", "en": "Score"},
    "brief.col.previous_rank": {"zh": "上月名次", "en": "Last month"},
    "brief.col.movement": {"zh": "变化", "en": "Change"},
    "brief.col.counted": {"zh": "计分指标数", "en": "KPIs scored"},
    "brief.col.month": {"zh": "月份", "en": "Month"},
    "brief.col.value": {"zh": "当月", "en": "Month"},
    "brief.col.cumulative": {"zh": "累计", "en": "Year to date"},
    "brief.col.level": {"zh": "月末水平", "en": "Month-end level"},
    "brief.col.target_cumulative": {"zh": "序时目标", "en": "Target on pace"},
    "brief.col.last_year_value": {"zh": "去年同月", "en": "Same month last year"},
    "brief.col.last_year_cumulative": {"zh": "去年累计", "en": "Last year to date"},
    "brief.col.projection_path": {"zh": "按当前进度预计", "en": "Projection at current pace"},
    "brief.col.reason": {"zh": "滞后原因", "en": "Why it lags"},
    "brief.col.action": {"zh": "整改措施", "en": "What will be done"},
    "brief.col.due": {"zh": "完成时限", "en": "Due by"},
    "brief.col.author": {"zh": "填写人", "en": "Written by"},
    "brief.col.written": {"zh": "填写时间", "en": "Written at"},
    "brief.col.scope": {"zh": "范围", "en": "Scope"},
    # Excel
    "brief.xlsx.kpis": {"zh": "指标总表", "en": "KPIs"},
    "brief.xlsx.districts": {"zh": "区市", "en": "Districts"},
    "brief.xlsx.notes": {"zh": "督办说明", "en": "Notes"},
    "brief.xlsx.district_completion": {"zh": "{kpi} 完成率", "en": "{kpi} completion"},
    "brief.xlsx.monthly_title": {
        "zh": "{kpi} · {scope} · {year}年 · 单位 {unit}",
        "en": "{kpi} · {scope} · {year} · unit {unit}",
    },
    # Errors and the command
    "brief.error.font_missing": {
        "zh": "找不到中文字体「{family}」，无法生成会议材料（不会生成缺字的文件）。"
        "请安装：apt-get install fonts-noto-cjk",
        "en": "the Chinese font '{family}' is not installed, so the meeting pack cannot be made "
        "(it would show empty boxes). Install it: apt-get install fonts-noto-cjk",
    },
    "brief.error.suffix": {
        "zh": "不支持的输出格式「{name}」：--out 的扩展名应为 .pdf、.xlsx、.pptx 或 .docx",
        "en": "unsupported output '{name}': --out must end in .pdf, .xlsx, .pptx or .docx",
    },
    "brief.error.engine": {
        "zh": "无法生成会议材料：{detail}",
        "en": "the meeting pack cannot be made: {detail}",
    },
    "brief.cli.written": {
        "zh": "已生成 {path}（{size} KB，用时 {seconds} 秒）",
        "en": "wrote {path} ({size} KB in {seconds} s)",
    },
    # The download in the app
    "brief.download.title": {"zh": "会议材料", "en": "Meeting pack"},
    "brief.download.format": {"zh": "格式", "en": "Format"},
    "brief.download.button": {"zh": "下载会议材料", "en": "Download the meeting pack"},
    "brief.download.help": {
        "zh": "按当前筛选（年度、截至月份、范围、语言）生成，数字与看板一致。",
        "en": "Made for the current filters (year, month, scope, language); "
        "the figures are the dashboard's.",
    },
    "brief.format.pdf": {"zh": "PDF", "en": "PDF"},
    "brief.format.xlsx": {"zh": "Excel", "en": "Excel"},
    "brief.format.pptx": {"zh": "PowerPoint", "en": "PowerPoint"},
    # Presentation mode
    "brief.present.page": {"zh": "演示模式", "en": "Presentation"},
    "brief.present.previous": {"zh": "上一页", "en": "Previous"},
    "brief.present.next": {"zh": "下一页", "en": "Next"},
    "brief.present.position": {"zh": "第 {n} / {total} 页", "en": "{n} of {total}"},
    "brief.present.auto": {"zh": "自动翻页（秒）", "en": "Auto-advance (seconds)"},
    "brief.present.auto_help": {
        "zh": "每页停留的秒数；再点一次所选项即关闭自动翻页。",
        "en": "Seconds per screen; click the chosen one again to stop.",
    },
    "brief.present.screen": {"zh": "页码", "en": "Screen"},
    "brief.present.exit": {"zh": "退出演示", "en": "Leave presentation"},
    "brief.present.facts": {
        "zh": "{scope} · 数据截至 {date} · 序时进度 {expected}",
        "en": "{scope} · data as of {date} · pro-rata progress {expected}",
    },
    "brief.present.empty": {
        "zh": "没有可演示的指标。",
        "en": "There are no KPIs to present.",
    },
}
