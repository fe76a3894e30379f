"""A bank entry as a reply for a phone: the answer first and short, the rest behind 详细说明."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from actions.bank import BankEntry
from actions.deadline import ALREADY_REVIEWED, REVIEW_DAYS, fmt, review_deadline
from actions.quote import article_quote, citation_label
from bot import texts
from bot.corpus.retrieval import Retriever, local_fact
from bot.types import Button, NLUResult, Reply

# The first bubble: what a phone shows without scrolling.
FIRST_CHARS = 200
# Each option of a choice shows the start of its answer, so a citizen torn between two
# readings already sees both answers; a tap opens the one that fits.
GIST_CHARS = 40
_MARKS = "①②③"
_SENTENCE = re.compile(r"[^。！？]*[。！？]|[^。！？]+$")
_LAW_TITLES = {"司法确认规定": "关于人民调解协议司法确认程序的若干规定"}


def first_sentences(text: str, limit: int) -> tuple[str, str]:
    """`text` split into the sentences that fit in `limit` characters and the rest."""
    sentences = [s for s in _SENTENCE.findall(text) if s]
    head = sentences[0] if sentences else text
    taken = 1
    while taken < len(sentences) and len(head) + len(sentences[taken]) <= limit:
        head += sentences[taken]
        taken += 1
    return head, "".join(sentences[taken:])


def gist(answer: str) -> str:
    """The start of an answer for a choice: whole sentences, else cut at a comma."""
    head, _rest = first_sentences(answer, GIST_CHARS)
    if len(head) <= GIST_CHARS:
        return head
    cut = head.rfind("，", 0, GIST_CHARS)
    return head[:cut] + "…" if cut > 0 else ""


def entry_button(entry: BankEntry) -> Button:
    """A button that asks an entry's question."""
    label = entry.question.rstrip("？?")
    return Button(label if len(label) <= 18 else label[:17] + "…", f"entry:{entry.id}")


def answer_buttons(entry: BankEntry) -> tuple[Button, ...]:
    """详细说明, a person, and whether it helped (legal aid: the check instead): four at most."""
    third = (
        Button(texts.CHECK_BUTTON_SHORT, "check:start")
        if entry.service == "legal_aid"
        else Button(texts.HELPFUL_BUTTON, "feedback:up")
    )
    return (
        Button(texts.DETAILS_BUTTON, f"more:{entry.id}"),
        Button(texts.HUMAN_BUTTON, "human"),
        third,
        Button(texts.UNHELPFUL_BUTTON, "feedback:down"),
    )


@dataclass(frozen=True)
class Contacts:
    """Deployment-specific contacts per service; none configured means "say 12348"."""

    by_topic: dict[str, str] = field(default_factory=dict)

    def line(self, service: str) -> str:
        """Where to go for a service; a legal area outside the three always gets 12348."""
        contact = self.by_topic.get(service) or self.by_topic.get("default")
        if contact and not service.startswith("other"):
            return texts.CONTACT_CONFIGURED.format(contact=contact)
        return texts.CONTACT_DEFAULT


class Composer:
    """Turns an entry and what the citizen said into a reply; holds no per-citizen state."""

    def __init__(
        self, entries: dict[str, BankEntry], retriever: Retriever, contacts: Contacts
    ) -> None:
        self._entries = entries
        self._retriever = retriever
        self._contacts = contacts

    def answer(
        self,
        entry: BankEntry,
        nlu: NLUResult | None = None,
        district: str | None = None,
        today: dt.date | None = None,
        lead: str = "",
    ) -> Reply:
        """The entry's answer, personal lines from the situation, details and sources.

        `lead` goes before the answer (a fallback says that it is one).
        """
        personal, deadline = self._deadline(entry, nlu, today)
        named = lead or texts.ANSWERS.format(question=entry.question.rstrip("？?") + "？")
        room = FIRST_CHARS - len(texts.SHORT_NOTICE) - len(personal) - len(named) - 3
        head, rest = first_sentences(entry.answer, room)
        first = [lead, head] if lead else [named + head]
        if personal:
            first.append(personal)
        step = texts.NEXT_STEP + entry.next_step
        details: list[str] = [rest] if rest else []
        if len("\n".join(first)) + len(step) + len(texts.SHORT_NOTICE) + 2 <= FIRST_CHARS:
            first.append(step)
        else:
            details.append(step)
        first.append(texts.SHORT_NOTICE)
        if entry.conditions:
            details.append(texts.CONDITIONS + "\n" + "\n".join(f"· {c}" for c in entry.conditions))
        if deadline:
            details.append(deadline)
        where = district or (nlu.district if nlu else None)
        local = self._local(entry, nlu.text if nlu else "", where)
        sources = []
        if local is not None:
            details.append(local[0])
            sources.append(local[1])
        details.append(self._contacts.line(entry.service))
        for label, words in self._quotes(entry):
            details.append(f"{label}：“{words}”")
            sources.append(label)
        related = [self._entries[r].question for r in entry.related if r in self._entries]
        if related:
            details.append(texts.RELATED + "；".join(related[:3]))
        return Reply(
            "\n".join(first),
            answer_buttons(entry),
            tuple(dict.fromkeys(sources)),
            details="\n\n".join(details),
            entry=entry.id,
        )

    def details(self, entry: BankEntry, district: str | None = None) -> Reply:
        """The details of an entry as a reply of their own (a channel without an expander)."""
        full = self.answer(entry, district=district)
        buttons = (*self._related_buttons(entry), Button(texts.HUMAN_BUTTON, "human"))
        return Reply(full.details, buttons[:4], full.sources, entry=entry.id)

    def choices(self, entries: tuple[BankEntry, ...]) -> Reply:
        """ "您是想问：" with two or three entries, each with its answer's start, as buttons."""
        buttons = [entry_button(e) for e in entries[:3]]
        lines = [texts.CHOOSE_PROMPT]
        for mark, entry in zip(_MARKS, entries[:3], strict=False):
            lines.append(f"{mark} {entry.question}")
            if start := gist(entry.answer):
                lines.append(texts.GIST.format(gist=start))
        return Reply("\n".join(lines), (*buttons, Button(texts.NONE_OF_THESE, "human")))

    def _related_buttons(self, entry: BankEntry) -> list[Button]:
        return [entry_button(self._entries[r]) for r in entry.related if r in self._entries][:3]

    def _deadline(
        self, entry: BankEntry, nlu: NLUResult | None, today: dt.date | None
    ) -> tuple[str, str]:
        """A line counting the review deadline from a real act's date, and its full working."""
        if nlu is None or today is None or entry.service != "admin_review":
            return "", ""
        learnt = nlu.situation.learnt_of_act()
        if learnt is None or learnt.moment.date is None or ALREADY_REVIEWED.search(nlu.text):
            return "", ""
        if learnt.meaning == "other":
            # A lone date not tied to the decision by the citizen's words may be another
            # day (an inspection, a payment): the count stays behind 详细说明, hedged.
            return "", review_deadline(learnt.moment, today)
        last_day = learnt.moment.date + dt.timedelta(days=REVIEW_DAYS)
        left = (last_day - today).days
        if left < 0:
            line = texts.DEADLINE_SHORT_PASSED.format(learned=fmt(learnt.moment.date), days=-left)
        else:
            line = texts.DEADLINE_SHORT.format(
                learned=fmt(learnt.moment.date), last_day=fmt(last_day), days=left
            )
        return line, review_deadline(learnt.moment, today)

    def _local(self, entry: BankEntry, text: str, district: str | None) -> tuple[str, str] | None:
        if not district or entry.service.startswith("other"):
            return None
        fact = local_fact(self._retriever, text or entry.question, entry.service, district)
        if fact is None:
            return None
        label = citation_label(fact.passage)
        return f"{texts.LOCAL_INTRO}（{label}）：{fact.sentence}", label

    def _quotes(self, entry: BankEntry) -> list[tuple[str, str]]:
        """Each cited article's label and the words of it the answer rests on, whole."""
        quoted = []
        for citation in entry.citations:
            record = self._retriever.article(citation.law, citation.article)
            if record is None:
                title = _LAW_TITLES.get(citation.law, citation.law)
                quoted.append((f"《{title}》{citation.article}", citation.quote))
                continue
            label = f"《{record.doc_title}》{record.article}"
            quoted.append((label, article_quote(record.text, citation.quote)))
        return quoted
