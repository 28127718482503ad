"""The one look of the dashboard: the status palette and the Altair theme every chart uses.

The status palette is the only place where a status gets its colour. It follows the
Okabe–Ito palette, which viewers with the common colour-vision deficiencies can tell apart,
and every status also has a shape (for chart marks) and a symbol (for text), so the
status is never carried by colour alone. The theme is built for a projector in a meeting
room: large type, a CJK-capable font stack, no chart junk (no frame, no ticks, faint grid).
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt

from campaign.i18n import t

# The fonts a Chinese reader's machine is likely to have, best first; the browser picks the
# first it finds. Noto Sans CJK SC is what the Debian servers and CI install.
FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
    '"Hiragino Sans GB", "WenQuanYi Micro Hei", sans-serif'
)

THEME_NAME = "campaign"

# Type sizes in px: readable from the back of a meeting room on a projected 1366×768 screen.
FONT_SIZE_LABEL = 14
FONT_SIZE_TITLE = 16

TEXT_COLOR = "#1f2328"
MUTED_COLOR = "#5f6b76"
GRID_COLOR = "#e6e9ec"

# The two series colours of comparison charts (this year / last year, actual / target).
SERIES_COLOR = "#0072B2"
REFERENCE_COLOR = "#5f6b76"
LAST_YEAR_COLOR = "#a9b4be"
PROJECTION_COLOR = "#CC79A7"


@dataclass(frozen=True)
class StatusStyle:
    """How one status looks: fill colour, the text colour that reads on it, shape, symbol."""

    status: str
    color: str
    text_color: str
    shape: str  # a Vega-Lite point shape
    symbol: str  # the same shape as a character, for text and tables

    def label(self, lang: str = "zh") -> str:
        return t(f"ui.status.{self.status}", lang)

    def tag(self, lang: str = "zh") -> str:
        """Symbol and word together, e.g. ``▼ 滞后``: the status without relying on colour."""
        return f"{self.symbol} {self.label(lang)}"


# Okabe–Ito: blue, bluish green, orange, vermillion; greys for "no figure".
# Text colours are chosen for a contrast ratio of at least 4.5:1 on the fill.
STATUS_STYLES: dict[str, StatusStyle] = {
    "completed": StatusStyle("completed", "#0072B2", "#ffffff", "diamond", "◆"),
    "ahead": StatusStyle("ahead", "#009E73", "#000000", "triangle-up", "▲"),
    "lagging": StatusStyle("lagging", "#E69F00", "#000000", "triangle-down", "▼"),
    "critical": StatusStyle("critical", "#D55E00", "#000000", "cross", "✖"),
    "no_target": StatusStyle("no_target", "#BBBBBB", "#000000", "circle", "○"),
    "no_data": StatusStyle("no_data", "#EEEEEE", "#000000", "square", "–"),
    # Light purple: "not reported yet" is neither good nor bad news.
    "not_reported": StatusStyle("not_reported", "#D9D2E9", "#000000", "triangle-right", "▷"),
}
# The four statuses that the overview counts, in the order it shows them.
RATED_STATUSES: tuple[str, ...] = ("completed", "ahead", "lagging", "critical")


def status_style(status: str | None) -> StatusStyle:
    """The style of ``status``; anything unknown looks like "no data"."""
    return STATUS_STYLES.get(status or "no_data", STATUS_STYLES["no_data"])


def status_scale(lang: str = "zh", field_labels: bool = True) -> alt.Scale:
    """A colour scale over the translated status labels (or the status ids)."""
    statuses = list(STATUS_STYLES)
    domain = [STATUS_STYLES[s].label(lang) for s in statuses] if field_labels else statuses
    return alt.Scale(domain=domain, range=[STATUS_STYLES[s].color for s in statuses])


def theme_config() -> alt.theme.ThemeConfig:
    """The Altair theme: fonts, sizes and a quiet frame."""
    label = {"labelFont": FONT_STACK, "labelFontSize": FONT_SIZE_LABEL, "labelColor": TEXT_COLOR}
    title = {"titleFont": FONT_STACK, "titleFontSize": FONT_SIZE_LABEL, "titleColor": MUTED_COLOR}
    return alt.theme.ThemeConfig(
        config={
            "font": FONT_STACK,
            "background": "#ffffff",
            "padding": 8,
            "view": {"stroke": None, "continuousWidth": 600, "continuousHeight": 320},
            "title": {
                "font": FONT_STACK,
                "fontSize": FONT_SIZE_TITLE,
                "fontWeight": "bold",
                "color": TEXT_COLOR,
                "anchor": "start",
            },
            "axis": {
                **label,
                **title,
                "titleFontWeight": "normal",
                "domain": False,
                "ticks": False,
                "grid": True,
                "gridColor": GRID_COLOR,
                "labelPadding": 6,
            },
            "axisX": {"grid": False, "domain": True, "domainColor": GRID_COLOR},
            # The unit sits level above the value axis: Chinese turned on its side is hard
            # to read from across a room.
            "axisY": {
                "titleAngle": 0,
                "titleAlign": "left",
                "titleAnchor": "end",
                "titleBaseline": "bottom",
                "titleX": 0,
                "titleY": -10,
            },
            "axisBand": {"grid": False},
            "legend": {
                **label,
                **title,
                "orient": "top",
                "titleFontWeight": "normal",
                "symbolSize": 160,
                "labelLimit": 320,
            },
            "header": {
                "labelFont": FONT_STACK,
                "labelFontSize": FONT_SIZE_LABEL,
                "titleFont": FONT_STACK,
                "titleFontSize": FONT_SIZE_LABEL,
            },
            "text": {"font": FONT_STACK, "fontSize": FONT_SIZE_LABEL, "color": TEXT_COLOR},
            "line": {"strokeWidth": 3},
            "point": {"size": 90, "filled": True},
            "bar": {"cornerRadiusEnd": 2},
            "range": {
                "category": [SERIES_COLOR, LAST_YEAR_COLOR, PROJECTION_COLOR, REFERENCE_COLOR]
            },
        }
    )


def enable() -> None:
    """Register the theme and make it the active one (idempotent; Altair's theme is global)."""
    if THEME_NAME not in alt.theme.names():
        alt.theme.register(THEME_NAME, enable=False)(theme_config)
    if alt.theme.active != THEME_NAME:
        alt.theme.enable(THEME_NAME)
