"""Synthetic demo data: plausible, reproducible records by the million, to try the catalogue at scale.

`generate_demo_data(scale=1, seed=0)` writes, at scale 1, 20,000 organisers, 200,000 companies, 200,000
people, 2,000 parks, 100,000 events (about 70% of them sub-events of the others, with their organisers,
participants, companies and attendance figures; one top-level event in FLAGSHIP_EVERY, the first included, is
a flagship congress with hundreds of speakers and exhibitors and a share of the sessions), 500 ranking lists
in 100 reports with their park entries, 1,000,000 deals (about 2.5 parties each, bundles with their projects),
affiliations, honours, aliases on a good share of organisers, companies, people and parks (some a one-letter
misspelling, to measure search tolerance) and a citation for every event, organiser, company, person, park,
deal, report, ranking list and ranking entry. Every count scales linearly with `scale` (rounded, at least one
of each).

Marked as generated: every slugged record's slug starts with "demo-"; the citations all quote one synthetic
source article, key "demo-source.txt", whose text holds every quote they use; role links, ranking entries,
affiliations, honours and aliases belong to generated records. `clear_demo_data()` removes exactly these
(plus anything that cascades from them, as a Django delete would) and leaves the curated records alone.

Reproducible: every table draws from its own `random.Random` seeded with (seed, table), rows are produced
in a fixed order and nothing depends on the clock, so the same scale and seed give the same records (ids
follow whatever the database already holds; values and relations do not).

Fast: on PostgreSQL the rows are streamed with COPY into id ranges reserved from the sequences (the tables
are locked against other writers meanwhile); elsewhere they go through `bulk_create`. Constraints stay on
and are checked as each table is written. Generated rows bypass django-simple-history: no historical rows
are written, because the records are synthetic and removed by `--clear`, and writing millions of history
rows would double the time.
"""

import hashlib
import math
import random
import re
import time
from array import array
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate, batched, islice

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.expressions import RawSQL
from django.db.models.fields import NOT_PROVIDED

from ..choices import (
    AliasKind,
    AmountQualifier,
    CompanyKind,
    CompanyRole,
    DatePrecision,
    DealKind,
    DealRole,
    EventKind,
    HonourKind,
    HostRole,
    Language,
    NameOrder,
    OrganizerKind,
    ParkKind,
    PersonRole,
    RankingCategory,
)
from ..models import (
    Affiliation,
    Alias,
    AttendanceFigure,
    Citation,
    Company,
    Deal,
    DealParty,
    Event,
    EventCompany,
    EventOrganizer,
    EventParticipant,
    Honour,
    Organizer,
    Park,
    ParkRanking,
    Person,
    RankingList,
    Report,
    SourceDocument,
)

DEMO_PREFIX = "demo-"
DEMO_SOURCE_KEY = "demo-source.txt"

# Rows at scale 1 of the records counted directly; the others follow from these.
SCALE_1_COUNTS = {
    "organizers": 20_000,
    "companies": 200_000,
    "people": 200_000,
    "parks": 2_000,
    "events": 100_000,
    "ranking lists": 500,
    "deals": 1_000_000,
}
TOP_LEVEL_EVENT_SHARE = 0.3  # the rest are sub-events (sessions, panels, ceremonies) of these
# One top-level event in this many (the first included) is a flagship congress: hundreds of speakers and
# exhibitors, and FLAGSHIP_SUB_EVENT_SHARE of all sessions between them; what a large event's pages must carry.
FLAGSHIP_EVERY = 2_000
FLAGSHIP_SUB_EVENT_SHARE = 0.02
RANKINGS_PER_REPORT = 5  # one comprehensive ranking and four by dimension

# Every model the generator writes, in the order it writes them (referenced before referencing);
# `clear_demo_data` deletes in the reverse order.
GENERATED_MODELS = (
    SourceDocument,
    Organizer,
    Company,
    Person,
    Park,
    Event,
    Report,
    RankingList,
    ParkRanking,
    AttendanceFigure,
    EventOrganizer,
    EventParticipant,
    EventCompany,
    Affiliation,
    Honour,
    Deal,
    DealParty,
    Alias,
    Citation,
)
SLUGGED_MODELS = (Organizer, Company, Person, Park, Event, Report, RankingList, Deal)
LABELS = {
    SourceDocument: "sources",
    Organizer: "organizers",
    Company: "companies",
    Person: "people",
    Park: "parks",
    Event: "events",
    Report: "reports",
    RankingList: "ranking lists",
    ParkRanking: "park rankings",
    AttendanceFigure: "attendance figures",
    EventOrganizer: "event organisers",
    EventParticipant: "event participants",
    EventCompany: "event companies",
    Affiliation: "affiliations",
    Honour: "honours",
    Deal: "deals",
    DealParty: "deal parties",
    Alias: "aliases",
    Citation: "citations",
}

FIRST_DAY = date(2015, 1, 1)
LAST_DAY = date(2025, 12, 31)


class DemoDataError(Exception):
    """The demo data cannot be generated or cleared; the message says why and what to do."""


class Progress:
    """Receives progress reports; this base reports nothing. The command shows a bar or prints lines."""

    def start(self, label, total):
        """A table of `total` rows is about to be written."""

    def advance(self, rows):
        """`rows` more rows of the current table are written."""

    def finish(self):
        """The current table is complete."""

    def message(self, text):
        """A step worth telling (clearing a table, checking the result)."""


@dataclass
class DemoDataReport:
    scale: float
    seed: int
    rows: dict = field(default_factory=dict)  # table label -> rows written, in writing order
    cleared: dict = field(default_factory=dict)  # table label -> rows deleted first (with replace=True)
    seconds: float = 0.0

    @property
    def total(self):
        return sum(self.rows.values())


def plan_counts(*, scale):
    """The directly counted records at this scale: scale 1's counts times `scale`, rounded, at least 1."""
    if not scale > 0:
        raise DemoDataError(f"The scale must be positive, not {scale}.")
    return {label: max(1, round(count * scale)) for label, count in SCALE_1_COUNTS.items()}


# --- vocabularies --------------------------------------------------------------------------------------------


class _Weighted:
    """Items drawn with the given weights: `pick(rng)` costs one random() and a bisection."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, pairs):
        self.items = [item for item, _ in pairs]
        self.cum = list(accumulate(weight for _, weight in pairs))
        self.total = self.cum[-1]

    def pick(self, rng):
        return self.items[bisect_right(self.cum, rng.random() * self.total)]


YRD, GBA, BTH, CC = (
    "Yangtze River Delta",
    "Guangdong-Hong Kong-Macao Greater Bay Area",
    "Beijing-Tianjin-Hebei",
    "Chengdu-Chongqing",
)
CENTRAL, WEST, NORTHEAST, BOHAI, STRAIT = (
    "Central China",
    "Western China",
    "Northeast China",
    "Bohai Rim",
    "West Taiwan Strait",
)
# (city, province, region, weight, districts)
CITIES = (
    ("Beijing", "Beijing", BTH, 10, ("Changping", "Haidian", "Daxing", "Chaoyang", "Tongzhou")),
    ("Shanghai", "Shanghai", YRD, 10, ("Pudong New Area", "Minhang", "Xuhui", "Jiading", "Fengxian")),
    ("Suzhou", "Jiangsu", YRD, 7, ("Wuzhong", "Xiangcheng", "Gusu", "Huqiu", "Wujiang")),
    ("Shenzhen", "Guangdong", GBA, 7, ("Nanshan", "Pingshan", "Longhua", "Futian", "Guangming")),
    ("Hangzhou", "Zhejiang", YRD, 6, ("Binjiang", "Xihu", "Yuhang", "Qiantang")),
    ("Guangzhou", "Guangdong", GBA, 6, ("Huangpu", "Tianhe", "Panyu", "Nansha")),
    ("Chengdu", "Sichuan", CC, 6, ("Wuhou", "Shuangliu", "Pidu", "Jinjiang", "Xinjin")),
    ("Wuhan", "Hubei", CENTRAL, 5, ("Hongshan", "Jiangxia", "Dongxihu", "Wuchang")),
    ("Nanjing", "Jiangsu", YRD, 5, ("Jiangning", "Pukou", "Qixia", "Gulou")),
    ("Tianjin", "Tianjin", BTH, 4, ("Binhai New Area", "Xiqing", "Nankai", "Beichen")),
    ("Chongqing", "Chongqing", CC, 4, ("Yubei", "Jiulongpo", "Shapingba", "Banan")),
    ("Xi'an", "Shaanxi", WEST, 3, ("Yanta", "Weiyang", "Chang'an", "Baqiao")),
    ("Changsha", "Hunan", CENTRAL, 3, ("Yuelu", "Kaifu", "Yuhua", "Furong")),
    ("Hefei", "Anhui", YRD, 3, ("Shushan", "Baohe", "Luyang", "Yaohai")),
    ("Zhengzhou", "Henan", CENTRAL, 3, ("Jinshui", "Erqi", "Zhongyuan", "Huiji")),
    ("Jinan", "Shandong", BOHAI, 3, ("Lixia", "Licheng", "Huaiyin", "Shizhong")),
    ("Qingdao", "Shandong", BOHAI, 3, ("Laoshan", "Huangdao", "Shibei", "Chengyang")),
    ("Wuxi", "Jiangsu", YRD, 3, ("Xinwu", "Binhu", "Liangxi", "Huishan")),
    ("Xiamen", "Fujian", STRAIT, 2, ("Siming", "Huli", "Haicang", "Xiang'an")),
    ("Fuzhou", "Fujian", STRAIT, 2, ("Gulou", "Cangshan", "Mawei", "Jin'an")),
    ("Shenyang", "Liaoning", NORTHEAST, 2, ("Hunnan", "Heping", "Shenhe", "Tiexi")),
    ("Dalian", "Liaoning", NORTHEAST, 2, ("Ganjingzi", "Jinzhou", "Shahekou", "Zhongshan")),
    ("Harbin", "Heilongjiang", NORTHEAST, 2, ("Nangang", "Songbei", "Daoli", "Xiangfang")),
    ("Changchun", "Jilin", NORTHEAST, 2, ("Chaoyang", "Nanguan", "Lvyuan", "Kuancheng")),
    ("Kunming", "Yunnan", WEST, 2, ("Wuhua", "Panlong", "Guandu", "Xishan")),
    ("Shijiazhuang", "Hebei", BTH, 2, ("Chang'an", "Qiaoxi", "Yuhua", "Luquan")),
    ("Changzhou", "Jiangsu", YRD, 2, ("Wujin", "Xinbei", "Tianning", "Zhonglou")),
    ("Taizhou", "Jiangsu", YRD, 2, ("Hailing", "Gaogang", "Jiangyan")),
    ("Ningbo", "Zhejiang", YRD, 2, ("Yinzhou", "Beilun", "Haishu", "Jiangbei")),
    ("Zhuhai", "Guangdong", GBA, 2, ("Xiangzhou", "Jinwan", "Doumen")),
    ("Nanning", "Guangxi", WEST, 1, ("Qingxiu", "Xixiangtang", "Jiangnan", "Liangqing")),
    ("Guiyang", "Guizhou", WEST, 1, ("Guanshanhu", "Nanming", "Yunyan", "Huaxi")),
    ("Taiyuan", "Shanxi", CENTRAL, 1, ("Xiaodian", "Yingze", "Jinyuan", "Wanbailin")),
    ("Nanchang", "Jiangxi", CENTRAL, 1, ("Qingshanhu", "Donghu", "Xihu", "Honggutan")),
    ("Lanzhou", "Gansu", WEST, 1, ("Chengguan", "Qilihe", "Anning", "Xigu")),
    ("Nantong", "Jiangsu", YRD, 1, ("Chongchuan", "Tongzhou", "Haimen")),
    ("Shaoxing", "Zhejiang", YRD, 1, ("Yuecheng", "Keqiao", "Shangyu")),
    ("Jiaxing", "Zhejiang", YRD, 1, ("Nanhu", "Xiuzhou")),
    ("Foshan", "Guangdong", GBA, 1, ("Nanhai", "Shunde", "Chancheng")),
    ("Wenzhou", "Zhejiang", YRD, 1, ("Lucheng", "Longwan", "Ouhai")),
    ("Haikou", "Hainan", "Hainan Free Trade Port", 1, ("Longhua", "Meilan", "Xiuying")),
    ("Yantai", "Shandong", BOHAI, 1, ("Laishan", "Zhifu", "Fushan")),
    ("Lianyungang", "Jiangsu", YRD, 1, ("Haizhou", "Lianyun")),
    ("Hohhot", "Inner Mongolia", "Northern China", 1, ("Saihan", "Xincheng")),
    ("Urumqi", "Xinjiang", WEST, 1, ("Tianshan", "Xinshi")),
)
CITY = _Weighted([(index, city[3]) for index, city in enumerate(CITIES)])
REGIONS = (YRD, GBA, BTH, CC, CENTRAL, WEST, NORTHEAST, BOHAI, "China", "National")
FOREIGN_HQS = (
    ("US", ("Boston", "Cambridge", "San Diego", "South San Francisco", "New York")),
    ("CH", ("Basel", "Zurich")),
    ("GB", ("London", "Cambridge")),
    ("DE", ("Munich", "Berlin", "Darmstadt")),
    ("JP", ("Tokyo", "Osaka")),
    ("KR", ("Seoul", "Incheon")),
    ("FR", ("Paris", "Lyon")),
    ("SG", ("Singapore",)),
    ("DK", ("Copenhagen",)),
)
ORDINAL_WORDS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Brand syllables of Chinese company names, with their characters for the Chinese-name aliases.
SYLLABLES = (
    ("An", "安"), ("Bai", "百"), ("Bo", "博"), ("Chang", "昌"), ("Cheng", "诚"), ("Da", "达"), ("De", "德"),
    ("Ding", "鼎"), ("Feng", "丰"), ("Fu", "复"), ("Guang", "光"), ("Hai", "海"), ("Hao", "浩"), ("Heng", "恒"),
    ("Hong", "宏"), ("Hua", "华"), ("Hui", "惠"), ("Ji", "济"), ("Jia", "嘉"), ("Jian", "健"), ("Jin", "金"),
    ("Jing", "晶"), ("Jun", "君"), ("Kai", "凯"), ("Kang", "康"), ("Ke", "科"), ("Lan", "蓝"), ("Le", "乐"),
    ("Li", "立"), ("Lian", "联"), ("Ling", "灵"), ("Long", "隆"), ("Mai", "迈"), ("Mei", "美"), ("Ming", "明"),
    ("Nuo", "诺"), ("Pu", "普"), ("Qi", "启"), ("Rong", "荣"), ("Rui", "瑞"), ("Run", "润"), ("Sai", "赛"),
    ("Sen", "森"), ("Sheng", "生"), ("Shi", "实"), ("Tai", "泰"), ("Tian", "天"), ("Tong", "通"), ("Wei", "维"),
    ("Xiang", "祥"), ("Xin", "信"), ("Xing", "星"), ("Xu", "旭"), ("Ya", "亚"), ("Yao", "药"), ("Yi", "益"),
    ("Ying", "英"), ("Yong", "永"), ("Yu", "宇"), ("Yuan", "元"), ("Yun", "云"), ("Ze", "泽"), ("Zhi", "智"),
    ("Zhong", "中"), ("Zhou", "舟"), ("Ao", "奥"), ("Bei", "贝"), ("Chuang", "创"), ("Han", "瀚"), ("Hang", "航"),
    ("Kun", "坤"), ("Lu", "路"), ("Ning", "宁"), ("Quan", "泉"), ("Shen", "神"), ("Tao", "涛"), ("Wan", "万"),
    ("Xuan", "轩"), ("Yang", "阳"), ("Zhen", "臻"),
)  # fmt: skip
WESTERN_STEMS = (
    "Nova", "Astra", "Gen", "Medi", "Thera", "Cyto", "Immuno", "Neuro", "Onco", "Vita", "Cell", "Lumi", "Zeno",
    "Allo", "Axo", "Cardio", "Evo", "Helio", "Kine", "Myo", "Nexa", "Opti", "Pheno", "Sero", "Vero", "Xeno",
)  # fmt: skip
WESTERN_ENDINGS = ("gen", "tis", "vax", "nix", "cure", "logix", "mab", "ra", "via", "cyte", "zyme", "sys", "thera")
COMPANY_SUFFIXES = {
    CompanyKind.PHARMA: (("Pharmaceutical", "医药"), ("Pharma", "制药"), ("Pharmaceutical Group", "医药集团")),
    CompanyKind.BIOTECH: (
        ("Biotech", "生物"),
        ("Biologics", "生物制品"),
        ("Therapeutics", "医药科技"),
        ("Biosciences", "生物科学"),
        ("Biopharma", "生物医药"),
    ),
    CompanyKind.MEDICAL_DEVICES: (
        ("Medical", "医疗"),
        ("Medical Technology", "医疗科技"),
        ("Medical Devices", "医疗器械"),
    ),
    CompanyKind.CRO_CDMO: (
        ("Pharmaceutical R&D", "医药研发"),
        ("Biologics CDMO", "生物制造"),
        ("Clinical Research", "临床研究"),
    ),
    CompanyKind.DIAGNOSTICS: (("Diagnostics", "诊断"), ("Gene Technology", "基因科技")),
    CompanyKind.INVESTMENT: (
        ("Capital", "资本"),
        ("Ventures", "创投"),
        ("Healthcare Fund", "医疗基金"),
        ("Investment", "投资"),
    ),
    CompanyKind.DIGITAL_HEALTH: (("Health Technology", "健康科技"), ("Intelligent Medical", "智能医疗")),
    CompanyKind.EQUIPMENT: (("Bioengineering Equipment", "生物工程装备"), ("Pharmaceutical Machinery", "制药装备")),
    CompanyKind.DEVELOPER: (("Biotech Park Development", "生物园区开发"), ("Industrial Park Operation", "产业园运营")),
    CompanyKind.PUBLISHER: (("Media", "传媒"), ("Publishing", "出版")),
    CompanyKind.CONGLOMERATE: (("Group", "集团"), ("Holdings", "控股")),
    CompanyKind.OTHER: (("Life Sciences", "生命科学"), ("Health", "健康")),
}
COMPANY_KIND = _Weighted(
    [
        (CompanyKind.BIOTECH, 30),
        (CompanyKind.PHARMA, 20),
        (CompanyKind.MEDICAL_DEVICES, 12),
        (CompanyKind.CRO_CDMO, 8),
        (CompanyKind.DIAGNOSTICS, 6),
        (CompanyKind.INVESTMENT, 8),
        (CompanyKind.DIGITAL_HEALTH, 5),
        (CompanyKind.EQUIPMENT, 3),
        (CompanyKind.DEVELOPER, 2),
        (CompanyKind.PUBLISHER, 1),
        (CompanyKind.CONGLOMERATE, 3),
        (CompanyKind.OTHER, 2),
    ]
)
ORGANIZER_TEMPLATES = {
    OrganizerKind.GOVERNMENT: (
        "{city} Municipal Health Commission",
        "{city} Municipal Bureau of Science and Technology",
        "{city} Municipal Bureau of Economy and Information Technology",
        "{province} Provincial Department of Science and Technology",
        "{district_unit} People's Government, {city}",
        "{city} Municipal Development and Reform Commission",
        "{city} Municipal Bureau of Commerce",
        "{province} Provincial Health Commission",
        "{city} Municipal People's Government",
    ),
    OrganizerKind.AGENCY: (
        "{province} Provincial Drug Administration",
        "{city} Administration for Market Regulation",
        "{city} Customs",
        "{city} Intellectual Property Office",
    ),
    OrganizerKind.CENTRE: (
        "{city} Biomedical Innovation Service Centre",
        "{city} Technology Transfer Centre",
        "{city} Investment Promotion Centre",
        "{district} Enterprise Service Centre, {city}",
    ),
    OrganizerKind.ASSOCIATION: (
        "{city} Biomedical Industry Association",
        "{province} Pharmaceutical Association",
        "{city} Medical Device Industry Association",
        "{city} Association for Science and Technology",
        "{province} Biotechnology Association",
    ),
    OrganizerKind.ALLIANCE: (
        "{region} Biopharmaceutical Innovation Alliance",
        "{city} Cell and Gene Therapy Industry Alliance",
        "{city} Medical Innovation Alliance",
        "{region} Medical Device Industry Alliance",
    ),
    OrganizerKind.ACADEMY: (
        "{city} Academy of Medical Sciences",
        "{province} Academy of Sciences",
        "{province} Academy of Traditional Chinese Medicine",
    ),
    OrganizerKind.RESEARCH_INSTITUTE: (
        "{city} Institute of Biomedicine",
        "{city} Institute of Materia Medica",
        "{city} Laboratory of Life Sciences",
        "{city} Institute for Stem Cell and Regeneration",
        "{city} Institute of Synthetic Biology",
        "{province} Key Laboratory of Drug Discovery",
    ),
    OrganizerKind.UNIVERSITY: (
        "{city} University",
        "{city} Medical University",
        "{city} University of Traditional Chinese Medicine",
        "{city} University of Science and Technology",
        "{province} University",
        "{city} Pharmaceutical University",
    ),
    OrganizerKind.HOSPITAL: (
        "{city} {ordinal} People's Hospital",
        "{city} Hospital of Traditional Chinese Medicine",
        "{city} Children's Hospital",
        "{city} Cancer Hospital",
        "The {ordinal} Affiliated Hospital of {city} Medical University",
        "{province} Provincial People's Hospital",
        "{district_unit} People's Hospital, {city}",
    ),
    OrganizerKind.PARK_ADMINISTRATION: (
        "Administrative Committee of {city} High-tech Zone",
        "Management Committee of {city} Economic and Technological Development Zone",
        "Administrative Committee of {city} {district} Life Science Park",
    ),
    OrganizerKind.MEDIA: ("{city} Convergence Media Centre", "{province} Daily Media Group"),
    OrganizerKind.OTHER: ("{city} Science and Technology Innovation Foundation", "{city} Biomedical Industry Fund"),
}
ORGANIZER_KIND = _Weighted(
    [
        (OrganizerKind.GOVERNMENT, 18),
        (OrganizerKind.AGENCY, 6),
        (OrganizerKind.CENTRE, 8),
        (OrganizerKind.ASSOCIATION, 14),
        (OrganizerKind.ALLIANCE, 5),
        (OrganizerKind.ACADEMY, 3),
        (OrganizerKind.RESEARCH_INSTITUTE, 12),
        (OrganizerKind.UNIVERSITY, 12),
        (OrganizerKind.HOSPITAL, 14),
        (OrganizerKind.PARK_ADMINISTRATION, 5),
        (OrganizerKind.MEDIA, 2),
        (OrganizerKind.OTHER, 1),
    ]
)
PARK_TEMPLATES = {
    ParkKind.HIGH_TECH_ZONE: ("{city} High-tech Industrial Development Zone", "{city} {district} High-tech Zone"),
    ParkKind.INDUSTRIAL_PARK: (
        "{city} {district} Biomedical Industrial Park",
        "{city} International Biotech Park",
        "{brand} Life Science Industrial Park",
    ),
    ParkKind.DEMONSTRATION_ZONE: ("{city} National Biomedical Innovation Demonstration Zone",),
    ParkKind.ECONOMIC_DEVELOPMENT_ZONE: (
        "{city} Economic and Technological Development Zone",
        "{city} {district} Economic Development Zone",
    ),
    ParkKind.SCIENCE_PARK: ("{city} {district} Life Science Park", "{district} Science City, {city}"),
    ParkKind.BIOTECH_CITY: ("{city} Biotech City", "{city} Medical City", "{city} {district} Biomedicine Town"),
    ParkKind.OTHER: ("{city} {district} Medical Innovation Hub",),
}
PARK_KIND = _Weighted(
    [
        (ParkKind.INDUSTRIAL_PARK, 35),
        (ParkKind.HIGH_TECH_ZONE, 15),
        (ParkKind.SCIENCE_PARK, 15),
        (ParkKind.ECONOMIC_DEVELOPMENT_ZONE, 12),
        (ParkKind.BIOTECH_CITY, 10),
        (ParkKind.DEMONSTRATION_ZONE, 8),
        (ParkKind.OTHER, 5),
    ]
)
FAMILY_NAMES = (
    ("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"), ("Yang", "杨"), ("Huang", "黄"),
    ("Zhao", "赵"), ("Wu", "吴"), ("Zhou", "周"), ("Xu", "徐"), ("Sun", "孙"), ("Ma", "马"), ("Zhu", "朱"),
    ("Hu", "胡"), ("Guo", "郭"), ("He", "何"), ("Gao", "高"), ("Lin", "林"), ("Luo", "罗"), ("Zheng", "郑"),
    ("Liang", "梁"), ("Xie", "谢"), ("Song", "宋"), ("Tang", "唐"), ("Han", "韩"), ("Feng", "冯"), ("Deng", "邓"),
    ("Cao", "曹"), ("Peng", "彭"), ("Zeng", "曾"), ("Xiao", "肖"), ("Tian", "田"), ("Dong", "董"), ("Yuan", "袁"),
    ("Pan", "潘"), ("Yu", "于"), ("Jiang", "蒋"), ("Cai", "蔡"), ("Du", "杜"), ("Ye", "叶"), ("Cheng", "程"),
    ("Wei", "魏"), ("Su", "苏"), ("Lyu", "吕"), ("Ding", "丁"), ("Ren", "任"), ("Shen", "沈"), ("Yao", "姚"),
    ("Lu", "卢"), ("Cui", "崔"), ("Zhong", "钟"), ("Tan", "谭"), ("Fan", "范"), ("Jin", "金"), ("Shi", "石"),
    ("Liao", "廖"), ("Jia", "贾"), ("Xia", "夏"), ("Fang", "方"), ("Bai", "白"), ("Zou", "邹"), ("Meng", "孟"),
    ("Xiong", "熊"), ("Qin", "秦"), ("Qiu", "邱"), ("Xue", "薛"), ("Yan", "闫"), ("Duan", "段"), ("Lei", "雷"),
)  # fmt: skip
FAMILY = _Weighted([(name, 1 / (rank + 4)) for rank, name in enumerate(FAMILY_NAMES)])
GIVEN_SYLLABLES = (
    ("Wei", "伟"), ("Fang", "芳"), ("Na", "娜"), ("Min", "敏"), ("Jing", "静"), ("Li", "丽"), ("Qiang", "强"),
    ("Lei", "磊"), ("Jun", "军"), ("Yang", "洋"), ("Yong", "勇"), ("Yan", "艳"), ("Jie", "杰"), ("Tao", "涛"),
    ("Ming", "明"), ("Chao", "超"), ("Xia", "霞"), ("Ping", "平"), ("Gang", "刚"), ("Hua", "华"), ("Hong", "红"),
    ("Hui", "辉"), ("Jian", "建"), ("Guo", "国"), ("Zhi", "志"), ("Xin", "新"), ("Hai", "海"), ("Dong", "东"),
    ("Lin", "林"), ("Bo", "波"), ("Ning", "宁"), ("Yu", "宇"), ("Chen", "晨"), ("Hao", "浩"), ("Yi", "毅"),
    ("Kai", "凯"), ("Rui", "瑞"), ("Peng", "鹏"), ("Fei", "飞"), ("Qing", "清"), ("Yun", "云"), ("Lan", "兰"),
    ("Mei", "梅"), ("Xue", "雪"), ("Ting", "婷"), ("Feng", "峰"), ("Bin", "斌"), ("Song", "松"), ("Jia", "佳"),
    ("Yue", "悦"), ("Wen", "文"), ("Zi", "子"), ("Han", "涵"), ("Xiao", "晓"), ("Liang", "亮"), ("Cheng", "成"),
)  # fmt: skip
WESTERN_GIVEN = (
    "John", "Michael", "David", "Sarah", "Emma", "Thomas", "Anna", "Peter", "Laura", "Robert", "Maria", "James",
    "Elena", "Daniel", "Sophie", "Mark", "Julia", "Richard", "Claire", "Stefan", "Hiroshi", "Yuki", "Jonas", "Eva",
)  # fmt: skip
WESTERN_FAMILY = (
    "Smith", "Johnson", "Schneider", "Schmidt", "Brown", "Martin", "Rossi", "Dubois", "Tanaka", "Kim", "Anderson",
    "Taylor", "Wilson", "Weber", "Fischer", "Garcia", "Nakamura", "Park", "Evans", "Larsen", "Moreau", "Becker",
)  # fmt: skip
COMPANY_POSITIONS = (
    "Chairman", "Chief Executive Officer", "President", "Chief Scientific Officer", "Chief Medical Officer",
    "Vice President", "General Manager", "Founder and CEO", "Chief Operating Officer", "Head of R&D",
    "Chief Financial Officer", "Director of Business Development", "Partner", "Managing Partner",
)  # fmt: skip
ORGANIZER_POSITIONS = (
    "Professor", "Dean", "Director", "Deputy Director", "Secretary-General", "President", "Chief Physician",
    "Principal Investigator", "Vice President", "Chairman", "Deputy Secretary-General", "Researcher",
)  # fmt: skip
ACADEMIES = ("Chinese Academy of Sciences", "Chinese Academy of Engineering")
OTHER_HONOURS = (
    (HonourKind.FOREIGN_MEMBER, "foreign member of the US National Academy of Medicine"),
    (HonourKind.FELLOW, "Fellow of the Royal Society of Chemistry"),
    (HonourKind.FELLOW, "Fellow of the American Association for the Advancement of Science"),
    (HonourKind.PRIZE, "winner of the National Science and Technology Progress Award"),
    (HonourKind.PRIZE, "winner of the Ho Leung Ho Lee Foundation Prize"),
)
HONOUR_FIELDS = ("Medicine", "Pharmacology", "Biology", "Chemistry", "Immunology", "")
TOPICS = (
    "Biotechnology Innovation",
    "Biopharmaceutical Industry",
    "Life Science",
    "Medical Device Innovation",
    "Cell and Gene Therapy",
    "Innovative Drug Development",
    "Biomanufacturing",
    "Precision Medicine",
    "Traditional Chinese Medicine",
    "Digital Health",
    "Antibody Drug",
    "Vaccine Innovation",
    "Synthetic Biology",
    "Clinical Research",
    "Biomedical Investment",
    "Medical Artificial Intelligence",
    "Rare Disease",
    "Oncology Innovation",
    "Health Industry",
)
TECHNOLOGIES = (
    "CAR-T therapy", "antibody-drug conjugates", "mRNA vaccines", "gene editing", "bispecific antibodies",
    "synthetic biology", "AI-driven drug discovery", "medical imaging", "continuous biomanufacturing",
    "cell therapy", "RNA interference", "targeted protein degradation", "brain-computer interfaces",
    "in vitro diagnostics", "innovative medical devices", "microbiome therapeutics", "radiopharmaceuticals",
)  # fmt: skip
TALK_TEMPLATES = (
    "Innovation and clinical translation of {tech}",
    "Progress in {tech} research and development",
    "Opportunities for {tech} in China",
    "{tech}: from bench to bedside",
    "The global landscape of {tech}",
    "Building an industrial ecosystem for {tech}",
)
THEMES = (
    "Innovation drives the future",
    "Gathering global wisdom for a healthy China",
    "Open cooperation, shared development",
    "New quality productive forces in biomedicine",
    "Science and technology empower health",
    "Connecting the world, creating the future",
    "Industry, academia and research together",
)
HOTELS = (
    "Shangri-La Hotel",
    "InterContinental",
    "Wanda Realm",
    "Crowne Plaza",
    "Hilton",
    "Sheraton",
    "Jin Jiang Hotel",
)
TOP_EVENT_KIND = _Weighted(
    [
        (EventKind.FORUM, 35),
        (EventKind.CONFERENCE, 30),
        (EventKind.SUMMIT, 15),
        (EventKind.EXHIBITION, 8),
        (EventKind.SEMINAR, 7),
        (EventKind.WEEK, 5),
    ]
)
EVENT_KIND_WORDS = {
    EventKind.FORUM: ("Forum",),
    EventKind.CONFERENCE: ("Conference", "Congress"),
    EventKind.SUMMIT: ("Summit",),
    EventKind.EXHIBITION: ("Expo", "Exhibition"),
    EventKind.SEMINAR: ("Seminar", "Symposium"),
    EventKind.WEEK: ("Week",),
}
SUB_EVENT_KIND = _Weighted(
    [
        (EventKind.BRANCH_SESSION, 30),
        (EventKind.PANEL, 20),
        (EventKind.SIDE_MEETING, 10),
        (EventKind.SIGNING_CEREMONY, 10),
        (EventKind.OPENING_CEREMONY, 8),
        (EventKind.PRESS_CONFERENCE, 5),
        (EventKind.AWARD_CEREMONY, 5),
        (EventKind.LAUNCH, 5),
        (EventKind.SUPPORTING_ACTIVITY, 5),
        (EventKind.EXHIBITION, 2),
    ]
)
SUB_EVENT_NAMES = {
    EventKind.BRANCH_SESSION: ("{topic} Branch Forum", "{topic} Sub-forum", "Parallel Session on {topic}"),
    EventKind.PANEL: ("Round Table on {topic}", "Panel Discussion on {tech}", "{topic} Dialogue"),
    EventKind.SIDE_MEETING: ("{topic} Closed-door Meeting", "{topic} Investment Matchmaking Meeting"),
    EventKind.SIGNING_CEREMONY: ("Project Signing Ceremony", "Major Projects Signing Ceremony"),
    EventKind.OPENING_CEREMONY: ("Opening Ceremony", "Opening Ceremony and Main Forum"),
    EventKind.PRESS_CONFERENCE: ("Press Conference", "{topic} Policy Press Conference"),
    EventKind.AWARD_CEREMONY: ("{year} {topic} Awards Ceremony", "Innovation Achievements Award Ceremony"),
    EventKind.LAUNCH: ("Launch of the {city} {topic} Fund", "Release of the {year} {topic} Report"),
    EventKind.SUPPORTING_ACTIVITY: ("{topic} Roadshow", "{topic} Talent Fair", "{topic} Exhibition Tour"),
    EventKind.EXHIBITION: ("{topic} Exhibition",),
}
AWARDS = (
    "{year} Most Innovative Biopharma Company",
    "Top 10 Innovative Drugs of the Year",
    "Best Partnership Award",
    "Outstanding Enterprise Award",
    "Gold Award for Innovation",
    "Excellent Project Award",
)
AUDIENCES = (
    ("guests", 200, 3000),
    ("experts and scholars", 50, 1000),
    ("enterprises", 20, 500),
    ("academicians", 3, 40),
    ("investment institutions", 10, 200),
    ("industry representatives", 50, 800),
)
QUALIFIER_WORDS = {
    AmountQualifier.EXACT: ("",),
    AmountQualifier.APPROXIMATELY: ("about ", "approximately "),
    AmountQualifier.NEARLY: ("nearly ", "almost "),
    AmountQualifier.OVER: ("over ", "more than "),
    AmountQualifier.UP_TO: ("up to ",),
    AmountQualifier.IN_TOTAL: ("a total of ", "totalling "),
}
DEAL_KIND = _Weighted(
    [
        (DealKind.INVESTMENT, 25),
        (DealKind.INDUSTRIAL_PROJECT, 25),
        (DealKind.COOPERATION, 25),
        (DealKind.LICENSING, 13),
        (DealKind.JOINT_LABORATORY, 11),
        (DealKind.BUNDLE, 1),
    ]
)
PROJECTS = (
    "innovative drug R&D centre", "biologics manufacturing base", "medical device industrialisation",
    "cell therapy production", "CDMO platform", "headquarters and R&D centre", "vaccine production base",
    "API production", "diagnostic reagents production line", "synthetic biology pilot plant",
    "regional headquarters", "clinical research centre", "high-end medical consumables",
)  # fmt: skip
MODALITIES = (
    "an antibody-drug conjugate", "a bispecific antibody", "a small-molecule inhibitor", "a CAR-T therapy",
    "an mRNA vaccine", "a gene therapy", "a monoclonal antibody", "a siRNA drug", "a PROTAC degrader",
)  # fmt: skip
TERRITORIES = ("outside Greater China", "in Greater China", "worldwide", "in Asia", "in the United States and Europe")
CNY_PER_USD = {2015: 6.2, 2016: 6.6, 2017: 6.75, 2018: 6.6, 2019: 6.9, 2020: 6.9, 2021: 6.45, 2022: 6.7}
CNY_PER_USD |= {2023: 7.05, 2024: 7.2, 2025: 7.2}
USD_PER_EUR = 1.1
OTHER_CURRENCIES = (
    ("HKD", 7.8, "HK$"),
    ("GBP", 0.8, "£"),
    ("JPY", 140.0, "¥"),
    ("CHF", 0.9, "CHF "),
    ("SGD", 1.35, "S$"),
)
DIMENSIONS = (
    "Environmental Competitiveness",
    "Industrial Competitiveness",
    "Technological Competitiveness",
    "Talent Competitiveness",
    "Leading Enterprises",
    "Capital and Financing",
    "Dragon Index",
)

# The synthetic article: every quote a generated citation uses, one paragraph per kind of record.
CITATION_QUOTES = {
    "event": (
        "The conference brought together government officials, academicians, entrepreneurs and investors.",
        "Branch forums, round tables and supporting activities were held over the following days.",
        "The forum focused on innovative drugs, high-end medical devices and biomanufacturing.",
        "The opening ceremony was followed by keynote speeches from leading scientists.",
        "The event has become an important platform for exchange in the biomedical industry.",
        "Participants discussed new models of cooperation between industry, academia and research.",
    ),
    "organizer": (
        "The event was hosted by the municipal government and organised by local industry associations.",
        "Universities, hospitals and research institutes took part as co-organisers.",
        "The organising committee thanked the supporting institutions for their help.",
        "Guidance was provided by the provincial health and science authorities.",
    ),
    "company": (
        "Leading biopharmaceutical companies from home and abroad attended the meeting.",
        "Exhibitors showcased their latest products and pipelines.",
        "Several companies presented their innovative drug candidates to investors.",
        "Enterprises covering the whole industrial chain took part in the exhibition.",
    ),
    "person": (
        "Academicians and experts delivered keynote speeches on frontier technologies.",
        "The speakers shared their views on the future of the industry.",
        "The round table was moderated by a senior industry expert.",
        "Entrepreneurs and scientists took part in the panel discussion.",
    ),
    "park": (
        "The park has gathered hundreds of biomedical enterprises in recent years.",
        "The high-tech zone is one of the most competitive biomedical clusters in China.",
        "The zone offers full-cycle services from research and development to industrialisation.",
    ),
    "deal": (
        "A number of major projects were signed on site.",
        "The signed projects cover innovative drugs, medical devices and biomanufacturing.",
        "The licence agreement includes an upfront payment and milestone payments.",
        "The two sides signed a strategic cooperation agreement.",
        "The financial terms of the agreement were not disclosed.",
        "The project will build a research and production base in the zone.",
        "A joint laboratory was unveiled at the ceremony.",
    ),
    "report": (
        "The report was released at the conference.",
        "The report evaluates the competitiveness of biomedical industrial parks across the country.",
    ),
    "ranking": (
        "The ranking covers environmental, industrial, technological and talent competitiveness.",
        "The list of the most competitive biomedical parks was announced at the meeting.",
    ),
    "park_ranking": (
        "The park ranked among the top in the comprehensive competitiveness ranking.",
        "The park was listed among the most competitive biomedical parks.",
    ),
}
DEMO_SOURCE_TEXT = "\n\n".join(
    [
        "Synthetic demo article, written by the demo data generator (generate_demo_data). It is not a real "
        "news report: the generated records cite its sentences, which is all it is for.",
        *(" ".join(quotes) for quotes in CITATION_QUOTES.values()),
    ]
)

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _slugify(text, limit=90):
    return _NOT_SLUG.sub("-", text.lower()).strip("-")[:limit].rstrip("-")


def _ordinal(number):
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _initials(name):
    words = [word for word in re.split(r"[\s,-]+", name) if word and word[0].isupper() and word != "The"]
    return "".join(word[0] for word in words) if len(words) >= 2 else ""


VOWELS, CONSONANTS = "aeiou", "bcdfghjklmnpqrstvwxyz"


def _one_letter_variant(rng, name):
    """The name with one letter changed, dropped or doubled: the typo a search should tolerate."""
    positions = [k for k in range(1, len(name)) if name[k].isascii() and name[k].isalpha() and name[k - 1].isalpha()]
    if not positions:
        return ""
    k = positions[rng.randrange(len(positions))]
    edit = rng.random()
    if edit < 0.2:
        return name[:k] + name[k + 1 :]
    if edit < 0.4:
        return name[:k] + name[k] + name[k:]
    letters = VOWELS if name[k].lower() in VOWELS else CONSONANTS
    letter = letters[rng.randrange(len(letters))]
    if letter == name[k].lower():
        letter = letters[(letters.index(letter) + 1) % len(letters)]
    return name[:k] + (letter.upper() if name[k].isupper() else letter) + name[k + 1 :]


def _round_significant(value, digits=2):
    if value <= 0:
        return 1
    magnitude = 10 ** max(0, math.floor(math.log10(value)) - digits + 1)
    return max(1, round(value / magnitude) * magnitude)


def _millions_text(tenths):
    """An amount given in tenths of a million as the press writes it: "35.6 million", "1.2 billion"."""
    if tenths >= 10_000:
        return f"{tenths / 10_000:.2f}".rstrip("0").rstrip(".") + " billion"
    return f"{tenths / 10:.1f}".rstrip("0").rstrip(".") + " million"


# The columns each table is written with (field attnames), in the order the builder yields them.
COLUMNS = {
    SourceDocument: (
        "id", "key", "title", "outlet", "author", "url", "published_on", "published_on_precision", "language",
        "text", "sha256", "notes",
    ),
    Organizer: ("id", "slug", "description", "name", "kind", "parent_id", "city", "country"),
    Company: ("id", "slug", "description", "name", "kind", "parent_id", "hq_city", "hq_country"),
    Person: ("id", "slug", "description", "name", "family_name", "given_name", "name_zh", "name_order"),
    Park: (
        "id", "slug", "description", "name", "kind", "parent_id", "administered_by_id", "city", "district", "country",
    ),
    Event: (
        "id", "slug", "description", "name", "kind", "parent_id", "edition", "start_date", "start_date_precision",
        "end_date", "end_date_precision", "date_stated", "city", "district", "venue", "park_id", "theme", "summary",
    ),
    Report: ("id", "slug", "description", "title", "year", "publisher_id", "released_at_id"),
    RankingList: (
        "id", "slug", "description", "name", "year", "category", "dimension", "report_id", "publisher_id",
        "released_at_id",
    ),
    ParkRanking: ("id", "ranking_id", "park_id", "rank", "rank_stated"),
    AttendanceFigure: ("id", "event_id", "audience", "count", "qualifier", "stated"),
    EventOrganizer: ("id", "event_id", "organizer_id", "company_id", "role", "note"),
    EventParticipant: ("id", "event_id", "person_id", "role", "talk_title", "position_stated"),
    EventCompany: ("id", "event_id", "company_id", "role", "award"),
    Affiliation: ("id", "person_id", "organizer_id", "company_id", "position"),
    Honour: ("id", "person_id", "kind", "title", "awarded_by_id", "field", "year"),
    Deal: (
        "id", "slug", "description", "title", "kind", "event_id", "parent_id", "date", "date_precision", "asset",
        "summary", "amount", "currency", "amount_qualifier", "amount_stated", "amount_usd", "is_undisclosed",
        "project_count",
    ),
    DealParty: ("id", "deal_id", "company_id", "organizer_id", "role"),
    # An alias's `source` stays empty: it would have to spell the alias verbatim.
    Alias: ("id", "name", "kind", "organizer_id", "company_id", "person_id", "park_id"),
    Citation: (
        "id", "source_id", "quote", "note", "event_id", "organizer_id", "company_id", "person_id", "park_id",
        "deal_id", "report_id", "ranking_id", "park_ranking_id",
    ),
}  # fmt: skip


# --- the generator -------------------------------------------------------------------------------------------


@dataclass
class _Table:
    label: str
    model: type
    rows: object  # a callable returning the row iterator, in the order of COLUMNS[model]
    total: object  # a callable returning the row count, evaluated once the earlier tables are written


class _Builder:
    """Produces every table's rows in a fixed order, recording what later tables need to refer back."""

    def __init__(self, *, counts, seed, bases):
        self.counts = counts
        self.seed = seed
        self.bases = bases  # model -> first id of its generated range
        self.org_names = []
        self.org_pools, self.org_city_pools = defaultdict(list), defaultdict(list)
        self.company_names, self.company_pools = [], defaultdict(list)
        self.person_intros = []
        self.parks_by_city = defaultdict(list)
        self.event_names, self.event_start, self.event_precision = [], array("l"), bytearray()
        self.event_city = array("H")
        self.top_events_by_year = defaultdict(list)
        self.reports = []  # (year, region, publisher index or None, released_at index or None)
        self.aliases = []  # (target field position, target index, name, kind)
        self.affiliations, self.honours = [], []
        self.attendance, self.event_organizers, self.event_participants, self.event_companies = [], [], [], []
        self.park_rankings = []
        self.party_deal, self.party_ref, self.party_role = array("q"), array("q"), bytearray()
        self.written = {}  # model -> rows written

    def _rng(self, table):
        # A string seed is hashed with SHA-512: the same stream on every run and platform.
        return random.Random(f"demo-data:{self.seed}:{table}")

    def tables(self):
        """The tables in writing order; each total is read once the tables before it are written."""
        counts = self.counts

        def planned(label):
            return lambda: counts[label]

        def recorded(attribute):
            return lambda: len(getattr(self, attribute))

        rows_and_totals = {
            SourceDocument: (self.sources, lambda: 1),
            Organizer: (self.organizers, planned("organizers")),
            Company: (self.companies, planned("companies")),
            Person: (self.people, planned("people")),
            Park: (self.parks, planned("parks")),
            Event: (self.events, planned("events")),
            Report: (self.report_rows, lambda: self.report_count),
            RankingList: (self.rankings, planned("ranking lists")),
            ParkRanking: (self.park_ranking_rows, recorded("park_rankings")),
            AttendanceFigure: (self.attendance_rows, recorded("attendance")),
            EventOrganizer: (self.event_organizer_rows, recorded("event_organizers")),
            EventParticipant: (self.event_participant_rows, recorded("event_participants")),
            EventCompany: (self.event_company_rows, recorded("event_companies")),
            Affiliation: (self.affiliation_rows, recorded("affiliations")),
            Honour: (self.honour_rows, recorded("honours")),
            Deal: (self.deals, planned("deals")),
            DealParty: (self.deal_party_rows, recorded("party_deal")),
            Alias: (self.alias_rows, recorded("aliases")),
            Citation: (self.citation_rows, self.citation_count),
        }
        return [_Table(LABELS[model], model, *rows_and_totals[model]) for model in GENERATED_MODELS]

    def _id(self, model, index):
        return None if index is None else self.bases[model] + index

    # --- pickers ---

    def _organizer(self, rng, kinds, city=None):
        """An organiser of one of `kinds`, from `city` most of the time when it has one."""
        kind = kinds[rng.randrange(len(kinds))]
        if city is not None and rng.random() < 0.6:
            pool = self.org_city_pools.get((city, kind))
            if pool:
                return pool[rng.randrange(len(pool))]
        pool = self.org_pools.get(kind)
        return pool[rng.randrange(len(pool))] if pool else rng.randrange(len(self.org_names))

    def _company(self, rng, kinds=None):
        if kinds:
            pool = self.company_pools.get(kinds[rng.randrange(len(kinds))])
            if pool:
                return pool[rng.randrange(len(pool))]
        return rng.randrange(len(self.company_names))

    def _person(self, rng):
        """A person; one pick in five from the few who speak everywhere."""
        count = self.counts["people"]
        return rng.randrange(max(1, count // 20)) if rng.random() < 0.2 else rng.randrange(count)

    def _alias(self, target, index, name, kind):
        self.aliases.append((target, index, name, kind))

    def _aliases(self, rng, target, index, name, candidates, share, one_letter_share=0.4):
        """Give a share of the records one or two aliases from `candidates` ((name, kind) pairs), maybe a typo."""
        if rng.random() >= share:
            return
        options = [(alias, kind) for alias, kind in candidates if alias and alias != name]
        if rng.random() < one_letter_share:
            variant = _one_letter_variant(rng, name)
            if variant and variant != name:
                options.insert(0, (variant, AliasKind.SPELLING))
        seen = set()
        for alias, kind in options[: 1 if rng.random() < 0.55 else 2]:
            if alias not in seen:
                seen.add(alias)
                self._alias(target, index, alias[:300], kind)

    # --- tables ---

    def sources(self):
        yield (
            self.bases[SourceDocument],
            DEMO_SOURCE_KEY,
            "Synthetic demo article (generate_demo_data)",
            "generate_demo_data",
            "",
            "",
            None,
            "",
            Language.ENGLISH,
            DEMO_SOURCE_TEXT,
            hashlib.sha256(DEMO_SOURCE_TEXT.encode()).hexdigest(),
            "Synthetic text quoted by every generated citation; removed by generate_demo_data --clear.",
        )

    def organizers(self):
        rng = self._rng("organizers")
        base = self.bases[Organizer]
        parents = defaultdict(list)  # city -> universities and academies, parents of institutes and hospitals
        for i in range(self.counts["organizers"]):
            city_index = CITY.pick(rng)
            city, province, region, _, districts = CITIES[city_index]
            kind = ORGANIZER_KIND.pick(rng)
            templates = ORGANIZER_TEMPLATES[kind]
            district = districts[rng.randrange(len(districts))]
            name = templates[rng.randrange(len(templates))].format(
                city=city,
                province=province,
                region=region,
                district=district,
                district_unit=district if district.endswith("Area") else f"{district} District",
                ordinal=ORDINAL_WORDS[rng.randrange(len(ORDINAL_WORDS))],
            )
            parent = None
            if kind in (OrganizerKind.UNIVERSITY, OrganizerKind.ACADEMY):
                parents[city_index].append(i)
            elif kind in (OrganizerKind.RESEARCH_INSTITUTE, OrganizerKind.HOSPITAL) and parents[city_index]:
                pool = parents[city_index]
                parent = pool[rng.randrange(len(pool))] if rng.random() < 0.3 else None
            self.org_names.append(name)
            self.org_pools[kind].append(i)
            self.org_city_pools[(city_index, kind)].append(i)
            self._aliases(rng, 0, i, name, [(_initials(name), AliasKind.ABBREVIATION)], share=0.5)
            yield (base + i, f"demo-{_slugify(name)}-{i + 1}", "", name, kind, self._id(Organizer, parent), city, "CN")

    def companies(self):
        rng = self._rng("companies")
        base = self.bases[Company]
        groups = []
        for i in range(self.counts["companies"]):
            kind = COMPANY_KIND.pick(rng)
            suffix, suffix_zh = COMPANY_SUFFIXES[kind][rng.randrange(len(COMPANY_SUFFIXES[kind]))]
            if rng.random() < 0.07:  # a foreign company
                country, cities = FOREIGN_HQS[rng.randrange(len(FOREIGN_HQS))]
                city = cities[rng.randrange(len(cities))]
                brand = (
                    WESTERN_STEMS[rng.randrange(len(WESTERN_STEMS))]
                    + WESTERN_ENDINGS[rng.randrange(len(WESTERN_ENDINGS))]
                )
                name = f"{brand} {suffix}"
                candidates = [(f"{name}, Inc.", AliasKind.FULL_NAME), (brand, AliasKind.ABBREVIATION)]
            else:
                country = "CN"
                city = CITIES[CITY.pick(rng)][0]
                (first, first_zh), (second, second_zh) = rng.sample(SYLLABLES, 2)
                brand, brand_zh = first + second.lower(), first_zh + second_zh
                name = f"{city} {brand} {suffix}" if rng.random() < 0.3 else f"{brand} {suffix}"
                candidates = [
                    (f"{city} {brand} {suffix} Co., Ltd.", AliasKind.FULL_NAME),
                    (brand_zh + suffix_zh, AliasKind.CHINESE),
                    (brand, AliasKind.ABBREVIATION),
                ]
                rng.shuffle(candidates)
            parent = groups[rng.randrange(len(groups))] if groups and rng.random() < 0.06 else None
            if kind in (CompanyKind.CONGLOMERATE, CompanyKind.PHARMA) and parent is None:
                groups.append(i)
            self.company_names.append(name)
            self.company_pools[kind].append(i)
            if country != "CN":
                self.company_pools["foreign"].append(i)
            self._aliases(rng, 1, i, name, candidates, share=0.5)
            yield (base + i, f"demo-{_slugify(name)}-{i + 1}", "", name, kind, self._id(Company, parent), city, country)

    def people(self):
        rng = self._rng("people")
        base = self.bases[Person]
        for i in range(self.counts["people"]):
            if rng.random() < 0.07:
                given = WESTERN_GIVEN[rng.randrange(len(WESTERN_GIVEN))]
                family = WESTERN_FAMILY[rng.randrange(len(WESTERN_FAMILY))]
                name, name_zh, order = f"{given} {family}", "", NameOrder.GIVEN_FIRST
                candidates = [
                    (f"{given[0]}. {family}", AliasKind.ABBREVIATION),
                    (f"{family}, {given}", AliasKind.SPELLING),
                ]
            else:
                family, family_zh = FAMILY.pick(rng)
                first, first_zh = GIVEN_SYLLABLES[rng.randrange(len(GIVEN_SYLLABLES))]
                if rng.random() < 0.65:
                    second, second_zh = GIVEN_SYLLABLES[rng.randrange(len(GIVEN_SYLLABLES))]
                    given, given_zh = first + second.lower(), first_zh + second_zh
                else:
                    given, given_zh = first, first_zh
                family_first = rng.random() < 0.55
                name = f"{family} {given}" if family_first else f"{given} {family}"
                order = NameOrder.FAMILY_FIRST if family_first else NameOrder.GIVEN_FIRST
                name_zh = family_zh + given_zh if rng.random() < 0.7 else ""
                other_order = f"{given} {family}" if family_first else f"{family} {given}"
                candidates = [(f"{family.upper()} {given}", AliasKind.SPELLING), (other_order, AliasKind.SPELLING)]
                rng.shuffle(candidates)
            self._aliases(rng, 2, i, name, candidates, share=0.4)
            self.person_intros.append(self._person_links(rng, i))
            yield (base + i, f"demo-{_slugify(name)}-{i + 1}", "", name, family, given, name_zh, order)

    def _person_links(self, rng, person):
        """Record the person's affiliations and honours; return how an event introduces them."""
        intro = ""
        if rng.random() < 0.02:
            academy = ACADEMIES[rng.randrange(2)]
            title = f"academician of the {academy}"
            self.honours.append(
                (person, HonourKind.ACADEMICIAN, title, HONOUR_FIELDS[rng.randrange(6)], rng.randint(1995, 2023))
            )
            intro = title
        elif rng.random() < 0.003:
            kind, title = OTHER_HONOURS[rng.randrange(len(OTHER_HONOURS))]
            self.honours.append((person, kind, title, "", rng.randint(2000, 2024)))
        if rng.random() < 0.7:
            employers = []
            for _ in range(2 if rng.random() < 0.1 else 1):
                if rng.random() < 0.65:
                    employer = self._company(rng)
                    position = COMPANY_POSITIONS[rng.randrange(len(COMPANY_POSITIONS))]
                    employer_name = self.company_names[employer]
                else:
                    employer = -1 - self._organizer(rng, ORGANIZER_KINDS_EMPLOYING)
                    position = ORGANIZER_POSITIONS[rng.randrange(len(ORGANIZER_POSITIONS))]
                    employer_name = self.org_names[-1 - employer]
                if employer in employers:
                    continue
                employers.append(employer)
                self.affiliations.append((person, employer, position))
                if not intro and rng.random() < 0.6:
                    intro = f"{position} of {employer_name}"
        return intro[:300]

    def parks(self):
        rng = self._rng("parks")
        base = self.bases[Park]
        zones = defaultdict(list)  # city -> the large zones other parks may lie in
        for i in range(self.counts["parks"]):
            city_index = CITY.pick(rng)
            city, _, _, _, districts = CITIES[city_index]
            district = districts[rng.randrange(len(districts))]
            kind = PARK_KIND.pick(rng)
            templates = PARK_TEMPLATES[kind]
            first, second = rng.sample(SYLLABLES, 2)
            brand = first[0] + second[0].lower()
            name = templates[rng.randrange(len(templates))].format(city=city, district=district, brand=brand)
            parent = None
            if kind in (ParkKind.HIGH_TECH_ZONE, ParkKind.ECONOMIC_DEVELOPMENT_ZONE):
                zones[city_index].append(i)
            elif zones[city_index] and rng.random() < 0.3:
                parent = zones[city_index][rng.randrange(len(zones[city_index]))]
            administrator = None
            if rng.random() < 0.6:
                administrator = self._organizer(rng, (OrganizerKind.PARK_ADMINISTRATION,), city_index)
            self.parks_by_city[city_index].append(i)
            former = name.replace("Biomedical", "Pharmaceutical").replace("Life Science", "Bio-industry")
            candidates = [(_initials(name), AliasKind.ABBREVIATION), (former, AliasKind.FORMER)]
            self._aliases(rng, 3, i, name, candidates, share=0.6)
            yield (
                base + i,
                f"demo-{_slugify(name)}-{i + 1}",
                "",
                name,
                kind,
                self._id(Park, parent),
                self._id(Organizer, administrator),
                city,
                district,
                "CN",
            )

    def events(self):
        rng = self._rng("events")
        base = self.bases[Event]
        count = self.counts["events"]
        top_count = min(count, max(1, round(count * TOP_LEVEL_EVENT_SHARE)))
        tops = []  # (start, end, precision, city index, district, venue, park, year) of each top-level event
        for i in range(count):
            if i < top_count:
                row, top = self._top_event(rng, i)
                tops.append(top)
            else:
                if rng.random() < FLAGSHIP_SUB_EVENT_SHARE:
                    parent = FLAGSHIP_EVERY * rng.randrange(math.ceil(top_count / FLAGSHIP_EVERY))
                else:
                    parent = rng.randrange(top_count)
                row = self._sub_event(rng, i, parent, tops[parent])
            yield (base + i, *row)

    def _top_event(self, rng, i):
        city_index = CITY.pick(rng)
        city, _, region, _, districts = CITIES[city_index]
        kind = TOP_EVENT_KIND.pick(rng)
        topic = TOPICS[rng.randrange(len(TOPICS))]
        year = 2015 + min(10, int(11 * rng.random() ** 0.8))  # more events in recent years
        words = EVENT_KIND_WORDS[kind]
        word = words[rng.randrange(len(words))]
        edition = rng.randint(1, 15) if rng.random() < 0.4 else None
        style = rng.randrange(4)
        if edition:
            place = region if style == 0 else city
            name = f"The {_ordinal(edition)} {place} {topic} {word}"
        elif style == 0:
            name = f"{year} China ({city}) {topic} {word}"
        elif style == 1:
            name = f"{year} {city} International {topic} {word}"
        elif style == 2:
            name = f"{city} International {topic} {word} {year}"
        else:
            name = f"{year} {region} {topic} {word}"
        start, end, start_precision, stated = self._event_dates(rng, year)
        district = districts[rng.randrange(len(districts))] if rng.random() < 0.6 else ""
        parks = self.parks_by_city.get(city_index)
        park = parks[rng.randrange(len(parks))] if parks and rng.random() < 0.35 else None
        venue = ""
        if rng.random() < 0.7:
            style = rng.randrange(3)
            if style == 0:
                venue = f"{city} International Convention and Exhibition Center"
            elif style == 1:
                venue = f"{HOTELS[rng.randrange(len(HOTELS))]}, {city}"
            else:
                venue = f"{city} International Conference Center"
        theme = THEMES[rng.randrange(len(THEMES))] if rng.random() < 0.6 else ""
        label = kind.label.lower()
        summary = f"{'An' if label[0] in VOWELS else 'A'} {label} on {topic.lower()} held in {city}."
        self._record_event(name, start, start_precision, city_index)
        self.top_events_by_year[year].append(i)
        self._event_links(rng, i, kind, city_index, year, top=True, flagship=i % FLAGSHIP_EVERY == 0)
        row = (
            f"demo-{_slugify(name)}-{i + 1}", "", name, kind, None, edition, start, start_precision, end,
            DatePrecision.DAY if end else "", stated, city, district, venue, self._id(Park, park), theme, summary,
        )  # fmt: skip
        return row, (start, end, start_precision, city_index, district, venue, park, year)

    def _event_dates(self, rng, year):
        """(start, end, start precision, wording) of a top-level event in `year`."""
        month = rng.randint(1, 12)
        draw = rng.random()
        if draw < 0.85:
            start = date(year, month, rng.randint(1, 28))
            days = (0, 0, 0, 1, 1, 1, 2, 2, 3, 4)[rng.randrange(10)]
            start = min(start, LAST_DAY - timedelta(days=days))
            end = start + timedelta(days=days) if days else None
            if end is None:
                stated = (f"On {MONTHS[start.month - 1]} {start.day}", f"{MONTHS[start.month - 1]} {start.day}, {year}")
            elif end.month == start.month:
                stated = (
                    f"From {MONTHS[start.month - 1]} {start.day} to {end.day}",
                    f"{MONTHS[start.month - 1]} {start.day}-{end.day}, {year}",
                )
            else:
                stated = (f"From {MONTHS[start.month - 1]} {start.day} to {MONTHS[end.month - 1]} {end.day}",)
            return start, end, DatePrecision.DAY, stated[rng.randrange(len(stated))]
        if draw < 0.95:
            return date(year, month, 1), None, DatePrecision.MONTH, f"In {MONTHS[month - 1]} {year}"
        return date(year, 1, 1), None, DatePrecision.YEAR, f"In {year}"

    def _sub_event(self, rng, i, parent, top):
        start, end, precision, city_index, district, venue, park, year = top
        kind = SUB_EVENT_KIND.pick(rng)
        topic = TOPICS[rng.randrange(len(TOPICS))]
        templates = SUB_EVENT_NAMES[kind]
        name = templates[rng.randrange(len(templates))].format(
            topic=topic, tech=TECHNOLOGIES[rng.randrange(len(TECHNOLOGIES))], year=year, city=CITIES[city_index][0]
        )
        if precision == DatePrecision.DAY:
            offset = rng.randint(0, (end - start).days) if end else 0
            day = start + timedelta(days=offset)
            stated = (
                "On the same day" if offset == 0 and rng.random() < 0.5 else f"On {MONTHS[day.month - 1]} {day.day}"
            )
        else:
            day, stated = start, "During the event"
        self._record_event(name, day, precision, city_index)
        self._event_links(rng, i, kind, city_index, year, top=False)
        return (
            f"demo-{_slugify(name)}-{i + 1}", "", name, kind, self._id(Event, parent), None, day, precision, None, "",
            stated, CITIES[city_index][0], district, venue if rng.random() < 0.5 else "",
            self._id(Park, park) if rng.random() < 0.7 else None, "", "",
        )  # fmt: skip

    def _record_event(self, name, start, precision, city_index):
        self.event_names.append(name)
        self.event_start.append(start.toordinal())
        self.event_precision.append(PRECISION_CODES[precision])
        self.event_city.append(city_index)

    def _event_links(self, rng, event, kind, city, year, *, top, flagship=False):
        """Record an event's organisers, participants, companies and attendance figures."""
        hosts = []  # (party, role): party >= 0 an organiser, < 0 the company -1 - party

        def host(role, party):
            if (party, role) not in hosts:
                hosts.append((party, role))

        if top:
            if rng.random() < 0.35:
                host(HostRole.GUIDANCE, self._organizer(rng, (OrganizerKind.GOVERNMENT,), city))
            for _ in range(rng.randint(1, 2)):
                host(HostRole.HOST, self._organizer(rng, HOST_KINDS, city))
            if rng.random() < 0.3:
                host(
                    HostRole.CO_HOST,
                    -1 - self._company(rng) if rng.random() < 0.5 else self._organizer(rng, HOST_KINDS, city),
                )
            if rng.random() < 0.6:
                host(
                    HostRole.ORGANISER,
                    -1 - self._company(rng) if rng.random() < 0.25 else self._organizer(rng, ORGANISER_KINDS, city),
                )
            for _ in range(rng.randint(0, 2) if rng.random() < 0.4 else 0):
                host(
                    HostRole.CO_ORGANISER,
                    -1 - self._company(rng) if rng.random() < 0.4 else self._organizer(rng, ORGANISER_KINDS, city),
                )
            for _ in range(rng.randint(1, 3) if rng.random() < 0.25 else 0):
                host(
                    HostRole.SUPPORTING,
                    -1 - self._company(rng) if rng.random() < 0.5 else self._organizer(rng, SUPPORTING_KINDS, city),
                )
        elif rng.random() < 0.45:
            role = HostRole.HOST if rng.random() < 0.5 else HostRole.ORGANISER
            host(role, -1 - self._company(rng) if rng.random() < 0.2 else self._organizer(rng, ORGANISER_KINDS, city))
        self.event_organizers.extend((event, party, role) for party, role in hosts)

        people = []
        if top:
            roles = [PersonRole.KEYNOTE] * (rng.randint(1, 3) if rng.random() < 0.6 else 0)
            roles += [PersonRole.SPEAKER] * rng.randint(0, 2) + [PersonRole.GUEST] * rng.randint(0, 1)
            roles += [PersonRole.MODERATOR] if rng.random() < 0.3 else []
            if flagship:
                roles += [PersonRole.KEYNOTE] * rng.randint(5, 15) + [PersonRole.SPEAKER] * rng.randint(100, 200)
        elif kind == EventKind.PANEL:
            roles = [PersonRole.MODERATOR] + [PersonRole.PANELIST] * rng.randint(2, 4)
        elif kind == EventKind.BRANCH_SESSION:
            roles = [PersonRole.SPEAKER] * rng.randint(1, 4) + ([PersonRole.MODERATOR] if rng.random() < 0.5 else [])
        else:
            roles = [PersonRole.GUEST] * rng.randint(0, 2) + [PersonRole.SPEAKER] * rng.randint(0, 1)
        for role in roles:
            person = self._person(rng)
            if person in people:
                continue
            people.append(person)
            talk = ""
            if role in (PersonRole.KEYNOTE, PersonRole.SPEAKER) and rng.random() < 0.7:
                template = TALK_TEMPLATES[rng.randrange(len(TALK_TEMPLATES))]
                talk = template.format(tech=TECHNOLOGIES[rng.randrange(len(TECHNOLOGIES))])
                talk = talk[0].upper() + talk[1:]
            self.event_participants.append((event, person, role, talk, self.person_intros[person]))

        companies = []
        if top:
            roles = [CompanyRole.EXHIBITOR] * (
                rng.randint(1, 4) if kind in (EventKind.EXHIBITION, EventKind.WEEK) else rng.randint(0, 1)
            )
            roles += [CompanyRole.ATTENDEE] * rng.randint(0, 2) + [CompanyRole.AWARDEE] * (rng.random() < 0.1)
            if flagship:
                roles += [CompanyRole.EXHIBITOR] * rng.randint(200, 400) + [CompanyRole.ATTENDEE] * rng.randint(20, 60)
        elif kind == EventKind.SIGNING_CEREMONY:
            roles = [CompanyRole.SIGNATORY] * rng.randint(2, 4)
        elif kind == EventKind.AWARD_CEREMONY:
            roles = [CompanyRole.AWARDEE] * rng.randint(1, 3)
        else:
            roles = [CompanyRole.SPEAKER] * (rng.random() < 0.3) + [CompanyRole.ATTENDEE] * (rng.random() < 0.3)
        for role in roles:
            company = self._company(rng)
            if company in companies:
                continue
            companies.append(company)
            award = AWARDS[rng.randrange(len(AWARDS))].format(year=year) if role == CompanyRole.AWARDEE else ""
            self.event_companies.append((event, company, role, award))

        if top and (flagship or rng.random() < 0.5):
            for audience, low, high in rng.sample(AUDIENCES, rng.randint(1, 2)):
                qualifier = ATTENDANCE_QUALIFIER.pick(rng)
                number = rng.randint(low, high)
                if qualifier != AmountQualifier.EXACT:
                    number = _round_significant(number, 1)
                words = QUALIFIER_WORDS[qualifier]
                stated = f"{words[rng.randrange(len(words))]}{number} {audience}"
                self.attendance.append((event, audience, number, qualifier, stated[0].upper() + stated[1:]))

    @property
    def report_count(self):
        return math.ceil(self.counts["ranking lists"] / RANKINGS_PER_REPORT)

    def report_rows(self):
        rng = self._rng("reports")
        base = self.bases[Report]
        for j in range(self.report_count):
            year = rng.randint(2015, 2024)
            region = REGIONS[rng.randrange(len(REGIONS))]
            publisher = self._organizer(rng, (OrganizerKind.ASSOCIATION, OrganizerKind.RESEARCH_INSTITUTE))
            candidates = self.top_events_by_year.get(year + 1) or self.top_events_by_year.get(year)
            released = candidates[rng.randrange(len(candidates))] if candidates and rng.random() < 0.8 else None
            self.reports.append((year, region, publisher, released))
            title = f"{year} {region} Biomedical Industrial Park Competitiveness Report"
            yield (
                base + j,
                f"demo-{_slugify(title)}-{j + 1}",
                "",
                title,
                year,
                self._id(Organizer, publisher),
                self._id(Event, released),
            )

    def rankings(self):
        rng = self._rng("rankings")
        base = self.bases[RankingList]
        parks = self.counts["parks"]
        for i in range(self.counts["ranking lists"]):
            report, position = divmod(i, RANKINGS_PER_REPORT)
            year, region, publisher, released = self.reports[report]
            stem = f"{year} {region} Biomedical Industrial Park"
            if position == 0:
                category, dimension, name, size = (
                    RankingCategory.COMPREHENSIVE,
                    "",
                    f"{stem} Comprehensive Competitiveness Ranking",
                    50,
                )
            else:
                category = RankingCategory.INDIVIDUAL
                dimension = DIMENSIONS[(position - 1 + report) % len(DIMENSIONS)]
                name, size = f"{stem} Ranking by {dimension}", (10, 20, 30)[rng.randrange(3)]
            ranked = rng.random() < 0.9
            for rank, park in enumerate(rng.sample(range(parks), min(size, parks)), start=1):
                if ranked:
                    stated = f"ranked {ORDINAL_WORDS[rank - 1].lower()}" if rank <= 10 else f"No. {rank}"
                    self.park_rankings.append((i, park, rank, stated))
                else:
                    self.park_rankings.append((i, park, None, "listed"))
            yield (
                base + i,
                f"demo-{_slugify(name)}-{i + 1}",
                "",
                name,
                year,
                category,
                dimension,
                self._id(Report, report),
                self._id(Organizer, publisher),
                self._id(Event, released),
            )  # fmt: skip

    def park_ranking_rows(self):
        base, rankings, parks = self.bases[ParkRanking], self.bases[RankingList], self.bases[Park]
        for k, (ranking, park, rank, stated) in enumerate(self.park_rankings):
            yield (base + k, rankings + ranking, parks + park, rank, stated)

    def attendance_rows(self):
        base, events = self.bases[AttendanceFigure], self.bases[Event]
        for k, (event, audience, number, qualifier, stated) in enumerate(self.attendance):
            yield (base + k, events + event, audience, number, qualifier, stated)

    def event_organizer_rows(self):
        base, events, orgs, companies = (self.bases[m] for m in (EventOrganizer, Event, Organizer, Company))
        for k, (event, party, role) in enumerate(self.event_organizers):
            if party >= 0:
                yield (base + k, events + event, orgs + party, None, role, "")
            else:
                yield (base + k, events + event, None, companies - 1 - party, role, "")

    def event_participant_rows(self):
        base, events, people = self.bases[EventParticipant], self.bases[Event], self.bases[Person]
        for k, (event, person, role, talk, intro) in enumerate(self.event_participants):
            yield (base + k, events + event, people + person, role, talk, intro)

    def event_company_rows(self):
        base, events, companies = self.bases[EventCompany], self.bases[Event], self.bases[Company]
        for k, (event, company, role, award) in enumerate(self.event_companies):
            yield (base + k, events + event, companies + company, role, award)

    def affiliation_rows(self):
        base, people, orgs, companies = (self.bases[m] for m in (Affiliation, Person, Organizer, Company))
        for k, (person, employer, position) in enumerate(self.affiliations):
            if employer >= 0:
                yield (base + k, people + person, None, companies + employer, position)
            else:
                yield (base + k, people + person, orgs - 1 - employer, None, position)

    def honour_rows(self):
        base, people = self.bases[Honour], self.bases[Person]
        for k, (person, kind, title, subject, year) in enumerate(self.honours):
            yield (base + k, people + person, kind, title, None, subject, year)

    def deals(self):
        rng = self._rng("deals")
        base = self.bases[Deal]
        count = self.counts["deals"]
        events = len(self.event_names)
        bundle, bundle_left, bundle_context = None, 0, None
        for i in range(count):
            if bundle_left:
                bundle_left -= 1
                event, day, precision, city = bundle_context
                kind = CHILD_DEAL_KIND.pick(rng)
                title, asset, summary = self._deal_parties(rng, i, kind, city, child=True)
                yield (
                    base + i, f"demo-deal-{i + 1}", "", title, kind, self._id(Event, event), base + bundle,
                    day, precision, asset, summary, None, "", "", "", None, False, None,
                )  # fmt: skip
                continue
            kind = DEAL_KIND.pick(rng)
            if kind == DealKind.BUNDLE and i + 2 >= count:
                kind = DealKind.COOPERATION  # no room left for a bundle's projects
            if rng.random() < 0.65:
                event = rng.randrange(events)
                ordinal, code = self.event_start[event], self.event_precision[event]
                day, precision, city = date.fromordinal(ordinal), PRECISION_NAMES[code], self.event_city[event]
            else:
                event, city = None, CITY.pick(rng)
                day, precision = self._deal_date(rng)
            year = day.year if day else 2023
            if kind == DealKind.BUNDLE:
                bundle, bundle_left = i, min(rng.randint(3, 12), count - i - 1)
                bundle_context = (event, day, precision, city)
                projects = bundle_left + rng.randint(0, 10)
                place = self.event_names[event] if event is not None else CITIES[city][0]
                title = (
                    f"{projects} projects signed at {place}"
                    if event is not None
                    else f"{projects} projects signed in {place}"
                )
                self._deal_parties(rng, i, kind, city)
                amount = self._amount(rng, kind, year)
                yield (
                    base + i, f"demo-deal-{i + 1}", "", title[:300], kind, self._id(Event, event), None, day,
                    precision, "", f"A bundle of {projects} projects; the projects named are its children.",
                    *amount, projects,
                )  # fmt: skip
                continue
            title, asset, summary = self._deal_parties(rng, i, kind, city)
            yield (
                base + i, f"demo-deal-{i + 1}", "", title, kind, self._id(Event, event), None, day, precision,
                asset, summary, *self._amount(rng, kind, year), None,
            )  # fmt: skip

    def _deal_date(self, rng):
        draw = rng.random()
        if draw < 0.05:
            return None, ""
        year = 2015 + min(10, int(11 * rng.random() ** 0.8))
        if draw < 0.8:
            return date(year, rng.randint(1, 12), rng.randint(1, 28)), DatePrecision.DAY
        if draw < 0.95:
            return date(year, rng.randint(1, 12), 1), DatePrecision.MONTH
        return date(year, 1, 1), DatePrecision.YEAR

    def _deal_parties(self, rng, deal, kind, city, *, child=False):
        """Record the deal's parties; return its title, asset and summary, which name them."""
        parties = []

        def party(ref, role):
            if all(ref != existing for existing, _ in parties):
                parties.append((ref, role))
                self.party_deal.append(deal)
                self.party_ref.append(ref)
                self.party_role.append(DEAL_ROLE_CODES[role])
            return ref

        def name(ref):
            return self.company_names[ref] if ref >= 0 else self.org_names[-1 - ref]

        def zone():
            return -1 - self._organizer(rng, ZONE_KINDS, city)

        asset, summary = "", ""
        if kind == DealKind.LICENSING:
            licensor = party(
                self._company(rng, (CompanyKind.BIOTECH, CompanyKind.BIOTECH, CompanyKind.PHARMA)), DealRole.LICENSOR
            )
            licensee = party(
                self._company(rng, ("foreign", CompanyKind.PHARMA, CompanyKind.PHARMA, CompanyKind.BIOTECH)),
                DealRole.LICENSEE,
            )
            if rng.random() < 0.3:
                party(self._company(rng, (CompanyKind.INVESTMENT, CompanyKind.PHARMA)), DealRole.PARTNER)
            letters = "".join(ch for ch in name(licensor) if ch.isupper())[:2].ljust(2, "X")
            asset = f"{letters}{'-' if rng.random() < 0.5 else ''}{rng.randint(101, 999)}"
            territory = TERRITORIES[rng.randrange(len(TERRITORIES))]
            title = f"{name(licensor)} licenses {asset} to {name(licensee)}"
            modality = MODALITIES[rng.randrange(len(MODALITIES))]
            summary = f"Exclusive rights to develop and commercialise {asset}, {modality}, {territory}."
        elif kind == DealKind.INVESTMENT:
            investor = party(self._company(rng, (CompanyKind.INVESTMENT,)), DealRole.INVESTOR)
            if rng.random() < 0.3:
                party(self._company(rng, (CompanyKind.INVESTMENT, CompanyKind.CONGLOMERATE)), DealRole.INVESTOR)
            owner = party(self._company(rng, PROJECT_OWNER_KINDS), DealRole.PROJECT_OWNER)
            if rng.random() < 0.75:
                party(zone(), DealRole.HOST_ZONE)
            project = PROJECTS[rng.randrange(len(PROJECTS))]
            title = f"{name(investor)} invests in the {project} project of {name(owner)}"
        elif kind == DealKind.INDUSTRIAL_PROJECT:
            owner = party(self._company(rng, PROJECT_OWNER_KINDS), DealRole.PROJECT_OWNER)
            host = party(zone(), DealRole.HOST_ZONE) if rng.random() < 0.85 else None
            if rng.random() < 0.45:
                party(-1 - self._organizer(rng, (OrganizerKind.GOVERNMENT,), city), DealRole.SIGNATORY)
            project = PROJECTS[rng.randrange(len(PROJECTS))]
            if host is not None and not child:
                title = f"{name(owner)} {project} project signed with {name(host)}"
            else:
                title = f"{name(owner)} {project} project settles in {CITIES[city][0]}"
        elif kind == DealKind.JOINT_LABORATORY:
            company = party(self._company(rng, PROJECT_OWNER_KINDS), DealRole.PARTNER)
            institute = party(-1 - self._organizer(rng, LAB_KINDS, city), DealRole.PARTNER)
            if rng.random() < 0.25:
                party(self._company(rng), DealRole.PARTNER)
            technology = TECHNOLOGIES[rng.randrange(len(TECHNOLOGIES))]
            title = f"{name(company)} and {name(institute)} Joint Laboratory for {technology}"
        elif kind == DealKind.BUNDLE:
            party(zone(), DealRole.HOST_ZONE)
            if rng.random() < 0.5:
                party(-1 - self._organizer(rng, (OrganizerKind.GOVERNMENT,), city), DealRole.SIGNATORY)
            return "", "", ""
        else:  # cooperation
            first = party(self._cooperation_partner(rng, city), DealRole.PARTNER)
            second = party(self._cooperation_partner(rng, city), DealRole.PARTNER)
            for _ in range((0, 0, 1, 1, 2)[rng.randrange(5)]):
                party(
                    self._cooperation_partner(rng, city), DealRole.PARTNER if rng.random() < 0.7 else DealRole.SIGNATORY
                )
            title = f"Strategic cooperation between {name(first)} and {name(second)}"
            if first == second:
                title = f"Strategic cooperation agreement of {name(first)}"
        if child:
            summary = "One of the projects of the bundle; no amount is stated for it."
        return title[:300], asset, summary

    def _cooperation_partner(self, rng, city):
        return self._company(rng) if rng.random() < 0.7 else -1 - self._organizer(rng, LAB_KINDS, city)

    def _amount(self, rng, kind, year):
        """(amount, currency, qualifier, stated, amount_usd, is_undisclosed) as a source might give them."""
        undisclosed, unstated, low, high = AMOUNT_PROFILES[kind]
        draw = rng.random()
        if draw < undisclosed:
            return None, "", "", "", None, True
        if draw < undisclosed + unstated:
            return None, "", "", "", None, False
        cny_tenths = _round_significant(math.exp(rng.uniform(math.log(low * 10), math.log(high * 10))))
        rate = CNY_PER_USD.get(year, 7.0)
        qualifier = (UP_TO_QUALIFIER if kind == DealKind.LICENSING else AMOUNT_QUALIFIER).pick(rng)
        words = QUALIFIER_WORDS[qualifier]
        prefix = words[rng.randrange(len(words))]
        currency = (LICENSING_CURRENCY if kind == DealKind.LICENSING else CURRENCY).pick(rng)
        usd_tenths = None
        if currency == "CNY":
            tenths = cny_tenths
            text = _millions_text(tenths)
            stated = f"{prefix}{text} yuan" if rng.random() < 0.6 else f"{prefix}RMB {text}"
            if rng.random() < 0.15:
                usd_tenths = _round_significant(tenths / rate)
                stated += f" (${_millions_text(usd_tenths)})"
        elif currency == "USD":
            tenths = usd_tenths = _round_significant(cny_tenths / rate)
            text = _millions_text(tenths)
            stated = f"{prefix}US${text}" if rng.random() < 0.6 else f"{prefix}{text} US dollars"
        elif currency == "EUR":
            tenths = _round_significant(cny_tenths / rate / USD_PER_EUR)
            text = _millions_text(tenths)
            stated = f"{prefix}€{text}" if rng.random() < 0.5 else f"{prefix}{text} euros"
        else:
            _, per_usd, symbol = OTHER_CURRENCIES[[code for code, _, _ in OTHER_CURRENCIES].index(currency)]
            tenths = _round_significant(cny_tenths / rate * per_usd)
            stated = f"{prefix}{symbol}{_millions_text(tenths)}"
        usd = None if usd_tenths is None else Decimal(usd_tenths * 100_000)
        return Decimal(tenths * 100_000), currency, qualifier, stated, usd, False

    def deal_party_rows(self):
        base, deals, companies, orgs = (self.bases[m] for m in (DealParty, Deal, Company, Organizer))
        roles = DEAL_ROLES
        for k, (deal, ref, role) in enumerate(zip(self.party_deal, self.party_ref, self.party_role, strict=True)):
            if ref >= 0:
                yield (base + k, deals + deal, companies + ref, None, roles[role])
            else:
                yield (base + k, deals + deal, None, orgs - 1 - ref, roles[role])

    ALIAS_TARGETS = (Organizer, Company, Person, Park)

    def alias_rows(self):
        base = self.bases[Alias]
        targets = [self.bases[model] for model in self.ALIAS_TARGETS]
        for k, (target, index, name, kind) in enumerate(self.aliases):
            refs = [None, None, None, None]
            refs[target] = targets[target] + index
            yield (base + k, name, kind, *refs)

    CITED = (
        ("event", Event),
        ("organizer", Organizer),
        ("company", Company),
        ("person", Person),
        ("park", Park),
        ("deal", Deal),
        ("report", Report),
        ("ranking", RankingList),
        ("park_ranking", ParkRanking),
    )

    def citation_count(self):
        return sum(self.written[model] for _, model in self.CITED)

    def citation_rows(self):
        rng = self._rng("citations")
        k, source = self.bases[Citation], self.bases[SourceDocument]
        for position, (name, model) in enumerate(self.CITED):
            quotes = CITATION_QUOTES[name]
            before, after = (None,) * position, (None,) * (len(self.CITED) - 1 - position)
            first = self.bases[model]
            for index in range(self.written[model]):
                yield (k, source, quotes[rng.randrange(len(quotes))], "", *before, first + index, *after)
                k += 1


PRECISION_NAMES = ("", DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR)
PRECISION_CODES = {name: code for code, name in enumerate(PRECISION_NAMES)}
DEAL_ROLES = tuple(DealRole.values)
DEAL_ROLE_CODES = {role: code for code, role in enumerate(DEAL_ROLES)}
ORGANIZER_KINDS_EMPLOYING = (
    OrganizerKind.UNIVERSITY,
    OrganizerKind.HOSPITAL,
    OrganizerKind.RESEARCH_INSTITUTE,
    OrganizerKind.ACADEMY,
    OrganizerKind.ASSOCIATION,
    OrganizerKind.GOVERNMENT,
)
HOST_KINDS = (
    OrganizerKind.GOVERNMENT,
    OrganizerKind.ASSOCIATION,
    OrganizerKind.PARK_ADMINISTRATION,
    OrganizerKind.UNIVERSITY,
    OrganizerKind.ACADEMY,
)
ORGANISER_KINDS = (OrganizerKind.ASSOCIATION, OrganizerKind.CENTRE, OrganizerKind.ALLIANCE, OrganizerKind.UNIVERSITY)
SUPPORTING_KINDS = (OrganizerKind.ASSOCIATION, OrganizerKind.MEDIA, OrganizerKind.CENTRE, OrganizerKind.OTHER)
ZONE_KINDS = (OrganizerKind.PARK_ADMINISTRATION, OrganizerKind.PARK_ADMINISTRATION, OrganizerKind.GOVERNMENT)
LAB_KINDS = (OrganizerKind.UNIVERSITY, OrganizerKind.HOSPITAL, OrganizerKind.RESEARCH_INSTITUTE, OrganizerKind.ACADEMY)
PROJECT_OWNER_KINDS = (
    CompanyKind.BIOTECH,
    CompanyKind.PHARMA,
    CompanyKind.MEDICAL_DEVICES,
    CompanyKind.CRO_CDMO,
    CompanyKind.DIAGNOSTICS,
    CompanyKind.DIGITAL_HEALTH,
)
CHILD_DEAL_KIND = _Weighted(
    [
        (DealKind.INDUSTRIAL_PROJECT, 5),
        (DealKind.INVESTMENT, 2),
        (DealKind.COOPERATION, 2),
        (DealKind.JOINT_LABORATORY, 1),
    ]
)
ATTENDANCE_QUALIFIER = _Weighted(
    [
        (AmountQualifier.OVER, 50),
        (AmountQualifier.EXACT, 30),
        (AmountQualifier.NEARLY, 15),
        (AmountQualifier.APPROXIMATELY, 5),
    ]
)
AMOUNT_QUALIFIER = _Weighted(
    [
        (AmountQualifier.EXACT, 45),
        (AmountQualifier.OVER, 20),
        (AmountQualifier.NEARLY, 12),
        (AmountQualifier.APPROXIMATELY, 10),
        (AmountQualifier.IN_TOTAL, 13),
    ]
)
UP_TO_QUALIFIER = _Weighted([(AmountQualifier.UP_TO, 50), (AmountQualifier.EXACT, 30), (AmountQualifier.IN_TOTAL, 20)])
CURRENCY = _Weighted([("CNY", 82), ("USD", 10), ("EUR", 4), *((code, 0.8) for code, _, _ in OTHER_CURRENCIES)])
LICENSING_CURRENCY = _Weighted([("USD", 70), ("CNY", 20), ("EUR", 7), ("CHF", 1.5), ("JPY", 1.5)])
# kind: (share undisclosed, share with no amount stated, low, high in millions of yuan)
AMOUNT_PROFILES = {
    DealKind.LICENSING: (0.25, 0.10, 30, 20_000),
    DealKind.INVESTMENT: (0.05, 0.15, 10, 20_000),
    DealKind.INDUSTRIAL_PROJECT: (0.03, 0.20, 20, 10_000),
    DealKind.COOPERATION: (0.10, 0.55, 1, 1_000),
    DealKind.JOINT_LABORATORY: (0.10, 0.60, 1, 200),
    DealKind.BUNDLE: (0.0, 0.20, 500, 50_000),
}


# --- writing -------------------------------------------------------------------------------------------------

CHUNK_ROWS = 10_000  # rows between progress reports
COPY_ROWS = 100_000  # rows per COPY statement, whose end checks their foreign keys


def _columns(model, attnames):
    """The table's column names for these field attnames; a column left out must be nullable or have a
    database default (the `version` of every record starts at 1)."""
    fields = [model._meta.get_field(name) for name in attnames]
    missing = [
        f.attname
        for f in model._meta.concrete_fields
        if f not in fields and not f.null and f.db_default is NOT_PROVIDED
    ]
    if missing:
        raise DemoDataError(f"{model._meta.label}: the generator leaves out required columns {missing}")
    return [f.column for f in fields]


class _Writer:
    """Writes rows through the ORM's bulk_create; ids are the generator's, after the highest one ever taken."""

    def __init__(self, connection):
        self.connection = connection
        self.alias = connection.alias

    def reserve(self, model):
        top = model._base_manager.using(self.alias).aggregate(top=models.Max("pk"))["top"] or 0
        if self.connection.vendor == "sqlite":
            # AUTOINCREMENT remembers ids of deleted rows too: a merged-away or deleted record's id must not
            # come back as another record (its history and its redirect still name it).
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [model._meta.db_table])
                row = cursor.fetchone()
            top = max(top, row[0] if row else 0)
        return top + 1

    def write(self, model, attnames, rows, progress):
        _columns(model, attnames)
        written = 0
        for chunk in batched(rows, CHUNK_ROWS):
            objects = [model(**dict(zip(attnames, row, strict=True))) for row in chunk]
            model._base_manager.using(self.alias).bulk_create(objects, batch_size=500)
            written += len(chunk)
            progress.advance(len(chunk))
        return written

    def finish(self, model, base, count):
        pass


class _PostgresWriter(_Writer):
    """Streams rows with COPY into id ranges reserved from the sequences, the tables locked meanwhile."""

    def _quote(self, name):
        return self.connection.ops.quote_name(name)

    def _sequence(self, cursor, model):
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
        return cursor.fetchone()[0]

    def reserve(self, model):
        with self.connection.cursor() as cursor:
            sequence = self._sequence(cursor, model)
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
            last, called = cursor.fetchone()
            cursor.execute(f"SELECT MAX({self._quote(model._meta.pk.column)}) FROM {self._quote(model._meta.db_table)}")
            top = cursor.fetchone()[0] or 0
        return max(top + 1, last + 1 if called else last)

    def write(self, model, attnames, rows, progress):
        columns = ", ".join(self._quote(column) for column in _columns(model, attnames))
        statement = f"COPY {self._quote(model._meta.db_table)} ({columns}) FROM STDIN"
        written = 0
        rows = iter(rows)
        with self.connection.cursor() as cursor:
            # One COPY per COPY_ROWS rows: each statement's foreign keys are checked as it ends, so the
            # checks keep pace with the progress shown instead of all coming after the last row.
            while chunks := list(islice(batched(rows, CHUNK_ROWS), COPY_ROWS // CHUNK_ROWS)):
                with cursor.copy(statement) as copy:
                    write_row = copy.write_row
                    for chunk in chunks:
                        for row in chunk:
                            write_row(row)
                        written += len(chunk)
                        progress.advance(len(chunk))
        return written

    def finish(self, model, base, count):
        if count:
            with self.connection.cursor() as cursor:
                sequence = self._sequence(cursor, model)
                cursor.execute("SELECT setval(%s, %s)", [sequence, base + count - 1])


def _writer(connection):
    return _PostgresWriter(connection) if connection.vendor == "postgresql" else _Writer(connection)


def _begin(connection):
    """On PostgreSQL: settings for a bulk write in this transaction, and a lock on every generated table.

    The lock lets others read but makes other writers wait until the commit, so that nobody takes an
    id inside a reserved range or points at a row being deleted.
    """
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        # Also what GIN (trigram) indexes merge their pending inserts with: more is faster (13% on deals).
        cursor.execute("SET LOCAL work_mem = '256MB'")
        # Check each statement's foreign keys as it runs rather than millions at once at the commit.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        tables = ", ".join(quote(model._meta.db_table) for model in GENERATED_MODELS)
        cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


def _end(connection):
    """On PostgreSQL: deferred foreign keys again (Django declares its foreign keys INITIALLY DEFERRED)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _vacuum(connection, progress):
    """On PostgreSQL, after the commit: VACUUM (ANALYZE) every table written.

    Fresh statistics for the planner, and a visibility map, without which an index-only scan (a capped
    count, a deep page) visits the heap for every row. Without it the first readers of a bulk-loaded
    table pay for setting its hint bits. VACUUM cannot run inside a transaction, hence after it.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    progress.message("vacuuming and analysing the tables written")
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in GENERATED_MODELS)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")


def generate_demo_data(*, scale, seed=0, replace=False, using=DEFAULT_DB_ALIAS, progress=None):
    """Write the demo records for `scale` and `seed` in one transaction and check them; return a report.

    Refuses (DemoDataError) while generated records exist, unless `replace` is set: then they are
    cleared first, in the same transaction. Any failure leaves the database as it was. The rows bypass
    django-simple-history (no historical rows): they are synthetic and removed by `clear_demo_data`, and
    writing millions of history rows would double the time.
    """
    progress = progress or Progress()
    counts = plan_counts(scale=scale)
    connection = connections[using]
    report = DemoDataReport(scale=scale, seed=seed)
    started = time.perf_counter()
    with transaction.atomic(using=using):
        _begin(connection)
        if demo_data_present(using=using):
            if not replace:
                raise DemoDataError(
                    "Demo data is already present. Remove it first with --clear (or add --clear to replace it)."
                )
            report.cleared = _clear(connection, progress)
        writer = _writer(connection)
        bases = {model: writer.reserve(model) for model in GENERATED_MODELS}
        builder = _Builder(counts=counts, seed=seed, bases=bases)
        for table in builder.tables():
            total = table.total()
            progress.start(table.label, total)
            written = writer.write(table.model, COLUMNS[table.model], table.rows(), progress)
            progress.finish()
            if written != total:
                raise DemoDataError(f"{table.label}: wrote {written} rows, expected {total}")
            writer.finish(table.model, bases[table.model], written)
            builder.written[table.model] = written
            report.rows[table.label] = written
        _end(connection)
        progress.message("checking the generated records")
        problems = check_demo_data(using=using)
        if problems:
            raise DemoDataError("The generated records fail their checks: " + "; ".join(problems))
    _vacuum(connection, progress)
    report.seconds = time.perf_counter() - started
    return report


# --- finding, checking and clearing generated records --------------------------------------------------------


def _marker(model):
    """SQL condition (and params) marking a generated record of `model` by itself, or None for link rows."""
    if model in SLUGGED_MODELS:
        return '"slug" LIKE %s', [DEMO_PREFIX + "%"]
    if model is SourceDocument:
        return '"key" = %s', [DEMO_SOURCE_KEY]
    if model is Citation:
        return (
            f'"source_id" IN (SELECT "id" FROM "{SourceDocument._meta.db_table}" WHERE "key" = %s)',
            [DEMO_SOURCE_KEY],
        )
    return None


def _cascades(model):
    """The foreign keys through which deleting a generated record deletes rows of `model`."""
    return [
        f
        for f in model._meta.concrete_fields
        if f.is_relation
        and f.related_model in GENERATED_MODELS
        and f.related_model is not model
        and f.remote_field.on_delete is models.CASCADE
    ]


def _criteria(model):
    """SQL conditions, each selecting part of the rows of `model` to remove; together all of them.

    A row goes when it is marked as generated, or when it hangs (on_delete=CASCADE) from a row that
    goes: the role links of generated events, the aliases and citations of generated records.
    """
    criteria = [_marker(model)] if _marker(model) else []
    for fk in _cascades(model):
        target = fk.related_model
        for condition, params in _criteria(target):
            criteria.append(
                (f'"{fk.column}" IN (SELECT "id" FROM "{target._meta.db_table}" WHERE {condition})', params)
            )
    return criteria


def demo_records(*, model, using=DEFAULT_DB_ALIAS):
    """The generated records of `model` (one of GENERATED_MODELS) as a queryset, for inspection and tests."""
    table = connections[using].ops.quote_name(model._meta.db_table)
    selected = models.Q()
    for condition, params in _criteria(model):
        selected |= models.Q(pk__in=RawSQL(f'SELECT "id" FROM {table} WHERE {condition}', params))
    return model._base_manager.using(using).filter(selected)


def demo_data_present(*, using=DEFAULT_DB_ALIAS):
    if SourceDocument._base_manager.using(using).filter(key=DEMO_SOURCE_KEY).exists():
        return True
    return any(m._base_manager.using(using).filter(slug__startswith=DEMO_PREFIX).exists() for m in SLUGGED_MODELS)


def check_demo_data(*, using=DEFAULT_DB_ALIAS):
    """Run a few SQL checks on the generated records; return the problems found (none: an empty list)."""
    problems = []
    with connections[using].cursor() as cursor:

        def count(sql, params=()):
            cursor.execute(sql, list(params))
            return cursor.fetchone()[0]

        for model, targets in (
            (DealParty, ("company_id", "organizer_id")),
            (EventOrganizer, ("organizer_id", "company_id")),
            (Affiliation, ("organizer_id", "company_id")),
            (Alias, ("organizer_id", "company_id", "person_id", "park_id")),
            (Citation, tuple(f"{name}_id" for name in _citation_targets())),
        ):
            set_count = " + ".join(f'(CASE WHEN "{column}" IS NULL THEN 0 ELSE 1 END)' for column in targets)
            bad = count(f'SELECT COUNT(*) FROM "{model._meta.db_table}" WHERE {set_count} <> 1')
            if bad:
                problems.append(f"{bad} {model._meta.verbose_name_plural} do not point at exactly one record")
        citations = Citation._meta.db_table
        for name, model in _Builder.CITED:
            table = model._meta.db_table
            condition, params = _criteria(model)[0]
            bad = count(
                f'SELECT COUNT(*) FROM "{table}" AS t WHERE t."id" IN (SELECT "id" FROM "{table}" WHERE {condition}) '
                f'AND NOT EXISTS (SELECT 1 FROM "{citations}" AS c WHERE c."{name}_id" = t."id")',
                params,
            )
            if bad:
                problems.append(f"{bad} generated {model._meta.verbose_name_plural} have no citation")
        source = SourceDocument._base_manager.using(using).filter(key=DEMO_SOURCE_KEY).first()
        if source is not None:
            cursor.execute(f'SELECT DISTINCT "quote" FROM "{citations}" WHERE "source_id" = %s', [source.pk])
            missing = [quote for (quote,) in cursor.fetchall() if quote not in source.text]
            if missing:
                problems.append(f"{len(missing)} quotes are not in {DEMO_SOURCE_KEY}, e.g. {missing[0]!r}")
        deals, events = Deal._meta.db_table, Event._meta.db_table
        bad = count(
            f'SELECT COUNT(*) FROM "{deals}" AS c JOIN "{deals}" AS p ON c."parent_id" = p."id" '
            f'WHERE p."slug" LIKE %s AND (c."amount" IS NOT NULL OR p."kind" <> %s)',
            [DEMO_PREFIX + "%", DealKind.BUNDLE],
        )
        if bad:
            problems.append(f"{bad} generated projects of bundles carry an amount or hang from a non-bundle")
        bad = count(
            f'SELECT COUNT(*) FROM "{events}" AS c JOIN "{events}" AS p ON c."parent_id" = p."id" '
            f'WHERE c."slug" LIKE %s AND (c."start_date" < p."start_date" OR p."parent_id" IS NOT NULL)',
            [DEMO_PREFIX + "%"],
        )
        if bad:
            problems.append(f"{bad} generated sub-events start before their event or hang from a sub-event")
        for model, date_field in ((Event, "start_date"), (Event, "end_date"), (Deal, "date")):
            bad = count(
                f'SELECT COUNT(*) FROM "{model._meta.db_table}" WHERE "slug" LIKE %s '
                f'AND (("{date_field}" IS NULL) <> ("{date_field}_precision" = %s) '
                f'OR "{date_field}" < %s OR "{date_field}" > %s)',
                [DEMO_PREFIX + "%", "", FIRST_DAY, LAST_DAY],
            )
            if bad:
                problems.append(f"{bad} generated {model._meta.verbose_name_plural} have an inconsistent {date_field}")
    return problems


def _citation_targets():
    return [f.name for f in Citation._meta.concrete_fields if f.is_relation and f.name != "source"]


def clear_demo_data(*, using=DEFAULT_DB_ALIAS, progress=None):
    """Delete every generated record in one transaction; return the rows deleted per table.

    Bulk SQL deletes, referencing tables first; generated rows hanging from a generated record
    (CASCADE) go with it, and so does the history of generated records. A curated record that
    still refers to a generated one, by any kind of foreign key, stops the whole clear with
    DemoDataError naming the field: curated records stay exactly as they are.
    """
    connection = connections[using]
    with transaction.atomic(using=using):
        _begin(connection)
        progress = progress or Progress()
        deleted = _clear(connection, progress)
        _end(connection)
    _vacuum(connection, progress)
    return deleted


def _clear(connection, progress):
    quote = connection.ops.quote_name
    deleted = {}
    with connection.cursor() as cursor:
        for model in reversed(GENERATED_MODELS):
            started = time.perf_counter()
            table = quote(model._meta.db_table)
            criteria = _criteria(model)
            _refuse_curated_references(cursor, model, criteria, quote)
            history = getattr(model, "history", None)
            if history is not None:
                history_table = quote(history.model._meta.db_table)
                for condition, params in criteria:
                    cursor.execute(
                        f"DELETE FROM {history_table} WHERE id IN (SELECT id FROM {table} WHERE {condition})", params
                    )
                if model in SLUGGED_MODELS:  # also the history of generated records deleted since
                    cursor.execute(f"DELETE FROM {history_table} WHERE slug LIKE %s", [DEMO_PREFIX + "%"])
            rows = 0
            for condition, params in criteria:
                cursor.execute(f"DELETE FROM {table} WHERE {condition}", params)
                rows += cursor.rowcount
            deleted[LABELS[model]] = rows
            progress.message(f"deleted {rows} {LABELS[model]} in {time.perf_counter() - started:.1f}s")
    return deleted


def _refuse_curated_references(cursor, model, criteria, quote):
    """Before the generated rows of `model` go, refuse if a curated record still refers to one.

    The generated tables that refer to `model` have been cleared already (they come later in
    GENERATED_MODELS), so what still refers to a generated row here belongs to the curated data.
    Even a SET_NULL reference is refused rather than emptied: clearing must not change a curated
    record behind its editors' back (no new version, no history entry).
    """
    marker = _marker(model)
    for other in apps.get_models():
        for fk in other._meta.concrete_fields:
            if not (fk.is_relation and fk.related_model is model and fk.db_constraint):
                continue
            if other in GENERATED_MODELS and other is not model and fk.remote_field.on_delete is models.CASCADE:
                continue  # its rows hanging from generated ones are gone already
            table = quote(other._meta.db_table)
            own = f" AND NOT ({marker[0]})" if other is model else ""
            own_params = marker[1] if other is model else []
            for condition, params in criteria:
                where = f'{quote(fk.column)} IN (SELECT "id" FROM {quote(model._meta.db_table)} WHERE {condition}){own}'
                cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}", params + own_params)
                blocking = cursor.fetchone()[0]
                if blocking:
                    raise DemoDataError(
                        f"Cannot clear the demo data: {blocking} {other._meta.verbose_name_plural} outside it refer "
                        f"to generated {model._meta.verbose_name_plural} ({other._meta.label}.{fk.name}). "
                        "Remove those references first; nothing was deleted."
                    )
