import pytest

from bot.nlu.danger import Danger, DangerKind, detect


def _kind(text: str, *, after_danger: bool = False) -> DangerKind | None:
    found = detect(text, after_danger=after_danger)
    return found.kind if found else None


@pytest.mark.parametrize(
    "text",
    [
        "我老公正在打我",
        "他喝醉了在砸门 我不敢开门",
        "他把我锁在屋里打",
        "孩子被打得直哭 现在还在打",
        "楼上那家又在打孩子",
        "他冲过来掐我脖子",
        "我被他反锁在卧室里",
        "他不让我出门 手机也收走了",
        "我被关起来了 快帮我",
        "邻居两家人在院子里打起来了",
        "他以前就打我，今天喝醉了又在打",
    ],
)
def test_violence_now(text):
    assert _kind(text) is DangerKind.VIOLENCE


@pytest.mark.parametrize(
    "text",
    [
        "他拿着菜刀站在门口",
        "我前夫举着斧头在楼下喊",
        "有个男的拿着镰刀追着我",
        "他抄起棍子要打人",
        "那人手里拿着砖头在门外",
        "他掏出一把枪对着我们",
        "刀架在我脖子上",
        "他拿著刀在門口",  # traditional script and full forms are normalised first
    ],
)
def test_weapon_present(text):
    assert _kind(text) is DangerKind.WEAPON


@pytest.mark.parametrize(
    "text",
    [
        "他说今晚要弄死我",
        "我小叔子扬言要杀我全家",
        "他天天发消息说要砍我 我好怕",
        "他说要杀了我 现在已经在楼下了",
        "债主放话要打断我儿子的腿",
        "他说要放火烧我家",
        "他要过来打我",
    ],
)
def test_threat_now(text):
    assert _kind(text) is DangerKind.THREAT


@pytest.mark.parametrize(
    "text",
    [
        "我不想活了",
        "活着没意思",
        "每天都在想一了百了",
        "安眠药都准备好了",
        "我现在站在天台上",
        "好想从这里跳下去",
        "我刚割腕了",
        "我在车里烧炭",
        "他喝了农药",
        "我儿子说他想自杀",
        "活着还有什么意义",
    ],
)
def test_self_harm(text):
    assert _kind(text) is DangerKind.SELF_HARM


@pytest.mark.parametrize(
    "text",
    [
        "我爸突然昏过去了",
        "他头上流了好多血",
        "伤口的血止不住",
        "我妈喘不上气来",
        "孩子一直抽搐",
        "孩子误食了老鼠药",
        "奶奶不小心喝了农药",  # poison by mistake is medical, not self-harm
        "外婆晕倒在厨房",
    ],
)
def test_medical(text):
    assert _kind(text) is DangerKind.MEDICAL


@pytest.mark.parametrize(
    "text",
    ["隔壁着火了", "厨房起火了", "家里煤气泄漏了", "楼道里全是浓烟", "闻到很重的煤气味"],
)
def test_fire(text):
    assert _kind(text) is DangerKind.FIRE


@pytest.mark.parametrize(
    "text",
    [
        "去年被他打过 现在离婚了",
        "上个月打架的事派出所已经处理了",
        "打架的事已经和解",
        "当时被打伤 现在想问赔偿",
        "他以前拿刀砍过我，现在我们早就分开了",
        "三年前他家暴我",
        "他拿刀砍我那件事，已经和解了",
        "他没有打我 只是骂人",
    ],
)
def test_past_or_settled_danger_does_not_count(text):
    assert detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "故意伤害判几年",
        "持刀抢劫怎么判",
        "打架斗殴会判刑吗",
        "威胁要杀人算什么罪",
        "被人打了能要多少赔偿",
        "自杀的人保险赔不赔",
    ],
)
def test_legal_questions_do_not_count(text):
    assert detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "气死我了 物业根本不管",
        "笑死 他居然不认账",
        "这房租贵得要命",
        "急死了 材料还没批下来",
        "去市场跟他杀价",
        "在网上砍价",
        "平台杀熟怎么投诉",
        "公司又砍预算了",
        "老板砍我工资",
        "政策一刀切",
        "我想打官司",
        "在工地打工",
        "打车去法院要多久",
        "给他打电话不接",
        "他天天打我电话催债",
        "死活不给退押金",
        "银行这是往死路上逼",
        "这房贷要了我的老命",
        "穷得要死还要交罚款",
        "帮我砍一刀",
    ],
)
def test_figures_of_speech_do_not_count(text):
    assert detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "楼下刀削面馆油烟太大",
        "坐火车去办事",
        "火锅店不退押金",
        "药店卖过期药",
        "单位组织献血",
        "血压高能办病退吗",
        "他找枪手代考被抓了",
        "他拿着刀在厨房切菜",
        "孩子们正在打羽毛球",
    ],
)
def test_harmless_words_do_not_count(text):
    assert detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "他威胁要起诉我",
        "说不还钱就告我",
        "老板威胁扣工资",
        "主管威胁开除我",
        "邻居天天骂街",
        "婆媳俩吵得很凶",
        "我被关在门外进不去",
        "房东换锁了 东西还在里面",
    ],
)
def test_legal_threats_quarrels_and_lock_outs_do_not_count(text):
    assert detect(text) is None


def test_past_fight_in_one_clause_does_not_hide_danger_now_in_another():
    assert _kind("去年被他打过，现在他又拿着刀在门口") is DangerKind.WEAPON
    assert _kind("上个月打架的事处理了，但他今天又来砸门") is DangerKind.VIOLENCE


def test_danger_now_survives_a_legal_question():
    assert _kind("他拿着刀在门口，这算什么罪") is DangerKind.WEAPON
    assert _kind("我不想活了 欠的钱会被起诉吗") is DangerKind.SELF_HARM


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("他还在门外 我好怕", DangerKind.THREAT),
        ("他又回来了", DangerKind.THREAT),
        ("还在砸门", DangerKind.VIOLENCE),
        ("血还是止不住", DangerKind.MEDICAL),
        ("人还没醒", DangerKind.MEDICAL),
        ("火越来越大了", DangerKind.FIRE),
    ],
)
def test_follow_ups_after_danger(text, kind):
    assert _kind(text, after_danger=True) is kind


# Fear of someone at the door is danger enough on its own ("他还在门外 我好怕" counts).
@pytest.mark.parametrize("text", ["他又回来了", "人还没醒", "火越来越大了", "他又打电话来了"])
def test_follow_ups_alone_are_not_danger(text):
    assert detect(text) is None


@pytest.mark.parametrize("text", ["快递员还在门外", "警察来了", "他已经走了", "好的 谢谢"])
def test_harmless_follow_ups_after_danger(text):
    assert detect(text, after_danger=True) is None


def test_self_harm_wins_over_other_kinds():
    assert _kind("他拿刀说要杀我 我也不想活了") is DangerKind.SELF_HARM
    assert _kind("家里着火了 我不想活了") is DangerKind.SELF_HARM
    assert _kind("他天天打我 我想一了百了") is DangerKind.SELF_HARM


def test_weapon_wins_over_threat():
    assert _kind("他拿着菜刀说要弄死我") is DangerKind.WEAPON


def test_the_phrase_is_the_triggering_words():
    assert detect("救救我 他拿着菜刀在门口") == Danger(DangerKind.WEAPON, "拿着菜刀")


@pytest.mark.parametrize("text", ["救命", "救救我", "快来人啊"])
def test_a_call_for_help_alone_is_danger(text):
    assert detect(text) is not None
