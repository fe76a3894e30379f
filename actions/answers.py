"""Composing an answer: the FAQ first, then the statute quoted, local facts, next steps."""

from __future__ import annotations

from dataclasses import dataclass, field

from actions.faq import FaqEntry, squash
from bot import texts
from bot.corpus.index import PassageRecord
from bot.corpus.retrieval import ARTICLE_NUMBER, SENTENCE, Hit, Retriever, local_fact
from bot.types import Button, NLUResult, Reply, Topic

# BM25 scores below this found nothing a citizen should be shown (calibrated on the
# corpus: unrelated questions score under 3, on-topic article matches above 5).
MIN_SCORE = 4.0
QUOTE_CHARS = 150


@dataclass(frozen=True)
class Contacts:
    """Deployment-specific contacts per topic; empty means "say 12348"."""

    by_topic: dict[str, str] = field(default_factory=dict)

    def line(self, topic: Topic) -> str:
        contact = self.by_topic.get(topic.value) or self.by_topic.get("default")
        return (
            texts.CONTACT_CONFIGURED.format(contact=contact) if contact else texts.CONTACT_DEFAULT
        )


def citation_label(record: PassageRecord) -> str:
    """《title》第X条, or a local document's title, publisher, date and section."""
    if record.article:
        return f"《{record.doc_title}》{record.article}"
    section = f"“{record.section.split(' / ')[-1]}”部分" if record.section else ""
    return f"《{record.doc_title}》（{record.publisher}，{record.date}）{section}"


def sentences(text: str) -> list[str]:
    """The sentences of a passage, without its leading 第X条."""
    body = ARTICLE_NUMBER.sub("", text.replace("\n", ""))
    return SENTENCE.findall(body) or [body]


def excerpt(text: str, phrase: str | None = None, limit: int = QUOTE_CHARS) -> str:
    """The sentence of `text` holding `phrase` (or the first), cut to `limit` characters."""
    found = sentences(text)
    chosen: str = found[0]
    if phrase:
        chosen = next((s for s in found if squash(phrase) in squash(s)), chosen)
    return chosen if len(chosen) <= limit else chosen[: limit - 1] + "…"


def quote_line(record: PassageRecord, phrase: str | None = None) -> str:
    """A quoted passage with its source, flagged when the rule is superseded."""
    line = f"{texts.QUOTE_INTRO}：{citation_label(record)}：“{excerpt(record.text, phrase)}”"
    if record.status == "superseded" and record.superseded_by:
        line += texts.SUPERSEDED_NOTE.format(replacement=f"《{record.superseded_by}》")
    return line


def next_buttons(intents: tuple[str, ...] | list[str]) -> tuple[Button, ...]:
    """Buttons for the follow-up questions, a human, and feedback."""
    buttons = [Button(texts.INTENT_BUTTONS[i], f"intent:{i}") for i in intents[:3]]
    buttons += [
        Button(texts.HUMAN_BUTTON, "human"),
        Button(texts.HELPFUL_BUTTON, "feedback:up"),
        Button(texts.UNHELPFUL_BUTTON, "feedback:down"),
    ]
    return tuple(buttons)


class Answerer:
    """Answers service questions from the FAQ and the corpus; holds no per-citizen state."""

    def __init__(self, faq: dict[str, FaqEntry], retriever: Retriever, contacts: Contacts):
        self._faq = faq
        self._retriever = retriever
        self._contacts = contacts

    def faq(self, intent: str) -> FaqEntry | None:
        """The FAQ entry of an intent, if there is one."""
        return self._faq.get(intent)

    def for_intent(
        self,
        intent: str,
        nlu: NLUResult | None = None,
        prefix: str = "",
        district: str | None = None,
    ) -> Reply:
        """The FAQ answer of `intent`, with its sources, local facts and next steps."""
        entry = self._faq[intent]
        topic = nlu.topic if nlu else Topic(intent.rsplit("_", 1)[0])
        parts = [f"{prefix}【{entry.title}】\n{entry.answer}"]
        sources: list[str] = []
        support = self._support(entry, nlu.text if nlu else "")
        if support is not None:
            parts.append(quote_line(*support))
            sources.append(citation_label(support[0]))
        for citation in entry.citations:
            cited = self._retriever.article(citation.law, citation.article)
            if cited is not None and (label := citation_label(cited)) not in sources:
                sources.append(label)
        districts = [nlu.district] if nlu and nlu.district else []
        local = self._local(nlu.text if nlu else "", topic, [*districts, district or ""])
        if local:
            parts.append(local[0])
            sources.append(local[1])
        parts += [self._contacts.line(topic), texts.CASE_NOTICE]
        buttons = next_buttons(entry.next)
        if intent in ("legal_aid_eligibility", "legal_aid_what"):
            buttons = (Button(texts.CHECK_BUTTON, "check:start"), *buttons)
        return Reply("\n\n".join(parts), buttons, tuple(sources))

    def from_corpus(self, nlu: NLUResult) -> Reply | None:
        """The best passage for a question the FAQ does not cover, or None if nothing fits."""
        hits = self._retriever.search(nlu.text, nlu.topic.value)
        best: Hit | None = hits[0] if hits else None
        if best is None or best.score < MIN_SCORE:
            return None
        intents = [i for i in self._faq if i.startswith(nlu.topic.value)]
        text = "\n\n".join([texts.RETRIEVED_INTRO, quote_line(best.passage), texts.CASE_NOTICE])
        return Reply(text, next_buttons(intents), (citation_label(best.passage),))

    def _support(self, entry: FaqEntry, question: str) -> tuple[PassageRecord, str] | None:
        """Of the articles this answer cites, the one (and sentence) closest to the question.

        Only cited articles qualify: a quote must back the answer it stands under.
        """
        cited = [
            (record, c.quote)
            for c in entry.citations
            if (record := self._retriever.article(c.law, c.article)) is not None
        ]
        if not cited:
            return None
        wanted = set(self._retriever.tokenize(question)) if question else set()
        if not wanted:
            return cited[0]
        ranked = {h.passage.id: h.score for h in self._retriever.search(question, k=200)}
        record, _ = max(cited, key=lambda rc: ranked.get(rc[0].id, 0.0))
        if ranked.get(record.id, 0.0) <= 0:
            return cited[0]
        best = max(self._retriever.sentences(record), key=lambda s: len(wanted & s[2]))
        return record, best[0]

    def _local(self, text: str, topic: Topic, districts: list[str]) -> tuple[str, str] | None:
        for district in filter(None, districts):
            fact = local_fact(self._retriever, text, topic.value, district)
            if fact is not None:
                label = citation_label(fact.passage)
                return f"{texts.LOCAL_INTRO}（{label}）：{fact.sentence}", label
        return None
