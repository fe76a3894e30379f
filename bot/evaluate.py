"""`python -m bot evaluate FILE.jsonl`: topic accuracy and answer hits over the whole pipeline."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.dialogue.core import DialogueCore
from bot.types import Reply, Topic

TOPICS = [t.value for t in Topic]


class EvalFileError(ValueError):
    """A line of the evaluation file is not what the format asks for."""


@dataclass(frozen=True, slots=True)
class Case:
    """One line of the evaluation file."""

    line: int
    text: str
    topic: str
    expect: tuple[str, ...] = ()
    # Other services that are an equally sound route: predicting one is right (lenient).
    also: tuple[str, ...] = ()
    # The golden answer set: the bank entry that answers it (None: no entry does), the
    # strings a right reply holds and those it must never hold.
    entry: str | None = None
    golden: bool = False
    # Entries that answer a golden row as well as `entry` (the same answer in two places).
    entries: tuple[str, ...] = ()
    must: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()


@dataclass
class Outcome:
    """Predictions and hits for a whole file."""

    cases: list[Case]
    predicted: list[str] = field(default_factory=list)
    hits: list[bool | None] = field(default_factory=list)
    degraded: int = 0
    # Golden rows: the entry answered (None: none), the entries offered to choose from,
    # the must strings missing and the must-not strings present.
    answered: list[str | None] = field(default_factory=list)
    offered: list[tuple[str, ...]] = field(default_factory=list)
    missing: list[tuple[str, ...]] = field(default_factory=list)
    violations: list[tuple[str, ...]] = field(default_factory=list)


def load_cases(path: Path) -> list[Case]:
    """Parse the JSONL file, naming the line of any mistake."""
    cases = []
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                item = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise EvalFileError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise EvalFileError(f'{path}:{number}: needs a "text" string')
            if "entry" in item:
                cases.append(_golden(path, number, item))
                continue
            if item.get("topic") not in TOPICS:
                raise EvalFileError(f'{path}:{number}: "topic" must be one of {TOPICS}')
            expect = item.get("expect", [])
            if not isinstance(expect, list) or not all(isinstance(e, str) for e in expect):
                raise EvalFileError(f'{path}:{number}: "expect" must be a list of strings')
            also = item.get("also", [])
            if not isinstance(also, list) or not all(a in TOPICS for a in also):
                raise EvalFileError(f'{path}:{number}: "also" must be a list of topics {TOPICS}')
            cases.append(Case(number, item["text"], item["topic"], tuple(expect), tuple(also)))
    if not cases:
        raise EvalFileError(f"{path}: no cases")
    return cases


def _golden(path: Path, number: int, item: dict[str, object]) -> Case:
    entry = item["entry"]
    if entry is not None and not isinstance(entry, str):
        raise EvalFileError(f'{path}:{number}: "entry" must be an entry id or null')
    lists = {}
    for key in ("must", "must_not"):
        value = item.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise EvalFileError(f'{path}:{number}: "{key}" must be a list of strings')
        lists[key] = tuple(value)
    also = item.get("also", [])
    if not isinstance(also, list) or not all(isinstance(a, str) for a in also):
        raise EvalFileError(f'{path}:{number}: "also" must be a list of entry ids')
    service = entry.split(".")[0] if entry else "other"
    topic = service if service in TOPICS else "other"
    text = str(item["text"])
    return Case(number, text, topic, entry=entry, golden=True, entries=tuple(also), **lists)


def _judge(outcome: Outcome, index: int, case: Case, replies: list[Reply]) -> None:
    """What a golden row's replies answered, offered, missed and got wrong."""
    said = "\n".join(f"{r.text}\n{r.details}" for r in replies)
    outcome.answered[index] = next((r.entry for r in replies if r.entry), None)
    outcome.offered[index] = tuple(
        b.payload.split(":", 1)[1]
        for r in replies
        for b in r.buttons
        if b.payload.startswith("entry:")
    )
    outcome.missing[index] = tuple(m for m in case.must if m not in said)
    outcome.violations[index] = tuple(m for m in case.must_not if m in said)


async def run_cases(
    dialogue: DialogueCore, cases: list[Case], progress: TextIO | None = None, concurrency: int = 4
) -> Outcome:
    """Each case as a fresh conversation through the dialogue core."""
    size = len(cases)
    outcome = Outcome(
        cases, [""] * size, [None] * size, 0, [None] * size, [()] * size, [()] * size, [()] * size
    )
    gate = asyncio.Semaphore(concurrency)
    done = 0

    async def one(index: int, case: Case) -> None:
        nonlocal done
        async with gate:
            turn = await dialogue.handle_text(case.text, f"eval-{case.line}")
        outcome.predicted[index] = turn.nlu.topic.value
        outcome.degraded += turn.nlu.degraded
        if case.golden:
            _judge(outcome, index, case, turn.replies)
        if case.expect:
            said = "\n".join(reply.text for reply in turn.replies)
            outcome.hits[index] = any(e in said for e in case.expect)
        done += 1
        if progress is not None and (done % 20 == 0 or done == len(cases)):
            print(f"  evaluated {done}/{len(cases)}", file=progress, flush=True)

    await asyncio.gather(*(one(i, c) for i, c in enumerate(cases)))
    return outcome


def gold(outcome: Outcome, lenient: bool = False) -> list[str]:
    """The expected topics; lenient, a prediction among a case's `also` is the expected one."""
    if not lenient:
        return [c.topic for c in outcome.cases]
    return [
        p if p in c.also else c.topic for c, p in zip(outcome.cases, outcome.predicted, strict=True)
    ]


def scores(outcome: Outcome, lenient: bool = False) -> dict[str, tuple[float, float, float, int]]:
    """Precision, recall, F1 and support per topic."""
    result = {}
    gold_topics = gold(outcome, lenient)
    for topic in TOPICS:
        pairs = list(zip(gold_topics, outcome.predicted, strict=True))
        tp = sum(g == p == topic for g, p in pairs)
        fp = sum(p == topic != g for g, p in pairs)
        fn = sum(g == topic != p for g, p in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[topic] = (precision, recall, f1, tp + fn)
    return result


def macro_f1(outcome: Outcome, lenient: bool = False) -> float:
    """Mean F1 over the topics expected or predicted (as scikit-learn counts it)."""
    seen = set(gold(outcome, lenient)) | set(outcome.predicted)
    per_topic = [f1 for topic, (_, _, f1, _) in scores(outcome, lenient).items() if topic in seen]
    return sum(per_topic) / len(per_topic)


def answer_hit(outcome: Outcome) -> float | None:
    """Share of cases with `expect` whose reply contained one of the strings."""
    checked = [h for h in outcome.hits if h is not None]
    return sum(checked) / len(checked) if checked else None


def report(outcome: Outcome, out: TextIO) -> None:
    """Confusion matrix, per-topic scores, misclassified lines, and the summary line."""
    width = max(len(t) for t in TOPICS) + 2
    print("confusion matrix (rows: expected, columns: predicted)", file=out)
    print(" " * width + "".join(t.rjust(width) for t in TOPICS), file=out)
    expected = gold(outcome)
    for g_topic in TOPICS:
        row = [
            sum(
                g == g_topic and p == p_topic
                for g, p in zip(expected, outcome.predicted, strict=True)
            )
            for p_topic in TOPICS
        ]
        print(g_topic.ljust(width) + "".join(str(n).rjust(width) for n in row), file=out)
    print(file=out)
    for lenient in (False, True):
        name = "lenient (an `also` route counts)" if lenient else "strict"
        print(f"\n{name}", file=out)
        print(f"{'topic':<{width}}{'precision':>10}{'recall':>10}{'f1':>10}{'n':>6}", file=out)
        for topic, (p, r, f1, n) in scores(outcome, lenient).items():
            print(f"{topic:<{width}}{p:>10.3f}{r:>10.3f}{f1:>10.3f}{n:>6}", file=out)
    misses = [
        (c, p)
        for c, p in zip(outcome.cases, outcome.predicted, strict=True)
        if p != c.topic and p not in c.also
    ]
    if misses:
        print(f"\n{len(misses)} misrouted (lenient):", file=out)
        for case, predicted in misses:
            print(f"  line {case.line}: {case.topic} -> {predicted}: {case.text[:60]}", file=out)
    if outcome.degraded:
        print(f"\nwarning: {outcome.degraded} messages were routed without Rasa", file=out)
    golden_report(outcome, out)
    hit = answer_hit(outcome)
    hit_text = "n/a" if hit is None else f"{hit:.3f}"
    print(
        f"macro_f1={macro_f1(outcome):.3f} lenient_macro_f1={macro_f1(outcome, lenient=True):.3f} "
        f"answer_hit={hit_text} n={len(outcome.cases)}",
        file=out,
    )


def _accepted(case: Case) -> tuple[str | None, ...]:
    return (case.entry, *case.entries)


def _right(outcome: Outcome, index: int) -> bool:
    """The reply answered with an entry the row accepts (for a null row: with none)."""
    return outcome.answered[index] in _accepted(outcome.cases[index])


def entry_scores(outcome: Outcome) -> dict[str, float] | None:
    """Over the golden rows: the share answered with the right entry, and reached by a choice."""
    rows = [i for i, c in enumerate(outcome.cases) if c.golden]
    if not rows:
        return None
    right = sum(_right(outcome, i) for i in rows)
    reached = sum(
        _right(outcome, i)
        or any(e in outcome.offered[i] for e in _accepted(outcome.cases[i]) if e is not None)
        for i in rows
    )
    must = [i for i in rows if outcome.cases[i].must]
    return {
        "entry_accuracy": right / len(rows),
        "entry_reached": reached / len(rows),
        "must_hit": sum(not outcome.missing[i] for i in must) / len(must) if must else 1.0,
        "must_not_violations": float(sum(bool(outcome.violations[i]) for i in rows)),
        "n": float(len(rows)),
    }


def golden_report(outcome: Outcome, out: TextIO) -> None:
    """Wrong entries and every must-not violation, then the golden summary line."""
    found = entry_scores(outcome)
    if found is None:
        return
    wrong = [
        (c, outcome.answered[i], outcome.offered[i])
        for i, c in enumerate(outcome.cases)
        if c.golden and not _right(outcome, i)
    ]
    if wrong:
        print(f"\n{len(wrong)} answered with another entry (or none):", file=out)
        for case, answered, offered in wrong:
            choice = f" [offered: {', '.join(offered)}]" if offered else ""
            print(
                f"  line {case.line}: {case.entry} -> {answered}{choice}: {case.text[:50]}",
                file=out,
            )
    for i, case in enumerate(outcome.cases):
        if case.golden and outcome.violations[i]:
            print(
                f"  MUST-NOT line {case.line}: {outcome.violations[i]}: {case.text[:50]}", file=out
            )
    print(
        f"entry_accuracy={found['entry_accuracy']:.3f} entry_reached={found['entry_reached']:.3f}"
        f" must_hit={found['must_hit']:.3f}"
        f" must_not_violations={int(found['must_not_violations'])} n={int(found['n'])}",
        file=out,
    )


async def evaluate(dialogue: DialogueCore, cases: list[Case], path: Path) -> Outcome:
    """Run and report, printing to stdout with progress on stderr."""
    print(f"evaluating {len(cases)} questions from {path}", file=sys.stderr, flush=True)
    outcome = await run_cases(dialogue, cases, progress=sys.stderr)
    report(outcome, sys.stdout)
    return outcome
