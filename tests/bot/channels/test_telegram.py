import asyncio
import contextlib
import time

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from actions.reply import Responder
from bot import texts
from bot.channels.telegram import TelegramChannel
from bot.chat import ChatService
from bot.dialogue.core import DialogueCore
from bot.dialogue.state import Conversations
from bot.settings import Settings
from bot.storage.conversations import DbStateStore
from bot.storage.db import make_engine, migrate, sessionmaker
from bot.types import Inbound, Topic
from tests.bot.dialogue.fakes import TableNLU
from tests.fakes.telegram_api import FakeTelegram

CHAT = 1001
TABLE = {
    "复议要钱吗": ("admin_review_cost", Topic.ADMIN_REVIEW),
    "都不是": ("deny", Topic.OTHER),
    "复议的事情": ("admin_review", Topic.ADMIN_REVIEW),
}


@pytest.fixture
async def fake():
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    await migrate(engine)
    yield engine
    await engine.dispose()


def settings_for(fake, **changes):
    return Settings(
        rasa_url=None,
        rasa_token=None,
        telegram_bot_token=fake.token,
        telegram_api_url=fake.base_url.removesuffix("/bot"),
        telegram_poll_timeout=1,
        _env_file=None,
        **changes,
    )


def chat_service(engine, answerer, nlu=None):
    sessions = sessionmaker(engine)
    core = DialogueCore(
        nlu or TableNLU(TABLE), Responder(answerer), Conversations(DbStateStore(sessions))
    )
    return ChatService(core, sessions)


@contextlib.asynccontextmanager
async def running(fake, engine, answerer, nlu=None, **changes):
    channel = TelegramChannel(settings_for(fake, **changes), chat_service(engine, answerer, nlu))
    await channel.start()
    try:
        yield channel
    finally:
        await channel.stop()


@pytest.fixture
async def bot(fake, engine, answerer):
    async with running(fake, engine, answerer) as channel:
        yield channel


async def test_start_greets_with_privacy_notice_and_menu(fake, bot):
    fake.command(CHAT, "/start")
    [call] = await fake.wait_for_messages(CHAT, 1)
    assert call.params["parse_mode"] == "HTML"
    assert "隐私说明" in call.text and "人民调解" in call.text
    rows = call.params["reply_markup"]["inline_keyboard"]
    labels = [b["text"] for row in rows for b in row]
    assert labels == ["人民调解", "法律援助", "行政复议", "转人工"]
    assert [c["command"] for c in fake.calls("setMyCommands")[0].params["commands"]] == [
        "start", "menu", "help", "forget",
    ]  # fmt: skip


async def test_question_gets_a_cited_answer_and_a_button_press_works(fake, bot):
    fake.message(CHAT, "复议要钱吗")
    [answer] = await fake.wait_for_messages(CHAT, 1)
    assert "<i>依据：" in answer.text and "第八十七条" in answer.text
    assert len(answer.text.split("<i>")[0]) <= 200  # the answer fits a phone screen
    fake.callback(CHAT, "more:admin_review.cost")
    [edit] = await fake.wait_for(lambda f: f.calls("editMessageText"))
    assert edit.params["message_id"] == answer.result["message_id"]
    expanded = edit.params["text"]
    assert expanded.startswith(answer.text.split("\n\n<i>")[0])
    assert "第八十七条：“" in expanded and expanded.rstrip().endswith("</i>")  # sources last
    related = [b["callback_data"] for row in edit.params["reply_markup"]["inline_keyboard"]
               for b in row]  # fmt: skip
    assert any(p.startswith("entry:") for p in related) and len(related) <= 4
    fake.callback(CHAT, next(p for p in related if p.startswith("entry:")))
    messages = await fake.wait_for_messages(CHAT, 2)
    assert messages[1].text != answer.text
    await fake.wait_for(lambda f: f.calls("answerCallbackQuery"))


async def test_a_vague_question_gets_a_choice_whose_buttons_answer(fake, bot):
    fake.message(CHAT, "复议的事情")
    [choice] = await fake.wait_for_messages(CHAT, 1)
    assert choice.text.startswith("您是想问")
    offered = [b["callback_data"] for row in choice.params["reply_markup"]["inline_keyboard"]
               for b in row]  # fmt: skip
    assert 3 <= len(offered) <= 4 and offered[-1] == "human"
    fake.callback(CHAT, offered[0])
    messages = await fake.wait_for_messages(CHAT, 2)
    assert "依据：" in messages[1].text and len(messages[1].text.split("<i>")[0]) <= 200
    fake.callback(CHAT, offered[0], message_id=choice.result["message_id"])  # pressed again
    messages = await fake.wait_for_messages(CHAT, 3)
    assert "已经回答过了" in messages[2].text


async def test_photo_and_other_media_get_a_request_for_text(fake, bot):
    fake.photo(CHAT)
    fake.voice(CHAT)
    fake.location(CHAT)
    messages = await fake.wait_for_messages(CHAT, 3)
    assert all("文字" in m.text for m in messages)


async def test_a_5000_character_message_gets_one_reply(fake, bot):
    fake.message(CHAT, "我家邻居" + "天天半夜吵闹，" * 700)
    await fake.wait_for_messages(CHAT, 1)
    await asyncio.sleep(0.3)
    assert len(fake.messages_to(CHAT)) == 1
    assert all(len(t) <= 4096 for t in fake.texts_to(CHAT))


async def test_an_update_delivered_twice_is_answered_once(fake, bot):
    update = fake.message(CHAT, "复议要钱吗")
    await fake.wait_for_messages(CHAT, 1)
    fake.redeliver(update)
    fake.message(CHAT, "都不是")
    messages = await fake.wait_for_messages(CHAT, 2)
    await asyncio.sleep(0.3)
    assert len(fake.messages_to(CHAT)) == 2
    assert "第八十七条" not in messages[1].text


async def test_a_429_delays_the_reply_which_arrives_once(fake, bot):
    fake.fail_next("sendMessage", status=429, retry_after=1)
    asked = time.monotonic()
    fake.message(CHAT, "复议要钱吗")
    [answer] = await fake.wait_for_messages(CHAT, 1, timeout=15)
    assert answer.at - asked >= 1.0
    assert len(fake.calls("sendMessage", ok=False)) == 1
    await asyncio.sleep(0.3)
    assert len(fake.messages_to(CHAT)) == 1


async def test_a_reply_telegram_refused_is_sent_again_later(fake, engine, answerer):
    async with running(fake, engine, answerer, telegram_retry_seconds=0.5):
        # The Bot API fails for two seconds: the answer and the apology both fail.
        fake.fail_all("sendMessage", status=502, until=time.monotonic() + 2, retry_after=None)
        fake.message(CHAT, "复议要钱吗")
        await fake.wait_for(
            lambda f: any("第八十七条" in (c.text or "") for c in f.messages_to(CHAT)), timeout=20
        )
        await asyncio.sleep(1.5)  # a few more retry rounds: nothing is sent twice
        answers = [c for c in fake.messages_to(CHAT) if "第八十七条" in (c.text or "")]
        assert len(answers) == 1


async def test_edited_message_is_handled_as_new_text(fake, bot):
    update = fake.message(CHAT, "你好呀")
    await fake.wait_for_messages(CHAT, 1)
    fake.edited_message(CHAT, update["message"]["message_id"], "复议要钱吗")
    messages = await fake.wait_for_messages(CHAT, 2)
    assert "第八十七条" in messages[1].text


async def test_in_groups_the_bot_answers_only_when_addressed(fake, bot):
    group = -5001
    fake.message(group, "复议要钱吗", chat_type="group", user_id=7)
    fake.message(group, "@hotline_test_bot 复议要钱吗", chat_type="group", user_id=7)
    [answer] = await fake.wait_for_messages(group, 1)
    assert "第八十七条" in answer.text and "私聊" in answer.text
    await asyncio.sleep(0.3)
    assert len(fake.messages_to(group)) == 1


async def test_in_a_group_one_member_cannot_press_anothers_answer_buttons(fake, bot):
    group = -5002
    fake.message(group, "@hotline_test_bot 复议要钱吗", chat_type="group", user_id=7)
    [answer] = await fake.wait_for_messages(group, 1)
    more = next(b["callback_data"] for row in answer.params["reply_markup"]["inline_keyboard"]
                for b in row if b["callback_data"].startswith("more:"))  # fmt: skip
    fake.callback(group, more, message_id=answer.result["message_id"], user_id=8)
    [_, refused] = await fake.wait_for_messages(group, 2)
    assert refused.text.startswith(texts.BUTTON_EXPIRED)
    assert fake.calls("editMessageText") == []  # member 7's answer is left as it was
    fake.callback(group, more, message_id=answer.result["message_id"], user_id=7)
    [edit] = await fake.wait_for(lambda f: f.calls("editMessageText"))
    assert edit.params["message_id"] == answer.result["message_id"]


async def test_citizen_text_is_escaped_in_html(fake, bot):
    fake.message(CHAT, "<b>你好</b> & <a href='x'>")
    [reply] = await fake.wait_for_messages(CHAT, 1)
    assert "<b>" not in reply.text


async def test_restart_in_the_middle_of_the_legal_aid_form_resumes(fake, engine, answerer):
    async with running(fake, engine, answerer):
        fake.command(CHAT, "/start")
        await fake.wait_for_messages(CHAT, 1)
        fake.callback(CHAT, "topic:legal_aid", strict=False)  # its answer offers the check
        await fake.wait_for_messages(CHAT, 2)
        fake.callback(CHAT, "check:start", strict=False)
        assert "（1/3）" in (await fake.wait_for_messages(CHAT, 3))[2].text
        fake.callback(CHAT, "check:matter:listed")
        assert "（2/3）" in (await fake.wait_for_messages(CHAT, 4))[3].text
    async with running(fake, engine, answerer):
        fake.message(CHAT, "都不是")
        assert "（3/3）" in (await fake.wait_for_messages(CHAT, 5))[4].text


async def test_stored_but_unanswered_updates_are_answered_at_start(fake, engine, answerer):
    update = fake.message(CHAT, "复议要钱吗")
    fake._pending.clear()  # Telegram already handed it over; the bot died after storing it
    chat = chat_service(engine, answerer)
    stored = Inbound(f"tg:{CHAT}", "telegram", f"update:{update['update_id']}", "text",
                     "复议要钱吗", update)  # fmt: skip
    assert await chat.accept(stored)
    async with running(fake, engine, answerer):
        [answer] = await fake.wait_for_messages(CHAT, 1)
    assert "第八十七条" in answer.text


async def test_a_failing_turn_still_gets_a_reply(fake, engine, answerer):
    class BrokenNLU:
        async def understand(self, text):
            raise RuntimeError("boom")

    async with running(fake, engine, answerer, nlu=BrokenNLU()):
        fake.message(CHAT, "复议要钱吗")
        [reply] = await fake.wait_for_messages(CHAT, 1)
    assert reply.text == texts.ERROR_SORRY


async def test_webhook_checks_the_secret(fake, engine, answerer):
    async with running(
        fake, engine, answerer, webhook_url="http://127.0.0.1:1/telegram/hook"
    ) as channel:
        app = web.Application()
        app.router.add_post(channel.webhook_path, channel.webhook)
        async with TestClient(TestServer(app)) as client:
            hook = str(client.make_url(channel.webhook_path))
            assert fake.calls("setWebhook")[0].params["secret_token"] == channel.secret
            citizen = {"id": CHAT, "is_bot": False, "first_name": "测"}
            chat = {"id": CHAT, "type": "private"}
            message = {"message_id": 1, "date": 0, "chat": chat, "from": citizen}
            update = {"update_id": 900, "message": {**message, "text": "复议要钱吗"}}
            assert await fake.post_to_webhook(dict(update), url=hook, secret=None) == 403
            assert await fake.post_to_webhook(dict(update), url=hook, secret="wrong") == 403  # noqa: S106
            await asyncio.sleep(0.3)
            assert fake.messages_to(CHAT) == []
            assert await fake.post_to_webhook(dict(update), url=hook) == 200
            [answer] = await fake.wait_for_messages(CHAT, 1)
            assert "第八十七条" in answer.text
            response = await client.post(
                channel.webhook_path,
                data=b"{oops",
                headers={"X-Telegram-Bot-Api-Secret-Token": channel.secret},
            )
            assert response.status == 400
