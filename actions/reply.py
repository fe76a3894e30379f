"""Choosing the replies to one understood message or one button press."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from actions.answers import Answerer
from actions.compose import entry_button
from actions.deadline import ALREADY_REVIEWED, review_deadline
from actions.finder import Found
from bot import texts
from bot.nlu.topics import is_area
from bot.timeparse import china_today
from bot.types import Button, NLUResult, Reply, Topic

# What a service does for a matter the bank has no specific entry for.
OVERVIEWS = {
    Topic.MEDIATION: "mediation.which_disputes",
    Topic.LEGAL_AID: "legal_aid.scope",
    Topic.ADMIN_REVIEW: "admin_review.scope_overview",
}
_NOT_FOUND_BUTTONS = (Button(texts.HUMAN_BUTTON, "human"),)
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
    """Safety first, then the question bank, then a referral or an honest "not found"."""

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
        self,
        nlu: NLUResult,
        district: str | None = None,
        danger: str | None = None,
        last: str | None = None,
    ) -> list[Reply]:
        """The replies to a free-text message.

        `danger` is the kind of danger still present; `last` the bank entry answered before,
        which a short follow-up question leans on.
        """
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
        found = self._from_bank(nlu, district, last)
        if found is not None:
            replies.append(found)
            # Counting the review deadline belongs beside a review answer or a choice; beside
            # another area's answer ("罚单几天内要交") it would answer another question.
            if found.entry is None or found.entry.startswith("admin_review"):
                replies += self._calculators(nlu, answered=found.entry is not None)
        elif nlu.topic is not Topic.OTHER:
            replies.append(Reply(texts.NOT_FOUND, _NOT_FOUND_BUTTONS))
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

    def _from_bank(self, nlu: NLUResult, district: str | None, last: str | None) -> Reply | None:
        """The bank's answer, or its "您是想问" choice; None when no entry fits."""
        finder = self._answers.finder
        finding = finder.find(nlu, self._answers.bank.get(last) if last else None)
        if finding.kind is Found.ANSWER:
            entry = finding.entries[0]
            return self._answers.composer.answer(entry, nlu, district, self._today())
        if finding.kind is Found.CHOOSE:
            return self._answers.composer.choices(finding.entries)
        overview = self._answers.bank.get(OVERVIEWS.get(nlu.topic, ""))
        if overview is not None and not (nlu.uncertain or nlu.degraded):
            # The service is clear, the specific question is not in the bank: say so, then
            # what the service does for matters like this one.
            return self._answers.composer.answer(
                overview, nlu, district, self._today(), lead=texts.NO_SPECIFIC_ANSWER
            )
        return None

    def _calculators(self, nlu: NLUResult, answered: bool) -> list[Reply]:
        """The review deadline beside a review answer (`answered`) or a choice.

        An answer counts a date tied to the act itself (see the composer); a choice gets
        the count here, and only for such a date. Without a date, a question about the
        time limit is asked for it.
        """
        if nlu.topic is not Topic.ADMIN_REVIEW or ALREADY_REVIEWED.search(nlu.text):
            return []
        learnt = nlu.situation.learnt_of_act()
        if learnt is None:
            if answered and nlu.aspect == "deadline" and nlu.situation.act is not None:
                return [Reply(texts.DEADLINE_ASK)]
            return []
        if answered or learnt.meaning == "other":
            return []
        sources = ("《中华人民共和国行政复议法》第二十条", "《中华人民共和国行政复议法》第二十一条")
        text = review_deadline(learnt.moment, self._today())
        apply = self._answers.bank.get("admin_review.apply_how")
        buttons = (entry_button(apply),) if apply else ()
        return [Reply(text, (*buttons, Button(texts.HUMAN_BUTTON, "human")), sources)]

    def to_button(self, payload: str, district: str | None = None) -> list[Reply]:
        """The replies to a button press; unknown payloads get the menu."""
        kind, _, value = payload.partition(":")
        entry = self._answers.bank.get(value if kind != "topic" else f"{value}.what")
        if kind in ("entry", "topic") and entry is not None:
            return [self._answers.composer.answer(entry, district=district)]
        if kind == "more" and entry is not None:
            return [self._answers.composer.details(entry, district=district)]
        if kind == "human":
            return [Reply(texts.REQUEST_HUMAN, MAIN_MENU)]
        if kind == "feedback":
            text = texts.FEEDBACK_THANKS if value == "up" else texts.FEEDBACK_SORRY
            return [Reply(text, (Button(texts.HUMAN_BUTTON, "human"),))]
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
