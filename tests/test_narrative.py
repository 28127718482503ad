"""The drafted meeting narrative (文字稿): its rules on hand-made results, its figures held to
the engine's on the shipped sample (every number parsed back out of the text), a district and
an English view, the wording file (queries/narrative.toml) and the overview showing it.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Expander

from app_pages import _ui
from campaign.access import LOCAL_USER
from campaign.formatting import (
    format_date,
    format_number,
    format_percent,
    format_pp,
    format_signed_percent,
    format_value,
)
from campaign.kpi import KpiEngine
from campaign.kpi.engine import previous_month_end
from campaign.model import Filters, KpiDefinition, KpiError, KpiResult, Scorecard
from campaign.narrative import (
    NarrativeFacts,
    TemplateError,
    compose,
    draft_narrative,
    load_templates,
    templates_path,
)
from campaign.narrative.draft import chinese_number
from campaign.narrative.templates import PLACEHOLDERS, SHIPPED_TEMPLATES
from campaign.notes import NotesStore
from campaign.views import scope_label

pytestmark = pytest.mark.xdist_group("narrative")

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
AS_OF = "2022-09-30"
HAN = re.compile(r"[\u4e00-\u9fff]")
# A figure as the dashboard writes it: 12,121 · 324.31 · 77.0 (signs are words in the text).
FIGURE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
RANKING_COLUMNS = [
    "district",
    "score",
    "rank",
    "previous_score",
    "previous_rank",
    "movement",
    "kpis_counted",
]


def figures(text: str) -> list[str]:
    return FIGURE.findall(text)


# ---------------------------------------------------------------- hand-made results


def definition(
    kpi_id: str,
    name_zh: str,
    name_en: str,
    domain: str = "资金",
    unit: str = "亿元",
    aggregation: str = "sum",
) -> KpiDefinition:
    return KpiDefinition(
        id=kpi_id,
        name_zh=name_zh,
        name_en=name_en,
        domain=domain,
        unit=unit,
        aggregation=aggregation,  # type: ignore[arg-type]
        direction="up",
        description="",
        owner="市工商联",
        path=Path(f"{kpi_id}.sql"),
        sql="select 1",
        owner_en="City federation",
    )


FINANCING = definition("financing_amount", "融资金额", "Financing arranged")
ORDERS = definition("orders_amount", "订单金额", "Orders matched", domain="订单")
TALENT = definition("talent_high_skill", "引进高技能人才", "High-skill talent", "人才", "人")
SUCCESS = definition(
    "mediation_success_rate", "调解成功率", "Mediation success rate", "法律服务", "%", "rate"
)


def result(
    kpi: KpiDefinition,
    actual: float,
    target: float | None,
    status: str,
    expected: float = 0.75,
    yoy: float | None = None,
    needed: float | None = None,
) -> KpiResult:
    completion = actual / target if target else None
    gap = None if completion is None else (completion - expected) * 100
    return KpiResult(
        kpi=kpi,
        scope="全市",
        actual=actual,
        target=target,
        completion=completion,
        expected=expected,
        gap_pp=gap,
        status=status,  # type: ignore[arg-type]
        last_year=None,
        yoy=yoy,
        projection=None,
        needed_per_month=needed,
    )


def facts(
    results: list[KpiResult],
    *,
    as_of: date = date(2022, 9, 30),
    months_left: float = 3.0,
    critical_months: dict[str, int] | None = None,
    ranking: pd.DataFrame | None = None,
    errors: tuple[KpiError, ...] = (),
    district: str | None = None,
) -> NarrativeFacts:
    filters = Filters(2022, as_of, district)
    return NarrativeFacts(
        scorecard=Scorecard(filters, 0.75, tuple(results), errors),
        ranking=ranking if ranking is not None else pd.DataFrame(columns=RANKING_COLUMNS),
        critical_months=critical_months or {},
        notes=(),
        months_left=months_left,
    )


@pytest.fixture(scope="module")
def wording():
    return load_templates(SHIPPED_TEMPLATES)


def test_a_kpi_ahead_of_pace_reads_its_figures_as_the_cards_write_them(wording):
    # 324.31 ÷ 421.00 = 77.03% → 77.0%; 77.03 − 75.0 = +2.03 → 2.0 points ahead; 同比 +16.3%.
    ahead = result(FINANCING, 324.31, 421.0, "ahead", yoy=0.163)
    text = compose(facts([ahead]), "zh", wording).section("kpis").paragraphs[0].text
    assert text == (
        "（一）资金。融资金额累计完成324.31亿元，完成年度目标的77.0%，"
        "超序时进度2.0个百分点，同比增长16.3%。"
    )


def test_a_kpi_behind_pace_states_the_gap_and_the_monthly_amount_still_needed(wording):
    # 147.63 ÷ 205.00 = 72.01% → 72.0%, 3.0 points behind 75.0%; (205 − 147.63) ÷ 3 months
    # = 19.123 → 19.12亿元 a month; 同比 −2.5% reads 下降2.5%.
    behind = result(ORDERS, 147.63, 205.0, "lagging", yoy=-0.025, needed=(205 - 147.63) / 3)
    narrative = compose(facts([behind]), "zh", wording)
    assert narrative.section("kpis").paragraphs[0].body == (
        "订单金额累计完成147.63亿元，完成年度目标的72.0%，落后序时进度3.0个百分点，"
        "同比下降2.5%，剩余3个月需月均完成19.12亿元。"
    )
    assert narrative.section("problems").paragraphs[0].text == "订单金额落后序时进度。"


def test_statuses_with_no_kpi_are_not_mentioned(wording):
    results = [
        result(FINANCING, 324.31, 421.0, "ahead"),
        result(ORDERS, 160.0, 205.0, "ahead"),
    ]
    text = compose(facts(results), "zh", wording).text()
    overall = compose(facts(results), "zh", wording).section("overall").paragraphs[0].text
    assert "其中，2项超序时进度。" in overall
    assert "有目标的指标全部达到或超过序时进度。" in overall
    assert not re.search(r"(?<![\d,.])0项", text)  # no "0 项滞后"
    assert "落后" not in overall and "严重滞后" not in text
    assert "暂无滞后指标" in text
    assert "保持当前推进节奏" in text


def test_english_uses_the_singular_for_one(wording):
    # One KPI, far behind, one month left: 3 000 people short → 3,000 people in that month.
    talent = result(TALENT, 1000, 4000, "critical", needed=3000.0)
    narrative = compose(facts([talent], months_left=1.0), "en", wording)
    text = narrative.text()
    assert "1 campaign KPI is tracked" in text
    assert "Of these, 1 is far behind pace." in text
    assert "3,000 people is needed in the remaining month" in text
    assert "High-skill talent is far behind pace this month." in text
    assert "KPIs" not in text and " are " not in text


def test_english_uses_the_plural_for_several(wording):
    results = [
        result(FINANCING, 100.0, 421.0, "critical"),
        result(ORDERS, 50.0, 205.0, "critical"),
    ]
    text = compose(facts(results, months_left=2.0), "en", wording).text()
    assert "2 campaign KPIs are tracked" in text and "2 are far behind pace" in text
    assert "Financing arranged and Orders matched are far behind pace this month." in text


def test_a_kpi_critical_two_months_running_is_named_as_a_problem_with_its_months(wording):
    talent = result(TALENT, 395, 648, "critical")  # 61.0%, 14.0 points behind 75.0%
    new = result(ORDERS, 100.0, 205.0, "critical")
    narrative = compose(
        facts([talent, new], critical_months={TALENT.id: 3, ORDERS.id: 1}), "zh", wording
    )
    problems = narrative.section("problems").paragraphs[0].text
    assert problems.startswith(
        "引进高技能人才已连续3个月严重滞后，完成年度目标的61.0%，落后序时进度14.0个百分点。"
    )
    assert "订单金额本月严重滞后。" in problems
    assert "订单金额已连续" not in problems


def test_a_rate_is_compared_with_its_target_level_not_with_pace(wording):
    # 47.6% against a 55.0% target: 47.6 ÷ 55.0 = 86.5% of it.
    rate = result(SUCCESS, 0.476, 0.55, "critical", expected=1.0)
    body = compose(facts([rate]), "zh", wording).section("kpis").paragraphs[0].body
    assert body == "调解成功率为47.6%，低于目标值55.0%，为目标值的86.5%。"
    assert "序时进度" not in body


def test_kpis_not_reported_to_the_date_are_stated_not_judged(wording):
    # Financing stops at 31 August, the success rate at 31 July; orders are reported and ahead.
    financing = replace(
        result(FINANCING, 300.0, 421.0, "not_reported"),
        gap_pp=None,
        reported_through=date(2022, 8, 31),
    )
    rate = replace(
        result(SUCCESS, 0.5, 0.55, "not_reported", expected=1.0),
        gap_pp=None,
        reported_through=date(2022, 7, 31),
    )
    orders = result(ORDERS, 160.0, 205.0, "ahead")
    narrative = compose(facts([financing, rate, orders]), "zh", wording)
    overall = narrative.section("overall").paragraphs[0].text
    assert overall.endswith("其中，1项超序时进度，2项数据尚未报送至本期。")  # not "全部达到"
    kpis = [p.body for p in narrative.section("kpis").paragraphs]
    assert kpis[0] == "融资金额数据只报送至2022年8月31日，已报送部分累计300.00亿元，暂不评价进度。"
    assert kpis[2] == "调解成功率数据只报送至2022年7月31日，截至当时为50.0%，暂不评价。"
    problems = narrative.section("problems").paragraphs[0].text
    assert problems == (
        "融资金额和调解成功率的数据尚未报送至本期，无法判断进度。其余指标均达到或超过序时进度。"
    )
    steps = narrative.section("next").paragraphs[0].text
    assert steps == "融资金额和调解成功率请责任单位尽快补报截至2022年9月30日的数据。"
    english = compose(facts([financing, rate, orders]), "en", wording).text()
    assert "Financing arranged: reported only to 31 Aug 2022" in english
    assert "2 are not reported up to this date" in english


def test_ranking_names_top_and_bottom_three_with_movement(wording):
    # Seven ranked districts: three at the top, three at the bottom, the middle one unnamed.
    districts = ["城阳区", "崂山区", "市北区", "即墨区", "李沧区", "市南区", "胶州市"]
    ranking = pd.DataFrame(
        {
            "district": districts,
            "score": [111.62, 106.4, 105.1, 99.0, 91.0, 78.9, 77.2],
            "rank": [1, 2, 3, 4, 5, 6, 7],
            "previous_score": [110.0] * 7,
            "previous_rank": [1, 7, 2, 4, 5, 6, None],
            "movement": pd.array([0, 5, -1, 0, 0, 0, None], dtype="Int64"),
            "kpis_counted": [15] * 7,
        }
    )
    text = compose(facts([], ranking=ranking), "zh", wording).section("districts")
    paragraph = text.paragraphs[0].text
    assert paragraph.startswith(
        "区市综合排名前3位依次为城阳区（111.6分，与上月持平）、崂山区（106.4分，较上月上升5位）"
        "和市北区（105.1分，较上月下降1位）。"
    )
    assert "排名后3位依次为李沧区（91.0分，与上月持平）、市南区（78.9分，与上月持平）" in paragraph
    assert "胶州市（77.2分，上月未参加排名）" in paragraph
    assert "即墨区" not in paragraph


def test_broken_kpis_are_counted_apart_and_named_as_a_problem(wording):
    broken = KpiError("events_sessions", Path("queries/events_sessions.sql"), "语法错误")
    narrative = compose(
        facts([result(FINANCING, 324.31, 421.0, "ahead")], errors=(broken,)), "zh", wording
    )
    assert (
        "另有1项指标因数据查询出错，未纳入本材料。"
        in narrative.section("overall").paragraphs[0].text
    )
    assert "events_sessions.sql的数据查询出错" in narrative.section("problems").paragraphs[0].text


def test_headings_are_numbered_in_chinese_and_in_english(wording):
    results = [result(FINANCING, 324.31, 421.0, "ahead")]
    zh = compose(facts(results), "zh", wording)
    en = compose(facts(results), "en", wording)
    assert [s.heading for s in zh.sections] == [
        "一、总体情况",
        "二、各项指标完成情况",
        "三、区市情况",
        "四、存在问题",
        "五、下步工作建议",
    ]
    assert en.sections[0].heading == "1. Overall"
    assert [chinese_number(n) for n in (1, 7, 10, 12, 21)] == ["一", "七", "十", "十二", "二十一"]


# ---------------------------------------------------------------- the shipped sample


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped sample with follow-up notes: a revised one (due after the as-of date), an
    overdue one, and one of another district."""
    folder = tmp_path_factory.mktemp("narrative-data")
    (folder / "extracts").symlink_to(ROOT / "data" / "extracts", target_is_directory=True)
    (folder / "targets.csv").symlink_to(ROOT / "data" / "targets.csv")
    store = NotesStore.for_data(folder)
    first = store.add(
        "investment_signed_amount",
        "全市",
        "2022-09",
        reason="两个大项目签约推迟",
        action="旧版本的措施",
        due_date=None,
        author="市投资促进局",
        user=LOCAL_USER,
        now=datetime(2022, 10, 8, 1, 0, tzinfo=UTC),
    )
    store.revise(
        first.id,
        reason="两个大项目签约推迟至第四季度",
        action="十月底前完成集中签约",
        due_date=date(2022, 10, 31),
        author="市投资促进局",
        user=LOCAL_USER,
        now=datetime(2022, 10, 9, 2, 30, tzinfo=UTC),
    )
    store.add(
        "talent_high_skill",
        "全市",
        "2022-08",
        reason="高技能人才认定滞后",
        action="开展集中认定",
        due_date="2022-09-15",  # before the as-of date: overdue
        author="市人社局",
        user=LOCAL_USER,
        now=datetime(2022, 9, 1, 1, 0, tzinfo=UTC),
    )
    store.add(
        "talent_high_skill",
        "城阳区",
        "2022-09",
        reason="城阳区的说明",
        action="城阳区的措施",
        due_date=None,
        author="城阳区人社局",
        user=LOCAL_USER,
    )
    return folder


@pytest.fixture(scope="module")
def engine(data_dir: Path) -> KpiEngine:
    return KpiEngine(data_dir, QUERIES)


@pytest.fixture(scope="module")
def filters(engine: KpiEngine) -> Filters:
    return engine.resolve(as_of=AS_OF)


def kpi_figures(result: KpiResult, lang: str, months_left: str) -> set[str]:
    """Every figure the engine's formatting writes for ``result`` (what its sentence may say)."""
    unit = result.kpi.unit
    texts = [
        format_value(result.actual, unit, lang),
        format_value(result.target, unit, lang),
        format_percent(result.completion, lang),
        format_pp(result.gap_pp, lang),
        format_signed_percent(result.yoy, lang),
        format_value(result.needed_per_month, unit, lang),
        months_left,
    ]
    return {f for text in texts for f in figures(text)}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("district", [None, "城阳区"])
def test_every_figure_of_a_kpi_sentence_is_the_engines(engine, lang, district):
    filters = engine.resolve(as_of=AS_OF, district=district)
    narrative = draft_narrative(engine, filters, lang)
    by_id = {r.kpi.id: r for r in engine.scorecard(filters).results}
    months_left = "3"  # 30 September: October, November, December
    checked = 0
    for section in ("kpis", "problems"):
        for sentence in (s for p in narrative.section(section).paragraphs for s in p.sentences):
            if sentence.kpi_id is None:
                continue
            result = by_id[sentence.kpi_id]
            # 已连续N个月 / for N months: N is checked against the engine's month-ends below.
            text = re.sub(r"连续\d+个月|for \d+ months", "", sentence.text)
            found = figures(text)
            allowed = kpi_figures(result, lang, months_left)
            assert found and set(found) <= allowed, (sentence.text, allowed)
            if section == "kpis":  # the year-to-date figure and the completion, when there is one
                assert figures(format_value(result.actual, result.kpi.unit, lang))[0] in found
                if result.completion is not None:
                    assert figures(format_percent(result.completion, lang))[0] in found
            checked += 1
    assert checked >= len(by_id)


def test_the_status_counts_are_the_engines(engine, filters):
    narrative = draft_narrative(engine, filters, "zh")
    overall = narrative.section("overall").paragraphs[0].text
    counts = Counter(r.status for r in engine.scorecard(filters).results)
    words = {
        "completed": "项已完成年度目标",
        "ahead": "项超序时进度",
        "lagging": "项落后序时进度",
        "critical": "项严重滞后",
    }
    for status, word in words.items():
        found = re.search(rf"(\d+){word}", overall)
        if counts[status]:
            assert found and int(found.group(1)) == counts[status], status
        else:
            assert found is None, status
    assert f"共监测{sum(counts.values())}项指标" in overall
    assert f"截至{format_date(filters.as_of)}" in overall


def test_critical_streaks_match_the_engines_month_ends(engine, filters):
    narrative = draft_narrative(engine, filters, "zh")
    problems = narrative.section("problems").paragraphs[0]
    streaks = {
        s.kpi_id: int(re.search(r"已连续(\d+)个月严重滞后", s.text).group(1))
        for s in problems.sentences
        if s.kpi_id
    }
    assert streaks, "the sample has KPIs critical two months running"
    month_ends = []  # 30 September, 31 August, ..., 31 January
    day = filters.as_of
    while day.year == filters.year:
        month_ends.append(day)
        day = previous_month_end(day)
    for kpi_id, months in streaks.items():
        assert months >= 2
        statuses = [engine.result(kpi_id, Filters(2022, day)).status for day in month_ends]
        assert statuses[:months] == ["critical"] * months, kpi_id
        if months < len(statuses):
            assert statuses[months] != "critical", kpi_id
    newly = [
        r.kpi.name_zh
        for r in engine.scorecard(filters).results
        if r.status == "critical" and r.kpi.id not in streaks
    ]
    for name in newly:
        assert name in problems.text and f"{name}已连续" not in problems.text


def test_the_top_and_bottom_districts_are_the_engines_ranking(engine, filters):
    ranking = engine.ranking(filters)
    text = draft_narrative(engine, filters, "zh").section("districts").paragraphs[0].text
    top = ranking.head(3)
    bottom = ranking.tail(3)
    for row in pd.concat([top, bottom]).itertuples(index=False):
        assert f"{row.district}（{format_number(row.score, 1)}分，" in text, row.district
    for row in ranking.iloc[3:-3].itertuples(index=False):
        assert row.district not in text
    positions = [text.index(d) for d in top["district"]]
    assert positions == sorted(positions)


def test_the_next_steps_carry_the_current_notes_of_behind_kpis(engine, filters):
    text = draft_narrative(engine, filters, "zh").section("next").paragraphs[0].text
    # The revised note (due 31 October, after the 30 September as-of date), not its old version.
    assert "签约投资额（" in text and "十月底前完成集中签约，2022年10月31日前完成。" in text
    assert "旧版本的措施" not in text
    assert "开展集中认定，完成时限2022年9月15日，已逾期。" in text  # due before the as-of date
    assert "城阳区的措施" not in text  # another scope's note
    behind_without_note = [
        r.kpi.name_zh
        for r in engine.scorecard(filters).results
        if r.status in ("lagging", "critical")
        and r.kpi.id not in ("investment_signed_amount", "talent_high_skill")
    ]
    assert behind_without_note
    lacking = re.search(r"([^。]*)尚无督办说明", text).group(1)
    for name in behind_without_note:
        assert name in lacking
    assert "签约投资额" not in lacking


def test_a_district_view_states_its_own_rank_and_its_own_notes(engine):
    filters = engine.resolve(as_of=AS_OF, district="城阳区")
    narrative = draft_narrative(engine, filters, "zh")
    ranking = engine.ranking(filters)
    own = ranking[ranking["district"] == "城阳区"].iloc[0]
    districts = narrative.section("districts").paragraphs[0].text
    assert districts.startswith(
        f"城阳区综合得分{format_number(own['score'], 1)}分，"
        f"在{len(ranking)}个区市中排第{int(own['rank'])}位，"
    )
    assert narrative.title.startswith("城阳区")
    assert "城阳区的措施" in narrative.text() or all(
        r.status not in ("lagging", "critical")
        for r in engine.scorecard(filters).results
        if r.kpi.id == "talent_high_skill"
    )
    assert "十月底前完成集中签约" not in narrative.text()  # the city's note


def test_the_english_view_has_no_chinese_but_what_people_wrote(engine, filters):
    narrative = draft_narrative(engine, filters, "en")
    for section in narrative.sections:
        for paragraph in section.paragraphs:
            for sentence in paragraph.sentences:
                if section.key == "next" and sentence.kpi_id:
                    continue  # a follow-up note is shown as its author wrote it
                assert not HAN.search(sentence.text), sentence.text
            assert not HAN.search(paragraph.lead)
    assert narrative.title == "Private-economy campaign: progress report · Whole city"
    assert narrative.sections[0].heading == "1. Overall"
    assert "As of 30 Sep 2022, 18 campaign KPIs are tracked" in narrative.text()
    assert "(Data as of 30 Sep 2022; pro-rata progress 75.0%)" == narrative.dateline


# ---------------------------------------------------------------- the wording file


def test_every_template_renders_in_both_languages_in_both_numbers(wording):
    for key, allowed in PLACEHOLDERS.items():
        params = {name: f"<{name}>" for name in allowed}
        for lang in ("zh", "en"):
            for count in (1, 2):
                text = wording.render(key, lang, count, **params)
                assert text.strip() or key.endswith(("separator", "last")), (key, lang)
                assert "{" not in text and "}" not in text, (key, lang, text)


def test_a_placeholder_the_engine_does_not_fill_is_an_error_not_a_gap(wording):
    with pytest.raises(KeyError, match=r"\[kpi.ahead\] needs .*'gap'"):
        wording.render("kpi.ahead", "zh", kpi="融资金额", actual="1亿元")


def edited(tmp_path: Path, old: str, new: str) -> Path:
    source = SHIPPED_TEMPLATES.read_text(encoding="utf-8")
    assert old in source
    path = tmp_path / "narrative.toml"
    path.write_text(source.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if fragment in line)


def test_an_unknown_placeholder_is_reported_with_file_line_and_what_is_available(tmp_path):
    path = edited(tmp_path, "超序时进度{gap}{yoy}", "超序时进度{gapp}{yoy}")
    with pytest.raises(TemplateError) as caught:
        load_templates(path)
    message = caught.value.text("zh")
    assert message.startswith(f"{path}:{line_of(path, '{gapp}')}：")
    assert "模板 [kpi.ahead] 的 zh 使用了未知的占位符 {gapp}" in message
    assert "{gap}" in message and "{completion}" in message
    assert "unknown placeholder {gapp}" in caught.value.text("en")


def test_a_missing_template_or_language_is_reported(tmp_path):
    missing_key = edited(tmp_path, "[next.keep]", "[next.keeep]")
    with pytest.raises(TemplateError) as caught:
        load_templates(missing_key)
    assert "next.keeep" in caught.value.text("zh")  # the typo is named first
    assert f":{line_of(missing_key, '[next.keeep]')}：" in caught.value.text("zh")

    folder = tmp_path / "no-en"
    folder.mkdir()
    no_english = edited(folder, 'en = "Problems"\n', "")
    with pytest.raises(TemplateError) as caught:
        load_templates(no_english)
    assert "模板 [heading.problems] 缺少 en 语句" in caught.value.text("zh")


def test_a_broken_toml_file_is_reported_with_its_line(tmp_path):
    path = edited(tmp_path, 'zh = "总体情况"', 'zh = "总体情况')
    with pytest.raises(TemplateError) as caught:
        load_templates(path)
    assert f"{path}:{line_of(path, '总体情况')}" in caught.value.text("zh")
    assert "格式有误" in caught.value.text("zh")


def test_the_office_changes_the_wording_without_code(tmp_path, engine, filters):
    queries = tmp_path / "queries"
    queries.mkdir()
    assert templates_path(queries) == SHIPPED_TEMPLATES  # no copy: the shipped wording
    edited(queries, 'zh = "下步工作建议"', 'zh = "下一步工作安排"')
    assert templates_path(queries) == queries / "narrative.toml"
    narrative = draft_narrative(
        engine, filters, "zh", templates=load_templates(templates_path(queries))
    )
    assert narrative.sections[-1].heading == "五、下一步工作安排"


# ---------------------------------------------------------------- the overview


@pytest.fixture
def app(monkeypatch):
    monkeypatch.delenv("CAMPAIGN_DATA", raising=False)
    monkeypatch.delenv("CAMPAIGN_QUERIES", raising=False)
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_overview_shows_the_draft_above_the_cards_with_a_copy_button(app, lang):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update({"lang": lang})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    ctx = at.session_state[_ui.CONTEXT_KEY]
    title = "会议材料文字稿（草稿）" if lang == "zh" else "Meeting narrative (draft)"
    assert next(e.label for e in at.expander) == title
    shown = at.code[0].value  # st.code: a copy button comes with it
    assert shown == draft_narrative(ctx.engine, ctx.filters, lang).text()
    assert shown.startswith(
        "全市壮大民营经济攻势推进情况" if lang == "zh" else "Private-economy campaign"
    )
    # Above the cards: the expander comes before the first KPI card's link.
    nodes = list(at.main)
    expander = next(i for i, n in enumerate(nodes) if isinstance(n, Expander))
    first_card = next(i for i, n in enumerate(nodes) if getattr(n, "type", "") == "page_link")
    assert expander < first_card
    assert scope_label(None, lang) in shown


def test_an_unusable_wording_file_shows_why_on_the_overview(app, tmp_path, monkeypatch):
    queries = tmp_path / "queries"
    shutil.copytree(QUERIES, queries)
    source = (queries / "narrative.toml").read_text(encoding="utf-8")
    (queries / "narrative.toml").write_text(source.replace("{gap}", "{gapp}", 1), encoding="utf-8")
    monkeypatch.setenv("CAMPAIGN_QUERIES", str(queries))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert any("文字稿无法生成" in e and "{gapp}" in e for e in errors), errors
    assert at.get("page_link")  # the cards are still there
    at = download_buttons(fmt="docx")
    (button,) = at.get("download_button")
    assert button.proto.disabled  # no Word document without a narrative; the reason is shown
    assert any("{gapp}" in e.value and "narrative.toml" in e.value for e in at.error)


def download_buttons(query: dict[str, str] | None = None, fmt: str = "docx") -> AppTest:
    """The overview with the pack's format chosen (as the popover's control would set it)."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update(query or {})
    at.session_state["brief_format"] = fmt
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_pack_download_offers_the_word_document(app):
    at = download_buttons()
    assert "Word" in at.button_group(key="brief_format").options
    (button,) = at.get("download_button")
    assert button.proto.id.endswith("brief_download_docx") and not button.proto.disabled
    assert button.proto.label == "下载会议材料"
