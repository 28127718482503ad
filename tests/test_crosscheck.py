"""Checks across the files of a data folder: repeated files, unit slips, `validate` outcomes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from campaign.cli import main
from campaign.crosscheck import looks_like_copy
from campaign.storage import Dataset, load_dataset
from campaign.uploads import UploadRejected, accept_upload, preview_upload

FIN = "日期,区市,企业名称,金融机构,融资方式,金额（万元）"
MED = "案件编号,受理日期,区市,类型,状态,涉案金额（万元）,办结日期"


def write(data_dir: Path, name: str, text: str) -> Path:
    path = data_dir / "extracts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def sql(dataset: Dataset, query: str) -> list[tuple]:
    with dataset.connect() as con:
        return con.execute(query).fetchall()


def report(dataset: Dataset, name: str):
    return next(f for f in dataset.files if f.path == f"extracts/{name}")


MARCH = f"{FIN}\n2022-03-01,城阳区,甲,,贷款,100\n2022-03-02,城阳区,乙,,贷款,200\n2022-03-03,李沧区,丙,,债券,350\n"


# --- The same file twice ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "融资对接_2022-03 (1).csv",
        "融资对接_2022-03（2）.csv",
        "融资对接_2022-03 - 副本.csv",
        "融资对接_2022-03副本.csv",
        "融资对接_2022-03 - Copy.csv",
        "融资对接_2022-03_copy.csv",
        "融资对接copy.csv",
        "orders_2022 Copy (2).xlsx",
    ],
)
def test_copy_names_are_recognised(name):
    assert looks_like_copy(name)


@pytest.mark.parametrize(
    "name", ["融资对接_2022-03.csv", "financing_2022-10.csv", "copywriter.csv"]
)
def test_ordinary_names_are_not_copies(name):
    assert not looks_like_copy(name)


def test_a_file_uploaded_twice_is_counted_once_and_the_copy_refused(tmp_path):
    write(tmp_path, "融资对接_2022-03.csv", MARCH)
    # "融资对接_2022-03 (1).csv" sorts before the original (space < "."), but its name is a copy's.
    write(tmp_path, "融资对接_2022-03 (1).csv", MARCH)
    dataset = load_dataset(tmp_path)
    # 100 + 200 + 350 = 650, not 1,300.
    assert sql(dataset, "SELECT sum(amount_wan), count(*) FROM financing") == [(650.0, 3)]
    copy = report(dataset, "融资对接_2022-03 (1).csv")
    assert (copy.rows_total, copy.rows_loaded, copy.warnings) == (3, 0, [])
    assert [(e.line, e.reason_zh) for e in copy.errors] == [
        (
            None,
            "与 extracts/融资对接_2022-03.csv 的数据完全相同（3 行），本文件名像副本，"
            "为免重复计算未导入。如是重复上传，请删除本文件",
        )
    ]
    original = report(dataset, "融资对接_2022-03.csv")
    assert (original.rows_loaded, original.errors, original.warnings) == (3, [], [])


def test_of_two_identical_files_with_plain_names_the_later_name_is_refused(tmp_path):
    write(tmp_path, "financing_2022-03_a.csv", MARCH)
    # Same rows in another order and spelling: still the same data.
    write(
        tmp_path,
        "financing_2022-03_b.csv",
        f"{FIN}\n2022/3/3,李沧,丙,,债券,350\n2022-03-01,城阳区,甲,,贷款,100.00\n"
        "2022-03-02,城阳区,乙,,贷款,200\n",
    )
    dataset = load_dataset(tmp_path)
    assert sql(dataset, "SELECT sum(amount_wan) FROM financing") == [(650.0,)]
    later = report(dataset, "financing_2022-03_b.csv")
    assert later.rows_loaded == 0
    assert later.errors[0].reason_zh == (
        "与 extracts/financing_2022-03_a.csv 的数据完全相同（3 行），按文件名排序保留在前的 "
        "extracts/financing_2022-03_a.csv，本文件未导入（以免重复计算）。如是重复上传，请删除本文件"
    )


def test_a_file_whose_rows_are_all_in_a_bigger_file_is_refused(tmp_path):
    # The quarter's file holds March's rows and April's; the March file adds nothing.
    write(tmp_path, "融资对接_2022-03.csv", MARCH)
    write(
        tmp_path,
        "融资对接_2022-Q2.csv",
        MARCH + "2022-04-01,城阳区,丁,,贷款,400\n",
    )
    dataset = load_dataset(tmp_path)
    # 100 + 200 + 350 + 400 = 1,050 (the March file's 650 not added again).
    assert sql(dataset, "SELECT sum(amount_wan) FROM financing") == [(1050.0,)]
    part = report(dataset, "融资对接_2022-03.csv")
    assert part.rows_loaded == 0
    assert part.errors[0].reason_zh == (
        "本文件的 3 行全部已包含在 extracts/融资对接_2022-Q2.csv（4 行）中，为免重复计算未导入。"
        "如是重复上传，请删除本文件"
    )
    assert report(dataset, "融资对接_2022-Q2.csv").rows_loaded == 4


def test_files_sharing_only_some_rows_are_both_loaded_with_row_warnings(tmp_path):
    write(tmp_path, "融资对接_2022-03.csv", MARCH)
    write(
        tmp_path,
        "融资对接_2022-03_补报.csv",
        f"{FIN}\n2022-03-01,城阳区,甲,,贷款,100\n2022-03-04,城阳区,戊,,贷款,50\n",
    )
    dataset = load_dataset(tmp_path)
    # Nothing refused: 650 + 100 + 50 = 800; the repeated row is a warning, as before.
    assert sql(dataset, "SELECT sum(amount_wan) FROM financing") == [(800.0,)]
    extra = report(dataset, "融资对接_2022-03_补报.csv")
    assert (extra.rows_loaded, extra.errors) == (2, [])
    assert [w.line for w in extra.warnings] == [2]


def test_each_districts_file_for_the_same_month_is_loaded(tmp_path):
    write(tmp_path, "融资对接_2022-03_城阳区.csv", f"{FIN}\n2022-03-01,城阳区,甲,,贷款,100\n")
    write(tmp_path, "融资对接_2022-03_李沧区.csv", f"{FIN}\n2022-03-01,李沧区,甲,,贷款,100\n")
    # A file of the same month and district with other rows: not a repeat either.
    write(tmp_path, "融资对接_2022-03_城阳区_补报.csv", f"{FIN}\n2022-03-01,城阳区,乙,,贷款,100\n")
    dataset = load_dataset(tmp_path)
    assert sql(dataset, "SELECT sum(amount_wan) FROM financing") == [(300.0,)]
    assert [(f.rows_loaded, f.errors, f.warnings) for f in dataset.files] == [(1, [], [])] * 3


def test_a_copied_keyed_extract_is_refused_as_a_file_not_row_by_row(tmp_path):
    body = f"{MED}\nFL-1,2022-03-01,城阳区,调解,调解成功,80,2022-03-20\nFL-2,2022-03-02,李沧区,法律咨询,已办结,,\n"
    write(tmp_path, "mediation_2022-03.csv", body)
    write(tmp_path, "mediation_2022-03 - 副本.csv", body)
    dataset = load_dataset(tmp_path)
    assert sql(dataset, "SELECT count(*), sum(amount_wan) FROM mediation") == [(2, 80.0)]
    copy = report(dataset, "mediation_2022-03 - 副本.csv")
    assert len(copy.errors) == 1 and copy.errors[0].line is None
    assert "与 extracts/mediation_2022-03.csv 的数据完全相同（2 行）" in copy.errors[0].reason_zh


def test_an_upload_identical_to_an_existing_extract_is_refused(tmp_path):
    write(tmp_path, "融资对接_2022-03.csv", MARCH)
    for attempt in (preview_upload, accept_upload):
        with pytest.raises(UploadRejected) as refused:
            attempt(tmp_path, "融资对接_2022-03 (1).csv", MARCH.encode())
        assert refused.value.key == "upload.identical_file"
        assert refused.value.params == {
            "name": "融资对接_2022-03 (1).csv",
            "existing": "融资对接_2022-03.csv",
        }
    assert sorted(p.name for p in (tmp_path / "extracts").iterdir()) == ["融资对接_2022-03.csv"]
    # Sending the same file again under its own name replaces it with itself: allowed.
    accept_upload(tmp_path, "融资对接_2022-03.csv", MARCH.encode())
    assert sql(load_dataset(tmp_path), "SELECT sum(amount_wan) FROM financing") == [(650.0,)]


# --- A whole file in the wrong unit ---------------------------------------------------------

# 城阳区's history, one file a month, amounts per row in 万元; the monthly medians are
# 200, 200, 400, 120, 300, so the history's median is 200.
HISTORY = {
    "01": [100, 200, 310],
    "02": [150, 250],
    "03": [400, 500, 300],
    "04": [100, 120, 140],
    "05": [250, 350],
}


def write_month(data_dir: Path, month: str, amounts: list[float], district: str = "城阳区"):
    rows = "".join(
        f"2022-{month}-{10 + i},{district},企业{month}{i},,贷款,{a}\n"
        for i, a in enumerate(amounts)
    )
    write(data_dir, f"融资对接_2022-{month}.csv", f"{FIN}\n{rows}")


def unit_warnings(dataset: Dataset) -> list[tuple[str, str | None, str]]:
    return [
        (w.path, w.column, w.reason_zh)
        for f in dataset.files
        for w in f.warnings
        if "单位可能" in w.reason_zh
    ]


def test_a_month_typed_in_yuan_is_warned_against_the_districts_history(tmp_path):
    for month, amounts in HISTORY.items():
        write_month(tmp_path, month, amounts)
    # June in 元: 200, 300, 400 万元 typed as 2,000,000, 3,000,000, 4,000,000.
    write_month(tmp_path, "06", [2_000_000, 3_000_000, 4_000_000])
    dataset = load_dataset(tmp_path)
    # Median 3,000,000 against 200: 15,000 times.
    assert unit_warnings(dataset) == [
        (
            "extracts/融资对接_2022-06.csv",
            "金额（万元）",
            "城阳区：本文件金额中位数 3,000,000 万元/行，是该区以往月份（2022-01 至 2022-05，"
            "5 个月）中位数 200 万元/行的 15,000 倍，单位可能填成了元（应为万元），"
            "或单元格格式把元显示成了万元。请核对后重新报送（已导入）",
        )
    ]
    june = report(dataset, "融资对接_2022-06.csv")
    assert (june.rows_loaded, june.errors) == (3, [])  # kept: a warning, not a refusal


def test_yuan_shown_as_wan_by_a_number_format_is_warned(tmp_path):
    for month, amounts in HISTORY.items():
        write_month(tmp_path, month, amounts)
    # June's workbook holds 元 (2,500,000 and 3,500,000) under a format that shows 万:
    # "250.0000" and "350.0000" on screen; the cells hold the 元 values.
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(FIN.split(","))
    for day, amount in ((10, 2_500_000), (11, 3_500_000)):
        sheet.append([dt.date(2022, 6, day), "城阳区", f"企业{day}", None, "贷款", amount])
        sheet.cell(row=sheet.max_row, column=6).number_format = '0!.0000"万"'
    workbook.save(tmp_path / "extracts" / "融资对接_2022-06.xlsx")
    [(path, _, reason)] = unit_warnings(load_dataset(tmp_path))
    # Median (2,500,000 + 3,500,000) / 2 = 3,000,000 against 200: 15,000 times.
    assert path == "extracts/融资对接_2022-06.xlsx"
    assert reason.startswith("城阳区：本文件金额中位数 3,000,000 万元/行，")
    assert "200 万元/行的 15,000 倍，单位可能填成了元（应为万元）" in reason


def test_a_month_typed_in_yi_yuan_is_warned_too(tmp_path):
    for month, amounts in HISTORY.items():
        write_month(tmp_path, month, amounts)
    # June in 亿元: 200, 300, 400 万元 typed as 0.02, 0.03, 0.04; 200 / 0.03 = 6,666.7.
    write_month(tmp_path, "06", [0.02, 0.03, 0.04])
    [(path, _, reason)] = unit_warnings(load_dataset(tmp_path))
    assert path == "extracts/融资对接_2022-06.csv"
    assert reason == (
        "城阳区：本文件金额中位数 0.03 万元/行，仅为该区以往月份（2022-01 至 2022-05，5 个月）"
        "中位数 200 万元/行的 1/6,667，单位可能填成了亿元（应为万元）。请核对后重新报送（已导入）"
    )


def test_ordinary_variation_and_other_districts_are_not_warned(tmp_path):
    for month, amounts in HISTORY.items():
        write_month(tmp_path, month, amounts)
    # June 99 times the history's median (19,800 / 200): big, but not a unit slip.
    write_month(tmp_path, "06", [19_800])
    # 李沧区 has no history: its first month cannot be judged.
    write(tmp_path, "融资对接_2022-07_李沧区.csv", f"{FIN}\n2022-07-01,李沧区,甲,,贷款,5000000\n")
    assert unit_warnings(load_dataset(tmp_path)) == []


def test_a_slipped_month_does_not_make_the_next_month_look_wrong(tmp_path):
    write_month(tmp_path, "01", [100, 200, 310])
    write_month(tmp_path, "02", [1_500_000, 2_500_000])  # 元: median 2,000,000 vs 200
    write_month(tmp_path, "03", [400, 500, 300])  # against January only: 400 / 200 = 2
    warned = unit_warnings(load_dataset(tmp_path))
    assert [path for path, _, _ in warned] == ["extracts/融资对接_2022-02.csv"]
    assert "2,000,000 万元/行" in warned[0][2] and "10,000 倍" in warned[0][2]


# --- `validate`: outcome per file first, exit status from what was loaded -------------------


def test_validate_names_each_files_outcome_first(tmp_path, capsys):
    write(tmp_path, "融资对接_2022-03.csv", MARCH)
    write(tmp_path, "融资对接_2022-03 (1).csv", MARCH)
    write(
        tmp_path,
        "融资对接_2022-04.csv",
        f"{FIN}\n2022-04-01,城阳区,丁,,贷款,400\n"
        "2022-04-02,城阳区,戊,,贷款,-5\n2022-04-31,城阳区,己,,贷款,5\n",
    )
    assert main(["validate", "--data", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[:4] == [
        "✗ 融资对接_2022-03 (1).csv  拒收：与 extracts/融资对接_2022-03.csv 的数据完全相同（3 行），"
        "本文件名像副本，为免重复计算未导入。如是重复上传，请删除本文件",
        "✓ 融资对接_2022-03.csv  读入 3 行",
        "! 融资对接_2022-04.csv  读入 1 行，排除 2 行",
        "",
    ]
    assert "  错误 第 3 行 「金额（万元）」 值「-5」：不能为负数" in out


def test_validate_json_gives_each_files_outcome(tmp_path, capsys):
    write(tmp_path, "融资对接_2022-03.csv", MARCH)
    write(tmp_path, "融资对接_2022-03 (1).csv", MARCH)
    write(
        tmp_path,
        "融资对接_2022-04.csv",
        f"{FIN}\n2022-04-01,城阳区,丁,,贷款,x\n2022-04-02,城阳区,戊,,贷款,5\n",
    )
    write(tmp_path, "loans_2022.csv", MARCH)
    assert main(["validate", "--data", str(tmp_path), "--json"]) == 1
    files = json.loads(capsys.readouterr().out)["files"]
    outcomes = [
        (f["path"], f["outcome"], f["rows_loaded"], f["rows_excluded"], f["rows_skipped"])
        for f in files
    ]
    assert outcomes == [
        ("extracts/loans_2022.csv", "refused", 0, 0, 0),
        ("extracts/融资对接_2022-03 (1).csv", "refused", 0, 3, 0),
        ("extracts/融资对接_2022-03.csv", "loaded", 3, 0, 0),
        ("extracts/融资对接_2022-04.csv", "partial", 1, 1, 0),
    ]


def test_validate_exits_0_for_a_clean_folder_and_one_with_only_warnings(tmp_path, capsys):
    write(tmp_path, "融资对接_2022-03.csv", MARCH)
    assert main(["validate", "--data", str(tmp_path)]) == 0
    # An extra column and an exact repeated row are warnings: every data row is loaded.
    write(
        tmp_path,
        "融资对接_2022-04.csv",
        f"{FIN},备注\n2022-04-01,城阳区,丁,,贷款,400,补\n2022-04-01,城阳区,丁,,贷款,400,补\n",
    )
    capsys.readouterr()
    assert main(["validate", "--data", str(tmp_path)]) == 0
    assert "✓ 融资对接_2022-04.csv  读入 2 行，2 条警告" in capsys.readouterr().out


@pytest.mark.parametrize(
    "name, text",
    [
        ("融资对接_2022-04.csv", f"{FIN}\n2022-04-01,城阳区,丁,,贷款,-1\n"),  # a row excluded
        ("融资对接_2022-04.csv", "日期,区市,企业名称\n2022-04-01,城阳区,丁\n"),  # refused
        ("融资对接_2022-03 (1).csv", MARCH),  # a repeated file refused
        ("融资对接_2022-04.pdf", "%PDF-1.4\n"),  # a file not read
        ("融资对接_2022-04.xlsx", "not a workbook"),  # a file that cannot be read
    ],
)
def test_validate_exits_1_when_a_data_row_is_excluded_or_a_file_refused(tmp_path, name, text):
    write(tmp_path, "融资对接_2022-03.csv", MARCH)
    write(tmp_path, name, text)
    assert main(["validate", "--data", str(tmp_path)]) == 1


def test_validate_exits_2_on_a_usage_error(tmp_path):
    assert main(["validate", "--data", str(tmp_path), "--format", "xml"]) == 2
