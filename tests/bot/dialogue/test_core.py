import asyncio

import pytest

from actions.reply import Responder
from bot.dialogue.core import DialogueCore
from bot.dialogue.state import MemoryStateStore
from bot.types import Topic
from tests.bot.dialogue.fakes import TableNLU

TABLE = {
    "法援要什么条件": ("legal_aid_eligibility", Topic.LEGAL_AID),
    "复议要钱吗": ("admin_review_cost", Topic.ADMIN_REVIEW),
}


@pytest.fixture
def core(answerer):
    return DialogueCore(TableNLU(TABLE), Responder(answerer), MemoryStateStore())


async def test_eligibility_answer_offers_the_pre_check(core):
    turn = await core.handle_text("法援要什么条件", "c1")
    assert "check:start" in [b.payload for b in turn.replies[-1].buttons]


async def test_form_can_be_left_for_a_question_and_resumed(core):
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
    first = DialogueCore(TableNLU(TABLE), Responder(answerer), store)
    await first.handle_button("check:start", "c9")
    await first.handle_button("check:matter:listed", "c9")
    second = DialogueCore(TableNLU(TABLE), Responder(answerer), store)
    turn = await second.handle_text("都不是", "c9")
    assert "（3/3）" in turn.replies[0].text


async def test_conversations_do_not_share_forms(core):
    await core.handle_button("check:start", "a")
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
    assert len(core._serial) == 0


async def test_bot_says_nothing_while_a_human_holds_the_conversation(core):
    states = core._states
    await states.put("c9", (await states.get("c9")).with_(human="operator-1", handoff=1))
    assert (await core.handle_text("复议要钱吗", "c9")).replies == []
    assert (await core.handle_button("intent:legal_aid_time", "c9")).replies == []
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
