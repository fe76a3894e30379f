"""Rule-based detection of danger now in a citizen's message, checked before anything else."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from bot.nlu import danger_model
from bot.nlu.normalize import clean, to_simplified


class DangerKind(StrEnum):
    """What kind of emergency help a message calls for."""

    VIOLENCE = "violence"
    WEAPON = "weapon"
    THREAT = "threat"
    SELF_HARM = "self_harm"
    MEDICAL = "medical"
    FIRE = "fire"


@dataclass(frozen=True, slots=True)
class Danger:
    """A danger found in a message and the words that triggered it."""

    kind: DangerKind
    phrase: str


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts))


# Idioms that borrow words of violence or death; replaced before matching.
_FIGURES = _rx(
    r"[气笑急烦累饿热冷困忙疼痛吓]死",
    r"得要死|要死要活|死活|要命|老命|想死的心都有|压得.{0,3}喘不过气|往死路上[逼推]|逼上[绝死]路|打死[也都]不|想死你|想死我了|打到底|杠上",
    r"被?砍价砍得?|[杀砍]价|杀熟|杀[毒虫菌](?!剂)|杀[鸡鱼猪青]|秒杀|[抹扼]杀|砍[柴树单]|帮.{0,2}砍一刀",
    r"砍了?(?:我|我们)?的?(?:工资|预算|奖金|提成|绩效|经费|补贴|项目)",
    r"打[^，。！？\s]{0,3}电话|(?:关|锁)在(?:门外|外面|外边)|进不去|换了?锁|一刀切|刀削面|刀子嘴|枪手|跳楼(?:价|甩卖|大甩卖)|烧炭取暖|捅(?:到|出去|破|娄子)|踢出|绑定",
    r"打(?:了|过|个|了个|了一个)?(?:工|车|官司|电话|听|卡|折|扰|算|扫|印|包|开|字|款|钱|针|牌|麻将"
    r"|游戏|[^，。！？\s]{0,2}球|交道|招呼|水漂|欠条|借条|白条|呼噜|哈欠|喷嚏|嗝|瞌睡|疫苗|点滴|吊针|压|击|败|\d+)",
    r"火[车锅腿柴化葬爆气]|[发上恼]火|药[店房费]|[献验抽]血|血[压糖型脂]",
    # Anger about a shop or a partner, not intent: "真想掐死他", "杀了他的心都有".
    r"(?:真|都|恨不得|气得我?)想(?:拿刀)?(?:掐|打|弄|砍|杀|捅)(?:死|人)|[杀砍打]了?他的心都有",
    r"(?:工资|预算|奖金|提成|绩效|经费|补贴|项目)被砍|绑架式|打人(?:的|者)(?=[\u4e00-\u9fff])",
    # A relative already in police hands is a legal question, not an emergency.
    r"被(?:警察|公安|派出所|经侦|刑警)?(?:带走|抓走|抓了|拘留|刑拘)|(?:在)?看守所里?|拘留所里?",
    # Stories, games and the internet: "小说里写了杀人情节", "顺着网线来砍我".
    r"(?:小说|电影|电视剧|游戏|剧)里[^，。！？\s]{0,8}|顺着网线[^，。！？\s]{0,6}",
    # Tools at their work: "拿着刀在厨房切菜".
    r"(?:拿|用|握)着?[^，。！？\s]{0,3}(?:刀|锤子|斧头|锄头|剪刀)[^，。！？\s]{0,6}?"
    r"(?:切菜|切肉|削|做饭|杀鱼|杀鸡|杀猪|宰|砍柴|劈柴|修|锄草|剪)",
)

_OBJ = (
    r"(?:我|俺|你|他|她|人|孩子|小孩|娃|老婆|妻子|老公|丈夫|老人|我妈|我爸|儿子|女儿"
    r"|我弟|我妹|我们|他们|她们|俺们)"
)
# "打我家电话" is a phone call, not a blow.
_NOT_CALL = r"(?![^，。！？\s]{0,4}(?:电话|手机|微信|账户|卡|号码|款|钱))"
_PLACE_IN = r"在(?!门外|外面|外边|外头)[^，。！？\s]{0,4}?[里内]"

_VIOLENCE = _rx(
    rf"(?:打|揍|踢|踹|掐|扇|勒|砍|捅|抽)了?{_OBJ}{_NOT_CALL}",
    r"(?:现在|正在|又|还在)[^，。！？\s]{0,8}动手|殴打|暴打|毒打|家暴|施暴|拳打脚踢|往死里打|[扇打]耳光|[拽扯揪]头发|动手打|动起手|打起来|打架",
    r"被.{0,6}?(?:打|揍|踢|踹|掐|扇|勒|砍|捅|推倒)",
    r"打得.{0,4}?(?:哭|叫|流血|出血|青|紫|肿|起不来|住院|半死|头破血流|鼻青脸肿|骨折|晕)",
    r"打[伤残晕断]|打骨折|[砸踹撞撬]门|砸(?:东西|窗|玻璃|家|车)|闯进",
    # Without an object only at the clause end: "还在打" but not "还在打篮球".
    r"(?:正在|又在|还在|一直在)(?:打|砸|揍)(?=$|了|着|起来)",
    # Held inside counts; locked out (门外) does not.
    rf"(?:把|将)(?:我|我们|孩子|她|他)?(?:反锁|锁|关|困|绑)(?:起来|{_PLACE_IN})",
    rf"被(?:他|她|人|他们)?(?:反锁|锁|关|囚禁|困|绑)(?:起来|{_PLACE_IN})",
    r"不[让准许](?:我|我们|孩子)(?:出门|出去|离开|走)|囚禁|非法拘禁|绑架",
)
_WEAPONS = (
    r"(?:菜刀|水果刀|尖刀|砍刀|匕首|镰刀|刀子|刀|斧头|斧子|棍子|棍棒|木棍|铁棍|铁棒|钢管|球棒|砖头"
    r"|石头|锤子|榔头|铁锹|剪刀|枪|硫酸|汽油)"
)
_WEAPON = _rx(
    rf"(?:拿|持|举|握|提|抄|抡|挥|掏|带)(?:着|了|起|出)?(?:一?[把根块支瓶桶])?{_WEAPONS}"
    r"(?![^，。！？\s]{0,6}?(?:切菜|削|做饭|切肉|杀鱼|杀鸡|砍柴|干活|割草|割稻|修|剪))",
    rf"{_WEAPONS}(?:架在|抵着|顶着|指着|对着|比划)",
)
_HARM = (
    r"(?:弄死|整死|打死|砍死|捅死|掐死|烧死|杀了?(?:我|你|他|她|人|我全家|你全家|全家)|砍|捅|弄残"
    r"|打残|废了(?:你|他|她|我)|打断.{0,3}腿|要(?:你|他|她)的?命|放火|烧了?.{0,3}?[家房])"
)
_THREAT = _rx(
    rf"(?:要|想|会|就|扬言|威胁|恐吓|放话|说|等着|迟早|早晚)[^，。！？\s]{{0,8}}?{_HARM}",
    r"弄死|整死|同归于尽|灭门|泼硫酸|杀(?:我|你)全家",
    # Being hunted: the other side knows where one is and is on the way.
    r"知道(?:我|你|我们)(?:现在)?(?:住|家|在)[^，。！？\s]{0,2}哪|让我等着|你给我等着",
    r"躲(?:到|在)[^，。！？\s]{0,6}(?:家|里|屋|厕所|车上)|挨家挨户[^，。！？\s]{0,4}找我",
    r"别想(?:走出|出)(?:这个)?门|不让(?:我|俺)(?:走|出门|离开)",
)
_SELF_HARM_INTENT = _rx(
    r"不想(?:再)?活(?![动得])|活不下去|没法活|不活了|活着(?:真|好|太|还|也)?(?:没|没有)(?:意思|意义|盼头|希望)",
    r"活着(?:还)?有什么(?:意思|意义|用)|想死|想去死|死了(?:算了|好了|就好了)|不如死了|还不如死",
    r"(?:就|我|要)去死|结束这一切|结束一切|撑不下去.{0,10}(?:结束|死|走了)|一了百了|想不开|轻生|寻死|结束(?:自己的?)?生命|了结自己|离开这个世界",
    r"(?:想|要|准备|打算|企图|试图)去?(?:自杀|跳楼|跳河|跳江|跳海|割腕|烧炭|上吊|卧轨|自残|自焚|跳下去)",
    r"(?:安眠药|药|农药|绳子|炭)(?:我|都|已经)*(?:准备|买|攒)好了|攒了?.{0,4}安眠药",
    r"(?:站|坐|爬|蹲)[在上到]?.{0,4}?(?:楼顶|天台|顶楼)|在(?:楼顶|天台|桥上)上?(?:不下来|要跳)",
)
_SELF_HARM_ACT = _rx(
    r"自杀|割腕|割脉|烧炭|跳楼|跳河|跳江|跳海|上吊|卧轨|自残|自焚|服毒|跳下去|遗书",
    # Farewells: "跟这个世界说再见", "炭已经点上了".
    r"(?:跟|和|向)(?:这个)?世界(?:说)?(?:再见|告别)|永别了|下辈子再见|炭(?:已经)?点(?:上|着)",
)
_POISON = _rx(
    r"(?:喝|吃|吞|服)了?(?:一?[瓶把]|好多|很多|整瓶|半瓶)?的?"
    r"(?:农药|百草枯|敌敌畏|老鼠药|鼠药|安眠药|除草剂|杀虫剂|毒药)"
)
# Poison swallowed by mistake is a medical emergency, not self-harm.
_ACCIDENT = _rx(r"误|不小心|不知道|以为|当成|当作")
_MEDICAL = _rx(
    r"[昏晕]过去|[昏晕]倒|昏迷|休克|不省人事|没有?(?:了)?(?:呼吸|意识|心跳)|叫不醒|断气",
    r"喘不[上过]气|呼吸困难|抽搐|抽风|口吐白沫|[嘴脸]唇?发紫",
    r"流了?(?:很多|好多|一地|一身|满身)的?血|[血流]流?不止|大出血|吐血|满[身脸头]是血|浑身是血",
    r"血(?:还是|一直|怎么也|怎么都)?止不住|止不住血",
    r"误[食服喝吃吞]|不小心[喝吃吞]了?|(?<!电脑)(?<!手机)(?<!游戏)中毒|心脏病[犯发]|心梗|中风|脑溢血",
    r"溺水|触电|噎住|卡住了?(?:喉咙|嗓子)|[吞咽]了?(?:个|一颗|一个|几[个颗])?(?:纽扣)?(?:电池|磁铁|硬币|钉子)",
    r"卡在车里|压在(?:下面|底下)|困在(?:里面|电梯|车里)",
)
_FIRE = _rx(
    r"越烧越|着火|失火|起火了|发生火灾|火灾了|烧起来了|冒浓烟|浓烟|在放火|放火了|纵火了|[泼浇]了?汽油",
    r"(?:煤气|燃气|天然气|液化气|瓦斯)(?:外)?泄[漏露]|闻到.{0,3}(?:煤气|燃气|天然气|液化气)味",
    r"(?:煤气|燃气|天然气|液化气)(?:管)?(?:味(?:好|很|特别)?大|漏气)",
)

# Rules in precedence order: the mental-health line comes first.
_RULES: tuple[tuple[DangerKind, re.Pattern[str]], ...] = (
    (DangerKind.SELF_HARM, _SELF_HARM_INTENT),
    (DangerKind.SELF_HARM, _POISON),
    (DangerKind.SELF_HARM, _SELF_HARM_ACT),
    (DangerKind.WEAPON, _WEAPON),
    (DangerKind.VIOLENCE, _VIOLENCE),
    (DangerKind.VIOLENCE, _rx(r"救命|救救我|快来人|快救人")),
    (DangerKind.FIRE, _FIRE),
    (DangerKind.MEDICAL, _MEDICAL),
    (DangerKind.THREAT, _THREAT),
)
_PRECEDENCE = [kind for kind, _ in _RULES]

# Only after an emergency turn: the same person still there, fear, harm still going on.
_WHO = (
    r"(?<!其)(?:他|她|他们|那人|那个人|那个男的|那个女的|对方|那帮人|那伙人"
    r"|老公|丈夫|前夫|男朋友|男友|醉汉)"
)
_PLACE = r"(?:我家|我们家)?(?:门口|门外|楼下|楼道|外面|窗外|院子|屋里|家里|附近|这里|那里)"
_FOLLOW_UPS: tuple[tuple[DangerKind, re.Pattern[str]], ...] = (
    (DangerKind.SELF_HARM, _rx(r"还在(?:楼顶|天台|桥上|河边)|还?是?不肯下来|联系不上")),
    (DangerKind.VIOLENCE, _rx(r"还在(?:打|砸|踹|撞|掐)|又(?:打|砸|踹)|又动手")),
    (DangerKind.FIRE, _rx(r"火(?:越来越|还在|还没)|烟越来越|还在烧|出不去")),
    (
        DangerKind.MEDICAL,
        _rx(r"还是?没有?醒|还[在是](?:流血|抽|吐)|血(?:还|一直)在流|越来越(?:弱|差)|没有?反应"),
    ),
    (
        DangerKind.THREAT,
        _rx(
            rf"{_WHO}(?:还|又|仍然|一直)(?:在|站在|守在|堵在|蹲在|躲在){_PLACE}",
            rf"{_WHO}(?:还|又)?(?:在(?:砸|踹|敲|撞|骂|喊|闹)|没走|回来了|来了)",
            r"害怕|好怕|我怕|吓得|发抖|不敢(?:出去|开门|出门|回家|动)|救命|快来|快点来",
        ),
    ),
)

_NOW = _rx(
    r"现在|正在|此刻|这会儿|马上|立刻|今晚|今天|今早|刚才|刚刚|还在|又|一直在|最近|此时",
    r"正(?=要|拿|往|朝)|在(?=[砸打踹掐撞揍追烧拿举挥])(?!烧烤|打工|打听)",
)
_SETTLED = _rx(
    r"已经(?:处理|和解|调解|判|赔|结案|离婚|过去|没事|出院|好了)|已(?:处理|和解|判|结案|赔)",
    r"和解了|调解好了|私了|判了|赔了|结案了|处理完|都过去了|过去的事|已经散了|拉开了|劝开了",
    r"(?:现在|已经|都|伤|病)(?:都|已经)?(?:好了|消了|痊愈了?|拆线了|包扎完了?)",
    r"道歉了|和好了|认错了|抢救过来了|处理过了|缝好了|冷静下来了",
    # "…，已经是上个月的事了": the clause before it is a story, not a danger.
    r"是.{0,6}(?:以前|之前|前|上个?月|上个?(?:星期|礼拜|周)|去年|前年)的事",
    # Words said in anger or as a joke, and taken so by the citizen.
    r"(?<!不是)(?<!不像)(?:气话|开玩笑|说着玩|当笑话|当玩笑)",
)
_PAST = _rx(
    r"去年|前年|上个?月|上个?(?:星期|礼拜|周)|上次|上回|那次|那天|那时候?|那阵子?|有段时间|后来|当时|当年|曾经|小时候|早年",
    r"[\d一二两三四五六七八九十几]+(?:年|个月|天)前|昨天|昨晚|昨夜|前天|前晚|前几天|(?<![黑班点前晚亮])[以之]前",
    r"(?:打|砍|捅|踢|揍|伤|割|跳|喝|吃|吞|砸|烧|自杀)过(?![来去])",
    _SETTLED.pattern,
)
_INTENT = re.compile(r"(?:要|想|会|准备|扬言|说)[^，。！？\s]{0,3}$")
_NEGATION = re.compile(r"(?:没有?|从没|从来没|并没|不是|差点|差一点)[^，。！？\s]{0,2}$")
_NEGATED_HARM = re.compile(
    r"(?:没有?|从没|从来没|并没|不会|不敢)[^，。！？\s]{0,2}?(?:打|骂|砍|捅|杀|踢|揍|伤|碰)"
)
# Asking how a crime is punished or compensated is a legal question, not an emergency.
_LEGAL_QUESTION = _rx(
    r"判几年|判多久|判多少|怎么判|会判|判刑|坐牢|量刑|罪名|什么罪|算不算|构成|犯法|违法吗|犯罪吗|处罚",
    r"怎么处理|立案|报案|起诉|告他|打官司|赔偿|赔多少|怎么赔|索赔|医药费|误工费|精神损失|离婚",
    r"取证|验伤|鉴定|证据|律师|法院|刑事责任|追究|追责|逃逸|保险|未遂|故意伤害|杀人罪|伤害罪",
    r"区别|才算|正当防卫|互殴|拘留|被抓|带走|该谁|谁赔|责任|合法吗|工伤|歧视|退钱|假设|如果|假如",
    r"能告|管用吗|不认账|该不该|保护令|能要|协议",
    r"讨说法|怎么调解|调解|怎么解决|怎么处理|后续|赔钱|要赔|谁赔|负责任?",
    r"罚款|罚多少|罚了|拘留几天",
)
# Fear, a call for help or the person at hand keep a danger real even inside a question.
_URGENT = _rx(
    r"害怕|好怕|很怕|怕死|吓坏|发抖|不敢|救命|快来|快点|求救|帮帮我|报警|(?<!\d)(?:110|120|119)(?!\d)",
    rf"(?<!现)在{_PLACE}|追着?我|堵着?我|堵在",
)
_LEGAL_THREAT = _rx(r"律师函|发函|法律责任|起诉我|告我|上法院|打官司|坐牢")
_CLAUSE = re.compile(r"[，,。.！!？?；;、~…\s]+|(?<![暖温柔随附缓平])和(?![解好睦平气谐])")


def _prepare(text: str) -> str:
    # for_model is not used: it cuts long messages to head and tail, and danger can sit between.
    return to_simplified(clean(text)).lower().replace("著", "着")


def _marks(clause: str) -> list[tuple[int, bool]]:
    """(position, is_past) of each time marker in a clause, in order."""
    found = [(m.start(), True) for m in _PAST.finditer(clause)]
    found += [(m.start(), False) for m in _NOW.finditer(clause)]
    return sorted(found)


def _is_past(
    marks: list[tuple[int, bool]], at: int, carried: bool | None, settled_next: bool
) -> bool:
    """Whether the nearest time marker puts a trigger at `at` in the past."""
    before = [past for pos, past in marks if pos <= at]
    if before:
        return before[-1]
    if marks:
        return marks[0][1]
    return carried if carried is not None else settled_next


def _kind(kind: DangerKind, pattern: re.Pattern[str], head: str) -> DangerKind:
    """The kind after context: poison by mistake is medical; violence announced is a threat."""
    if pattern is _POISON and _ACCIDENT.search(head):
        return DangerKind.MEDICAL
    if kind is DangerKind.VIOLENCE and _INTENT.search(head):
        return DangerKind.THREAT
    return kind


def by_rules(text: str, *, after_danger: bool = False) -> Danger | None:
    """The most urgent danger happening now in `text` that the patterns name, or None."""
    prepared = _prepare(text)
    question = bool(_LEGAL_QUESTION.search(prepared)) and not _URGENT.search(prepared)
    clauses = [c for c in _CLAUSE.split(_FIGURES.sub("_", prepared)) if c]
    rules = _RULES + _FOLLOW_UPS if after_danger else _RULES
    found: list[Danger] = []
    carried: bool | None = None  # a clause without its own time words takes the last one's
    for i, clause in enumerate(clauses):
        marks = _marks(clause)
        has_now = any(not past for _, past in marks)
        settled_next = i + 1 < len(clauses) and bool(_SETTLED.search(clauses[i + 1]))
        for kind, pattern in rules:
            for m in pattern.finditer(clause):
                head = clause[: m.start()]
                if _NEGATION.search(head):
                    continue
                if _is_past(marks, m.start(), carried, settled_next and not has_now):
                    continue
                # Someone saying they want to die is never only a legal question.
                if question and not has_now and pattern is not _SELF_HARM_INTENT:
                    continue
                found.append(Danger(_kind(kind, pattern, head), m.group()))
        if marks:
            carried = marks[-1][1]
    if not found:
        return None
    return min(found, key=lambda d: _PRECEDENCE.index(d.kind))


# Chosen on the four tuning files tests/data/danger_tune*.jsonl together with the false alarms
# on the 1,206 ordinary questions of tests/data/routing_tune*.jsonl and answers_tune.jsonl: a
# lower threshold catches a few more dangers there but puts 110 over twice as many ordinary
# legal questions. `make eval-danger` reports the tuning files and the test split.
MODEL_THRESHOLD = 0.55
# A clause the classifier flags inside a legal question without a word of "now" counts less.
QUESTION_DAMPING = 0.7
PAST_STORY_DAMPING = 0.5
PLAIN_THRESHOLD = 0.75
# "现在" tells the state of a case as often as a danger: the rules read tense, not the model.
_CALM_NOW = _rx(r"现在|目前|如今")
# Words of harm, threat, confinement or farewell.
_HARM_WORDS = _rx(
    r"[打揍踢踹掐扇勒砍捅杀刀枪棍死血伤火烧烟爆毒药跳割撞摔晕昏锁关困绑堵追砸闯救怕逼]",
    r"煤气|燃气|没气|没反应|抽搐|跟踪|跟着|威胁|收拾|不想活|活着|走了|再见|对不起|遗书|危险|冲进|门口|找我",
)
_HYPOTHETICAL = _rx(r"如果|假如|假设|万一")
_NOW_STRONG = _rx(r"正在|此刻|这会儿|马上|立刻|今晚|刚才|刚刚|还在|快来|一直在")
MIN_SPAN = 7
_NUMBER = re.compile(r"\d+")
# A figure of speech leaves nothing for the classifier; a negated blow leaves a plain verb.
_NEUTRAL = ""
_NEGATED = "做事"
# The citizen says the danger is over (also ends the conversation's danger state).
SAFE_NOW = _rx(
    r"(?:我|我们|孩子|人)?(?:现在)?(?:已经)?(?:安全了|没事了|没危险了|脱险了)|警察(?:来了|到了)",
    r"(?:他|她|他们|对方)(?:已经)?(?:走了|离开了|被带走了)|早就?(?:分开|离婚|分手|搬走)了",
)
_KIND_WORDS: tuple[tuple[DangerKind, re.Pattern[str]], ...] = (
    (
        DangerKind.SELF_HARM,
        _rx(
            r"死|不想活|活着|结束|了结|药|跳|割|划|我走了|走了以后|世界|对不起|撑不|绝望|痛苦|遗言"
        ),
    ),
    (DangerKind.FIRE, _rx(r"火|烟|煤气|燃气|天然气|汽油|打火机")),
    (DangerKind.MEDICAL, _rx(r"血|晕|昏|吐|疼|痛|摔|动不了|说不出话|呼吸|喘|抽搐|卡在|骨折|变形")),
    (DangerKind.WEAPON, _rx(_WEAPONS)),
    (DangerKind.VIOLENCE, _rx(r"打|掐|踹|踢|推|拽|拖|撞|砸|抽|围|按|关|锁|不让")),
)


def _kind_of(text: str) -> DangerKind:
    """The likely kind of a danger the classifier found: the help line depends on it."""
    for kind, words in _KIND_WORDS:
        if words.search(text):
            return kind
    return DangerKind.THREAT


@lru_cache(maxsize=1)
def classifier() -> danger_model.DangerModel:
    """The learnt second opinion, trained without the examples these rules already flag."""
    return danger_model.cached_model(lambda text: by_rules(text) is not None)


def detect(text: str, *, after_danger: bool = False) -> Danger | None:
    """The most urgent danger happening now in `text`: the rules first, then the classifier."""
    found = by_rules(text, after_danger=after_danger)
    if found is not None:
        return found
    prepared = _prepare(text)
    # Fear of a lawyer's letter is no emergency: with legal threats, fear is no "now".
    urgent = _URGENT.search(prepared) and not _LEGAL_THREAT.search(prepared)
    question = bool(_LEGAL_QUESTION.search(prepared)) and not urgent
    # A legal question about what happened before, with no word of "right now": its
    # "现在" is the present of the case ("现在我视力下降了"), not of a danger.
    past_story = (
        question
        and bool(_PAST.search(prepared) or _HYPOTHETICAL.search(prepared))
        and not _NOW_STRONG.search(prepared)
    )
    # Figures of speech become a neutral word: "孩子们正在打羽毛球" reads "孩子们正在做事".
    neutral = _FIGURES.sub(_NEUTRAL, _NUMBER.sub("#", prepared))
    clauses = [c for c in _CLAUSE.split(neutral) if c]
    model = classifier()
    # A clause is over when it says so, or when the next one settles it ("…，已经和解了").
    over = {
        c for i, c in enumerate(clauses)
        if _over(c) or (i + 1 < len(clauses) and _SETTLED.search(clauses[i + 1]))
    }  # fmt: skip
    for span, parts in _spans(clauses):
        # The classifier does not read tense or relief; the rules' time words do.
        if any(part in over for part in parts) or len(span) < MIN_SPAN:
            continue

        # The classifier does not read negation either: "他没有打我" is no blow.
        read = _NEGATED_HARM.sub(_NEGATED, _CALM_NOW.sub("", span)) or span
        probability = model.probability(read)
        if question and not any(_NOW.search(part) for part in parts):
            probability *= QUESTION_DAMPING
        elif past_story:
            probability *= PAST_STORY_DAMPING
        # A clause without a word of harm needs the model to be much surer.
        needed = MODEL_THRESHOLD if _HARM_WORDS.search(span) else PLAIN_THRESHOLD
        if probability >= needed:
            return Danger(_kind_of(span), span)
    return None


def _spans(clauses: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Each clause, and each with the next ("好怕" says little alone), with their parts."""
    pairs = itertools.pairwise(clauses)
    return [(c, (c,)) for c in clauses] + [(a + b, (a, b)) for a, b in pairs]


def _over(clause: str) -> bool:
    """A clause that puts what it tells in the past, settles it, or says the danger is over."""
    if SAFE_NOW.search(clause) or _SETTLED.search(clause):
        return True
    marks = _marks(clause)
    return any(past for _, past in marks) and not any(not past for _, past in marks)
