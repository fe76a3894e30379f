import asyncio

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from actions.reply import Responder
from bot import privacy
from bot.chat import ChatService
from bot.dialogue.core import DialogueCore
from bot.dialogue.state import Conversations
from bot.storage import turns
from bot.storage.conversations import DbStateStore
from bot.storage.db import make_engine, sessionmaker
from bot.types import Inbound, Reply, Topic
from tests.bot.dialogue.fakes import TableNLU

TABLE = {
    "复议要钱吗": ("admin_review_cost", Topic.ADMIN_REVIEW),
    "调解要钱吗": ("mediation_cost", Topic.MEDIATION),
}


@pytest.fixture
def chat(engine, answerer):
    sessions = sessionmaker(engine)
    core = DialogueCore(TableNLU(TABLE), Responder(answerer), Conversations(DbStateStore(sessions)))
    return ChatService(core, sessions)


def text(body, external="m1", conversation="web:a"):
    return Inbound(conversation, "web", external, "text", body)


class Recorder:
    def __init__(self, fail_at=None):
        self.sent: list[Reply] = []
        self.fail_at = fail_at

    async def __call__(self, reply):
        if self.fail_at is not None and len(self.sent) == self.fail_at:
            raise ConnectionError("channel down")
        self.sent.append(reply)
        return str(len(self.sent))


async def test_a_message_is_answered_and_recorded(chat):
    send = Recorder()
    outcome = await chat.handle(text("复议要钱吗"), send)
    assert not outcome.duplicate
    assert outcome.intent == "admin_review"
    assert send.sent == outcome.replies
    history = await chat.history("web:a")
    assert history[0] == ("citizen", Reply("复议要钱吗"))
    assert [r for who, r in history if who == "bot"] == outcome.replies


async def test_the_same_delivery_twice_gets_one_reply(chat):
    send = Recorder()
    first = await chat.handle(text("复议要钱吗"), send)
    again = await chat.handle(text("复议要钱吗"), send)
    assert again.duplicate
    assert again.replies == first.replies
    assert len(send.sent) == len(first.replies)


async def test_simultaneous_double_submit_is_answered_once(chat):
    send = Recorder()
    outcomes = await asyncio.gather(*(chat.handle(text("调解要钱吗"), send) for _ in range(5)))
    assert sum(not o.duplicate for o in outcomes) == 1
    assert len(send.sent) == len(outcomes[0].replies)


async def test_messages_without_an_id_are_each_answered(chat):
    send = Recorder()
    await chat.handle(text("复议要钱吗", external=None), send)
    await chat.handle(text("复议要钱吗", external=None), send)
    assert len(send.sent) == 2


async def test_accepted_but_unanswered_messages_are_replayed_in_order(chat):
    assert await chat.accept(text("复议要钱吗", "m1"))
    assert await chat.accept(text("调解要钱吗", "m2"))
    assert not await chat.accept(text("调解要钱吗", "m2"))
    pending = await chat.unfinished("web")
    assert [p.external_id for p in pending] == ["m1", "m2"]
    for inbound in pending:
        await chat.handle(inbound, Recorder())
    assert await chat.unfinished("web") == []


async def test_a_failed_send_resumes_with_the_replies_not_yet_sent(chat, answerer):
    inbound = Inbound("web:b", "web", "m1", "command", "start")
    with pytest.raises(ConnectionError):
        await chat.handle(inbound, Recorder(fail_at=0))
    assert [p.external_id for p in await chat.unfinished("web")] == ["m1"]
    send = Recorder()
    outcome = await chat.handle(inbound, send)
    assert send.sent == outcome.replies
    assert "隐私说明" in outcome.replies[0].text


async def test_turns_of_one_conversation_keep_their_order(chat):
    async def send(reply):
        await asyncio.sleep(0)  # let the other turns try to overtake
        return None

    bodies = ["复议要钱吗", "调解要钱吗"] * 3
    await asyncio.gather(
        *(chat.handle(text(b, external=f"m{i}"), send) for i, b in enumerate(bodies))
    )
    history = await chat.history("web:a", limit=100)
    assert [r.text for who, r in history if who == "citizen"] == bodies
    # Each message's replies come before the next message is taken.
    speakers = "".join("c" if who == "citizen" else "b" for who, _ in history)
    assert speakers.startswith("c") and "cc" not in speakers and speakers.endswith("b")


async def test_media_and_commands_go_through_the_core(chat):
    media = await chat.handle(Inbound("tg:1", "telegram", "u1", "media", "photo"))
    assert "文字" in media.replies[0].text
    menu = await chat.handle(Inbound("tg:1", "telegram", "u2", "command", "menu"))
    assert [b.label for b in menu.replies[0].buttons][-1] == "转人工"


def chat_on(engine, answerer, session_class: type[AsyncSession]) -> ChatService:
    sessions = async_sessionmaker(engine, class_=session_class, expire_on_commit=False)
    core = DialogueCore(TableNLU(TABLE), Responder(answerer), Conversations(DbStateStore(sessions)))
    return ChatService(core, sessions)


class FlakySession(AsyncSession):
    """A session whose commits fail while `failures` lasts, as a database restarting."""

    failures = 0
    commits = 0

    async def commit(self) -> None:
        FlakySession.commits += 1
        if FlakySession.failures:
            FlakySession.failures -= 1
            raise OperationalError("COMMIT", {}, ConnectionError("server closed the connection"))
        await super().commit()


async def test_a_turn_whose_record_fails_after_the_send_is_recorded_later_not_sent_again(
    engine, answerer, monkeypatch
):
    monkeypatch.setattr(turns, "RECORD_PAUSE", 0.01)
    chat = chat_on(engine, answerer, FlakySession)
    assert await chat.accept(text("复议要钱吗"))
    FlakySession.failures, FlakySession.commits = 3, 0
    send = Recorder()
    outcome = await chat.handle(text("复议要钱吗"), send, accepted=True)
    assert FlakySession.commits == 4  # three refused, the fourth took
    assert send.sent == outcome.replies
    assert await chat.unfinished("web") == []
    again = await chat.handle(text("复议要钱吗"), send)
    assert again.duplicate and send.sent == outcome.replies


class LostAnswerSession(AsyncSession):
    """A session whose next commit is made but answered by a lost connection."""

    lose = False

    async def commit(self) -> None:
        await super().commit()
        if LostAnswerSession.lose:
            LostAnswerSession.lose = False
            raise OperationalError("COMMIT", {}, ConnectionError("connection lost"))


async def test_a_record_made_before_its_connection_was_lost_is_not_written_twice(
    engine, answerer, monkeypatch
):
    monkeypatch.setattr(turns, "RECORD_PAUSE", 0.01)
    chat = chat_on(engine, answerer, LostAnswerSession)
    assert await chat.accept(text("复议要钱吗"))
    LostAnswerSession.lose = True
    outcome = await chat.handle(text("复议要钱吗"), Recorder(), accepted=True)
    assert not LostAnswerSession.lose  # the commit did fail as planned
    shown = [r for who, r in await chat.history("web:a") if who == "bot"]
    assert shown == outcome.replies


async def test_replies_a_closed_page_could_not_take_are_kept_for_its_history(chat):
    async def gone(outcome):
        raise ConnectionResetError("Cannot write to closing transport")

    outcome = await chat.handle(text("调解要钱吗"), ready=gone)
    assert await chat.unfinished("web") == []
    shown = [r for who, r in await chat.history("web:a") if who == "bot"]
    assert shown == outcome.replies and shown


async def test_a_shutdown_does_not_wait_for_a_database_that_is_away(engine, answerer, monkeypatch):
    monkeypatch.setattr(turns, "RECORD_PAUSE", 5.0)
    chat = chat_on(engine, answerer, FlakySession)
    assert await chat.accept(text("复议要钱吗"))
    sending = asyncio.Event()

    async def send(reply):
        sending.set()
        await asyncio.sleep(3600)  # Telegram hangs; then the bot is stopped

    FlakySession.failures = 100
    task = asyncio.create_task(chat.handle(text("复议要钱吗"), send, accepted=True))
    await sending.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        async with asyncio.timeout(2):
            await task
    FlakySession.failures = 0
    assert [m.external_id for m in await chat.unfinished("web")] == ["m1"]


async def test_a_conversation_deleted_behind_the_bots_back_loses_no_message(
    chat, engine, database_url
):
    await chat.handle(text("复议要钱吗", "m1"), Recorder())
    # `python -m bot privacy delete` in another process: its own engine and session.
    other = make_engine(database_url)
    try:
        async with sessionmaker(other)() as session:
            assert (await privacy.delete_all(session, ["web:a"]))["conversations"] == 1
    finally:
        await other.dispose()
    send = Recorder()
    outcome = await chat.handle(text("调解要钱吗", "m2"), send)
    assert outcome.intent == "mediation" and send.sent == outcome.replies
    history = await chat.history("web:a")
    assert history[0] == ("citizen", Reply("调解要钱吗"))
    assert [r for who, r in history if who == "bot"] == outcome.replies
    # The web chat's way, stored before its turn, is not lost either.
    async with sessionmaker(engine)() as session:
        await privacy.delete_all(session, ["web:a"])
    assert await chat.accept(text("复议要钱吗", "m3"))
    await chat.handle(text("复议要钱吗", "m3"), Recorder(), accepted=True)
    assert (await chat.history("web:a"))[0] == ("citizen", Reply("复议要钱吗"))
    assert await chat.unfinished("web") == []
