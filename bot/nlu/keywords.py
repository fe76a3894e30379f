"""Keyword routing: the fallback when the model is unavailable, and service names in text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.types import Topic

# Words that name a service outright (typos citizens make included).
SERVICE_NAMES: dict[Topic, re.Pattern[str]] = {
    Topic.MEDIATION: re.compile(r"人民调解|调解|调委会|调节员|调处"),
    Topic.LEGAL_AID: re.compile(r"法律援助|法援|法律援主|援助律师|免费律师|免费的律师"),
    Topic.ADMIN_REVIEW: re.compile(r"行政复议|复议|复意|行政覆议"),
}

# Weighted signals for routing without the model: the service names count most.
_SIGNALS: dict[Topic, list[tuple[str, int]]] = {
    Topic.MEDIATION: [
        (r"调解|调委会|调处|说和|劝和|评理|和解", 3),
        (r"邻居|邻里|楼上|楼下|物业|宅基地|地界|赡养|婆媳|兄弟|分家|漏水|噪音|纠纷|吵架|矛盾", 1),
    ],
    Topic.LEGAL_AID: [
        (r"法律援助|法援|援助律师|免费律师|请不起律师|请不起|没钱请律师", 3),
        (r"律师|辩护|看守所|低保|困难|残疾|讨薪|欠薪|工钱|打官司", 1),
    ],
    Topic.ADMIN_REVIEW: [
        (r"复议|复意", 3),
        (r"罚款|罚单|处罚|城管|强拆|拆迁|吊销|行政拘留|拘留|执法|决定书|不予公开|政府信息公开", 2),
        (r"罚了|交警|市场监管|环保局|派出所|政府|征收|工伤认定", 1),
    ],
}
_COMPILED = {
    topic: [(re.compile(pattern), weight) for pattern, weight in signals]
    for topic, signals in _SIGNALS.items()
}

# Checked first and in this order: safety before anything else.
_META: list[tuple[str, re.Pattern[str]]] = [
    (
        "emergency",
        re.compile(
            r"救命|杀了我|要杀|砍人|拿刀|拿着刀|自杀|不想活|活不下去|轻生|跳楼|正在打我|快来人|"
            r"流了好多血|流血不止|昏过去|晕过去|不省人事|着火了|煤气泄漏|喝了农药"
        ),
    ),
    ("request_human", re.compile(r"人工|真人|客服|接线员|工作人员")),
    ("thanks", re.compile(r"^(谢谢|多谢|感谢|谢了|thank)", re.IGNORECASE)),
    ("goodbye", re.compile(r"^(再见|拜拜|bye)", re.IGNORECASE)),
    ("greet", re.compile(r"^(你好|您好|在吗|在不在|hello|hi\b|哈喽)", re.IGNORECASE)),
]


@dataclass(frozen=True, slots=True)
class KeywordGuess:
    """A routing decision made without the model."""

    intent: str
    topic: Topic
    score: int


def named_service(text: str) -> Topic | None:
    """The service the text names outright, if exactly one is named."""
    named = [topic for topic, pattern in SERVICE_NAMES.items() if pattern.search(text)]
    return named[0] if len(named) == 1 else None


def route(text: str) -> KeywordGuess:
    """Best guess of intent and topic from keywords alone (text already normalised)."""
    for intent, pattern in _META[:2]:
        if pattern.search(text):
            return KeywordGuess(intent, named_service(text) or Topic.OTHER, 0)
    scores = {
        topic: sum(weight * len(p.findall(text)) for p, weight in signals)
        for topic, signals in _COMPILED.items()
    }
    topic = max(scores, key=lambda t: scores[t])
    if scores[topic] > 0:
        return KeywordGuess("nlu_fallback", topic, scores[topic])
    for intent, pattern in _META[2:]:
        if pattern.search(text):
            return KeywordGuess(intent, Topic.OTHER, 0)
    return KeywordGuess("nlu_fallback", Topic.OTHER, 0)
