import pytest

from bot.nlu.keywords import named_service, route
from bot.types import Topic


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("被城管罚了五百块不服咋办", Topic.ADMIN_REVIEW),
        ("复意要多久", Topic.ADMIN_REVIEW),
        ("法援怎么申请", Topic.LEGAL_AID),
        ("请不起律师怎么办", Topic.LEGAL_AID),
        ("邻居家漏水不肯赔想找人说和", Topic.MEDIATION),
        ("今天天气怎么样", Topic.OTHER),
    ],
)
def test_route_by_keywords(text, topic):
    assert route(text).topic is topic


def test_emergency_wins_over_everything():
    guess = route("他拿着刀在我家门口说要杀我")
    assert guess.intent == "emergency"


def test_request_human_keeps_the_named_service():
    guess = route("法律援助的事我要找人工")
    assert (guess.intent, guess.topic) == ("request_human", Topic.LEGAL_AID)


def test_named_service_only_when_one_is_named():
    assert named_service("你好 我想问调解") is Topic.MEDIATION
    assert named_service("调解和复议有什么区别") is None
    assert named_service("你好") is None
