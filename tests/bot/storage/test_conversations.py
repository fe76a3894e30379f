from bot.storage.conversations import DbStateStore
from bot.storage.db import make_engine, migrate, sessionmaker
from bot.types import ConversationState


async def test_unknown_conversation_gets_a_fresh_state(engine):
    assert await DbStateStore(sessionmaker(engine)).get("web:new") == ConversationState()


async def test_state_round_trips_and_updates(engine):
    store = DbStateStore(sessionmaker(engine))
    state = ConversationState(
        "legal_aid", "legal_aid_check", {"step": 1, "answers": {"m": "x"}}, "通州"
    )
    await store.put("tg:1", state)
    assert await store.get("tg:1") == state
    await store.put("tg:1", state.with_(form=None, form_state={}))
    assert (await store.get("tg:1")).form is None


async def test_state_survives_a_new_engine(database_url):
    first = make_engine(database_url)
    await migrate(first)
    await DbStateStore(sessionmaker(first)).put("web:a", ConversationState(district="高港"))
    await first.dispose()
    second = make_engine(database_url)
    await migrate(second)  # idempotent
    assert (await DbStateStore(sessionmaker(second)).get("web:a")).district == "高港"
    await second.dispose()


async def test_citizens_text_in_the_state_is_written_masked(engine):
    sessions = sessionmaker(engine)
    store = DbStateStore(sessions)
    story = "对方欠我工资，我手机13800138000"
    intake = {"step": "district", "description": story, "entities": {"phone": ["13800138000"]}}
    state = ConversationState(
        district="13800138000", form_state={"answers": {"m": story}}, flow={"intake": intake}
    )
    await store.put("web:a", state)
    assert await store.get("web:a") == state  # the bot's own copy, for the next turn
    stored = await DbStateStore(sessions).get("web:a")  # what the database holds
    assert "13800138000" not in repr(stored)
    assert stored.district == "138****8000"
    assert stored.flow["intake"]["description"] == "对方欠我工资，我手机138****8000"
    assert await DbStateStore(sessions).get("web:b") == ConversationState()
    await store.put("web:b", ConversationState(district="无锡市惠山区"))
    assert (await DbStateStore(sessions).get("web:b")).district == "惠山"  # a known one
