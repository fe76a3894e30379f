"""Choosing the reply to one understood message."""

from __future__ import annotations

from bot import texts
from bot.types import Button, NLUResult, Reply, Topic

MAIN_MENU = tuple(Button(label, payload) for payload, label in texts.MENU_LABELS.items())

_META_REPLIES: dict[str, str] = {
    "greet": texts.GREETING,
    "thanks": texts.THANKS,
    "goodbye": texts.GOODBYE,
    "affirm": texts.AFFIRM,
    "deny": texts.DENY,
    "bot_challenge": texts.BOT_CHALLENGE,
    "chitchat": texts.CHITCHAT,
    "out_of_scope": texts.OUT_OF_SCOPE,
    "request_human": texts.REQUEST_HUMAN,
}


def _service_overview(topic: Topic) -> Reply:
    text, source = texts.SERVICE_OVERVIEW[topic]
    return Reply(f"{text}\n{texts.SOURCE_PREFIX}{source}", MAIN_MENU, (source,))


async def reply_to(nlu: NLUResult) -> list[Reply]:
    """The bot's replies to one message, safety first."""
    if not nlu.text.strip():
        return [Reply(texts.EMPTY, MAIN_MENU)]
    replies: list[Reply] = []
    if nlu.intent == "emergency":
        replies.append(Reply(texts.EMERGENCY))
    if nlu.degraded:
        replies.append(Reply(texts.DEGRADED_NOTICE))
    if nlu.topic is not Topic.OTHER:
        replies.append(_service_overview(nlu.topic))
    elif nlu.intent in _META_REPLIES:
        replies.append(Reply(_META_REPLIES[nlu.intent], MAIN_MENU))
    elif nlu.intent != "emergency":
        replies.append(Reply(texts.UNSURE, MAIN_MENU))
    return replies
