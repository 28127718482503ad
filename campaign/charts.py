"""Chart builders: plain DataFrames in, ``alt.Chart`` out, every chart in the one theme.

The pages turn the result into a Vega-Lite spec once per view (:func:`vega_lite_spec`,
cached by the page frame) and hand it to ``st.vega_lite_chart(..., theme=None)``, so the
campaign theme (not Streamlit's) applies and a rerun does not build and validate the chart
again. Each builder takes the language and produces a
chart whose every visible word (axis titles, legend, tooltips, month names) is in that
language; values are scaled with :func:`campaign.formatting.display_scale` so the axes show
the same figures as the cards. Status is always carried by a symbol or a shape as well as
by colour.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd
import pyarrow as pa

from campaign import theme
from campaign.formatting import (
    display_scale,
    format_month_short,
    format_number,
    format_percent,
    format_pp,
    format_value,
    is_missing,
    unit_label,
)
from campaign.i18n import t
from campaign.views import movement_text

theme.enable()

# Completion bars are drawn up to this share of the target; beyond it the label tells.
COMPLETION_AXIS_MAX = 1.5
CHART_HEIGHT = 300
ROW_STEP = 34


def vega_lite_spec(figure: alt.TopLevelMixin, validate: bool = True) -> dict[str, Any]:
    """The chart as a Vega-Lite spec, its datasets as Arrow IPC streams.

    That is the form Streamlit sends to the browser: ``st.vega_lite_chart`` passes bytes
    through as they are, so a cached spec costs no conversion when a page is drawn again.
    ``validate=False`` skips Altair's JSON-schema check, half the cost of the conversion;
    the dashboard does that for these builders, whose every output form the tests validate.
    """
    spec = figure.to_dict(validate=validate)
    spec["datasets"] = {
        name: _arrow_stream(rows) for name, rows in (spec.get("datasets") or {}).items()
    }
    return spec


def _arrow_stream(rows: list[dict[str, Any]]) -> bytes:
    table = pa.Table.from_pandas(pd.DataFrame.from_records(rows), preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _month_number(value: object) -> int:
    """The month of the year from a date, a timestamp, "2022-09" or 9."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    return pd.Timestamp(value).month  # type: ignore[arg-type]


def _month_axis(lang: str) -> alt.X:
    labels = [format_month_short(m, lang) for m in range(1, 13)]
    return alt.X(
        "month_label:O",
        sort=labels,
        title=None,
        axis=alt.Axis(labelAngle=0),
        scale=alt.Scale(domain=labels),
    )


def cumulative_chart(
    monthly: pd.DataFrame, unit: str, lang: str = "zh", is_level: bool = False
) -> alt.LayerChart:
    """Cumulative actual against the target's pacing line and the year-end projection.

    ``monthly`` has one row per month with ``month``, ``cumulative`` (actual, None after the
    as-of month), ``target_cumulative`` (the pacing line) and ``projection`` (None where not
    projected). The three series differ in dash pattern as well as colour. For a level KPI
    (a rate or a stock) the lines are the month-end level and the target level.
    """
    scale = display_scale(unit, lang)
    actual_key = "ui.series.level" if is_level else "ui.series.actual"
    target_key = "ui.series.level_target" if is_level else "ui.series.pacing"
    series = (
        ("cumulative", actual_key, theme.SERIES_COLOR, []),
        ("target_cumulative", target_key, theme.REFERENCE_COLOR, [8, 5]),
        ("projection", "ui.series.projection", theme.PROJECTION_COLOR, [2, 4]),
    )
    rows = []
    for _, row in monthly.iterrows():
        month = _month_number(row["month"])
        for column, key, _, _ in series:
            value = row.get(column)
            if column in monthly.columns and not is_missing(value):
                rows.append(
                    {
                        "month": month,
                        "month_label": format_month_short(month, lang),
                        "series": t(key, lang),
                        "value": float(value) * scale,
                        "display": format_value(value, unit, lang),
                    }
                )
    data = pd.DataFrame(rows, columns=["month", "month_label", "series", "value", "display"])
    labels = [t(key, lang) for _, key, _, _ in series]
    value_title = unit_label(unit, lang)
    encoding = {
        "x": _month_axis(lang),
        "y": alt.Y("value:Q", title=value_title or None, axis=alt.Axis(format=",~f")),
        "color": alt.Color(
            "series:N",
            scale=alt.Scale(domain=labels, range=[c for _, _, c, _ in series]),
            legend=alt.Legend(title=None, orient="bottom"),
        ),
        "strokeDash": alt.StrokeDash(
            "series:N",
            scale=alt.Scale(domain=labels, range=[d for _, _, _, d in series]),
            legend=None,
        ),
        "tooltip": [
            alt.Tooltip("month_label:O", title=t("ui.axis.month", lang)),
            alt.Tooltip("series:N", title=t("ui.axis.series", lang)),
            alt.Tooltip("display:N", title=t("ui.axis.value", lang)),
        ],
    }
    # The data is the layer's, not each mark's: the same spec, and Altair does not copy the
    # rows for every mark (about 5 ms a chart; a meeting pack builds twenty).
    base = alt.Chart().encode(**encoding)
    lines = base.mark_line()
    points = base.mark_point().encode(
        shape=alt.Shape(
            "series:N",
            scale=alt.Scale(domain=labels, range=["circle", "square", "triangle-up"]),
            legend=None,
        )
    )
    return alt.layer(lines, points, data=data).properties(height=CHART_HEIGHT, width="container")


def presentation_chart(
    monthly: pd.DataFrame, unit: str, lang: str, is_level: bool, height: int, narrow: bool
) -> alt.LayerChart:
    """:func:`cumulative_chart` for the meeting-room screen: larger type; when ``narrow``
    (four KPIs side by side), smaller type and every other month on the axis."""
    size = 14 if narrow else 17
    return (
        cumulative_chart(monthly, unit, lang, is_level)
        .properties(height=height)
        .configure_axis(labelFontSize=size, titleFontSize=size)
        .configure_axisX(labelOverlap="parity" if narrow else False)
        .configure_legend(labelFontSize=size, columns=2 if narrow else 3)
    )


def monthly_chart(monthly: pd.DataFrame, unit: str, year: int, lang: str = "zh") -> alt.Chart:
    """Monthly values this year beside the same months last year (grouped bars).

    ``monthly`` has ``month``, ``value`` (this year) and ``last_year_value``. Last year is
    light grey, this year dark blue: they differ in lightness, not only in hue.
    """
    scale = display_scale(unit, lang)
    this_year, last_year = t("ui.year", lang, year=year), t("ui.year", lang, year=year - 1)
    rows = []
    for _, row in monthly.iterrows():
        month = _month_number(row["month"])
        for column, label in (("last_year_value", last_year), ("value", this_year)):
            value = row.get(column)
            if column in monthly.columns and not is_missing(value):
                rows.append(
                    {
                        "month": month,
                        "month_label": format_month_short(month, lang),
                        "series": label,
                        "value": float(value) * scale,
                        "display": format_value(value, unit, lang),
                    }
                )
    data = pd.DataFrame(rows, columns=["month", "month_label", "series", "value", "display"])
    order = [last_year, this_year]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=_month_axis(lang),
            xOffset=alt.XOffset("series:N", sort=order, scale=alt.Scale(domain=order)),
            y=alt.Y("value:Q", title=unit_label(unit, lang) or None, axis=alt.Axis(format=",~f")),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=order, range=[theme.LAST_YEAR_COLOR, theme.SERIES_COLOR]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("month_label:O", title=t("ui.axis.month", lang)),
                alt.Tooltip("series:N", title=t("ui.axis.series", lang)),
                alt.Tooltip("display:N", title=t("ui.axis.value", lang)),
            ],
        )
        .properties(height=CHART_HEIGHT, width="container")
    )


def _status_columns(data: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Add the status label, symbol, tag and text colour of each row's ``status``."""
    styles = data["status"].map(theme.status_style)
    data = data.assign(
        status_label=styles.map(lambda s: s.label(lang)),
        status_tag=styles.map(lambda s: s.tag(lang)),
        symbol=styles.map(lambda s: s.symbol),
        text_color=styles.map(lambda s: s.text_color),
    )
    return data


def _status_color(lang: str, legend: alt.Legend | None) -> alt.Color:
    return alt.Color("status_label:N", scale=theme.status_scale(lang), legend=legend)


def status_heatmap(
    matrix: pd.DataFrame,
    kpi_labels: Mapping[str, str],
    district_labels: Mapping[str, str],
    lang: str = "zh",
) -> alt.LayerChart:
    """A grid of KPIs (rows) × districts (columns) coloured by status.

    ``matrix`` has ``district``, ``kpi_id``, ``status``, ``completion`` (fraction or None)
    and ``gap_pp``. Each cell also shows the status symbol and the completion, so the grid
    reads without colour. Row and column order follow ``kpi_labels`` and ``district_labels``.
    """
    data = matrix[matrix["kpi_id"].isin(list(kpi_labels))].copy()
    data = _status_columns(data, lang)
    data["kpi"] = data["kpi_id"].map(kpi_labels)
    data["district_label"] = data["district"].map(lambda d: district_labels.get(d, d))
    data["completion_text"] = data["completion"].map(
        lambda c: format_percent(c, lang, decimals=0) if not is_missing(c) else ""
    )
    data["cell"] = (data["symbol"] + " " + data["completion_text"]).str.strip()
    data["gap_text"] = data["gap_pp"].map(lambda g: format_pp(g, lang))
    data["completion_full"] = data["completion"].map(lambda c: format_percent(c, lang))
    data = data[
        [
            "kpi",
            "district_label",
            "status_label",
            "cell",
            "text_color",
            "gap_text",
            "completion_full",
        ]
    ]
    kpi_order = list(kpi_labels.values())
    district_order = [district_labels[d] for d in district_labels]
    angle = 0 if lang == "zh" else -35
    base = alt.Chart(data).encode(
        x=alt.X(
            "district_label:N",
            sort=district_order,
            title=None,
            axis=alt.Axis(orient="top", labelAngle=angle, labelLimit=160, grid=False),
        ),
        y=alt.Y("kpi:N", sort=kpi_order, title=None, axis=alt.Axis(labelLimit=220, grid=False)),
        tooltip=[
            alt.Tooltip("kpi:N", title=t("ui.col.kpi", lang)),
            alt.Tooltip("district_label:N", title=t("ui.col.district", lang)),
            alt.Tooltip("status_label:N", title=t("ui.col.status", lang)),
            alt.Tooltip("completion_full:N", title=t("ui.col.completion", lang)),
            alt.Tooltip("gap_text:N", title=t("ui.col.gap", lang)),
        ],
    )
    cells = base.mark_rect(stroke="#ffffff", strokeWidth=2).encode(
        color=_status_color(lang, alt.Legend(title=None, orient="bottom"))
    )
    text = base.mark_text(fontSize=13).encode(
        text="cell:N", color=alt.Color("text_color:N", scale=None, legend=None)
    )
    return alt.layer(cells, text).properties(width="container", height=alt.Step(ROW_STEP))


def ranking_chart(
    ranking: pd.DataFrame, district_labels: Mapping[str, str], lang: str = "zh"
) -> alt.LayerChart:
    """The districts by composite score, best at the top, with rank and movement as text.

    ``ranking`` has ``district``, ``score``, ``rank`` and ``movement`` (places gained since
    the previous month; positive is up, None for a district not ranked then).
    """
    data = ranking.sort_values("rank").copy()
    data["label"] = [
        f"{int(rank)}. {district_labels.get(d, d)}"
        for rank, d in zip(data["rank"], data["district"], strict=True)
    ]
    data["score_text"] = data["score"].map(lambda s: format_number(s, 1))
    data["movement_text"] = data["movement"].map(lambda m: movement_text(m, lang))
    data["bar_text"] = data["score_text"] + "  " + data["movement_text"]
    data = data[["label", "score", "bar_text", "score_text", "movement_text"]]
    order = list(data["label"])
    top = data["score"].max()
    top = float(top) if not is_missing(top) and top > 0 else 1.0
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=240, grid=False)),
        x=alt.X(
            "score:Q",
            title=t("ui.axis.score", lang),
            axis=alt.Axis(grid=False, labels=False),
            # Room to the right of the longest bar for its score and movement text.
            scale=alt.Scale(domain=[0, top * 1.4], nice=False),
        ),
        tooltip=[
            alt.Tooltip("label:N", title=t("ui.col.district", lang)),
            alt.Tooltip("score_text:N", title=t("ui.col.score", lang)),
            alt.Tooltip("movement_text:N", title=t("ui.col.movement", lang)),
        ],
    )
    bars = base.mark_bar(color=theme.SERIES_COLOR, height={"band": 0.7})
    text = base.mark_text(align="left", dx=6).encode(text="bar_text:N")
    return alt.layer(bars, text).properties(width="container", height=alt.Step(ROW_STEP))


def profile_chart(
    profile: pd.DataFrame, expected: float | None, lang: str = "zh"
) -> alt.LayerChart:
    """One scope's completion per KPI against 序时进度, coloured and labelled by status.

    ``profile`` has ``kpi`` (display name), ``completion`` (fraction or None) and ``status``.
    Bars stop at 150% (the label gives the figure); a dashed rule marks ``expected``.
    """
    data = _status_columns(profile.copy(), lang)
    data["shown"] = data["completion"].map(
        lambda c: min(float(c), COMPLETION_AXIS_MAX) * 100 if not is_missing(c) else 0.0
    )
    data["bar_text"] = [
        f"{symbol} {format_percent(c, lang) if not is_missing(c) else label}"
        for symbol, c, label in zip(
            data["symbol"], data["completion"], data["status_label"], strict=True
        )
    ]
    data = data[["kpi", "shown", "bar_text", "status_label"]]
    order = list(data["kpi"])
    base = alt.Chart(data).encode(
        y=alt.Y("kpi:N", sort=order, title=None, axis=alt.Axis(labelLimit=240, grid=False)),
        x=alt.X(
            "shown:Q",
            title=t("ui.axis.completion", lang),
            scale=alt.Scale(domain=[0, COMPLETION_AXIS_MAX * 100]),
            axis=alt.Axis(format=".0f", labelExpr="datum.label + '%'", values=[0, 50, 100, 150]),
        ),
        tooltip=[
            alt.Tooltip("kpi:N", title=t("ui.col.kpi", lang)),
            alt.Tooltip("bar_text:N", title=t("ui.col.completion", lang)),
        ],
    )
    bars = base.mark_bar(height={"band": 0.7}).encode(
        color=_status_color(lang, alt.Legend(title=None, orient="bottom"))
    )
    text = base.mark_text(align="left", dx=6).encode(text="bar_text:N")
    layers: list[alt.Chart] = [bars, text]
    if expected is not None:
        rule_data = pd.DataFrame(
            {
                "shown": [expected * 100],
                "rule_text": [
                    t("ui.chart.expected_rule", lang, value=format_percent(expected, lang))
                ],
            }
        )
        rule = alt.Chart(rule_data).encode(
            x="shown:Q", tooltip=alt.Tooltip("rule_text:N", title=t("ui.axis.value", lang))
        )
        layers.append(rule.mark_rule(color=theme.TEXT_COLOR, strokeDash=[6, 4], strokeWidth=2))
    return alt.layer(*layers).properties(width="container", height=alt.Step(ROW_STEP))
