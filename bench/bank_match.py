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


def leave_one_out(matcher: bank.BankMatcher) -> list[tuple[bool, float, float]]:
    """(found, score, margin) for every indexed text, searched with itself left out."""
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
    return rows


def main() -> int:
    """Leave-one-out over the bank's own paraphrases, for a few weights of characters."""
    entries = bank.load_bank()
    for weight in (0.3, bank.CHAR_WEIGHT, 0.7):
        started = time.perf_counter()
        matcher = bank.BankMatcher(entries, char_weight=weight)
        built = time.perf_counter() - started
        rows = leave_one_out(matcher)
        right = sum(ok for ok, _, _ in rows)
        print(
            f"char_weight={weight}: {len(entries)} entries, {len(rows)} texts,"
            f" index built in {built:.2f}s; top-1 with each text left out:"
            f" {right / len(rows):.3f}"
        )
        if weight != bank.CHAR_WEIGHT:
            continue
        for min_score in (0.2, 0.3, 0.4):
            for min_margin in (0.0, 0.1, 0.2):
                sure = [ok for ok, s, m in rows if s >= min_score and m >= min_margin]
                accuracy = sum(sure) / len(sure) if sure else 0.0
                print(
                    f"  score>={min_score:<4} margin>={min_margin:<4}"
                    f"  coverage={len(sure) / len(rows):.3f}  accuracy={accuracy:.3f}"
                )
    print(
        "settings: char 2-3 gram and word TF-IDF cosine over texts and answers;"
        f" in use: char_weight={bank.CHAR_WEIGHT}, best_share={bank.BEST_SHARE},"
        f" top_texts={bank.TOP_TEXTS}, answer_weight={bank.ANSWER_WEIGHT}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
