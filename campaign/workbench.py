"""What the staff pages (SQL lab, KPI editing, uploads) show, as plain data and charts.

The pages only lay these out; the sandbox, the file history and the upload checks are in
:mod:`campaign.sandbox`, :mod:`campaign.query_files` and :mod:`campaign.uploads`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from campaign.formatting import format_datetime, format_number
from campaign.i18n import t
from campaign.query_files import DraftPreview
from campaign.uploads import UploadPreview, Version
from campaign.views import CHINA_TIME, kind_label, scope_label

# The quick chart of a lab result draws at most this many bars or points.
QUICK_CHART_ROWS = 200


def quick_chart(frame: pd.DataFrame, lang: str = "zh") -> alt.Chart | None:
    """A first look at a query result: the first numeric column against the first other one.

    A date or month column gives a line over time, text gives bars (longest first); None
    when the result has no numeric column or nothing to set it against.
    """
    if frame.empty or len(frame.columns) < 2:
        return None
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    others = [c for c in frame.columns if c not in numeric]
    if not numeric or not others:
        return None
    x, y = others[0], numeric[0]
    data = frame[[x, y]].head(QUICK_CHART_ROWS).copy()
    data.columns = ["x", "y"]
    title = t("bench.lab.chart_title", lang, y=y, x=x)
    if pd.api.types.is_datetime64_any_dtype(data["x"]) or _looks_like_dates(data["x"]):
        data["x"] = pd.to_datetime(data["x"])
        return (
            alt.Chart(data, title=title)
            .mark_line(point=True)
            .encode(
                x=alt.X("x:T", title=str(x)),
                y=alt.Y("y:Q", title=str(y)),
                tooltip=[alt.Tooltip("x:T", title=str(x)), alt.Tooltip("y:Q", title=str(y))],
            )
        )
    data["x"] = data["x"].astype(str)
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("x:N", sort="-x", title=str(x)),
            x=alt.X("y:Q", title=str(y)),
            tooltip=[alt.Tooltip("x:N", title=str(x)), alt.Tooltip("y:Q", title=str(y))],
        )
    )


def _looks_like_dates(values: pd.Series) -> bool:
    sample = values.dropna().head(20)
    if sample.empty or not all(hasattr(v, "year") for v in sample):
        return False
    return True


# A text cell starting with one of these is a formula to Excel, WPS and LibreOffice
# (=cmd|' /C calc'!A0, +, -, @) or is read as one after the leading tab / CR is dropped.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, prefixed with ' (shown as text)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def result_csv(frame: pd.DataFrame) -> bytes:
    """A result as CSV that Excel on Chinese Windows opens correctly (UTF-8 with BOM).

    Text cells (and column names) that a spreadsheet would treat as a formula are
    neutralised (:func:`neutralise_formula`); numbers, negative ones included, stay numbers.
    """
    safe = frame.copy()
    safe.columns = [neutralise_formula(str(c)) for c in frame.columns]
    for index, dtype in enumerate(frame.dtypes):
        if not pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_datetime64_any_dtype(
            dtype
        ):
            safe.isetitem(index, frame.iloc[:, index].map(neutralise_formula))
    # CRLF rows (as Excel writes them) also make pandas quote a cell holding a bare CR.
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def comparison_frame(preview: DraftPreview, lang: str = "zh") -> pd.DataFrame:
    """The draft-vs-current table with readable headers and scope names."""
    frame = preview.comparison.copy()
    frame["scope"] = [scope_label(s, lang) for s in frame["scope"]]
    frame["changed"] = [
        t("bench.edit.changed" if c else "bench.edit.same", lang) for c in frame["changed"]
    ]
    return frame.rename(
        columns={
            "scope": t("ui.col.district", lang),
            "current": t("bench.edit.current", lang),
            "draft": t("bench.edit.draft", lang),
            "difference": t("bench.edit.difference", lang),
            "changed": t("bench.edit.status", lang),
        }
    )


def upload_summary(preview: UploadPreview, lang: str = "zh") -> list[str]:
    """The facts about a candidate file, one line each."""
    report = preview.report
    kind = kind_label(preview.kind, lang) if preview.kind else "?"
    lines = [
        t("bench.upload.kind", lang, kind=kind, encoding=preview.encoding or "?"),
        t(
            "bench.upload.rows",
            lang,
            total=format_number(report.rows_total),
            loaded=format_number(report.rows_loaded),
            excluded=format_number(report.rows_excluded),
        ),
        t(
            "bench.upload.replaces" if preview.replaces_existing else "bench.upload.adds",
            lang,
            name=preview.name,
        ),
    ]
    if preview.sheets:
        lines.append(t("upload.sheets_read", lang, sheets="、".join(preview.sheets)))
    return lines


def upload_issues(preview: UploadPreview, lang: str = "zh") -> pd.DataFrame:
    """Every error and warning of a candidate file, with line, column, value and reason."""
    rows = [
        (
            t(f"validation.severity_{issue.severity}", lang),
            issue.path.partition("#")[2],  # the sheet, for a workbook read sheet by sheet
            issue.line,
            issue.column or "",
            issue.value or "",
            issue.reason(lang),
        )
        for issue in (*preview.report.errors, *preview.report.warnings)
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            t("ui.col.severity", lang),
            t("upload.col.sheet", lang),
            t("ui.col.line", lang),
            t("ui.col.column", lang),
            t("ui.col.value", lang),
            t("ui.col.reason", lang),
        ],
    ).astype({t("ui.col.line", lang): "Int64"})
    if not preview.sheets:
        frame = frame.drop(columns=[t("upload.col.sheet", lang)])
    return frame


def version_label(version: Version, lang: str = "zh") -> str:
    size = (
        t("bench.upload.absent", lang)
        if version.size is None
        else t("bench.upload.size", lang, size=format_number(version.size))
    )
    action = t(f"bench.upload.action_{version.action}", lang)
    when = format_datetime(version.saved_at.astimezone(CHINA_TIME), lang)
    by = f" · {t('bench.by', lang, who=version.by)}" if version.by else ""
    return f"{when} · {action}{by} · {size}"
