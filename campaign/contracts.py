"""The extract contracts: what each monthly CSV kind must contain.

This module is the one place where the seven extract kinds, their columns and the
districts (区市) are defined.  Everything else (reader, validation, storage, the
sample generator, the data-status page) reads these definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["text", "date", "amount", "integer", "bool", "choice"]

# DuckDB type of the normalised column for each contract type.
SQL_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "choice": "VARCHAR",
    "date": "DATE",
    "amount": "DOUBLE",
    "integer": "BIGINT",
    "bool": "BOOLEAN",
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


def district_lookup() -> dict[str, str]:
    """Every accepted spelling of a district mapped to its official name."""
    lookup = {name: name for name in DISTRICTS}
    for name in DISTRICTS:
        if name.endswith(("区", "市")) and len(name) > 2:
            lookup.setdefault(name[:-1], name)  # 城阳 → 城阳区, 胶州 → 胶州市
        if name.endswith("新区"):
            lookup.setdefault(name[:-2], name)  # 西海岸 → 西海岸新区
    lookup.update(DISTRICT_ALIASES)
    return lookup


KINDS: tuple[ExtractKind, ...] = (
    ExtractKind(
        id="financing",
        name_zh="融资对接",
        name_en="Financing",
        period_column="date",
        amount_column="amount_wan",
        columns=(
            Column("date", "日期", "date", required=True),
            Column("district", "区市", "choice", required=True, is_district=True),
            Column("enterprise", "企业名称", "text", required=True),
            Column("institution", "金融机构", "text"),
            Column(
                "channel", "融资方式", "choice", allowed=("贷款", "债券", "股权", "上市", "其他")
            ),
            Column("amount_wan", "金额（万元）", "amount", required=True, non_negative=True),
        ),
    ),
    ExtractKind(
        id="orders",
        name_zh="订单对接",
        name_en="Orders",
        period_column="date",
        amount_column="amount_wan",
        columns=(
            Column("date", "日期", "date", required=True),
            Column("district", "区市", "choice", required=True, is_district=True),
            Column("enterprise", "企业名称", "text", required=True),
            Column("platform", "平台", "text"),
            Column("amount_wan", "订单金额（万元）", "amount", required=True, non_negative=True),
        ),
    ),
    ExtractKind(
        id="talent",
        name_zh="人才引进",
        name_en="Talent",
        period_column="date",
        columns=(
            Column("date", "日期", "date", required=True),
            Column("district", "区市", "choice", required=True, is_district=True),
            Column("enterprise", "企业名称", "text"),
            Column("event", "活动名称", "text"),
            Column(
                "category",
                "人才类别",
                "choice",
                required=True,
                allowed=("高技能人才", "高校毕业生", "海外人才", "其他"),
            ),
            Column("hires", "引进人数", "integer", required=True, non_negative=True),
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
            Column("district", "区市", "choice", required=True, is_district=True),
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
            Column("district", "区市", "choice", required=True, is_district=True),
            Column("chamber", "引荐商会", "text"),
            Column("stage", "阶段", "choice", required=True, allowed=("在谈", "签约", "落地")),
            Column("amount_wan", "投资额（万元）", "amount", required=True, non_negative=True),
            Column("signed_date", "签约日期", "date", required_when=("stage", ("签约", "落地"))),
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
            Column("district", "区市", "choice", required=True, is_district=True),
            Column("founded_date", "成立日期", "date", required=True),
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
            Column("date", "日期", "date", required=True),
            Column("district", "区市", "choice", required=True, is_district=True),
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
TRUE_WORDS: tuple[str, ...] = ("是", "y", "yes", "true", "1", "t")
FALSE_WORDS: tuple[str, ...] = ("否", "n", "no", "false", "0", "f")


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
