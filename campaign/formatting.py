"""Numbers and dates as the dashboard shows them, in Chinese (default) or English.

Chinese readers expect amounts in the unit the KPI is kept in (亿元 or 万元), thousands
separators, percentages with one decimal and dates as 2022年9月30日. English readers get
the same figures with the unit translated: 1 亿元 = CNY 100 million, so an amount in 亿元
reads as billions and one in 万元 as millions, with the digits that carry the same precision.

Every function takes ``lang`` ("zh" or "en") and returns a display string; ``None`` and NaN
become a dash, never "nan".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from campaign.i18n import CATALOG, normalise_language, t
from campaign.model import KpiResult

DASH = "—"
# Units of things counted one by one: their figures (projections and monthly needs too)
# are whole numbers — 11个, not 10.7个.
COUNT_UNITS: frozenset[str] = frozenset(
    {"家", "户", "个", "人", "人次", "场", "次", "件", "项", "家次", "期"}
)

# Amount units: decimals of the Chinese figure; factor and decimals of the English figure.
# 1 亿元 = 0.1 bn yuan; 1 万元 = 0.01 m yuan. The words come from the catalog
# (``ui.unit.<unit>`` is "{value}" with the unit, ``ui.unit_label.<unit>`` the unit alone).
_AMOUNT_UNITS: dict[str, tuple[int, float, int]] = {
    "亿元": (2, 0.1, 3),
    "万元": (1, 0.01, 3),
}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def is_missing(value: object) -> bool:
    """True for None, NaN and pandas' NA/NaT (anything that is not a figure)."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT and pd.NA are not equal to themselves
    except (TypeError, ValueError):
        return True


def _rounded(number: float, decimals: int) -> Decimal:
    """Round half away from zero on the decimal digits people see (3.25 → 3.3, not 3.2).

    The float is first cut to 9 decimals so binary noise (1.2345 × 100 = 123.44999…) does
    not decide the rounding.
    """
    return Decimal(repr(round(number, 9))).quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP
    )


def round_half_up(number: float, decimals: int) -> float:
    """``number`` rounded as the text shows it (:func:`_rounded`), as a float: the Excel
    workbook stores this, so its cells show the same digits as every other surface."""
    return float(_rounded(number, decimals))


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """``1234567.8`` → ``"1,234,568"``; the same in both languages. Negatives get a real minus."""
    if is_missing(value):
        return DASH
    rounded = _rounded(float(value), decimals)  # type: ignore[arg-type]
    text = f"{abs(rounded):,.{decimals}f}"
    return f"−{text}" if rounded < 0 else text


def _signed(number: float, decimals: int) -> str:
    rounded = _rounded(number, decimals)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
    return f"{sign}{abs(rounded):,.{decimals}f}"


def format_value(value: float | int | None, unit: str, lang: str = "zh") -> str:
    """A KPI figure with its unit: ``12.35亿元`` / ``CNY 1.235 bn``, ``1,234家`` / ``1,234 firms``.

    ``unit`` is the KPI's unit as its SQL header gives it. A unit "%" means the value is a
    fraction (0.5 → 50.0%). A count (:data:`COUNT_UNITS`) is a whole number: a projection
    of 10.7 projects reads 11个. An unknown unit is shown as the bare number in English, so no
    Chinese leaks into the English screens.
    """
    lang = normalise_language(lang)
    if is_missing(value):
        return DASH
    number = float(value)  # type: ignore[arg-type]
    if unit == "%":
        return format_percent(number, lang)
    if unit in _AMOUNT_UNITS:
        zh_decimals, en_factor, en_decimals = _AMOUNT_UNITS[unit]
        if lang == "zh":
            figure = format_number(number, zh_decimals)
        else:
            figure = format_number(number * en_factor, en_decimals)
    elif unit in COUNT_UNITS:
        figure = format_number(number, 0)
    else:
        figure = format_number(number, 0 if number.is_integer() else 1)
    key = f"ui.unit.{unit}"
    if key in CATALOG:
        return t(key, lang, value=figure)
    # A unit the catalog does not know: Chinese shows it as written, English the bare number.
    return f"{figure}{unit}" if lang == "zh" else figure


def unit_label(unit: str, lang: str = "zh") -> str:
    """The unit alone, for axis titles: ``亿元`` / ``CNY bn``."""
    lang = normalise_language(lang)
    key = f"ui.unit_label.{unit}"
    if key in CATALOG:
        return t(key, lang)
    return unit if lang == "zh" else ""


def display_scale(unit: str, lang: str = "zh") -> float:
    """The factor that turns a value in ``unit`` into the figure :func:`format_value` shows.

    Charts plot ``value * display_scale`` so their axes agree with the cards.
    """
    if unit == "%":
        return 100.0
    if normalise_language(lang) == "en" and unit in _AMOUNT_UNITS:
        return _AMOUNT_UNITS[unit][1]
    return 1.0


def format_percent(fraction: float | None, lang: str = "zh", decimals: int = 1) -> str:
    """A fraction as a percentage with one decimal: ``0.75`` → ``75.0%``."""
    if is_missing(fraction):
        return DASH
    return f"{format_number(float(fraction) * 100, decimals)}%"  # type: ignore[arg-type]


def format_pp(points: float | None, lang: str = "zh") -> str:
    """A gap in percentage points, always signed: ``+3.2个百分点`` / ``+3.2 pp``."""
    if is_missing(points):
        return DASH
    return t("ui.fmt.pp", lang, value=_signed(float(points), 1))  # type: ignore[arg-type]


def format_signed_percent(fraction: float | None, lang: str = "zh") -> str:
    """A change such as 同比 as a signed percentage: ``0.123`` → ``+12.3%``."""
    if is_missing(fraction):
        return DASH
    return f"{_signed(float(fraction) * 100, 1)}%"  # type: ignore[arg-type]


def _as_date(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def format_month(value: date | datetime | str | None, lang: str = "zh") -> str:
    """``2022年9月`` / ``Sep 2022``."""
    if is_missing(value):
        return DASH
    day = _as_date(value)  # type: ignore[arg-type]
    if normalise_language(lang) == "en":
        return f"{_MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月"


def format_month_short(month: int, lang: str = "zh") -> str:
    """A month of the year without the year, for chart axes: ``9月`` / ``Sep``."""
    return _MONTHS_EN[month - 1] if normalise_language(lang) == "en" else f"{month}月"


def format_date(value: date | datetime | str | None, lang: str = "zh") -> str:
    """``2022年9月30日`` / ``30 Sep 2022``."""
    if is_missing(value):
        return DASH
    day = _as_date(value)  # type: ignore[arg-type]
    if normalise_language(lang) == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


def format_datetime(value: datetime | None, lang: str = "zh") -> str:
    """``2022年10月8日 14:05`` / ``8 Oct 2022 14:05``."""
    if is_missing(value):
        return DASH
    return f"{format_date(value, lang)} {value:%H:%M}"  # type: ignore[union-attr]


# The figures of a KPI every surface shows, in this order (the keys of kpi_figures).
FIGURE_FIELDS: tuple[str, ...] = (
    "actual",
    "target",
    "completion",
    "expected",
    "gap",
    "last_year",
    "yoy",
    "projection",
    "needed",
)


def kpi_figures(result: KpiResult, lang: str = "zh") -> dict[str, str]:
    """A KPI's figures as every surface writes them: the pages, the CLI, the PDF, the Excel
    workbook and the slides all take their text from here, so 106.3% in one is 106.3% in
    all.  Keys: :data:`FIGURE_FIELDS`, plus ``status`` (the label) and ``reported_through``
    (the date the extracts stop at, when that is before the as-of date, else "")."""
    unit = result.kpi.unit
    return {
        "actual": format_value(result.actual, unit, lang),
        "target": format_value(result.target, unit, lang),
        "completion": format_percent(result.completion, lang),
        "expected": format_percent(result.expected, lang),
        "gap": format_pp(result.gap_pp, lang),
        "last_year": format_value(result.last_year, unit, lang),
        "yoy": format_signed_percent(result.yoy, lang),
        "projection": format_value(result.projection, unit, lang),
        "needed": format_value(result.needed_per_month, unit, lang),
        "status": t(f"ui.status.{result.status}", lang),
        "reported_through": format_date(result.reported_through, lang)
        if result.not_reported and result.reported_through is not None
        else "",
    }


def not_reported_notice(results: Iterable[KpiResult], lang: str = "zh") -> str | None:
    """The warning for KPIs whose extracts stop before the as-of date (one sentence per
    reported-to date), or None when every KPI is reported to it.  The page header, the CLI
    and the meeting pack all say it in these words."""
    by_date: dict[date | None, list[str]] = {}
    for result in results:
        if result.not_reported:
            by_date.setdefault(result.reported_through, []).append(result.kpi.name(lang))
    if not by_date:
        return None
    separator = "、" if normalise_language(lang) == "zh" else ", "
    parts = []
    for through, names in sorted(by_date.items(), key=lambda item: item[0] or date.min):
        key = "ui.notice.not_reported" if through else "ui.notice.not_reported_at_all"
        parts.append(t(key, lang, kpis=separator.join(names), date=format_date(through, lang)))
    joiner = "" if normalise_language(lang) == "zh" else " "
    return joiner.join([*parts, t("ui.notice.not_reported_rule", lang)])
