"""The deterministic sample data generator: a complete, plausible data folder.

``write_sample(out_dir, seed, scale)`` writes ``out_dir/extracts/*.csv`` (the seven extract
kinds of :mod:`campaign.contracts`, 2019-01 to 2022-09) and ``out_dir/targets.csv``.  The same
seed and scale always give the same bytes: every random draw comes from a
``numpy.random.Generator(PCG64([seed, stream]))`` with one named stream per kind, and nothing
depends on the clock or on set ordering.

Calibration.  The 2021 full-year city totals reproduce the campaign's published figures
(``PUBLISHED_2021``): 融资 400亿元 for 14,000 firms, 订单 187亿元 for 9,700 firms, 500
高技能人才, 1,948 法律咨询 and 668 调解 cases (368 调解成功, 2.25亿元 at stake), 16 new
chambers among 330 active ones with 90% party coverage, 7 企业家讲堂 and 23 培训讲座 for 3,000
participants, 10 signed investment projects worth 67亿元.  Counts published as exact numbers
are hit exactly; round published figures (400亿元, 14,000 firms ...) get a deterministic
jitter below 1%.  Other years follow ``YEAR_LEVEL`` (about +10% a year, 2020 with a COVID dip
in Feb–Mar) and ``MONTH_RHYTHM`` (Spring Festival dip, quarter-end bumps, year-end push);
2022 stops at ``AS_OF`` (2022-09-30).  Districts get activity by size (``DISTRICT_WEIGHTS``,
西海岸新区 largest, 市直 small).  Some firms appear in several months and two districts, so
distinct-firm counts are below row counts and district counts do not add up to the city's.

Targets are set from the generated actuals, mirroring the shipped KPI definitions: for 2022
the city completion at 2022-09-30 (序时进度 75%) is fixed per KPI in ``TARGETS_2022`` (a mix
of ahead, lagging, critical and completed) and every city target is at least 2021's result
(``GROWTH_2022`` lifts 2022 activity where needed for that); district targets split the city
target by the districts' results blended with their long-run shares and a random ambition,
so district statuses vary.  City targets of sum/count KPIs are the sum of the district
targets; rate and latest KPIs get a level (``LEVEL_TARGETS``) for the city and each district.

``scale`` multiplies every row count, the firm pool and so the sum/count targets (rates are
unchanged); it is meant for benchmarks (scale 100 is over ten million rows).  Work is done one
kind and year at a time with numpy, so memory stays well under 2 GB at scale 100.

The files show the variety the reader must accept: English (canonical) and Chinese headers,
GB18030 files named with the Chinese kind name holding one district's rows, a UTF-8 file with
BOM, a file with its columns in another order, amounts with thousands separators, dates
written 2021/3/5 and 2021年3月5日, CRLF line ends.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from campaign.contracts import CITY, DISTRICTS, KINDS_BY_ID, ExtractKind

YEARS: tuple[int, ...] = (2019, 2020, 2021, 2022)
AS_OF = np.datetime64("2022-09-30")
# The last month with data in each year: 2022 is the year in progress.
LAST_MONTH: dict[int, int] = {2019: 12, 2020: 12, 2021: 12, 2022: 9}

# The campaign's published 2021 figures, at scale 1 (万元 for amounts).
PUBLISHED_2021: dict[str, float] = {
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
    "chambers_active": 330,
    "chambers_party": 297,  # 297 / 330 = 90.0%
    "lectures": 7,  # 企业家讲堂
    "trainings": 23,  # 培训讲座
    "lecture_training_participants": 3_000,
    "investment_signed_projects": 10,
    "investment_signed_amount_wan": 670_000,
}

# Activity of a full year relative to 2021 (about +10% a year; 2020 hit by COVID).
YEAR_LEVEL: dict[int, float] = {2019: 0.81, 2020: 0.89, 2021: 1.0, 2022: 1.11}
# Faster 2022 growth where the 2022 plan has the city ahead of 序时进度 against a target above
# 2021's result (Jan–Sep holds only ~71% of a year, so +11% would read as lagging).
GROWTH_2022: dict[str, float] = {"financing_amount": 1.14, "mediation": 1.14}

# Relative activity per month: Spring Festival dip (Jan/Feb), quarter-end bumps, the quiet
# National Day month (Oct) and the year-end push (Nov/Dec).
MONTH_RHYTHM = np.array([0.70, 0.55, 1.05, 0.90, 0.95, 1.15, 0.90, 0.90, 1.15, 0.85, 1.10, 1.40])
# 2020: COVID stops work in Feb–Mar, then a catch-up.
COVID_2020 = np.array([0.95, 0.30, 0.55, 0.85, 1.05, 1.12, 1.10, 1.10, 1.12, 1.08, 1.08, 1.08])
# Share of a normal year's activity falling in Jan–Sep (about 71%, below 序时进度 75%).
YTD_SHARE_2022 = float(MONTH_RHYTHM[:9].sum() / MONTH_RHYTHM.sum())
# Distinct firms served in Jan–Sep relative to a full year (firms recur over the year).
DISTINCT_SHARE_YTD = 0.78

# Relative size of each district (aligned with contracts.DISTRICTS).
DISTRICT_WEIGHTS = np.array(
    [0.070, 0.075, 0.065, 0.080, 0.200, 0.120, 0.115, 0.105, 0.085, 0.060, 0.025]
)
DISTRICT_NAMES = np.array(DISTRICTS, dtype=object)
N_DISTRICTS = len(DISTRICTS)

# 2022 city completion at 2022-09-30 (序时进度 75%): ahead ≥ 75%, lagging 65–75%,
# critical < 65%, completed ≥ 100%.  Level KPIs are in LEVEL_TARGETS instead.
TARGETS_2022: dict[str, float] = {
    "financing_amount": 0.77,  # ahead
    "financing_enterprises": 0.78,  # ahead
    "orders_amount": 0.72,  # lagging
    "orders_enterprises": 0.77,  # ahead
    "talent_high_skill": 0.61,  # critical
    "legal_consultations": 0.78,  # ahead
    "mediation_cases": 0.79,  # ahead
    "mediation_amount": 0.69,  # lagging
    "investment_signed_projects": 0.73,  # lagging (8 of 11 at scale 1)
    "investment_signed_amount": 0.55,  # critical
    "chambers_new": 1.06,  # completed (17 of 16)
    "events_sessions": 1.04,  # completed
    "events_participants": 0.88,  # ahead
    "events_lectures": 0.71,  # lagging (5 of 7)
    "events_trainings": 0.86,  # ahead
    "events_trainees": 0.80,  # ahead
}
# Year-end city completion ranges for past years (drawn per KPI); a past year's target is
# never below the year before's result.
PAST_COMPLETION: dict[int, tuple[float, float]] = {
    2019: (0.97, 1.10),
    2020: (0.90, 1.04),
    2021: (1.01, 1.12),
}
LEVEL_TARGETS: dict[str, dict[int, float]] = {
    "mediation_success_rate": {2019: 0.50, 2020: 0.50, 2021: 0.55, 2022: 0.55},
    "chambers_party_coverage": {2019: 0.85, 2020: 0.88, 2021: 0.90, 2022: 0.95},
}


@dataclass(frozen=True)
class _TargetRule:
    """How a sum/count KPI's targets are rounded and split over districts."""

    step: float  # rounding unit of a target, in the KPI's unit
    lumpy: float  # weight of the long-run district shares against this year's results


TARGET_RULES: dict[str, _TargetRule] = {
    "financing_amount": _TargetRule(0.1, 0.15),
    "financing_enterprises": _TargetRule(1, 0.15),
    "orders_amount": _TargetRule(0.1, 0.15),
    "orders_enterprises": _TargetRule(1, 0.15),
    "talent_high_skill": _TargetRule(1, 0.3),
    "legal_consultations": _TargetRule(1, 0.2),
    "mediation_cases": _TargetRule(1, 0.2),
    "mediation_amount": _TargetRule(0.01, 0.4),
    "investment_signed_projects": _TargetRule(1, 0.6),
    "investment_signed_amount": _TargetRule(0.1, 0.6),
    "chambers_new": _TargetRule(1, 0.6),
    "events_sessions": _TargetRule(1, 0.5),
    "events_participants": _TargetRule(1, 0.4),
    "events_lectures": _TargetRule(1, 0.6),
    "events_trainings": _TargetRule(1, 0.5),
    "events_trainees": _TargetRule(10, 0.4),
}
# Display order of the shipped KPIs in targets.csv.
KPI_IDS: tuple[str, ...] = (
    "financing_amount",
    "financing_enterprises",
    "orders_amount",
    "orders_enterprises",
    "talent_high_skill",
    "legal_consultations",
    "mediation_cases",
    "mediation_success_rate",
    "mediation_amount",
    "investment_signed_projects",
    "investment_signed_amount",
    "chambers_new",
    "chambers_party_coverage",
    "events_sessions",
    "events_participants",
    # Added later: last in the file, so the targets above keep their random draws.
    "events_lectures",
    "events_trainings",
    "events_trainees",
)

# ---------------------------------------------------------------------------------------------
# Vocabulary (all names fictional, institutions excepted)

_FIRM_PREFIXES = ("青岛", "山东", "胶东", "琴岛", "黄海", "半岛")
_FIRM_PREFIX_WEIGHTS = np.array([0.62, 0.14, 0.08, 0.06, 0.05, 0.05])
_BRAND_CHARS = (
    "海润瑞丰恒达鑫盛华泰隆昌宏远诚信德汇博腾锦嘉宇源凯益利通和正明聚荣福金永佳安康元亿"
    "星辉顺祥兴创晟睿航耀众立志豪邦盈东方蓝帆澳鼎峰沃越翔捷美川海悦"
)
_BRAND_CHARS = "".join(dict.fromkeys(_BRAND_CHARS))  # drop repeats, keep order
_INDUSTRIES = (
    "精密机械", "机械制造", "食品", "纺织", "服饰", "电子科技", "新材料", "物流", "建材", "化工",
    "海洋生物", "橡胶制品", "模具", "汽车零部件", "轨道交通装备", "船舶配件", "医疗器械", "软件",
    "信息技术", "环保科技", "农业发展", "水产", "包装", "印刷", "家居", "五金", "钢结构", "电气",
    "仪器仪表", "智能装备", "新能源", "生物科技", "国际贸易", "供应链管理", "工程机械", "塑料制品",
    "工艺品", "机电设备", "建筑工程", "数码科技", "实业", "商贸", "饮品", "农产品", "冷链物流",
    "家电配件", "光电", "通信设备", "特种设备", "检测技术",
)  # fmt: skip
_FIRM_SUFFIXES = ("有限公司", "股份有限公司", "集团有限公司")
_FIRM_SUFFIX_WEIGHTS = np.array([0.86, 0.09, 0.05])

_CHANNELS = ("贷款", "债券", "股权", "上市", "其他")
_CHANNEL_WEIGHTS = np.array([0.74, 0.04, 0.08, 0.01, 0.13])
_CHANNEL_SIZE = np.array([1.0, 3.0, 2.0, 6.0, 0.5])  # typical deal size relative to a loan
_INSTITUTIONS: dict[str, tuple[str, ...]] = {
    "贷款": (
        "工商银行青岛分行", "农业银行青岛分行", "中国银行青岛市分行", "建设银行青岛市分行",
        "交通银行青岛分行", "邮储银行青岛分行", "青岛银行", "青岛农商银行", "招商银行青岛分行",
        "兴业银行青岛分行", "浦发银行青岛分行", "中信银行青岛分行", "民生银行青岛分行",
        "光大银行青岛分行", "华夏银行青岛分行", "恒丰银行青岛分行", "齐鲁银行青岛分行",
        "日照银行青岛分行",
    ),
    "债券": ("中信证券青岛分公司", "国泰君安证券青岛分公司", "中泰证券青岛分公司"),
    "股权": ("青岛海创股权投资基金", "青岛蓝湾创业投资有限公司", "琴岛科创投资基金",
             "胶东半岛产业投资基金"),
    "上市": ("上海证券交易所", "深圳证券交易所", "全国中小企业股份转让系统"),
    "其他": ("青岛市中小企业融资担保中心", "青岛海融融资租赁有限公司", "青岛市应急转贷基金",
             "青岛供应链金融服务平台"),
}  # fmt: skip
_PLATFORMS = (
    "民营企业产销对接会", "国企民企配套对接会", "上合示范区经贸对接会", "跨境电商平台",
    "政府采购平台", "链主企业供应链对接", "青岛国际工业博览会", "线上订单对接平台", "商会牵线对接",
    "中国国际消费品博览会",
)  # fmt: skip
_PLATFORM_WEIGHTS = np.array([0.2, 0.15, 0.08, 0.12, 0.07, 0.12, 0.05, 0.11, 0.07, 0.03])

_TALENT_CATEGORIES = ("高技能人才", "高校毕业生", "海外人才", "其他")
# 2021 (hires, rows) per category; 高技能人才 is the published 500.
_TALENT_2021: dict[str, tuple[int, int]] = {
    "高技能人才": (500, 185),
    "高校毕业生": (2600, 640),
    "海外人才": (80, 52),
    "其他": (420, 150),
}
_TALENT_EVENTS: dict[str, tuple[str, ...]] = {
    "高技能人才": (
        "{y}年技能人才供需对接会",
        "{y}年“春风行动”专场招聘会",
        "民营企业技能人才专场招聘会",
    ),
    "高校毕业生": ("{y}年高校毕业生就业双选会", "{y}年民营企业招聘月", "名校人才直通车"),
    "海外人才": ("{y}年海外人才项目对接会", "海归人才创新创业大赛"),
    "其他": ("{y}年“春风行动”专场招聘会", "{y}年民营企业招聘月", "退役军人专场招聘会"),
}
# Graduates are hired around the graduation season, skills after the Spring Festival.
_TALENT_MONTH_BUMP: dict[str, np.ndarray] = {
    "高技能人才": np.array([1, 1, 1.5, 1.3, 1, 1, 1, 1, 1, 1, 1, 1.0]),
    "高校毕业生": np.array([1, 1, 1.2, 1.2, 1.3, 1.6, 1.6, 1, 1, 1, 1.2, 0.8]),
    "海外人才": np.ones(12),
    "其他": np.array([1, 1, 1.5, 1.2, 1, 1, 1, 1, 1, 1, 1, 1.0]),
}

_ORIGINS = (
    "温州", "福建", "浙江", "江苏", "河南", "河北", "安徽", "江西", "湖南", "湖北", "四川", "重庆",
    "广东", "潮汕", "泉州", "晋江", "莆田", "台州", "宁波", "义乌", "黑龙江", "吉林", "辽宁",
    "内蒙古", "山西", "陕西", "甘肃", "云南", "贵州", "广西", "天津", "上海", "潍坊", "烟台",
    "临沂", "日照", "菏泽", "济宁", "聊城", "德州", "滨州", "东营", "淄博", "枣庄", "泰安", "威海",
    "济南", "苏州", "无锡", "徐州", "南通", "盐城", "合肥", "阜阳", "安庆", "新疆", "海南", "长沙",
    "武汉", "成都",
)  # fmt: skip
_CHAMBER_INDUSTRIES = (
    "模具", "食品", "纺织服装", "机械", "电子信息", "汽车配件", "建材", "家居", "物流", "餐饮",
    "酒店", "电子商务", "化工", "橡胶", "海洋产业", "新能源", "医药", "农业", "水产", "工艺品",
    "五金", "钢铁贸易", "木业", "印刷包装", "石材", "茶叶", "珠宝", "汽车销售", "家电", "软件",
    "文化创意", "装饰装修", "物业管理", "跨境电商", "人力资源", "养老服务", "教育培训", "会展",
    "冷链", "美容美发",
)  # fmt: skip
_CROSS_THEMES = (
    "青年企业家", "女企业家", "新生代企业家", "退役军人企业家", "归国留学人员企业家",
    "民营科技企业家", "个体私营企业", "非公有制经济人士",
)  # fmt: skip
_STREETS: dict[str, tuple[str, ...]] = {
    "市南区": ("八大关街道", "香港中路街道", "湛山街道", "金门路街道", "江苏路街道"),
    "市北区": ("台东街道", "辽宁路街道", "浮山新区街道", "登州路街道", "合肥路街道"),
    "李沧区": ("李村街道", "虎山路街道", "浮山路街道", "兴华路街道", "九水街道"),
    "崂山区": ("中韩街道", "沙子口街道", "王哥庄街道", "北宅街道", "金家岭街道"),
    "西海岸新区": ("黄岛街道", "辛安街道", "薛家岛街道", "灵珠山街道", "长江路街道",
                  "隐珠街道", "珠海街道", "王台镇", "泊里镇", "六汪镇"),
    "城阳区": ("流亭街道", "夏庄街道", "惜福镇街道", "棘洪滩街道", "上马街道", "红岛街道",
               "河套街道", "城阳街道"),
    "即墨区": ("通济街道", "环秀街道", "潮海街道", "龙山街道", "灵山街道", "蓝村街道",
               "鳌山卫街道", "田横镇"),
    "胶州市": ("阜安街道", "中云街道", "三里河街道", "九龙街道", "胶东街道", "李哥庄镇",
               "胶莱街道"),
    "平度市": ("凤台街道", "李园街道", "同和街道", "南村镇", "明村镇", "新河镇", "蓼兰镇"),
    "莱西市": ("水集街道", "望城街道", "姜山镇", "店埠镇", "院上镇", "日庄镇"),
}  # fmt: skip
_CHAMBER_KINDS = ("异地商会", "行业商会", "镇街商会", "跨界商会")
_CHAMBER_KIND_WEIGHTS = np.array([0.42, 0.30, 0.18, 0.10])
_RATINGS = ("全国四好", "省四好", "市四好", "无")

_PROJECT_TYPES = (
    "高端装备制造产业园", "新能源电池材料", "智能家电零部件生产基地", "海洋生物医药研发中心",
    "冷链物流园", "总部经济大厦", "工业互联网平台", "新材料产业园", "食品精深加工",
    "汽车零部件智能制造", "半导体封装测试", "跨境电商产业园", "文旅综合体", "现代农业示范园",
    "光伏组件生产线", "医疗器械产业园", "数字经济产业园", "精密模具生产基地", "生物基新材料",
    "智慧物流中心", "碳纤维复合材料", "氢能装备", "预制菜加工基地", "轨道交通装备配套",
    "高端纺织服装",
)  # fmt: skip
# (signed projects, signed amount 万元) per year at scale 1; 2022 is Jan–Sep.
_INVESTMENT_SIGNED: dict[int, tuple[int, float]] = {
    2019: (7, 480_000),
    2020: (8, 560_000),
    2021: (10, 670_000),
    2022: (8, 396_000),
}
# Projects still 在谈 at 2022-09-30, by the year they were registered.
_INVESTMENT_TALKS: dict[int, int] = {2021: 3, 2022: 9}

_EVENT_TYPES = ("企业家讲堂", "培训讲座", "政策解读沙龙", "座谈会")
# Sessions per type and the participants of 讲堂 + 培训 together, per year (2022: Jan–Sep).
_EVENT_PLAN: dict[int, tuple[tuple[int, int, int, int], int]] = {
    2019: ((5, 18, 8, 12), 2_300),
    2020: ((4, 17, 7, 10), 2_200),
    2021: ((7, 23, 10, 14), 3_000),
    2022: ((7, 24, 11, 16), 2_900),
}
_EVENT_SIZE = np.array([200.0, 70.0, 50.0, 25.0])  # typical participants per type
_LECTURE_TOPICS = (
    "数字化转型的路径与实践", "专精特新企业成长之路", "企业合规经营与风险防范",
    "资本市场与企业上市", "家族企业传承与治理", "品牌建设与市场开拓", "国际贸易形势与应对",
    "碳达峰碳中和与企业机遇", "工业互联网赋能制造业", "新发展格局下的民营经济",
    "企业文化与管理创新", "知识产权保护实务",
)  # fmt: skip
_TRAINING_TOPICS = (
    "财税政策", "企业融资实务", "安全生产", "劳动用工法律风险", "跨境电商运营", "数字营销",
    "精益管理", "知识产权", "出口退税", "商会规范化建设", "企业内控", "直播电商",
)  # fmt: skip
_SALON_TOPICS = (
    "减税降费", "助企纾困", "稳企业保就业", "专精特新认定", "金融支持实体经济", "科技创新券",
    "人才引进补贴", "外贸稳增长",
)  # fmt: skip

# A table under construction: canonical column name -> values (dates as datetime64[D] with
# NaT for empty, amounts as float with NaN for empty, text as object arrays of str).
# Columns starting with "_" are helpers (district index, firm index) and are not written.
Table = dict[str, np.ndarray]


# ---------------------------------------------------------------------------------------------
# Small helpers


def _rng(seed: int, stream: str) -> np.random.Generator:
    """The random generator of one named stream: independent of every other stream."""
    return np.random.Generator(np.random.PCG64([seed, zlib.crc32(stream.encode("utf-8"))]))


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Split a whole number into whole parts proportional to ``weights`` (largest remainder)."""
    share = np.asarray(weights, dtype=float)
    share = share / share.sum()
    raw = total * share
    parts = np.floor(raw).astype(np.int64)
    rest = int(total - parts.sum())
    order = np.argsort(-(raw - parts), kind="stable")
    parts[order[:rest]] += 1
    return parts


def _level(year: int, what: str = "") -> float:
    """Activity of ``year`` relative to 2021 (full year), for one stream of figures."""
    return GROWTH_2022.get(what, YEAR_LEVEL[year]) if year == 2022 else YEAR_LEVEL[year]


def _year_share(year: int) -> float:
    """The share of a full year's activity that falls in the months reported for ``year``."""
    return YTD_SHARE_2022 if LAST_MONTH[year] < 12 else 1.0


def _month_weights(
    rng: np.random.Generator, year: int, bump: np.ndarray | None = None
) -> np.ndarray:
    """Relative activity of each reported month of ``year`` (noisy, with 2020's COVID dip)."""
    weights = MONTH_RHYTHM * np.exp(rng.normal(0.0, 0.06, 12))
    if year == 2020:
        weights = weights * COVID_2020
    if bump is not None:
        weights = weights * bump
    return weights[: LAST_MONTH[year]]


def _district_weights(rng: np.random.Generator, year: int) -> np.ndarray:
    """District shares for one kind and year: by size, drifting a little from year to year."""
    drift = rng.normal(0.0, 0.06, N_DISTRICTS)
    weights = DISTRICT_WEIGHTS * np.exp(drift)
    return weights / weights.sum()


# Public holidays (and the Spring Festival week) of the campaign years, when nobody reports.
_HOLIDAYS: dict[int, tuple[str, ...]] = {
    2019: ("01-01", "02-04/02-10", "04-05", "05-01/05-04", "06-07", "09-13", "10-01/10-07"),
    2020: ("01-01", "01-24/02-02", "04-06", "05-01/05-05", "06-25/06-26", "10-01/10-08"),
    2021: ("01-01", "02-11/02-17", "04-05", "05-03/05-05", "06-14", "09-20/09-21", "10-01/10-07"),
    2022: ("01-03", "01-31/02-04", "04-04/04-05", "05-02/05-04", "06-03", "09-12"),
}
_WORKDAYS: dict[tuple[int, int], np.ndarray] = {}


def _holidays(year: int) -> np.ndarray:
    """The holidays of ``year`` as dates (none listed before 2019)."""
    days: list[np.ndarray] = []
    for span in _HOLIDAYS.get(year, ()):
        first, _, last = span.partition("/")
        start = np.datetime64(f"{year}-{first}")
        end = np.datetime64(f"{year}-{last or first}") + 1
        days.append(np.arange(start, end, dtype="datetime64[D]"))
    return np.concatenate(days) if days else np.empty(0, dtype="datetime64[D]")


def _workdays(year: int, month: int) -> np.ndarray:
    """Working days of a month: Monday–Friday except public holidays (cached)."""
    key = (year, month)
    if key not in _WORKDAYS:
        start = np.datetime64(f"{year}-{month:02d}-01")
        end = (start.astype("datetime64[M]") + 1).astype("datetime64[D]")
        days = np.arange(start, end, dtype="datetime64[D]")
        _WORKDAYS[key] = days[np.is_busday(days, holidays=_holidays(year))]
    return _WORKDAYS[key]


def _random_dates(
    rng: np.random.Generator, year: int, n: int, month_weights: np.ndarray
) -> np.ndarray:
    """``n`` workdays of ``year``, months drawn by ``month_weights``."""
    months = rng.choice(len(month_weights), size=n, p=month_weights / month_weights.sum())
    position = rng.random(n)
    dates = np.empty(n, dtype="datetime64[D]")
    for month in range(len(month_weights)):
        mask = months == month
        days = _workdays(year, month + 1)
        dates[mask] = days[(position[mask] * len(days)).astype(np.int64)]
    return dates


def _pick(
    rng: np.random.Generator, options: Sequence[str], n: int, p: np.ndarray | None = None
) -> np.ndarray:
    """``n`` values drawn from ``options`` as an object array."""
    values = np.array(options, dtype=object)
    if p is not None:
        p = p / p.sum()
    return values[rng.choice(len(values), size=n, p=p)]


def _exact_amounts(
    rng: np.random.Generator, raw: np.ndarray, total: float, whole: np.ndarray | None = None
) -> np.ndarray:
    """Amounts (万元, 2 decimals) shaped like ``raw`` that add up to ``total``.

    Capped at 150× the median so that no amount looks like 元 typed as 万元 (the validation
    warns at 1000× the median of the kind).  ``whole`` marks amounts rounded to whole 万元.
    """
    amounts = raw * (total / raw.sum())
    for _ in range(3):
        cap = 150.0 * float(np.median(amounts))
        amounts = np.minimum(amounts, cap)
        amounts = amounts * (total / amounts.sum())
    amounts = np.round(amounts, 2)
    if whole is not None:
        amounts[whole] = np.maximum(np.round(amounts[whole]), 1.0)
    # Put the rounding difference on the largest amount, so the total is exact to the cent.
    largest = int(np.argmax(amounts))
    amounts[largest] = round(amounts[largest] + (total - amounts.sum()), 2)
    return amounts


def _jitter(rng: np.random.Generator, value: float, spread: float = 0.008) -> float:
    """A published round figure, off by less than ``spread`` (the data are never that round)."""
    return value * (1.0 + rng.uniform(-spread, spread))


def _sort(table: Table, *keys: str) -> Table:
    """The table sorted by ``keys`` (first key most significant), stable."""
    order = np.lexsort(tuple(table[k] for k in reversed(keys)))
    return {name: values[order] for name, values in table.items()}


def _drop_exact_duplicates(table: Table, columns: Sequence[str], year: int) -> Table:
    """Move rows identical to an earlier row one workday earlier (later in early January).

    Non-keyed kinds warn on exact duplicate rows, and real exports rarely have them.
    """
    for _ in range(20):
        frame = pd.DataFrame({c: table[c] for c in columns})
        duplicated = frame.duplicated(keep="first").to_numpy()
        if not duplicated.any():
            return table
        dates = table["date"].copy()
        earlier = np.busday_offset(dates[duplicated], -1, roll="backward")
        later = np.busday_offset(dates[duplicated], 1, roll="forward")
        in_year = earlier >= np.datetime64(f"{year}-01-01")
        dates[duplicated] = np.where(in_year, earlier, later)
        table = {**table, "date": dates}
    raise RuntimeError("could not remove duplicate rows")  # pragma: no cover


# ---------------------------------------------------------------------------------------------
# The firm pool


@dataclass(frozen=True)
class _FirmPool:
    """Fictional enterprises: unique names and a home district for each."""

    names: np.ndarray  # object array of str
    home: np.ndarray  # district index


def _firm_pool(seed: int, size: int) -> _FirmPool:
    """``size`` distinct plausible enterprise names (地名 + 字号 + 行业 + 组织形式)."""
    rng = _rng(seed, "firms")
    n_chars = len(_BRAND_CHARS)
    dims = (len(_FIRM_PREFIXES), n_chars * (n_chars - 1), len(_INDUSTRIES), len(_FIRM_SUFFIXES))
    space = int(np.prod(dims))
    codes = np.empty(0, dtype=np.int64)
    for attempt in range(40):
        want = int((size - len(codes)) * 1.3) + 100
        if attempt < 5:  # realistic weights while names are plentiful ...
            prefix = rng.choice(dims[0], size=want, p=_FIRM_PREFIX_WEIGHTS)
            brand = rng.integers(0, dims[1], size=want)
            industry = rng.integers(0, dims[2], size=want)
            suffix = rng.choice(dims[3], size=want, p=_FIRM_SUFFIX_WEIGHTS)
            drawn = ((prefix * dims[1] + brand) * dims[2] + industry) * dims[3] + suffix
        else:  # ... uniform for huge scales, where the weighted names run out
            drawn = rng.integers(0, space, size=want)
        merged = np.concatenate([codes, drawn])
        _, first = np.unique(merged, return_index=True)
        codes = merged[np.sort(first)]
        if len(codes) >= size:
            break
    else:  # pragma: no cover
        raise ValueError(f"cannot make {size} distinct enterprise names")
    codes = codes[:size]
    codes, suffix = np.divmod(codes, dims[3])
    codes, industry = np.divmod(codes, dims[2])
    prefix, brand = np.divmod(codes, dims[1])
    first_char, second = np.divmod(brand, n_chars - 1)
    second = second + (second >= first_char)  # the two characters of a 字号 differ
    chars = np.array(list(_BRAND_CHARS), dtype=object)
    names = (
        np.array(_FIRM_PREFIXES, dtype=object)[prefix]
        + chars[first_char]
        + chars[second]
        + np.array(_INDUSTRIES, dtype=object)[industry]
        + np.array(_FIRM_SUFFIXES, dtype=object)[suffix]
    )
    home = rng.choice(N_DISTRICTS, size=size, p=DISTRICT_WEIGHTS / DISTRICT_WEIGHTS.sum())
    return _FirmPool(names=names, home=home)


def _choose_firms(
    rng: np.random.Generator,
    pool: _FirmPool,
    span: tuple[int, int],
    n_firms: int,
    district_weights: np.ndarray,
) -> np.ndarray:
    """``n_firms`` distinct firms from ``pool[span]``, favouring districts by this year's weights.

    Weighted sampling without replacement by Efraimidis–Spirakis keys (vectorised).
    """
    lo, hi = span
    candidates = np.arange(lo, hi)
    weight = (district_weights / DISTRICT_WEIGHTS)[pool.home[lo:hi]]
    keys = np.log(rng.random(hi - lo)) / weight
    chosen = np.argpartition(-keys, n_firms - 1)[:n_firms]
    return candidates[np.sort(chosen)]


def _firm_rows(
    rng: np.random.Generator,
    pool: _FirmPool,
    span: tuple[int, int],
    n_firms: int,
    n_rows: int,
    year: int,
) -> Table:
    """Rows for ``n_firms`` distinct firms (each at least once): firm, district and date.

    Some firms come back several times in the year; 5% of rows are served in a district other
    than the firm's home (a branch plant, a project elsewhere).
    """
    district_weights = _district_weights(rng, year)
    firms = _choose_firms(rng, pool, span, n_firms, district_weights)
    repeat = rng.lognormal(0.0, 1.0, n_firms)
    extra = rng.choice(n_firms, size=n_rows - n_firms, p=repeat / repeat.sum())
    firm = np.concatenate([firms, firms[extra]])
    district = pool.home[firm].copy()
    away = rng.random(n_rows) < 0.05
    district[away] = rng.choice(N_DISTRICTS, size=int(away.sum()), p=district_weights)
    dates = _random_dates(rng, year, n_rows, _month_weights(rng, year))
    return {"_firm": firm, "_d": district, "date": dates}


# ---------------------------------------------------------------------------------------------
# One generator per extract kind and year


@dataclass(frozen=True)
class _FlowPlan:
    """Financing or orders: firms served and amounts (2021, scale 1)."""

    kind_id: str
    firms_2021: int
    rows_per_firm: float
    amount_2021: float  # 万元
    pool_span: tuple[float, float]  # the part of the firm pool this kind draws from
    sigma: float  # spread of the amounts (log-normal)


_FINANCING = _FlowPlan("financing", 14_000, 1.16, 4_000_000, (0.0, 0.8), 0.9)
_ORDERS = _FlowPlan("orders", 9_700, 1.22, 1_870_000, (0.27, 1.0), 1.0)
POOL_PER_SCALE = 30_000


def _flow_counts(plan: _FlowPlan, rng: np.random.Generator, year: int, scale: int):
    """(distinct firms, rows, total amount 万元) of a flow kind for one year."""
    firms_full = plan.firms_2021 * _level(year) * scale
    amount = plan.amount_2021 * _level(year, f"{plan.kind_id}_amount") * _year_share(year) * scale
    if year == 2021:
        firms_full = _jitter(rng, firms_full)
        amount = _jitter(rng, amount)
    rows = round(firms_full * plan.rows_per_firm * _year_share(year))
    firms = round(firms_full * (DISTINCT_SHARE_YTD if LAST_MONTH[year] < 12 else 1.0))
    return firms, max(rows, firms), amount


def _flow_table(plan: _FlowPlan, seed: int, pool: _FirmPool, year: int, scale: int) -> Table:
    """Financing or orders rows of one year."""
    rng = _rng(seed, f"{plan.kind_id}-{year}")
    firms, rows, amount = _flow_counts(plan, rng, year, scale)
    n_pool = len(pool.names)
    span = (int(plan.pool_span[0] * n_pool), int(plan.pool_span[1] * n_pool))
    table = _firm_rows(rng, pool, span, firms, rows, year)
    table["district"] = DISTRICT_NAMES[table["_d"]]
    table["enterprise"] = pool.names[table["_firm"]]
    raw = 5.0 + rng.lognormal(np.log(80.0), plan.sigma, rows)
    if plan.kind_id == "financing":
        channel = rng.choice(len(_CHANNELS), size=rows, p=_CHANNEL_WEIGHTS)
        raw = raw * _CHANNEL_SIZE[channel]
        # Loans are mostly whole 万元; other deals carry decimals.
        whole = (channel == 0) & (rng.random(rows) < 0.7)
        table["channel"] = np.array(_CHANNELS, dtype=object)[channel]
        institution = np.empty(rows, dtype=object)
        for index, name in enumerate(_CHANNELS):
            mask = channel == index
            institution[mask] = _pick(rng, _INSTITUTIONS[name], int(mask.sum()))
        table["institution"] = institution
        columns = ("date", "district", "enterprise", "institution", "channel", "amount_wan")
    else:
        whole = rng.random(rows) < 0.3
        table["platform"] = _pick(rng, _PLATFORMS, rows, _PLATFORM_WEIGHTS)
        columns = ("date", "district", "enterprise", "platform", "amount_wan")
    table["amount_wan"] = _exact_amounts(rng, raw, amount, whole)
    table = _drop_exact_duplicates(table, columns, year)
    return _sort(table, "date", "_d")


def _talent_table(seed: int, pool: _FirmPool, year: int, scale: int) -> Table:
    """人才引进 rows of one year: hires per firm and recruitment event, by category."""
    rng = _rng(seed, f"talent-{year}")
    parts: list[Table] = []
    level = YEAR_LEVEL[year] * _year_share(year) * scale
    for category in _TALENT_CATEGORIES:
        hires_2021, rows_2021 = _TALENT_2021[category]
        hires = round(hires_2021 * level)
        rows = min(round(rows_2021 * level), hires)
        firm = rng.integers(0, len(pool.names), size=rows)
        district = pool.home[firm].copy()
        away = rng.random(rows) < 0.05
        district[away] = rng.choice(N_DISTRICTS, size=int(away.sum()), p=DISTRICT_WEIGHTS)
        # Every row hires at least one person; the rest is spread unevenly.
        spread = rng.lognormal(0.0, 0.7, rows)
        count = 1 + _allocate(hires - rows, spread) if hires > rows else np.ones(rows, np.int64)
        events = [template.format(y=year) for template in _TALENT_EVENTS[category]]
        bump = _TALENT_MONTH_BUMP[category]
        parts.append(
            {
                "_d": district,
                "date": _random_dates(rng, year, rows, _month_weights(rng, year, bump)),
                "district": DISTRICT_NAMES[district],
                "enterprise": pool.names[firm],
                "event": _pick(rng, events, rows),
                "category": np.full(rows, category, dtype=object),
                "hires": count.astype(np.int64),
            }
        )
    table = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    columns = ("date", "district", "enterprise", "event", "category", "hires")
    table = _drop_exact_duplicates(table, columns, year)
    return _sort(table, "date", "_d")


def _mediation_table(seed: int, year: int, scale: int) -> Table:
    """法律服务 rows of one year: consultations (法律咨询) and mediation cases (调解)."""
    rng = _rng(seed, f"mediation-{year}")
    level = _level(year, "mediation") * _year_share(year) * scale
    consultations = round(PUBLISHED_2021["legal_consultations"] * level)
    cases = round(PUBLISHED_2021["mediation_cases"] * level)
    amount = PUBLISHED_2021["mediation_amount_wan"] * level
    n = consultations + cases
    is_case = np.zeros(n, dtype=bool)
    is_case[consultations:] = True
    district = rng.choice(N_DISTRICTS, size=n, p=_district_weights(rng, year))
    dates = _random_dates(rng, year, n, _month_weights(rng, year))

    # Consultations are mostly answered on the spot; cases take one to three months.
    days = np.where(
        is_case,
        rng.integers(5, 61, size=n),
        np.where(rng.random(n) < 0.6, 0, rng.integers(1, 8, size=n)),
    )
    closed = np.busday_offset(dates, days, roll="forward")
    open_now = closed > AS_OF
    if year == 2021:  # a few hard cases from late 2021 are still open
        late = np.flatnonzero(is_case & (dates >= np.datetime64("2021-10-01")))
        stuck = rng.choice(late, size=min(len(late), 4 * scale), replace=False)
        open_now[stuck] = True
    status = np.where(is_case, "调解失败", "已办结").astype(object)
    success_share = {2019: 0.54, 2020: 0.55, 2022: 0.57}
    finished_cases = np.flatnonzero(is_case & ~open_now)
    if year == 2021:
        n_success = PUBLISHED_2021["mediation_success"] * scale
    else:
        n_success = round(success_share[year] * len(finished_cases))
    success = rng.choice(finished_cases, size=int(n_success), replace=False)
    status[success] = "调解成功"
    status[open_now] = "办理中"
    closed[open_now] = np.datetime64("NaT")

    amounts = np.full(n, np.nan)
    raw = 1.0 + rng.lognormal(np.log(12.0), 1.1, cases)
    amounts[is_case] = _exact_amounts(rng, raw, amount)
    kind = np.where(is_case, "调解", "法律咨询").astype(object)
    table = _sort(
        {
            "_d": district,
            "_case": is_case.astype(np.int64),
            "date": dates,
            "district": DISTRICT_NAMES[district],
            "kind": kind,
            "status": status,
            "amount_wan": amounts,
            "closed_date": closed,
        },
        "date",
        "_case",
        "_d",
    )
    width = max(6, len(str(n)))
    table["case_id"] = np.array([f"FL{year}-{i:0{width}d}" for i in range(1, n + 1)], dtype=object)
    return table


@dataclass(frozen=True)
class _Chambers:
    """The chamber register (one snapshot at 2022-09-30), founded 1993–2022."""

    table: Table


def _chamber_candidates() -> list[tuple[int, int, str]]:
    """Every chamber name we can give: (kind index, district index, name)."""
    city = DISTRICTS.index("市直")
    out: list[tuple[int, int, str]] = []
    for d, district in enumerate(DISTRICTS):
        city_level = d == city
        for origin in _ORIGINS:
            out.append((0, d, f"青岛{origin}商会" if city_level else f"{district}{origin}商会"))
        for i, industry in enumerate(_CHAMBER_INDUSTRIES):
            if city_level:
                name = f"青岛市{industry}行业协会" if i % 2 == 0 else f"青岛市{industry}商会"
            else:
                name = f"{district}{industry}商会"
            out.append((1, d, name))
        for street in _STREETS.get(district, ()):
            out.append((2, d, f"{district}{street}商会"))
        for theme in _CROSS_THEMES:
            out.append((3, d, f"青岛市{theme}商会" if city_level else f"{district}{theme}商会"))
    return out


def _chambers(seed: int, scale: int) -> _Chambers:
    """The chamber register: growth every year since 1993, 16 new in 2021, ~90% party coverage.

    Chambers founded since 2016 set up a party organisation together with the chamber
    (同步建立党组织) far more often than the older ones, so coverage rises slowly over time.
    """
    rng = _rng(seed, "chambers")
    early_years = np.arange(1993, 2019)
    new_by_year = {y: c * scale for y, c in ((2019, 14), (2020, 12), (2021, 16), (2022, 17))}
    cleaned = 11 * scale
    total_to_2021 = (PUBLISHED_2021["chambers_active"] + 11) * scale
    early_total = int(total_to_2021 - sum(new_by_year[y] for y in (2019, 2020, 2021)))
    early = _allocate(early_total, (early_years - 1990.0) ** 1.3)
    years = np.concatenate(
        [np.repeat(early_years, early), np.repeat(list(new_by_year), list(new_by_year.values()))]
    )
    n = len(years)
    founded = np.empty(n, dtype="datetime64[D]")
    for year in np.unique(years):
        mask = years == year
        month_weights = np.ones(LAST_MONTH.get(int(year), 12))
        founded[mask] = _random_dates(rng, int(year), int(mask.sum()), month_weights)
    order = np.argsort(founded, kind="stable")
    founded, years = founded[order], years[order]

    # Names: kind and district first (市直 holds the city-level chambers), then a free name.
    candidates = _chamber_candidates()
    copies = -(-2 * n // len(candidates))  # only at large scales: 青岛温州商会（2）...
    kind_of = np.array([c[0] for c in candidates] * copies)
    district_of = np.array([c[1] for c in candidates] * copies)
    names = np.array(
        [c[2] if k == 0 else f"{c[2]}（{k + 1}）" for k in range(copies) for c in candidates],
        dtype=object,
    )
    area = np.where(
        district_of == DISTRICTS.index("市直"),
        0.38,
        0.62 * DISTRICT_WEIGHTS[district_of] / (1 - DISTRICT_WEIGHTS[-1]),
    )
    area = np.where(kind_of == 2, DISTRICT_WEIGHTS[district_of], area)  # 镇街: no 市直
    per_kind = np.bincount(kind_of, weights=area)
    weight = _CHAMBER_KIND_WEIGHTS[kind_of] * area / per_kind[kind_of]
    weight = weight / np.arange(1, copies + 1).repeat(len(candidates)) ** 4  # copies last
    picked = rng.choice(len(names), size=n, replace=False, p=weight / weight.sum())

    status = np.full(n, "正常", dtype=object)
    old = np.flatnonzero(years <= 2016)
    age = 2017.0 - years[old]
    status[rng.choice(old, size=cleaned, replace=False, p=age / age.sum())] = "已清理"

    # Party organisations: exactly the published coverage among active chambers up to 2021.
    party = np.zeros(n, dtype=bool)
    active = np.flatnonzero((status == "正常") & (years <= 2021))
    chance = np.select([years[active] <= 2005, years[active] <= 2015], [0.84, 0.88], 0.97)
    n_party = round(
        PUBLISHED_2021["chambers_party"] / PUBLISHED_2021["chambers_active"] * len(active)
    )
    odds = chance / (1 - chance)
    party[rng.choice(active, size=n_party, replace=False, p=odds / odds.sum())] = True
    recent = years == 2022
    party[recent] = rng.random(int(recent.sum())) < 0.93
    gone = status == "已清理"
    party[gone] = rng.random(int(gone.sum())) < 0.3

    registered = rng.random(n) < np.where(recent, 0.8, 0.95)
    rating_p = np.where(years[:, None] <= 2012, [0.03, 0.10, 0.25, 0.62], [0.0, 0.03, 0.12, 0.85])
    rating_draw = (rng.random(n)[:, None] > np.cumsum(rating_p, axis=1)).sum(axis=1)
    rating = np.array(_RATINGS, dtype=object)[np.minimum(rating_draw, 3)]
    members = np.clip(rng.lognormal(np.log(90.0), 0.6, n), 20, 900).astype(np.int64)
    members = members + (2022 - years) * 2  # older chambers have grown

    width = max(4, len(str(n)))
    table: Table = {
        "_d": district_of[picked],
        "chamber_id": np.array([f"SH{i:0{width}d}" for i in range(1, n + 1)], dtype=object),
        "name": names[picked],
        "kind": np.array(_CHAMBER_KINDS, dtype=object)[kind_of[picked]],
        "district": DISTRICT_NAMES[district_of[picked]],
        "founded_date": founded,
        "registered": registered,
        "party_org": party,
        "rating": rating,
        "members": members,
        "status": status,
    }
    return _Chambers(table)


def _investment_tables(seed: int, chambers: _Chambers, scale: int) -> dict[int, Table]:
    """双招双引 projects by the year in their number: signed ones and those still 在谈."""
    rng = _rng(seed, "investment")
    chamber_names = chambers.table["name"]
    chamber_founded = chambers.table["founded_date"]
    chars = _BRAND_CHARS
    used: set[str] = set()
    tables: dict[int, Table] = {}
    for year in YEARS:
        count, amount = _INVESTMENT_SIGNED[year]
        signed = count * scale
        amount = amount * scale
        if year == 2021:
            amount = _jitter(rng, amount, 0.005)
        talks = _INVESTMENT_TALKS.get(year, 0) * scale
        n = signed + talks
        weights = rng.lognormal(0.0, 0.6, signed)
        # Investment amounts are round: whole 10万元, adding up to the year's figure.
        amounts = np.zeros(n)
        amounts[:signed] = _allocate(round(amount / 10), weights) * 10.0
        amounts[signed:] = np.round(rng.lognormal(np.log(45_000), 0.6, talks), -1)
        signed_date = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        signed_date[:signed] = _random_dates(rng, year, signed, _month_weights(rng, year))
        stage = np.full(n, "在谈", dtype=object)
        landed_chance = np.where(signed_date[:signed] < np.datetime64("2021-07-01"), 0.85, 0.3)
        stage[:signed] = np.where(rng.random(signed) < landed_chance, "落地", "签约")
        district = rng.choice(N_DISTRICTS, size=n, p=_district_weights(rng, year))

        # The chamber that brought the project in, when one did, existed by then.
        chamber = np.full(n, "", dtype=object)
        when = np.where(np.isnat(signed_date), AS_OF, signed_date)
        for i in np.flatnonzero(rng.random(n) < 0.7):
            existing = np.flatnonzero(chamber_founded < when[i])
            chamber[i] = chamber_names[existing[rng.integers(0, len(existing))]]

        projects = np.empty(n, dtype=object)
        for i in range(n):
            while True:
                a, b = rng.choice(len(chars), size=2, replace=False)
                kind = _PROJECT_TYPES[rng.integers(0, len(_PROJECT_TYPES))]
                phase = "（一期）" if rng.random() < 0.2 else ""
                name = f"{chars[a]}{chars[b]}{kind}项目{phase}"
                if name not in used:
                    used.add(name)
                    break
            projects[i] = name
        order = np.lexsort((np.arange(n), np.isnat(signed_date), signed_date))
        table = {
            "_d": district[order],
            "project": projects[order],
            "district": DISTRICT_NAMES[district[order]],
            "chamber": chamber[order],
            "stage": stage[order],
            "amount_wan": amounts[order],
            "signed_date": signed_date[order],
        }
        width = max(3, len(str(n)))
        table["project_id"] = np.array(
            [f"ZS{year}-{i:0{width}d}" for i in range(1, n + 1)], dtype=object
        )
        tables[year] = table
    return tables


def _events_table(seed: int, year: int, scale: int) -> Table:
    """活动培训 rows of one year: 企业家讲堂, 培训讲座, 政策解读沙龙, 座谈会."""
    rng = _rng(seed, f"events-{year}")
    counts, lecture_training = _EVENT_PLAN[year]
    counts = tuple(c * scale for c in counts)
    types = np.repeat(np.arange(4), counts)
    n = len(types)
    size = _EVENT_SIZE[types] * rng.lognormal(0.0, 0.35, n)
    participants = np.maximum(np.round(size), 8).astype(np.int64)
    headline = types <= 1  # 讲堂 + 培训: exactly the planned participants
    participants[headline] = 8 + _allocate(
        lecture_training * scale - 8 * int(headline.sum()), size[headline]
    )
    # 企业家讲堂 are run by the city (市直); the rest across districts by size.
    district = rng.choice(N_DISTRICTS, size=n, p=_district_weights(rng, year))
    city_run = (types == 0) & (rng.random(n) < 0.7)
    district[city_run] = DISTRICTS.index("市直")
    dates = _random_dates(rng, year, n, _month_weights(rng, year))
    order = np.lexsort((types, dates))
    types, participants, district, dates = (
        types[order],
        participants[order],
        district[order],
        dates[order],
    )
    # 企业家讲堂 are numbered across years (the series started in 2018 with 4 sessions).
    lectures_before = 4 + sum(_EVENT_PLAN[y][0][0] * scale for y in YEARS if y < year)
    titles = np.empty(n, dtype=object)
    lecture_no = lectures_before
    for i in range(n):
        topic_pick = rng.integers(0, 100)
        if types[i] == 0:
            lecture_no += 1
            topic = _LECTURE_TOPICS[topic_pick % len(_LECTURE_TOPICS)]
            titles[i] = f"企业家讲堂第{lecture_no}期：{topic}"
        elif types[i] == 1:
            topic = _TRAINING_TOPICS[topic_pick % len(_TRAINING_TOPICS)]
            if topic_pick % 2:
                titles[i] = f"{topic}专题培训"
            else:
                titles[i] = f"{DISTRICTS[district[i]]}民营企业{topic}培训班"
        elif types[i] == 2:
            titles[i] = f"“{_SALON_TOPICS[topic_pick % len(_SALON_TOPICS)]}”政策解读沙龙"
        elif topic_pick % 3:
            titles[i] = f"{DISTRICTS[district[i]]}民营企业家座谈会"
        else:
            industry = _CHAMBER_INDUSTRIES[topic_pick % len(_CHAMBER_INDUSTRIES)]
            titles[i] = f"{industry}行业企业家座谈会"
    table: Table = {
        "_d": district,
        "date": dates,
        "district": DISTRICT_NAMES[district],
        "type": np.array(_EVENT_TYPES, dtype=object)[types],
        "title": titles,
        "participants": participants,
    }
    columns = ("date", "district", "type", "title", "participants")
    return _sort(_drop_exact_duplicates(table, columns, year), "date")


# ---------------------------------------------------------------------------------------------
# Actuals as the shipped KPIs compute them, for setting targets


class _Actuals:
    """Each KPI's result per (year, scope), scope = a district or 全市 (CITY)."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, int], dict[str, float]] = {}

    def add_sum(self, kpi_id: str, year: int, district: np.ndarray, weights: np.ndarray) -> None:
        """Sum (or count, with weights of 1) by district; the city is the total."""
        sums = np.bincount(district, weights=weights.astype(float), minlength=N_DISTRICTS)
        scopes = self.values.setdefault((kpi_id, year), {})
        for d, name in enumerate(DISTRICTS):
            scopes[name] = scopes.get(name, 0.0) + float(sums[d])
        scopes[CITY] = scopes.get(CITY, 0.0) + float(sums.sum())

    def add_distinct(self, kpi_id: str, year: int, district: np.ndarray, firm: np.ndarray) -> None:
        """Distinct firms by district; the city counts a firm once even if in two districts."""
        pairs = np.unique(firm.astype(np.int64) * N_DISTRICTS + district)
        per_district = np.bincount(pairs % N_DISTRICTS, minlength=N_DISTRICTS)
        scopes = {name: float(per_district[d]) for d, name in enumerate(DISTRICTS)}
        scopes[CITY] = float(len(np.unique(firm)))
        self.values[(kpi_id, year)] = scopes

    def add_level(self, kpi_id: str, year: int, hits: np.ndarray, district: np.ndarray) -> None:
        """A rate: share of ``hits`` among the rows given, by district and for the city."""
        rows = np.bincount(district, minlength=N_DISTRICTS)
        good = np.bincount(district, weights=hits.astype(float), minlength=N_DISTRICTS)
        scopes = {
            name: float(good[d] / rows[d]) if rows[d] else float("nan")
            for d, name in enumerate(DISTRICTS)
        }
        scopes[CITY] = float(good.sum() / rows.sum()) if rows.sum() else float("nan")
        self.values[(kpi_id, year)] = scopes


def _record_flow(actuals: _Actuals, kind_id: str, year: int, table: Table) -> None:
    actuals.add_sum(f"{kind_id}_amount", year, table["_d"], table["amount_wan"] / 1e4)
    actuals.add_distinct(f"{kind_id}_enterprises", year, table["_d"], table["_firm"])


def _record_talent(actuals: _Actuals, year: int, table: Table) -> None:
    high = table["category"] == "高技能人才"
    actuals.add_sum("talent_high_skill", year, table["_d"][high], table["hires"][high])


def _record_mediation(actuals: _Actuals, year: int, table: Table) -> None:
    case = table["kind"] == "调解"
    d = table["_d"]
    actuals.add_sum("legal_consultations", year, d[~case], np.ones(int((~case).sum())))
    actuals.add_sum("mediation_cases", year, d[case], np.ones(int(case.sum())))
    actuals.add_sum("mediation_amount", year, d[case], table["amount_wan"][case] / 1e4)
    success = table["status"][case] == "调解成功"
    actuals.add_level("mediation_success_rate", year, success, d[case])


def _record_investment(actuals: _Actuals, tables: dict[int, Table]) -> None:
    signed_year = np.concatenate([t["signed_date"] for t in tables.values()])
    district = np.concatenate([t["_d"] for t in tables.values()])
    amount = np.concatenate([t["amount_wan"] for t in tables.values()])
    stage = np.concatenate([t["stage"] for t in tables.values()])
    signed = np.isin(stage, ("签约", "落地")) & ~np.isnat(signed_year)
    years = signed_year.astype("datetime64[Y]").astype(np.int64) + 1970
    for year in YEARS:
        mask = signed & (years == year)
        actuals.add_sum("investment_signed_projects", year, district[mask], np.ones(mask.sum()))
        actuals.add_sum("investment_signed_amount", year, district[mask], amount[mask] / 1e4)


def _record_chambers(actuals: _Actuals, chambers: _Chambers) -> None:
    table = chambers.table
    years = table["founded_date"].astype("datetime64[Y]").astype(np.int64) + 1970
    for year in YEARS:
        new = years == year
        actuals.add_sum("chambers_new", year, table["_d"][new], np.ones(int(new.sum())))
        period_end = min(np.datetime64(f"{year}-12-31"), AS_OF)
        active = (table["status"] == "正常") & (table["founded_date"] <= period_end)
        actuals.add_level(
            "chambers_party_coverage", year, table["party_org"][active], table["_d"][active]
        )


def _record_events(actuals: _Actuals, year: int, table: Table) -> None:
    d = table["_d"]
    actuals.add_sum("events_sessions", year, d, np.ones(len(d)))
    actuals.add_sum("events_participants", year, d, table["participants"])
    lecture = table["type"] == "企业家讲堂"
    training = table["type"] == "培训讲座"
    actuals.add_sum("events_lectures", year, d[lecture], np.ones(int(lecture.sum())))
    actuals.add_sum("events_trainings", year, d[training], np.ones(int(training.sum())))
    both = lecture | training
    actuals.add_sum("events_trainees", year, d[both], table["participants"][both])


# ---------------------------------------------------------------------------------------------
# Targets


def _sum_targets(
    rng: np.random.Generator, actuals: _Actuals, kpi_id: str, year: int
) -> dict[str, float]:
    """City and district targets of a sum/count KPI: city completion as planned, districts vary.

    The city target is the actual divided by the planned completion, rounded to the KPI's
    step; it is split over the districts by their share this year blended with their
    long-run share, times a random ambition, so that the city target is exactly the sum of
    the district targets.  Districts whose share rounds to zero get no target.
    """
    rule = TARGET_RULES[kpi_id]
    scopes = actuals.values[(kpi_id, year)]
    city_actual = scopes[CITY]
    if year == 2022:
        units = round(city_actual / TARGETS_2022[kpi_id] / rule.step)
    else:
        units = round(city_actual / rng.uniform(*PAST_COMPLETION[year]) / rule.step)
        if year > YEARS[0]:  # targets grow: at least the year before's result
            units = max(units, math.ceil(actuals.values[(kpi_id, year - 1)][CITY] / rule.step))
    if units > 2000:
        units = round(units, -1)
    this_year = np.array([scopes[name] for name in DISTRICTS])
    long_run = np.sum(
        [[actuals.values[(kpi_id, y)][name] for name in DISTRICTS] for y in YEARS], axis=0
    )
    share = (1 - rule.lumpy) * this_year / max(this_year.sum(), 1e-9) + rule.lumpy * (
        long_run / long_run.sum()
    )
    share = share * np.exp(rng.normal(0.0, 0.15 if year == 2022 else 0.08, N_DISTRICTS))
    parts = _allocate(units, share)
    targets = {CITY: round(units * rule.step, 2)}
    for d, name in enumerate(DISTRICTS):
        if parts[d] > 0:
            targets[name] = round(float(parts[d]) * rule.step, 2)
    return targets


def _level_targets(rng: np.random.Generator, kpi_id: str, year: int) -> dict[str, float]:
    """A level for the city and each district (some districts a notch higher or lower)."""
    level = LEVEL_TARGETS[kpi_id][year]
    targets = {CITY: level}
    offsets = rng.choice([-0.05, 0.0, 0.0, 0.0, 0.05], size=N_DISTRICTS)
    for d, name in enumerate(DISTRICTS):
        targets[name] = round(min(1.0, level + float(offsets[d])), 2)
    return targets


def _targets(seed: int, actuals: _Actuals) -> list[tuple[str, int, str, float]]:
    """All targets: (kpi_id, year, scope, target) in display order."""
    rng = _rng(seed, "targets")
    rows: list[tuple[str, int, str, float]] = []
    for kpi_id in KPI_IDS:
        for year in YEARS:
            if kpi_id in LEVEL_TARGETS:
                targets = _level_targets(rng, kpi_id, year)
            else:
                targets = _sum_targets(rng, actuals, kpi_id, year)
            for scope in (CITY, *DISTRICTS):
                if scope in targets:
                    rows.append((kpi_id, year, scope, targets[scope]))
    return rows


def _number_text(value: float) -> str:
    """A target as written: no trailing zeros (432.5, 15230, 0.95)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------------------------------------
# Writing


@dataclass(frozen=True)
class _Style:
    """How one file is written (the variety real extracts come in)."""

    headers: str = "en"  # "en": canonical column names; "zh": the Chinese headers
    encoding: str = "utf-8"  # "utf-8", "utf-8-sig" (BOM) or "gb18030"
    dates: str = "iso"  # "iso" 2021-03-05, "slash" 2021/3/5, "zh" 2021年3月5日
    thousands: bool = False  # amounts written 1,234.5
    order: tuple[str, ...] | None = None  # columns in another order
    newline: str = "\n"


_PLAIN = _Style()
# Rows formatted at once when writing (bounds memory at large scales).
WRITE_SLICE = 250_000
_GBK_EXPORT = _Style(headers="zh", encoding="gb18030", newline="\r\n")
# Files that do not use the plain style, by (kind, year).
_STYLES: dict[tuple[str, int], _Style] = {
    ("financing", 2020): _Style(headers="zh"),
    ("orders", 2020): _Style(headers="zh", encoding="utf-8-sig"),
    ("orders", 2021): _Style(headers="zh", thousands=True),
    ("talent", 2020): _Style(
        order=("category", "hires", "date", "district", "enterprise", "event")
    ),
    ("talent", 2021): _Style(headers="zh", dates="slash"),
    ("mediation", 2020): _Style(headers="zh", dates="zh"),
    ("investment", 2021): _Style(headers="zh"),
    ("chambers", 2018): _Style(headers="zh"),
    ("events", 2022): _Style(headers="zh"),
}
# One district's rows of a year sent separately by the district, in GB18030 (and left out of
# the kind's file for that year).
_DISTRICT_FILES: tuple[tuple[str, int, str], ...] = (
    ("financing", 2022, "西海岸新区"),
    ("orders", 2021, "即墨区"),
)


def _format_dates(values: np.ndarray, style: str) -> np.ndarray:
    """Dates as text in one of the accepted spellings; NaT as empty."""
    out = np.full(len(values), "", dtype=object)
    present = ~np.isnat(values)
    if not present.any():
        return out
    unique, inverse = np.unique(values[present], return_inverse=True)
    if style == "iso":
        texts = np.datetime_as_string(unique, unit="D").astype(object)
    else:
        years = unique.astype("datetime64[Y]").astype(np.int64) + 1970
        months = unique.astype("datetime64[M]").astype(np.int64) % 12 + 1
        days = (unique - unique.astype("datetime64[M]")).astype(np.int64) + 1
        pattern = "{}/{}/{}" if style == "slash" else "{}年{}月{}日"
        texts = np.array(
            [pattern.format(y, m, d) for y, m, d in zip(years, months, days, strict=True)],
            dtype=object,
        )
    out[present] = texts[inverse]
    return out


def _format_amounts(values: np.ndarray, thousands: bool) -> np.ndarray:
    """万元 amounts with up to two decimals (no trailing zeros); NaN as empty."""
    out = np.full(len(values), "", dtype=object)
    present = ~np.isnan(values)
    cents = np.rint(values[present] * 100).astype(np.int64)
    texts = []
    for whole, fraction in zip(*np.divmod(cents, 100), strict=True):
        text = f"{whole:,}" if thousands else str(whole)
        if fraction:
            text += "." + f"{fraction:02d}".rstrip("0")
        texts.append(text)
    out[present] = np.array(texts, dtype=object)
    return out


def _write_table(path: Path, kind: ExtractKind, table: Table, style: _Style) -> None:
    """Write one extract file in ``style``, formatting a slice of rows at a time."""
    # (Optional columns the sample does not generate, e.g. 统一社会信用代码, are left out.)
    names = style.order or tuple(column.name for column in kind.columns if column.name in table)
    n_rows = len(table[names[0]])
    with path.open("w", encoding=style.encoding, newline="") as out:
        for start in range(0, max(n_rows, 1), WRITE_SLICE):
            data: dict[str, np.ndarray] = {}
            for name in names:
                column = kind.column(name)
                values = table[name][start : start + WRITE_SLICE]
                if column.type == "date":
                    text = _format_dates(values, style.dates)
                elif column.type == "amount":
                    text = _format_amounts(values, style.thousands)
                elif column.type == "bool":
                    text = np.where(values, "是", "否").astype(object)
                else:
                    text = values
                data[column.header_zh if style.headers == "zh" else column.name] = text
            frame = pd.DataFrame(data)
            frame.to_csv(out, index=False, header=start == 0, lineterminator=style.newline)


def _take(table: Table, mask: np.ndarray) -> Table:
    return {name: values[mask] for name, values in table.items()}


def _write_kind_year(extracts: Path, kind_id: str, year: int, table: Table) -> None:
    """Write a kind's rows of one year, a district's share in its own GB18030 file if planned."""
    kind = KINDS_BY_ID[kind_id]
    rest = np.ones(len(table["district"]), dtype=bool)
    for split_kind, split_year, district in _DISTRICT_FILES:
        if (split_kind, split_year) == (kind_id, year):
            mine = table["district"] == district
            path = extracts / f"{kind.name_zh}_{year}_{district}.csv"
            _write_table(path, kind, _take(table, mine), _GBK_EXPORT)
            rest &= ~mine
    style = _STYLES.get((kind_id, year), _PLAIN)
    _write_table(extracts / f"{kind_id}_{year}.csv", kind, _take(table, rest), style)


def write_sample(out_dir: Path, seed: int = 2022, scale: int = 1) -> None:
    """Write a complete sample data folder: ``out_dir/extracts/*.csv`` and ``out_dir/targets.csv``.

    Covers 2019-01 to 2022-09 for all seven extract kinds, calibrated so that 2021 reproduces
    the campaign's published figures (see the module docstring) and the 2022 targets give a
    mix of statuses at 2022-09-30.  The output is byte-identical for the same ``seed`` and
    ``scale``.  ``scale`` (≥ 1) multiplies the row counts, the pool of firms and the sum/count
    targets, for benchmarks.  Files already in ``out_dir`` under other names are left alone
    (and would be loaded too), so write into an empty or sample-only folder.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    if seed < 0:
        raise ValueError("seed must not be negative")
    out_dir = Path(out_dir)
    extracts = out_dir / "extracts"
    extracts.mkdir(parents=True, exist_ok=True)
    actuals = _Actuals()

    pool = _firm_pool(seed, POOL_PER_SCALE * scale)
    for plan in (_FINANCING, _ORDERS):
        for year in YEARS:
            table = _flow_table(plan, seed, pool, year, scale)
            _record_flow(actuals, plan.kind_id, year, table)
            _write_kind_year(extracts, plan.kind_id, year, table)
    for year in YEARS:
        table = _talent_table(seed, pool, year, scale)
        _record_talent(actuals, year, table)
        _write_kind_year(extracts, "talent", year, table)
    del pool

    for year in YEARS:
        table = _mediation_table(seed, year, scale)
        _record_mediation(actuals, year, table)
        _write_kind_year(extracts, "mediation", year, table)

    chambers = _chambers(seed, scale)
    _record_chambers(actuals, chambers)
    founded = chambers.table["founded_date"].astype("datetime64[Y]").astype(np.int64) + 1970
    kind = KINDS_BY_ID["chambers"]
    early = founded < 2019
    style = _STYLES[("chambers", 2018)]  # the register before the campaign, in one file
    _write_table(extracts / "chambers_1993-2018.csv", kind, _take(chambers.table, early), style)
    for year in YEARS:
        _write_kind_year(extracts, "chambers", year, _take(chambers.table, founded == year))

    investment = _investment_tables(seed, chambers, scale)
    _record_investment(actuals, investment)
    for year, table in investment.items():
        _write_kind_year(extracts, "investment", year, table)

    for year in YEARS:
        table = _events_table(seed, year, scale)
        _record_events(actuals, year, table)
        _write_kind_year(extracts, "events", year, table)

    rows = _targets(seed, actuals)
    frame = pd.DataFrame(
        {
            "指标编号": [r[0] for r in rows],
            "年度": [r[1] for r in rows],
            "区市": [r[2] for r in rows],
            "目标值": [_number_text(r[3]) for r in rows],
        }
    )
    frame.to_csv(out_dir / "targets.csv", index=False, encoding="utf-8", lineterminator="\n")


__all__ = ["PUBLISHED_2021", "TARGETS_2022", "write_sample"]
