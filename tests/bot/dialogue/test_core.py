import asyncio

import pytest

from actions.reply import Responder
from bot import texts
from bot.dialogue.core import OFFERED_KEPT, DialogueCore
from bot.dialogue.state import Conversations, MemoryStateStore
from bot.types import Topic
from tests.bot.dialogue.fakes import TableNLU

TABLE = {
    "法援要什么条件": ("legal_aid_eligibility", Topic.LEGAL_AID),
    "复议要钱吗": ("admin_review_cost", Topic.ADMIN_REVIEW),
}


@pytest.fixture
def core(answerer):
    return DialogueCore(TableNLU(TABLE), Responder(answerer), Conversations(MemoryStateStore()))


async def shown(core, conversation, *payloads):
    """As if the bot had offered these buttons in the conversation (a button is pressed
    only where it was offered)."""
    await core.update_state(
        conversation, lambda s: s.with_(flow={**s.flow, "offered": list(payloads)})
    )


async def test_eligibility_answer_offers_the_pre_check(core):
    turn = await core.handle_text("法援要什么条件", "c1")
    assert "check:start" in [b.payload for b in turn.replies[-1].buttons]


async def test_form_can_be_left_for_a_question_and_resumed(core):
    await shown(core, "c1", "check:start")
    await core.handle_button("check:start", "c1")
    await core.handle_button("check:matter:listed", "c1")
    detour = await core.handle_text("复议要钱吗", "c1")
    assert "不得向申请人收取任何费用" in detour.replies[-1].text
    assert "check:resume" in [b.payload for b in detour.replies[-1].buttons]
    resumed = await core.handle_button("check:resume", "c1")
    assert "（2/3）" in resumed.replies[0].text
    await core.handle_text("都不是", "c1")
    verdict = await core.handle_text("请不起", "c1")
    assert "初步判断" in verdict.replies[0].text


async def test_state_survives_a_new_core_on_the_same_store(answerer):
    store = MemoryStateStore()
    first = DialogueCore(TableNLU(TABLE), Responder(answerer), Conversations(store))
    await shown(first, "c9", "check:start")
    await first.handle_button("check:start", "c9")
    await first.handle_button("check:matter:listed", "c9")
    second = DialogueCore(TableNLU(TABLE), Responder(answerer), Conversations(store))
    turn = await second.handle_text("都不是", "c9")
    assert "（3/3）" in turn.replies[0].text


async def test_conversations_do_not_share_forms(core):
    await shown(core, "a", "check:start")
    assert "（1/3）" in (await core.handle_button("check:start", "a")).replies[0].text
    turn = await core.handle_text("都不是", "b")
    assert "初步判断" not in turn.replies[-1].text


async def test_turns_of_one_conversation_run_in_order(answerer):
    order = []

    class SlowNLU(TableNLU):
        async def understand(self, text):
            await asyncio.sleep(0.05 if text == "first" else 0)
            order.append(text)
            return await super().understand(text)

    core = DialogueCore(SlowNLU({}), Responder(answerer))
    await asyncio.gather(core.handle_text("first", "same"), core.handle_text("second", "same"))
    assert order == ["first", "second"]


async def test_no_lock_is_kept_for_finished_conversations(core):
    await asyncio.gather(*(core.handle_text("复议要钱吗", f"c{i % 7}") for i in range(50)))
    assert len(core._states._serial) == 0


async def test_bot_says_nothing_while_a_human_holds_the_conversation(core):
    states = core._states
    await states.put("c9", (await states.get("c9")).with_(human="operator-1", handoff=1))
    assert (await core.handle_text("复议要钱吗", "c9")).replies == []
    assert (await core.handle_button("entry:legal_aid.time", "c9")).replies == []
    assert (await core.handle_command("start", "c9")).replies == []
    assert (await core.handle_media("c9")).replies == []


async def test_commands_and_media_get_their_replies(core):
    start = (await core.handle_command("start", "c1")).replies[0]
    assert "隐私说明" in start.text
    assert [b.payload for b in start.buttons] == [
        "topic:mediation", "topic:legal_aid", "topic:admin_review", "human",
    ]  # fmt: skip
    assert "/menu" in (await core.handle_command("nonsense", "c1")).replies[0].text
    assert "文字" in (await core.handle_media("c1")).replies[0].text


async def test_a_follow_up_stays_with_the_service_it_follows(answerer):
    table = {"怎么申请行政复议": ("admin_review", Topic.ADMIN_REVIEW),
             "法律援助怎么申请": ("legal_aid", Topic.LEGAL_AID)}  # fmt: skip
    core = DialogueCore(TableNLU(table), Responder(answerer), Conversations(MemoryStateStore()))
    first = await core.handle_text("怎么申请行政复议", "f1")
    assert first.replies[-1].entry is not None and first.replies[-1].entry.startswith("admin_")
    follow = await core.handle_text("需要带什么材料", "f1")
    assert (follow.replies[-1].entry or "").startswith("admin_review."), follow.replies[-1]
    await core.handle_text("法律援助怎么申请", "f2")
    follow = await core.handle_text("需要带什么材料", "f2")
    assert (follow.replies[-1].entry or "").startswith("legal_aid."), follow.replies[-1]


async def test_an_answered_button_does_not_ask_again(core):
    await shown(core, "s1", "entry:legal_aid.time")
    first = await core.handle_button("entry:legal_aid.time", "s1")
    assert "七日" in first.replies[0].text
    again = await core.handle_button("entry:legal_aid.time", "s1")
    assert again.replies[0].text == texts.STALE_BUTTON


async def test_the_legal_aid_check_starts_from_the_story_told(answerer):
    story = "我是农民工，老板欠了我三个月工资，能申请法律援助吗"
    core = DialogueCore(TableNLU({story: ("legal_aid", Topic.LEGAL_AID)}), Responder(answerer))
    answer = await core.handle_text(story, "k1")
    assert "check:start" in [b.payload for b in answer.replies[-1].buttons]
    check = await core.handle_button("check:start", "k1")
    assert "已经知道" in check.replies[0].text and "免予核查" in check.replies[0].text


async def test_a_button_offered_in_another_conversation_is_refused(core):
    answer = await core.handle_text("复议要钱吗", "a")
    [more] = [b.payload for b in answer.replies[-1].buttons if b.payload.startswith("more:")]
    refused = await core.handle_button(more, "b")
    assert [r.text for r in refused.replies] == [texts.BUTTON_EXPIRED]
    details = await core.handle_button(more, "a")
    assert details.replies[0].entry == more.removeprefix("more:")


async def test_the_first_screen_menu_works_before_any_message(core):
    for payload in ("topic:mediation", "topic:legal_aid", "topic:admin_review", "human"):
        turn = await core.handle_button(payload, f"fresh-{payload}")
        assert turn.replies and turn.replies[0].text != texts.BUTTON_EXPIRED, payload


async def test_a_command_offers_its_buttons_and_a_one_shot_button_is_spent(core):
    refused = await core.handle_button("privacy:forget", "p1")
    assert refused.replies[0].text == texts.BUTTON_EXPIRED and not refused.forget
    await core.handle_command("forget", "p1")
    kept = await core.handle_button("privacy:keep", "p1")
    assert kept.replies[0].text == texts.FORGET_KEPT
    again = await core.handle_button("privacy:keep", "p1")
    assert again.replies[0].text == texts.BUTTON_EXPIRED


async def test_offered_buttons_are_remembered_within_a_bound(core):
    # Follow the newest related question again and again: many distinct buttons offered.
    first = await core.handle_button("topic:admin_review", "c1")
    seen = [b.payload for r in first.replies for b in r.buttons]
    pressed = {"topic:admin_review"}
    for _ in range(100):
        state = await core.state("c1")
        answers = [p for p in state.flow["offered"] if p.startswith(("entry:", "more:"))]
        fresh = [p for p in answers if p not in pressed]
        if not fresh or len(dict.fromkeys(seen)) > 2 * OFFERED_KEPT:
            break
        pressed.add(fresh[-1])
        turn = await core.handle_button(fresh[-1], "c1")
        assert turn.replies[0].text != texts.BUTTON_EXPIRED
        seen += [b.payload for r in turn.replies for b in r.buttons]
    offered = (await core.state("c1")).flow["offered"]
    assert len(dict.fromkeys(seen)) > OFFERED_KEPT and len(offered) == OFFERED_KEPT
    dropped = next(p for p in seen if p not in offered and p not in pressed)
    assert (await core.handle_button(dropped, "c1")).replies[0].text == texts.BUTTON_EXPIRED
