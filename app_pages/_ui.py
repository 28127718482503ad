"""Streamlit glue shared by ``dashboard.py`` and the page scripts.

What lives here is only what needs Streamlit: the engine cache, the sync between the URL,
the session and the sidebar widgets, the header, and a few layout helpers. The decisions
(what a link means, what a card shows, how a table sorts) are in ``campaign``.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import _staff
from campaign import app_state, charts, views
from campaign.app_state import Notice, View, ViewOptions
from campaign.contracts import CITY
from campaign.formatting import format_datetime, format_month
from campaign.i18n import t
from campaign.kpi import KpiEngine
from campaign.kpi.targets import load_targets
from campaign.model import Filters, KpiDefinition, Scorecard
from campaign.storage import BUILD_DIR_NAME, Dataset, last_reported

ROOT = Path(__file__).resolve().parent.parent
# The browser tab's icon, shipped: a ``:material/...:`` favicon is fetched from a font host
# on the internet, which the intranet cannot reach.
FAVICON = Path(__file__).resolve().parent / "favicon.svg"
log = logging.getLogger("campaign.dashboard")

# Session keys: the view (the truth), what was last written to the URL, and the widgets.
VIEW_KEY = "view"
WRITTEN_KEY = "view_written"
CONTEXT_KEY = "page_context"
WIDGET_KEYS = {
    "lang": "w_lang",
    "year": "w_year",
    "month": "w_month",
    "district": "w_scope",
    "kpi": "w_kpi",
}


def data_paths() -> tuple[Path, Path]:
    """The data and queries folders: CAMPAIGN_DATA / CAMPAIGN_QUERIES, else the repo's own."""
    return _resolved_paths(
        os.environ.get("CAMPAIGN_DATA") or "data", os.environ.get("CAMPAIGN_QUERIES") or "queries"
    )


@functools.lru_cache(maxsize=8)
def _resolved_paths(data: str, queries: str) -> tuple[Path, Path]:
    return (ROOT / data).resolve(), (ROOT / queries).resolve()


# How often a server process looks at the files (extracts, queries, targets) for changes:
# every viewer's rerun within this many seconds shares one look. What this process changes
# itself (an upload, a KPI edit) is seen at once: those pages call ``engine.recheck()``.
FILES_RECHECK_SECONDS = 2.0


@st.cache_resource(show_spinner=False)
def engine_for(data_dir: str, queries_dir: str) -> KpiEngine:
    """One engine per data folder, shared by every session (it caches its own results)."""
    return KpiEngine(Path(data_dir), Path(queries_dir), recheck_seconds=FILES_RECHECK_SECONDS)


@st.cache_data(show_spinner=False, max_entries=16)
def reported_months(data_dir: str, fingerprint: str, _dataset: Dataset) -> pd.DataFrame:
    """The last month each district reported each kind; recomputed when the data changes
    (the folder and fingerprint are the cache key; ``_dataset`` is the one they name)."""
    return last_reported(_dataset)


@dataclass(frozen=True)
class PageContext:
    """Everything a page script needs, prepared by ``dashboard.py`` on every run."""

    view: View
    options: ViewOptions
    engine: KpiEngine
    dataset: Dataset
    definitions: tuple[KpiDefinition, ...]
    scorecard: Scorecard
    pages: dict[str, st.Page]

    @property
    def lang(self) -> str:
        return self.view.lang

    @property
    def filters(self) -> Filters:
        return self.scorecard.filters

    def t(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def link(self, **changes: object) -> dict[str, str]:
        """Query parameters of this view with ``changes`` (e.g. ``kpi=...``)."""
        view = replace(self.view, **changes)
        return app_state.view_query(view, with_kpi=view.kpi is not None)

    def definition(self, kpi_id: str | None) -> KpiDefinition | None:
        return next((d for d in self.definitions if d.id == kpi_id), None)


def context() -> PageContext:
    """The context the frame prepared for this run (each page script starts with this).

    ``dashboard.py`` runs the frame before every page. (The page scripts are in
    ``app_pages/``, not ``pages/``: a ``pages/`` folder beside ``dashboard.py`` would make
    Streamlit run a deep-linked page without ``dashboard.py`` on a fresh server's first run;
    tests/test_streamlit_contract.py.)
    """
    return st.session_state[CONTEXT_KEY]


def build_pages(lang: str) -> dict[str, st.Page]:
    """The four pages, titled in the reader's language; the overview is the default."""
    return {
        "overview": st.Page(
            "app_pages/overview.py",
            title=t("ui.page.overview", lang),
            icon=":material/dashboard:",
            url_path="overview",
            default=True,
        ),
        "kpi": st.Page(
            "app_pages/kpi.py",
            title=t("ui.page.kpi", lang),
            icon=":material/query_stats:",
            url_path="kpi",
        ),
        "districts": st.Page(
            "app_pages/districts.py",
            title=t("ui.page.districts", lang),
            icon=":material/leaderboard:",
            url_path="districts",
        ),
        "data": st.Page(
            "app_pages/data_status.py",
            title=t("ui.page.data", lang),
            icon=":material/fact_check:",
            url_path="data",
        ),
        "present": st.Page(
            "app_pages/present.py",
            title=t("brief.present.page", lang),
            icon=":material/co_present:",
            url_path="present",
        ),
    }


PAGES_KEY = "pages"


def session_pages(lang: str) -> dict[str, st.Page]:
    """The pages this session's user may open, titled in ``lang``.

    Made once per session, language and user, not on every run (each ``st.Page`` looks its
    script up on disk). Not shared between sessions: Streamlit marks the page a session's
    navigation chose on the object itself.
    """
    key = (lang, _staff.current_user())
    made = st.session_state.get(PAGES_KEY)
    if made is None or made[0] != key:
        made = (key, _staff.allowed_pages(build_pages(lang), lang))
        st.session_state[PAGES_KEY] = made
    return made[1]


# Which navigation section each page sits in: the dashboard first, then the meeting view and
# the staff workbench (so nine pages fit a 1366-pixel top bar).
NAV_SECTIONS: dict[str, tuple[str, ...]] = {
    "ui.nav.dashboard": ("overview", "kpi", "districts", "data"),
    "ui.nav.meeting": ("present",),
    "ui.nav.staff": ("lab", "edit", "upload", "users"),
}


def navigation_sections(pages: dict[str, st.Page], lang: str) -> dict[str, list[st.Page]]:
    """The pages grouped under their section titles; empty sections left out."""
    sections: dict[str, list[st.Page]] = {}
    for title_key, keys in NAV_SECTIONS.items():
        members = [pages[key] for key in keys if key in pages]
        if members:
            sections[t(title_key, lang)] = members
    return sections


def frame() -> st.Page:
    """Everything around a page; returns the page to run.

    Opens the engine, reads the view from the URL or the session, declares the navigation,
    draws the sidebar filters, writes the view back into the URL (so a copied link
    reproduces it), asks the engine for the scorecard and draws the header.
    """
    st.set_page_config(
        page_title=t("ui.app.title"),
        page_icon=str(FAVICON),
        layout="wide",
        initial_sidebar_state="expanded",
    )
    st.html(views.PAGE_CSS)
    _staff.gate()  # the login: nothing below runs for anyone not let in
    data_dir, queries_dir = data_paths()
    try:
        engine = engine_for(str(data_dir), str(queries_dir))
        dataset = engine.database()
        assert isinstance(dataset, Dataset)
        definitions = tuple(engine.definitions())
        options = view_options(engine, definitions)
    except Exception as exc:  # no engine, no pages: say what is wrong, not a traceback
        log.exception("cannot open the data folder")
        st.error(t("ui.error.no_engine", path=str(data_dir)), icon=":material/error:")
        with st.expander(t("ui.error.details")):
            st.html(views.code_html(f"{type(exc).__name__}: {exc}"))
        st.stop()

    view, notices = sync_view(options)
    view, notices = _staff.limit_view(view, notices)  # a district user's own district
    st.set_page_config(page_title=t("ui.app.title", view.lang))  # the browser tab, translated
    pages = session_pages(view.lang)  # the role's pages
    page = st.navigation(navigation_sections(pages, view.lang), position="top")
    sidebar(view, options)
    write_query(view, with_kpi=page.url_path == pages["kpi"].url_path)

    try:
        filters = engine.resolve(year=view.year, as_of=view.as_of, district=view.district)
        scorecard = engine.scorecard(filters)
    except Exception as exc:  # broken KPIs are in the scorecard; this is anything else
        log.exception("cannot compute the scorecard")
        st.error(t("ui.error.page", view.lang), icon=":material/error:")
        with st.expander(t("ui.error.details", view.lang)):
            st.html(views.code_html(f"{type(exc).__name__}: {exc}"))
        st.stop()
    ctx = PageContext(
        view=view,
        options=options,
        engine=engine,
        dataset=dataset,
        definitions=definitions,
        scorecard=scorecard,
        pages=pages,
    )
    st.session_state[CONTEXT_KEY] = ctx
    header(ctx, page.title, notices)
    return page


@st.cache_data(show_spinner=False, max_entries=8)
def target_years(targets_path: str, stamp: tuple[int, int] | None) -> tuple[int, ...]:
    """The years targets.csv sets targets for (``stamp`` = mtime and size, so edits count)."""
    if stamp is None:
        return ()
    return tuple(sorted({year for _, year, _ in load_targets(Path(targets_path)).values}))


def view_options(engine: KpiEngine, definitions: tuple[KpiDefinition, ...]) -> ViewOptions:
    """What the sidebar offers: the years with targets up to the data's year, its months."""
    default = engine.default_filters()
    path = Path(engine.targets_path)
    stat = path.stat() if path.exists() else None
    years = target_years(str(path), (stat.st_mtime_ns, stat.st_size) if stat else None)
    first_year = min([y for y in years if y <= default.year], default=default.year)
    return app_state.options_for(
        default, first_year=first_year, kpi_ids=[d.id for d in definitions]
    )


# ---------------------------------------------------------------- URL ↔ session ↔ widgets


def sync_view(options: ViewOptions) -> tuple[View, list[Notice]]:
    """The view for this run: from the URL when it decides (a link), else from the session.

    Afterwards the widgets' session keys hold the view, so the sidebar shows it.
    """
    state = st.session_state
    query = st.query_params.to_dict()
    notices: list[Notice] = []
    if app_state.url_decides(query, state.get(WRITTEN_KEY)):
        view, notices = app_state.parse_view(query, options)
        if app_state.PARAM_KPI not in query and VIEW_KEY in state:
            view = replace(view, kpi=state[VIEW_KEY].kpi)  # a link without a KPI keeps ours
    else:
        view = state.get(VIEW_KEY) or app_state.default_view(options)
    view = app_state.clamp_view(view, options)
    state[VIEW_KEY] = view
    for field, key in WIDGET_KEYS.items():
        value = getattr(view, field)
        state[key] = CITY if field == "district" and value is None else value
    return view, notices


def _widget_changed(field: str) -> None:
    value = st.session_state[WIDGET_KEYS[field]]
    if field == "district":
        value = None if value == CITY else value
    if value is None and field in ("lang", "year", "month", "kpi"):
        return  # a cleared widget keeps the view as it was
    st.session_state[VIEW_KEY] = replace(st.session_state[VIEW_KEY], **{field: value})


def write_query(view: View, with_kpi: bool) -> None:
    """Put the view in the address bar (only when it differs, to avoid needless updates)."""
    query = app_state.view_query(view, with_kpi=with_kpi)
    if app_state.normalise_query(st.query_params.to_dict()) != query:
        st.query_params.from_dict(query)
    st.session_state[WRITTEN_KEY] = query


def sidebar(view: View, options: ViewOptions) -> None:
    """The filters every page shares: language, year, as-of month, scope."""
    lang = view.lang
    with st.sidebar:
        st.markdown(f"### {t('ui.app.title', lang)}")
        st.segmented_control(
            t("ui.filter.language", lang),
            ["zh", "en"],
            format_func=lambda code: t(f"ui.lang.{code}", lang),
            key=WIDGET_KEYS["lang"],
            required=True,
            on_change=_widget_changed,
            args=("lang",),
        )
        st.selectbox(
            t("ui.filter.year", lang),
            options.years,
            format_func=lambda year: t("ui.year", lang, year=year),
            key=WIDGET_KEYS["year"],
            on_change=_widget_changed,
            args=("year",),
        )
        st.selectbox(
            t("ui.filter.month", lang),
            options.months(view.year),
            format_func=lambda month: format_month(date(view.year, month, 1), lang),
            key=WIDGET_KEYS["month"],
            on_change=_widget_changed,
            args=("month",),
        )
        st.selectbox(
            t("ui.filter.scope", lang),
            [CITY, *_staff.scopes(options.districts)],
            format_func=lambda scope: views.scope_label(scope, lang),
            key=WIDGET_KEYS["district"],
            on_change=_widget_changed,
            args=("district",),
        )
        st.caption(t("ui.filter.share", lang))
        _staff.badge(lang)  # 本地模式, or who is signed in


def kpi_selector(ctx: PageContext) -> str | None:
    """The KPI chooser of the detail page (its value is in the URL as ``kpi``)."""
    labels = views.kpi_options(ctx.definitions, ctx.lang)
    if not labels:
        return None
    return st.selectbox(
        ctx.t("ui.kpi.select"),
        list(labels),
        format_func=lambda kpi_id: labels.get(kpi_id, kpi_id),
        key=WIDGET_KEYS["kpi"],
        on_change=_widget_changed,
        args=("kpi",),
    )


# ---------------------------------------------------------------- header and helpers


def header(ctx: PageContext, title: str, notices: list[Notice]) -> None:
    """Title, as-of date, 序时进度, scope, freshness, and warnings every page shows."""
    lang = ctx.lang
    reported = reported_months(str(ctx.dataset.data_dir), ctx.dataset.fingerprint, ctx.dataset)
    top = views.header(
        ctx.scorecard,
        ctx.dataset.built_at,
        views.newest_month(reported),
        ctx.dataset.rows_excluded,
        ctx.dataset.build_error,
        lang,
    )
    st.header(title, anchor=False)
    facts = "".join(f"<span>{views.html.escape(f)}</span>" for f in top.facts)
    st.html(
        f'<div class="kh-facts">{facts}</div>'
        f'<div class="kh-fresh">{views.html.escape(top.freshness)}</div>'
    )
    for notice in notices:
        st.warning(t(notice.key, lang, **notice.params), icon=":material/link_off:")
    if top.not_reported:
        st.warning(top.not_reported, icon=":material/schedule:")
    if top.build_error:
        # The pages still work on the last good data: a warning, not an error.
        st.warning(t("ui.header.build_error", lang), icon=":material/sync_problem:")
        with st.expander(t("ui.error.details", lang)):
            st.html(views.code_html(top.build_error))
    if ctx.dataset.read_only:
        built = format_datetime(ctx.dataset.built_at.astimezone(views.CHINA_TIME), lang)
        path = ctx.dataset.data_dir / BUILD_DIR_NAME
        st.warning(t("ui.header.read_only", lang, built=built, path=path), icon=":material/lock:")
    if top.excluded_text:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.warning(top.excluded_text, icon=":material/warning:")
            st.page_link(
                ctx.pages["data"],
                label=t("ui.header.excluded_link", lang),
                icon=":material/arrow_forward:",
                query_params=ctx.link(kpi=None),
            )


def chart(build: Callable[..., alt.TopLevelMixin | None], *args: object) -> None:
    """The chart ``build(*args)`` in the campaign theme (not Streamlit's), as wide as its
    column; nothing when ``build`` returns None.

    The Vega-Lite spec is made once per distinct input (the builder and its arguments, by
    value) and shared by every session: building and validating an Altair chart costs far
    more than drawing the same view again.
    """
    # The key: the builder and its arguments' pickled bytes (a tenth of the time Streamlit's
    # own hashing of the frames takes). Equal bytes mean equal inputs.
    inputs = pickle.dumps((build.__module__, build.__qualname__, args), protocol=5)
    key = hashlib.blake2b(inputs, digest_size=20).hexdigest()
    spec = _chart_spec(key, build, args)
    if spec is not None:
        st.vega_lite_chart(spec, theme=None, width="stretch")


@st.cache_data(show_spinner=False, max_entries=512)
def _chart_spec(
    key: str, _build: Callable[..., alt.TopLevelMixin | None], _args: tuple[object, ...]
) -> dict[str, object] | None:
    figure = _build(*_args)
    return None if figure is None else charts.vega_lite_spec(figure, validate=False)


@contextmanager
def section(ctx: PageContext) -> Iterator[None]:
    """Run one part of a page; if it fails, say so briefly and let the rest of the page render.

    The traceback goes to the server log, not the screen.
    """
    try:
        yield
    except Exception as exc:  # Streamlit's stop/rerun are BaseExceptions and pass through
        log.exception("page section failed")
        st.error(ctx.t("ui.error.page"), icon=":material/error:")
        with st.expander(ctx.t("ui.error.details")):
            st.html(views.code_html(f"{type(exc).__name__}: {exc}"))


def heading(text: str) -> None:
    """A section heading, smaller than Streamlit's subheader so a screen holds more."""
    st.markdown(f"#### {text}")
