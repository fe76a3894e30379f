"""Citizens' personal data: masked where nobody needs it, gone after retention or /forget."""

import asyncio
import datetime as dt
import logging

from sqlalchemy import func, select

from actions.reply import Responder
from bot import privacy, texts
from bot.channels import telegram
from bot.chat import ChatService
from bot.dialogue.core import DialogueCore
from bot.dialogue.state import Conversations
from bot.logs import MaskingFilter
from bot.mask import mask
from bot.settings import Settings
from bot.storage.conversations import DbStateStore
from bot.storage.db import make_engine, migrate, sessionmaker
from bot.storage.models import Base, Conversation, Message
from bot.types import Inbound
from bot.web import app as web_app
from tests.bot.channels.test_handoff_telegram import (
    CITIZEN,
    OPS,
    ask_for_human,
    claim,
    running,
    topic_summary,
)  # fmt: skip
from tests.bot.dialogue.fakes import TableNLU
from tests.fakes.clock import FakeClock, china

ID = "110101199003074514"  # a valid resident ID number (check digit 4)
MOBILE = "13800138000"
CARD = "6222021234567890128"  # passes the Luhn check
EMAIL = "zhang.san@example.com"


async def stored_text(engine) -> str:
    """Every value of every table, as text."""
    async with sessionmaker(engine)() as session:
        values = []
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                values += [str(v) for v in row]
    return "\n".join(values)


async def rows_of(engine, conversation: str) -> int:
    """How many conversation and message rows a conversation has."""
    async with sessionmaker(engine)() as session:
        total = 0
        for model, column in ((Conversation, Conversation.id), (Message, Message.conversation_id)):
            count = select(func.count()).select_from(model).where(column == conversation)
            total += (await session.execute(count)).scalar_one()
        return total


async def last_answered_text(engine) -> str:
    """The newest citizen text, once its turn is recorded (just after the reply is sent)."""
    query = (
        select(Message.body, Message.status)
        .where(Message.direction == "in", Message.kind == "text")
        .order_by(Message.id.desc())
        .limit(1)
    )
    for _ in range(100):
        async with sessionmaker(engine)() as session:
            body, status = (await session.execute(query)).one()
        if status == "answered":
            return body
        await asyncio.sleep(0.05)
    raise AssertionError("the last message was never recorded as answered")


def test_the_privacy_notice_says_what_the_code_does():
    settings = Settings(_env_file=None, rasa_url=None, rasa_token=None)
    notice = Responder(None, retention_days=settings.privacy_retention_days).to_command("start")
    text = notice[0].text
    assert f"对话停止 {settings.privacy_retention_days} 天后" in text
    # Each kind of number the notice names is one the masking catches.
    samples = {"身份证号": ID, "手机号": MOBILE, "银行卡号": "6222021234567890128",
               "邮箱": "zhang.san@example.com"}  # fmt: skip
    for name, sample in samples.items():
        assert name in text
        assert sample not in mask(f"我的{name}是{sample}")
    # /forget works where the notice is shown.
    assert "/forget" in text
    assert "forget" in telegram.COMMANDS and "forget" in web_app.COMMANDS
    assert Responder(None, retention_days=30).to_command("start")[0].text.count("30 天") == 1


async def test_an_id_number_is_seen_only_by_the_operator_of_an_open_handoff(
    fake, engine, answerer, caplog
):
    caplog.set_level(logging.DEBUG)  # libraries log what they send at this level
    caplog.handler.addFilter(MaskingFilter())  # as `python -m bot` sets its handlers up
    clock = FakeClock(china(2026, 11, 23, 10))
    async with running(fake, engine, answerer, clock):
        await ask_for_human(fake)
        thread, summary = await topic_summary(fake)
        await claim(fake, summary)
        await fake.wait_for_messages(CITIZEN, 4)
        fake.message(CITIZEN, f"我的身份证是{ID}")
        # The operator of the open handoff sees it whole, in the topic.
        await fake.wait_for(lambda f: any(ID in (t or "") for t in f.texts_to(OPS)))
        fake.message(OPS, "/close", user_id=7001, chat_type="supergroup",
                     message_thread_id=thread)  # fmt: skip
        await fake.wait_for(lambda f: any("打个分" in (t or "") for t in f.texts_to(CITIZEN)))

        # After the handoff the bot answers again, and stores the number masked.
        answered = len(fake.texts_to(CITIZEN))
        fake.message(CITIZEN, f"还有，我手机{MOBILE}，身份证{ID}")
        await fake.wait_for_messages(CITIZEN, answered + 1)
        last = await last_answered_text(engine)
        assert MOBILE not in last and ID not in last and last.startswith("还有，我手机")

        # Once the operator cannot need it any more, the handoff's text is masked too.
        assert ID in await stored_text(engine)
        async with sessionmaker(engine)() as session:
            later = clock.now() + dt.timedelta(hours=73)
            assert await privacy.mask_after_handoffs(session, later, later) == 1
        assert ID not in await stored_text(engine)
        assert MOBILE not in await stored_text(engine)

        # /forget, confirmed: nothing of the citizen is left.
        fake.command(CITIZEN, "/forget")
        [confirm] = (await fake.wait_for_messages(CITIZEN, answered + 2))[-1:]
        assert confirm.text == texts.FORGET_CONFIRM
        fake.callback(CITIZEN, "privacy:forget")
        [done] = (await fake.wait_for_messages(CITIZEN, answered + 3))[-1:]
        assert done.text == texts.FORGOTTEN
        # The reply goes out first, then the rows go.
        for _ in range(100):
            if not await rows_of(engine, f"tg:{CITIZEN}"):
                break
            await asyncio.sleep(0.05)
        assert await rows_of(engine, f"tg:{CITIZEN}") == 0
        assert "我的身份证是" not in await stored_text(engine)
    assert ID in str(fake.calls())  # it was sent (to the operator), and logged by PTB…
    assert not [r for r in caplog.records if ID in r.getMessage()]  # …masked


async def test_retention_keeps_the_figures_and_nothing_personal(engine, answerer):
    sessions = sessionmaker(engine)
    core = DialogueCore(TableNLU({}), Responder(answerer), Conversations(DbStateStore(sessions)))
    chat = ChatService(core, sessions)
    for n in range(3):
        await chat.handle(Inbound(f"web:{n:032x}", "web", f"s{n}", "text", f"手机{MOBILE}"))
    before = await stored_text(engine)
    assert f"web:{0:032x}" in before
    async with sessions() as session:
        assert await privacy.expire(session, dt.datetime.now(dt.UTC) + dt.timedelta(days=1)) == 3
    after = await stored_text(engine)
    assert "web:0000" not in after and "手机" not in after
    async with sessions() as session:
        inbound = select(func.count()).select_from(Message).where(Message.direction == "in")
        assert (await session.execute(inbound)).scalar_one() == 3  # the counts stay
        ids = (await session.execute(select(Conversation.id))).scalars().all()
        assert len(ids) == 3 and all(i.startswith(privacy.GONE_PREFIX) for i in ids)


async def test_personal_numbers_reach_neither_the_database_nor_its_wal(tmp_path, answerer):
    path, wal = tmp_path / "bot.db", tmp_path / "bot.db-wal"
    engine = make_engine(f"sqlite:///{path}")
    await migrate(engine)
    sessions = sessionmaker(engine)
    core = DialogueCore(TableNLU({}), Responder(answerer), Conversations(DbStateStore(sessions)))
    chat = ChatService(core, sessions)
    said = f"身份证{ID}，手机{MOBILE}，卡号{CARD}，邮箱{EMAIL}"
    try:
        # The web chat stores a message before its turn; Telegram keeps its raw update.
        assert await chat.accept(Inbound("web:a", "web", "m1", "text", said))
        await chat.handle(Inbound("web:a", "web", "m1", "text", said), accepted=True)
        update = {"update_id": 7, "message": {"text": said, "chat": {"id": 5}}}
        await chat.handle(Inbound("tg:5", "telegram", "update:7", "text", said, update))
        on_disk = path.read_bytes() + wal.read_bytes()  # the bot still running
        assert wal.stat().st_size > 0 and "身份证".encode() in on_disk
        for number in (ID, MOBILE, CARD, EMAIL):
            assert number.encode() not in on_disk, number
    finally:
        await engine.dispose()


async def test_a_phone_number_typed_as_the_district_is_never_stored_or_shown_raw(
    fake, engine, answerer
):
    phone = "13912345678"  # short enough to be taken as the district's free text
    async with running(fake, engine, answerer, FakeClock(china(2026, 11, 23, 10))):
        fake.message(CITIZEN, "复议要钱吗")
        await fake.wait_for_messages(CITIZEN, 1)
        fake.message(CITIZEN, "我要找人工")
        calls = await fake.wait_for_messages(CITIZEN, 2)
        assert texts.HANDOFF_ASK_DISTRICT in calls[-1].text
        fake.message(CITIZEN, phone)
        await fake.wait_for_messages(CITIZEN, 3)
        [created] = await fake.wait_for(lambda f: f.calls("createForumTopic", ok=True))
        await fake.wait_for_messages(OPS, 1)
        # The figures, their CSV and API, the desk and the export read these rows.
        stored = await stored_text(engine)
        async with sessionmaker(engine)() as session:
            districts = (await session.execute(select(Conversation.district))).scalars().all()
    assert phone not in stored and districts == ["139****5678"]
    assert phone not in created.params["name"]
    assert not [t for t in fake.texts_to(OPS) if phone in (t or "")]
