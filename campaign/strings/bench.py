"""The staff pages: SQL lab, KPI editing, extract upload."""

STRINGS: dict[str, dict[str, str]] = {
    "bench.page.lab": {"zh": "查询实验室", "en": "SQL lab"},
    "bench.page.edit": {"zh": "指标编辑", "en": "Edit KPIs"},
    "bench.page.upload": {"zh": "数据上传", "en": "Upload data"},
    "bench.denied": {
        "zh": "您的角色无权使用此页面。",
        "en": "Your role may not use this page.",
    },
    # SQL lab
    "bench.lab.tables": {"zh": "数据表", "en": "Tables"},
    "bench.lab.sql": {"zh": "SQL（只读）", "en": "SQL (read-only)"},
    "bench.lab.example": {
        "zh": "SELECT district AS 区市, sum(amount_wan) / 10000 AS 融资金额亿元\n"
        "FROM financing\nWHERE year(date) = 2022\nGROUP BY 1\nORDER BY 2 DESC",
        "en": "SELECT district, sum(amount_wan) / 10000 AS financing_100m_yuan\n"
        "FROM financing\nWHERE year(date) = 2022\nGROUP BY 1\nORDER BY 2 DESC",
    },
    "bench.lab.run": {"zh": "运行", "en": "Run"},
    "bench.lab.limits": {
        "zh": "只读沙箱：不能访问文件、网络或扩展；单次查询最长 {seconds} 秒（含取回结果），"
        "最多显示 {cap} 行、{megabytes} MB，单元格超过 {chars} 字截断；内存有上限。",
        "en": "Read-only sandbox: no files, network or extensions; {seconds} s per query "
        "(fetching included), at most {cap} rows and {megabytes} MB shown, cells cut at "
        "{chars} characters; memory is capped.",
    },
    "bench.lab.running": {"zh": "正在查询……", "en": "Running the query…"},
    "bench.lab.district_only": {
        "zh": "您的账号限于{district}：这里的每张表只含{district}的数据。",
        "en": "Your account is limited to {district}: every table here holds {district}'s "
        "rows only.",
    },
    "bench.lab.bytes_capped": {
        "zh": "结果超过 {megabytes} MB，只显示前 {cap} 行。请减少列或加筛选条件。",
        "en": "The result is larger than {megabytes} MB; only the first {cap} rows are "
        "shown. Select fewer columns or filter.",
    },
    "bench.lab.cells_cut": {
        "zh": "部分单元格超过 {chars} 字，已截断（以“…”结尾）。",
        "en": 'Some cells were longer than {chars} characters and were cut (they end with "…").',
    },
    "bench.lab.where": {
        "zh": "第 {line} 行第 {column} 列：",
        "en": "line {line}, column {column}: ",
    },
    "bench.lab.rows": {"zh": "{n} 行，用时 {seconds} 秒", "en": "{n} rows in {seconds} s"},
    "bench.lab.truncated": {
        "zh": "结果较多，只显示前 {cap} 行。请加筛选条件或汇总。",
        "en": "Only the first {cap} rows are shown. Filter or aggregate to see the rest.",
    },
    "bench.lab.download": {"zh": "下载 CSV", "en": "Download CSV"},
    "bench.lab.chart_title": {"zh": "{y}（按{x}）", "en": "{y} by {x}"},
    # KPI editing
    "bench.edit.new_title": {"zh": "新建指标", "en": "New KPI"},
    "bench.edit.new_id": {
        "zh": "指标编号（小写字母、数字、下划线）",
        "en": "KPI id (lower-case letters, digits, underscores)",
    },
    "bench.edit.create": {"zh": "用模板创建", "en": "Create from the template"},
    "bench.edit.created": {
        "zh": "已创建 {kpi_id}，请在上方选择并修改。",
        "en": "Created {kpi_id}; choose it above and edit it.",
    },
    "bench.edit.file": {"zh": "文件：queries/{name}", "en": "File: queries/{name}"},
    "bench.edit.sql": {"zh": "指标 SQL（含文件头）", "en": "KPI SQL (with its header)"},
    "bench.edit.preview": {"zh": "预览", "en": "Preview"},
    "bench.edit.previewing": {"zh": "正在用草稿计算……", "en": "Computing the draft…"},
    "bench.edit.check_ok": {
        "zh": "检查通过：文件头和输出列都符合要求。下表对比草稿与当前口径（本年累计）。",
        "en": "Check passed: header and output columns are fine. The draft against the "
        "current definition (year to date):",
    },
    "bench.edit.district_only": {
        "zh": "您的账号限于{district}：草稿和当前口径都只用{district}的数据计算，"
        "只显示{district}。",
        "en": "Your account is limited to {district}: the draft and the current definition "
        "are computed on {district}'s rows only, and only {district} is shown.",
    },
    "bench.edit.current": {"zh": "当前口径", "en": "Current"},
    "bench.edit.draft": {"zh": "草稿", "en": "Draft"},
    "bench.edit.difference": {"zh": "差值", "en": "Difference"},
    "bench.edit.status": {"zh": "是否变化", "en": "Changed"},
    "bench.edit.changed": {"zh": "有变化", "en": "changed"},
    "bench.edit.same": {"zh": "不变", "en": "same"},
    "bench.edit.save": {"zh": "保存", "en": "Save"},
    "bench.edit.saved": {"zh": "已保存 {name}", "en": "Saved {name}"},
    "bench.edit.stale": {
        "zh": "草稿在预览后又改过，请重新预览后再保存。",
        "en": "The draft changed since the preview; preview again before saving.",
    },
    "bench.edit.history": {"zh": "历史版本", "en": "Earlier versions"},
    "bench.edit.no_history": {"zh": "还没有历史版本。", "en": "No earlier versions yet."},
    "bench.edit.version": {"zh": "{when} 保存前的版本", "en": "Version replaced on {when}"},
    "bench.edit.rollback": {"zh": "恢复此版本", "en": "Restore this version"},
    "bench.edit.rolled_back": {
        "zh": "已恢复 {when} 的版本",
        "en": "Restored the version of {when}",
    },
    # Uploads
    "bench.upload.help": {
        "zh": "上传 CSV、TXT 或 Excel 文件（.xlsx、.xls、WPS .et；每个不超过 {limit} MB）。"
        "文件名须以数据类型开头，"
        "如 financing_2022-10_城阳区.csv 或 融资对接_2022-10.csv。接受前不会改动任何数据。",
        "en": "Upload CSV, TXT or Excel files (.xlsx, .xls, WPS .et; at most {limit} MB each). "
        "The name must start with "
        "the kind, e.g. financing_2022-10_城阳区.csv. Nothing changes until you accept.",
    },
    "bench.upload.choose": {"zh": "选择文件", "en": "Choose files"},
    "bench.upload.kind": {
        "zh": "类型：{kind}；编码：{encoding}",
        "en": "Kind: {kind}; encoding: {encoding}",
    },
    "bench.upload.rows": {
        "zh": "共 {total} 行，可导入 {loaded} 行，将排除 {excluded} 行",
        "en": "{total} rows: {loaded} would load, {excluded} would be excluded",
    },
    "bench.upload.replaces": {
        "zh": "将替换现有文件 {name}（旧文件会保留在历史中）",
        "en": "Replaces the existing {name} (the old file is kept in the history)",
    },
    "bench.upload.adds": {"zh": "将新增文件 {name}", "en": "Adds the new file {name}"},
    "bench.upload.not_acceptable": {
        "zh": "此文件没有可导入的行，不能接受。",
        "en": "This file has no row that could be loaded; it cannot be accepted.",
    },
    "bench.upload.confirm_partial": {
        "zh": "我确认只导入有效行，排除 {n} 行有错误的数据",
        "en": "Load only the valid rows and exclude the {n} rows with errors",
    },
    "bench.upload.accept": {"zh": "接受并重建数据", "en": "Accept and rebuild"},
    "bench.upload.rebuilding": {"zh": "正在重建数据……", "en": "Rebuilding the data…"},
    "bench.upload.accepted": {
        "zh": "已接受 {name}，数据已更新",
        "en": "Accepted {name}; the data is updated",
    },
    "bench.upload.history": {"zh": "文件历史与恢复", "en": "File history and restore"},
    "bench.upload.no_history": {"zh": "还没有上传记录。", "en": "No uploads yet."},
    "bench.upload.file": {"zh": "文件", "en": "File"},
    "bench.upload.version": {"zh": "版本", "en": "Version"},
    "bench.upload.restore": {"zh": "恢复此版本", "en": "Restore this version"},
    "bench.upload.restored": {"zh": "已恢复 {name}", "en": "Restored {name}"},
    "bench.upload.absent": {"zh": "当时无此文件", "en": "file did not exist"},
    "bench.upload.size": {"zh": "{size} 字节", "en": "{size} bytes"},
    "bench.upload.action_upload": {"zh": "上传前", "en": "before an upload"},
    "bench.upload.action_restore": {"zh": "恢复前", "en": "before a restore"},
    # Who did it (upload, restore, KPI save, rollback), shown in the histories.
    "bench.by": {"zh": "操作人：{who}", "en": "by {who}"},
    "bench.upload.restore_confirm": {
        "zh": "用 {version} 的版本替换 **{name}** 的当前文件，并重建数据？"
        "当前文件会保留在历史中，可以再恢复。",
        "en": "Replace the current **{name}** with the version of {version} and rebuild the"
        " data? The current file is kept in the history and can be restored.",
    },
    "bench.edit.action_save": {"zh": "被保存替换", "en": "replaced by a save"},
    "bench.edit.action_rollback": {"zh": "被恢复替换", "en": "replaced by a rollback"},
    "bench.edit.rollback_confirm": {
        "zh": "把指标 **{kpi}** 的 SQL 恢复为 {when} 保存前的版本？全市和各区市的数字会随之改变；"
        "当前版本会保留在历史中。",
        "en": "Restore the SQL of KPI **{kpi}** to the version replaced on {when}? The city's"
        " and every district's figures change with it; the current version is kept in the"
        " history.",
    },
}
