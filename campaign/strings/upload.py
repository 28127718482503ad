"""Extract uploads: refusals and outcomes."""

STRINGS: dict[str, dict[str, str]] = {
    "upload.bad_name": {
        "zh": "文件名「{name}」无效：只能是文件名本身，不能含路径或以“.”开头",
        "en": "invalid file name '{name}': a bare name only, no path, not starting with '.'",
    },
    "upload.bad_suffix": {
        "zh": "「{name}」不是 CSV 或 XLSX 文件",
        "en": "'{name}' is not a CSV or XLSX file",
    },
    "upload.build_failed": {
        "zh": "新文件导致数据库重建失败，已恢复原文件，数据未变：{detail}",
        "en": "the new file made the rebuild fail; the previous file is back, "
        "nothing changed: {detail}",
    },
    "upload.no_such_version": {
        "zh": "找不到版本 {version}",
        "en": "no version {version}",
    },
}
