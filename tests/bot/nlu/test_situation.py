import datetime as dt

import pytest

from bot.nlu.situation import Amount, DatedEvent, Situation, extract
from bot.timeparse import Moment, When

TODAY = dt.date(2026, 12, 2)


def situation(text: str) -> Situation:
    return extract(text, TODAY)


def bodies(s: Situation) -> set[str | None]:
    return {p.body for p in s.parties if p.kind in {"government", "police"}}


def meanings(s: Situation) -> list[str]:
    return [d.meaning for d in s.dates]


# ---------------------------------------------------------------- bodies and acts


@pytest.mark.parametrize(
    ("text", "body", "act"),
    [
        ("城管把我的三轮车拉走了", "城管", "扣押"),
        ("城管队员把我的秤收走了", "城管", "扣押"),
        ("镇上来人把我家棚子推了", "乡镇/街道", "强制拆除"),
        ("街道的人把我们家院墙拆了", "乡镇/街道", "强制拆除"),
        ("民警当场罚了我两百 没给票", "公安", "罚款"),
        ("交警扣了我12分罚200", "交警", "罚款"),
        ("交警队把我的电动车扣了", "交警", "扣押"),
        ("被派出所关了十天", "公安", "行政拘留"),
        ("派出所给他行政拘留了五天", "公安", "行政拘留"),
        ("市场监管局吊销了我的执照", "市场监管", "吊销许可"),
        ("人社局说不算工伤", "人社", "工伤认定"),
        ("去环保局举报三个月没人管", "生态环境", "不作为"),
        ("报了警，派出所根本不管", "公安", "不作为"),
        ("税务局把我的厂查封了", "税务", "查封"),
        ("自然资源局说是违建，限期拆除", "自然资源", "责令拆除"),
        ("住建局不给办房产证", "住建", "不予登记"),
        ("民政局取消了我家的低保", "民政", "取消低保"),
        ("镇政府不给批低保", "乡镇/街道", "不予低保"),
        ("区政府征收了我家的地", "区县政府", "征收"),
        ("卫健委一直不回复我的投诉", "卫健", "不作为"),
        ("农业执法大队没收了我的渔网", "农业农村", "没收"),
        ("市场监督管理局责令我们停业整顿", "市场监管", "责令停业"),
    ],
)
def test_bodies_and_acts_in_plain_words(text, body, act):
    s = situation(text)
    assert body in bodies(s)
    assert s.act == act


@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("申请公开征地文件被拒", "不予公开信息"),
        ("我家房子被强拆了", "强制拆除"),
        ("收到一张罚单不服", "罚款"),
        ("收到了行政处罚决定书", "行政处罚"),
        ("驾照被吊销了", "吊销许可"),
        ("人家说是拆迁，补偿太少", "征收"),
    ],
)
def test_acts_that_name_a_public_body_by_themselves(text, act):
    assert situation(text).act == act


def test_a_fine_and_its_decision_give_the_fine_not_the_generic_penalty():
    assert situation("收到处罚决定书，城管罚了我三千").act == "罚款"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("公司罚我两百", "employer"),
        ("老板扣了我的车钥匙还罚了我五十", "employer"),
        ("物业公司罚了我两百块", "property_company"),
        ("法院拘留了我十五天", "court"),
        ("法院查封了我的房子", "court"),
        ("邻居把我家院墙推了", "neighbour"),
        ("老板说不算工伤", "employer"),
        ("物业不管楼上漏水", "property_company"),
    ],
)
def test_the_same_verbs_by_private_parties_or_courts_are_no_act(text, kind):
    s = situation(text)
    assert s.parties[0].kind == kind
    assert s.act is None


@pytest.mark.parametrize(
    "text", ["我弟弟被刑拘了", "我老公被刑事拘留了十天", "儿子被警察抓了关在看守所"]
)
def test_criminal_detention_names_the_police_but_no_act(text):
    s = situation(text)
    assert "公安" in bodies(s)
    assert s.act is None


def test_an_act_without_anyone_doing_it_is_not_guessed():
    assert situation("被罚款五百").act is None


def test_a_push_is_no_demolition():
    assert situation("警察推了我一把").act is None


def test_the_doer_is_the_nearest_party_before_the_act():
    s = situation("公司被市场监管局罚了两万")
    assert s.act == "罚款"
    s = situation("城管来过，后来老板罚了我两百")
    assert s.act is None


def test_the_doer_may_follow_in_the_same_clause():
    assert situation("我被罚了200元是交警罚的").act == "罚款"


def test_an_employers_fine_then_a_bureau_ignoring_the_complaint():
    s = situation("被公司罚了两百，去劳动局投诉没人管")
    assert s.act == "不作为"
    assert bodies(s) == {"人社"}


# ---------------------------------------------------------------- dates


def test_job_start_and_unpaid_wages():
    s = situation("我去年3月进厂 老板欠了我三个月工资")
    assert s.dates == (
        DatedEvent("job_started", Moment(When.APPROXIMATE, dt.date(2025, 3, 1), "去年3月")),
    )
    assert s.act is None
    assert s.learnt_of_act() is None


def test_a_job_start_still_wins_without_the_space():
    assert meanings(situation("我去年3月进厂老板欠了我三个月工资")) == ["job_started"]


def test_a_fine_dated_last_month():
    s = situation("上个月15号城管罚了我五百")
    event = DatedEvent("act_done", Moment(When.EXACT, dt.date(2026, 11, 15), "上个月15号"))
    assert s.act == "罚款"
    assert s.dates == (event,)
    assert s.learnt_of_act() == event


@pytest.mark.parametrize(
    ("text", "meaning", "date"),
    [
        ("3月5日收到处罚决定书", "decision_received", dt.date(2026, 3, 5)),
        ("决定书是10月8日送达的", "decision_received", dt.date(2026, 10, 8)),
        ("两个月前接到拆除通知", "decision_received", dt.date(2026, 10, 3)),
        ("今天上午交警开了张罚单给我", "decision_received", TODAY),
        ("昨天被城管扣了车", "act_done", dt.date(2026, 12, 1)),
        ("去年8月家里房子被拆", "act_done", dt.date(2025, 8, 1)),
        ("2025年6月1日入职", "job_started", dt.date(2025, 6, 1)),
        ("今年2月开始在工地干活", "job_started", dt.date(2026, 2, 1)),
        ("工资从8月起就没发", "wages_due", dt.date(2026, 8, 1)),
        ("9月份的工钱一直拖着", "wages_due", dt.date(2026, 9, 1)),
        ("他2024年5月借了我两万", "loan", dt.date(2024, 5, 1)),
        ("借条是去年11月写的", "loan", dt.date(2025, 11, 1)),
        ("上周出了车祸", "accident", dt.date(2026, 11, 25)),
        ("今年1月15号在厂里受的伤", "injury", dt.date(2026, 1, 15)),
        ("去年10月在工地干活摔伤了", "injury", dt.date(2025, 10, 1)),
        ("前天的事", "other", dt.date(2026, 11, 30)),
    ],
)
def test_date_meanings_from_the_words_around_them(text, meaning, date):
    (event,) = situation(text).dates
    assert (event.meaning, event.moment.date) == (meaning, date)


def test_two_dates_in_one_clause_keep_their_own_words():
    s = situation("2024年5月入职2025年1月起工资就没发")
    assert meanings(s) == ["job_started", "wages_due"]


def test_a_decision_received_is_preferred_to_the_acts_own_day():
    s = situation("城管3月1日扣的车，决定书是3月10日送达的")
    assert meanings(s) == ["act_done", "decision_received"]
    assert s.learnt_of_act() == s.dates[1]


def test_durations_are_not_dates():
    assert situation("被派出所关了十天").dates == ()
    assert situation("在这个厂干了三年").dates == ()


def test_a_relative_phrase_followed_by_qian_or_le_is_a_date():
    assert meanings(situation("三个月前收到的罚单")) == ["decision_received"]
    assert [d.moment.date for d in situation("九十天了没人理").dates] == [dt.date(2026, 9, 3)]


@pytest.mark.parametrize(
    "text",
    [
        "城管罚了我两百，我是去年3月进厂的",
        "交警罚了我，去年5月进的公司，今年工资从6月起没发",
        "派出所扣了我的车，2025年9月借给朋友两万",
    ],
)
def test_wage_job_start_and_loan_dates_never_give_learnt_of_act(text):
    s = situation(text)
    assert s.act is not None
    assert s.dates
    assert {d.meaning for d in s.dates} <= {"job_started", "wages_due", "loan"}
    assert s.learnt_of_act() is None


def test_no_act_no_learnt_of_act_even_with_a_decision_date():
    s = situation("3月5日收到公司的辞退通知")
    assert meanings(s) == ["decision_received"]
    assert s.act is None
    assert s.learnt_of_act() is None


# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("text", "yuan", "phrase"),
    [
        ("城管罚了我两百", 200, "两百"),
        ("一共500元", 500, "500元"),
        ("押金3000块不退", 3000, "3000块"),
        ("他欠我一万二", 12000, "一万二"),
        ("借了2.5万", 25000, "2.5万"),
        ("被骗了十几万", 100000, "十几万"),
        ("还欠五千多", 5000, "五千多"),
        ("工资两千五", 2500, "两千五"),
        ("赔了3,000元", 3000, "3,000元"),
        ("罚200，我不服", 200, "200"),
        ("罚了五块钱", 5, "五块钱"),
        ("补偿才八万", 80000, "八万"),
    ],
)
def test_amounts(text, yuan, phrase):
    assert situation(text).amounts == (Amount(yuan, phrase),)


@pytest.mark.parametrize(
    "text",
    [
        "交警扣了我12分",
        "我们三个人一起去的",
        "一块地被占了",
        "邻居把墙拆了一块",
        "老母亲八十了",
        "几千块钱",
        "3月15号",
        "一直没人管",
    ],
)
def test_numbers_that_are_not_money(text):
    assert situation(text).amounts == ()


# ---------------------------------------------------------------- districts


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("我是苏州吴江的", "吴江"),
        ("吴江区松陵镇", "吴江"),
        ("东太湖那边的房子", "东太湖"),
        ("住在吴江太湖新城", "太湖新城"),
        ("江西赣州人", "赣州"),
        ("南通通州区", "通州"),
        ("在南通打工", "南通"),
        ("泰州高港区", "高港"),
        ("泰州医药高新区的厂", "医药高新区"),
        ("在泰州", "泰州"),
        ("无锡惠山区", "惠山"),
        ("无锡市区", "无锡"),
        ("北京通州", None),
        ("杭州西湖区", None),
    ],
)
def test_districts(text, district):
    assert situation(text).district == district


# ---------------------------------------------------------------- groups and age


@pytest.mark.parametrize(
    ("text", "groups", "age"),
    [
        ("我今年68了", ("老年人",), 68),
        ("七十多岁的老人被骗了", ("老年人",), 70),
        ("老母亲八十了，哥哥不管", ("老年人",), 80),
        ("八旬老人", ("老年人",), 80),
        ("孩子15岁被打了", ("未成年人",), 15),
        ("儿子是初中生", ("未成年人",), None),
        ("女儿是高中生", ("未成年人",), None),
        ("我已经20岁了，还是高中生", (), 20),
        ("我35岁，老母亲八十了", ("老年人",), 80),
        ("在工地打工，包工头欠工资", ("农民工",), None),
        ("我是农民工", ("农民工",), None),
        ("有残疾证", ("残疾人",), None),
        ("老公打我", ("家庭暴力受害人",), None),
        ("长期被家暴", ("家庭暴力受害人",), None),
        ("我是退伍军人", ("军人军属",), None),
        ("我是军嫂", ("军人军属",), None),
        ("家里是低保户", ("低保特困",), None),
        ("五保老人", ("低保特困",), None),
        ("受了工伤老板不管", ("工伤职工",), None),
        ("我怀孕了被辞退", ("妇女",), None),
        ("在厂里上班", (), None),
        ("他欠我八十了", (), None),
    ],
)
def test_groups_and_age(text, groups, age):
    s = situation(text)
    assert (s.groups, s.age) == (groups, age)


def test_wage_arrears_in_a_factory_alone_is_no_migrant_worker():
    assert "农民工" not in situation("工厂欠了我两个月工资").groups


# ---------------------------------------------------------------- the whole


def test_a_whole_story():
    s = situation("我是吴江的，今年70岁，上个月3号城管把我的三轮车拉走了，还罚了五百元")
    assert s.district == "吴江"
    assert s.age == 70
    assert s.groups == ("老年人",)
    assert s.act == "扣押"
    assert s.amounts == (Amount(500, "五百元"),)
    assert s.learnt_of_act() == DatedEvent(
        "act_done", Moment(When.EXACT, dt.date(2026, 11, 3), "上个月3号")
    )


def test_traditional_characters_are_read_too():
    s = situation("違章被交警罰了兩百塊")
    assert s.act == "罚款"
    assert s.amounts == (Amount(200, "两百块"),)


def test_nothing_in_an_empty_message():
    assert extract("", TODAY) == Situation()


def test_a_lone_date_beside_an_act_is_the_act_s():
    told = extract("城管把我摆摊的三轮车拉走了，上个月20号的事", dt.date(2026, 12, 2))
    assert told.act is not None
    assert told.learnt_of_act() is not None
    assert told.learnt_of_act().moment.date == dt.date(2026, 11, 20)
    moment = Moment(When.EXACT, dt.date(2026, 11, 20), "11月20日")
    other = DatedEvent("other", moment)
    # Two dates of no known meaning: which one is the act's is not guessed.
    assert Situation(act="罚款", dates=(other, other)).learnt_of_act() is None
    assert Situation(act="罚款", dates=(other,)).learnt_of_act() == other
    assert Situation(act=None, dates=(other,)).learnt_of_act() is None
