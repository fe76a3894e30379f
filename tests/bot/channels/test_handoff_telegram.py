"""Handoff end to end over the fake Bot API: citizen on Telegram, operators in a forum group."""

import asyncio
import contextlib

import pytest
from sqlalchemy import select

from actions.reply import Responder
from bot import texts
from bot.channels.registry import CHANNELS
from bot.channels.telegram import TelegramChannel
from bot.chat import ChatService
from bot.dialogue.core import DialogueCore
from bot.dialogue.state import Conversations
from bot.handoff import staff_texts as staff
from bot.handoff.config import build_handoff
from bot.handoff.sweep import sweep
from bot.outbox import Outbox
from bot.settings import Settings
from bot.storage.conversations import DbStateStore
from bot.storage.db import make_engine, migrate, sessionmaker
from bot.storage.models import Handoff, HandoffEvent
from bot.types import Topic
from tests.bot.dialogue.fakes import TableNLU
from tests.fakes.clock import FakeClock, china

CITIZEN = 2001
OPS = -1001234567890
ALICE, BOB, STRANGER, MANAGER = 7001, 7002, 7999, 8001
TABLE = {
    "我要找人工": ("request_human", Topic.OTHER),
    "复议要钱吗": ("admin_review_cost", Topic.ADMIN_REVIEW),
    "惠山": ("inform", Topic.OTHER),
    "罚款不服想申请复议": ("admin_review_apply", Topic.ADMIN_REVIEW),
}


@pytest.fixture
async def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    await migrate(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def clock():
    return FakeClock(china(2026, 11, 23, 10))  # a Monday morning, staff at work


def settings_for(fake, **changes):
    values = {
        "rasa_url": None,
        "rasa_token": None,
        "telegram_bot_token": fake.token,
        "telegram_api_url": fake.base_url.removesuffix("/bot"),
        "telegram_poll_timeout": 1,
        "operators_chat_id": OPS,
        "operators": {ALICE: "0231", BOB: "0415"},
        "managers": [MANAGER],
        "handoff_remind_minutes": 10,
        "handoff_escalate_minutes": 30,
        "handoff_sweep_seconds": 3600,
        **changes,
    }
    return Settings(_env_file=None, **values)


@contextlib.asynccontextmanager
async def running(fake, engine, answerer, clock, **changes):
    settings = settings_for(fake, **changes)
    sessions = sessionmaker(engine)
    outbox, conversations = Outbox(sessions), Conversations(DbStateStore(sessions))
    handoff = build_handoff(
        settings, sessions, clock, outbox=outbox, conversations=conversations, channels=CHANNELS
    )
    core = DialogueCore(TableNLU(TABLE), Responder(answerer), conversations, handoff)
    chat = ChatService(core, sessions, outbox, handoff)
    channel = TelegramChannel(settings, chat)
    await channel.start()
    try:
        yield channel
    finally:
        await channel.stop()


@pytest.fixture
async def bot(fake, engine, answerer, clock):
    async with running(fake, engine, answerer, clock) as channel:
        yield channel


async def ask_for_human(fake, chat=CITIZEN):
    """The citizen asks a question, asks for a human and names the district."""
    fake.message(chat, "复议要钱吗")
    await fake.wait_for_messages(chat, 1)
    fake.message(chat, "我要找人工")
    calls = await fake.wait_for_messages(chat, 2)
    assert texts.HANDOFF_ASK_DISTRICT in calls[-1].text
    fake.message(chat, "惠山")
    calls = await fake.wait_for_messages(chat, 3)
    return calls[-1].text


async def topic_summary(fake):
    """The summary post of the first topic, once it is there."""
    [created] = await fake.wait_for(lambda f: f.calls("createForumTopic", ok=True))
    thread = created.result["message_thread_id"]
    calls = await fake.wait_for_messages(OPS, 1)
    return thread, calls[0]


async def claim(fake, summary, user=ALICE):
    fake.callback(OPS, summary.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
                  message_id=summary.result["message_id"], user_id=user)  # fmt: skip


async def rows(engine, model):
    async with sessionmaker(engine)() as session:
        return list((await session.execute(select(model))).scalars())


async def test_full_handoff_with_relay_close_rating_and_bot_again(fake, bot, engine):
    queued = await ask_for_human(fake)
    assert "2026-000001" in queued and texts.HANDOFF_PLACE_FIRST in queued
    thread, summary = await topic_summary(fake)
    [created] = fake.calls("createForumTopic")
    assert created.params["name"] == "2026-000001 行政复议 惠山"
    assert "复议要钱吗" in summary.text and "惠山" in summary.text
    assert "渠道：Telegram" in summary.text  # the registry's label, not the stored name
    assert [b["text"] for b in summary.params["reply_markup"]["inline_keyboard"][0]] == [
        "接单", "转回机器人", "结束",
    ]  # fmt: skip

    await claim(fake, summary)
    calls = await fake.wait_for_messages(CITIZEN, 4)
    assert "热线工作人员 0231" in calls[-1].text

    # Operator -> citizen: text and a photo, under the display number only.
    fake.message(OPS, "您好，我是热线工作人员，请问罚款决定书是哪天收到的？", user_id=ALICE,
                 chat_type="supergroup", message_thread_id=thread)  # fmt: skip
    calls = await fake.wait_for_messages(CITIZEN, 5)
    assert calls[-1].text.startswith("【热线工作人员 0231】") and "哪天收到" in calls[-1].text
    fake.photo(OPS, caption="申请书样式", user_id=ALICE, chat_type="supergroup",
               message_thread_id=thread)  # fmt: skip
    await fake.wait_for(lambda f: [c for c in f.calls("copyMessage", ok=True)
                                   if c.chat_id == CITIZEN])  # fmt: skip

    # Citizen -> operator: text and a photo appear in the topic.
    fake.message(CITIZEN, "上个月5号收到的")
    await fake.wait_for(lambda f: any("上个月5号收到的" in (t or "") for t in f.texts_to(OPS)))
    fake.photo(CITIZEN, caption="决定书")
    await fake.wait_for(lambda f: [c for c in f.calls("copyMessage", ok=True) if c.chat_id == OPS])

    fake.message(OPS, "/close resolved", user_id=ALICE, chat_type="supergroup",
                 message_thread_id=thread)  # fmt: skip
    calls = await fake.wait_for(lambda f: [c for c in f.messages_to(CITIZEN)
                                           if "请为这次服务打个分" in (c.text or "")])  # fmt: skip
    [four] = [b["callback_data"] for row in calls[-1].params["reply_markup"]["inline_keyboard"]
              for b in row if b["text"].startswith("4")]  # fmt: skip
    fake.callback(CITIZEN, four)
    await fake.wait_for(
        lambda f: any(texts.RATING_THANKS in (t or "") for t in f.texts_to(CITIZEN))
    )
    [handoff] = await rows(engine, Handoff)
    assert (handoff.status, handoff.rating, handoff.close_code) == ("closed", 4, "resolved")
    assert handoff.channel == "telegram"
    assert handoff.claimed_by == str(ALICE) and handoff.first_reply_at is not None

    before = len(fake.messages_to(CITIZEN))
    fake.message(CITIZEN, "复议要钱吗")
    calls = await fake.wait_for_messages(CITIZEN, before + 1)
    assert "不要钱" in calls[-1].text or "收取" in calls[-1].text


async def test_bot_is_silent_while_a_human_has_the_conversation(fake, bot):
    await ask_for_human(fake)
    _thread, summary = await topic_summary(fake)
    await claim(fake, summary)
    await fake.wait_for_messages(CITIZEN, 4)
    fake.message(CITIZEN, "复议要钱吗")
    fake.command(CITIZEN, "/menu")
    await fake.wait_for(lambda f: sum("复议要钱吗" in (t or "") for t in f.texts_to(OPS)) >= 2)
    await asyncio.sleep(0.3)
    assert len(fake.messages_to(CITIZEN)) == 4  # nothing of the bot's own


async def test_two_simultaneous_claims_one_wins_and_a_stranger_is_refused(fake, bot, engine):
    await ask_for_human(fake)
    _thread, summary = await topic_summary(fake)
    await claim(fake, summary, user=STRANGER)
    [refused] = await fake.wait_for(lambda f: f.calls("answerCallbackQuery"))
    assert refused.params["text"] == "只有值班工作人员可以操作"
    [handoff] = await rows(engine, Handoff)
    assert handoff.status == "queued" and handoff.claimed_by is None

    await claim(fake, summary, user=ALICE)
    await claim(fake, summary, user=BOB)
    answers = await fake.wait_for(lambda f: len(f.calls("answerCallbackQuery")) >= 3
                                  and f.calls("answerCallbackQuery"))  # fmt: skip
    texts_seen = [c.params.get("text", "") for c in answers[1:]]
    assert sum("已接单" in t for t in texts_seen) == 1
    assert sum("已被 0231 接单" in t for t in texts_seen) == 1
    [handoff] = await rows(engine, Handoff)
    assert handoff.claimed_by == str(ALICE)
    assert [e.kind for e in await rows(engine, HandoffEvent)].count("claim") == 1


async def test_relay_goes_on_after_a_restart(fake, engine, answerer, clock):
    async with running(fake, engine, answerer, clock):
        await ask_for_human(fake)
        thread, summary = await topic_summary(fake)
        await claim(fake, summary)
        await fake.wait_for_messages(CITIZEN, 4)
    async with running(fake, engine, answerer, clock):
        fake.message(OPS, "重启后还在吗", user_id=ALICE, chat_type="supergroup",
                     message_thread_id=thread)  # fmt: skip
        calls = await fake.wait_for_messages(CITIZEN, 5)
        assert "重启后还在吗" in calls[-1].text
        fake.message(CITIZEN, "在的")
        await fake.wait_for(lambda f: any("在的" in (t or "") for t in f.texts_to(OPS)))


async def test_markup_from_a_citizen_reaches_operators_as_plain_text(fake, bot):
    await ask_for_human(fake)
    _thread, summary = await topic_summary(fake)
    await claim(fake, summary)
    await fake.wait_for_messages(CITIZEN, 4)
    nasty = '<a href="http://evil.example">点我</a> <b>粗体</b> **星号** [链接](http://x.example)'
    fake.message(CITIZEN, nasty)
    [relayed] = await fake.wait_for(
        lambda f: [c for c in f.messages_to(OPS) if "点我" in (c.text or "")]
    )
    assert relayed.params.get("parse_mode") is None
    assert nasty in relayed.message["text"]
    assert not any(e["type"] in ("text_link", "bold") for e in relayed.message.get("entities", []))


async def test_unclaimed_reminder_after_n_and_escalation_after_m_minutes(fake, bot, clock):
    await ask_for_human(fake)
    await topic_summary(fake)
    handoff = bot.chat.handoff

    def general_posts():
        return [c.text for c in fake.messages_to(OPS) if c.params.get("message_thread_id") is None]

    clock.advance(minutes=9)
    await sweep(handoff)
    assert not general_posts() and not fake.messages_to(MANAGER)
    clock.advance(minutes=1)
    await sweep(handoff)
    assert any("提醒" in t and "2026-000001" in t for t in general_posts())
    clock.advance(minutes=19)
    await sweep(handoff)
    assert not fake.messages_to(MANAGER)
    clock.advance(minutes=1)
    await sweep(handoff)
    [escalation] = fake.messages_to(MANAGER)
    assert "升级" in escalation.text and "2026-000001" in escalation.text
    await sweep(handoff)
    assert len(fake.messages_to(MANAGER)) == 1  # once


async def test_office_hours_messages(fake, engine, answerer, clock):
    cases = [
        (china(2026, 11, 28, 10), "周末", "11月30日（周一）9:00"),  # a Saturday
        (china(2026, 10, 2, 10), "国庆节假期", "10月8日（周四）9:00"),
        (china(2026, 9, 20, 10), "调休上班日", None),  # an adjusted working Sunday
    ]
    for n, (at, why, back) in enumerate(cases):
        clock.at = at
        async with running(fake, engine, answerer, clock):
            chat = CITIZEN + 10 + n
            text = await ask_for_human(fake, chat)
        assert why in text, text
        if back:
            assert back in text and "12348" in text
        else:
            assert "不在岗" not in text


async def test_note_canned_reply_hand_back_and_strangers_in_the_topic(fake, bot, engine):
    assert {j.name for j in bot.application.job_queue.jobs()} == {"_on_sweep", "_on_morning"}
    await ask_for_human(fake)
    thread, summary = await topic_summary(fake)
    await claim(fake, summary)
    await fake.wait_for_messages(CITIZEN, 4)

    def in_topic(text, user=ALICE):
        fake.message(OPS, text, user_id=user, chat_type="supergroup", message_thread_id=thread)

    in_topic("/note 市民情绪激动，注意安抚")
    await fake.wait_for(lambda f: any("备注已保存" in (t or "") for t in f.texts_to(OPS)))
    in_topic("我不是工作人员", user=STRANGER)
    in_topic("/reply wait")
    calls = await fake.wait_for_messages(CITIZEN, 5)
    assert "请您稍等" in calls[-1].text
    in_topic("/bot")
    calls = await fake.wait_for_messages(CITIZEN, 6)
    assert calls[-1].text == texts.HANDOFF_BACK_TO_BOT
    sent = [c.text for c in fake.messages_to(CITIZEN)]
    assert not any("安抚" in t or "我不是工作人员" in t for t in sent)
    events = [(e.kind, e.body) for e in await rows(engine, HandoffEvent)]
    assert ("note", "市民情绪激动，注意安抚") in events
    assert not any(body == "我不是工作人员" for _kind, body in events)
    fake.message(CITIZEN, "复议要钱吗")
    calls = await fake.wait_for_messages(CITIZEN, 7)
    assert "收取" in calls[-1].text or "不要钱" in calls[-1].text


async def test_an_operator_message_that_fails_is_reported_to_the_operator(fake, bot, caplog):
    await ask_for_human(fake)
    thread, summary = await topic_summary(fake)
    await claim(fake, summary)
    await fake.wait_for_messages(CITIZEN, 4)
    fake.block(CITIZEN)  # the citizen blocked the bot: the relay fails
    fake.message(OPS, "您好，请讲", user_id=ALICE, chat_type="supergroup",
                 message_thread_id=thread)  # fmt: skip
    [told] = await fake.wait_for(
        lambda f: [c for c in f.messages_to(OPS) if c.text == staff.NOT_DELIVERED]
    )
    assert told.params["message_thread_id"] == thread
    assert "operators' update" in caplog.text and "Forbidden" in caplog.text


async def test_an_operator_button_that_fails_is_reported_to_the_operator(fake, bot, caplog):
    await ask_for_human(fake)
    _thread, summary = await topic_summary(fake)
    fake.block(CITIZEN)  # telling the citizen of the claim fails
    await claim(fake, summary)
    [answer] = await fake.wait_for(lambda f: f.calls("answerCallbackQuery"))
    assert answer.params["text"] == staff.ACTION_FAILED
    assert answer.params["show_alert"] is True
    assert "operators' update" in caplog.text
