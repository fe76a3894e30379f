"""Handoff rules through the chat service, with a recording desk, on SQLite and PostgreSQL."""

import asyncio
import datetime as dt
from typing import ClassVar

import pytest
from sqlalchemy import select

from actions.reply import Responder
from bot import texts
from bot.chat import ChatService
from bot.dialogue.core import DialogueCore
from bot.dialogue.state import Conversations
from bot.handoff.hours import OfficeHours
from bot.handoff.operator import OperatorActions
from bot.handoff.service import HandoffConfig, HandoffService, Request
from bot.handoff.sweep import sweep
from bot.nlu.danger import detect
from bot.storage.conversations import DbStateStore
from bot.storage.db import sessionmaker
from bot.storage.models import Handoff
from bot.types import Entity, Inbound, NLUResult, Topic
from tests.fakes.clock import FakeClock, china

ALICE = "7001"


class Desk:
    def __init__(self):
        self.topics, self.posts, self.relayed, self.managers = [], [], [], []

    async def open_topic(self, handoff, summary, buttons):
        self.topics.append((handoff.ticket, summary, [b.payload for b in buttons]))
        return 100 + len(self.topics)

    async def post(self, thread_id, text, buttons=()):
        self.posts.append((thread_id, text))

    async def relay(self, thread_id, inbound):
        self.relayed.append((thread_id, inbound.body))

    async def notify_managers(self, text):
        self.managers.append(text)


class Outbox:
    def __init__(self):
        self.pushed = []

    async def push(self, conversation, text, *, sender=None, buttons=()):
        self.pushed.append((conversation, text, sender, [b.payload for b in buttons]))

    async def push_media(self, conversation, source, sender):
        return False


class NLU:
    """Understands by table; the district entity when the text names 惠山."""

    table: ClassVar = {
        "复议要钱吗": ("admin_review_cost", Topic.ADMIN_REVIEW, False),
        "我要找人工": ("request_human", Topic.OTHER, False),
        "有人要打我": ("emergency", Topic.OTHER, False),
    }

    async def understand(self, text):
        intent, topic, uncertain = self.table.get(text, ("nlu_fallback", Topic.OTHER, True))
        entities = (Entity("district", "惠山"),) if "惠山" in text else ()
        danger = detect(text)  # the rules run as in the real service
        return NLUResult(
            text, intent, 0.9, topic, 0.9, entities,
            uncertain=uncertain, urgent=danger is not None, danger=danger,
        )  # fmt: skip


@pytest.fixture
def clock():
    return FakeClock(china(2026, 11, 23, 10))


def wire(engine, answerer, clock, config, staffed=True):
    """Chat, handoff service and sessions of one deployment; `staffed`: with the recording desk."""
    sessions = sessionmaker(engine)
    conversations = Conversations(DbStateStore(sessions))
    outbox = Outbox() if staffed else None
    service = HandoffService(
        config, sessions, clock, OfficeHours(), outbox=outbox, conversations=conversations
    )
    if staffed:
        service.attach_desk(Desk())
    core = DialogueCore(NLU(), Responder(answerer), conversations, service)
    chat = ChatService(core, sessions, handoff=service if staffed else None)
    return chat, service, sessions


@pytest.fixture
def parts(engine, answerer, clock):
    config = HandoffConfig(operators={ALICE: "0231"}, canned={"wait": "请稍等。"})
    return wire(engine, answerer, clock, config)


@pytest.fixture
def unstaffed(engine, answerer, clock):
    """A deployment without operators: a citizen asking for a person gets a callback."""
    chat, _service, sessions = wire(
        engine, answerer, clock, HandoffConfig(callback_desk=True), staffed=False
    )
    return chat, sessions


counter = iter(range(10_000))


async def say(chat, body, kind="text", conversation="web:s1"):
    inbound = Inbound(conversation, "web", f"m{next(counter)}", kind, body)
    return (await chat.handle(inbound)).replies


async def shown(chat, *payloads, conversation="web:s1"):
    """As if the bot had offered these buttons (a button is pressed only where offered)."""
    await chat.dialogue.update_state(
        conversation, lambda s: s.with_(flow={**s.flow, "offered": list(payloads)})
    )


async def handoffs(sessions):
    async with sessions() as session:
        return list((await session.execute(select(Handoff).order_by(Handoff.id))).scalars())


async def test_request_asks_district_and_description_then_queues(parts):
    chat, service, sessions = parts
    [ask] = await say(chat, "我要找人工")
    assert ask.text == texts.HANDOFF_ASK_DISTRICT
    [ask] = await say(chat, "惠山区")
    assert ask.text == texts.HANDOFF_ASK_DESCRIPTION
    [queued] = await say(chat, "单位扣了我工资不给")
    assert "2026-000001" in queued.text and texts.HANDOFF_PLACE_FIRST in queued.text
    [row] = await handoffs(sessions)
    assert (row.status, row.district, row.description) == ("queued", "惠山", "单位扣了我工资不给")
    [(ticket, summary, buttons)] = service.desk.topics
    assert ticket == "2026-000001" and "单位扣了我工资不给" in summary
    assert buttons == ["op:claim:1", "op:bot:1", "op:close:1"]


async def test_tickets_take_the_year_of_the_office_not_of_utc(parts, clock):
    chat, _service, _sessions = parts
    # 23:30 UTC on New Year's Eve is 07:30 on 1 January in Beijing.
    clock.at = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    for text in ("我要找人工", "惠山区", "单位扣了我工资不给"):
        [reply] = await say(chat, text)
    assert "2027-000001" in reply.text


async def test_a_known_question_and_district_skip_the_questions(parts):
    chat, _service, sessions = parts
    await say(chat, "复议要钱吗")
    await say(chat, "惠山有调解委员会吗")  # names the district
    [queued] = await say(chat, "我要找人工")
    assert "2026-000001" in queued.text
    [row] = await handoffs(sessions)
    assert row.description == "复议要钱吗" and row.topic == "admin_review"


async def test_place_in_queue_counts_the_requests_ahead(parts):
    chat, _service, _sessions = parts
    for n, conversation in enumerate(["web:a", "web:b", "web:c"]):
        await say(chat, "复议要钱吗", conversation=conversation)
        replies = await say(chat, "我要找人工", conversation=conversation)
        replies = await say(chat, "惠山", conversation=conversation)
        expected = texts.HANDOFF_PLACE.format(ahead=n) if n else texts.HANDOFF_PLACE_FIRST
        assert expected in replies[-1].text


async def test_two_misses_offer_a_human_and_accepting_starts_the_intake(parts):
    chat, _service, _sessions = parts
    first = await say(chat, "嗯嗯那个啥")
    assert not any(r.text == texts.HANDOFF_OFFER for r in first)
    second = await say(chat, "就是那个事")
    assert second[-1].text == texts.HANDOFF_OFFER
    [ask] = await say(chat, "human:fallback", kind="button")
    assert ask.text == texts.HANDOFF_ASK_DISTRICT


async def test_two_unhelpful_ratings_start_a_handoff(parts):
    chat, _service, _sessions = parts
    await say(chat, "复议要钱吗")
    [sorry] = await say(chat, "feedback:down", kind="button")
    assert sorry.text == texts.FEEDBACK_SORRY
    [ask] = await say(chat, "feedback:down", kind="button")
    assert ask.text == texts.HANDOFF_ASK_DISTRICT


async def test_emergency_is_queued_at_once_and_flagged_urgent(parts):
    chat, service, sessions = parts
    replies = await say(chat, "有人要打我")
    assert "110" in replies[0].text
    assert "紧急求助" in replies[-1].text
    [row] = await handoffs(sessions)
    assert row.urgent and row.reason == "emergency" and row.description == "有人要打我"
    assert service.desk.topics[0][1].startswith("【紧急】")


async def test_intake_form_end_offers_staff(parts):
    chat, _service, sessions = parts
    await say(chat, "惠山")
    await shown(chat, "human:intake")  # the legal-aid check's last step offers it
    [ask] = await say(chat, "human:intake", kind="button")
    assert ask.text == texts.HANDOFF_ASK_DESCRIPTION
    await say(chat, "intake:skip", kind="button")
    [row] = await handoffs(sessions)
    assert row.reason == "intake"


async def test_cancel_while_queued_and_not_after_a_claim(parts):
    chat, service, sessions = parts
    await say(chat, "惠山")
    await say(chat, "我要找人工")
    [queued] = await say(chat, "我的事")
    cancel = queued.buttons[0].payload
    [done] = await say(chat, cancel, kind="button")
    assert done.text == texts.HANDOFF_CANCELLED
    [row] = await handoffs(sessions)
    assert (row.status, row.close_code) == ("closed", "cancelled")
    # Again, and this time an operator claims first.
    await say(chat, "我要找人工")
    [queued] = await say(chat, "我的事")
    result = await OperatorActions(service).claim(2, ALICE, "u1")
    assert result.ok
    [refused] = await say(chat, queued.buttons[0].payload, kind="button")
    assert refused.text == texts.HANDOFF_CANNOT_CANCEL


async def test_duplicate_operator_update_acts_once(parts):
    chat, service, _sessions = parts
    await say(chat, "惠山")
    await say(chat, "我要找人工")
    await say(chat, "我的事")
    actions = OperatorActions(service)
    await actions.claim(1, ALICE, "u1")
    service.outbox.pushed.clear()
    assert (await actions.say(1, ALICE, "您好", "u2")).ok
    assert not (await actions.say(1, ALICE, "您好", "u2")).ok
    assert [p[1] for p in service.outbox.pushed] == ["您好"]
    assert service.outbox.pushed[0][2] == "热线工作人员 0231"


async def test_reassign_to_a_named_operator_and_back_to_the_queue(engine, answerer, clock):
    config = HandoffConfig(operators={ALICE: "0231", "7002": "0415"})
    chat, service, sessions = wire(engine, answerer, clock, config)
    await say(chat, "惠山")
    await say(chat, "我要找人工")
    await say(chat, "我的事")
    actions = OperatorActions(service)
    await actions.claim(1, ALICE, "u1")
    assert (await actions.reassign(1, ALICE, "0415", "u2")).ok
    assert not (await actions.say(1, ALICE, "还是我", "u3")).ok
    assert (await actions.say(1, "7002", "我来接手", "u4")).ok
    assert (await actions.reassign(1, "7002", "", "u5")).ok
    [row] = await handoffs(sessions)
    assert row.status == "queued" and row.claimed_by is None


async def test_operator_silence_is_flagged_and_citizen_silence_closes(parts, clock):
    chat, service, sessions = parts
    await say(chat, "惠山")
    await say(chat, "我要找人工")
    await say(chat, "我的事")
    await OperatorActions(service).claim(1, ALICE, "u1")
    clock.advance(minutes=14)
    await sweep(service)
    assert not any("还没有回复" in text for _t, text in service.desk.posts)
    clock.advance(minutes=1)
    await sweep(service)
    assert sum("还没有回复" in text for _t, text in service.desk.posts) == 1
    clock.advance(hours=24)
    await sweep(service)
    [row] = await handoffs(sessions)
    assert (row.status, row.close_code) == ("closed", "citizen_idle")
    assert "2026-000001" in service.outbox.pushed[-1][1]
    replies = await say(chat, "复议要钱吗")  # the bot answers again
    assert replies


async def test_without_an_operators_group_a_callback_is_stored_with_consent(unstaffed):
    chat, sessions = unstaffed
    [ask] = await say(chat, "我要找人工")
    assert ask.text == texts.CALLBACK_ASK_CONSENT
    [ask] = await say(chat, "callback:yes", kind="button")
    assert ask.text == texts.CALLBACK_ASK_PHONE
    [again] = await say(chat, "12345")
    assert again.text == texts.CALLBACK_BAD_PHONE
    [saved] = await say(chat, "138 0013 8000")
    assert "2026-000001" in saved.text and "12348" in saved.text
    [row] = await handoffs(sessions)
    assert (row.status, row.contact) == ("callback", "13800138000")


async def test_without_operators_or_a_callback_desk_nothing_is_promised(engine, answerer, clock):
    chat, _service, sessions = wire(engine, answerer, clock, HandoffConfig(), staffed=False)
    [said] = await say(chat, "我要找人工")
    assert said.text == texts.NO_HUMAN_HERE
    assert "回电" in said.text and "12348" in said.text and not said.buttons
    # The next message is answered as usual: no intake waits for an answer.
    replies = await say(chat, "复议要钱吗")
    assert "不得向申请人收取任何费用" in replies[-1].text
    assert await handoffs(sessions) == []
    urgent = await say(chat, "有人要打我")
    # The 110 line says where help is; a notice that no person is here would only distract.
    assert "110" in urgent[0].text
    assert all(r.text != texts.NO_HUMAN_HERE for r in urgent)


async def test_typed_consent_and_a_typed_number_count_like_the_buttons(unstaffed):
    chat, sessions = unstaffed
    await say(chat, "我要找人工")
    [ask] = await say(chat, "同意")
    assert ask.text == texts.CALLBACK_ASK_PHONE
    await say(chat, "我要找人工", conversation="web:s2")
    [saved] = await say(chat, "13800138000", conversation="web:s2")
    assert "2026-00000" in saved.text
    rows = await handoffs(sessions)
    assert [r.contact for r in rows if r.status == "callback"] == ["13800138000"]


async def test_a_question_typed_at_the_consent_prompt_is_answered(unstaffed):
    chat, _ = unstaffed
    await say(chat, "我要找人工")
    replies = await say(chat, "复议要钱吗")
    assert replies[-1].text != texts.CALLBACK_ASK_CONSENT
    assert "不得向申请人收取任何费用" in replies[-1].text


async def test_after_an_emergency_typed_text_still_shows_110(unstaffed):
    chat, _ = unstaffed
    first = await say(chat, "有人要打我")
    assert "110" in first[0].text
    assert first[-1].text == texts.CALLBACK_ASK_CONSENT
    for typed in ("他还在门外 我好怕", "怎么办", "复议要钱吗"):
        replies = await say(chat, typed)
        assert "110" in replies[0].text, typed
        assert all(r.text != texts.CALLBACK_ASK_CONSENT for r in replies), typed
    calm = await say(chat, "警察来了 我现在安全了")
    assert all("110" not in r.text for r in calm)


async def test_declining_the_callback_stores_nothing(unstaffed):
    chat, sessions = unstaffed
    await say(chat, "我要找人工")
    [declined] = await say(chat, "callback:no", kind="button")
    assert "12348" in declined.text
    assert await handoffs(sessions) == []


async def test_rating_once_then_comment(parts):
    chat, service, sessions = parts
    await say(chat, "惠山")
    await say(chat, "我要找人工")
    await say(chat, "我的事")
    actions = OperatorActions(service)
    await actions.claim(1, ALICE, "u1")
    await actions.close(1, ALICE, "", "u2")
    _conv, _text, _sender, buttons = service.outbox.pushed[-1]
    assert buttons == [f"rate:1:{n}" for n in range(1, 6)]
    [thanks] = await say(chat, "rate:1:5", kind="button")
    assert thanks.text == texts.RATING_THANKS
    [noted] = await say(chat, "工作人员很耐心")
    assert noted.text == texts.COMMENT_THANKS
    [late] = await say(chat, "rate:1:1", kind="button")
    assert late.text == texts.BUTTON_EXPIRED  # rated: its buttons are spent
    [row] = await handoffs(sessions)
    assert (row.rating, row.comment, row.close_code) == (5, "工作人员很耐心", "resolved")
    assert row.closed_at - row.requested_at >= dt.timedelta(0)


async def test_concurrent_claims_exactly_one_wins(engine, answerer, clock):
    operators = {str(7000 + n): f"{n:04d}" for n in range(6)}
    chat, service, sessions = wire(engine, answerer, clock, HandoffConfig(operators=operators))
    await say(chat, "惠山")
    await say(chat, "我要找人工")
    await say(chat, "我的事")
    actions = OperatorActions(service)
    results = await asyncio.gather(*(actions.claim(1, user, f"race{user}") for user in operators))
    assert sum(r.ok for r in results) == 1
    [row] = await handoffs(sessions)
    winner = next(user for user, r in zip(operators, results, strict=True) if r.ok)
    assert row.claimed_by == winner
    assert all("已被" in r.text for r in results if not r.ok)


async def test_only_the_conversation_asked_can_rate_and_only_once(parts):
    chat, service, sessions = parts
    await say(chat, "惠山")
    await say(chat, "我要找人工")
    await say(chat, "我的事")
    actions = OperatorActions(service)
    await actions.claim(1, ALICE, "u1")
    await actions.close(1, ALICE, "", "u2")
    # Another session presses the rating of this ticket: nothing is recorded.
    [refused] = await say(chat, "rate:1:1", kind="button", conversation="web:other")
    assert refused.text == texts.BUTTON_EXPIRED
    [row] = await handoffs(sessions)
    assert row.rating is None
    [thanks] = await say(chat, "rate:1:5", kind="button")
    assert thanks.text == texts.RATING_THANKS
    [again] = await say(chat, "rate:1:1", kind="button")
    assert again.text == texts.BUTTON_EXPIRED
    [row] = await handoffs(sessions)
    assert row.rating == 5


async def test_forged_request_buttons_queue_nothing_but_typed_danger_does(parts):
    chat, service, sessions = parts
    for n in range(30):  # the pen test's flood: fresh sessions, a button never offered
        for payload in ("human:emergency", "human:fallback", "handoff:cancel:1"):
            [refused] = await say(chat, payload, kind="button", conversation=f"web:f{n}")
            assert refused.text == texts.BUTTON_EXPIRED
    assert await handoffs(sessions) == []
    assert service.desk.topics == []
    # Only the payload path is closed: danger typed in a fresh session is queued at once.
    replies = await say(chat, "有人要打我", conversation="web:f0")
    assert "110" in replies[0].text and "紧急求助" in replies[-1].text
    [row] = await handoffs(sessions)
    assert row.urgent and row.conversation_id == "web:f0"


async def test_one_open_handoff_per_conversation(parts):
    chat, _service, sessions = parts
    await say(chat, "复议要钱吗")
    await say(chat, "我要找人工")
    [queued] = await say(chat, "惠山")
    assert "2026-000001" in queued.text
    # The state lost the open request (a failed write, a restart): asking again, even in
    # danger, gives the same ticket back, moved up the queue, and no second one.
    await chat.dialogue.update_state("web:s1", lambda s: s.with_(handoff=None))
    [again] = await say(chat, "我要找人工")
    assert again.text == texts.HANDOFF_ALREADY_QUEUED.format(ticket="2026-000001")
    assert (await chat.dialogue.state("web:s1")).handoff == 1
    await chat.dialogue.update_state("web:s1", lambda s: s.with_(handoff=None))
    urgent = await say(chat, "有人要打我")
    assert "110" in urgent[0].text
    assert urgent[-1].text == texts.HANDOFF_ALREADY_QUEUED.format(ticket="2026-000001")
    [row] = await handoffs(sessions)
    assert (row.status, row.urgent) == ("queued", True)


async def test_simultaneous_requests_of_one_conversation_make_one_ticket(parts):
    chat, service, sessions = parts
    await say(chat, "复议要钱吗", conversation="web:s9")
    request = Request("emergency", urgent=True)
    opened = await asyncio.gather(*(service.open("web:s9", "web", request) for _ in range(5)))
    assert {handoff for handoff, _reply in opened} == {1}
    assert len(await handoffs(sessions)) == 1
    assert len(service.desk.topics) == 1
