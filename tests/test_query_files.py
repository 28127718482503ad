"""Editing a KPI: preview a draft, save with history, roll back, create from the template."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from campaign.access import LOCAL_USER, User
from campaign.kpi import KpiEngine
from campaign.model import Filters
from campaign.query_files import (
    QueryFileError,
    create_kpi,
    new_kpi_template,
    preview_draft,
    query_versions,
    rollback_query,
    save_query,
)

ROOT = Path(__file__).resolve().parents[1]
HEADER = "日期,区市,企业名称,融资方式,金额（万元）"
FILTERS = Filters(year=2022, as_of=date(2022, 3, 31))


@pytest.fixture
def folders(tmp_path) -> tuple[Path, Path]:
    data, queries = tmp_path / "data", tmp_path / "queries"
    (data / "extracts").mkdir(parents=True)
    body = "\n".join(
        [
            "2022-01-10,市南区,甲,贷款,10000",  # 1 亿元
            "2022-02-10,市南区,乙,股权,20000",  # 2 亿元
            "2022-03-10,城阳区,丙,贷款,30000",  # 3 亿元
        ]
    )
    (data / "extracts" / "financing_2022.csv").write_text(f"{HEADER}\n{body}\n", "utf-8")
    queries.mkdir()
    for name in ("financing_amount.sql", "financing_enterprises.sql", "kpi_config.toml"):
        shutil.copy(ROOT / "queries" / name, queries / name)
    return data, queries


def city(engine: KpiEngine, kpi_id: str) -> float | None:
    card = engine.scorecard(FILTERS)
    return next(r.actual for r in card.results if r.kpi.id == kpi_id)


def test_edit_preview_save_rollback_round_trip(folders):
    data, queries = folders
    engine = KpiEngine(data, queries)
    original = (queries / "financing_amount.sql").read_text("utf-8")
    assert city(engine, "financing_amount") == pytest.approx(6.0)  # 1 + 2 + 3 亿元

    draft = original.replace("FROM financing", "FROM financing WHERE channel = '贷款'")
    preview = preview_draft(engine, "financing_amount", draft, FILTERS)
    assert preview.ok
    table = preview.comparison.set_index("scope")
    # Loans only: 1 + 3 = 4 亿元 for the city; 市南区 loses its 2 亿元 equity deal.
    assert table.loc["全市", ["current", "draft"]].tolist() == pytest.approx([6.0, 4.0])
    assert table.loc["市南区", "difference"] == pytest.approx(-2.0)
    assert bool(table.loc["市南区", "changed"]) and not bool(table.loc["城阳区", "changed"])
    # The preview changed nothing.
    assert (queries / "financing_amount.sql").read_text("utf-8") == original
    assert city(engine, "financing_amount") == pytest.approx(6.0)

    save_query(queries, "financing_amount", draft, user=LOCAL_USER)
    assert city(engine, "financing_amount") == pytest.approx(4.0)  # same engine, no restart
    (kept,) = query_versions(queries, "financing_amount")
    assert kept.text == original

    rollback_query(queries, "financing_amount", kept.id, user=LOCAL_USER)
    assert city(engine, "financing_amount") == pytest.approx(6.0)
    assert len(query_versions(queries, "financing_amount")) == 2


def test_a_broken_draft_is_reported_with_the_file_and_nothing_is_saved(folders):
    data, queries = folders
    engine = KpiEngine(data, queries)
    original = (queries / "financing_amount.sql").read_text("utf-8")
    preview = preview_draft(engine, "financing_amount", original.replace("AS value", "AS valu"))
    (error,) = preview.errors
    assert error.path == queries / "financing_amount.sql"
    assert "value" in error.message_en
    assert (queries / "financing_amount.sql").read_text("utf-8") == original


def test_a_new_kpi_from_the_template_works_at_once(folders):
    data, queries = folders
    engine = KpiEngine(data, queries)
    assert preview_draft(engine, "loans_total", new_kpi_template("loans_total"), FILTERS).ok
    create_kpi(queries, "loans_total", user=LOCAL_USER)
    assert city(engine, "loans_total") == pytest.approx(6.0)
    with pytest.raises(QueryFileError) as refused:
        create_kpi(queries, "loans_total", user=LOCAL_USER)
    assert refused.value.key == "editor.exists"


def test_an_edit_made_on_disk_by_hand_shows_on_the_next_call(folders):
    data, queries = folders
    engine = KpiEngine(data, queries)
    assert city(engine, "financing_amount") == pytest.approx(6.0)
    path = queries / "financing_amount.sql"
    path.write_text(path.read_text("utf-8").replace("/ 10000", "/ 20000"), "utf-8")
    assert city(engine, "financing_amount") == pytest.approx(3.0)


@pytest.mark.parametrize("bad", ["../etc/passwd", "Financing", "1abc", "a b"])
def test_ids_that_could_escape_or_confuse_are_refused(folders, bad):
    _, queries = folders
    with pytest.raises(QueryFileError):
        save_query(queries, bad, "SELECT 1", user=LOCAL_USER)


def test_only_city_wide_kpi_editors_save_create_or_roll_back(folders):
    """A KPI file gives every district's figure: a 莱西市-limited analyst previews on 莱西市's
    rows only, and may not save, create or roll back (nor may a viewer, or nobody)."""
    _, queries = folders
    path = queries / "financing_amount.sql"
    original = path.read_text("utf-8")
    save_query(queries, "financing_amount", original + "-- v2\n", user=User("zhao", "analyst"))
    (kept,) = query_versions(queries, "financing_amount")
    for refused_user in (
        User("li", "analyst", district="莱西市"),
        User("wang", "steward", district="城阳区"),
        User("guest", "viewer"),
        None,
    ):
        with pytest.raises(QueryFileError, match=r"^editor\.city_only$"):
            save_query(queries, "financing_amount", "SELECT 1", user=refused_user)
        with pytest.raises(QueryFileError, match=r"^editor\.city_only$"):
            rollback_query(queries, "financing_amount", kept.id, user=refused_user)
        with pytest.raises(QueryFileError, match=r"^editor\.city_only$"):
            create_kpi(queries, "loans_total", user=refused_user)
    assert path.read_text("utf-8") == original + "-- v2\n"
    assert not (queries / "loans_total.sql").exists()
    assert len(query_versions(queries, "financing_amount")) == 1
