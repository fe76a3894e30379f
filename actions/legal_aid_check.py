"""The legal-aid pre-check: three questions, then a plain verdict (法律援助法).

A pure state machine: the state is a small dict the dialogue core stores between turns,
so the citizen can leave the form at any point and resume it, even after a restart.
"""

from __future__ import annotations

import re
from typing import Any

from bot import texts
from bot.types import Button, Reply

FORM = "legal_aid_check"
Step = dict[str, Any]

MATTERS = {
    "criminal": (
        "刑事案件（本人或家人被抓、被起诉）",
        r"刑事|抓|拘留|看守所|判刑|起诉我|辩护|逮捕|批捕",
    ),
    "listed": (
        "讨薪、工伤、赡养抚养费、事故赔偿、社保救助、国家赔偿等",
        r"工资|工钱|欠薪|讨薪|劳动|工伤|赡养|抚养|扶养|交通事故|医疗事故|食品|药品|社保|社会保险|"
        r"低保|救助|抚恤|国家赔偿|环境污染",
    ),
    "abuse": ("遭受家暴、虐待或遗弃", r"家暴|家庭暴力|虐待|遗弃|打我"),
    "other": ("其他事情", r"其他|别的|都不是"),
}
GROUPS = {
    "exempt_group": ("无固定生活来源的未成年人、老年人或残疾人", r"未成年|老人|老年|残疾"),
    "relief": ("低保、特困等社会救助或优抚对象", r"低保|特困|救助|优抚"),
    "migrant": ("讨薪或工伤赔偿的进城务工人员", r"农民工|务工|打工"),
    "special": ("英雄烈士近亲属或见义勇为", r"烈士|见义勇为"),
    "none": ("都不是", r"都不是|不是|没有|普通"),
}
MEANS = {
    "cannot": ("请不起律师", r"请不起|没钱|困难|穷|拿不出"),
    "can": ("请得起", r"请得起|有钱|付得起"),
    "unsure": ("说不清", r"说不清|不知道|不清楚|不确定"),
}
_QUESTIONS = [
    ("matter", texts.CHECK_ASK_MATTER, MATTERS),
    ("group", texts.CHECK_ASK_GROUP, GROUPS),
    ("means", texts.CHECK_ASK_MEANS, MEANS),
]
_LEAVE = re.compile(r"^(算了|不问了|不用了|退出|取消|结束|不测了)")


def _ask(step: int) -> Reply:
    key, question, options = _QUESTIONS[step]
    buttons = [Button(label, f"check:{key}:{value}") for value, (label, _) in options.items()]
    buttons.append(Button(texts.CHECK_LEAVE_BUTTON, "check:leave"))
    return Reply(f"（{step + 1}/3）{question}", tuple(buttons))


# What a citizen's own story can settle before the form asks: facts, never a "no".
_TOLD = {"matter": ("criminal", "listed", "abuse"), "group": ("exempt_group", "relief", "migrant",
         "special"), "means": ("cannot",)}  # fmt: skip


def start(told: str = "") -> tuple[Step | None, list[Reply]]:
    """The form begun from what the citizen already said: only the questions left are asked."""
    answers = {}
    for key, _, options in _QUESTIONS:
        known = {value: options[value] for value in _TOLD[key]}
        value = _match(told, known) if told else None
        if value is not None:
            answers[key] = value
    state, reply = _proceed(answers)
    lead = [texts.CHECK_INTRO]
    if answers:
        labels = "；".join(options[answers[k]][0] for k, _, options in _QUESTIONS if k in answers)
        lead.append(texts.CHECK_ALREADY_TOLD.format(facts=labels))
    return state, [Reply("\n\n".join([*lead, reply.text]), reply.buttons, reply.sources)]


def _proceed(answers: dict[str, str]) -> tuple[Step | None, Reply]:
    """The verdict once the answers settle it, else the first question not yet answered."""
    matter, group = answers.get("matter"), answers.get("group")
    # A criminal case, abuse, or a group spared the means check needs no more questions.
    settled = (
        matter in {"criminal", "abuse"}
        or group in {"exempt_group", "relief", "special"}
        or (group == "migrant" and matter == "listed")
        or all(key in answers for key, _, _ in _QUESTIONS)
    )
    if settled:
        return None, verdict(answers)
    step = next(i for i, (key, _, _) in enumerate(_QUESTIONS) if key not in answers)
    return {"step": step, "answers": answers}, _ask(step)


def resume(state: Step) -> Reply:
    """The question the citizen stopped at."""
    return _ask(int(state["step"]))


def _match(text: str, options: dict[str, tuple[str, str]]) -> str | None:
    for value, (label, pattern) in options.items():
        if text == label or re.search(pattern, text):
            return value
    return None


def understands(state: Step, text: str) -> bool:
    """Whether free text answers the open question (or leaves the form)."""
    if _LEAVE.match(text.strip()):
        return True
    _, _, options = _QUESTIONS[int(state["step"])]
    return _match(text.strip(), options) is not None


def answer(state: Step, given: str) -> tuple[Step | None, list[Reply]]:
    """Take one answer (a button payload or free text); None as state ends the form."""
    if given == "check:leave" or _LEAVE.match(given.strip()):
        return None, [Reply(texts.CHECK_LEFT)]
    step = int(state["step"])
    key, _, options = _QUESTIONS[step]
    value = given.split(":")[-1] if given.startswith(f"check:{key}:") else _match(given, options)
    if value not in options:
        return state, [Reply(texts.CHECK_NOT_UNDERSTOOD), _ask(step)]
    following, reply = _proceed({**state["answers"], key: value})
    return following, [reply]


def verdict(answers: dict[str, str]) -> Reply:
    """The plain verdict with what to bring, where to go and how long it takes."""
    matter, group, means = answers.get("matter"), answers.get("group"), answers.get("means")
    if matter == "criminal":
        head = texts.CHECK_CRIMINAL
    elif matter == "abuse" or group == "special":
        head = texts.CHECK_NO_MEANS_TEST
    elif matter == "other":
        head = texts.CHECK_NOT_LISTED
    elif group in {"exempt_group", "relief"} or (group == "migrant" and matter == "listed"):
        head = texts.CHECK_EXEMPT_PROOF
    elif means == "can":
        head = texts.CHECK_CAN_AFFORD
    else:
        head = texts.CHECK_DEPENDS
    parts = [head]
    if matter != "other":
        parts.append(texts.CHECK_HOW)
    parts.append(texts.CASE_NOTICE)
    buttons = (
        Button(texts.CHECK_APPLY_BUTTON, "entry:legal_aid.apply_where"),
        Button(texts.HUMAN_BUTTON, "human:intake"),
    )
    return Reply("\n\n".join(parts), buttons, ("《中华人民共和国法律援助法》",))
