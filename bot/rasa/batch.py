"""Parsing many texts with a model file, through `scripts/rasa_parse.py` in the Rasa environment."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.nlu.normalize import for_model
from bot.settings import PROJECT_ROOT, Settings

SCRIPT = PROJECT_ROOT / "scripts" / "rasa_parse.py"


class BatchParseError(RuntimeError):
    """The Rasa environment could not parse the batch; the message says why."""


def parse_batch(settings: Settings, model: Path, texts: Sequence[str]) -> list[dict[str, Any]]:
    """Rasa's parse result for each text, normalised as the bot normalises it."""
    python = settings.rasa_venv / "bin" / "python"
    if not python.exists():
        raise BatchParseError(f"{python} not found: run `make install`")
    lines = "".join(json.dumps(for_model(t), ensure_ascii=False) + "\n" for t in texts)
    done = subprocess.run(  # noqa: S603 - our own script, in our own environment
        [str(python), str(SCRIPT), str(model)],
        input=lines,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        cwd=PROJECT_ROOT,
    )
    results = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or len(results) != len(texts):
        tail = done.stderr.strip().splitlines()[-5:]
        raise BatchParseError(
            f"parsing {len(texts)} texts with {model.name} failed "
            f"(exit {done.returncode}, {len(results)} results): " + " | ".join(tail)
        )
    return results


def ranking(result: dict[str, Any]) -> list[tuple[str, float]]:
    """The intent ranking of one parse result as (intent, confidence) pairs."""
    return [(str(r["name"]), float(r["confidence"])) for r in result.get("intent_ranking") or []]
