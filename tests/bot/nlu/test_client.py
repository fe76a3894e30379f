"""The NLU client against a fake Rasa that misbehaves on request."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import numpy as np
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.nlu.client import NLUService, RasaClient
from bot.nlu.decision import CLASSES, FEATURES, Decision
from bot.types import Topic

TOKEN = "test-token"  # noqa: S105


def parse_result(text: str) -> dict:
    return {
        "text": text,
        "intent": {"name": "admin_review", "confidence": 0.81},
        "intent_ranking": [
            {"name": "admin_review", "confidence": 0.81},
            {"name": "other_court", "confidence": 0.1},
            {"name": "greet", "confidence": 0.09},
        ],
        "entities": [
            {"entity": "admin_act", "value": "罚款", "start": 2, "end": 4, "extractor": "DIET"},
            {"entity": "district", "value": "通州", "start": 5, "end": 7, "extractor": "Regex"},
            {"entity": "district", "value": "通州", "start": 5, "end": 7, "extractor": "DIET"},
        ],
    }


class FakeRasa:
    """Answers /model/parse according to `mode`; counts calls and records texts."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.calls = 0
        self.texts: list[str] = []

    async def parse(self, request: web.Request) -> web.StreamResponse:
        self.calls += 1
        if request.query.get("token") != TOKEN:
            return web.json_response({"message": "no"}, status=401)
        body = await request.json()
        self.texts.append(body["text"])
        if self.mode == "slow":
            await asyncio.sleep(1)
        if self.mode == "error":
            return web.Response(status=500, text="boom")
        if self.mode == "garbage":
            return web.Response(text="<html>not json</html>", content_type="text/html")
        if self.mode == "wrong_shape":
            return web.json_response({"intent": "greet"})
        if self.mode == "flaky" and self.calls == 1:
            return web.Response(status=503)
        if self.mode == "greet":
            ranking = [{"name": "greet", "confidence": 0.9}, {"name": "thanks", "confidence": 0.1}]
            return web.json_response(
                {"intent": ranking[0], "intent_ranking": ranking, "entities": []}
            )
        return web.json_response(parse_result(body["text"]))


@pytest.fixture
async def fake():
    rasa = FakeRasa()
    app = web.Application()
    app.router.add_post("/model/parse", rasa.parse)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    rasa.url = str(server.make_url(""))
    yield rasa
    await server.close()


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


def service(http, url, token=TOKEN, timeout=0.3, retry_after=0.0):
    return NLUService(RasaClient(http, url, token, timeout), retry_after=retry_after)


async def test_rasa_answer_gives_the_topic_contract(fake, http):
    result = await service(http, fake.url).understand("請問被罰款了 通州 複議期限")
    assert result.topic is Topic.ADMIN_REVIEW
    assert result.intent == "admin_review"
    assert result.aspect == "deadline"
    assert result.situation.district == "通州"
    assert result.confidence == pytest.approx(0.81)
    assert not result.degraded
    assert [e.value for e in result.entities] == ["罚款", "通州"]
    assert result.text == "請問被罰款了 通州 複議期限"  # the original is kept
    assert fake.texts == ["请问被罚款了 通州 复议期限"]  # the model sees simplified text


async def test_one_retry_recovers_a_single_failure(fake, http):
    fake.mode = "flaky"
    result = await service(http, fake.url).understand("复议")
    assert not result.degraded
    assert fake.calls == 2


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("error", "HTTP 500"),
        ("garbage", "not JSON"),
        ("wrong_shape", "does not look like"),
        ("slow", "within"),
    ],
)
async def test_bad_rasa_answers_degrade_to_keywords(fake, http, caplog, mode, reason):
    fake.mode = mode
    with caplog.at_level(logging.WARNING, logger="bot.nlu.client"):
        result = await service(http, fake.url).understand("被城管罚了五百块不服")
    assert result.degraded
    assert reason in (result.degraded_reason or "")
    assert result.topic is Topic.ADMIN_REVIEW
    assert fake.calls == 2  # one retry, then give up
    assert reason in caplog.text


async def test_wrong_token_degrades(fake, http):
    result = await service(http, fake.url, token="wrong").understand("法援")  # noqa: S106
    assert result.degraded and "401" in (result.degraded_reason or "")
    assert result.topic is Topic.LEGAL_AID


async def test_unreachable_rasa_degrades(http):
    result = await service(http, "http://127.0.0.1:9").understand("邻居吵架想找人调解")
    assert result.degraded and "cannot reach" in (result.degraded_reason or "")
    assert result.topic is Topic.MEDIATION


async def test_down_rasa_is_not_asked_again_until_retry_after(fake, http):
    fake.mode = "error"
    nlu = service(http, fake.url, retry_after=60)
    await nlu.understand("复议")
    calls = fake.calls
    result = await nlu.understand("复议")
    assert result.degraded
    assert fake.calls == calls


async def test_recovery_is_logged(fake, http, caplog):
    nlu = service(http, fake.url, retry_after=0)
    fake.mode = "error"
    assert (await nlu.understand("复议")).degraded
    fake.mode = "ok"
    with caplog.at_level(logging.WARNING, logger="bot.nlu.client"):
        assert not (await nlu.understand("复议")).degraded
    assert "recovered" in caplog.text


async def test_empty_text_is_not_sent(fake, http):
    result = await service(http, fake.url).understand(" \u200b ")
    assert result.topic is Topic.OTHER
    assert fake.calls == 0


async def test_a_fitted_decision_picks_the_topic(fake, http):
    fake.mode = "greet"
    # A decision that learnt: a text naming legal aid is about legal aid, whatever the model.
    weights = np.zeros((len(FEATURES), len(CLASSES)))
    weights[FEATURES.index("names_legal_aid"), CLASSES.index(Topic.LEGAL_AID)] = 10.0
    bias = np.array([0.0, 0.0, 0.0, 1.0])
    client = RasaClient(http, fake.url, TOKEN, 0.3)
    nlu = NLUService(client, retry_after=0.0, decision=Decision(weights, bias))
    named = await nlu.understand("你好 我想问问法律援助")
    assert (named.intent, named.topic) == ("legal_aid", Topic.LEGAL_AID)
    assert named.topic_confidence > 0.9
    plain = await nlu.understand("你好")
    assert (plain.intent, plain.topic) == ("greet", Topic.OTHER)


async def test_without_a_client_every_message_is_routed_by_keywords():
    result = await NLUService(None).understand("法援怎么申请")
    assert result.degraded and result.topic is Topic.LEGAL_AID


async def test_danger_in_the_text_is_urgent_whatever_the_model_says(fake, http):
    result = await service(http, fake.url).understand("我妈刚被人打倒在地上流了好多血 复议")
    assert result.intent == "admin_review"  # the fake model's answer
    assert result.urgent
    calm = await service(http, fake.url).understand("被罚款了 复议期限")
    assert not calm.urgent
