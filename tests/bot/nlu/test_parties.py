import pytest

from bot.nlu.parties import Party, find_parties, mentions


@pytest.mark.parametrize(
    ("text", "kind", "body"),
    [
        ("城管队员天天来赶我", "government", "城管"),
        ("综合执法局贴了通知", "government", "城管"),
        ("交警大队的人说我违停", "police", "交警"),
        ("车管所不给我过户", "police", "交警"),
        ("派出所的民警来了", "police", "公安"),
        ("工商局来检查过", "government", "市场监管"),
        ("劳动监察大队一直没回音", "government", "人社"),
        ("国土所的人来量过地", "government", "自然资源"),
        ("街道办的人说要拆", "government", "乡镇/街道"),
        ("乡里来人说要收地", "government", "乡镇/街道"),
        ("县政府发了公告", "government", "区县政府"),
        ("拆迁办天天上门", "government", "区县政府"),
        ("税务局说我少交了税", "government", "税务"),
        ("环保局来封了厂", "government", "生态环境"),
        ("房管局不给备案", "government", "住建"),
        ("卫生监督所来查诊所", "government", "卫健"),
        ("教育局不让转学", "government", "教育"),
        ("安监局说我们厂不合格", "government", "应急管理"),
        ("农业农村局来查种子", "government", "农业农村"),
        ("医保局不给报销", "government", "医保"),
        ("民政局说我不符合条件", "government", "民政"),
    ],
)
def test_public_bodies_in_plain_words(text, kind, body):
    assert (kind, body) in {(p.kind, p.body) for p in find_parties(text)}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("物业公司不给修电梯", "property_company"),
        ("保险公司拒赔", "insurer"),
        ("劳务公司把人带走了", "contractor"),
        ("包工头跑了", "contractor"),
        ("房东不退押金", "landlord"),
        ("网贷平台天天打电话", "lender"),
        ("开发商延期交房", "business"),
        ("我们单位不给交社保", "employer"),
        ("隔壁装修吵得睡不着", "neighbour"),
        ("儿媳妇不让我进门", "relative"),
        ("前夫不给抚养费", "spouse"),
        ("法院判了还不执行", "court"),
    ],
)
def test_private_parties_and_courts(text, kind):
    kinds = [p.kind for p in find_parties(text)]
    assert kinds[0] == kind


def test_the_longest_words_win_where_names_overlap():
    # "物业公司" is no employer, "交通警察" no plain 公安, "镇政府" no 区县政府.
    assert [p.kind for p in find_parties("物业公司")] == ["property_company"]
    assert [p.body for p in find_parties("交通警察拦了我")] == ["交警"]
    assert [p.body for p in find_parties("镇政府下了通知")] == ["乡镇/街道"]


def test_a_township_named_as_a_place_is_no_party():
    assert find_parties("我在镇上开了个小饭馆") == (Party("business", None, "饭馆"),)


def test_a_bank_card_is_no_lender():
    assert find_parties("银行卡被冻结了") == ()


def test_each_party_once_with_its_first_words():
    parties = find_parties("老板不给钱，公司也不管，老板娘还骂人")
    assert parties == (Party("employer", None, "老板"),)


def test_mentions_keep_their_place():
    found = mentions("我家被城管罚了")
    assert [(m.party.body, m.start, m.end) for m in found] == [("城管", 3, 5)]
