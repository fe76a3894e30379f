"""The operators' web desk next to the Telegram group: one queue, one set of rules."""

import asyncio
from types import SimpleNamespace

from aiohttp import WSMsgType
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.accounts import store
from bot.accounts.store import Role
from bot.storage.db import sessionmaker
from bot.storage.models import AuditEntry, Handoff, Message
from bot.web import staff as auth
from bot.web.app import create_app
from tests.bot.channels.test_handoff_telegram import OPS, claim, running, topic_summary
from tests.bot.web.test_console import PASSWORD, app_parts, csrf_of, sign_in  # noqa: F401
from tests.bot.web.test_handoff_web import receive_until
from tests.fakes.clock import FakeClock, china

JSON = {"Accept": "application/json"}
CROSS_SITE_UPGRADE = {
    "Origin": "http://evil.example",
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


async def accounts(sessions):
    async with sessions() as session:
        ids = {}
        for name, role in (("wang", Role.OPERATOR), ("li", Role.OPERATOR), ("boss", Role.MANAGER)):
            ids[name] = (await store.add_user(session, name, role, PASSWORD)).id
    return ids


def desk_app(telegram, sessions):
    """The web app over a running Telegram channel's chat and handoff services."""
    services = SimpleNamespace(
        chat=telegram.chat,
        handoff=telegram.chat.handoff,
        sessions=sessions,
        reader=sessions,
        settings=SimpleNamespace(stats_token=None),
    )
    return create_app(services)


async def desk_client(app, name):
    client = TestClient(TestServer(app))
    await client.start_server()
    assert (await sign_in(client, name)).status == 302
    csrf = csrf_of(await (await client.get("/staff/")).text())
    return client, csrf


async def act(client, csrf, action, text="", handoff=1):
    response = await client.post(f"/staff/handoffs/{handoff}/{action}",
                                 data={"csrf": csrf, "text": text}, headers=JSON)  # fmt: skip
    assert response.status == 200, await response.text()
    return await response.json()


async def ask_for_a_human(chat):
    """A web chat citizen asks a question, then for a human, and names the district."""
    await receive_until(chat, lambda f: f["type"] == "hello")
    for n, text in enumerate(["复议要钱吗", "我要找人工", "惠山"]):
        await chat.send_json({"type": "message", "id": f"m{n}", "text": text})
    await receive_until(chat, lambda f: f.get("in_reply_to") == "m2")


async def changed(ws, handoff=1):
    return await receive_until(ws, lambda f: f == {"type": "changed", "handoff": handoff})


async def test_web_operator_claims_and_chats_with_a_web_citizen(fake, engine, answerer):
    clock = FakeClock(china(2026, 11, 23, 10))
    sessions = sessionmaker(engine)
    ids = await accounts(sessions)
    wang_label = f"坐席{ids['wang']:02d}"
    async with running(fake, engine, answerer, clock) as telegram:
        app = desk_app(telegram, sessions)
        async with TestClient(TestServer(app)) as citizen, citizen.ws_connect("/ws") as chat:
            wang, wang_csrf = await desk_client(app, "wang")
            li, li_csrf = await desk_client(app, "li")
            try:
                async with wang.ws_connect("/staff/ws") as desk:
                    await ask_for_a_human(chat)
                    await changed(desk)  # the queue page learns of the new request
                    rows = await (await wang.get("/staff/queue/rows")).text()
                    assert "2026-000001" in rows and "接单" in rows
                    _thread, summary = await topic_summary(fake)

                    # Claimed on the web: the citizen and the Telegram topic know at once.
                    answer = await act(wang, wang_csrf, "claim")
                    assert answer == {"ok": True, "text": "已接单，可以回复市民了。"}
                    claimed = await receive_until(chat, lambda f: f.get("in_reply_to") is None)
                    assert f"热线工作人员 {wang_label}" in claimed["replies"][0]["text"]
                    await fake.wait_for(lambda f: any(f"{wang_label} 已接单" in (t or "")
                                                      for t in f.texts_to(OPS)))  # fmt: skip
                    # A Telegram operator pressing 接单 afterwards is told who has it.
                    fake.clear_calls()
                    await claim(fake, summary)
                    [told] = await fake.wait_for(lambda f: f.calls("answerCallbackQuery"))
                    assert told.params["text"] == f"已被 {wang_label} 接单"
                    # Another web operator can neither claim it again nor write to the citizen.
                    assert (await act(li, li_csrf, "claim"))["text"] == f"已被 {wang_label} 接单"
                    refused = await act(li, li_csrf, "say", "我来")
                    assert refused == {
                        "ok": False,
                        "text": f"这张工单由 {wang_label} 负责，您的消息没有转给市民。",
                    }

                    assert (await act(wang, wang_csrf, "say", "您好，<b>请讲</b>"))["ok"]
                    said = await receive_until(chat, lambda f: f.get("from") == "operator")
                    assert said["sender"] == f"热线工作人员 {wang_label}"
                    assert said["replies"][0]["text"] == "您好，<b>请讲</b>"
                    await fake.wait_for(lambda f: f"{wang_label}（网页坐席）：\n您好，<b>请讲</b>"
                                        in f.texts_to(OPS))  # fmt: skip
                    assert (await act(wang, wang_csrf, "note", "市民情绪稳定"))["ok"]

                    await chat.send_json(
                        {
                            "type": "message",
                            "id": "m3",
                            "text": "<script>x()</script>我的身份证110101199003074514",
                        }
                    )
                    await changed(desk)
                    page = await (await wang.get("/staff/handoffs/1")).text()
                    assert "&lt;script&gt;x()&lt;/script&gt;" in page and "<script>x()" not in page
                    assert "110101199003074514" in page  # open: the operator may need it
                    assert "市民情绪稳定" in page and 'data-state="mine"' in page

                    answer = await act(wang, wang_csrf, "close", "resolved")
                    assert answer["ok"]
                    await receive_until(
                        chat, lambda f: f.get("replies") and "打个分" in f["replies"][0]["text"]
                    )
                    live = await (await wang.get("/staff/handoffs/1/live")).text()
                    assert "110101199003074514" not in live and 'data-state="closed"' in live
            finally:
                await wang.close()
                await li.close()
    async with sessions() as session:
        [row] = (await session.execute(select(Handoff))).scalars()
        assert (row.claimed_by, row.operator_label, row.close_code) == (
            f"web:{ids['wang']}",
            wang_label,
            "resolved",
        )
        assert row.first_reply_at is not None
        relayed = (
            await session.execute(select(Message).where(Message.body.like("<script>x()%")))
        ).scalar_one()
        assert (relayed.intent, relayed.topic) == (None, None)  # not the bot's to count
        audit = [
            (e.actor, e.action, e.target)
            for e in (await session.execute(select(AuditEntry))).scalars()
        ]
    assert (f"operator:{wang_label}", "claim", "2026-000001") in audit
    assert (f"operator:{wang_label}", "close", "2026-000001") in audit
    # The page view and the refresh within the same look: one entry.
    assert audit.count(("wang", "transcript_view", "2026-000001")) == 1


async def test_desk_refuses_other_roles_and_cross_site_sockets(fake, engine, answerer):
    clock = FakeClock(china(2026, 11, 23, 10))
    sessions = sessionmaker(engine)
    await accounts(sessions)
    async with running(fake, engine, answerer, clock) as telegram:
        app = desk_app(telegram, sessions)
        boss, boss_csrf = await desk_client(app, "boss")
        wang, _csrf = await desk_client(app, "wang")
        try:
            assert (await boss.get("/staff/queue")).status == 403
            assert (
                await boss.post("/staff/handoffs/1/claim", data={"csrf": boss_csrf})
            ).status == 403
            response = await boss.get("/staff/ws")
            assert response.status == 403
            response = await wang.get("/staff/ws", headers=CROSS_SITE_UPGRADE)
            assert response.status == 403
            assert (await wang.get("/staff/handoffs/999")).status == 404
            # Other digits and numbers past the column were server errors.
            for odd in ("٣", "²", "9" * 40):
                assert (await wang.get(f"/staff/handoffs/{odd}")).status == 404
            assert (await wang.post("/staff/handoffs/1/claim", data={})).status == 403  # no CSRF
        finally:
            await boss.close()
            await wang.close()
        await asyncio.sleep(0)


async def test_a_claim_in_the_telegram_group_shows_on_the_web_at_once(fake, engine, answerer):
    clock = FakeClock(china(2026, 11, 23, 10))
    sessions = sessionmaker(engine)
    await accounts(sessions)
    async with running(fake, engine, answerer, clock) as telegram:
        app = desk_app(telegram, sessions)
        async with TestClient(TestServer(app)) as citizen, citizen.ws_connect("/ws") as chat:
            wang, wang_csrf = await desk_client(app, "wang")
            try:
                async with wang.ws_connect("/staff/ws") as desk:
                    await ask_for_a_human(chat)
                    await changed(desk)
                    _thread, summary = await topic_summary(fake)
                    await claim(fake, summary)  # Alice, in the Telegram topic
                    rows = ""
                    while "处理中" not in rows:  # each change is announced; the claim is one
                        await changed(desk)
                        rows = await (await wang.get("/staff/queue/rows")).text()
                    assert "0231" in rows and "接单" not in rows
                    answer = await act(wang, wang_csrf, "claim")
                    assert answer == {"ok": False, "text": "已被 0231 接单"}
            finally:
                await wang.close()


async def desk_socket_of(client):
    """A desk socket shown to be live: a change pushed now reaches it."""
    ws = await client.ws_connect("/staff/ws")
    handoff = client.app[auth.STAFF_SERVICES].handoff
    handoff.changed(1)
    assert await asyncio.wait_for(ws.receive_json(), 5) == {"type": "changed", "handoff": 1}
    return ws, handoff


async def closed(ws):
    """The next thing the socket sees, within 5 s: it must be the end."""
    message = await asyncio.wait_for(ws.receive(), 5)
    return message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED)


async def test_signing_out_closes_the_desk_socket(app_parts):  # noqa: F811
    app, _sessions = app_parts
    async with TestClient(TestServer(app)) as client:
        assert (await sign_in(client, "operator")).status == 302
        csrf = csrf_of(await (await client.get("/staff/")).text())
        ws, _handoff = await desk_socket_of(client)
        await client.post("/staff/logout", data={"csrf": csrf}, allow_redirects=False)
        assert await closed(ws)


async def test_disabling_an_account_closes_its_desk_socket(app_parts):  # noqa: F811
    app, _sessions = app_parts
    async with TestClient(TestServer(app)) as admin, TestClient(TestServer(app)) as operator:
        assert (await sign_in(operator, "operator")).status == 302
        ws, _handoff = await desk_socket_of(operator)
        assert (await sign_in(admin, "admin")).status == 302
        csrf = csrf_of(await (await admin.get("/staff/users")).text())
        await admin.post("/staff/users/toggle", data={"csrf": csrf, "name": "operator"})
        assert await closed(ws)


async def test_a_push_after_a_disable_elsewhere_is_not_sent(app_parts):  # noqa: F811
    app, sessions = app_parts
    async with TestClient(TestServer(app)) as client:
        assert (await sign_in(client, "operator")).status == 302
        ws, handoff = await desk_socket_of(client)
        async with sessions() as s:  # as `python -m bot user disable` does, in its own process
            await store.set_disabled(s, "operator", True)
        handoff.changed(1)
        assert await closed(ws)
