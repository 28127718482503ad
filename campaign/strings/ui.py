"""Strings of the Streamlit pages, the header, the cards and the charts."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # The app and its pages
    "ui.app.title": {"zh": "攻势看板", "en": "Campaign Dashboard"},
    "ui.app.subtitle": {
        "zh": "民营经济攻势 · 年度目标进展",
        "en": "Private-economy campaign · progress against annual targets",
    },
    "ui.page.overview": {"zh": "总览", "en": "Overview"},
    "ui.page.kpi": {"zh": "指标详情", "en": "KPI detail"},
    "ui.page.districts": {"zh": "区市对比", "en": "Districts"},
    "ui.page.data": {"zh": "数据状态", "en": "Data status"},
    "ui.nav.dashboard": {"zh": "看板", "en": "Dashboard"},
    "ui.nav.meeting": {"zh": "会议", "en": "Meetings"},
    "ui.nav.staff": {"zh": "工作台", "en": "Workbench"},
    # Sidebar filters
    "ui.filter.title": {"zh": "筛选", "en": "Filters"},
    "ui.filter.language": {"zh": "语言", "en": "Language"},
    "ui.filter.year": {"zh": "年度", "en": "Year"},
    "ui.filter.month": {"zh": "截至月份", "en": "As of month"},
    "ui.filter.scope": {"zh": "范围", "en": "Scope"},
    "ui.filter.share": {
        "zh": "筛选条件已写入地址栏，复制链接即可分享当前视图。",
        "en": "The filters are in the address bar: copy the link to share this view.",
    },
    # Language names are shown in their own language, so each reader can find theirs.
    "ui.lang.zh": {"zh": "中文", "en": "中文"},
    "ui.lang.en": {"zh": "English", "en": "English"},
    "ui.year": {"zh": "{year}年", "en": "{year}"},
    # Scopes: the city and the districts (pinyin names in English)
    "ui.scope.全市": {"zh": "全市", "en": "Whole city"},
    "ui.scope.市南区": {"zh": "市南区", "en": "Shinan"},
    "ui.scope.市北区": {"zh": "市北区", "en": "Shibei"},
    "ui.scope.李沧区": {"zh": "李沧区", "en": "Licang"},
    "ui.scope.崂山区": {"zh": "崂山区", "en": "Laoshan"},
    "ui.scope.西海岸新区": {"zh": "西海岸新区", "en": "West Coast New Area"},
    "ui.scope.城阳区": {"zh": "城阳区", "en": "Chengyang"},
    "ui.scope.即墨区": {"zh": "即墨区", "en": "Jimo"},
    "ui.scope.胶州市": {"zh": "胶州市", "en": "Jiaozhou"},
    "ui.scope.平度市": {"zh": "平度市", "en": "Pingdu"},
    "ui.scope.莱西市": {"zh": "莱西市", "en": "Laixi"},
    "ui.scope.市直": {"zh": "市直", "en": "City departments"},
    # Domains (领域)
    "ui.domain.资金": {"zh": "资金", "en": "Financing"},
    "ui.domain.订单": {"zh": "订单", "en": "Orders"},
    "ui.domain.人才": {"zh": "人才", "en": "Talent"},
    "ui.domain.法律服务": {"zh": "法律服务", "en": "Legal services"},
    "ui.domain.双招双引": {"zh": "双招双引", "en": "Investment and talent attraction"},
    "ui.domain.商会建设": {"zh": "商会建设", "en": "Chambers of commerce"},
    "ui.domain.活动培训": {"zh": "活动培训", "en": "Events and training"},
    # Statuses
    "ui.status.completed": {"zh": "已完成", "en": "Completed"},
    "ui.status.ahead": {"zh": "超序时", "en": "Ahead of pace"},
    "ui.status.lagging": {"zh": "滞后", "en": "Behind pace"},
    "ui.status.critical": {"zh": "严重滞后", "en": "Far behind"},
    "ui.status.no_target": {"zh": "无目标", "en": "No target"},
    "ui.status.no_data": {"zh": "无数据", "en": "No data"},
    "ui.status.not_reported": {"zh": "未报送", "en": "Not reported yet"},
    # Units: "{value}" with the unit, and the unit alone for axis titles
    "ui.unit.亿元": {"zh": "{value}亿元", "en": "CNY {value} bn"},
    "ui.unit.万元": {"zh": "{value}万元", "en": "CNY {value} m"},
    "ui.unit.元": {"zh": "{value}元", "en": "CNY {value}"},
    "ui.unit.家": {"zh": "{value}家", "en": "{value} firms"},
    "ui.unit.户": {"zh": "{value}户", "en": "{value} firms"},
    "ui.unit.个": {"zh": "{value}个", "en": "{value}"},
    "ui.unit.人": {"zh": "{value}人", "en": "{value} people"},
    "ui.unit.人次": {"zh": "{value}人次", "en": "{value} attendances"},
    "ui.unit.场": {"zh": "{value}场", "en": "{value} events"},
    "ui.unit.次": {"zh": "{value}次", "en": "{value} times"},
    "ui.unit.件": {"zh": "{value}件", "en": "{value} cases"},
    "ui.unit.项": {"zh": "{value}项", "en": "{value} projects"},
    "ui.unit.家次": {"zh": "{value}家次", "en": "{value} firm visits"},
    "ui.unit.期": {"zh": "{value}期", "en": "{value} sessions"},
    "ui.unit_label.亿元": {"zh": "亿元", "en": "CNY bn"},
    "ui.unit_label.万元": {"zh": "万元", "en": "CNY m"},
    "ui.unit_label.元": {"zh": "元", "en": "CNY"},
    "ui.unit_label.家": {"zh": "家", "en": "firms"},
    "ui.unit_label.户": {"zh": "户", "en": "firms"},
    "ui.unit_label.个": {"zh": "个", "en": "count"},
    "ui.unit_label.人": {"zh": "人", "en": "people"},
    "ui.unit_label.人次": {"zh": "人次", "en": "attendances"},
    "ui.unit_label.场": {"zh": "场", "en": "events"},
    "ui.unit_label.次": {"zh": "次", "en": "times"},
    "ui.unit_label.件": {"zh": "件", "en": "cases"},
    "ui.unit_label.项": {"zh": "项", "en": "projects"},
    "ui.unit_label.家次": {"zh": "家次", "en": "firm visits"},
    "ui.unit_label.期": {"zh": "期", "en": "sessions"},
    "ui.unit_label.%": {"zh": "%", "en": "%"},
    "ui.fmt.pp": {"zh": "{value}个百分点", "en": "{value} pp"},
    # Header of every page
    "ui.header.as_of": {"zh": "数据截至 {date}", "en": "Data as of {date}"},
    "ui.header.expected": {"zh": "序时进度 {value}", "en": "Pro-rata progress {value}"},
    "ui.header.scope": {"zh": "范围 {scope}", "en": "Scope: {scope}"},
    # KPIs whose extracts stop before the as-of date (header, CLI, meeting pack)
    "ui.notice.not_reported": {
        "zh": "{kpis} 的数据只报送至 {date}。",
        "en": "{kpis}: data reported only to {date}.",
    },
    "ui.notice.not_reported_at_all": {
        "zh": "{kpis} 在本期尚无任何报送数据。",
        "en": "{kpis}: no data reported for this period.",
    },
    "ui.notice.not_reported_rule": {
        "zh": "此后的月份尚未报送，按“无数据”处理（不是零）：这些指标显示已报送部分的累计，"
        "不评状态、不算同比和年末预计，也不计入区市排名。",
        "en": "Later months are not reported yet and count as no data (not zero): these "
        "KPIs show the total reported so far, with no status, no year-on-year change or "
        "projection, and are left out of the district ranking.",
    },
    "ui.header.freshness": {
        "zh": "数据更新于 {built}，最新报送月份 {month}",
        "en": "Data refreshed {built}; latest month reported {month}",
    },
    "ui.header.excluded": {
        "zh": "有 {rows} 行数据未通过校验，已从统计中剔除。",
        "en": "{rows} rows failed validation and are left out of the figures.",
    },
    "ui.header.excluded_link": {"zh": "查看数据状态", "en": "See data status"},
    "ui.header.read_only": {
        "zh": "数据文件夹不可写，页面以只读方式显示上一次成功构建的数据（构建于 {built}）；"
        "新的数据文件在恢复写权限前不会载入。请管理员检查 {path} 的权限。",
        "en": "The data folder cannot be written: the pages show its last good build "
        "read-only (built {built}); new extracts load once it is writable again. "
        "Please check the permissions of {path}.",
    },
    "ui.header.build_error": {
        "zh": "本次数据更新失败，页面显示的是上一次成功载入的数据。",
        "en": "The latest data refresh failed; the pages show the last data that loaded.",
    },
    # Notices about a link that asked for something unknown
    "ui.notice.unknown_kpi": {
        "zh": "链接中的指标“{value}”不存在，已改为显示默认指标。",
        "en": 'The link asks for a KPI "{value}" that does not exist; showing the default KPI.',
    },
    "ui.notice.unknown_scope": {
        "zh": "链接中的区市“{value}”不存在，已改为显示全市。",
        "en": 'The link asks for a district "{value}" that does not exist; showing the whole city.',
    },
    "ui.notice.unknown_year": {
        "zh": "链接中的年度“{value}”没有数据，已改为显示 {year} 年。",
        "en": 'The link asks for a year "{value}" without data; showing {year}.',
    },
    "ui.notice.unknown_month": {
        "zh": "链接中的月份“{value}”在 {year} 年不可选，已改为 {month} 月。",
        "en": 'The link asks for a month "{value}" not available in {year}; showing month {month}.',
    },
    "ui.notice.unknown_lang": {
        "zh": "链接中的语言“{value}”不受支持，已使用中文。",
        "en": 'The link asks for a language "{value}" that is not supported; using Chinese.',
    },
    # Overview
    "ui.overview.status_title": {"zh": "指标状态", "en": "KPIs by status"},
    "ui.overview.count": {"zh": "{n} 项", "en": "{n}"},
    "ui.overview.errors_count": {
        "zh": "{n} 项指标无法计算",
        "en": "{n} KPIs could not be computed",
    },
    "ui.card.target": {"zh": "目标 {value}", "en": "Target {value}"},
    "ui.card.no_target": {"zh": "未设年度目标", "en": "No annual target"},
    "ui.card.completion": {"zh": "完成 {value}", "en": "Completion {value}"},
    "ui.card.expected": {"zh": "序时 {value}", "en": "Pro-rata {value}"},
    "ui.card.gap": {"zh": "差距 {value}", "en": "Gap {value}"},
    "ui.card.yoy": {"zh": "同比 {value}", "en": "YoY {value}"},
    "ui.card.progress_alt": {
        "zh": "完成 {completion}，序时进度 {expected}",
        "en": "Completion {completion}, pro-rata progress {expected}",
    },
    "ui.card.error_title": {"zh": "指标无法计算", "en": "KPI could not be computed"},
    "ui.card.error_body": {
        "zh": "查询文件 {file} 出错，其余指标不受影响。",
        "en": "The query file {file} failed; the other KPIs are not affected.",
    },
    "ui.card.error_details": {"zh": "错误信息", "en": "Error message"},
    "ui.overview.empty": {
        "zh": "没有可显示的指标：查询文件夹中还没有可用的指标文件。",
        "en": "No KPIs to show: the queries folder has no usable KPI file yet.",
    },
    # KPI detail
    "ui.kpi.select": {"zh": "指标", "en": "KPI"},
    "ui.kpi.actual": {"zh": "累计完成", "en": "Year to date"},
    "ui.kpi.level_actual": {"zh": "当前水平", "en": "Current level"},
    "ui.kpi.target": {"zh": "年度目标", "en": "Annual target"},
    "ui.kpi.completion": {"zh": "完成率", "en": "Completion"},
    "ui.kpi.gap": {"zh": "与序时差距", "en": "Gap to pro-rata"},
    "ui.kpi.yoy": {"zh": "同比", "en": "Year on year"},
    "ui.kpi.projection": {"zh": "年末预计", "en": "Year-end projection"},
    "ui.kpi.needed": {"zh": "此后每月需完成", "en": "Needed per month from now"},
    "ui.kpi.chart_cumulative": {
        "zh": "累计完成、序时目标与年末预计",
        "en": "Cumulative actual, pro-rata target and year-end projection",
    },
    "ui.kpi.chart_level": {
        "zh": "月末水平、目标与年末预计",
        "en": "Month-end level, target and year-end projection",
    },
    "ui.kpi.chart_monthly": {
        "zh": "月度完成：今年与上年同期",
        "en": "Monthly: this year and last year",
    },
    "ui.kpi.districts_title": {
        "zh": "各区市完成情况（最落后的排在前面）",
        "en": "Districts, furthest behind first",
    },
    "ui.kpi.definition": {"zh": "指标定义", "en": "Definition"},
    "ui.kpi.field": {"zh": "**{label}**：{value}", "en": "**{label}**: {value}"},
    "ui.kpi.description": {"zh": "说明", "en": "Description"},
    "ui.kpi.owner": {"zh": "责任单位", "en": "Owner"},
    "ui.kpi.file": {"zh": "查询文件", "en": "Query file"},
    "ui.kpi.as_written": {
        "zh": "以下内容按查询文件原文显示，只读。",
        "en": "Shown as written in the query file, read-only.",
    },
    "ui.kpi.no_monthly": {
        "zh": "{scope}在 {year} 年还没有该指标的月度数据。",
        "en": "{scope} has no monthly figures for this KPI in {year} yet.",
    },
    "ui.kpi.no_districts": {
        "zh": "还没有任何区市的该指标数据。",
        "en": "No district has figures for this KPI yet.",
    },
    "ui.kpi.none": {
        "zh": "没有可显示的指标：查询文件夹中还没有可用的指标文件。",
        "en": "No KPI to show: the queries folder has no usable KPI file yet.",
    },
    "ui.kpi.level_note": {
        "zh": "该指标考核的是水平值（比率或存量），不按序时进度累计。",
        "en": "This KPI is a level (a rate or a stock): it is not paced over the year.",
    },
    # Chart series, axes and tooltips
    "ui.series.actual": {"zh": "累计完成", "en": "Actual"},
    "ui.series.level": {"zh": "实际水平", "en": "Level"},
    "ui.series.level_target": {"zh": "目标水平", "en": "Target level"},
    "ui.series.pacing": {"zh": "序时目标", "en": "Pro-rata target"},
    "ui.series.projection": {"zh": "年末预计", "en": "Projection"},
    "ui.series.target": {"zh": "年度目标", "en": "Annual target"},
    "ui.axis.month": {"zh": "月份", "en": "Month"},
    "ui.axis.completion": {"zh": "完成率", "en": "Completion"},
    "ui.axis.score": {"zh": "综合得分", "en": "Composite score"},
    "ui.axis.value": {"zh": "数值", "en": "Value"},
    "ui.axis.series": {"zh": "系列", "en": "Series"},
    "ui.chart.expected_rule": {"zh": "序时进度 {value}", "en": "Pro-rata {value}"},
    # Table columns
    "ui.col.district": {"zh": "区市", "en": "District"},
    "ui.col.kpi": {"zh": "指标", "en": "KPI"},
    "ui.col.actual": {"zh": "完成值", "en": "Actual"},
    "ui.col.target": {"zh": "目标", "en": "Target"},
    "ui.col.completion": {"zh": "完成率", "en": "Completion"},
    "ui.col.gap": {"zh": "与序时差距", "en": "Gap to pro-rata"},
    "ui.col.status": {"zh": "状态", "en": "Status"},
    "ui.col.yoy": {"zh": "同比", "en": "YoY"},
    "ui.col.score": {"zh": "综合得分", "en": "Score"},
    "ui.col.rank": {"zh": "排名", "en": "Rank"},
    "ui.col.movement": {"zh": "较上月", "en": "vs last month"},
    "ui.col.kind": {"zh": "数据类型", "en": "Extract kind"},
    "ui.col.files": {"zh": "文件数", "en": "Files"},
    "ui.col.rows_total": {"zh": "总行数", "en": "Rows"},
    "ui.col.rows_loaded": {"zh": "已载入", "en": "Loaded"},
    "ui.col.rows_excluded": {"zh": "已剔除", "en": "Excluded"},
    "ui.col.errors": {"zh": "错误", "en": "Errors"},
    "ui.col.warnings": {"zh": "警告", "en": "Warnings"},
    "ui.col.file": {"zh": "文件", "en": "File"},
    "ui.col.line": {"zh": "行", "en": "Line"},
    "ui.col.column": {"zh": "列", "en": "Column"},
    "ui.col.value": {"zh": "值", "en": "Value"},
    "ui.col.reason": {"zh": "原因", "en": "Reason"},
    "ui.col.severity": {"zh": "级别", "en": "Severity"},
    # Rank movement against the previous month
    "ui.movement.up": {"zh": "↑ 上升 {n} 位", "en": "↑ up {n}"},
    "ui.movement.down": {"zh": "↓ 下降 {n} 位", "en": "↓ down {n}"},
    "ui.movement.same": {"zh": "→ 持平", "en": "→ unchanged"},
    "ui.movement.new": {"zh": "新上榜", "en": "new"},
    # Districts page
    "ui.districts.ranking_title": {"zh": "综合排名", "en": "Composite ranking"},
    "ui.districts.ranking_note": {
        "zh": "综合得分按各指标完成率相对序时进度计算；市直不参与排名。",
        "en": "The score weighs each KPI's completion against pro-rata progress; "
        "city departments are not ranked.",
    },
    "ui.districts.heatmap_title": {"zh": "各区市指标状态", "en": "KPI status by district"},
    "ui.districts.profile_title": {"zh": "{district}概况", "en": "Profile: {district}"},
    "ui.districts.profile_rank": {
        "zh": "综合排名第 {rank} 位（共 {total} 个区市），{movement}",
        "en": "Ranked {rank} of {total}; {movement}",
    },
    "ui.districts.profile_unranked": {
        "zh": "该范围不参与综合排名。",
        "en": "This scope is not ranked.",
    },
    "ui.districts.pick_district": {
        "zh": "在左侧“范围”中选择一个区市，即可查看该区市的概况。",
        "en": "Choose a district under Scope in the sidebar to see its profile.",
    },
    "ui.districts.no_ranking": {
        "zh": "所选月份还没有可排名的数据。",
        "en": "There is nothing to rank for the chosen month yet.",
    },
    "ui.districts.no_matrix": {
        "zh": "所选月份还没有区市数据。",
        "en": "There are no district figures for the chosen month yet.",
    },
    # Data status page
    "ui.data.kinds_title": {"zh": "各类数据载入情况", "en": "Rows loaded per extract kind"},
    "ui.data.unknown_kind": {"zh": "未识别的文件", "en": "Unrecognised files"},
    "ui.data.last_title": {"zh": "各区市最近报送月份", "en": "Latest month each district reported"},
    "ui.data.last_legend": {
        "zh": "▼ 表示没有报送 {month} 的数据（迟报），✖ 表示从未报送。",
        "en": "▼ marks a district that has not reported {month} yet (late); "
        "✖ one that never reported.",
    },
    "ui.data.never": {"zh": "✖ 未报送", "en": "✖ never"},
    "ui.data.issues_title": {"zh": "校验问题", "en": "Validation issues"},
    "ui.data.errors_tab": {"zh": "错误（{n}，该行已剔除）", "en": "Errors ({n}, row excluded)"},
    "ui.data.warnings_tab": {"zh": "警告（{n}，该行已载入）", "en": "Warnings ({n}, row kept)"},
    "ui.data.notes_tab": {
        "zh": "提示（{n}，按可接受的写法读入）",
        "en": "Notes ({n}, read in an accepted spelling)",
    },
    "ui.data.planning_title": {
        "zh": "目标与进度文件",
        "en": "Targets and pacing files",
    },
    "ui.data.planning_col_where": {"zh": "位置", "en": "Where"},
    "ui.data.planning_col_reason": {"zh": "说明", "en": "Reason"},
    "ui.data.no_issues": {"zh": "没有此类问题。", "en": "None."},
    "ui.data.no_files": {
        "zh": "数据文件夹中还没有数据文件。",
        "en": "The data folder has no extract files yet.",
    },
    "ui.data.whole_file": {"zh": "整个文件", "en": "whole file"},
    "ui.data.severity.error": {"zh": "错误", "en": "Error"},
    "ui.data.severity.warning": {"zh": "警告", "en": "Warning"},
    # Things that went wrong
    "ui.error.no_engine": {
        "zh": "无法载入数据文件夹 {path}，请检查数据与查询文件。",
        "en": "Cannot load the data folder {path}; please check the data and query files.",
    },
    "ui.error.page": {
        "zh": "本部分无法显示，请联系数据维护人员。",
        "en": "This part cannot be shown; please contact the data maintainers.",
    },
    "ui.error.details": {"zh": "技术细节", "en": "Technical details"},
    # Confirmation before a destructive one-click action (app_pages/_staff.confirm).
    "ui.confirm.title": {"zh": "请确认", "en": "Please confirm"},
    "ui.confirm.cancel": {"zh": "取消", "en": "Cancel"},
}
