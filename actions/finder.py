"""Which bank entry a message asks: the topic narrows, the words rank, the situation constrains."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from actions.bank import BankEntry, BankMatcher
from bot.nlu.topics import SERVICE_INTENTS, is_area
from bot.types import NLUResult, Topic

# Chosen on tests/data/answers_tune.jsonl (`make eval-answers-tune`); answers_test.jsonl
# scores them (`make eval-answers`) and no choice is made on it.
ANSWER_SCORE = 0.13  # the best entry is answered at or above this likeness…
ANSWER_MARGIN = 0.1  # …when it leads the next by this share of its score
CHOICE_SCORE = 0.09  # below this nothing fits
CHOICE_SHARE = 0.75  # entries offered beside the best score at least this share of it
RELATED_BONUS = 0.05  # a follow-up leans to the entries related to the one it follows
# Another service's entry can still win when its words fit much better: the model's
# topic is right about nine times in ten, the bank's wording often knows better.
OTHER_SERVICE = 0.7
AREA_SCORE = 0.15  # a legal area's message is answered from the bank only above this
SECOND_TOPIC = 0.25  # a second service is searched when the model gives it this much

# A short message that only makes sense after an answer ("要带什么材料", "多久").
FOLLOW_UP = re.compile(
    r"^(?:那|那么|还有|请问|另外)?.{0,4}(?:材料|带什么|多久|多长时间|几天|收费|要钱|多少钱|去哪|"
    r"在哪|找谁|怎么申请|期限|时间|费用|流程|手续|然后呢|还有呢|可以吗|行吗|能吗).{0,4}$"
)
# A message that names a service is a question of its own, however short.
_NAMES_A_SERVICE = re.compile(r"调解|调委会|援助|法援|复议|复意|仲裁|法院|起诉|律师")
# Another service's entry ("被罚款了能找人民调解吗") answers only a message that names that
# service: its paraphrases tell the same stories, but the citizen asked something else.
NAMES = {
    "mediation": re.compile(r"调解|调委会|调节|说和"),
    "legal_aid": re.compile(r"援助|法援|免费.{0,4}律师|律师.{0,4}免费|请不起|没钱请"),
    "admin_review": re.compile(r"复议|复意"),
}
# Bodies an entry may be about: an entry about one does not answer a message about another.
BODIES = {
    "traffic_police": re.compile(r"交警|交通警察|车管所"),
    "police": re.compile(r"派出所|公安|警察(?!.*交)"),
    "chengguan": re.compile(r"城管|综合执法"),
    "court": re.compile(r"法院|法官"),
    "labour": re.compile(r"人社|劳动监察|仲裁委"),
}
OTHER_BODY = 0.6
_WAGES = re.compile(r"工资|工钱|欠薪|讨薪|劳务费|血汗钱")
# A statutory group names its legal-aid entry when the question is whether one qualifies.
GROUP_ENTRIES = {
    "老年人": "legal_aid.elderly",
    "残疾人": "legal_aid.disabled",
    "未成年人": "legal_aid.minor",
    "军人军属": "legal_aid.military",
    "低保特困": "legal_aid.dibao",
    "家庭暴力受害人": "legal_aid.domestic_violence",
}


class Found(StrEnum):
    """What the finder concluded."""

    ANSWER = "answer"
    CHOOSE = "choose"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Finding:
    """The entry to answer with, or the two or three to choose from, or none."""

    kind: Found
    entries: tuple[BankEntry, ...] = ()


class Finder:
    """Finds the entry a message asks, given what the NLU understood and the last answer."""

    def __init__(self, matcher: BankMatcher) -> None:
        self.matcher = matcher
        self.entries = matcher.entries
        self._bodies: dict[str, set[str]] = {}

    def services(self, nlu: NLUResult, last: BankEntry | None) -> list[str]:
        """The services (or legal areas) whose entries may answer the message."""
        if last is not None and self.follows_up(nlu):
            return [last.service]
        if nlu.topic is not Topic.OTHER:
            wanted = [nlu.topic.value]
        elif is_area(nlu.intent):
            wanted = [nlu.intent]
        else:
            return []
        for intent, confidence in nlu.ranking[1:3]:
            topic = SERVICE_INTENTS.get(intent, intent if is_area(intent) else None)
            if topic and topic not in wanted and confidence >= SECOND_TOPIC:
                wanted.append(topic)
        return wanted

    @staticmethod
    def follows_up(nlu: NLUResult) -> bool:
        """A short question that leans on the answer before it."""
        text = nlu.text.strip()
        return bool(FOLLOW_UP.match(text)) and not _NAMES_A_SERVICE.search(text)

    def find(self, nlu: NLUResult, last: BankEntry | None = None) -> Finding:
        """The entry (or entries) for a message."""
        services = self.services(nlu, last)
        if not services:
            return Finding(Found.NONE)
        constrained = self._constraint(nlu, services)
        if constrained is not None:
            return Finding(Found.ANSWER, (constrained,))
        ranked = self.rank(nlu.text, services, last if self.follows_up(nlu) else None)
        if not ranked or ranked[0][1] < CHOICE_SCORE:
            return Finding(Found.NONE)
        best_id, best = ranked[0]
        if is_area(nlu.intent) and best < AREA_SCORE:
            # A referral's general text is safer than a loosely matched specific answer.
            return Finding(Found.NONE)
        following = ranked[1][1] if len(ranked) > 1 else 0.0
        if best >= ANSWER_SCORE and (best - following) / best >= ANSWER_MARGIN:
            return Finding(Found.ANSWER, (self.entries[best_id],))
        close = [self.entries[i] for i, s in ranked[:3] if s >= best * CHOICE_SHARE]
        if len(close) == 1:
            return Finding(Found.ANSWER if best >= ANSWER_SCORE else Found.CHOOSE, tuple(close))
        return Finding(Found.CHOOSE, tuple(close))

    def rank(
        self, text: str, services: list[str], last: BankEntry | None = None
    ) -> list[tuple[str, float]]:
        """Entries best first: those of other services count less, a follow-up's not at all."""
        ranked = []
        said = {name for name, pattern in BODIES.items() if pattern.search(text)}
        for entry_id, score in self.matcher.scores(text):
            entry = self.entries[entry_id]
            if entry.service not in services:
                named = NAMES.get(entry.service)
                if last is not None or (named is not None and not named.search(text)):
                    continue
                score *= OTHER_SERVICE
            elif last is not None:
                score += RELATED_BONUS * (entry_id in last.related)
            if self._other_body(entry, said):
                score *= OTHER_BODY
            ranked.append((entry_id, score))
        ranked.sort(key=lambda pair: -pair[1])
        return ranked[:6]

    def _other_body(self, entry: BankEntry, said: set[str]) -> bool:
        """The entry's question names a body, and the message names another, not it."""
        if not said:
            return False
        named = self._bodies.get(entry.id)
        if named is None:
            named = {name for name, p in BODIES.items() if p.search(entry.question)}
            self._bodies[entry.id] = named
        return bool(named) and not named & said

    def _constraint(self, nlu: NLUResult, services: list[str]) -> BankEntry | None:
        """An entry the citizen's situation settles, whatever the words rank."""
        groups = nlu.situation.groups
        if "legal_aid" not in services or nlu.aspect not in (None, "what", "eligibility"):
            return None
        if "农民工" in groups and _WAGES.search(nlu.text):
            return self.entries.get("legal_aid.migrant_wages")
        for group in groups:
            if group in GROUP_ENTRIES and nlu.topic is Topic.LEGAL_AID:
                return self.entries.get(GROUP_ENTRIES[group])
        return None
