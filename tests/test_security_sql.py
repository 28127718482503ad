"""Issue 11, user-written SQL: every finding's exact input, refused.

- KPI SQL (the preview on 指标编辑 and ``python -m campaign check``) cannot read files: the
  session secret and the users file's hashes never reach an error text, ``glob('/etc/*')``
  does not preview cleanly (so it cannot be saved).
- A district-limited analyst's lab and KPI preview see their district's rows only, and no
  internal table; a city-wide analyst sees every district.
- Memory: the probes of the finding stay under 2 GB resident in every process and are
  refused within seconds; results are capped in bytes, cells cut, with a notice.
- The 10 s limit is wall time: a worker that does not answer is killed.
- CSV downloads from the lab cannot carry spreadsheet formulas.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from campaign import sandbox
from campaign.cli import main as cli_main
from campaign.kpi import KpiEngine
from campaign.model import Filters
from campaign.query_files import preview_draft
from campaign.sandbox import (
    CELL_CHAR_CAP,
    QueryError,
    QueryInterrupted,
    QueryRefused,
    run_in_worker,
    run_query,
    table_columns,
)
from campaign.storage import load_dataset
from campaign.workbench import result_csv

ROOT = Path(__file__).resolve().parents[1]
HEADER = "日期,区市,企业名称,融资方式,金额（万元）"
FILTERS = Filters(year=2022, as_of=date(2022, 3, 31))
SECRET = "TOPSECRET-0123456789abcdef0123456789abcdef"
HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$c2VjcmV0aGFzaHNlY3JldGhhc2g"
KINDS = {"financing", "orders", "talent", "mediation", "investment", "chambers", "events"}
KPI_HEADER = textwrap.dedent(
    """\
    -- id: financing_amount
    -- name_zh: 融资金额
    -- name_en: Financing arranged
    -- domain: 资金
    -- unit: 亿元
    -- aggregation: sum
    -- direction: up
    -- description: 测试
    -- owner: 测试
    """
)


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> tuple[Path, Path, Path]:
    """A data folder (莱西市 and 市南区 rows), a queries folder, an auth folder with a
    session secret and a users file, as on a server."""
    root = tmp_path_factory.mktemp("security")
    data, queries, auth = root / "data", root / "queries", root / "auth"
    (data / "extracts").mkdir(parents=True)
    body = "\n".join(
        [
            "2022-01-10,莱西市,莱西甲公司,贷款,10000",  # 1 亿元
            "2022-02-10,莱西市,莱西乙公司,股权,20000",  # 2 亿元
            "2022-03-10,市南区,市南机密公司,贷款,40000",  # 4 亿元
        ]
    )
    (data / "extracts" / "financing_2022.csv").write_text(f"{HEADER}\n{body}\n", "utf-8")
    queries.mkdir()
    for name in ("financing_amount.sql", "kpi_config.toml"):
        shutil.copy(ROOT / "queries" / name, queries / name)
    auth.mkdir()
    (auth / "session.secret").write_text(SECRET, "utf-8")
    (auth / "users.toml").write_text(
        f'[users.admin]\nrole = "admin"\npassword_hash = "{HASH}"\n', "utf-8"
    )
    return data, queries, auth


@pytest.fixture(scope="module")
def database(folders) -> Path:
    return load_dataset(folders[0]).database_path


def reading(path: Path) -> str:
    """The finding's draft: a file's text cast to DOUBLE, so the error would quote it."""
    return KPI_HEADER + (
        "SELECT DATE '2022-01-01' AS month, '莱西市' AS district,\n"
        f"       CAST(content AS DOUBLE) AS value\nFROM read_text('{path}')\n"
    )


def all_texts(errors) -> str:
    return "\n".join(e.text("zh") + "\n" + e.text("en") for e in errors)


# ---------------------------------------------------------------- critical: KPI SQL


@pytest.mark.parametrize("secret_file, secret", [("session.secret", SECRET), ("users.toml", HASH)])
def test_a_kpi_draft_cannot_read_the_auth_files(folders, secret_file, secret):
    data, queries, auth = folders
    engine = KpiEngine(data, queries)
    preview = preview_draft(engine, "financing_amount", reading(auth / secret_file), FILTERS)
    assert not preview.ok  # refused: no figures, and the page's Save stays disabled
    text = all_texts(preview.errors)
    assert secret not in text and "TOPSECRET" not in text and "argon2" not in text
    assert "file system operations are disabled" in text


def test_a_kpi_draft_cannot_list_files(folders):
    data, queries, _ = folders
    engine = KpiEngine(data, queries)
    draft = KPI_HEADER + (
        "SELECT DATE '2022-01-01' AS month, '莱西市' AS district, 1.0 AS value\n"
        "FROM glob('/etc/*')\n"
    )
    preview = preview_draft(engine, "financing_amount", draft, FILTERS)
    assert not preview.ok
    assert "file system operations are disabled" in all_texts(preview.errors)


def test_check_refuses_a_kpi_file_that_reads_the_secret(folders, tmp_path):
    data, queries, auth = folders
    broken = tmp_path / "queries"
    shutil.copytree(queries, broken)
    (broken / "financing_amount.sql").write_text(reading(auth / "session.secret"), "utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli_main(["check", "--data", str(data), "--queries", str(broken)])
    assert code == 1
    assert SECRET not in out.getvalue() and "TOPSECRET" not in out.getvalue()
    assert "financing_amount.sql" in out.getvalue()


def test_the_engine_connection_is_locked(folders, tmp_path):
    data, queries, _ = folders
    probe = tmp_path / "queries"
    shutil.copytree(queries, probe)
    # A KPI whose value is 1 only if external access is on.
    (probe / "financing_amount.sql").write_text(
        KPI_HEADER + "SELECT DATE '2022-01-01' AS month, '莱西市' AS district,\n"
        "  CASE WHEN current_setting('enable_external_access') THEN 1.0 ELSE 0.0 END AS value\n",
        "utf-8",
    )
    engine = KpiEngine(data, probe, persist_facts=False)
    (result,) = engine.scorecard(FILTERS).results
    assert result.actual == 0.0
    # SET is refused inside a KPI file too: the configuration is locked.
    (probe / "financing_amount.sql").write_text(
        KPI_HEADER + "SELECT DATE '2022-01-01' AS month, '莱西市' AS district, 1.0 AS value\n"
        "FROM (SELECT 1) WHERE set_config('enable_external_access', 'true') IS NULL\n",
        "utf-8",
    )
    engine.recheck()
    assert engine.errors(FILTERS)


def test_conversion_errors_do_not_echo_the_value(database):
    with pytest.raises(QueryError) as failed:
        run_query(database, "SELECT CAST(enterprise AS DOUBLE) FROM financing")
    assert "公司" not in failed.value.message
    assert "Could not convert string '…' to DOUBLE" in failed.value.message


# ---------------------------------------------------------------- high: districts

LAIXI, SHINAN = "莱西市", "市南区"  # the 莱西市 analyst's district; another one


def test_the_district_analyst_sees_only_their_rows_and_the_city_analyst_all(database):
    sql = "SELECT district, string_agg(enterprise, ',' ORDER BY enterprise) AS names FROM financing GROUP BY 1 ORDER BY 1"
    laixi = run_query(database, sql, district=LAIXI).frame
    city = run_query(database, sql, district=None).frame
    assert laixi.to_dict("records") == [{"district": LAIXI, "names": "莱西乙公司,莱西甲公司"}]
    assert city["district"].tolist() == [SHINAN, LAIXI] or set(city["district"]) == {
        SHINAN,
        LAIXI,
    }
    assert "市南机密公司" in ",".join(city["names"])


@pytest.mark.parametrize("district", [LAIXI, None])
@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM _issues",
        "SELECT * FROM _files",
        "SELECT * FROM _meta",
        "SELECT * FROM data._issues",
    ],
)
def test_internal_tables_are_not_there(database, district, sql):
    with pytest.raises(QueryError) as failed:
        run_query(database, sql, district=district)
    assert "does not exist" in failed.value.message


@pytest.mark.parametrize("district", [LAIXI, None])
def test_the_lab_lists_and_holds_the_seven_kinds_only(database, district):
    assert set(table_columns(database, district)) == KINDS
    names = run_query(
        database, "SELECT table_name FROM information_schema.tables", district=district
    ).frame["table_name"]
    assert set(names) == KINDS  # no _rows_* table either


def test_the_district_analysts_kpi_preview_sees_only_their_rows(folders):
    data, queries, _ = folders
    engine = KpiEngine(data, queries)
    # A draft that labels every district's rows as 莱西市: it would carry 市南区's 4 亿元.
    draft = KPI_HEADER + (
        "SELECT date_trunc('month', date) AS month, '莱西市' AS district,\n"
        "       amount_wan / 10000 AS value\nFROM financing\n"
    )
    laixi = preview_draft(engine, "financing_amount", draft, FILTERS, district=LAIXI)
    assert laixi.ok
    # Their own rows only: 1 + 2 = 3 亿元, current and draft alike; no other scope shown.
    assert laixi.comparison[["scope", "current", "draft"]].to_dict("records") == [
        {"scope": LAIXI, "current": pytest.approx(3.0), "draft": pytest.approx(3.0)}
    ]
    city = preview_draft(engine, "financing_amount", draft, FILTERS).comparison.set_index("scope")
    # The city-wide analyst's draft sees all: 1 + 2 + 4 = 7 亿元 relabelled to 莱西市.
    assert city.loc[LAIXI, "draft"] == pytest.approx(7.0)
    assert city.loc["全市", "current"] == pytest.approx(7.0)


# ---------------------------------------------------------------- high: memory and time

MEASURE = textwrap.dedent(
    """
    import json, sys, threading, time
    from pathlib import Path
    from campaign import sandbox

    def hwm(pid):
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        return 0

    database = Path(sys.argv[1])
    report = {}
    sandbox.run_query(database, "SELECT 1")  # start the worker
    worker_peak = 0

    def probe(name, sql):
        global worker_peak
        started = time.perf_counter()
        try:
            result = sandbox.run_query(database, sql)
            outcome = {"rows": len(result.frame), "cut": result.cells_cut,
                       "bytes_capped": result.bytes_capped}
        except sandbox.QueryError as error:
            outcome = {"refused": error.key or error.message[:80]}
        outcome["seconds"] = round(time.perf_counter() - started, 2)
        for pid in sandbox.worker_pids():
            worker_peak = max(worker_peak, hwm(pid))
        report[name] = outcome

    probe("repeat_3e9", "SELECT length(repeat('x', 3000000000))")
    probe("repeat_1e9", "SELECT repeat('x', 1000000000)")
    probe("wide_result", "SELECT repeat('x', 300000) AS big FROM range(5000)")
    probe("string_agg", "SELECT length(string_agg(repeat('x', 100000), '')) FROM range(30000)")
    threads = [threading.Thread(target=probe, args=(f"concurrent_{i}",
               "SELECT length(repeat('x', 1000000000))")) for i in range(3)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report["concurrent_seconds"] = round(time.perf_counter() - started, 2)
    report["dashboard_peak"] = hwm("self")
    report["worker_peak"] = worker_peak
    print(json.dumps(report))
    """
)

TWO_GB = 2 * 10**9


def test_memory_probes_are_refused_within_seconds_and_stay_under_2_gb(database):
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(database)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(report, indent=1))  # the README's numbers (pytest -s)
    assert report["repeat_3e9"]["refused"] == "lab.memory"
    assert report["repeat_1e9"]["refused"] == "lab.memory"
    for name in ("repeat_3e9", "repeat_1e9", "concurrent_0", "concurrent_1", "concurrent_2"):
        assert report[name]["seconds"] < 10, name
    # 5,000 × 300 KB: either cut to CELL_CHAR_CAP per cell (with the notice) or refused.
    wide = report["wide_result"]
    assert wide.get("refused") == "lab.memory" or (wide["cut"] and wide["rows"] == 5000)
    assert report["dashboard_peak"] < TWO_GB
    assert report["worker_peak"] < TWO_GB


def test_results_are_capped_in_bytes_and_cells_are_cut(database):
    result = run_query(database, "SELECT repeat('好', 5000) AS big FROM range(3000)")
    # 3,000 cells of 2,000 characters (+ "…") in UTF-8: 3 bytes each, 6 KB a row: the 16 MB
    # cap stops after 16 × 2^20 ÷ 6,003 = 2,794 rows.
    assert result.cells_cut and result.bytes_capped and result.truncated
    assert len(result.frame) == 16 * 2**20 // (3 * (CELL_CHAR_CAP + 1))
    assert set(result.frame["big"].str.len()) == {CELL_CHAR_CAP + 1}


def test_a_worker_that_does_not_answer_is_killed_at_the_wall_time_limit():
    run_in_worker(5, time.sleep, 0)
    (before,) = sandbox.worker_pids()
    started = time.perf_counter()
    with pytest.raises(QueryInterrupted):
        run_in_worker(0.5, time.sleep, 60)
    assert time.perf_counter() - started < 0.5 + sandbox.KILL_GRACE_SECONDS + 1
    run_in_worker(5, time.sleep, 0)  # a new worker answers
    assert sandbox.worker_pids() != [before]


def test_the_time_limit_holds_in_the_lab(database):
    started = time.perf_counter()
    with pytest.raises(QueryInterrupted):
        run_query(database, "SELECT count(*) FROM range(1000000000000) a", timeout_seconds=1)
    assert time.perf_counter() - started < 1 + sandbox.KILL_GRACE_SECONDS


def test_a_refusal_keeps_its_message_across_the_worker(database):
    with pytest.raises(QueryRefused) as refused:
        run_query(database, "SELECT length(repeat('x', 3000000000))")
    assert refused.value.key == "lab.memory"
    assert "内存" in refused.value.text("zh")


# ---------------------------------------------------------------- medium: CSV formulas


def test_csv_downloads_cannot_carry_formulas():
    frame = pd.DataFrame(
        {
            "text": ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "普通", None],
            "number": [-5, 1, 2, 3, 4, 5, 6, 7],
        }
    )
    rows = pd.read_csv(io.BytesIO(result_csv(frame)), encoding="utf-8-sig", keep_default_na=False)
    assert rows["text"].tolist() == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\t=1",
        "'\r=1",
        "普通",
        "",
    ]
    assert rows["number"].tolist() == [-5, 1, 2, 3, 4, 5, 6, 7]  # numbers stay numbers
    assert result_csv(pd.DataFrame({"=HYPERLINK(1)": [1]})).decode("utf-8-sig").startswith("'=")
