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
    "editor.city_only": {
        "zh": "限定区市的账号只能预览指标，不能保存或回滚：指标文件决定全市各区市的数值。"
        "请把草稿交给全市范围的分析员或管理员保存",
        "en": "an account limited to one district can preview a KPI but not save or roll it "
        "back: a KPI file sets every district's figure. Hand the draft to a city-wide analyst "
        "or an admin to save",
    },
    "editor.no_such_version": {
        "zh": "找不到版本 {version}",
        "en": "no version {version}",
    },
}
