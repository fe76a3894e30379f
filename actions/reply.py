"""Choosing the replies to one understood message or one button press."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from actions.answers import Answerer, next_buttons
from actions.deadline import review_deadline
from bot import texts
from bot.timeparse import parse_moment
from bot.types import Button, NLUResult, Reply, Topic

CHINA = ZoneInfo("Asia/Shanghai")
# Intents where a time the citizen mentions is when they learned of the act.
_DEADLINE_INTENTS = {"admin_review_deadline", "admin_review_what", "admin_review_apply"}


def china_today() -> dt.date:
    """Today's date where the citizens are."""
    return dt.datetime.now(CHINA).date()


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


class Responder:
    """Safety first, then the FAQ, then the corpus, then an honest "not found"."""

    def __init__(
        self,
        answerer: Answerer,
        today: Callable[[], dt.date] = china_today,
        retention_days: int = 180,
    ) -> None:
        self._answers = answerer
        self._today = today
        self.retention_days = retention_days  # told in the privacy notice

    def to_message(self, nlu: NLUResult, district: str | None = None) -> list[Reply]:
        """The replies to a free-text message."""
        if not nlu.text.strip():
            return [Reply(texts.EMPTY, MAIN_MENU)]
        replies: list[Reply] = []
        if nlu.intent == "emergency" or nlu.urgent:
            replies.append(Reply(texts.EMERGENCY, (Button(texts.HUMAN_BUTTON, "human"),)))
            # Danger named inside a question about a service: the answer follows.
            if nlu.topic is Topic.OTHER:
                return replies
        if nlu.degraded:
            replies.append(Reply(texts.DEGRADED_NOTICE))
        if nlu.topic is not Topic.OTHER:
            replies.append(self._service(nlu, district))
            replies += self._calculators(nlu)
        elif nlu.intent in _META_REPLIES:
            replies.append(Reply(_META_REPLIES[nlu.intent], MAIN_MENU))
        else:
            replies.append(Reply(texts.UNSURE, MAIN_MENU))
        return replies

    def _service(self, nlu: NLUResult, district: str | None) -> Reply:
        confident = not (nlu.uncertain or nlu.degraded)
        entry = self._answers.faq(nlu.intent)
        if entry is not None and confident:
            return self._answers.for_intent(nlu.intent, nlu, district=district)
        found = self._answers.from_corpus(nlu)
        if found is not None:
            return found
        if entry is not None:
            prefix = texts.UNDERSTOOD_AS.format(title=entry.title)
            return self._answers.for_intent(nlu.intent, nlu, prefix=prefix, district=district)
        # A greeting or a keyword-routed message: the service's overview.
        return self._answers.for_intent(f"{nlu.topic.value}_what", nlu, district=district)

    def _calculators(self, nlu: NLUResult) -> list[Reply]:
        if nlu.topic is not Topic.ADMIN_REVIEW:
            return []
        if nlu.intent not in _DEADLINE_INTENTS and not nlu.degraded:
            return []
        today = self._today()
        moment = parse_moment(nlu.text, today)
        if moment is None:
            if nlu.intent == "admin_review_deadline":
                return [Reply(texts.DEADLINE_ASK)]
            return []
        sources = ("《中华人民共和国行政复议法》第二十条", "《中华人民共和国行政复议法》第二十一条")
        text = review_deadline(moment, today)
        return [Reply(text, next_buttons(["admin_review_apply"]), sources)]

    def to_button(self, payload: str, district: str | None = None) -> list[Reply]:
        """The replies to a button press; unknown payloads get the menu."""
        kind, _, value = payload.partition(":")
        if kind == "intent" and self._answers.faq(value) is not None:
            return [self._answers.for_intent(value, district=district)]
        if kind == "topic" and self._answers.faq(f"{value}_what") is not None:
            return [self._answers.for_intent(f"{value}_what", district=district)]
        if kind == "human":
            return [Reply(texts.REQUEST_HUMAN, MAIN_MENU)]
        if kind == "feedback":
            text = texts.FEEDBACK_THANKS if value == "up" else texts.FEEDBACK_SORRY
            return [Reply(text, next_buttons([]))]
        return [Reply(texts.UNSURE, MAIN_MENU)]

    def to_command(self, command: str) -> list[Reply]:
        """The replies to a channel command (`start`, `help`, `menu`)."""
        if command == "start":
            notice = texts.PRIVACY_NOTICE.format(days=self.retention_days)
            return [Reply(f"{texts.GREETING}\n\n{notice}", MAIN_MENU)]
        if command == "forget":
            buttons = (Button(texts.FORGET_YES, "privacy:forget"),
                       Button(texts.FORGET_NO, "privacy:keep"))  # fmt: skip
            return [Reply(texts.FORGET_CONFIRM, buttons)]
        if command == "menu":
            return [Reply(texts.MENU_PROMPT, MAIN_MENU)]
        return [Reply(texts.HELP, MAIN_MENU)]
