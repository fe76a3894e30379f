"""`python -m bot.nlu.danger_eval FILE.jsonl`: the danger detector's recall and precision."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.nlu.danger import detect


@dataclass(frozen=True, slots=True)
class DangerScore:
    """Counts and rates over a labelled file; `misses` and `false_alarms` are the texts."""

    recall: float
    precision: float
    n: int
    misses: tuple[str, ...]
    false_alarms: tuple[str, ...]


def score(path: Path) -> DangerScore:
    """Score the detector on JSON lines with `text` and `danger` (true/false)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    misses, alarms, hits = [], [], 0
    for row in rows:
        found = detect(row["text"]) is not None
        if row["danger"] and found:
            hits += 1
        elif row["danger"]:
            misses.append(row["text"])
        elif found:
            alarms.append(row["text"])
    positives = hits + len(misses)
    flagged = hits + len(alarms)
    return DangerScore(
        recall=hits / positives if positives else 0.0,
        precision=hits / flagged if flagged else 0.0,
        n=len(rows),
        misses=tuple(misses),
        false_alarms=tuple(alarms),
    )


def main(argv: list[str]) -> int:
    """For each file: the misses, the false alarms and one summary line."""
    if not argv:
        print("usage: python -m bot.nlu.danger_eval FILE.jsonl [FILE.jsonl …]", file=sys.stderr)
        return 2
    for name in argv:
        result = score(Path(name))
        print(name)
        for text in result.misses:
            print(f"  missed: {text}")
        for text in result.false_alarms:
            print(f"  false alarm: {text}")
        print(
            f"danger_recall={result.recall:.3f} danger_precision={result.precision:.3f} "
            f"n={result.n} file={Path(name).name}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
