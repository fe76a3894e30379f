"""The trained model behind a real Rasa server."""

from __future__ import annotations

import pytest

from bot.evaluate import answer_hit, load_cases, macro_f1, run_cases
from bot.types import Topic

pytestmark = pytest.mark.rasa

BAD_INPUTS = [
    "",
    "   \n\t  ",
    "邻居" * 5000,
    "😀😂🙏🔥",
    "How do I apply for legal aid in China?",
    "請問申請行政複議有期限嗎",
    "复\u200b议\u200d要\x00钱\x07吗\u202e",
    "<script>alert('x')</script><b>法援</b>",
    "'; DROP TABLE messages; --",
    "1=1 OR SELECT * FROM users",
    "\x00\x01\x02",
    "？？？？？",
]


@pytest.mark.parametrize("text", BAD_INPUTS, ids=range(len(BAD_INPUTS)))
async def test_bad_input_gets_a_topic_from_the_model(nlu, text):
    result = await nlu.understand(text)
    assert isinstance(result.topic, Topic)
    assert not result.degraded, result.degraded_reason


async def test_traditional_characters_are_understood(nlu):
    result = await nlu.understand("請問申請行政複議有期限嗎")
    assert result.topic is Topic.ADMIN_REVIEW


async def test_rasa_needs_its_token(rasa, http):
    async with http.post(f"{rasa.url}/model/parse", json={"text": "复议"}) as response:
        assert response.status == 401


async def test_rasa_listens_on_loopback_only(rasa):
    psutil = pytest.importorskip("psutil")
    listening = [
        c.laddr
        for c in psutil.Process(rasa.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert listening
    assert all(addr.ip == "127.0.0.1" for addr in listening)


async def test_entities_are_extracted(nlu):
    result = await nlu.understand("我在通州，两个月前被城管罚款了，还能复议吗")
    names = {e.entity for e in result.entities}
    assert "district" in names
    assert "通州" in result.entity_values("district") or "通州区" in result.entity_values(
        "district"
    )


async def test_evaluation_set_reaches_the_target(dialogue, project_root):
    cases = load_cases(project_root / "tests" / "data" / "eval_topics.jsonl")
    outcome = await run_cases(dialogue, cases)
    assert outcome.degraded == 0
    assert macro_f1(outcome) >= 0.90
    assert (answer_hit(outcome) or 0) >= 0.90
