"""What a citizen asks about a service (cost, where, how long…), read by rules.

The model decides the service; these words decide which of its answers fits. They are
surer than a model here: "要钱吗" asks the cost in any story.
"""

from __future__ import annotations

import re

from bot.types import Topic

_COST = r"收费|收钱|要钱|花钱|交钱|交费|缴费|费用|免费|多少钱|要不要钱|给钱吗|贵不贵"

# Checked in order: the first that matches wins (a refusal outranks "what next").
_RULES: dict[Topic, tuple[tuple[str, str], ...]] = {
    Topic.MEDIATION: (
        (
            "failed",
            r"调解不成|没调成|调不成|调解失败|谈不拢|不愿意调解|不同意调解|拒绝调解|不肯调解|不来调解|对方不来|不满意.{0,6}调解员|换.{0,2}调解员",
        ),
        (
            "effect",
            r"效力|有效|管用|算数|算不算数|反悔|不履行|不认账|司法确认|法律效力|不执行|签了.{0,8}(协议|字)",
        ),
        ("cost", _COST),
        ("time", r"多久|多长时间|几天|多少天|期限|时效|来得及|拖"),
        (
            "apply",
            r"怎么申请|如何申请|申请|去哪|到哪|找谁|哪里|材料|带什么|手续|流程|步骤|怎么办理|怎么找",
        ),
    ),
    Topic.LEGAL_AID: (
        (
            "refused",
            r"不批|不予|拒绝|驳回|不给.{0,4}援助|没通过|不符合|换.{0,2}律师|律师.{0,6}(不负责|不管|不尽责)",
        ),
        ("cost", _COST + r"|输了"),
        ("time", r"多久|多长时间|几天|多少天|审查.{0,4}时间|什么时候"),
        (
            "apply",
            r"怎么申请|如何申请|去哪|到哪|找谁|哪里|材料|带什么|手续|流程|步骤|怎么办理|代.{0,2}申请",
        ),
        ("eligibility", r"条件|符合|资格|能不能申请|可以申请|能申请|够不够|收入|标准|算不算"),
    ),
    Topic.ADMIN_REVIEW: (
        (
            "refused",
            r"不受理|驳回|不予受理|维持|复议决定.{0,6}不服|不服.{0,6}复议决定|复议.{0,6}(输|没用|不满意)",
        ),
        ("effect", r"停止执行|暂缓|还要交|还用交|先交|结果|撤销|变更|有什么用|管用"),
        ("cost", _COST),
        ("deadline", r"多久|多长时间|几天|多少天|期限|时效|过期|来得及|还能|60天|六十天|超过"),
        (
            "apply",
            r"怎么申请|如何申请|去哪|到哪|找谁|哪里|哪个部门|材料|带什么|手续|流程|步骤|网上|书面|口头|怎么写",
        ),
    ),
}
_COMPILED = {
    topic: tuple((aspect, re.compile(pattern)) for aspect, pattern in rules)
    for topic, rules in _RULES.items()
}
# A story without a question word gets the service's overview (legal aid: who qualifies).
DEFAULT = {Topic.MEDIATION: "what", Topic.LEGAL_AID: "eligibility", Topic.ADMIN_REVIEW: "what"}


def aspect_of(topic: Topic, text: str) -> str | None:
    """The aspect of a service the text asks about; None for `other`."""
    rules = _COMPILED.get(topic)
    if rules is None:
        return None
    for aspect, pattern in rules:
        if pattern.search(text):
            return aspect
    return DEFAULT[topic]


# Every aspect the rules can give, per service: each needs its answer card.
ASPECTS: dict[Topic, tuple[str, ...]] = {
    topic: tuple(dict.fromkeys([*(a for a, _ in rules), DEFAULT[topic]]))
    for topic, rules in _RULES.items()
}
