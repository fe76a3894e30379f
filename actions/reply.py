"""Choosing the replies to one understood message or one button press."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from actions.answers import Answerer, next_buttons
from actions.deadline import review_deadline
from bot import texts
from bot.nlu.topics import is_area
from bot.timeparse import china_today
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

    def to_message(
        self, nlu: NLUResult, district: str | None = None, danger: str | None = None
    ) -> list[Reply]:
        """The replies to a free-text message; `danger` is the kind of danger still present."""
        if not nlu.text.strip():
            return [Reply(texts.EMPTY, MAIN_MENU)]
        replies = self.with_danger([], danger)
        # Danger named inside a question about a service or a legal area: the answer follows.
        if replies and nlu.topic is Topic.OTHER and not is_area(nlu.intent):
            return replies
        if nlu.language in texts.NOT_CHINESE:
            return [*replies, Reply(texts.NOT_CHINESE[nlu.language])]
        if nlu.degraded:
            replies.append(Reply(texts.DEGRADED_NOTICE))
        if nlu.topic is not Topic.OTHER:
            replies.append(self._service(nlu, district))
            replies += self._calculators(nlu)
        elif nlu.intent in texts.AREA_REFERRALS:
            replies.append(Reply(texts.AREA_REFERRALS[nlu.intent], MAIN_MENU))
        elif is_area(nlu.intent):
            replies.append(Reply(texts.OUT_OF_SCOPE, MAIN_MENU))
        elif nlu.intent in _META_REPLIES:
            replies.append(Reply(_META_REPLIES[nlu.intent], MAIN_MENU))
        else:
            replies.append(Reply(texts.UNSURE, MAIN_MENU))
        return replies

    @staticmethod
    def with_danger(replies: list[Reply], danger: str | None) -> list[Reply]:
        """The replies led by the emergency line while danger lasts."""
        if danger is None:
            return replies
        line = texts.EMERGENCY_BY_KIND.get(danger, texts.EMERGENCY)
        return [Reply(line, (Button(texts.HUMAN_BUTTON, "human"),)), *replies]

    def _service(self, nlu: NLUResult, district: str | None) -> Reply:
        confident = not (nlu.uncertain or nlu.degraded)
        entry = self._answers.faq(f"{nlu.topic.value}_{nlu.aspect}") if nlu.aspect else None
        if entry is not None and confident:
            return self._answers.for_intent(entry.intent, nlu, district=district)
        found = self._answers.from_corpus(nlu)
        if found is not None:
            return found
        if entry is not None:
            prefix = texts.UNDERSTOOD_AS.format(title=entry.title)
            return self._answers.for_intent(entry.intent, nlu, prefix=prefix, district=district)
        # A keyword-routed message: the service's overview.
        return self._answers.for_intent(f"{nlu.topic.value}_what", nlu, district=district)

    def _calculators(self, nlu: NLUResult) -> list[Reply]:
        if nlu.topic is not Topic.ADMIN_REVIEW:
            return []
        learnt = nlu.situation.learnt_of_act()
        if learnt is None:
            # Only a question about the time limit is told how it is counted.
            if nlu.aspect == "deadline" and nlu.situation.act is not None:
                return [Reply(texts.DEADLINE_ASK)]
            return []
        sources = ("《中华人民共和国行政复议法》第二十条", "《中华人民共和国行政复议法》第二十一条")
        text = review_deadline(learnt.moment, self._today())
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
