"""Validation reasons and the `validate` report (file, line, column, value, reason)."""

STRINGS: dict[str, dict[str, str]] = {
    # File-level problems: the whole file is rejected.
    "validation.unknown_kind": {
        "zh": "无法识别数据类型：文件名应以数据类型开头（如 financing_ 或 融资对接_）",
        "en": "unknown kind: the file name must start with the kind (e.g. financing_ or 融资对接_)",
    },
    "validation.unreadable_encoding": {
        "zh": "无法识别文件编码（支持 UTF-8、带 BOM 的 UTF-8、GB18030/GBK）",
        "en": "unreadable encoding (UTF-8, UTF-8 with BOM and GB18030/GBK are accepted)",
    },
    "validation.not_a_table": {
        "zh": "不是表格文件：{detail}",
        "en": "not a table: {detail}",
    },
    "validation.empty_file": {
        "zh": "文件为空或没有表头",
        "en": "the file is empty or has no header",
    },
    "validation.missing_column": {
        "zh": "缺少必需的列「{column}」",
        "en": "missing required column '{column}'",
    },
    "validation.duplicate_column": {
        "zh": "列「{column}」出现了不止一次",
        "en": "column '{column}' appears more than once",
    },
    "validation.file_too_large": {
        "zh": "文件过大（{size_mb} MB，上限 {limit_mb} MB）",
        "en": "file too large ({size_mb} MB; the limit is {limit_mb} MB)",
    },
    # Row-level problems: only that row is excluded.
    "validation.required_empty": {"zh": "必填项为空", "en": "required value is empty"},
    "validation.required_when": {
        "zh": "「{other}」为{values}时必须填写",
        "en": "required when '{other}' is {values}",
    },
    "validation.bad_date": {
        "zh": "无法识别的日期（可用格式：2021-03-05、2021/3/5、2021.3.5、2021年3月5日、20210305）",
        "en": "not a date (accepted: 2021-03-05, 2021/3/5, 2021.3.5, 2021年3月5日, 20210305)",
    },
    "validation.impossible_date": {"zh": "日期不存在", "en": "no such date"},
    "validation.date_out_of_range": {
        "zh": "日期超出合理范围（1950–2099 年）",
        "en": "date outside the plausible range (1950–2099)",
    },
    "validation.not_a_number": {"zh": "不是数字", "en": "not a number"},
    "validation.negative": {"zh": "不能为负数", "en": "must not be negative"},
    "validation.not_integer": {"zh": "应为整数", "en": "must be a whole number"},
    "validation.not_boolean": {
        "zh": "应为 是/否（也接受 Y/N、true/false、1/0、√/×、有/无、已登记/未登记）",
        "en": "must be 是/否 (Y/N, true/false, 1/0, √/×, 有/无, 已登记/未登记 are accepted too)",
    },
    "validation.unknown_district": {"zh": "未知的区市", "en": "unknown district"},
    "validation.not_allowed": {
        "zh": "不在允许的取值中（{allowed}）",
        "en": "not one of the allowed values ({allowed})",
    },
    "validation.wrong_field_count": {
        "zh": "该行有 {found} 列，表头有 {expected} 列",
        "en": "the row has {found} fields, the header has {expected}",
    },
    "validation.duplicate_key": {
        "zh": "编号重复：与 {first_path} 第 {first_line} 行相同，本行未导入",
        "en": "duplicate key: same as {first_path} line {first_line}; this row was not loaded",
    },
    "validation.credit_code_shape": {
        "zh": "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V），本行未导入；"
        "请按营业执照核对后重新报送",
        "en": "a unified social credit code is 18 digits or capital letters (no I, O, Z, S, V);"
        " row not loaded: check it against the business licence and send the file again",
    },
    "validation.credit_code_check": {
        "zh": "统一社会信用代码校验位不符（GB 32100-2015），可能抄错了某一位，本行未导入；"
        "请按营业执照核对后重新报送",
        "en": "the unified social credit code's check character is wrong (GB 32100-2015): a "
        "character was probably mistyped; row not loaded: check it against the business licence",
    },
    # Warnings: the row is kept (a totals row is left out, and said so).
    "validation.total_row": {
        "zh": "第 {line} 行是合计/小计行（「{column}」为“{value}”），未计入，以免重复统计；"
        "请从报送表中删除合计行",
        "en": "line {line} is a totals row ('{column}' is '{value}'): not counted, so nothing "
        "is counted twice; remove totals rows from the extract",
    },
    "validation.total_row_sum": {
        "zh": "第 {line} 行没有名称，金额 {value} 等于上方 {rows} 行之和，按合计行处理，未计入；"
        "如确为一条记录，请补上名称后重新报送",
        "en": "line {line} has no name and its {value} equals the sum of the {rows} rows above: "
        "taken as a totals row, not counted; if it is a record, fill in its name and resend",
    },
    "validation.total_row_suspect": {
        "zh": "最后一行的金额 {value} 等于上方全部 {rows} 行之和，像是合计行（已保留）；"
        "如是合计行，请删除后重新报送",
        "en": "the last row's {value} equals the sum of all {rows} rows above: it looks like a "
        "totals row (kept); if it is one, remove it and send the file again",
    },
    # Notes: read in an accepted way worth knowing; the row is kept as read.
    "validation.month_only": {
        "zh": "只填了年月，按该月最后一天（{read_as}）计，共 {lines} 行；如需精确日期请填写到日",
        "en": "a month without a day: read as the month's last day ({read_as}), {lines} lines; "
        "write the full date where the day matters",
    },
    "validation.district_spelling": {
        "zh": "区市写法不规范，按“{read_as}”计，共 {lines} 行；请使用标准名称“{read_as}”",
        "en": "district written differently: read as '{read_as}', {lines} lines; please use the "
        "official name '{read_as}'",
    },
    "validation.control_chars": {
        "zh": "名称中含有不可见的控制字符（如 NUL 填充），已去除，按“{read_as}”计，共 {lines} 行；"
        "请检查导出设置",
        "en": "the name holds invisible control characters (e.g. NUL padding), removed: read as "
        "'{read_as}', {lines} lines; check the export settings",
    },
    "validation.amount_unit": {
        "zh": "金额单位为{unit}，已乘以 {factor} 换算为万元；请确认表头单位与数据一致",
        "en": "amounts in {unit}: multiplied by {factor} to 万元; check that the header's unit "
        "matches the figures",
    },
    "validation.extra_column": {
        "zh": "多余的列，已忽略",
        "en": "extra column, ignored",
    },
    "validation.unnamed_column": {
        "zh": "第 {position} 列没有表头但有数据，已忽略",
        "en": "column {position} has data but no header; ignored",
    },
    "validation.exact_duplicate": {
        "zh": "与 {first_path} 第 {first_line} 行完全相同（已保留，请确认是否重复报送）",
        "en": "identical to {first_path} line {first_line} (kept; check whether it was sent twice)",
    },
    "validation.amount_outlier": {
        "zh": "金额是同类数据中位数（{median} 万元）的 {ratio} 倍，"
        "是否把“元”填成了“万元”？（已保留）",
        "en": "amount is {ratio}× the median of its kind ({median} 万元): "
        "元 typed where 万元 was meant? (kept)",
    },
    "validation.closed_before_opened": {
        "zh": "办结日期早于受理日期（已保留）",
        "en": "closed before it was accepted (kept)",
    },
    # The report of `python -m campaign validate`.
    "validation.report_file": {
        "zh": "{path}（{kind}，{encoding}）：共 {rows_total} 行，"
        "导入 {rows_loaded} 行，排除 {rows_excluded} 行",
        "en": "{path} ({kind}, {encoding}): {rows_total} rows, {rows_loaded} loaded, "
        "{rows_excluded} excluded",
    },
    "validation.report_issue": {
        "zh": "  {severity} 第 {line} 行 「{column}」 值「{value}」：{reason}",
        "en": "  {severity} line {line}, column '{column}', value '{value}': {reason}",
    },
    "validation.report_row_issue": {
        "zh": "  {severity} 第 {line} 行：{reason}",
        "en": "  {severity} line {line}: {reason}",
    },
    "validation.report_file_issue": {
        "zh": "  {severity} {column}：{reason}",
        "en": "  {severity} {column}: {reason}",
    },
    "validation.severity_error": {"zh": "错误", "en": "error"},
    "validation.severity_warning": {"zh": "警告", "en": "warning"},
    "validation.severity_note": {"zh": "提示", "en": "note"},
    "validation.report_summary": {
        "zh": "共 {files} 个文件，{errors} 个错误，{warnings} 个警告，{notes} 条提示",
        "en": "{files} files, {errors} errors, {warnings} warnings, {notes} notes",
    },
    "validation.report_more": {
        "zh": "  ……另有 {count} 条未显示（用 --json 查看全部）",
        "en": "  … {count} more not shown (use --json for all)",
    },
    "validation.no_extracts": {
        "zh": "{path} 中没有找到数据文件（extracts/*.csv 或 *.xlsx）",
        "en": "no extracts found in {path} (extracts/*.csv or *.xlsx)",
    },
    "validation.read_only": {
        "zh": "警告：数据文件夹不可写（{detail}），"
        "以只读方式使用上一次成功构建的数据（构建于 {built}）；请检查 {path} 的权限。",
        "en": "warning: the data folder cannot be written ({detail}); its last good build "
        "(built {built}) is used read-only; check the permissions of {path}.",
    },
    "validation.read_only_private": {
        "zh": "警告：数据文件夹不可写（{detail}），且没有可用的数据库，已改在 {where} 构建；"
        "请检查 {path} 的权限。",
        "en": "warning: the data folder cannot be written ({detail}) and has no usable "
        "database: built in {where} instead; check the permissions of {path}.",
    },
    "validation.build_failed": {
        "zh": "数据库重建失败，继续使用上一次成功构建的数据：{detail}",
        "en": "rebuilding the database failed; the last good build keeps serving: {detail}",
    },
    "validation.no_column": {"zh": "（整个文件）", "en": "(whole file)"},
}
