"""A web chat citizen handed to an operator who works from the Telegram group."""

from types import SimpleNamespace

from aiohttp.test_utils import TestClient, TestServer

from bot import texts
from bot.storage.models import Handoff
from bot.web.app import create_app
from tests.bot.channels.test_handoff_telegram import (
    ALICE,
    OPS,
    claim,
    rows,
    running,
    topic_summary,
)
from tests.fakes.clock import FakeClock, china


async def receive_until(ws, predicate):
    while True:
        frame = await ws.receive_json(timeout=10)
        if predicate(frame):
            return frame


async def test_web_citizen_gets_the_operator_and_rates(fake, engine, answerer):
    clock = FakeClock(china(2026, 11, 23, 10))
    async with running(fake, engine, answerer, clock) as telegram:
        app = create_app(SimpleNamespace(chat=telegram.chat))
        async with TestClient(TestServer(app)) as client, client.ws_connect("/ws") as ws:
            await receive_until(ws, lambda f: f["type"] == "hello")
            for n, text in enumerate(["复议要钱吗", "我要找人工", "惠山"]):
                await ws.send_json({"type": "message", "id": f"m{n}", "text": text})
            queued = await receive_until(ws, lambda f: f.get("in_reply_to") == "m2")
            assert "2026-000001" in queued["replies"][0]["text"]

            thread, summary = await topic_summary(fake)
            assert "渠道：网页" in summary.text
            await claim(fake, summary)
            claimed = await receive_until(ws, lambda f: f.get("in_reply_to") is None)
            assert "热线工作人员 0231" in claimed["replies"][0]["text"]

            fake.message(OPS, "您好，请讲", user_id=ALICE, chat_type="supergroup",
                         message_thread_id=thread)  # fmt: skip
            said = await receive_until(ws, lambda f: f.get("from") == "operator")
            assert said["sender"] == "热线工作人员 0231"
            assert said["replies"][0]["text"] == "您好，请讲"

            await ws.send_json({"type": "message", "id": "m3", "text": "好的<b>谢谢</b>"})
            await fake.wait_for(
                lambda f: any("好的<b>谢谢</b>" in (t or "") for t in f.texts_to(OPS))
            )

            fake.message(OPS, "/close", user_id=ALICE, chat_type="supergroup",
                         message_thread_id=thread)  # fmt: skip
            ask = await receive_until(
                ws, lambda f: f.get("replies") and "打个分" in f["replies"][0]["text"]
            )
            payload = ask["replies"][0]["buttons"][4]["payload"]
            await ws.send_json({"type": "button", "id": "b1", "payload": payload})
            rated = await receive_until(ws, lambda f: f.get("in_reply_to") == "b1")
            assert rated["replies"][0]["text"] == texts.RATING_THANKS

            # The operator's words stay in the history for a page opened again.
            history = await (await client.get("/api/history")).json()
            operator = [i for i in history["history"] if i["from"] == "operator"]
            assert [i["text"] for i in operator] == ["您好，请讲"]
            assert operator[0]["sender"] == "热线工作人员 0231"


async def test_fresh_sessions_cannot_queue_tickets_by_a_forged_payload(fake, engine, answerer):
    # The pen test's flood: {"payload": "human:emergency"} from one address, new sessions.
    clock = FakeClock(china(2026, 11, 23, 10))
    async with running(fake, engine, answerer, clock) as telegram:
        app = create_app(SimpleNamespace(chat=telegram.chat))
        async with TestClient(TestServer(app)) as client:
            for n in range(30):
                client.session.cookie_jar.clear()
                body = {"id": f"b{n}", "payload": "human:emergency"}
                response = await client.post("/api/button", json=body)
                if response.status == 200:  # (a rate limit may refuse some first)
                    [reply] = (await response.json())["replies"]
                    assert reply["text"] == texts.BUTTON_EXPIRED
                else:
                    assert response.status == 429
    assert await rows(engine, Handoff) == []
    assert fake.calls("createForumTopic") == []
