import pytest

from bot.nlu.aspect import aspect_of
from bot.types import Topic


@pytest.mark.parametrize(
    ("topic", "text", "aspect"),
    [
        (Topic.MEDIATION, "调解要交钱吗", "cost"),
        (Topic.MEDIATION, "去哪里申请调解", "apply"),
        (Topic.MEDIATION, "调解协议签了他反悔怎么办", "effect"),
        (Topic.MEDIATION, "调解不成还能怎么办", "failed"),
        (Topic.MEDIATION, "邻居家漏水泡了我家天花板", "what"),
        (Topic.LEGAL_AID, "法援真的不收钱吗", "cost"),
        (Topic.LEGAL_AID, "我这情况能申请法律援助吗", "eligibility"),
        (Topic.LEGAL_AID, "法律援助申请被拒绝了", "refused"),
        (Topic.LEGAL_AID, "申请了法援多久能派律师", "time"),
        (Topic.LEGAL_AID, "家里困难请不起律师", "eligibility"),
        (Topic.ADMIN_REVIEW, "罚款不服 复议期限多少天", "deadline"),
        (Topic.ADMIN_REVIEW, "复议要交费吗", "cost"),
        (Topic.ADMIN_REVIEW, "复议期间罚款还要交吗", "effect"),
        (Topic.ADMIN_REVIEW, "复议机关不予受理怎么办", "refused"),
        (Topic.ADMIN_REVIEW, "城管把我的三轮车拉走了", "what"),
    ],
)
def test_aspects(topic, text, aspect):
    assert aspect_of(topic, text) == aspect


def test_other_has_no_aspect():
    assert aspect_of(Topic.OTHER, "多少钱") is None
