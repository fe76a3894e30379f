from bot.dialogue.state import ConversationState
from bot.storage.conversations import DbStateStore
from bot.storage.db import make_engine, migrate, sessionmaker


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
