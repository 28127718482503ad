"""Files as district offices really send them (issue 12, the file-level part).

Every file here is built by the test as a real file: openpyxl for .xlsx (hidden sheets,
merged cells, 1904 dates, formulas without cached values), xlwt for a real Excel 97-2003
.xls, and text for CSV/TSV/HTML.  Each test checks the exact rows loaded, a hand-computed
total and the exact message (file, line, column, reason).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xlwt
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from campaign.storage import load_dataset
from campaign.uploads import preview_upload
from campaign.workbench import upload_issues, upload_summary

HEADER = ["日期", "区市", "企业名称", "金融机构", "融资方式", "金额（万元）"]


def extracts(tmp_path: Path) -> Path:
    folder = tmp_path / "extracts"
    folder.mkdir(exist_ok=True)
    return folder


def loaded(dataset, sql: str = "") -> list[tuple]:
    query = sql or (
        "SELECT date, district, enterprise, amount_wan, source_file, source_line "
        "FROM financing ORDER BY source_file, source_line"
    )
    with dataset.connect() as con:
        return con.execute(query).fetchall()


def total(dataset) -> float:
    return loaded(dataset, "SELECT coalesce(sum(amount_wan), 0) FROM financing")[0][0]


def issues(report) -> list[tuple]:
    return [
        (i.severity, i.line, i.column, i.value, i.reason_zh)
        for i in (*report.errors, *report.warnings)
    ]


def report(dataset, path: str):
    return next(f for f in dataset.files if f.path == path)


# --- A workbook with one sheet per month ----------------------------------------------------


def test_every_visible_month_sheet_is_read_hidden_and_instruction_sheets_are_noted(tmp_path):
    book = Workbook()
    instructions = book.active
    instructions.title = "填报说明"
    instructions.append(["金额单位为万元，日期按放款日期填写"])
    for month, rows in (
        ("1月", [(dt.datetime(2022, 1, 5), "市南区", "青岛甲公司", 100)]),
        (
            "2月",
            [
                (dt.datetime(2022, 2, 7), "市北区", "青岛乙公司", 40),
                (dt.datetime(2022, 2, 9), "城阳区", "青岛丙公司", 2.5),
            ],
        ),
        ("草稿", [(dt.datetime(2022, 2, 9), "城阳区", "青岛丁公司", 999)]),
    ):
        sheet = book.create_sheet(month)
        sheet.append(HEADER)
        for date, district, name, amount in rows:
            sheet.append([date, district, name, None, "贷款", amount])
    book["草稿"].sheet_state = "hidden"
    book.save(extracts(tmp_path) / "融资对接_2022.xlsx")

    dataset = load_dataset(tmp_path)
    # 100 + 40 + 2.5; the hidden 草稿 sheet's 999 is not read.
    assert total(dataset) == 142.5
    assert loaded(dataset) == [
        (dt.date(2022, 1, 5), "市南区", "青岛甲公司", 100.0, "extracts/融资对接_2022.xlsx#1月", 2),
        (dt.date(2022, 2, 7), "市北区", "青岛乙公司", 40.0, "extracts/融资对接_2022.xlsx#2月", 2),
        (dt.date(2022, 2, 9), "城阳区", "青岛丙公司", 2.5, "extracts/融资对接_2022.xlsx#2月", 3),
    ]
    first = report(dataset, "extracts/融资对接_2022.xlsx#1月")
    assert issues(first) == [
        ("warning", None, None, None, "工作表「填报说明」是填报说明，未读取"),
        (
            "warning",
            None,
            None,
            None,
            "工作表「草稿」已隐藏，未读取（如需读取，请在 Excel 中取消隐藏）",
        ),
    ]
    assert (first.rows_total, first.rows_loaded) == (1, 1)


def test_a_summary_sheet_beside_month_sheets_is_not_counted_twice(tmp_path):
    book = Workbook()
    book.active.title = "汇总"
    book["汇总"].append(HEADER)
    book["汇总"].append(["2022-01-05", "市南区", "青岛甲公司", None, "贷款", 100])
    book["汇总"].append(["2022-02-07", "市北区", "青岛乙公司", None, "贷款", 40])
    for month, row in (
        ("1月", ["2022-01-05", "市南区", "青岛甲公司", None, "贷款", 100]),
        ("2月", ["2022-02-07", "市北区", "青岛乙公司", None, "贷款", 40]),
    ):
        sheet = book.create_sheet(month)
        sheet.append(HEADER)
        sheet.append(row)
    book.save(extracts(tmp_path) / "financing_2022.xlsx")
    dataset = load_dataset(tmp_path)
    assert total(dataset) == 140.0  # 100 + 40, not 280
    assert issues(report(dataset, "extracts/financing_2022.xlsx#1月"))[0][4] == (
        "工作表「汇总」是汇总表，未读取，以免与其他工作表重复计数（如确需读取，请修改工作表名称）"
    )


# --- Title rows, grouped headers, column numbers, footnotes ---------------------------------


def test_title_grouped_header_column_numbers_and_footnotes_in_a_workbook(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["2022年3月城阳区融资对接情况统计表"])  # line 1
    sheet.append([])  # line 2
    sheet.append(["填报单位：城阳区工商联", None, None, None, None, "单位：万元"])  # line 3
    # A grouped header: 基本情况 over 日期/区市/企业名称, 融资情况 over the rest; 区市 merged
    # down over both header rows (its name only in the upper one).
    sheet.append(["基本情况", "区市", None, "融资情况", None, None])  # line 4
    sheet.append(["日期", None, "企业名称", "金融机构", "融资方式", "金额（万元）"])  # line 5
    sheet.merge_cells("B4:B5")
    sheet.append([1, 2, 3, 4, 5, 6])  # line 6: column numbers
    sheet.append(["2022-03-01", "城阳区", "青岛甲公司", "青岛银行", "贷款", 300])  # line 7
    sheet.append(["2022-03-02", "城阳区", "青岛乙公司", "农商银行", "贷款", 20.5])  # line 8
    sheet.append([])
    sheet.append(["注：1. 金额单位为万元；"])  # line 10
    sheet.append(["2. 日期按放款日期填写。"])  # line 11
    sheet.append(["填报人：张三", None, None, "联系电话：0532-88888888", None, "审核人："])  # 12
    book.save(extracts(tmp_path) / "financing_2022-03_城阳区.xlsx")

    dataset = load_dataset(tmp_path)
    assert total(dataset) == 320.5  # 300 + 20.5
    assert [row[2:] for row in loaded(dataset)] == [
        ("青岛甲公司", 300.0, "extracts/financing_2022-03_城阳区.xlsx", 7),
        ("青岛乙公司", 20.5, "extracts/financing_2022-03_城阳区.xlsx", 8),
    ]
    file = report(dataset, "extracts/financing_2022-03_城阳区.xlsx")
    assert not file.errors and (file.rows_total, file.rows_loaded) == (2, 2)
    notes = [
        (10, "注：1. 金额单位为万元；"),
        (11, "2. 日期按放款日期填写。"),
        (12, "填报人：张三 联系电话：0532-88888888 审核人："),
    ]
    assert issues(file) == [
        ("warning", line, None, text, f"表尾的备注/签字行「{text}」，未作为数据读取")
        for line, text in notes
    ]


def test_title_rows_and_footnotes_in_a_csv_keep_true_lines_on_the_fast_path(tmp_path):
    lines = [
        "2022年3月城阳区融资对接情况统计表,,,,,",
        ",,,,,",
        ",".join(HEADER),
        "1,2,3,4,5,6",
        "2022-03-01,城阳区,青岛甲公司,青岛银行,贷款,300",
        "2022-03-02,城阳区,青岛乙公司,农商银行,贷款,-20",  # line 6: negative
        "2022-03-03,城阳区,青岛丙公司,农商银行,贷款,7",
        "注：金额单位为万元,,,,,",
        "填报人：张三,,,联系电话：0532-88888888,,审核人：李四",
    ]
    (extracts(tmp_path) / "financing_2022-03.csv").write_text("\n".join(lines) + "\n", "utf-8")
    dataset = load_dataset(tmp_path)
    assert total(dataset) == 307.0  # 300 + 7; the -20 row is excluded
    assert [row[-1] for row in loaded(dataset)] == [5, 7]
    file = report(dataset, "extracts/financing_2022-03.csv")
    assert (file.rows_total, file.rows_loaded) == (3, 2)
    assert issues(file) == [
        ("error", 6, "金额（万元）", "-20", "不能为负数"),
        (
            "warning",
            8,
            None,
            "注：金额单位为万元",
            "表尾的备注/签字行「注：金额单位为万元」，未作为数据读取",
        ),
        (
            "warning",
            9,
            None,
            "填报人：张三 联系电话：0532-88888888 审核人：李四",
            "表尾的备注/签字行「填报人：张三 联系电话：0532-88888888 审核人：李四」，"
            "未作为数据读取",
        ),
    ]


def test_a_csv_with_a_quoted_line_break_and_a_title_row_reads_exactly(tmp_path):
    text = (
        "融资对接情况统计表\n"
        + ",".join(HEADER)
        + '\n2022-03-01,城阳区,"青岛甲\n公司",,贷款,1\n2022-03-02,城阳区,青岛乙公司,,贷款,x\n'
        + "注：金额单位为万元\n"
    )
    (extracts(tmp_path) / "financing_q.csv").write_text(text, "utf-8")
    dataset = load_dataset(tmp_path)
    file = report(dataset, "extracts/financing_q.csv")
    assert [(i.line, i.column, i.reason_zh) for i in file.errors] == [
        (5, "金额（万元）", "不是数字")
    ]
    assert [(w.line, w.value) for w in file.warnings] == [(6, "注：金额单位为万元")]
    assert loaded(dataset, "SELECT enterprise, source_line FROM financing") == [("青岛甲\n公司", 3)]


# --- Merged cells, dates, formulas ---------------------------------------------------------


def test_district_merged_over_a_block_is_filled_down_but_a_merged_amount_is_not(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["2022-03-01", "胶州市", "青岛甲公司", None, "贷款", 10])  # line 2
    sheet.append(["2022-03-02", None, "青岛乙公司", None, "贷款", 20])  # line 3
    sheet.append(["2022-03-03", None, "青岛丙公司", None, "贷款", 30])  # line 4
    sheet.append(["2022-03-04", "平度市", "青岛丁公司", None, "贷款", 50])  # line 5
    sheet.append(["2022-03-05", "平度市", "青岛戊公司", None, "贷款", None])  # line 6
    sheet.merge_cells("B2:B4")
    sheet.merge_cells("F5:F6")  # 50 for two companies together: never counted twice
    book.save(extracts(tmp_path) / "financing_merged.xlsx")
    dataset = load_dataset(tmp_path)
    assert loaded(dataset, "SELECT district, amount_wan FROM financing ORDER BY source_line") == [
        ("胶州市", 10.0),
        ("胶州市", 20.0),
        ("胶州市", 30.0),
        ("平度市", 50.0),
    ]
    assert total(dataset) == 110.0  # 10 + 20 + 30 + 50 (the merged 50 once)
    file = report(dataset, "extracts/financing_merged.xlsx")
    # Errors first, then warnings: line 6's share of the merged amount is empty.
    assert issues(file) == [
        ("error", 6, "金额（万元）", None, "必填项为空"),
        (
            "warning",
            5,
            "金额（万元）",
            "50",
            "合并单元格跨第 5–6 行：数值只计入第 5 行，不会复制到其他行；如应逐行填写，请拆分单元格",
        ),
    ]


def test_serial_dates_and_the_1904_date_system(tmp_path):
    book = Workbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([dt.datetime(2022, 3, 8), "城阳区", "青岛甲公司", None, "贷款", 1])  # a real date
    sheet.append([44627, "城阳区", "青岛乙公司", None, "贷款", 2])  # a bare serial, 1904 system
    book.save(extracts(tmp_path) / "financing_mac.xlsx")
    book1900 = Workbook()
    sheet = book1900.active
    sheet.append(HEADER)
    # 44562 is 2022-01-01, so 44621 is 03-01 (31 + 28 days on) and 44627 is 2022-03-07.
    sheet.append([44627, "城阳区", "青岛丙公司", None, "贷款", 4])
    sheet.append([2022, "城阳区", "青岛丁公司", None, "贷款", 8])  # a year, not a serial
    book1900.save(extracts(tmp_path) / "financing_win.xlsx")
    dataset = load_dataset(tmp_path)
    # In the 1904 system serial 44627 is 1462 days later: 2022-03-07 + 4 years (1461 days,
    # 2024 a leap year) + 1 day = 2026-03-08.
    assert loaded(dataset, "SELECT enterprise, date FROM financing ORDER BY enterprise") == [
        ("青岛丙公司", dt.date(2022, 3, 7)),
        ("青岛乙公司", dt.date(2026, 3, 8)),
        ("青岛甲公司", dt.date(2022, 3, 8)),
    ]
    assert total(dataset) == 7.0  # 1 + 2 + 4; the 2022 row is not a date
    (error,) = report(dataset, "extracts/financing_win.xlsx").errors
    assert (error.line, error.column, error.value) == (3, "日期", "2022")


def test_a_formula_without_a_cached_result_says_open_and_save_in_excel(tmp_path):
    book = Workbook()  # openpyxl writes formulas without results, like many export tools
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["2022-03-01", "城阳区", "青岛甲公司", None, "贷款", "=10*3"])
    sheet.append(["2022-03-02", "城阳区", "青岛乙公司", None, "贷款", 5])
    book.save(extracts(tmp_path) / "financing_formula.xlsx")
    dataset = load_dataset(tmp_path)
    file = report(dataset, "extracts/financing_formula.xlsx")
    assert issues(file) == [
        ("error", 2, "金额（万元）", "=10*3", "公式没有计算结果，请在 Excel 中打开并保存后再上传")
    ]
    assert file.rows_loaded == 0 and total(dataset) == 0


# --- Other formats ---------------------------------------------------------------------------


def _real_xls(path: Path, *, dates_1904: bool = False) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    book.dates_1904 = dates_1904
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    sheet = book.add_sheet("3月")
    sheet.write(0, 0, "2022年3月城阳区融资对接情况统计表")
    for column, header in enumerate(HEADER):
        sheet.write(1, column, header)
    rows = [
        (dt.datetime(2022, 3, 1), "青岛甲公司", 12.5),
        (dt.datetime(2022, 3, 2), "青岛乙公司", 7.5),
    ]
    for n, (date, name, amount) in enumerate(rows, start=2):
        sheet.write(n, 0, date, date_style)
        sheet.write(n, 2, name)
        sheet.write(n, 4, "贷款")
        sheet.write(n, 5, amount)
    sheet.write_merge(2, 3, 1, 1, "城阳区")  # 区市 merged over both rows
    hidden = book.add_sheet("旧数据")
    for column, header in enumerate(HEADER):
        hidden.write(0, column, header)
    hidden.write(1, 0, "2022-01-01")
    hidden.write(1, 1, "城阳区")
    hidden.write(1, 2, "青岛旧公司")
    hidden.write(1, 5, 1000)
    hidden.visibility = 1
    book.save(str(path))


@pytest.mark.parametrize(
    "suffix, dates_1904",
    [(".xls", False), (".xls", True), (".et", False)],  # WPS's .et uses the same container
)
def test_a_real_excel_97_2003_xls_is_read(tmp_path, suffix, dates_1904):
    name = f"financing_2022-03{suffix}"
    _real_xls(extracts(tmp_path) / name, dates_1904=dates_1904)
    dataset = load_dataset(tmp_path)
    assert loaded(dataset) == [
        (dt.date(2022, 3, 1), "城阳区", "青岛甲公司", 12.5, f"extracts/{name}", 3),
        (dt.date(2022, 3, 2), "城阳区", "青岛乙公司", 7.5, f"extracts/{name}", 4),
    ]
    assert total(dataset) == 20.0  # 12.5 + 7.5; the hidden sheet's 1000 is not read
    file = report(dataset, f"extracts/{name}")
    assert file.encoding == "xls"
    assert issues(file) == [
        (
            "warning",
            None,
            None,
            None,
            "工作表「旧数据」已隐藏，未读取（如需读取，请在 Excel 中取消隐藏）",
        )
    ]


def test_an_xls_that_is_html_and_one_that_is_an_xlsx_are_read_by_their_bytes(tmp_path):
    html = (
        '<html><head><meta charset="gb2312"></head><body><table>'
        "<tr><td colspan=6>融资对接情况统计表</td></tr>"
        + "<tr>"
        + "".join(f"<th>{h}</th>" for h in HEADER)
        + "</tr>"
        "<tr><td>2022-03-01</td><td rowspan=2>李沧区</td><td>青岛甲公司</td><td></td>"
        "<td>贷款</td><td>1,200</td></tr>"
        "<tr><td>2022-03-02</td><td>青岛乙公司</td><td></td><td>股权</td><td>300</td></tr>"
        "</table></body></html>"
    )
    (extracts(tmp_path) / "financing_web.xls").write_bytes(html.encode("gb18030"))
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["2022-03-03", "市南区", "青岛丙公司", None, "贷款", 5])
    book.save(extracts(tmp_path) / "financing_renamed.xls")
    dataset = load_dataset(tmp_path)
    assert loaded(
        dataset,
        "SELECT district, amount_wan, source_file, source_line FROM financing "
        "ORDER BY source_file, source_line",
    ) == [
        ("市南区", 5.0, "extracts/financing_renamed.xls", 2),
        ("李沧区", 1200.0, "extracts/financing_web.xls", 3),
        ("李沧区", 300.0, "extracts/financing_web.xls", 4),
    ]
    assert total(dataset) == 1505.0  # 5 + 1200 + 300


@pytest.mark.parametrize(
    "name, text",
    [
        ("financing_a.tsv", "\t".join(HEADER) + "\n2022-03-01\t城阳区\t青岛甲公司\t\t贷款\t6\n"),
        ("financing_b.txt", "\t".join(HEADER) + "\n2022-03-01\t城阳区\t青岛甲公司\t\t贷款\t6\n"),
        ("financing_c.csv", "，".join(HEADER) + "\n2022-03-01，城阳区，青岛甲公司，，贷款，6\n"),
        ("financing_d.xls", "\t".join(HEADER) + "\n2022-03-01\t城阳区\t青岛甲公司\t\t贷款\t6\n"),
    ],
)
def test_tab_separated_and_chinese_comma_separated_text(tmp_path, name, text):
    (extracts(tmp_path) / name).write_bytes(text.encode("gb18030"))
    dataset = load_dataset(tmp_path)
    assert loaded(dataset) == [
        (dt.date(2022, 3, 1), "城阳区", "青岛甲公司", 6.0, f"extracts/{name}", 2)
    ]


def test_every_file_in_the_folder_that_is_not_read_is_reported(tmp_path):
    folder = extracts(tmp_path)
    (folder / "financing_ok.csv").write_text(",".join(HEADER) + "\n2022-03-01,城阳区,甲,,贷款,1\n")
    (folder / "financing_2022.pdf").write_bytes(b"%PDF-1.4")
    (folder / "3月").mkdir()
    (folder / "3月" / "financing_2022-03.csv").write_text(",".join(HEADER) + "\n")
    (folder / "~$financing_ok.xlsx").write_bytes(b"lock")  # Excel's lock file: not a file to read
    dataset = load_dataset(tmp_path)
    assert {f.path: [e.reason_zh for e in f.errors] for f in dataset.files} == {
        "extracts/3月": ["子文件夹中的文件不会被读取：请把数据文件直接放在 extracts/ 中"],
        "extracts/financing_2022.pdf": [
            "未读取「financing_2022.pdf」：不是可读取的数据文件（可读取 .csv .tsv .txt .xlsx "
            ".xls .et），请另存为 .xlsx 或 .csv，或移出 extracts/"
        ],
        "extracts/financing_ok.csv": [],
    }
    assert total(dataset) == 1.0


def test_the_upload_preview_of_a_month_per_sheet_workbook_names_the_sheets(tmp_path):
    extracts(tmp_path)
    book = Workbook()
    book.active.title = "1月"
    book["1月"].append(["2022年1月融资对接情况", None, None])
    book["1月"].append([*HEADER, "备注"])  # line 2, an extra column
    book["1月"].append(["2022-01-05", "市南区", "青岛甲公司", None, "贷款", 100, "加急"])
    sheet = book.create_sheet("2月")
    sheet.append(HEADER)
    sheet.append(["2022-02-07", "市北区", "青岛乙公司", None, "贷款", -4])
    sheet.append(["2022-02-08", "市北区", "青岛丙公司", None, "贷款", 4])
    path = tmp_path / "upload.xlsx"
    book.save(path)
    preview = preview_upload(tmp_path, "融资对接_2022.xlsx", path.read_bytes())
    assert preview.sheets == ("1月", "2月") and preview.acceptable
    # 1 row on 1月 + 2 on 2月; the -4 is excluded.
    assert (preview.report.rows_total, preview.report.rows_loaded) == (3, 2)
    assert upload_summary(preview)[-1] == "读取的工作表：1月、2月"
    assert upload_issues(preview).values.tolist() == [
        ["错误", "2月", 2, "金额（万元）", "-4", "不能为负数"],
        ["警告", "1月", 2, "备注", "", "多余的列，已忽略"],
    ]


@pytest.mark.parametrize(
    "name, content, reason",
    [
        (
            "financing_2003.xls",
            b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
            b"</Workbook>",
            "这是 Excel 2003 XML 表格，不能直接读取：请在 Excel 中另存为 .xlsx 后再上传",
        ),
        (
            "financing_broken.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "无法读取这个 Excel 97-2003 / WPS 表格文件（CompDocError）："
            "请在 Excel 或 WPS 中另存为 .xlsx 后再上传",
        ),
        (
            "financing_text.xlsx",
            b"this is not a workbook\n",
            "不是表格文件：扩展名是 .xlsx，但内容不是 Excel 工作簿，"
            "请在 Excel 中打开并另存为 .xlsx 后再上传",
        ),
    ],
)
def test_a_file_that_cannot_be_read_says_what_it_is_and_what_to_do(tmp_path, name, content, reason):
    (extracts(tmp_path) / name).write_bytes(content)
    file = report(load_dataset(tmp_path), f"extracts/{name}")
    assert issues(file) == [("error", None, None, None, reason)]


def test_a_workbook_named_after_no_kind_is_read_sheet_by_sheet_by_kind(tmp_path):
    book = Workbook()
    book.active.title = "融资对接"  # the kind by the sheet's name
    book["融资对接"].append(HEADER)
    book["融资对接"].append(["2022-03-01", "城阳区", "青岛甲公司", None, "贷款", 30])
    orders = book.create_sheet("Sheet2")  # the kind by the header: 订单对接's columns
    orders.append(["日期", "区市", "企业名称", "平台", "订单金额（万元）"])
    orders.append(["2022-03-02", "城阳区", "青岛乙公司", "青岛优品", 12])
    book.create_sheet("台账").append(["序号", "备注"])
    book.save(extracts(tmp_path) / "城阳区2022年3月报表.xlsx")
    dataset = load_dataset(tmp_path)
    assert total(dataset) == 30.0
    assert loaded(dataset, "SELECT amount_wan, source_file, source_line FROM orders") == [
        (12.0, "extracts/城阳区2022年3月报表.xlsx#Sheet2", 2)
    ]
    assert {f.path: f.kind for f in dataset.files} == {
        "extracts/城阳区2022年3月报表.xlsx#融资对接": "financing",
        "extracts/城阳区2022年3月报表.xlsx#Sheet2": "orders",
    }
    assert issues(report(dataset, "extracts/城阳区2022年3月报表.xlsx#融资对接")) == [
        (
            "warning",
            None,
            None,
            None,
            "工作表「台账」既不以数据类型命名，表头也不像任何一类数据，未读取",
        )
    ]


def test_lines_stay_true_in_a_large_csv_with_a_title_and_footnotes_read_in_parallel(tmp_path):
    """~40 MB, read by DuckDB in parallel chunks, with the data starting on line 4 (title,
    header, column numbers) and two footnote lines at the end: bad rows and stored lines
    still match the file."""
    line_count = 400_000
    first = 4
    bad_lines = {first, 123_457, line_count + first - 1}
    out = ["2022年融资对接情况统计表,,,,,", ",".join(HEADER), "1,2,3,4,5,6"]
    for line in range(first, line_count + first):
        amount = "-7" if line in bad_lines else f"{line % 997}.5"
        out.append(
            f"2022-01-{line % 28 + 1:02d},李沧区,青岛测试企业{line:07d}有限公司,青岛银行,贷款,{amount}"
        )
    out += ["注：金额单位为万元,,,,,", "填报人：张三,,,联系电话：0532-88888888,,"]
    (extracts(tmp_path) / "financing_big.csv").write_text("\n".join(out) + "\n", "utf-8")
    dataset = load_dataset(tmp_path)
    file = report(dataset, "extracts/financing_big.csv")
    assert [(e.line, e.value) for e in file.errors] == [(n, "-7") for n in sorted(bad_lines)]
    assert [w.line for w in file.warnings] == [line_count + first, line_count + first + 1]
    assert file.rows_loaded == line_count - len(bad_lines)
    stored = loaded(dataset, "SELECT source_line, enterprise FROM financing USING SAMPLE 500 ROWS")
    assert all(name == f"青岛测试企业{line:07d}有限公司" for line, name in stored)
