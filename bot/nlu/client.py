"""Talking to the Rasa NLU server over HTTP, and falling back to keywords when it fails."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import aiohttp

from bot.nlu import keywords, topics
from bot.nlu.aspect import aspect_of
from bot.nlu.danger import detect
from bot.nlu.decision import Decision, by_mass, features
from bot.nlu.evidence import by_statute, from_situation
from bot.nlu.language import language_of
from bot.nlu.normalize import for_model
from bot.nlu.situation import extract
from bot.timeparse import china_today
from bot.types import Entity, NLUResult, Topic

log = logging.getLogger(__name__)


class NLUUnavailable(Exception):
    """Rasa could not give a usable answer; the message says why."""


class RasaClient:
    """`POST /model/parse` with a short timeout and one retry."""

    def __init__(
        self, session: aiohttp.ClientSession, url: str, token: str, timeout: float
    ) -> None:
        self._session = session
        self._url = url.rstrip("/") + "/model/parse"
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def parse(self, text: str) -> dict[str, Any]:
        """The parse result of Rasa, validated; raises `NLUUnavailable` after one retry."""
        try:
            return await self._parse_once(text)
        except NLUUnavailable as first:
            log.debug("Rasa parse failed (%s); retrying once", first)
            return await self._parse_once(text)

    async def _parse_once(self, text: str) -> dict[str, Any]:
        try:
            async with self._session.post(
                self._url,
                params={"token": self._token},
                json={"text": text},
                timeout=self._timeout,
            ) as response:
                if response.status != 200:
                    raise NLUUnavailable(f"HTTP {response.status} from Rasa")
                data = await response.json(content_type=None)
        except TimeoutError as exc:
            raise NLUUnavailable(f"no answer from Rasa within {self._timeout.total}s") from exc
        except aiohttp.ClientError as exc:
            raise NLUUnavailable(f"cannot reach Rasa: {exc.__class__.__name__}: {exc}") from exc
        except ValueError as exc:
            raise NLUUnavailable("Rasa answered with something that is not JSON") from exc
        return _validated(data)


def _validated(data: Any) -> dict[str, Any]:
    intent = data.get("intent") if isinstance(data, dict) else None
    if not (
        isinstance(intent, dict)
        and isinstance(intent.get("name"), str)
        and isinstance(intent.get("confidence"), int | float)
        and isinstance(data.get("intent_ranking", []), list)
        and isinstance(data.get("entities", []), list)
    ):
        raise NLUUnavailable("Rasa's answer does not look like a parse result")
    return data  # type: ignore[no-any-return]


def _entities(raw: list[Any]) -> tuple[Entity, ...]:
    # The regex extractor and DIET may both find the same span: keep one.
    seen: set[tuple[str, int | None, int | None]] = set()
    found = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("entity"), str):
            continue
        key = (item["entity"], item.get("start"), item.get("end"))
        if key in seen:
            continue
        seen.add(key)
        found.append(
            Entity(
                entity=item["entity"],
                value=str(item.get("value", "")),
                start=item.get("start"),
                end=item.get("end"),
                extractor=item.get("extractor"),
            )
        )
    return tuple(found)


def _ranking(data: dict[str, Any]) -> tuple[tuple[str, float], ...]:
    ranking = [
        (str(r["name"]), float(r["confidence"]))
        for r in data.get("intent_ranking", [])
        if isinstance(r, dict) and "name" in r and "confidence" in r
    ]
    return tuple(ranking) or ((data["intent"]["name"], float(data["intent"]["confidence"])),)


EARLY_LIMIT = 1000
# Below this probability of its topic a message counts as not understood: the reply says
# what it took the question for, and two such turns in a row offer a person.
UNCERTAIN = 0.5


class NLUService:
    """Understands a citizen's message: Rasa when it answers, keywords when it does not."""

    def __init__(
        self,
        client: RasaClient | None,
        retry_after: float = 5.0,
        decision: Decision | None = None,
        today: Callable[[], dt.date] = china_today,
    ) -> None:
        self._client = client
        self._decision = decision
        self._today = today
        self._retry_after = retry_after
        self._down_since: float | None = None
        self._down_reason = "Rasa is not configured"
        # Asked ahead while the message is being stored: a text's result, taken once.
        self._early: OrderedDict[str, asyncio.Task[NLUResult]] = OrderedDict()

    def prefetch(self, text: str) -> None:
        """Start understanding a text now; the next `understand(text)` takes the result."""
        if text in self._early:
            return
        self._early[text] = asyncio.ensure_future(self._understand(text))
        if len(self._early) > EARLY_LIMIT:  # never taken (e.g. a duplicate): drop the oldest
            _text, stale = self._early.popitem(last=False)
            stale.cancel()

    @property
    def available(self) -> bool:
        """Whether the last call to Rasa succeeded."""
        return self._client is not None and self._down_since is None

    async def understand(self, text: str) -> NLUResult:
        """The topic contract for one message; never raises for any input."""
        early = self._early.pop(text, None)
        if early is not None:
            return await early
        return await self._understand(text)

    async def _understand(self, text: str) -> NLUResult:
        model_text = for_model(text)
        if not model_text:
            return NLUResult(text, topics.FALLBACK_INTENT, 0.0, Topic.OTHER, 0.0)
        if self._client is None:
            return self._degraded(text, model_text, self._down_reason)
        now = time.monotonic()
        if self._down_since is not None and now - self._down_since < self._retry_after:
            return self._degraded(text, model_text, self._down_reason)
        try:
            data = await self._client.parse(model_text)
        except NLUUnavailable as exc:
            if self._down_since is None:
                log.warning("NLU degraded to keyword routing: %s", exc)
            self._down_since, self._down_reason = time.monotonic(), str(exc)
            return self._degraded(text, model_text, str(exc))
        except asyncio.CancelledError:
            raise
        if self._down_since is not None:
            log.warning("NLU recovered: Rasa answers again")
            self._down_since = None
        return self._from_rasa(text, model_text, data)

    def _from_rasa(self, text: str, model_text: str, data: dict[str, Any]) -> NLUResult:
        ranking = _ranking(data)
        situation = extract(model_text, self._today())
        if self._decision is None:
            topic = by_mass(ranking)
            topic_confidence = topics.masses(ranking).get(topic.value, 0.0)
        else:
            row = features(ranking, model_text, from_situation(situation))
            probabilities = self._decision.probabilities(row)
            topic = max(probabilities, key=lambda t: probabilities[t])
            topic_confidence = probabilities[topic]
        intent, confidence = topics.best_intent(ranking, topic)
        routed = by_statute(topic, intent, situation, model_text)
        if routed is not topic:
            topic, (intent, confidence) = routed, topics.best_intent(ranking, routed)
        danger = detect(text)
        return NLUResult(
            text=text,
            intent=intent,
            confidence=confidence,
            topic=topic,
            topic_confidence=min(topic_confidence, 1.0),
            entities=_entities(data.get("entities", [])),
            ranking=ranking,
            uncertain=topic_confidence < UNCERTAIN,
            urgent=danger is not None,
            danger=danger,
            aspect=aspect_of(topic, model_text),
            situation=situation,
            language=language_of(text),
        )

    def _degraded(self, text: str, model_text: str, reason: str) -> NLUResult:
        guess = keywords.route(model_text)
        danger = detect(text)
        return NLUResult(
            text=text,
            intent=guess.intent,
            confidence=0.0,
            topic=guess.topic,
            topic_confidence=0.0,
            uncertain=True,
            degraded=True,
            degraded_reason=reason,
            urgent=danger is not None,
            danger=danger,
            aspect=aspect_of(guess.topic, model_text),
            situation=extract(model_text, self._today()),
            language=language_of(text),
        )
