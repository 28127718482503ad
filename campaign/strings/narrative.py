"""The drafted meeting narrative (文字稿): its frame on the overview, the .docx, and the
messages about the wording file. The narrative's sentences themselves are in
``queries/narrative.toml`` (edited by the office)."""

STRINGS: dict[str, dict[str, str]] = {
    "narrative.overview.title": {
        "zh": "会议材料文字稿（草稿）",
        "en": "Meeting narrative (draft)",
    },
    "narrative.overview.help": {
        "zh": "由看板按当前筛选起草，数字与下方卡片一致；复制后按需修改。"
        "措辞可在 queries/narrative.toml 中修改。Word 版见“会议材料”下载（.docx）。",
        "en": "Drafted from the current filters; the figures are the cards' below. Copy and "
        "edit as needed. The wording lives in queries/narrative.toml. A Word version is in "
        "the meeting pack download (.docx).",
    },
    "narrative.overview.broken": {
        "zh": "文字稿无法生成：{message}",
        "en": "The narrative cannot be drafted: {message}",
    },
    # The .docx
    "narrative.docx.appendix": {"zh": "附表：指标完成情况", "en": "Annex: all KPIs"},
    "narrative.docx.appendix_note": {
        "zh": "完成率 = 累计完成 ÷ 年度目标；差距 = 完成率 − 序时进度（百分点）。",
        "en": "Completion = year to date ÷ annual target; gap = completion − pro-rata "
        "progress (points).",
    },
    "narrative.docx.no_kpis": {"zh": "暂无指标。", "en": "No KPI yet."},
    "brief.format.docx": {"zh": "Word", "en": "Word"},
    # The wording file (queries/narrative.toml) cannot be used
    "narrative.error.where": {"zh": "{where}：", "en": "{where}: "},
    "narrative.error.unreadable": {
        "zh": "措辞模板文件无法读取（应为 UTF-8 编码的 TOML 文件）",
        "en": "the wording file cannot be read (it should be a UTF-8 TOML file)",
    },
    "narrative.error.toml": {
        "zh": "措辞模板文件格式有误（{message}）；请检查引号和方括号",
        "en": "the wording file is not valid TOML ({message}); check quotes and brackets",
    },
    "narrative.error.unknown_key": {
        "zh": "未知的模板键 [{template}]：看板不使用它；请检查拼写，或删除该段",
        "en": "unknown template key [{template}]: the dashboard does not use it; check the "
        "spelling or remove it",
    },
    "narrative.error.missing_key": {
        "zh": "缺少模板 [{template}]；请从随看板发布的 queries/narrative.toml 中复制该段",
        "en": "template [{template}] is missing; copy it from the shipped queries/narrative.toml",
    },
    "narrative.error.missing_lang": {
        "zh": "模板 [{template}] 缺少 {language} 语句；中文（zh）和英文（en）都要写",
        "en": "template [{template}] has no {language} sentence; both zh and en are needed",
    },
    "narrative.error.forms": {
        "zh": "模板 [{template}] 的 {language} 应为一句话，"
        '或写成 {{ one = "…", other = "…" }}（分别是单数和复数）',
        "en": 'template [{template}] {language} must be a sentence or {{ one = "…", other = "…" }} '
        "(singular and plural)",
    },
    "narrative.error.braces": {
        "zh": "模板 [{template}] 的 {language} 花括号不成对（{message}）；"
        "字面花括号写作 {{{{ 和 }}}}",
        "en": "template [{template}] {language} has an unmatched brace ({message}); "
        "write a literal brace as {{{{ or }}}}",
    },
    "narrative.error.placeholder": {
        "zh": "模板 [{template}] 的 {language} 使用了未知的占位符 {{{name}}}；此处可用：{allowed}",
        "en": "template [{template}] {language} uses an unknown placeholder {{{name}}}; "
        "available here: {allowed}",
    },
}
