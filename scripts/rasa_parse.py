"""Parse texts with a trained Rasa model in batch: JSON lines of texts in, parse results out.

Runs in the Rasa environment (`.venv-rasa/bin/python scripts/rasa_parse.py MODEL`): the
bot's own environment has no Rasa. Used to fit the topic decision on the tuning split and
by cross-validation, where starting an HTTP server for a few hundred texts would be waste.
Reads one JSON string per line on stdin, writes one parse result per line on stdout.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


async def _main(model: str) -> int:
    # Rasa's structured logger writes to stdout: results go to a copy of the real
    # stdout, and everything else printed lands on stderr.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    for line in sys.stdin:
        if not line.strip():
            continue
        text = json.loads(line)
        result = await agent.parse_message(text)
        keep = {k: result.get(k) for k in ("intent", "intent_ranking", "entities")}
        out.write(json.dumps(keep, ensure_ascii=False, default=str) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: rasa_parse.py MODEL.tar.gz < texts.jsonl", file=sys.stderr)
        sys.exit(2)
    logging.disable(logging.WARNING)
    sys.exit(asyncio.run(_main(sys.argv[1])))
