"""The sample data generator: deterministic, calibrated on the published 2021 figures, loadable.

The figures are read back two ways:

- PANDAS checks read the CSVs directly (encodings, Chinese or English headers, 1,234.5
  amounts and 2021/3/5 or 2021年3月5日 dates are handled here), independently of the
  ingestion code;
- DUCKDB checks go through ``campaign.storage.load_dataset(data).connect()`` and SQL on the
  typed tables, the way the dashboard reads them.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest

from campaign import sample
from campaign.contracts import CITY, DISTRICTS, KINDS, KINDS_BY_ID, kind_for_filename
from campaign.sample import KPI_IDS, LEVEL_TARGETS, write_sample

# One worker builds the module's sample folder once (make test runs xdist with loadgroup).
pytestmark = pytest.mark.xdist_group("sample")

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
AS_OF = pd.Timestamp("2022-09-30")

# The campaign's published 2021 figures (万元 for amounts: 400亿元 = 4,000,000 万元).
PUBLISHED_2021 = {
    "financing_amount_wan": 4_000_000,
    "financing_enterprises": 14_000,
    "orders_amount_wan": 1_870_000,
    "orders_enterprises": 9_700,
    "talent_high_skill": 500,
    "legal_consultations": 1_948,
    "mediation_cases": 668,
    "mediation_success": 368,
    "mediation_amount_wan": 22_500,
    "chambers_new": 16,
    "lectures": 7,
    "trainings": 23,
    "lecture_training_participants": 3_000,
    "investment_signed_projects": 10,
    "investment_signed_amount_wan": 670_000,
}


def folder_bytes(folder: Path) -> dict[str, bytes]:
    """Every file of a data folder (the database build cache aside) by relative path."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and ".build" not in path.relative_to(folder).parts
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    write_sample(out)  # seed 2022, scale 1: the shipped sample
    return out


# ---------------------------------------------------------------------------------------------
# PANDAS: reading the CSVs without the ingestion code


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("neither UTF-8 nor GB18030")


def _parse_date(text: str) -> pd.Timestamp:
    if not text:
        return pd.NaT
    year, month, day = re.fullmatch(r"(\d{4})\D(\d{1,2})\D(\d{1,2})日?", text).groups()
    return pd.Timestamp(int(year), int(month), int(day))


def read_kind(folder: Path, kind_id: str) -> pd.DataFrame:
    """All files of a kind, canonical columns, typed; ``source`` names the file."""
    kind = KINDS_BY_ID[kind_id]
    to_name = {column.header_zh: column.name for column in kind.columns}
    frames = []
    for path in sorted((folder / "extracts").glob("*.csv")):
        found = kind_for_filename(path.name)
        if found is None or found.id != kind_id:
            continue
        text = _decode(path.read_bytes())
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        frame = frame.rename(columns=to_name).assign(source=path.name)
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True)
    for column in kind.columns:
        if column.name not in data and not column.required:
            data[column.name] = (
                ""  # an optional column the sample does not write (统一社会信用代码)
            )
        values = data[column.name]
        if column.type == "date":
            data[column.name] = pd.to_datetime(values.map(_parse_date))
        elif column.type == "amount":
            data[column.name] = pd.to_numeric(values.str.replace(",", ""), errors="raise")
        elif column.type == "integer":
            data[column.name] = values.astype(int)
        elif column.type == "bool":
            assert set(values) <= {"是", "否"}
            data[column.name] = values == "是"
    return data


@pytest.fixture(scope="module")
def frames(generated: Path) -> dict[str, pd.DataFrame]:
    return {kind.id: read_kind(generated, kind.id) for kind in KINDS}


def figures_2021(frames: dict[str, pd.DataFrame]) -> dict[str, float]:
    """The published figures recomputed from the rows, as the KPIs define them."""

    def in_2021(frame: pd.DataFrame, column: str = "date") -> pd.DataFrame:
        return frame[frame[column].dt.year == 2021]

    financing, orders = in_2021(frames["financing"]), in_2021(frames["orders"])
    talent, mediation = in_2021(frames["talent"]), in_2021(frames["mediation"])
    events = in_2021(frames["events"])
    cases = mediation[mediation["kind"] == "调解"]
    investment = in_2021(frames["investment"], "signed_date")
    investment = investment[investment["stage"].isin(["签约", "落地"])]
    headline = events[events["type"].isin(["企业家讲堂", "培训讲座"])]
    return {
        "financing_amount_wan": financing["amount_wan"].sum(),
        "financing_enterprises": financing["enterprise"].nunique(),
        "orders_amount_wan": orders["amount_wan"].sum(),
        "orders_enterprises": orders["enterprise"].nunique(),
        "talent_high_skill": talent.loc[talent["category"] == "高技能人才", "hires"].sum(),
        "legal_consultations": (mediation["kind"] == "法律咨询").sum(),
        "mediation_cases": len(cases),
        "mediation_success": (cases["status"] == "调解成功").sum(),
        "mediation_amount_wan": cases["amount_wan"].sum(),
        "chambers_new": (frames["chambers"]["founded_date"].dt.year == 2021).sum(),
        "lectures": (events["type"] == "企业家讲堂").sum(),
        "trainings": (events["type"] == "培训讲座").sum(),
        "lecture_training_participants": headline["participants"].sum(),
        "investment_signed_projects": len(investment),
        "investment_signed_amount_wan": investment["amount_wan"].sum(),
    }


def assert_close_to_published(measured: dict[str, float]) -> None:
    for name, published in PUBLISHED_2021.items():
        assert measured[name] == pytest.approx(published, rel=0.05), name


# ---------------------------------------------------------------------------------------------
# Determinism and the shipped folder


def test_same_seed_gives_identical_bytes(generated: Path, tmp_path: Path) -> None:
    write_sample(tmp_path, seed=2022)
    assert folder_bytes(tmp_path) == folder_bytes(generated)


def test_another_seed_gives_other_data(generated: Path, tmp_path: Path) -> None:
    write_sample(tmp_path, seed=7)
    first, second = folder_bytes(generated), folder_bytes(tmp_path)
    assert first.keys() == second.keys()
    assert first["extracts/financing_2021.csv"] != second["extracts/financing_2021.csv"]
    assert first["targets.csv"] != second["targets.csv"]


def test_shipped_data_is_what_the_generator_writes(generated: Path) -> None:
    shipped, fresh = folder_bytes(DATA_DIR), folder_bytes(generated)
    assert sorted(shipped) == sorted(fresh), "run write_sample(Path('data')) and commit"
    changed = [name for name in fresh if shipped[name] != fresh[name]]
    assert not changed, f"data/ drifted from the generator: {changed}"


def test_writing_in_slices_gives_the_same_bytes(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large scales format and write a slice of rows at a time; the bytes must not change."""
    monkeypatch.setattr(sample, "WRITE_SLICE", 997)
    write_sample(tmp_path)
    assert folder_bytes(tmp_path) == folder_bytes(generated)


def test_scale_multiplies_the_rows(generated: Path, tmp_path: Path) -> None:
    write_sample(tmp_path, scale=2)

    def financing_rows(folder: Path) -> int:
        paths = [p for p in (folder / "extracts").glob("*.csv")
                 if kind_for_filename(p.name).id == "financing"]  # fmt: skip
        return sum(len(p.read_bytes().splitlines()) - 1 for p in paths)

    assert financing_rows(tmp_path) / financing_rows(generated) == pytest.approx(2, rel=0.05)


# ---------------------------------------------------------------------------------------------
# PANDAS: the published figures and the shape of the data


def test_2021_reproduces_the_published_figures(frames: dict[str, pd.DataFrame]) -> None:
    assert_close_to_published(figures_2021(frames))


def test_chamber_register_in_2021(frames: dict[str, pd.DataFrame]) -> None:
    chambers = frames["chambers"]
    active = chambers[(chambers["status"] == "正常") & (chambers["founded_date"] <= "2021-12-31")]
    # "over 320 chambers", about 90% with a party organisation.
    assert 320 < len(active) <= 340
    assert active["party_org"].mean() == pytest.approx(0.90, abs=0.01)
    assert (chambers["status"] == "已清理").sum() > 0
    assert chambers["founded_date"].dt.year.min() < 2000


def test_party_coverage_rises_over_time(frames: dict[str, pd.DataFrame]) -> None:
    chambers = frames["chambers"]
    active = chambers[chambers["status"] == "正常"]

    def coverage(day: str) -> float:
        return active.loc[active["founded_date"] <= day, "party_org"].mean()

    assert coverage("2018-12-31") < coverage("2021-12-31") < coverage("2022-09-30")


def test_nothing_after_2022_09_30(frames: dict[str, pd.DataFrame]) -> None:
    for kind in KINDS:
        for column in kind.columns:
            if column.type == "date":
                latest = frames[kind.id][column.name].max()
                assert latest <= AS_OF, (kind.id, column.name)
    # The year in progress has data up to its last month.
    assert frames["financing"]["date"].max() >= pd.Timestamp("2022-09-01")
    assert frames["financing"]["date"].min() == pd.Timestamp("2019-01-02")


def test_every_district_is_an_official_name(frames: dict[str, pd.DataFrame]) -> None:
    for kind_id, frame in frames.items():
        assert set(frame["district"]) <= set(DISTRICTS), kind_id


def test_keys_are_unique(frames: dict[str, pd.DataFrame]) -> None:
    for kind in KINDS:
        if kind.key_column is not None:
            assert frames[kind.id][kind.key_column.name].is_unique, kind.id
    assert frames["mediation"]["case_id"].str.fullmatch(r"FL\d{4}-\d{6}").all()
    assert frames["investment"]["project_id"].str.fullmatch(r"ZS\d{4}-\d{3}").all()
    assert frames["chambers"]["chamber_id"].str.fullmatch(r"SH\d{4}").all()


def test_no_warnings_to_expect(frames: dict[str, pd.DataFrame]) -> None:
    """No exact duplicate rows (non-keyed kinds) and no amount ≥ 1000× its kind's median."""
    for kind in KINDS:
        frame = frames[kind.id][[column.name for column in kind.columns]]
        if kind.key_column is None:
            assert not frame.duplicated().any(), kind.id
        if kind.amount_column:
            amounts = frame[kind.amount_column].dropna()
            assert amounts.max() < 1000 * amounts[amounts > 0].median(), kind.id
            assert amounts.round(2).eq(amounts).all(), kind.id


def test_rows_follow_the_contract_rules(frames: dict[str, pd.DataFrame]) -> None:
    mediation = frames["mediation"]
    finished = mediation["status"] != "办理中"
    assert mediation["closed_date"].notna().eq(finished).all()
    assert (mediation.loc[finished, "closed_date"] >= mediation.loc[finished, "date"]).all()
    consultations = mediation["kind"] == "法律咨询"
    assert set(mediation.loc[consultations, "status"]) == {"已办结", "办理中"}
    assert set(mediation.loc[~consultations, "status"]) == {"调解成功", "调解失败", "办理中"}
    investment = frames["investment"]
    signed = investment["stage"].isin(["签约", "落地"])
    assert investment["signed_date"].notna().eq(signed).all()
    assert (~signed).sum() > 0  # projects still 在谈
    assert (investment["chamber"] != "").mean() > 0.5


def test_firms_recur_across_months_and_districts(frames: dict[str, pd.DataFrame]) -> None:
    financing = frames["financing"]
    in_2021 = financing[financing["date"].dt.year == 2021]
    months = in_2021.assign(month=in_2021["date"].dt.month)[["enterprise", "month"]]
    months_per_firm = months.drop_duplicates()["enterprise"].value_counts()
    districts_per_firm = in_2021[["enterprise", "district"]].drop_duplicates()["enterprise"]
    assert (months_per_firm > 1).sum() > 500
    assert (districts_per_firm.value_counts() > 1).sum() > 50


def test_districts_by_size_and_the_month_rhythm(frames: dict[str, pd.DataFrame]) -> None:
    financing = frames["financing"]
    by_district = financing.groupby("district")["amount_wan"].sum()
    assert by_district.idxmax() == "西海岸新区"
    assert by_district.idxmin() == "市直"
    monthly = financing.groupby([financing["date"].dt.year, financing["date"].dt.month])[
        "amount_wan"
    ].sum()
    # Spring Festival dip, year-end push, the COVID dip of February 2020, growth every year.
    assert monthly[(2021, 2)] < monthly[(2021, 3)] < monthly[(2021, 12)]
    assert monthly[(2020, 2)] < 0.5 * monthly[(2019, 2)]
    yearly = financing.groupby(financing["date"].dt.year)["amount_wan"].sum()
    assert yearly[2019] < yearly[2020] < yearly[2021]


def test_files_come_in_the_variety_the_reader_accepts(generated: Path) -> None:
    files = folder_bytes(generated)
    names = [name.removeprefix("extracts/") for name in files if name.startswith("extracts/")]
    gb18030 = ["融资对接_2022_西海岸新区.csv", "订单对接_2021_即墨区.csv"]
    for name in gb18030:
        raw = files[f"extracts/{name}"]
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        assert raw.decode("gb18030").startswith("日期,区市,企业名称")
    assert files["extracts/orders_2020.csv"].startswith(b"\xef\xbb\xbf")
    assert b'"1,' in files["extracts/orders_2021.csv"]
    assert "2021/3/" in files["extracts/talent_2021.csv"].decode()
    assert "2020年3月" in files["extracts/mediation_2020.csv"].decode()
    assert files["extracts/talent_2020.csv"].startswith(b"category,hires,date")
    assert all(kind_for_filename(name) is not None for name in names)
    # The district files' rows are not in the kind's file of the same year as well.
    assert "西海岸新区".encode() not in files["extracts/financing_2022.csv"]
    assert "即墨区".encode() not in files["extracts/orders_2021.csv"]


# ---------------------------------------------------------------------------------------------
# PANDAS: the targets


def read_targets(folder: Path) -> pd.DataFrame:
    targets = pd.read_csv(folder / "targets.csv", dtype={"区市": str})
    assert list(targets.columns) == ["指标编号", "年度", "区市", "目标值"]
    return targets.rename(
        columns={"指标编号": "kpi_id", "年度": "year", "区市": "scope", "目标值": "target"}
    )


def actuals_2022(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every KPI for 2022 up to 2022-09-30, per district and for the city (全市)."""
    results: dict[str, pd.Series] = {}

    def per_scope(frame: pd.DataFrame, value: str | None, how: str) -> pd.Series:
        if how == "count":
            series = frame.groupby("district").size()
            city = len(frame)
        elif how == "sum":
            series = frame.groupby("district")[value].sum()
            city = frame[value].sum()
        else:  # distinct
            series = frame.groupby("district")[value].nunique()
            city = frame[value].nunique()
        return pd.concat([series, pd.Series({CITY: city})])

    def in_2022(frame: pd.DataFrame, column: str = "date") -> pd.DataFrame:
        return frame[frame[column].dt.year == 2022]

    for kind_id in ("financing", "orders"):
        frame = in_2022(frames[kind_id]).assign(yi=lambda f: f["amount_wan"] / 1e4)
        results[f"{kind_id}_amount"] = per_scope(frame, "yi", "sum")
        results[f"{kind_id}_enterprises"] = per_scope(frame, "enterprise", "distinct")
    talent = in_2022(frames["talent"])
    results["talent_high_skill"] = per_scope(
        talent[talent["category"] == "高技能人才"], "hires", "sum"
    )
    mediation = in_2022(frames["mediation"]).assign(yi=lambda f: f["amount_wan"] / 1e4)
    cases = mediation[mediation["kind"] == "调解"]
    results["legal_consultations"] = per_scope(mediation[mediation["kind"] == "法律咨询"], None,
                                               "count")  # fmt: skip
    results["mediation_cases"] = per_scope(cases, None, "count")
    results["mediation_amount"] = per_scope(cases, "yi", "sum")
    results["mediation_success_rate"] = per_scope(
        cases[cases["status"] == "调解成功"], None, "count"
    ) / per_scope(cases, None, "count")
    investment = in_2022(frames["investment"], "signed_date")
    investment = investment[investment["stage"].isin(["签约", "落地"])]
    investment = investment.assign(yi=investment["amount_wan"] / 1e4)
    results["investment_signed_projects"] = per_scope(investment, None, "count")
    results["investment_signed_amount"] = per_scope(investment, "yi", "sum")
    chambers = frames["chambers"]
    results["chambers_new"] = per_scope(in_2022(chambers, "founded_date"), None, "count")
    active = chambers[(chambers["status"] == "正常") & (chambers["founded_date"] <= AS_OF)]
    results["chambers_party_coverage"] = per_scope(active, "party_org", "sum") / per_scope(
        active, None, "count"
    )
    events = in_2022(frames["events"])
    results["events_sessions"] = per_scope(events, None, "count")
    results["events_participants"] = per_scope(events, "participants", "sum")
    lectures = events[events["type"] == "企业家讲堂"]
    trainings = events[events["type"] == "培训讲座"]
    results["events_lectures"] = per_scope(lectures, None, "count")
    results["events_trainings"] = per_scope(trainings, None, "count")
    results["events_trainees"] = per_scope(
        events[events["type"].isin(["企业家讲堂", "培训讲座"])], "participants", "sum"
    )
    return pd.DataFrame(results)


def status(completion: float) -> str:
    """序时进度 at 2022-09-30 is 9/12 = 75%."""
    if completion >= 1:
        return "completed"
    if completion >= 0.75:
        return "ahead"
    return "lagging" if completion >= 0.65 else "critical"


def test_every_kpi_has_targets_for_every_year(generated: Path) -> None:
    targets = read_targets(generated)
    assert tuple(dict.fromkeys(targets["kpi_id"])) == KPI_IDS
    for kpi_id in KPI_IDS:
        mine = targets[targets["kpi_id"] == kpi_id]
        assert set(mine.loc[mine["scope"] == CITY, "year"]) == {2019, 2020, 2021, 2022}
        assert set(mine["scope"]) <= {CITY, *DISTRICTS}


def test_city_target_is_the_sum_of_the_districts(generated: Path) -> None:
    targets = read_targets(generated)
    for (kpi_id, _year), group in targets.groupby(["kpi_id", "year"]):
        city = group.loc[group["scope"] == CITY, "target"].item()
        districts = group.loc[group["scope"] != CITY, "target"]
        if kpi_id in LEVEL_TARGETS:
            assert len(districts) == len(DISTRICTS) and 0 < city <= 1
        else:
            assert city == pytest.approx(districts.sum(), rel=1e-9)


def test_targets_grow_year_on_year(generated: Path, frames: dict[str, pd.DataFrame]) -> None:
    """No 2022 city target is below 2021's result (a campaign's targets grow)."""
    targets = read_targets(generated)
    city = targets[(targets["scope"] == CITY)].set_index(["kpi_id", "year"])["target"]
    financing, mediation = frames["financing"], frames["mediation"]
    events, chambers = frames["events"], frames["chambers"]
    financing = financing[financing["date"].dt.year == 2021]
    mediation = mediation[mediation["date"].dt.year == 2021]
    results_2021 = {
        "financing_amount": financing["amount_wan"].sum() / 1e4,
        "financing_enterprises": financing["enterprise"].nunique(),
        "legal_consultations": (mediation["kind"] == "法律咨询").sum(),
        "mediation_cases": (mediation["kind"] == "调解").sum(),
        "chambers_new": (chambers["founded_date"].dt.year == 2021).sum(),
        "events_sessions": (events["date"].dt.year == 2021).sum(),
    }
    for kpi_id, result in results_2021.items():
        assert city[(kpi_id, 2022)] >= result, kpi_id


def test_2022_city_statuses_are_a_mix(generated: Path, frames: dict[str, pd.DataFrame]) -> None:
    targets = read_targets(generated)
    targets = targets[(targets["year"] == 2022) & (targets["scope"] == CITY)]
    actual = actuals_2022(frames).loc[CITY]
    paced = targets[~targets["kpi_id"].isin(list(LEVEL_TARGETS))].set_index("kpi_id")["target"]
    statuses = [status(actual[kpi_id] / target) for kpi_id, target in paced.items()]
    assert statuses.count("ahead") >= 4
    assert statuses.count("lagging") >= 2
    assert statuses.count("critical") >= 2
    assert 1 <= statuses.count("completed") <= 2
    # Levels: below target, but not far.
    for kpi_id in LEVEL_TARGETS:
        target = targets.loc[targets["kpi_id"] == kpi_id, "target"].item()
        assert 0.8 < actual[kpi_id] / target < 1


def test_2022_district_statuses_vary(generated: Path, frames: dict[str, pd.DataFrame]) -> None:
    targets = read_targets(generated)
    targets = targets[(targets["year"] == 2022) & (targets["scope"] != CITY)]
    actual = actuals_2022(frames).fillna(0)
    seen: dict[str, set[str]] = {}
    for row in targets.itertuples():
        if row.kpi_id not in LEVEL_TARGETS:
            completion = actual.at[row.scope, row.kpi_id] / row.target
            seen.setdefault(row.kpi_id, set()).add(status(completion))
    assert set().union(*seen.values()) == {"completed", "ahead", "lagging", "critical"}
    assert sum(len(statuses) >= 3 for statuses in seen.values()) >= 5


# ---------------------------------------------------------------------------------------------
# DUCKDB: the shipped folder through the ingestion code


def test_shipped_data_loads_without_errors_or_warnings() -> None:
    from campaign.storage import load_dataset

    dataset = load_dataset(DATA_DIR)
    assert dataset.build_error is None
    assert all(not f.errors for f in dataset.files)
    assert all(not f.warnings for f in dataset.files)
    assert all(f.rows_loaded == f.rows_total for f in dataset.files)
    assert len(dataset.files) == len(list((DATA_DIR / "extracts").glob("*.csv")))


def test_2021_figures_through_the_database() -> None:
    from campaign.storage import load_dataset

    with load_dataset(DATA_DIR).connect() as con:

        def one(sql: str) -> float:
            return con.execute(sql).fetchone()[0]

        in_2021 = "year(date) = 2021"
        measured = {
            "financing_amount_wan": one(f"SELECT sum(amount_wan) FROM financing WHERE {in_2021}"),
            "financing_enterprises": one(
                f"SELECT count(DISTINCT enterprise) FROM financing WHERE {in_2021}"
            ),
            "orders_amount_wan": one(f"SELECT sum(amount_wan) FROM orders WHERE {in_2021}"),
            "orders_enterprises": one(
                f"SELECT count(DISTINCT enterprise) FROM orders WHERE {in_2021}"
            ),
            "talent_high_skill": one(
                f"SELECT sum(hires) FROM talent WHERE {in_2021} AND category = '高技能人才'"
            ),
            "legal_consultations": one(
                f"SELECT count(*) FROM mediation WHERE {in_2021} AND kind = '法律咨询'"
            ),
            "mediation_cases": one(
                f"SELECT count(*) FROM mediation WHERE {in_2021} AND kind = '调解'"
            ),
            "mediation_success": one(
                f"SELECT count(*) FROM mediation WHERE {in_2021} AND status = '调解成功'"
            ),
            "mediation_amount_wan": one(
                f"SELECT sum(amount_wan) FROM mediation WHERE {in_2021} AND kind = '调解'"
            ),
            "chambers_new": one("SELECT count(*) FROM chambers WHERE year(founded_date) = 2021"),
            "lectures": one(f"SELECT count(*) FROM events WHERE {in_2021} AND type = '企业家讲堂'"),
            "trainings": one(f"SELECT count(*) FROM events WHERE {in_2021} AND type = '培训讲座'"),
            "lecture_training_participants": one(
                f"""SELECT sum(participants) FROM events
                WHERE {in_2021} AND type IN ('企业家讲堂', '培训讲座')"""
            ),
            "investment_signed_projects": one(
                """SELECT count(*) FROM investment
                WHERE year(signed_date) = 2021 AND stage IN ('签约', '落地')"""
            ),
            "investment_signed_amount_wan": one(
                """SELECT sum(amount_wan) FROM investment
                WHERE year(signed_date) = 2021 AND stage IN ('签约', '落地')"""
            ),
        }
        assert_close_to_published(measured)
        active, coverage = con.execute(
            """SELECT count(*), avg(CASE WHEN party_org THEN 1 ELSE 0 END) FROM chambers
            WHERE status = '正常' AND founded_date <= DATE '2021-12-31'"""
        ).fetchone()
        assert 320 < active <= 340
        assert coverage == pytest.approx(0.90, abs=0.01)
