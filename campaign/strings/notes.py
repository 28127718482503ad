"""Follow-up notes (督办): the form on the KPI detail page, the list, and refusals."""

STRINGS: dict[str, dict[str, str]] = {
    # The section on the KPI detail page
    "notes.title": {"zh": "督办说明", "en": "Follow-up notes"},
    "notes.caption": {
        "zh": "{kpi} · {scope} · {month}：责任单位说明滞后原因、整改措施和完成时限。",
        "en": "{kpi} · {scope} · {month}: the responsible department records why it lags, "
        "what it will do and by when.",
    },
    "notes.none": {
        "zh": "本月暂无督办说明。",
        "en": "No follow-up notes for this month yet.",
    },
    "notes.earlier": {"zh": "本年度此前的说明", "en": "Earlier this year"},
    "notes.reason": {"zh": "滞后原因", "en": "Why it lags"},
    "notes.action": {"zh": "整改措施", "en": "What will be done"},
    "notes.due": {"zh": "完成时限", "en": "Due by"},
    "notes.no_due": {"zh": "未定", "en": "not set"},
    "notes.author": {"zh": "填写人（姓名/单位）", "en": "Written by (name / department)"},
    "notes.written": {"zh": "{author} · {time}", "en": "{author} · {time}"},
    "notes.revised": {
        "zh": "{author} · {time}（修改，共 {versions} 版）",
        "en": "{author} · {time} (edited, {versions} versions)",
    },
    "notes.history": {"zh": "修改记录", "en": "Earlier versions"},
    "notes.add": {"zh": "新增说明", "en": "Add a note"},
    "notes.edit": {"zh": "修改此说明", "en": "Edit this note"},
    "notes.save": {"zh": "保存", "en": "Save"},
    "notes.saved": {"zh": "已保存。", "en": "Saved."},
    "notes.storage_error": {
        "zh": "督办说明无法读写（{path}）：{detail}",
        "en": "the follow-up notes cannot be read or written ({path}): {detail}",
    },
    # Refusals (NoteError)
    "notes.error.kpi": {"zh": "未指定指标", "en": "no KPI given"},
    "notes.error.scope": {"zh": "未指定范围", "en": "no scope given"},
    "notes.error.month": {
        "zh": "月份「{value}」无效，应为 YYYY-MM",
        "en": "invalid month '{value}': expected YYYY-MM",
    },
    "notes.error.author": {
        "zh": "请填写填写人（姓名或单位）",
        "en": "please give who writes the note (name or department)",
    },
    "notes.error.empty": {
        "zh": "请至少填写滞后原因或整改措施",
        "en": "please write why it lags or what will be done",
    },
    "notes.error.too_long": {
        "zh": "「{field}」过长（最多 {limit} 字）",
        "en": "'{field}' is too long (at most {limit} characters)",
    },
    "notes.error.due": {
        "zh": "完成时限「{value}」不是有效日期",
        "en": "the due date '{value}' is not a valid date",
    },
    "notes.error.unknown": {"zh": "找不到说明 #{id}", "en": "no note #{id}"},
    "notes.error.scope_denied": {
        "zh": "{user} 只能为{district}填写督办说明，不能为「{scope}」填写。",
        "en": "{user} may write follow-up notes for {district} only, not for '{scope}'.",
    },
    "notes.read_only_scope": {
        "zh": "你只能为{district}填写督办说明；切换范围到{district}即可填写。",
        "en": "You write follow-up notes for {district} only; switch the scope to {district}.",
    },
}
