"""Value- and row-level rules of reading extracts (issue 12): totals rows, firm names and
统一社会信用代码, control characters, month-only dates, header synonyms and units, booleans,
counts, empty markers, accounting amounts, district spellings; each on a real build."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.cli import main
from campaign.contracts import credit_code_check_character, is_valid_credit_code
from campaign.storage import Dataset, load_dataset

ROOT = Path(__file__).resolve().parents[1]
FIN_HEADER = "日期,区市,企业名称,金融机构,融资方式,金额（万元）"


def write(tmp: Path, name: str, text: str) -> Path:
    folder = tmp / "extracts"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def rows(dataset: Dataset, sql: str) -> list[tuple]:
    with dataset.connect() as con:
        return con.execute(sql).fetchall()


def report(dataset: Dataset, name: str):
    return next(f for f in dataset.files if f.path.endswith(name))


def issues(found) -> list[tuple]:
    return [(i.line, i.column, i.value, i.reason_zh) for i in found]


def shipped_kpi_count(dataset: Dataset, kpi: str) -> int:
    """count(DISTINCT entity) of the shipped KPI file's facts over the whole build."""
    sql = (ROOT / "queries" / f"{kpi}.sql").read_text(encoding="utf-8")
    return rows(dataset, f"SELECT count(DISTINCT entity) FROM (\n{sql}\n)")[0][0]


# --- Totals rows ----------------------------------------------------------------------------


def test_a_totals_row_labelled_in_the_firm_column_is_not_counted(tmp_path):
    body = [
        "2022-03-01,城阳区,青岛甲公司,青岛银行,贷款,100",
        "2022-03-02,城阳区,青岛乙公司,青岛银行,贷款,200",
        "2022-03-03,城阳区,青岛丙公司,青岛银行,贷款,300",
        "2022-03-31,城阳区,合计,,,600",  # date and district filled, as offices do
    ]
    write(tmp_path, "financing_a.csv", FIN_HEADER + "\n" + "\n".join(body) + "\n")
    dataset = load_dataset(tmp_path)
    # 100 + 200 + 300 = 600, not 1200; three firms, not four.
    assert rows(dataset, "SELECT sum(amount_wan), count(*) FROM financing") == [(600.0, 3)]
    assert shipped_kpi_count(dataset, "financing_enterprises") == 3
    file = report(dataset, "financing_a.csv")
    assert (file.rows_total, file.rows_loaded, file.errors) == (4, 3, [])
    assert issues(file.warnings) == [
        (
            5,
            "企业名称",
            "合计",
            "第 5 行是合计/小计行（「企业名称」为“合计”），未计入，以免重复统计；"
            "请从报送表中删除合计行",
        )
    ]


def test_subtotal_labels_in_a_serial_number_or_district_column_are_found(tmp_path):
    header = "序号," + FIN_HEADER
    body = [
        "1,2022-03-01,城阳区,青岛甲公司,,贷款,100",
        "2,2022-03-02,城阳区,青岛乙公司,,贷款,50",
        ",2022-03-31,城阳区小计,,,,150",
        "3,2022-03-05,李沧区,青岛丙公司,,贷款,70",
        "总 计：,,,,,,220",
    ]
    write(tmp_path, "financing_a.csv", header + "\n" + "\n".join(body) + "\n")
    dataset = load_dataset(tmp_path)
    assert rows(dataset, "SELECT sum(amount_wan) FROM financing") == [(220.0,)]  # 100+50+70
    file = report(dataset, "financing_a.csv")
    assert file.errors == []
    assert [(w.line, w.column, w.value) for w in file.warnings] == [
        (1, "序号", None),  # 多余的列，已忽略
        (4, "区市", "城阳区小计"),
        (6, "序号", "总 计："),
    ]


def test_a_firm_whose_name_contains_a_totals_word_is_a_firm(tmp_path):
    body = "2022-03-01,城阳区,青岛合计科技有限公司,,贷款,100\n"
    write(tmp_path, "financing_a.csv", FIN_HEADER + "\n" + body)
    dataset = load_dataset(tmp_path)
    assert rows(dataset, "SELECT enterprise FROM financing") == [("青岛合计科技有限公司",)]
    assert report(dataset, "financing_a.csv").warnings == []


def test_unnamed_rows_equal_to_the_sum_above_are_totals(tmp_path):
    body = [
        "2022-03-01,城阳区,青岛甲公司,,贷款,100",
        "2022-03-02,城阳区,青岛乙公司,,贷款,200",
        "2022-03-31,城阳区,,,,300",  # = 100 + 200: a subtotal
        "2022-03-05,李沧区,青岛丙公司,,贷款,40",
        "2022-03-06,李沧区,青岛丁公司,,贷款,60",
        "2022-03-31,李沧区,,,,100",  # = 40 + 60, the block since the subtotal
        "2022-03-31,,,,,400",  # = 100 + 200 + 40 + 60, all genuine rows above
    ]
    write(tmp_path, "financing_a.csv", FIN_HEADER + "\n" + "\n".join(body) + "\n")
    dataset = load_dataset(tmp_path)
    assert rows(dataset, "SELECT sum(amount_wan), count(*) FROM financing") == [(400.0, 4)]
    file = report(dataset, "financing_a.csv")
    assert file.errors == []
    assert issues(file.warnings) == [
        (
            4,
            "金额（万元）",
            "300",
            "第 4 行没有名称，金额 300 等于上方 2 行之和，按合计行处理，未计入；"
            "如确为一条记录，请补上名称后重新报送",
        ),
        (
            7,
            "金额（万元）",
            "100",
            "第 7 行没有名称，金额 100 等于上方 2 行之和，按合计行处理，未计入；"
            "如确为一条记录，请补上名称后重新报送",
        ),
        (
            8,
            "金额（万元）",
            "400",
            "第 8 行没有名称，金额 400 等于上方 4 行之和，按合计行处理，未计入；"
            "如确为一条记录，请补上名称后重新报送",
        ),
    ]


def test_coincidences_never_drop_a_genuine_row(tmp_path):
    # One row; two rows with equal amounts; a named last row equal to the sum above.
    write(tmp_path, "financing_a.csv", FIN_HEADER + "\n2022-03-01,城阳区,青岛甲公司,,贷款,100\n")
    write(
        tmp_path,
        "financing_b.csv",
        FIN_HEADER
        + "\n2022-03-01,城阳区,青岛丁公司,,贷款,100\n2022-03-02,城阳区,青岛戊公司,,贷款,100\n",
    )
    body = [
        "2022-03-01,市南区,青岛甲公司,,贷款,100",
        "2022-03-02,市南区,青岛乙公司,,贷款,200",
        "2022-03-03,市南区,青岛丙公司,,贷款,300",  # 100 + 200 = 300 by coincidence
    ]
    write(tmp_path, "financing_c.csv", FIN_HEADER + "\n" + "\n".join(body) + "\n")
    dataset = load_dataset(tmp_path)
    # Every row kept: 100 + (100 + 100) + (100 + 200 + 300) = 900.
    assert rows(dataset, "SELECT sum(amount_wan), count(*) FROM financing") == [(900.0, 6)]
    assert report(dataset, "financing_a.csv").warnings == []
    assert report(dataset, "financing_b.csv").warnings == []
    assert issues(report(dataset, "financing_c.csv").warnings) == [
        (
            4,
            "金额（万元）",
            "300",
            "最后一行的金额 300 等于上方全部 2 行之和，像是合计行（已保留）；"
            "如是合计行，请删除后重新报送",
        )
    ]


def test_a_totals_row_in_a_count_extract(tmp_path):
    header = "日期,区市,类型,活动名称,参与人数"
    body = "2022-05-01,平度市,座谈会,甲,12\n2022-05-02,平度市,座谈会,乙,30\n合计,,,,42\n"
    write(tmp_path, "events_a.csv", f"{header}\n{body}")
    dataset = load_dataset(tmp_path)
    assert rows(dataset, "SELECT sum(participants) FROM events") == [(42,)]  # 12 + 30
    file = report(dataset, "events_a.csv")
    assert file.errors == [] and [(w.line, w.column) for w in file.warnings] == [(4, "日期")]


# --- Firm names and 统一社会信用代码 ----------------------------------------------------------


def test_spellings_of_one_firm_count_once_and_keep_their_display_name(tmp_path):
    body = [
        "2022-03-01,城阳区,青岛海润（ABC）机械有限公司,,贷款,10",
        "2022-03-02,城阳区,青岛海润(ＡＢＣ)机械有限公司 ,,贷款,20",
        "2022-03-03,李沧区,青岛海润 (abc) 机械有限公司,,贷款,30",
        "2022-03-04,李沧区,青岛海润机械有限公司,,贷款,40",  # another firm: no (ABC)
    ]
    write(tmp_path, "financing_a.csv", FIN_HEADER + "\n" + "\n".join(body) + "\n")
    dataset = load_dataset(tmp_path)
    assert shipped_kpi_count(dataset, "financing_enterprises") == 2
    assert rows(dataset, "SELECT enterprise, firm_key FROM financing ORDER BY source_line") == [
        ("青岛海润（ABC）机械有限公司", "青岛海润(ABC)机械有限公司"),
        ("青岛海润(ＡＢＣ)机械有限公司", "青岛海润(ABC)机械有限公司"),
        ("青岛海润 (abc) 机械有限公司", "青岛海润(ABC)机械有限公司"),
        ("青岛海润机械有限公司", "青岛海润机械有限公司"),
    ]


def test_credit_code_check_character_per_gb_32100():
    # 91350100M000100Y4: values 9,1,3,5,0,1,0,0,M=21,0,0,0,1,0,0,Y=30,4
    # Σ value × weight = 9·1 + 1·3 + 3·9 + 5·27 + 0 + 1·26 + 0 + 0 + 21·20 + 0 + 0 + 0 + 1·8
    #                  + 0 + 0 + 30·30 + 4·28 = 1640; 1640 mod 31 = 28; 31 − 28 = 3.
    assert credit_code_check_character("91350100M000100Y4") == "3"
    assert is_valid_credit_code("91350100M000100Y43")  # published
    # 91370200000000000: Σ = 9·1 + 1·3 + 3·9 + 7·27 + 0·19 + 2·26 = 280 (the rest are 0);
    # 280 mod 31 = 1; 31 − 1 = 30, the 31st character of the set: "Y".
    assert credit_code_check_character("91370200000000000") == "Y"
    # A sum ≡ 0 (mod 31) gives 31, which becomes 0: seventeen zeros.
    assert credit_code_check_character("00000000000000000") == "0"
    assert not is_valid_credit_code("91350100M000100Y44")  # wrong check character
    assert not is_valid_credit_code("91350100M000100I43")  # I is not in the charset
    assert not is_valid_credit_code("91350100M000100Y4")  # 17 characters


def test_a_credit_code_identifies_the_firm_and_a_bad_one_is_a_row_error(tmp_path):
    header = FIN_HEADER + ",统一社会信用代码"
    body = [
        "2022-03-01,城阳区,青岛甲公司,,贷款,10,91350100M000100Y43",
        "2022-03-02,城阳区,青岛甲有限责任公司,,贷款,20,９１３５０１００Ｍ０００１００Ｙ４３",
        "2022-03-03,城阳区,青岛乙公司,,贷款,30,91370200000000000Y",
        "2022-03-04,城阳区,青岛乙公司,,贷款,40,913702000000000001",  # check char wrong
        "2022-03-05,城阳区,青岛丙公司,,贷款,50,",  # no code: the name identifies it
        "2022-03-06,城阳区,青岛丁公司,,贷款,60,9137020000000000",  # 16 characters
    ]
    write(tmp_path, "financing_a.csv", header + "\n" + "\n".join(body) + "\n")
    dataset = load_dataset(tmp_path)
    # Lines 2 and 3 are one firm by their code (two names); 乙 (line 4); 丙 (line 6): 3 firms.
    assert shipped_kpi_count(dataset, "financing_enterprises") == 3
    assert rows(dataset, "SELECT sum(amount_wan) FROM financing") == [(110.0,)]  # 10+20+30+50
    assert issues(report(dataset, "financing_a.csv").errors) == [
        (
            5,
            "统一社会信用代码",
            "913702000000000001",
            "统一社会信用代码校验位不符（GB 32100-2015），可能抄错了某一位，本行未导入；"
            "请按营业执照核对后重新报送",
        ),
        (
            7,
            "统一社会信用代码",
            "9137020000000000",
            "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V），本行未导入；"
            "请按营业执照核对后重新报送",
        ),
    ]


def test_nul_padding_and_control_characters_are_stripped_from_names(tmp_path):
    # A fixed-width export pads names with NUL; the reader takes NUL in the first 4 KB for a
    # binary file, so the padded rows come after ordinary ones, as in a real export.
    ordinary = "".join(f"2022-03-01,城阳区,青岛甲{i}公司,,贷款,1\n" for i in range(150))
    padded = "2022-03-02,城阳区,青岛乙公司\x00\x00\x00,,贷款,2\n2022-03-02,城阳区,青岛乙\x01公司,,贷款,3\n"
    write(
        tmp_path,
        "financing_a.csv",
        FIN_HEADER + "\n" + ordinary + padded + "2022-03-02,城阳区,青岛乙公司,,贷款,4\n",
    )
    dataset = load_dataset(tmp_path)
    # 150 甲 firms + one 乙 firm written three ways.
    assert shipped_kpi_count(dataset, "financing_enterprises") == 151
    assert rows(
        dataset, "SELECT DISTINCT enterprise FROM financing WHERE enterprise LIKE '%乙%'"
    ) == [("青岛乙公司",)]
    file = report(dataset, "financing_a.csv")
    assert file.errors == [] and file.warnings == []
    assert issues(file.notes) == [
        (
            152,
            "企业名称",
            "青岛乙公司␀␀␀",
            "名称中含有不可见的控制字符（如 NUL 填充），已去除，按“青岛乙公司”计，共 1 行；"
            "请检查导出设置",
        ),
        (
            153,
            "企业名称",
            "青岛乙␁公司",
            "名称中含有不可见的控制字符（如 NUL 填充），已去除，按“青岛乙公司”计，共 1 行；"
            "请检查导出设置",
        ),
    ]


# --- Dates, headers, cells ---------------------------------------------------------------------


def test_month_only_dates_are_the_months_last_day_with_a_note(tmp_path):
    body = [
        "2022年3月,城阳区,青岛甲公司,,贷款,10",
        "2022-3,城阳区,青岛乙公司,,贷款,20",
        "2022年3月,城阳区,青岛丙公司,,贷款,30",
        "2022-02,城阳区,青岛丁公司,,贷款,40",
        "2022-02-28,城阳区,青岛戊公司,,贷款,50",  # a full date on a last day: no note
    ]
    write(tmp_path, "financing_a.csv", FIN_HEADER + "\n" + "\n".join(body) + "\n")
    dataset = load_dataset(tmp_path)
    assert rows(
        dataset,
        "SELECT CAST(date AS VARCHAR), sum(amount_wan) FROM financing GROUP BY 1 ORDER BY 1",
    ) == [("2022-02-28", 90.0), ("2022-03-31", 60.0)]
    assert issues(report(dataset, "financing_a.csv").notes) == [
        (
            2,
            "日期",
            "2022年3月",
            "只填了年月，按该月最后一天（2022-03-31）计，共 2 行；如需精确日期请填写到日",
        ),
        (
            3,
            "日期",
            "2022-3",
            "只填了年月，按该月最后一天（2022-03-31）计，共 1 行；如需精确日期请填写到日",
        ),
        (
            5,
            "日期",
            "2022-02",
            "只填了年月，按该月最后一天（2022-02-28）计，共 1 行；如需精确日期请填写到日",
        ),
    ]


def test_a_month_is_not_enough_for_a_case_accepted_date(tmp_path):
    header = "案件编号,受理日期,区市,类型,状态"
    write(tmp_path, "mediation_a.csv", f"{header}\nFL-1,2022-3,市北区,调解,办理中\n")
    dataset = load_dataset(tmp_path)
    assert [
        (e.line, e.column, e.reason_zh[:6]) for e in report(dataset, "mediation_a.csv").errors
    ] == [(2, "受理日期", "无法识别的日")]


def test_header_synonyms_are_read(tmp_path):
    write(
        tmp_path,
        "financing_a.csv",
        "日期,区（市）,企业名称,融资金额（万元）\n2022-03-01,城阳区,青岛甲公司,10\n",
    )
    write(
        tmp_path,
        "orders_a.csv",
        "日期,所属区市,企业名称,金额(万元)\n2022-03-01,李沧区,青岛乙公司,20\n",
    )
    dataset = load_dataset(tmp_path)
    assert dataset.error_count == 0 and dataset.warning_count == 0
    assert rows(dataset, "SELECT district, amount_wan FROM financing") == [("城阳区", 10.0)]
    assert rows(dataset, "SELECT district, amount_wan FROM orders") == [("李沧区", 20.0)]


def test_amounts_in_yi_or_yuan_are_converted_to_wan_with_a_note(tmp_path):
    write(
        tmp_path,
        "financing_a.csv",
        "日期,区市,企业名称,融资金额（亿元）\n2022-03-01,城阳区,青岛甲公司,1.5\n",
    )
    write(
        tmp_path,
        "financing_b.csv",
        '日期,区市,企业名称,金额(元)\n2022-03-01,城阳区,青岛乙公司,"1,200,000"\n',
    )
    dataset = load_dataset(tmp_path)
    # 1.5 亿元 = 15000 万元; 1,200,000 元 = 120 万元.
    assert rows(dataset, "SELECT enterprise, amount_wan FROM financing ORDER BY 1") == [
        ("青岛乙公司", 120.0),
        ("青岛甲公司", 15000.0),
    ]
    assert issues(report(dataset, "financing_a.csv").notes) == [
        (
            1,
            "融资金额（亿元）",
            None,
            "金额单位为亿元，已乘以 10000 换算为万元；请确认表头单位与数据一致",
        )
    ]
    assert issues(report(dataset, "financing_b.csv").notes) == [
        (1, "金额(元)", None, "金额单位为元，已乘以 0.0001 换算为万元；请确认表头单位与数据一致")
    ]


def test_booleans_counts_and_empty_markers(tmp_path):
    header = "商会编号,商会名称,类型,区市,成立日期,是否登记,是否建立党组织,评级,会员数,状态"
    body = [
        "S1,甲商会,异地商会,市南区,2010-01-01,√,×,无,120人,正常",
        "S2,乙商会,行业商会,市南区,2010-01-01,已登记,无,/,35名,正常",
        "S3,丙商会,行业商会,市南区,2010-01-01,未登记,有,—,-,正常",
    ]
    write(tmp_path, "chambers_a.csv", header + "\n" + "\n".join(body) + "\n")
    dataset = load_dataset(tmp_path)
    assert dataset.error_count == 0
    # 评级 lists 无 as a value, so 无 stays; / and — are empty; "-" in a count is zero.
    assert rows(
        dataset,
        "SELECT registered, party_org, rating, members FROM chambers ORDER BY chamber_id",
    ) == [(True, False, "无", 120), (True, False, None, 35), (False, True, None, 0)]


def test_empty_markers_in_a_required_column_are_empty(tmp_path):
    body = "2022-03-01,城阳区,/,/,贷款,10\n2022-03-01,城阳区,青岛甲公司,—,贷款,20\n"
    write(tmp_path, "financing_a.csv", FIN_HEADER + "\n" + body)
    dataset = load_dataset(tmp_path)
    assert issues(report(dataset, "financing_a.csv").errors) == [(2, "企业名称", "/", "必填项为空")]
    assert rows(dataset, "SELECT enterprise, institution FROM financing") == [("青岛甲公司", None)]
    assert shipped_kpi_count(dataset, "financing_enterprises") == 1  # "/" is no firm


def test_accounting_format_amounts(tmp_path):
    body = [
        '2022-03-01,城阳区,青岛甲公司,,贷款," ￥1,200.00 "',
        "2022-03-02,城阳区,青岛乙公司,,贷款, - ",
        "2022-03-03,城阳区,青岛丙公司,,贷款,¥35.5",
    ]
    write(tmp_path, "financing_a.csv", FIN_HEADER + "\n" + "\n".join(body) + "\n")
    dataset = load_dataset(tmp_path)
    assert dataset.error_count == 0
    assert rows(dataset, "SELECT amount_wan FROM financing ORDER BY source_line") == [
        (1200.0,),
        (0.0,),
        (35.5,),
    ]


# --- Districts -----------------------------------------------------------------------------------


def test_district_spellings_former_names_and_traditional_characters(tmp_path):
    body = [
        "2022-03-01,青岛市城阳区,青岛甲公司,,贷款,1",
        "2022-03-01,青岛市城阳区,青岛乙公司,,贷款,2",
        "2022-03-01,城阳区工商联,青岛丙公司,,贷款,4",
        "2022-03-01,城陽區,青岛丁公司,,贷款,8",
        "2022-03-01,即墨市,青岛戊公司,,贷款,16",
        "2022-03-01,胶南市,青岛己公司,,贷款,32",
        "2022-03-01,城阳区,青岛庚公司,,贷款,64",  # official: no note
    ]
    write(tmp_path, "financing_a.csv", FIN_HEADER + "\n" + "\n".join(body) + "\n")
    dataset = load_dataset(tmp_path)
    assert rows(
        dataset, "SELECT district, sum(amount_wan) FROM financing GROUP BY 1 ORDER BY 2"
    ) == [
        ("即墨区", 16.0),
        ("西海岸新区", 32.0),
        ("城阳区", 79.0),  # 1 + 2 + 4 + 8 + 64
    ]
    file = report(dataset, "financing_a.csv")
    assert file.errors == [] and file.warnings == []
    note = "区市写法不规范，按“{0}”计，共 {1} 行；请使用标准名称“{0}”"
    assert issues(file.notes) == [
        (2, "区市", "青岛市城阳区", note.format("城阳区", 2)),
        (4, "区市", "城阳区工商联", note.format("城阳区", 1)),
        (5, "区市", "城陽區", note.format("城阳区", 1)),
        (6, "区市", "即墨市", note.format("即墨区", 1)),
        (7, "区市", "胶南市", note.format("西海岸新区", 1)),
    ]


def test_a_local_district_name_is_mapped_only_when_the_data_folder_says_so(tmp_path):
    write(tmp_path, "financing_a.csv", FIN_HEADER + "\n2022-03-01,高新区,青岛甲公司,,贷款,5\n")
    dataset = load_dataset(tmp_path)
    assert issues(report(dataset, "financing_a.csv").errors) == [
        (2, "区市", "高新区", "未知的区市")
    ]
    (tmp_path / "ingest.toml").write_text(
        '[district_aliases]\n"高新区" = "城阳区"\n', encoding="utf-8"
    )
    dataset = load_dataset(tmp_path)  # the settings file changed: rebuilt
    assert rows(dataset, "SELECT district, amount_wan FROM financing") == [("城阳区", 5.0)]
    assert [n.reason_zh for n in report(dataset, "financing_a.csv").notes] == [
        "区市写法不规范，按“城阳区”计，共 1 行；请使用标准名称“城阳区”"
    ]


def test_a_settings_file_naming_an_unknown_district_fails_the_build(tmp_path):
    write(tmp_path, "financing_a.csv", FIN_HEADER + "\n2022-03-01,城阳区,青岛甲公司,,贷款,5\n")
    (tmp_path / "ingest.toml").write_text(
        '[district_aliases]\n"高新区" = "火星区"\n', encoding="utf-8"
    )
    dataset = load_dataset(tmp_path)
    assert dataset.build_error is not None and "火星区" in dataset.build_error


# --- Severities and the exit status --------------------------------------------------------------


@pytest.mark.parametrize(
    "line, status",
    [
        ("2022年3月,城阳区,青岛甲公司,,贷款,10", 0),  # a note
        ("2022-03-01,城阳区,合计,,,10", 0),  # a warning (totals row)
        ("2022-03-01,城阳区,青岛甲公司,,贷款,-10", 1),  # an error
    ],
)
def test_validate_exits_0_on_notes_and_warnings_and_1_on_errors(tmp_path, capsys, line, status):
    write(tmp_path, "financing_a.csv", f"{FIN_HEADER}\n{line}\n")
    assert main(["validate", "--data", str(tmp_path)]) == status


def test_the_validate_report_shows_notes(tmp_path, capsys):
    write(tmp_path, "financing_a.csv", f"{FIN_HEADER}\n2022年3月,城阳区,青岛甲公司,,贷款,10\n")
    assert main(["validate", "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (
        "  提示 第 2 行 「日期」 值「2022年3月」：只填了年月，按该月最后一天（2022-03-31）计，"
        "共 1 行；如需精确日期请填写到日"
    ) in out
    # (The one warning: the folder has no targets.csv.)
    assert "共 1 个文件，0 个错误，1 个警告，1 条提示" in out


def test_the_data_status_table_lists_notes(tmp_path):
    from campaign.views import issues_frame

    write(tmp_path, "financing_a.csv", f"{FIN_HEADER}\n2022-03-01,即墨市,青岛甲公司,,贷款,10\n")
    frame = issues_frame(load_dataset(tmp_path).files, "note")
    assert frame.values.tolist() == [
        [
            "extracts/financing_a.csv",
            "2",
            "区市",
            "即墨市",
            "区市写法不规范，按“即墨区”计，共 1 行；请使用标准名称“即墨区”",
        ]
    ]


def test_a_header_in_synonyms_and_another_unit_is_found_below_a_title(tmp_path):
    # The header row is searched with the same spellings the columns are matched with: a
    # header of synonyms only (对接日期, 所属区市, 公司名称, 融资金额（亿元）) below a title
    # and a blank row, the other columns left out. 0.5 亿元 = 5,000 万元.
    write(
        tmp_path,
        "financing_a.csv",
        "2022年3月城阳区融资对接情况统计表,,,\n"
        ",,,\n"
        "对接日期,所属区市,公司名称,融资金额（亿元）\n"
        "2022-03-01,城阳区,青岛甲公司,0.5\n",
    )
    dataset = load_dataset(tmp_path)
    (report,) = dataset.files
    assert report.rows_loaded == 1 and not report.errors
    with dataset.connect() as con:
        assert con.execute("SELECT amount_wan FROM financing").fetchone() == (5000.0,)
