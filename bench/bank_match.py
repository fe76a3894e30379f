"""How often the question bank finds the entry asked about: each paraphrase left out in turn.

Prints top-1 accuracy over all paraphrases, and the accuracy and coverage of the answers
above a score and a margin over the next entry, for choosing when an answer is sure.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from actions import bank


def main() -> int:
    """Leave-one-out over the bank's own paraphrases."""
    started = time.perf_counter()
    matcher = bank.BankMatcher(bank.load_bank())
    built = time.perf_counter() - started
    rows = []
    for index, entry_id, text in matcher.texts():
        service = matcher.entries[entry_id].service
        ranked = matcher.scores(text, [service], leave_out=index)[:2]
        if not ranked:
            rows.append((False, 0.0, 0.0))
            continue
        score = ranked[0][1]
        margin = (score - (ranked[1][1] if len(ranked) > 1 else 0.0)) / score if score else 0.0
        rows.append((ranked[0][0] == entry_id, score, margin))
    right = sum(ok for ok, _, _ in rows)
    print(f"bank: {len(matcher.entries)} entries, {len(rows)} texts, index built in {built:.2f}s")
    print(f"top-1 with each text left out: {right / len(rows):.3f}")
    for min_score in (4.0, 6.0, 8.0):
        for min_margin in (0.0, 0.15, 0.3):
            sure = [ok for ok, s, m in rows if s >= min_score and m >= min_margin]
            accuracy = sum(sure) / len(sure) if sure else 0.0
            coverage = len(sure) / len(rows)
            print(
                f"  score>={min_score:<4} margin>={min_margin:<4}  coverage={coverage:.3f}"
                f"  accuracy={accuracy:.3f}"
            )
    print("settings: BM25 (bm25s defaults) over bot.corpus.tokenize tokens; no threshold in use")
    return 0


if __name__ == "__main__":
    sys.exit(main())
