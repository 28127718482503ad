"""The dashboard's view (language, year, as-of month, scope, KPI) and its URL form.

A link pasted into a chat must open exactly the same view on another machine, so the view
lives in the query string: ``?lang=en&year=2022&month=9&scope=shinan&kpi=financing_amount``.
Every value is written explicitly (not only when it differs from the default), because the
default as-of month moves forward when new data arrives and the link must not move with it.

Reading a query string never fails: a value that is missing falls back to the default
silently; a value that is present but unknown falls back to the default with a
:class:`Notice` the page shows. No Streamlit here; ``dashboard.py`` does the wiring.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from campaign.contracts import CITY, DISTRICTS, district_lookup
from campaign.i18n import DEFAULT_LANGUAGE, LANGUAGES
from campaign.model import Filters

# ASCII codes for the scopes in URLs: links survive chat apps that mangle or re-encode
# Chinese characters. Chinese names (and their usual aliases) are accepted too.
SCOPE_CODES: dict[str, str] = {
    CITY: "city",
    "市南区": "shinan",
    "市北区": "shibei",
    "李沧区": "licang",
    "崂山区": "laoshan",
    "西海岸新区": "xihaian",
    "城阳区": "chengyang",
    "即墨区": "jimo",
    "胶州市": "jiaozhou",
    "平度市": "pingdu",
    "莱西市": "laixi",
    "市直": "shizhi",
}
_SCOPE_BY_CODE: dict[str, str] = {code: name for name, code in SCOPE_CODES.items()}

PARAM_LANG = "lang"
PARAM_YEAR = "year"
PARAM_MONTH = "month"
PARAM_SCOPE = "scope"
PARAM_KPI = "kpi"


@dataclass(frozen=True)
class Notice:
    """Something the user should know about their link: a catalog key and its parameters."""

    key: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ViewOptions:
    """What the data allows: the years, the last month selectable in each, districts, KPIs."""

    default: Filters
    # year → the last month that can be chosen (12 for complete years).
    months_by_year: dict[int, int]
    kpi_ids: tuple[str, ...]
    districts: tuple[str, ...] = DISTRICTS

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(self.months_by_year, reverse=True))

    def months(self, year: int) -> tuple[int, ...]:
        return tuple(range(1, self.months_by_year.get(year, 12) + 1))

    @property
    def default_kpi(self) -> str | None:
        return self.kpi_ids[0] if self.kpi_ids else None


@dataclass(frozen=True)
class View:
    """One view of the dashboard; ``district`` None is the whole city (全市)."""

    lang: str
    year: int
    month: int
    district: str | None
    kpi: str | None

    @property
    def as_of(self) -> date:
        """The as-of date: the last day of the chosen month."""
        return month_end(self.year, self.month)

    @property
    def scope(self) -> str:
        return self.district or CITY


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def default_view(options: ViewOptions, lang: str = DEFAULT_LANGUAGE) -> View:
    default = options.default
    return View(lang, default.year, default.as_of.month, default.district, options.default_kpi)


def options_for(
    default: Filters, first_year: int, kpi_ids: Sequence[str], districts: Sequence[str] = DISTRICTS
) -> ViewOptions:
    """Years from ``first_year`` to the default year; the default year ends at its as-of month."""
    months = {year: 12 for year in range(first_year, default.year)}
    months[default.year] = default.as_of.month
    return ViewOptions(default, months, tuple(kpi_ids), tuple(districts))


def _single(params: Mapping[str, object], name: str) -> str | None:
    """One value of a query parameter (the last one if repeated), stripped; None if absent."""
    value = params.get(name)
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    if value is None:
        return None
    return str(value).strip()


def parse_scope(value: str, districts: Sequence[str] = DISTRICTS) -> str | bool | None:
    """A scope from a URL: a district name, None for the city, False when unknown."""
    name = _SCOPE_BY_CODE.get(value.lower()) or district_lookup().get(value) or value
    if name == CITY:
        return None
    return name if name in districts else False


def parse_view(params: Mapping[str, object], options: ViewOptions) -> tuple[View, list[Notice]]:
    """The view a query string asks for, and a notice for each value that had to fall back."""
    view = default_view(options)
    notices: list[Notice] = []

    lang = _single(params, PARAM_LANG)
    if lang:
        if lang.lower() in LANGUAGES:
            view = replace(view, lang=lang.lower())
        else:
            notices.append(Notice("ui.notice.unknown_lang", {"value": lang}))

    year_text = _single(params, PARAM_YEAR)
    year_ok = True
    if year_text:
        year = int(year_text) if year_text.isdigit() else None
        if year in options.months_by_year:
            if year != view.year:
                # Another year opens at its last selectable month unless the link says otherwise.
                view = replace(view, year=year, month=options.months_by_year[year])
        else:
            year_ok = False
            notices.append(
                Notice("ui.notice.unknown_year", {"value": year_text, "year": str(view.year)})
            )

    month_text = _single(params, PARAM_MONTH)
    if month_text and year_ok:
        month = _parse_month(month_text, view.year)
        if month is not None and month in options.months(view.year):
            view = replace(view, month=month)
        else:
            notices.append(
                Notice(
                    "ui.notice.unknown_month",
                    {"value": month_text, "year": str(view.year), "month": str(view.month)},
                )
            )

    scope_text = _single(params, PARAM_SCOPE)
    if scope_text:
        scope = parse_scope(scope_text, options.districts)
        if scope is False:
            notices.append(Notice("ui.notice.unknown_scope", {"value": scope_text}))
        else:
            view = replace(view, district=scope or None)

    kpi = _single(params, PARAM_KPI)
    if kpi:
        if kpi in options.kpi_ids:
            view = replace(view, kpi=kpi)
        else:
            notices.append(Notice("ui.notice.unknown_kpi", {"value": kpi}))
    return view, notices


def _parse_month(text: str, year: int) -> int | None:
    """``9``, ``09`` or ``2022-09`` (the year part must match) → 9."""
    if text.isdigit():
        return int(text)
    head, _, tail = text.partition("-")
    if head.isdigit() and tail.isdigit() and int(head) == year:
        return int(tail)
    return None


def clamp_view(view: View, options: ViewOptions) -> View:
    """The nearest valid view: used after a widget change (e.g. a year with fewer months)."""
    year = view.year if view.year in options.months_by_year else options.default.year
    month = min(max(view.month, 1), options.months_by_year[year])
    district = view.district if view.district in options.districts else None
    kpi = view.kpi if view.kpi in options.kpi_ids else options.default_kpi
    lang = view.lang if view.lang in LANGUAGES else DEFAULT_LANGUAGE
    return View(lang, year, month, district, kpi)


def view_query(view: View, with_kpi: bool = False) -> dict[str, str]:
    """The query parameters of a view; the KPI only where the page shows one KPI."""
    query = {
        PARAM_LANG: view.lang,
        PARAM_YEAR: str(view.year),
        PARAM_MONTH: str(view.month),
        PARAM_SCOPE: SCOPE_CODES.get(view.scope, view.scope),
    }
    if with_kpi and view.kpi:
        query[PARAM_KPI] = view.kpi
    return query


def normalise_query(params: Mapping[str, object]) -> dict[str, str]:
    """Query parameters as a plain ``{name: last value}`` dict, for comparing two URLs."""
    return {name: _single(params, name) or "" for name in params}


def url_decides(current: Mapping[str, object], last_written: Mapping[str, str] | None) -> bool:
    """Whether the URL, not the widgets, sets the view on this run.

    On a session's first run the URL decides (a deep link). Later, the app writes the view
    into the URL after every run; a URL that differs from what it wrote was changed from
    outside (a link on a page, the browser's back button) and decides again. An empty query
    string means the user switched pages in the sidebar, which clears it: the widgets keep
    the view.
    """
    if last_written is None:
        return True
    current = normalise_query(current)
    return bool(current) and current != dict(last_written)


def to_filters(view: View) -> Filters:
    """The engine's filters for a view."""
    return Filters(year=view.year, as_of=view.as_of, district=view.district)
