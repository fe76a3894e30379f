"""The fake Telegram Bot API, driven by a real python-telegram-bot `Bot`."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
import warnings

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter

from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123:ABC"  # noqa: S105
SECRET = "s3cret_ok"  # noqa: S105
WRONG_SECRET = "wrong"  # noqa: S105


@pytest.fixture
async def fake():
    async with FakeTelegram(token=TOKEN, username="hotline_test_bot") as server:
        yield server


@pytest.fixture
async def bot(fake):
    async with Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as ptb_bot:
        yield ptb_bot


def _seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def test_get_me(fake, bot):
    me = await bot.get_me()
    assert fake.base_url.startswith("http://127.0.0.1:")
    assert fake.base_url.endswith("/bot")
    assert me.id == 123
    assert me.is_bot
    assert me.username == "hotline_test_bot"
    assert fake.bot_user == {
        "id": 123,
        "is_bot": True,
        "first_name": fake.bot_user["first_name"],
        "username": "hotline_test_bot",
    }
    # Bot.initialize() called getMe too.
    assert [c.method for c in fake.calls("getMe")] == ["getMe", "getMe"]


async def test_wrong_token_is_unauthorized(fake):
    intruder = Bot("999:WRONG", base_url=fake.base_url)
    with pytest.raises(InvalidToken, match=r"(?i)rejected"):
        await intruder.initialize()
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{fake.base_url}999:WRONG/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with session.post(f"{fake.base_url}{TOKEN}/noSuchMethod") as response:
            assert response.status == 404
            assert (await response.json())["description"] == "Not Found"
        # Method names are case-insensitive; a JSON body works too.
        async with session.post(
            f"{fake.base_url}{TOKEN}/SENDMESSAGE", json={"chat_id": 5, "text": "42"}
        ) as response:
            body = await response.json()
            assert body["ok"] and body["result"]["text"] == "42"
    assert fake.calls("sendMessage")[0].params == {"chat_id": 5, "text": "42"}


async def test_send_and_record(fake, bot):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("申请法律援助", callback_data="aid")]])
    first = await bot.send_message(
        1001,
        "<b>您好</b>，请问 &lt;有什么&gt; 可以帮您？",
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
    )
    second = await bot.send_message(1001, "42")
    other = await bot.send_message(2002, "另一位")
    reply = await bot.send_message(1001, "补充", reply_to_message_id=second.message_id)
    assert reply.reply_to_message.text == "42"
    assert fake.calls("sendmessage")[-1].params["reply_parameters"] == {"message_id": 2}

    assert first.text == "您好，请问 <有什么> 可以帮您？"
    assert first.entities[0].type == "bold"
    assert (first.entities[0].offset, first.entities[0].length) == (0, 2)
    assert first.reply_markup == markup
    assert first.from_user.id == 123
    assert first.chat.id == 1001
    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)

    calls = await fake.wait_for_messages(1001, 2)
    assert [c.params["text"] for c in calls] == [
        "<b>您好</b>，请问 &lt;有什么&gt; 可以帮您？",
        "42",  # a string parameter stays a string
        "补充",
    ]
    assert calls[0].params["chat_id"] == 1001
    assert calls[0].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "aid"
    assert calls[0].message["message_id"] == 1
    assert fake.texts_to(2002) == ["另一位"]
    assert all(c.ok and c.status == 200 for c in fake.sent)
    assert fake.sent[-1].at >= fake.sent[0].at


async def test_validation_like_telegram(fake, bot):
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(1, "<b>未闭合", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)Unsupported start tag"):
        await bot.send_message(1, "a <br> b", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(1, "法" * 4097)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="调解" * 11)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(1, "hi", reply_markup=too_long)
    sent = await bot.send_message(1, "hi")
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("hi", chat_id=1, message_id=sent.message_id)
    edited = await bot.edit_message_text("hello", chat_id=1, message_id=sent.message_id)
    assert edited.text == "hello"
    assert edited.edit_date is not None
    assert [c.status for c in fake.calls("sendMessage")] == [400, 400, 400, 400, 200]
    assert len(fake.messages_to(1)) == 1
    fake.block(1)
    with pytest.raises(Forbidden, match=r"(?i)blocked"):
        await bot.send_message(1, "还在吗？")


async def test_long_poll_returns_queued_message_and_offset_confirms(fake, bot):
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    assert not poll.done()
    started = time.monotonic()
    update = fake.message(1001, "我要离婚，孩子归谁？", first_name="张三")
    [received] = await poll
    assert time.monotonic() - started < 1
    assert received.update_id == update["update_id"]
    assert received.message.text == "我要离婚，孩子归谁？"
    assert received.message.from_user.first_name == "张三"
    assert received.message.chat.type == "private"

    # Without an offset the update is delivered again; an offset past it confirms it.
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [received.update_id]
    assert await bot.get_updates(offset=received.update_id + 1, timeout=0) == ()
    assert fake.pending_update_count == 0
    assert fake.calls("getUpdates") == []  # polling is not recorded

    # limit, and message ids increasing per chat
    for i in range(3):
        fake.message(1001, f"第{i}条")
    batch = await bot.get_updates(offset=received.update_id + 1, limit=2, timeout=0)
    assert [u.message.message_id for u in batch] == [2, 3]


async def test_long_poll_times_out_empty(fake, bot):
    started = time.monotonic()
    assert await bot.get_updates(timeout=0.2) == ()
    assert 0.15 < time.monotonic() - started < 2


async def test_redeliver(fake, bot):
    update = fake.message(1001, "咨询")
    [first] = await bot.get_updates(timeout=0)
    assert await bot.get_updates(offset=first.update_id + 1, timeout=0) == ()
    fake.redeliver(update)
    [duplicate] = await bot.get_updates(offset=first.update_id + 1, timeout=1)
    assert duplicate.update_id == first.update_id
    assert duplicate.message.message_id == first.message.message_id


async def test_429_is_retry_after(fake, bot):
    fake.fail_next("sendMessage", status=429, retry_after=2)
    # PTB 22 warns that RetryAfter.retry_after (an int) will become a timedelta.
    with warnings.catch_warnings(), pytest.raises(RetryAfter) as caught:
        warnings.simplefilter("ignore")
        await bot.send_message(1001, "第一次")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert _seconds(caught.value.retry_after) == 2
    await bot.send_message(1001, "第一次")

    [failed] = fake.calls("sendMessage", ok=False)
    assert failed.status == 429
    assert failed.description == "Too Many Requests: retry after 2"
    assert [c.text for c in fake.messages_to(1001)] == ["第一次"]


async def test_5xx_is_network_error_then_delivered_once(fake, bot):
    fake.fail_next("sendMessage", status=502, count=3)
    for _ in range(3):
        with pytest.raises(NetworkError, match=r"(?i)Bad Gateway") as caught:
            await bot.send_message(1001, "答复")
        assert not isinstance(caught.value, RetryAfter | BadRequest)
    await bot.send_message(1001, "答复")
    assert [c.status for c in fake.calls("sendMessage")] == [502, 502, 502, 200]
    assert len(fake.messages_to(1001)) == 1


async def test_fail_all_until(fake, bot):
    fake.fail_all("sendChatAction", status=500, until=time.monotonic() + 0.2)
    with pytest.raises(NetworkError, match=r"(?i)Internal Server Error"):
        await bot.send_chat_action(1001, "typing")
    await asyncio.sleep(0.25)
    assert await bot.send_chat_action(1001, "typing") is True


async def test_wait_for_timeout_lists_calls(fake, bot):
    await bot.send_message(7, "只有一条")
    with pytest.raises(AssertionError, match=r"(?i)只有一条") as caught:
        await fake.wait_for_messages(7, 2, timeout=0.1)
    assert "2 message(s) to chat 7" in str(caught.value)


async def test_webhook(fake, bot):
    received: list[tuple[str | None, dict]] = []

    async def hook(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        received.append((secret, await request.json()))
        return web.Response(status=200 if secret == SECRET else 403)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    url = f"http://127.0.0.1:{port}/hook"
    try:
        assert await bot.set_webhook(url, secret_token=SECRET)
        info = await bot.get_webhook_info()
        assert info.url == url
        assert fake.calls("setWebhook")[0].params["secret_token"] == SECRET

        update = fake.message(1001, "网页钩子")
        await fake.wait_for(lambda f: f.webhook_deliveries)
        assert received == [(SECRET, update)]
        assert fake.webhook_deliveries[0].status == 200
        with pytest.raises(Conflict, match=r"(?i)webhook is active"):
            await bot.get_updates(timeout=0)

        assert await fake.post_to_webhook(update, secret=WRONG_SECRET) == 403
        assert await fake.post_to_webhook(update, secret=None) == 403
        assert await fake.post_to_webhook(update) == 200
        assert [secret for secret, _ in received[1:]] == [WRONG_SECRET, None, SECRET]

        assert await bot.delete_webhook()
        fake.message(1001, "回到轮询")
        [polled] = await bot.get_updates(timeout=0)
        assert polled.message.text == "回到轮询"
    finally:
        await runner.cleanup()


async def test_forum_topic(fake, bot):
    group = -1001234567890
    fake.message(group, "群里有人吗", chat_type="supergroup", user_id=42)
    topic = await bot.create_forum_topic(group, "张三 · 劳动争议")
    assert topic.name == "张三 · 劳动争议"
    assert topic.icon_color == 0x6FB9F0
    assert topic.message_thread_id > 1

    sent = await bot.send_message(group, "已为您转接", message_thread_id=topic.message_thread_id)
    assert sent.message_thread_id == topic.message_thread_id
    assert sent.is_topic_message
    assert sent.message_id > topic.message_thread_id

    assert await bot.edit_forum_topic(group, topic.message_thread_id, name="张三（已结）")
    assert await bot.close_forum_topic(group, topic.message_thread_id)
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_CLOSED"):
        await bot.send_message(group, "还在吗", message_thread_id=topic.message_thread_id)
    assert await bot.reopen_forum_topic(group, topic.message_thread_id)
    assert fake.topics[(group, topic.message_thread_id)]["name"] == "张三（已结）"

    update = fake.message(
        group, "谢谢", chat_type="supergroup", user_id=42, message_thread_id=topic.message_thread_id
    )
    parsed = Update.de_json(update, bot)
    assert parsed.message.is_topic_message
    assert parsed.message.chat.is_forum
    assert parsed.message.from_user.id == 42


async def test_callback_query(fake, bot):
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("是", callback_data="yes"),
                InlineKeyboardButton("否", callback_data="no"),
            ]
        ]
    )
    sent = await bot.send_message(1001, "是否继续？", reply_markup=markup)
    update = fake.callback(1001, "yes", message_id=sent.message_id)
    parsed = Update.de_json(update, bot)
    query = parsed.callback_query
    assert query.data == "yes"
    assert query.from_user.id == 1001
    assert query.message.message_id == sent.message_id
    assert query.message.reply_markup == markup
    assert query.chat_instance
    assert await query.answer("已收到")
    assert fake.calls("answerCallbackQuery")[0].params == {
        "callback_query_id": query.id,
        "text": "已收到",
    }
    await query.edit_message_reply_markup(None)
    assert fake.messages[(1001, sent.message_id)].get("reply_markup") is None
    with pytest.raises(ValueError, match=r"(?i)no button"):
        fake.callback(1001, "maybe", message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)query ID is invalid"):
        await bot.answer_callback_query("no-such-query")


async def test_citizen_updates_parse(fake, bot):
    group = -4242
    updates = [
        fake.command(1001, "/start ref42"),
        fake.photo(1001, caption="合同照片", data=b"JPEGDATA"),
        fake.document(1001, "起诉状.pdf"),
        fake.voice(1001),
        fake.sticker(1001),
        fake.location(1001),
        fake.contact(1001),
        fake.message(group, "@hotline_test_bot 请问", chat_type="group", user_id=77),
    ]
    updates.append(fake.edited_message(1001, updates[0]["message"]["message_id"], "/start"))
    reply = fake.message(1001, "补充一下", reply_to_message_id=2)
    parsed = [Update.de_json(u, bot) for u in [*updates, reply]]
    ids = [u.update_id for u in parsed]
    assert ids == sorted(set(ids))

    start, photo, document, voice, sticker, location, contact, in_group, edited, replied = parsed
    assert start.message.text == "/start ref42"
    assert start.message.parse_entities() == {start.message.entities[0]: "/start"}
    assert photo.message.caption == "合同照片"
    assert photo.message.photo[-1].width == 1280
    assert document.message.document.file_name == "起诉状.pdf"
    assert voice.message.voice.mime_type == "audio/ogg"
    assert sticker.message.sticker.is_animated is False
    assert location.message.location.latitude == pytest.approx(39.9042)
    assert contact.message.contact.user_id == 1001
    assert in_group.message.chat.id == group
    assert in_group.message.chat.type == "group"
    assert in_group.message.from_user.id == 77
    assert edited.edited_message.text == "/start"
    assert edited.edited_message.edit_date is not None
    assert replied.message.reply_to_message.message_id == 2
    assert [m.message_id for m in (start.message, photo.message, document.message)] == [1, 2, 3]

    # The bot can download what a citizen sent.
    file = await bot.get_file(photo.message.photo[-1].file_id)
    assert await file.download_as_bytearray() == bytearray(b"JPEGDATA")

    polled = await bot.get_updates(timeout=0)
    assert len(polled) == len(parsed)


async def test_upload_photo_and_document(fake, bot):
    photo = await bot.send_photo(1001, b"\x89PNG fake", caption="<i>示意图</i>", parse_mode="HTML")
    assert photo.caption == "示意图"
    assert photo.caption_entities[0].type == "italic"
    document = await bot.send_document(1001, b"%PDF", filename="指南.pdf")
    assert document.document.file_name == "指南.pdf"
    assert document.document.mime_type == "application/pdf"

    photo_call, document_call = fake.messages_to(1001)
    assert photo_call.files["photo"].data == b"\x89PNG fake"
    assert document_call.files["document"].filename == "指南.pdf"
    file = await bot.get_file(document.document.file_id)
    assert await file.download_as_bytearray() == bytearray(b"%PDF")

    again = await bot.send_photo(1001, photo.photo[-1].file_id)
    assert again.photo[-1].file_id == photo.photo[-1].file_id
    copy = await bot.copy_message(2002, from_chat_id=1001, message_id=document.message_id)
    assert fake.messages_to(2002)[0].message["document"]["file_name"] == "指南.pdf"
    assert copy.message_id == 1
    forwarded = await bot.forward_message(2002, from_chat_id=1001, message_id=photo.message_id)
    assert forwarded.forward_origin.sender_user.id == 123


async def test_commands_chat_and_member(fake, bot):
    from telegram import BotCommand

    commands = [BotCommand("start", "开始"), BotCommand("help", "帮助")]
    assert await bot.set_my_commands(commands)
    assert await bot.get_my_commands() == tuple(commands)
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()

    fake.message(1001, "你好", first_name="李四")
    chat = await bot.get_chat(1001)
    assert chat.first_name == "李四"
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_chat(31337)
    member = await bot.get_chat_member(1001, 1001)
    assert member.status == "member"
    fake.set_member_status(-100, 123, "administrator")
    assert (await bot.get_chat_member(-100, 123)).status == "administrator"
    assert await bot.close()
    assert await bot.log_out()


async def test_many_concurrent_chats_are_fast(fake, bot):
    # 200 citizens wait for their replies at once; the bot answers them concurrently.
    # (A raw aiohttp client stands in for the bot here: httpx's pool is the slow part.)
    chats = range(1, 201)
    started = time.monotonic()
    waiting = [asyncio.create_task(fake.wait_for_messages(chat, 1)) for chat in chats]
    for chat in chats:
        fake.message(chat, "谢谢")
    polled = await bot.get_updates(timeout=0)
    assert len(polled) == 100  # Telegram's maximum per call
    url = f"{fake.base_url}{TOKEN}/sendMessage"
    async with aiohttp.ClientSession() as session:

        async def answer(chat: int) -> int:
            form = {"chat_id": str(chat), "text": "您好"}
            async with session.post(url, data=form) as response:
                return response.status

        assert set(await asyncio.gather(*(answer(chat) for chat in chats))) == {200}
    waited = await asyncio.gather(*waiting)
    assert all(len(calls) == 1 for calls in waited)
    assert time.monotonic() - started < 3
