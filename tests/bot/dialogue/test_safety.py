from bot.dialogue import safety
from bot.nlu.danger import detect
from bot.types import NLUResult, Topic


def said(text: str) -> NLUResult:
    danger = detect(text)
    return NLUResult(
        text, "nlu_fallback", 0.5, Topic.OTHER, 0.5, urgent=bool(danger), danger=danger
    )


def test_danger_starts_the_state_and_names_its_kind():
    flow, kind = safety.track({}, said("他拿着菜刀站在我家门口"))
    assert kind == "weapon"
    assert flow[safety.KEY]["kind"] == "weapon"


def test_the_state_lasts_through_quiet_turns_then_ends():
    flow, _ = safety.track({"misses": 1}, said("他拿着菜刀站在我家门口"))
    kinds = []
    for _ in range(safety.QUIET_TURNS + 1):
        flow, kind = safety.track(flow, said("那我应该怎么办"))
        kinds.append(kind)
    assert kinds == ["weapon"] * safety.QUIET_TURNS + [None]
    assert flow == {"misses": 1}  # the rest of the flow is kept


def test_a_follow_up_keeps_it_fresh_and_safety_ends_it():
    flow, _ = safety.track({}, said("他拿着菜刀站在我家门口"))
    for _ in range(safety.QUIET_TURNS):
        flow, kind = safety.track(flow, said("他还在门外 我好怕"))
        assert kind is not None
    assert flow[safety.KEY]["quiet"] == 0
    flow, kind = safety.track(flow, said("警察来了，我现在安全了"))
    assert kind is None and safety.KEY not in flow


def test_no_danger_no_state():
    assert safety.track({}, said("复议要钱吗")) == ({}, None)
