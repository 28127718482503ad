"""Extract uploads: refusals and outcomes."""

STRINGS: dict[str, dict[str, str]] = {
    "upload.bad_name": {
        "zh": "文件名「{name}」无效：只能是文件名本身，不能含路径或以“.”开头",
        "en": "invalid file name '{name}': a bare name only, no path, not starting with '.'",
    },
    "upload.bad_suffix": {
        "zh": "「{name}」不是可读取的数据文件（可上传 .csv .tsv .txt .xlsx .xls .et）",
        "en": "'{name}' is not a data file that is read (.csv .tsv .txt .xlsx .xls .et)",
    },
    "upload.name_control": {
        "zh": "文件名「{name}」含有换行、回车或其他控制字符：请改名后再上传",
        "en": "the file name '{name}' contains a line break or another control character: "
        "rename the file and upload it again",
    },
    "upload.name_too_long": {
        "zh": "文件名过长（{length} 字节，上限 {limit} 字节；一个汉字占 3 字节）：请改短后再上传",
        "en": "the file name is too long ({length} bytes; the limit is {limit}): "
        "shorten it and upload it again",
    },
    "upload.not_acceptable": {
        "zh": "「{name}」没有可导入的行，未接受，数据未变：{detail}",
        "en": "'{name}' has no row that could be loaded; not accepted, nothing changed: {detail}",
    },
    "upload.build_failed": {
        "zh": "新文件导致数据库重建失败，已恢复原文件，数据未变：{detail}",
        "en": "the new file made the rebuild fail; the previous file is back, "
        "nothing changed: {detail}",
    },
    "upload.sheets_read": {
        "zh": "读取的工作表：{sheets}",
        "en": "Sheets read: {sheets}",
    },
    "upload.col.sheet": {"zh": "工作表", "en": "Sheet"},
    "upload.no_such_version": {
        "zh": "找不到版本 {version}",
        "en": "no version {version}",
    },
}
