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
        "zh": "应为 是/否（也接受 Y/N、true/false、1/0）",
        "en": "must be 是/否 (Y/N, true/false, 1/0 are accepted too)",
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
    # Warnings: the row is kept.
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
    "validation.report_summary": {
        "zh": "共 {files} 个文件，{errors} 个错误，{warnings} 个警告",
        "en": "{files} files, {errors} errors, {warnings} warnings",
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
