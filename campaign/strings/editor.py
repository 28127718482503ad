"""KPI editing: refusals."""

STRINGS: dict[str, dict[str, str]] = {
    "editor.bad_id": {
        "zh": "指标编号「{kpi_id}」无效：只能用小写字母、数字和下划线，以字母开头",
        "en": "invalid KPI id '{kpi_id}': lower-case letters, digits and underscores, "
        "starting with a letter",
    },
    "editor.exists": {
        "zh": "指标「{kpi_id}」已存在",
        "en": "KPI '{kpi_id}' already exists",
    },
    "editor.no_such_version": {
        "zh": "找不到版本 {version}",
        "en": "no version {version}",
    },
}
