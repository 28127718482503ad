"""Reading, checking and storing extracts: one test per rule of the data-foundation issue."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from campaign.cli import main
from campaign.contracts import DISTRICTS, EMPTY_MARKERS, KINDS_BY_ID, TOTAL_LABELS
from campaign.storage import Dataset, extract_paths, load_dataset

FIN_HEADER_ZH = "日期,区市,企业名称,金融机构,融资方式,金额（万元）"
FIN_HEADER_EN = "date,district,enterprise,institution,channel,amount_wan"


def write(tmp: Path, name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
    folder = tmp / "extracts"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def rows(dataset: Dataset, sql: str) -> list[tuple]:
    with dataset.connect() as con:
        return con.execute(sql).fetchall()


def report(dataset: Dataset, name: str):
    return next(f for f in dataset.files if f.path.endswith(name))


def reasons(issues) -> list[tuple[int | None, str | None, str]]:
    return [(i.line, i.column, i.reason_zh) for i in issues]


# --- File kinds, encodings, headers -------------------------------------------------------


@pytest.mark.parametrize(
    "encoding, prefix",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b""), ("gbk", b"")],
)
def test_encodings_are_detected_without_a_flag(tmp_path, encoding, prefix):
    text = f"{FIN_HEADER_ZH}\n2021-03-05,城阳区,青岛海润机械有限公司,青岛银行,贷款,100\n"
    write(tmp_path, "financing_2021.csv", prefix + text.encode(encoding))
    dataset = load_dataset(tmp_path)
    assert dataset.error_count == 0
    assert rows(dataset, "SELECT enterprise, amount_wan FROM financing") == [
        ("青岛海润机械有限公司", 100.0)
    ]


def test_undecodable_file_is_rejected_with_a_reason(tmp_path):
    write(tmp_path, "financing_bad.csv", FIN_HEADER_EN.encode() + b"\n\xff\xfe\xfa\x80\x81,\x90\n")
    dataset = load_dataset(tmp_path)
    (error,) = report(dataset, "financing_bad.csv").errors
    assert error.line is None and "编码" in error.reason_zh


def test_kind_comes_from_the_file_name_id_or_chinese_name(tmp_path):
    line = "2021-03-05,城阳区,青岛甲公司,,贷款,1"
    write(tmp_path, "financing_2021-06_城阳区.csv", f"{FIN_HEADER_ZH}\n{line}\n")
    write(
        tmp_path, "融资对接_2021_市南区.csv", f"{FIN_HEADER_ZH}\n{line.replace('城阳', '市南')}\n"
    )
    write(tmp_path, "report_2021.csv", f"{FIN_HEADER_ZH}\n{line}\n")
    dataset = load_dataset(tmp_path)
    assert rows(dataset, "SELECT count(*) FROM financing") == [(2,)]
    unknown = report(dataset, "report_2021.csv")
    assert unknown.kind is None and "无法识别数据类型" in unknown.errors[0].reason_zh


def test_headers_fold_width_spaces_case_and_order(tmp_path):
    # Full-width parentheses, surrounding spaces, English and Chinese headers mixed, shuffled.
    header = " 金额(万元) ,DISTRICT,企业名称 ,日期,channel"
    write(tmp_path, "financing_a.csv", f"{header}\n12.5,李沧区,青岛乙公司,2021-01-04,股权\n")
    dataset = load_dataset(tmp_path)
    assert dataset.error_count == 0
    assert rows(
        dataset, "SELECT date, district, enterprise, channel, amount_wan FROM financing"
    ) == [(dt.date(2021, 1, 4), "李沧区", "青岛乙公司", "股权", 12.5)]


def test_missing_required_column_rejects_the_file_and_names_the_column(tmp_path):
    write(tmp_path, "financing_a.csv", "日期,区市,企业名称\n2021-01-04,李沧区,青岛乙公司\n")
    dataset = load_dataset(tmp_path)
    file = report(dataset, "financing_a.csv")
    assert file.rows_total == 1 and file.rows_loaded == 0
    assert [(e.line, e.column) for e in file.errors] == [(None, "金额（万元）")]
    assert "缺少必需的列" in file.errors[0].reason_zh


def test_extra_column_is_ignored_with_a_warning(tmp_path):
    write(
        tmp_path,
        "financing_a.csv",
        f"{FIN_HEADER_ZH},备注\n2021-01-04,李沧区,青岛乙公司,,,3,加急\n",
    )
    file = report(load_dataset(tmp_path), "financing_a.csv")
    assert file.rows_loaded == 1 and not file.errors
    assert reasons(file.warnings) == [(1, "备注", "多余的列，已忽略")]


def test_the_same_column_twice_is_a_file_error(tmp_path):
    write(tmp_path, "financing_a.csv", f"{FIN_HEADER_ZH},amount_wan\n2021-01-04,李沧区,乙,,,3,4\n")
    file = report(load_dataset(tmp_path), "financing_a.csv")
    assert file.rows_loaded == 0 and "不止一次" in file.errors[0].reason_zh


def test_xlsx_first_sheet_reads_like_a_csv(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "区市", "企业名称", "金额（万元）"])
    sheet.append([dt.datetime(2021, 3, 5), "黄岛区", "青岛丙公司", 1234.5])
    sheet.append([None, None, None, None])
    sheet.append(["2021/3/6", "城阳", "青岛丁公司", -1])
    (tmp_path / "extracts").mkdir()
    book.save(tmp_path / "extracts" / "financing_2021.xlsx")
    dataset = load_dataset(tmp_path)
    file = report(dataset, "financing_2021.xlsx")
    assert file.encoding == "xlsx" and file.rows_total == 2 and file.rows_loaded == 1
    # The bad row is reported at its row number in the sheet (the empty row 3 is skipped).
    assert reasons(file.errors) == [(4, "金额（万元）", "不能为负数")]
    assert rows(dataset, "SELECT date, district, amount_wan, source_line FROM financing") == [
        (dt.date(2021, 3, 5), "西海岸新区", 1234.5, 2)
    ]


def test_a_file_that_is_not_a_table_gets_a_clear_message(tmp_path):
    write(tmp_path, "financing_a.xlsx", b"this is not a workbook")
    write(tmp_path, "orders_a.csv", b"")
    dataset = load_dataset(tmp_path)
    assert "不是表格文件" in report(dataset, "financing_a.xlsx").errors[0].reason_zh
    assert "为空" in report(dataset, "orders_a.csv").errors[0].reason_zh


# --- Cells -----------------------------------------------------------------------------------


def test_numbers_accept_thousands_separators_full_width_digits_and_spaces(tmp_path):
    body = "\n".join(
        [
            '2021-01-04,李沧区,甲,,,"1,234.5"',
            "2021-01-04,李沧区,乙,,,１２３",
            "2021-01-04,李沧区,丙,,,  7.25 ",
            '2021-01-04,李沧区,丁,,,"1,2,3"',
            "2021-01-04,李沧区,戊,,,12万",
            "2021-01-04,李沧区,己,,,nan",
            "2021-01-04,李沧区,庚,,,-3",
        ]
    )
    write(tmp_path, "financing_a.csv", f"{FIN_HEADER_ZH}\n{body}\n")
    dataset = load_dataset(tmp_path)
    assert rows(dataset, "SELECT enterprise, amount_wan FROM financing ORDER BY source_line") == [
        ("甲", 1234.5),
        ("乙", 123.0),
        ("丙", 7.25),
    ]
    assert reasons(report(dataset, "financing_a.csv").errors) == [
        (5, "金额（万元）", "不是数字"),  # "1,2,3" is not a thousands-separated number
        (6, "金额（万元）", "不是数字"),
        (7, "金额（万元）", "不是数字"),
        (8, "金额（万元）", "不能为负数"),
    ]


@pytest.mark.parametrize(
    "cell", ["2021-03-05", "2021/3/5", "2021.3.5", "2021年3月5日", "20210305", "２０２１-03-05"]
)
def test_every_accepted_date_format(tmp_path, cell):
    write(tmp_path, "financing_a.csv", f"{FIN_HEADER_ZH}\n{cell},李沧区,甲,,,1\n")
    dataset = load_dataset(tmp_path)
    assert dataset.error_count == 0
    assert rows(dataset, "SELECT date FROM financing") == [(dt.date(2021, 3, 5),)]


def test_bad_and_impossible_dates_are_told_apart(tmp_path):
    body = "2021-02-30,李沧区,甲,,,1\n2021-13-01,李沧区,乙,,,1\n三月五日,李沧区,丙,,,1\n1921-03-05,李沧区,丁,,,1"
    write(tmp_path, "financing_a.csv", f"{FIN_HEADER_ZH}\n{body}\n")
    errors = report(load_dataset(tmp_path), "financing_a.csv").errors
    assert [(e.line, e.value, e.reason_zh[:6]) for e in errors] == [
        (2, "2021-02-30", "日期不存在"),
        (3, "2021-13-01", "日期不存在"),
        (4, "三月五日", "无法识别的日"),
        (5, "1921-03-05", "日期超出合理"),
    ]


def test_booleans_accept_several_spellings(tmp_path):
    header = "商会编号,商会名称,类型,区市,成立日期,是否登记,是否建立党组织,状态"
    body = "\n".join(
        [
            "S1,甲商会,异地商会,市南区,2010-01-01,是,否,正常",
            "S2,乙商会,行业商会,市南区,2010-01-01,Y,n,正常",
            "S3,丙商会,行业商会,市南区,2010-01-01,true,FALSE,正常",
            "S4,丁商会,行业商会,市南区,2010-01-01,1,0,正常",
            "S5,戊商会,行业商会,市南区,2010-01-01,待定,0,正常",
        ]
    )
    write(tmp_path, "chambers_all.csv", f"{header}\n{body}\n")
    dataset = load_dataset(tmp_path)
    assert (
        rows(dataset, "SELECT registered, party_org FROM chambers ORDER BY chamber_id")
        == [(True, False)] * 4
    )
    assert reasons(report(dataset, "chambers_all.csv").errors) == [
        (6, "是否登记", "应为 是/否（也接受 Y/N、true/false、1/0、√/×、有/无、已登记/未登记）")
    ]


def test_district_variants_are_folded_and_unknown_ones_rejected(tmp_path):
    body = "\n".join(
        [
            "2021-01-04,黄岛区,甲,,,1",
            "2021-01-04,城阳,乙,,,1",
            "2021-01-04,\u3000即墨区 ,丙,,,1",
            "2021-01-04,胶州,丁,,,1",
            "2021-01-04,火星区,戊,,,1",
        ]
    )
    write(tmp_path, "financing_a.csv", f"{FIN_HEADER_ZH}\n{body}\n")
    dataset = load_dataset(tmp_path)
    assert rows(dataset, "SELECT district FROM financing ORDER BY source_line") == [
        ("西海岸新区",),
        ("城阳区",),
        ("即墨区",),
        ("胶州市",),
    ]
    assert reasons(report(dataset, "financing_a.csv").errors) == [(6, "区市", "未知的区市")]


def test_values_outside_the_allowed_list_and_empty_required_cells(tmp_path):
    body = "2021-01-04,李沧区,甲,,众筹,1\n2021-01-04,李沧区,,,贷款,1\n"
    write(tmp_path, "financing_a.csv", f"{FIN_HEADER_ZH}\n{body}")
    errors = report(load_dataset(tmp_path), "financing_a.csv").errors
    assert [(e.line, e.column, e.reason_zh[:5]) for e in errors] == [
        (2, "融资方式", "不在允许的"),
        (3, "企业名称", "必填项为空"),
    ]


def test_integers_must_be_whole(tmp_path):
    header = "日期,区市,类型,参与人数"
    write(
        tmp_path,
        "events_a.csv",
        f"{header}\n2021-05-01,平度市,座谈会,12.5\n2021-05-02,平度市,座谈会,30\n",
    )
    dataset = load_dataset(tmp_path)
    assert reasons(report(dataset, "events_a.csv").errors) == [(2, "参与人数", "应为整数")]
    assert rows(dataset, "SELECT participants FROM events") == [(30,)]


def test_signed_date_required_when_signed_or_landed(tmp_path):
    header = "项目编号,项目名称,区市,阶段,投资额（万元）,签约日期"
    body = "P1,甲项目,崂山区,在谈,100,\nP2,乙项目,崂山区,签约,200,\nP3,丙项目,崂山区,落地,300,2021-06-01\n"
    write(tmp_path, "investment_a.csv", f"{header}\n{body}")
    dataset = load_dataset(tmp_path)
    assert reasons(report(dataset, "investment_a.csv").errors) == [
        (3, "签约日期", "「阶段」为签约/落地时必须填写")
    ]
    assert rows(dataset, "SELECT project_id FROM investment ORDER BY 1") == [("P1",), ("P3",)]


# --- Lines, rows, duplicates, outliers -------------------------------------------------------


def test_blank_lines_and_empty_rows_are_ignored_and_lines_stay_true(tmp_path):
    body = "2021-01-04,李沧区,甲,,,1\n\n,,,,,\n2021-01-04,李沧区,乙,,,-1\n"
    write(tmp_path, "financing_a.csv", f"{FIN_HEADER_ZH}\n{body}")
    file = report(load_dataset(tmp_path), "financing_a.csv")
    assert (file.rows_total, file.rows_loaded) == (2, 1)
    assert reasons(file.errors) == [(5, "金额（万元）", "不能为负数")]


def test_a_line_break_inside_a_quoted_cell_keeps_later_lines_true(tmp_path):
    body = '2021-01-04,李沧区,"甲\n分公司",,,1\n2021-01-04,李沧区,乙,,,abc\n'
    write(tmp_path, "financing_a.csv", f"{FIN_HEADER_ZH}\n{body}")
    dataset = load_dataset(tmp_path)
    assert reasons(report(dataset, "financing_a.csv").errors) == [(4, "金额（万元）", "不是数字")]
    assert rows(dataset, "SELECT enterprise, source_line FROM financing") == [("甲\n分公司", 2)]


def test_rows_with_too_many_fields_are_excluded_and_counted(tmp_path):
    body = "2021-01-04,李沧区,甲,,,1,多出来\n2021-01-04,李沧区,乙,,,2\n2021-01-04,李沧区,丙\n"
    write(tmp_path, "financing_a.csv", f"{FIN_HEADER_ZH}\n{body}")
    file = report(load_dataset(tmp_path), "financing_a.csv")
    assert (file.rows_total, file.rows_loaded) == (3, 1)
    assert [(e.line, e.reason_zh) for e in file.errors] == [
        (2, "该行有 7 列，表头有 6 列"),
        (4, "必填项为空"),
    ]


def test_duplicate_keys_across_files_keep_the_first_and_exclude_the_rest(tmp_path):
    header = "案件编号,受理日期,区市,类型,状态"
    write(tmp_path, "mediation_a.csv", f"{header}\nFL-1,2021-01-04,市北区,调解,调解成功\n")
    write(
        tmp_path,
        "mediation_b.csv",
        f"{header}\nFL-2,2021-01-05,市北区,调解,办理中\nFL-1,2021-02-01,市北区,调解,调解失败\n",
    )
    dataset = load_dataset(tmp_path)
    (error,) = report(dataset, "mediation_b.csv").errors
    assert (error.line, error.column, error.value) == (3, "案件编号", "FL-1")
    assert "extracts/mediation_a.csv 第 2 行" in error.reason_zh
    assert rows(dataset, "SELECT case_id, status FROM mediation ORDER BY 1") == [
        ("FL-1", "调解成功"),
        ("FL-2", "办理中"),
    ]


def test_exact_duplicate_rows_are_kept_with_a_warning(tmp_path):
    line = "2021-01-04,李沧区,甲,,,5"
    write(
        tmp_path, "financing_a.csv", f"{FIN_HEADER_ZH}\n{line}\n2021-01-04,李沧区,乙,,,6\n{line}\n"
    )
    dataset = load_dataset(tmp_path)
    file = report(dataset, "financing_a.csv")
    assert file.rows_loaded == 3 and not file.errors
    assert [w.line for w in file.warnings] == [4]
    assert file.warnings[0].reason_zh.startswith("与 extracts/financing_a.csv 第 2 行完全相同")


def test_an_amount_a_thousand_times_the_median_is_warned_and_kept(tmp_path):
    body = "\n".join(f"2021-01-04,李沧区,企业{i},,,{a}" for i, a in enumerate([10, 20, 30, 25000]))
    write(tmp_path, "financing_a.csv", f"{FIN_HEADER_ZH}\n{body}\n")
    dataset = load_dataset(tmp_path)
    file = report(dataset, "financing_a.csv")
    # median of 10, 20, 30, 25000 is 25; 25000 >= 1000 × 25.
    assert [(w.line, w.column) for w in file.warnings] == [(5, "金额（万元）")]
    assert "中位数（25 万元）的 1,000 倍" in file.warnings[0].reason_zh
    assert file.rows_loaded == 4


def test_every_excluded_row_is_counted(tmp_path):
    body = "2021-01-04,李沧区,甲,,,1\nbad,李沧区,乙,,,1\n2021-01-04,火星,丙,,,x\n"
    write(tmp_path, "financing_a.csv", f"{FIN_HEADER_ZH}\n{body}")
    dataset = load_dataset(tmp_path)
    file = report(dataset, "financing_a.csv")
    assert (file.rows_total, file.rows_loaded, file.rows_excluded) == (3, 1, 2)
    assert dataset.rows_excluded == 2
    assert len(file.errors) == 3  # the third row has two problems, both reported


# --- Storage -----------------------------------------------------------------------------------


def test_rebuilt_only_when_content_changes(tmp_path):
    path = write(tmp_path, "financing_a.csv", f"{FIN_HEADER_ZH}\n2021-01-04,李沧区,甲,,,1\n")
    first = load_dataset(tmp_path)
    # A new modification time with the same bytes is not a change.
    path.touch()
    path.write_bytes(path.read_bytes())
    again = load_dataset(tmp_path)
    assert again.database_path == first.database_path and again.built_at == first.built_at
    path.write_text(f"{FIN_HEADER_ZH}\n2021-01-04,李沧区,甲,,,2\n", encoding="utf-8")
    changed = load_dataset(tmp_path)
    assert changed.fingerprint != first.fingerprint
    assert rows(changed, "SELECT amount_wan FROM financing") == [(2.0,)]


def test_extract_files_are_listed_by_name_without_lock_and_hidden_files(tmp_path):
    write(tmp_path, "orders_b.csv", f"{FIN_HEADER_ZH}\n")
    write(tmp_path, "financing_a.CSV", f"{FIN_HEADER_ZH}\n")
    write(tmp_path, "~$financing_a.xlsx", "")
    write(tmp_path, ".financing_c.csv", "")
    write(tmp_path, "notes.txt", "")
    (tmp_path / "extracts" / "sub.csv").mkdir()
    # Everything else is listed, in name order, so that what is not read can be reported
    # (tests/test_real_extracts_files.py).
    assert [p.name for p in extract_paths(tmp_path)] == [
        "financing_a.CSV",
        "notes.txt",
        "orders_b.csv",
        "sub.csv",
    ]


def test_a_failed_rebuild_keeps_the_last_good_database_serving(tmp_path, monkeypatch):
    import campaign.storage as storage

    path = write(tmp_path, "financing_a.csv", f"{FIN_HEADER_ZH}\n2021-01-04,李沧区,甲,,,1\n")
    good = load_dataset(tmp_path)

    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(storage, "build_database", disk_full)
    path.write_text(f"{FIN_HEADER_ZH}\n2021-01-04,李沧区,甲,,,99\n", encoding="utf-8")
    failed = load_dataset(tmp_path)
    assert failed.build_error and "No space left" in failed.build_error
    assert failed.fingerprint == good.fingerprint
    assert rows(failed, "SELECT amount_wan FROM financing") == [(1.0,)]


def test_source_file_and_line_are_stored_with_each_row(tmp_path):
    write(
        tmp_path,
        "financing_a.csv",
        f"{FIN_HEADER_ZH}\n2021-01-04,李沧区,甲,,,1\n2021-01-05,李沧区,乙,,,2\n",
    )
    dataset = load_dataset(tmp_path)
    assert rows(dataset, "SELECT source_file, source_line FROM financing ORDER BY 2") == [
        ("extracts/financing_a.csv", 2),
        ("extracts/financing_a.csv", 3),
    ]


# --- Command line --------------------------------------------------------------------------


def test_validate_exit_codes_and_json_shape(tmp_path, capsys):
    (tmp_path / "targets.csv").write_text("kpi_id,year,district,target\n")  # no warning for it
    write(tmp_path, "financing_a.csv", f"{FIN_HEADER_ZH}\n2021-01-04,李沧区,甲,,,1\n")
    assert main(["validate", "--data", str(tmp_path)]) == 0
    write(tmp_path, "financing_b.csv", f"{FIN_HEADER_ZH}\n2021-01-04,李沧区,乙,,,-1\n")
    capsys.readouterr()
    assert main(["validate", "--data", str(tmp_path), "--json", "--lang", "en"]) == 1
    report_json = json.loads(capsys.readouterr().out)
    assert report_json["errors"] == 1 and report_json["warnings"] == 0
    bad = report_json["files"][1]
    assert bad == {
        "path": "extracts/financing_b.csv",
        "kind": "financing",
        "outcome": "partial",
        "rows_excluded": 1,
        "rows_skipped": 0,
        "rows_total": 1,
        "rows_loaded": 0,
        "errors": [
            {"line": 2, "column": "金额（万元）", "value": "-1", "reason": "must not be negative"}
        ],
        "warnings": [],
        "notes": [],
    }
    assert main(["validate", "--bogus"]) == 2


def test_validate_text_report_names_file_line_column_and_reason(tmp_path, capsys):
    write(tmp_path, "financing_b.csv", f"{FIN_HEADER_ZH}\n2021-01-04,李沧区,乙,,,-1\n")
    assert main(["validate", "--data", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "extracts/financing_b.csv" in out
    assert "错误 第 2 行 「金额（万元）」 值「-1」：不能为负数" in out


# --- Property: a valid row in any accepted spelling reads back equal -------------------------


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
TOTAL_SHAPE = re.compile("^.{0,12}(" + "|".join(TOTAL_LABELS) + ")[:：]?$")
_counter = itertools.count()


def _date_spellings(day: dt.date) -> list[str]:
    return [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%Y%m%d"),
        day.isoformat().translate(FULL_WIDTH),
    ]


def _amount_spellings(cents: int) -> list[str]:
    value = f"{cents // 100}.{cents % 100:02d}"
    return [value, f"{cents / 100:,.2f}", value.translate(FULL_WIDTH), f"  {value} "]


def _district_spellings(name: str) -> list[str]:
    spellings = [name, f" {name}\u3000"]
    if name.endswith(("区", "市")) and len(name) > 2:
        spellings.append(name[:-1])
    if name == "西海岸新区":
        spellings.append("黄岛区")
    return spellings


names = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp", "Co", "Cn")
    ),
    min_size=1,
    max_size=12,
).filter(  # not a word meaning "nothing" (/, 无) nor a totals label (合计): those are rules
    lambda name: name.strip() not in EMPTY_MARKERS and not TOTAL_SHAPE.match(name.replace(" ", ""))
)
row_strategy = st.tuples(
    st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
    st.sampled_from(DISTRICTS),
    names,
    st.sampled_from(("贷款", "债券", "股权", "上市", "其他", None)),
    st.integers(0, 10**9),
    st.integers(0, 99),  # picks the spellings
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    valid_rows=st.lists(row_strategy, min_size=1, max_size=8),
    english_header=st.booleans(),
    encoding=st.sampled_from(("utf-8", "utf-8-sig", "gb18030")),
    reverse_columns=st.booleans(),
)
def test_a_valid_row_in_any_accepted_format_reads_back_equal(
    tmp_path, valid_rows, english_header, encoding, reverse_columns
):
    folder = tmp_path / f"case{next(_counter)}"
    kind = KINDS_BY_ID["financing"]
    written = ("date", "district", "enterprise", "institution", "channel", "amount_wan")
    header = [c.name if english_header else c.header_zh for c in map(kind.column, written)]
    order = list(range(len(header)))[:: -1 if reverse_columns else 1]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header[i] for i in order])
    expected = []
    for day, district, enterprise, channel, cents, pick in valid_rows:
        cells = [
            _date_spellings(day)[pick % 6],
            _district_spellings(district)[pick % len(_district_spellings(district))],
            enterprise,
            "",
            channel or "",
            _amount_spellings(cents)[pick % 4],
        ]
        writer.writerow([cells[i] for i in order])
        expected.append((day, district, enterprise.strip(), channel, cents / 100))
    write(folder, "financing_prop.csv", buffer.getvalue(), encoding)
    dataset = load_dataset(folder)
    assert dataset.error_count == 0, [e.reason_en for f in dataset.files for e in f.errors]
    got = rows(
        dataset,
        "SELECT date, district, enterprise, channel, amount_wan FROM financing ORDER BY source_line",
    )
    assert [(d, di, e, c, round(a, 2)) for d, di, e, c, a in got] == expected


def test_line_numbers_stay_true_in_a_large_file_read_in_parallel(tmp_path):
    """A file big enough for DuckDB to read in parallel chunks (~40 MB): the reported lines
    of bad rows and the stored source_line of good rows still match the file."""
    line_count = 400_000
    bad_lines = {2, 77_777, 200_001, line_count + 1}
    out = []
    for line in range(2, line_count + 2):
        amount = "-7" if line in bad_lines else f"{line % 997}.5"
        out.append(
            f"2021-01-{line % 28 + 1:02d},李沧区,青岛测试企业{line:07d}有限公司,青岛银行股份有限公司,贷款,{amount}"
        )
    write(tmp_path, "financing_big.csv", FIN_HEADER_ZH + "\n" + "\n".join(out) + "\n")
    dataset = load_dataset(tmp_path)
    file = report(dataset, "financing_big.csv")
    assert [(e.line, e.value) for e in file.errors] == [(n, "-7") for n in sorted(bad_lines)]
    assert file.rows_loaded == line_count - len(bad_lines)
    stored = rows(dataset, "SELECT source_line, enterprise FROM financing USING SAMPLE 500 ROWS")
    assert all(name == f"青岛测试企业{line:07d}有限公司" for line, name in stored)


def test_an_encoding_that_shows_only_after_the_first_megabyte_is_still_found(tmp_path):
    """The encoding is judged on the first megabyte; a GB18030 file whose first megabyte
    happens to be plain ASCII is caught when DuckDB meets the first Chinese byte."""
    ascii_rows = "".join(f"2021-01-04,Licang,firm{i:06d},,,1\n" for i in range(40_000))
    text = f"{FIN_HEADER_EN}\n{ascii_rows}2021-01-05,李沧区,青岛后来公司,,,2\n"
    assert text.index("李") > (1 << 20)
    write(tmp_path, "financing_late.csv", text, "gb18030")
    dataset = load_dataset(tmp_path)
    file = report(dataset, "financing_late.csv")
    assert file.encoding == "gb18030"
    # "Licang" is not a district spelling: those rows are excluded; the Chinese one loads.
    assert file.rows_loaded == 1 and len(file.errors) == 40_000
    assert rows(dataset, "SELECT enterprise, source_line FROM financing") == [
        ("青岛后来公司", 40_002)
    ]
