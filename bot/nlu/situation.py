"""The citizen's situation read from one message by rules: who, which act, when, how much."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.nlu.normalize import for_model
from bot.nlu.parties import PUBLIC_KINDS, Mention, Party, distinct, mentions
from bot.timeparse import NUM, Moment, parse_moment, to_int

__all__ = ["Amount", "DatedEvent", "Party", "Situation", "extract"]


@dataclass(frozen=True, slots=True)
class DatedEvent:
    """A date in the message and what the words around it say happened then."""

    # decision_received, act_done, job_started, wages_due, loan, accident, injury or other
    meaning: str
    moment: Moment


@dataclass(frozen=True, slots=True)
class Amount:
    """A sum of money; for "五千多" or "十几万" the least it can mean."""

    yuan: float
    phrase: str


@dataclass(frozen=True, slots=True)
class Situation:
    """What one message says about the citizen's situation."""

    parties: tuple[Party, ...] = ()
    act: str | None = None  # normalised ("罚款", "强制拆除"); only one done by a public body
    dates: tuple[DatedEvent, ...] = ()
    amounts: tuple[Amount, ...] = ()
    district: str | None = None  # the short form: "吴江", "惠山", "医药高新区"
    groups: tuple[str, ...] = ()  # statutory groups of legal aid: "农民工", "老年人" …
    age: int | None = None

    def learnt_of_act(self) -> DatedEvent | None:
        """The date the citizen learnt of the administrative act, if an act and such a date."""
        if self.act is None:
            return None
        # A decision received is when the citizen formally learnt of it; the act's own date
        # stands in when no decision was mentioned.
        for meaning in ("decision_received", "act_done"):
            for event in self.dates:
                if event.meaning == meaning:
                    return event
        # "城管把车拉走了，上个月20号的事": the one date told, with nothing else it could
        # belong to, is the act's. Two dates, or a wage, loan or job date, are not guessed at.
        if len(self.dates) == 1 and self.dates[0].meaning == "other":
            return self.dates[0]
        return None


# Clauses: dates and actors are read within them. ASCII "." and ":" are kept because they
# sit inside "2026.3.5" and "2.5万".
_CLAUSE = re.compile(r"[^，。！？；、,!?;\s…~～]+")

# ---------------------------------------------------------------- administrative acts


@dataclass(frozen=True, slots=True)
class _ActRule:
    """Words naming one administrative act; `by_public` when they need a public actor."""

    act: str
    pattern: re.Pattern[str]
    by_public: bool


_MY = r"(?:我|我家|我们|我们家|俺|俺家)?的?"
_GOODS = r"(?:车|三轮车?|电动车|摩托车?|货|货物|工具|手机|驾照|驾驶证|行驶证|东西|秤|摊子?)"
_WORD = r"[^，。！？；,!?;\s]"  # a verb's object may not run past its clause
_GENERIC_ACT = "行政处罚"  # used only when no more specific act is named

# Words that name an act of a public body by themselves ("罚单", "强拆", "吊销") need no
# actor; plain verbs ("罚了", "拆了", "扣了") are acts only when the nearest party doing them
# is a government body or the police, since employers fine and courts detain too.
_ACT_RULES: tuple[_ActRule, ...] = tuple(
    _ActRule(act, re.compile(pattern), by_public)
    for act, pattern, by_public in (
        ("罚款", r"罚单|罚款(?:决定|通知)", False),
        ("罚款", r"罚款|罚[了我的]|被罚|罚钱|罚(?=\d|[一二两三四五六七八九十几])", True),
        (_GENERIC_ACT, r"行政处罚|处罚(?:决定|告知)书?", False),
        (_GENERIC_ACT, r"处罚", True),
        ("行政拘留", r"行政拘留|行拘|拘留所", False),
        (
            "行政拘留",
            rf"(?<!刑事)(?<!司法)拘留|关了?我?(?:{NUM})多?[天日]|被关(?:了|起来|进去|押)?",
            True,
        ),
        (
            "扣押",
            rf"扣押|暂扣|扣留|扣车|扣了?{_MY}{_GOODS}"
            rf"|把{_WORD}{{1,12}}?(?:扣了|扣下|扣走|拉走|拖走|收走|搬走)|拉走|拖走|收走",
            True,
        ),
        ("没收", r"没收|收缴", True),
        (
            "查封",
            rf"查封|贴了?封条|封了?{_MY}(?:店|厂|门面|门店|仓库|车间|场地|铺子|饭店)|被封",
            True,
        ),
        ("强制拆除", r"强拆|强制拆除|强行拆除", False),
        (
            "强制拆除",
            r"拆除|拆掉|拆了(?![我他她])|被拆|推倒|推平|铲平|铲掉|铲了|挖掉|(?<!推)推了(?![我他她人一])",
            True,
        ),
        ("责令拆除", r"责令(?:限期)?(?:自行)?拆除|限期(?:自行)?拆除|拆除通知书?|限拆通知", False),
        ("责令拆除", r"(?:让|叫|要求|要)我们?(?:自己|自行)?拆(?:除|掉)?", True),
        ("征收", r"征收|征地|征用|拆迁|被征", False),
        (
            "吊销许可",
            rf"吊销|撤销了?{_MY}(?:许可证?|营业执照|执照|资格证?|资质|证)"
            rf"|注销了?{_MY}(?:许可证?|营业执照|执照)",
            False,
        ),
        (
            "不予许可",
            r"不予(?:行政)?许可|不予批准|许可(?:申请)?(?:被拒|被驳回|没批|不批|没通过)"
            r"|(?:执照|许可证|审批|建房手续|准建证|办证)(?:申请)?(?:被拒|被驳回|不批|没批|不给批|没通过)"
            r"|不给我?(?:办|发|批)(?:营业执照|执照|许可证|准建证|建房手续|证(?!明))",
            False,
        ),
        (
            "不予低保",
            r"低保(?:申请)?(?:被拒|被驳回|没批|不批|没通过|不给批|批不下来)|不给(?:我|我家)?(?:办|批|评)低保",
            False,
        ),
        (
            "取消低保",
            rf"(?:取消|停发|停掉|停|断|撤)了?{_MY}低保|低保(?:被|给)?(?:取消|停发|停|断|撤|没)了?",
            False,
        ),
        (
            "不予登记",
            r"不予登记|拒绝登记|不给(?:我们?)?(?:办理?|做)?登记|登记(?:申请)?(?:被拒|被驳回)"
            r"|不给(?:我们?)?(?:办|上|落)(?:房产证|不动产证|产权证|户口|户)",
            False,
        ),
        ("责令停业", r"责令停[业产]|停[业产]整顿|勒令(?:停业|关门|关闭|停产)|责令关闭", False),
        ("责令停业", r"关停|不让(?:我们?)?(?:营业|开店|开门|经营|开业)|(?:让|叫)我们?关门", True),
        ("不作为", r"行政不作为|不作为", False),
        (
            "不作为",
            r"没人管|没有人管|不管不问|不闻不问|不管(?=了|我|这|$|[，。！？；,!?;\s])|不处理"
            r"|不予?受理|不回复|不答复|没有?人?(?:答复|回复|回音|处理|下文|动静)|推诿|踢皮球"
            r"|不出警|拖着不办|一直不办",
            True,
        ),
        (
            "不予公开信息",
            rf"不予公开|拒绝公开|不给我?公开|不肯公开|不愿公开"
            rf"|(?:申请|要求)(?:政府)?(?:信息)?公开{_WORD}{{0,15}}?"
            r"(?:被拒|拒绝|不给|不予|驳回|没有?(?:答复|回复|给)|不答复|不回复)"
            rf"|信息公开{_WORD}{{0,15}}?(?:被拒|拒绝|不给|不予|驳回|没有?(?:答复|回复)|不答复|不回复)",
            False,
        ),
        (
            "工伤认定",
            r"工伤认定(?:书|决定书?|结论)|不予认定(?:为)?工伤|认定(?:为)?不(?:是|属于)工伤"
            r"|不予(?:工伤)?认定",
            False,
        ),
        (
            "工伤认定",
            r"工伤认定|认定(?:为)?工伤|不算工伤|不是工伤|不属于工伤|不认(?:定)?(?:为)?工伤"
            r"|不给我?(?:认定|算)工伤",
            True,
        ),
    )
)
# What the police do in a criminal case (detention, seizure) is no administrative act.
_CRIMINAL = re.compile(r"刑事|刑拘|看守所|逮捕|犯罪|嫌疑人|取保候审")


@dataclass(frozen=True, slots=True)
class _Found:
    """One rule's words at one place in the text."""

    rule: _ActRule
    start: int
    end: int


def _act_words(text: str, named: tuple[Mention, ...]) -> list[_Found]:
    """Every act's words in reading order, overlapping words and party names read once."""
    found = sorted(
        (
            (match.start(), -(match.end() - match.start()), rank, rule)
            for rank, rule in enumerate(_ACT_RULES)
            for match in rule.pattern.finditer(text)
        ),
        key=lambda item: item[:3],
    )
    # Words inside a party's name ("拆迁办", "刑事拘留") are the party, not its act.
    taken = [(m.start, m.end) for m in named]
    kept: list[_Found] = []
    for start, negative_length, _rank, rule in found:
        end = start - negative_length
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        kept.append(_Found(rule, start, end))
    return kept


def _actor(found: _Found, named: tuple[Mention, ...], clause: tuple[int, int]) -> Party | None:
    """Who does the act: the nearest party named before it, else the next one in its clause."""
    before = [m for m in named if m.end <= found.start]
    if before:
        return before[-1].party
    after = [m for m in named if found.end <= m.start < clause[1]]
    return after[0].party if after else None


def _clause_of(position: int, clauses: list[tuple[int, int]]) -> tuple[int, int]:
    """The clause a position falls in."""
    for start, end in clauses:
        if start <= position < end:
            return start, end
    return position, position


def _act(text: str, named: tuple[Mention, ...], clauses: list[tuple[int, int]]) -> str | None:
    """The administrative act: the first one named whose doer is a public body, if any."""
    acts: list[str] = []
    for found in _act_words(text, named):
        clause = _clause_of(found.start, clauses)
        if found.rule.by_public:
            actor = _actor(found, named, clause)
            if actor is None or actor.kind not in PUBLIC_KINDS:
                continue
            if actor.kind == "police" and _CRIMINAL.search(text, *clause):
                continue
        acts.append(found.rule.act)
    specific = [act for act in acts if act != _GENERIC_ACT]
    if specific:
        return specific[0]
    return acts[0] if acts else None


# ---------------------------------------------------------------- dates

# A relative phrase from parse_moment ("三个月", "十天") is a duration, not a date, unless
# "前" or "了" follows it: "欠了我三个月工资", "关了十天" name no day.
_DURATION = re.compile(rf"(?:{NUM}|半)个?多?(?:天|日|星期|周|礼拜|月|年)半?")
_MONTH_NAME = re.compile(rf"{NUM}月")
_SINCE = re.compile(r"(?:多|左右)?(?:以前|之前|前|了)")
_MAX_DATES_PER_CLAUSE = 4
_BLANK = "|"  # stands in for a date already read, keeping positions
_NEAR = 12  # characters between a date and the words that say what it is

# In order of precedence: what happened on the day (a decision arriving, the act, an accident,
# an injury) outranks the background around it, so "去年3月在工地干活摔伤了" dates the injury.
_MEANINGS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (meaning, re.compile(pattern))
    for meaning, pattern in (
        (
            "decision_received",
            r"(?:收到|送达|接到|拿到|领到|寄来|寄到|送来|送到|签收|给我开)"
            r".{0,10}?(?:决定|通知|罚单|告知书|认定书|答复|回复|文书|裁定|判决|传票)"
            r"|(?:决定书|通知书?|罚单|告知书|认定书|答复).{0,8}?(?:送达|寄到|送到|到手|下来)"
            r"|开了?一?张?罚单",
        ),
        ("act_done", "|".join([r"被[罚拆扣拘关封]", *(r.pattern.pattern for r in _ACT_RULES)])),
        ("accident", r"撞|车祸|事故|追尾|刮蹭|翻车"),
        (
            "injury",
            r"受.{0,2}伤|摔伤|砸伤|烫伤|轧伤|压伤|割伤|扭伤|骨折|工伤|伤了|弄伤|打伤|伤到|住院|伤残",
        ),
        (
            "job_started",
            r"入职|进了?的?(?:厂|公司|单位)|开始上班|上班|开始干活?|干活|进场|上岗"
            r"|[来去到]工地|跟着.{0,4}干|做工|打工|招进",
        ),
        ("wages_due", r"工资|工钱|薪水|薪资|血汗钱|劳务费|欠薪|讨薪"),
        ("loan", r"借|欠条|欠款|贷款|还钱|还款|网贷|高利贷"),
    )
)


def _is_duration(phrase: str, after: str) -> bool:
    """Whether a relative phrase measures how long rather than saying when."""
    return (
        _DURATION.fullmatch(phrase) is not None
        and _MONTH_NAME.fullmatch(phrase) is None
        and _SINCE.match(after) is None
    )


def _moments(clause: str, today: dt.date) -> list[tuple[int, int, Moment]]:
    """Every date in a clause with its place, read by parse_moment one at a time."""
    rest = clause
    found: list[tuple[int, int, Moment]] = []
    for _ in range(_MAX_DATES_PER_CLAUSE):
        moment = parse_moment(rest, today)
        if moment is None or not moment.phrase:
            break
        start = rest.find(moment.phrase)
        if start < 0:
            break
        end = start + len(moment.phrase)
        rest = rest[:start] + _BLANK * (end - start) + rest[end:]
        if not _is_duration(moment.phrase, clause[end:]):
            found.append((start, end, moment))
    return sorted(found, key=lambda item: item[0])


def _meaning(clause: str, span: tuple[int, int], bounds: tuple[int, int]) -> str:
    """What a date stands for, from telling words near it and short of its neighbour dates."""
    start, end = span
    low, high = bounds
    # A date comes before its verb ("2024年5月入职"), so the words after it are asked first;
    # the words before it ("工资从8月起") only when those say nothing.
    for after in (True, False):
        for meaning, pattern in _MEANINGS:
            for match in pattern.finditer(clause, low, high):
                if (match.end() > start) is not after:
                    continue
                if max(match.start() - end, start - match.end(), 0) <= _NEAR:
                    return meaning
    return "other"


def _dates(text: str, clauses: list[tuple[int, int]], today: dt.date) -> tuple[DatedEvent, ...]:
    """The dated events of a text, in reading order."""
    events: list[DatedEvent] = []
    for clause_start, clause_end in clauses:
        clause = text[clause_start:clause_end]
        found = _moments(clause, today)
        for i, (start, end, moment) in enumerate(found):
            # The words of a neighbouring date belong to it, not to this one.
            low = found[i - 1][1] if i else 0
            high = found[i + 1][0] if i + 1 < len(found) else len(clause)
            events.append(DatedEvent(_meaning(clause, (start, end), (low, high)), moment))
    return tuple(events)


# ---------------------------------------------------------------- amounts

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_NUMBER = rf"[{_CN_DIGITS}十几][{_CN_DIGITS}十百千几]*(?:多|余)?万?[{_CN_DIGITS}十百千几]*"
_AMOUNT = re.compile(
    rf"(?P<number>(?<![\d.])(?<!\d,)(?:\d{{1,3}}(?:,\d{{3}})+|\d{{1,9}})(?:\.\d{{1,2}})?(?![\d.]|,\d)"
    r"(?:多|余)?[万千百]?"
    rf"|(?<![{_CN_DIGITS}十百千万几]){_CN_NUMBER})"
    r"(?:多|余)?(?P<unit>块钱|块|元|圆)?"
)
# What follows a number that counts something other than money: "12分", "十天", "三个月".
_NOT_MONEY_AFTER = re.compile(
    r"[个岁年月号日天分次人平米亩斤里周期层楼户间套辆级度条名件台页倍遍克吨只头张份家位本节门%]"
    r"|小时|公里|公斤|平方"
)
_NOT_PIECES = re.compile(r"[地田砖石板肉布牌]")
_MAGNITUDE = re.compile(r"[十百千万]")
_MONEY_BEFORE = re.compile(
    r"罚|欠|赔|借|还|给|花|交|扣|补|要|押金|工资|工钱|薪|报销|损失|判|骗|收|共|计|贷|退|转|付"
    r"|讨|赚|挣|价|费|值|亏|租|彩礼"
)
_LOOK_BACK = 5
_SCALE = {"万": 10_000, "千": 1_000, "百": 100}
_ARABIC = re.compile(r"([\d.]+)([万千百]?)")
# "两千五" is 2500 and "三百五" 350: a digit right after 千 or 百 counts in the next unit down.
_SHORT_FORM = re.compile(rf"(.+)([千百])([{_CN_DIGITS}])")


def _below_ten_thousand(text: str, lone_unit: int) -> int | None:
    """A Chinese number under 万, where "两千五" means 2500 and a lone digit `lone_unit`s."""
    if len(text) == 1 and text in _CN_DIGITS:
        value = to_int(text)
        return None if value is None else value * lone_unit
    short = _SHORT_FORM.fullmatch(text)
    if short:
        high, digit = to_int(short.group(1) + short.group(2)), to_int(short.group(3))
        if high is None or digit is None:
            return None
        return high + digit * (100 if short.group(2) == "千" else 10)
    return to_int(text)


def _yuan(number: str) -> float | None:
    """The least value a spoken or written number can mean; None for "几千" and the like."""
    number = number.replace("多", "").replace("余", "").replace(",", "")
    arabic = _ARABIC.fullmatch(number)
    if arabic:
        return float(arabic.group(1)) * _SCALE.get(arabic.group(2), 1)
    if number.startswith("几"):
        return None
    # "十几万": the 几 adds at least nothing, like the 多 of "五千多".
    number = number.replace("几", "")
    head, wan, tail = number.partition("万")
    if not wan:
        value = _below_ten_thousand(head, 1)
        return None if value is None else float(value)
    high = to_int(head) if head else None
    low = _below_ten_thousand(tail, 1_000) if tail else 0
    if high is None or low is None:
        return None
    return float(high * 10_000 + low)


def _is_money(match: re.Match[str], text: str) -> bool:
    """Whether a number the amount pattern found is a sum of money."""
    number, unit = match.group("number"), match.group("unit")
    following = text[match.end() :]
    money_word = _MONEY_BEFORE.search(text, max(match.start() - _LOOK_BACK, 0), match.start())
    # A bare Chinese digit counts anything: "一直", "一下", "拆了一块".
    sizable = _MAGNITUDE.search(number) is not None or (number[0].isdigit() and len(number) > 1)
    if unit == "块":
        # 块 also counts pieces: "一块地", "两百块砖".
        return _NOT_PIECES.match(following) is None and (money_word is not None or sizable)
    if unit:
        return True
    if _NOT_MONEY_AFTER.match(following) or not sizable:
        return False
    return money_word is not None or "万" in number


def _amounts(text: str) -> tuple[Amount, ...]:
    """Sums of money: with 元/块, or a number after a money word such as 罚, 欠, 赔."""
    amounts: list[Amount] = []
    for match in _AMOUNT.finditer(text):
        if not _is_money(match, text):
            continue
        value = _yuan(match.group("number"))
        if value is not None and value > 0:
            amounts.append(Amount(value, match.group(0)))
    return tuple(amounts)


# ---------------------------------------------------------------- district

# Areas inside a city come first: "泰州医药高新区" is the 医药高新区, "无锡惠山" is 惠山.
_DISTRICTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("东太湖", r"东太湖"),
        ("太湖新城", r"太湖新城"),
        ("医药高新区", r"医药高新区|医药城|医药高新技术产业开发区"),
        ("吴江", r"吴江"),
        ("通州", r"(?<!北京)(?<!北京市)通州"),
        ("高港", r"高港"),
        ("惠山", r"惠山"),
        ("赣州", r"赣州"),
        ("南通", r"南通"),
        ("泰州", r"泰州"),
        ("无锡", r"无锡"),
    )
)


def district_named(text: str) -> str | None:
    """The most specific known district the text names."""
    for name, pattern in _DISTRICTS:
        if pattern.search(text):
            return name
    return None


# ---------------------------------------------------------------- groups and age

_END = r"(?=了|啦|周?岁|[，。！？；,!?;\s]|$)"
# (pattern, years per unit): "八旬" is eighty. "我" alone needs 了 or 岁 after the number,
# since "欠我八十" is money.
_AGE_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(rf"(?P<n>{NUM})多?周?岁"), 1),
    (re.compile(rf"(?P<n>{NUM})旬"), 10),
    (re.compile(rf"(?:今年|已经|都|才|快)(?P<n>{NUM})多?{_END}"), 1),
    (re.compile(rf"(?<![欠给借赔还罚])我(?P<n>{NUM})多?(?=了|啦|周?岁)"), 1),
    (
        re.compile(
            r"(?:老母亲|老父亲|母亲|父亲|老人家?|老太太|老爷子|孩子|儿子|女儿|闺女|孙子|孙女"
            rf"|我妈|我爸|奶奶|爷爷)(?P<n>{NUM})多?{_END}"
        ),
        1,
    ),
)
_OLDEST = 120
_ELDERLY, _ADULT = 60, 18

_GROUP_WORDS: dict[str, re.Pattern[str]] = {
    "老年人": re.compile(r"老年人"),
    "未成年人": re.compile(r"未成年|初中生|小学生|幼儿园|[读上]初[一二三]"),
    "残疾人": re.compile(r"残疾|残障|聋哑|盲人|智障|肢残|残联"),
    "家庭暴力受害人": re.compile(
        r"家暴|家庭暴力|被(?:老公|丈夫|前夫|男人|老婆)(?:打|揍)"
        r"|(?:老公|丈夫|老婆|妻子|前夫|男人|媳妇|爸爸|我爸|父亲|继父|儿子)"
        r"(?:又|经常|总是|天天|一直|动手|喝醉了?|喝了酒)?(?:打我|打了我|揍我|打孩子|打我们)"
    ),
    "军人军属": re.compile(
        r"退伍|退役军人|复员军人|转业军人|现役|军人|军嫂|军属|烈属|部队|当兵|服役"
    ),
    "低保特困": re.compile(r"低保|特困|五保"),
    "工伤职工": re.compile(r"工伤"),
    "妇女": re.compile(r"孕妇|怀孕|怀着孕|哺乳期|孕期|坐月子"),
}
_MIGRANT = re.compile(r"农民工")
_MIGRANT_WORK = re.compile(r"工地|打工|包工头|工头|包工老板|建筑工")
_WAGES = re.compile(r"工资|工钱|薪|血汗钱|劳务费|结账|讨薪")
_HIGH_SCHOOL = re.compile(r"高中生|[读上]高[一二三]")
_GROUP_ORDER = (
    "农民工",
    "老年人",
    "未成年人",
    "残疾人",
    "家庭暴力受害人",
    "军人军属",
    "低保特困",
    "工伤职工",
    "妇女",
)


def _ages(text: str) -> list[int]:
    """Every age the text states, in reading order."""
    found: list[tuple[int, int]] = []
    taken: list[tuple[int, int]] = []
    for pattern, unit in _AGE_PATTERNS:
        for match in pattern.finditer(text):
            span = match.span("n")
            if any(span[0] < e and s < span[1] for s, e in taken):
                continue
            value = to_int(match.group("n"))
            if value is None:
                continue
            value *= unit
            if 0 < value <= _OLDEST:
                taken.append(span)
                found.append((span[0], value))
    return [value for _, value in sorted(found)]


def _age(ages: list[int]) -> int | None:
    """The age that matters: the first that places someone in a group, else the first."""
    telling = [a for a in ages if a >= _ELDERLY or a < _ADULT]
    chosen = telling or ages
    return chosen[0] if chosen else None


def _groups(text: str, ages: list[int]) -> tuple[str, ...]:
    """The statutory groups the text places the citizen or their family in."""
    groups = {group for group, pattern in _GROUP_WORDS.items() if pattern.search(text)}
    if _MIGRANT.search(text) or (_MIGRANT_WORK.search(text) and _WAGES.search(text)):
        groups.add("农民工")
    if any(a >= _ELDERLY for a in ages):
        groups.add("老年人")
    if any(a < _ADULT for a in ages):
        groups.add("未成年人")
    if _HIGH_SCHOOL.search(text) and not any(a >= _ADULT for a in ages):
        groups.add("未成年人")
    return tuple(g for g in _GROUP_ORDER if g in groups)


# ---------------------------------------------------------------- the whole


def extract(text: str, today: dt.date) -> Situation:
    """The situation one message describes, read as of `today`."""
    text = for_model(text)
    clauses = [match.span() for match in _CLAUSE.finditer(text)]
    named = mentions(text)
    ages = _ages(text)
    return Situation(
        parties=distinct(named),
        act=_act(text, named, clauses),
        dates=_dates(text, clauses, today),
        amounts=_amounts(text),
        district=district_named(text),
        groups=_groups(text, ages),
        age=_age(ages),
    )
