"""演示模式 Presentation: one domain per screen, large type, for the meeting-room projector.

Reachable by a link the meeting-room machine opens directly, e.g.
``/present?lang=zh&year=2022&month=9&scope=city&domain=2&auto=30``: ``lang``, ``year``,
``month`` and ``scope`` are the dashboard's view (read by the frame, as on every page);
``domain`` is the screen to open (1 = the first domain) and ``auto`` the seconds per screen
(absent = no automatic advance). Both are widgets bound to the URL, so the link seeds them.

The screen covers the whole window (no sidebar, no menu). Previous and next are buttons
(a presenter's clicker sends PageUp/PageDown, which they answer to); the slide lives in a
fragment that Streamlit reruns every ``auto`` seconds, so only the slide redraws.
"""

from __future__ import annotations

import time

import streamlit as st

from app_pages import _ui
from campaign import charts, theme, views
from campaign.formatting import format_date, format_percent

DOMAIN_KEY = "domain"  # also the URL parameter
AUTO_KEY = "auto"  # also the URL parameter
SHOWN_KEY = "present_shown"  # (screen, when it came up)
# Seconds per screen; the short ones suit a display rolling on its own (滚动播放).
AUTO_CHOICES = (5, 10, 15, 30, 60)
CHART_HEIGHT = 210
CHART_HEIGHT_NARROW = 180  # four KPIs side by side

PRESENT_CSS = f"""
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] {{
  display: none !important; }}
.st-key-present {{ position: fixed; inset: 0; z-index: 999; background: #ffffff;
  overflow-y: auto; padding: 14px 40px 10px 40px; font-family: {theme.FONT_STACK}; }}
.st-key-present .pt-title {{ font-size: 42px; font-weight: 800; line-height: 1.15;
  color: {theme.TEXT_COLOR}; }}
.st-key-present .pt-facts {{ font-size: 22px; color: {theme.MUTED_COLOR}; margin-bottom: 6px; }}
.st-key-present .pt-kpi {{ font-size: 28px; font-weight: 700; color: {theme.TEXT_COLOR}; }}
.st-key-present .kc-value {{ font-size: 40px; }}
.st-key-present .kc-pill {{ font-size: 21px; }}
.st-key-present .kc-target, .st-key-present .kc-figures {{ font-size: 20px; }}
.st-key-present .kc-bar {{ height: 18px; }}
.st-key-present .pt-narrow .pt-kpi {{ font-size: 23px; }}
.st-key-present .pt-narrow .kc-value {{ font-size: 31px; }}
.st-key-present .pt-narrow .kc-target, .st-key-present .pt-narrow .kc-figures {{
  font-size: 18px; }}
.st-key-present button p {{ font-size: 22px; }}
</style>
"""

ctx = _ui.context()
st.html(PRESENT_CSS)
groups = [g for g in views.card_groups(ctx.scorecard, ctx.definitions, ctx.lang) if g.cards]


def _step(by: int) -> None:
    """Previous / next (wrapping round), from a button's callback."""
    current = int(st.session_state.get(DOMAIN_KEY) or 1)
    st.session_state[DOMAIN_KEY] = (current - 1 + by) % len(groups) + 1


def _advance_if_due(auto: int | None) -> None:
    """On a timer run: move to the next screen once ``auto`` seconds have passed on this one.

    Runs before the screen widget is drawn (only then may its state be set); on the first
    run there is no state yet and the widget takes the screen from the URL.
    """
    shown = st.session_state.get(SHOWN_KEY)
    current = st.session_state.get(DOMAIN_KEY)
    if not auto or shown is None or current is None or shown[0] != current:
        return
    # The timer fires every `auto` seconds; a little slack so a tick is never skipped.
    if time.monotonic() - shown[1] >= auto * 0.8:
        st.session_state[DOMAIN_KEY] = int(current) % len(groups) + 1


def _mark_shown(screen_number: int) -> None:
    """Remember when this screen came up (a new screen restarts the auto-advance clock)."""
    shown = st.session_state.get(SHOWN_KEY)
    if shown is None or shown[0] != screen_number:
        st.session_state[SHOWN_KEY] = (screen_number, time.monotonic())


def _slide(group: views.CardGroup, number: int) -> None:
    facts = ctx.t(
        "brief.present.facts",
        scope=views.scope_label(ctx.filters.district, ctx.lang),
        date=format_date(ctx.filters.as_of, ctx.lang),
        expected=format_percent(ctx.scorecard.expected, ctx.lang),
    )
    facts += " · " + ctx.t("brief.present.position", n=number, total=len(groups))
    st.html(
        f'<div class="pt-title">{views.html.escape(group.title)}</div>'
        f'<div class="pt-facts">{views.html.escape(facts)}</div>'
    )
    narrow = len(group.cards) > 2
    columns = st.columns(len(group.cards), gap="large")
    for column, card in zip(columns, group.cards, strict=True):
        with column:
            st.html(
                f'<div class="{"pt-narrow" if narrow else ""}">'
                f'<div class="pt-kpi">{views.html.escape(card.name)}</div>{card.html}</div>'
            )
            definition = ctx.definition(card.kpi_id)
            monthly = ctx.engine.monthly(card.kpi_id, ctx.filters)
            if definition is None or monthly.empty or monthly["value"].isna().all():
                continue
            _ui.chart(
                charts.presentation_chart,
                monthly,
                definition.unit,
                ctx.lang,
                definition.is_level,
                CHART_HEIGHT_NARROW if narrow else CHART_HEIGHT,
                narrow,
            )


def _controls() -> int:
    """Previous, the screen number (bound to the URL's ``domain``), next; returns the screen."""
    previous, position, following = st.columns([1, 1, 1], vertical_alignment="center")
    with previous:
        st.button(
            ctx.t("brief.present.previous"),
            icon=":material/arrow_back:",
            on_click=_step,
            args=(-1,),
            shortcut="PageUp",
            width="stretch",
            key="present_previous",
        )
    with position:
        chosen = st.number_input(
            ctx.t("brief.present.screen"),
            min_value=1,
            max_value=len(groups),
            step=1,
            key=DOMAIN_KEY,
            bind="query-params",
            label_visibility="collapsed",
        )
    with following:
        st.button(
            ctx.t("brief.present.next"),
            icon=":material/arrow_forward:",
            icon_position="right",
            on_click=_step,
            args=(1,),
            shortcut="PageDown",
            width="stretch",
            type="primary",
            key="present_next",
        )
    return min(max(int(chosen or 1), 1), len(groups))


with st.container(key="present"):
    if not groups:
        st.info(ctx.t("brief.present.empty"), icon=":material/info:")
        st.stop()
    slide_area = st.container()
    # The auto-advance choice is made (and seeded from the URL) before the fragment is
    # declared, because the fragment's timer is fixed when it is declared.
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        st.segmented_control(
            ctx.t("brief.present.auto"),
            AUTO_CHOICES,
            format_func=str,
            key=AUTO_KEY,
            bind="query-params",
            help=ctx.t("brief.present.auto_help"),
        )
    with right:
        st.page_link(
            ctx.pages["overview"],
            label=ctx.t("brief.present.exit"),
            icon=":material/close_fullscreen:",
            query_params=ctx.link(kpi=None),
        )
    auto = st.session_state.get(AUTO_KEY)

    @st.fragment(run_every=auto or None)
    def screen() -> None:
        slide = st.container()
        _advance_if_due(auto)
        number = _controls()
        _mark_shown(number)
        with slide:
            _slide(groups[number - 1], number)

    with slide_area:
        screen()
