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
    "lab.memory": {
        "zh": "查询所需内存超过实验室的上限，已中止。请减少返回的列或行，或先汇总。",
        "en": "the query needed more memory than the lab allows and was stopped; "
        "return fewer rows or columns, or aggregate first",
    },
    "lab.busy": {
        "zh": "查询实验室正忙（其他查询在运行），等待 {seconds} 秒后仍未轮到。请稍后再试。",
        "en": "the SQL lab is busy with other queries; none finished within {seconds} s. "
        "Please try again shortly",
    },
    "lab.worker_died": {
        "zh": "查询进程意外退出，已重新启动。请再试一次；如反复出现，请缩小查询范围。",
        "en": "the query process stopped unexpectedly and was restarted; please try again, "
        "and narrow the query if it happens again",
    },
}
