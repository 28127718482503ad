"""The extract contracts: what each monthly CSV kind must contain.

This module is the one place where the seven extract kinds, their columns and the
districts (区市) are defined.  Everything else (reader, validation, storage, the
sample generator, the data-status page) reads these definitions.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ColumnType = Literal["text", "date", "amount", "integer", "bool", "choice", "credit_code"]

# DuckDB type of the normalised column for each contract type.
SQL_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "choice": "VARCHAR",
    "date": "DATE",
    "amount": "DOUBLE",
    "integer": "BIGINT",
    "bool": "BOOLEAN",
    "credit_code": "VARCHAR",
}


@dataclass(frozen=True)
class Column:
    """One column of an extract: canonical name, Chinese header, type and rules."""

    name: str
    header_zh: str
    type: ColumnType = "text"
    required: bool = False
    allowed: tuple[str, ...] = ()
    unique: bool = False
    # Amounts and counts are never negative in these extracts.
    non_negative: bool = False
    # Required only when another column holds one of some values: (column, values).
    required_when: tuple[str, tuple[str, ...]] | None = None
    # The district column is checked against DISTRICTS (with aliases).
    is_district: bool = False
    # Other headers offices use for this column (matched like the others: full-width forms,
    # spaces and case folded).
    synonyms: tuple[str, ...] = ()
    # A date column where 2022年3月 / 2022-3 is enough: read as the month's last day (a note).
    month_enough: bool = False
    # A firm's name: control characters are stripped (a note) and, for distinct counts, the
    # name is folded (full-width forms, brackets, spaces) into the kind's ``firm_key``.
    firm_name: bool = False

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


@dataclass(frozen=True)
class ExtractKind:
    """One kind of monthly extract (融资对接, 订单对接, ...)."""

    id: str
    name_zh: str
    name_en: str
    columns: tuple[Column, ...]
    # The column whose date places a row in a month (used for "last month reported").
    period_column: str
    # Amount column checked for 元-instead-of-万元 outliers, if any.
    amount_column: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def firm_name_column(self) -> Column | None:
        return next((c for c in self.columns if c.firm_name), None)

    @property
    def credit_code_column(self) -> Column | None:
        return next((c for c in self.columns if c.type == "credit_code"), None)

    @property
    def stored_columns(self) -> tuple[Column, ...]:
        """The columns of the kind's table: the extract's, then ``firm_key`` for kinds with
        a firm name (统一社会信用代码 when given, else the folded name; see FIRM_KEY_COLUMN)."""
        if self.firm_name_column is None:
            return self.columns
        return (*self.columns, FIRM_KEY_COLUMN)

    @property
    def total_column(self) -> str | None:
        """The column a totals row (合计/小计) sums: the amount, else the first count."""
        if self.amount_column:
            return self.amount_column
        return next((c.name for c in self.columns if c.type == "integer" and c.required), None)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def key_column(self) -> Column | None:
        return next((c for c in self.columns if c.unique), None)


# 区市: the ten districts and county-level cities, plus 市直 for city-level work.
DISTRICTS: tuple[str, ...] = (
    "市南区",
    "市北区",
    "李沧区",
    "崂山区",
    "西海岸新区",
    "城阳区",
    "即墨区",
    "胶州市",
    "平度市",
    "莱西市",
    "市直",
)
CITY = "全市"

# Names people type for a district, besides the official one.
DISTRICT_ALIASES: dict[str, str] = {
    "黄岛区": "西海岸新区",
    "黄岛": "西海岸新区",
    "西海岸": "西海岸新区",
    "青岛西海岸新区": "西海岸新区",
    "市直部门": "市直",
    "市级": "市直",
}
# Former names (撤市设区): 即墨市 became 即墨区 in 2017; 胶南市 merged into 黄岛区 in 2012, now
# 西海岸新区.  Accepted with a note, so an office using an old template is told.
DISTRICT_FORMER_NAMES: dict[str, str] = {
    "即墨市": "即墨区",
    "胶南市": "西海岸新区",
    "胶南": "西海岸新区",
}
# Written around a district's name: the city before it, the office after it.  Stripped (with
# a note) when the cell is not a district as written: 青岛市城阳区, 城阳区工商联.
DISTRICT_PREFIXES: tuple[str, ...] = ("山东省青岛市", "青岛市", "青岛")
DISTRICT_SUFFIXES: tuple[str, ...] = ("工商业联合会", "工商联", "总商会", "商会")
# Traditional characters found in the districts' names (城陽區 → 城阳区).
DISTRICT_TRADITIONAL: tuple[str, str] = ("區陽滄嶗膠萊島場黃卽", "区阳沧崂胶莱岛场黄即")
# The data folder's optional settings file for reading extracts; its ``[district_aliases]``
# table maps a local name to a district (e.g. "高新区" = "城阳区"), when the city decides so.
INGEST_CONFIG_FILENAME = "ingest.toml"


def district_lookup() -> dict[str, str]:
    """Every spelling of a district accepted silently, mapped to its official name."""
    lookup = {name: name for name in DISTRICTS}
    for name in DISTRICTS:
        if name.endswith(("区", "市")) and len(name) > 2:
            lookup.setdefault(name[:-1], name)  # 城阳 → 城阳区, 胶州 → 胶州市
        if name.endswith("新区"):
            lookup.setdefault(name[:-2], name)  # 西海岸 → 西海岸新区
    lookup.update(DISTRICT_ALIASES)
    return lookup


def district_noted_lookup(extra_aliases: dict[str, str] | None = None) -> dict[str, str]:
    """Spellings accepted with a note: former names and the data folder's aliases."""
    lookup = dict(DISTRICT_FORMER_NAMES)
    for alias, district in (extra_aliases or {}).items():
        lookup[alias] = district
    return lookup


def load_district_aliases(data_dir: Path) -> dict[str, str]:
    """The ``[district_aliases]`` of ``<data>/ingest.toml`` ({} when there is no file).

    Raises ValueError naming the file when it cannot be read or maps to an unknown district.
    """
    path = data_dir / INGEST_CONFIG_FILENAME
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path.name}: {exc}") from exc
    aliases = data.get("district_aliases", {})
    if not isinstance(aliases, dict):
        raise ValueError(f"{path.name}: district_aliases must be a table")
    official = district_lookup()
    mapped: dict[str, str] = {}
    for alias, district in aliases.items():
        target = official.get(str(district).strip())
        if target is None:
            raise ValueError(
                f"{path.name}: district_aliases.{alias} = {district!r}: unknown district"
            )
        mapped["".join(str(alias).split())] = target
    return mapped


# Headers offices use besides the contract's (see Column.synonyms).
_DISTRICT_HEADERS = ("区（市）", "所属区市", "区市名称", "所属区（市）", "区/市", "区县")
_FIRM_HEADERS = ("企业", "企业全称", "公司名称", "单位名称")
_CODE_HEADERS = ("社会信用代码", "信用代码", "统一代码", "credit_code")
_DATE_HEADERS = ("时间", "对接日期")

# 统一社会信用代码 (GB 32100-2015): 18 characters of this set; the last is a check character.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS: tuple[int, ...] = (
    1,
    3,
    9,
    27,
    19,
    26,
    16,
    17,
    20,
    29,
    25,
    13,
    8,
    24,
    10,
    30,
    28,
)


def credit_code_check_character(first17: str) -> str:
    """The GB 32100-2015 check character of a code's first 17 characters.

    check = 31 − (Σ value(cᵢ) × wᵢ mod 31), where 31 becomes 0; value(c) is c's position in
    :data:`CREDIT_CODE_CHARSET` (I, O, Z, S, V are not used).
    """
    total = sum(
        CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """18 characters of the charset whose last is the check character of the first 17."""
    return (
        len(code) == 18
        and all(c in CREDIT_CODE_CHARSET for c in code)
        and credit_code_check_character(code[:17]) == code[17]
    )


# The firm a row is about, for distinct counts (融资服务企业, 订单对接企业): the row's
# 统一社会信用代码 when it has one, else its name folded (full-width forms, brackets, spaces,
# letter case), so 青岛（ABC）有限公司 and 青岛(ＡＢＣ) 有限公司 are one firm.  The displayed
# name stays as the office wrote it.
FIRM_KEY_COLUMN = Column("firm_key", "企业标识")

KINDS: tuple[ExtractKind, ...] = (
    ExtractKind(
        id="financing",
        name_zh="融资对接",
        name_en="Financing",
        period_column="date",
        amount_column="amount_wan",
        columns=(
            Column(
                "date", "日期", "date", required=True, month_enough=True, synonyms=_DATE_HEADERS
            ),
            Column(
                "district",
                "区市",
                "choice",
                required=True,
                is_district=True,
                synonyms=_DISTRICT_HEADERS,
            ),
            Column(
                "enterprise",
                "企业名称",
                "text",
                required=True,
                firm_name=True,
                synonyms=_FIRM_HEADERS,
            ),
            Column("credit_code", "统一社会信用代码", "credit_code", synonyms=_CODE_HEADERS),
            Column("institution", "金融机构", "text"),
            Column(
                "channel", "融资方式", "choice", allowed=("贷款", "债券", "股权", "上市", "其他")
            ),
            Column(
                "amount_wan",
                "金额（万元）",
                "amount",
                required=True,
                non_negative=True,
                synonyms=("融资金额（万元）", "融资额（万元）"),
            ),
        ),
    ),
    ExtractKind(
        id="orders",
        name_zh="订单对接",
        name_en="Orders",
        period_column="date",
        amount_column="amount_wan",
        columns=(
            Column(
                "date", "日期", "date", required=True, month_enough=True, synonyms=_DATE_HEADERS
            ),
            Column(
                "district",
                "区市",
                "choice",
                required=True,
                is_district=True,
                synonyms=_DISTRICT_HEADERS,
            ),
            Column(
                "enterprise",
                "企业名称",
                "text",
                required=True,
                firm_name=True,
                synonyms=_FIRM_HEADERS,
            ),
            Column("credit_code", "统一社会信用代码", "credit_code", synonyms=_CODE_HEADERS),
            Column("platform", "平台", "text"),
            Column(
                "amount_wan",
                "订单金额（万元）",
                "amount",
                required=True,
                non_negative=True,
                synonyms=("金额（万元）", "对接金额（万元）"),
            ),
        ),
    ),
    ExtractKind(
        id="talent",
        name_zh="人才引进",
        name_en="Talent",
        period_column="date",
        columns=(
            Column(
                "date", "日期", "date", required=True, month_enough=True, synonyms=_DATE_HEADERS
            ),
            Column(
                "district",
                "区市",
                "choice",
                required=True,
                is_district=True,
                synonyms=_DISTRICT_HEADERS,
            ),
            Column("enterprise", "企业名称", "text", firm_name=True, synonyms=_FIRM_HEADERS),
            Column("credit_code", "统一社会信用代码", "credit_code", synonyms=_CODE_HEADERS),
            Column("event", "活动名称", "text"),
            Column(
                "category",
                "人才类别",
                "choice",
                required=True,
                allowed=("高技能人才", "高校毕业生", "海外人才", "其他"),
            ),
            Column(
                "hires", "引进人数", "integer", required=True, non_negative=True, synonyms=("人数",)
            ),
        ),
    ),
    ExtractKind(
        id="mediation",
        name_zh="法律服务",
        name_en="Legal services",
        period_column="date",
        amount_column="amount_wan",
        columns=(
            Column("case_id", "案件编号", "text", required=True, unique=True),
            Column("date", "受理日期", "date", required=True),
            Column(
                "district",
                "区市",
                "choice",
                required=True,
                is_district=True,
                synonyms=_DISTRICT_HEADERS,
            ),
            Column("kind", "类型", "choice", required=True, allowed=("法律咨询", "调解")),
            Column(
                "status",
                "状态",
                "choice",
                required=True,
                allowed=("办理中", "已办结", "调解成功", "调解失败"),
            ),
            Column("amount_wan", "涉案金额（万元）", "amount", non_negative=True),
            Column("closed_date", "办结日期", "date"),
        ),
    ),
    ExtractKind(
        id="investment",
        name_zh="双招双引",
        name_en="Investment",
        period_column="signed_date",
        amount_column="amount_wan",
        columns=(
            Column("project_id", "项目编号", "text", required=True, unique=True),
            Column("project", "项目名称", "text", required=True),
            Column(
                "district",
                "区市",
                "choice",
                required=True,
                is_district=True,
                synonyms=_DISTRICT_HEADERS,
            ),
            Column("chamber", "引荐商会", "text"),
            Column("stage", "阶段", "choice", required=True, allowed=("在谈", "签约", "落地")),
            Column("amount_wan", "投资额（万元）", "amount", required=True, non_negative=True),
            Column(
                "signed_date",
                "签约日期",
                "date",
                required_when=("stage", ("签约", "落地")),
                month_enough=True,
            ),
        ),
    ),
    ExtractKind(
        id="chambers",
        name_zh="商会组织",
        name_en="Chambers of commerce",
        period_column="founded_date",
        columns=(
            Column("chamber_id", "商会编号", "text", required=True, unique=True),
            Column("name", "商会名称", "text", required=True),
            Column(
                "kind",
                "类型",
                "choice",
                required=True,
                allowed=("异地商会", "行业商会", "镇街商会", "跨界商会"),
            ),
            Column(
                "district",
                "区市",
                "choice",
                required=True,
                is_district=True,
                synonyms=_DISTRICT_HEADERS,
            ),
            Column("founded_date", "成立日期", "date", required=True, month_enough=True),
            Column("registered", "是否登记", "bool", required=True),
            Column("party_org", "是否建立党组织", "bool", required=True),
            Column("rating", "评级", "choice", allowed=("全国四好", "省四好", "市四好", "无")),
            Column("members", "会员数", "integer", non_negative=True),
            Column("status", "状态", "choice", required=True, allowed=("正常", "已清理")),
        ),
    ),
    ExtractKind(
        id="events",
        name_zh="活动培训",
        name_en="Events and training",
        period_column="date",
        columns=(
            Column(
                "date", "日期", "date", required=True, month_enough=True, synonyms=_DATE_HEADERS
            ),
            Column(
                "district",
                "区市",
                "choice",
                required=True,
                is_district=True,
                synonyms=_DISTRICT_HEADERS,
            ),
            Column(
                "type",
                "类型",
                "choice",
                required=True,
                allowed=("企业家讲堂", "培训讲座", "政策解读沙龙", "座谈会", "其他"),
            ),
            Column("title", "活动名称", "text"),
            Column("participants", "参与人数", "integer", required=True, non_negative=True),
        ),
    ),
)

KINDS_BY_ID: dict[str, ExtractKind] = {kind.id: kind for kind in KINDS}

# Spellings of 是/否 accepted in boolean columns (compared after lower-casing).
TRUE_WORDS: tuple[str, ...] = (
    "是",
    "y",
    "yes",
    "true",
    "1",
    "t",
    "√",
    "✓",
    "✔",
    "有",
    "已登记",
    "已建立",
    "已成立",
)
FALSE_WORDS: tuple[str, ...] = (
    "否",
    "n",
    "no",
    "false",
    "0",
    "f",
    "×",
    "✗",
    "✘",
    "x",
    "无",
    "未登记",
    "未建立",
    "未成立",
)
# What offices write in a cell that has nothing to say: read as empty (so a required column
# still reports it).  Not in a column that lists the word as a value (评级 “无”), nor in a
# boolean column (无 = 否).  A lone "-" in an amount or count is Excel's accounting zero.
EMPTY_MARKERS: tuple[str, ...] = (
    "/",
    "／",
    "\\",
    "—",
    "——",
    "－",
    "-",
    "--",
    "无",
    "暂无",
    "N/A",
    "n/a",
)
# Units written after a count (12人, 30名) and the money signs of Excel's accounting format.
COUNT_SUFFIXES = "人名位家个次场"
# An amount column whose header names another unit is converted to 万元 (with a note).
AMOUNT_UNITS: dict[str, float] = {"万元": 1.0, "亿元": 10000.0, "元": 0.0001}
# A row whose label cell (any text column) is one of these, or ends with one (城阳区小计), is a
# totals row, not a record: excluded with a warning.
TOTAL_LABELS: tuple[str, ...] = ("合计", "小计", "总计", "累计", "共计", "总合计")


def kind_for_filename(filename: str) -> ExtractKind | None:
    """The extract kind a file name starts with (its id or its Chinese name), if any.

    ``financing_2021-06_城阳区.csv`` and ``融资对接_2021-06.csv`` are both financing.
    The longest matching prefix wins, so no kind can shadow another.
    """
    lowered = filename.lower()
    best: ExtractKind | None = None
    best_len = 0
    for kind in KINDS:
        for prefix in (kind.id, kind.name_zh):
            if lowered.startswith(prefix.lower()) and len(prefix) > best_len:
                rest = lowered[len(prefix) :]
                # The prefix must end at a separator or the extension: "orders2" is not "orders".
                if rest[:1] in ("", "_", "-", ".", " ", "（", "("):
                    best, best_len = kind, len(prefix)
    return best
