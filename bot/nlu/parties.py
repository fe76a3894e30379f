"""Who a citizen's message names: government bodies, police, courts and private parties."""

from __future__ import annotations

import re
from dataclasses import dataclass

PUBLIC_KINDS = frozenset({"government", "police"})


@dataclass(frozen=True, slots=True)
class Party:
    """Someone the message names: what kind of party, which public body, the words used."""

    kind: str  # government, police, court, employer, contractor, neighbour, relative, spouse, …
    body: str | None  # a public body's normalised name ("城管", "交警"); None for the rest
    phrase: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A party named in a text, with where its words stand."""

    party: Party
    start: int
    end: int


# Office words citizens put after a body's name: "城管局", "交警大队", "人社部门".
_S = r"(?:分局|局|所|大队|中队|支队|部门|中心|办公室|委员会|委|厅|站)?"

# Words that only name the township when someone from it acts: "镇上来人", not "在镇上开店".
_ACTING = r"(?=来人|来了人|派|的人|的干部|干部|领导|通知|说|把|要|不让|让我|罚|拆|收|组织)"

# (kind, body, pattern). Overlaps are settled by position and length, not by this order.
_RULES: tuple[tuple[str, str | None, str], ...] = (
    ("police", "交警", rf"交警{_S}|交通警察|交巡警{_S}|交管{_S}|车管所|交通管理{_S}"),
    # Criminal detention names the police even though it is no administrative act.
    (
        "police",
        "公安",
        rf"公安{_S}|派出所|民警|警察|片警|辅警|巡警|特警|刑警{_S}|警官|刑事拘留|刑拘",
    ),
    ("government", "城管", rf"城管{_S}|城市管理{_S}|综合行政执法{_S}|综合执法{_S}|执法局"),
    (
        "government",
        "市场监管",
        rf"市场监[管督](?:管理)?{_S}|市监{_S}|工商(?:局|分局|所|部门)|食药监{_S}"
        rf"|食品药品监督(?:管理)?{_S}|质监{_S}|质量技术监督{_S}|物价局",
    ),
    (
        "government",
        "人社",
        rf"人社{_S}|人力资源和?社会保障{_S}|劳动局|劳动监察{_S}|劳动保障{_S}|社保局|社保中心",
    ),
    ("government", "自然资源", rf"自然资源(?:和规划)?{_S}|国土{_S}|规划局|不动产登记{_S}|土地局"),
    (
        "government",
        "乡镇/街道",
        rf"(?:乡镇|乡|镇)(?:人民)?政府|街道办事处|街道办|镇长|乡长|镇干部|乡干部"
        rf"|(?:镇|乡)[上里]{_ACTING}|街道{_ACTING}",
    ),
    (
        "government",
        "区县政府",
        rf"(?:区|县|市)?(?:人民)?政府|拆迁办|征收办|征迁办|(?:拆迁|征收)指挥部|房屋征收{_S}",
    ),
    ("government", "税务", rf"税务{_S}|国税{_S}|地税{_S}"),
    ("government", "生态环境", rf"生态环境{_S}|环保{_S}|环境保护{_S}|环境监察{_S}|环境执法{_S}"),
    (
        "government",
        "住建",
        rf"住建{_S}|住房和?城乡建设{_S}|建设局|房管{_S}|房产局|住房保障{_S}|建委",
    ),
    ("government", "卫健", rf"卫健{_S}|卫生健康{_S}|卫生局|卫计委|卫生监督{_S}"),
    ("government", "教育", r"教育局|教体局|教育部门|教育厅|教委"),
    (
        "government",
        "应急管理",
        rf"应急管理{_S}|应急局|安监{_S}|安全生产监督管理{_S}"
        r"|消防(?:救援)?(?:局|大队|支队|中队|队|部门|站|人员)",
    ),
    (
        "government",
        "农业农村",
        rf"农业农村{_S}|农业局|农委|农业(?:综合)?执法{_S}|畜牧{_S}|渔政{_S}|农经站",
    ),
    ("government", "医保", rf"医保局|医保中心|医保部门|医疗保障{_S}"),
    ("government", "民政", rf"民政{_S}"),
    ("court", None, r"(?:人民)?法院|法官|法庭|执行局|执行庭|审判员"),
    (
        "contractor",
        None,
        r"小?包工头|包工老板|工头|承包商|承包方|项目部|项目经理|施工队|施工方|施工单位"
        r"|劳务(?:派遣)?公司|分包商?|班组长|总包",
    ),
    ("property_company", None, r"物业(?:公司|管理公司|管理处|经理|人员)?|物管"),
    ("insurer", None, r"保险公司|保司|理赔员"),
    (
        "lender",
        None,
        r"债主|放(?:高利)?贷的|高利贷|网贷(?:平台|公司)?|(?:小额)?贷款公司|小贷公司|借贷平台"
        r"|催收|银行(?!卡)",
    ),
    (
        "business",
        None,
        r"商家|店家|卖家|商场|超市|网店|淘宝店|4S店|中介(?:公司)?|培训机构|培训班|健身房|开发商"
        r"|房地产公司|房产公司|餐馆|饭馆|驾校|快递公司|快递员|美容院|装修公司|厂家|售楼处"
        r"|(?:饭店|店|超市|商店)老板|饭店",
    ),
    (
        "employer",
        None,
        r"用人单位|公司|老板娘|老板|单位|厂里|厂子|工厂|厂长|雇主|东家|经理|主管|车间主任",
    ),
    ("neighbour", None, r"邻居|隔壁|楼上|楼下|对门|邻里|街坊"),
    ("landlord", None, r"二房东|房东|出租方|出租人"),
    ("spouse", None, r"老公|丈夫|老婆|妻子|媳妇|爱人|前夫|前妻|配偶"),
    (
        "relative",
        None,
        r"儿媳妇?|女婿|公公|婆婆|岳父|岳母|丈母娘|老丈人|老母亲|老父亲|父母|父亲|母亲|爸爸|妈妈"
        r"|我爸|我妈|老爸|老妈|继父|继母|儿子|女儿|闺女|哥哥|弟弟|姐姐|妹妹|大哥|二哥|大姐|二姐"
        r"|兄弟|姐妹|兄妹|姐弟|叔叔|伯伯|伯父|姑姑|舅舅|姨妈|侄子|侄女|外甥|孙子|孙女|外孙"
        r"|亲戚|嫂子|弟媳|小姑子|小叔子|妯娌|奶奶|爷爷|外婆|外公|姥姥|姥爷",
    ),
)
_COMPILED = tuple((kind, body, re.compile(pattern)) for kind, body, pattern in _RULES)


def mentions(text: str) -> tuple[Mention, ...]:
    """Every party named in the text, in reading order, overlapping words read once."""
    found = [
        (match.start(), -(match.end() - match.start()), rank, kind, body, match.group(0))
        for rank, (kind, body, pattern) in enumerate(_COMPILED)
        for match in pattern.finditer(text)
    ]
    # The earliest and then longest words win: "物业公司" is not also a "公司", "交通警察"
    # not also a "警察", "镇政府" not also a "政府".
    found.sort()
    kept: list[Mention] = []
    reached = 0
    for start, negative_length, _rank, kind, body, phrase in found:
        if start < reached:
            continue
        kept.append(Mention(Party(kind, body, phrase), start, start - negative_length))
        reached = start - negative_length
    return tuple(kept)


def distinct(named: tuple[Mention, ...]) -> tuple[Party, ...]:
    """The distinct parties among mentions, each with the first words that named it."""
    seen: set[tuple[str, str | None]] = set()
    parties: list[Party] = []
    for mention in named:
        key = (mention.party.kind, mention.party.body)
        if key not in seen:
            seen.add(key)
            parties.append(mention.party)
    return tuple(parties)


def find_parties(text: str) -> tuple[Party, ...]:
    """The distinct parties a text names, each with the first words that named it."""
    return distinct(mentions(text))
