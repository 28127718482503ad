"""The SQL lab: sandbox refusals and limits."""

STRINGS: dict[str, dict[str, str]] = {
    "lab.one_statement": {
        "zh": "只能执行一条查询语句",
        "en": "exactly one statement is allowed",
    },
    "lab.read_only": {
        "zh": "只允许只读查询（SELECT），不允许 {statement}",
        "en": "only read-only queries (SELECT) are allowed, not {statement}",
    },
    "lab.interrupted": {
        "zh": "查询超过 {seconds} 秒，已中止",
        "en": "the query ran longer than {seconds} s and was stopped",
    },
}
