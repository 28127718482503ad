"""Folder-level checks (duplicate files, unit slips), `validate` outcomes and the templates."""

STRINGS: dict[str, dict[str, str]] = {
    # A file whose rows all repeat another file's: refused as a whole.
    "crosscheck.duplicate_file_copy": {
        "zh": "与 {other} 的数据完全相同（{rows} 行），本文件名像副本，为免重复计算未导入。"
        "如是重复上传，请删除本文件",
        "en": "the same data as {other} ({rows} rows); this file's name looks like a "
        "copy, so it was not loaded to avoid counting the rows twice. If it was sent twice, "
        "delete this file",
    },
    "crosscheck.duplicate_file_name": {
        "zh": "与 {other} 的数据完全相同（{rows} 行），按文件名排序保留在前的 {other}，"
        "本文件未导入（以免重复计算）。如是重复上传，请删除本文件",
        "en": "the same data as {other} ({rows} rows); {other} sorts first by name and "
        "is kept, this file was not loaded (to avoid counting the rows twice). If it was sent "
        "twice, delete this file",
    },
    "crosscheck.duplicate_file_subset": {
        "zh": "本文件的 {rows} 行全部已包含在 {other}（{other_rows} 行）中，"
        "为免重复计算未导入。如是重复上传，请删除本文件",
        "en": "all {rows} rows of this file are already in {other} ({other_rows} rows); "
        "not loaded, to avoid counting them twice. If it was sent twice, delete this file",
    },
    # A whole file (one district) off by a unit: warned, kept.
    "crosscheck.unit_slip_large": {
        "zh": "{district}：本文件金额中位数 {median} 万元/行，是该区以往月份（{first} 至 {last}，"
        "{months} 个月）中位数 {baseline} 万元/行的 {ratio} 倍，单位可能填成了元（应为万元），"
        "或单元格格式把元显示成了万元。请核对后重新报送（已导入）",
        "en": "{district}: this file's median amount is {median} 万元 per row, {ratio}× the "
        "district's earlier months ({first} to {last}, {months} months: median {baseline} 万元 "
        "per row); the amounts may be in 元 instead of 万元 (or a number format shows 元 as "
        "万元). Check and send it again (loaded)",
    },
    "crosscheck.unit_slip_small": {
        "zh": "{district}：本文件金额中位数 {median} 万元/行，仅为该区以往月份（{first} 至 {last}，"
        "{months} 个月）中位数 {baseline} 万元/行的 1/{ratio}，单位可能填成了亿元（应为万元）。"
        "请核对后重新报送（已导入）",
        "en": "{district}: this file's median amount is {median} 万元 per row, 1/{ratio} of the "
        "district's earlier months ({first} to {last}, {months} months: median {baseline} 万元 "
        "per row); the amounts may be in 亿元 instead of 万元. Check and send it again (loaded)",
    },
    # The upload path.
    "upload.identical_file": {
        "zh": "拒收：{name} 与已有文件 {existing} 内容完全相同，重复上传会使数据重复计算",
        "en": "refused: {name} is identical to the existing file {existing}; uploading it "
        "again would count its rows twice",
    },
    # The outcome line per file in `validate` (first in the report).
    "outcome.loaded": {
        "zh": "✓ {name}  读入 {rows_loaded} 行",
        "en": "✓ {name}  {rows_loaded} rows loaded",
    },
    "outcome.partial": {
        "zh": "! {name}  读入 {rows_loaded} 行，排除 {rows_excluded} 行",
        "en": "! {name}  {rows_loaded} rows loaded, {rows_excluded} excluded",
    },
    "outcome.refused": {
        "zh": "✗ {name}  拒收：{reason}",
        "en": "✗ {name}  refused: {reason}",
    },
    "outcome.skipped": {
        "zh": "，跳过 {n} 行合计/说明行",
        "en": ", {n} total/note rows skipped",
    },
    "outcome.warnings": {"zh": "，{n} 条警告", "en": ", {n} warnings"},
    "outcome.details": {"zh": "详细问题：", "en": "Details:"},
    # Templates.
    "template.sheet_help": {"zh": "填报说明", "en": "填报说明"},
    "template.help_title": {
        "zh": "{kind} 月度数据填报说明",
        "en": "{kind} monthly extract: how to fill it in",
    },
    "template.help_lines": {
        "zh": "在「{sheet}」工作表第 2 行起每行填一条记录，不要改动第 1 行的表头。\n"
        "带下拉箭头的列请从下拉列表中选择；日期填成 2022-03-15 这样的日期。\n"
        "金额一律以万元为单位，填数字本身（12.5 表示 12.5 万元），不要填成元或亿元，"
        "也不要用单元格格式改变显示的单位。\n"
        "不要合并单元格，不要加合计行、小计行或备注行，不要留空行隔开。\n"
        "保存为 .xlsx，文件名以「{kind}」开头，例如 {example_name}。\n"
        "带 * 的列为必填项。下表列出每一列的要求和一个示例值。",
        "en": "On the '{sheet}' sheet, one record per row from row 2; do not change the header "
        "in row 1.\n"
        "Pick values from the drop-down lists where a column has one; type dates as 2022-03-15.\n"
        "Amounts are always in 万元 (12.5 means 12.5 万元): not 元 or 亿元, and no number "
        "format that changes the unit shown.\n"
        "No merged cells, no total, subtotal or note rows, no blank rows in between.\n"
        "Save as .xlsx with a name starting with '{kind}', e.g. {example_name}.\n"
        "Columns marked * are required. The table below gives each column's rule and an "
        "example value.",
    },
    "template.col_header": {"zh": "列名", "en": "Column"},
    "template.col_required": {"zh": "必填", "en": "Required"},
    "template.col_rule": {"zh": "格式与取值", "en": "Format and values"},
    "template.col_example": {"zh": "示例", "en": "Example"},
    "template.required_yes": {"zh": "*", "en": "*"},
    "template.required_when": {
        "zh": "「{other}」为{values}时必填",
        "en": "required when '{other}' is {values}",
    },
    "template.rule_date": {
        "zh": "日期，如 2022-03-15（1950–2099 年）",
        "en": "a date such as 2022-03-15 (1950–2099)",
    },
    "template.rule_amount": {
        "zh": "数字，单位万元，不小于 0",
        "en": "a number in 万元, not negative",
    },
    "template.rule_integer": {"zh": "整数，不小于 0", "en": "a whole number, not negative"},
    "template.rule_bool": {"zh": "是 / 否（下拉选择）", "en": "是 / 否 (drop-down)"},
    "template.rule_choice": {
        "zh": "从下拉列表中选择：{values}",
        "en": "pick from the drop-down: {values}",
    },
    "template.rule_text": {"zh": "文字", "en": "text"},
    "template.rule_unique": {"zh": "，不得重复", "en": ", must not repeat"},
    "template.error_title": {"zh": "取值无效", "en": "Invalid value"},
    "template.title": {"zh": "填报模板", "en": "Templates"},
    "template.download": {"zh": "下载填报模板", "en": "Download a template"},
    "template.download_kind": {"zh": "模板数据类型", "en": "Template for"},
    "template.download_help": {
        "zh": "Excel 模板：表头、下拉选项、日期和数字格式，以及填报说明。"
        "按模板填写的文件可直接上传。",
        "en": "Excel template: header, drop-down lists, date and number formats and the "
        "instructions. A file filled in from it uploads cleanly.",
    },
    "template.written": {"zh": "已写入模板：{path}", "en": "template written: {path}"},
    "template.unknown_kind": {
        "zh": "未知的数据类型「{kind}」，可选：{choices}",
        "en": "unknown kind '{kind}'; one of: {choices}",
    },
}
