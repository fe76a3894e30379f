"""Operator actions racing each other and the citizen's turns, and whose case is whose."""

import asyncio

import pytest

from actions.reply import Responder
from bot import texts
from bot.chat import ChatService
from bot.dialogue.core import DialogueCore
from bot.dialogue.state import Conversations
from bot.handoff import staff_texts as staff
from bot.handoff.hours import OfficeHours
from bot.handoff.operator import OperatorActions
from bot.handoff.service import HandoffConfig, HandoffService
from bot.serial import KeyedLock
from bot.storage.conversations import DbStateStore
from bot.storage.db import sessionmaker
from tests.bot.handoff.test_flow import NLU, Desk, Outbox, handoffs, say
from tests.fakes.clock import FakeClock, china

ALICE, BOB = "7001", "7002"
CITIZEN = "web:s1"


class GatedDesk(Desk):
    """Holds the first relay or topic opening until the test lets it go on."""

    def __init__(self):
        super().__init__()
        self.waiting = asyncio.Event()
        self.go_on = asyncio.Event()

    async def _gate(self):
        if not self.waiting.is_set():
            self.waiting.set()
            await self.go_on.wait()

    async def relay(self, thread_id, inbound):
        await self._gate()
        await super().relay(thread_id, inbound)

    async def open_topic(self, handoff, summary, buttons):
        await self._gate()
        return await super().open_topic(handoff, summary, buttons)


def second_call(monkeypatch, owner, name):
    """Count the calls of `owner.name`; the event is set at the second one."""
    second, original, calls = asyncio.Event(), getattr(owner, name, None), []

    def counted(*args):
        calls.append(args)
        if len(calls) == 2:
            second.set()
        return original(*args)

    monkeypatch.setattr(owner, name, counted, raising=False)
    return second


def pause_first_get(monkeypatch, service):
    """Hold the first handoff look-up (with the row read) until `go_on` is set."""
    paused, go_on, original = asyncio.Event(), asyncio.Event(), service._get

    async def gated(handoff_id):
        row = await original(handoff_id)
        if not paused.is_set():
            paused.set()
            await go_on.wait()
        return row

    monkeypatch.setattr(service, "_get", gated)
    return paused, go_on


async def until(task, event):
    """Run until `task` is done or `event` is set, whichever comes first."""
    waiter = asyncio.ensure_future(event.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()


@pytest.fixture
def parts(engine, answerer):
    sessions = sessionmaker(engine)
    config = HandoffConfig(operators={ALICE: "0231", BOB: "0415"})
    clock = FakeClock(china(2026, 11, 23, 10))
    conversations = Conversations(DbStateStore(sessions))
    service = HandoffService(
        config, sessions, clock, OfficeHours(), outbox=Outbox(), conversations=conversations
    )
    service.attach_desk(GatedDesk())
    service.desk.go_on.set()  # gated only where a test says so
    core = DialogueCore(NLU(), Responder(answerer), conversations, service)
    chat = ChatService(core, sessions, handoff=service)
    return chat, service, sessions


async def queued(chat):
    await say(chat, "惠山")
    await say(chat, "我要找人工")
    await say(chat, "我的事")


async def assert_back_with_the_bot(chat, sessions, answerer):
    """Closed for the running bot and for one started afresh from the database."""
    [row] = await handoffs(sessions)
    assert row.status == "closed"
    state = await chat.dialogue.state(CITIZEN)
    assert (state.handoff, state.human) == (None, None)
    stored = await DbStateStore(sessions).get(CITIZEN)
    assert (stored.handoff, stored.human) == (None, None)
    fresh = Conversations(DbStateStore(sessions))
    restarted = ChatService(DialogueCore(NLU(), Responder(answerer), fresh), sessions)
    assert await say(restarted, "复议要钱吗")  # answered, not relayed to a closed handoff


async def test_a_hand_back_during_a_relayed_turn_survives_a_restart(parts, answerer, monkeypatch):
    chat, service, sessions = parts
    await queued(chat)
    actions = OperatorActions(service)
    assert (await actions.claim(1, ALICE, "u1")).ok
    desk = service.desk
    desk.waiting.clear()
    desk.go_on.clear()
    asked = second_call(monkeypatch, service.conversations, "hold")
    # A question about a service: the turn changes the state (its topic) while relayed.
    turn = asyncio.create_task(say(chat, "复议要钱吗"))
    await desk.waiting.wait()  # the turn is relaying, its state not yet committed
    release = asyncio.create_task(actions.hand_back(1, ALICE, "u2"))
    # Runs to its end, or until it waits for the turn to be recorded.
    await until(release, asked)
    desk.go_on.set()
    assert await turn == []  # relayed to the operator
    assert (await release).ok
    assert desk.relayed[-1][1] == "复议要钱吗"
    await assert_back_with_the_bot(chat, sessions, answerer)


async def test_close_racing_a_claim_leaves_no_claimed_state(parts, answerer, monkeypatch):
    chat, service, sessions = parts
    await queued(chat)
    actions = OperatorActions(service)
    paused, go_on = pause_first_get(monkeypatch, service)
    claim = asyncio.create_task(actions.claim(1, ALICE, "u1"))
    await paused.wait()
    closed = await actions.close(1, BOB, "invalid", "u2")  # the request was still queued
    go_on.set()
    claimed = await claim
    assert closed.ok and not claimed.ok
    assert claimed.text == staff.CLOSED_ALREADY
    await assert_back_with_the_bot(chat, sessions, answerer)


async def test_reassign_racing_a_close_is_refused_and_changes_nothing(parts, answerer, monkeypatch):
    chat, service, sessions = parts
    await queued(chat)
    actions = OperatorActions(service)
    assert (await actions.claim(1, ALICE, "u1")).ok
    paused, go_on = pause_first_get(monkeypatch, service)
    reassign = asyncio.create_task(actions.reassign(1, ALICE, "0415", "u2"))
    await paused.wait()  # it has read the handoff while it was still open
    assert (await actions.close(1, ALICE, "", "u3")).ok
    go_on.set()
    result = await reassign
    assert not result.ok and result.text == staff.CLOSED_ALREADY
    [row] = await handoffs(sessions)
    assert row.claimed_by == ALICE
    await assert_back_with_the_bot(chat, sessions, answerer)


async def test_two_announcements_open_one_topic(parts, monkeypatch):
    chat, service, sessions = parts
    desk = service.desk
    service.attach_desk(None)
    service.web_desk = True
    await queued(chat)  # queued while the operators' group was unreachable
    service.attach_desk(desk)
    desk.go_on.clear()
    lock = KeyedLock()
    asked = second_call(monkeypatch, lock, "hold")
    monkeypatch.setattr(service, "_announcing", lock, raising=False)
    first = asyncio.create_task(service.announce(1))
    await desk.waiting.wait()  # the first is opening the topic
    second = asyncio.create_task(service.announce(1))
    await until(second, asked)
    desk.go_on.set()
    await asyncio.gather(first, second)
    assert len(desk.topics) == 1
    [row] = await handoffs(sessions)
    assert row.thread_id == 101


async def test_only_the_claimant_ends_hands_back_or_reassigns_a_case(parts):
    chat, service, sessions = parts
    await queued(chat)
    actions = OperatorActions(service)
    assert (await actions.claim(1, ALICE, "u1")).ok
    refusal = staff.NOT_YOURS_TO_END.format(label="0231")
    attempts = [
        lambda: actions.close(1, BOB, "", "b1"),
        lambda: actions.hand_back(1, BOB, "b2"),
        lambda: actions.reassign(1, BOB, "", "b3"),
        lambda: actions.reassign(1, BOB, "0415", "b4"),
    ]
    for attempt in attempts:
        result = await attempt()
        assert (result.ok, result.text) == (False, refusal)
    [row] = await handoffs(sessions)
    assert (row.status, row.claimed_by) == ("claimed", ALICE)
    assert (await chat.dialogue.state(CITIZEN)).human == "0231"
    assert await say(chat, "还在吗") == []  # still relayed to Alice
    assert (await actions.close(1, ALICE, "", "a1")).ok
    assert service.outbox.pushed[-1][1] == texts.HANDOFF_CLOSED_ASK_RATING.format(ticket=row.ticket)
